/** `text` as a regular expression that matches exactly it. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Code-unit order, as Array#sort and Go's sort.Strings (Compose) order names. Not
 * localeCompare: its first call loads ICU's collation data, about 10 ms of every
 * `prenv plan`, and its order depends on the ICU build and locale.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
