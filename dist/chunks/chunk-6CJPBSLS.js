#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  escapeRegExp
} from "./chunk-YMOYOOXC.js";

// src/secrets/redact.ts
import { Transform } from "node:stream";
var MASK = "***";
var MIN_SECRET_LENGTH = 3;
var Redactor = class {
  values = /* @__PURE__ */ new Set();
  pattern;
  forms = [];
  longest = 0;
  constructor(values = []) {
    this.add(values);
  }
  /** The secret values as given (not their derived forms), for the runner's own masking. */
  get secrets() {
    return [...this.values];
  }
  get active() {
    return this.pattern !== void 0;
  }
  add(values) {
    let changed = false;
    for (const value of values) {
      if (value.length < MIN_SECRET_LENGTH || this.values.has(value)) continue;
      this.values.add(value);
      changed = true;
    }
    if (changed) this.compile();
  }
  redact(text) {
    if (!this.pattern || text.length === 0) return text;
    return text.replace(this.pattern, MASK);
  }
  /** A copy of a JSON-like value with every string (keys too) redacted. */
  redactDeep(value) {
    if (!this.pattern) return value;
    return this.walk(value);
  }
  /**
   * A stateful redactor for text that arrives in pieces: a secret split between two
   * pieces is still masked, because the end of each piece that could begin a secret is
   * held back until the next piece (or `end`) shows how it continues.
   */
  pieces() {
    let held = "";
    return {
      push: (piece) => {
        const text = held + piece;
        const cut = this.safeCut(text, text.length - this.partialAtEnd(text));
        held = text.slice(cut);
        return this.redact(text.slice(0, cut));
      },
      end: () => {
        const rest = this.redact(held);
        held = "";
        return rest;
      }
    };
  }
  /** A stream that redacts UTF-8 text passing through it (bytes in, bytes out). */
  transform() {
    const pieces = this.pieces();
    const decoder = new TextDecoder("utf-8");
    return new Transform({
      transform(chunk, _encoding, done) {
        const text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
        done(null, pieces.push(text));
      },
      flush(done) {
        done(null, pieces.push(decoder.decode()) + pieces.end());
      }
    });
  }
  /**
   * Where `text` may be cut so that no secret that starts before the cut could end after
   * it: the earliest start of a partial match among the last characters.
   */
  safeCut(text, at) {
    if (!this.pattern) return text.length;
    for (const match of text.matchAll(this.pattern)) {
      if (match.index < at && match.index + match[0].length > at) return match.index;
    }
    const before = text.charCodeAt(at - 1);
    return at > 0 && before >= 55296 && before <= 56319 ? at - 1 : at;
  }
  /** How many of the last characters of `text` could be the start of a secret: held until more comes. */
  partialAtEnd(text) {
    for (let k = Math.min(text.length, this.longest - 1); k > 0; k--) {
      const tail = text.slice(text.length - k);
      if (this.forms.some((f) => f.startsWith(tail))) return k;
    }
    return 0;
  }
  walk(value) {
    if (typeof value === "string") return this.redact(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value !== null && typeof value === "object" && !(value instanceof Date)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.redact(k), this.walk(v)]));
    }
    return value;
  }
  compile() {
    const forms = /* @__PURE__ */ new Set();
    for (const value of this.values) {
      forms.add(value);
      forms.add(JSON.stringify(value).slice(1, -1));
      forms.add(encodeURIComponent(value));
      forms.add(Buffer.from(value).toString("base64"));
      forms.add(Buffer.from(value).toString("base64").replace(/=+$/, ""));
    }
    const sorted = [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
    this.forms = sorted;
    this.longest = sorted[0]?.length ?? 0;
    this.pattern = sorted.length ? new RegExp(sorted.map(escapeRegExp).join("|"), "g") : void 0;
  }
};
var SECRET_WORDS = /* @__PURE__ */ new Set([
  "password",
  "passwd",
  "pass",
  "pw",
  "pwd",
  "secret",
  "secrets",
  "token",
  "key",
  "apikey",
  "privatekey",
  "private",
  "credential",
  "credentials",
  "auth",
  "cert",
  "session",
  "cookie",
  "signature",
  "salt",
  "jwt",
  "bearer",
  "dsn"
]);
function looksSecret(name) {
  if (/password|passwd|secret|token|apikey|api_key|credential/i.test(name)) return true;
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase().split(/[_.\-\s]+/);
  return words.some((w) => SECRET_WORDS.has(w));
}

export {
  MASK,
  Redactor,
  looksSecret
};
