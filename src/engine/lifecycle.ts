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
 * Which environments gc removes: those whose process is gone (a crash or kill -9) while
 * it still owned them: an `up` that never finished, or a run (`prenv run`, the Action)
 * that never reached its teardown. With an age limit, also anything older than it. A
 * boot or run still going on in another process is left alone, and so are volumes that
 * `down --keep-volumes` kept (gc removes the rest of such an environment, not them).
 */
export function gcCandidates(environments: EnvironmentSummary[], options: GcOptions): GcDecision[] {
  const now = options.now ?? new Date();
  const alive = options.isAlive ?? processAlive;
  const out: GcDecision[] = [];
  for (const env of environments) {
    if (env.volumesKept && env.services.length === 0 && env.networks === 0 && !env.complete) continue; // only the kept data
    const ageMs = now.getTime() - env.created.getTime();
    if (options.olderThanMs !== undefined && ageMs > options.olderThanMs) {
      out.push({ environment: env, reason: `older than the limit (${Math.round(ageMs / 60_000)} min)` });
      continue;
    }
    if (env.complete && !env.ephemeral) continue;
    const what = env.complete ? "left by a prenv run that ended before its teardown" : "left by a run that ended before it finished";
    const [host, pid] = splitOwner(env.owner);
    if (host === options.host && pid !== undefined && !alive(pid)) {
      out.push({ environment: env, reason: `${what} (process ${pid} is gone)` });
    } else if (!host || pid === undefined) {
      out.push({ environment: env, reason: `${env.complete ? "made by a run" : "unfinished"} and its owner is unknown` });
    }
  }
  return out;
}

/** How long the engine may still be finishing what a killed client asked for. */
const SETTLE_MS = 500;

export async function gc(backend: Backend, options: GcOptions): Promise<{ decision: GcDecision; removed: RemovalReport }[]> {
  const decisions = gcCandidates(await backend.list(), options);
  const results = await Promise.all(decisions.map(async (decision) => ({ decision, removed: await backend.remove(decision.environment.environment, { keepVolumes: decision.environment.volumesKept }) })));
  if (decisions.length === 0) return results;
  // The engine completes a create request even when the client that sent it was killed,
  // so an object can appear just after the sweep: look once more after a moment.
  await sleep(SETTLE_MS);
  const swept = new Set(decisions.map((d) => d.environment.environment));
  const late = (await backend.list()).filter((e) => swept.has(e.environment));
  for (const env of late) {
    const again = await backend.remove(env.environment, { keepVolumes: env.volumesKept });
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
