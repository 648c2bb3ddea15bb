import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import * as k8s from "@kubernetes/client-node";
import { LABELS } from "../../src/backends/backend.ts";
import { KubernetesBackend } from "../../src/backends/kubernetes/kubernetes-backend.ts";
import { VERSION } from "../../src/version.ts";
import { BUSYBOX, cli, environmentNames, project, ROOT } from "../helpers/docker.ts";
import { testCluster } from "./kubeconfig.ts";

/**
 * Chaos on the test cluster where Kubernetes differs from Docker: the faults it cannot
 * apply are refused before anything is created (a partition because this cluster's
 * network plugin does not enforce NetworkPolicy, as the probe finds), and a kill -9 of prenv during a stop
 * (the Deployment at zero) is undone by `prenv gc`. The faults both backends do alike,
 * through a whole run, are test/contract/chaos-run.test.ts.
 */

const cluster = testCluster();
const prefix = "prenv-chaos-";

describe("chaos on Kubernetes", { skip: cluster.skip, timeout: 600_000 }, () => {
  const config = new k8s.KubeConfig();
  if (cluster.kubeconfig) config.loadFromFile(cluster.kubeconfig);
  const backend = new KubernetesBackend({ config, version: VERSION, namespacePrefix: prefix });
  const core = config.makeApiClient(k8s.CoreV1Api);
  const apps = config.makeApiClient(k8s.AppsV1Api);
  const args = ["--backend", "kubernetes", "--kubeconfig", cluster.kubeconfig ?? "", "--namespace-prefix", prefix];
  const named = environmentNames(backend);
  after(() => backend.close());
  const namespaceExists = (environment: string) =>
    core.readNamespace({ name: backend.namespace(environment) }).then(
      () => true,
      (e: unknown) => {
        if (e instanceof k8s.ApiException && e.code === 404) return false;
        throw e;
      },
    );

  test("on a cluster that does not enforce NetworkPolicy (the test cluster's bridge plugin) the probe says so and the partition is refused before anything is created; pause and loss with their own reasons", async (t) => {
    const dir = project({
      "compose.yaml": `services:\n  srv:\n    image: ${BUSYBOX}\n    command: ["sleep", "3600"]\n  other:\n    image: ${BUSYBOX}\n    command: ["sleep", "3600"]\n`,
      "prenv.yml": [
        "compose: [compose.yaml]",
        "test:",
        '  command: ["true"]',
        "chaos:",
        `  helper-image: ${BUSYBOX}`,
        "  faults:",
        "    - { fault: kill, target: srv, start: 1s }",
        "    - { name: cut, fault: partition, target: [srv, other], start: 2s, duration: 1s }",
        "    - { fault: pause, target: other, start: 5s, duration: 1s }",
        "    - { fault: loss, target: srv, start: 10s, duration: 1s, percent: 10 }",
        "",
      ].join("\n"),
    });
    const environment = named("chaos-refused");
    const started = Date.now();
    const r = await cli(["run", "--env", environment, ...args], { cwd: dir, timeoutMs: 120_000 });
    t.diagnostic(`prenv run refused in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /prenv\.yml:8:7: the kubernetes backend cannot partition srv ↔ other \(fault "cut"; a network fault\), nor pause other \(fault "pause other"\) \(.*prenv\.yml:9:7\), nor loss 10% at srv \(fault "loss srv"; a network fault\) \(.*prenv\.yml:10:7\)/);
    // Said plainly, from what the probe saw on this cluster.
    const probe = /partition: this cluster does not enforce NetworkPolicy \(probe: a pod still reached another 4\.0 s after a deny-all ingress policy selected it; (\d+\.\d) s\)/.exec(r.stderr);
    assert.ok(probe, r.stderr);
    t.diagnostic(`the probe took ${probe[1]} s`);
    assert.match(r.stderr, /pause: Kubernetes has no freezer/);
    assert.match(r.stderr, /loss, bandwidth and latency: prenv does not apply them on Kubernetes: they would need a privileged container/);
    assert.match(r.stderr, /hint: run it on a cluster whose network plugin enforces NetworkPolicy \(Calico, Cilium, .*\), or run the network faults on the Docker backend \(--backend docker\)/);
    assert.match(r.stderr, /nothing was created/);
    assert.equal(await namespaceExists(environment), false, "the namespace was created");
    const left = (await core.listNamespace()).items.map((n) => n.metadata?.name ?? "").filter((n) => n.startsWith(`${prefix}netpol-probe-`));
    assert.deepEqual(left, [], "the probe's namespace is gone");
  });

  test("kill -9 of prenv run during a stop fault (the Deployment at 0 replicas): prenv gc scales it back and removes the namespace", async () => {
    const environment = named("chaos-gc");
    const dir = project({
      "compose.yaml": `services:\n  srv:\n    image: ${BUSYBOX}\n    command: ["sleep", "3600"]\n`,
      "prenv.yml": `compose: [compose.yaml]\ntest:\n  command: ["sleep", "120"]\nchaos:\n  faults:\n    - { fault: stop, target: srv, start: 500ms, duration: until-end }\n`,
    });
    const child = spawn(process.execPath, [join(ROOT, "src/cli/index.ts"), "run", "--env", environment, ...args], { cwd: dir, env: { ...process.env, NODE_TEST_CONTEXT: undefined }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise((resolve) => child.on("close", resolve));
    // Bounded: the stop fault's line, or give up after 3 min.
    for (let i = 0; i < 720 && !/⚡ stop srv/.test(stderr) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 250));
    assert.match(stderr, /⚡ stop srv at .*: Deployment srv scaled to 0/);
    child.kill("SIGKILL");
    await exited;

    const namespace = backend.namespace(environment);
    const deployment = await apps.readNamespacedDeployment({ namespace, name: "srv" });
    assert.equal(deployment.spec?.replicas, 0, "the fault is in place after the kill");
    const record = JSON.parse(deployment.metadata?.annotations?.[LABELS.faultUndo] ?? "{}") as { replicas?: number; fault?: string };
    assert.deepEqual([record.replicas, record.fault], [1, "1.1 stop srv"], "the stop left its record on the Deployment");

    const gc = await cli(["gc", environment, ...args], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(gc.code, 0, gc.stderr);
    assert.match(gc.stderr, new RegExp(`undid fault 1\\.1 stop srv of ${environment} \\(process \\S+ is gone\\): Deployment srv scaled back to 1`));
    assert.match(gc.stderr, new RegExp(`removed ${environment}: left by a prenv run that ended before its teardown`));
    assert.equal(await namespaceExists(environment), false, "gc removed the namespace");
  });
});
