import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
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
 * no-op under 1 s. On Docker, and on the Kubernetes test cluster too when PRENV_KUBECONFIG
 * names it (the api's image pushed to the test registry).
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
  return { rows, data };
}

async function updateOn(ctx: Context, backend: string, backendArgs: string[]): Promise<{ rows: Row[]; data: unknown }> {
  const dir = mkdtempSync(join(tmpdir(), "prenv-bench-update-"));
  cpSync(join(ROOT, "examples/shop"), dir, { recursive: true });
  const environment = `bench-update-${RUN_ID}`;
  if (backend === "docker") ctx.cleanup.environments.add(environment);
  const up = async (discount: number, ...extra: string[]): Promise<Timing> => {
    const t0 = wallClockMs();
    const r = await run(NODE, [CLI, "up", "--env", environment, ...backendArgs, "--json", "--set", `discount_percent=${discount}`, ...extra], { cwd: dir, timeoutMs: 300_000 });
    const wallMs = wallClockMs() - t0;
    if (r.code !== 0) throw new Error(`prenv up ${extra.join(" ")} on ${backend} failed (exit ${r.code}):\n${lastLines(r.stderr, 15)}`);
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
      log(`update ${i}/${RUNS} (${backend}): one service ${fmtMs(change.engineMs)}, full recreate ${fmtMs(recreates.at(-1)!.engineMs)}, no-op ${fmtMs(noop.engineMs)} (wall ${fmtMs(noop.wallMs)})`);
    }
  } finally {
    await run(NODE, [CLI, "down", "--env", environment, ...backendArgs], { cwd: dir, timeoutMs: 300_000 });
    rmSync(dir, { recursive: true, force: true });
  }
  const change = median(changes.map((t) => t.engineMs));
  const recreate = median(recreates.map((t) => t.engineMs));
  const noop = median(noops.map((t) => t.engineMs));
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
  return { rows, data: { changes, recreates, noops } };
}
