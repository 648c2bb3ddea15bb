import { loadEnvironment, type EnvironmentDefinition } from "../definition/environment.ts";
import { DefinitionError, formatDiagnostic } from "../definition/errors.ts";
import { describeCheck, planEnvironment, type Plan } from "../plan/plan.ts";
import { REPORTS_DIR_PLACEHOLDER, REPORTS_DIR_VARIABLE } from "../results/reports-dir.ts";
import { MASK } from "../secrets/redact.ts";
import { EXIT, type DefinitionOptions, type Io } from "./common.ts";
import { table } from "./format.ts";
import { renderParams } from "./summary.ts";

/**
 * The commands that only read the definition (validate, plan, describe) and what every
 * other command shares of them. Kept apart from commands.ts so that they load neither
 * the engine client nor the run machinery: `prenv validate` and `prenv plan` start as
 * fast as `docker compose config` (bench suite `plan`).
 */

export function load(opts: DefinitionOptions, io: Io, reportsDir = REPORTS_DIR_PLACEHOLDER): EnvironmentDefinition {
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

export function planOf(environment: EnvironmentDefinition, opts: DefinitionOptions, services?: string[], pins?: Record<string, string>): Plan {
  return planEnvironment(environment.definition, {
    ...(opts.env ? { environment: opts.env } : {}),
    ...(services?.length ? { services } : {}),
    ...(environment.test?.mode === "service" ? { testService: environment.test.service } : {}),
    ...(pins ? { pins } : {}),
  });
}

export function plan(opts: DefinitionOptions, io: Io, services?: string[]): Plan {
  return planOf(load(opts, io), opts, services);
}

/**
 * validate and plan create nothing, so their refusal does not say "nothing was created";
 * with --json the findings go to stdout as JSON, as they would for a valid file.
 */
function refused(e: DefinitionError, opts: DefinitionOptions, io: Io): number {
  const n = e.diagnostics.length;
  if (opts.json) io.out.write(`${JSON.stringify({ valid: false, errors: e.diagnostics, warnings: e.warnings }, null, 2)}\n`);
  io.err.write(`${e.report()}\nprenv: the definition has ${n} error${n === 1 ? "" : "s"}\n`);
  return EXIT.badInput;
}

export function validateCommand(opts: DefinitionOptions, io: Io): number {
  let environment: EnvironmentDefinition;
  try {
    environment = load(opts, io);
  } catch (e) {
    if (e instanceof DefinitionError) return refused(e, opts, io);
    throw e;
  }
  // What only the plan can tell (clashing endpoint variables, say) is a validation error too.
  planOf(environment, opts);
  const { definition } = environment;
  if (opts.json) io.out.write(`${JSON.stringify({ valid: true, warnings: definition.warnings, services: Object.keys(definition.services) }, null, 2)}\n`);
  else io.out.write(`${definition.files.join(", ")}: valid (${Object.keys(definition.services).length} services, ${definition.warnings.length} warnings)\n`);
  return EXIT.ok;
}

export function planCommand(opts: DefinitionOptions & { services?: string[] }, io: Io): number {
  let p: Plan;
  try {
    p = plan(opts, io, opts.services);
  } catch (e) {
    if (e instanceof DefinitionError) return refused(e, opts, io);
    throw e;
  }
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
  const named = (o: { key: string; externalName?: string }) => (o.externalName ? `${o.key} (external: ${o.externalName})` : o.key);
  io.out.write(`networks: ${p.networks.map(named).join(", ")}${p.volumes.length ? `\nvolumes: ${p.volumes.map(named).join(", ")}` : ""}\n`);
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

export function describeCommand(opts: DefinitionOptions & { markdown?: boolean }, io: Io): number {
  const environment = load(opts, io);
  const specs = Object.values(environment.params).map((p) => p.spec);
  if (opts.json) io.out.write(`${JSON.stringify(Object.values(environment.params).map((p) => ({ ...p.spec, secret: p.secret, value: p.value === undefined ? null : p.secret ? MASK : p.value, origin: p.origin ?? null })), null, 2)}\n`);
  else io.out.write(renderParams(specs, opts.markdown ?? false));
  return EXIT.ok;
}
