import type { RunSummary, TestSummary } from "./summary.ts";

/** Why a test counts as flaky. */
export type FlakyReason =
  /** The runner retried it and it passed. */
  | "passed-on-retry"
  /** Another attempt of the same commit had the other result. */
  | "differs-between-attempts";

/** A phase (or a service's readiness) that took notably longer than on the base. */
export interface Regression {
  /** "boot", "setup", "tests", or "service api" for a service's ready time. */
  what: string;
  baseMs: number;
  currentMs: number;
}

/**
 * A run compared with the base branch's latest run and with an earlier attempt of the
 * same commit. Plain data: it goes into the report view file.
 */
export interface Comparison {
  /** The base branch's run compared with; undefined: none was found (no baseline). */
  baseline?: { branch: string; commit: string; url?: string; finishedAt: string };
  /** The base branch looked for (named when no baseline was found). */
  baseBranch?: string;
  /** False for branch runs, which have no base branch: then a missing baseline is not worth a word. */
  expectsBaseline: boolean;
  /** The attempt of the same commit compared with, for flakiness. */
  earlierAttempt?: { runAttempt?: number; url?: string };
  /** Failed now; passed on the base or not there. Empty without a baseline. */
  newFailures: string[];
  /** Failed now and on the base. */
  alreadyFailing: string[];
  /** Failed now, not classified: there is no baseline. */
  unclassified: string[];
  /** Passed on a retry, or passed in one attempt of this commit and failed in another. */
  flaky: { id: string; reason: FlakyReason }[];
  /** Failed on the base, pass now. */
  fixed: string[];
  regressions: Regression[];
}

/** A slowdown is called out when the phase took this many times as long as on the base ... */
export const REGRESSION_RATIO = 1.5;
/** ... and at least this much longer (ms), so that small phases do not flap. */
export const REGRESSION_MIN_MS = 2_000;

const failing = (t: TestSummary | undefined) => t !== undefined && (t.status === "failed" || t.status === "error");
const passing = (t: TestSummary | undefined) => t !== undefined && (t.status === "passed" || t.status === "flaky");

/**
 * Classifies the current run's tests. `earlier` is used only when it is another attempt of
 * the same commit; `base` only when it is a branch run.
 */
export function compareRuns(current: RunSummary, base: RunSummary | undefined, earlier: RunSummary | undefined): Comparison {
  const baseline = base && base.scope.kind === "branch" ? base : undefined;
  const attempt = earlier && earlier.commit === current.commit && !(earlier.runId === current.runId && earlier.runAttempt === current.runAttempt) ? earlier : undefined;
  const baseTests = new Map((baseline?.tests ?? []).map((t) => [t.id, t]));
  const earlierTests = new Map((attempt?.tests ?? []).map((t) => [t.id, t]));
  const out: Comparison = { expectsBaseline: true, newFailures: [], alreadyFailing: [], unclassified: [], flaky: [], fixed: [], regressions: [] };
  if (baseline && baseline.scope.kind === "branch") out.baseline = { branch: baseline.scope.branch, commit: baseline.commit, finishedAt: baseline.finishedAt, ...(baseline.url ? { url: baseline.url } : {}) };
  if (attempt) out.earlierAttempt = { ...(attempt.runAttempt !== undefined ? { runAttempt: attempt.runAttempt } : {}), ...(attempt.url ? { url: attempt.url } : {}) };

  for (const test of current.tests) {
    const before = earlierTests.get(test.id);
    if (test.status === "flaky") {
      out.flaky.push({ id: test.id, reason: "passed-on-retry" });
    } else if ((failing(test) && passing(before)) || (passing(test) && failing(before))) {
      out.flaky.push({ id: test.id, reason: "differs-between-attempts" });
    } else if (failing(test)) {
      if (!baseline) out.unclassified.push(test.id);
      else if (failing(baseTests.get(test.id))) out.alreadyFailing.push(test.id);
      else out.newFailures.push(test.id);
    } else if (test.status === "passed" && failing(baseTests.get(test.id))) {
      out.fixed.push(test.id);
    }
  }
  if (baseline) out.regressions = regressions(current, baseline);
  return out;
}

function regressions(current: RunSummary, base: RunSummary): Regression[] {
  const pairs: [string, number | undefined, number | undefined][] = [
    ["boot", base.timings.bootMs, current.timings.bootMs],
    ["setup", base.timings.setupMs, current.timings.setupMs],
    ["tests", base.timings.testMs, current.timings.testMs],
  ];
  const baseServices = new Map(base.services.map((s) => [s.name, s.readyMs]));
  for (const s of current.services) pairs.push([`service ${s.name}`, baseServices.get(s.name), s.readyMs]);
  return pairs
    .filter((p): p is [string, number, number] => p[1] !== undefined && p[2] !== undefined)
    .filter(([, before, now]) => now >= before * REGRESSION_RATIO && now - before >= REGRESSION_MIN_MS)
    .map(([what, baseMs, currentMs]) => ({ what, baseMs, currentMs }));
}

/**
 * Whether every failure of the run was already failing on the base, so that a workflow
 * that asked for it may pass the step. False without a baseline, and when nothing failed.
 */
export function onlyKnownFailures(comparison: Comparison, failedCount: number): boolean {
  if (!comparison.baseline || failedCount === 0) return false;
  if (comparison.newFailures.length > 0 || comparison.unclassified.length > 0) return false;
  const flakyFailing = failedCount - comparison.alreadyFailing.length;
  return flakyFailing === 0;
}
