import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { FaultOutcome } from "../../src/chaos/model.ts";
import { at } from "../../src/chaos/timeline.ts";
import type { RunReport } from "../../src/engine/run.ts";
import { BUSYBOX, cli, committedProject, environmentNames } from "../helpers/docker.ts";
import { contractBackends } from "./backends.ts";

const DEBIAN = "prenv-test/debian:1";

/**
 * A whole `prenv run` with lifecycle faults, through the CLI, on every backend of
 * contractBackends() (Docker, and the Kubernetes test cluster when PRENV_KUBECONFIG is
 * set): what a user sees of kill, stop and restart does not depend on the backend.
 *
 * srv serves HTTP with `restart: always` (and leaves at once on SIGTERM, so that a stop
 * is not the engine's grace period). The suite is a service beside it that asks srv by
 * its name every 250 ms for about 34 s (a fresh connection and name lookup each time),
 * printing whether srv answered. The chaos kills srv at a moment drawn from the seed
 * between 1 s and 3 s, stops it from 11 s for 6 s, and restarts it at 24 s (a pod takes
 * seconds to start). A probe gives up after 0.5 s: on Kubernetes the name of a stopped
 * service may still lead to its gone pod for a while (DNS caching), and each probe then
 * waits its whole timeout.
 */
const COMPOSE = `
services:
  srv:
    image: ${BUSYBOX}
    restart: always
    expose: ["8080"]
    command: ["sh", "-c", "mkdir -p /www && echo ok > /www/ok && httpd -f -p 8080 -h /www & pid=$$!; trap 'kill $$pid; exit 0' TERM; wait $$pid"]
  suite:
    image: ${DEBIAN}
    command: ["bash", "-c", "for i in $$(seq 136); do if curl -s -o /dev/null --max-time 0.5 http://srv:8080/ok; then echo probe ok; else echo probe down; fi; sleep 0.25; done"]
`;
const PRENV = `
compose: [compose.yaml]
test:
  service: suite
chaos:
  faults:
    - { name: crash, fault: kill, target: srv, start: { between: [1s, 3s] } }
    - { name: outage, fault: stop, target: srv, start: 11s, duration: 6s }
    - { name: bounce, fault: restart, target: srv, start: 24s }
`;

function report(dir: string, file = "results.json"): RunReport {
  return JSON.parse(readFileSync(join(dir, "prenv-results", file), "utf8")) as RunReport;
}

/** Whether srv answered, for each probe the suite printed. */
function probes(output: string): boolean[] {
  return [...output.matchAll(/^probe (ok|down)$/gm)].map((m) => m[1] === "ok");
}

/** The probes printed between the line of one fault event and the next's. */
function between(stderr: string, from: string, to?: string): boolean[] {
  const start = stderr.indexOf(from);
  assert.ok(start >= 0, `no "${from}" line in\n${stderr}`);
  const end = to === undefined ? stderr.length : stderr.indexOf(to, start);
  assert.ok(end > start, `no "${to}" line after "${from}" in\n${stderr}`);
  return probes(stderr.slice(start, end));
}

/** What a seed decides, without the moments the engine took. */
const planned = (timeline: FaultOutcome[]) => timeline.map((f) => ({ id: f.id, name: f.name, action: f.action, plannedStartMs: f.plannedStartMs, durationMs: f.durationMs }));

for (const target of contractBackends()) {
  describe(`prenv run with lifecycle faults: ${target.name}`, { timeout: 900_000 }, () => {
    const named = environmentNames(target.backend);
    const dir = committedProject({ "compose.yaml": COMPOSE, "prenv.yml": PRENV, ".gitignore": "prenv-results/\n" });
    const run = (environment: string, seed: string) => cli(["run", "--env", environment, "--seed", seed, ...target.cliArgs], { cwd: dir, timeoutMs: 300_000 });

    test("kill, stop and restart go in at their offsets, the suite sees each, the timeline is recorded, nothing is left; the seed decides the moments", async () => {
      const environment = named("chaos-life");
      const r = await run(environment, "7");
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /chaos schedule \(seed 7; replay with --seed 7\):/);
      const chaos = report(dir).chaos!;
      assert.equal(chaos.seed, "7");
      assert.deepEqual(
        chaos.timeline.map((f) => [f.name, f.action.kind, f.applied, f.undo]),
        [
          ["crash", "kill", "applied", "nothing to undo"],
          ["outage", "stop", "applied", "undone"],
          ["bounce", "restart", "applied", "nothing to undo"],
        ],
        JSON.stringify(chaos.timeline, null, 2),
      );
      const [crash, outage, bounce] = chaos.timeline as [FaultOutcome, FaultOutcome, FaultOutcome];
      assert.ok(crash.plannedStartMs >= 1000 && crash.plannedStartMs <= 3000, String(crash.plannedStartMs));
      assert.deepEqual([outage.plannedStartMs, outage.durationMs, bounce.plannedStartMs], [11_000, 6_000, 24_000]);
      for (const f of chaos.timeline) {
        assert.ok(Math.abs(f.actualStartMs! - f.plannedStartMs) < 1000, `${f.name} applied at ${f.actualStartMs} ms, planned ${f.plannedStartMs}`);
        assert.ok((f.how ?? "").length > 0, `${f.name} says how it was applied`);
      }
      // The terminal says when each fault came out, as the timeline does (an instant one's too).
      for (const f of chaos.timeline) {
        assert.ok(r.stderr.includes(`↺ ${f.name} at ${at(f.undoneAtMs!)}:`), `${f.name} undone at ${f.undoneAtMs} ms, and the terminal says ${/↺ .*/.exec(r.stderr.slice(r.stderr.indexOf(`↺ ${f.name}`)))?.[0]}`);
      }
      // The stop is undone after its 6 s (scaling back or starting may take a moment).
      assert.ok(outage.undoneAtMs! - outage.actualStartMs! >= 6000 && outage.undoneAtMs! - outage.plannedStartMs < 9000, JSON.stringify(outage));
      assert.ok((outage.undoDetail ?? "").length > 0);

      // What the suite saw, placed by where its probes came in the output between the fault
      // lines (each is printed once the fault is in: a kill's once the engine has it back).
      // Slack at each edge, for the log stream's lag and a probe's timeout.
      const beforeCrash = probes(r.stderr.slice(0, r.stderr.indexOf("⚡ crash at"))).slice(0, -4);
      assert.ok(beforeCrash.every((ok) => ok), `srv answered before the kill: ${beforeCrash.join(" ")}`);
      const afterCrash = between(r.stderr, "⚡ crash at", "⚡ outage at");
      assert.ok(afterCrash.slice(0, -4).includes(true), `srv (restart: always) answered again after the kill: ${afterCrash.join(" ")}`);
      const stopped = between(r.stderr, "⚡ outage at", "↺ outage at").slice(2);
      assert.ok(stopped.length >= 3 && stopped.every((ok) => !ok), `srv did not answer while stopped: ${stopped.join(" ")}`);
      const restarted = between(r.stderr, "↺ outage at", "⚡ bounce at");
      assert.ok(restarted.slice(0, -4).includes(true), `srv answered again once the stop was undone: ${restarted.join(" ")}`);
      const bounced = between(r.stderr, "⚡ bounce at");
      assert.ok(bounced.length >= 10 && bounced.at(-1), `srv answered again after the restart: ${bounced.join(" ")}`);

      assert.match(r.stderr, /faults \(seed 7; replay with --seed 7\):\n.*fault +planned +actual/);
      const manifest = JSON.parse(readFileSync(join(dir, "prenv-results/manifest.json"), "utf8")) as { chaos?: { seed: string; timeline: FaultOutcome[] } };
      assert.equal(manifest.chaos?.seed, "7");
      assert.deepEqual(manifest.chaos.timeline, chaos.timeline);
      assert.equal((await target.backend.list()).find((e) => e.environment === environment), undefined, "the backend still lists it");
      assert.equal(await target.leftovers(environment), 0, "the engine still has objects of it");

      // The same seed again: the same faults at the same offsets; another seed moves the drawn one.
      const again = await run(named("chaos-same"), "7");
      assert.equal(again.code, 0, again.stderr);
      const second = report(dir).chaos!;
      assert.deepEqual(planned(second.timeline), planned(chaos.timeline));
      second.timeline.forEach((f, i) => assert.ok(Math.abs(f.actualStartMs! - chaos.timeline[i]!.actualStartMs!) < 1000, `${f.name}: ${f.actualStartMs} ms against ${chaos.timeline[i]!.actualStartMs} ms`));
      const other = await run(named("chaos-other"), "8");
      assert.equal(other.code, 0, other.stderr);
      const third = report(dir).chaos!;
      assert.equal(third.seed, "8");
      assert.notEqual(third.timeline[0]!.plannedStartMs, crash.plannedStartMs);
      assert.equal(third.timeline[0]!.applied, "applied");
    });
  });
}
