import { CLI, LATENCY_FILE, NODE, PRENV_LABEL, ROOT, RUN_ID, fmtMs, gate, log, prenv, type Context, type Row } from "../lib/context.ts";
import { listContainers } from "../lib/docker.ts";
import { check, lastLines, start } from "../lib/proc.ts";
import { max, median, seededRandom } from "../lib/stats.ts";

interface Trial {
  environment: string;
  /** How long the service waited before creating /tmp/ready (BENCH_READY_DELAY). */
  delaySeconds: string;
  /** mtime of /tmp/ready, epoch ms, from `stat -c %y` inside the container (nanoseconds). */
  fileCreatedAt: number;
  /** When prenv's progress line "slowstart ready" reached this process, epoch ms. */
  reportedReadyAt: number;
  /** When `prenv up` exited, epoch ms. */
  exitedAt: number;
  latencyMs: number;
  exitLatencyMs: number;
}

/** "2026-11-29 09:38:37.108782147 +0000" (busybox `stat -c %y`) as epoch milliseconds with the fraction kept. */
export function parseStatTime(text: string): number {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d+))? ([+-])(\d\d)(\d\d)$/.exec(text.trim());
  if (!m) throw new Error(`cannot read the time "${text.trim()}" from stat -c %y`);
  const whole = Date.parse(`${m[1]}T${m[2]}${m[4]}${m[5]}:${m[6]}`);
  return whole + Number(`0.${m[3] ?? "0"}`) * 1000;
}

/**
 * Readiness latency: the service creates /tmp/ready after a known delay and its
 * healthcheck tests for the file (default interval, 30 s). The file's mtime, read in the
 * container with nanoseconds, is compared with the wall-clock moment prenv's progress
 * line said the service was ready (stderr is a pipe: one plain line per change, written
 * synchronously). Containers share the host's clock, so the two times are comparable.
 */
export async function latency(ctx: Context): Promise<{ rows: Row[]; data: unknown }> {
  const trials: Trial[] = [];
  const random = seededRandom(ctx.options.seed ^ 0x1a7e);
  for (let i = 1; i <= ctx.options.latencyTrials; i++) {
    const environment = `bench-lat-${RUN_ID}-${i}`;
    // 2.000-2.250 s: varies where the file lands between two probes.
    const delaySeconds = (2 + random() * 0.25).toFixed(3);
    ctx.cleanup.environments.add(environment);
    let reportedReadyAt = Number.NaN;
    const up = start(NODE, [CLI, "up", "-f", LATENCY_FILE, "--env", environment], {
      cwd: ROOT,
      env: { ...process.env, BENCH_READY_DELAY: delaySeconds },
      timeoutMs: 120_000,
      onStderrLine: (line) => {
        if (Number.isNaN(reportedReadyAt) && /^\s*slowstart\s+ready\b/.test(line)) reportedReadyAt = Date.now();
      },
    });
    const result = await up.done;
    const exitedAt = Date.now();
    if (result.code !== 0) throw new Error(`prenv up --env ${environment} failed (exit ${result.code ?? result.signal}):\n${lastLines(result.stderr, 15)}`);
    if (Number.isNaN(reportedReadyAt)) throw new Error(`prenv up --env ${environment} printed no "slowstart ready" line:\n${lastLines(result.stderr, 15)}`);
    const [container] = await listContainers({ label: [`${PRENV_LABEL}=${environment}`, "dev.prenv.service=slowstart"] });
    if (!container) throw new Error(`no slowstart container in ${environment}`);
    const stat = await check("docker", ["exec", container.Id, "stat", "-c", "%y", "/tmp/ready"]);
    const fileCreatedAt = parseStatTime(stat.stdout);
    const down = await prenv(["down", "--env", environment], { timeoutMs: 60_000 });
    if (down.code !== 0) throw new Error(`prenv down --env ${environment} failed:\n${lastLines(down.stderr, 15)}`);
    const trial = { environment, delaySeconds, fileCreatedAt, reportedReadyAt, exitedAt, latencyMs: reportedReadyAt - fileCreatedAt, exitLatencyMs: exitedAt - fileCreatedAt };
    if (trial.latencyMs < -5) throw new Error(`prenv reported ${environment} ready ${fmtMs(-trial.latencyMs)} before the file existed: clocks disagree, or prenv's check is wrong`);
    trials.push(trial);
    log(`latency ${i}/${ctx.options.latencyTrials}: delay ${delaySeconds} s, ready reported ${trial.latencyMs.toFixed(1)} ms after the file appeared, up returned after ${trial.exitLatencyMs.toFixed(1)} ms`);
  }
  const latencies = trials.map((t) => t.latencyMs);
  const exits = trials.map((t) => t.exitLatencyMs);
  const rows: Row[] = [
    {
      suite: "latency",
      what: "readiness latency: ready file created → prenv reports the service ready",
      prenv: `median ${fmtMs(median(latencies))}, max ${fmtMs(max(latencies))} (${trials.length} trials)`,
      baseline: "healthcheck interval 30 s (Compose default)",
      figure: `max ${fmtMs(max(latencies))}`,
      target: "< 250 ms",
      pass: gate(max(latencies), "<", 250),
    },
    {
      suite: "latency",
      what: "  same, until `prenv up` has returned (info)",
      prenv: `median ${fmtMs(median(exits))}, max ${fmtMs(max(exits))}`,
      baseline: "",
      figure: "",
      target: "",
    },
  ];
  return { rows, data: { file: "bench/latency/compose.yaml", trials, medianMs: median(latencies), maxMs: max(latencies), medianUntilExitMs: median(exits), maxUntilExitMs: max(exits) } };
}
