import { escapeRegExp } from "../util/text.ts";
import { Transform } from "node:stream";

/** What a secret value is replaced with wherever prenv writes. */
export const MASK = "***";

/**
 * Values shorter than this are not masked: replacing every "1" or "on" in a log would
 * make it unreadable while protecting nothing a guess would not find.
 */
export const MIN_SECRET_LENGTH = 3;

/**
 * Replaces secret values with `***` in text, in JSON-like values and in streams. Values
 * are added as they become known (a parameter is resolved, an input is read); each is
 * masked as written and in the forms prenv or a test runner commonly derives from it
 * (JSON-escaped, URL-encoded, base64), since the runner's own masking only sees the
 * exact value.
 */
export class Redactor {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;
  private forms: string[] = [];
  private longest = 0;

  constructor(values: Iterable<string> = []) {
    this.add(values);
  }

  /** The secret values as given (not their derived forms), for the runner's own masking. */
  get secrets(): string[] {
    return [...this.values];
  }

  get active(): boolean {
    return this.pattern !== undefined;
  }

  add(values: Iterable<string>): void {
    let changed = false;
    for (const value of values) {
      if (value.length < MIN_SECRET_LENGTH || this.values.has(value)) continue;
      this.values.add(value);
      changed = true;
    }
    if (changed) this.compile();
  }

  redact(text: string): string {
    if (!this.pattern || text.length === 0) return text;
    return text.replace(this.pattern, MASK);
  }

  /** A copy of a JSON-like value with every string (keys too) redacted. */
  redactDeep<T>(value: T): T {
    if (!this.pattern) return value;
    return this.walk(value) as T;
  }

  /**
   * A stateful redactor for text that arrives in pieces: a secret split between two
   * pieces is still masked, because the end of each piece that could begin a secret is
   * held back until the next piece (or `end`) shows how it continues.
   */
  pieces(): { push(piece: string): string; end(): string } {
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
      },
    };
  }

  /** A stream that redacts UTF-8 text passing through it (bytes in, bytes out). */
  transform(): Transform {
    const pieces = this.pieces();
    const decoder = new TextDecoder("utf-8");
    return new Transform({
      transform(chunk: Buffer | string, _encoding, done) {
        const text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
        done(null, pieces.push(text));
      },
      flush(done) {
        done(null, pieces.push(decoder.decode()) + pieces.end());
      },
    });
  }

  /**
   * Where `text` may be cut so that no secret that starts before the cut could end after
   * it: the earliest start of a partial match among the last characters.
   */
  private safeCut(text: string, at: number): number {
    if (!this.pattern) return text.length;
    // A masked secret wholly inside the held part is found once more text arrives; the
    // cut only has to avoid splitting one that straddles `at`.
    for (const match of text.matchAll(this.pattern)) {
      if (match.index < at && match.index + match[0].length > at) return match.index;
    }
    // Nor may it split a character made of two UTF-16 units (an emoji, say).
    const before = text.charCodeAt(at - 1);
    return at > 0 && before >= 0xd800 && before <= 0xdbff ? at - 1 : at;
  }

  /** How many of the last characters of `text` could be the start of a secret: held until more comes. */
  private partialAtEnd(text: string): number {
    for (let k = Math.min(text.length, this.longest - 1); k > 0; k--) {
      const tail = text.slice(text.length - k);
      if (this.forms.some((f) => f.startsWith(tail))) return k;
    }
    return 0;
  }

  private walk(value: unknown): unknown {
    if (typeof value === "string") return this.redact(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value !== null && typeof value === "object" && !(value instanceof Date)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.redact(k), this.walk(v)]));
    }
    return value;
  }

  private compile(): void {
    const forms = new Set<string>();
    for (const value of this.values) {
      forms.add(value);
      forms.add(JSON.stringify(value).slice(1, -1));
      forms.add(encodeURIComponent(value));
      forms.add(Buffer.from(value).toString("base64"));
      forms.add(Buffer.from(value).toString("base64").replace(/=+$/, ""));
    }
    // Longest first, so that a secret containing another is masked whole.
    const sorted = [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
    this.forms = sorted;
    this.longest = sorted[0]?.length ?? 0;
    this.pattern = sorted.length ? new RegExp(sorted.map(escapeRegExp).join("|"), "g") : undefined;
  }
}

/** Parameter and variable names that usually hold credentials. */
const SECRET_WORDS = new Set([
  "password", "passwd", "pass", "pw", "pwd", "secret", "secrets", "token", "key", "apikey", "privatekey",
  "private", "credential", "credentials", "auth", "cert", "session", "cookie", "signature", "salt", "jwt", "bearer", "dsn",
]);

/**
 * Whether a name looks like it holds a credential: one of its words (split at `_`, `-`,
 * `.` and lower-to-upper case changes) is a credential word, or it contains
 * "password", "secret", "token" or "apikey" anywhere (`dbpassword`, `GITHUB_TOKEN`).
 * `stripe_key`, `db_pw` and `DB_PASSWORD` are secret; `monkey` and `keycloak_url` are not.
 */
export function looksSecret(name: string): boolean {
  if (/password|passwd|secret|token|apikey|api_key|credential/i.test(name)) return true;
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase().split(/[_.\-\s]+/);
  return words.some((w) => SECRET_WORDS.has(w));
}
