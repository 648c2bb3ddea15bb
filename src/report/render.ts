import type { Endpoint } from "../backends/backend.ts";
import { chaosProblems, faultsLine } from "../chaos/timeline.ts";
import { hostAndPort, reachableHost } from "../engine/endpoints.ts";
import type { TestCaseResult } from "../results/model.ts";
import { comparisonSection, comparisonStatus, failedGroups, noBaselineNote } from "./comparison.ts";
import { code, fenced, htmlCode, link, text } from "./markdown.ts";
import type { ReportView, ServiceRow } from "./view.ts";

/** GitHub refuses issue comments longer than this (characters). */
export const COMMENT_LIMIT = 65_536;
/** The job summary may hold 1 MiB per step; stay well under it. */
export const SUMMARY_LIMIT = 900_000;

export interface RenderOptions {
  /** The most characters the result may have. */
  limit: number;
  /** Where the reader finds what a cut section left out. */
  overflow: { label: string; url?: string };
}

// Caps per item, so that one huge log or stack trace cannot crowd out everything else.
const MAX_EXCERPT_LINES = 40;
const MAX_EXCERPT_CHARS = 3_000;
const MAX_ERROR_LINES = 60;
const MAX_ERROR_CHARS = 6_000;
const MAX_SERVICE_ROWS = 60;
const MAX_PROBLEMS = 10;
const MAX_REPRO_CHARS = 6_000;

interface Section {
  /** The section as it should be. */
  full: string;
  /** A shorter stand-in (a pointer to the full report) when the whole would not fit. */
  short?: string;
}

/**
 * The report as Markdown: the pull request comment (with `limit: COMMENT_LIMIT` less
 * the marker) and the job summary. Pure; every piece of text that came from the pull
 * request goes through the escaping helpers of markdown.ts.
 */
export function renderReport(view: ReportView, options: RenderOptions): string {
  const pointer = options.overflow.url ? link(text(options.overflow.label), options.overflow.url) : text(options.overflow.label);
  const before: Section[] = [{ full: `${title(view)}\n${statusLine(view)}` }];
  const problem = problemSection(view);
  if (problem) before.push(problem);
  const preview = previewSection(view);
  if (preview) before.push(preview);
  if (view.services.length > 0) before.push(serviceTable(view, pointer));
  // Beside the failed tests: what the environment went through while they ran.
  const faults = faultsSection(view);
  if (faults) before.push(faults);
  const after: Section[] = [];
  const compared = comparisonSection(view, duration);
  if (compared) after.push({ full: compared });
  const problems = reportProblems(view, pointer);
  if (problems) after.push(problems);
  const counts = countsLine(view);
  if (counts) after.push({ full: counts });
  const timings = timingsLine(view);
  if (timings) after.push({ full: timings });
  if (view.reproduction) after.push(reproSection(view.reproduction, pointer));
  const noBaseline = noBaselineNote(view);
  const notes = [...(noBaseline ? [noBaseline] : []), ...view.notes].map((n) => `> ${text(n)}`).join("\n");
  if (notes) after.push({ full: notes });
  after.push({ full: footer(view) });

  const failed = failedCases(view);
  const join = (sections: string[]) => sections.filter((s) => s !== "").join("\n\n");
  const fixed = [...before, ...after];
  // Shorten the fixed sections, most detailed first, until the failed tests have room.
  const chosen = fixed.map((s) => s.full);
  const moreLine = (n: number) => `<sub>… ${n} more failed test${n === 1 ? "" : "s"} not shown here: see ${pointer}.</sub>`;
  const reserve = failed.length > 0 ? moreLine(failed.length).length + 200 : 0;
  const order = fixed.map((s, i) => ({ s, i })).filter(({ s }) => s.short !== undefined).sort((a, b) => b.s.full.length - a.s.full.length);
  for (const { s, i } of order) {
    if (join(chosen).length + reserve <= options.limit) break;
    chosen[i] = s.short!;
  }
  const head = chosen.slice(0, before.length);
  const tail = chosen.slice(before.length);

  if (failed.length > 0) {
    // New failures first, when the run was compared with its base branch.
    const parts: string[] = [];
    let used = join([...head, ...tail]).length + reserve;
    let shown = 0;
    for (const group of failedGroups(view, failed)) {
      const heading = `**${group.heading}** (${group.cases.length})`;
      if (used + heading.length + 2 > options.limit) break;
      parts.push(heading);
      used += heading.length + 2;
      let full = true;
      for (const c of group.cases) {
        const block = failedBlock(c);
        if (used + block.length + 2 > options.limit) {
          full = false;
          break;
        }
        parts.push(block);
        used += block.length + 2;
        shown++;
      }
      if (!full) break;
    }
    const rest = failed.length - shown;
    const section = [...parts, ...(rest > 0 ? [moreLine(rest)] : [])].join("\n\n");
    return fit(join([...head, section, ...tail]), options.limit, pointer);
  }
  return fit(join([...head, ...tail]), options.limit, pointer);
}

/** Last resort: a hard cut with a pointer, never past the limit. */
function fit(markdown: string, limit: number, pointer: string): string {
  if (markdown.length <= limit) return `${markdown}\n`;
  const tailText = `\n\n<sub>… cut to fit: the full report is in ${pointer}.</sub>\n`;
  let cut = markdown.slice(0, Math.max(0, limit - tailText.length));
  // Never leave a code block or a <details> open: cut before the one that is.
  const open = openConstructAt(cut);
  if (open !== undefined) cut = cut.slice(0, open);
  return `${cut.trimEnd()}${tailText}`;
}

/** Where the code fence or `<details>` still open at the end of `markdown` starts. */
function openConstructAt(markdown: string): number | undefined {
  let fence: { ticks: number; at: number } | undefined;
  let details: number | undefined;
  let offset = 0;
  for (const line of markdown.split("\n")) {
    const ticks = /^(`{3,})(.*)$/.exec(line);
    if (fence) {
      if (ticks && ticks[1]!.length >= fence.ticks && ticks[2]!.trim() === "") fence = undefined;
    } else if (ticks) {
      fence = { ticks: ticks[1]!.length, at: offset };
    } else if (line.startsWith("<details>")) {
      details = offset;
    } else if (line.startsWith("</details>")) {
      details = undefined;
    }
    offset += line.length + 1;
  }
  if (details !== undefined) return details;
  return fence?.at;
}

function title(view: ReportView): string {
  const name = `prenv · ${text(view.title)}`;
  switch (view.status) {
    case "booting":
      return `### ⏳ ${name} — booting the environment`;
    case "testing":
      return `### ⏳ ${name} — environment ready, running setup and tests`;
    case "up":
      return `### 🟢 ${name} — environment up`;
    case "preview":
      if (view.preview?.failed) return `### ⚠️ ${name} — preview update failed; the previous version still serves`;
      return `### 🔎 ${name} — preview ${view.preview?.updated ? "updated" : "up"}`;
    case "not-started":
      return `### ⚠️ ${name} — not started`;
    case "interrupted":
      return `### ⚠️ ${name} — interrupted`;
    case "removed":
      return `### 🧹 ${name} — environment removed`;
    case "finished":
      return `### ${outcomeHeadline(view, name)}`;
  }
}

function outcomeHeadline(view: ReportView, name: string): string {
  const run = view.run!;
  const t = run.tests?.totals;
  if (run.outcome === "error") {
    const phase = run.error?.phase ?? "boot";
    const what = phase === "boot" ? "the environment did not boot" : phase === "setup" ? "setup failed" : phase === "teardown" ? "teardown failed" : "the environment failed during the tests";
    return `⚠️ ${name} — ${what}`;
  }
  if (run.outcome === "passed") return `✅ ${name} — ${t ? `${t.tests - t.skipped} of ${t.tests} tests passed` : "tests passed"}`;
  if (t && t.failed + t.errors > 0) return `❌ ${name} — ${t.failed + t.errors} of ${t.tests} tests failed`;
  return `❌ ${name} — tests failed`;
}

function statusLine(view: ReportView): string {
  const compared = comparisonStatus(view);
  const parts = [...(compared ? [compared] : []), code(view.commit.slice(0, 7))];
  const timings = view.run?.timings;
  if (view.status === "booting" && view.elapsedMs !== undefined) parts.push(`booting for ${duration(view.elapsedMs)}`);
  const bootFailed = view.run?.outcome === "error" && view.run.error?.phase === "boot";
  if (timings?.bootMs !== undefined) parts.push(`${bootFailed ? "boot stopped after" : "booted in"} ${duration(timings.bootMs)}`);
  if (timings?.testMs !== undefined) parts.push(`tests ${duration(timings.testMs)}`);
  parts.push(`environment ${code(view.environment)}`);
  if (view.links.run) parts.push(link(text(view.links.run.label), view.links.run.url));
  if (view.links.summary) parts.push(link("job summary", view.links.summary));
  return parts.join(" · ");
}

function problemSection(view: ReportView): Section | undefined {
  const p = view.problem ?? (view.run?.error ? { message: view.run.error.message, detail: view.run.error.output, hint: view.run.error.hint, service: view.run.error.service, phase: view.run.error.phase } : undefined);
  if (!p) return undefined;
  const service = "service" in p && p.service ? ` in service ${code(p.service)}` : "";
  const phase =
    "heading" in p && p.heading
      ? `**${text(p.heading)}**${service}:`
      : "phase" in p && p.phase
        ? `**${p.phase === "test" ? "During the tests" : `${p.phase[0]!.toUpperCase()}${p.phase.slice(1)} failed`}**${service}:`
        : "**Problem:**";
  const lines = [phase, fenced(p.message)];
  const detail = p.detail ? lastLines(p.detail, MAX_ERROR_LINES, MAX_ERROR_CHARS) : undefined;
  if (detail) lines.push(["<details><summary>Output</summary>", "", fenced(detail), "", "</details>"].join("\n"));
  if (p.hint) lines.push(`Hint: ${text(p.hint)}`);
  return { full: lines.join("\n\n"), short: [phase, fenced(firstChars(p.message, 1_000))].join("\n\n") };
}

/** A preview: where to open it, what this push changed, when it goes; or that it is gone. */
function previewSection(view: ReportView): Section | undefined {
  const p = view.preview;
  if (!p) return undefined;
  const deployment = p.deployment ? ` · deployment ${code(p.deployment)}` : "";
  if (view.status === "removed") {
    return { full: `**Preview removed**: the environment ${code(view.environment)} is gone${p.deployment ? ` and deployment ${code(p.deployment)} is marked inactive` : ""}.` };
  }
  const state = p.failed ? `not updated: ${code(p.failed.service)} of this push did not come up, so the previous version still serves` : p.updated ? "updated by this push" : "created";
  const head = `**Preview** ${state}${p.expires ? ` · expires ${text(p.expires.replace(/\.\d+Z$/, "Z"))} unless a push renews it` : ""}${deployment}`;
  // Kubernetes has no lasting direct address (see PreviewUrl.direct): no such column then.
  const direct = p.urls.some((u) => u.direct !== undefined);
  const urls =
    p.urls.length > 0
      ? [
          `| service | URL |${direct ? " direct (engine host) |" : ""}`,
          `|---|---|${direct ? "---|" : ""}`,
          ...p.urls.map((u) => `| ${code(u.service, { cell: true })} | ${link(text(u.url.replace(/^https?:\/\//, "")), u.url)} |${direct ? ` ${code(u.direct ?? "", { cell: true })} |` : ""}`),
        ].join("\n")
      : "No service publishes a TCP port, so the preview has no URL.";
  const verb = { create: "created", recreate: "recreated", remove: "removed", unchanged: "unchanged" } as const;
  const changed = p.operations.filter((o) => o.kind !== "unchanged");
  const kept = p.operations.filter((o) => o.kind === "unchanged");
  const ops = [
    ...changed.map((o) => `- ${code(o.service)} ${verb[o.kind]}${o.kind === "recreate" ? `: ${text(o.reason)}` : ""}`),
    ...(kept.length > 0 ? [`- unchanged, same containers and data: ${kept.map((o) => code(o.service)).join(", ")}`] : []),
  ];
  const restored = p.failed && p.failed.restored.length > 0 ? [`- running again as before the push: ${p.failed.restored.map((s) => code(s)).join(", ")}`] : [];
  const what = p.failed
    ? `**This push tried**\n${[...ops, ...restored].join("\n")}`
    : p.updated
      ? `**This push changed**${changed.length === 0 ? " nothing: no container was replaced" : ""}\n${ops.join("\n")}`
      : "";
  return { full: [head, urls, what].filter((x) => x !== "").join("\n\n"), short: [head, urls].join("\n\n") };
}

function serviceTable(view: ReportView, pointer: string): Section {
  const endpointsOf = (s: ServiceRow) => view.endpoints.filter((e) => e.service === s.name);
  const row = (s: ServiceRow) => `| ${code(s.name, { cell: true })} | ${imageCell(s)} | ${stateCell(s)} | ${endpointsOf(s).map(endpointCell).join("<br>") || "—"} |`;
  const header = "| service | image | state | endpoint |\n|---|---|---|---|";
  const rows = view.services.slice(0, MAX_SERVICE_ROWS).map(row);
  const more = view.services.length - rows.length;
  const full = `${header}\n${rows.join("\n")}${more > 0 ? `\n\n<sub>… ${more} more services: see ${pointer}.</sub>` : ""}`;
  return { full, short: `<sub>${view.services.length} services: the table is in ${pointer}.</sub>` };
}

function imageCell(s: ServiceRow): string {
  if (s.digest) {
    const at = s.digest.indexOf("@");
    const digest = at >= 0 ? s.digest.slice(at + 1) : s.digest;
    return code(`${s.image}@${shortDigest(digest)}`, { cell: true });
  }
  if (s.imageId) return `${code(s.image, { cell: true })} (local ${code(shortDigest(s.imageId), { cell: true })})`;
  return code(s.image, { cell: true });
}

function shortDigest(digest: string): string {
  const m = /^(sha256:)?([0-9a-f]{12})[0-9a-f]*$/.exec(digest);
  return m ? `sha256:${m[2]}` : digest;
}

function stateCell(s: ServiceRow): string {
  const state = text(s.state);
  return s.readyMs !== undefined ? `${state} ${duration(s.readyMs)}` : state;
}

function endpointCell(e: Endpoint): string {
  return code(`${hostAndPort(reachableHost(e.hostIp), e.hostPort)} → ${e.containerPort}/${e.protocol}`, { cell: true });
}

function failedCases(view: ReportView): TestCaseResult[] {
  return (view.run?.tests?.cases ?? []).filter((c) => c.status === "failed" || c.status === "error");
}

function failedBlock(c: TestCaseResult): string {
  const name = [c.suite, c.name].filter((p) => p !== "").join(" › ");
  const where = c.file ? ` ${htmlCode(`${c.file}${c.line ? `:${c.line}` : ""}`)}` : "";
  const kind = c.status === "error" ? " (error)" : "";
  const excerpt = excerptOf(c);
  return [`<details><summary>❌ ${htmlCode(name)}${where}${kind}</summary>`, "", fenced(excerpt || "(the report gives no message)"), "", "</details>"].join("\n");
}

/** The message, then the stack when it says more, cut to a readable size. */
function excerptOf(c: TestCaseResult): string {
  const parts: string[] = [];
  if (c.message) parts.push(c.message.trim());
  if (c.stack && !(c.message && c.stack.trim() === c.message.trim())) parts.push(c.stack.trim());
  if (c.output) parts.push(`--- output ---\n${lastLines(c.output, 10, 1_000)}`);
  return firstLines(parts.join("\n\n"), MAX_EXCERPT_LINES, MAX_EXCERPT_CHARS);
}

function reportProblems(view: ReportView, pointer: string): Section | undefined {
  const problems = view.run?.tests?.problems ?? [];
  if (problems.length === 0) return undefined;
  const shown = problems.slice(0, MAX_PROBLEMS).map((p) => `- ${code(p.message)}`);
  if (problems.length > MAX_PROBLEMS) shown.push(`- … ${problems.length - MAX_PROBLEMS} more in ${pointer}`);
  return { full: `**Report problems** (these never count as green)\n\n${shown.join("\n")}`, short: `**Report problems**: ${problems.length}, listed in ${pointer}.` };
}

function faultsSection(view: ReportView): Section | undefined {
  const chaos = view.run?.chaos;
  if (!chaos) return undefined;
  const problems = chaosProblems(chaos).map((p) => `> ⚠️ ${text(p)}`);
  const line = text(faultsLine(chaos));
  return { full: [line, ...problems].join("\n"), short: problems.length ? `${text(`Faults (seed ${chaos.seed})`)}: ${problems.length} could not be applied or undone; see results.json` : `${text(`Faults: ${chaos.timeline.length} (seed ${chaos.seed})`)}; the timeline is in results.json` };
}

function countsLine(view: ReportView): string | undefined {
  const t = view.run?.tests?.totals;
  if (!t) return undefined;
  const parts = [`${t.passed} passed`, `${t.failed} failed`];
  if (t.errors) parts.push(`${t.errors} errors`);
  parts.push(`${t.skipped} skipped`, `${t.flaky} flaky${t.flaky ? " (passed on a retry)" : ""}`);
  return `**Tests** ${parts.join(" · ")}`;
}

function timingsLine(view: ReportView): string | undefined {
  const t = view.run?.timings;
  if (!t) return undefined;
  const parts = [
    t.bootMs !== undefined ? `boot ${duration(t.bootMs)}` : undefined,
    t.setupMs !== undefined ? `setup ${duration(t.setupMs)}` : undefined,
    t.testMs !== undefined ? `tests ${duration(t.testMs)}` : undefined,
    t.teardownMs !== undefined ? `teardown ${duration(t.teardownMs)}` : undefined,
    `total ${duration(t.totalMs)}`,
  ].filter((p) => p !== undefined);
  return `**Timings** ${parts.join(" · ")}`;
}

function reproSection(repro: NonNullable<ReportView["reproduction"]>, pointer: string): Section {
  const notes = repro.notes.map((n) => `- ${text(n)}`).join("\n");
  const full = ["**Reproduce locally**", fenced(repro.command, "bash"), ...(notes ? [notes] : [])].join("\n");
  const short = `**Reproduce locally**: the command is too long for this comment; it is in ${pointer}.`;
  return repro.command.length > MAX_REPRO_CHARS ? { full: short } : { full, short };
}

function footer(view: ReportView): string {
  const parts: string[] = [];
  const fate = view.fate;
  switch (fate.state) {
    case "up":
      parts.push(view.preview ? "The preview stays up until the pull request is closed or it expires." : "The environment is up for the rest of the job; the post step removes it.");
      break;
    case "kept":
      parts.push(`The environment was kept (${text(fate.reason)}); the post step removes it when the job ends.`);
      break;
    case "torn-down": {
      const by = { run: "after the tests", "post step": "by the post step", down: "on request", "pull request closed": "because the pull request was closed" }[fate.by];
      const counts = fate.removed ? ` (${fate.removed.containers} containers, ${fate.removed.networks} networks, ${fate.removed.volumes} volumes)` : "";
      parts.push(`Environment torn down ${by}${fate.durationMs !== undefined ? ` in ${duration(fate.durationMs)}` : ""}${counts}.`);
      break;
    }
    case "teardown-failed":
      parts.push(`Teardown failed: ${text(fate.message)}; the post step tries again.`);
      break;
    case "none":
      break;
  }
  const artifact = view.links.artifact;
  if (artifact?.url) parts.push(`Logs of every service and results.json: artifact ${link(text(artifact.name), artifact.url)}.`);
  else if (artifact?.problem) parts.push(`The logs artifact ${text(artifact.name)} could not be uploaded: ${text(artifact.problem)}.`);
  else if (artifact) parts.push(`Logs of every service and results.json: artifact ${text(artifact.name)}.`);
  return parts.length > 0 ? `<sub>${parts.join(" ")}</sub>` : "";
}

/** "0.8 s", "12 s", "1 m 41 s". */
export function duration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} m ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} m`;
}

function firstLines(value: string, lines: number, chars: number): string {
  const all = value.split("\n");
  let out = all.slice(0, lines).join("\n");
  if (out.length > chars) out = out.slice(0, chars);
  return out.length < value.length ? `${out}\n…` : out;
}

function lastLines(value: string, lines: number, chars: number): string {
  const all = value.trimEnd().split("\n");
  let out = all.slice(-lines).join("\n");
  if (out.length > chars) out = out.slice(-chars);
  return out.length < value.trimEnd().length ? `…\n${out}` : out;
}

function firstChars(value: string, chars: number): string {
  return value.length > chars ? `${value.slice(0, chars)}…` : value;
}

/** Starts the note that a removal adds to an existing comment; never in escaped text, where `<!` is broken. */
const REMOVAL_MARKER = "<!-- prenv:removed -->";

/**
 * The comment of an earlier run, with a note that its environment is gone now (down, or
 * the pull request was closed). The earlier content stays; a previous note is replaced.
 */
export function appendRemoval(markdown: string, fate: Extract<ReportView["fate"], { state: "torn-down" }>, at: string): string {
  const cut = markdown.indexOf(`\n${REMOVAL_MARKER}`);
  const kept = (cut >= 0 ? markdown.slice(0, cut) : markdown).trimEnd().replace(/\n---$/, "").trimEnd();
  const why = fate.by === "pull request closed" ? "the pull request was closed" : fate.by === "down" ? "the workflow asked for it" : "the job ended";
  const counts = fate.removed ? `${fate.removed.containers} containers, ${fate.removed.networks} networks, ${fate.removed.volumes} volumes` : "nothing was left";
  return `${kept}\n\n---\n${REMOVAL_MARKER}\n🧹 **Environment removed** because ${why} (${counts}) · ${text(at)}\n`;
}
