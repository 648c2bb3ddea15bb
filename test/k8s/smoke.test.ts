/**
 * Smoke test of the test cluster that test/k8s/cluster.sh runs (a real single-node Kubernetes):
 * a Deployment and a Service in a namespace of its own; another pod reaches the Service by its
 * DNS name; the host reaches the Deployment's pod through a port-forward made with
 * @kubernetes/client-node; logs and exec go through the API. The namespace goes at the end.
 *
 * Skipped when there is no cluster: PRENV_KUBECONFIG (default /var/lib/prenv-k8s/kubeconfig,
 * which cluster.sh up writes once the cluster works) names no file. .ci/run brings the cluster up.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import * as k8s from "@kubernetes/client-node";

const KUBECONFIG = process.env.PRENV_KUBECONFIG || "/var/lib/prenv-k8s/kubeconfig";
const BUSYBOX = "prenv-test/busybox:1";
const skip = existsSync(KUBECONFIG)
  ? false
  : `no Kubernetes cluster: ${KUBECONFIG} does not exist (test/k8s/cluster.sh up starts one and writes it; ` +
    "PRENV_KUBECONFIG names another)";
// In CI (.ci/run starts the cluster) a missing cluster fails the file rather than skipping it.
if (skip && process.env.CI) throw new Error(`the Kubernetes smoke test cannot run in CI: ${skip}`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls check until it returns a value other than undefined; fails after timeoutMs with what it saw last. */
async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: last });
    await sleep(500);
  }
}

/** A Writable that keeps what is written to it. */
class Collector extends Writable {
  text = "";
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.text += chunk.toString();
    callback();
  }
}

function finished(stream: Writable): Promise<void> {
  if (stream.writableFinished) return Promise.resolve();
  return new Promise((resolve, reject) => {
    stream.once("finish", () => resolve());
    stream.once("error", reject);
  });
}

/** GET http://127.0.0.1:port/path on a connection of its own. */
function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: "127.0.0.1", port, path, agent: false, timeout: 20_000 }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error(`GET ${path} through the port-forward timed out`)));
    request.on("error", reject);
  });
}

// Each test carries the skip (so that the runner counts them as skipped, with the reason), and
// the hooks do nothing without a cluster.
const it = (name: string, fn: () => Promise<void>) => test(name, { skip }, fn);

describe("Kubernetes test cluster (test/k8s/cluster.sh)", { timeout: 300_000 }, () => {
  const kc = new k8s.KubeConfig();
  const namespace = `prenv-smoke-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  let webPod = "";

  /** Runs command in a container through the API (client-node's Exec). */
  async function exec(pod: string, container: string, command: string[]) {
    const stdout = new Collector();
    const stderr = new Collector();
    const status = await new Promise<k8s.V1Status>((resolve, reject) => {
      new k8s.Exec(kc)
        .exec(namespace, pod, container, command, stdout, stderr, null, false, resolve)
        .then((ws) => ws.on("close", () => reject(new Error(`exec ${command.join(" ")}: closed without a status`))))
        .catch(reject);
    });
    await Promise.all([finished(stdout), finished(stderr)]);
    return { status, stdout: stdout.text, stderr: stderr.text };
  }

  before(async () => {
    if (skip) return;
    kc.loadFromFile(KUBECONFIG);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);

    await core.createNamespace({ body: { metadata: { name: namespace, labels: { "prenv.test": "smoke" } } } });
    // Pods cannot be created before the namespace's default service account exists.
    await waitFor("the namespace's default service account", 60_000, async () =>
      core.readNamespacedServiceAccount({ namespace, name: "default" }),
    );

    const labels = { app: "web" };
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: "web", labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              terminationGracePeriodSeconds: 1,
              containers: [
                {
                  name: "web",
                  image: BUSYBOX,
                  imagePullPolicy: "IfNotPresent",
                  command: [
                    "sh",
                    "-c",
                    'mkdir -p /www && echo "hello from $(hostname)" >/www/index.html && ' +
                      'echo "web: serving /www on port 80" && exec httpd -f -v -p 80 -h /www',
                  ],
                  ports: [{ containerPort: 80 }],
                  readinessProbe: { httpGet: { path: "/index.html", port: 80 }, periodSeconds: 1 },
                },
              ],
            },
          },
        },
      },
    });
    await core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: "web" },
        spec: { selector: labels, ports: [{ name: "http", port: 80, targetPort: 80 }] },
      },
    });
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: "client" },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            { name: "client", image: BUSYBOX, imagePullPolicy: "IfNotPresent", command: ["sleep", "3600"] },
          ],
        },
      },
    });

    await waitFor("deployment web to be available", 120_000, async () => {
      const deployment = await apps.readNamespacedDeployment({ namespace, name: "web" });
      return deployment.status?.availableReplicas === 1 ? true : undefined;
    });
    webPod = await waitFor("the web pod", 30_000, async () => {
      const pods = await core.listNamespacedPod({ namespace, labelSelector: "app=web" });
      const ready = pods.items.find((pod) =>
        pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
      );
      return ready?.metadata?.name;
    });
    await waitFor("pod client to run", 120_000, async () => {
      const pod = await core.readNamespacedPod({ namespace, name: "client" });
      return pod.status?.phase === "Running" ? true : undefined;
    });
  });

  after(async () => {
    if (!core) return;
    await core.deleteNamespace({ name: namespace, body: { gracePeriodSeconds: 0 } }).catch(() => undefined);
    // The namespace's pods must be gone before the next test file's cluster use; wait for it.
    await waitFor(`namespace ${namespace} to be deleted`, 120_000, async () => {
      try {
        await core.readNamespace({ name: namespace });
        return undefined;
      } catch (error) {
        if (error instanceof k8s.ApiException && error.code === 404) return true;
        throw error;
      }
    });
  });

  it("the node is Ready and runs CoreDNS", async () => {
    const nodes = await core.listNode();
    assert.equal(nodes.items.length, 1);
    const ready = nodes.items[0]?.status?.conditions?.find((c) => c.type === "Ready");
    assert.equal(ready?.status, "True");
    const dns = await core.readNamespacedService({ namespace: "kube-system", name: "kube-dns" });
    assert.ok(dns.spec?.clusterIP, "kube-dns has a cluster IP");
  });

  it("another pod reaches the Service by its DNS name", async () => {
    const url = `http://web.${namespace}.svc.cluster.local/index.html`;
    // A Service's endpoints and the proxy's rules may trail the pod's readiness by a moment.
    const result = await waitFor(`wget ${url} from pod client`, 60_000, async () => {
      // Not wget -T: Debian's busybox 1.35 wget crashes (SIGSEGV) with it; busybox timeout instead.
      const r = await exec("client", "client", ["timeout", "10", "wget", "-q", "-O", "-", url]);
      return r.status.status === "Success" ? r : undefined;
    });
    assert.equal(result.stdout.trim(), `hello from ${webPod}`);
  });

  it("exec reports the command's exit code and output streams", async () => {
    const result = await exec(webPod, "web", ["sh", "-c", "echo out; echo err >&2; exit 3"]);
    assert.equal(result.stdout, "out\n");
    assert.equal(result.stderr, "err\n");
    assert.equal(result.status.status, "Failure");
    const exitCode = result.status.details?.causes?.find((c) => c.reason === "ExitCode")?.message;
    assert.equal(exitCode, "3");
  });

  it("the host reaches the pod through a port-forward (client-node PortForward + a local server)", async () => {
    const forward = new k8s.PortForward(kc);
    const errors: string[] = [];
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      const errorStream = new Collector();
      errorStream.on("finish", () => errorStream.text && errors.push(errorStream.text));
      forward
        .portForward(namespace, webPod, [80], socket, errorStream, socket)
        .then((ws) => {
          if (typeof ws === "function") throw new Error("portForward returned a retrying handle");
          ws.on("close", () => {
            if (errorStream.text) errors.push(errorStream.text);
            socket.end();
          });
          socket.on("close", () => ws.close());
        })
        .catch((error: unknown) => {
          errors.push(String(error));
          socket.destroy();
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      for (let i = 0; i < 3; i++) {
        const response = await get(port, "/index.html");
        assert.equal(response.status, 200, `status of request ${i + 1}; errors: ${errors.join("; ")}`);
        assert.equal(response.body.trim(), `hello from ${webPod}`);
      }
      const missing = await get(port, "/no-such-file");
      assert.equal(missing.status, 404);
    } finally {
      // Each connection has a web socket of its own; whatever is still open goes now.
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("the pod's log comes through the API (client-node Log)", async () => {
    const out = new Collector();
    await new k8s.Log(kc).log(namespace, webPod, "web", out, { follow: false, tailLines: 100 });
    await finished(out);
    assert.match(out.text, /^web: serving \/www on port 80$/m);
    // httpd -v logs each request; at least the kubelet's readiness probes have been answered.
    assert.match(out.text, /: response:200$/m);
  });
});
