/**
 * Usage: scripts/node24 bench/backends.ts [runs]
 *
 * Boot-to-ready (engine `up`) and teardown (`remove`) of bench/env10, side by side on
 * Docker and, when PRENV_KUBECONFIG is set, on the Kubernetes test cluster; the median of
 * [runs] (default 3).
 */
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadDefinition } from "../src/definition/compose.ts";
import { up } from "../src/engine/up.ts";
import { planEnvironment } from "../src/plan/plan.ts";
import { contractBackends } from "../test/contract/backends.ts";

const runs = Number(process.argv[2] ?? 3);
const dir = join(dirname(fileURLToPath(import.meta.url)), "env10");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const owner = { host: hostname(), pid: process.pid };

for (const { name, backend } of contractBackends()) {
  const boot: number[] = [];
  const teardown: number[] = [];
  for (let i = 0; i < runs; i++) {
    const environment = `bench-${process.pid}-${i}`;
    const plan = planEnvironment(loadDefinition({ cwd: dir, env: {} }), { environment });
    const t0 = Date.now();
    try {
      await up(plan, { backend, owner, timeoutMs: 300_000 });
      boot.push(Date.now() - t0);
    } finally {
      const t1 = Date.now();
      await backend.remove(environment, { keepVolumes: false });
      teardown.push(Date.now() - t1);
    }
  }
  console.log(`${name.padEnd(10)} env10 boot-to-ready median ${(median(boot) / 1000).toFixed(1)} s (${boot.map((b) => (b / 1000).toFixed(1)).join(", ")}), teardown median ${(median(teardown) / 1000).toFixed(1)} s (${teardown.map((b) => (b / 1000).toFixed(1)).join(", ")})`);
}
process.exit(0);
