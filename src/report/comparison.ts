import type { Comparison } from "../history/compare.ts";
import { testId } from "../history/summary.ts";
import type { TestCaseResult } from "../results/model.ts";
import { code, link, text } from "./markdown.ts";
import type { ReportView } from "./view.ts";

/** Failed tests in the order the report shows them: new failures first. */
export interface FailedGroup {
  heading: string;
  cases: TestCaseResult[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function baseName(c: Comparison): string {
  return code(c.baseline?.branch ?? c.baseBranch ?? "the base branch");
}

/** "2 new failures (1 already failing on `main`)", or undefined when there is nothing to compare. */
export function comparisonStatus(view: ReportView): string | undefined {
  const c = view.comparison;
  if (!c?.baseline) return undefined;
  const already = c.alreadyFailing.length;
  const flaky = c.flaky.length;
  const main = c.newFailures.length > 0 ? `**${plural(c.newFailures.length, "new failure")}**` : already > 0 ? "no new failures" : undefined;
  const parts: string[] = [];
  if (main) parts.push(`${main}${already > 0 ? ` (${already} already failing on ${baseName(c)})` : ""}`);
  if (flaky > 0) parts.push(`${flaky} flaky`);
  if (c.fixed.length > 0) parts.push(`${c.fixed.length} fixed`);
  return parts.length ? parts.join(" · ") : undefined;
}

/** The failed tests grouped as the comparison classified them; one group "Failed tests" without one. */
export function failedGroups(view: ReportView, failed: TestCaseResult[]): FailedGroup[] {
  const c = view.comparison;
  if (!c) return failed.length ? [{ heading: "Failed tests", cases: failed }] : [];
  const of = (ids: string[]) => {
    const set = new Set(ids);
    return failed.filter((t) => set.has(testId(t)));
  };
  const groups: FailedGroup[] = [
    { heading: "New failures", cases: of(c.newFailures) },
    { heading: "Flaky failures (another attempt of this commit passed)", cases: of(c.flaky.map((f) => f.id)) },
    { heading: `Already failing on ${baseName(c)}`, cases: of(c.alreadyFailing) },
    { heading: "Failed tests", cases: of(c.unclassified) },
  ];
  // Whatever the comparison did not name (it should name all) still shows.
  const named = new Set(groups.flatMap((g) => g.cases));
  const rest = failed.filter((t) => !named.has(t));
  if (rest.length) groups[3]!.cases.push(...rest);
  return groups.filter((g) => g.cases.length > 0);
}

/** Flaky and fixed tests and slower phases, after the failed tests. */
export function comparisonSection(view: ReportView, duration: (ms: number) => string): string | undefined {
  const c = view.comparison;
  if (!c) return undefined;
  const lines: string[] = [];
  const ids = (list: string[]) => list.slice(0, 20).map((id) => code(id)).join(", ") + (list.length > 20 ? `, … ${list.length - 20} more` : "");
  const retried = c.flaky.filter((f) => f.reason === "passed-on-retry").map((f) => f.id);
  const attempts = c.flaky.filter((f) => f.reason === "differs-between-attempts").map((f) => f.id);
  const attemptLink = c.earlierAttempt?.url ? link(`attempt ${c.earlierAttempt.runAttempt ?? "before"}`, c.earlierAttempt.url) : `attempt ${c.earlierAttempt?.runAttempt ?? "before"}`;
  if (retried.length) lines.push(`**Flaky** (passed on a retry): ${ids(retried)}`);
  if (attempts.length) lines.push(`**Flaky** (${attemptLink} of this commit had the other result): ${ids(attempts)}`);
  if (c.fixed.length) lines.push(`**Fixed** (failing on ${baseName(c)}, passing here): ${ids(c.fixed)}`);
  if (c.regressions.length) {
    lines.push(`**Slower than ${baseName(c)}**: ${c.regressions.map((r) => `${text(r.what)} ${duration(r.currentMs)} (was ${duration(r.baseMs)})`).join(" · ")}`);
  }
  if (c.baseline) {
    const at = c.baseline.url ? link(text(`its run`), c.baseline.url) : "its run";
    lines.push(`<sub>Compared with ${baseName(c)} at ${code(c.baseline.commit.slice(0, 7))} (${at}).</sub>`);
  }
  return lines.length ? lines.join("\n\n") : undefined;
}

/** Said once when a comparison was wanted and nothing was found to compare with. */
export function noBaselineNote(view: ReportView): string | undefined {
  const c = view.comparison;
  if (!c || c.baseline || !c.expectsBaseline) return undefined;
  return `No baseline: the Actions cache has no earlier run of ${c.baseBranch ?? "the base branch"} for this job, so failures are not compared with it.`;
}
