import assert from "node:assert/strict";
import { test } from "node:test";
import type { ObservedService } from "../../src/backends/backend.ts";
import { configHash, diffEnvironment, formatOperations } from "../../src/engine/diff.ts";
import { planFor, project } from "../helpers/docker.ts";

const compose = (tag: string) => `
name: d
services:
  db: { image: "busybox:1" }
  side: { image: "busybox:1", network_mode: "service:db" }
  api: { image: "busybox:${tag}", depends_on: [db] }
  old: { image: "busybox:1" }
`;
const plan = planFor(project({ "compose.yaml": compose("1") }), "d");
const image = { id: "sha256:aaa" };
const hashes = new Map(plan.services.map((s) => [s.name, configHash(s, image)]));
const running = (name: string, hash = hashes.get(name)): ObservedService => ({ name, id: name, state: "running", configHash: hash });

test("equal hashes: unchanged; a changed hash: recreate with the reason; new and gone services", () => {
  const observed = [running("db"), running("side"), running("api", "0000"), running("gone")];
  const ops = diffEnvironment(observed, plan, hashes);
  // The plan's order (dependencies first, then by name), the removals last.
  assert.deepEqual(ops.map((o) => [o.service, o.kind]), [["db", "unchanged"], ["old", "create"], ["api", "recreate"], ["side", "unchanged"], ["gone", "remove"]]);
  const api = ops.find((o) => o.service === "api");
  assert.ok(api?.kind === "recreate" && /configuration changed/.test(api.reason));
  assert.match(formatOperations(ops), /~ api +recreate: its configuration changed/);
});

test("a service bound to a recreated one (network_mode: service:) is recreated too; depends_on alone is not", () => {
  const ops = diffEnvironment([running("db", "0000"), running("side"), running("api"), running("old")], plan, hashes);
  const kinds = Object.fromEntries(ops.map((o) => [o.service, o.kind]));
  assert.deepEqual(kinds, { db: "recreate", side: "recreate", api: "unchanged", old: "unchanged" });
});

test("the hash follows the image digest and the spec, not where the service is written", () => {
  const other = planFor(project({ "compose.yaml": `\n\n${compose("1")}` }), "d");
  assert.equal(configHash(other.services.find((s) => s.name === "api")!, image), hashes.get("api"));
  assert.notEqual(configHash(plan.services.find((s) => s.name === "api")!, { id: "sha256:bbb" }), hashes.get("api"));
  const retagged = planFor(project({ "compose.yaml": compose("2") }), "d");
  assert.notEqual(configHash(retagged.services.find((s) => s.name === "api")!, image), hashes.get("api"));
});

test("--recreate recreates all; a stopped service is recreated", () => {
  assert.ok(diffEnvironment(plan.services.map((s) => running(s.name)), plan, hashes, { recreateAll: true }).every((o) => o.kind === "recreate"));
  const stopped = diffEnvironment(plan.services.map((s) => ({ ...running(s.name), state: s.name === "api" ? "exited" : "running" })), plan, hashes);
  assert.equal(stopped.find((o) => o.service === "api")?.kind, "recreate");
});
