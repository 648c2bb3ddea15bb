import assert from "node:assert/strict";
import { test } from "node:test";
import { gc } from "../../src/engine/lifecycle.ts";
import { up } from "../../src/engine/up.ts";
import { BUSYBOX, backend, environmentNames, leftovers, owner, planFor, project } from "../helpers/docker.ts";

const named = environmentNames();

test("gc with the expiries removes the preview past its TTL and leaves the one still valid", async () => {
  const dir = project({ "compose.yaml": `name: exp\nservices:\n  app: { image: "${BUSYBOX}", command: ["sleep", "3600"], init: true }\n` });
  const [old, fresh] = [named("exp-old"), named("exp-new")];
  for (const name of [old, fresh]) await up(planFor(dir, name), { backend, owner });
  await backend.setExpiry(planFor(dir, old), owner, new Date(Date.now() + 3_600_000));
  // Renewed by a later push: the earlier expiry is replaced, not kept beside it.
  await backend.setExpiry(planFor(dir, old), owner, new Date(Date.now() - 1000));
  await backend.setExpiry(planFor(dir, fresh), owner, new Date(Date.now() + 3_600_000));
  const expiries = await backend.expiries();
  assert.ok(expiries.get(old)!.getTime() < Date.now());
  const removed = await gc(backend, { host: "elsewhere", expiries, only: new Set([old, fresh]) });
  assert.deepEqual(removed.map((r) => r.decision.environment.environment).filter((e) => e === old || e === fresh), [old]);
  assert.match(removed.find((r) => r.decision.environment.environment === old)!.decision.reason, /preview expired/);
  assert.deepEqual(await leftovers(old), { containers: 0, networks: 0, volumes: 0 });
  assert.equal((await backend.status(fresh, "app")).state, "running");
});
