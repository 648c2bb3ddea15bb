import { connect } from "node:net";
import type { ReadinessCheck } from "../definition/model.ts";
import type { Backend } from "../backends/backend.ts";
import { sleep } from "../util/async.ts";

/** How often a failed probe is tried again: well inside the 250 ms to notice readiness. */
export const PROBE_GAP_MS = 100;

export interface ProbeContext {
  backend: Backend;
  environment: string;
  service: string;
  signal: AbortSignal;
}

/**
 * Resolves once the check passes. prenv runs the probes itself, often, instead of
 * waiting for the engine's healthcheck interval (30 s by default in Compose).
 * Rejects only when aborted; time limits and exits are the caller's business.
 */
export async function waitFor(check: ReadinessCheck, ctx: ProbeContext): Promise<void> {
  if (check.kind === "running" || check.kind === "completed") return; // decided by container events
  if (check.kind === "log") return waitForLog(check.pattern, ctx);
  const probe = probeOf(check, ctx);
  for (;;) {
    ctx.signal.throwIfAborted();
    const started = Date.now();
    if (await probe().catch(() => false)) return;
    await sleep(Math.max(0, PROBE_GAP_MS - (Date.now() - started) / 2), ctx.signal);
  }
}

function probeOf(check: Exclude<ReadinessCheck, { kind: "running" | "completed" | "log" }>, ctx: ProbeContext): () => Promise<boolean> {
  switch (check.kind) {
    case "healthcheck": {
      const argv = check.test[0] === "CMD-SHELL" ? ["/bin/sh", "-c", check.test.slice(1).join(" ")] : check.test.slice(1);
      return async () => (await ctx.backend.exec(ctx.environment, ctx.service, argv, { timeoutMs: check.timeoutMs, signal: ctx.signal })).exitCode === 0;
    }
    case "command":
      return async () => (await ctx.backend.exec(ctx.environment, ctx.service, check.command, { timeoutMs: 30_000, signal: ctx.signal })).exitCode === 0;
    case "port":
      return async () => {
        const address = await ctx.backend.probeAddress(ctx.environment, ctx.service, check.port);
        return tcpOpen(address.host, address.port, 1000);
      };
    case "http":
      return async () => {
        const address = await ctx.backend.probeAddress(ctx.environment, ctx.service, check.port);
        const response = await fetch(`http://${address.host}:${address.port}${check.path}`, { signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(2000)]) });
        await response.body?.cancel();
        return response.status === check.status;
      };
  }
}

function tcpOpen(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

async function waitForLog(pattern: string, ctx: ProbeContext): Promise<void> {
  const re = new RegExp(pattern);
  const local = new AbortController();
  const signal = AbortSignal.any([ctx.signal, local.signal]);
  try {
    const stream = await ctx.backend.logs(ctx.environment, ctx.service, { follow: true, signal });
    let pending = "";
    for await (const chunk of stream) {
      pending += String(chunk);
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      if (lines.some((l) => re.test(l)) || re.test(pending)) return;
    }
    ctx.signal.throwIfAborted();
    throw new Error(`the log ended without a line matching /${pattern}/`);
  } finally {
    local.abort();
  }
}
