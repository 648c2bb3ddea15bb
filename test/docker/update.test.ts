import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { LABELS } from "../../src/backends/backend.ts";
import { UpdateError, upOrUpdate, planUpdate } from "../../src/engine/update.ts";
import { BUSYBOX, backend, docker, environmentNames, owner, planFor, project } from "../helpers/docker.ts";

const named = environmentNames();

/** Redis keeps its data in the container (no volume): a replaced container would lose the key. */
const stack = (message: string, appCommand = `trap 'exit 0' TERM; echo $$MSG; sleep 3600 & wait`) => `
name: upd
services:
  cache:
    image: prenv-test/debian:1
    command: ["redis-server", "--protected-mode", "no", "--save", "", "--appendonly", "no"]
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
  app:
    image: ${BUSYBOX}
    command: ["sh", "-c", "${appCommand}"]
    environment:
      MSG: ${message}
    depends_on:
      cache: { condition: service_healthy }
`;

async function ids(environment: string): Promise<Map<string, string>> {
  return new Map((await backend.observe(environment)).map((o) => [o.name, o.id]));
}

async function env(environment: string, service: string, variable: string): Promise<string | undefined> {
  const info = await docker.getContainer(`${environment}-${service}`).inspect();
  return info.Config.Env.find((e) => e.startsWith(`${variable}=`))?.slice(variable.length + 1);
}

async function redisGet(environment: string, key: string): Promise<string> {
  return (await backend.exec(environment, "cache", ["redis-cli", "GET", key])).output.trim();
}

describe("update in place", () => {
  const name = named("upd");
  const dir = project({ "compose.yaml": stack("one") });
  const rewrite = (text: string) => writeFileSync(join(dir, "compose.yaml"), text);

  test("a first up creates everything and labels each service with its configuration hash", async () => {
    const result = await upOrUpdate(planFor(dir, name), { backend, owner });
    assert.equal(result.updated, false);
    const observed = await backend.observe(name);
    assert.deepEqual(observed.map((o) => o.name).sort(), ["app", "cache"]);
    for (const o of observed) assert.match(o.configHash ?? "", /^[0-9a-f]{16}$/);
    assert.equal((await backend.exec(name, "cache", ["redis-cli", "SET", "cart", "kept"])).exitCode, 0);
  });

  test("a change to one service replaces only it; the other keeps its container and data", async () => {
    const before = await ids(name);
    rewrite(stack("two"));
    const diff = await planUpdate(planFor(dir, name), backend);
    assert.deepEqual(diff.map((o) => [o.service, o.kind]), [["cache", "unchanged"], ["app", "recreate"]]);
    const result = await upOrUpdate(planFor(dir, name), { backend, owner });
    assert.equal(result.updated, true);
    const after = await ids(name);
    assert.equal(after.get("cache"), before.get("cache"));
    assert.notEqual(after.get("app"), before.get("app"));
    assert.equal(await env(name, "app", "MSG"), "two");
    assert.equal(await redisGet(name, "cart"), "kept");
    // Nothing set aside or locked is left.
    const all = await docker.listContainers({ all: true, filters: { label: [`${LABELS.environment}=${name}`] } });
    assert.deepEqual(all.map((c) => c.Names[0]).sort(), [`/${name}-app`, `/${name}-cache`, `/${name}_prenv-claim`]);
  });

  test("an update with no change touches nothing, in under a second", async () => {
    const before = await ids(name);
    const t0 = Date.now();
    const result = await upOrUpdate(planFor(dir, name), { backend, owner });
    const ms = Date.now() - t0;
    assert.ok(result.operations.every((o) => o.kind === "unchanged"), JSON.stringify(result.operations));
    assert.deepEqual(await ids(name), before);
    assert.ok(ms < 1000, `no-op update took ${ms} ms`);
  });

  test("--recreate replaces every service", async () => {
    const before = await ids(name);
    const result = await upOrUpdate(planFor(dir, name), { backend, owner, recreateAll: true });
    assert.deepEqual(result.operations.map((o) => o.kind), ["recreate", "recreate"]);
    const after = await ids(name);
    assert.notEqual(after.get("cache"), before.get("cache"));
    assert.notEqual(after.get("app"), before.get("app"));
    assert.equal((await backend.exec(name, "cache", ["redis-cli", "SET", "cart", "kept"])).exitCode, 0);
  });

  test("a failed update puts the previous version back and names the service", async () => {
    const before = await ids(name);
    rewrite(stack("broken", "echo crashing; exit 3"));
    await assert.rejects(upOrUpdate(planFor(dir, name), { backend, owner }), (e: unknown) => {
      assert.ok(e instanceof UpdateError, String(e));
      assert.equal(e.service, "app");
      assert.match(e.message, /exited with code 3/);
      assert.deepEqual(e.restored, ["app"]);
      return true;
    });
    assert.deepEqual(await ids(name), before);
    assert.equal((await backend.status(name, "app")).state, "running");
    assert.equal(await env(name, "app", "MSG"), "two");
    assert.equal(await redisGet(name, "cart"), "kept");
  });

  test("two updates at once are serialised by the environment's lock; the later one stays", async () => {
    const cacheId = (await ids(name)).get("cache");
    rewrite(stack("three"));
    const first = upOrUpdate(planFor(dir, name), { backend, owner });
    await new Promise((r) => setTimeout(r, 30));
    rewrite(stack("four"));
    const second = upOrUpdate(planFor(dir, name), { backend, owner });
    const [a, b] = await Promise.all([first, second]);
    assert.deepEqual(a.operations.map((o) => o.kind), ["unchanged", "recreate"]);
    assert.deepEqual(b.operations.map((o) => o.kind), ["unchanged", "recreate"]);
    assert.equal(await env(name, "app", "MSG"), "four");
    assert.equal((await ids(name)).get("cache"), cacheId);
    assert.equal(await redisGet(name, "cart"), "kept");
    const all = await docker.listContainers({ all: true, filters: { label: [`${LABELS.environment}=${name}`] } });
    assert.equal(all.length, 3, all.map((c) => c.Names[0]).join(", "));
  });

  test("a lock whose holder's lease ran out is broken; a live one is not", async () => {
    const p = planFor(dir, name);
    const held = await backend.tryLock(p, { host: "elsewhere", pid: 1 }, BUSYBOX, new Date(Date.now() - 1000));
    assert.ok(held.acquired);
    const mine = await backend.tryLock(p, owner, BUSYBOX, new Date(Date.now() + 60_000));
    assert.ok(mine.acquired, "an expired lease is broken");
    const other = await backend.tryLock(p, { host: "elsewhere", pid: 2 }, BUSYBOX, new Date(Date.now() + 60_000));
    assert.equal(other.acquired, false);
    await backend.unlock(name, mine.id);
    // The first holder's late release must not free the lock someone else holds now.
    await backend.unlock(name, held.id);
  });
});
