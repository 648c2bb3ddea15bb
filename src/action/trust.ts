/** Triggers that run with a write token and the repository's secrets, whatever the pull request. */
export const PRIVILEGED_EVENTS: readonly string[] = ["pull_request_target", "workflow_run"];

export interface TrustInput {
  eventName: string;
  /** The pull request's head commit (pull_request_target), or the triggering run's commit (workflow_run). */
  untrustedSha: string | undefined;
  /** GITHUB_SHA: the base branch's commit these triggers run for. */
  triggerSha: string;
  /** The commit checked out where the definition is; undefined when that is not a git checkout. */
  checkedOut: string | undefined;
  optIn: boolean;
}

export type TrustDecision = { allowed: true; warning?: string } | { allowed: false; message: string };

/**
 * Booting a pull request's compose file runs its code. Under the privileged triggers that
 * is remote code execution with a write token and secrets, so prenv boots only the base
 * branch's own commit there, unless the workflow opts in by name.
 */
export function decideTrust(input: TrustInput, optInName: string): TrustDecision {
  if (!PRIVILEGED_EVENTS.includes(input.eventName)) return { allowed: true };
  if (!input.untrustedSha || input.untrustedSha === input.triggerSha) return { allowed: true };
  const isBase = input.checkedOut !== undefined && input.checkedOut === input.triggerSha;
  if (isBase) return { allowed: true };
  const what = input.checkedOut === undefined ? "a checkout prenv cannot identify (not a git work tree)" : `commit ${input.checkedOut.slice(0, 12)}`;
  if (input.optIn) {
    return {
      allowed: true,
      warning: `${optInName} is true: booting ${what} under ${input.eventName}, which runs with a write token and the repository's secrets. Code from the pull request (head ${input.untrustedSha.slice(0, 12)}) can use them.`,
    };
  }
  return {
    allowed: false,
    message:
      `refusing to boot ${what} under ${input.eventName}: this trigger runs with a write token and the repository's secrets, and the checkout is not the base commit ${input.triggerSha.slice(0, 12)}, ` +
      `so it may be the pull request's code (head ${input.untrustedSha.slice(0, 12)}); booting a compose file runs its code. ` +
      `Run prenv under on: pull_request instead (docs/action.md shows the workflow_run split that comments on fork pull requests safely), ` +
      `or, if you accept that risk, set ${optInName}: true.`,
  };
}
