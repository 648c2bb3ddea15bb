/**
 * prenv on a Node older than it needs: the bundled CLI says which Node it needs and exits 3,
 * instead of failing to link (a SyntaxError about an export of node:module). Run with the
 * older Node this machine has, if it has one (Debian's `node` here is 20).
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT } from "../helpers/docker.ts";

function olderNode(): string | undefined {
  for (const candidate of ["/usr/bin/node", "/usr/local/bin/node", "node"]) {
    try {
      const version = execFileSync(candidate, ["--version"], { encoding: "utf8" }).trim();
      if (Number(/^v(\d+)/.exec(version)?.[1]) < 24) return candidate;
    } catch {
      // not there
    }
  }
  return undefined;
}

test("on an older Node the CLI names the Node it needs and exits 3", (t) => {
  const node = olderNode();
  if (!node) return t.skip("no Node older than 24 on this machine");
  const cli = join(ROOT, "dist/cli.js");
  assert.ok(existsSync(cli), "dist/cli.js is built (npm run bundle)");
  for (const args of [["--version"], ["plan", "-f", join(ROOT, "examples/shop/compose.yaml")]]) {
    const r: SpawnSyncReturns<string> = spawnSync(node, [cli, ...args], { encoding: "utf8", env: { ...process.env, NODE_COMPILE_CACHE: "" } });
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /^prenv: needs Node 24 or newer; this is Node 2\d\.\d+\.\d+ \(/);
    assert.match(r.stderr, /hint: install Node 24/);
    assert.doesNotMatch(r.stderr, /SyntaxError|at ModuleJob/);
    assert.equal(r.stdout, "");
  }
});
