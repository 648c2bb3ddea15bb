/**
 * The engine's own floor for booting bench/env10: its network and containers created (all at
 * once) and started straight through the Docker API along the dependency graph (a service
 * starts as soon as the services it depends on are ready), with no client start-up and no readiness
 * polling by the client: each service's healthcheck command runs in one exec that repeats
 * it inside the container every 10 ms until it passes, so the one check result the client
 * waits for passes, at most 10 ms after the service could have answered. What remains is
 * the engine's work and the services' own start-up. Prints each run and the median.
 *
 *   scripts/node24 bench/boot-floor.ts [runs=5]
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Dockerode from "dockerode";
import { parse } from "yaml";

const ENV10 = fileURLToPath(new URL("./env10/compose.yaml", import.meta.url));
/**
 * Not prenv's own label: `prenv gc` (run by tests sharing the engine) removes environments
 * carrying dev.prenv.environment without prenv's claim marker as leftovers of crashed runs.
 */
export const FLOOR_LABEL = "dev.prenv.bench.floor";
const LABEL = FLOOR_LABEL;
/** The in-container repetition of a check: every 10 ms, for at most 60 s. */
const EVERY_S = 0.01;
const TRIES = 6000;

interface FloorService {
  name: string;
  image: string;
  command: string[];
  init: boolean;
  ports: string[];
  dependsOn: string[];
  /** The healthcheck as an exec argv, repeated in the container until it passes. */
  check: string[];
}

function asStrings(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) throw new Error(`${what}: expected a list of strings`);
  return value;
}

/** env10's services, read from its compose file (only the keys env10 uses; anything else is refused). */
export function env10Services(file = ENV10): FloorService[] {
  const doc: unknown = parse(readFileSync(file, "utf8"));
  if (!doc || typeof doc !== "object" || !("services" in doc) || !doc.services || typeof doc.services !== "object") throw new Error(`${file}: no services`);
  const known = new Set(["image", "init", "command", "healthcheck", "depends_on", "ports"]);
  return Object.entries(doc.services as Record<string, Record<string, unknown>>).map(([name, s]) => {
    const unknown = Object.keys(s).filter((k) => !known.has(k));
    if (unknown.length > 0) throw new Error(`${file}: service ${name}: the boot floor does not handle ${unknown.join(", ")}`);
    if (typeof s.image !== "string") throw new Error(`${file}: service ${name}: no image`);
    const test = (s.healthcheck as { test?: unknown } | undefined)?.test;
    const repeat = `i=0; until ${"$"}{CHECK}; do i=$((i+1)); [ $i -ge ${TRIES} ] && exit 1; sleep ${EVERY_S}; done`;
    let check: string[];
    if (typeof test === "string") check = ["sh", "-c", repeat.replace("${CHECK}", test)];
    else {
      const argv = asStrings(test, `${name}.healthcheck.test`);
      if (argv[0] === "CMD-SHELL") check = ["sh", "-c", repeat.replace("${CHECK}", argv[1] ?? "false")];
      else if (argv[0] === "CMD") check = ["sh", "-c", repeat.replace("${CHECK}", '"$@"'), "sh", ...argv.slice(1)];
      else throw new Error(`${name}.healthcheck.test: expected CMD, CMD-SHELL or a string`);
    }
    const deps = s.depends_on;
    return {
      name,
      image: s.image,
      command: asStrings(s.command, `${name}.command`),
      init: s.init === true,
      ports: s.ports === undefined ? [] : asStrings(s.ports, `${name}.ports`),
      dependsOn: deps === undefined ? [] : Array.isArray(deps) ? asStrings(deps, `${name}.depends_on`) : Object.keys(deps as object),
      check,
    };
  });
}

export interface BootFloorRun {
  /** Network creation to the last service's check passing. */
  ms: number;
  /** When each service's check passed, ms after the start. */
  readyAtMs: Record<string, number>;
}

/** Boots env10 as the floor describes, under the label dev.prenv.bench.floor=<environment>; leaves it running. */
export async function bootFloor(docker: Dockerode, environment: string, services = env10Services()): Promise<BootFloorRun> {
  const labels = { [LABEL]: environment };
  const network = `${environment}_default`;
  const t0 = performance.now();
  await docker.createNetwork({ Name: network, Labels: labels });
  // Every container is created at once (nothing orders creation), then each starts as soon as
  // what it depends on is ready.
  const containers = new Map(
    await Promise.all(
      services.map(async (s) => {
        const container = await docker.createContainer({
          name: `${environment}-${s.name}`,
          Image: s.image,
          Cmd: s.command,
          Labels: labels,
          ExposedPorts: Object.fromEntries(s.ports.map((p) => [`${p}/tcp`, {}])),
          HostConfig: { Init: s.init, NetworkMode: network, PortBindings: Object.fromEntries(s.ports.map((p) => [`${p}/tcp`, [{ HostIp: "127.0.0.1", HostPort: "" }]])) },
          NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [s.name] } } },
        });
        return [s.name, container] as const;
      }),
    ),
  );
  const ready = new Map<string, Promise<void>>();
  const readyAtMs: Record<string, number> = {};
  const byName = new Map(services.map((s) => [s.name, s]));
  const boot = (s: FloorService): Promise<void> => {
    let p = ready.get(s.name);
    if (p) return p;
    p = (async () => {
      await Promise.all(
        s.dependsOn.map((d) => {
          const dep = byName.get(d);
          if (!dep) throw new Error(`${s.name} depends on unknown service ${d}`);
          return boot(dep);
        }),
      );
      const container = containers.get(s.name)!;
      await container.start();
      const exec = await container.exec({ Cmd: s.check, AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({ hijack: true, stdin: false });
      await new Promise<void>((resolve, reject) => {
        stream.on("end", resolve).on("close", resolve).on("error", reject);
        stream.resume();
      });
      const { ExitCode } = await exec.inspect();
      if (ExitCode !== 0) throw new Error(`${s.name}: its check did not pass within ${(TRIES * EVERY_S).toFixed(0)} s (exit ${ExitCode})`);
      readyAtMs[s.name] = performance.now() - t0;
    })();
    ready.set(s.name, p);
    return p;
  };
  await Promise.all(services.map(boot));
  return { ms: performance.now() - t0, readyAtMs };
}

/** Removes everything labelled with the environment (untimed here). */
export async function removeEnvironment(docker: Dockerode, environment: string): Promise<void> {
  const filters = { label: [`${LABEL}=${environment}`] };
  const list = await docker.listContainers({ all: true, filters });
  await Promise.all(list.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  const networks = await docker.listNetworks({ filters });
  await Promise.all(networks.map((n) => docker.getNetwork(n.Id).remove()));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.argv[2] ?? 5);
  const docker = new Dockerode();
  const times: number[] = [];
  for (let i = 1; i <= runs; i++) {
    const env = `bootfloor-${process.pid}-${i}`;
    try {
      const r = await bootFloor(docker, env);
      times.push(r.ms);
      console.log(`run ${i}: env10 ready in ${Math.round(r.ms)} ms (${Object.entries(r.readyAtMs).map(([s, t]) => `${s} ${Math.round(t)}`).join(", ")})`);
    } finally {
      await removeEnvironment(docker, env);
    }
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`median: ${Math.round(sorted[Math.floor(sorted.length / 2)]!)} ms (${runs} runs)`);
}
