import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, ENV10, NODE, ROOT, RUN_ID, gate, log, prenv, type Context, type Row } from "../lib/context.ts";
import { lastLines, run } from "../lib/proc.ts";
import { max, median } from "../lib/stats.ts";

export const GNU_TIME = "/usr/bin/time";

/** The peak RSS in MB (10^6 bytes) that `GNU_TIME -f %M -o file` wrote to `file`. */
export const peakMB = (file: string) => (Number(readFileSync(file, "utf8").trim().split("\n").at(-1)) * 1024) / 1e6;

/** Peak resident memory (GNU time's %M, in KiB, from wait4's ru_maxrss) of `prenv up` on env10. */
export async function memory(ctx: Context): Promise<{ rows: Row[]; data: unknown }> {
  if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} is missing: install GNU time (Debian package "time": apt-get install -y time)`);
  const dir = mkdtempSync(join(tmpdir(), "prenv-bench-mem-"));
  const runs: { environment: string; upPeakMB: number; downPeakMB: number }[] = [];
  try {
    for (let i = 1; i <= ctx.options.memoryRuns; i++) {
      const environment = `bench-mem-${RUN_ID}-${i}`;
      ctx.cleanup.environments.add(environment);
      const upOut = join(dir, `up-${i}`);
      const up = await run(GNU_TIME, ["-f", "%M", "-o", upOut, NODE, CLI, "up", "-f", ENV10, "--env", environment, "--json"], { cwd: ROOT, timeoutMs: 300_000 });
      if (up.code !== 0) throw new Error(`prenv up --env ${environment} failed (exit ${up.code}):\n${lastLines(up.stderr, 15)}`);
      const downOut = join(dir, `down-${i}`);
      const down = await run(GNU_TIME, ["-f", "%M", "-o", downOut, NODE, CLI, "down", "--env", environment], { cwd: ROOT, timeoutMs: 120_000 });
      if (down.code !== 0) {
        await prenv(["down", "--env", environment]);
        throw new Error(`prenv down --env ${environment} failed:\n${lastLines(down.stderr, 15)}`);
      }
      runs.push({ environment, upPeakMB: peakMB(upOut), downPeakMB: peakMB(downOut) });
      log(`memory ${i}/${ctx.options.memoryRuns}: prenv up peak RSS ${runs.at(-1)!.upPeakMB.toFixed(1)} MB, prenv down ${runs.at(-1)!.downPeakMB.toFixed(1)} MB`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const peak = max(runs.map((r) => r.upPeakMB));
  const rows: Row[] = [
    {
      suite: "memory",
      what: "peak RSS of `prenv up` on env10",
      prenv: `max ${peak.toFixed(1)} MB, median ${median(runs.map((r) => r.upPeakMB)).toFixed(1)} MB (${runs.length} runs)`,
      baseline: `prenv down: ${max(runs.map((r) => r.downPeakMB)).toFixed(1)} MB`,
      figure: `${peak.toFixed(1)} MB`,
      target: "< 150 MB",
      pass: gate(peak, "<", 150),
    },
  ];
  return { rows, data: { method: `${GNU_TIME} -f %M (max resident set size in KiB, shown here as MB = 10^6 bytes) around node dist/cli.js`, runs, peakMB: peak } };
}
