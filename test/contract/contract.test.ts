import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { describe, test } from "node:test";
import { LABELS, ServiceError } from "../../src/backends/backend.ts";
import { loadEnvironment } from "../../src/definition/environment.ts";
import { gc } from "../../src/engine/lifecycle.ts";
import { runEnvironment } from "../../src/engine/run.ts";
import { BootError, PreflightError, up } from "../../src/engine/up.ts";
import { planEnvironment } from "../../src/plan/plan.ts";
import { VERSION } from "../../src/version.ts";
import { BUSYBOX, environmentNames, project } from "../helpers/docker.ts";
import { contractBackends } from "./backends.ts";

/**
 * The behaviour every backend owes the engine, written once against the Backend seam and
 * run on each backend of contractBackends(): Docker, and the Kubernetes test cluster when
 * PRENV_KUBECONFIG is set. What differs on purpose is in docs/kubernetes.md.
 */

const owner = { host: hostname(), pid: process.pid };

/** db (healthcheck) and migrate (completed) before web (http, port, log, command). */
const COMPOSE = `
name: contract
services:
  db:
    image: ${BUSYBOX}
    command: ["sh", "-c", "sleep 1; touch /tmp/ready; echo db up; exec sleep 86400"]
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
  migrate:
    image: ${BUSYBOX}
    command: ["sh", "-c", "echo migrated"]
  web:
    image: ${BUSYBOX}
    command: ["sh", "-c", "mkdir -p /www && cat /static/motd > /www/index.html && echo \\"web listening as $$GREETING\\" && exec httpd -f -p 8080 -h /www"]
    ports: ["8080"]
    environment:
      GREETING: hi
      API_TOKEN: s3cret
    volumes: ["./static/motd:/static/motd:ro"]
    depends_on:
      db: { condition: service_healthy }
      migrate: { condition: service_completed_successfully }
    x-prenv:
      ready:
        - http: { port: 8080, path: /index.html, status: 200 }
        - port: 8080
        - log: "web listening"
        - command: ["test", "-d", "/www"]
`;

/** Every kind of setup step, then a test command on this machine that uses the endpoint. */
const PRENV = (testCommand: string[]) => `
compose: [compose.yaml]
setup:
  - exec: { service: web, command: ["sh", "-c", "echo seeded > /www/seed.txt"] }
  - run: { image: ${BUSYBOX}, command: ["sh", "-c", "timeout 10 wget -q -O - http://web:8080/seed.txt"] }
  - copy: { service: web, from: files, to: /www/files }
  - http: { service: web, port: 8080, path: /files/a.txt, expect: { status: 200, body: alpha } }
test:
  command: ${JSON.stringify(testCommand)}
`;

const FETCH_ALPHA = [process.execPath, "-e", "fetch(process.env.PRENV_WEB_URL + '/files/a.txt').then((r) => r.text()).then((t) => { console.log('got ' + t.trim()); process.exit(t.includes('alpha') ? 0 : 1); })"];

function contractProject(testCommand: string[] = FETCH_ALPHA): string {
  return project({ "compose.yaml": COMPOSE, "prenv.yml": PRENV(testCommand), "static/motd": "hello from the repository\n", "files/a.txt": "alpha\n" });
}

for (const target of contractBackends()) {
  const { backend } = target;
  describe(`backend contract: ${target.name}`, { timeout: 600_000 }, () => {
    const named = environmentNames(backend);

    /** Nothing of the environment is left, by the backend's inventory and by the engine's own API. */
    const assertGone = async (environment: string) => {
      assert.equal((await backend.list()).find((e) => e.environment === environment), undefined, "the backend still lists it");
      assert.equal(await target.leftovers(environment), 0, "the engine still has objects of it");
    };

    test("boots in dependency order through every readiness kind; endpoints, exec and logs work; teardown leaves nothing", async () => {
      const environment = named("boot");
      const plan = planEnvironment(loadEnvironment({ cwd: contractProject(), env: {} }).definition, { environment });
      const events: string[] = [];
      const result = await up(plan, { backend, owner, onEvent: (e) => events.push(`${e.service}:${e.phase}`), timeoutMs: 180_000 });
      const at = (service: string) => result.services.find((s) => s.name === service)!;
      assert.deepEqual(result.services.map((s) => [s.name, s.phase]).sort(), [["db", "ready"], ["migrate", "completed"], ["web", "ready"]]);
      // web started only once db was healthy and migrate had completed.
      assert.ok(events.indexOf("web:starting") > events.indexOf("db:ready"), events.join(" "));
      assert.ok(events.indexOf("web:starting") > events.indexOf("migrate:completed"), events.join(" "));
      assert.ok(at("web").readyMs > at("db").readyMs);

      // The endpoint is reachable from this machine and serves the bind-mounted file.
      const endpoint = result.endpoints.find((e) => e.service === "web" && e.containerPort === 8080);
      assert.ok(endpoint, JSON.stringify(result.endpoints));
      const body = await (await fetch(`http://${endpoint.hostIp}:${endpoint.hostPort}/index.html`)).text();
      assert.equal(body, "hello from the repository\n");

      const ok = await backend.exec(environment, "web", ["sh", "-c", 'echo "$GREETING $API_TOKEN"; echo oops >&2; exit 3']);
      assert.equal(ok.exitCode, 3);
      assert.match(ok.output, /^hi s3cret$/m);
      assert.match(ok.output, /^oops$/m);
      const inDir = await backend.exec(environment, "web", ["pwd"], { workdir: "/www", env: { X: "1" } });
      assert.equal(inDir.output.trim(), "/www");

      let log = "";
      for await (const chunk of await backend.logs(environment, "web", { follow: false })) log += String(chunk);
      assert.match(log, /^web listening as hi$/m);
      assert.deepEqual(await backend.status(environment, "migrate"), { state: "exited", exitCode: 0, restarts: 0 });
      assert.deepEqual(await backend.status(environment, "web"), { state: "running", restarts: 0 });
      assert.equal((await backend.list()).find((e) => e.environment === environment)?.complete, true);

      const removed = await backend.remove(environment, { keepVolumes: false });
      assert.ok(removed.containers >= 3, JSON.stringify(removed));
      await assertGone(environment);
    });

    test("runEnvironment: setup steps (exec, one-off, copy, http) and a passing suite, then a failing one; nothing left", async () => {
      for (const [testCommand, outcome, exitCode] of [
        [FETCH_ALPHA, "passed", 0],
        [[process.execPath, "-e", "process.exit(1)"], "failed", 1],
      ] as const) {
        const environment = named(outcome);
        const dir = contractProject([...testCommand]);
        const env = loadEnvironment({ cwd: dir, env: {} });
        const plan = planEnvironment(env.definition, { environment });
        let output = "";
        const report = await runEnvironment(env, plan, { backend, owner: { ...owner, ephemeral: true }, version: VERSION, env: process.env, boot: true, teardown: true, bootTimeoutMs: 180_000, onOutput: (c) => (output += c) });
        assert.equal(report.outcome, outcome, `${JSON.stringify(report.error)}\n${output}`);
        assert.equal(report.exitCode, exitCode);
        assert.deepEqual(report.setup.map((s) => [s.kind, s.ok]), [["exec", true], ["run", true], ["copy", true], ["http", true]]);
        assert.match(report.setup[1]!.output, /seeded/);
        if (outcome === "passed") assert.match(output, /got alpha/);
        await assertGone(environment);
      }
    });

    test("runEnvironment: a service that dies while the suite runs fails the run, by the engine's record of exits; a one-off with a bind mount and a single file copied", async () => {
      const environment = named("suitecrash");
      const dir = project({
        "compose.yaml": `services:\n  victim:\n    image: ${BUSYBOX}\n    command: ["sh", "-c", "until [ -f /tmp/go ]; do sleep 0.2; done; sleep 4; echo going down; exit 7"]\n  box:\n    image: ${BUSYBOX}\n    command: ["sleep", "86400"]\n`,
        "prenv.yml": `compose: [compose.yaml]
setup:
  - run: { image: ${BUSYBOX}, command: ["cat", "/data/seed.txt"], volumes: ["./data:/data:ro"] }
  - copy: { service: box, from: data/seed.txt, to: /tmp/copied.txt }
  - exec: { service: box, command: ["sh", "-c", "test \\"$$(cat /tmp/copied.txt)\\" = 'seed 42'"] }
  - exec: { service: victim, command: ["touch", "/tmp/go"] }
test:
  command: ["sh", "-c", "sleep 12"]
`,
        "data/seed.txt": "seed 42",
      });
      const env = loadEnvironment({ cwd: dir, env: {} });
      const plan = planEnvironment(env.definition, { environment });
      const report = await runEnvironment(env, plan, { backend, owner: { ...owner, ephemeral: true }, version: VERSION, env: process.env, boot: true, teardown: true, bootTimeoutMs: 120_000 });
      assert.deepEqual(report.setup.map((s) => [s.kind, s.ok]), [["run", true], ["copy", true], ["exec", true], ["exec", true]], JSON.stringify(report.setup));
      assert.match(report.setup[0]!.output, /seed 42/);
      // The suite itself passed (sleep 12): only the crash can fail the run. The victim dies 4 s after
      // the last setup step: margin for a loaded machine, where the gap before the suite grows.
      assert.equal(report.suite?.exitCode, 0);
      assert.equal(report.outcome, "error");
      assert.match(report.error?.message ?? "", /service "victim" exited with code 7 while the tests ran/);
      assert.match(report.error?.output ?? "", /going down/);
      await assertGone(environment);
    });

    test("down --keep-volumes keeps a named volume's data for the next up, and gc leaves it", async () => {
      const environment = named("keepvol");
      const dir = project({ "compose.yaml": `services:\n  db:\n    image: ${BUSYBOX}\n    command: ["sleep", "86400"]\n    volumes: ["data:/data"]\nvolumes:\n  data: {}\n` });
      const plan = planEnvironment(loadEnvironment({ cwd: dir, env: {} }).definition, { environment });
      await up(plan, { backend, owner, timeoutMs: 120_000 });
      assert.equal((await backend.exec(environment, "db", ["sh", "-c", "echo kept > /data/f"])).exitCode, 0);
      await backend.remove(environment, { keepVolumes: true });
      if (!(await target.persistentVolumes())) {
        // Kubernetes without a default StorageClass: volumes are emptyDirs (with a warning), so nothing is kept.
        await assertGone(environment);
        return;
      }
      const left = (await backend.list()).find((e) => e.environment === environment);
      assert.ok(left?.volumesKept, JSON.stringify(left));
      assert.equal(left.services.filter((s) => s.state === "running").length, 0);
      assert.deepEqual((await gc(backend, { host: owner.host, only: new Set([environment]) })).filter((s) => s.decision.environment.environment === environment), [], "gc took kept data");
      await up(plan, { backend, owner, timeoutMs: 120_000 });
      const read = await backend.exec(environment, "db", ["cat", "/data/f"]);
      assert.equal(read.output.trim(), "kept");
      await backend.remove(environment, { keepVolumes: false });
      await assertGone(environment);
    });

    test("a service that exits fails the boot at once, with its exit code and log", async () => {
      const environment = named("crash");
      const dir = project({
        "compose.yaml": `
services:
  ok:
    image: ${BUSYBOX}
    command: ["sleep", "86400"]
  dies:
    image: ${BUSYBOX}
    command: ["sh", "-c", "echo about to fail; sleep 1; exit 3"]
    # Still being checked when it dies: the exit, not a check, must end the boot.
    x-prenv:
      ready:
        - command: ["false"]
`,
      });
      const plan = planEnvironment(loadEnvironment({ cwd: dir, env: {} }).definition, { environment });
      const started = Date.now();
      const error = await up(plan, { backend, owner, timeoutMs: 120_000 }).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof BootError, String(error));
      assert.equal(error.failure.service, "dies");
      assert.match(error.message, /exited with code 3/);
      assert.match(error.failure.logTail ?? "", /about to fail/);
      assert.ok(Date.now() - started < 60_000, "noticed well before the timeout");
      assert.ok(error.removed);
      await assertGone(environment);
    });

    test("a service that exits during a port check fails the boot with its exit, not with the lost address", async () => {
      const dir = project({ "compose.yaml": `services:\n  dies:\n    image: ${BUSYBOX}\n    command: ["sh", "-c", "sleep 1; exit 3"]\n    x-prenv:\n      ready:\n        - port: 8080\n` });
      // Several at once: the probe and the exit watch race, and the probe used to win with "no IP address".
      const errors = await Promise.all(
        [1, 2, 3].map((i) => {
          const plan = planEnvironment(loadEnvironment({ cwd: dir, env: {} }).definition, { environment: named(`portexit${i}`) });
          return up(plan, { backend, owner, timeoutMs: 120_000 }).then(() => undefined, (e: unknown) => e);
        }),
      );
      for (const error of errors) {
        assert.ok(error instanceof BootError, String(error));
        assert.match(error.message, /exited with code 3/);
      }
    });

    test("an image that cannot be pulled fails the boot at once, saying so", async () => {
      const environment = named("pull");
      const dir = project({ "compose.yaml": `services:\n  ghost:\n    image: localhost:5000/prenv-test/no-such-image:1\n` });
      const plan = planEnvironment(loadEnvironment({ cwd: dir, env: {} }).definition, { environment });
      const started = Date.now();
      const error = await up(plan, { backend, owner, timeoutMs: 120_000 }).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof BootError, String(error));
      assert.ok(error.failure instanceof ServiceError);
      assert.match(error.message, /cannot be pulled/);
      assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
      await assertGone(environment);
    });

    test("a service killed for its memory limit fails the boot saying OOMKilled", async () => {
      const environment = named("oom");
      // tail keeps what it read since the last newline, and /dev/zero has none: it grows until the limit kills it.
      const dir = project({ "compose.yaml": `services:\n  hog:\n    image: ${BUSYBOX}\n    mem_limit: 32m\n    command: ["sh", "-c", "echo eating; head -c 400m /dev/zero | tail > /dev/null; echo survived"]\n    x-prenv:\n      ready:\n        - command: ["false"]\n` });
      const plan = planEnvironment(loadEnvironment({ cwd: dir, env: {} }).definition, { environment });
      const error = await up(plan, { backend, owner, timeoutMs: 120_000 }).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof BootError, String(error));
      assert.equal(error.failure.service, "hog");
      assert.match(error.message, /killed for running out of memory .*OOMKilled/);
      await assertGone(environment);
    });

    test("a boot that times out on a service that keeps crashing says how often it restarted, and why", async () => {
      const environment = named("flap");
      const dir = project({
        "compose.yaml": `services:\n  flappy:\n    image: ${BUSYBOX}\n    restart: always\n    command: ["sh", "-c", "echo starting; sleep 1; exit 1"]\n    x-prenv:\n      ready:\n        - port: 8080\n`,
      });
      const plan = planEnvironment(loadEnvironment({ cwd: dir, env: {} }).definition, { environment });
      const error = await up(plan, { backend, owner, timeoutMs: 30_000, keepOnFailure: true }).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof BootError, String(error));
      assert.match(error.message, /not ready within 30 s; still waiting for flappy \(checking; restarted \d+ times?/);
      // Kubernetes backs off between restarts (10 s, 20 s, ...) and says so while it waits;
      // the moment of the timeout may fall on a run, so the status is watched for it.
      if (target.name === "kubernetes") {
        let status = await backend.status(environment, "flappy");
        for (const until = Date.now() + 45_000; status.reason?.code !== "CrashLoopBackOff" && Date.now() < until; ) {
          await new Promise((r) => setTimeout(r, 500));
          status = await backend.status(environment, "flappy");
        }
        assert.equal(status.reason?.code, "CrashLoopBackOff", JSON.stringify(status));
        assert.equal(status.state, "restarting");
        assert.ok(status.restarts >= 1, JSON.stringify(status));
      }
      await backend.remove(environment, { keepVolumes: false });
      await assertGone(environment);
    });

    test("a service that asks for more CPUs than there are fails the boot at once (Kubernetes: Unschedulable, with the scheduler's reason and events)", async () => {
      const environment = named("huge");
      const dir = project({ "compose.yaml": `services:\n  huge:\n    image: ${BUSYBOX}\n    cpus: 500\n    command: ["sleep", "86400"]\n` });
      const plan = planEnvironment(loadEnvironment({ cwd: dir, env: {} }).definition, { environment });
      const started = Date.now();
      const error = await up(plan, { backend, owner, timeoutMs: 120_000 }).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof BootError, String(error));
      assert.equal(error.failure.service, "huge");
      if (target.name === "kubernetes") {
        assert.match(error.message, /cannot be scheduled \(Unschedulable: 0\/\d+ nodes are available: .*Insufficient cpu/);
        assert.match(error.failure.logTail ?? "", /FailedScheduling/);
      } else {
        // Docker refuses the limit itself when it creates the container.
        assert.match(error.message, /CPUs/);
      }
      assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
      await assertGone(environment);
    });

    test("a second up of the same environment is refused and leaves the first alone", async () => {
      const environment = named("twice");
      const dir = project({ "compose.yaml": `services:\n  one:\n    image: ${BUSYBOX}\n    command: ["sleep", "86400"]\n` });
      const plan = planEnvironment(loadEnvironment({ cwd: dir, env: {} }).definition, { environment });
      await up(plan, { backend, owner, timeoutMs: 120_000 });
      await assert.rejects(up(plan, { backend, owner }), (e: unknown) => e instanceof PreflightError && /already exists/.test(e.message));
      assert.deepEqual(await backend.status(environment, "one"), { state: "running", restarts: 0 });
      await backend.remove(environment, { keepVolumes: false });
      await assertGone(environment);
    });

    test("lifecycle faults: a killed service with restart always comes back; a stopped one runs again once the fault is undone", async () => {
      const dir = project({ "compose.yaml": `services:\n  svc:\n    image: ${BUSYBOX}\n    restart: always\n    command: ["sh", "-c", "echo started; exec sleep 86400"]\n` });
      const environment = named("fault");
      const plan = planEnvironment(loadEnvironment({ cwd: dir, env: {} }).definition, { environment });
      await up(plan, { backend, owner, timeoutMs: 180_000 });
      const running = async () => (await backend.status(environment, "svc")).state === "running";
      const eventually = async (want: boolean, what: string) => {
        const deadline = Date.now() + 60_000;
        while ((await running()) !== want) {
          if (Date.now() > deadline) assert.fail(what);
          await new Promise((r) => setTimeout(r, 250));
        }
      };
      const kill = await backend.injectFault(plan, { kind: "kill", target: "svc", signal: "SIGKILL" }, owner, { id: "kill-1" });
      assert.ok(kill.how.length > 0);
      await eventually(true, "the killed service did not come back");
      const stop = await backend.injectFault(plan, { kind: "stop", target: "svc" }, owner, { id: "stop-1" });
      await eventually(false, "the stopped service still runs");
      await stop.undo();
      await eventually(true, "the service did not run again after the fault was undone");
      await backend.remove(environment, { keepVolumes: false });
      await assertGone(environment);
    });

    test("gc removes what a dead process left and keeps what a live one owns", async () => {
      const dead = named("gc-dead");
      const live = named("gc-live");
      const dir = project({ "compose.yaml": `services:\n  one:\n    image: ${BUSYBOX}\n    command: ["sleep", "86400"]\n` });
      const definition = loadEnvironment({ cwd: dir, env: {} }).definition;
      // A process that has ended: its pid is free (for this test's short while).
      const deadPid = spawnSync(process.execPath, ["-e", "0"]).pid!;
      for (const [environment, pid] of [[dead, deadPid], [live, process.pid]] as const) {
        const plan = planEnvironment(definition, { environment });
        // An `up` that never finished: claimed and created, a service started, no "complete" marker.
        const o = { host: owner.host, pid };
        assert.equal(await backend.claimEnvironment(plan, o, BUSYBOX), true);
        await backend.createEnvironment(plan, o);
        const service = plan.services[0]!;
        await backend.prepareImage(plan, service, () => undefined, new AbortController().signal);
        await backend.createService(plan, service, o);
        await backend.startService(plan, service);
      }
      // Only these two: other test files' environments on this engine are theirs to collect.
      const swept = await gc(backend, { host: owner.host, only: new Set([dead, live]) });
      assert.deepEqual(swept.map((s) => s.decision.environment.environment).filter((e) => e === dead || e === live), [dead]);
      await assertGone(dead);
      assert.ok((await backend.list()).some((e) => e.environment === live));
      await backend.remove(live, { keepVolumes: false });
      await assertGone(live);
    });

    test("the pull request, commit and TTL are recorded on the environment; gc --expired removes it once the TTL ran out", async () => {
      const environment = named("ttl");
      const dir = project({ "compose.yaml": `services:\n  one:\n    image: ${BUSYBOX}\n    command: ["sleep", "86400"]\n` });
      const plan = planEnvironment(loadEnvironment({ cwd: dir, env: {} }).definition, { environment });
      const expires = new Date(Date.now() + 3_600_000);
      // A complete environment of a live owner: only its TTL makes it collectable.
      await up(plan, { backend, owner: { ...owner, pullRequest: 42, commit: "0123abcd", expires }, timeoutMs: 120_000 });
      const recorded = await target.origin(environment);
      assert.equal(recorded[LABELS.pullRequest], "42");
      assert.equal(recorded[LABELS.commit], "0123abcd");
      assert.equal((await backend.expiries()).get(environment)?.toISOString(), expires.toISOString());
      // gc's clock, moved to either side of the expiry.
      const before = await gc(backend, { host: owner.host, expiries: await backend.expiries(), now: new Date(expires.getTime() - 1000), only: new Set([environment]) });
      assert.deepEqual(before.filter((s) => s.decision.environment.environment === environment), [], "collected before its TTL ran out");
      const swept = await gc(backend, { host: owner.host, expiries: await backend.expiries(), now: new Date(expires.getTime() + 1000), only: new Set([environment]) });
      assert.match(swept.find((s) => s.decision.environment.environment === environment)?.decision.reason ?? "not collected", /expired/);
      await assertGone(environment);
    });
  });
}
