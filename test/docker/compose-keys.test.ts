/**
 * Compose keys that name other services (links, volumes_from, network_mode: service:,
 * ipc: service:), host port ranges and missing bind sources, on a real engine: each must
 * reach the container as Compose would have it, and the services they name start first.
 */
import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { up } from "../../src/engine/up.ts";
import { loadDefinition } from "../../src/definition/compose.ts";
import { planEnvironment } from "../../src/plan/plan.ts";
import { containerName } from "../../src/backends/docker/docker-backend.ts";
import { BUSYBOX, backend, docker, environmentNames, owner, planFor, project } from "../helpers/docker.ts";

const named = environmentNames();

describe("keys that name other services, port ranges and missing bind sources", () => {
  test("links, volumes_from, network_mode and ipc of another service; a host port range; missing bind sources created", async () => {
    const dir = project({
      "compose.yaml": `services:
  db:
    image: ${BUSYBOX}
    command: ["httpd", "-f", "-p", "80", "-h", "/etc"]
    ipc: shareable
    volumes: ["/shared"]
  api:
    image: ${BUSYBOX}
    command: ["sh", "-c", "echo from-api > /shared/api.txt; exec httpd -f -p 8080 -h /etc"]
    links: ["db:database"]
    volumes_from: ["db"]
    ipc: service:db
    ports: ["6005-6015:8080"]
    volumes:
      - ./made/here:/made
  sidecar:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    network_mode: service:api
`,
    });
    const env = named("keys");
    const plan = planFor(dir, env);
    assert.deepEqual(plan.services.map((s) => [s.name, s.level]), [["db", 0], ["api", 1], ["sidecar", 2]], "the derived dependencies order the boot");
    await up(plan, { backend, owner });

    const api = await docker.getContainer(containerName(env, "api")).inspect();
    const db = await docker.getContainer(containerName(env, "db")).inspect();
    const sidecar = await docker.getContainer(containerName(env, "sidecar")).inspect();
    // links: the alias resolves to db on the environment network.
    assert.match((await backend.exec(env, "api", ["wget", "-q", "-O", "-", "http://database/hostname"])).output, /db/);
    // volumes_from: db's anonymous volume is mounted in api too.
    assert.ok(api.Mounts.some((m) => m.Destination === "/shared"), JSON.stringify(api.Mounts));
    assert.equal((await backend.exec(env, "db", ["cat", "/shared/api.txt"])).output, "from-api\n");
    // ipc: api shares db's IPC namespace.
    assert.equal(api.HostConfig.IpcMode, `container:${db.Id}`);
    assert.equal((await backend.exec(env, "api", ["readlink", "/proc/1/ns/ipc"])).output, (await backend.exec(env, "db", ["readlink", "/proc/1/ns/ipc"])).output);
    // network_mode: the sidecar reaches api's port on localhost.
    assert.equal(sidecar.HostConfig.NetworkMode, `container:${api.Id}`);
    assert.match((await backend.exec(env, "sidecar", ["wget", "-q", "-O", "-", "http://127.0.0.1:8080/hostname"])).output, /api/);
    // the host port range: one port of it is bound.
    const bound = Number(api.NetworkSettings.Ports["8080/tcp"]?.[0]?.HostPort);
    assert.ok(bound >= 6005 && bound <= 6015, `bound ${bound}`);
    // the missing bind source was created as a directory, as Compose does.
    assert.ok(existsSync(join(dir, "made", "here")) && statSync(join(dir, "made", "here")).isDirectory());
    assert.ok(db.State.Running);
  });

  test("limits, signals, security and DNS keys reach the container; deploy resources too", async () => {
    const dir = project({
      "compose.yaml": `services:
  app:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    container_name: fixed-name
    read_only: true
    stop_signal: SIGINT
    security_opt: ["no-new-privileges:true"]
    cap_drop: [NET_RAW]
    dns: 10.9.8.7
    ulimits:
      nofile: { soft: 1024, hard: 2048 }
    sysctls: [net.core.somaxconn=1111]
    mem_limit: 64m
    cpus: 0.5
    pids_limit: 50
  worker:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    deploy:
      replicas: 1
      resources:
        limits: { cpus: "0.25", memory: 32M, pids: 40 }
        reservations: { memory: 16m }
`,
    });
    const env = named("limits");
    const plan = planFor(dir, env);
    await up(plan, { backend, owner });
    const app = await docker.getContainer(containerName(env, "app")).inspect();
    assert.equal(app.Name, `/${containerName(env, "app")}`, "container_name is not used: the environment names its containers");
    // dockerode's inspect type leaves StopSignal out; the engine reports it.
    assert.equal(Reflect.get(app.Config, "StopSignal"), "SIGINT");
    assert.deepEqual(app.HostConfig.SecurityOpt, ["no-new-privileges:true"]);
    assert.deepEqual(app.HostConfig.CapDrop, ["NET_RAW"]);
    assert.deepEqual(app.HostConfig.Dns, ["10.9.8.7"]);
    assert.equal(app.HostConfig.Memory, 64 * 1024 * 1024);
    assert.equal(app.HostConfig.NanoCpus, 500_000_000);
    assert.equal(app.HostConfig.PidsLimit, 50);
    // Observed inside the container: the root filesystem refuses writes, the limits and the sysctl hold.
    const write = await backend.exec(env, "app", ["touch", "/probe"]);
    assert.notEqual(write.exitCode, 0);
    assert.match(write.output, /Read-only file system/);
    assert.equal((await backend.exec(env, "app", ["sh", "-c", "ulimit -n; ulimit -Hn"])).output, "1024\n2048\n");
    assert.equal((await backend.exec(env, "app", ["cat", "/proc/sys/net/core/somaxconn"])).output, "1111\n");
    assert.match((await backend.exec(env, "app", ["grep", "NoNewPrivs", "/proc/self/status"])).output, /NoNewPrivs:\s+1/);
    const worker = await docker.getContainer(containerName(env, "worker")).inspect();
    assert.equal(worker.HostConfig.Memory, 32 * 1024 * 1024);
    assert.equal(worker.HostConfig.MemoryReservation, 16 * 1024 * 1024);
    assert.equal(worker.HostConfig.NanoCpus, 250_000_000);
    assert.equal(worker.HostConfig.PidsLimit, 40);
  });

  test("secrets and configs from files, variables and content are placed where Compose puts them, read-only; a variable's content stays out of the plan", async () => {
    const dir = project({
      "token.txt": "from-a-file\n",
      "app.conf": "port=1\n",
      "compose.yaml": `services:
  app:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    secrets: [token, { source: apikey, target: api.key }]
    configs: [app.conf, { source: inline, target: /etc/inline.conf }]
secrets:
  token: { file: ./token.txt }
  apikey: { environment: PRENV_TEST_APIKEY }
configs:
  app.conf: { file: ./app.conf }
  inline: { content: "inline-content" }
`,
    });
    const env = named("files");
    const plan = planEnvironment(loadDefinition({ cwd: dir, env: { PRENV_TEST_APIKEY: "s3cr3t-value-42" } }), { environment: env });
    assert.ok(!JSON.stringify(plan).includes("s3cr3t-value-42"), "the secret's content is not part of the plan");
    await up(plan, { backend, owner });
    const read = async (path: string) => (await backend.exec(env, "app", ["cat", path])).output;
    assert.equal(await read("/run/secrets/token"), "from-a-file\n");
    assert.equal(await read("/run/secrets/api.key"), "s3cr3t-value-42");
    assert.equal(await read("/app.conf"), "port=1\n");
    assert.equal(await read("/etc/inline.conf"), "inline-content");
    assert.equal((await backend.exec(env, "app", ["stat", "-c", "%a", "/run/secrets/api.key", "/etc/inline.conf"])).output, "444\n444\n");
    const write = await backend.exec(env, "app", ["sh", "-c", "echo x > /run/secrets/token"]);
    assert.notEqual(write.exitCode, 0, "a file-backed secret is mounted read-only");
  });
});
