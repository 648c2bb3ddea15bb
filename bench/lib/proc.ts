import { spawn, type ChildProcess } from "node:child_process";

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** From spawn to exit, measured with performance.now(). */
  ms: number;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the process (SIGKILL) when it runs longer than this. */
  timeoutMs?: number;
  /** Called with each complete stderr line and the moment (performance.now()) it arrived. */
  onStderrLine?: (line: string, at: number) => void;
}

/** Every child the benchmark started and that has not exited yet, so cleanup can stop it. */
export const liveChildren = new Set<ChildProcess>();

/** A started process with its outcome to come. */
export interface Started {
  child: ChildProcess;
  startedAt: number;
  done: Promise<RunResult>;
}

export function start(command: string, args: readonly string[], options: RunOptions = {}): Started {
  const startedAt = performance.now();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
  liveChildren.add(child);
  let stdout = "";
  let stderr = "";
  let pending = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => {
    const at = performance.now();
    stderr += s;
    if (!options.onStderrLine) return;
    pending += s;
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      options.onStderrLine(pending.slice(0, nl), at);
      pending = pending.slice(nl + 1);
    }
  });
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
  const done = new Promise<RunResult>((resolve, reject) => {
    child.once("error", (e) => {
      liveChildren.delete(child);
      if (timer) clearTimeout(timer);
      reject(new Error(`${command}: ${e.message}`));
    });
    // "close", not "exit": the pipes are drained by then.
    child.once("close", (code, signal) => {
      liveChildren.delete(child);
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - startedAt });
    });
  });
  return { child, startedAt, done };
}

export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return start(command, args, options).done;
}

/** Like run, but a non-zero exit is an error carrying the command's stderr. */
export async function check(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const r = await run(command, args, options);
  if (r.code !== 0) {
    const why = r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`;
    throw new Error(`\`${[command, ...args].join(" ")}\` failed (${why}):\n${lastLines(r.stderr || r.stdout, 15)}`);
  }
  return r;
}

export function lastLines(text: string, n: number): string {
  return text.trimEnd().split("\n").slice(-n).join("\n");
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether a program can be run (found on PATH or by its path). */
export async function available(command: string, args: readonly string[] = ["--version"]): Promise<boolean> {
  try {
    const r = await run(command, args, { timeoutMs: 10_000 });
    return r.code === 0;
  } catch {
    return false;
  }
}
