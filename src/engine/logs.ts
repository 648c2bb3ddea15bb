import { PassThrough, Readable, Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { StringDecoder } from "node:string_decoder";
import type { Runtime } from "../backends/backend.ts";
import { REPORT_TAIL, TextTail, writeText, type TailLimits } from "../util/text-streams.ts";

/** Where whole outputs go (the results folder), by their paths there. */
export interface OutputSink {
  /** A writable for one file, "logs/api.log" say; ended when the output is complete. */
  open(file: string): Writable;
  /** Applied to every output before it is written or kept in memory (secret masking, say). */
  transform?: () => Transform;
  /**
   * Keeps copies of the suite's reports, by their real paths (the report the engine
   * returns is redacted, paths too), kept relative to the first of `bases` they are in.
   */
  copyReports?(reports: string[], ...bases: string[]): Promise<unknown>;
}

/** The file of a service's log. */
export const serviceLogFile = (service: string) => `logs/${service}.log`;
/** The file of a setup step's output: prenv's own outputs are apart from the services'. */
export const stepLogFile = (index: number, name: string) => `logs/prenv/setup-${index + 1}-${slug(name)}.log`;
/** The file of the test command's output. */
export const TEST_LOG_FILE = "logs/prenv/test.log";

/**
 * One output on its way to its file: write UTF-8 text into `input`, with backpressure;
 * `close()` waits until it is all written and gives its tail for reports. Both pass the
 * sink's transform. Without a sink, or with `write: false` (the file is written elsewhere),
 * only the tail is kept.
 */
export class Output {
  readonly input = new PassThrough();
  private readonly tail: TextTail;
  private readonly done: Promise<void>;
  private readonly where: string | undefined;

  constructor(sink: OutputSink | undefined, file: string, options: { write?: boolean; limits?: TailLimits; onText?: (text: string) => void } = {}) {
    const tail = (this.tail = new TextTail(options.limits ?? REPORT_TAIL));
    this.where = sink ? file : undefined;
    // Decoded only for the live display: the tail decodes once, at the end.
    const decoder = options.onText ? new StringDecoder("utf8") : undefined;
    const tee = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        tail.push(chunk);
        if (decoder) options.onText?.(decoder.write(chunk));
        callback(null, chunk);
      },
      flush(callback) {
        if (decoder) options.onText?.(decoder.end());
        callback();
      },
    });
    const target = sink && options.write !== false ? sink.open(file) : new Writable({ write: (_chunk, _encoding, callback) => callback() });
    this.done = pipeline([this.input, ...(sink?.transform ? [sink.transform()] : []), tee, target]);
    // Awaited by close(); a failure before that must not go unhandled.
    this.done.catch(() => undefined);
    // A writer that outlives the output (a step past its timeout) hears the error itself.
    this.input.on("error", () => undefined);
  }

  /** Ends the output; resolves with its tail and a note of what was cut and where the whole is. */
  async close(): Promise<string> {
    if (!this.input.writableEnded) this.input.end();
    await this.done;
    return this.tail.render(this.where);
  }
}

/** Streams a service's whole log into its file; a log that cannot be read says why there. */
export async function saveLog(backend: Pick<Runtime, "logs">, environment: string, service: string, sink: OutputSink): Promise<void> {
  const output = new Output(sink, serviceLogFile(service));
  try {
    const stream = await backend.logs(environment, service, { follow: false });
    for await (const chunk of stream) await writeText(output.input, chunk as Buffer);
  } catch (e) {
    await writeText(output.input, `\nprenv: the log could not be read: ${(e as Error).message}\n`).catch(() => undefined);
  }
  await output.close();
}

/** A text kept for reports (a log's tail, say) through the sink's transform. */
export async function passText(sink: OutputSink | undefined, text: string): Promise<string> {
  if (!sink?.transform || text === "") return text;
  const chunks: Buffer[] = [];
  const collect = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  await pipeline(Readable.from([text]), sink.transform(), collect);
  return Buffer.concat(chunks).toString("utf8");
}

/** The last lines of a service's log, for error messages; empty when it cannot be read. */
export async function logTail(backend: Pick<Runtime, "logs">, environment: string, service: string, lines = 20): Promise<string> {
  const tail = new TextTail({ lines, bytes: REPORT_TAIL.bytes });
  try {
    const stream = await backend.logs(environment, service, { follow: false, tail: lines });
    for await (const chunk of stream) tail.push(String(chunk));
  } catch {
    return "";
  }
  return tail.result().text.trimEnd();
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40).replace(/-$/, "") || "step";
}
