import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { up } from "../../src/engine/up.ts";
import { containerName } from "../../src/backends/docker/docker-backend.ts";
import { BUSYBOX, ROOT, backend, docker, environmentNames, leftovers, owner, planFor, project, CLAIM } from "../helpers/docker.ts";

const named = environmentNames();

describe("what the compose file says reaches the containers", () => {
  test("user, working_dir, hostname, labels, extra_hosts, init, cap_add, tmpfs, bind mounts, restart, stop_grace_period", async () => {
    const dir = project({
      "compose.yaml": `services:
  box:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    user: "65534:65534"
    working_dir: /tmp
    hostname: boxhost
    labels:
      team: storage
    extra_hosts: ["legacy.internal:10.1.2.3"]
    init: true
    cap_add: [NET_ADMIN]
    tmpfs: ["/scratch"]
    restart: on-failure:2
    stop_grace_period: 3s
    volumes:
      - ./conf:/conf:ro
      - type: tmpfs
        target: /cache
`,
      "conf/app.ini": "mode=test\n",
    });
    const env = named("config");
    await up(planFor(dir, env), { backend, owner });
    const info = await docker.getContainer(containerName(env, "box")).inspect();
    assert.equal(info.Config.User, "65534:65534");
    assert.equal(info.Config.WorkingDir, "/tmp");
    assert.equal(info.Config.Hostname, "boxhost");
    assert.equal(info.Config.Labels.team, "storage");
    assert.deepEqual(info.HostConfig.ExtraHosts, ["legacy.internal:10.1.2.3"]);
    assert.equal(info.HostConfig.Init, true);
    assert.deepEqual(info.HostConfig.CapAdd, ["NET_ADMIN"]);
    assert.deepEqual(Object.keys(info.HostConfig.Tmpfs ?? {}), ["/scratch"]);
    assert.deepEqual(info.HostConfig.RestartPolicy, { Name: "on-failure", MaximumRetryCount: 2 });
    assert.equal((info.Config as { StopTimeout?: number }).StopTimeout, 3);
    assert.equal((await backend.exec(env, "box", ["cat", "/conf/app.ini"])).output, "mode=test\n");
    assert.notEqual((await backend.exec(env, "box", ["sh", "-c", "echo x > /conf/new"])).exitCode, 0, "the bind mount is read-only");
    assert.equal((await backend.exec(env, "box", ["id", "-u"])).output.trim(), "65534");
    assert.match((await backend.exec(env, "box", ["grep", "legacy", "/etc/hosts"])).output, /10\.1\.2\.3\s+legacy\.internal/);
  });

  test("a service on two networks is reachable by its aliases on each, and isolated networks stay apart", async () => {
    const dir = project({
      "compose.yaml": `services:
  gateway:
    image: ${BUSYBOX}
    command: ["httpd", "-f", "-p", "80", "-h", "/etc"]
    networks:
      front:
        aliases: [www]
      back:
        aliases: [gw-internal]
  client:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    networks: [front]
  store:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    networks: [back]
networks:
  front: {}
  back:
    internal: true
`,
    });
    const env = named("nets");
    await up(planFor(dir, env), { backend, owner });
    const fetchFrom = async (service: string, host: string) => (await backend.exec(env, service, ["wget", "-q", "-O", "-", `http://${host}/hostname`])).exitCode;
    assert.equal(await fetchFrom("client", "www"), 0, "alias on the first network");
    assert.equal(await fetchFrom("store", "gw-internal"), 0, "alias on the network joined after creation");
    assert.notEqual(await fetchFrom("client", "store"), 0, "client and store share no network");
    const networks = await docker.listNetworks({ filters: { label: [`dev.prenv.environment=${env}`] } });
    assert.deepEqual(networks.map((n) => n.Name).sort(), [`${env}_back`, `${env}_front`]);
    assert.equal(networks.find((n) => n.Name === `${env}_back`)!.Internal, true);
  });

  test("Ctrl-C during up stops the boot and removes what was created", async () => {
    const dir = project({
      "compose.yaml": `services:\n  slow:\n    image: ${BUSYBOX}\n    command: ["sleep", "600"]\n    healthcheck:\n      test: ["CMD", "false"]\n`,
    });
    const env = named("sigint");
    const child = spawn(process.execPath, [join(ROOT, "src/cli/index.ts"), "up", "--env", env], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    for (let i = 0; i < 100 && (await leftovers(env)).containers <= CLAIM; i++) await delay(100);
    assert.equal((await leftovers(env)).containers, 1 + CLAIM, "the boot got as far as a container");
    child.kill("SIGINT");
    const code = await new Promise((resolve) => child.once("exit", resolve));
    assert.equal(code, 2);
    assert.match(stderr, /interrupted/);
    assert.deepEqual(await leftovers(env), { containers: 0, networks: 0, volumes: 0 });
  });
});
