import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { BUSYBOX, ROOT, backend, cli, docker, environmentNames, leftovers, project, CLAIM } from "../helpers/docker.ts";
import { LABELS } from "../../src/backends/backend.ts";

const named = environmentNames();

const WEB = `name: web
services:
  web:
    image: ${BUSYBOX}
    command: ["sh", "-c", "echo hello from web; exec httpd -f -p 80 -h /etc"]
    ports: ["80"]
    x-prenv:
      ready:
        - port: 80
`;

describe("the prenv command", () => {
  test("up prints endpoints, ls/logs/exec act on the environment, down removes it (exit codes 0)", async () => {
    const dir = project({ "compose.yaml": WEB });
    const env = named("cli");
    const upRun = await cli(["up", "--env", env], { cwd: dir });
    assert.equal(upRun.code, 0, upRun.stderr);
    assert.match(upRun.stdout, /web\s+80\/tcp -> 127\.0\.0\.1:\d+/);
    assert.match(upRun.stderr, /ready in \d+\.\d s/);

    const ls = await cli(["ls", "--json"], { cwd: dir });
    const listed = (JSON.parse(ls.stdout) as { environment: string; complete: boolean }[]).find((e) => e.environment === env);
    assert.equal(listed?.complete, true);

    const logs = await cli(["logs", "web", "--env", env], { cwd: dir });
    assert.equal(logs.stdout.trim(), "hello from web");

    const exec = await cli(["exec", "web", "--env", env, "--", "sh", "-c", "echo $((6*7)); echo to-stderr >&2; exit 4"], { cwd: dir });
    assert.equal(exec.stdout.trim(), "42");
    assert.equal(exec.stderr.trim(), "to-stderr", "stdout and stderr stay apart");
    assert.equal(exec.code, 4, "exec passes the command's exit code through");

    const piped = await cli(["exec", "-i", "web", "--env", env, "--", "sh", "-c", "wc -l"], { cwd: dir, stdin: "one\ntwo\nthree\n" });
    assert.equal(piped.stdout.trim(), "3", "-i passes standard input, and its end reaches the command");

    const down = await cli(["down", "--env", env], { cwd: dir });
    assert.equal(down.code, 0);
    assert.match(down.stderr, /removed .*: 1 containers, 1 networks/);
    assert.deepEqual(await leftovers(env), { containers: 0, networks: 0, volumes: 0 });
  });

  test("up --json gives machine-readable endpoints; plan --json creates nothing", async () => {
    const dir = project({ "compose.yaml": WEB });
    const env = named("json");
    const plan = await cli(["plan", "--json", "--env", env], { cwd: dir });
    assert.equal(plan.code, 0);
    const parsed = JSON.parse(plan.stdout) as { environment: string; services: { name: string; readiness: { kind: string }[] }[] };
    assert.equal(parsed.environment, env);
    assert.deepEqual(parsed.services[0]!.readiness.map((r) => r.kind), ["port"]);
    assert.deepEqual(await leftovers(env), { containers: 0, networks: 0, volumes: 0 });

    const upRun = await cli(["up", "--json", "--env", env], { cwd: dir });
    assert.equal(upRun.code, 0, upRun.stderr);
    const result = JSON.parse(upRun.stdout) as { endpoints: { service: string; containerPort: number; hostPort: number }[] };
    const endpoint = result.endpoints[0]!;
    assert.equal(endpoint.containerPort, 80);
    assert.equal((await fetch(`http://127.0.0.1:${endpoint.hostPort}/passwd`)).status, 200);
  });

  test("the bundle in dist/ runs on its own, without node_modules (as the Action's checkout has it)", async (t) => {
    if (!existsSync(join(ROOT, "dist/cli.js"))) return t.skip("dist/ is not built; npm run bundle builds it");
    const alone = project({});
    cpSync(join(ROOT, "dist"), join(alone, "dist"), { recursive: true });
    const dir = project({ "compose.yaml": WEB });
    const env = named("bundle");
    const run = (args: string[]) => new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(alone, "dist/cli.js"), ...args], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      child.on("close", (code) => resolve({ code, stderr }));
    });
    const upRun = await run(["up", "--env", env]);
    assert.equal(upRun.code, 0, upRun.stderr);
    assert.equal((await run(["down", "--env", env])).code, 0);
    assert.deepEqual(await leftovers(env), { containers: 0, networks: 0, volumes: 0 });
  });

  test("the bundle keeps Node's compile cache in the user's cache folder, and runs without it where that cannot be written", async (t) => {
    if (!existsSync(join(ROOT, "dist/cli.js"))) return t.skip("dist/ is not built; npm run bundle builds it");
    const dir = project({ "compose.yaml": WEB });
    const run = (env: Record<string, string>) => new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const { NODE_COMPILE_CACHE: _, ...inherited } = process.env;
      const child = spawn(process.execPath, [join(ROOT, "dist/cli.js"), "validate"], { cwd: dir, env: { ...inherited, ...env }, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
    const cache = project({});
    const first = await run({ XDG_CACHE_HOME: cache });
    assert.equal(first.code, 0, first.stderr);
    const folder = join(cache, "prenv", "node-compile-cache");
    assert.ok(existsSync(folder) && readdirSync(folder, { recursive: true }).length > 1, `no compile cache in ${folder}`);
    // A file where the folder should be: not writable, even for root.
    const blocked = join(project({}), "not-a-folder");
    writeFileSync(blocked, "");
    const second = await run({ XDG_CACHE_HOME: blocked });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stderr, "");
    assert.match(second.stdout, /valid \(1 services/);
  });

  test("a bad definition exits 3 with file:line:col and creates nothing", async () => {
    const dir = project({ "compose.yaml": `services:\n  web:\n    image: ${BUSYBOX}\n    helthcheck:\n      test: ["CMD", "true"]\n` });
    const run = await cli(["up", "--env", "t-never-created"], { cwd: dir });
    assert.equal(run.code, 3);
    assert.match(run.stderr, /compose\.yaml:4:5: error: unknown key "helthcheck" in service "web"/);
    assert.match(run.stderr, /did you mean "healthcheck"\?/);
    assert.match(run.stderr, /nothing was created/);
    assert.deepEqual(await leftovers("t-never-created"), { containers: 0, networks: 0, volumes: 0 });
  });

  test("a failed boot exits 2 and names the service with its last log lines", async () => {
    const dir = project({ "compose.yaml": `services:\n  api:\n    image: ${BUSYBOX}\n    command: ["sh", "-c", "echo FATAL missing DATABASE_URL >&2; exit 1"]\n` });
    const env = named("fail");
    const run = await cli(["up", "--env", env], { cwd: dir });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /service "api" exited with code 1/);
    assert.match(run.stderr, /FATAL missing DATABASE_URL/);
    assert.match(run.stderr, /nothing was left behind/);
  });

  test("without a Docker engine, up says so in one line and names the install script", async () => {
    const dir = project({ "compose.yaml": WEB });
    const run = await cli(["up"], { cwd: dir, env: { DOCKER_HOST: "unix:///nonexistent/docker.sock" } });
    assert.equal(run.code, 2);
    assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
    assert.match(run.stderr, /no Docker engine answers.*scripts\/install-docker\.sh/);
  });

  test("an empty --env (an unset variable) is refused with exit 3 before anything is touched", async () => {
    const dir = project({ "compose.yaml": WEB });
    const env = named("web");
    assert.equal((await cli(["up", "-p", env], { cwd: dir })).code, 0, "the default environment is up");
    for (const command of [["down"], ["up"], ["logs", "web"], ["exec", "web"], ["run"], ["test"], ["plan"]]) {
      const run = await cli([...command, "--env", ""], { cwd: dir });
      assert.equal(run.code, 3, `${command[0]}: ${run.stderr}`);
      assert.match(run.stderr, /environment name is empty \(an unset variable\?\)/);
    }
    assert.equal((await leftovers(env)).containers, 1 + CLAIM, "the default environment is untouched");
  });

  test("logs and exec on an unknown service say which services exist", async () => {
    const dir = project({ "compose.yaml": WEB });
    const env = named("unknown");
    assert.equal((await cli(["up", "--env", env], { cwd: dir })).code, 0);
    const run = await cli(["logs", "wbe", "--env", env], { cwd: dir });
    assert.equal(run.code, 3);
    assert.match(run.stderr, /has no service "wbe"; it has web/);
  });

  test("kill -9 of prenv up at any moment: prenv gc finds and removes everything it left", async () => {
    const dir = project({
      "compose.yaml": `services:\n  a:\n    image: ${BUSYBOX}\n    command: ["sleep", "600"]\n    volumes: ["v:/v"]\n  b:\n    image: ${BUSYBOX}\n    command: ["sleep", "600"]\n    depends_on: [a]\n    healthcheck:\n      test: ["CMD", "sh", "-c", "sleep 5"]\nvolumes:\n  v: {}\n`,
    });
    // Kill at moments spread over the boot: before, while and after objects are created.
    for (const ms of [150, 400, 700, 1000, 1500]) {
      const env = named("killed");
      const child = spawn(process.execPath, [join(ROOT, "src/cli/index.ts"), "up", "--env", env], { cwd: dir, stdio: "ignore" });
      await delay(ms);
      child.kill("SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
      const gc = await cli(["gc", env], { cwd: dir });
      assert.equal(gc.code, 0, gc.stderr);
      assert.deepEqual(await leftovers(env), { containers: 0, networks: 0, volumes: 0 }, `killed after ${ms} ms`);
    }
  });

  test("gc leaves finished environments alone unless they are older than --older-than", async () => {
    const dir = project({ "compose.yaml": WEB });
    const env = named("keepme");
    assert.equal((await cli(["up", "--env", env], { cwd: dir })).code, 0);
    await cli(["gc", env], { cwd: dir });
    assert.equal((await leftovers(env)).containers, 1 + CLAIM, "a finished environment survives plain gc");
    const dry = await cli(["gc", env, "--older-than", "0s", "--dry-run"], { cwd: dir });
    assert.match(dry.stderr, new RegExp(`would remove ${env}`));
    assert.equal((await leftovers(env)).containers, 1 + CLAIM, "--dry-run removes nothing");
    const labelled = await docker.listContainers({ all: true, filters: { label: [`${LABELS.environment}=${env}`] } });
    assert.equal(labelled.length, 1 + CLAIM);
  });
});
