import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
 * no-op under 1 s.
 */
export async function update(ctx: Context): Promise<{ rows: Row[]; data: unknown }> {
  const dir = mkdtempSync(join(tmpdir(), "prenv-bench-update-"));
  cpSync(join(ROOT, "examples/shop"), dir, { recursive: true });
  const environment = `bench-update-${RUN_ID}`;
  ctx.cleanup.environments.add(environment);
  const up = (discount: number, ...extra: string[]) => prenvUp(dir, environment, ["--set", `discount_percent=${discount}`, ...extra]);
  const docker = new Dockerode();
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
      // The same replacement of the api straight through the API, under the same load.
      floors.push(await updateFloor(docker, `${environment}-api`, 8080, "/healthz"));
      log(`update ${i}/${RUNS}: one service ${fmtMs(change.engineMs)}, full recreate ${fmtMs(recreates.at(-1)!.engineMs)}, no-op ${fmtMs(noop.engineMs)} (wall ${fmtMs(noop.wallMs)}), the api replaced through the API ${fmtMs(floors.at(-1)!.ms)}`);
    }
  } finally {
    await run(NODE, [CLI, "down", "--env", environment], { cwd: dir, timeoutMs: 120_000 });
    rmSync(dir, { recursive: true, force: true });
  }
  const wide = await tenServices(ctx);
  const change = median(changes.map((t) => t.engineMs));
  const floor = median(floors.map((f) => f.ms));
  const recreate = median(recreates.map((t) => t.engineMs));
  const noop = median(noops.map((t) => t.engineMs));
  const rows: Row[] = [
    {
      suite: "update",
      what: "examples/shop: update after a change to one service (api) vs --recreate of the same change",
      prenv: `${fmtMs(change)} (median of ${RUNS})`,
      baseline: `--recreate: ${fmtMs(recreate)}`,
      figure: `${(change / recreate).toFixed(2)}x`,
      target: "≤ 0.3x",
      pass: gate(change / recreate, "<=", 0.3),
    },
    {
      suite: "update",
      what: "examples/shop: the same update vs its floor (the api stopped, replaced, started and ready straight through the Docker API)",
      prenv: `${fmtMs(change)}`,
      baseline: `floor: ${fmtMs(floor)} (stop ${fmtMs(median(floors.map((f) => f.stopMs)))}, create ${fmtMs(median(floors.map((f) => f.createMs)))}, start ${fmtMs(median(floors.map((f) => f.startMs)))}, ready ${fmtMs(median(floors.map((f) => f.readyMs)))})`,
      figure: `${(change / floor).toFixed(2)}x`,
      target: "informational (proposed: ≤ 1.5x)",
    },
    {
      suite: "update",
      what: "bench/env10: update after a change to one service (web) vs --recreate of the same change",
      prenv: `${fmtMs(wide.change)} (median of ${RUNS})`,
      baseline: `--recreate: ${fmtMs(wide.recreate)}`,
      figure: `${(wide.change / wide.recreate).toFixed(2)}x`,
      target: "≤ 0.3x",
      pass: gate(wide.change / wide.recreate, "<=", 0.3),
    },
    {
      suite: "update",
      what: "examples/shop: update with no change (engine time; the command's wall clock beside it)",
      prenv: `${fmtMs(noop)} (median of ${RUNS})`,
      baseline: `wall clock with Node's start-up: ${fmtMs(median(noops.map((t) => t.wallMs)))}`,
      figure: fmtMs(noop),
      target: "< 1 s",
      pass: gate(noop, "<", 1000),
    },
  ];
  return { rows, data: { changes, recreates, noops, floors, env10: wide } };
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
