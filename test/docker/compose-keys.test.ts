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
});
