import { readFileSync } from "node:fs";
import Dockerode from "dockerode";
import { bootFloor, env10Services, removeEnvironment, type BootFloorRun } from "../boot-floor.ts";
import { engineFloor, type EngineFloorRun } from "../engine-floor.ts";
import { COMPOSE_PROJECT_LABEL, ENV10, PRENV_LABEL, ROOT, RUN_ID, fmtMs, gate, log, prenv, type Context, type Row } from "../lib/context.ts";
import { listContainers, listNetworks, objectsWithLabel } from "../lib/docker.ts";
import { lastLines, run, sleep } from "../lib/proc.ts";
import { median } from "../lib/stats.ts";

interface PrenvCycle {
  environment: string;
  /** Wall time of `prenv up --json`, spawn to exit. */
  upMs: number;
  /** prenv's own durationMs from its JSON (excludes process start). */
  upReportedMs: number;
  downMs: number;
  /** The removal time `prenv down` itself prints ("in 0.9 s"), without process start. */
  downReportedMs: number;
}

interface ComposeCycle {
  project: string;
  /** `docker-compose up -d` spawn to exit. */
  upReturnedMs: number;
  /** Spawn of `up -d` to every container reporting `healthy` (and up -d having returned). */
  readyMs: number;
  downMs: number;
}

/** Compose v5 (`docker compose`): `up -d --wait` returns once every container is healthy. */
interface ComposeV5Cycle {
  project: string;
  /** `docker compose up -d --wait` spawn to exit. */
  readyMs: number;
  downMs: number;
}

const HEALTH_POLL_MS = 50;

/** Checks that env10 is what the benchmark claims: 10 services, levels 0..3, healthchecks with the default interval. */
async function describeEnv10(): Promise<{ services: number; depth: number }> {
  const r = await prenv(["plan", "--json", "-f", ENV10, "--env", `bench-plan-${RUN_ID}`]);
  if (r.code !== 0) throw new Error(`prenv plan failed on bench/env10/compose.yaml:\n${lastLines(r.stderr, 15)}`);
  const plan = JSON.parse(r.stdout) as { services: { name: string; level: number; readiness: { kind: string }[] }[] };
  const depth = Math.max(...plan.services.map((s) => s.level));
  const withoutHealthcheck = plan.services.filter((s) => !s.readiness.some((c) => c.kind === "healthcheck")).map((s) => s.name);
  if (plan.services.length !== 10 || depth !== 3 || withoutHealthcheck.length > 0) {
    throw new Error(`bench/env10/compose.yaml should have 10 services, depth 3, a healthcheck each; it has ${plan.services.length} services, depth ${depth}, without healthcheck: ${withoutHealthcheck.join(", ") || "none"}`);
  }
  if (/^\s*interval\s*:/m.test(readFileSync(ENV10, "utf8"))) throw new Error("bench/env10/compose.yaml must keep the default healthcheck interval (no `interval:` key)");
  return { services: plan.services.length, depth };
}

async function prenvCycle(ctx: Context, environment: string, expected: number): Promise<PrenvCycle> {
  ctx.cleanup.environments.add(environment);
  const up = await prenv(["up", "-f", ENV10, "--env", environment, "--json"], { timeoutMs: 300_000 });
  if (up.code !== 0) throw new Error(`prenv up --env ${environment} failed (exit ${up.code ?? up.signal}):\n${lastLines(up.stderr || up.stdout, 15)}`);
  const result = JSON.parse(up.stdout) as { durationMs: number; services: unknown[] };
  if (result.services.length !== expected) throw new Error(`prenv up reported ${result.services.length} services ready, expected ${expected}`);
  const down = await prenv(["down", "--env", environment], { timeoutMs: 120_000 });
  if (down.code !== 0) throw new Error(`prenv down --env ${environment} failed (exit ${down.code}):\n${lastLines(down.stderr, 15)}`);
  const left = await objectsWithLabel(`${PRENV_LABEL}=${environment}`);
  if (left.containers + left.networks + left.volumes > 0) throw new Error(`prenv down --env ${environment} left ${JSON.stringify(left)}`);
  const reported = /removed .* in (\d+(?:\.\d+)?) s/.exec(down.stderr);
  return { environment, upMs: up.ms, upReportedMs: result.durationMs, downMs: down.ms, downReportedMs: reported ? Number(reported[1]) * 1000 : Number.NaN };
}

async function composeCycle(ctx: Context, project: string, expected: number): Promise<ComposeCycle> {
  ctx.cleanup.composeProjects.set(project, { file: ENV10, v5: false });
  const t0 = performance.now();
  const up = await run("docker-compose", ["-p", project, "-f", ENV10, "up", "-d"], { cwd: ROOT, timeoutMs: 400_000 });
  const upReturnedMs = performance.now() - t0;
  if (up.code !== 0) throw new Error(`docker-compose -p ${project} up -d failed (exit ${up.code ?? up.signal}):\n${lastLines(up.stderr, 15)}`);
  // Compose v1 has no --wait: poll the engine until every container says healthy.
  const label = `${COMPOSE_PROJECT_LABEL}=${project}`;
  let readyMs = Number.NaN;
  for (;;) {
    const containers = await listContainers({ label: [label] });
    const healthy = containers.filter((c) => c.Status.includes("(healthy)")).length;
    if (containers.length === expected && healthy === expected) {
      readyMs = performance.now() - t0;
      break;
    }
    const dead = containers.filter((c) => c.State !== "running" || c.Status.includes("(unhealthy)"));
    if (dead.length > 0) throw new Error(`compose project ${project}: ${dead.map((c) => `${c.Names[0]} ${c.Status}`).join(", ")}`);
    if (performance.now() - t0 > 400_000) throw new Error(`compose project ${project} was not healthy within 400 s (${healthy}/${containers.length} healthy)`);
    await sleep(HEALTH_POLL_MS);
  }
  const down = await run("docker-compose", ["-p", project, "-f", ENV10, "down"], { cwd: ROOT, timeoutMs: 120_000 });
  if (down.code !== 0) throw new Error(`docker-compose -p ${project} down failed (exit ${down.code}):\n${lastLines(down.stderr, 15)}`);
  const [c, n] = await Promise.all([listContainers({ label: [label] }), listNetworks({ label: [label] })]);
  if (c.length + n.length > 0) throw new Error(`docker-compose down left ${c.length} containers, ${n.length} networks of ${project}`);
  return { project, upReturnedMs, readyMs, downMs: down.ms };
}

async function composeV5Cycle(ctx: Context, project: string, expected: number): Promise<ComposeV5Cycle> {
  ctx.cleanup.composeProjects.set(project, { file: ENV10, v5: true });
  const up = await run("docker", ["compose", "-p", project, "-f", ENV10, "up", "-d", "--wait"], { cwd: ROOT, timeoutMs: 400_000 });
  if (up.code !== 0) throw new Error(`docker compose -p ${project} up -d --wait failed (exit ${up.code ?? up.signal}):\n${lastLines(up.stderr, 15)}`);
  const label = `${COMPOSE_PROJECT_LABEL}=${project}`;
  const containers = await listContainers({ label: [label] });
  const healthy = containers.filter((c) => c.Status.includes("(healthy)")).length;
  if (containers.length !== expected || healthy !== expected) throw new Error(`docker compose up --wait returned with ${healthy} of ${containers.length} containers healthy, expected ${expected}`);
  const down = await run("docker", ["compose", "-p", project, "-f", ENV10, "down"], { cwd: ROOT, timeoutMs: 120_000 });
  if (down.code !== 0) throw new Error(`docker compose -p ${project} down failed (exit ${down.code}):\n${lastLines(down.stderr, 15)}`);
  const [c, n] = await Promise.all([listContainers({ label: [label] }), listNetworks({ label: [label] })]);
  if (c.length + n.length > 0) throw new Error(`docker compose down left ${c.length} containers, ${n.length} networks of ${project}`);
  return { project, readyMs: up.ms, downMs: down.ms };
}

/** bench/boot-floor.ts once, in this process, then its environment removed (untimed). */
async function bootFloorCycle(ctx: Context, docker: Dockerode, environment: string, expected: number): Promise<BootFloorRun> {
  ctx.cleanup.floors.add(environment);
  try {
    const r = await bootFloor(docker, environment);
    if (Object.keys(r.readyAtMs).length !== expected) throw new Error(`the boot floor readied ${Object.keys(r.readyAtMs).length} services, expected ${expected}`);
    return r;
  } finally {
    await removeEnvironment(docker, environment);
  }
}

/** bench/engine-floor.ts once: prenv up (untimed), then the removal through the API, timed. */
async function engineFloorCycle(ctx: Context, docker: Dockerode, environment: string, expected: number): Promise<EngineFloorRun> {
  ctx.cleanup.environments.add(environment);
  const r = await engineFloor(docker, environment);
  // prenv's environment has a container per service and its claim marker (a created, never started container).
  if (r.containers !== expected + 1) throw new Error(`the engine floor removed ${r.containers} containers, expected ${expected + 1} (${expected} services and prenv's claim marker)`);
  const left = await objectsWithLabel(`${PRENV_LABEL}=${environment}`);
  if (left.containers + left.networks + left.volumes > 0) throw new Error(`the engine floor left ${JSON.stringify(left)} of ${environment}`);
  return r;
}

/**
 * Boot to ready and teardown, prenv against docker-compose on bench/env10: each cycle
 * is a fresh up (timed) followed by a down (timed), so both are measured on the same
 * environments. prenv gets one untimed warm-up cycle. Each prenv cycle is followed by one run
 * of the boot floor (bench/boot-floor.ts) and one of the engine floor (bench/engine-floor.ts),
 * so that prenv and its floors meet the same load; then Compose v5 and v1 cycles.
 */
export async function bootAndTeardown(ctx: Context, want: { boot: boolean; teardown: boolean }): Promise<{ rows: Row[]; data: unknown }> {
  const { prenvRuns, composeRuns } = ctx.options;
  const shape = await describeEnv10();

  log(`boot/teardown: prenv warm-up cycle`);
  const warmup = await prenvCycle(ctx, `bench-boot-${RUN_ID}-w`, shape.services);
  const docker = new Dockerode();
  if (env10Services().length !== shape.services) throw new Error("bench/boot-floor.ts reads a different number of services from env10 than prenv plans");
  const prenvCycles: PrenvCycle[] = [];
  const bootFloors: BootFloorRun[] = [];
  const engineFloors: EngineFloorRun[] = [];
  for (let i = 1; i <= prenvRuns; i++) {
    const c = await prenvCycle(ctx, `bench-boot-${RUN_ID}-${i}`, shape.services);
    prenvCycles.push(c);
    log(`boot/teardown: prenv ${i}/${prenvRuns}: up ${fmtMs(c.upMs)} (prenv says ${fmtMs(c.upReportedMs)}), down ${fmtMs(c.downMs)} (prenv says ${fmtMs(c.downReportedMs)})`);
    if (want.boot) {
      const b = await bootFloorCycle(ctx, docker, `bench-bootfloor-${RUN_ID}-${i}`, shape.services);
      bootFloors.push(b);
      log(`boot/teardown: boot floor ${i}/${prenvRuns}: ${fmtMs(b.ms)}`);
    }
    if (want.teardown) {
      const e = await engineFloorCycle(ctx, docker, `bench-enginefloor-${RUN_ID}-${i}`, shape.services);
      engineFloors.push(e);
      log(`boot/teardown: engine floor ${i}/${prenvRuns}: ${fmtMs(e.ms)} (containers ${fmtMs(e.containersMs)})`);
    }
  }
  const v5Cycles: ComposeV5Cycle[] = [];
  for (let i = 1; i <= composeRuns; i++) {
    log(`boot/teardown: docker compose (v5) ${i}/${composeRuns} (about 2 minutes too: up --wait waits for the engine's healthchecks)`);
    const c = await composeV5Cycle(ctx, `benchv${RUN_ID}${i}`, shape.services);
    v5Cycles.push(c);
    log(`boot/teardown: docker compose (v5) ${i}/${composeRuns}: up -d --wait ${fmtMs(c.readyMs)}, down ${fmtMs(c.downMs)}`);
  }
  const composeCycles: ComposeCycle[] = [];
  for (let i = 1; i <= composeRuns; i++) {
    log(`boot/teardown: docker-compose ${i}/${composeRuns} (each takes about 2 minutes: 4 levels × the 30 s default healthcheck interval)`);
    const c = await composeCycle(ctx, `benchc${RUN_ID}${i}`, shape.services);
    composeCycles.push(c);
    log(`boot/teardown: docker-compose ${i}/${composeRuns}: up -d returned ${fmtMs(c.upReturnedMs)}, all healthy ${fmtMs(c.readyMs)}, down ${fmtMs(c.downMs)}`);
  }

  const prenvBoot = median(prenvCycles.map((c) => c.upMs));
  const composeBoot = median(composeCycles.map((c) => c.readyMs));
  const prenvDown = median(prenvCycles.map((c) => c.downMs));
  const composeDown = median(composeCycles.map((c) => c.downMs));
  const v5Boot = median(v5Cycles.map((c) => c.readyMs));
  const v5Down = median(v5Cycles.map((c) => c.downMs));
  const bootFloorMs = median(bootFloors.map((b) => b.ms));
  const engineFloorMs = median(engineFloors.map((e) => e.ms));
  const bootRatio = prenvBoot / composeBoot;
  const downRatio = prenvDown / composeDown;
  const v5BootRatio = prenvBoot / v5Boot;
  const v5DownRatio = prenvDown / v5Down;
  const bootFloorRatio = prenvBoot / bootFloorMs;
  const engineFloorRatio = prenvDown / engineFloorMs;
  const rows: Row[] = [];
  const prenvBootText = `${fmtMs(prenvBoot)} (median of ${prenvCycles.length})`;
  const prenvDownText = `${fmtMs(prenvDown)} (median of ${prenvCycles.length})`;
  if (want.boot) {
    rows.push({
      suite: "boot",
      what: `boot to ready, ${shape.services} services, depth ${shape.depth}, vs Compose v5`,
      prenv: prenvBootText,
      baseline: `docker compose up -d --wait ${fmtMs(v5Boot)} (median of ${v5Cycles.length})`,
      figure: `ratio ${v5BootRatio.toFixed(3)}`,
      target: "ratio <= 0.5",
      pass: gate(v5BootRatio, "<=", 0.5),
    });
    rows.push({
      suite: "boot",
      what: "boot to ready vs the boot floor (bench/boot-floor.ts, same run)",
      prenv: prenvBootText,
      baseline: `boot floor ${fmtMs(bootFloorMs)} (median of ${bootFloors.length})`,
      figure: `ratio ${bootFloorRatio.toFixed(2)}`,
      target: "ratio <= 1.5",
      pass: gate(bootFloorRatio, "<=", 1.5),
    });
    rows.push({
      suite: "boot",
      what: `boot to ready vs docker-compose v1`,
      prenv: `${fmtMs(prenvBoot)} (median of ${prenvCycles.length})`,
      baseline: `docker-compose ${fmtMs(composeBoot)} (median of ${composeCycles.length}; up -d returned at ${fmtMs(median(composeCycles.map((c) => c.upReturnedMs)))})`,
      figure: `ratio ${bootRatio.toFixed(3)}`,
      target: "ratio <= 0.5",
      pass: gate(bootRatio, "<=", 0.5),
    });
  }
  if (want.teardown) {
    rows.push({
      suite: "teardown",
      what: "teardown of that environment vs Compose v5",
      prenv: prenvDownText,
      baseline: `docker compose down ${fmtMs(v5Down)} (median of ${v5Cycles.length})`,
      figure: `ratio ${v5DownRatio.toFixed(3)}`,
      target: "ratio <= 0.5",
      pass: gate(v5DownRatio, "<=", 0.5),
    });
    rows.push({
      suite: "teardown",
      what: "teardown vs the engine floor (bench/engine-floor.ts, same run)",
      prenv: prenvDownText,
      baseline: `engine floor ${fmtMs(engineFloorMs)} (median of ${engineFloors.length}; containers ${fmtMs(median(engineFloors.map((e) => e.containersMs)))})`,
      figure: `ratio ${engineFloorRatio.toFixed(2)}`,
      target: "ratio <= 1.3",
      pass: gate(engineFloorRatio, "<=", 1.3),
    });
    rows.push({
      suite: "teardown",
      what: `teardown of that environment vs docker-compose v1`,
      prenv: `${fmtMs(prenvDown)} (median of ${prenvCycles.length})`,
      baseline: `docker-compose ${fmtMs(composeDown)} (median of ${composeCycles.length})`,
      figure: `ratio ${downRatio.toFixed(3)}`,
      target: "ratio <= 0.5",
      pass: gate(downRatio, "<=", 0.5),
    });
  }
  return {
    rows,
    data: {
      environment: { file: "bench/env10/compose.yaml", ...shape },
      method: "plain loop timed with performance.now(); each cycle = fresh up, then down. prenv: `node dist/cli.js up --json` spawn to exit; docker-compose v1: spawn of `up -d` until it returned and the engine reports every container healthy (polled every 50 ms); Compose v5: `docker compose up -d --wait` spawn to exit; floors: in the bench process, through the Docker API.",
      prenv: { warmup, cycles: prenvCycles, medianBootMs: prenvBoot, medianDownMs: prenvDown, medianReportedDownMs: median(prenvCycles.map((c) => c.downReportedMs)), medianReportedBootMs: median(prenvCycles.map((c) => c.upReportedMs)) },
      composeV5: { cycles: v5Cycles, medianReadyMs: v5Boot, medianDownMs: v5Down },
      bootFloor: { runs: bootFloors, medianMs: bootFloorMs },
      engineFloor: { runs: engineFloors, medianMs: engineFloorMs },
      compose: { cycles: composeCycles, medianReadyMs: composeBoot, medianUpReturnedMs: median(composeCycles.map((c) => c.upReturnedMs)), medianDownMs: composeDown },
      bootRatio,
      downRatio,
      v5BootRatio,
      v5DownRatio,
      bootFloorRatio,
      engineFloorRatio,
    },
  };
}
