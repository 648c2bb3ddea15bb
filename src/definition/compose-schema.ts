import { z } from "../util/zod.ts";

/**
 * The parts of the Compose Specification prenv understands, as zod schemas over the
 * interpolated YAML. Object schemas are loose: unknown and not-yet-supported keys are
 * reported by `checkKeys` (with positions and did-you-mean), not here.
 */

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const stringList = z.array(z.string());
export const listOrDict = z.union([z.record(z.string(), scalar), stringList]);
const stringOrList = z.union([z.string(), stringList]);
const command = z.union([z.null(), z.string(), stringList]);
const duration = z.string();
const intish = z.union([z.number().int(), z.string()]);
/** A number, or a string of one (from a variable, or with a unit: "512m"). */
const numberish = z.union([z.number(), z.string()]);

export const buildSchema = z.looseObject({
  context: z.string().optional(),
  dockerfile: z.string().optional(),
  dockerfile_inline: z.string().optional(),
  args: listOrDict.optional(),
  target: z.string().optional(),
  additional_contexts: listOrDict.optional(),
});

/** A `post_start` / `pre_stop` entry: a command run in the service's container. */
export const hookSchema = z.looseObject({
  command: z.union([z.string(), stringList]),
  user: z.string().optional(),
  privileged: z.union([z.boolean(), z.string()]).optional(),
  working_dir: z.string().optional(),
  environment: listOrDict.optional(),
});

export const healthcheckSchema = z.looseObject({
  test: z.union([z.string(), stringList]).optional(),
  interval: duration.optional(),
  timeout: duration.optional(),
  retries: intish.optional(),
  start_period: duration.optional(),
  start_interval: duration.optional(),
  disable: z.union([z.boolean(), z.string()]).optional(),
});

export const dependencySchema = z.looseObject({
  condition: z.enum(["service_started", "service_healthy", "service_completed_successfully"]),
  restart: z.union([z.boolean(), z.string()]).optional(),
  required: z.boolean().optional(),
});

export const portSchema = z.looseObject({
  target: intish,
  published: intish.optional(),
  host_ip: z.string().optional(),
  protocol: z.string().optional(),
  mode: z.string().optional(),
  name: z.string().optional(),
  app_protocol: z.string().optional(),
});

export const mountSchema = z.looseObject({
  type: z.enum(["bind", "volume", "tmpfs", "cluster", "npipe", "image"]),
  source: z.string().optional(),
  target: z.string().optional(),
  read_only: z.union([z.boolean(), z.string()]).optional(),
  bind: z.looseObject({ create_host_path: z.union([z.boolean(), z.string()]).optional() }).optional(),
  volume: z.looseObject({ nocopy: z.union([z.boolean(), z.string()]).optional() }).optional(),
  tmpfs: z.looseObject({ size: intish.optional(), mode: z.union([z.number(), z.string()]).optional() }).optional(),
  // Known, so that it is not an "unknown key"; prenv warns that it cannot mount it (normalize.ts).
  image: z.looseObject({ subpath: z.string().optional() }).optional(),
});

export const serviceNetworkSchema = z.union([
  z.null(),
  z.looseObject({
    aliases: stringList.optional(),
  }),
]);

const envFileEntry = z.union([
  z.string(),
  z.looseObject({ path: z.string(), required: z.union([z.boolean(), z.string()]).optional(), format: z.string().optional() }),
]);

/** The `x-prenv` extension of a service: extra readiness checks. */
export const prenvServiceSchema = z.looseObject({
  ready: z
    .array(
      z.union([
        z.strictObject({ port: intish }),
        z.strictObject({ http: z.strictObject({ port: intish, path: z.string().optional(), status: z.number().int().optional() }) }),
        z.strictObject({ log: z.string() }),
        z.strictObject({ command: z.union([z.string(), stringList]) }),
      ]),
    )
    .optional(),
});

/** A service's `secrets:` / `configs:` entry: the short name, or the long form. */
const fileReference = z.union([
  z.string(),
  z.looseObject({ source: z.string(), target: z.string().optional(), uid: z.string().optional(), gid: z.string().optional(), mode: z.union([z.number(), z.string()]).optional() }),
]);

/** A top-level secret or config: where its content comes from. */
export const fileSourceSchema = z.looseObject({
  file: z.string().optional(),
  environment: z.string().optional(),
  content: z.string().optional(),
  external: z.union([z.boolean(), z.string()]).optional(),
  name: z.string().optional(),
});

export const serviceSchema = z.looseObject({
  image: z.string().optional(),
  build: z.union([z.string(), buildSchema]).optional(),
  command: command.optional(),
  entrypoint: command.optional(),
  environment: listOrDict.optional(),
  env_file: z.union([z.string(), z.array(envFileEntry)]).optional(),
  ports: z.array(z.union([z.number(), z.string(), portSchema])).optional(),
  expose: z.array(z.union([z.string(), z.number()])).optional(),
  volumes: z.array(z.union([z.string(), mountSchema])).optional(),
  depends_on: z.union([stringList, z.record(z.string(), dependencySchema)]).optional(),
  healthcheck: healthcheckSchema.optional(),
  restart: z.string().optional(),
  profiles: stringList.optional(),
  networks: z.union([stringList, z.record(z.string(), serviceNetworkSchema)]).optional(),
  working_dir: z.string().optional(),
  user: z.string().optional(),
  labels: listOrDict.optional(),
  extra_hosts: z.union([stringList, z.record(z.string(), z.union([z.string(), stringList]))]).optional(),
  init: z.union([z.boolean(), z.string()]).optional(),
  cap_add: stringList.optional(),
  tmpfs: stringOrList.optional(),
  stop_grace_period: duration.optional(),
  extends: z.union([z.string(), z.looseObject({ service: z.string(), file: z.string().optional() })]).optional(),
  hostname: z.string().optional(),
  links: stringList.optional(),
  volumes_from: stringList.optional(),
  network_mode: z.string().optional(),
  ipc: z.string().optional(),
  // Known, so that a provider service gets one accurate refusal (normalize.ts).
  provider: z.looseObject({ type: z.string().optional() }).optional(),
  container_name: z.string().optional(),
  deploy: z
    .looseObject({
      replicas: intish.optional(),
      resources: z
        .looseObject({
          limits: z.looseObject({ cpus: numberish.optional(), memory: numberish.optional(), pids: intish.optional() }).optional(),
          reservations: z.looseObject({ cpus: numberish.optional(), memory: numberish.optional() }).optional(),
        })
        .optional(),
    })
    .optional(),
  stop_signal: z.string().optional(),
  read_only: z.union([z.boolean(), z.string()]).optional(),
  security_opt: stringList.optional(),
  cap_drop: stringList.optional(),
  dns: stringOrList.optional(),
  ulimits: z.record(z.string(), z.union([intish, z.looseObject({ soft: intish, hard: intish })])).optional(),
  sysctls: listOrDict.optional(),
  mem_limit: numberish.optional(),
  cpus: numberish.optional(),
  pids_limit: intish.optional(),
  secrets: z.array(fileReference).optional(),
  configs: z.array(fileReference).optional(),
  pull_policy: z.string().optional(),
  platform: z.string().optional(),
  post_start: z.array(hookSchema).optional(),
  pre_stop: z.array(hookSchema).optional(),
  logging: z.looseObject({ driver: z.string().optional(), options: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).optional() }).optional(),
});

export const networkSchema = z.union([
  z.null(),
  z.looseObject({
    name: z.string().optional(),
    driver: z.string().optional(),
    external: z.union([z.boolean(), z.string(), z.looseObject({ name: z.string().optional() })]).optional(),
    internal: z.union([z.boolean(), z.string()]).optional(),
    labels: listOrDict.optional(),
  }),
]);

export const volumeSchema = z.union([
  z.null(),
  z.looseObject({
    name: z.string().optional(),
    driver: z.string().optional(),
    external: z.union([z.boolean(), z.string(), z.looseObject({ name: z.string().optional() })]).optional(),
    labels: listOrDict.optional(),
  }),
]);

const includeEntry = z.union([
  z.string(),
  z.looseObject({
    path: stringOrList,
    project_directory: z.string().optional(),
    env_file: stringOrList.optional(),
  }),
]);

export const composeFileSchema = z.looseObject({
  version: z.string().optional(),
  name: z.string().optional(),
  include: z.array(includeEntry).optional(),
  services: z.record(z.string(), z.union([z.null(), serviceSchema])).optional(),
  networks: z.record(z.string(), networkSchema).optional(),
  volumes: z.record(z.string(), volumeSchema).optional(),
  secrets: z.record(z.string(), fileSourceSchema).optional(),
  configs: z.record(z.string(), fileSourceSchema).optional(),
});

export type RawComposeFile = z.infer<typeof composeFileSchema>;
export type RawService = z.infer<typeof serviceSchema>;

/**
 * Keys of the Compose Specification that prenv does not act on yet. They are accepted
 * with a warning that names the key and its position: never silently dropped.
 */
export const UNSUPPORTED = {
  top: ["models"],
  service: [
    "develop", "annotations", "attach", "blkio_config", "cgroup", "cgroup_parent", "cpu_count",
    "cpu_percent", "cpu_shares", "cpu_quota", "cpu_period", "cpu_rt_period", "cpu_rt_runtime", "cpuset",
    "credential_spec", "device_cgroup_rules", "devices", "dns_opt", "dns_search", "domainname", "label_file",
    "external_links", "gpus", "group_add", "isolation", "mac_address", "mem_reservation", "mem_swappiness",
    "memswap_limit", "models", "oom_kill_disable", "oom_score_adj", "pid", "pre_start", "privileged", "pull_refresh_after", "runtime", "scale", "shm_size",
    "stdin_open", "storage_opt", "tty", "use_api_socket", "uts", "userns_mode",
  ],
  build: [
    "entitlements", "ssh", "labels", "cache_from", "cache_to", "no_cache", "no_cache_filter",
    "network", "provenance", "sbom", "pull", "shm_size", "extra_hosts", "isolation",
    "privileged", "secrets", "tags", "ulimits", "platforms",
  ],
  healthcheck: [],
  hook: [],
  dependency: [],
  port: [],
  mount: ["consistency"],
  serviceNetwork: ["ipv4_address", "ipv6_address", "priority", "interface_name", "link_local_ips", "mac_address", "driver_opts", "gw_priority"],
  network: ["driver_opts", "ipam", "enable_ipv4", "enable_ipv6", "attachable"],
  volume: ["driver_opts"],
  include: [],
} as const satisfies Record<string, readonly string[]>;

export type Section = keyof typeof UNSUPPORTED;

/** The keys prenv acts on, per section, read off the schemas above. */
export const SUPPORTED: Record<Section, readonly string[]> = {
  top: Object.keys(composeFileSchema.shape),
  service: Object.keys(serviceSchema.shape),
  build: Object.keys(buildSchema.shape),
  healthcheck: Object.keys(healthcheckSchema.shape),
  hook: Object.keys(hookSchema.shape),
  dependency: Object.keys(dependencySchema.shape),
  port: Object.keys(portSchema.shape),
  mount: Object.keys(mountSchema.shape),
  serviceNetwork: ["aliases"],
  network: ["name", "driver", "external", "internal", "labels"],
  volume: ["name", "driver", "external", "labels"],
  include: ["path", "project_directory", "env_file"],
};
