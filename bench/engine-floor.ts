/**
 * The engine's own floor for tearing down bench/env10: boots it with prenv, then removes
 * its containers and network straight through the Docker API (no client start-up, no
 * prenv code), as fast as any client could. Prints each run and the medians.
 *
 *   scripts/node24 bench/engine-floor.ts [runs=5]    (after npm run bundle)
 */
import { execFileSync } from "node:child_process";
import Dockerode from "dockerode";

const runs = Number(process.argv[2] ?? 5);
const docker = new Dockerode();
const env = `floor-${process.pid}`;
const filters = { label: [`dev.prenv.environment=${env}`] };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const containers: number[] = [];
const totals: number[] = [];

for (let i = 1; i <= runs; i++) {
  execFileSync(process.execPath, ["dist/cli.js", "up", "-f", "bench/env10/compose.yaml", "--env", env], { stdio: "ignore" });
  const t0 = performance.now();
  const list = await docker.listContainers({ all: true, filters });
  await Promise.all(list.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  const t1 = performance.now();
  const networks = await docker.listNetworks({ filters });
  await Promise.all(networks.map((n) => docker.getNetwork(n.Id).remove()));
  const volumes = (await docker.listVolumes({ filters })).Volumes ?? [];
  await Promise.all(volumes.map((v) => docker.getVolume(v.Name).remove()));
  const t2 = performance.now();
  containers.push(t1 - t0);
  totals.push(t2 - t0);
  console.log(`run ${i}: ${list.length} containers removed in ${Math.round(t1 - t0)} ms, everything in ${Math.round(t2 - t0)} ms`);
}
console.log(`median: containers ${Math.round(median(containers))} ms, everything ${Math.round(median(totals))} ms (${runs} runs)`);
