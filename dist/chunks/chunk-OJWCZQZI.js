#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));

// src/util/text-streams.ts
var REPORT_TAIL = { lines: 100, bytes: 8192 };
var EMPTY = Buffer.alloc(0);
var Utf8Chunker = class {
  carry = EMPTY;
  push(piece) {
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, piece]) : piece;
    const end = wholeLength(bytes);
    this.carry = end === bytes.length ? EMPTY : Buffer.from(bytes.subarray(end));
    return bytes.subarray(0, end);
  }
  end() {
    const rest = this.carry;
    this.carry = EMPTY;
    return rest;
  }
};
function wholeLength(bytes) {
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const byte = bytes[bytes.length - back];
    if ((byte & 192) === 128) continue;
    const needs = byte >= 240 ? 4 : byte >= 224 ? 3 : byte >= 192 ? 2 : 1;
    return needs > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}
var TextTail = class {
  chunks = [];
  kept = 0;
  total = 0;
  limits;
  constructor(limits = REPORT_TAIL) {
    this.limits = limits;
  }
  push(chunk) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    this.total += bytes.length;
    this.kept += bytes.length;
    this.chunks.push(bytes);
    while (this.kept - this.chunks[0].length >= this.limits.bytes) this.kept -= this.chunks.shift().length;
  }
  /** The last lines within the limits and how many bytes of the whole came before them. */
  result() {
    const joined = Buffer.concat(this.chunks);
    let start = Math.max(0, joined.length - this.limits.bytes);
    while (start < joined.length && (joined[start] & 192) === 128) start++;
    let text = joined.subarray(start).toString("utf8");
    let at = text.endsWith("\n") ? text.length - 1 : text.length;
    for (let found = 0; found < this.limits.lines && at > 0; found++) at = Math.max(0, text.lastIndexOf("\n", at - 1));
    if (at > 0) text = text.slice(at + 1);
    return { text, cutBytes: this.total - Buffer.byteLength(text) };
  }
  /** The tail, after a line saying what was cut and, when given, where the whole output is. */
  render(whole) {
    const { text, cutBytes } = this.result();
    if (cutBytes === 0) return text;
    return `\u2026 ${formatBytes(cutBytes)} cut${whole ? `; the whole output is in ${whole}` : ""}
${text}`;
  }
};
function formatBytes(bytes) {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${bytes} B`;
}
function writeText(target, text) {
  if (text.length === 0 || target.write(text)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error) => {
      target.off("drain", done);
      target.off("error", done);
      if (error) reject(error);
      else resolve();
    };
    target.on("drain", done);
    target.on("error", done);
  });
}
async function mergeInto(sources, target) {
  await Promise.all(
    sources.map(async (source) => {
      const chunker = new Utf8Chunker();
      for await (const chunk of source) await writeText(target, chunker.push(chunk));
      await writeText(target, chunker.end());
    })
  );
}

export {
  REPORT_TAIL,
  Utf8Chunker,
  TextTail,
  formatBytes,
  writeText,
  mergeInto
};
