import { hostname } from "node:os";
import { join, relative, resolve } from "node:path";
import type { EnvironmentDefinition } from "../definition/environment.ts";
import type { Definition } from "../definition/model.ts";
import { parseAge } from "../engine/lifecycle.ts";
import { BootError } from "../engine/up.ts";
import { formatOperations } from "../engine/diff.ts";
import { planUpdate, UpdateError, upOrUpdate } from "../engine/update.ts";
import type { Plan } from "../plan/plan.ts";
import { backendFor, CliError, EXIT, type DefinitionOptions, type Io } from "./common.ts";
import { VERSION } from "../version.ts";
import { endpointText, seconds, table } from "./format.ts";
import { Progress } from "./progress.ts";
import { renderSummary } from "./summary.ts";
import { ResultsFolder } from "../results/output.ts";
import { createReportsDir, REPORTS_DIR_VARIABLE } from "../results/reports-dir.ts";
import { runEnvironment } from "../engine/run.ts";
import { overrideTest } from "../definition/override.ts";
import { buildManifest, imageDifferences, type ImageRecord, type SourceRecord } from "../manifest/manifest.ts";
import { localSource, pathInRepository, repositoryRoot } from "../repro/git.ts";
import { reproductionLine } from "../repro/line.ts";
import { selectTests, type Selection } from "../repro/selection.ts";
import type { Reproduction } from "../report/view.ts";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { secretValues } from "../secrets/collect.ts";
import { requireFaultSupport, UnsupportedError, type Owner } from "../backends/backend.ts";
import { definedFields } from "../util/objects.ts";
import { formatSchedule } from "../chaos/schedule.ts";
import { at, chaosNeeds } from "../chaos/timeline.ts";
import { Redactor } from "../secrets/redact.ts";
import { load, plan, planOf } from "./definition-commands.ts";

// validate, plan and describe live in definition-commands.ts (light to load); these are re-exported for callers of this module.
export { describeCommand, plan, planCommand, validateCommand } from "./definition-commands.ts";

/** `--pin service=sha256:...` options as a mapping. */
function parsePins(pins: string[] | undefined): Record<string, string> | undefined {
  if (!pins?.length) return undefined;
  const out: Record<string, string> = {};
  for (const pin of pins) {
    const eq = pin.indexOf("=");
    if (eq <= 0) throw new CliError(`prenv: --pin "${pin}" is not service=digest; write --pin api=sha256:<64 hex digits>`, EXIT.badInput);
    out[pin.slice(0, eq)] = pin.slice(eq + 1);
  }
  return out;
}

/** `prenv plan --diff`: what `prenv up` would do to the environment that runs. */
export async function planDiffCommand(opts: DefinitionOptions & { services?: string[]; recreate?: boolean }, io: Io): Promise<number> {
  const p = plan(opts, io, opts.services);
  const backend = await backendFor(opts, io);
  try {
    const ops = await planUpdate(p, backend, { recreateAll: opts.recreate ?? false });
    if (opts.json) io.out.write(`${JSON.stringify({ environment: p.environment, operations: ops }, null, 2)}\n`);
    else io.out.write(`prenv plan --diff · ${p.environment}\n${formatOperations(ops)}\n`);
    return EXIT.ok;
  } finally {
    await backend.close();
  }
}


/** `--ttl`: when the environment expires, recorded on it at creation. */
function expiresAfter(ttl: string | undefined): Date | undefined {
  if (ttl === undefined) return undefined;
  const ms = parseAge(ttl);
  if (ms === undefined) throw new CliError(`prenv: --ttl "${ttl}" is not a duration; write for example 30m, 4h or 2d`, EXIT.badInput);
  return new Date(Date.now() + ms);
}

export async function upCommand(opts: DefinitionOptions & { keepOnFailure?: boolean; timeout?: string; services?: string[]; recreate?: boolean; ttl?: string }, io: Io): Promise<number> {
  const environment = load(opts, io);
  const p = planOf(environment, opts, opts.services);
  const redactor = new Redactor(secretValues(environment, io.env));
  const timeoutMs = opts.timeout ? parseAge(opts.timeout) : undefined;
  if (opts.timeout && timeoutMs === undefined) throw new CliError(`prenv: --timeout "${opts.timeout}" is not a duration; write for example 90s, 5m or 1h`, EXIT.badInput);
  const expires = expiresAfter(opts.ttl);
  const backend = await backendFor(opts, io);
  const progress = opts.json ? undefined : new Progress(io.err, p.services.map((s) => s.name));
  if (!opts.json) io.err.write(`prenv · ${p.environment} (${backend.kind})\n`);
  io.onCleanup?.(`prenv down --env ${p.environment}`);
  try {
    const result = await upOrUpdate(p, {
      backend,
      recreateAll: opts.recreate ?? false,
      onOperations: (ops) => {
        if (!opts.json) io.err.write(`updating in place:\n${formatOperations(ops)}\n`);
      },
      owner: { host: hostname(), pid: process.pid, ...(expires ? { expires } : {}) },
      onEvent: (e) => progress?.update(e),
      keepOnFailure: opts.keepOnFailure ?? false,
      signal: io.signal,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    });
    progress?.stop();
    if (opts.json) {
      io.out.write(`${JSON.stringify({ environment: result.environment, durationMs: result.durationMs, services: result.services, endpoints: result.endpoints, updated: result.updated, operations: result.operations }, null, 2)}\n`);
      return EXIT.ok;
    }
    if (result.endpoints.length > 0) {
      io.out.write(`${table(result.endpoints.map((e) => [e.service, endpointText(e)]), "  ")}\n`);
    }
    const first = result.endpoints[0]?.service ?? p.services[0]?.name;
    io.err.write(`ready in ${seconds(result.durationMs)} — \`prenv down${opts.env ? ` --env ${opts.env}` : ""}\` to remove${first ? `, \`prenv logs ${first} -f\` to follow` : ""}\n`);
    return EXIT.ok;
  } catch (e) {
    progress?.stop();
    if (e instanceof UpdateError) {
      const f = e.failure;
      const lines = [`prenv: ${e.message}`];
      if (f.logTail) lines.push(`--- last lines of ${f.service} ---`, f.logTail, "---");
      if (f.hint) lines.push(`hint: ${f.hint}`);
      if (opts.json) io.out.write(`${JSON.stringify(redactor.redactDeep({ environment: p.environment, error: { service: f.service, message: f.message, hint: f.hint, logTail: f.logTail }, restored: e.restored }), null, 2)}\n`);
      throw new CliError(redactor.redact(lines.join("\n")), EXIT.environmentFailed);
    }
    if (e instanceof BootError) {
      const f = e.failure;
      const lines = [`prenv: ${f.service ? `service "${f.service}" failed: ` : ""}${f.message}`];
      if (f.logTail) lines.push(`--- last lines of ${f.service} ---`, f.logTail, "---");
      if (f.hint) lines.push(`hint: ${f.hint}`);
      if (f.logOf) lines.push(e.removed ? `its whole log went with the environment: --keep-on-failure keeps it for \`prenv logs --env ${p.environment} ${f.logOf}\`` : `see its whole log with: prenv logs --env ${p.environment} ${f.logOf}`);
      lines.push(e.removed ? "nothing was left behind" : `the environment was kept for inspection: \`prenv down --env ${p.environment}\` removes it`);
      if (opts.json) io.out.write(`${JSON.stringify(redactor.redactDeep({ environment: p.environment, error: { service: f.service, message: f.message, hint: f.hint, logTail: f.logTail }, removed: e.removed }), null, 2)}\n`);
      throw new CliError(redactor.redact(lines.join("\n")), EXIT.environmentFailed);
    }
    throw e;
  } finally {
    // Port-forwards and watches end with the command, not with process.exit.
    await backend.close();
  }
}

export interface RunCommandOptions extends DefinitionOptions {
  resultsDir?: string;
  keep?: boolean;
  keepOnFailure?: boolean;
  timeout?: string;
  setup?: boolean;
  /** `service=sha256:...`: run that image by digest. */
  pin?: string[];
  /** Run only the tests with these names. */
  only?: string[];
  /** Replaces the definition's test command. */
  testCommand?: string;
  /** Replaces chaos.seed. */
  seed?: string;
}

/** Where a run's manifest says it came from; repro gives the run it reproduces. */
export interface RunOrigin {
  source: SourceRecord;
  workingDirectory: string;
  /** The images the reproduced run had, when its manifest is at hand: what differs now is said. */
  images?: ImageRecord[];
}

/** `prenv run` (boot, test, tear down) and `prenv test` (against the environment that is up). */
export async function runCommand(opts: RunCommandOptions, io: Io, mode: "run" | "test", origin?: RunOrigin): Promise<number> {
  const reportsDir = await createReportsDir();
  try {
    return await runWithReportsDir(opts, io, mode, reportsDir.path, origin);
  } finally {
    await reportsDir.remove();
  }
}

async function runWithReportsDir(opts: RunCommandOptions, io: Io, mode: "run" | "test", reportsDir: string, origin: RunOrigin | undefined): Promise<number> {
  const environment = load(opts, io, reportsDir);
  const problem = overrideTest(environment, opts.testCommand !== undefined ? { command: opts.testCommand } : {});
  if (problem) throw new CliError(`prenv: --test-command: ${problem}`, EXIT.badInput);
  if (!environment.test) throw new CliError("prenv: the definition has no test section; add `test: { command: ..., reports: ... }` to prenv.yml (see docs/prenv-yml.md)", EXIT.badInput);
  const selection = opts.only?.length ? applySelection(environment, opts.only, io) : undefined;
  const p = planOf(environment, opts, undefined, parsePins(opts.pin));
  const timeoutMs = opts.timeout ? parseAge(opts.timeout) : undefined;
  if (opts.timeout && timeoutMs === undefined) throw new CliError(`prenv: --timeout "${opts.timeout}" is not a duration; write for example 90s, 5m or 1h`, EXIT.badInput);
  const backend = await backendFor(opts, io);
  try {
    if (opts.seed !== undefined && !environment.chaos && !opts.json) io.err.write("prenv: note: --seed has no effect: the definition has no chaos section\n");
    const owner: Owner = { host: hostname(), pid: process.pid, ephemeral: mode === "run" };
    try {
      // Here too, and not only in the run: a definition this backend cannot run is bad input, and nothing is created.
      await requireFaultSupport(backend, chaosNeeds(environment.chaos), { owner, ...definedFields({ helperImage: environment.chaos?.helperImage }) });
    } catch (e) {
      if (e instanceof UnsupportedError) throw new CliError(`prenv: ${e.message}\n  hint: ${e.hint}\nnothing was created`, EXIT.badInput);
      throw e;
    }
    if (mode === "test") {
      const existing = (await backend.list()).find((e) => e.environment === p.environment);
      if (!existing || existing.services.length === 0) throw new CliError(`prenv: environment "${p.environment}" is not up; start it with \`prenv up\`, or use \`prenv run\` to boot, test and tear down in one`, EXIT.environmentFailed);
    }
    const redactor = new Redactor(secretValues(environment, io.env));
    const folder = new ResultsFolder(resolve(io.cwd, opts.resultsDir ?? "prenv-results"), redactor);
    await folder.reset();
    const progress = mode === "run" && !opts.json ? new Progress(io.err, p.services.map((s) => s.name)) : undefined;
    if (mode === "run") io.onCleanup?.(`prenv down --env ${p.environment}`);
    if (!opts.json) io.err.write(`prenv ${mode} · ${p.environment} (${backend.kind})\n`);
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
      ...(timeoutMs !== undefined ? { bootTimeoutMs: timeoutMs } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      onChaosSchedule: (schedule) => {
        if (!opts.json) io.err.write(formatSchedule(schedule));
      },
      onFault: (f, event) => {
        if (opts.json) return;
        if (event === "applied") io.err.write(`  ⚡ ${f.name} at ${at(f.actualStartMs ?? 0)}: ${f.how ?? "applied"}\n`);
        else if (event === "undone") io.err.write(`  ↺ ${f.name} at ${at(f.undoneAtMs ?? 0)}: ${f.undoDetail ?? "undone"}\n`);
        else io.err.write(`  ! ${f.name}: ${f.applied === "failed" ? `could not be applied: ${f.error ?? ""}` : `could not be undone: ${f.undoDetail ?? ""}`}\n`);
      },
      onServiceEvent: (e) => progress?.update(e),
      onPhase: (phase) => {
        if (phase !== "boot") progress?.stop();
        if (!opts.json && phase !== "boot") io.err.write(`· ${phase}\n`);
      },
      onStep: (e) => {
        if (!opts.json && e.phase !== "running") io.err.write(`  ${e.phase === "done" ? "✔" : "✖"} ${e.step.name} (${seconds(e.outcome!.durationMs)})\n`);
      },
      onOutput: (chunk) => {
        if (!opts.json) io.err.write(chunk);
      },
      output: folder,
    });
    progress?.stop();
    await folder.writeJson(report);
    const root = repositoryRoot(io.cwd);
    const source = origin?.source ?? (root ? localSource(io.cwd) : undefined);
    let reproduction: Reproduction | undefined;
    if (source) {
      const manifest = buildManifest(
        {
          prenvVersion: VERSION,
          createdAt: report.startedAt,
          source,
          workingDirectory: origin?.workingDirectory ?? pathInRepository(root!, io.cwd),
          ...(opts.definition ? { definition: opts.definition } : {}),
          composeFiles: opts.file ?? [],
          profiles: opts.profile ?? [],
          params: report.params,
          backend: report.backend,
          ...(opts.testCommand !== undefined || selection ? { test: { ...(opts.testCommand !== undefined ? { commandOverride: opts.testCommand } : {}), ...(selection ? { selection: opts.only!.map((name) => ({ name })) } : {}) } } : {}),
        },
        report,
      );
      const file = await folder.writeManifest(manifest);
      if (origin?.images && !opts.json) for (const difference of imageDifferences(origin.images, manifest.images)) io.err.write(`prenv: note: ${difference}\n`);
      reproduction = reproductionLine(manifest, { path: relative(io.cwd, file) });
    }
    if (opts.json) io.out.write(`${JSON.stringify(report, null, 2)}\n`);
    else io.err.write(renderSummary(report, relative(io.cwd, folder.dir) || ".", folder.files().some((f) => f.startsWith(join(folder.dir, "logs")))));
    if (!opts.json && report.outcome !== "passed" && reproduction) {
      io.err.write(`reproduce this run (here or on another machine):\n  ${reproduction.command}\n${reproduction.notes.map((n) => `  note: ${n}\n`).join("")}`);
    }
    if (mode === "run" && opts.keep && !opts.json) io.err.write(`the environment is still up: \`prenv down --env ${p.environment}\` removes it\n`);
    return report.exitCode;
  } finally {
    await backend.close();
  }
}


/** Narrows the suite to the named tests, the way its runner takes a selection. */
function applySelection(environment: EnvironmentDefinition, names: string[], io: Io): Selection {
  const test = environment.test!;
  const tests = names.map((name) => ({ name }));
  if (test.mode === "service") {
    const selection: Selection = { runner: undefined, env: { PRENV_TEST_SELECTION: JSON.stringify(names) }, command: [], files: {}, how: "PRENV_TEST_SELECTION only (the suite runs as a service)" };
    io.err.write(`prenv: running only ${names.length} test${names.length === 1 ? "" : "s"}: ${selection.how}\n`);
    return selection;
  }
  const packageJson = join(test.workdir, "package.json");
  const readScript = (name: string) => {
    if (!existsSync(packageJson)) return undefined;
    try {
      const scripts = (JSON.parse(readFileSync(packageJson, "utf8")) as { scripts?: Record<string, unknown> }).scripts;
      const script = scripts?.[name];
      return typeof script === "string" ? script : undefined;
    } catch {
      return undefined;
    }
  };
  const selection = selectTests(test.command, tests, { ...(test.runner ? { runner: test.runner } : {}), env: io.env, readScript, scratchDir: mkdtempSync(join(tmpdir(), "prenv-select-")) });
  for (const [path, content] of Object.entries(selection.files)) writeFileSync(path, content);
  environment.test = { ...test, command: selection.command, env: { ...test.env, ...selection.env } };
  io.err.write(`prenv: running only ${names.length} test${names.length === 1 ? "" : "s"}: ${selection.how}\n`);
  return selection;
}
