import { readFileSync } from "node:fs";
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
  ctx.cleanup.composeProjects.set(project, ENV10);
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

/**
 * Boot to ready and teardown, prenv against docker-compose on bench/env10: each cycle
 * is a fresh up (timed) followed by a down (timed), so both are measured on the same
 * environments. prenv gets one untimed warm-up cycle.
 */
export async function bootAndTeardown(ctx: Context, want: { boot: boolean; teardown: boolean }): Promise<{ rows: Row[]; data: unknown }> {
  const { prenvRuns, composeRuns } = ctx.options;
  const shape = await describeEnv10();

  log(`boot/teardown: prenv warm-up cycle`);
  const warmup = await prenvCycle(ctx, `bench-boot-${RUN_ID}-w`, shape.services);
  const prenvCycles: PrenvCycle[] = [];
  for (let i = 1; i <= prenvRuns; i++) {
    const c = await prenvCycle(ctx, `bench-boot-${RUN_ID}-${i}`, shape.services);
    prenvCycles.push(c);
    log(`boot/teardown: prenv ${i}/${prenvRuns}: up ${fmtMs(c.upMs)} (prenv says ${fmtMs(c.upReportedMs)}), down ${fmtMs(c.downMs)} (prenv says ${fmtMs(c.downReportedMs)})`);
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
  const bootRatio = prenvBoot / composeBoot;
  const downRatio = prenvDown / composeDown;
  const rows: Row[] = [];
  if (want.boot) {
    rows.push({
      suite: "boot",
      what: `boot to ready, ${shape.services} services, depth ${shape.depth}`,
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
      what: `teardown of that environment`,
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
      method: "plain loop timed with performance.now(); each cycle = fresh up, then down. prenv: `node dist/cli.js up --json` spawn to exit; docker-compose: spawn of `up -d` until it returned and the engine reports every container healthy (polled every 50 ms).",
      prenv: { warmup, cycles: prenvCycles, medianBootMs: prenvBoot, medianDownMs: prenvDown, medianReportedDownMs: median(prenvCycles.map((c) => c.downReportedMs)), medianReportedBootMs: median(prenvCycles.map((c) => c.upReportedMs)) },
      compose: { cycles: composeCycles, medianReadyMs: composeBoot, medianUpReturnedMs: median(composeCycles.map((c) => c.upReturnedMs)), medianDownMs: composeDown },
      bootRatio,
      downRatio,
    },
  };
}
