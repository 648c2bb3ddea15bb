import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { BUSYBOX, project, ROOT, uniqueName } from "../helpers/docker.ts";
import { testCluster } from "./kubeconfig.ts";

const cluster = testCluster();

/**
 * Runs the CLI's main() without src/cli/index.ts's process.exit: the process must end on
 * its own once the command returns, so every port-forward and watch was closed.
 */
function mainWithoutExit(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string; lingeredMs: number; servers: number }> {
  const script = `import { main } from ${JSON.stringify(join(ROOT, "src/cli/main.ts"))};
const code = await main(${JSON.stringify(args)});
// A forward's server and its socket to the apiserver are unref'd, so they would not keep
// Node alive, but they are still open (a port held, a stream on the apiserver): they are listed here.
const servers = process.getActiveResourcesInfo().filter((r) => r === "TCPServerWrap" || r === "TCPSocketWrap").length;
process.stdout.write("returned " + code + " at " + Date.now() + " servers " + servers + "\\n");
process.exitCode = code;`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { cwd, env: { ...process.env, NODE_TEST_CONTEXT: undefined }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 180_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const returned = /returned -?\d+ at (\d+) servers (\d+)/.exec(stdout);
      resolve({ code, stdout, stderr, lingeredMs: returned ? Date.now() - Number(returned[1]) : Number.POSITIVE_INFINITY, servers: returned ? Number(returned[2]) : -1 });
    });
  });
}

test("prenv up and down on Kubernetes close their port-forwards when they end, not by process.exit", { skip: cluster.skip, timeout: 300_000 }, async () => {
  const dir = project({
    "compose.yaml": `services:\n  web:\n    image: ${BUSYBOX}\n    command: ["sh", "-c", "mkdir -p /www && echo hi > /www/index.html && exec httpd -f -p 8080 -h /www"]\n    ports: ["8080"]\n    x-prenv:\n      ready:\n        - http: { port: 8080, path: /index.html }\n`,
  });
  const environment = uniqueName("close").slice(0, 40);
  const backend = ["--backend", "kubernetes", "--kubeconfig", cluster.kubeconfig!, "--namespace-prefix", "prenv-close-"];
  try {
    const upped = await mainWithoutExit(["up", "--env", environment, ...backend], dir);
    assert.equal(upped.code, 0, upped.stderr);
    // The http readiness check went through a port-forward: without close() its server keeps Node alive.
    assert.ok(upped.lingeredMs < 10_000, `the process lived ${upped.lingeredMs} ms after up returned\n${upped.stderr}`);
    assert.equal(upped.servers, 0, "a port-forward's server or connection is still open after up returned");
  } finally {
    const downed = await mainWithoutExit(["down", "--env", environment, ...backend], dir);
    assert.equal(downed.code, 0, downed.stderr);
    assert.ok(downed.lingeredMs < 10_000, `the process lived ${downed.lingeredMs} ms after down returned`);
  }
});
