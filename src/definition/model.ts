/** A place in a definition file, 1-based, as editors show it. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export type Severity = "error" | "warning";

/** One finding about a definition: what is wrong, where, and how to fix it. */
export interface Diagnostic {
  severity: Severity;
  message: string;
  hint?: string;
  location?: SourceLocation;
  service?: string;
  /** The error underneath (a failed read, a decoder's refusal), for whoever debugs prenv. */
  cause?: unknown;
}

export type DependencyCondition = "service_started" | "service_healthy" | "service_completed_successfully";

export interface Dependency {
  condition: DependencyCondition;
  restart: boolean;
  required: boolean;
}

export interface BuildSpec {
  /** Absolute path of the build context. */
  context: string;
  /** Dockerfile path relative to the context (with `dockerfileInline`, the name the text is sent under). */
  dockerfile: string;
  /** `dockerfile_inline`: the Dockerfile's text, sent with the context under a name no file of it has. */
  dockerfileInline?: string;
  args: Record<string, string>;
  target?: string;
  /** `additional_contexts` the build can use: name -> an absolute directory, or "docker-image://REF". */
  additionalContexts?: Record<string, string>;
}

export interface PortSpec {
  target: number;
  /** Host port; undefined means the engine picks a free one. */
  published?: number;
  /** With `published`, a host range ("6005-6015:80"): the engine picks a free port in it. */
  publishedEnd?: number;
  hostIp?: string;
  protocol: "tcp" | "udp";
}

export type MountSpec =
  /** createHostPath: a missing source is created as a directory (Compose's default; `bind.create_host_path: false` turns it off). */
  | { type: "bind"; source: string; target: string; readOnly: boolean; createHostPath: boolean }
  | { type: "volume"; source?: string; target: string; readOnly: boolean }
  | { type: "tmpfs"; target: string };

/**
 * Where a secret's or config's content comes from. The content of an `environment` source is
 * not part of this object (which is hashed and may be printed): see `fileContent` in normalize.ts.
 */
export type FileSource = { file: string } | { environment: string } | { content: string };

/** A secret or config as a service gets it: a file at `target` (absolute), read-only. */
export interface FileMount {
  kind: "secret" | "config";
  name: string;
  target: string;
  /** Set by the loader once the top-level declaration is found (compose.ts). */
  source?: FileSource;
}

export interface HealthcheckSpec {
  /** Docker's form: ["CMD", ...], ["CMD-SHELL", "..."] or ["NONE"]. */
  test: string[];
  intervalMs?: number;
  timeoutMs?: number;
  retries?: number;
  startPeriodMs?: number;
}

/**
 * How prenv decides a service is ready. Compose gives "healthcheck" and
 * "completed"; the others come from the service's `x-prenv` extension.
 */
export type ReadinessCheck =
  | { kind: "running" }
  | {
      kind: "healthcheck";
      test: string[];
      timeoutMs: number;
      /** When the engine would call the service unhealthy: start period + retries x (interval + timeout). */
      unhealthyAfterMs: number;
    }
  | { kind: "port"; port: number }
  | { kind: "http"; port: number; path: string; status: number }
  | { kind: "log"; pattern: string }
  | { kind: "command"; command: string[] }
  | { kind: "completed" };

/**
 * `pull_policy`, as Compose reads it: "missing" (also `if_not_present`, and the default) pulls
 * an image the engine does not have; "refresh" (`daily`, `weekly`, `every_<duration>`) also
 * pulls one tagged longer ago than `afterMs`.
 */
export type PullPolicy =
  | { policy: "always" | "never" | "missing" | "build"; location?: SourceLocation }
  | { policy: "refresh"; afterMs: number; location?: SourceLocation };

/** A `post_start` or `pre_stop` entry: a command run in the service's running container. */
export interface LifecycleHook {
  command: string[];
  user?: string;
  privileged: boolean;
  workingDir?: string;
  /** null: a bare KEY, which Compose passes as such, so the command runs without that variable. */
  environment: Record<string, string | null>;
  location?: SourceLocation;
}

export interface ServiceNetwork {
  aliases: string[];
}

export interface ServiceSpec {
  name: string;
  image?: string;
  build?: BuildSpec;
  command?: string[];
  entrypoint?: string[];
  environment: Record<string, string>;
  ports: PortSpec[];
  expose: number[];
  mounts: MountSpec[];
  dependsOn: Record<string, Dependency>;
  healthcheck?: HealthcheckSpec;
  restart?: string;
  profiles: string[];
  networks: Record<string, ServiceNetwork>;
  workingDir?: string;
  user?: string;
  hostname?: string;
  labels: Record<string, string>;
  extraHosts: string[];
  init?: boolean;
  capAdd: string[];
  tmpfs: string[];
  stopGracePeriodMs?: number;
  /** `links`: services reachable under another name as well (each also a dependency). */
  links: { service: string; alias: string }[];
  /** `volumes_from`: the mounts of these services' containers (service:) or of other containers (container:). */
  volumesFrom: { service?: string; container?: string; readOnly: boolean }[];
  /** `network_mode: service:NAME`: the container joins NAME's network stack instead of networks of its own. */
  networkModeService?: string;
  /** `ipc`: "shareable", "private", "host", or { service } for `service:NAME`. */
  ipc?: string | { service: string };
  /** `read_only`: the root filesystem is mounted read-only. */
  readOnly?: boolean;
  /** `stop_signal`: sent to stop the container (the image's, else SIGTERM, when unset). */
  stopSignal?: string;
  securityOpt?: string[];
  capDrop?: string[];
  dns?: string[];
  /** `ulimits`: a single number is both the soft and the hard limit. */
  ulimits?: Record<string, { soft: number; hard: number }>;
  sysctls?: Record<string, string>;
  /** `mem_limit` or `deploy.resources.limits.memory`, in bytes. */
  memoryBytes?: number;
  /** `deploy.resources.reservations.memory`, in bytes. */
  memoryReservationBytes?: number;
  /** `cpus` or `deploy.resources.limits.cpus`, in billionths of a CPU as the engine takes them. */
  nanoCpus?: number;
  /** `pids_limit` or `deploy.resources.limits.pids`. */
  pidsLimit?: number;
  /** `secrets:` and `configs:`, resolved against the top-level ones: files placed in the container, read-only. */
  files?: FileMount[];
  pullPolicy?: PullPolicy;
  /** `platform` ("linux/arm64"): what the image is pulled and built for, and the container created as. */
  platform?: string;
  /** `logging`: the engine's log driver (its default when unset) and the driver's options. */
  logging?: { driver?: string; options: Record<string, string> };
  /** `post_start`: run in order right after the container starts, before readiness is waited for; one failing fails the boot. */
  postStart?: LifecycleHook[];
  /** `pre_stop`: run in order before the container is stopped (down, teardown, an update's replacement); a failure is a warning. */
  preStop?: LifecycleHook[];
  /** `provider.type`: the service is set up by a Compose provider plugin, which prenv refuses. */
  provider?: string;
  /** Extra readiness checks from `x-prenv.ready`, all of which must pass. */
  ready: ReadinessCheck[];
  /** Where the service is declared, for messages. */
  location?: SourceLocation;
}

export interface NetworkSpec {
  name: string;
  external: boolean;
  internal: boolean;
  driver?: string;
  labels: Record<string, string>;
}

export interface VolumeSpec {
  name: string;
  external: boolean;
  driver?: string;
  labels: Record<string, string>;
}

/** A loaded, interpolated, validated compose project. */
export interface Definition {
  name: string;
  /** Directory relative paths resolve against (the first file's). */
  workingDir: string;
  files: string[];
  services: Record<string, ServiceSpec>;
  networks: Record<string, NetworkSpec>;
  volumes: Record<string, VolumeSpec>;
  /** Top-level `x-*` keys, for later features (for example `x-prenv`). */
  extensions: Record<string, unknown>;
  /** The interpolated prenv keys (setup, test, ...) of a prenv.yml loaded as one of the files. */
  embedded?: Record<string, unknown>;
  /** Stable hash of everything above, used to label what the environment creates. */
  hash: string;
  /** The variables interpolation read (environment, .env, parameters), with their values. */
  variablesUsed: Record<string, string>;
  warnings: Diagnostic[];
}
