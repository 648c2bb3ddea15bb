import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, NODE, ROOT, RUN_ID, fmtMs, gate, log, type Context, type Row } from "../lib/context.ts";
import { lastLines, run } from "../lib/proc.ts";
import { wallClockMs, median } from "../lib/stats.ts";

const RUNS = 3;

interface Timed {
  /** From the command's start to the environment being ready. */
  toReadyMs: number;
  bootMs: number;
  totalMs: number;
}

/** Time to ready of a finished run: its results.json says when it started and how long the boot took. */
function timed(t0: number, resultsDir: string, wallMs: number): Timed {
  const r = JSON.parse(readFileSync(join(resultsDir, "results.json"), "utf8")) as { startedAt: string; timings: { bootMs: number } };
  return { toReadyMs: Date.parse(r.startedAt) + r.timings.bootMs - t0, bootMs: r.timings.bootMs, totalMs: wallMs };
}

/**
 * Reproduction overhead on examples/shop: `prenv run` with a failing test in a git clone,
 * and, side by side, the reproduction line that run printed, pasted into a fresh clone
 * (fetch, worktree, boot, the failed test). Target: the line reaches "ready" at most 2 s
 * after the run's own time to ready.
 */
export async function repro(ctx: Context): Promise<{ rows: Row[]; data: unknown }> {
  const work = mkdtempSync(join(tmpdir(), "prenv-bench-repro-"));
  const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@prenv.invalid", ...args], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  const origin = join(work, "origin");
  cpSync(join(ROOT, "examples/shop"), origin, { recursive: true });
  git(origin, "init", "-q", "-b", "main");
  git(origin, "add", "-A");
  git(origin, "commit", "-q", "-m", "shop");
  const runs: Timed[] = [];
  const repros: Timed[] = [];
  try {
    for (let i = 1; i <= RUNS; i++) {
      const ci = join(work, `ci-${i}`);
      git(work, "clone", "-q", `file://${origin}`, ci);
      const environment = `bench-repro-${RUN_ID}-${i}`;
      ctx.cleanup.environments.add(environment);
      const t0 = wallClockMs();
      const r = await run(NODE, [CLI, "run", "--env", environment, "--set", "break_test=true"], { cwd: ci, timeoutMs: 300_000 });
      if (r.code !== 1) throw new Error(`prenv run in ${ci} should fail one test (exit 1), exit ${r.code}:\n${lastLines(r.stderr, 15)}`);
      runs.push(timed(t0, join(ci, "prenv-results"), wallClockMs() - t0));
      const line = /reproduce this run \(here or on another machine\):\n {2}(.+)\n/.exec(r.stderr)?.[1];
      if (!line) throw new Error(`prenv run printed no reproduction line:\n${lastLines(r.stderr, 15)}`);

      const dev = join(work, `dev-${i}`);
      git(work, "clone", "-q", `file://${origin}`, dev);
      const out = join(work, `repro-out-${i}`);
      const reproEnv = `bench-repro-${RUN_ID}-r${i}`;
      ctx.cleanup.environments.add(reproEnv);
      const command = `${line.replace(/^npx prenv@\S+ /, `'${NODE}' '${CLI}' `)} --results-dir '${out}' --env ${reproEnv}`;
      const t1 = wallClockMs();
      const p = await run("bash", ["-c", command], { cwd: dev, timeoutMs: 300_000 });
      if (p.code !== 1) throw new Error(`the reproduction line should fail the same test (exit 1), exit ${p.code}:\n${lastLines(p.stderr, 15)}`);
      repros.push(timed(t1, out, wallClockMs() - t1));
      log(`repro ${i}/${RUNS}: run ready after ${fmtMs(runs.at(-1)!.toReadyMs)} (boot ${fmtMs(runs.at(-1)!.bootMs)}), line ready after ${fmtMs(repros.at(-1)!.toReadyMs)}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const runReady = median(runs.map((r) => r.toReadyMs));
  const reproReady = median(repros.map((r) => r.toReadyMs));
  const overhead = reproReady - runReady;
  const rows: Row[] = [
    {
      suite: "repro",
      what: "examples/shop: pasted reproduction line (fetch, worktree, boot) to ready, vs the run's own start to ready",
      prenv: `${fmtMs(reproReady)} (median of ${RUNS})`,
      baseline: `prenv run: ${fmtMs(runReady)} (boot ${fmtMs(median(runs.map((r) => r.bootMs)))})`,
      figure: `${overhead >= 0 ? "+" : "−"}${fmtMs(Math.abs(overhead))}`,
      target: "≤ +2 s",
      pass: gate(overhead, "<=", 2000),
    },
  ];
  return { rows, data: { runs, repros, overheadMs: overhead } };
}
