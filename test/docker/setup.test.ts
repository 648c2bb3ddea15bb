import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { loadEnvironment } from "../../src/definition/environment.ts";
import { runEnvironment, type RunReport } from "../../src/engine/run.ts";
import { planEnvironment } from "../../src/plan/plan.ts";
import { ResultsFolder } from "../../src/results/output.ts";
import { backend, BUSYBOX, CLAIM, environmentNames, leftovers, owner, project, ROOT } from "../helpers/docker.ts";

const named = environmentNames();

async function run(files: Record<string, string>, options: { teardown?: boolean } = {}): Promise<{ report: RunReport; dir: string; env: string; logs: Map<string, string> }> {
  const dir = project(files);
  const env = named("setup");
  const definition = loadEnvironment({ cwd: dir, env: {} });
  const plan = planEnvironment(definition.definition, { environment: env, ...(definition.test?.mode === "service" ? { testService: definition.test.service } : {}) });
  const folder = new ResultsFolder(join(dir, "prenv-results"));
  await folder.reset();
  const report = await runEnvironment(definition, plan, {
    backend,
    owner,
    version: "test",
    env: process.env,
    boot: true,
    teardown: options.teardown ?? true,
    output: folder,
  });
  const logs = new Map(readdirSync(join(folder.dir, "logs")).filter((f) => f.endsWith(".log")).map((f) => [f.slice(0, -".log".length), readFileSync(join(folder.dir, "logs", f), "utf8")]));
  return { report, dir, env, logs };
}

describe("setup steps and the test service on a real engine", () => {
  test("exec (env, workdir, user), run (one-off on the network, with a volume), http and copy (file and directory)", async () => {
    const { report, dir, env } = await run({
      "prenv.yml": `services:
  web:
    image: ${BUSYBOX}
    command: ["sh", "-c", "mkdir -p /www && echo ready > /www/status && exec httpd -f -p 80 -h /www"]
    ports: ["80"]
    volumes: ["shared:/shared"]
    x-prenv:
      ready: [{ port: 80 }]
volumes:
  shared: {}
setup:
  - exec: { service: web, command: [sh, -c, "echo $$GREETING from $(pwd) as $(id -u) > /tmp/exec.txt"], env: { GREETING: hi }, workdir: /tmp, user: "65534" }
    name: write as nobody
  - run: { image: ${BUSYBOX}, command: [sh, -c, "wget -q -O /shared/fetched.txt http://web/status && echo one-off done"], volumes: ["shared:/shared"] }
  - http: { service: web, port: 80, path: /status, expect: { status: 200, body: ready } }
  - copy: { service: web, from: seed/data.txt, to: /www/copied.txt }
  - copy: { service: web, from: seed, to: /seeddir/ }
test:
  command: [sh, -c, "wget -q -O - $$PRENV_WEB_URL/copied.txt > out.txt"]
`,
      "seed/data.txt": "seeded\n",
      "seed/more/nested.txt": "nested\n",
    }, { teardown: false });
    assert.equal(report.outcome, "passed", JSON.stringify(report.error));
    assert.deepEqual(report.setup.map((s) => [s.name, s.ok]), [
      ["write as nobody", true],
      [`run ${BUSYBOX} sh -c wget -q -O /shared/fetched.txt http://web/status && echo one-off done`, true],
      ["GET web:80/status", true],
      ["copy seed/data.txt to web:/www/copied.txt", true],
      ["copy seed to web:/seeddir/", true],
    ]);
    assert.match(report.setup[1]!.output, /one-off done/);
    assert.equal((await backend.exec(env, "web", ["cat", "/tmp/exec.txt"])).output, "hi from /tmp as 65534\n");
    assert.equal((await backend.exec(env, "web", ["cat", "/shared/fetched.txt"])).output, "ready\n");
    assert.equal((await backend.exec(env, "web", ["cat", "/seeddir/more/nested.txt"])).output, "nested\n");
    assert.equal(readFileSync(join(dir, "out.txt"), "utf8"), "seeded\n", "the test command reached the service through PRENV_WEB_URL");
    assert.equal((await leftovers(env)).containers, 1 + CLAIM, "the one-off container was removed");
    await backend.remove(env, { keepVolumes: false });
  });

  test("a failing step stops the run with its output, and later steps and the tests do not run", async () => {
    const { report, dir, env, logs } = await run({
      "prenv.yml": `services:
  db:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
setup:
  - exec: { service: db, command: [sh, -c, "echo relation users does not exist >&2; exit 5"] }
    name: migrate
  - exec: { service: db, command: [touch, /never] }
test:
  command: [touch, ran.txt]
`,
    });
    assert.equal(report.outcome, "error");
    assert.equal(report.exitCode, 2);
    assert.equal(report.error?.phase, "setup");
    assert.match(report.error?.message ?? "", /setup step "migrate" failed: exit code 5/);
    assert.match(report.error?.output ?? "", /relation users does not exist/);
    assert.equal(report.setup.length, 1);
    assert.equal(existsSync(join(dir, "ran.txt")), false, "the tests did not run");
    assert.ok(logs.has("db"), "logs are saved even when setup fails");
    assert.deepEqual(await leftovers(env), { containers: 0, networks: 0, volumes: 0 });
  });

  test("a test service runs inside the network after setup; its exit code decides, and its log is kept", async () => {
    const pass = await run({
      "prenv.yml": `services:
  web:
    image: ${BUSYBOX}
    command: ["sh", "-c", "mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 80 -h /www"]
    x-prenv:
      ready: [{ port: 80 }]
  suite:
    image: ${BUSYBOX}
    command: ["sh", "-c", "wget -q -O - http://web/index.html | grep -q ok && echo suite passed"]
    depends_on: [web]
test:
  service: suite
`,
    });
    assert.equal(pass.report.outcome, "passed", JSON.stringify(pass.report.error));
    assert.match(pass.logs.get("suite") ?? "", /suite passed/);
    assert.deepEqual(pass.report.services.map((s) => s.name), ["web"], "the test service is not part of the boot");

    const fail = await run({
      "prenv.yml": `services:
  suite:
    image: ${BUSYBOX}
    command: ["sh", "-c", "echo 3 tests failed; exit 1"]
test:
  service: suite
`,
    });
    assert.equal(fail.report.outcome, "failed");
    assert.equal(fail.report.exitCode, 1);
    assert.equal(fail.report.suite?.exitCode, 1);
    assert.match(fail.report.error?.output ?? "", /3 tests failed/);
  });

  test("Ctrl-C while the tests run: the suite is stopped, logs are saved, the environment is removed, exit 2", async () => {
    const dir = project({
      "prenv.yml": `services:\n  a:\n    image: ${BUSYBOX}\n    command: ["sh", "-c", "echo a is up; exec sleep 600"]\ntest:\n  command: [sh, -c, "echo suite started; touch started; sleep 60"]\n`,
    });
    const env = named("run-sigint");
    const child = spawn(process.execPath, [join(ROOT, "src/cli/index.ts"), "run", "--env", env], { cwd: dir, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NODE_TEST_CONTEXT: undefined } });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    for (let i = 0; i < 200 && !existsSync(join(dir, "started")); i++) await delay(100);
    assert.ok(existsSync(join(dir, "started")), "the suite got going");
    const started = Date.now();
    child.kill("SIGINT");
    const code = await new Promise((resolve) => child.once("exit", resolve));
    assert.equal(code, 2, stderr);
    assert.ok(Date.now() - started < 20_000, "the 60 s suite was not waited for");
    const report = JSON.parse(readFileSync(join(dir, "prenv-results/results.json"), "utf8")) as RunReport;
    assert.equal(report.outcome, "error");
    assert.match(report.error?.message ?? "", /interrupted/);
    assert.match(readFileSync(join(dir, "prenv-results/logs/a.log"), "utf8"), /a is up/);
    assert.deepEqual(await leftovers(env), { containers: 0, networks: 0, volumes: 0 });
  });

  test("a test command that outlives its timeout is stopped and the run fails", async () => {
    const { report } = await run({
      "prenv.yml": `services:\n  a:\n    image: ${BUSYBOX}\n    command: ["sleep", "600"]\ntest:\n  command: [sleep, "30"]\n  timeout: 1s\n`,
    });
    assert.equal(report.exitCode, 1);
    assert.equal(report.suite?.timedOut, true);
    assert.match(report.error?.message ?? "", /did not finish within 1 s/);
    assert.ok((report.timings.testMs ?? 0) < 10_000);
  });
});
