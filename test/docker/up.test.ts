import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LABELS } from "../../src/backends/backend.ts";
import { DockerBackend } from "../../src/backends/docker/docker-backend.ts";
import { BootError, up, type ServiceEvent } from "../../src/engine/up.ts";
import { BUSYBOX, backend, docker, environmentNames, leftovers, owner, planFor, project, CLAIM } from "../helpers/docker.ts";

const named = environmentNames();

const STACK = `
name: stack
services:
  db:
    image: ${BUSYBOX}
    command: ["sh", "-c", "sleep 0.5; touch /tmp/ready; exec nc -ll -p 5432 -e cat"]
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
    volumes: ["data:/data"]
  migrate:
    image: ${BUSYBOX}
    command: ["sh", "-c", "echo migrated > /data/migrated; echo migration done"]
    volumes: ["data:/data"]
    depends_on:
      db: { condition: service_healthy }
  api:
    image: ${BUSYBOX}
    command: ["sh", "-c", "mkdir -p /www && cp /data/migrated /www/index.html && echo api listening && exec httpd -f -p 8080 -h /www"]
    ports: ["8080"]
    volumes: ["data:/data"]
    environment:
      GREETING: hello
    depends_on:
      migrate: { condition: service_completed_successfully }
    x-prenv:
      ready:
        - http: { port: 8080, path: /index.html, status: 200 }
        - log: "api listening"
  worker:
    image: ${BUSYBOX}
    command: ["sh", "-c", "echo ping | nc -w 2 db 5432 | grep -q ping && exec httpd -f -p 7000"]
    depends_on: [api]
    networks:
      default:
        aliases: [jobs]
    x-prenv:
      ready:
        - command: ["wget", "-q", "-O", "/dev/null", "http://api:8080/index.html"]
        - port: 7000
volumes:
  data: {}
`;

describe("prenv up on a real Docker engine", () => {
  test("boots services along the graph, waits for every readiness kind, reads endpoints back, and down removes everything", async () => {
    const dir = project({ "compose.yaml": STACK });
    const env = named("stack");
    const plan = planFor(dir, env);
    const events: ServiceEvent[] = [];
    const result = await up(plan, { backend, owner, timeoutMs: 60_000, onEvent: (e) => events.push(e) });

    assert.deepEqual(result.services.map((s) => [s.name, s.phase]).sort(), [["api", "ready"], ["db", "ready"], ["migrate", "completed"], ["worker", "ready"]]);
    // Order: db ready before migrate starts; migrate completed before api starts.
    const at = (service: string, phase: string) => events.find((e) => e.service === service && e.phase === phase)!.elapsedMs;
    assert.ok(at("db", "ready") <= at("migrate", "starting"));
    assert.ok(at("migrate", "completed") <= at("api", "starting"));
    assert.ok(at("api", "checking") <= at("worker", "starting"), "depends_on short form waits for the start only");

    // The published port is read back from the engine and answers with what migrate wrote.
    assert.equal(result.endpoints.length, 1);
    const endpoint = result.endpoints[0]!;
    assert.equal(endpoint.service, "api");
    assert.equal(endpoint.containerPort, 8080);
    assert.ok(endpoint.hostPort > 0);
    const body = await (await fetch(`http://127.0.0.1:${endpoint.hostPort}/index.html`)).text();
    assert.equal(body.trim(), "migrated");

    // DNS: the alias resolves for other services on the network.
    const lookup = await backend.exec(env, "api", ["nslookup", "jobs"]);
    assert.equal(lookup.exitCode, 0, lookup.output);
    const environment = await backend.exec(env, "api", ["sh", "-c", "echo $GREETING"]);
    assert.equal(environment.output.trim(), "hello");

    // Every object is labelled with the environment, definition hash, version and creation time.
    const containers = await docker.listContainers({ all: true, filters: { label: [`${LABELS.environment}=${env}`] } });
    assert.equal(containers.length, 4 + CLAIM);
    for (const c of containers) {
      assert.equal(c.Labels[LABELS.definitionHash], plan.definitionHash);
      assert.ok(c.Labels[LABELS.version]);
      assert.ok(!Number.isNaN(Date.parse(c.Labels[LABELS.created]!)));
    }
    const before = await leftovers(env);
    assert.deepEqual({ ...before, containers: before.containers }, { containers: 4 + CLAIM, networks: 1, volumes: 2 }); // data + completion marker

    const removed = await backend.remove(env, { keepVolumes: false });
    assert.deepEqual(removed, { containers: 4, networks: 1, volumes: 1 });
    assert.deepEqual(await leftovers(env), { containers: 0, networks: 0, volumes: 0 });
  });

  test("two environments from the same definition run side by side without name or port clashes", async () => {
    const dir = project({ "compose.yaml": STACK });
    const [a, b] = [named("twin-a"), named("twin-b")];
    const [ra, rb] = await Promise.all([up(planFor(dir, a), { backend, owner }), up(planFor(dir, b), { backend, owner })]);
    assert.notEqual(ra.endpoints[0]!.hostPort, rb.endpoints[0]!.hostPort);
    const answers = await Promise.all([ra, rb].map(async (r) => (await fetch(`http://127.0.0.1:${r.endpoints[0]!.hostPort}/index.html`)).status));
    assert.deepEqual(answers, [200, 200]);
    await backend.remove(a, { keepVolumes: false });
    assert.equal((await leftovers(b)).containers, 4 + CLAIM, "removing one environment leaves the other alone");
  });

  test("a service that exits fails the boot at once with its last log lines, and nothing is left", async () => {
    const dir = project({
      "compose.yaml": `
services:
  db:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
  api:
    image: ${BUSYBOX}
    command: ["sh", "-c", "echo cannot connect to db: connection refused; exit 3"]
    depends_on: [db]
    healthcheck:
      test: ["CMD", "true"]
      interval: 1h
`,
    });
    const env = named("crash");
    const started = Date.now();
    await assert.rejects(up(planFor(dir, env), { backend, owner, timeoutMs: 60_000 }), (e: unknown) => {
      assert.ok(e instanceof BootError);
      assert.equal(e.failure.service, "api");
      assert.match(e.failure.message, /exited with code 3/);
      assert.match(e.failure.logTail ?? "", /connection refused/);
      assert.equal(e.removed, true);
      return true;
    });
    assert.ok(Date.now() - started < 30_000, "the failure is noticed at once, not at the timeout");
    assert.deepEqual(await leftovers(env), { containers: 0, networks: 0, volumes: 0 });
  });

  test("--keep-on-failure keeps what was created for inspection", async () => {
    const dir = project({ "compose.yaml": `services:\n  bad:\n    image: ${BUSYBOX}\n    command: ["sh", "-c", "exit 1"]\n` });
    const env = named("keep");
    await assert.rejects(up(planFor(dir, env), { backend, owner, keepOnFailure: true }), BootError);
    const kept = await leftovers(env);
    assert.equal(kept.containers, 1 + CLAIM);
    assert.equal(kept.networks, 1);
  });

  test("a service that never becomes healthy fails at the timeout, naming it", async () => {
    const dir = project({
      "compose.yaml": `services:\n  slow:\n    image: ${BUSYBOX}\n    command: ["sleep", "600"]\n    healthcheck:\n      test: ["CMD", "false"]\n`,
    });
    const env = named("unhealthy");
    await assert.rejects(up(planFor(dir, env), { backend, owner, timeoutMs: 3000 }), (e: unknown) => {
      assert.ok(e instanceof BootError);
      assert.match(e.message, /not ready within 3 s; still waiting for slow/);
      return true;
    });
    assert.deepEqual(await leftovers(env), { containers: 0, networks: 0, volumes: 0 });
  });

  test("a healthcheck that keeps failing fails the boot where the engine would call it unhealthy, with the check's output", async () => {
    const dir = project({
      "compose.yaml": `services:\n  db:\n    image: ${BUSYBOX}\n    command: ["sh", "-c", "echo database starting; exec sleep 600"]\n    healthcheck:\n      test: ["CMD-SHELL", "echo role app does not exist; exit 1"]\n      interval: 500ms\n      timeout: 500ms\n      retries: 2\n`,
    });
    const env = named("unhealthy-fast");
    const started = Date.now();
    await assert.rejects(up(planFor(dir, env), { backend, owner, timeoutMs: 60_000 }), (e: unknown) => {
      assert.ok(e instanceof BootError);
      assert.equal(e.failure.service, "db");
      assert.match(e.message, /service "db" is unhealthy: its healthcheck still fails after 2 s \(last result: exit code 1: role app does not exist/);
      assert.match(e.failure.logTail ?? "", /database starting/);
      return true;
    });
    assert.ok(Date.now() - started < 20_000, "well before the 60 s timeout");
    assert.deepEqual(await leftovers(env), { containers: 0, networks: 0, volumes: 0 });
  });

  test("where container addresses are not reachable (Docker Desktop, a remote engine), port and HTTP checks go through published ports", async () => {
    const desktopLike = new DockerBackend({ docker, version: "test", containerNetworkReachable: false });
    const dir = project({
      "compose.yaml": `services:\n  web:\n    image: ${BUSYBOX}\n    command: ["httpd", "-f", "-p", "80", "-h", "/etc"]\n    ports: ["80"]\n    x-prenv:\n      ready:\n        - http: { port: 80, path: /passwd }\n`,
    });
    const env = named("desktop");
    const result = await up(planFor(dir, env), { backend: desktopLike, owner, timeoutMs: 30_000 });
    assert.equal(result.services[0]!.phase, "ready");

    const hidden = project({ "compose.yaml": `services:\n  web:\n    image: ${BUSYBOX}\n    command: ["httpd", "-f", "-p", "80", "-h", "/etc"]\n    x-prenv:\n      ready:\n        - port: 80\n` });
    await assert.rejects(up(planFor(hidden, named("desktop-hidden")), { backend: desktopLike, owner, timeoutMs: 30_000 }), (e: unknown) => {
      assert.ok(e instanceof BootError);
      assert.match(e.message, /port 80 of service "web" cannot be reached from this machine/);
      assert.match(e.failure.hint ?? "", /publish it/);
      return true;
    });
  });

  test("readiness is noticed quickly even with Compose's 30 s default healthcheck interval", async () => {
    const dir = project({
      "compose.yaml": `services:\n  db:\n    image: ${BUSYBOX}\n    command: ["sh", "-c", "sleep 1; touch /tmp/ready; exec sleep 600"]\n    healthcheck:\n      test: ["CMD", "test", "-f", "/tmp/ready"]\n`,
    });
    const env = named("fast");
    const result = await up(planFor(dir, env), { backend, owner });
    const db = result.services[0]!;
    assert.ok(db.startToReadyMs >= 1000, `ready after the file exists (${db.startToReadyMs} ms)`);
    assert.ok(db.startToReadyMs < 5000, `not after Docker's 30 s interval (${db.startToReadyMs} ms)`);
  });

  test("named volumes keep their data with --keep-volumes and are removed otherwise", async () => {
    const dir = project({
      "compose.yaml": `services:\n  box:\n    image: ${BUSYBOX}\n    command: ["sh", "-c", "echo kept > /data/file; exec sleep 600"]\n    volumes: ["data:/data"]\n    stop_grace_period: 1s\nvolumes:\n  data: {}\n`,
    });
    const env = named("volumes");
    await up(planFor(dir, env), { backend, owner });
    const report = await backend.remove(env, { keepVolumes: true });
    assert.equal(report.volumes, 0);
    const volumes = await docker.listVolumes({ filters: { label: [`${LABELS.environment}=${env}`] } });
    assert.deepEqual(volumes.Volumes?.map((v) => v.Name).sort(), [`${env}_data`, `${env}_prenv-volumes-kept`], "the data, and the marker that keeps gc off it");
    await up(planFor(dir, env), { backend, owner }).catch(() => undefined);
    const again = await backend.exec(env, "box", ["cat", "/data/file"]);
    assert.equal(again.output.trim(), "kept");
    await backend.remove(env, { keepVolumes: false });
    assert.deepEqual(await leftovers(env), { containers: 0, networks: 0, volumes: 0 });
  });
});
