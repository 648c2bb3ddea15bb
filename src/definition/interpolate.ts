/**
 * Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}`, `${VAR:+replacement}`, `${VAR+replacement}` and `$$`
 * for a literal dollar. Defaults and replacements may themselves contain
 * interpolations.
 */
export type Lookup = (name: string) => string | undefined;

export class InterpolationError extends Error {
  /** Offset in the input string where the problem starts. */
  readonly offset: number;
  readonly hint: string;
  constructor(message: string, offset: number, hint: string) {
    super(message);
    this.name = "InterpolationError";
    this.offset = offset;
    this.hint = hint;
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** `onUnset` hears of each variable used without a default that has no value (it becomes ""). */
export function interpolate(input: string, lookup: Lookup, onUnset?: (name: string) => void): string {
  return new Interpolator(input, lookup, onUnset).run(0, input.length).text;
}

class Interpolator {
  private readonly input: string;
  private readonly lookup: Lookup;
  private readonly onUnset: ((name: string) => void) | undefined;

  constructor(input: string, lookup: Lookup, onUnset?: (name: string) => void) {
    this.input = input;
    this.lookup = lookup;
    this.onUnset = onUnset;
  }

  private plain(name: string): string {
    const value = this.lookup(name);
    if (value === undefined) this.onUnset?.(name);
    return value ?? "";
  }

  /** Expands input[from, to) and returns the text. */
  run(from: number, to: number): { text: string } {
    let out = "";
    let i = from;
    while (i < to) {
      const c = this.input[i]!;
      if (c !== "$") {
        out += c;
        i++;
        continue;
      }
      const next = this.input[i + 1];
      if (next === "$") {
        out += "$";
        i += 2;
        continue;
      }
      if (next === "{") {
        const close = this.matchingBrace(i + 1, to);
        out += this.braced(i, i + 2, close);
        i = close + 1;
        continue;
      }
      const name = NAME.exec(this.input.slice(i + 1, to));
      if (name) {
        out += this.plain(name[0]);
        i += 1 + name[0].length;
        continue;
      }
      // A lone "$" (for example "cost: 5$") stays as it is, as Compose does.
      out += "$";
      i++;
    }
    return { text: out };
  }

  private matchingBrace(open: number, to: number): number {
    let depth = 0;
    for (let j = open; j < to; j++) {
      const c = this.input[j];
      if (c === "$" && this.input[j + 1] === "$") {
        j++;
        continue;
      }
      if (c === "{") depth++;
      else if (c === "}" && --depth === 0) return j;
    }
    throw new InterpolationError(
      `unterminated variable reference "${this.input.slice(open - 1, Math.min(to, open + 30))}"`,
      open - 1,
      'close it with "}", or write "$$" for a literal dollar sign',
    );
  }

  /** `${...}` whose body is input[start, end). */
  private braced(dollar: number, start: number, end: number): string {
    const body = this.input.slice(start, end);
    const name = NAME.exec(body);
    if (!name) {
      throw new InterpolationError(
        `invalid variable reference "\${${body}}"`,
        dollar,
        'a variable name starts with a letter or "_" and holds letters, digits and "_"; write "$$" for a literal dollar sign',
      );
    }
    const rest = start + name[0].length;
    if (rest === end) return this.plain(name[0]);
    const value = this.lookup(name[0]);
    const op2 = this.input.slice(rest, rest + 2);
    const op1 = this.input[rest]!;
    let op: string;
    if (op2 === ":-" || op2 === ":?" || op2 === ":+") op = op2;
    else if (op1 === "-" || op1 === "?" || op1 === "+") op = op1;
    else {
      throw new InterpolationError(
        `invalid variable reference "\${${body}}"`,
        dollar,
        "use ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message}, ${VAR?message} or ${VAR:+replacement}",
      );
    }
    const argFrom = rest + op.length;
    const unsetOrEmpty = value === undefined || value === "";
    const unset = value === undefined;
    switch (op) {
      case ":-":
        return unsetOrEmpty ? this.run(argFrom, end).text : value;
      case "-":
        return unset ? this.run(argFrom, end).text : value;
      case ":+":
        return unsetOrEmpty ? "" : this.run(argFrom, end).text;
      case "+":
        return unset ? "" : this.run(argFrom, end).text;
      default: {
        const failed = op === ":?" ? unsetOrEmpty : unset;
        if (!failed) return value!;
        const message = this.run(argFrom, end).text;
        throw new InterpolationError(
          `required variable ${name[0]} is ${unset ? "not set" : "empty"}${message ? `: ${message}` : ""}`,
          dollar,
          `set ${name[0]} in the environment or in the .env file next to the compose file`,
        );
      }
    }
  }
}
