import { createServer } from "node:net";
import { describeReason, LABELS, ServiceError, type Backend, type Endpoint, type ImageInfo, type Owner, type Runtime } from "../backends/backend.ts";
import type { Plan, PlannedService } from "../plan/plan.ts";
import { sleep } from "../util/async.ts";
import { configHash } from "./diff.ts";
import { logTail } from "./logs.ts";
import { waitFor } from "./readiness.ts";
import { BootError, PreflightError } from "./errors.ts";

export { BootError, PreflightError };

export type ServicePhase = "pending" | "pulling" | "building" | "waiting" | "starting" | "checking" | "ready" | "completed" | "failed";

export interface ServiceEvent {
  service: string;
  phase: ServicePhase;
  /** Since `up` began. */
  elapsedMs: number;
  detail?: string;
}

export interface UpOptions {
  backend: Backend;
  owner: Owner;
  onEvent?: (event: ServiceEvent) => void;
  /** Leave what was created when the boot fails, for inspection. */
  keepOnFailure?: boolean;
  /** The whole boot, images included. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Updating an environment that exists (engine/update.ts): called once the images are
   * ready, before anything is touched; returns the services to leave as they run. The
   * environment is then neither claimed nor removed on failure.
   */
  update?: (images: Map<string, ImageInfo>) => Promise<Set<string>>;
}

export interface ServiceOutcome {
  name: string;
  image: ImageInfo;
  phase: "ready" | "completed";
  /** From `up` starting to the service being ready (or completed). */
  readyMs: number;
  /** From the container starting to the service being ready. */
  startToReadyMs: number;
}

export interface UpResult {
  environment: string;
  services: ServiceOutcome[];
  endpoints: Endpoint[];
  durationMs: number;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
  settled: boolean;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (r: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  const d: Deferred<T> = {
    promise,
    settled: false,
    resolve: (v) => {
      d.settled = true;
      resolve(v);
    },
    reject: (r) => {
      d.settled = true;
      reject(r);
    },
  };
  return d;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const RUNNING_STABLE_MS = 250;

/**
 * Boots a plan: images first (nothing is created if one is missing or fails to build),
 * then the network and volumes, then every service as soon as what it depends on
 * allows, all in parallel. Any failure stops the boot at once and removes what it made.
 */
export async function up(plan: Plan, options: UpOptions): Promise<UpResult> {
  const { backend, owner } = options;
  const t0 = Date.now();
  const emit = (service: string, phase: ServicePhase, detail?: string) =>
    options.onEvent?.({ service, phase, elapsedMs: Date.now() - t0, ...(detail !== undefined ? { detail } : {}) });

  if (!options.update) await preflight(plan, backend);

  const abort = new AbortController();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timer = setTimeout(() => abort.abort(new Error("timeout")), timeoutMs);
  const onOuterAbort = () => abort.abort(new Error("interrupted"));
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  const signal = abort.signal;

  const phases = new Map<string, ServicePhase>(plan.services.map((s) => [s.name, "pending"]));
  const setPhase = (service: string, phase: ServicePhase, detail?: string) => {
    phases.set(service, phase);
    emit(service, phase, detail);
  };
  plan.services.forEach((s) => emit(s.name, "pending"));

  // The first failure wins; everything else is then cancelled.
  const failed = deferred<never>();
  const fail = (error: ServiceError) => {
    if (!failed.settled) failed.reject(error);
    abort.abort(error);
  };
  const interrupted = new Promise<never>((_, reject) =>
    signal.addEventListener("abort", () => {
      const reason: unknown = signal.reason;
      if (reason instanceof ServiceError) return reject(reason);
      const pending = [...phases].filter(([, p]) => p !== "ready" && p !== "completed");
      const timedOut = reason instanceof Error && reason.message === "timeout";
      const what = timedOut ? `the environment was not ready within ${Math.round(timeoutMs / 1000)} s` : "the boot was interrupted";
      const error = new ServiceError(pending[0]?.[0] ?? plan.services[0]?.name ?? "", `${what}; still waiting for ${pending.map(([s, p]) => `${s} (${p})`).join(", ") || "nothing"}`, {
        ...(timedOut ? { hint: "raise --timeout, or check why these services do not become ready", logOf: pending[0]?.[0] ?? "" } : {}),
      });
      if (timedOut) timeout = { error, pending };
      reject(error);
    }, { once: true }),
  );
  interrupted.catch(() => undefined);
  // The timeout's failure, and the services it waited for: the catch below adds what the engine says of them.
  let timeout: { error: ServiceError; pending: [string, string][] } | undefined;

  let created = false;
  try {
    // 1. Images, all at once. Nothing exists yet if one of them fails.
    const images = new Map<string, ImageInfo>();
    await Promise.race([
      Promise.all(
        [...plan.services, ...(plan.testService ? [plan.testService] : [])].map(async (s) => {
          const image = await backend.prepareImage(plan, s, (phase, detail) => setPhase(s.name, phase, detail), signal);
          images.set(s.name, image);
          setPhase(s.name, "pending");
        }),
      ),
      interrupted,
    ]);

    const kept = options.update ? await Promise.race([options.update(images), interrupted]) : new Set<string>();
    if (!options.update) {
      // 2. The name, atomically: of several `up`s of one environment, only one goes on.
      if (!(await backend.claimEnvironment(plan, owner, images.values().next().value!.reference))) throw alreadyExists(plan.environment);
      // Networks and volumes, then services along the graph.
      created = true;
      await Promise.race([backend.createEnvironment(plan, owner), interrupted]);
    }

    const started = new Map(plan.services.map((s) => [s.name, deferred<void>()]));
    const ready = new Map(plan.services.map((s) => [s.name, deferred<void>()]));
    const completed = new Map(plan.services.map((s) => [s.name, deferred<void>()]));
    const startedAt = new Map<string, number>();
    const outcomes: ServiceOutcome[] = [];

    await backend.watchExits(plan.environment, (service) => {
      void onExit(service).catch((e: unknown) => fail(asServiceError(service, e)));
    }, signal);

    const onExit = async (name: string) => {
      const service = plan.services.find((s) => s.name === name);
      if (!service) return;
      const status = await backend.status(plan.environment, name);
      if (status.state !== "exited") return;
      if (service.runsToCompletion && status.exitCode === 0) {
        if (!completed.get(name)!.settled) setPhase(name, "completed");
        completed.get(name)!.resolve();
        return;
      }
      const code = service.runsToCompletion ? `exited with code ${status.exitCode}` : status.exitCode === 0 ? "exited (code 0) although it should keep running" : `exited with code ${status.exitCode}`;
      // Restarts are left out: on Kubernetes the Deployment has usually started it again by now.
      const what = `${code}${status.reason ? `: ${describeReason(status.reason)}` : ""}`;
      fail(new ServiceError(name, `service "${name}" ${what}`, { logTail: await logTail(backend, plan.environment, name), logOf: name }));
    };

    // "Running" means still running a moment after the start, so that a process that
    // dies straight away (bad flag, missing file) fails the boot instead of passing it.
    const confirmRunning = async (name: string): Promise<void> => {
      await sleep(Math.max(0, RUNNING_STABLE_MS - (Date.now() - startedAt.get(name)!)), signal);
      const status = await backend.status(plan.environment, name);
      if (status.state === "exited") {
        await onExit(name);
        await failed.promise;
      }
    };

    // What an update keeps runs and is ready already: its dependants need not wait.
    for (const name of kept) {
      for (const d of [started, ready, completed]) d.get(name)?.resolve();
      const s = plan.services.find((p) => p.name === name);
      if (s) outcomes.push({ name, image: images.get(name)!, phase: s.runsToCompletion ? "completed" : "ready", readyMs: 0, startToReadyMs: 0 });
    }

    const boot = async (s: PlannedService) => {
      if (kept.has(s.name)) return;
      const deps = Object.entries(s.dependsOn);
      if (deps.length > 0) {
        setPhase(s.name, "waiting", deps.map(([d, c]) => `${d} ${conditionWord(c.condition)}`).join(", "));
        await Promise.all(
          deps.map(([dep, c]) =>
            (c.condition === "service_completed_successfully" ? completed : c.condition === "service_healthy" ? ready : started).get(dep)!.promise,
          ),
        );
      }
      signal.throwIfAborted();
      setPhase(s.name, "starting");
      await backend.createService(plan, s, owner, { [LABELS.configHash]: configHash(s, images.get(s.name)!) });
      await backend.startService(plan, s);
      startedAt.set(s.name, Date.now());
      started.get(s.name)!.resolve();
      setPhase(s.name, "checking", s.readiness.map((c) => c.kind).join(", "));
      await Promise.all(
        s.readiness.map((check) => {
          if (check.kind === "completed") return completed.get(s.name)!.promise;
          if (check.kind === "running") return confirmRunning(s.name);
          return waitFor(check, { backend, environment: plan.environment, service: s.name, signal });
        }),
      );
      const now = Date.now();
      outcomes.push({ name: s.name, image: images.get(s.name)!, phase: s.runsToCompletion ? "completed" : "ready", readyMs: now - t0, startToReadyMs: now - startedAt.get(s.name)! });
      ready.get(s.name)!.resolve();
      if (!s.runsToCompletion) setPhase(s.name, "ready");
    };

    await Promise.race([
      Promise.all(plan.services.map((s) => boot(s).catch((e: unknown) => {
        if (!signal.aborted) fail(asServiceError(s.name, e));
      }))),
      failed.promise,
      interrupted,
    ]);
    signal.throwIfAborted();
    // A service may have died between its check and now; exit events can lag behind.
    for (const s of plan.services) if (!kept.has(s.name)) await onExit(s.name);
    signal.throwIfAborted();
    await backend.setMarker(plan, owner, "complete");
    const endpoints = await backend.endpoints(plan.environment);
    outcomes.sort((a, b) => plan.services.findIndex((s) => s.name === a.name) - plan.services.findIndex((s) => s.name === b.name));
    return { environment: plan.environment, services: outcomes, endpoints, durationMs: Date.now() - t0 };
  } catch (e) {
    if (e instanceof PreflightError) throw e;
    // Interrupted, the step under way fails too (a build says "aborted"): the interruption is the news.
    let failure = options.signal?.aborted ? await interrupted.catch((r: unknown) => asServiceError("", r)) : await failureOf(e, failed, interrupted);
    // After a timeout, what the engine says of each service still waited for (restarts,
    // CrashLoopBackOff, Unschedulable) is the likeliest answer to "why not ready?".
    if (timeout && failure === timeout.error) {
      const notes = await statusNotes(backend, plan.environment, timeout.pending.map(([s]) => s));
      if (notes.size > 0) {
        const waiting = timeout.pending.map(([s, p]) => `${s} (${p}${notes.has(s) ? `; ${notes.get(s)}` : ""})`).join(", ");
        failure = new ServiceError(failure.service, `${failure.message.slice(0, failure.message.indexOf("; still waiting for "))}; still waiting for ${waiting}`, { ...(failure.hint ? { hint: failure.hint } : {}), ...(failure.logOf ? { logOf: failure.logOf } : {}), cause: failure });
      }
    }
    setPhase(failure.service, "failed", failure.message);
    abort.abort(failure);
    let removed = false;
    if (created && !options.keepOnFailure) {
      await backend.remove(plan.environment, { keepVolumes: false });
      removed = true;
    }
    throw new BootError(failure, removed || !created);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onOuterAbort);
    if (!abort.signal.aborted) abort.abort(new Error("done"));
  }
}

async function failureOf(e: unknown, failed: Deferred<never>, interrupted: Promise<never>): Promise<ServiceError> {
  if (e instanceof ServiceError) return e;
  // An abort surfaces as the signal's reason in whichever await noticed it first.
  for (const p of [failed.promise, interrupted]) {
    const reason = await Promise.race([p.then(() => undefined, (r: unknown) => r), sleep(0).then(() => undefined)]);
    if (reason instanceof ServiceError) return reason;
  }
  return asServiceError("", e);
}

function asServiceError(service: string, e: unknown): ServiceError {
  if (e instanceof ServiceError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new ServiceError(service, service ? `service "${service}": ${message}` : message, { cause: e });
}


function conditionWord(condition: string): string {
  return condition === "service_healthy" ? "healthy" : condition === "service_completed_successfully" ? "completed" : "started";
}

async function preflight(plan: Plan, backend: Backend): Promise<void> {
  // Volumes kept by `down --keep-volumes` are meant to be reused: they alone are no clash.
  const existing = (await backend.list()).find((e) => e.environment === plan.environment && (e.services.length > 0 || e.networks > 0));
  if (existing) throw alreadyExists(plan.environment, existing.created);
  for (const s of plan.services) {
    for (const p of s.ports) {
      if (!p.published || p.protocol !== "tcp") continue;
      const host = p.hostIp ?? "127.0.0.1";
      if (!(await portFree(host, p.published))) {
        throw new PreflightError(
          `service "${s.name}" publishes host port ${host}:${p.published}, which is already in use`,
          `stop what listens there, or publish the container port alone ("${p.target}") so that a free host port is chosen`,
          s.name,
        );
      }
    }
  }
}

function alreadyExists(environment: string, created?: Date): PreflightError {
  return new PreflightError(
    `environment "${environment}" already exists${created ? ` (created ${created.toISOString()})` : " (another prenv is creating it)"}`,
    `remove it with \`prenv down --env ${environment}\`, or start another one beside it with --env <name>`,
  );
}

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ host: host === "0.0.0.0" ? undefined : host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** "restarted 4 times; it keeps crashing (CrashLoopBackOff: ...)" for each service the engine has something to say about; bounded, as it only adds to a message. */
async function statusNotes(backend: Pick<Runtime, "status">, environment: string, services: string[]): Promise<Map<string, string>> {
  const notes = new Map<string, string>();
  const look = Promise.all(
    services.map(async (service) => {
      const status = await backend.status(environment, service).catch(() => undefined);
      if (!status) return;
      const parts = [...(status.restarts > 0 ? [`restarted ${status.restarts} time${status.restarts === 1 ? "" : "s"}`] : []), ...(status.reason ? [describeReason(status.reason)] : [])];
      if (parts.length) notes.set(service, parts.join("; "));
    }),
  );
  await Promise.race([look, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
  return notes;
}
