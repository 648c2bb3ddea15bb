import type { Backend, Owner } from "../backends/backend.ts";
import type { SetupStep } from "../definition/environment.ts";
import type { Plan } from "../plan/plan.ts";
import { withTimeout } from "../util/async.ts";

export interface StepOutcome {
  name: string;
  kind: SetupStep["kind"];
  ok: boolean;
  durationMs: number;
  /** What the step printed or answered (trimmed to the last 4 kB). */
  output: string;
}

/** A setup step failed: the run stops here with the step's output. */
export class SetupError extends Error {
  /** Every step that ran, the failed one last. */
  readonly steps: StepOutcome[];
  readonly hint: string;
  constructor(steps: StepOutcome[], reason: string, hint: string) {
    super(`setup step "${steps.at(-1)!.name}" failed: ${reason}`);
    this.name = "SetupError";
    this.steps = steps;
    this.hint = hint;
  }

  get step(): StepOutcome {
    return this.steps.at(-1)!;
  }
}

export interface SetupOptions {
  backend: Backend;
  owner: Owner;
  signal?: AbortSignal;
  onStep?: (event: { step: SetupStep; index: number; phase: "running" | "done" | "failed"; outcome?: StepOutcome }) => void;
}

const KEEP = 4096;
const tail = (text: string) => (text.length > KEEP ? `…${text.slice(-KEEP)}` : text);

/** Runs the steps in order; stops at the first failure by throwing SetupError. */
export async function runSetup(plan: Plan, steps: SetupStep[], options: SetupOptions): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = [];
  for (const [index, step] of steps.entries()) {
    options.onStep?.({ step, index, phase: "running" });
    const started = Date.now();
    let result: { ok: boolean; output: string; reason: string; hint: string };
    try {
      result = await withTimeout(runStep(plan, step, index, options), step.timeoutMs, options.signal);
    } catch (e) {
      result = { ok: false, output: "", reason: (e as Error).message, hint: `the step has ${Math.round(step.timeoutMs / 1000)} s (set timeout: on the step to change it)` };
    }
    const outcome: StepOutcome = { name: step.name, kind: step.kind, ok: result.ok, durationMs: Date.now() - started, output: tail(result.output) };
    outcomes.push(outcome);
    options.onStep?.({ step, index, phase: result.ok ? "done" : "failed", outcome });
    if (!result.ok) throw new SetupError(outcomes, result.reason, result.hint);
  }
  return outcomes;
}

async function runStep(plan: Plan, step: SetupStep, index: number, options: SetupOptions): Promise<{ ok: boolean; output: string; reason: string; hint: string }> {
  const { backend } = options;
  switch (step.kind) {
    case "exec": {
      const result = await backend.exec(plan.environment, step.service, step.command, {
        timeoutMs: step.timeoutMs,
        env: step.env,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(step.user ? { user: step.user } : {}),
        ...(step.workdir ? { workdir: step.workdir } : {}),
      });
      return {
        ok: result.exitCode === 0,
        output: result.output,
        reason: `exit code ${result.exitCode}`,
        hint: `to try it by hand, keep the environment (--keep-on-failure), then: prenv exec --env ${plan.environment} ${step.service} -- ${step.command.map(shellQuote).join(" ")}`,
      };
    }
    case "run": {
      const result = await backend.runOneOff(plan, { name: `setup-${index + 1}`, image: step.image, env: step.env, mounts: step.mounts, ...(step.command ? { command: step.command } : {}), ...(step.entrypoint ? { entrypoint: step.entrypoint } : {}), ...(step.workdir ? { workdir: step.workdir } : {}) }, options.owner, { timeoutMs: step.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
      return { ok: result.exitCode === 0, output: result.output, reason: `exit code ${result.exitCode}`, hint: `the container ran ${step.image} on the environment's network; check its output above` };
    }
    case "http": {
      const address = await backend.probeAddress(plan.environment, step.service, step.port);
      const url = `http://${address.host}:${address.port}${step.path}`;
      const response = await fetch(url, {
        method: step.method,
        headers: step.headers,
        ...(step.body !== undefined ? { body: step.body } : {}),
        signal: AbortSignal.any([AbortSignal.timeout(step.timeoutMs), ...(options.signal ? [options.signal] : [])]),
      });
      const body = await response.text();
      const statusOk = response.status === step.expectStatus;
      const bodyOk = step.expectBody === undefined || body.includes(step.expectBody);
      const output = `${step.method} ${step.service}:${step.port}${step.path} -> ${response.status}\n${body}`;
      if (!statusOk) return { ok: false, output, reason: `answered ${response.status}, expected ${step.expectStatus}`, hint: "check the service's log (prenv logs " + step.service + ")" };
      if (!bodyOk) return { ok: false, output, reason: `the answer does not contain ${JSON.stringify(step.expectBody)}`, hint: "check the service's log (prenv logs " + step.service + ")" };
      return { ok: true, output, reason: "", hint: "" };
    }
    case "copy": {
      await backend.copyInto(plan.environment, step.service, step.from, step.to);
      return { ok: true, output: `copied ${step.from} to ${step.service}:${step.to}`, reason: "", hint: "" };
    }
  }
}

/** A word as /bin/sh reads it back unchanged. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./=:@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
