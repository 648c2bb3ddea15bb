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
  gc,
  gcCandidates,
  parseAge,
  undoAbandonedFaults
} from "./chunk-EPXBT6ZG.js";
import {
  CliError,
  EXIT,
  backendFor
} from "./chunk-DWDKV2LS.js";
import "./chunk-47MIETJC.js";
import "./chunk-VDOGPAC4.js";
import {
  DefinitionError
} from "./chunk-YMOYOOXC.js";
import "./chunk-MABPSUXQ.js";
import "./chunk-RCFCKQT6.js";

// src/cli/environment-commands.ts
import { hostname } from "node:os";
async function environmentName(opts, io) {
  if (opts.env) return opts.env;
  try {
    const { plan } = await import("./definition-commands-SKY22JCS.js");
    return plan(opts, io).environment;
  } catch (e) {
    if (e instanceof DefinitionError) throw new CliError(`${e.message}
prenv: name the environment with --env <name> to act on it without its definition`, EXIT.badInput);
    throw e;
  }
}
async function downCommand(opts, io) {
  const environment = await environmentName(opts, io);
  const backend = await backendFor(opts, io);
  try {
    const started = Date.now();
    const report = await backend.remove(environment, { keepVolumes: opts.keepVolumes ?? false });
    if (opts.json) io.out.write(`${JSON.stringify({ environment, ...report }, null, 2)}
`);
    else if (report.containers + report.networks + report.volumes === 0) io.err.write(`prenv: no environment "${environment}" (nothing to remove; \`prenv ls\` lists what exists)
`);
    else io.err.write(`removed ${environment}: ${report.containers} containers, ${report.networks} networks, ${report.volumes} volumes in ${seconds(Date.now() - started)}
`);
    return EXIT.ok;
  } finally {
    await backend.close();
  }
}
async function lsCommand(opts, io) {
  const backend = await backendFor(opts, io);
  try {
    const envs = await backend.list();
    if (opts.json) {
      io.out.write(`${JSON.stringify(envs, null, 2)}
`);
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
    io.out.write(`${table(rows)}
`);
    return EXIT.ok;
  } finally {
    await backend.close();
  }
}
async function logsCommand(service, opts, io) {
  const environment = await environmentName(opts, io);
  const backend = await backendFor(opts, io);
  try {
    await requireService(backend, environment, service);
    const tail = opts.tail === void 0 ? void 0 : Number(opts.tail);
    if (tail !== void 0 && !(Number.isInteger(tail) && tail >= 0)) throw new CliError(`prenv: --tail "${opts.tail}" is not a number of lines`, EXIT.badInput);
    const stream = await backend.logs(environment, service, { follow: opts.follow ?? false, signal: io.signal, ...tail !== void 0 ? { tail } : {} });
    for await (const chunk of stream) io.out.write(chunk);
    return EXIT.ok;
  } finally {
    await backend.close();
  }
}
async function execCommand(service, argv, opts, io) {
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
        ...interactive && stdin ? { stdin } : {},
        stdout: io.out,
        stderr: io.err,
        tty,
        ...io.out.columns && io.out.rows ? { size: { columns: io.out.columns, rows: io.out.rows } } : {},
        onResize: (resize) => io.out.on("resize", () => resize({ columns: io.out.columns, rows: io.out.rows }))
      });
    } finally {
      if (tty && stdin?.isTTY) stdin.setRawMode(false);
      stdin?.pause();
    }
  } finally {
    await backend.close();
  }
}
async function requireService(backend, environment, service) {
  const env = (await backend.list()).find((e) => e.environment === environment);
  if (!env) throw new CliError(`prenv: no environment "${environment}"; \`prenv ls\` lists the running ones, \`prenv up\` starts this one`, EXIT.badInput);
  if (!env.services.some((s) => s.name === service)) {
    throw new CliError(`prenv: environment "${environment}" has no service "${service}"; it has ${env.services.map((s) => s.name).join(", ")}`, EXIT.badInput);
  }
}
async function gcCommand(environments, opts, io) {
  const olderThanMs = opts.olderThan ? parseAge(opts.olderThan) : void 0;
  if (opts.olderThan && olderThanMs === void 0) throw new CliError(`prenv: --older-than "${opts.olderThan}" is not an age; write for example 30m, 2h or 1d`, EXIT.badInput);
  const backend = await backendFor(opts, io);
  try {
    const options = { host: hostname(), ...olderThanMs !== void 0 ? { olderThanMs } : {}, ...opts.expired ? { expiries: await backend.expiries() } : {}, ...environments.length ? { only: new Set(environments) } : {} };
    const faults = opts.dryRun ? [] : await undoAbandonedFaults(backend, options);
    const results = opts.dryRun ? gcCandidates(await backend.list(), options).map((decision) => ({ decision, removed: void 0 })) : await gc(backend, options);
    for (const f of faults) io.err.write(`${f.undone ? "undid" : "could not undo"} fault ${f.fault} of ${f.environment} (process ${f.owner} is gone): ${f.detail}
`);
    if (opts.json) {
      io.out.write(`${JSON.stringify(results.map((r) => ({ environment: r.decision.environment.environment, reason: r.decision.reason, removed: r.removed ?? null })), null, 2)}
`);
      return faults.some((f) => !f.undone) ? EXIT.environmentFailed : EXIT.ok;
    }
    if (results.length === 0 && faults.length === 0) io.err.write("nothing to collect\n");
    for (const r of results) io.err.write(`${opts.dryRun ? "would remove" : "removed"} ${r.decision.environment.environment}: ${r.decision.reason}
`);
    return faults.some((f) => !f.undone) ? EXIT.environmentFailed : EXIT.ok;
  } finally {
    await backend.close();
  }
}
export {
  downCommand,
  execCommand,
  gcCommand,
  logsCommand,
  lsCommand
};
