import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { canUpdate } from "../../src/backends/backend.ts";
import { loadEnvironment } from "../../src/definition/environment.ts";
import { UpdateError, planUpdate, upOrUpdate } from "../../src/engine/update.ts";
import { planEnvironment } from "../../src/plan/plan.ts";
import { BUSYBOX, project, uniqueName } from "../helpers/docker.ts";
import { contractBackends } from "./backends.ts";

/**
 * Update in place (docs/previews.md), written once against the Backend seam and run on
 * every backend of contractBackends(): the engine's update code is the same on both.
 */

const owner = { host: hostname(), pid: process.pid };

/** Redis keeps its data in its container (no volume): a replaced container or pod would lose the key. */
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

for (const target of contractBackends()) {
  const { backend } = target;
  describe(`update in place: ${target.name}`, { timeout: 600_000 }, () => {
    assert.ok(canUpdate(backend), `the ${target.name} backend has the Updates part`);
    const name = uniqueName("upd").slice(0, 40).replace(/[-_]+$/, "");
    const dir = project({ "compose.yaml": stack("one") });
    const rewrite = (text: string) => writeFileSync(join(dir, "compose.yaml"), text);
    const plan = () => planEnvironment(loadEnvironment({ cwd: dir, env: {} }).definition, { environment: name });
    const options = { backend, owner, timeoutMs: 180_000 };
    const ids = async () => new Map((await backend.observe(name)).map((o) => [o.name, o.id]));
    const message = async () => (await backend.exec(name, "app", ["sh", "-c", "echo $MSG"])).output.trim();
    const cart = async () => (await backend.exec(name, "cache", ["redis-cli", "GET", "cart"])).output.trim();
    let objects = 0;
    after(async () => {
      await backend.remove(name, { keepVolumes: false });
    });

    test("a first up creates everything and records each service's configuration hash", async () => {
      const result = await upOrUpdate(plan(), options);
      assert.equal(result.updated, false);
      const observed = await backend.observe(name);
      assert.deepEqual(observed.map((o) => o.name).sort(), ["app", "cache"]);
      for (const o of observed) assert.match(o.configHash ?? "", /^[0-9a-f]{16}$/);
      assert.equal((await backend.exec(name, "cache", ["redis-cli", "SET", "cart", "kept"])).exitCode, 0);
      objects = await target.leftovers(name);
    });

    test("a change to one service replaces only it; the other keeps its container (pod) and its data", async () => {
      const before = await ids();
      rewrite(stack("two"));
      const diff = await planUpdate(plan(), backend);
      assert.deepEqual(diff.map((o) => [o.service, o.kind]), [["cache", "unchanged"], ["app", "recreate"]]);
      const result = await upOrUpdate(plan(), options);
      assert.equal(result.updated, true);
      const now = await ids();
      assert.equal(now.get("cache"), before.get("cache"));
      assert.notEqual(now.get("app"), before.get("app"));
      assert.equal(await message(), "two");
      assert.equal(await cart(), "kept");
      // Nothing set aside or locked is left.
      assert.equal(await target.leftovers(name), objects);
    });

    test("an update with no change replaces nothing", async () => {
      const before = await ids();
      const t0 = Date.now();
      const result = await upOrUpdate(plan(), options);
      const ms = Date.now() - t0;
      process.stderr.write(`${target.name}: no-op update took ${ms} ms\n`);
      assert.deepEqual(result.operations.map((o) => o.kind), ["unchanged", "unchanged"]);
      assert.deepEqual(await ids(), before);
      assert.ok(ms < 1000, `no-op update took ${ms} ms`);
    });

    test("--recreate replaces every service", async () => {
      const before = await ids();
      const result = await upOrUpdate(plan(), { ...options, recreateAll: true });
      assert.deepEqual(result.operations.map((o) => o.kind), ["recreate", "recreate"]);
      const now = await ids();
      assert.notEqual(now.get("cache"), before.get("cache"));
      assert.notEqual(now.get("app"), before.get("app"));
      assert.equal(await cart(), "", "the recreated cache starts empty");
      assert.equal((await backend.exec(name, "cache", ["redis-cli", "SET", "cart", "kept"])).exitCode, 0);
      assert.equal(await target.leftovers(name), objects);
    });

    test("a failed update leaves the previous version serving, in the same container (pod), and names the service", async () => {
      const before = await ids();
      rewrite(stack("broken", "echo crashing; exit 3"));
      await assert.rejects(upOrUpdate(plan(), options), (e: unknown) => {
        assert.ok(e instanceof UpdateError, String(e));
        assert.equal(e.service, "app");
        assert.match(e.message, /exited with code 3/);
        assert.deepEqual(e.restored, ["app"]);
        return true;
      });
      assert.deepEqual(await ids(), before);
      assert.equal((await backend.status(name, "app")).state, "running");
      assert.equal(await message(), "two");
      assert.equal(await cart(), "kept");
      assert.equal(await target.leftovers(name), objects);
      // And it is still updatable: what was put back carries its hash again.
      assert.deepEqual((await planUpdate(plan(), backend)).map((o) => o.kind), ["unchanged", "recreate"]);
    });

    test("two updates at once are serialised by the environment's lock; the later one stays", async () => {
      const cacheId = (await ids()).get("cache");
      rewrite(stack("three"));
      const first = upOrUpdate(plan(), options);
      // The second's plan is read while the first holds the lock (or is about to take it).
      await new Promise((r) => setTimeout(r, 30));
      rewrite(stack("four"));
      const second = upOrUpdate(plan(), options);
      const [a, b] = await Promise.all([first, second]);
      assert.deepEqual(a.operations.map((o) => o.kind), ["unchanged", "recreate"]);
      assert.deepEqual(b.operations.map((o) => o.kind), ["unchanged", "recreate"]);
      assert.equal(await message(), "four");
      assert.equal((await ids()).get("cache"), cacheId);
      assert.equal(await cart(), "kept");
      assert.equal(await target.leftovers(name), objects);
    });

    test("a lock whose holder's lease ran out is broken; a live one is not; a late release leaves the new holder's lock", async () => {
      const p = plan();
      const held = await backend.tryLock(p, { host: "elsewhere", pid: 1 }, BUSYBOX, new Date(Date.now() - 1000));
      assert.ok(held.acquired);
      const mine = await backend.tryLock(p, owner, BUSYBOX, new Date(Date.now() + 60_000));
      assert.ok(mine.acquired, "an expired lease is broken");
      const other = await backend.tryLock(p, { host: "elsewhere", pid: 2 }, BUSYBOX, new Date(Date.now() + 60_000));
      assert.equal(other.acquired, false);
      assert.equal(other.acquired === false && other.holder, `${owner.host}:${owner.pid}`);
      // The first holder's late release must not free the lock someone else holds now.
      await backend.unlock(name, held.id);
      const still = await backend.tryLock(p, { host: "elsewhere", pid: 3 }, BUSYBOX, new Date(Date.now() + 60_000));
      assert.equal(still.acquired, false);
      await backend.unlock(name, mine.id);
      const free = await backend.tryLock(p, { host: "elsewhere", pid: 4 }, BUSYBOX, new Date(Date.now() + 60_000));
      assert.ok(free.acquired, "released");
      await backend.unlock(name, free.id);
    });
  });
}
