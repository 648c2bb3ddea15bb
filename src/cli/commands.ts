import { hostname } from "node:os";
import { relative, resolve } from "node:path";
import { DockerBackend } from "../backends/docker/docker-backend.ts";
import { RuntimeUnavailableError, ServiceError, type Backend } from "../backends/backend.ts";
import { loadEnvironment, type EnvironmentDefinition } from "../definition/environment.ts";
import { DefinitionError, formatDiagnostic } from "../definition/errors.ts";
import { gc, parseAge } from "../engine/lifecycle.ts";
import { BootError, PreflightError, up } from "../engine/up.ts";
import { describeCheck, planEnvironment, PlanError, type Plan } from "../plan/plan.ts";
import { VERSION } from "../version.ts";
import { endpointText, seconds, table } from "./format.ts";
import { Progress } from "./progress.ts";
import { renderParams, renderSummary } from "./summary.ts";
import { ResultsFolder } from "../results/output.ts";
import { runEnvironment } from "../engine/run.ts";

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, testsFailed: 1, environmentFailed: 2, badInput: 3 } as const;

export interface DefinitionOptions {
  definition?: string;
  set?: string[];
  paramsFile?: string[];
  file?: string[];
  projectName?: string;
  profile?: string[];
  envFile?: string[];
  env?: string;
  json?: boolean;
}

/** An error already explained to the user, with the exit code to use. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

const INSTALL_HINT = "no Docker engine answers: start one (on Debian or Ubuntu: sudo scripts/install-docker.sh from the prenv repository), or set DOCKER_HOST";

export interface Io {
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
  cwd: string;
  env: Record<string, string | undefined>;
  signal: AbortSignal;
}

function load(opts: DefinitionOptions, io: Io): EnvironmentDefinition {
  const environment = loadEnvironment({
    cwd: io.cwd,
    env: io.env,
    ...(opts.definition ? { definition: opts.definition } : {}),
    ...(opts.set?.length ? { set: opts.set } : {}),
    ...(opts.paramsFile?.length ? { paramsFiles: opts.paramsFile } : {}),
    ...(opts.file?.length ? { files: opts.file } : {}),
    ...(opts.envFile?.length ? { envFiles: opts.envFile } : {}),
    ...(opts.profile?.length ? { profiles: opts.profile } : {}),
    ...(opts.projectName ? { projectName: opts.projectName } : {}),
  });
  for (const w of environment.definition.warnings) io.err.write(`${formatDiagnostic(w)}\n`);
  return environment;
}

function planOf(environment: EnvironmentDefinition, opts: DefinitionOptions, services?: string[]): Plan {
  return planEnvironment(environment.definition, {
    ...(opts.env ? { environment: opts.env } : {}),
    ...(services?.length ? { services } : {}),
    ...(environment.test?.mode === "service" ? { testService: environment.test.service } : {}),
  });
}

function plan(opts: DefinitionOptions, io: Io, services?: string[]): Plan {
  return planOf(load(opts, io), opts, services);
}

async function backendFor(): Promise<Backend> {
  const backend = new DockerBackend({ version: VERSION });
  try {
    await backend.ping();
  } catch (e) {
    if (e instanceof RuntimeUnavailableError) throw new CliError(`prenv: ${INSTALL_HINT} (${e.message})`, EXIT.environmentFailed);
    throw e;
  }
  return backend;
}

/** The environment a command acts on: --env, else the project name of the definition here. */
function environmentName(opts: DefinitionOptions, io: Io): string {
  if (opts.env) return opts.env;
  try {
    return plan(opts, io).environment;
  } catch (e) {
    if (e instanceof DefinitionError) throw new CliError(`${e.message}\nprenv: name the environment with --env <name> to act on it without its definition`, EXIT.badInput);
    throw e;
  }
}

export function validateCommand(opts: DefinitionOptions, io: Io): number {
  const { definition } = load(opts, io);
  if (opts.json) io.out.write(`${JSON.stringify({ valid: true, warnings: definition.warnings, services: Object.keys(definition.services) }, null, 2)}\n`);
  else io.out.write(`${definition.files.join(", ")}: valid (${Object.keys(definition.services).length} services, ${definition.warnings.length} warnings)\n`);
  return EXIT.ok;
}

export function planCommand(opts: DefinitionOptions & { services?: string[] }, io: Io): number {
  const p = plan(opts, io, opts.services);
  if (opts.json) {
    io.out.write(`${JSON.stringify(planJson(p), null, 2)}\n`);
    return EXIT.ok;
  }
  io.out.write(`prenv plan · ${p.environment} (project ${p.project}, definition ${p.definitionHash})\n`);
  const rows = [["service", "image", "after", "ready when", "ports"]];
  for (const s of p.services) {
    rows.push([
      s.name,
      `${s.build ? "build → " : ""}${s.image}`,
      Object.entries(s.dependsOn).map(([d, c]) => `${d}${c.condition === "service_healthy" ? " (healthy)" : c.condition === "service_completed_successfully" ? " (completed)" : ""}`).join(", ") || "—",
      s.readiness.map(describeCheck).join(" and "),
      s.ports.map((port) => `${port.published ? `${port.hostIp ?? "127.0.0.1"}:${port.published}` : "random"} -> ${port.target}/${port.protocol}`).join(", ") || "—",
    ]);
  }
  io.out.write(`${table(rows, "  ")}\n`);
  io.out.write(`networks: ${p.networks.map((n) => n.name).join(", ")}${p.volumes.length ? `\nvolumes: ${p.volumes.map((v) => v.name).join(", ")}` : ""}\n`);
  return EXIT.ok;
}

function planJson(p: Plan) {
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
      networks: Object.keys(s.spec.networks).length ? Object.keys(s.spec.networks) : ["default"],
    })),
    networks: p.networks,
    volumes: p.volumes,
  };
}

export async function upCommand(opts: DefinitionOptions & { keepOnFailure?: boolean; timeout?: string; services?: string[] }, io: Io): Promise<number> {
  const p = plan(opts, io, opts.services);
  const timeoutMs = opts.timeout ? parseAge(opts.timeout) : undefined;
  if (opts.timeout && timeoutMs === undefined) throw new CliError(`prenv: --timeout "${opts.timeout}" is not a duration; write for example 90s, 5m or 1h`, EXIT.badInput);
  const backend = await backendFor();
  const progress = opts.json ? undefined : new Progress(io.err, p.services.map((s) => s.name));
  if (!opts.json) io.err.write(`prenv · ${p.environment} (${backend.kind})\n`);
  try {
    const result = await up(p, {
      backend,
      owner: { host: hostname(), pid: process.pid },
      onEvent: (e) => progress?.update(e),
      keepOnFailure: opts.keepOnFailure ?? false,
      signal: io.signal,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    });
    progress?.stop();
    if (opts.json) {
      io.out.write(`${JSON.stringify({ environment: result.environment, durationMs: result.durationMs, services: result.services, endpoints: result.endpoints }, null, 2)}\n`);
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
    if (e instanceof BootError) {
      const f = e.failure;
      const lines = [`prenv: ${f.service ? `service "${f.service}" failed: ` : ""}${f.message}`];
      if (f.logTail) lines.push(`--- last lines of ${f.service} ---`, f.logTail, "---");
      if (f.hint) lines.push(`hint: ${f.hint}`);
      lines.push(e.removed ? "nothing was left behind" : `the environment was kept for inspection: \`prenv down --env ${p.environment}\` removes it`);
      if (opts.json) io.out.write(`${JSON.stringify({ environment: p.environment, error: { service: f.service, message: f.message, hint: f.hint, logTail: f.logTail }, removed: e.removed }, null, 2)}\n`);
      throw new CliError(lines.join("\n"), EXIT.environmentFailed);
    }
    throw e;
  }
}

export async function downCommand(opts: DefinitionOptions & { keepVolumes?: boolean }, io: Io): Promise<number> {
  const environment = environmentName(opts, io);
  const backend = await backendFor();
  const started = Date.now();
  const report = await backend.remove(environment, { keepVolumes: opts.keepVolumes ?? false });
  if (opts.json) io.out.write(`${JSON.stringify({ environment, ...report }, null, 2)}\n`);
  else if (report.containers + report.networks + report.volumes === 0) io.err.write(`prenv: no environment "${environment}" (nothing to remove; \`prenv ls\` lists what exists)\n`);
  else io.err.write(`removed ${environment}: ${report.containers} containers, ${report.networks} networks, ${report.volumes} volumes in ${seconds(Date.now() - started)}\n`);
  return EXIT.ok;
}

export async function lsCommand(opts: { json?: boolean }, io: Io): Promise<number> {
  const backend = await backendFor();
  const envs = await backend.list();
  if (opts.json) {
    io.out.write(`${JSON.stringify(envs, null, 2)}\n`);
    return EXIT.ok;
  }
  if (envs.length === 0) {
    io.err.write("no environments\n");
    return EXIT.ok;
  }
  const rows = [["environment", "project", "services", "state", "created"]];
  for (const e of envs) {
    const running = e.services.filter((s) => s.state === "running").length;
    rows.push([e.environment, e.project, `${running}/${e.services.length} running`, e.complete ? "up" : "incomplete", e.created.toISOString()]);
  }
  io.out.write(`${table(rows)}\n`);
  return EXIT.ok;
}

export async function logsCommand(service: string, opts: DefinitionOptions & { follow?: boolean; tail?: string }, io: Io): Promise<number> {
  const environment = environmentName(opts, io);
  const backend = await backendFor();
  await requireService(backend, environment, service);
  const tail = opts.tail === undefined ? undefined : Number(opts.tail);
  if (tail !== undefined && !(Number.isInteger(tail) && tail >= 0)) throw new CliError(`prenv: --tail "${opts.tail}" is not a number of lines`, EXIT.badInput);
  const stream = await backend.logs(environment, service, { follow: opts.follow ?? false, signal: io.signal, ...(tail !== undefined ? { tail } : {}) });
  for await (const chunk of stream) io.out.write(chunk as Buffer);
  return EXIT.ok;
}

export async function execCommand(service: string, argv: string[], opts: DefinitionOptions, io: Io): Promise<number> {
  if (argv.length === 0) throw new CliError("prenv: exec needs a command: prenv exec <service> -- <command> [args...]", EXIT.badInput);
  const environment = environmentName(opts, io);
  const backend = await backendFor();
  await requireService(backend, environment, service);
  const result = await backend.exec(environment, service, argv, { signal: io.signal });
  io.out.write(result.output);
  return result.exitCode;
}

async function requireService(backend: Backend, environment: string, service: string): Promise<void> {
  const env = (await backend.list()).find((e) => e.environment === environment);
  if (!env) throw new CliError(`prenv: no environment "${environment}"; \`prenv ls\` lists the running ones, \`prenv up\` starts this one`, EXIT.badInput);
  if (!env.services.some((s) => s.name === service)) {
    throw new CliError(`prenv: environment "${environment}" has no service "${service}"; it has ${env.services.map((s) => s.name).join(", ")}`, EXIT.badInput);
  }
}

export async function gcCommand(opts: { olderThan?: string; json?: boolean; dryRun?: boolean }, io: Io): Promise<number> {
  const olderThanMs = opts.olderThan ? parseAge(opts.olderThan) : undefined;
  if (opts.olderThan && olderThanMs === undefined) throw new CliError(`prenv: --older-than "${opts.olderThan}" is not an age; write for example 30m, 2h or 1d`, EXIT.badInput);
  const backend = await backendFor();
  const options = { host: hostname(), ...(olderThanMs !== undefined ? { olderThanMs } : {}) };
  const results = opts.dryRun
    ? (await import("../engine/lifecycle.ts")).gcCandidates(await backend.list(), options).map((decision) => ({ decision, removed: undefined }))
    : await gc(backend, options);
  if (opts.json) {
    io.out.write(`${JSON.stringify(results.map((r) => ({ environment: r.decision.environment.environment, reason: r.decision.reason, removed: r.removed ?? null })), null, 2)}\n`);
    return EXIT.ok;
  }
  if (results.length === 0) io.err.write("nothing to collect\n");
  for (const r of results) io.err.write(`${opts.dryRun ? "would remove" : "removed"} ${r.decision.environment.environment}: ${r.decision.reason}\n`);
  return EXIT.ok;
}

export function describeCommand(opts: DefinitionOptions & { markdown?: boolean }, io: Io): number {
  const environment = load(opts, io);
  const specs = Object.values(environment.params).map((p) => p.spec);
  if (opts.json) io.out.write(`${JSON.stringify(Object.values(environment.params).map((p) => ({ ...p.spec, value: p.value ?? null, origin: p.origin ?? null })), null, 2)}\n`);
  else io.out.write(renderParams(specs, opts.markdown ?? false));
  return EXIT.ok;
}

export interface RunCommandOptions extends DefinitionOptions {
  resultsDir?: string;
  keep?: boolean;
  keepOnFailure?: boolean;
  timeout?: string;
  setup?: boolean;
}

/** `prenv run` (boot, test, tear down) and `prenv test` (against the environment that is up). */
export async function runCommand(opts: RunCommandOptions, io: Io, mode: "run" | "test"): Promise<number> {
  const environment = load(opts, io);
  if (!environment.test) throw new CliError("prenv: the definition has no test section; add `test: { command: ..., reports: ... }` to prenv.yml (see docs/prenv-yml.md)", EXIT.badInput);
  const p = planOf(environment, opts);
  const timeoutMs = opts.timeout ? parseAge(opts.timeout) : undefined;
  if (opts.timeout && timeoutMs === undefined) throw new CliError(`prenv: --timeout "${opts.timeout}" is not a duration; write for example 90s, 5m or 1h`, EXIT.badInput);
  const backend = await backendFor();
  if (mode === "test") {
    const existing = (await backend.list()).find((e) => e.environment === p.environment);
    if (!existing || existing.services.length === 0) throw new CliError(`prenv: environment "${p.environment}" is not up; start it with \`prenv up\`, or use \`prenv run\` to boot, test and tear down in one`, EXIT.environmentFailed);
  }
  const folder = new ResultsFolder(resolve(io.cwd, opts.resultsDir ?? "prenv-results"));
  await folder.reset();
  const progress = mode === "run" && !opts.json ? new Progress(io.err, p.services.map((s) => s.name)) : undefined;
  if (!opts.json) io.err.write(`prenv ${mode} · ${p.environment} (${backend.kind})\n`);
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
    ...(timeoutMs !== undefined ? { bootTimeoutMs: timeoutMs } : {}),
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
    saveLogs: (logs) => folder.writeLogs(logs),
  });
  progress?.stop();
  if (report.tests) await folder.copyReports(report.tests.reports, environment.test.workdir);
  await folder.writeJson(report);
  if (opts.json) io.out.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.err.write(renderSummary(report, relative(io.cwd, folder.dir) || "."));
  if (mode === "run" && opts.keep && !opts.json) io.err.write(`the environment is still up: \`prenv down --env ${p.environment}\` removes it\n`);
  return report.exitCode;
}

/** Turns any error into a message and an exit code. */
export function explain(e: unknown): { message: string; exitCode: number } {
  if (e instanceof CliError) return { message: e.message, exitCode: e.exitCode };
  if (e instanceof DefinitionError) {
    const n = e.diagnostics.length;
    return { message: `${e.message}\nprenv: the definition has ${n} error${n === 1 ? "" : "s"}; nothing was created`, exitCode: EXIT.badInput };
  }
  if (e instanceof PlanError) return { message: `prenv: ${e.message}\n  hint: ${e.hint}`, exitCode: EXIT.badInput };
  if (e instanceof PreflightError) return { message: `prenv: ${e.message}\n  hint: ${e.hint}\nnothing was created`, exitCode: EXIT.environmentFailed };
  if (e instanceof ServiceError) return { message: `prenv: ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ""}`, exitCode: EXIT.environmentFailed };
  const err = e as Error;
  return { message: `prenv: unexpected error: ${err?.stack ?? String(e)}`, exitCode: EXIT.environmentFailed };
}
