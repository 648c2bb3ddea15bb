import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, NODE, RUN_ID, fmtMs, gate, log, type Context, type Row } from "../lib/context.ts";
import { lastLines, run } from "../lib/proc.ts";
import { GNU_TIME, peakMB } from "./memory.ts";

const BYTES = 1_000_000_000;
/** 1000-byte lines: `yes` repeats the 999 characters and a newline. */
const LINE = "x".repeat(999);
const DONE = "loud done\n";

/** Peak RSS of `prenv run` on a definition whose one service writes 1 GB of logs, saved whole to the results folder. */
export async function output(ctx: Context): Promise<{ rows: Row[]; data: unknown }> {
  if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} is missing: install GNU time (Debian package "time": apt-get install -y time)`);
  const dir = mkdtempSync(join(tmpdir(), "prenv-bench-output-"));
  try {
    writeFileSync(
      join(dir, "prenv.yml"),
      `services:
  loud:
    image: prenv-test/busybox:1
    command: [sh, -c, "yes ${LINE} | head -c ${BYTES}; printf '${DONE.trimEnd()}\\\\n'; touch /tmp/printed; exec sleep 3600"]
    healthcheck: { test: [CMD, test, -f, /tmp/printed], interval: 1s }
test:
  command: "true"
`,
    );
    const environment = `bench-out-${RUN_ID}`;
    ctx.cleanup.environments.add(environment);
    const timeOut = join(dir, "time");
    const started = performance.now();
    const r = await run(GNU_TIME, ["-f", "%M", "-o", timeOut, NODE, CLI, "run", "--env", environment, "--json"], { cwd: dir, timeoutMs: 900_000 });
    const elapsedMs = performance.now() - started;
    if (r.code !== 0) throw new Error(`prenv run --env ${environment} failed (exit ${r.code}):\n${lastLines(r.stderr, 15)}`);
    const logBytes = statSync(join(dir, "prenv-results/logs/loud.log")).size;
    if (logBytes !== BYTES + DONE.length) throw new Error(`logs/loud.log has ${logBytes} bytes, expected ${BYTES + DONE.length}`);
    const peak = peakMB(timeOut);
    log(`output: prenv run with 1 GB of service logs: peak RSS ${peak.toFixed(1)} MB, ${fmtMs(elapsedMs)}`);
    const rows: Row[] = [
      {
        suite: "output",
        what: "peak RSS of `prenv run`, a service writing 1 GB of logs",
        prenv: `${peak.toFixed(1)} MB, ${fmtMs(elapsedMs)} (log saved whole: ${logBytes} bytes)`,
        baseline: "",
        figure: `${peak.toFixed(1)} MB`,
        target: "< 200 MB",
        pass: gate(peak, "<", 200),
      },
    ];
    return { rows, data: { method: `${GNU_TIME} -f %M around node dist/cli.js run`, peakMB: peak, elapsedMs, logBytes } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
