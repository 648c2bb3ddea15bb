import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import { CLI, ENV10, NODE, ROOT, RUN_ID, fmtMs, gate, log, type Context, type Row } from "../lib/context.ts";
import { lastLines, run } from "../lib/proc.ts";
import { median, wallClockMs } from "../lib/stats.ts";
import { updateFloor, type UpdateFloorRun } from "../update-floor.ts";

const RUNS = 3;

interface Timing {
  wallMs: number;
  /** The engine's own figure (`durationMs` of `prenv up --json`), without Node's start-up. */
  engineMs: number;
  kinds: string[];
}

/**
 * Update in place on examples/shop, side by side: a change to one service (a parameter
 * only the api reads) against `--recreate` of the same change, alternated; and an update
 * with no change. Targets: the one-service update at most 0.3x the full recreate, the
 * no-op under 1 s. On Docker, and on the Kubernetes test cluster too when PRENV_KUBECONFIG
 * names it (the api's image pushed to the test registry). On Docker also the floor of the
 * same replacement (bench/update-floor.ts) and a one-service update of bench/env10.
 */
export async function update(ctx: Context): Promise<{ rows: Row[]; data: unknown }> {
  const kubeconfig = process.env.PRENV_KUBECONFIG && existsSync(process.env.PRENV_KUBECONFIG) ? process.env.PRENV_KUBECONFIG : undefined;
  const sides = [
    { backend: "docker", args: [] as string[] },
    ...(kubeconfig ? [{ backend: "kubernetes", args: ["--backend", "kubernetes", "--kubeconfig", kubeconfig, "--namespace-prefix", "prenv-bench-", "--registry", "localhost:5000/prenv-bench"] }] : []),
  ];
  const rows: Row[] = [];
  const data: Record<string, unknown> = {};
  for (const side of sides) {
    // A side that cannot run (the cluster down) does not take the other's figures with it.
    try {
      const measured = await updateOn(ctx, side.backend, side.args);
      rows.push(...measured.rows);
      data[side.backend] = measured.data;
    } catch (e) {
      if (side.backend === "docker") throw e;
      const message = (e as Error).message;
      log(`update on ${side.backend} could not run: ${message}`);
      rows.push({ suite: "update", what: `examples/shop on ${side.backend}: could not run`, prenv: message.split("\n")[0]!, baseline: "", figure: "error", target: "", pass: false });
      data[side.backend] = { error: message };
    }
  }
  const wide = await tenServices(ctx);
  rows.push({
    suite: "update",
    what: "bench/env10 on docker: update after a change to one service (web) vs --recreate of the same change",
    prenv: `${fmtMs(wide.change)} (median of ${RUNS})`,
    baseline: `--recreate: ${fmtMs(wide.recreate)}`,
    figure: `${(wide.change / wide.recreate).toFixed(2)}x`,
    target: "≤ 0.3x",
    pass: gate(wide.change / wide.recreate, "<=", 0.3),
  });
  data.env10 = wide;
  return { rows, data };
}

async function updateOn(ctx: Context, backend: string, backendArgs: string[]): Promise<{ rows: Row[]; data: unknown }> {
  const dir = mkdtempSync(join(tmpdir(), "prenv-bench-update-"));
  cpSync(join(ROOT, "examples/shop"), dir, { recursive: true });
  const environment = `bench-update-${RUN_ID}`;
  if (backend === "docker") ctx.cleanup.environments.add(environment);
  const up = (discount: number, ...extra: string[]) => prenvUp(dir, environment, [...backendArgs, "--set", `discount_percent=${discount}`, ...extra]);
  const docker = backend === "docker" ? new Dockerode() : undefined;
  const floors: UpdateFloorRun[] = [];
  const changes: Timing[] = [];
  const recreates: Timing[] = [];
  const noops: Timing[] = [];
  try {
    let discount = 10;
    await up(discount);
    for (let i = 1; i <= RUNS; i++) {
      const change = await up(++discount);
      if (change.kinds.filter((k) => k === "recreate").length !== 1) throw new Error(`a change to the api should recreate one service, not ${change.kinds.join(", ")}`);
      changes.push(change);
      recreates.push(await up(++discount, "--recreate"));
      const noop = await up(discount);
      if (noop.kinds.some((k) => k !== "unchanged")) throw new Error(`an update with no change did ${noop.kinds.join(", ")}`);
      noops.push(noop);
      // The same replacement of the api straight through the engine's API, under the same load.
      if (docker) floors.push(await updateFloor(docker, `${environment}-api`, 8080, "/healthz"));
      log(`update ${i}/${RUNS} (${backend}): one service ${fmtMs(change.engineMs)}, full recreate ${fmtMs(recreates.at(-1)!.engineMs)}, no-op ${fmtMs(noop.engineMs)} (wall ${fmtMs(noop.wallMs)})${docker ? `, the api replaced through the API ${fmtMs(floors.at(-1)!.ms)}` : ""}`);
    }
  } finally {
    await run(NODE, [CLI, "down", "--env", environment, ...backendArgs], { cwd: dir, timeoutMs: 300_000 });
    rmSync(dir, { recursive: true, force: true });
  }
  const change = median(changes.map((t) => t.engineMs));
  const recreate = median(recreates.map((t) => t.engineMs));
  const noop = median(noops.map((t) => t.engineMs));
  const floor = median(floors.map((f) => f.ms));
  const rows: Row[] = [
    {
      suite: "update",
      what: `examples/shop on ${backend}: update after a change to one service (api) vs --recreate of the same change`,
      prenv: `${fmtMs(change)} (median of ${RUNS})`,
      baseline: `--recreate: ${fmtMs(recreate)}`,
      figure: `${(change / recreate).toFixed(2)}x`,
      target: "≤ 0.3x",
      pass: gate(change / recreate, "<=", 0.3),
    },
    ...(floors.length > 0
      ? [
          {
            suite: "update" as const,
            what: `examples/shop on ${backend}: the same update vs its floor (the api stopped, replaced, started and ready straight through the Docker API)`,
            prenv: fmtMs(change),
            baseline: `floor: ${fmtMs(floor)} (stop ${fmtMs(median(floors.map((f) => f.stopMs)))}, create ${fmtMs(median(floors.map((f) => f.createMs)))}, start ${fmtMs(median(floors.map((f) => f.startMs)))}, ready ${fmtMs(median(floors.map((f) => f.readyMs)))})`,
            figure: `${(change / floor).toFixed(2)}x`,
            target: "informational (proposed: ≤ 1.5x)",
          },
        ]
      : []),
    {
      suite: "update",
      what: `examples/shop on ${backend}: update with no change (engine time; the command's wall clock beside it)`,
      prenv: `${fmtMs(noop)} (median of ${RUNS})`,
      baseline: `wall clock with Node's start-up: ${fmtMs(median(noops.map((t) => t.wallMs)))}`,
      figure: fmtMs(noop),
      target: "< 1 s",
      pass: gate(noop, "<", 1000),
    },
  ];
  return { rows, data: { changes, recreates, noops, floors } };
}

async function prenvUp(cwd: string, environment: string, extra: string[], env?: Record<string, string>): Promise<Timing> {
  const t0 = wallClockMs();
  const r = await run(NODE, [CLI, "up", "--env", environment, "--json", ...extra], { cwd, timeoutMs: 300_000, ...(env ? { env: { ...process.env, ...env } } : {}) });
  const wallMs = wallClockMs() - t0;
  if (r.code !== 0) throw new Error(`prenv up ${extra.join(" ")} failed (exit ${r.code}):\n${lastLines(r.stderr, 15)}`);
  const out = JSON.parse(r.stdout) as { durationMs: number; operations: { kind: string }[] };
  return { wallMs, engineMs: out.durationMs, kinds: out.operations.map((o) => o.kind) };
}

/**
 * bench/env10 with one service (web, a leaf) reading a variable: a change of it updates web
 * alone; --recreate of the same change boots all ten along their depth-3 graph.
 */
async function tenServices(ctx: Context): Promise<{ change: number; recreate: number; changes: Timing[]; recreates: Timing[] }> {
  const dir = mkdtempSync(join(tmpdir(), "prenv-bench-update10-"));
  const text = readFileSync(ENV10, "utf8");
  const edited = text.replace(/^  web:\n/m, '  web:\n    environment: { BENCH_REVISION: "${BENCH_REVISION:-0}" }\n');
  if (edited === text) throw new Error(`${ENV10}: no service web to edit`);
  writeFileSync(join(dir, "compose.yaml"), edited);
  const environment = `bench-update10-${RUN_ID}`;
  ctx.cleanup.environments.add(environment);
  const changes: Timing[] = [];
  const recreates: Timing[] = [];
  try {
    let revision = 0;
    await prenvUp(dir, environment, [], { BENCH_REVISION: String(revision) });
    for (let i = 1; i <= RUNS; i++) {
      const change = await prenvUp(dir, environment, [], { BENCH_REVISION: String(++revision) });
      if (change.kinds.filter((k) => k === "recreate").length !== 1) throw new Error(`a change to web should recreate one service, not ${change.kinds.join(", ")}`);
      changes.push(change);
      recreates.push(await prenvUp(dir, environment, ["--recreate"], { BENCH_REVISION: String(++revision) }));
      log(`env10 update ${i}/${RUNS}: one service ${fmtMs(change.engineMs)}, full recreate ${fmtMs(recreates.at(-1)!.engineMs)}`);
    }
  } finally {
    await run(NODE, [CLI, "down", "--env", environment], { cwd: dir, timeoutMs: 120_000 });
    rmSync(dir, { recursive: true, force: true });
  }
  return { change: median(changes.map((t) => t.engineMs)), recreate: median(recreates.map((t) => t.engineMs)), changes, recreates };
}
