import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import { error } from "./errors.ts";
import type { Diagnostic, SourceLocation } from "./model.ts";

/**
 * The largest definition file (compose file, prenv.yml, env file) prenv reads. Real ones
 * are kilobytes; the limit only keeps a generated or hostile file from taking minutes and
 * gigabytes before anything useful is said.
 */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

const MIB = 1024 * 1024;

/** Where `offset` (in UTF-16 units of `text`) is, 1-based, as editors count. */
export function positionIn(file: string, text: string, offset: number): SourceLocation {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { file, line, column: offset - lineStart + 1 };
}

/**
 * Reads a definition file as UTF-8 text, refusing what is not one: a directory, a device
 * or FIFO (reading would never end or never start), a file over MAX_FILE_BYTES, bytes that
 * are not UTF-8, NUL bytes. A UTF-8 byte order mark is dropped, as Compose does.
 * `what` names the file for the messages ("compose file", "env file"); `at` is where the
 * definition refers to it, if it does.
 */
export function readDefinitionText(file: string, what: string, diagnostics: Diagnostic[], at?: SourceLocation): string | undefined {
  const fail = (message: string, hint: string, location = at, cause?: unknown) => {
    diagnostics.push(error(message, { ...(location ? { location } : {}), hint, ...(cause ? { cause } : {}) }));
    return undefined;
  };
  // stat does not open: a FIFO would block the open, /dev/zero would fill memory.
  let stat;
  try {
    stat = statSync(file);
  } catch (e) {
    return fail(`cannot read ${what} ${file}: ${(e as Error).message}`, "check the path and its permissions", at, e);
  }
  if (stat.isDirectory()) return fail(`${what} ${file} is a directory`, "name a file, not a directory", at);
  if (!stat.isFile()) return fail(`${what} ${file} is not a regular file (a device, FIFO or socket)`, "name a regular file; prenv reads definitions whole, before doing anything", at);
  if (stat.size > MAX_FILE_BYTES) return fail(tooLarge(what, file, stat.size), TOO_LARGE_HINT, at);
  let bytes: Buffer;
  try {
    bytes = readBounded(file);
  } catch (e) {
    return fail(`cannot read ${what} ${file}: ${(e as Error).message}`, "check the path and its permissions", at, e);
  }
  if (bytes.length > MAX_FILE_BYTES) return fail(tooLarge(what, file, bytes.length), TOO_LARGE_HINT, at);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (e) {
    const bad = firstInvalidByte(bytes);
    const before = new TextDecoder("utf-8").decode(bytes.subarray(0, bad));
    const byte = bytes[bad]!.toString(16).toUpperCase().padStart(2, "0");
    return fail(`${what} is not valid UTF-8: byte 0x${byte} here does not belong to a UTF-8 character`, "save the file as UTF-8 (editors offer this under the file's encoding)", positionIn(file, before, before.length), e);
  }
  const nul = text.indexOf("\0");
  if (nul !== -1) return fail(`${what} contains a NUL byte (is it a binary file?)`, "a definition is text: remove the NUL byte, or name the right file", positionIn(file, text, nul));
  return text;
}

const TOO_LARGE_HINT = `definition files are read whole before anything starts, and prenv refuses files over ${MAX_FILE_BYTES / MIB} MiB; generate a smaller file, or split it with \`include\``;

function tooLarge(what: string, file: string, bytes: number): string {
  return `${what} ${file} is ${(bytes / MIB).toFixed(1)} MiB, over prenv's limit of ${MAX_FILE_BYTES / MIB} MiB for a definition file`;
}

/** At most MAX_FILE_BYTES + 1 bytes: a file that grows while it is read cannot make us read on. */
function readBounded(file: string): Buffer {
  const fd = openSync(file, "r");
  try {
    const size = Math.min(fstatSync(fd).size, MAX_FILE_BYTES) + 1;
    const buffer = Buffer.alloc(size);
    let length = 0;
    while (length < size) {
      const n = readSync(fd, buffer, length, size - length, null);
      if (n === 0) break;
      length += n;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/**
 * The offset of the first byte that is not part of a valid UTF-8 character: the shortest
 * prefix a streaming decoder refuses ends just after it (found by bisection), then back to
 * the start of the character it broke.
 */
function firstInvalidByte(bytes: Uint8Array): number {
  const refuses = (end: number) => {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, end), { stream: true });
      return false;
    } catch {
      return true;
    }
  };
  let low = 1;
  let high = bytes.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (refuses(mid)) high = mid;
    else low = mid + 1;
  }
  let bad = low - 1;
  // A lead byte whose character was cut short is the place to look, not the byte after it.
  const complete = (end: number) => {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, end));
      return true;
    } catch {
      return false;
    }
  };
  for (let back = 0; back < 3 && bad > 0 && !complete(bad); back++) bad--;
  return bad;
}
