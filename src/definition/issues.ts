import type { z } from "zod";
import { error } from "./errors.ts";
import { didYouMean } from "./keys.ts";
import type { Diagnostic } from "./model.ts";
import { valueAt, type Path, type YamlSource } from "./yaml-source.ts";

/** How one kind of file names its places and its forms, for zod issues turned into findings. */
export interface IssueWords {
  describePath(path: Path): string;
  formsHint(path: Path, where: string): string;
  service(path: Path): string | undefined;
  /** Where the reader can look the forms up, e.g. "the Compose Specification". */
  reference: string;
}

/** One zod issue as a finding at its file:line:column, in words a user can act on. */
export function describeIssue(issue: z.core.$ZodIssue, source: YamlSource, words: IssueWords): Diagnostic {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  const location = source.locate(path);
  const where = words.describePath(path);
  const serviceName = words.service(path);
  const extra = serviceName ? { service: serviceName } : {};
  const value = valueAt(source.value, path);
  const got = value === null ? "null" : Array.isArray(value) ? "a list" : typeof value === "object" ? "a mapping" : `${typeof value} ${JSON.stringify(value)}`;
  switch (issue.code) {
    case "invalid_type":
      if (value === undefined) return error(`${where} is missing`, { location, hint: `add ${where}`, ...extra });
      return error(`${where} must be ${article(issue.expected)}, not ${got}`, {
        location,
        hint: issue.expected === "string" && typeof value !== "object" ? `quote the value: "${String(value)}"` : words.formsHint(path, where),
        ...extra,
      });
    case "invalid_value":
      return error(`${where} is ${got}, which is not one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`, {
        location,
        hint: (() => {
          const guess = typeof value === "string" ? didYouMean(value, issue.values.map(String)) : undefined;
          return guess ? `did you mean "${guess}"?` : `use one of ${issue.values.map(String).join(", ")}`;
        })(),
        ...extra,
      });
    case "invalid_union": {
      // Explain the branch that matched the value's shape (a mapping's wrong field, say).
      const branch = issue.errors.find((issues) => issues.length > 0 && issues.every((i) => i.path.length > 0));
      if (branch) return describeIssue({ ...branch[0]!, path: [...issue.path, ...branch[0]!.path] }, source, words);
      // Otherwise name the forms the value may take ("a string or a list").
      const forms = [...new Set(issue.errors.flatMap((issues) => issues.filter((i) => i.code === "invalid_type" && i.path.length === 0 && i.expected !== "null").map((i) => article((i as { expected: string }).expected))))];
      if (forms.length > 0) return error(`${where} must be ${forms.join(" or ")}, not ${got}`, { location, hint: words.formsHint(path, where), ...extra });
      return error(`${where} has the wrong form (${got})`, { location, hint: words.formsHint(path, where), ...extra });
    }
    default:
      return error(`${where}: ${issue.message}`, { location, hint: `see ${words.reference} for ${where}`, ...extra });
  }
}

/** Examples of the accepted forms of common keys, by the key's name. */
export function article(expected: string): string {
  const word = expected === "object" || expected === "record" ? "mapping" : expected === "array" ? "list" : expected;
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}
