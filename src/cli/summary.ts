import type { RunReport } from "../engine/run.ts";
import type { ParamSpec } from "../definition/params.ts";
import { seconds, table } from "./format.ts";
import { chaosProblems, timelineRows } from "../chaos/timeline.ts";

const MAX_FAILED_SHOWN = 20;

/** The terminal summary of a run: counts, failed tests with their messages, timings. */
export function renderSummary(report: RunReport, resultsDir: string, logsSaved: boolean): string {
  const lines: string[] = [];
  const t = report.tests?.totals;
  if (report.outcome === "error") {
    const e = report.error!;
    const what = e.interrupted ? `interrupted during the ${e.phase === "test" ? "tests" : e.phase}` : `${e.phase} failed${e.service ? ` (service ${e.service})` : ""}`;
    lines.push(`✖ ${what}: ${e.message}`);
    if (e.output) lines.push(indent(lastLines(e.output, 15)));
    if (e.hint) lines.push(`  hint: ${e.hint}`);
  } else if (t) {
    const head = report.outcome === "passed" ? "✔" : "✖";
    const parts = [`${t.passed} passed`, `${t.failed + t.errors} failed`, `${t.skipped} skipped`];
    if (t.flaky) parts.push(`${t.flaky} flaky`);
    lines.push(`${head} ${parts.join(" · ")} (${t.tests} tests)`);
  } else {
    lines.push(report.outcome === "passed" ? "✔ tests passed (exit code 0; no reports configured)" : `✖ tests failed (exit code ${report.suite?.exitCode ?? "?"})`);
  }
  for (const problem of report.tests?.problems ?? []) lines.push(`  ! ${problem.message}`);
  const failed = (report.tests?.cases ?? []).filter((c) => c.status === "failed" || c.status === "error");
  for (const c of failed.slice(0, MAX_FAILED_SHOWN)) {
    const where = c.file ? ` (${c.file}${c.line ? `:${c.line}` : ""})` : "";
    lines.push(`  ✖ ${c.suite ? `${c.suite} › ` : ""}${c.name}${where}`);
    if (c.message) lines.push(indent(lastLines(c.message, 5), "      "));
  }
  if (failed.length > MAX_FAILED_SHOWN) lines.push(`  … and ${failed.length - MAX_FAILED_SHOWN} more in ${resultsDir}/results.json`);
  if (report.outcome !== "error" && report.error) lines.push(`  ${report.error.message}`);
  if (report.chaos) {
    // The timeline after the suite: what went in, when, how, and whether it came out again.
    lines.push(`faults (seed ${report.chaos.seed}; replay with --seed ${report.chaos.seed}):`);
    lines.push(report.chaos.timeline.length ? table(timelineRows(report.chaos), "  ") : "  none scheduled");
    for (const problem of chaosProblems(report.chaos)) lines.push(`  ! ${problem}`);
  }
  const tm = report.timings;
  const timing = [
    tm.bootMs !== undefined ? `boot ${seconds(tm.bootMs)}` : undefined,
    tm.setupMs !== undefined ? `setup ${seconds(tm.setupMs)}` : undefined,
    tm.testMs !== undefined ? `tests ${seconds(tm.testMs)}` : undefined,
    tm.collectMs !== undefined ? `collect ${seconds(tm.collectMs)}` : undefined,
    tm.teardownMs !== undefined ? `teardown ${seconds(tm.teardownMs)}` : undefined,
  ].filter(Boolean);
  lines.push(`timings: ${timing.join(" · ")} · total ${seconds(tm.totalMs)}`);
  lines.push(`results: ${resultsDir}/results.json${logsSaved ? ` · logs: ${resultsDir}/logs/` : ""}`);
  return `${lines.join("\n")}\n`;
}

/** `prenv describe`: the parameters as a table, or as Markdown for a README. */
export function renderParams(specs: ParamSpec[], markdown: boolean): string {
  if (specs.length === 0) return "this definition declares no parameters\n";
  const row = (s: ParamSpec) => [
    s.name,
    s.type === "enum" ? `enum (${s.values!.join(", ")})` : s.type,
    s.default === undefined ? (s.required ? "required" : "—") : Array.isArray(s.default) ? s.default.join(",") : String(s.default),
    s.description ?? "",
  ];
  if (!markdown) return `${table([["parameter", "type", "default", "description"], ...specs.map(row)], "  ")}\n`;
  // Text cells: Markdown and HTML characters are escaped, so `<value>` stays visible on
  // GitHub. Code cells show everything as it is; only the table's "|" needs escaping there.
  const text = (t: string) => t.replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`).replace(/\n/g, " ");
  const code = (t: string) => `\`${t.replace(/\|/g, "\\|").replace(/\n/g, " ")}\``;
  return `| parameter | type | default | description |\n|---|---|---|---|\n${specs.map((s) => `| ${row(s).map((c, i) => (i < 3 ? code(c) : text(c))).join(" | ")} |`).join("\n")}\n`;
}

function lastLines(text: string, n: number): string {
  const lines = text.trimEnd().split("\n");
  return (lines.length > n ? ["…", ...lines.slice(-n)] : lines).join("\n");
}

function indent(text: string, prefix = "    "): string {
  return text.split("\n").map((l) => prefix + l).join("\n");
}
