import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, test } from "node:test";
import type { Backend, EnvironmentSummary } from "../../src/backends/backend.ts";
import { gc, gcCandidates, parseAge } from "../../src/engine/lifecycle.ts";

const NOW = new Date("2026-03-01T12:00:00Z");
const HOST = "ci-runner-3";
const MIN = 60_000;

/** An environment summary created `ageMin` minutes before NOW. */
function env(environment: string, owner: string, complete: boolean, ageMin = 5, extra: Partial<EnvironmentSummary> = {}): EnvironmentSummary {
  return {
    environment,
    project: "shop",
    created: new Date(NOW.getTime() - ageMin * MIN),
    owner,
    complete,
    ephemeral: false,
    volumesKept: false,
    workingDir: "/src/shop",
    services: [{ name: "db", state: "running" }],
    networks: 1,
    volumes: 1,
    ...extra,
  };
}

/** A liveness check that knows which pids are alive and records what it was asked. */
function processes(alive: number[]): { isAlive: (pid: number) => boolean; asked: number[] } {
  const asked: number[] = [];
  return { isAlive: (pid) => (asked.push(pid), alive.includes(pid)), asked };
}

const removed = (decisions: { environment: EnvironmentSummary }[]): string[] => decisions.map((d) => d.environment.environment);

describe("gcCandidates", () => {
  test("an unfinished environment whose process on this host is gone is removed", () => {
    const p = processes([]);
    const decisions = gcCandidates([env("pr-1", `${HOST}:4242`, false)], { host: HOST, now: NOW, isAlive: p.isAlive });
    assert.deepEqual(removed(decisions), ["pr-1"]);
    assert.match(decisions[0]!.reason, /process 4242 is gone/);
    assert.deepEqual(p.asked, [4242]);
  });

  test("an unfinished environment whose process is still alive is left alone (it is still booting)", () => {
    const decisions = gcCandidates([env("pr-2", `${HOST}:4242`, false)], { host: HOST, now: NOW, isAlive: processes([4242]).isAlive });
    assert.deepEqual(decisions, []);
  });

  test("a complete environment is kept, even when its process is gone", () => {
    const p = processes([]);
    assert.deepEqual(gcCandidates([env("pr-3", `${HOST}:4242`, true)], { host: HOST, now: NOW, isAlive: p.isAlive }), []);
    assert.deepEqual(p.asked, [], "finished environments need no liveness check");
  });

  test("a complete environment made by a run whose process is gone is removed; one whose run is alive is kept", () => {
    const envs = [env("killed-run", `${HOST}:20`, true, 5, { ephemeral: true }), env("running", `${HOST}:21`, true, 5, { ephemeral: true })];
    const decisions = gcCandidates(envs, { host: HOST, now: NOW, isAlive: processes([21]).isAlive });
    assert.deepEqual(removed(decisions), ["killed-run"]);
    assert.match(decisions[0]!.reason, /prenv run that ended before its teardown \(process 20 is gone\)/);
  });

  test("volumes kept by down --keep-volumes are no debris, at any age", () => {
    const kept = env("data", `${HOST}:30`, false, 600, { volumesKept: true, services: [], networks: 0 });
    assert.deepEqual(gcCandidates([kept], { host: HOST, now: NOW, olderThanMs: MIN, isAlive: () => false }), []);
  });

  test("a complete environment older than the limit is removed; a younger one is kept", () => {
    const envs = [env("old", `${HOST}:1`, true, 180), env("young", `${HOST}:1`, true, 30)];
    const decisions = gcCandidates(envs, { host: HOST, now: NOW, olderThanMs: 120 * MIN, isAlive: processes([1]).isAlive });
    assert.deepEqual(removed(decisions), ["old"]);
    assert.match(decisions[0]!.reason, /older than the limit \(180 min\)/);
  });

  test("an unfinished environment of another host is kept: its pid means nothing here", () => {
    const p = processes([]);
    assert.deepEqual(gcCandidates([env("pr-4", "laptop-7:4242", false)], { host: HOST, now: NOW, isAlive: p.isAlive }), []);
    assert.deepEqual(p.asked, [], "pids of other hosts are not looked up here");
  });

  test("an environment of another host older than the limit is removed", () => {
    const decisions = gcCandidates([env("pr-5", "laptop-7:4242", false, 600)], { host: HOST, now: NOW, olderThanMs: 60 * MIN, isAlive: processes([]).isAlive });
    assert.deepEqual(removed(decisions), ["pr-5"]);
    assert.match(decisions[0]!.reason, /older than the limit/);
  });

  test("the age limit is strict: exactly as old as the limit is kept", () => {
    assert.deepEqual(gcCandidates([env("edge", "laptop-7:1", true, 60)], { host: HOST, now: NOW, olderThanMs: 60 * MIN }), []);
  });

  test("an unfinished environment without a usable owner is removed", () => {
    const decisions = gcCandidates([env("a", "", false), env("b", `${HOST}:not-a-pid`, false), env("c", `${HOST}:0`, false)], {
      host: HOST,
      now: NOW,
      isAlive: () => assert.fail("no pid to look up"),
    });
    assert.deepEqual(removed(decisions), ["a", "b", "c"]);
    for (const d of decisions) assert.match(d.reason, /owner is unknown/);
  });

  test("a host name containing colons is split at the last one", () => {
    const p = processes([]);
    const decisions = gcCandidates([env("v6", "fe80::1:99", false)], { host: "fe80::1", now: NOW, isAlive: p.isAlive });
    assert.deepEqual(removed(decisions), ["v6"]);
    assert.deepEqual(p.asked, [99]);
  });

  test("a mixed list keeps its order and removes only the right ones", () => {
    const envs = [
      env("crashed", `${HOST}:10`, false),
      env("booting", `${HOST}:11`, false),
      env("done", `${HOST}:10`, true),
      env("elsewhere", "other:10", false),
    ];
    assert.deepEqual(removed(gcCandidates(envs, { host: HOST, now: NOW, isAlive: processes([11]).isAlive })), ["crashed"]);
  });

  test("without a liveness function, real processes of this machine are checked", async () => {
    const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    await once(child, "exit");
    const deadPid = child.pid!;
    const envs = [env("mine-alive", `${HOST}:${process.pid}`, false), env("mine-dead", `${HOST}:${deadPid}`, false)];
    assert.deepEqual(removed(gcCandidates(envs, { host: HOST, now: NOW })), ["mine-dead"]);
  });
});

describe("gc", () => {
  test("removes what gcCandidates chooses, volumes included, and reports each removal", async () => {
    const calls: [string, { keepVolumes: boolean }][] = [];
    let existing = [env("crashed", `${HOST}:10`, false), env("done", `${HOST}:10`, true)];
    const backend = {
      list: async () => existing,
      remove: async (environment: string, options: { keepVolumes: boolean }) => {
        calls.push([environment, options]);
        existing = existing.filter((e) => e.environment !== environment);
        return { containers: 3, networks: 1, volumes: 2 };
      },
    } as Pick<Backend, "list" | "remove"> as Backend;
    const results = await gc(backend, { host: HOST, now: NOW, isAlive: () => false });
    assert.deepEqual(calls, [["crashed", { keepVolumes: false }]]);
    assert.equal(results.length, 1);
    assert.equal(results[0]!.decision.environment.environment, "crashed");
    assert.deepEqual(results[0]!.removed, { containers: 3, networks: 1, volumes: 2 });
  });

  test("an environment that reuses kept volumes is collected without them", async () => {
    const calls: [string, { keepVolumes: boolean }][] = [];
    let existing = [env("reused", `${HOST}:10`, false, 5, { volumesKept: true })];
    const backend = {
      list: async () => existing,
      remove: async (environment: string, options: { keepVolumes: boolean }) => {
        calls.push([environment, options]);
        existing = [];
        return { containers: 1, networks: 1, volumes: 0 };
      },
    } as Pick<Backend, "list" | "remove"> as Backend;
    await gc(backend, { host: HOST, now: NOW, isAlive: () => false });
    assert.deepEqual(calls, [["reused", { keepVolumes: true }]]);
  });
});

describe("gc after a kill -9", () => {
  test("what the engine finishes creating just after the sweep is removed by a second look", async () => {
    const calls: string[] = [];
    let existing = [env("crashed", `${HOST}:10`, false)];
    let late = true;
    const backend = {
      // A look is a round trip through the engine, during which it finishes what it was doing.
      list: async () => {
        await new Promise(setImmediate);
        return existing;
      },
      remove: async (environment: string) => {
        calls.push(environment);
        existing = [];
        // The network the killed run had asked for shows up only now, while gc sweeps.
        if (late) {
          late = false;
          setImmediate(() => (existing = [env("crashed", `${HOST}:10`, false)]));
          return { containers: 2, networks: 0, volumes: 0 };
        }
        return { containers: 0, networks: 1, volumes: 0 };
      },
    } as Pick<Backend, "list" | "remove"> as Backend;
    const results = await gc(backend, { host: HOST, now: NOW, isAlive: () => false });
    assert.deepEqual(calls, ["crashed", "crashed"]);
    assert.deepEqual(results[0]!.removed, { containers: 2, networks: 1, volumes: 0 });
  });
});

describe("parseAge", () => {
  test("seconds, minutes, hours and days", () => {
    assert.equal(parseAge("90s"), 90_000);
    assert.equal(parseAge("30m"), 30 * MIN);
    assert.equal(parseAge("2h"), 120 * MIN);
    assert.equal(parseAge("1d"), 24 * 60 * MIN);
    assert.equal(parseAge("1.5h"), 90 * MIN);
    assert.equal(parseAge(" 2h "), 120 * MIN);
  });

  test("anything else is not an age", () => {
    for (const text of ["", "2", "h", "2w", "-1h", "2 h", "1h30m", "2H", "two hours"]) assert.equal(parseAge(text), undefined, JSON.stringify(text));
  });
});

describe("gc of named environments", () => {
  test("prenv gc <env>... considers only those: the engine's other environments are left alone", () => {
    const now = new Date("2026-12-01T12:00:00Z");
    const dead = (environment: string) => ({ environment, project: "p", created: new Date(now.getTime() - 60_000), owner: "h:4242", complete: false, ephemeral: false, volumesKept: false, workingDir: "/", services: [], networks: 1, volumes: 0 });
    const decisions = gcCandidates([dead("mine"), dead("theirs")], { host: "h", now, isAlive: () => false, only: new Set(["mine"]) });
    assert.deepEqual(decisions.map((d) => d.environment.environment), ["mine"]);
  });
});
