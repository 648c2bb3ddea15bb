/**
 * Container-only ports ("8080") on the real engine: prenv chooses their host port when it
 * creates the container, so that restarts keep the address the tests were given, an
 * update keeps a replaced service's port (a preview's URL), and a port taken between the
 * choice and the start is chosen again.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { describe, test } from "node:test";
import type { PlannedService } from "../../src/plan/plan.ts";
import { up } from "../../src/engine/up.ts";
import { upOrUpdate } from "../../src/engine/update.ts";
import { BUSYBOX, backend, docker, environmentNames, owner, planFor, project } from "../helpers/docker.ts";

const named = environmentNames();

const definition = (version: string) => `services:
  web:
    image: ${BUSYBOX}
    command: ["sh", "-c", "mkdir -p /www && echo ${version} > /www/index.html && exec httpd -f -p 80 -h /www"]
    ports: ["80", "127.0.0.1::81"]
    x-prenv:
      ready: [{ port: 80 }]
`;

async function hostPorts(environment: string): Promise<Record<string, string>> {
  const endpoints = await backend.endpoints(environment);
  return Object.fromEntries(endpoints.map((e) => [`${e.service}:${e.containerPort}`, `${e.hostIp}:${e.hostPort}`]));
}

describe("container-only ports", { concurrency: false }, () => {
  test("a restart, a kill and start, and the engine's restart keep the host ports", async () => {
    const environment = named("ports-keep");
    const plan = planFor(project({ "compose.yaml": definition("1") }), environment);
    await up(plan, { backend, owner, timeoutMs: 60_000 });
    const first = await hostPorts(environment);
    assert.equal(Object.keys(first).length, 2, JSON.stringify(first));
    const container = docker.getContainer(`${environment}-web`);
    await container.restart({ t: 0 });
    assert.deepEqual(await hostPorts(environment), first, "after docker restart");
    await container.kill();
    await container.start();
    assert.deepEqual(await hostPorts(environment), first, "after kill and start");
  });

  test("an update that replaces the service keeps its host ports", async () => {
    const environment = named("ports-update");
    const dir = project({ "compose.yaml": definition("1") });
    await up(planFor(dir, environment), { backend, owner, timeoutMs: 60_000 });
    const first = await hostPorts(environment);
    const before = (await backend.observe(environment)).find((o) => o.name === "web")!.id;
    writeFileSync(`${dir}/compose.yaml`, definition("2"));
    const result = await upOrUpdate(planFor(dir, environment), { backend, owner, timeoutMs: 60_000 });
    assert.deepEqual(result.operations.map((o) => [o.service, o.kind]), [["web", "recreate"]]);
    assert.notEqual((await backend.observe(environment)).find((o) => o.name === "web")!.id, before, "web was replaced");
    assert.deepEqual(await hostPorts(environment), first);
  });

  test("a chosen port taken before the start is chosen again", async () => {
    const environment = named("ports-taken");
    const plan = planFor(project({ "compose.yaml": definition("1") }), environment);
    await backend.createEnvironment(plan, owner);
    const web: PlannedService = plan.services[0]!;
    await backend.prepareImage(plan, web, () => undefined, new AbortController().signal);
    await backend.createService(plan, web, owner);
    const chosen = (await docker.getContainer(`${environment}-web`).inspect()).HostConfig.PortBindings as Record<string, { HostIp: string; HostPort: string }[]>;
    const port = Number(chosen["80/tcp"]![0]!.HostPort);
    assert.ok(port > 0, JSON.stringify(chosen));
    // Someone else takes it now.
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, "127.0.0.1", resolve));
    try {
      await backend.startService(plan, web);
      const now = await hostPorts(environment);
      assert.notEqual(now["web:80"], `127.0.0.1:${port}`);
      assert.match(now["web:80"]!, /^127\.0\.0\.1:\d+$/);
    } finally {
      squatter.close();
    }
  });
});
