import { connect } from "node:net";
import type { ReadinessCheck } from "../definition/model.ts";
import { ServiceError, type Backend } from "../backends/backend.ts";
import { sleep } from "../util/async.ts";
import { logTail } from "./logs.ts";

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
  // A healthcheck that keeps failing past the point where the engine would call the
  // service unhealthy fails the boot then, with what the check said, not at the timeout.
  const giveUpAt = check.kind === "healthcheck" ? Date.now() + check.unhealthyAfterMs : Infinity;
  for (;;) {
    ctx.signal.throwIfAborted();
    const started = Date.now();
    const result = await probe().catch((e: unknown) => {
      // A ServiceError is a verdict (the check cannot work here), not "not ready yet".
      if (e instanceof ServiceError) throw e;
      return { ok: false, output: (e as Error).message };
    });
    if (result.ok) return;
    if (Date.now() >= giveUpAt) {
      const seconds = Math.round((check as { unhealthyAfterMs: number }).unhealthyAfterMs / 1000);
      throw new ServiceError(ctx.service, `service "${ctx.service}" is unhealthy: its healthcheck still fails after ${seconds} s (last result: ${result.output.trim().slice(0, 300)})`, {
        hint: "fix the service or its healthcheck; start_period, interval, timeout and retries set how long it may take",
        logTail: await logTail(ctx.backend, ctx.environment, ctx.service),
      });
    }
    await sleep(Math.max(0, PROBE_GAP_MS - (Date.now() - started) / 2), ctx.signal);
  }
}

type Probe = () => Promise<{ ok: boolean; output: string }>;

function probeOf(check: Exclude<ReadinessCheck, { kind: "running" | "completed" | "log" }>, ctx: ProbeContext): Probe {
  const run = (argv: string[], timeoutMs: number) => async () => {
    const result = await ctx.backend.exec(ctx.environment, ctx.service, argv, { timeoutMs, signal: ctx.signal });
    return { ok: result.exitCode === 0, output: `exit code ${result.exitCode}${result.output ? `: ${result.output}` : ""}` };
  };
  switch (check.kind) {
    case "healthcheck":
      return run(check.test[0] === "CMD-SHELL" ? ["/bin/sh", "-c", check.test.slice(1).join(" ")] : check.test.slice(1), check.timeoutMs);
    case "command":
      return run(check.command, 30_000);
    case "port":
      return async () => {
        const ok = ctx.backend.portOpen
          ? await ctx.backend.portOpen(ctx.environment, ctx.service, check.port)
          : await ctx.backend.probeAddress(ctx.environment, ctx.service, check.port).then((address) => tcpOpen(address.host, address.port, 1000));
        return { ok, output: ok ? "" : `nothing accepts connections on port ${check.port}` };
      };
    case "http":
      return async () => {
        const address = await ctx.backend.probeAddress(ctx.environment, ctx.service, check.port);
        const response = await fetch(`http://${address.host}:${address.port}${check.path}`, { signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(2000)]) });
        await response.body?.cancel();
        return { ok: response.status === check.status, output: `GET ${check.path} answered ${response.status}` };
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
