/**
 * A known secret planted through every way a value becomes secret (declared `secret: true`
 * and given in the `secrets` input or PRENV_SECRET_*, a credential-like parameter name, a
 * credential-like environment variable the definition interpolates), and made to come out
 * through every path prenv writes: a service's log, a setup step's output, the suite's
 * output, a failed test's message (JUnit, the comment, the summary, annotations). Then
 * everything prenv wrote is searched for it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { BUSYBOX, ROOT } from "../helpers/docker.ts";
import { GitHubStandIn } from "../github/stand-in.ts";
import { examplePayload, runJob, workspace } from "./harness.ts";

const REPOSITORY = "Codertocat/Hello-World";
const TOKEN = "ghs_secret_test_token";
const BOT = "github-actions[bot]";

const DECLARED = "decl-Qm7vX2pL9";
const BY_NAME = "byname-Zr4kW8";
const FROM_ENV = "envtok-Hs3nB6";
const ALL = [DECLARED, BY_NAME, FROM_ENV];

function project(): Record<string, string> {
  return {
    "prenv.yml": `name: secrets
params:
  api_key: { type: string, secret: true, description: declared secret }
  db_pw: { type: string, description: secret by its name }
services:
  web:
    image: ${BUSYBOX}
    environment:
      API_KEY: \${api_key}
      DB_PW: \${db_pw}
      STRIPE_TOKEN: \${STRIPE_TOKEN}
    command: ["sh", "-c", "echo \\"boot $$API_KEY $$DB_PW $$STRIPE_TOKEN\\"; mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 80 -h /www"]
    ports: ["80"]
    x-prenv:
      ready: [{ port: 80 }]
setup:
  - exec: { service: web, command: [sh, -c, "echo setup $$API_KEY $$DB_PW $$STRIPE_TOKEN"] }
test:
  command: mkdir -p reports && echo "suite output $$LEAK" && '${process.execPath}' --test --test-reporter=junit --test-reporter-destination=reports/junit.xml tests/*.test.mjs
  reports: reports/*.xml
  timeout: 2m
  env:
    LEAK: \${api_key} \${db_pw} \${STRIPE_TOKEN}
`,
    "tests/leak.test.mjs": `import assert from "node:assert/strict";
import { test } from "node:test";
test("leaks " + process.env.LEAK, () => {
  console.log("stdout of the test:", process.env.LEAK);
  assert.equal(process.env.LEAK, "nothing", "the message quotes " + process.env.LEAK);
});
`,
    ".gitignore": "reports/\nprenv-results/\n",
  };
}

/** Every file below `dir`, as text. */
function filesBelow(dir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesBelow(path));
    else out.push({ path, text: readFileSync(path, "utf8") });
  }
  return out;
}

function assertNoSecret(where: string, text: string): void {
  for (const secret of ALL) assert.ok(!text.includes(secret), `${where} contains the secret ${secret}:\n${text.slice(Math.max(0, text.indexOf(secret) - 300), text.indexOf(secret) + 100)}`);
}

let github: GitHubStandIn;
before(async () => {
  github = await GitHubStandIn.start({ repository: REPOSITORY, tokens: { [TOKEN]: { login: BOT, kind: "app" } } });
});
after(async () => {
  await github.stop();
});

describe("secrets never reach anything prenv writes", { concurrency: false }, () => {
  test("the Action: comment, job summary, annotations, log, outputs, results folder and view file", async () => {
    const number = 7000 + (process.pid % 1000);
    const ws = workspace(project());
    const payload = examplePayload("pull_request", (p) => p.action === "opened");
    payload.number = number;
    (payload.pull_request as Record<string, unknown>).number = number;
    const { main, post } = await runJob({
      workspace: ws.dir,
      runnerTemp: ws.runnerTemp,
      eventName: "pull_request",
      payload,
      apiUrl: github.url,
      token: TOKEN,
      repository: REPOSITORY,
      sha: ws.sha,
      inputs: { secrets: `api_key=${DECLARED}`, params: `db_pw=${BY_NAME}` },
      env: { STRIPE_TOKEN: FROM_ENV },
    });
    assert.equal(main.code, 1, main.stdout + main.stderr);
    assert.equal(main.outputs.failed, "1");
    // The secrets did come out: the failed test's message is in the report, masked.
    const comment = github.commentsOn(number).find((c) => c.login === BOT)!.body;
    assert.match(comment, /the message quotes \*\*\* \*\*\* \*\*\*/);
    assertNoSecret("the comment", comment);
    for (const request of github.requests) assertNoSecret(`request ${request.method} ${request.path}`, JSON.stringify(request.body ?? ""));
    assertNoSecret("the job summary", main.summary + post.summary);
    // The runner learns each value through ::add-mask:: (it masks them in the log); nothing else may show one.
    const masked = main.stdout.split("\n").filter((l) => l.startsWith("::add-mask::")).map((l) => l.slice("::add-mask::".length));
    for (const secret of ALL) assert.ok(masked.includes(secret), `${secret} is registered with the runner's masking`);
    const log = main.stdout.split("\n").filter((l) => !l.startsWith("::add-mask::")).join("\n");
    assert.match(log, /suite output \*\*\* \*\*\* \*\*\*/);
    assertNoSecret("the step's log", log + main.stderr + post.stdout + post.stderr);
    assertNoSecret("the annotations", JSON.stringify(main.commands.filter((c) => c.command !== "add-mask")));
    assertNoSecret("the outputs", JSON.stringify(main.outputs));
    const written = [...filesBelow(join(ws.dir, "prenv-results")), ...filesBelow(ws.runnerTemp)];
    assert.ok(written.some((f) => f.path.endsWith("logs/web.log") && /boot \*\*\* \*\*\* \*\*\*/.test(f.text)), "the service log is saved, masked");
    assert.ok(written.some((f) => f.path.includes("/junit/") && f.text.includes("the message quotes ***")), "the JUnit copy is masked");
    for (const f of written) assertNoSecret(f.path, f.text);
    const results = JSON.parse(readFileSync(join(ws.dir, "prenv-results", "results.json"), "utf8")) as { params: Record<string, { secret?: boolean; value?: unknown }> };
    assert.deepEqual(results.params.api_key, { origin: "secrets input", secret: true });
    assert.deepEqual(results.params.db_pw, { origin: "--set", secret: true });
    // The reproduction line names the variables to set instead.
    assert.match(main.outputs.reproduction ?? "", /^npx prenv@\S+ repro .* --secret api_key --secret db_pw( |$)/);
    assert.match(comment, /set PRENV\\_SECRET\\_API\\_KEY before running it/);
  });

  test("the CLI: terminal, results folder (results.json, JUnit copies, logs)", () => {
    const ws = workspace(project());
    const result = spawnSync(process.execPath, [join(ROOT, "src/cli/index.ts"), "run", "--set", `db_pw=${BY_NAME}`], {
      cwd: ws.dir,
      encoding: "utf8",
      env: { ...process.env, PRENV_SECRET_API_KEY: DECLARED, STRIPE_TOKEN: FROM_ENV },
      timeout: 120_000,
    });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /suite output \*\*\* \*\*\* \*\*\*/);
    assertNoSecret("the terminal", result.stdout + result.stderr);
    const written = filesBelow(join(ws.dir, "prenv-results"));
    assert.ok(written.length >= 3, written.map((f) => f.path).join(", "));
    for (const f of written) assertNoSecret(f.path, f.text);
  });
});
