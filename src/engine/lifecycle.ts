import type { AbandonedFault, EnvironmentSummary, Faults, Inventory, RemovalReport } from "../backends/backend.ts";

export interface GcOptions {
  /** Also remove finished environments created longer ago than this. */
  olderThanMs?: number;
  /** `gc --expired`: when each preview expires (Updates.expiries); those past it are removed. */
  expiries?: Map<string, Date>;
  host: string;
  now?: Date;
  /** Whether a process of this host is still alive. */
  isAlive?: (pid: number) => boolean;
  /** Only these environments (`prenv gc <env>...`): a shared engine's other environments are not this call's business. */
  only?: Set<string>;
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
    if (options.only && !options.only.has(env.environment)) continue;
    if (onlyKeptData(env)) continue;
    const ageMs = now.getTime() - env.created.getTime();
    const expires = options.expiries?.get(env.environment);
    if (expires && expires.getTime() <= now.getTime()) {
      out.push({ environment: env, reason: `its preview expired at ${expires.toISOString()}` });
      continue;
    }
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

/** Consecutive looks that must find nothing left before gc is done. */
const QUIET_LOOKS = 2;
/** A bound, should something keep creating objects of a swept environment. */
const MAX_LOOKS = 20;

export async function gc(backend: Inventory, options: GcOptions): Promise<{ decision: GcDecision; removed: RemovalReport }[]> {
  const decisions = gcCandidates(await backend.list(), options);
  const results = await Promise.all(decisions.map(async (decision) => ({ decision, removed: await backend.remove(decision.environment.environment, { keepVolumes: decision.environment.volumesKept }) })));
  // The engine completes a create request even when the client that sent it was killed,
  // so an object can appear after the sweep: look again until the engine has twice in a
  // row shown nothing left (each look is a round trip through the engine).
  const byName = new Map(results.map((r) => [r.decision.environment.environment, r]));
  for (let quiet = 0, looks = 0; decisions.length > 0 && quiet < QUIET_LOOKS && looks < MAX_LOOKS; looks++) {
    const late = (await backend.list()).filter((e) => byName.has(e.environment) && !onlyKeptData(e));
    quiet = late.length === 0 ? quiet + 1 : 0;
    for (const env of late) {
      const again = await backend.remove(env.environment, { keepVolumes: env.volumesKept });
      const result = byName.get(env.environment)!;
      result.removed = { containers: result.removed.containers + again.containers, networks: result.removed.networks + again.networks, volumes: result.removed.volumes + again.volumes };
    }
  }
  return results;
}

/**
 * Undoes the faults of runs whose process is gone (a kill -9 during a partition or a stop),
 * before environments are removed: an environment gc keeps (one `prenv up` made, which a
 * killed `prenv test` faulted) comes back whole, and the helpers go. Only owners of this
 * host whose process has ended count as gone; another host's run cannot be judged from here.
 */
export async function undoAbandonedFaults(backend: Faults, options: Pick<GcOptions, "host" | "isAlive" | "only">): Promise<AbandonedFault[]> {
  const alive = options.isAlive ?? processAlive;
  return backend.undoAbandonedFaults((owner, environment) => {
    if (options.only && !options.only.has(environment)) return false;
    const [host, pid] = splitOwner(owner);
    return host === options.host && pid !== undefined && !alive(pid);
  });
}

/** What `down --keep-volumes` left: nothing for gc to take. */
function onlyKeptData(env: EnvironmentSummary): boolean {
  return env.volumesKept && env.services.length === 0 && env.networks === 0 && !env.complete;
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
