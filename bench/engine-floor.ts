/**
 * The engine's own floor for tearing down bench/env10: boots it with prenv, then removes
 * its containers and network straight through the Docker API (no client start-up, no
 * prenv code), as fast as any client could. Part of the teardown suite's run (bench/suites/boot.ts);
 * alone it prints each run and the medians.
 *
 *   scripts/node24 bench/engine-floor.ts [runs=5]    (after npm run bundle)
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import Dockerode from "dockerode";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface EngineFloorRun {
  containers: number;
  /** Removal of the containers (forced, in parallel). */
  containersMs: number;
  /** Everything: containers, then networks and volumes. */
  ms: number;
}

/** Boots env10 with prenv (untimed) as <environment>, then times its removal through the API. */
export async function engineFloor(docker: Dockerode, environment: string): Promise<EngineFloorRun> {
  execFileSync(process.execPath, ["dist/cli.js", "up", "-f", "bench/env10/compose.yaml", "--env", environment], { cwd: ROOT, stdio: "ignore" });
  const filters = { label: [`dev.prenv.environment=${environment}`] };
  const t0 = performance.now();
  const list = await docker.listContainers({ all: true, filters });
  await Promise.all(list.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  const t1 = performance.now();
  const networks = await docker.listNetworks({ filters });
  await Promise.all(networks.map((n) => docker.getNetwork(n.Id).remove()));
  const volumes = (await docker.listVolumes({ filters })).Volumes ?? [];
  await Promise.all(volumes.map((v) => docker.getVolume(v.Name).remove()));
  const t2 = performance.now();
  return { containers: list.length, containersMs: t1 - t0, ms: t2 - t0 };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.argv[2] ?? 5);
  const docker = new Dockerode();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const containers: number[] = [];
  const totals: number[] = [];
  for (let i = 1; i <= runs; i++) {
    const r = await engineFloor(docker, `floor-${process.pid}`);
    containers.push(r.containersMs);
    totals.push(r.ms);
    console.log(`run ${i}: ${r.containers} containers removed in ${Math.round(r.containersMs)} ms, everything in ${Math.round(r.ms)} ms`);
  }
  console.log(`median: containers ${Math.round(median(containers))} ms, everything ${Math.round(median(totals))} ms (${runs} runs)`);
}
