/**
 * The reproduction promise end to end: a pull request's run by the bundled Action on
 * GitHub's test merge, then the line from the posted comment pasted into bash in another
 * clone (on another branch, with changes of its own), after the image's tag was moved in
 * the registry. The same tree, parameters, image digests and failing tests come back; the
 * clone is untouched. Real git, a real registry, the GitHub stand-in.
 *
 * Only the line's first two words are replaced: `npx prenv@<version>` fetches prenv from
 * the npm registry, and this checkout is the prenv being tested.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { BUSYBOX, leftovers, ROOT } from "../helpers/docker.ts";
import { GitHubStandIn } from "../github/stand-in.ts";
import { webProject } from "./fixture.ts";
import { examplePayload, runJob } from "./harness.ts";

const REPOSITORY = "Codertocat/Hello-World";
const TOKEN = "ghs_repro_token";
const BOT = "github-actions[bot]";
const IMAGE = `localhost:5000/prenv-test/repro-${process.pid}:v1`;
const NUMBER = 9000 + (process.pid % 900);

const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-c", "user.name=dev", "-c", "user.email=dev@prenv.invalid", ...args], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
const dockerCli = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

function write(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

const TESTS = (extra: string) => `import assert from "node:assert/strict";
import { test } from "node:test";
test("the page answers", async () => {
  const response = await fetch(\`\${process.env.PRENV_WEB_URL}/index.html\`);
  assert.equal((await response.text()).trim(), "ok");
});
${extra}`;

/** An "origin" with main, and a pull request whose head adds a failing test (refs/pull/N/head, as GitHub keeps it). */
function origin(): { dir: string; base: string; head: string } {
  const work = mkdtempSync(join(tmpdir(), "prenv-origin-work-"));
  git(work, "init", "-q", "-b", "main");
  write(work, { ...webProject({}, IMAGE), "tests/web.test.mjs": TESTS(""), "README.md": "demo\n" });
  git(work, "add", "-A");
  git(work, "commit", "-q", "-m", "base");
  const base = git(work, "rev-parse", "HEAD");
  git(work, "checkout", "-q", "-b", "feature");
  write(work, { "tests/web.test.mjs": TESTS(`test("the coupon applies", () => assert.equal(80, 90, "expected 80, received 90"));\n`) });
  git(work, "commit", "-q", "-am", "add the coupon test");
  const head = git(work, "rev-parse", "HEAD");
  const bare = mkdtempSync(join(tmpdir(), "prenv-origin-"));
  git(bare, "init", "-q", "--bare", "-b", "main");
  git(work, "push", "-q", bare, "main", `feature:refs/pull/${NUMBER}/head`);
  return { dir: bare, base, head };
}

let github: GitHubStandIn;
before(async () => {
  github = await GitHubStandIn.start({ repository: REPOSITORY, tokens: { [TOKEN]: { login: BOT, kind: "app" } } });
  dockerCli("tag", BUSYBOX, IMAGE);
  dockerCli("push", IMAGE);
});
after(async () => {
  await github.stop();
  spawnSync("docker", ["rmi", "-f", IMAGE], { stdio: "ignore" });
});

function digestOf(reference: string): string {
  return dockerCli("image", "inspect", "-f", "{{range .RepoDigests}}{{println .}}{{end}}", reference).split("\n").find((d) => d.startsWith(reference.replace(/:v1$/, "@")))!;
}

/** Runs a reproduction line in bash, in `cwd`, with this checkout's prenv in place of npx's. */
function paste(line: string, cwd: string, env: Record<string, string> = {}): { code: number | null; out: string } {
  const command = line.replace(/^npx prenv@\S+ /, `'${process.execPath}' '${join(ROOT, "src/cli/index.ts")}' `);
  const r = spawnSync("bash", ["-c", command], { cwd, encoding: "utf8", env: { ...process.env, NODE_TEST_CONTEXT: undefined, ...env }, timeout: 240_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

interface Results {
  params: Record<string, { value?: unknown }>;
  services: { name: string; imageId?: string; digest?: string }[];
  tests: { totals: { tests: number }; cases: { name: string; status: string }[] };
}
const failedOf = (r: Results) => r.tests.cases.filter((c) => c.status === "failed").map((c) => c.name).sort();

describe("prenv repro: the line in the comment brings the run back", { concurrency: false }, () => {
  test("same tree, parameters, digests and failing tests, from another clone that is left untouched; a moved tag changes nothing", async () => {
    const o = origin();
    // The runner's checkout: GitHub's test merge of head into base.
    const ci = mkdtempSync(join(tmpdir(), "prenv-ci-"));
    git(ci, "clone", "-q", o.dir, ".");
    git(ci, "fetch", "-q", "origin", `refs/pull/${NUMBER}/head`);
    git(ci, "merge", "-q", "--no-ff", "-m", "Merge into main", "FETCH_HEAD");
    const mergeTree = git(ci, "rev-parse", "HEAD^{tree}");
    const payload = examplePayload("pull_request", (p) => p.action === "opened");
    payload.number = NUMBER;
    const pr = payload.pull_request as { number: number; head: { sha: string }; base: { sha: string } };
    pr.number = NUMBER;
    pr.head.sha = o.head;
    pr.base.sha = o.base;
    const runnerTemp = mkdtempSync(join(tmpdir(), "prenv-runner-temp-"));
    const { main } = await runJob({ workspace: ci, runnerTemp, eventName: "pull_request", payload, apiUrl: github.url, token: TOKEN, repository: REPOSITORY, sha: git(ci, "rev-parse", "HEAD"), inputs: { params: "greeting=hi there" } });
    assert.equal(main.code, 1, main.stdout + main.stderr);
    const ciResults = JSON.parse(readFileSync(join(ci, "prenv-results", "results.json"), "utf8")) as Results;
    assert.deepEqual(failedOf(ciResults), ["the coupon applies"]);
    const ciDigest = ciResults.services.find((s) => s.name === "web")!.digest!;
    assert.equal(ciDigest, digestOf(IMAGE));

    const body = github.commentsOn(NUMBER).find((c) => c.login === BOT)!.body;
    const line = /\*\*Reproduce locally\*\*\n```bash\n(.+)\n```/.exec(body)?.[1];
    assert.ok(line, body);
    assert.ok(line.length < 400, `${line.length} characters: ${line}`);
    assert.equal(line, main.outputs.reproduction);

    // Afterwards the tag moves to another image, and main moves on.
    const other = mkdtempSync(join(tmpdir(), "prenv-moved-"));
    writeFileSync(join(other, "Dockerfile"), `FROM ${BUSYBOX}\nRUN echo moved > /moved\n`);
    dockerCli("build", "-q", "-t", IMAGE, other);
    dockerCli("push", IMAGE);
    assert.notEqual(digestOf(IMAGE), ciDigest, "the tag now names another image");

    // A developer's clone: another branch, a change of their own, an untracked file.
    const dev = mkdtempSync(join(tmpdir(), "prenv-dev-"));
    git(dev, "clone", "-q", `file://${o.dir}`, "."); // file://: a real fetch, not a copy of every object
    git(dev, "checkout", "-q", "-b", "my-work");
    writeFileSync(join(dev, "README.md"), "my unsaved change\n");
    writeFileSync(join(dev, "notes.txt"), "untracked\n");
    const before = { status: git(dev, "status", "--porcelain"), head: git(dev, "rev-parse", "HEAD"), branch: git(dev, "branch", "--show-current"), stash: git(dev, "stash", "list") };

    const resultsDir = join(mkdtempSync(join(tmpdir(), "prenv-repro-out-")), "results");
    const repro = paste(`${line} --results-dir ${resultsDir}`, dev);
    assert.equal(repro.code, 1, repro.out);
    assert.match(repro.out, /prenv repro · fetch [0-9a-f]{40} from origin/, "the head was not in the clone: it was fetched");
    const again = JSON.parse(readFileSync(join(resultsDir, "results.json"), "utf8")) as Results;
    const manifest = JSON.parse(readFileSync(join(resultsDir, "manifest.json"), "utf8")) as { source: { tree: string } };
    assert.equal(manifest.source.tree, mergeTree, "the same tree");
    assert.deepEqual(again.params.greeting, ciResults.params.greeting, "the same parameter values");
    assert.equal(again.services.find((s) => s.name === "web")!.digest, ciDigest, "the digest that ran in CI, not the tag's new one");
    assert.equal(again.services.find((s) => s.name === "web")!.imageId, ciResults.services.find((s) => s.name === "web")!.imageId);
    assert.deepEqual(failedOf(again), failedOf(ciResults), "the same failing tests");
    assert.equal(again.tests.totals.tests, 1, "only the failed test ran (the line carries --only)");
    assert.deepEqual({ status: git(dev, "status", "--porcelain"), head: git(dev, "rev-parse", "HEAD"), branch: git(dev, "branch", "--show-current"), stash: git(dev, "stash", "list") }, before, "the clone is untouched");
    assert.equal(git(dev, "worktree", "list").split("\n").length, 1, "the temporary worktree is gone");
    assert.deepEqual(await leftovers(`repro-${mergeTree.slice(0, 12)}`), { containers: 0, networks: 0, volumes: 0 });

    // Bad input: nothing is created, and the message says what to do.
    const unknown = paste(line.replace(o.head, "1234567890abcdef1234567890abcdef12345678"), dev);
    assert.equal(unknown.code, 3, unknown.out);
    assert.match(unknown.out, /commit 1234567890abcdef1234567890abcdef12345678 is neither in this clone nor in its remote origin/);
    const newer = paste(line.replace(/--prenv \S+/, "--prenv 99.0.0"), dev);
    assert.equal(newer.code, 3, newer.out);
    assert.match(newer.out, /made by prenv 99\.0\.0.*npx prenv@99\.0\.0/s);
    const lost = paste(line.replace(/--pin web=sha256:[0-9a-f]{64}/, `--pin web=sha256:${"0".repeat(64)}`), dev);
    assert.equal(lost.code, 2, lost.out);
    assert.match(lost.out, /image "localhost:5000\/prenv-test\/repro-\d+@sha256:0{64}" cannot be pulled/);
    writeFileSync(join(resultsDir, "manifest.json"), readFileSync(join(resultsDir, "manifest.json"), "utf8").replace('"hi there"', '"tampered"'));
    const tampered = paste(`npx prenv@0 repro --manifest ${join(resultsDir, "manifest.json")}`, dev);
    assert.equal(tampered.code, 3, tampered.out);
    assert.match(tampered.out, /changed since prenv wrote it/);
    assert.equal(git(dev, "worktree", "list").split("\n").length, 1, "no worktree is left by a refused line");
    assert.deepEqual(await leftovers(`repro-${mergeTree.slice(0, 12)}`), { containers: 0, networks: 0, volumes: 0 });
    assert.equal(git(dev, "status", "--porcelain"), before.status);
  });
});
