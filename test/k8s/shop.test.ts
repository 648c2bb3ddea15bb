import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as k8s from "@kubernetes/client-node";
import type { RunReport } from "../../src/engine/run.ts";
import { cli, ROOT, uniqueName } from "../helpers/docker.ts";
import { testCluster } from "./kubeconfig.ts";

/**
 * examples/shop through `prenv run` on the test cluster: the api is built here and pushed
 * to the test registry (localhost:5000), which the cluster pulls from. Its Docker run is
 * test/docker/run.test.ts.
 */

const cluster = testCluster();
const copies: string[] = [];
after(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

test("examples/shop passes on Kubernetes: built, pushed, seeded, 8 tests green, the namespace gone", { skip: cluster.skip, timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "prenv-shop-k8s-"));
  cpSync(join(ROOT, "examples/shop"), dir, { recursive: true, filter: (source) => !/[/\\](reports|prenv-results)$/.test(source) });
  copies.push(dir);
  const environment = uniqueName("shop").slice(0, 40);
  const prefix = "prenv-shop-";
  const run = await cli(["run", "--env", environment, "--backend", "kubernetes", "--kubeconfig", cluster.kubeconfig!, "--namespace-prefix", prefix, "--registry", "localhost:5000/prenv-shop"], { cwd: dir, timeoutMs: 540_000 });
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(readFileSync(join(dir, "prenv-results/results.json"), "utf8")) as RunReport;
  assert.equal(report.outcome, "passed");
  assert.equal(report.backend, "kubernetes");
  assert.deepEqual({ ...report.tests!.totals, durationMs: 0 }, { tests: 8, passed: 8, failed: 0, errors: 0, skipped: 0, flaky: 0, durationMs: 0 });
  assert.deepEqual(report.setup.map((s) => s.ok), [true, true, true]);
  // The built api was pushed and pulled by digest from the registry.
  assert.match(report.services.find((s) => s.name === "api")?.image ?? "", /^localhost:5000\/prenv-shop\//);
  const config = new k8s.KubeConfig();
  config.loadFromFile(cluster.kubeconfig!);
  const namespaces = await config.makeApiClient(k8s.CoreV1Api).listNamespace();
  assert.deepEqual(namespaces.items.map((n) => n.metadata?.name).filter((n) => n?.startsWith(prefix) && n.includes(environment)), [], "the namespace is gone");
});
