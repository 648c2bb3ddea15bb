import { createHash } from "node:crypto";
import type { RunContext } from "./context.ts";

const MAX = 49;

/**
 * The environment's name, derived so that the run that opens a pull request and the one
 * that closes it agree: `<repo>-pr-<number>-<key>`, or `<repo>-run-<run id>-<key>`
 * outside pull requests. Lower-case, at most 49 characters (a hash keeps long ones apart).
 */
export function environmentNameFor(context: Pick<RunContext, "repository" | "pullRequest" | "runId">, key: string): string {
  const base = context.pullRequest ? `${context.repository.repo}-pr-${context.pullRequest.number}` : `${context.repository.repo}-run-${context.runId ?? "local"}`;
  const name = slug(`${base}-${key}`);
  if (name.length <= MAX) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, MAX - 9).replace(/[-_]+$/, "")}-${hash}`;
}

/** A key for names of artifacts and files: letters, digits, '-', '_' and '.'. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .replace(/[-_]+$/, "") || "prenv";
}
