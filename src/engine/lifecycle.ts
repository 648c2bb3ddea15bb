import type { Backend, EnvironmentSummary, RemovalReport } from "../backends/backend.ts";
import { sleep } from "../util/async.ts";

export interface GcOptions {
  /** Also remove finished environments created longer ago than this. */
  olderThanMs?: number;
  host: string;
  now?: Date;
  /** Whether a process of this host is still alive. */
  isAlive?: (pid: number) => boolean;
}

export interface GcDecision {
  environment: EnvironmentSummary;
  reason: string;
}

/**
 * Which environments gc removes: those whose `up` never finished and whose process is
 * gone (a crash or kill -9), and, with an age limit, anything older than it. A boot
 * still running in another process is left alone.
 */
export function gcCandidates(environments: EnvironmentSummary[], options: GcOptions): GcDecision[] {
  const now = options.now ?? new Date();
  const alive = options.isAlive ?? processAlive;
  const out: GcDecision[] = [];
  for (const env of environments) {
    const ageMs = now.getTime() - env.created.getTime();
    if (options.olderThanMs !== undefined && ageMs > options.olderThanMs) {
      out.push({ environment: env, reason: `older than the limit (${Math.round(ageMs / 60_000)} min)` });
      continue;
    }
    if (env.complete) continue;
    const [host, pid] = splitOwner(env.owner);
    if (host === options.host && pid !== undefined && !alive(pid)) {
      out.push({ environment: env, reason: `left by a run that ended before it finished (process ${pid} is gone)` });
    } else if (!host || pid === undefined) {
      out.push({ environment: env, reason: "unfinished and its owner is unknown" });
    }
  }
  return out;
}

/** How long the engine may still be finishing what a killed client asked for. */
const SETTLE_MS = 500;

export async function gc(backend: Backend, options: GcOptions): Promise<{ decision: GcDecision; removed: RemovalReport }[]> {
  const decisions = gcCandidates(await backend.list(), options);
  const results = await Promise.all(decisions.map(async (decision) => ({ decision, removed: await backend.remove(decision.environment.environment, { keepVolumes: false }) })));
  if (decisions.length === 0) return results;
  // The engine completes a create request even when the client that sent it was killed,
  // so an object can appear just after the sweep: look once more after a moment.
  await sleep(SETTLE_MS);
  const swept = new Set(decisions.map((d) => d.environment.environment));
  const late = (await backend.list()).filter((e) => swept.has(e.environment));
  for (const env of late) {
    const again = await backend.remove(env.environment, { keepVolumes: false });
    const result = results.find((r) => r.decision.environment.environment === env.environment)!;
    result.removed = { containers: result.removed.containers + again.containers, networks: result.removed.networks + again.networks, volumes: result.removed.volumes + again.volumes };
  }
  return results;
}

function splitOwner(owner: string): [string | undefined, number | undefined] {
  const at = owner.lastIndexOf(":");
  if (at < 0) return [undefined, undefined];
  const pid = Number(owner.slice(at + 1));
  return [owner.slice(0, at), Number.isInteger(pid) && pid > 0 ? pid : undefined];
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** "2h", "30m", "90s", "1d" as milliseconds; undefined when not a duration. */
export function parseAge(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "s" | "m" | "h" | "d"];
}
