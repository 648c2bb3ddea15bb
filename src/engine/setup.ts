import type { Writable } from "node:stream";
import type { Backend, Owner } from "../backends/backend.ts";
import type { SetupStep } from "../definition/environment.ts";
import type { Plan } from "../plan/plan.ts";
import { withTimeout } from "../util/async.ts";
import { shellQuote } from "../util/shell.ts";
import { writeText } from "../util/text-streams.ts";
import { Output, stepLogFile, type OutputSink } from "./logs.ts";

export interface StepOutcome {
  name: string;
  kind: SetupStep["kind"];
  ok: boolean;
  durationMs: number;
  /** The end of what the step printed or answered; the whole is in its file of the results folder. */
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
  /** Where each step's whole output is written (logs/prenv/setup-<n>-<name>.log). */
  output?: OutputSink;
}

type StepResult = { ok: boolean; reason: string; hint: string };

/** Runs the steps in order; stops at the first failure by throwing SetupError. */
export async function runSetup(plan: Plan, steps: SetupStep[], options: SetupOptions): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = [];
  for (const [index, step] of steps.entries()) {
    options.onStep?.({ step, index, phase: "running" });
    const started = Date.now();
    const output = new Output(options.output, stepLogFile(index, step.name));
    let result: StepResult;
    try {
      result = await withTimeout(runStep(plan, step, index, options, output.input), step.timeoutMs, options.signal);
    } catch (e) {
      result = { ok: false, reason: (e as Error).message, hint: `the step has ${Math.round(step.timeoutMs / 1000)} s (set timeout: on the step to change it)` };
    }
    const outcome: StepOutcome = { name: step.name, kind: step.kind, ok: result.ok, durationMs: Date.now() - started, output: await output.close() };
    outcomes.push(outcome);
    options.onStep?.({ step, index, phase: result.ok ? "done" : "failed", outcome });
    if (!result.ok) throw new SetupError(outcomes, result.reason, result.hint);
  }
  return outcomes;
}

async function runStep(plan: Plan, step: SetupStep, index: number, options: SetupOptions, output: Writable): Promise<StepResult> {
  const { backend } = options;
  switch (step.kind) {
    case "exec": {
      const result = await backend.exec(plan.environment, step.service, step.command, {
        timeoutMs: step.timeoutMs,
        env: step.env,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(step.user ? { user: step.user } : {}),
        ...(step.workdir ? { workdir: step.workdir } : {}),
        output,
      });
      return {
        ok: result.exitCode === 0,
        reason: `exit code ${result.exitCode}`,
        hint: `to try it by hand, keep the environment (--keep-on-failure), then: prenv exec --env ${plan.environment} ${step.service} -- ${step.command.map(shellQuote).join(" ")}`,
      };
    }
    case "run": {
      const result = await backend.runOneOff(plan, { name: `setup-${index + 1}`, image: step.image, env: step.env, mounts: step.mounts, ...(step.command ? { command: step.command } : {}), ...(step.entrypoint ? { entrypoint: step.entrypoint } : {}), ...(step.workdir ? { workdir: step.workdir } : {}) }, options.owner, { timeoutMs: step.timeoutMs, output, ...(options.signal ? { signal: options.signal } : {}) });
      return { ok: result.exitCode === 0, reason: `exit code ${result.exitCode}`, hint: `the container ran ${step.image} on the environment's network; check its output above` };
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
      await writeText(output, `${step.method} ${step.service}:${step.port}${step.path} -> ${response.status}\n`);
      const bodyOk = await streamBody(response, output, step.expectBody);
      const statusOk = response.status === step.expectStatus;
      if (!statusOk) return { ok: false, reason: `answered ${response.status}, expected ${step.expectStatus}`, hint: "check the service's log (prenv logs " + step.service + ")" };
      if (!bodyOk) return { ok: false, reason: `the answer does not contain ${JSON.stringify(step.expectBody)}`, hint: "check the service's log (prenv logs " + step.service + ")" };
      return { ok: true, reason: "", hint: "" };
    }
    case "copy": {
      await backend.copyInto(plan.environment, step.service, step.from, step.to);
      await writeText(output, `copied ${step.from} to ${step.service}:${step.to}`);
      return { ok: true, reason: "", hint: "" };
    }
  }
}

/** Streams an answer's body into `output`; whether it contains `expected` (true when none is expected). */
async function streamBody(response: Response, output: Writable, expected: string | undefined): Promise<boolean> {
  const needle = expected ?? "";
  let found = needle === "";
  // The expected text may straddle two chunks: keep what could be its beginning.
  let window = "";
  const take = async (text: string) => {
    await writeText(output, text);
    if (found) return;
    window += text;
    found = window.includes(needle);
    window = window.slice(window.length - (needle.length - 1));
  };
  const decoder = new TextDecoder();
  for await (const chunk of response.body ?? []) await take(decoder.decode(chunk, { stream: true }));
  await take(decoder.decode());
  return found;
}

