import type { Readable, Writable } from "node:stream";
import type { FaultAction } from "../chaos/model.ts";
import type { MountSpec, SourceLocation } from "../definition/model.ts";
import type { Plan, PlannedService } from "../plan/plan.ts";

/** Labels every object of an environment carries: teardown and gc are label queries. */
export const LABELS = {
  environment: "dev.prenv.environment",
  project: "dev.prenv.project",
  service: "dev.prenv.service",
  definitionHash: "dev.prenv.definition-hash",
  version: "dev.prenv.version",
  created: "dev.prenv.created",
  owner: "dev.prenv.owner",
  workingDir: "dev.prenv.working-dir",
  /** "run": the environment lives only as long as the run that made it; "until-down" otherwise. */
  lifetime: "dev.prenv.lifetime",
  /** Names a marker object: "complete" says `up` finished and the environment is wanted. */
  marker: "dev.prenv.marker",
  /** On a service's container: the hash of its resolved spec and image (see engine/diff.ts); an update compares it with the plan. */
  configHash: "dev.prenv.config-hash",
  /** On a service's container: its post_start and pre_stop hooks (JSON), so that down and gc, which have no definition, run pre_stop, and a restored container its post_start. */
  hooks: "dev.prenv.hooks",
  /** On the lock object: until when its holder's lease runs (ISO time); a later run may break it after that. */
  leaseUntil: "dev.prenv.lease-until",
  /** On the "expires" marker: when a preview's TTL runs out (ISO time); `gc --expired` removes it after that. */
  expires: "dev.prenv.expires",
  /** On what a fault left (a helper, a proxy, a record of a paused service): the fault's id in its run. */
  fault: "dev.prenv.fault",
  /** How to undo that fault, as JSON, for gc when the process that applied it is gone. */
  faultUndo: "dev.prenv.fault-undo",
  /** The pull request an environment was made for (the Action's context), when there is one. */
  pullRequest: "dev.prenv.pull-request",
  /** The commit it was booted from. */
  commit: "dev.prenv.commit",
} as const;

/** Who created an environment, so gc can tell a crashed run from a live one. */
export interface Owner {
  host: string;
  pid: number;
  /**
   * Made by a run (`prenv run`, the Action's main step) that removes it at its end: once
   * the process is gone, gc collects it even though `up` finished.
   */
  ephemeral?: boolean;
  /** What the environment was made for, recorded on it (labels, annotations) so that `ls` and people reading the engine can tell. */
  pullRequest?: number;
  commit?: string;
  /** A TTL given at creation (`--ttl`): recorded as the environment's expiry, which `gc --expired` honours. */
  expires?: Date;
}

/** The labels or annotations an owner's origin adds: the same keys on every backend. */
/** What every environment records about itself, on either backend (labels on Docker, namespace annotations on Kubernetes). */
export function environmentRecord(plan: Plan, owner: Owner, version: string): Record<string, string> {
  return {
    [LABELS.environment]: plan.environment,
    [LABELS.project]: plan.project,
    [LABELS.definitionHash]: plan.definitionHash,
    [LABELS.version]: version,
    [LABELS.created]: new Date().toISOString(),
    [LABELS.owner]: `${owner.host}:${owner.pid}`,
    [LABELS.workingDir]: plan.workingDir,
    [LABELS.lifetime]: owner.ephemeral ? "run" : "until-down",
    ...originLabels(owner),
  };
}

export function originLabels(owner: Owner): Record<string, string> {
  return {
    ...(owner.pullRequest !== undefined ? { [LABELS.pullRequest]: String(owner.pullRequest) } : {}),
    ...(owner.commit ? { [LABELS.commit]: owner.commit } : {}),
  };
}

export interface ImageInfo {
  reference: string;
  id: string;
  /** repo@sha256:... when the image came from a registry. */
  digest?: string;
  /** For a built image: the images its Dockerfile starts FROM, as they were when it was built. */
  baseImages?: { reference: string; id: string; digest?: string }[];
}

export interface Endpoint {
  service: string;
  containerPort: number;
  protocol: "tcp" | "udp";
  hostIp: string;
  hostPort: number;
}

/**
 * Why a service is where it is, in the engine's own words where prenv acts on them:
 * "ImagePullBackOff" and "ErrImagePull" (the image cannot be pulled), "CrashLoopBackOff"
 * (it keeps exiting and is started again later), "OOMKilled" (killed for its memory
 * limit), "Unschedulable" (no node can run it; the message is the scheduler's), "Error"
 * (another reason the engine gave; the message says which).
 */
export const STATUS_REASONS = ["ImagePullBackOff", "ErrImagePull", "CrashLoopBackOff", "OOMKilled", "Unschedulable", "Error"] as const;
export interface StatusReason {
  code: (typeof STATUS_REASONS)[number];
  /** The engine's message or reason as it gave it (the scheduler's "0/1 nodes are available: ..."). */
  message: string;
}

export type ServiceStatus = (
  | { state: "created" | "running" | "paused" | "restarting" }
  | { state: "exited"; exitCode: number }
  | { state: "missing" }
) & {
  /** How often the engine started the service's container again (Docker's RestartCount, the pod's restartCount). */
  restarts: number;
  reason?: StatusReason;
};

/** "the image cannot be pulled (ImagePullBackOff: ...)": a reason as the boot's messages put it. */
export function describeReason(reason: StatusReason): string {
  const what: Record<StatusReason["code"], string> = {
    ImagePullBackOff: "its image cannot be pulled",
    ErrImagePull: "its image cannot be pulled",
    CrashLoopBackOff: "it keeps crashing",
    OOMKilled: "it was killed for running out of memory (its memory limit)",
    Unschedulable: "no node can run it",
    Error: "the engine reports an error",
  };
  return `${what[reason.code]} (${reason.code}${reason.message && reason.message !== reason.code ? `: ${reason.message}` : ""})`;
}

export interface ExecOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  user?: string;
  workdir?: string;
  /** null: the command runs without that variable (a hook's bare KEY, as Compose passes it). */
  env?: Record<string, string | null>;
  /** Extended privileges for the command (a hook's `privileged: true`). */
  privileged?: boolean;
  /**
   * Receives the whole output in whole UTF-8 characters, with backpressure (the result's
   * `output` is then empty); it is not ended.
   */
  output?: Writable;
}

export interface AttachedStreams {
  /** Sent to the command's standard input; its end closes that input. */
  stdin?: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** A pseudo-terminal: output is one stream, input is raw keystrokes. */
  tty: boolean;
  size?: { columns: number; rows: number };
  /** Called with a function that resizes the terminal (on SIGWINCH). */
  onResize?: (resize: (size: { columns: number; rows: number }) => void) => void;
}

export interface ExecResult {
  exitCode: number;
  /** The end of what the command printed (its last lines, a few kB), with a note of what was cut. */
  output: string;
}

export interface EnvironmentSummary {
  environment: string;
  project: string;
  created: Date;
  owner: string;
  complete: boolean;
  /** Its `up` was part of a run that has not handed it over (see Owner.ephemeral). */
  ephemeral: boolean;
  /** Volumes that `down --keep-volumes` kept: gc never removes them. */
  volumesKept: boolean;
  workingDir: string;
  services: { name: string; state: string }[];
  networks: number;
  volumes: number;
}

/** What happened to a service while its image was prepared (build output, pull layers). */
export type ImageProgress = (phase: "pulling" | "building", detail?: string) => void;

/** Where the engine can reach a container port from prenv's own process. */
export interface ProbeAddress {
  host: string;
  port: number;
}

/**
 * What a backend can do beyond the common contract; the engine checks these before a run
 * starts, so that a definition asking for more fails at once, with the reason.
 */
export interface Capabilities {
  /** Freeze and thaw a service's processes (a pause fault). */
  pause: boolean;
  /** Change a service's network from inside its network namespace (partition, loss, bandwidth, latency). */
  networkFaults: boolean;
  /** Build images from the repository without a registry (Docker builds where it runs). */
  localBuilds: boolean;
  /** Endpoints stay reachable after the process that booted the environment ends (published ports). */
  lastingEndpoints: boolean;
  /** `up` on an environment that exists replaces only what changed (the Updates part). */
  updateInPlace: boolean;
}

/** Images: prepared before anything is created, so that a pull or build failure creates nothing. */
export interface ImageStore {
  /** Makes the image available: pull when missing, build when the service has a build; resolves the digest. */
  prepareImage(plan: Plan, service: PlannedService, progress: ImageProgress, signal: AbortSignal): Promise<ImageInfo>;
}

/** Services: create, start, watch, run commands in them. */
export interface Runtime {
  /**
   * Makes the environment this owner's, atomically (an object whose name the engine keeps
   * unique), from a local image; false when another `up` holds it already.
   */
  claimEnvironment(plan: Plan, owner: Owner, image: string): Promise<boolean>;
  /** What holds the services (networks and volumes, a namespace); labelled, so a crash right after still leaves it findable. */
  createEnvironment(plan: Plan, owner: Owner): Promise<void>;
  /** `labels` go on the service's object as well (the configuration hash). */
  createService(plan: Plan, service: PlannedService, owner: Owner, labels?: Record<string, string>): Promise<void>;
  startService(plan: Plan, service: PlannedService): Promise<void>;
  /** Removes a service's container, if there is one (the test service between runs). */
  removeService(environment: string, service: string): Promise<void>;
  status(environment: string, service: string): Promise<ServiceStatus>;
  exec(environment: string, service: string, argv: string[], options?: ExecOptions): Promise<ExecResult>;
  /** Runs a command attached to the caller's streams (a terminal when `tty`); resolves with its exit code. */
  execAttached(environment: string, service: string, argv: string[], streams: AttachedStreams): Promise<number>;
  /** A service's log, streamed, as UTF-8 text in whole characters (stdout and stderr decoded apart). */
  logs(environment: string, service: string, options: { follow: boolean; tail?: number; signal?: AbortSignal }): Promise<Readable>;
  /**
   * Container stops and exits, as they happen, for the services of one environment.
   * `onError` hears when watching stopped before `signal` aborted.
   */
  watchExits(environment: string, onExit: (service: string) => void, signal: AbortSignal, onError?: (error: Error) => void): Promise<void>;
  /**
   * Every container exit of the environment from `since` to `until`, from the engine's
   * record of events: complete once it resolves, however late the events were delivered.
   */
  exitsBetween(environment: string, since: Date, until: Date): Promise<{ service: string; exitCode: number }[]>;
  /** Runs a container to completion on the environment's network and removes it; `output` as for exec. */
  runOneOff(plan: Plan, spec: OneOffSpec, owner: Owner, options: { timeoutMs: number; signal?: AbortSignal; output?: Writable }): Promise<ExecResult>;
  /** Copies a host file or directory into a service's container. */
  copyInto(environment: string, service: string, hostPath: string, containerPath: string): Promise<void>;
  /** Resolves with the exit code once the service's container has stopped. */
  waitForExit(environment: string, service: string, signal?: AbortSignal): Promise<number>;
}

/** A service as it runs now: what an update compares with the plan. */
export interface ObservedService {
  name: string;
  /** The engine's id of its container (pod): equal before and after an update that kept it. */
  id: string;
  state: string;
  /** Missing on what a prenv older than updates created: such a service is recreated. */
  configHash: string | undefined;
}

export type LockAttempt = { acquired: true; id: string } | { acquired: false; holder: string; leaseUntil: Date };

/**
 * Updating an environment in place. A replaced service is first set aside (kept with its
 * data) so that a failed update can put it back; the lock is an object of the
 * environment itself, so that every machine that can reach the engine sees it.
 */
export interface Updates {
  observe(environment: string): Promise<ObservedService[]>;
  /**
   * Takes the service out of the way of its new version and keeps it to put back; its
   * volumes stay. Docker stops and renames its container; Kubernetes keeps its pod running
   * outside the service's selector.
   */
  setAside(environment: string, service: string): Promise<void>;
  /** Removes the service's new container (if any) and starts the one set aside again. */
  restore(environment: string, service: string): Promise<void>;
  /** The update went through: the service set aside goes. */
  discardSetAside(environment: string, service: string): Promise<void>;
  /** Takes the environment's lock if nobody holds it (or the holder's lease ran out); never waits. */
  tryLock(plan: Plan, owner: Owner, image: string, leaseUntil: Date): Promise<LockAttempt>;
  /** Releases the lock this `id` names; a lock broken and taken by another since is left alone. */
  unlock(environment: string, id: string): Promise<void>;
}

/** A backend that updates in place (capability updateInPlace) has the Updates part. */
export function canUpdate(backend: Backend): backend is Backend & Updates {
  return backend.capabilities.updateInPlace;
}

/** How this process reaches the services' ports (published ports, port-forwards). */
export interface Tunnels {
  /** Where prenv's own process reaches a container port, for readiness probes. */
  probeAddress(environment: string, service: string, port: number): Promise<ProbeAddress>;
  /**
   * Whether something accepts connections on a container port. For a backend whose probe
   * address is a forward that accepts every connection itself (Kubernetes); without it,
   * the engine connects to probeAddress.
   */
  portOpen?(environment: string, service: string, port: number): Promise<boolean>;
  /** Where a test command on this machine reaches the services. */
  endpoints(environment: string): Promise<Endpoint[]>;
}

/** What exists: teardown and gc are queries of it. */
export interface Inventory {
  /** A marker on the environment (setup done, up complete); `remove` deletes them with it. */
  setMarker(plan: Plan, owner: Owner, marker: Marker): Promise<void>;
  hasMarker(environment: string, marker: Marker): Promise<boolean>;
  list(): Promise<EnvironmentSummary[]>;
  remove(environment: string, options: { keepVolumes: boolean }): Promise<RemovalReport>;
  /** Records (replaces) when a preview expires. */
  setExpiry(plan: Plan, owner: Owner, expires: Date): Promise<void>;
  /** When each environment that has an expiry expires. */
  expiries(): Promise<Map<string, Date>>;
}

/** A fault in place: how it was applied, and the way back. */
export interface AppliedFault {
  /** How it was applied, in words for the timeline ("docker pause (cgroup freezer)", "TCP proxy ... (this kernel has no netem)"). */
  how: string;
  /** Undoes it, once; resolves with what was done, throws FaultError when it could not be undone. */
  undo(): Promise<string>;
}

/** What gc found of a fault whose process is gone, and what undoing it gave. */
export interface AbandonedFault {
  environment: string;
  fault: string;
  owner: string;
  undone: boolean;
  detail: string;
}

/**
 * Faults during the suite (docs/chaos.md): lifecycle faults (kill, stop, restart, pause)
 * and, with `networkFaults`, network faults (partition, loss, bandwidth, latency). Every
 * fault leaves a labelled trace (a record, a helper, a proxy) from which gc undoes it
 * when the process that applied it died before it could.
 */
export interface Faults {
  /**
   * Applies the fault now. Throws UnsupportedError (with the capability) for what this
   * backend cannot do, FaultError when it could not be applied (nothing is left then).
   */
  injectFault(plan: Plan, fault: FaultAction, owner: Owner, options: { id: string; helperImage?: string; signal?: AbortSignal }): Promise<AppliedFault>;
  /** Undoes the faults whose owner `isGone` says has ended (a kill -9 during a fault), and removes their helpers. */
  undoAbandonedFaults(isGone: (owner: string, environment: string) => boolean): Promise<AbandonedFault[]>;
  /**
   * Which of the definition's faults this backend cannot apply, and why, before anything
   * is created. Docker answers from its capabilities; Kubernetes also asks the cluster
   * whether it enforces NetworkPolicy (a probe) when a partition is asked for.
   */
  faultSupport(needs: FaultNeed[], options: { owner: Owner; helperImage?: string }): Promise<FaultRefusal[]>;
}

/** What a fault of the definition needs of a backend, and where it was asked for. */
export interface FaultNeed {
  capability: keyof Capabilities;
  /** The kind of fault: a backend that can do some network faults and not others tells them apart by it. */
  kind?: FaultAction["kind"];
  because: string;
  location?: SourceLocation;
}

/** A need the backend cannot meet: why (said once under the refusal) and what to do instead. */
export interface FaultRefusal {
  need: FaultNeed;
  reason?: string;
  hint?: string;
}

/** The refusals a backend's static capabilities give: every need whose ability it lacks, with its limit. */
export function capabilityRefusals(backend: Pick<Backend, "capabilities" | "capabilityLimits">, needs: FaultNeed[]): FaultRefusal[] {
  return needs.filter((n) => !backend.capabilities[n.capability]).map((need) => {
    const reason = backend.capabilityLimits?.[need.capability];
    return reason === undefined ? { need } : { need, reason };
  });
}

/** A fault that could not be applied or undone; `fault` names it, `hint` says what to do. */
export class FaultError extends Error {
  readonly fault: string;
  readonly hint: string | undefined;
  constructor(fault: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "FaultError";
    this.fault = fault;
    this.hint = options.hint;
  }
}

/**
 * One backend: the parts above, plus what it is and can do. Code that needs only a part
 * takes only that part (gc an Inventory, readiness a Runtime and Tunnels), so that a
 * second implementation knows what each caller relies on.
 */
export interface Backend extends ImageStore, Runtime, Tunnels, Inventory, Faults {
  readonly kind: BackendKind;
  readonly capabilities: Capabilities;
  /** For an ability it lacks, why, in a sentence: the refusal says it, so that nobody takes the gap for a passing failure. */
  readonly capabilityLimits?: Partial<Record<keyof Capabilities, string>>;
  /** Throws RuntimeUnavailableError when no engine answers. */
  ping(): Promise<void>;
  /** Releases connections (sockets, tunnels), so that the process can end on its own. */
  close(): Promise<void>;
}

export const BACKEND_KINDS = ["docker", "kubernetes"] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];

/**
 * "complete": `up` finished; "setup-done": setup ran; "kept": a run left its environment
 * up on purpose (--keep); "volumes-kept": `down --keep-volumes` kept the data; "claim":
 * the container by which one `up` holds the name (see Backend.claimEnvironment); "lock":
 * the object held while an update changes the environment; "expires": a preview's TTL.
 */
export type Marker = "complete" | "setup-done" | "kept" | "volumes-kept" | "claim" | "lock" | "expires";

export interface OneOffSpec {
  /** For names and messages: "setup-2", say. */
  name: string;
  image: string;
  command?: string[];
  entrypoint?: string[];
  env: Record<string, string>;
  workdir?: string;
  mounts: MountSpec[];
}

export interface RemovalReport {
  containers: number;
  networks: number;
  volumes: number;
}

/** No engine or cluster answers. */
export class RuntimeUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RuntimeUnavailableError";
  }
}

/** What was asked for is not there (an environment, a service, an image). */
export class NotFoundError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "NotFoundError";
  }
}

/** Someone else holds it (a name taken, an environment another run is booting). */
export class ConflictError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConflictError";
  }
}

/**
 * This backend cannot do it, by the nature of its engine (not a passing failure);
 * `capability` names the ability missing, when it is one checked before a run starts.
 */
export class UnsupportedError extends Error {
  readonly hint: string;
  readonly capability: keyof Capabilities | undefined;
  constructor(message: string, hint: string, options: { capability?: keyof Capabilities; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "UnsupportedError";
    this.hint = hint;
    this.capability = options.capability;
  }
}

/**
 * Refuses, before a run, what the backend cannot do (Faults.faultSupport): one message
 * naming every fault refused, each with the place in the definition that asked for it
 * (file:line:col) when there is one, so that the refusal points at the line to change.
 */
export async function requireFaultSupport(backend: Pick<Backend, "kind" | "faultSupport">, needs: FaultNeed[], options: { owner: Owner; helperImage?: string }): Promise<void> {
  if (needs.length === 0) return;
  const refused = await backend.faultSupport(needs, options);
  if (refused.length === 0) return;
  const where = (l: SourceLocation) => `${l.file}:${l.line}:${l.column}`;
  const first = refused[0]!.need.location;
  const reasons = refused.map(({ need: m }, i) => (m.location && i > 0 ? `${m.because} (${where(m.location)})` : m.because));
  const limits = [...new Set(refused.map((r) => r.reason).filter((l) => l !== undefined))];
  const hints = [...new Set(refused.map((r) => r.hint ?? "run it on a backend that can (--backend docker), or leave those out of the definition"))];
  throw new UnsupportedError(`${first ? `${where(first)}: ` : ""}the ${backend.kind} backend cannot ${reasons.join(", nor ")}${limits.map((l) => `\n  ${l}`).join("")}`, hints.join("\n  hint: "), { capability: refused[0]!.need.capability });
}

/** A step of `up` failed for a reason outside the definition (pull, build, start, readiness). */
export class ServiceError extends Error {
  readonly service: string;
  readonly hint: string | undefined;
  readonly logTail: string | undefined;
  /**
   * The service whose whole log tells more. Where to read it (`prenv logs`, the results
   * folder, nowhere) depends on whether the environment is still there, so the one who
   * reports the error says it.
   */
  readonly logOf: string | undefined;
  constructor(service: string, message: string, options: { hint?: string; logTail?: string; logOf?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "ServiceError";
    this.service = service;
    this.hint = options.hint;
    this.logTail = options.logTail;
    this.logOf = options.logOf;
  }
}
