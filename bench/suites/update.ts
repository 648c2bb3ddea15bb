import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, NODE, ROOT, RUN_ID, fmtMs, gate, log, type Context, type Row } from "../lib/context.ts";
import { lastLines, run } from "../lib/proc.ts";
import { median, wallClockMs } from "../lib/stats.ts";

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
  const up = async (discount: number, ...extra: string[]): Promise<Timing> => {
    const t0 = wallClockMs();
    const r = await run(NODE, [CLI, "up", "--env", environment, "--json", "--set", `discount_percent=${discount}`, ...extra], { cwd: dir, timeoutMs: 300_000 });
    const wallMs = wallClockMs() - t0;
    if (r.code !== 0) throw new Error(`prenv up ${extra.join(" ")} failed (exit ${r.code}):\n${lastLines(r.stderr, 15)}`);
    const out = JSON.parse(r.stdout) as { durationMs: number; operations: { kind: string }[] };
    return { wallMs, engineMs: out.durationMs, kinds: out.operations.map((o) => o.kind) };
  };
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
      log(`update ${i}/${RUNS}: one service ${fmtMs(change.engineMs)}, full recreate ${fmtMs(recreates.at(-1)!.engineMs)}, no-op ${fmtMs(noop.engineMs)} (wall ${fmtMs(noop.wallMs)})`);
    }
  } finally {
    await run(NODE, [CLI, "down", "--env", environment], { cwd: dir, timeoutMs: 120_000 });
    rmSync(dir, { recursive: true, force: true });
  }
  const change = median(changes.map((t) => t.engineMs));
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
      what: "examples/shop: update with no change (engine time; the command's wall clock beside it)",
      prenv: `${fmtMs(noop)} (median of ${RUNS})`,
      baseline: `wall clock with Node's start-up: ${fmtMs(median(noops.map((t) => t.wallMs)))}`,
      figure: fmtMs(noop),
      target: "< 1 s",
      pass: gate(noop, "<", 1000),
    },
  ];
  return { rows, data: { changes, recreates, noops } };
}
