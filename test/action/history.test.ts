/**
 * The bundled Action with the run history: real @actions/cache calls against the cache
 * stand-in (test/cache/stand-in.ts: twirp checked against the package's own message
 * types, Azure blob storage reached through it as a proxy), a real Docker engine and
 * the GitHub stand-in. One workspace (and so one path of the cache entry, which the
 * cache's versions depend on, as on a runner) goes through the runs of a repository:
 * a push to the base branch, then a pull request that adds a failing test.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { commentMarker } from "../../src/github/sticky-comment.ts";
import { GitHubStandIn } from "../github/stand-in.ts";
import { CacheStandIn } from "../cache/stand-in.ts";
import { examplePayload, runJob, workspace, type Job, type StepResult } from "./harness.ts";
import { webProject } from "./fixture.ts";

const REPOSITORY = "Codertocat/Hello-World";
const TOKEN = "ghs_app_token";
const RUNTIME_TOKEN = "runtime-token-history-test";
const BOT = "github-actions[bot]";

let github: GitHubStandIn;
let cache: CacheStandIn;
let prNumber = 6000 + (process.pid % 1000) * 10;

before(async () => {
  github = await GitHubStandIn.start({ repository: REPOSITORY, tokens: { [TOKEN]: { login: BOT, kind: "app" } } });
  cache = await CacheStandIn.start({ token: RUNTIME_TOKEN });
});

after(async () => {
  await github.stop();
  await cache.stop();
});

const NEW_TEST = `import assert from "node:assert/strict";
import { test } from "node:test";

test("the new checkout works", () => {
  assert.fail("the checkout broke in this pull request");
});
`;

function commit(dir: string, files: Record<string, string>): string {
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=prenv test", "-c", "user.email=test@prenv.invalid", ...args], { cwd: dir, encoding: "utf8" }).trim();
  git("add", "-A");
  git("commit", "-q", "-m", "change");
  return git("rev-parse", "HEAD");
}

function pullRequest(number: number, baseRef = "master"): Record<string, unknown> {
  const payload = examplePayload("pull_request", (p) => p.action === "opened");
  payload.number = number;
  const pr = payload.pull_request as { number: number; base: { ref: string } };
  pr.number = number;
  pr.base.ref = baseRef;
  return payload;
}

function job(ws: { dir: string; runnerTemp: string }, sha: string, eventName: string, payload: Record<string, unknown>, extra: { ref: string; runId: string; attempt?: string; params?: string; env?: Record<string, string> }): Job {
  return {
    workspace: ws.dir,
    runnerTemp: ws.runnerTemp,
    eventName,
    payload,
    apiUrl: github.url,
    token: TOKEN,
    repository: REPOSITORY,
    sha,
    runId: extra.runId,
    inputs: { params: extra.params ?? "" },
    env: { ...cache.env(), GITHUB_REF: extra.ref, GITHUB_RUN_ATTEMPT: extra.attempt ?? "1", ...extra.env },
  };
}

const comment = (issue: number) => github.commentsOn(issue).find((c) => c.login === BOT)?.body ?? "";
const notices = (step: StepResult) => step.commands.filter((c) => c.command === "notice").map((c) => c.message);
const saves = (from: number) => cache.requests.slice(from).filter((r) => r.operation === "CreateCacheEntry");

describe("the Action compares each run with its base branch", { concurrency: false }, () => {
  test("push to the base branch, then a pull request: new failures first, already failing named; a rerun where a failure passes: flaky", async () => {
    const ws = workspace(webProject());
    const number = ++prNumber;
    const pushPayload = examplePayload("push", () => true);
    pushPayload.ref = "refs/heads/master";

    // The base branch: "the greeting is configured" fails there already.
    const base = await runJob(job(ws, ws.sha, "push", pushPayload, { ref: "refs/heads/master", runId: "7001", params: "fail=true" }));
    assert.equal(base.main.code, 1, base.main.stdout + base.main.stderr);
    assert.ok(cache.entries.some((e) => e.finalized && e.key === "prenv-run/v1/integration/branch/master/7001.1"), cache.entries.map((e) => e.key).join("\n"));
    assert.doesNotMatch(base.main.summary, /No baseline/, "a branch run has no base to miss");

    // The pull request adds a test that fails.
    const head = commit(ws.dir, { "tests/new.test.mjs": NEW_TEST });
    const pr = await runJob(job(ws, head, "pull_request", pullRequest(number), { ref: `refs/pull/${number}/merge`, runId: "7002", params: "fail=true" }));
    assert.equal(pr.main.code, 1, pr.main.stdout + pr.main.stderr);
    let body = comment(number);
    assert.match(body, /### ❌ prenv · integration — 2 of 3 tests failed\n\*\*1 new failure\*\* \(1 already failing on `master`\) · `[0-9a-f]{7}`/);
    const at = (s: string) => body.indexOf(s);
    assert.ok(at("**New failures** (1)") >= 0 && at("**New failures** (1)") < at("the new checkout works"));
    assert.ok(at("the new checkout works") < at("**Already failing on `master`** (1)"));
    assert.ok(at("**Already failing on `master`** (1)") < at("the greeting is configured"));
    assert.match(body, /Compared with `master` at `[0-9a-f]{7}` \(\[its run\]\(https:\/\/github\.com\/Codertocat\/Hello-World\/actions\/runs\/7001\/attempts\/1\)\)/);
    assert.match(pr.main.summary, /\*\*1 new failure\*\* \(1 already failing on `master`\)/, "the job summary leads the same way");
    assert.ok(cache.entries.some((e) => e.key === `prenv-run/v1/integration/pr/${number}/${head}/7002.1`));

    // Attempt 2 of the same run: the greeting test passes now, so it is flaky; the new test still fails.
    const rerun = await runJob(job(ws, head, "pull_request", pullRequest(number), { ref: `refs/pull/${number}/merge`, runId: "7002", attempt: "2" }));
    assert.equal(rerun.main.code, 1, rerun.main.stdout + rerun.main.stderr);
    body = comment(number);
    assert.match(body, /— 1 of 3 tests failed\n\*\*1 new failure\*\* · 1 flaky · `/);
    assert.match(body, /\*\*Flaky\*\* \(\[attempt 1\]\(https:\/\/github\.com\/Codertocat\/Hello-World\/actions\/runs\/7002\/attempts\/1\) of this commit had the other result\): `the greeting is configured`/);
    assert.doesNotMatch(body, /Already failing/);
    assert.deepEqual(cache.violations, []);
    assert.deepEqual(github.violations, []);
  });

  test("read-only cache: compared, not saved, a notice; with the service refusing the write, the same; the run's result unchanged", async () => {
    const ws = workspace(webProject());
    const pushPayload = examplePayload("push", () => true);
    pushPayload.ref = "refs/heads/master";
    const base = await runJob(job(ws, ws.sha, "push", pushPayload, { ref: "refs/heads/master", runId: "7101" }));
    assert.equal(base.main.code, 0, base.main.stdout + base.main.stderr);

    const number = ++prNumber;
    const from = cache.requests.length;
    const readMode = await runJob(job(ws, ws.sha, "pull_request", pullRequest(number), { ref: `refs/pull/${number}/merge`, runId: "7102", params: "fail=true", env: { ACTIONS_CACHE_MODE: "read" } }));
    assert.equal(readMode.main.code, 1, "the failed test decides, as without a cache");
    assert.equal(readMode.main.outputs.result, "failed");
    assert.ok(notices(readMode.main).some((n) => /read-only for this run \(ACTIONS_CACHE_MODE=read\).*not saved/.test(n)), notices(readMode.main).join("\n"));
    assert.equal(saves(from).length, 0, "nothing was even tried");
    assert.match(comment(number), /\*\*1 new failure\*\* · `/, "the comparison is made all the same");

    cache.options = { token: RUNTIME_TOKEN, writeDenied: true };
    try {
      const denied = await runJob(job(ws, ws.sha, "pull_request", pullRequest(number), { ref: `refs/pull/${number}/merge`, runId: "7103" }));
      assert.equal(denied.main.code, 0, denied.main.stdout + denied.main.stderr);
      assert.equal(denied.main.outputs.result, "passed");
      assert.ok(notices(denied.main).some((n) => /summary was not saved to the Actions cache.*this run is not affected/.test(n)), notices(denied.main).join("\n"));
      assert.ok(denied.main.commands.every((c) => c.command !== "error"), "no error annotation over the cache");
    } finally {
      cache.options = { token: RUNTIME_TOKEN };
    }
    assert.deepEqual(cache.violations, []);
  });

  test("no baseline: the comment says so once, and lists the failures as always", async () => {
    const ws = workspace(webProject());
    const number = ++prNumber;
    const { main } = await runJob(job(ws, ws.sha, "pull_request", pullRequest(number, "develop"), { ref: `refs/pull/${number}/merge`, runId: "7201", params: "fail=true" }));
    assert.equal(main.code, 1);
    const body = comment(number);
    assert.equal(body.match(/No baseline/g)?.length, 1, body);
    assert.match(body, /No baseline: the Actions cache has no earlier run of develop for this job/);
    assert.match(body, /\*\*Failed tests\*\* \(1\)/);
    assert.doesNotMatch(body, /new failure/);
    assert.deepEqual(cache.violations, []);
  });
});
