import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { historyAccess, scopeOf } from "../../src/action/history.ts";
import { compareRuns, onlyKnownFailures } from "../../src/history/compare.ts";
import { branchPrefix, commitPrefix, summaryKey } from "../../src/history/keys.ts";
import { parseSummary, summarize, SummaryError, type RunSummary, type TestSummary } from "../../src/history/summary.ts";
import type { RunReport } from "../../src/engine/run.ts";
import { Redactor } from "../../src/secrets/redact.ts";

const C1 = "a".repeat(40);
const C2 = "b".repeat(40);

function run(tests: [string, TestSummary["status"]][], extra: Partial<RunSummary> = {}): RunSummary {
  return {
    summaryVersion: 1,
    scope: { kind: "pull-request", number: 7, baseBranch: "main" },
    commit: C1,
    runId: "100",
    runAttempt: 1,
    finishedAt: "2026-11-29T10:00:00.000Z",
    outcome: tests.some(([, s]) => s === "failed" || s === "error") ? "failed" : "passed",
    tests: tests.map(([id, status]) => ({ id, status, durationMs: 10 })),
    timings: { bootMs: 4_000, setupMs: 200, testMs: 3_000, totalMs: 8_000 },
    services: [{ name: "api", readyMs: 3_000 }],
    images: [],
    ...extra,
  };
}
const base = (tests: [string, TestSummary["status"]][], extra: Partial<RunSummary> = {}) => run(tests, { scope: { kind: "branch", branch: "main" }, commit: C2, runId: "90", ...extra });

describe("comparing a run with its base branch and earlier attempts", () => {
  test("new failures, already failing, fixed, flaky on a retry", () => {
    const current = run([["a", "failed"], ["b", "failed"], ["c", "error"], ["d", "passed"], ["e", "flaky"]]);
    const c = compareRuns(current, base([["a", "failed"], ["b", "passed"], ["d", "failed"], ["e", "passed"]]), undefined);
    assert.deepEqual(c.newFailures, ["b", "c"], "c is not on the base: new");
    assert.deepEqual(c.alreadyFailing, ["a"]);
    assert.deepEqual(c.fixed, ["d"]);
    assert.deepEqual(c.flaky, [{ id: "e", reason: "passed-on-retry" }]);
    assert.equal(c.baseline?.branch, "main");
    assert.equal(onlyKnownFailures(c, 3), false);
  });

  test("a test that differs between attempts of the same commit is flaky, whichever attempt failed", () => {
    const first = run([["a", "failed"], ["b", "passed"]], { runAttempt: 1 });
    const second = run([["a", "passed"], ["b", "failed"]], { runAttempt: 2 });
    const c = compareRuns(second, undefined, first);
    assert.deepEqual(c.flaky, [{ id: "a", reason: "differs-between-attempts" }, { id: "b", reason: "differs-between-attempts" }]);
    assert.deepEqual(c.unclassified, []);
    assert.equal(c.earlierAttempt?.runAttempt, 1);
  });

  test("an earlier run of another commit, or the same attempt again, says nothing about flakiness", () => {
    const current = run([["a", "failed"]], { runAttempt: 2 });
    assert.deepEqual(compareRuns(current, undefined, run([["a", "passed"]], { commit: C2 })).flaky, []);
    assert.deepEqual(compareRuns(current, undefined, run([["a", "passed"]], { runAttempt: 2 })).flaky, []);
  });

  test("without a baseline failures stay unclassified, and the step may not pass on them", () => {
    const c = compareRuns(run([["a", "failed"]]), undefined, undefined);
    assert.equal(c.baseline, undefined);
    assert.deepEqual(c.unclassified, ["a"]);
    assert.deepEqual(c.newFailures, []);
    assert.equal(onlyKnownFailures(c, 1), false);
    // A pull request's run is no baseline.
    assert.equal(compareRuns(run([["a", "failed"]]), run([["a", "failed"]], { commit: C2 }), undefined).baseline, undefined);
  });

  test("only failures already failing on the base: the step may pass; a flaky failure among them: not", () => {
    const c = compareRuns(run([["a", "failed"], ["b", "passed"]]), base([["a", "failed"]]), undefined);
    assert.equal(onlyKnownFailures(c, 1), true);
    const flaky = compareRuns(run([["a", "failed"], ["b", "failed"]], { runAttempt: 2 }), base([["a", "failed"]]), run([["b", "passed"]]));
    assert.equal(onlyKnownFailures(flaky, 2), false);
    assert.equal(onlyKnownFailures(compareRuns(run([["b", "passed"]]), base([]), undefined), 0), false, "nothing failed: nothing to excuse");
  });

  test("a notable slowdown is called out: 1.5 times as long and 2 s more; small or modest ones are not", () => {
    const slow = run([], { timings: { bootMs: 12_000, setupMs: 900, testMs: 4_000, totalMs: 20_000 }, services: [{ name: "api", readyMs: 11_000 }] });
    const c = compareRuns(slow, base([]), undefined);
    assert.deepEqual(c.regressions, [{ what: "boot", baseMs: 4_000, currentMs: 12_000 }, { what: "service api", baseMs: 3_000, currentMs: 11_000 }]);
  });
});

describe("cache keys", () => {
  test("a prefix matches its own branch or commit only", () => {
    const mainKey = summaryKey("integration", { kind: "branch", branch: "main" }, C1, "100", 1);
    const otherKey = summaryKey("integration", { kind: "branch", branch: "main-2" }, C1, "101", 1);
    assert.equal(mainKey, "prenv-run/v1/integration/branch/main/100.1");
    assert.ok(mainKey.startsWith(branchPrefix("integration", "main")));
    assert.ok(!otherKey.startsWith(branchPrefix("integration", "main")));
    assert.ok(!summaryKey("integration", { kind: "branch", branch: "release/1,2" }, C1, "1", 1).includes(","), "no commas: the cache refuses them");
    const pr = summaryKey("db-16", { kind: "pull-request", number: 7 }, C1, "100", 2);
    assert.equal(pr, `prenv-run/v1/db-16/pr/7/${C1}/100.2`);
    assert.ok(pr.startsWith(commitPrefix("db-16", 7, C1)));
    assert.ok(!pr.startsWith(commitPrefix("db-1", 7, C1)));
  });
});

describe("run summaries", () => {
  const report = {
    outcome: "failed",
    finishedAt: "2026-11-29T10:00:00.000Z",
    timings: { bootMs: 1000, totalMs: 2000 },
    services: [{ name: "api", image: "api:1", readyMs: 900 }],
    tests: { totals: { tests: 1, passed: 0, failed: 1, errors: 0, skipped: 0, flaky: 0, durationMs: 5 }, cases: [{ suite: "auth", name: "logs in with hunter2-secret", status: "failed", durationMs: 5, message: "password hunter2-secret refused", report: "r.xml" }], reports: [], problems: [] },
  } as const satisfies Partial<RunReport>;

  test("made from the report, secrets masked, no messages kept; read back exactly", () => {
    const summary = summarize({ ...report, prenvVersion: "0", environment: "e", project: "p", definitionHash: "h", backend: "docker", exitCode: 1, params: {}, endpoints: [], setup: [], startedAt: "", tests: { ...report.tests, cases: [...report.tests.cases] }, services: [...report.services] }, undefined, { scope: { kind: "branch", branch: "main" }, commit: C1, runId: "5", runAttempt: 1 }, new Redactor(["hunter2-secret"]));
    const text = JSON.stringify(summary);
    assert.doesNotMatch(text, /hunter2/);
    assert.doesNotMatch(text, /refused/, "messages are not part of a summary");
    assert.deepEqual(summary.tests, [{ id: "auth › logs in with ***", status: "failed", durationMs: 5 }]);
    assert.deepEqual(parseSummary(text, "t"), summary);
  });

  test("another version or a damaged entry is refused with what it is", () => {
    assert.throws(() => parseSummary("{", "under k"), (e: Error) => e instanceof SummaryError && /under k is not JSON/.test(e.message) && e.cause !== undefined);
    assert.throws(() => parseSummary(JSON.stringify({ summaryVersion: 2 }), "under k"), /is not one this prenv reads \(summaryVersion/);
  });
});

describe("what a run may do with the cache", () => {
  const v2 = { ACTIONS_RESULTS_URL: "http://x/", ACTIONS_CACHE_SERVICE_V2: "true" };
  test("GitHub's cache modes and prenv's rule for privileged triggers", () => {
    assert.deepEqual(historyAccess(v2, { eventName: "pull_request" }), { read: true, write: true });
    assert.deepEqual(historyAccess({}, { eventName: "pull_request" }).read, false);
    assert.deepEqual(pick(historyAccess({ ...v2, ACTIONS_CACHE_MODE: "read" }, { eventName: "push" })), [true, false]);
    assert.deepEqual(pick(historyAccess({ ...v2, ACTIONS_CACHE_MODE: "none" }, { eventName: "push" })), [false, false]);
    assert.deepEqual(pick(historyAccess({ ...v2, ACTIONS_CACHE_MODE: "write-only" }, { eventName: "push" })), [false, true]);
    const target = historyAccess(v2, { eventName: "pull_request_target" });
    assert.deepEqual(pick(target), [true, false]);
    assert.match(target.notice!, /saves no summary/);
  });

  test("the scope: a pull request with its base branch, a branch push, nothing for a tag", () => {
    const pr = { number: 7, action: "opened", headSha: C1, baseSha: C2, baseRef: "main", headRepository: "a/b", baseRepository: "a/b", fromFork: false };
    assert.deepEqual(scopeOf({ eventName: "pull_request", pullRequest: pr, ref: "refs/pull/7/merge" }), { kind: "pull-request", number: 7, baseBranch: "main" });
    assert.deepEqual(scopeOf({ eventName: "push", pullRequest: undefined, ref: "refs/heads/release/2" }), { kind: "branch", branch: "release/2" });
    assert.equal(scopeOf({ eventName: "push", pullRequest: undefined, ref: "refs/tags/v1" }), undefined);
  });
});

const pick = (a: { read: boolean; write: boolean }) => [a.read, a.write];
