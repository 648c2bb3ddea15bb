import { spawn } from "node:child_process";
import type { Backend, Endpoint, Owner } from "../backends/backend.ts";
import type { TestSpec } from "../definition/environment.ts";
import type { Plan } from "../plan/plan.ts";
import type { Writable } from "node:stream";
import { withTimeout } from "../util/async.ts";
import { mergeInto, writeText } from "../util/text-streams.ts";
import { endpointVariables } from "./endpoints.ts";
import { Output, serviceLogFile, TEST_LOG_FILE, type OutputSink } from "./logs.ts";

export interface SuiteOutcome {
  exitCode: number;
  timedOut: boolean;
  interrupted: boolean;
  durationMs: number;
  /** The end of what the suite printed, with a note of what was cut and where the whole is. */
  outputTail: string;
}

export interface SuiteOptions {
  backend: Backend;
  owner: Owner;
  endpoints: Endpoint[];
  /** Variables of the host's environment the command starts from. */
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
  onOutput?: (chunk: string) => void;
  /** Where the test command's whole output is written (logs/prenv/test.log). */
  output?: OutputSink;
}


/** Runs the suite: a command on this machine, or the test service inside the environment. */
export async function runSuite(plan: Plan, test: TestSpec, options: SuiteOptions): Promise<SuiteOutcome> {
  const started = Date.now();
  // A test service's output is its log, saved with the others.
  const output = test.mode === "command"
    ? new Output(options.output, TEST_LOG_FILE, { ...(options.onOutput ? { onText: options.onOutput } : {}) })
    : new Output(options.output, serviceLogFile(plan.testService!.name), { write: false, ...(options.onOutput ? { onText: options.onOutput } : {}) });
  try {
    const result = test.mode === "command" ? await runCommand(plan, test, options, output.input) : await runService(plan, options, test.timeoutMs, output.input);
    return { ...result, durationMs: Date.now() - started, outputTail: await output.close() };
  } catch (e) {
    await output.close().catch(() => undefined);
    throw e;
  }
}

async function runCommand(plan: Plan, test: Extract<TestSpec, { mode: "command" }>, options: SuiteOptions, output: Writable) {
  // NODE_TEST_CONTEXT describes a node:test parent of prenv, not of the suite: passing it on would make a node:test suite skip its files.
  const { NODE_TEST_CONTEXT: _parentTestRunner, ...inherited } = options.env;
  const env = { ...inherited, ...endpointVariables(plan.environment, options.endpoints), ...test.env };
  const [command, ...args] = test.command;
  const child = spawn(command!, args, { cwd: test.workdir, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const printed = mergeInto([child.stdout, child.stderr], output);
  let timedOut = false;
  let interrupted = false;
  // The whole process group: test runners start workers that would outlive the runner.
  const killGroup = () => {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, test.timeoutMs);
  const onAbort = () => {
    interrupted = true;
    killGroup();
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const exitCode = await new Promise<number>((resolve) => {
    child.once("error", (e) => {
      void writeText(output, `prenv: cannot start ${command}: ${e.message}\n`).finally(() => resolve(127));
    });
    child.once("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  await printed;
  clearTimeout(timer);
  options.signal?.removeEventListener("abort", onAbort);
  return { exitCode, timedOut, interrupted };
}

async function runService(plan: Plan, options: SuiteOptions, timeoutMs: number, output: Writable) {
  const service = plan.testService!;
  const { backend } = options;
  // A run killed before it could remove its test service leaves the name taken.
  await backend.removeService(plan.environment, service.name);
  await backend.createService(plan, service, options.owner);
  await backend.startService(plan, service);
  const follow = new AbortController();
  const logs = (async () => {
    const stream = await backend.logs(plan.environment, service.name, { follow: true, signal: follow.signal });
    for await (const chunk of stream) await writeText(output, chunk as Buffer);
  })().catch(() => undefined);
  let timedOut = false;
  let interrupted = false;
  let exitCode: number;
  try {
    exitCode = await withTimeout(backend.waitForExit(plan.environment, service.name, options.signal), timeoutMs, options.signal);
  } catch (e) {
    timedOut = !options.signal?.aborted;
    interrupted = Boolean(options.signal?.aborted);
    await writeText(output, `prenv: ${(e as Error).message}\n`);
    exitCode = 124;
  }
  // A followed log ends when the container has exited and its last line is sent; one
  // that was stopped for a timeout or an interruption may still run, so it is cut off.
  if (!timedOut && !interrupted) await logs;
  follow.abort();
  return { exitCode, timedOut, interrupted };
}
