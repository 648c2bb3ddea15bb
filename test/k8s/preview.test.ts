import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as k8s from "@kubernetes/client-node";
import { KubernetesBackend } from "../../src/backends/kubernetes/kubernetes-backend.ts";
import { LOCK } from "../../src/backends/kubernetes/updates.ts";
import { loadEnvironment } from "../../src/definition/environment.ts";
import { kubernetesRouter } from "../../src/engine/preview-urls.ts";
import { upOrUpdate } from "../../src/engine/update.ts";
import { planEnvironment } from "../../src/plan/plan.ts";
import { VERSION } from "../../src/version.ts";
import { BUSYBOX, project, environmentNames } from "../helpers/docker.ts";
import { startTraefik, traefikBinary } from "../helpers/traefik.ts";
import { testCluster } from "./kubeconfig.ts";

/**
 * What only Kubernetes does for previews, on the test cluster: the lock is a Lease, and
 * preview URLs are Ingress objects: read back from the API and reached through a
 * port-forward to the pod, and (last test) served by a real ingress controller, Traefik
 * on the host (docs/previews.md says what runs for real).
 */

const cluster = testCluster();
const config = new k8s.KubeConfig();
if (cluster.kubeconfig) config.loadFromFile(cluster.kubeconfig);
const backend = cluster.kubeconfig ? new KubernetesBackend({ config, version: VERSION, namespacePrefix: "prenv-k8s-", registry: "localhost:5000" }) : undefined;
const owner = { host: hostname(), pid: process.pid };
// Every environment named here is removed when the file ends (none without a cluster: the tests fail then).
const named = environmentNames(backend ?? { remove: () => Promise.reject(new Error("no test cluster")) });
after(async () => {
  await backend?.close();
});

const web = (text: string) => `
services:
  web_front:
    image: ${BUSYBOX}
    command: ["sh", "-c", "mkdir -p /w && echo ${text} > /w/index.html && exec httpd -f -p 8080 -h /w"]
    ports: ["8080"]
  worker:
    image: ${BUSYBOX}
    command: ["sleep", "86400"]
`;

test("the update lock is a Lease in the namespace: holder, renew time, duration; released by its holder only", { skip: cluster.skip, timeout: 300_000 }, async () => {
  const environment = named("lease");
  const dir = project({ "compose.yaml": web("one") });
  const plan = planEnvironment(loadEnvironment({ cwd: dir, env: {} }).definition, { environment });
  await upOrUpdate(plan, { backend: backend!, owner, timeoutMs: 180_000 });
  const namespace = backend!.namespace(environment);
  const leases = config.makeApiClient(k8s.CoordinationV1Api);
  const until = new Date(Date.now() + 120_000);
  const held = await backend!.tryLock(plan, owner, BUSYBOX, until);
  assert.ok(held.acquired);
  const lease = await leases.readNamespacedLease({ namespace, name: LOCK });
  assert.equal(lease.spec?.holderIdentity, held.id);
  assert.match(held.id, new RegExp(`^${owner.host}:${owner.pid}:`));
  assert.ok(Math.abs((lease.spec?.leaseDurationSeconds ?? 0) - 120) <= 1, JSON.stringify(lease.spec));
  assert.ok(Math.abs(new Date(lease.spec!.renewTime!).getTime() - Date.now()) < 30_000, JSON.stringify(lease.spec));
  // A second run waits while it is held: its attempt names the holder and the lease's end.
  const other = await backend!.tryLock(plan, { host: "elsewhere", pid: 9 }, BUSYBOX, until);
  assert.equal(other.acquired, false);
  assert.ok(!other.acquired && Math.abs(other.leaseUntil.getTime() - until.getTime()) < 2000);
  await backend!.unlock(environment, "elsewhere:9:00000000");
  assert.equal((await leases.readNamespacedLease({ namespace, name: LOCK })).spec?.holderIdentity, held.id, "another id does not release it");
  await backend!.unlock(environment, held.id);
  await assert.rejects(leases.readNamespacedLease({ namespace, name: LOCK }), (e: unknown) => e instanceof k8s.ApiException && e.code === 404);
});

test("preview URLs: an Ingress per exposed service (host, class, backend Service and port); a new host template recreates only the exposed service", { skip: cluster.skip, timeout: 300_000 }, async () => {
  const environment = named("ingress");
  const dir = project({ "compose.yaml": web("hello") });
  const plan = () => planEnvironment(loadEnvironment({ cwd: dir, env: {} }).definition, { environment });
  const addressing = { hostTemplate: "https://{service}-pr-{number}.preview.example.com", number: 7, repo: "shop", proxy: "none" as const, ingressClass: "prenv-test" };
  const router = kubernetesRouter(addressing);
  const result = await upOrUpdate(router.route(plan()), { backend: backend!, owner, timeoutMs: 180_000 });
  const namespace = backend!.namespace(environment);
  const networking = config.makeApiClient(k8s.NetworkingV1Api);
  const ingresses = async () => (await networking.listNamespacedIngress({ namespace })).items;
  const [ingress, ...others] = await ingresses();
  assert.equal(others.length, 0, "only the exposed service has one");
  assert.equal(ingress?.spec?.ingressClassName, "prenv-test");
  const rule = ingress!.spec!.rules![0]!;
  assert.equal(rule.host, "web-front-pr-7.preview.example.com");
  const backendRef = rule.http!.paths[0]!.backend.service!;
  assert.equal(backendRef.port?.number, 8080);
  // The Service it names exists and selects the service's pod, with that port.
  const service = await config.makeApiClient(k8s.CoreV1Api).readNamespacedService({ namespace, name: backendRef.name });
  assert.ok(service.spec?.ports?.some((p) => p.port === 8080), JSON.stringify(service.spec?.ports));
  const pods = await config.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace, labelSelector: Object.entries(service.spec!.selector!).map(([k, v]) => `${k}=${v}`).join(",") });
  assert.equal(pods.items.length, 1);

  const urls = router.urls(result.endpoints);
  assert.deepEqual(urls.map((u) => [u.service, u.url, u.containerPort]), [["web_front", "https://web-front-pr-7.preview.example.com", 8080]]);
  // No ingress controller here: the URL's service through a port-forward, with the URL's host.
  const forward = result.endpoints.find((e) => e.service === "web_front")!;
  const served = await fetch(`http://${forward.hostIp}:${forward.hostPort}/index.html`, { headers: { Host: "web-front-pr-7.preview.example.com" } });
  assert.equal((await served.text()).trim(), "hello");

  // Another host template: the exposed service is recreated with a new Ingress; the worker keeps its pod.
  const before = new Map((await backend!.observe(environment)).map((o) => [o.name, o.id]));
  const moved = kubernetesRouter({ ...addressing, hostTemplate: "{service}.pr-{number}.example.org" });
  const updated = await upOrUpdate(moved.route(plan()), { backend: backend!, owner, timeoutMs: 180_000 });
  assert.deepEqual(updated.operations.map((o) => [o.service, o.kind]), [["web_front", "recreate"], ["worker", "unchanged"]]);
  const after = new Map((await backend!.observe(environment)).map((o) => [o.name, o.id]));
  assert.equal(after.get("worker"), before.get("worker"));
  assert.notEqual(after.get("web_front"), before.get("web_front"));
  assert.deepEqual((await ingresses()).map((i) => i.spec?.rules?.[0]?.host), ["web-front.pr-7.example.org"]);
});

/**
 * The Ingress through a real controller: Traefik's kubernetesIngress provider (scripts/traefik.sh),
 * run by this test on the host with the cluster's kubeconfig. It routes to the pods' own
 * addresses (EndpointSlices), which this host reaches: the pod network 10.244.0.0/24 is the
 * bridge prenv-cni0 on this machine (test/k8s/README.md). The IngressClass is this run's own
 * (controller traefik.io/ingress-controller), so that concurrent runs' Traefiks and Ingresses
 * stay apart; Traefik watches only this environment's namespace.
 */
const traefik = traefikBinary();
test("preview URLs through Traefik's kubernetesIngress provider: the host serves the page, follows a replaced pod, 404 once removed", { skip: cluster.skip || (traefik.ok ? false : traefik.why), timeout: 300_000 }, async () => {
  const environment = named("traefik");
  const namespace = backend!.namespace(environment);
  const ingressClass = `prenv-test-traefik-${process.pid}`;
  const classes = config.makeApiClient(k8s.NetworkingV1Api);
  await classes.createIngressClass({ body: { metadata: { name: ingressClass }, spec: { controller: "traefik.io/ingress-controller" } } });
  const proxy = await startTraefik(traefik.ok ? traefik.value : "", ["--providers.kubernetesingress=true", `--providers.kubernetesingress.ingressClass=${ingressClass}`, `--providers.kubernetesingress.namespaces=${namespace}`], { KUBECONFIG: cluster.kubeconfig! }).catch(async (e: unknown) => {
    await classes.deleteIngressClass({ name: ingressClass });
    throw e;
  });
  try {
    const host = "web-front-pr-8.preview.example.com";
    const router = kubernetesRouter({ hostTemplate: "{service}-pr-{number}.preview.example.com", number: 8, repo: "shop", proxy: "none", ingressClass });
    const dir = project({ "compose.yaml": web("hello") });
    const plan = () => router.route(planEnvironment(loadEnvironment({ cwd: dir, env: {} }).definition, { environment }));
    assert.equal((await proxy.get(host)).status, 404, "no router for the host before the Ingress");
    await upOrUpdate(plan(), { backend: backend!, owner, timeoutMs: 180_000 });
    const podIp = async () => {
      const pods = await config.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace });
      return pods.items.filter((p) => p.metadata?.deletionTimestamp === undefined && p.metadata?.name?.startsWith("web-front")).map((p) => p.status?.podIP);
    };
    const first = await podIp();
    assert.equal((await proxy.until(host, (a) => a.status === 200, "the page through the Ingress")).body, "hello");
    assert.equal((await proxy.get("worker-pr-8.preview.example.com")).status, 404, "no Ingress for the worker");

    // A change to the service: a new pod at another address; the same host serves it.
    writeFileSync(join(dir, "compose.yaml"), web("again"));
    const updated = await upOrUpdate(plan(), { backend: backend!, owner, timeoutMs: 180_000 });
    assert.deepEqual(updated.operations.map((o) => [o.service, o.kind]), [["web_front", "recreate"], ["worker", "unchanged"]]);
    assert.notDeepEqual(await podIp(), first, "web_front runs in a new pod");
    assert.equal((await proxy.until(host, (a) => a.status === 200 && a.body !== "hello", "the new version through the Ingress")).body, "again");

    await backend!.remove(environment, { keepVolumes: false });
    await proxy.until(host, (a) => a.status === 404, "Traefik's 404 once the environment is removed", 120_000);
  } finally {
    await proxy.stop();
    await classes.deleteIngressClass({ name: ingressClass });
  }
});
