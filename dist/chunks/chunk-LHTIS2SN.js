#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  seconds,
  table
} from "./chunk-K4SPQIM2.js";
import {
  REPORTS_DIR_PLACEHOLDER,
  REPORTS_DIR_VARIABLE,
  loadEnvironment
} from "./chunk-BUFHHKZP.js";
import {
  chaosProblems,
  timelineRows
} from "./chunk-AF45ALV4.js";
import {
  MASK
} from "./chunk-6CJPBSLS.js";
import {
  EXIT
} from "./chunk-DWDKV2LS.js";
import {
  DefinitionError,
  describeCheck,
  formatDiagnostic,
  planEnvironment
} from "./chunk-YMOYOOXC.js";

// src/cli/summary.ts
var MAX_FAILED_SHOWN = 20;
function renderSummary(report, resultsDir, logsSaved) {
  const lines = [];
  const t = report.tests?.totals;
  if (report.outcome === "error") {
    const e = report.error;
    const what = e.interrupted ? `interrupted during the ${e.phase === "test" ? "tests" : e.phase}` : `${e.phase} failed${e.service ? ` (service ${e.service})` : ""}`;
    lines.push(`\u2716 ${what}: ${e.message}`);
    if (e.output) lines.push(indent(lastLines(e.output, 15)));
    if (e.hint) lines.push(`  hint: ${e.hint}`);
  } else if (t) {
    const head = report.outcome === "passed" ? "\u2714" : "\u2716";
    const parts = [`${t.passed} passed`, `${t.failed + t.errors} failed`, `${t.skipped} skipped`];
    if (t.flaky) parts.push(`${t.flaky} flaky`);
    lines.push(`${head} ${parts.join(" \xB7 ")} (${t.tests} tests)`);
  } else {
    lines.push(report.outcome === "passed" ? "\u2714 tests passed (exit code 0; no reports configured)" : `\u2716 tests failed (exit code ${report.suite?.exitCode ?? "?"})`);
  }
  for (const problem of report.tests?.problems ?? []) lines.push(`  ! ${problem.message}`);
  const failed = (report.tests?.cases ?? []).filter((c) => c.status === "failed" || c.status === "error");
  for (const c of failed.slice(0, MAX_FAILED_SHOWN)) {
    const where = c.file ? ` (${c.file}${c.line ? `:${c.line}` : ""})` : "";
    lines.push(`  \u2716 ${c.suite ? `${c.suite} \u203A ` : ""}${c.name}${where}`);
    if (c.message) lines.push(indent(lastLines(c.message, 5), "      "));
  }
  if (failed.length > MAX_FAILED_SHOWN) lines.push(`  \u2026 and ${failed.length - MAX_FAILED_SHOWN} more in ${resultsDir}/results.json`);
  if (report.outcome !== "error" && report.error) lines.push(`  ${report.error.message}`);
  if (report.chaos) {
    lines.push(`faults (seed ${report.chaos.seed}; replay with --seed ${report.chaos.seed}):`);
    lines.push(report.chaos.timeline.length ? table(timelineRows(report.chaos), "  ") : "  none scheduled");
    for (const problem of chaosProblems(report.chaos)) lines.push(`  ! ${problem}`);
  }
  const tm = report.timings;
  const timing = [
    tm.bootMs !== void 0 ? `boot ${seconds(tm.bootMs)}` : void 0,
    tm.setupMs !== void 0 ? `setup ${seconds(tm.setupMs)}` : void 0,
    tm.testMs !== void 0 ? `tests ${seconds(tm.testMs)}` : void 0,
    tm.collectMs !== void 0 ? `collect ${seconds(tm.collectMs)}` : void 0,
    tm.teardownMs !== void 0 ? `teardown ${seconds(tm.teardownMs)}` : void 0
  ].filter(Boolean);
  lines.push(`timings: ${timing.join(" \xB7 ")} \xB7 total ${seconds(tm.totalMs)}`);
  lines.push(`results: ${resultsDir}/results.json${logsSaved ? ` \xB7 logs: ${resultsDir}/logs/` : ""}`);
  return `${lines.join("\n")}
`;
}
function renderParams(specs, markdown) {
  if (specs.length === 0) return "this definition declares no parameters\n";
  const row = (s) => [
    s.name,
    s.type === "enum" ? `enum (${s.values.join(", ")})` : s.type,
    s.default === void 0 ? s.required ? "required" : "\u2014" : Array.isArray(s.default) ? s.default.join(",") : String(s.default),
    s.description ?? ""
  ];
  if (!markdown) return `${table([["parameter", "type", "default", "description"], ...specs.map(row)], "  ")}
`;
  const text = (t) => t.replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`).replace(/\n/g, " ");
  const code = (t) => `\`${t.replace(/\|/g, "\\|").replace(/\n/g, " ")}\``;
  return `| parameter | type | default | description |
|---|---|---|---|
${specs.map((s) => `| ${row(s).map((c, i) => i < 3 ? code(c) : text(c)).join(" | ")} |`).join("\n")}
`;
}
function lastLines(text, n) {
  const lines = text.trimEnd().split("\n");
  return (lines.length > n ? ["\u2026", ...lines.slice(-n)] : lines).join("\n");
}
function indent(text, prefix = "    ") {
  return text.split("\n").map((l) => prefix + l).join("\n");
}

// src/cli/definition-commands.ts
function load(opts, io, reportsDir = REPORTS_DIR_PLACEHOLDER) {
  const environment = loadEnvironment({
    cwd: io.cwd,
    env: { ...io.env, [REPORTS_DIR_VARIABLE]: reportsDir },
    ...opts.definition ? { definition: opts.definition } : {},
    ...opts.set?.length ? { set: opts.set } : {},
    ...opts.paramsFile?.length ? { paramsFiles: opts.paramsFile } : {},
    ...opts.file?.length ? { files: opts.file } : {},
    ...opts.envFile?.length ? { envFiles: opts.envFile } : {},
    ...opts.profile?.length ? { profiles: opts.profile } : {},
    ...opts.projectName ? { projectName: opts.projectName } : {}
  });
  for (const w of environment.definition.warnings) io.err.write(`${formatDiagnostic(w)}
`);
  return environment;
}
function planOf(environment, opts, services, pins) {
  return planEnvironment(environment.definition, {
    ...opts.env ? { environment: opts.env } : {},
    ...services?.length ? { services } : {},
    ...environment.test?.mode === "service" ? { testService: environment.test.service } : {},
    ...pins ? { pins } : {}
  });
}
function plan(opts, io, services) {
  return planOf(load(opts, io), opts, services);
}
function refused(e, opts, io) {
  const n = e.diagnostics.length;
  if (opts.json) io.out.write(`${JSON.stringify({ valid: false, errors: e.diagnostics, warnings: e.warnings }, null, 2)}
`);
  io.err.write(`${e.report()}
prenv: the definition has ${n} error${n === 1 ? "" : "s"}
`);
  return EXIT.badInput;
}
function validateCommand(opts, io) {
  let environment;
  try {
    environment = load(opts, io);
  } catch (e) {
    if (e instanceof DefinitionError) return refused(e, opts, io);
    throw e;
  }
  planOf(environment, opts);
  const { definition } = environment;
  if (opts.json) io.out.write(`${JSON.stringify({ valid: true, warnings: definition.warnings, services: Object.keys(definition.services) }, null, 2)}
`);
  else io.out.write(`${definition.files.join(", ")}: valid (${Object.keys(definition.services).length} services, ${definition.warnings.length} warnings)
`);
  return EXIT.ok;
}
function planCommand(opts, io) {
  let p;
  try {
    p = plan(opts, io, opts.services);
  } catch (e) {
    if (e instanceof DefinitionError) return refused(e, opts, io);
    throw e;
  }
  if (opts.json) {
    io.out.write(`${JSON.stringify(planJson(p), null, 2)}
`);
    return EXIT.ok;
  }
  io.out.write(`prenv plan \xB7 ${p.environment} (project ${p.project}, definition ${p.definitionHash})
`);
  const rows = [["service", "image", "after", "ready when", "ports"]];
  for (const s of p.services) {
    rows.push([
      s.name,
      `${s.build ? "build \u2192 " : ""}${s.image}`,
      Object.entries(s.dependsOn).map(([d, c]) => `${d}${c.condition === "service_healthy" ? " (healthy)" : c.condition === "service_completed_successfully" ? " (completed)" : ""}`).join(", ") || "\u2014",
      s.readiness.map(describeCheck).join(" and "),
      s.ports.map((port) => `${port.published ? `${port.hostIp ?? "127.0.0.1"}:${port.published}` : "random"} -> ${port.target}/${port.protocol}`).join(", ") || "\u2014"
    ]);
  }
  io.out.write(`${table(rows, "  ")}
`);
  const named = (o) => o.externalName ? `${o.key} (external: ${o.externalName})` : o.key;
  io.out.write(`networks: ${p.networks.map(named).join(", ")}${p.volumes.length ? `
volumes: ${p.volumes.map(named).join(", ")}` : ""}
`);
  return EXIT.ok;
}
function planJson(p) {
  return {
    environment: p.environment,
    project: p.project,
    definitionHash: p.definitionHash,
    files: p.files,
    services: p.services.map((s) => ({
      name: s.name,
      image: s.image,
      build: s.spec.build ?? null,
      level: s.level,
      dependsOn: s.dependsOn,
      readiness: s.readiness,
      ports: s.ports,
      networks: Object.keys(s.spec.networks).length ? Object.keys(s.spec.networks) : ["default"]
    })),
    networks: p.networks,
    volumes: p.volumes
  };
}
function describeCommand(opts, io) {
  const environment = load(opts, io);
  const specs = Object.values(environment.params).map((p) => p.spec);
  if (opts.json) io.out.write(`${JSON.stringify(Object.values(environment.params).map((p) => ({ ...p.spec, secret: p.secret, value: p.value === void 0 ? null : p.secret ? MASK : p.value, origin: p.origin ?? null })), null, 2)}
`);
  else io.out.write(renderParams(specs, opts.markdown ?? false));
  return EXIT.ok;
}

export {
  renderSummary,
  load,
  planOf,
  plan,
  validateCommand,
  planCommand,
  describeCommand
};
