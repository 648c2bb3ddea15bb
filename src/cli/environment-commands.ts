import { hostname } from "node:os";
import type { Backend } from "../backends/backend.ts";
import type { BackendSelection } from "../backends/select.ts";
import { DefinitionError } from "../definition/errors.ts";
import { gc, gcCandidates, parseAge, undoAbandonedFaults } from "../engine/lifecycle.ts";
import { backendFor, CliError, EXIT, type DefinitionOptions, type Io } from "./common.ts";
import { endpointText, seconds, table } from "./format.ts";

/**
 * Commands that act on an environment that exists: they need the engine, and the
 * definition only to learn the environment's name when --env does not give it.
 */

/** The environment a command acts on: --env, else the project name of the definition here. */
async function environmentName(opts: DefinitionOptions, io: Io): Promise<string> {
  if (opts.env) return opts.env;
  try {
    const { plan } = await import("./definition-commands.ts");
    return plan(opts, io).environment;
  } catch (e) {
    if (e instanceof DefinitionError) throw new CliError(`${e.message}\nprenv: name the environment with --env <name> to act on it without its definition`, EXIT.badInput);
    throw e;
  }
}

export async function downCommand(opts: DefinitionOptions & { keepVolumes?: boolean }, io: Io): Promise<number> {
  const environment = await environmentName(opts, io);
  const backend = await backendFor(opts, io);
  try {
    const started = Date.now();
    const report = await backend.remove(environment, { keepVolumes: opts.keepVolumes ?? false });
    if (opts.json) io.out.write(`${JSON.stringify({ environment, ...report }, null, 2)}\n`);
    else if (report.containers + report.networks + report.volumes === 0) io.err.write(`prenv: no environment "${environment}" (nothing to remove; \`prenv ls\` lists what exists)\n`);
    else io.err.write(`removed ${environment}: ${report.containers} containers, ${report.networks} networks, ${report.volumes} volumes in ${seconds(Date.now() - started)}\n`);
    return EXIT.ok;
  } finally {
    await backend.close();
  }
}

export async function lsCommand(opts: BackendSelection & { json?: boolean }, io: Io): Promise<number> {
  const backend = await backendFor(opts, io);
  try {
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
  } finally {
    await backend.close();
  }
}

export async function logsCommand(service: string, opts: DefinitionOptions & { follow?: boolean; tail?: string }, io: Io): Promise<number> {
  const environment = await environmentName(opts, io);
  const backend = await backendFor(opts, io);
  try {
    await requireService(backend, environment, service);
    const tail = opts.tail === undefined ? undefined : Number(opts.tail);
    if (tail !== undefined && !(Number.isInteger(tail) && tail >= 0)) throw new CliError(`prenv: --tail "${opts.tail}" is not a number of lines`, EXIT.badInput);
    const stream = await backend.logs(environment, service, { follow: opts.follow ?? false, signal: io.signal, ...(tail !== undefined ? { tail } : {}) });
    for await (const chunk of stream) io.out.write(chunk as Buffer);
    return EXIT.ok;
  } finally {
    await backend.close();
  }
}

export interface ExecOptions extends DefinitionOptions {
  interactive?: boolean;
  tty?: boolean;
}

/**
 * Runs a command in a service's container, with its output streamed as it comes (stdout
 * and stderr kept apart) and its exit code as prenv's. On a terminal it is interactive
 * with a pseudo-terminal, like `docker exec -it`; `-i` passes standard input otherwise.
 */
export async function execCommand(service: string, argv: string[], opts: ExecOptions, io: Io): Promise<number> {
  if (argv.length === 0) throw new CliError("prenv: exec needs a command: prenv exec <service> -- <command> [args...]", EXIT.badInput);
  const environment = await environmentName(opts, io);
  const backend = await backendFor(opts, io);
  try {
    await requireService(backend, environment, service);
    const stdin = io.stdin;
    const terminal = Boolean(stdin?.isTTY && io.out.isTTY);
    const tty = opts.tty ?? terminal;
    const interactive = opts.interactive ?? terminal;
    if (tty && stdin?.isTTY) stdin.setRawMode(true);
    try {
      return await backend.execAttached(environment, service, argv, {
        ...(interactive && stdin ? { stdin } : {}),
        stdout: io.out,
        stderr: io.err,
        tty,
        ...(io.out.columns && io.out.rows ? { size: { columns: io.out.columns, rows: io.out.rows } } : {}),
        onResize: (resize) => io.out.on("resize", () => resize({ columns: io.out.columns, rows: io.out.rows })),
      });
    } finally {
      if (tty && stdin?.isTTY) stdin.setRawMode(false);
      stdin?.pause();
    }
  } finally {
    await backend.close();
  }
}

async function requireService(backend: Backend, environment: string, service: string): Promise<void> {
  const env = (await backend.list()).find((e) => e.environment === environment);
  if (!env) throw new CliError(`prenv: no environment "${environment}"; \`prenv ls\` lists the running ones, \`prenv up\` starts this one`, EXIT.badInput);
  if (!env.services.some((s) => s.name === service)) {
    throw new CliError(`prenv: environment "${environment}" has no service "${service}"; it has ${env.services.map((s) => s.name).join(", ")}`, EXIT.badInput);
  }
}

export async function gcCommand(environments: string[], opts: BackendSelection & { olderThan?: string; expired?: boolean; json?: boolean; dryRun?: boolean }, io: Io): Promise<number> {
  const olderThanMs = opts.olderThan ? parseAge(opts.olderThan) : undefined;
  if (opts.olderThan && olderThanMs === undefined) throw new CliError(`prenv: --older-than "${opts.olderThan}" is not an age; write for example 30m, 2h or 1d`, EXIT.badInput);
  const backend = await backendFor(opts, io);
  try {
    const options = { host: hostname(), ...(olderThanMs !== undefined ? { olderThanMs } : {}), ...(opts.expired ? { expiries: await backend.expiries() } : {}), ...(environments.length ? { only: new Set(environments) } : {}) };
    // Faults first: what gc keeps must not stay partitioned or stopped, and what it removes goes cleanly.
    const faults = opts.dryRun ? [] : await undoAbandonedFaults(backend, options);
    const results = opts.dryRun
      ? gcCandidates(await backend.list(), options).map((decision) => ({ decision, removed: undefined }))
      : await gc(backend, options);
    // On stderr also with --json: stdout keeps the shape scripts read (a list of environments).
    for (const f of faults) io.err.write(`${f.undone ? "undid" : "could not undo"} fault ${f.fault} of ${f.environment} (process ${f.owner} is gone): ${f.detail}\n`);
    if (opts.json) {
      io.out.write(`${JSON.stringify(results.map((r) => ({ environment: r.decision.environment.environment, reason: r.decision.reason, removed: r.removed ?? null })), null, 2)}\n`);
      return faults.some((f) => !f.undone) ? EXIT.environmentFailed : EXIT.ok;
    }
    if (results.length === 0 && faults.length === 0) io.err.write("nothing to collect\n");
    for (const r of results) io.err.write(`${opts.dryRun ? "would remove" : "removed"} ${r.decision.environment.environment}: ${r.decision.reason}\n`);
    return faults.some((f) => !f.undone) ? EXIT.environmentFailed : EXIT.ok;
  } finally {
    await backend.close();
  }
}

