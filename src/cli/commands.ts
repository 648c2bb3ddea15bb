import { hostname } from "node:os";
import { relative, resolve } from "node:path";
import { loadEnvironment, type EnvironmentDefinition } from "../definition/environment.ts";
import { formatDiagnostic } from "../definition/errors.ts";
import { parseAge } from "../engine/lifecycle.ts";
import { BootError, up } from "../engine/up.ts";
import { describeCheck, planEnvironment, type Plan } from "../plan/plan.ts";
import { backendFor, CliError, EXIT, type DefinitionOptions, type Io } from "./common.ts";
import { VERSION } from "../version.ts";
import { endpointText, seconds, table } from "./format.ts";
import { Progress } from "./progress.ts";
import { renderParams, renderSummary } from "./summary.ts";
import { ResultsFolder } from "../results/output.ts";
import { createReportsDir, REPORTS_DIR_PLACEHOLDER, REPORTS_DIR_VARIABLE } from "../results/reports-dir.ts";
import { runEnvironment } from "../engine/run.ts";

function load(opts: DefinitionOptions, io: Io, reportsDir = REPORTS_DIR_PLACEHOLDER): EnvironmentDefinition {
  const environment = loadEnvironment({
    cwd: io.cwd,
    env: { ...io.env, [REPORTS_DIR_VARIABLE]: reportsDir },
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

export function plan(opts: DefinitionOptions, io: Io, services?: string[]): Plan {
  return planOf(load(opts, io), opts, services);
}

export function validateCommand(opts: DefinitionOptions, io: Io): number {
  const environment = load(opts, io);
  // What only the plan can tell (clashing endpoint variables, say) is a validation error too.
  planOf(environment, opts);
  const { definition } = environment;
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
  io.onCleanup?.(`prenv down --env ${p.environment}`);
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
      if (f.logOf) lines.push(e.removed ? `its whole log went with the environment: --keep-on-failure keeps it for \`prenv logs --env ${p.environment} ${f.logOf}\`` : `see its whole log with: prenv logs --env ${p.environment} ${f.logOf}`);
      lines.push(e.removed ? "nothing was left behind" : `the environment was kept for inspection: \`prenv down --env ${p.environment}\` removes it`);
      if (opts.json) io.out.write(`${JSON.stringify({ environment: p.environment, error: { service: f.service, message: f.message, hint: f.hint, logTail: f.logTail }, removed: e.removed }, null, 2)}\n`);
      throw new CliError(lines.join("\n"), EXIT.environmentFailed);
    }
    throw e;
  }
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
  const reportsDir = await createReportsDir();
  try {
    return await runWithReportsDir(opts, io, mode, reportsDir.path);
  } finally {
    await reportsDir.remove();
  }
}

async function runWithReportsDir(opts: RunCommandOptions, io: Io, mode: "run" | "test", reportsDir: string): Promise<number> {
  const environment = load(opts, io, reportsDir);
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
  let logsSaved = false;
  const progress = mode === "run" && !opts.json ? new Progress(io.err, p.services.map((s) => s.name)) : undefined;
  if (mode === "run") io.onCleanup?.(`prenv down --env ${p.environment}`);
  if (!opts.json) io.err.write(`prenv ${mode} · ${p.environment} (${backend.kind})\n`);
  const report = await runEnvironment(environment, p, {
    backend,
    owner: { host: hostname(), pid: process.pid, ephemeral: mode === "run" },
    version: VERSION,
    env: { ...io.env, [REPORTS_DIR_VARIABLE]: reportsDir },
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
    saveLogs: (logs) => {
      logsSaved = true;
      return folder.writeLogs(logs);
    },
  });
  progress?.stop();
  if (report.tests) await folder.copyReports(report.tests.reports, environment.test.workdir, reportsDir);
  await folder.writeJson(report);
  if (opts.json) io.out.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.err.write(renderSummary(report, relative(io.cwd, folder.dir) || ".", logsSaved));
  if (mode === "run" && opts.keep && !opts.json) io.err.write(`the environment is still up: \`prenv down --env ${p.environment}\` removes it\n`);
  return report.exitCode;
}

