/**
 * The engine's own floor for replacing one running service: the container stopped, renamed
 * aside, a new one created from the same configuration, started, and its HTTP readiness
 * polled every 10 ms on the published port, then the old one removed — straight through
 * the Docker API, no client start-up, no image preparation, no lock, no prenv code. What
 * remains is the engine's work and the service's own start-up: the least any update of
 * that service can take. Part of the update suite (bench/suites/update.ts).
 */
import { request } from "node:http";
import Dockerode from "dockerode";

export interface UpdateFloorRun {
  /** Stop, rename, create, start, ready: what an update of this service waits for. */
  ms: number;
  stopMs: number;
  createMs: number;
  startMs: number;
  readyMs: number;
}

function httpStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve(0));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

/** Replaces the container `name` by one of the same configuration; ready when `path` on `port` answers 200. */
export async function updateFloor(docker: Dockerode, name: string, port: number, path: string): Promise<UpdateFloorRun> {
  const old = docker.getContainer(name);
  const info = await old.inspect();
  const networks = Object.entries(info.NetworkSettings.Networks);
  const [first, ...others] = networks;
  const t0 = performance.now();
  await old.stop();
  await old.rename({ name: `${name}_floor-aside` });
  const t1 = performance.now();
  const created = await docker.createContainer({
    ...info.Config,
    name,
    HostConfig: info.HostConfig,
    NetworkingConfig: first ? { EndpointsConfig: { [first[0]]: { Aliases: first[1].Aliases ?? [] } } } : undefined,
  });
  for (const [network, endpoint] of others) await docker.getNetwork(network).connect({ Container: created.id, EndpointConfig: { Aliases: endpoint.Aliases ?? [] } });
  const t2 = performance.now();
  await created.start();
  const t3 = performance.now();
  const published = (await created.inspect()).NetworkSettings.Ports[`${port}/tcp`]?.[0]?.HostPort;
  if (!published) throw new Error(`${name}: port ${port} is not published`);
  const deadline = Date.now() + 60_000;
  while ((await httpStatus(Number(published), path)) !== 200) {
    if (Date.now() > deadline) throw new Error(`${name}: ${path} did not answer 200 within 60 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const t4 = performance.now();
  await docker.getContainer(`${name}_floor-aside`).remove({ force: true });
  return { ms: t4 - t0, stopMs: t1 - t0, createMs: t2 - t1, startMs: t3 - t2, readyMs: t4 - t3 };
}
