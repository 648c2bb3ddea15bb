import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { listContainers, listNetworks, objectsWithLabel } from "./docker.ts";
import { liveChildren, run, sleep, type RunOptions, type RunResult } from "./proc.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** The Node 24 that runs this program (scripts/node24 chose it); prenv runs on it directly. */
export const NODE = process.execPath;
export const CLI = join(ROOT, "dist/cli.js");
export const ENV10 = join(ROOT, "bench/env10/compose.yaml");
export const CRASH_RUN = join(ROOT, "bench/crash-run/prenv.yml");
export const LATENCY_FILE = join(ROOT, "bench/latency/compose.yaml");
export const RESULTS = join(ROOT, "bench/results");
export const PRENV_LABEL = "dev.prenv.environment";
export const COMPOSE_PROJECT_LABEL = "com.docker.compose.project";

export const SUITES = ["plan", "boot", "teardown", "latency", "version", "memory", "output", "crash", "crash-run", "hostile", "repro", "update", "k8s"] as const;
export type SuiteName = (typeof SUITES)[number];

export interface Options {
  prenvRuns: number;
  composeRuns: number;
  latencyTrials: number;
  crashTrials: number;
  memoryRuns: number;
  seed: number;
  /** Upper bound of the random delay before kill -9, in ms. */
  crashMaxDelayMs: number;
  /** The same for `prenv run`, whose boot, 3 s suite and teardown take 9 to 12 s here. */
  crashRunMaxDelayMs: number;
}

export const DEFAULTS: Options = {
  prenvRuns: 5,
  composeRuns: 3,
  latencyTrials: 10,
  crashTrials: 20,
  memoryRuns: 3,
  seed: 20241129,
  crashMaxDelayMs: 3000,
  crashRunMaxDelayMs: 12_000,
};

/** One line of the summary: what was measured, against what, and whether it meets its target. */
export interface Row {
  suite: SuiteName;
  what: string;
  prenv: string;
  baseline: string;
  /** The number the target is about, formatted. */
  figure: string;
  target: string;
  /** undefined: informational, no target. */
  pass?: boolean;
}

export function gate(value: number, op: "<" | "<=" | "=", limit: number): boolean {
  if (!Number.isFinite(value)) return false;
  return op === "<" ? value < limit : op === "<=" ? value <= limit : value === limit;
}

export const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`);

/** Short, unique per run of the benchmark: part of every environment and project name. */
export const RUN_ID = `${Date.now().toString(36).slice(-4)}${process.pid.toString(36)}`;

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Runs the prenv CLI on Node 24 directly (no wrapper script), from the repository root. */
export function prenv(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return run(NODE, [CLI, ...args], { cwd: ROOT, ...options });
}

/**
 * Everything the benchmark may leave behind: prenv environments and compose projects
 * by name. `all()` removes whatever of them still exists, and stops live children.
 */
export class Cleanup {
  readonly environments = new Set<string>();
  /** Values of the label bench/boot-floor.ts puts on what it creates (not a prenv environment). */
  readonly floors = new Set<string>();
  /** Compose projects by name: their file, and whether Compose v5 (`docker compose`) made them. */
  readonly composeProjects = new Map<string, { file: string; v5: boolean }>();

  async all(): Promise<string[]> {
    const notes: string[] = [];
    for (const child of liveChildren) child.kill("SIGKILL");
    for (let i = 0; i < 50 && liveChildren.size > 0; i++) await sleep(20);
    for (const env of this.environments) {
      const left = await objectsWithLabel(`${PRENV_LABEL}=${env}`).catch(() => undefined);
      if (left && left.containers + left.networks + left.volumes === 0) continue;
      const r = await prenv(["down", "--env", env], { timeoutMs: 60_000 }).catch((e: Error) => ({ code: -1, stderr: e.message }));
      notes.push(`cleanup: prenv down --env ${env} (exit ${r.code})`);
    }
    for (const floor of this.floors) {
      const label = `dev.prenv.bench.floor=${floor}`;
      const [c, n] = await Promise.all([listContainers({ label: [label] }), listNetworks({ label: [label] })]).catch(() => [[], []]);
      if (c.length + n.length === 0) continue;
      if (c.length > 0) await run("docker", ["rm", "-f", ...c.map((x) => x.Id)], { timeoutMs: 60_000 }).catch(() => undefined);
      if (n.length > 0) await run("docker", ["network", "rm", ...n.map((x) => x.Id)], { timeoutMs: 60_000 }).catch(() => undefined);
      notes.push(`cleanup: removed the boot floor ${floor} (${c.length} containers, ${n.length} networks)`);
    }
    for (const [project, { file, v5 }] of this.composeProjects) {
      const label = `${COMPOSE_PROJECT_LABEL}=${project}`;
      const [c, n] = await Promise.all([listContainers({ label: [label] }), listNetworks({ label: [label] })]).catch(() => [[1], [1]]);
      if (c.length + n.length === 0) continue;
      const [command, ...pre] = v5 ? ["docker", "compose"] : ["docker-compose"];
      const r = await run(command!, [...pre, "-p", project, "-f", file, "down", "-v", "-t", "1"], { cwd: ROOT, timeoutMs: 120_000 }).catch((e: Error) => ({ code: -1, stderr: e.message }));
      notes.push(`cleanup: ${v5 ? "docker compose" : "docker-compose"} -p ${project} down (exit ${r.code})`);
    }
    return notes;
  }
}

export interface Context {
  options: Options;
  cleanup: Cleanup;
}

export function requireFile(path: string, hint: string): void {
  if (!existsSync(path)) throw new Error(`${path} is missing: ${hint}`);
}
