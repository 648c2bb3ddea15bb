import type { Backend, ImageInfo, Owner, Updates } from "../backends/backend.ts";
import { canUpdate, ConflictError, ServiceError, UnsupportedError } from "../backends/backend.ts";
import type { Plan } from "../plan/plan.ts";
import { sleep } from "../util/async.ts";
import { configHash, diffEnvironment, type Operation } from "./diff.ts";
import { BootError, up, type UpOptions, type UpResult } from "./up.ts";

export interface UpdateOptions extends Omit<UpOptions, "update"> {
  /** `--recreate`: every service is replaced. */
  recreateAll?: boolean;
  /** How long the lock is held at most if this process dies; default: the boot timeout and a minute. */
  leaseMs?: number;
  /** How long to wait for another update of the same environment; default 10 min. */
  lockWaitMs?: number;
  /** Hears the operations once they are known (before anything is touched). */
  onOperations?: (ops: Operation[]) => void;
}

export interface UpdateResult extends UpResult {
  operations: Operation[];
  /** Whether the environment existed (an update) or was created now. */
  updated: boolean;
}

/** An update failed; the services it replaced run again as they were. */
export class UpdateError extends Error {
  readonly failure: ServiceError;
  readonly service: string;
  /** The services put back as they ran before the update. */
  readonly restored: string[];
  constructor(failure: ServiceError, restored: string[], options: { cause?: unknown } = {}) {
    const back = restored.length > 0 ? `; ${restored.join(", ")} run${restored.length === 1 ? "s" : ""} again as before` : "; nothing had been changed";
    super(`the update failed at service "${failure.service}": ${failure.message}${back}`, { cause: options.cause ?? failure });
    this.name = "UpdateError";
    this.failure = failure;
    this.service = failure.service;
    this.restored = restored;
  }
}

/** Another update held the environment's lock for longer than we would wait. */
export class LockTimeoutError extends ConflictError {
  constructor(environment: string, holder: string, leaseUntil: Date) {
    super(`environment "${environment}" is being updated by ${holder} (its lease runs until ${leaseUntil.toISOString()}); gave up waiting`);
    this.name = "LockTimeoutError";
  }
}

const DEFAULT_BOOT_MS = 5 * 60_000;
const LOCK_POLL_MS = 200;

/**
 * `prenv up` on an environment: boots it when it does not exist, otherwise updates it in
 * place — only what changed is replaced.
 */
export async function upOrUpdate(plan: Plan, options: UpdateOptions): Promise<UpdateResult> {
  const existing = (await options.backend.list()).find((e) => e.environment === plan.environment && (e.services.length > 0 || e.networks > 0));
  // One that another `up` is still creating is not updated: that `up` refuses it at its
  // claim, at once ("already exists"), instead of waiting to replace what is being made.
  if (!existing || !existing.complete) return { ...(await up(plan, options)), operations: plan.services.map((s) => ({ kind: "create", service: s.name })), updated: false };
  return updateEnvironment(plan, { ...options, backend: updating(options.backend, plan.environment) });
}

/** The backend's Updates part; a backend without it refuses with what to do instead. */
function updating(backend: Backend, environment: string): Backend & Updates {
  if (canUpdate(backend)) return backend;
  throw new UnsupportedError(`environment "${environment}" exists, and the ${backend.kind} backend cannot update an environment in place yet`, `remove it first (prenv down --env ${environment}), then prenv up`, { capability: "updateInPlace" });
}

/** What an update would do, without doing it (`prenv plan --diff`); images are prepared to know their digests. */
export async function planUpdate(plan: Plan, backend: Backend, options: { recreateAll?: boolean; signal?: AbortSignal } = {}): Promise<Operation[]> {
  const signal = options.signal ?? new AbortController().signal;
  const images = new Map<string, ImageInfo>();
  await Promise.all(plan.services.map(async (s) => images.set(s.name, await backend.prepareImage(plan, s, () => undefined, signal))));
  return diffEnvironment(await updating(backend, plan.environment).observe(plan.environment), plan, hashesOf(plan, images), options);
}

/**
 * Updates an environment that exists. Under its lock: observe, compare each service's
 * hash with the plan, set aside what changes, boot the new versions; on success the old
 * ones go, on failure they come back (with their data: a set-aside container is only
 * stopped). The lock is released in every case.
 */
export async function updateEnvironment(plan: Plan, options: UpdateOptions & { backend: Backend & Updates }): Promise<UpdateResult> {
  const { backend, owner } = options;
  let operations: Operation[] = [];
  const setAside: string[] = [];
  let lock: string | undefined;
  const leaseMs = options.leaseMs ?? (options.timeoutMs ?? DEFAULT_BOOT_MS) + 60_000;
  try {
    const result = await up(plan, {
      ...options,
      update: async (images) => {
        lock = await acquire(backend, plan, owner, images.values().next().value!.reference, leaseMs, options.lockWaitMs ?? 10 * 60_000, options.signal);
        operations = diffEnvironment(await backend.observe(plan.environment), plan, hashesOf(plan, images), { recreateAll: options.recreateAll ?? false });
        options.onOperations?.(operations);
        // Dependants first, so that nothing runs against a dependency that is gone.
        for (const op of [...operations].reverse()) {
          if (op.kind !== "recreate") continue;
          await backend.setAside(plan.environment, op.service);
          setAside.push(op.service);
        }
        return new Set(operations.filter((o) => o.kind === "unchanged").map((o) => o.service));
      },
    });
    for (const name of setAside) await backend.discardSetAside(plan.environment, name);
    for (const op of operations) if (op.kind === "remove") await backend.removeService(plan.environment, op.service);
    return { ...result, operations, updated: true };
  } catch (e) {
    if (!(e instanceof BootError)) throw e;
    // What was created anew goes; what was set aside comes back, dependencies first.
    for (const op of operations) if (op.kind === "create") await backend.removeService(plan.environment, op.service);
    const restored: string[] = [];
    for (const name of [...setAside].reverse()) {
      await backend.restore(plan.environment, name);
      restored.push(name);
    }
    throw new UpdateError(e.failure, restored, { cause: e });
  } finally {
    if (lock) await backend.unlock(plan.environment, lock);
  }
}

function hashesOf(plan: Plan, images: Map<string, ImageInfo>): Map<string, string> {
  return new Map(plan.services.map((s) => [s.name, configHash(s, images.get(s.name)!)]));
}

/**
 * Waits for the environment's lock. Runs take it in turn, so the later of two updates
 * applies last and its state is what stays (the later run wins).
 */
async function acquire(backend: Updates, plan: Plan, owner: Owner, image: string, leaseMs: number, waitMs: number, signal: AbortSignal | undefined): Promise<string> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const attempt = await backend.tryLock(plan, owner, image, new Date(Date.now() + leaseMs));
    if (attempt.acquired) return attempt.id;
    if (Date.now() > deadline) {
      const cause = new LockTimeoutError(plan.environment, attempt.holder, attempt.leaseUntil);
      throw new ServiceError("", cause.message, { hint: "wait for the other update, or serialise the workflow's runs with a `concurrency` group", cause });
    }
    await sleep(LOCK_POLL_MS, signal);
  }
}
