#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  load,
  plan,
  planOf,
  renderSummary
} from "./chunk-LHTIS2SN.js";
import {
  endpointText,
  seconds,
  table
} from "./chunk-K4SPQIM2.js";
import {
  ResultsFolder,
  UpdateError,
  buildManifest,
  formatOperations,
  formatSchedule,
  imageDifferences,
  localSource,
  overrideTest,
  pathInRepository,
  planUpdate,
  repositoryRoot,
  reproductionLine,
  runEnvironment,
  secretValues,
  upOrUpdate
} from "./chunk-XVOVKOVD.js";
import {
  REPORTS_DIR_VARIABLE,
  createReportsDir
} from "./chunk-BUFHHKZP.js";
import {
  at,
  chaosNeeds
} from "./chunk-AF45ALV4.js";
import {
  parseAge
} from "./chunk-EPXBT6ZG.js";
import {
  shellQuote
} from "./chunk-GMD6ZPTA.js";
import {
  Redactor
} from "./chunk-6CJPBSLS.js";
import {
  definedFields
} from "./chunk-MWVYT2RV.js";
import {
  CliError,
  EXIT,
  backendFor
} from "./chunk-DWDKV2LS.js";
import {
  BootError
} from "./chunk-47MIETJC.js";
import {
  VERSION
} from "./chunk-VDOGPAC4.js";
import {
  escapeRegExp
} from "./chunk-YMOYOOXC.js";
import {
  UnsupportedError,
  requireFaultSupport
} from "./chunk-MABPSUXQ.js";

// src/cli/commands.ts
import { hostname } from "node:os";
import { join, relative, resolve } from "node:path";

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
    const up = this.drawn > 0 ? `\x1B[${this.drawn}A` : "";
    this.out.write(`${up}\x1B[0J${text}
`);
    this.drawn = rows.length;
  }
  t0 = Date.now();
  stopped = false;
  /**
   * Draws the final state once. Later calls do nothing: a redraw moves the cursor up over
   * the block, and after the boot other output (the suite's, the phases) is below it.
   */
  stop() {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.live) this.draw();
  }
};

// src/repro/selection.ts
var PYTEST_PLUGIN = `# Written by prenv for a run with a selection of tests: keeps only the named ones.
import json
import os


def pytest_collection_modifyitems(config, items):
    wanted = set(json.loads(os.environ.get("PRENV_TEST_SELECTION", "[]")))
    if not wanted:
        return
    keep = [item for item in items if item.name in wanted or item.nodeid in wanted]
    drop = [item for item in items if item.name not in wanted and item.nodeid not in wanted]
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
`;
var PYTEST_PLUGIN_MODULE = "prenv_select";
var DETECT = [
  ["pytest", /(^|[\s/;&|(])(py\.test|pytest)(\s|$)|python3?\s+-m\s+pytest\b/],
  ["vitest", /(^|[\s/;&|(])vitest(\s|$)/],
  ["jest", /(^|[\s/;&|(])jest(\s|$)/],
  ["go", /(^|[\s;&|(])go\s+test\b/],
  ["maven", /(^|[\s/;&|(])(mvn|mvnw)(\s|$)/],
  ["node", /(^|[\s/;&|(])['"]?[^\s'"]*node['"]?\s+(?:[^;&|]*\s)?--test(\s|=|$)/]
];
function detectRunner(text) {
  return DETECT.find(([, re]) => re.test(text))?.[0];
}
var NPM_SCRIPT = /^\s*(npm|pnpm|yarn)(\s+run)?\s+([A-Za-z0-9:_.-]+)\s*$/;
function selectTests(command, tests, options = {}) {
  const env = { PRENV_TEST_SELECTION: JSON.stringify(tests.map((t) => t.name)) };
  const shell = command.length === 3 && /(^|\/)(ba|z|da)?sh$/.test(command[0]) && command[1] === "-c";
  const text = shell ? command[2] : command.join(" ");
  const npm = NPM_SCRIPT.exec(text);
  const script = npm ? options.readScript?.(npm[3] === "test" && !npm[2] ? "test" : npm[3]) : void 0;
  const runner = options.runner ?? detectRunner(text) ?? (script !== void 0 ? detectRunner(script) : void 0);
  if (!runner) return { runner, env, command, files: {}, how: "PRENV_TEST_SELECTION only: prenv does not recognise the test runner (set test.runner)" };
  const names = tests.map((t) => t.name);
  const pattern = `^(${names.map(escapeRegExp).join("|")})$`;
  switch (runner) {
    case "node": {
      const flags = names.map((n) => `--test-name-pattern="${`^${escapeRegExp(n)}$`.replace(/["\\]/g, "\\$&")}"`).join(" ");
      env.NODE_OPTIONS = [options.env?.NODE_OPTIONS, flags].filter(Boolean).join(" ");
      return { runner, env, command, files: {}, how: "node:test --test-name-pattern (through NODE_OPTIONS)" };
    }
    case "pytest": {
      const dir = options.scratchDir ?? ".prenv";
      env.PYTHONPATH = [dir, options.env?.PYTHONPATH].filter(Boolean).join(":");
      env.PYTEST_ADDOPTS = [options.env?.PYTEST_ADDOPTS, `-p ${PYTEST_PLUGIN_MODULE}`].filter(Boolean).join(" ");
      return { runner, env, command, files: { [`${dir}/${PYTEST_PLUGIN_MODULE}.py`]: PYTEST_PLUGIN }, how: "a pytest plugin that deselects the other tests (through PYTEST_ADDOPTS)" };
    }
    case "jest":
    case "vitest":
      return insert(runner, env, command, shell, text, npm !== null && script !== void 0, ["-t", pattern], `${runner} -t`);
    case "go": {
      const top = [...new Set(names.map((n) => n.split("/")[0]))];
      return insert(runner, env, command, shell, text, false, ["-run", `^(${top.map(escapeRegExp).join("|")})$`], "go test -run");
    }
    case "maven": {
      const byClass = /* @__PURE__ */ new Map();
      for (const t of tests) byClass.set(t.suite ?? "*", [...byClass.get(t.suite ?? "*") ?? [], t.name.replace(/\(.*$/, "")]);
      const spec = [...byClass].map(([cls, methods]) => `${cls}#${methods.join("+")}`).join(",");
      return insert(runner, env, command, shell, text, false, [`-Dtest=${spec}`, "-Dsurefire.failIfNoSpecifiedTests=false"], "Maven Surefire -Dtest");
    }
  }
}
var AFTER = {
  jest: /(^|[\s/;&|(])jest(?=\s|$)/,
  vitest: /(^|[\s/;&|(])vitest(\s+run)?(?=\s|$)/,
  go: /(^|[\s;&|(])go\s+test(?=\s|$)/,
  maven: /(^|[\s/;&|(])(mvn|mvnw)(?=\s|$)/
};
function insert(runner, env, command, shell, text, viaNpm, args, how) {
  const words = args.map(shellQuote).join(" ");
  if (viaNpm) {
    const changed = `${text.trimEnd()} -- ${words}`;
    return { runner, env, command: shell ? [command[0], "-c", changed] : ["/bin/sh", "-c", changed], files: {}, how: `${how} (after the npm script's --)` };
  }
  if (shell) {
    const m = AFTER[runner].exec(text);
    if (!m) return { runner, env, command, files: {}, how: `PRENV_TEST_SELECTION only: ${runner} is not started directly by the command` };
    const at2 = m.index + m[0].length;
    return { runner, env, command: [command[0], "-c", `${text.slice(0, at2)} ${words}${text.slice(at2)}`], files: {}, how };
  }
  const i = command.findIndex((w, k) => runner === "go" ? w === "test" && command[k - 1]?.endsWith("go") : runner === "maven" ? /(^|\/)(mvn|mvnw)$/.test(w) : new RegExp(`(^|/)${runner}$`).test(w));
  if (i < 0) return { runner, env, command, files: {}, how: `PRENV_TEST_SELECTION only: ${runner} is not started directly by the command` };
  return { runner, env, command: [...command.slice(0, i + 1), ...args, ...command.slice(i + 1)], files: {}, how };
}

// src/cli/commands.ts
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
function parsePins(pins) {
  if (!pins?.length) return void 0;
  const out = {};
  for (const pin of pins) {
    const eq = pin.indexOf("=");
    if (eq <= 0) throw new CliError(`prenv: --pin "${pin}" is not service=digest; write --pin api=sha256:<64 hex digits>`, EXIT.badInput);
    out[pin.slice(0, eq)] = pin.slice(eq + 1);
  }
  return out;
}
async function planDiffCommand(opts, io) {
  const p = plan(opts, io, opts.services);
  const backend = await backendFor(opts, io);
  try {
    const ops = await planUpdate(p, backend, { recreateAll: opts.recreate ?? false });
    if (opts.json) io.out.write(`${JSON.stringify({ environment: p.environment, operations: ops }, null, 2)}
`);
    else io.out.write(`prenv plan --diff \xB7 ${p.environment}
${formatOperations(ops)}
`);
    return EXIT.ok;
  } finally {
    await backend.close();
  }
}
function expiresAfter(ttl) {
  if (ttl === void 0) return void 0;
  const ms = parseAge(ttl);
  if (ms === void 0) throw new CliError(`prenv: --ttl "${ttl}" is not a duration; write for example 30m, 4h or 2d`, EXIT.badInput);
  return new Date(Date.now() + ms);
}
async function upCommand(opts, io) {
  const environment = load(opts, io);
  const p = planOf(environment, opts, opts.services);
  const redactor = new Redactor(secretValues(environment, io.env));
  const timeoutMs = opts.timeout ? parseAge(opts.timeout) : void 0;
  if (opts.timeout && timeoutMs === void 0) throw new CliError(`prenv: --timeout "${opts.timeout}" is not a duration; write for example 90s, 5m or 1h`, EXIT.badInput);
  const expires = expiresAfter(opts.ttl);
  const backend = await backendFor(opts, io);
  const progress = opts.json ? void 0 : new Progress(io.err, p.services.map((s) => s.name));
  if (!opts.json) io.err.write(`prenv \xB7 ${p.environment} (${backend.kind})
`);
  io.onCleanup?.(`prenv down --env ${p.environment}`);
  try {
    const result = await upOrUpdate(p, {
      backend,
      recreateAll: opts.recreate ?? false,
      onOperations: (ops) => {
        if (!opts.json) io.err.write(`updating in place:
${formatOperations(ops)}
`);
      },
      owner: { host: hostname(), pid: process.pid, ...expires ? { expires } : {} },
      onEvent: (e) => progress?.update(e),
      keepOnFailure: opts.keepOnFailure ?? false,
      signal: io.signal,
      ...timeoutMs !== void 0 ? { timeoutMs } : {}
    });
    progress?.stop();
    if (opts.json) {
      io.out.write(`${JSON.stringify({ environment: result.environment, durationMs: result.durationMs, services: result.services, endpoints: result.endpoints, updated: result.updated, operations: result.operations }, null, 2)}
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
    if (e instanceof UpdateError) {
      const f = e.failure;
      const lines = [`prenv: ${e.message}`];
      if (f.logTail) lines.push(`--- last lines of ${f.service} ---`, f.logTail, "---");
      if (f.hint) lines.push(`hint: ${f.hint}`);
      if (opts.json) io.out.write(`${JSON.stringify(redactor.redactDeep({ environment: p.environment, error: { service: f.service, message: f.message, hint: f.hint, logTail: f.logTail }, restored: e.restored }), null, 2)}
`);
      throw new CliError(redactor.redact(lines.join("\n")), EXIT.environmentFailed);
    }
    if (e instanceof BootError) {
      const f = e.failure;
      const lines = [`prenv: ${f.service ? `service "${f.service}" failed: ` : ""}${f.message}`];
      if (f.logTail) lines.push(`--- last lines of ${f.service} ---`, f.logTail, "---");
      if (f.hint) lines.push(`hint: ${f.hint}`);
      if (f.logOf) lines.push(e.removed ? `its whole log went with the environment: --keep-on-failure keeps it for \`prenv logs --env ${p.environment} ${f.logOf}\`` : `see its whole log with: prenv logs --env ${p.environment} ${f.logOf}`);
      lines.push(e.removed ? "nothing was left behind" : `the environment was kept for inspection: \`prenv down --env ${p.environment}\` removes it`);
      if (opts.json) io.out.write(`${JSON.stringify(redactor.redactDeep({ environment: p.environment, error: { service: f.service, message: f.message, hint: f.hint, logTail: f.logTail }, removed: e.removed }), null, 2)}
`);
      throw new CliError(redactor.redact(lines.join("\n")), EXIT.environmentFailed);
    }
    throw e;
  } finally {
    await backend.close();
  }
}
async function runCommand(opts, io, mode, origin) {
  const reportsDir = await createReportsDir();
  try {
    return await runWithReportsDir(opts, io, mode, reportsDir.path, origin);
  } finally {
    await reportsDir.remove();
  }
}
async function runWithReportsDir(opts, io, mode, reportsDir, origin) {
  const environment = load(opts, io, reportsDir);
  const problem = overrideTest(environment, opts.testCommand !== void 0 ? { command: opts.testCommand } : {});
  if (problem) throw new CliError(`prenv: --test-command: ${problem}`, EXIT.badInput);
  if (!environment.test) throw new CliError("prenv: the definition has no test section; add `test: { command: ..., reports: ... }` to prenv.yml (see docs/prenv-yml.md)", EXIT.badInput);
  const selection = opts.only?.length ? applySelection(environment, opts.only, io) : void 0;
  const p = planOf(environment, opts, void 0, parsePins(opts.pin));
  const timeoutMs = opts.timeout ? parseAge(opts.timeout) : void 0;
  if (opts.timeout && timeoutMs === void 0) throw new CliError(`prenv: --timeout "${opts.timeout}" is not a duration; write for example 90s, 5m or 1h`, EXIT.badInput);
  const backend = await backendFor(opts, io);
  try {
    if (opts.seed !== void 0 && !environment.chaos && !opts.json) io.err.write("prenv: note: --seed has no effect: the definition has no chaos section\n");
    const owner = { host: hostname(), pid: process.pid, ephemeral: mode === "run" };
    try {
      await requireFaultSupport(backend, chaosNeeds(environment.chaos), { owner, ...definedFields({ helperImage: environment.chaos?.helperImage }) });
    } catch (e) {
      if (e instanceof UnsupportedError) throw new CliError(`prenv: ${e.message}
  hint: ${e.hint}
nothing was created`, EXIT.badInput);
      throw e;
    }
    if (mode === "test") {
      const existing = (await backend.list()).find((e) => e.environment === p.environment);
      if (!existing || existing.services.length === 0) throw new CliError(`prenv: environment "${p.environment}" is not up; start it with \`prenv up\`, or use \`prenv run\` to boot, test and tear down in one`, EXIT.environmentFailed);
    }
    const redactor = new Redactor(secretValues(environment, io.env));
    const folder = new ResultsFolder(resolve(io.cwd, opts.resultsDir ?? "prenv-results"), redactor);
    await folder.reset();
    const progress = mode === "run" && !opts.json ? new Progress(io.err, p.services.map((s) => s.name)) : void 0;
    if (mode === "run") io.onCleanup?.(`prenv down --env ${p.environment}`);
    if (!opts.json) io.err.write(`prenv ${mode} \xB7 ${p.environment} (${backend.kind})
`);
    const report = await runEnvironment(environment, p, {
      backend,
      owner,
      version: VERSION,
      env: { ...io.env, [REPORTS_DIR_VARIABLE]: reportsDir },
      signal: io.signal,
      boot: mode === "run",
      teardown: mode === "run" && !opts.keep,
      keepOnFailure: opts.keepOnFailure ?? false,
      forceSetup: opts.setup ?? false,
      redactor,
      ...timeoutMs !== void 0 ? { bootTimeoutMs: timeoutMs } : {},
      ...opts.seed !== void 0 ? { seed: opts.seed } : {},
      onChaosSchedule: (schedule) => {
        if (!opts.json) io.err.write(formatSchedule(schedule));
      },
      onFault: (f, event) => {
        if (opts.json) return;
        if (event === "applied") io.err.write(`  \u26A1 ${f.name} at ${at(f.actualStartMs ?? 0)}: ${f.how ?? "applied"}
`);
        else if (event === "undone") io.err.write(`  \u21BA ${f.name} at ${at(f.undoneAtMs ?? 0)}: ${f.undoDetail ?? "undone"}
`);
        else io.err.write(`  ! ${f.name}: ${f.applied === "failed" ? `could not be applied: ${f.error ?? ""}` : `could not be undone: ${f.undoDetail ?? ""}`}
`);
      },
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
      output: folder
    });
    progress?.stop();
    await folder.writeJson(report);
    const root = repositoryRoot(io.cwd);
    const source = origin?.source ?? (root ? localSource(io.cwd) : void 0);
    let reproduction;
    if (source) {
      const manifest = buildManifest(
        {
          prenvVersion: VERSION,
          createdAt: report.startedAt,
          source,
          workingDirectory: origin?.workingDirectory ?? pathInRepository(root, io.cwd),
          ...opts.definition ? { definition: opts.definition } : {},
          composeFiles: opts.file ?? [],
          profiles: opts.profile ?? [],
          params: report.params,
          backend: report.backend,
          ...opts.testCommand !== void 0 || selection ? { test: { ...opts.testCommand !== void 0 ? { commandOverride: opts.testCommand } : {}, ...selection ? { selection: opts.only.map((name) => ({ name })) } : {} } } : {}
        },
        report
      );
      const file = await folder.writeManifest(manifest);
      if (origin?.images && !opts.json) for (const difference of imageDifferences(origin.images, manifest.images)) io.err.write(`prenv: note: ${difference}
`);
      reproduction = reproductionLine(manifest, { path: relative(io.cwd, file) });
    }
    if (opts.json) io.out.write(`${JSON.stringify(report, null, 2)}
`);
    else io.err.write(renderSummary(report, relative(io.cwd, folder.dir) || ".", folder.files().some((f) => f.startsWith(join(folder.dir, "logs")))));
    if (!opts.json && report.outcome !== "passed" && reproduction) {
      io.err.write(`reproduce this run (here or on another machine):
  ${reproduction.command}
${reproduction.notes.map((n) => `  note: ${n}
`).join("")}`);
    }
    if (mode === "run" && opts.keep && !opts.json) io.err.write(`the environment is still up: \`prenv down --env ${p.environment}\` removes it
`);
    return report.exitCode;
  } finally {
    await backend.close();
  }
}
function applySelection(environment, names, io) {
  const test = environment.test;
  const tests = names.map((name) => ({ name }));
  if (test.mode === "service") {
    const selection2 = { runner: void 0, env: { PRENV_TEST_SELECTION: JSON.stringify(names) }, command: [], files: {}, how: "PRENV_TEST_SELECTION only (the suite runs as a service)" };
    io.err.write(`prenv: running only ${names.length} test${names.length === 1 ? "" : "s"}: ${selection2.how}
`);
    return selection2;
  }
  const packageJson = join(test.workdir, "package.json");
  const readScript = (name) => {
    if (!existsSync(packageJson)) return void 0;
    try {
      const scripts = JSON.parse(readFileSync(packageJson, "utf8")).scripts;
      const script = scripts?.[name];
      return typeof script === "string" ? script : void 0;
    } catch {
      return void 0;
    }
  };
  const selection = selectTests(test.command, tests, { ...test.runner ? { runner: test.runner } : {}, env: io.env, readScript, scratchDir: mkdtempSync(join(tmpdir(), "prenv-select-")) });
  for (const [path, content] of Object.entries(selection.files)) writeFileSync(path, content);
  environment.test = { ...test, command: selection.command, env: { ...test.env, ...selection.env } };
  io.err.write(`prenv: running only ${names.length} test${names.length === 1 ? "" : "s"}: ${selection.how}
`);
  return selection;
}

export {
  planDiffCommand,
  upCommand,
  runCommand
};
