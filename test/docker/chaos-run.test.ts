import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { FaultOutcome } from "../../src/chaos/model.ts";
import type { RunReport } from "../../src/engine/run.ts";
import { BUSYBOX, cli, docker, environmentNames, leftovers, project, ROOT } from "../helpers/docker.ts";

const DEBIAN = "prenv-test/debian:1";
const named = environmentNames();

/**
 * srv serves HTTP; the suite is a service on the same network that asks srv once every
 * 250 ms for about 7 s and prints, for each try, its time since the suite started and
 * whether it got through. The chaos partitions srv from the suite for 2 s, starting at a
 * moment drawn from the seed between 1.5 s and 3 s.
 */
const COMPOSE = `
services:
  srv:
    image: ${BUSYBOX}
    command: ["sh", "-c", "mkdir -p /www && echo ok > /www/ok && exec httpd -f -p 80 -h /www"]
  suite:
    image: ${DEBIAN}
    command: ["bash", "-c", "start=$$(date +%s%3N); for i in $$(seq 28); do if curl -s -o /dev/null --max-time 1 http://srv/ok; then r=ok; else r=down; fi; echo probe $$(( $$(date +%s%3N) - start )) $$r; sleep 0.25; done"]
`;
const PRENV = `
compose: [compose.yaml]
test:
  service: suite
chaos:
  helper-image: ${DEBIAN}
  faults:
    - { name: cut, fault: partition, target: [srv, suite], start: { between: [1500ms, 3s] }, duration: 2s }
`;

function report(dir: string): RunReport {
  return JSON.parse(readFileSync(join(dir, "prenv-results/results.json"), "utf8")) as RunReport;
}

/** The probes the suite printed: milliseconds since it started, and whether srv answered. */
function probes(output: string): { ms: number; ok: boolean }[] {
  return [...output.matchAll(/^probe (\d+) (ok|down)$/gm)].map((m) => ({ ms: Number(m[1]), ok: m[2] === "ok" }));
}

/** What a seed decides, without the moments the engine took. */
const planned = (timeline: FaultOutcome[]) => timeline.map((f) => ({ id: f.id, name: f.name, action: f.action, plannedStartMs: f.plannedStartMs, durationMs: f.durationMs }));

describe("prenv run with chaos (real engine)", { timeout: 300_000 }, () => {
  // A git clone, so that runs write a manifest and prenv repro can rebuild the tree.
  const dir = project({ "compose.yaml": COMPOSE, "prenv.yml": PRENV, ".gitignore": "prenv-results/\n" });
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" } });
  git("init", "-q");
  git("add", ".");
  git("commit", "-qm", "chaos fixture");

  test("the partition is seen by the suite while it lasts and is healed after; the timeline is in results.json and on the terminal", async () => {
    const env = named("chaos-a");
    const r = await cli(["run", "--env", env, "--seed", "7"], { cwd: dir, timeoutMs: 150_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /chaos schedule \(seed 7; replay with --seed 7\):/);
    const chaos = report(dir).chaos!;
    assert.equal(chaos.seed, "7");
    const [cut] = chaos.timeline;
    assert.equal(cut?.applied, "applied", JSON.stringify(cut));
    assert.equal(cut.undo, "undone");
    assert.match(cut.how ?? "", /iptables DROP both ways/);
    assert.ok(cut.plannedStartMs >= 1500 && cut.plannedStartMs <= 3000);
    assert.ok(Math.abs(cut.actualStartMs! - cut.plannedStartMs) < 1000, `applied at ${cut.actualStartMs} ms, planned ${cut.plannedStartMs}`);
    // The suite's clock starts a little after the schedule's, so the probes are placed by
    // where they came in the output, between the lines of the fault going in and out; one
    // probe of slack at each edge, for the log stream's lag and a probe's 1 s timeout.
    const applied = r.stderr.indexOf("⚡ cut at");
    const undone = r.stderr.indexOf("↺ cut at");
    assert.ok(applied > 0 && undone > applied, r.stderr);
    const before = probes(r.stderr.slice(0, applied)).slice(0, -1);
    const during = probes(r.stderr.slice(applied, undone));
    const afterwards = probes(r.stderr.slice(undone)).slice(2);
    assert.ok(before.length >= 1 && before.every((p) => p.ok), `srv answered before the partition: ${JSON.stringify(before)}`);
    assert.ok(during.some((p) => !p.ok), `the partition cut srv off: ${JSON.stringify(during)}`);
    assert.ok(afterwards.length >= 5 && afterwards.every((p) => p.ok), `healed after: ${JSON.stringify(afterwards)}`);
    const down = probes(r.stderr).filter((p) => !p.ok);
    assert.ok(down.at(-1)!.ms - down[0]!.ms <= 3000, `down for about the fault's 2 s: ${JSON.stringify(down)}`);
    assert.match(r.stderr, /faults \(seed 7; replay with --seed 7\):\n.*fault +planned +actual/);
    const manifest = JSON.parse(readFileSync(join(dir, "prenv-results/manifest.json"), "utf8")) as { chaos?: { seed: string; timeline: FaultOutcome[] } };
    assert.equal(manifest.chaos?.seed, "7");
    assert.deepEqual(planned(manifest.chaos.timeline), planned(chaos.timeline));
    assert.deepEqual(await leftovers(env), { containers: 0, networks: 0, volumes: 0 });

    cpSync(join(dir, "prenv-results"), join(dir, "prenv-results-first"), { recursive: true });
    // The same seed again: the same schedule, injected at the same offsets; another seed another one.
    const again = await cli(["run", "--env", named("chaos-b"), "--seed", "7", "--json"], { cwd: dir, timeoutMs: 150_000 });
    assert.equal(again.code, 0, again.stderr);
    const second = report(dir).chaos!;
    assert.deepEqual(planned(second.timeline), planned(chaos.timeline));
    assert.ok(Math.abs(second.timeline[0]!.actualStartMs! - cut.actualStartMs!) < 1000);
    const other = await cli(["run", "--env", named("chaos-c"), "--seed", "8", "--json"], { cwd: dir, timeoutMs: 150_000 });
    assert.equal(other.code, 0, other.stderr);
    const third = report(dir).chaos!;
    assert.equal(third.seed, "8");
    assert.notEqual(third.timeline[0]!.plannedStartMs, cut.plannedStartMs);

    // prenv repro from the first run's manifest: its seed comes back, and with it the same faults at the same offsets.
    const reproDir = join(dir, "repro-results");
    const repro = await cli(["repro", "--manifest", join(dir, "prenv-results-first/manifest.json"), "--results-dir", reproDir, "--env", named("chaos-repro"), "--json"], { cwd: dir, timeoutMs: 150_000 });
    assert.equal(repro.code, 0, repro.stderr);
    const replayed = (JSON.parse(readFileSync(join(reproDir, "results.json"), "utf8")) as RunReport).chaos!;
    assert.equal(replayed.seed, "7");
    assert.deepEqual(planned(replayed.timeline), planned(chaos.timeline));
    assert.equal(replayed.timeline[0]!.applied, "applied");
    assert.ok(Math.abs(replayed.timeline[0]!.actualStartMs! - cut.actualStartMs!) < 1000);
  });

  test("kill -9 of prenv run during a stop fault: prenv gc starts the service again and removes the trace", async () => {
    const env = named("chaos-gc");
    const stopDir = project({
      "compose.yaml": `services:\n  srv:\n    image: ${BUSYBOX}\n    command: ["sleep", "3600"]\n`,
      "prenv.yml": `compose: [compose.yaml]\ntest:\n  command: sleep 60\nchaos:\n  faults:\n    - { fault: stop, target: srv, start: 500ms, duration: until-end }\n`,
    });
    const child = spawn(process.execPath, [join(ROOT, "src/cli/index.ts"), "run", "--env", env, "--keep"], { cwd: stopDir, env: { ...process.env, NODE_TEST_CONTEXT: undefined }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise((resolve) => child.on("close", resolve));
    // Bounded: the stop fault's line, or give up after 90 s.
    for (let i = 0; i < 360 && !/⚡ stop srv/.test(stderr); i++) await new Promise((r) => setTimeout(r, 250));
    assert.match(stderr, /⚡ stop srv/);
    child.kill("SIGKILL");
    await exited;
    const srv = docker.getContainer(`${env}-srv`);
    assert.equal((await srv.inspect()).State.Running, false, "the fault is in place after the kill");
    const traces = () => docker.listContainers({ all: true, filters: { label: [`dev.prenv.environment=${env}`, "dev.prenv.fault"] } });
    assert.equal((await traces()).length, 1, "the stop left its labelled record");
    const gc = await cli(["gc", env], { cwd: stopDir });
    assert.equal(gc.code, 0, gc.stderr);
    assert.match(gc.stderr, /undid fault 1\.1 stop srv of /);
    assert.equal((await traces()).length, 0, "gc removed the record");
  });
});
