import { StringDecoder } from "node:string_decoder";
import type { Readable, Writable } from "node:stream";

export interface TailLimits {
  lines: number;
  bytes: number;
}

/** What reports show of an output: its last lines, at most so many bytes. */
export const REPORT_TAIL: TailLimits = { lines: 100, bytes: 8192 };

/** The end of a text of any length, in bounded memory; counts what it drops. */
export class TextTail {
  private kept = "";
  private total = 0;
  private readonly limits: TailLimits;

  constructor(limits: TailLimits = REPORT_TAIL) {
    this.limits = limits;
  }

  push(text: string): void {
    this.total += Buffer.byteLength(text);
    this.kept += text;
    // A UTF-16 unit is at least one byte: the last `bytes` units hold at least `bytes` bytes.
    if (this.kept.length > 2 * this.limits.bytes) this.kept = dropBrokenPair(this.kept.slice(-this.limits.bytes));
  }

  /** The bytes the whole text had. */
  get bytes(): number {
    return this.total;
  }

  /** The last lines within the limits and how many bytes of the whole came before them. */
  result(): { text: string; cutBytes: number } {
    let text = this.kept;
    // Back over `lines` line breaks, not counting the one that ends the text.
    let start = text.endsWith("\n") ? text.length - 1 : text.length;
    for (let found = 0; found < this.limits.lines && start > 0; found++) start = Math.max(0, text.lastIndexOf("\n", start - 1));
    if (start > 0) text = text.slice(start + 1);
    const encoded = Buffer.from(text);
    if (encoded.length > this.limits.bytes) {
      let start = encoded.length - this.limits.bytes;
      while (start < encoded.length && (encoded[start]! & 0xc0) === 0x80) start++; // not inside a character
      text = encoded.subarray(start).toString("utf8");
    }
    return { text, cutBytes: this.total - Buffer.byteLength(text) };
  }

  /** The tail, after a line saying what was cut and, when given, where the whole text is. */
  render(whole?: string): string {
    const { text, cutBytes } = this.result();
    if (cutBytes === 0) return text;
    return `… ${formatBytes(cutBytes)} cut${whole ? `; the whole output is in ${whole}` : ""}\n${text}`;
  }
}

function dropBrokenPair(text: string): string {
  const first = text.charCodeAt(0);
  return first >= 0xdc00 && first <= 0xdfff ? text.slice(1) : text;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${bytes} B`;
}

/** Writes text to `target`, waiting while it is full; rejects once it failed. */
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
 * Decodes byte streams (a process's stdout and stderr, say) as UTF-8, each with its own
 * decoder so that a character split between chunks stays whole, and writes the text into
 * `target` with backpressure. Resolves when every source has ended; does not end `target`.
 */
export async function decodeInto(sources: Readable[], target: Writable): Promise<void> {
  await Promise.all(
    sources.map(async (source) => {
      const decoder = new StringDecoder("utf8");
      for await (const chunk of source) await writeText(target, decoder.write(chunk as Buffer));
      await writeText(target, decoder.end());
    }),
  );
}
