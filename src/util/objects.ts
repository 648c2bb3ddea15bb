import { compareText } from "./text.ts";

/** The object without its undefined fields (so that spreading it never sets one to undefined). */
export function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** JSON with every object's keys sorted (code-unit order), so that equal values give equal text; `omit` drops keys. */
export function stableJson(value: unknown, omit: (key: string) => boolean = () => false): string {
  return JSON.stringify(value, (k, v: unknown) =>
    omit(k) ? undefined : v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => compareText(a, b))) : v,
  );
}
