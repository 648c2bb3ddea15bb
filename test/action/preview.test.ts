/**
 * command: preview with the bundled Action against a real engine and the GitHub stand-in
 * (which checks every request, deployments included, against GitHub's description).
 * Payloads: @octokit/webhooks-examples pull_request opened / synchronize / closed, with
 * the number changed so that environment names never collide.
 *
 * The URLs' hosts resolve nowhere here (no DNS): without a proxy each service is reached at
 * its URL's published port on 127.0.0.1, with the URL's host in the Host header, as a
 * wildcard DNS record pointing at the engine would make it. On Kubernetes (when
 * PRENV_KUBECONFIG names the test cluster) the Ingress is read back from the API and the
 * service is reached through a port-forward this test opens, with the URL's host in the Host
 * header (test/k8s/preview.test.ts sends requests through a real ingress controller).
 * `preview-proxy: traefik` on Docker goes through a real Traefik: the last describe below.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as k8s from "@kubernetes/client-node";
import { LABELS, type Backend, type Updates } from "../../src/backends/backend.ts";
import { KubernetesBackend } from "../../src/backends/kubernetes/kubernetes-backend.ts";
import { VERSION } from "../../src/version.ts";
import { backend as dockerBackend, BUSYBOX, leftovers } from "../helpers/docker.ts";
import { startTraefik, traefikBinary, type Traefik } from "../helpers/traefik.ts";
import { testCluster } from "../k8s/kubeconfig.ts";
import { GitHubStandIn } from "../github/stand-in.ts";
import { examplePayload, runJob, workspace, type Job } from "./harness.ts";

const REPOSITORY = "Codertocat/Hello-World";
const TOKEN = "ghs_preview_token";
const BOT = "github-actions[bot]";
const HOST = "{service}-pr-{number}.preview.example.com";

let github: GitHubStandIn;
before(async () => {
  github = await GitHubStandIn.start({ repository: REPOSITORY, tokens: { [TOKEN]: { login: BOT, kind: "app" } } });
});
after(async () => {
  await github.stop();
});

/** web serves its VERSION; cache is Redis with its data in the container (no volume): a replaced container loses it. */
const definition = (version: string, broken = false) => `name: hello
services:
  cache:
    image: prenv-test/debian:1
    command: ["redis-server", "--protected-mode", "no", "--save", "", "--appendonly", "no"]
    x-prenv:
      ready: [{ port: 6379 }]
  web:
    image: ${BUSYBOX}
    command: ["sh", "-c", "${broken ? "echo web cannot start: version $$VERSION is broken >&2; exit 3" : "mkdir -p /www && echo $$VERSION > /www/index.html && exec httpd -f -p 80 -h /www"}"]
    environment:
      VERSION: "${version}"
    ports: ["80"]
    depends_on: [cache]
    x-prenv:
      ready: [{ port: 80 }]
`;

function event(action: string, number: number): Record<string, unknown> {
  const payload = examplePayload("pull_request", (p) => p.action === action);
  payload.number = number;
  (payload.pull_request as Record<string, unknown>).number = number;
  return payload;
}

/** A push: the workspace's definition at `version`, committed. */
function commitVersion(dir: string, version: string, broken = false): void {
  writeFileSync(join(dir, "prenv.yml"), definition(version, broken));
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@prenv.invalid", "commit", "-qam", `version ${version}`], { cwd: dir });
}

/** GET through the published port, with the URL's host as the Host header. */
function fetchVia(url: string, direct: string): Promise<string> {
  const target = new URL(url);
  const [host, port] = direct.split(":");
  return new Promise((resolve, reject) => {
    const req = request({ host, port: Number(port), path: "/index.html", headers: { host: target.host } }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve(body.trim()));
    });
    req.on("error", reject);
    req.end();
  });
}

interface Target {
  name: string;
  backend: Backend & Updates;
  /** Inputs that select the backend. */
  inputs: Record<string, string>;
  /** Where this test reaches a URL's service (the published port; a port-forward of its own on Kubernetes). */
  direct(environment: string, url: { direct?: string }): Promise<string>;
  /** The link text of a URL in the comment. */
  linkText(url: { url: string; direct?: string }): string;
  /** Nothing of the environment is left, by the engine's own API. */
  gone(environment: string): Promise<void>;
  /** Kubernetes: the Ingress hosts of the environment. */
  ingressHosts?(environment: string): Promise<string[]>;
}

function targets(): Target[] {
  const docker: Target = {
    name: "docker",
    backend: dockerBackend,
    inputs: {},
    direct: async (_environment, url) => url.direct!,
    linkText: (url) => `${new URL(url.url).hostname}:${url.direct!.split(":")[1]}`,
    gone: async (environment) => assert.deepEqual(await leftovers(environment), { containers: 0, networks: 0, volumes: 0 }),
  };
  const cluster = testCluster();
  if (!cluster.kubeconfig) return [docker];
  const config = new k8s.KubeConfig();
  config.loadFromFile(cluster.kubeconfig);
  const prefix = "prenv-action-";
  const backend = new KubernetesBackend({ config, version: VERSION, namespacePrefix: prefix });
  after(() => backend.close());
  const kubernetes: Target = {
    name: "kubernetes",
    backend,
    inputs: { backend: "kubernetes", kubeconfig: readFileSync(cluster.kubeconfig, "utf8"), "namespace-prefix": prefix, "preview-ingress-class": "prenv-test" },
    async direct(environment) {
      const e = (await backend.endpoints(environment)).find((p) => p.service === "web")!;
      return `${e.hostIp}:${e.hostPort}`;
    },
    linkText: (url) => new URL(url.url).hostname,
    async gone(environment) {
      const found = await config.makeApiClient(k8s.CoreV1Api).readNamespace({ name: backend.namespace(environment) }).then(
        () => true,
        (e: unknown) => !(e instanceof k8s.ApiException && e.code === 404),
      );
      assert.equal(found, false, "the namespace is gone");
    },
    async ingressHosts(environment) {
      const list = await config.makeApiClient(k8s.NetworkingV1Api).listNamespacedIngress({ namespace: backend.namespace(environment) });
      return list.items.map((i) => `${i.spec?.ingressClassName} ${i.spec?.rules?.[0]?.host} ${i.spec?.rules?.[0]?.http?.paths[0]?.backend.service?.name}:${i.spec?.rules?.[0]?.http?.paths[0]?.backend.service?.port?.number}`);
    },
  };
  return [docker, kubernetes];
}

for (const [index, target] of targets().entries()) describe(`command: preview on ${target.name}`, { concurrency: false }, () => {
  const { backend } = target;
  const ids = async (environment: string): Promise<Record<string, string>> => Object.fromEntries((await backend.observe(environment)).map((o) => [o.name, o.id]));
  const number = 7000 + (process.pid % 1000) + index * 1000;
  const ws = workspace({ "prenv.yml": definition("1") });
  const environment = `hello-world-pr-${number}-integration`;
  const job = (action: string): Job => ({ workspace: ws.dir, runnerTemp: ws.runnerTemp, eventName: "pull_request", payload: event(action, number), apiUrl: github.url, token: TOKEN, repository: REPOSITORY, sha: ws.sha, inputs: { command: "preview", "preview-host": HOST, "preview-ttl": "2h", ...target.inputs } });
  const comment = () => {
    const mine = github.commentsOn(number).filter((c) => c.login === BOT);
    assert.equal(mine.length, 1, "one comment, edited on every push");
    return mine[0]!.body;
  };
  const push = (version: string, broken = false) => commitVersion(ws.dir, version, broken);
  let first: Record<string, string> = {};

  after(async () => {
    await backend.remove(environment, { keepVolumes: false });
  });

  test("opened: the environment is up after the job, its URL is in the comment, a deployment pr-<n> has it", async () => {
    const started = Date.now();
    const { main, post } = await runJob(job("opened"));
    assert.equal(main.code, 0, main.stdout + main.stderr);
    assert.equal(post.code, 0);
    const urls = JSON.parse(main.outputs["preview-urls"]!) as { service: string; url: string; direct?: string }[];
    assert.deepEqual(urls.map((u) => u.service), ["web"]);
    const url = urls[0]!;
    if (target.name === "docker") {
      assert.match(url.url, new RegExp(`^http://web-pr-${number}\\.preview\\.example\\.com:\\d+$`));
      assert.equal(url.url.split(":").pop(), url.direct!.split(":").pop(), "the URL's port is the published one");
    } else {
      // The Ingress's bare host; its class, Service and port as the inputs and the definition say.
      assert.equal(url.url, `http://web-pr-${number}.preview.example.com`);
      assert.equal(url.direct, undefined);
      assert.deepEqual(await target.ingressHosts!(environment), [`prenv-test web-pr-${number}.preview.example.com web:80`]);
    }
    // Still up after the post step: reachable through the URL's port (Docker) or a port-forward (Kubernetes).
    assert.equal(await fetchVia(url.url, await target.direct(environment, url)), "1");
    first = await ids(environment);
    assert.deepEqual(Object.keys(first).sort(), ["cache", "web"]);
    const expiry = (await backend.expiries()).get(environment);
    assert.ok(expiry && Math.abs(expiry.getTime() - (started + 2 * 3_600_000)) < 120_000, `expires in 2 h: ${expiry?.toISOString()}`);

    const body = comment();
    assert.match(body, /### 🔎 prenv · integration — preview up/);
    assert.ok(body.includes(`[${target.linkText(url)}](${url.url})`), body);
    assert.match(body, /expires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ unless a push renews it · deployment `pr-\d+`/);

    const deployments = github.deploymentsTo(`pr-${number}`);
    assert.equal(deployments.length, 1);
    const pr = event("opened", number).pull_request as { head: { sha: string } };
    assert.equal(deployments[0]!.ref, pr.head.sha);
    assert.deepEqual(deployments[0]!.statuses.map((s) => [s.state, s.environmentUrl]), [["success", url.url]]);
    assert.equal(github.violations.length, 0, github.violations.join("\n"));

    // A Redis key written now must survive the next push.
    assert.equal((await backend.exec(environment, "cache", ["redis-cli", "SET", "cart", "kept"])).exitCode, 0);
  });

  test("a push that changes web replaces only web; cache keeps its container and its data; the comment says what changed", async () => {
    push("2");
    const { main } = await runJob(job("synchronize"));
    assert.equal(main.code, 0, main.stdout + main.stderr);
    const now = await ids(environment);
    assert.equal(now.cache, first.cache, "cache kept its container");
    assert.notEqual(now.web, first.web, "web was replaced");
    assert.equal((await backend.exec(environment, "cache", ["redis-cli", "GET", "cart"])).output.trim(), "kept");
    const url = (JSON.parse(main.outputs["preview-urls"]!) as { url: string; direct?: string }[])[0]!;
    assert.equal(await fetchVia(url.url, await target.direct(environment, url)), "2");

    const body = comment();
    assert.match(body, /— preview updated/);
    assert.match(body, /\*\*This push changed\*\*\n- `web` recreated: its configuration changed/);
    assert.match(body, /- unchanged, same containers and data: `cache`/);
    const deployments = github.deploymentsTo(`pr-${number}`);
    assert.equal(deployments.length, 2);
    assert.deepEqual(deployments.map((d) => d.statuses.at(-1)!.state), ["inactive", "success"], "the earlier deployment went inactive");
    assert.equal(deployments[1]!.statuses.at(-1)!.environmentUrl, url.url);
    first = now;
  });

  test("a push with no change replaces nothing", async () => {
    const { main } = await runJob(job("synchronize"));
    assert.equal(main.code, 0, main.stdout + main.stderr);
    assert.deepEqual(await ids(environment), first);
    assert.match(comment(), /\*\*This push changed\*\* nothing: no container was replaced\n- unchanged, same containers and data: `cache`, `web`/);
  });

  test("a push whose web cannot start fails the job, names web, and leaves the previous version serving with its data", async () => {
    push("3", true);
    const { main, post } = await runJob(job("synchronize"));
    assert.equal(main.code, 1, main.stdout + main.stderr);
    assert.equal(post.code, 0);
    assert.match(main.stdout + main.stderr, /the update failed at service "web"/);
    // The same containers as before the push, running; web still serves version 2, cache its key.
    assert.deepEqual(await ids(environment), first);
    for (const o of await backend.observe(environment)) assert.equal(o.state, "running", `${o.name} runs`);
    const url = (JSON.parse(main.outputs["preview-urls"]!) as { url: string; direct?: string }[])[0]!;
    assert.equal(await fetchVia(url.url, await target.direct(environment, url)), "2");
    assert.equal((await backend.exec(environment, "cache", ["redis-cli", "GET", "cart"])).output.trim(), "kept");

    const body = comment();
    assert.match(body, /update failed/i);
    assert.match(body, /`web`/);
    assert.match(body, /version 3 is broken/, "the failing service's output");
    assert.match(body, /previous version still serves/i);
    assert.ok(body.includes(`[${target.linkText(url)}](${url.url})`), `the URL of what still serves:\n${body}`);
    const deployments = github.deploymentsTo(`pr-${number}`);
    // opened, the push of web, the push without change (serving), this push.
    assert.deepEqual(deployments.map((d) => d.statuses.at(-1)!.state), ["inactive", "inactive", "success", "failure"], "the serving deployment stays active");
    assert.equal(github.violations.length, 0, github.violations.join("\n"));
    // Back to a good version for what follows.
    push("2");
  });

  test("closed: the environment is gone, the deployment inactive, the comment says it was removed", async () => {
    const { main, post } = await runJob(job("closed"));
    assert.equal(main.code, 0, main.stdout + main.stderr);
    assert.equal(post.code, 0);
    await target.gone(environment);
    const deployments = github.deploymentsTo(`pr-${number}`);
    assert.equal(deployments.at(-1)!.statuses.at(-1)!.state, "inactive");
    assert.ok(deployments.every((d) => d.statuses.at(-1)!.state === "inactive"));
    const body = comment();
    assert.match(body, /### 🧹 prenv · integration — environment removed/);
    assert.ok(body.includes(`**Preview removed**: the environment \`${environment}\` is gone and deployment \`pr-${number}\` is marked inactive.`), body);
    assert.doesNotMatch(body, /preview\.example\.com/);
    assert.equal(github.violations.length, 0, github.violations.join("\n"));
  });
});

/**
 * `preview-proxy: traefik` through a real Traefik (scripts/traefik.sh) that this test starts
 * on the host with the Docker provider, as a user's Traefik on the engine's machine would
 * run: exposedByDefault=false, so only containers with `traefik.enable` are served, and a
 * constraint on this environment's label, so that other runs' containers on the shared
 * engine stay out of it. Requests go to its entrypoint with the URL's host.
 */
const traefik = traefikBinary();
describe("command: preview with preview-proxy: traefik, through Traefik's Docker provider", { concurrency: false, skip: traefik.ok ? false : traefik.why }, () => {
  const number = 9000 + (process.pid % 1000);
  const ws = workspace({ "prenv.yml": definition("1") });
  const environment = `hello-world-pr-${number}-integration`;
  const host = `web-pr-${number}.preview.example.com`;
  const job = (action: string): Job => ({ workspace: ws.dir, runnerTemp: ws.runnerTemp, eventName: "pull_request", payload: event(action, number), apiUrl: github.url, token: TOKEN, repository: REPOSITORY, sha: ws.sha, inputs: { command: "preview", "preview-host": HOST, "preview-proxy": "traefik", "preview-ttl": "2h" } });
  let proxy: Traefik;
  let web = "";

  before(async () => {
    const endpoint = process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock";
    proxy = await startTraefik(traefik.ok ? traefik.value : "", [
      "--providers.docker=true",
      `--providers.docker.endpoint=${endpoint}`,
      "--providers.docker.exposedByDefault=false",
      `--providers.docker.constraints=Label(\`${LABELS.environment}\`,\`${environment}\`)`,
    ]);
  });
  after(async () => {
    await proxy?.stop();
    await dockerBackend.remove(environment, { keepVolumes: false });
  });
  const webId = async () => (await dockerBackend.observe(environment)).find((o) => o.name === "web")!.id;

  test("opened: the URL is the bare host, and Traefik serves web's page for it", async () => {
    assert.equal((await proxy.get(host)).status, 404, "no router for the host before the preview");
    const { main } = await runJob(job("opened"));
    assert.equal(main.code, 0, main.stdout + main.stderr);
    const urls = JSON.parse(main.outputs["preview-urls"]!) as { service: string; url: string }[];
    assert.deepEqual(urls.map((u) => [u.service, u.url]), [["web", `http://${host}`]]);
    const served = await proxy.until(host, (a) => a.status === 200, "web's page");
    assert.equal(served.body, "1");
    // Another host (here: the cache's, which publishes nothing) has no router.
    assert.equal((await proxy.get(`cache-pr-${number}.preview.example.com`)).status, 404);
    web = await webId();
  });

  test("a push that changes web: the same host serves the new version, from the replaced container", async () => {
    commitVersion(ws.dir, "2");
    const { main } = await runJob(job("synchronize"));
    assert.equal(main.code, 0, main.stdout + main.stderr);
    assert.notEqual(await webId(), web, "web was replaced");
    const served = await proxy.until(host, (a) => a.status === 200 && a.body !== "1", "the new version");
    assert.equal(served.body, "2");
  });

  test("closed: the host answers 404", async () => {
    const { main } = await runJob(job("closed"));
    assert.equal(main.code, 0, main.stdout + main.stderr);
    assert.deepEqual(await leftovers(environment), { containers: 0, networks: 0, volumes: 0 });
    await proxy.until(host, (a) => a.status === 404, "Traefik's 404 once the preview is removed");
  });
});
