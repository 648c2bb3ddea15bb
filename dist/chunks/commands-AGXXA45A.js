#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
const __filename = __prenvFileURLToPath(import.meta.url);
const __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  ResultsFolder,
  loadEnvironment,
  runEnvironment
} from "./chunk-XISQXPVE.js";
import "./chunk-5V6OOJVB.js";
import {
  endpointText,
  seconds,
  table
} from "./chunk-AL34ATGF.js";
import {
  parseAge
} from "./chunk-RV7YJNVH.js";
import {
  CliError,
  EXIT,
  backendFor
} from "./chunk-TCBG7P4L.js";
import {
  BootError,
  formatDiagnostic,
  up
} from "./chunk-U6YRXODP.js";
import {
  describeCheck,
  planEnvironment
} from "./chunk-FQKATZBG.js";
import {
  VERSION
} from "./chunk-MFNAOXLQ.js";
import "./chunk-E4WOXC7Y.js";
import "./chunk-4VAHO4CZ.js";
import "./chunk-LMTFRDG6.js";

// src/cli/commands.ts
import { hostname } from "node:os";
import { relative, resolve } from "node:path";

// src/cli/progress.ts
var SHOWN = {
  pending: "pending",
  pulling: "pulling",
  building: "building",
  waiting: "waiting",
  starting: "starting",
  checking: "waiting",
  ready: "ready",
  completed: "completed",
  failed: "failed"
};
var Progress = class {
  rows = /* @__PURE__ */ new Map();
  drawn = 0;
  timer;
  out;
  live;
  constructor(out, services) {
    this.out = out;
    this.live = Boolean(out.isTTY) && process.env.TERM !== "dumb";
    for (const s of services) this.rows.set(s, { phase: "pending", elapsedMs: 0, since: 0 });
    if (this.live) this.timer = setInterval(() => this.draw(), 100);
  }
  update(event) {
    const row = this.rows.get(event.service);
    if (!row) return;
    const changed = row.phase !== event.phase;
    row.elapsedMs = event.elapsedMs;
    if (changed) row.since = event.elapsedMs;
    row.phase = event.phase;
    if (event.detail !== void 0) row.detail = event.detail;
    if (!this.live && changed && event.phase !== "pending") {
      const detail = event.detail && event.phase !== "failed" ? `  ${event.detail}` : "";
      const width = Math.max(...[...this.rows.keys()].map((k) => k.length));
      this.out.write(`  ${event.service.padEnd(width)}  ${SHOWN[event.phase].padEnd(9)}  ${seconds(event.elapsedMs).padStart(6)}${detail}
`);
    }
  }
  draw() {
    const rows = [...this.rows].map(([name, r]) => {
      const done = r.phase === "ready" || r.phase === "completed" || r.phase === "failed";
      const elapsed = done ? r.elapsedMs : Date.now() - this.t0;
      const detail = r.phase === "failed" ? "" : (r.detail ?? "").slice(0, Math.max(10, (this.out.columns ?? 100) - 40));
      return [name, SHOWN[r.phase], seconds(elapsed), done ? "" : detail];
    });
    const text = table(rows, "  ");
    const up2 = this.drawn > 0 ? `\x1B[${this.drawn}A` : "";
    this.out.write(`${up2}\x1B[0J${text}
`);
    this.drawn = rows.length;
  }
  t0 = Date.now();
  stop() {
    if (this.timer) clearInterval(this.timer);
    if (this.live) this.draw();
  }
};

// src/cli/summary.ts
var MAX_FAILED_SHOWN = 20;
function renderSummary(report, resultsDir) {
  const lines = [];
  const t = report.tests?.totals;
  if (report.outcome === "error") {
    const e = report.error;
    lines.push(`\u2716 ${e.phase} failed${e.service ? ` (service ${e.service})` : ""}: ${e.message}`);
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
  const tm = report.timings;
  const timing = [
    tm.bootMs !== void 0 ? `boot ${seconds(tm.bootMs)}` : void 0,
    tm.setupMs !== void 0 ? `setup ${seconds(tm.setupMs)}` : void 0,
    tm.testMs !== void 0 ? `tests ${seconds(tm.testMs)}` : void 0,
    tm.teardownMs !== void 0 ? `teardown ${seconds(tm.teardownMs)}` : void 0
  ].filter(Boolean);
  lines.push(`timings: ${timing.join(" \xB7 ")} \xB7 total ${seconds(tm.totalMs)}`);
  lines.push(`results: ${resultsDir}/results.json \xB7 logs: ${resultsDir}/logs/`);
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

// src/cli/commands.ts
function load(opts, io) {
  const environment = loadEnvironment({
    cwd: io.cwd,
    env: io.env,
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
function planOf(environment, opts, services) {
  return planEnvironment(environment.definition, {
    ...opts.env ? { environment: opts.env } : {},
    ...services?.length ? { services } : {},
    ...environment.test?.mode === "service" ? { testService: environment.test.service } : {}
  });
}
function plan(opts, io, services) {
  return planOf(load(opts, io), opts, services);
}
function validateCommand(opts, io) {
  const { definition } = load(opts, io);
  if (opts.json) io.out.write(`${JSON.stringify({ valid: true, warnings: definition.warnings, services: Object.keys(definition.services) }, null, 2)}
`);
  else io.out.write(`${definition.files.join(", ")}: valid (${Object.keys(definition.services).length} services, ${definition.warnings.length} warnings)
`);
  return EXIT.ok;
}
function planCommand(opts, io) {
  const p = plan(opts, io, opts.services);
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
  io.out.write(`networks: ${p.networks.map((n) => n.name).join(", ")}${p.volumes.length ? `
volumes: ${p.volumes.map((v) => v.name).join(", ")}` : ""}
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
async function upCommand(opts, io) {
  const p = plan(opts, io, opts.services);
  const timeoutMs = opts.timeout ? parseAge(opts.timeout) : void 0;
  if (opts.timeout && timeoutMs === void 0) throw new CliError(`prenv: --timeout "${opts.timeout}" is not a duration; write for example 90s, 5m or 1h`, EXIT.badInput);
  const backend = await backendFor();
  const progress = opts.json ? void 0 : new Progress(io.err, p.services.map((s) => s.name));
  if (!opts.json) io.err.write(`prenv \xB7 ${p.environment} (${backend.kind})
`);
  try {
    const result = await up(p, {
      backend,
      owner: { host: hostname(), pid: process.pid },
      onEvent: (e) => progress?.update(e),
      keepOnFailure: opts.keepOnFailure ?? false,
      signal: io.signal,
      ...timeoutMs !== void 0 ? { timeoutMs } : {}
    });
    progress?.stop();
    if (opts.json) {
      io.out.write(`${JSON.stringify({ environment: result.environment, durationMs: result.durationMs, services: result.services, endpoints: result.endpoints }, null, 2)}
`);
      return EXIT.ok;
    }
    if (result.endpoints.length > 0) {
      io.out.write(`${table(result.endpoints.map((e) => [e.service, endpointText(e)]), "  ")}
`);
    }
    const first = result.endpoints[0]?.service ?? p.services[0]?.name;
    io.err.write(`ready in ${seconds(result.durationMs)} \u2014 \`prenv down${opts.env ? ` --env ${opts.env}` : ""}\` to remove${first ? `, \`prenv logs ${first} -f\` to follow` : ""}
`);
    return EXIT.ok;
  } catch (e) {
    progress?.stop();
    if (e instanceof BootError) {
      const f = e.failure;
      const lines = [`prenv: ${f.service ? `service "${f.service}" failed: ` : ""}${f.message}`];
      if (f.logTail) lines.push(`--- last lines of ${f.service} ---`, f.logTail, "---");
      if (f.hint) lines.push(`hint: ${f.hint}`);
      lines.push(e.removed ? "nothing was left behind" : `the environment was kept for inspection: \`prenv down --env ${p.environment}\` removes it`);
      if (opts.json) io.out.write(`${JSON.stringify({ environment: p.environment, error: { service: f.service, message: f.message, hint: f.hint, logTail: f.logTail }, removed: e.removed }, null, 2)}
`);
      throw new CliError(lines.join("\n"), EXIT.environmentFailed);
    }
    throw e;
  }
}
function describeCommand(opts, io) {
  const environment = load(opts, io);
  const specs = Object.values(environment.params).map((p) => p.spec);
  if (opts.json) io.out.write(`${JSON.stringify(Object.values(environment.params).map((p) => ({ ...p.spec, value: p.value ?? null, origin: p.origin ?? null })), null, 2)}
`);
  else io.out.write(renderParams(specs, opts.markdown ?? false));
  return EXIT.ok;
}
async function runCommand(opts, io, mode) {
  const environment = load(opts, io);
  if (!environment.test) throw new CliError("prenv: the definition has no test section; add `test: { command: ..., reports: ... }` to prenv.yml (see docs/prenv-yml.md)", EXIT.badInput);
  const p = planOf(environment, opts);
  const timeoutMs = opts.timeout ? parseAge(opts.timeout) : void 0;
  if (opts.timeout && timeoutMs === void 0) throw new CliError(`prenv: --timeout "${opts.timeout}" is not a duration; write for example 90s, 5m or 1h`, EXIT.badInput);
  const backend = await backendFor();
  if (mode === "test") {
    const existing = (await backend.list()).find((e) => e.environment === p.environment);
    if (!existing || existing.services.length === 0) throw new CliError(`prenv: environment "${p.environment}" is not up; start it with \`prenv up\`, or use \`prenv run\` to boot, test and tear down in one`, EXIT.environmentFailed);
  }
  const folder = new ResultsFolder(resolve(io.cwd, opts.resultsDir ?? "prenv-results"));
  await folder.reset();
  const progress = mode === "run" && !opts.json ? new Progress(io.err, p.services.map((s) => s.name)) : void 0;
  if (!opts.json) io.err.write(`prenv ${mode} \xB7 ${p.environment} (${backend.kind})
`);
  const report = await runEnvironment(environment, p, {
    backend,
    owner: { host: hostname(), pid: process.pid },
    version: VERSION,
    env: io.env,
    signal: io.signal,
    boot: mode === "run",
    teardown: mode === "run" && !opts.keep,
    keepOnFailure: opts.keepOnFailure ?? false,
    forceSetup: opts.setup ?? false,
    ...timeoutMs !== void 0 ? { bootTimeoutMs: timeoutMs } : {},
    onServiceEvent: (e) => progress?.update(e),
    onPhase: (phase) => {
      if (phase !== "boot") progress?.stop();
      if (!opts.json && phase !== "boot") io.err.write(`\xB7 ${phase}
`);
    },
    onStep: (e) => {
      if (!opts.json && e.phase !== "running") io.err.write(`  ${e.phase === "done" ? "\u2714" : "\u2716"} ${e.step.name} (${seconds(e.outcome.durationMs)})
`);
    },
    onOutput: (chunk) => {
      if (!opts.json) io.err.write(chunk);
    },
    saveLogs: (logs) => folder.writeLogs(logs)
  });
  progress?.stop();
  if (report.tests) await folder.copyReports(report.tests.reports, environment.test.workdir);
  await folder.writeJson(report);
  if (opts.json) io.out.write(`${JSON.stringify(report, null, 2)}
`);
  else io.err.write(renderSummary(report, relative(io.cwd, folder.dir) || "."));
  if (mode === "run" && opts.keep && !opts.json) io.err.write(`the environment is still up: \`prenv down --env ${p.environment}\` removes it
`);
  return report.exitCode;
}
export {
  describeCommand,
  plan,
  planCommand,
  runCommand,
  upCommand,
  validateCommand
};
