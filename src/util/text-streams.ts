import type { Readable, Writable } from "node:stream";

export interface TailLimits {
  lines: number;
  bytes: number;
}

/** What reports show of an output: its last lines, at most so many bytes. */
export const REPORT_TAIL: TailLimits = { lines: 100, bytes: 8192 };

const EMPTY = Buffer.alloc(0);

/**
 * Cuts one byte stream into chunks of whole UTF-8 characters: a character split between
 * two pieces waits for the rest of it. Bytes pass unchanged (no decoding), so what is
 * written is byte-exact, and a byte that is not UTF-8 passes too.
 */
export class Utf8Chunker {
  private carry: Buffer = EMPTY;

  push(piece: Buffer): Buffer {
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, piece]) : piece;
    const end = wholeLength(bytes);
    this.carry = end === bytes.length ? EMPTY : Buffer.from(bytes.subarray(end));
    return bytes.subarray(0, end);
  }

  end(): Buffer {
    const rest = this.carry;
    this.carry = EMPTY;
    return rest;
  }
}

/** The length of `bytes` without an incomplete character at its end. */
function wholeLength(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const needs = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needs > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/** The end of an output of any length, in bounded memory; counts what it drops. */
export class TextTail {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private total = 0;
  private readonly limits: TailLimits;

  constructor(limits: TailLimits = REPORT_TAIL) {
    this.limits = limits;
  }

  push(chunk: Buffer | string): void {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    this.total += bytes.length;
    this.kept += bytes.length;
    this.chunks.push(bytes);
    while (this.kept - this.chunks[0]!.length >= this.limits.bytes) this.kept -= this.chunks.shift()!.length;
  }

  /** The last lines within the limits and how many bytes of the whole came before them. */
  result(): { text: string; cutBytes: number } {
    const joined = Buffer.concat(this.chunks);
    let start = Math.max(0, joined.length - this.limits.bytes);
    while (start < joined.length && (joined[start]! & 0xc0) === 0x80) start++; // not inside a character
    let text = joined.subarray(start).toString("utf8");
    // Back over `lines` line breaks, not counting the one that ends the text.
    let at = text.endsWith("\n") ? text.length - 1 : text.length;
    for (let found = 0; found < this.limits.lines && at > 0; found++) at = Math.max(0, text.lastIndexOf("\n", at - 1));
    if (at > 0) text = text.slice(at + 1);
    return { text, cutBytes: this.total - Buffer.byteLength(text) };
  }

  /** The tail, after a line saying what was cut and, when given, where the whole output is. */
  render(whole?: string): string {
    const { text, cutBytes } = this.result();
    if (cutBytes === 0) return text;
    return `… ${formatBytes(cutBytes)} cut${whole ? `; the whole output is in ${whole}` : ""}\n${text}`;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${bytes} B`;
}

/** Writes to `target`, waiting while it is full; rejects once it failed. */
export function writeText(target: Writable, text: string | Buffer): Promise<void> {
  if (text.length === 0 || target.write(text)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      target.off("drain", done);
      target.off("error", done);
      if (error) reject(error);
      else resolve();
    };
    target.on("drain", done);
    target.on("error", done);
  });
}

/**
 * Writes byte streams (a process's stdout and stderr, say) into `target` in whole UTF-8
 * characters, each source cut apart, with backpressure. Resolves when every source has
 * ended; does not end `target`.
 */
export async function mergeInto(sources: Readable[], target: Writable): Promise<void> {
  await Promise.all(
    sources.map(async (source) => {
      const chunker = new Utf8Chunker();
      for await (const chunk of source) await writeText(target, chunker.push(chunk as Buffer));
      await writeText(target, chunker.end());
    }),
  );
}
