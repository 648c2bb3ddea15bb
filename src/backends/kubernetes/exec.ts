import { PassThrough, Writable } from "node:stream";
import { finished } from "node:stream/promises";
import type { V1Status } from "@kubernetes/client-node";
import * as k8s from "@kubernetes/client-node";
import { TextTail, Utf8Chunker, writeText } from "../../util/text-streams.ts";
import { UnsupportedError, type AttachedStreams, type ExecOptions, type ExecResult } from "../backend.ts";

/**
 * Commands in a pod's container through the API's exec (a web socket). The API has no
 * user, working directory or environment for exec: a working directory and variables are
 * given by wrapping the command (/bin/sh and env, which the image must have); another
 * user cannot be, and is refused with UnsupportedError.
 */

/** The command with `workdir` and `env` applied by the container's own shell and env. */
export function wrapCommand(argv: string[], options: { workdir?: string; env?: Record<string, string | null> }): string[] {
  const env = Object.entries(options.env ?? {});
  // Options before assignments: env stops reading options at the first NAME=VALUE.
  const vars = [...env.flatMap(([k, v]) => (v === null ? ["-u", k] : [])), ...env.flatMap(([k, v]) => (v === null ? [] : [`${k}=${v}`]))];
  const withEnv = vars.length > 0 ? ["env", ...vars, ...argv] : argv;
  if (!options.workdir) return withEnv;
  return ["/bin/sh", "-c", 'cd -- "$1" || exit 126; shift; exec "$@"', "sh", options.workdir, ...withEnv];
}

/** The exit code in exec's final status: 0 for Success, the ExitCode cause otherwise. */
export function exitCodeOf(status: V1Status | undefined): { exitCode: number; message?: string } {
  if (!status) return { exitCode: -1, message: "the exec stream closed without an exit status" };
  if (status.status === "Success") return { exitCode: 0 };
  const cause = status.details?.causes?.find((c) => c.reason === "ExitCode")?.message;
  if (cause !== undefined && /^\d+$/.test(cause)) return { exitCode: Number(cause) };
  // The command could not be run at all (not found, not executable), as Docker's 126/127.
  const message = status.message ?? "exec failed";
  return { exitCode: /not found|no such file/i.test(message) ? 127 : 126, message };
}

/** Text in whole UTF-8 characters into `into` (with its backpressure), or into a tail. */
class TextSink extends Writable {
  private readonly chunker = new Utf8Chunker();
  readonly tail = new TextTail();
  private readonly into: Writable | undefined;
  constructor(into: Writable | undefined) {
    super();
    this.into = into;
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.put(this.chunker.push(chunk)).then(() => callback(), callback);
  }
  override _final(callback: (error?: Error | null) => void): void {
    this.put(this.chunker.end()).then(() => callback(), callback);
  }
  private async put(text: Buffer): Promise<void> {
    if (text.length === 0) return;
    if (this.into) await writeText(this.into, text);
    else this.tail.push(text);
  }
}

export async function execInPod(config: k8s.KubeConfig, namespace: string, pod: string, container: string, argv: string[], options: ExecOptions = {}, stdin?: NodeJS.ReadableStream): Promise<ExecResult> {
  if (options.privileged) throw new UnsupportedError("running a command with extended privileges is not possible on Kubernetes: its exec API has none", "drop `privileged:`, or give the container the capabilities it needs (cap_add)");
  if (options.user) throw new UnsupportedError(`running a command as user "${options.user}" is not possible on Kubernetes: its exec API has no user`, "drop `user:` from the step, or run the command through su/sudo inside the container");
  options.signal?.throwIfAborted();
  const sink = new TextSink(options.output);
  let status: V1Status | undefined;
  const input = stdin ? new PassThrough() : null;
  if (stdin && input) stdin.pipe(input);
  // The client ends the streams it is given when the command ends: one feeder each, into one sink.
  const stdout = feeder(sink);
  const stderr = feeder(sink);
  const ws = await new k8s.Exec(config).exec(namespace, pod, container, wrapCommand(argv, options), stdout, stderr, input, false, (s) => {
    status = s;
  });
  let timedOut = false;
  const stop = () => ws.close();
  const timer = options.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        stop();
      }, options.timeoutMs)
    : undefined;
  options.signal?.addEventListener("abort", stop, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once("close", () => resolve());
      ws.once("error", reject);
    });
  } finally {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener("abort", stop);
  }
  if (timedOut) throw new Error(`timed out after ${options.timeoutMs} ms`);
  if (!stdout.writableEnded) stdout.end();
  if (!stderr.writableEnded) stderr.end();
  await Promise.all([finished(stdout), finished(stderr)]);
  await new Promise<void>((resolve, reject) => sink.end((e?: Error | null) => (e ? reject(e) : resolve())));
  const { exitCode, message } = exitCodeOf(status);
  const output = sink.tail.render();
  return { exitCode, output: message && exitCode !== 0 && !options.signal?.aborted ? `${output}${output && !output.endsWith("\n") ? "\n" : ""}${message}\n` : output };
}

/**
 * A command attached to the caller's streams; with a terminal, its size follows the
 * caller's (exec reads the size from a stream with rows, columns and "resize" events).
 */
export async function execAttachedInPod(config: k8s.KubeConfig, namespace: string, pod: string, container: string, argv: string[], streams: AttachedStreams): Promise<number> {
  const stdout = streams.tty ? new SizedOutput(streams.stdout, streams.size) : streams.stdout;
  if (stdout instanceof SizedOutput) streams.onResize?.((size) => stdout.resize(size));
  const input = streams.stdin ? new PassThrough() : null;
  if (streams.stdin && input) streams.stdin.pipe(input);
  let status: V1Status | undefined;
  const ws = await new k8s.Exec(config).exec(namespace, pod, container, argv, asWritable(stdout), streams.tty ? null : asWritable(streams.stderr), input, streams.tty, (s) => {
    status = s;
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("close", () => resolve());
    ws.once("error", reject);
  });
  return exitCodeOf(status).exitCode;
}

/** Writes into `sink` without ever ending it. */
function feeder(sink: Writable): Writable {
  return new Writable({ write: (chunk: Buffer, _e, cb) => (sink.write(chunk) ? cb() : sink.once("drain", () => cb())) });
}

function asWritable(stream: NodeJS.WritableStream): Writable {
  if (stream instanceof Writable) return stream;
  return new Writable({ write: (chunk: Buffer, _e, cb) => (stream.write(chunk) ? cb() : stream.once("drain", () => cb())) });
}

/** The caller's terminal output, with a size that exec's resize queue reads. */
class SizedOutput extends Writable {
  rows: number;
  columns: number;
  private readonly target: NodeJS.WritableStream;
  constructor(target: NodeJS.WritableStream, size: { columns: number; rows: number } | undefined) {
    super();
    this.target = target;
    this.rows = size?.rows ?? 24;
    this.columns = size?.columns ?? 80;
  }
  resize(size: { columns: number; rows: number }): void {
    this.rows = size.rows;
    this.columns = size.columns;
    this.emit("resize");
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    if (this.target.write(chunk)) callback();
    else this.target.once("drain", callback);
  }
  // The caller's stream is not ours to end.
  override _final(callback: () => void): void {
    callback();
  }
}
