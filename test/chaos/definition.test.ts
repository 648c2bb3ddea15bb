import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { loadEnvironment } from "../../src/definition/environment.ts";
import { DefinitionError } from "../../src/definition/errors.ts";
import { resolveSchedule } from "../../src/chaos/schedule.ts";
import { project, type Files } from "../unit/compose-fixture.ts";

const SERVICES = `services:\n  api: { image: acme/api }\n  db: { image: postgres }\n`;

function load(files: Files) {
  return loadEnvironment({ cwd: project(files), env: {} });
}

function refused(chaos: string, where: "prenv.yml" | "x-prenv" = "prenv.yml") {
  const files: Files = where === "prenv.yml" ? { "prenv.yml": `${SERVICES}chaos:\n${chaos}` } : { "compose.yaml": `${SERVICES}x-prenv:\n  chaos:\n${chaos.replace(/^/gm, "  ")}` };
  try {
    load(files);
  } catch (e) {
    assert.ok(e instanceof DefinitionError, String(e));
    return e.diagnostics;
  }
  return assert.fail("expected the definition to be refused");
}

describe("chaos: in the definition", () => {
  test("a full chaos section is read: seed, targets, fixed and windowed starts, durations, repeats", () => {
    const env = load({
      "prenv.yml": `${SERVICES}chaos:
  seed: 42
  helper-image: prenv-test/debian:1
  faults:
    - { fault: kill, target: api, start: 2s }
    - { fault: pause, target: db, start: { between: [5s, 8s] }, duration: 1s, repeat: { every: 10s, count: 3 } }
    - { fault: partition, target: [api, db], start: 40s, duration: until-end }
    - { name: slow db, fault: latency, target: db, start: 1s, duration: 2s, delay: 100ms, jitter: 10ms, ports: [5432] }
`,
    });
    const chaos = env.chaos!;
    assert.equal(chaos.seed, "42");
    assert.equal(chaos.helperImage, "prenv-test/debian:1");
    assert.deepEqual(chaos.faults.map((f) => [f.name, f.start, f.durationMs, f.repeat]), [
      ["kill api", { atMs: 2000 }, 0, undefined],
      ["pause db", { betweenMs: [5000, 8000] }, 1000, { everyMs: 10_000, count: 3 }],
      ["partition api↔db", { atMs: 40_000 }, null, undefined],
      ["slow db", { atMs: 1000 }, 2000, undefined],
    ]);
    assert.deepEqual(chaos.faults[0]!.action, { kind: "kill", target: "api", signal: "SIGKILL" });
    assert.deepEqual(chaos.faults[2]!.action, { kind: "partition", target: "api", peer: "db" });
    assert.deepEqual(chaos.faults[3]!.action, { kind: "latency", target: "db", delayMs: 100, jitterMs: 10, ports: [5432] });
    assert.equal(chaos.faults[1]!.location.line, 9);
  });

  test("x-prenv holds chaos too, and is positioned in the compose file", () => {
    const d = refused(`  faults:\n    - { fault: stop, target: apii, start: 1s, duration: 1s }\n`, "x-prenv");
    assert.equal(d[0]!.message, 'service "apii" is not defined');
    assert.equal(d[0]!.hint, 'did you mean "api"?');
    assert.match(d[0]!.location!.file, /compose\.yaml$/);
    assert.equal(d[0]!.location!.line, 7);
  });

  test("a fault on a service that does not exist: file:line:col and a guess", () => {
    const d = refused(`  faults:\n    - fault: pause\n      target: dbb\n      start: 1s\n      duration: 2s\n`);
    assert.equal(d.length, 1);
    assert.equal(d[0]!.message, 'service "dbb" is not defined');
    assert.deepEqual([d[0]!.location!.line, d[0]!.location!.column], [7, 15]);
    assert.match(String(d[0]!.location!.file), /prenv\.yml$/);
  });

  test("a malformed duration, start, window and rate are each pointed at", () => {
    const d = refused(`  helper-image: h
  faults:
    - { fault: pause, target: db, start: 1s, duration: 5 minutes }
    - { fault: stop, target: api, start: soon, duration: 1s }
    - { fault: stop, target: db, start: { between: [9s, 3s] }, duration: 1s }
    - { fault: bandwidth, target: api, start: 30s, duration: 1s, rate: fast }
`);
    assert.deepEqual(d.map((x) => [x.message, x.location!.line]), [
      ['duration "5 minutes" is not a duration', 7],
      ['start "soon" is not a duration', 8],
      ["the window's end (3s) is before its start (9s)", 9],
      ['rate "fast" is not a rate', 10],
    ]);
  });

  test("overlapping faults on the same target are refused, whatever the seed could draw", () => {
    const d = refused(`  faults:
    - { fault: pause, target: db, start: 10s, duration: 5s }
    - { fault: stop, target: db, start: { between: [1s, 11s] }, duration: 1s }
    - { fault: stop, target: api, start: 12s, duration: 1s }
`);
    assert.equal(d.length, 1);
    assert.equal(d[0]!.message, '"stop db" can overlap "pause db" on db');
    assert.equal(d[0]!.location!.line, 7);
    // Back to back is not an overlap; a partition occupies both of its services.
    assert.doesNotThrow(() => load({ "prenv.yml": `${SERVICES}chaos:\n  faults:\n    - { fault: pause, target: db, start: 10s, duration: 5s }\n    - { fault: stop, target: db, start: 15s, duration: 1s }\n` }));
    const p = refused(`  helper-image: h\n  faults:\n    - { fault: partition, target: [api, db], start: 1s, duration: until-end }\n    - { fault: kill, target: api, start: 1h }\n`);
    assert.equal(p[0]!.message, '"kill api" can overlap "partition api↔db" on api');
  });

  test("a fault that repeats before it ends meets itself", () => {
    const d = refused(`  faults:\n    - { fault: pause, target: db, start: 1s, duration: 5s, repeat: { every: 3s, count: 2 } }\n`);
    assert.match(d[0]!.message, /repeats before it has ended/);
  });

  test("settings of another kind, a kill with a duration, network faults without a helper image", () => {
    const d = refused(`  faults:
    - { fault: kill, target: api, start: 1s, duration: 3s }
    - { fault: pause, target: db, start: 1s, duration: 1s, percent: 5 }
    - { fault: loss, target: api, start: 9s, duration: 1s, percent: 5 }
`);
    assert.deepEqual(d.map((x) => x.message), [
      "a kill fault happens at one moment: it has no duration",
      'a pause fault has no "percent"',
      "network faults need chaos.helper-image: the image of the helper container that changes the service's network",
    ]);
  });
});

describe("the chaos schedule", () => {
  const env = load({
    "prenv.yml": `${SERVICES}chaos:
  faults:
    - { fault: pause, target: db, start: { between: [0s, 60s] }, duration: 1s, repeat: { every: 70s, count: 4 } }
    - { fault: kill, target: api, start: { between: [1s, 100s] } }
    - { fault: stop, target: api, start: 200s, duration: 2s }
`,
  });
  const chaos = env.chaos!;

  test("the same seed gives the same schedule; another seed another one", () => {
    const a = resolveSchedule(chaos, "42");
    assert.deepEqual(resolveSchedule(chaos, "42"), a);
    assert.equal(a.faults.length, 6);
    const b = resolveSchedule(chaos, "43");
    assert.notDeepEqual(b.faults.map((f) => f.plannedStartMs), a.faults.map((f) => f.plannedStartMs));
    // The fixed fault stays where it is whatever the seed.
    assert.equal(b.faults.find((f) => f.id === "3.1")!.plannedStartMs, 200_000);
  });

  test("drawn moments stay inside their windows, repetitions shift by their interval, sorted by start", () => {
    for (const seed of ["1", "2", "3", "abc", "999999"]) {
      const s = resolveSchedule(chaos, seed);
      const pauses = s.faults.filter((f) => f.action.kind === "pause");
      pauses.forEach((f, r) => assert.ok(f.plannedStartMs >= r * 70_000 && f.plannedStartMs <= 60_000 + r * 70_000, `${seed}: ${f.id} at ${f.plannedStartMs}`));
      const kill = s.faults.find((f) => f.action.kind === "kill")!;
      assert.ok(kill.plannedStartMs >= 1000 && kill.plannedStartMs <= 100_000);
      assert.deepEqual(s.faults.map((f) => f.plannedStartMs), [...s.faults.map((f) => f.plannedStartMs)].sort((x, y) => x - y));
    }
  });

  test("adding a fault at the end leaves the moments of the others as they were", () => {
    const more = { ...chaos, faults: [...chaos.faults, { ...chaos.faults[1]!, name: "another" }] };
    const before = resolveSchedule(chaos, "7").faults;
    const after = resolveSchedule(more, "7").faults.filter((f) => f.name !== "another");
    assert.deepEqual(after, before);
  });
});
