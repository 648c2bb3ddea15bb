import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import type { RunReport } from "../../src/engine/run.ts";
import { BUSYBOX, ROOT, cli, environmentNames, leftovers, project, CLAIM } from "../helpers/docker.ts";

const named = environmentNames();

/** One service, and a suite that sleeps long enough to be interrupted. */
const SLOW_SUITE = {
  "compose.yaml": `services:\n  web:\n    image: ${BUSYBOX}\n    command: ["sleep", "600"]\n    volumes: ["data:/data"]\nvolumes:\n  data: {}\n`,
  "prenv.yml": "compose: [compose.yaml]\ntest:\n  command: echo suite-started; sleep 60\n",
};

/** Starts prenv and resolves once its standard error shows `text`. */
function startUntil(args: string[], cwd: string, text: string) {
  const child = spawn(process.execPath, [join(ROOT, "src/cli/index.ts"), ...args], { cwd, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NODE_TEST_CONTEXT: undefined } });
  let stderr = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const seen = new Promise<void>((resolve, reject) => {
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
      if (stderr.includes(text)) resolve();
    });
    void exited.then(() => reject(new Error(`prenv exited before printing ${JSON.stringify(text)}:\n${stderr}`)));
  });
  seen.catch(() => undefined);
  return { child, seen, exited, stderr: () => stderr };
}

async function killRunDuringSuite(dir: string, env: string): Promise<void> {
  const run = startUntil(["run", "--env", env], dir, "suite-started");
  await run.seen;
  run.child.kill("SIGKILL");
  await run.exited;
}

describe("interrupted runs", () => {
  test("kill -9 of prenv run during the suite: the environment is up, yet gc collects it", async () => {
    const dir = project(SLOW_SUITE);
    const env = named("run-killed");
    await killRunDuringSuite(dir, env);
    const ls = JSON.parse((await cli(["ls", "--json"], { cwd: dir })).stdout) as { environment: string; complete: boolean }[];
    assert.equal(ls.find((e) => e.environment === env)?.complete, true, "up had finished when the run was killed");
    // Named: a gc of the whole engine would take other test files' environments, which run beside this one.
    const gc = await cli(["gc", env, "--json"], { cwd: dir });
    assert.equal(gc.code, 0, gc.stderr);
    const removed = JSON.parse(gc.stdout) as { environment: string; reason: string }[];
    assert.match(removed.find((r) => r.environment === env)?.reason ?? "", /prenv run .*process \d+ is gone/);
    assert.deepEqual(await leftovers(env), { containers: 0, networks: 0, volumes: 0 });
  });

  test("a kept run (--keep) and a plain up survive gc once their process has ended", async () => {
    const dir = project({ ...SLOW_SUITE, "prenv.yml": "compose: [compose.yaml]\ntest:\n  command: \"true\"\n" });
    const kept = named("run-kept");
    const plain = named("up-plain");
    assert.equal((await cli(["run", "--keep", "--env", kept], { cwd: dir })).code, 0);
    assert.equal((await cli(["up", "--env", plain], { cwd: dir })).code, 0);
    const gc = await cli(["gc", kept, plain, "--json"], { cwd: dir });
    const removed = (JSON.parse(gc.stdout) as { environment: string }[]).map((r) => r.environment);
    assert.ok(!removed.includes(kept) && !removed.includes(plain), gc.stdout);
    assert.equal((await leftovers(kept)).containers, 1 + CLAIM);
    assert.equal((await leftovers(plain)).containers, 1 + CLAIM);
  });

  test("two quick Ctrl-C during the suite: prenv still tears down, and says so", async () => {
    const dir = project(SLOW_SUITE);
    const env = named("run-twice");
    const run = startUntil(["run", "--env", env], dir, "suite-started");
    await run.seen;
    // Apart, as a person presses them: two signals sent at once may arrive as one.
    run.child.kill("SIGINT");
    await delay(100);
    run.child.kill("SIGINT");
    const { code } = await run.exited;
    assert.equal(code, 2, run.stderr());
    assert.match(run.stderr(), /interrupted again.*tear/i);
    assert.deepEqual(await leftovers(env), { containers: 0, networks: 0, volumes: 0 });
  });

  test("a third Ctrl-C leaves at once, naming the command that removes what is left", async () => {
    const dir = project(SLOW_SUITE);
    const env = named("run-thrice");
    const run = startUntil(["run", "--env", env], dir, "suite-started");
    await run.seen;
    for (let i = 0; i < 3; i++) {
      run.child.kill("SIGINT");
      await delay(100);
    }
    const { code } = await run.exited;
    assert.equal(code, 130, run.stderr());
    assert.ok(run.stderr().includes(`prenv down --env ${env}`), run.stderr());
  });
});

describe("kept volumes", () => {
  test("down --keep-volumes, then gc (even --older-than 0s): the data stays until a plain down", async () => {
    const dir = project(SLOW_SUITE);
    const env = named("kept-volumes");
    assert.equal((await cli(["up", "--env", env], { cwd: dir })).code, 0);
    assert.equal((await cli(["down", "--keep-volumes", "--env", env], { cwd: dir })).code, 0);
    const volumes = (await leftovers(env)).volumes;
    assert.ok(volumes >= 1, "the data volume is kept");
    for (const args of [["gc", env], ["gc", env, "--older-than", "0s"]]) {
      assert.equal((await cli(args, { cwd: dir })).code, 0);
      assert.equal((await leftovers(env)).volumes, volumes, `${args.join(" ")} leaves kept volumes alone`);
    }
    // Booting on the kept data and being killed: gc takes the run's objects, not the data.
    await killRunDuringSuite(dir, env);
    await cli(["gc", env], { cwd: dir });
    const after = await leftovers(env);
    assert.deepEqual({ containers: after.containers, networks: after.networks }, { containers: 0, networks: 0 });
    assert.ok(after.volumes >= 1, "the kept data survives gc of a killed run");
    assert.equal((await cli(["down", "--env", env], { cwd: dir })).code, 0);
    assert.deepEqual(await leftovers(env), { containers: 0, networks: 0, volumes: 0 });
  });
});

describe("concurrent runs", () => {
  test("three prenv up --env X at once: one wins, the others fail with 'already exists' and touch nothing", async () => {
    // A build keeps all three past the early check before any of them creates anything.
    const dir = project({
      "compose.yaml": `services:\n  web:\n    build: .\n    command: ["sleep", "600"]\n    volumes: ["data:/data"]\nvolumes:\n  data: {}\n`,
      Dockerfile: `FROM ${BUSYBOX}\nRUN sleep 1\n`,
    });
    const env = named("race");
    const runs = await Promise.all([1, 2, 3].map(() => cli(["up", "--env", env], { cwd: dir })));
    const codes = runs.map((r) => r.code).sort();
    assert.deepEqual(codes, [0, 2, 2], runs.map((r) => r.stderr).join("\n---\n"));
    for (const loser of runs.filter((r) => r.code === 2)) assert.match(loser.stderr, /already exists/);
    const ls = JSON.parse((await cli(["ls", "--json"], { cwd: dir })).stdout) as { environment: string; complete: boolean; services: { name: string; state: string }[] }[];
    const listed = ls.find((e) => e.environment === env);
    assert.equal(listed?.complete, true);
    assert.deepEqual(listed?.services, [{ name: "web", state: "running" }], "the winner's environment is whole");
  });
});

describe("runs side by side in one working directory", () => {
  test("each run gets its own PRENV_REPORTS_DIR, and test.reports can name it", async () => {
    const dir = project({
      "compose.yaml": `services:\n  web:\n    image: ${BUSYBOX}\n    command: ["sleep", "600"]\n`,
      // Each suite writes a report naming its environment, then lingers, so the runs overlap.
      "prenv.yml": [
        "compose: [compose.yaml]",
        "test:",
        `  command: 'printf "<testsuite><testcase classname=\\"x\\" name=\\"%s\\"/></testsuite>" "$$PRENV_ENVIRONMENT" > "$$PRENV_REPORTS_DIR/junit.xml"; sleep 1'`,
        '  reports: "${PRENV_REPORTS_DIR}/*.xml"',
        "",
      ].join("\n"),
    });
    const envs = [1, 2, 3, 4].map(() => named("side"));
    const runs = await Promise.all(envs.map((env) => cli(["run", "--env", env, "--results-dir", `results-${env}`, "--json"], { cwd: dir })));
    for (const [i, env] of envs.entries()) {
      assert.equal(runs[i]!.code, 0, runs[i]!.stderr);
      const report = JSON.parse(runs[i]!.stdout) as { tests: { cases: { name: string }[] } };
      assert.deepEqual(report.tests.cases.map((c) => c.name), [env], "each run read its own report");
      assert.ok(existsSync(join(dir, `results-${env}`, "junit", "junit.xml")), "the report is copied to the results folder");
    }
  });
});

describe("what a run says about itself", () => {
  const results = (dir: string) => JSON.parse(readFileSync(join(dir, "prenv-results/results.json"), "utf8")) as RunReport;

  test("a service that dies during the boot of a run: the hint points at the saved log, not at prenv logs", async () => {
    const dir = project({
      "compose.yaml": `services:\n  bad:\n    image: ${BUSYBOX}\n    command: ["sh", "-c", "echo dying; exit 3"]\n`,
      "prenv.yml": "compose: [compose.yaml]\ntest:\n  command: \"true\"\n",
    });
    const run = await cli(["run", "--env", named("dies")], { cwd: dir });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /hint: .*logs\/bad\.log/);
    assert.doesNotMatch(run.stderr, /prenv logs/, "the environment is gone: prenv logs cannot show it");
    assert.equal(readFileSync(join(dir, "prenv-results/logs/bad.log"), "utf8"), "dying\n");
  });

  test("prenv up that rolls back does not send the user to prenv logs of what it removed", async () => {
    const dir = project({ "compose.yaml": `services:\n  bad:\n    image: ${BUSYBOX}\n    command: ["sh", "-c", "exit 3"]\n` });
    const run = await cli(["up", "--env", named("up-dies")], { cwd: dir });
    assert.equal(run.code, 2);
    assert.doesNotMatch(run.stderr, /see its whole log with: prenv logs/);
    assert.match(run.stderr, /--keep-on-failure/);
  });

  test("a failed build of a run names no logs folder, since none was written", async () => {
    const dir = project({
      "compose.yaml": "services:\n  built:\n    build: .\n",
      Dockerfile: `FROM ${BUSYBOX}\nRUN exit 7\n`,
      "prenv.yml": "compose: [compose.yaml]\ntest:\n  command: \"true\"\n",
    });
    const run = await cli(["run", "--env", named("build-fails")], { cwd: dir });
    assert.equal(run.code, 2);
    assert.ok(!existsSync(join(dir, "prenv-results/logs")));
    assert.doesNotMatch(run.stderr, /logs\//, run.stderr);
  });

  test("Ctrl-C during a build is reported as an interruption, not as a failed boot", async () => {
    const dir = project({
      "compose.yaml": "services:\n  built:\n    build: .\n",
      Dockerfile: `FROM ${BUSYBOX}\nRUN echo building-now-${Date.now()} && sleep 30\n`,
      "prenv.yml": "compose: [compose.yaml]\ntest:\n  command: \"true\"\n",
    });
    const run = startUntil(["run", "--env", named("build-interrupted")], dir, "building");
    await run.seen;
    run.child.kill("SIGINT");
    const { code } = await run.exited;
    assert.equal(code, 2);
    assert.match(run.stderr(), /✖ interrupted during the boot/);
    assert.doesNotMatch(run.stderr(), /boot failed/);
    assert.equal(results(dir).error?.interrupted, true);
  });

  test("the timings add up to the total, the collect phase included", async () => {
    const dir = project({
      "compose.yaml": `services:\n  web:\n    image: ${BUSYBOX}\n    command: ["sleep", "600"]\n`,
      "prenv.yml": "compose: [compose.yaml]\ntest:\n  command: \"true\"\n",
    });
    const run = await cli(["run", "--env", named("timings")], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const t = results(dir).timings;
    assert.ok(t.collectMs !== undefined, "collect is timed");
    const parts = (t.bootMs ?? 0) + (t.setupMs ?? 0) + (t.testMs ?? 0) + (t.collectMs ?? 0) + (t.teardownMs ?? 0);
    assert.ok(t.totalMs - parts >= 0 && t.totalMs - parts < 30, `parts ${parts} ms, total ${t.totalMs} ms`);
    assert.match(run.stderr, /timings: boot .* · tests .* · collect .* · teardown .* · total/);
  });
});

describe("prenv test again", () => {
  test("a second prenv test with a test service runs it again (the last one's container does not stand in the way)", async () => {
    const dir = project({
      "compose.yaml": `services:\n  web:\n    image: ${BUSYBOX}\n    command: ["sleep", "600"]\n  tests:\n    image: ${BUSYBOX}\n    command: ["sh", "-c", "echo suite-ran"]\n`,
      "prenv.yml": "compose: [compose.yaml]\ntest:\n  service: tests\n",
    });
    const env = named("test-twice");
    assert.equal((await cli(["up", "--env", env], { cwd: dir })).code, 0);
    for (const round of [1, 2]) {
      const run = await cli(["test", "--env", env], { cwd: dir });
      assert.equal(run.code, 0, `round ${round}: ${run.stderr}`);
      assert.match(run.stderr, /suite-ran/);
    }
  });
});
