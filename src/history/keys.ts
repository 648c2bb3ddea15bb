import type { RunScope } from "./summary.ts";

/**
 * Cache keys of run summaries. Parts are separated by `/` and every free-form part is
 * percent-encoded (so `/` and `,` never appear in one), which makes each prefix below
 * match exactly the runs it names and nothing else:
 *
 *   prenv-run/v1/<slot>/branch/<branch>/<run id>.<attempt>
 *   prenv-run/v1/<slot>/pr/<number>/<commit>/<run id>.<attempt>
 *
 * `slot` tells apart several prenv steps of a repository (the comment key, e.g. the job's
 * id or a matrix value). The cache answers a prefix with its newest entry, so
 * `branchPrefix` finds the latest run of a branch and `commitPrefix` the latest attempt
 * of a pull request's commit.
 */
export const KEY_ROOT = "prenv-run/v1";

const part = (s: string) => encodeURIComponent(s);

export function branchPrefix(slot: string, branch: string): string {
  return `${KEY_ROOT}/${part(slot)}/branch/${part(branch)}/`;
}

export function commitPrefix(slot: string, pullRequest: number, commit: string): string {
  return `${KEY_ROOT}/${part(slot)}/pr/${pullRequest}/${part(commit)}/`;
}

/** The key a run's summary is saved under. */
export function summaryKey(slot: string, scope: RunScope, commit: string, runId: string, attempt: number): string {
  const prefix = scope.kind === "branch" ? branchPrefix(slot, scope.branch) : commitPrefix(slot, scope.number, commit);
  return `${prefix}${part(runId)}.${attempt}`;
}
