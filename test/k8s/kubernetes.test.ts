import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { hostname } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as k8s from "@kubernetes/client-node";
import { KubernetesBackend } from "../../src/backends/kubernetes/kubernetes-backend.ts";
import { loadEnvironment } from "../../src/definition/environment.ts";
import { runEnvironment } from "../../src/engine/run.ts";
import { planEnvironment } from "../../src/plan/plan.ts";
import { VERSION } from "../../src/version.ts";
import { BUSYBOX, cli, project, ROOT, uniqueName, environmentNames } from "../helpers/docker.ts";
import { testCluster } from "./kubeconfig.ts";

/** What only Kubernetes does, on the test cluster; what both backends owe is test/contract. */

const cluster = testCluster();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const config = new k8s.KubeConfig();
if (cluster.kubeconfig) config.loadFromFile(cluster.kubeconfig);
const backend = cluster.kubeconfig ? new KubernetesBackend({ config, version: VERSION, namespacePrefix: "prenv-k8s-", registry: "localhost:5000" }) : undefined;
// Every environment named here is removed when the file ends (none without a cluster: the tests fail then).
const named = environmentNames(backend ?? { remove: () => Promise.reject(new Error("no test cluster")) });
after(async () => {
  await backend?.close();
});

test("the test service runs as a Job in the namespace; its exit code is the suite's", { skip: cluster.skip, timeout: 300_000 }, async () => {
  const environment = named("job");
  const dir = project({
    "compose.yaml": `services:\n  web:\n    image: ${BUSYBOX}\n    command: ["sh", "-c", "mkdir -p /w && echo pong > /w/ping && exec httpd -f -p 8080 -h /w"]\n  tests:\n    image: ${BUSYBOX}\n    command: ["sh", "-c", "sleep 2; timeout 10 wget -q -O - http://web:8080/ping; exit 5"]\n    depends_on: [web]\n`,
    "prenv.yml": "compose: [compose.yaml]\ntest:\n  service: tests\n",
  });
  const env = loadEnvironment({ cwd: dir, env: {} });
  const plan = planEnvironment(env.definition, { environment, ...(env.test?.mode === "service" ? { testService: env.test.service } : {}) });
  const batch = config.makeApiClient(k8s.BatchV1Api);
  const apps = config.makeApiClient(k8s.AppsV1Api);
  const namespace = backend!.namespace(environment);
  // Watched while the run goes: the test service exists only while the suite runs.
  const seen = { job: false, deployment: false };
  let running = true;
  const watching = (async () => {
    while (running) {
      const [jobs, deployments] = await Promise.all([batch.listNamespacedJob({ namespace }).catch(() => undefined), apps.listNamespacedDeployment({ namespace }).catch(() => undefined)]);
      if (jobs?.items.some((j) => j.metadata?.name === "tests")) seen.job = true;
      if (deployments?.items.some((d) => d.metadata?.name === "tests")) seen.deployment = true;
      await sleep(300);
    }
  })();
  let output = "";
  const report = await runEnvironment(env, plan, { backend: backend!, owner: { host: hostname(), pid: process.pid, ephemeral: true }, version: VERSION, env: process.env, boot: true, teardown: true, bootTimeoutMs: 120_000, onOutput: (c) => (output += c) });
  running = false;
  await watching;
  assert.equal(report.suite?.exitCode, 5, `${JSON.stringify(report.error)}\n${output}`);
  assert.equal(report.outcome, "failed");
  assert.match(output, /pong/);
  assert.ok(seen.job, "no Job named tests was seen in the namespace");
  assert.equal(seen.deployment, false, "the test service ran as a Deployment");
});

/** Runs `prenv exec` under tmux, a real terminal, types into it and reads the screen. */
test("prenv exec on a terminal is interactive with a pseudo-terminal, on Kubernetes and on Docker", { skip: cluster.skip, timeout: 300_000 }, async () => {
  const dir = project({ "compose.yaml": `services:\n  box:\n    image: ${BUSYBOX}\n    command: ["sleep", "86400"]\n` });
  for (const flags of [["--backend", "kubernetes", "--kubeconfig", cluster.kubeconfig!, "--namespace-prefix", "prenv-k8s-"], ["--backend", "docker"]]) {
    const environment = uniqueName("tty").slice(0, 40);
    const session = `prenv-${environment}`;
    try {
      const upped = await cli(["up", "--env", environment, ...flags], { cwd: dir });
      assert.equal(upped.code, 0, upped.stderr);
      const command = [process.execPath, join(ROOT, "src/cli/index.ts"), "exec", "--env", environment, ...flags, "box", "--", "sh"].map((a) => `'${a}'`).join(" ");
      execFileSync("tmux", ["new-session", "-d", "-s", session, "-x", "100", "-y", "30", "-c", dir, `${command}; echo "exec ended $?"; sleep 30`]);
      const screen = () => execFileSync("tmux", ["capture-pane", "-p", "-t", session], { encoding: "utf8" });
      const waitFor = async (re: RegExp) => {
        for (const until = Date.now() + 30_000; Date.now() < until; await sleep(200)) if (re.test(screen())) return;
        assert.fail(`the terminal never showed ${re}:\n${screen()}`);
      };
      await waitFor(/ [#$]$/m);
      // tty answers /dev/pts/N only on a pseudo-terminal; stty size is the window's.
      execFileSync("tmux", ["send-keys", "-t", session, "tty; stty size; echo $((6 * 7)); exit 3", "Enter"]);
      await waitFor(/exec ended 3/);
      const text = screen();
      assert.match(text, /^\/dev\/pts\/\d+/m, text);
      assert.match(text, /^30 100$/m, text);
      assert.match(text, /^42$/m, text);
    } finally {
      execFileSync("tmux", ["kill-session", "-t", session], { stdio: "ignore" });
      await cli(["down", "--env", environment, ...flags], { cwd: dir });
    }
  }
});
