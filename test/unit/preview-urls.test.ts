import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { dockerRouter, hostFor, hostTemplateProblem, kubernetesRouter } from "../../src/engine/preview-urls.ts";
import { serviceManifests } from "../../src/backends/kubernetes/manifests.ts";
import { configHash } from "../../src/engine/diff.ts";
import { planEnvironment } from "../../src/plan/plan.ts";
import { load } from "./compose-fixture.ts";
import type { Endpoint } from "../../src/backends/backend.ts";

const endpoints: Endpoint[] = [
  { service: "web_front", containerPort: 80, protocol: "tcp", hostIp: "0.0.0.0", hostPort: 32768 },
  { service: "web_front", containerPort: 443, protocol: "tcp", hostIp: "0.0.0.0", hostPort: 32769 },
  { service: "dns", containerPort: 53, protocol: "udp", hostIp: "0.0.0.0", hostPort: 32770 },
];
const addressing = { hostTemplate: "{service}-pr-{number}.preview.example.com", number: 12, repo: "Hello-World", proxy: "none" as const, ingressClass: "" };

describe("preview URLs", () => {
  test("host templates: placeholders known, {service} required, a host name and nothing else", () => {
    assert.equal(hostTemplateProblem(""), undefined);
    assert.equal(hostTemplateProblem("{service}-pr-{number}.{repo}.example.com"), undefined);
    assert.equal(hostTemplateProblem("https://{service}.example.com"), undefined);
    assert.match(hostTemplateProblem("{svc}.example.com")!, /\{svc\} is not a placeholder/);
    assert.match(hostTemplateProblem("pr-{number}.example.com")!, /no \{service\}/);
    assert.match(hostTemplateProblem("{service}.example.com/path")!, /not a host name/);
    assert.match(hostTemplateProblem("{service}.example.com:8080")!, /not a host name/);
  });

  test("a service name becomes a DNS label", () => {
    assert.equal(hostFor(addressing, "Web_Front"), "web-front-pr-12.preview.example.com");
  });

  test("without a proxy: the host with the published port, one URL per service with a TCP port", () => {
    assert.deepEqual(dockerRouter(addressing).urls(endpoints), [{ service: "web_front", url: "http://web-front-pr-12.preview.example.com:32768", containerPort: 80, direct: "127.0.0.1:32768" }]);
    assert.deepEqual(dockerRouter({ ...addressing, hostTemplate: "" }).urls(endpoints).map((u) => u.url), ["http://127.0.0.1:32768"]);
  });

  test("traefik: router labels on each exposed service, bare-host URLs; other services untouched", () => {
    const compose = "services:\n  web_front:\n    image: busybox\n    ports: ['80']\n    labels: { keep: me }\n  worker:\n    image: busybox\n    labels: { keep: me }\n";
    const plan = planEnvironment(load({ "compose.yaml": compose }), { environment: "hello-pr-12-integration" });
    const router = dockerRouter({ ...addressing, hostTemplate: "https://{service}-pr-{number}.preview.example.com", proxy: "traefik" });
    const routed = router.route(plan);
    assert.deepEqual(routed.services[0]!.spec.labels, {
      keep: "me",
      "traefik.enable": "true",
      "traefik.http.routers.hello-pr-12-integration-web-front.rule": "Host(`web-front-pr-12.preview.example.com`)",
      "traefik.http.routers.hello-pr-12-integration-web-front.service": "hello-pr-12-integration-web-front",
      "traefik.http.services.hello-pr-12-integration-web-front.loadbalancer.server.port": "80",
    });
    assert.deepEqual(routed.services[1]!.spec.labels, { keep: "me" });
    assert.deepEqual(plan.services[0]!.spec.labels, { keep: "me" }, "the plan given is not changed");
    assert.deepEqual(router.urls(endpoints).map((u) => u.url), ["https://web-front-pr-12.preview.example.com"]);
  });

  test("kubernetes: an Ingress route on each exposed service (host, class, port), in its hash; bare-host URLs", () => {
    const compose = "services:\n  web_front:\n    image: busybox\n    ports: ['8080', '9090']\n  worker:\n    image: busybox\n";
    const plan = planEnvironment(load({ "compose.yaml": compose }), { environment: "hello-pr-12" });
    const router = kubernetesRouter({ ...addressing, hostTemplate: "https://{service}-pr-{number}.preview.example.com", ingressClass: "nginx" });
    const routed = router.route(plan);
    assert.deepEqual(routed.services[0]!.ingress, { host: "web-front-pr-12.preview.example.com", port: 8080, className: "nginx" });
    assert.equal(routed.services[1]!.ingress, undefined);
    assert.equal(plan.services[0]!.ingress, undefined, "the plan given is not changed");
    const image = { id: "sha256:1" };
    assert.notEqual(configHash(routed.services[0]!, image), configHash(plan.services[0]!, image), "a new route recreates the service");
    assert.equal(configHash(routed.services[1]!, image), configHash(plan.services[1]!, image), "a service without a route keeps its hash");
    const defaultClass = kubernetesRouter({ ...addressing }).route(plan).services[0]!.ingress;
    assert.deepEqual(defaultClass, { host: "web-front-pr-12.preview.example.com", port: 8080 });

    const m = serviceManifests({ plan: routed, service: routed.services[0]!, namespace: "ns", image: "busybox", persistentVolumes: false, binds: new Map(), labels: {}, annotations: {} });
    const name = m.services[0]!.metadata!.name!;
    assert.equal(m.ingress?.metadata?.name, name);
    assert.deepEqual(m.ingress?.spec, {
      ingressClassName: "nginx",
      rules: [{ host: "web-front-pr-12.preview.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name, port: { number: 8080 } } } }] } }],
    });
    assert.ok(m.services[0]!.spec?.ports?.some((p) => p.port === 8080), "the Service has the port the Ingress names");
    assert.equal(serviceManifests({ plan, service: plan.services[1]!, namespace: "ns", image: "busybox", persistentVolumes: false, binds: new Map(), labels: {}, annotations: {} }).ingress, undefined);

    const forwarded: Endpoint[] = [{ service: "web_front", containerPort: 8080, protocol: "tcp", hostIp: "127.0.0.1", hostPort: 40001 }];
    // No direct address: the run's port-forward ends with it.
    assert.deepEqual(router.urls(forwarded), [{ service: "web_front", url: "https://web-front-pr-12.preview.example.com", containerPort: 8080 }]);
  });
});
