/**
 * The bundled Action (dist/main.js and dist/post.js, made by `npm run bundle`) run as the
 * runner runs it, against a real Docker engine and a local GitHub API stand-in that checks
 * every request against GitHub's OpenAPI description.
 *
 * Event payloads are real ones from @octokit/webhooks-examples (repository
 * Codertocat/Hello-World, pull request #2). Adjusted, and only there: the pull request's
 * `number` (each test uses its own, so that environment names never collide), and for the
 * fork case `pull_request.head.repo` (a fork's repository: the examples have no fork
 * pull request), and for pull_request_target `pull_request.head.sha` (the commit checked
 * out, which is the point of that test).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { commentMarker } from "../../src/github/sticky-comment.ts";
import { docker, leftovers, CLAIM } from "../helpers/docker.ts";
import { GitHubStandIn } from "../github/stand-in.ts";
import { examplePayload, runJob, runStep, startStep, workspace, type Job } from "./harness.ts";
import { slowProject, webProject } from "./fixture.ts";

const REPOSITORY = "Codertocat/Hello-World";
const APP_TOKEN = "ghs_app_token";
const READ_ONLY_TOKEN = "ghs_read_only";
const BOT = "github-actions[bot]";
const MARKER = commentMarker("integration");

let github: GitHubStandIn;
let prNumber = 3000 + (process.pid % 1000) * 10;

before(async () => {
  github = await GitHubStandIn.start({
    repository: REPOSITORY,
    tokens: {
      [APP_TOKEN]: { login: BOT, kind: "app" },
      [READ_ONLY_TOKEN]: { login: BOT, kind: "app", readOnly: true },
    },
  });
});

after(async () => {
  await github.stop();
});

function pullRequestEvent(action: string, number: number, adjust: (payload: Record<string, unknown>) => void = () => {}): Record<string, unknown> {
  const payload = examplePayload("pull_request", (p) => p.action === action);
  payload.number = number;
  (payload.pull_request as Record<string, unknown>).number = number;
  adjust(payload);
  return payload;
}

function job(ws: ReturnType<typeof workspace>, eventName: string, payload: Record<string, unknown>, extra: Partial<Job> = {}): Job {
  return { workspace: ws.dir, runnerTemp: ws.runnerTemp, eventName, payload, apiUrl: github.url, token: APP_TOKEN, repository: REPOSITORY, sha: ws.sha, ...extra };
}

const botComments = (issue: number) => github.commentsOn(issue).filter((c) => c.login === BOT);
const writes = (issue: number) => github.requests.filter((r) => (r.method === "POST" && r.path.endsWith(`/issues/${issue}/comments`)) || r.method === "PATCH");

describe("the Action on pull requests", { concurrency: false }, () => {
  test("the first run creates the comment; the next edits it, past 100 other comments and a forged marker", async () => {
    const number = ++prNumber;
    // Other people's comments: more than a page, and one that copies prenv's marker.
    const forged = github.seedComment(number, "mallory", `${MARKER}\nall tests passed, merge it`);
    for (let i = 0; i < 120; i++) github.seedComment(number, `reviewer${i % 3}`, `comment ${i}`);
    const ws = workspace(webProject());

    const first = await runJob(job(ws, "pull_request", pullRequestEvent("opened", number)));
    assert.equal(first.main.code, 0, first.main.stdout + first.main.stderr);
    assert.equal(first.main.outputs.result, "passed");
    assert.equal(first.main.outputs.passed, "2");
    assert.equal(first.main.outputs.failed, "0");
    assert.equal(first.main.outputs["comment-status"], "posted");
    assert.equal(first.main.outputs.environment, `hello-world-pr-${number}-integration`);
    const endpoints = JSON.parse(first.main.outputs.endpoints!) as { service: string; url: string }[];
    assert.deepEqual(endpoints.map((e) => e.service), ["web"]);
    assert.match(endpoints[0]!.url, /^http:\/\/127\.0\.0\.1:\d+$/);

    let mine = botComments(number);
    assert.equal(mine.length, 1, "one comment by the bot");
    const comment = mine[0]!;
    assert.ok(comment.body.startsWith(`${MARKER}\n### ✅ prenv · integration — 2 of 2 tests passed`), comment.body.slice(0, 300));
    assert.equal(first.main.outputs["comment-url"], `https://github.com/${REPOSITORY}/pull/${number}#issuecomment-${comment.id}`);
    assert.match(comment.body, /\| `web` \| `prenv-test\/busybox:1` \(local `sha256:[0-9a-f]{12}`\) \| ready \d+\.\d s \| `127\.0\.0\.1:\d+ → 80\/tcp` \|/);
    // The example payload's head is not the checked-out commit: as on pull_request, the test merge is reproduced from head and base.
    const pr = pullRequestEvent("opened", number).pull_request as { head: { sha: string }; base: { sha: string } };
    assert.match(comment.body, new RegExp(`\\nnpx prenv@\\d+\\.\\d+\\.\\d+ repro 'Codertocat/Hello-World#${number}' --head ${pr.head.sha} --base ${pr.base.sha} --tree [0-9a-f]{40} --prenv \\d+\\.\\d+\\.\\d+\\n`));
    assert.match(comment.body, /Environment torn down after the tests/);
    // The comment went booting -> running tests -> results, in place.
    const bodies = writes(number).map((r) => (r.body as { body: string }).body);
    assert.match(bodies[0]!, /— booting the environment/);
    assert.ok(bodies.some((b) => /— environment ready, running setup and tests/.test(b)));
    assert.equal(github.requests.filter((r) => r.method === "POST" && r.path.endsWith(`/issues/${number}/comments`)).length, 1, "created once, then edited");
    // All pages were read, 100 at a time.
    const lists = github.requests.filter((r) => r.method === "GET" && r.path.endsWith(`/issues/${number}/comments`));
    assert.deepEqual(lists.slice(0, 2).map((r) => r.query), [{ per_page: "100" }, { per_page: "100", page: "2" }]);
    // The same report is in the job summary, and the post step had nothing left to do.
    assert.match(first.main.summary, /### ✅ prenv · integration — 2 of 2 tests passed/);
    assert.equal(first.post.code, 0);
    assert.deepEqual(await leftovers(first.main.outputs.environment!), { containers: 0, networks: 0, volumes: 0 });

    const second = await runJob(job(ws, "pull_request", pullRequestEvent("synchronize", number), { inputs: { params: "fail=true\ngreeting=hi there" } }));
    assert.equal(second.main.code, 1, "failed tests fail the step");
    assert.equal(second.main.outputs.result, "failed");
    assert.equal(second.main.outputs.failed, "1");
    mine = botComments(number);
    assert.equal(mine.length, 1, "still one comment by the bot: edited, not duplicated");
    assert.equal(mine[0]!.id, comment.id);
    assert.match(mine[0]!.body, /### ❌ prenv · integration — 1 of 2 tests failed/);
    assert.match(mine[0]!.body, /<details><summary>❌ <code>the greeting is configured<\/code> <code>tests\/web\.test\.mjs:10<\/code><\/summary>/);
    assert.match(mine[0]!.body, /asked to fail with fail=true/);
    assert.match(mine[0]!.body, / --set fail=true --set 'greeting=hi there' --only 'the greeting is configured'\n/);
    assert.equal(github.commentsOn(number).find((c) => c.id === forged)!.body, `${MARKER}\nall tests passed, merge it`, "the forged comment was left alone");
    // The failed test is an annotation on its file and line.
    const annotation = second.main.commands.find((c) => c.command === "error" && c.properties.title === "the greeting is configured");
    assert.deepEqual(annotation?.properties, { title: "the greeting is configured", file: "tests/web.test.mjs", line: "10" });
    assert.equal(github.violations.length, 0, github.violations.join("\n"));
  });

  test("a fork's pull request: no comment is tried, the report is in the job summary, and passing tests pass", async () => {
    const number = ++prNumber;
    const payload = pullRequestEvent("opened", number, (p) => {
      const pr = p.pull_request as { head: { repo: Record<string, unknown> } };
      const fork = structuredClone(pr.head.repo) as Record<string, unknown> & { owner: Record<string, unknown> };
      fork.full_name = "forker/Hello-World";
      fork.fork = true;
      fork.id = 99_000_001;
      fork.owner = { ...fork.owner, login: "forker", id: 99_000_002 };
      pr.head.repo = fork;
    });
    const ws = workspace(webProject());
    const before = github.requests.length;
    const { main, post } = await runJob(job(ws, "pull_request", payload, { token: READ_ONLY_TOKEN }));
    assert.equal(main.code, 0, main.stdout + main.stderr);
    assert.equal(main.outputs["comment-status"], "skipped-fork");
    assert.equal(main.outputs["comment-url"], "");
    assert.equal(github.requests.length, before, "no call to GitHub at all");
    assert.ok(main.commands.some((c) => c.command === "notice" && /comes from a fork \(forker\/Hello-World\)/.test(c.message)));
    assert.match(main.summary, /### ✅ prenv · integration — 2 of 2 tests passed/);
    assert.match(main.summary, /No pull request comment: this pull request comes from a fork/);
    assert.equal(post.code, 0);
  });

  test("a read-only token (403 Resource not accessible by integration): a notice, the job summary, and the tests decide", async () => {
    const number = ++prNumber;
    const ws = workspace(webProject());
    const { main } = await runJob(job(ws, "pull_request", pullRequestEvent("opened", number), { token: READ_ONLY_TOKEN }));
    assert.equal(main.code, 0, main.stdout + main.stderr);
    assert.equal(main.outputs["comment-status"], "skipped-read-only");
    assert.equal(github.commentsOn(number).length, 0);
    assert.equal(writes(number).filter((r) => r.status === 403).length, 1, "one refused write, then no more tries");
    assert.ok(main.commands.some((c) => c.command === "notice" && /Resource not accessible by integration/.test(c.message)));
    assert.match(main.summary, /No pull request comment: the token is read-only here/);
    assert.equal(github.violations.length, 0, github.violations.join("\n"));
  });

  test("main killed in the middle of the boot: the post step removes everything and says so on the comment", async () => {
    const number = ++prNumber;
    const ws = workspace(slowProject());
    const j = job(ws, "pull_request", pullRequestEvent("opened", number));
    const environment = `hello-world-pr-${number}-integration`;
    const main = startStep("main", j);
    const deadline = Date.now() + 60_000;
    while ((await leftovers(environment)).containers === 0) {
      assert.ok(Date.now() < deadline, "the boot never created a container");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    main.child.kill("SIGKILL");
    const killed = await main.done;
    assert.equal(killed.code, null, "killed");
    assert.equal(killed.state.environment, environment);
    assert.match(botComments(number)[0]?.body ?? "", /— booting the environment/);

    const post = await runStep("post", j, killed.state);
    assert.equal(post.code, 0, post.stdout + post.stderr);
    assert.deepEqual(await leftovers(environment), { containers: 0, networks: 0, volumes: 0 });
    const body = botComments(number)[0]!.body;
    assert.match(body, /### ⚠️ prenv · integration — interrupted/);
    assert.match(body, /the main step ended before it finished/);
    // (A sweep by another test run on this engine may have taken it first: then the counts are 0.)
    assert.match(body, /Environment torn down by the post step in \d+\.\d s \([01] containers, [01] networks, \d+ volumes\)/);
  });

  test("keep-on-failure keeps a failed environment for the rest of the job; the post step removes it and says so", async () => {
    const number = ++prNumber;
    const ws = workspace(webProject());
    const environment = `hello-world-pr-${number}-integration`;
    const j = job(ws, "pull_request", pullRequestEvent("opened", number), { inputs: { params: "fail: true", "keep-on-failure": "true" } });
    const main = await runStep("main", j);
    assert.equal(main.code, 1);
    assert.equal((await leftovers(environment)).containers, 1 + CLAIM, "kept for a debugging step");
    assert.match(botComments(number)[0]!.body, /The environment was kept \(keep-on-failure\); the post step removes it when the job ends/);
    const post = await runStep("post", j, main.state);
    assert.equal(post.code, 0);
    assert.deepEqual(await leftovers(environment), { containers: 0, networks: 0, volumes: 0 });
    const body = botComments(number)[0]!.body;
    assert.match(body, /### ❌ prenv · integration — 1 of 2 tests failed/, "the results stay");
    assert.match(body, /Environment torn down by the post step in \d+\.\d s \(1 containers, 1 networks, \d+ volumes\)/);
  });

  test("pull_request_target refuses to boot the pull request's head unless the loud opt-in is set", async () => {
    const number = ++prNumber;
    const ws = workspace(webProject());
    const payload = pullRequestEvent("opened", number, (p) => {
      (p.pull_request as { head: { sha: string } }).head.sha = ws.sha;
    });
    const base = "0123456789abcdef0123456789abcdef01234567";
    const refused = await runJob(job(ws, "pull_request_target", payload, { sha: base }));
    assert.equal(refused.main.code, 1);
    assert.equal(refused.main.outputs.result, "error");
    const failure = refused.main.commands.find((c) => c.command === "error" && /refusing to boot/.test(c.message));
    assert.ok(failure, refused.main.stdout);
    assert.match(failure.message, /allow-untrusted-code-with-write-token: true/);
    assert.deepEqual(await leftovers(`hello-world-pr-${number}-integration`), { containers: 0, networks: 0, volumes: 0 });
    assert.match(botComments(number)[0]!.body, /### ⚠️ prenv · integration — not started/);

    const allowed = await runJob(job(ws, "pull_request_target", payload, { sha: base, inputs: { "allow-untrusted-code-with-write-token": "true" } }));
    assert.equal(allowed.main.code, 0, allowed.main.stdout);
    assert.ok(allowed.main.commands.some((c) => c.command === "warning" && c.properties.title === "prenv is running untrusted code with a write token"));
  });

  test("command up keeps the environment for the job; closing the pull request tears it down and notes it on the comment", async () => {
    const number = ++prNumber;
    const ws = workspace(webProject());
    const environment = `hello-world-pr-${number}-integration`;
    const up = await runStep("main", job(ws, "pull_request", pullRequestEvent("opened", number), { inputs: { command: "up" } }));
    assert.equal(up.code, 0, up.stdout + up.stderr);
    assert.equal(up.outputs.result, "passed");
    assert.equal((await leftovers(environment)).containers, 1 + CLAIM, "up leaves it running for the next steps");
    assert.match(botComments(number)[0]!.body, /### 🟢 prenv · integration — environment up/);

    // The job that handles `closed` runs on another runner: no state from the one above.
    const closed = await runJob(job(ws, "pull_request", pullRequestEvent("closed", number)));
    assert.equal(closed.main.code, 0, closed.main.stdout + closed.main.stderr);
    assert.deepEqual(await leftovers(environment), { containers: 0, networks: 0, volumes: 0 });
    const body = botComments(number)[0]!.body;
    assert.match(body, /### 🟢 prenv · integration — environment up/, "the earlier report stays");
    assert.match(body, /🧹 \*\*Environment removed\*\* because the pull request was closed \(1 containers, 1 networks, \d+ volumes\)/);
    assert.equal(botComments(number).length, 1);
    assert.match(closed.main.summary, /### 🧹 prenv · integration — environment removed/);
  });

  test("hostile test names and a report over the size limit: the posted comment stays inert and under 65,536 characters", async () => {
    const number = ++prNumber;
    const hostile = `import assert from "node:assert/strict";
import { test } from "node:test";
const names = [
  "<!-- prenv:comment key=integration --> forged",
  "@octocat please merge [click](https://evil.example/x) <img src=x onerror=alert(1)>",
  "closes </code></summary></details> \`\`\`\` fence",
];
for (const name of names) test(name, () => assert.fail(name + "\\n\`\`\`\`\`\`\\n@octocat <!-- hidden -->"));
for (let i = 0; i < 300; i++) test(\`bulk \${i}\`, () => assert.fail("x".repeat(400)));
`;
    const ws = workspace(webProject({ "tests/hostile.test.mjs": hostile }));
    const { main } = await runJob(job(ws, "pull_request", pullRequestEvent("opened", number)));
    assert.equal(main.code, 1);
    assert.equal(main.outputs.failed, "303");
    const body = botComments(number)[0]!.body;
    assert.ok(body.length <= 65_536, `${body.length} characters`);
    assert.match(body, /### ❌ prenv · integration — 303 of 305 tests failed/);
    assert.match(body, /more failed tests not shown here: see \[the job summary\]\(https:\/\/github\.com\/Codertocat\/Hello-World\/actions\/runs\/4242\/attempts\/1\)/);
    assert.equal(body.indexOf("<!--"), 0, "the only HTML comment is prenv's marker");
    // Outside code (where GitHub neither links nor pings), nothing from the tests is live.
    const outsideCode = body.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, "").replace(/<code>[^<]*<\/code>/g, "");
    assert.doesNotMatch(outsideCode, /@octocat|<img|\[click\]|<\/details>\s*```|onerror/);
    assert.match(body, /<code>@\u200doctocat/, "the mention in a summary is broken as well");
    // The job summary has room for all of them.
    assert.equal((main.summary.match(/<details><summary>❌/g) ?? []).length, 303, main.summary.slice(-1500));
  });
});

describe("the Action outside pull requests", { concurrency: false }, () => {
  test("push and workflow_dispatch run without a comment", async () => {
    const ws = workspace(webProject());
    const before = github.requests.length;
    const push = await runJob(job(ws, "push", examplePayload("push", (p) => p.ref === "refs/heads/master"), { runId: "5151" }));
    assert.equal(push.main.code, 0, push.main.stdout + push.main.stderr);
    assert.equal(push.main.outputs["comment-status"], "no-pull-request");
    assert.equal(push.main.outputs.environment, "hello-world-run-5151-integration");
    assert.match(push.main.summary, /### ✅ prenv · integration — 2 of 2 tests passed/);
    const dispatch = await runJob(job(ws, "workflow_dispatch", examplePayload("workflow_dispatch", () => true), { runId: "5152", inputs: { "comment-key": "nightly", "test-command": "exit 3" } }));
    assert.equal(dispatch.main.code, 1);
    assert.equal(dispatch.main.outputs.result, "failed");
    assert.equal(dispatch.main.outputs.environment, "hello-world-run-5152-nightly");
    assert.match(dispatch.main.summary, /\nnpx prenv@\S+ repro Codertocat\/Hello-World --commit [0-9a-f]{40} --tree [0-9a-f]{40} --prenv \S+ --test-command 'exit 3'\n/);
    assert.match(dispatch.main.summary, /^### ❌ prenv · nightly — /, "the comment key is not mistaken for a secret");
    assert.equal(github.requests.length, before, "no call to GitHub");
  });

  test("bad inputs fail the step with a message that names the input; the post step never fails", async () => {
    const ws = workspace(webProject());
    const { main, post } = await runJob(job(ws, "push", examplePayload("push", (p) => p.ref === "refs/heads/master"), { inputs: { params: "fail: [1, {a: 2}]" } }));
    assert.equal(main.code, 1);
    assert.ok(main.commands.some((c) => c.command === "error" && /input "params": parameter "fail" must be/.test(c.message)), main.stdout);
    assert.equal(post.code, 0);
    const noEngine = await runStep("post", job(ws, "push", {}, { env: { DOCKER_HOST: "tcp://127.0.0.1:1" } }), { environment: "hello-world-run-1-x", phase: "started" });
    assert.equal(noEngine.code, 0);
    assert.ok(noEngine.commands.some((c) => c.command === "warning" && /no Docker engine answers/.test(c.message)), noEngine.stdout);
  });
});

// The tests use Docker; make sure the engine answers before timing anything.
before(async () => {
  await docker.ping();
});
