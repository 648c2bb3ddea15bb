import { z } from "../util/zod.ts";

/**
 * The parts of the Compose Specification prenv understands, as zod schemas over the
 * interpolated YAML. Object schemas are loose: unknown and not-yet-supported keys are
 * reported by `checkKeys` (with positions and did-you-mean), not here.
 */

// Zod schemas are immutable, so one instance serves every key of its kind: each construction
// costs (classic zod attaches its methods to every instance), and this module is built at
// every start of every command that reads a definition.
const text = z.string();
const optionalText = text.optional();
/** true/false, or a string of one (from a variable). */
const flag = z.union([z.boolean(), text]);
const optionalFlag = flag.optional();
const scalar = z.union([text, z.number(), z.boolean(), z.null()]);
const stringList = z.array(text);
export const listOrDict = z.union([z.record(text, scalar), stringList]);
const stringOrList = z.union([text, stringList]);
const command = z.union([z.null(), text, stringList]);
const duration = text;
const intish = z.union([z.number().int(), text]);
/** A number, or a string of one (from a variable, or with a unit: "512m"). */
const numberish = z.union([z.number(), text]);
const optionalListOrDict = listOrDict.optional();
const optionalStringList = stringList.optional();
const optionalIntish = intish.optional();
const optionalNumberish = numberish.optional();
const optionalDuration = duration.optional();
const optionalStringOrList = stringOrList.optional();

export const buildSchema = z.looseObject({
  context: optionalText,
  dockerfile: optionalText,
  dockerfile_inline: optionalText,
  args: optionalListOrDict,
  target: optionalText,
  additional_contexts: optionalListOrDict,
});

/** A `post_start` / `pre_stop` entry: a command run in the service's container. */
export const hookSchema = z.looseObject({
  command: z.union([text, stringList]),
  user: optionalText,
  privileged: optionalFlag,
  working_dir: optionalText,
  environment: optionalListOrDict,
});

export const healthcheckSchema = z.looseObject({
  test: z.union([text, stringList]).optional(),
  interval: optionalDuration,
  timeout: optionalDuration,
  retries: optionalIntish,
  start_period: optionalDuration,
  start_interval: optionalDuration,
  disable: optionalFlag,
});

export const dependencySchema = z.looseObject({
  condition: z.enum(["service_started", "service_healthy", "service_completed_successfully"]),
  restart: optionalFlag,
  required: z.boolean().optional(),
});

export const portSchema = z.looseObject({
  target: intish,
  published: optionalIntish,
  host_ip: optionalText,
  protocol: optionalText,
  mode: optionalText,
  name: optionalText,
  app_protocol: optionalText,
});

export const mountSchema = z.looseObject({
  type: z.enum(["bind", "volume", "tmpfs", "cluster", "npipe", "image"]),
  source: optionalText,
  target: optionalText,
  read_only: optionalFlag,
  bind: z.looseObject({ create_host_path: optionalFlag }).optional(),
  volume: z.looseObject({ nocopy: optionalFlag }).optional(),
  tmpfs: z.looseObject({ size: optionalIntish, mode: z.union([z.number(), text]).optional() }).optional(),
  // Known, so that it is not an "unknown key"; prenv warns that it cannot mount it (normalize.ts).
  image: z.looseObject({ subpath: optionalText }).optional(),
});

export const serviceNetworkSchema = z.union([
  z.null(),
  z.looseObject({
    aliases: optionalStringList,
  }),
]);

const envFileEntry = z.union([
  text,
  z.looseObject({ path: text, required: optionalFlag, format: optionalText }),
]);

/** The `x-prenv` extension of a service: extra readiness checks. */
export const prenvServiceSchema = z.looseObject({
  ready: z
    .array(
      z.union([
        z.strictObject({ port: intish }),
        z.strictObject({ http: z.strictObject({ port: intish, path: optionalText, status: z.number().int().optional() }) }),
        z.strictObject({ log: text }),
        z.strictObject({ command: z.union([text, stringList]) }),
      ]),
    )
    .optional(),
});

/** A service's `secrets:` / `configs:` entry: the short name, or the long form. */
const fileReference = z.union([
  text,
  z.looseObject({ source: text, target: optionalText, uid: optionalText, gid: optionalText, mode: z.union([z.number(), text]).optional() }),
]);

/** A top-level secret or config: where its content comes from. */
export const fileSourceSchema = z.looseObject({
  file: optionalText,
  environment: optionalText,
  content: optionalText,
  external: optionalFlag,
  name: optionalText,
});

export const serviceSchema = z.looseObject({
  image: optionalText,
  build: z.union([text, buildSchema]).optional(),
  command: command.optional(),
  entrypoint: command.optional(),
  environment: optionalListOrDict,
  env_file: z.union([text, z.array(envFileEntry)]).optional(),
  ports: z.array(z.union([z.number(), text, portSchema])).optional(),
  expose: z.array(z.union([text, z.number()])).optional(),
  volumes: z.array(z.union([text, mountSchema])).optional(),
  depends_on: z.union([stringList, z.record(text, dependencySchema)]).optional(),
  healthcheck: healthcheckSchema.optional(),
  restart: optionalText,
  profiles: optionalStringList,
  networks: z.union([stringList, z.record(text, serviceNetworkSchema)]).optional(),
  working_dir: optionalText,
  user: optionalText,
  labels: optionalListOrDict,
  extra_hosts: z.union([stringList, z.record(text, z.union([text, stringList]))]).optional(),
  init: optionalFlag,
  cap_add: optionalStringList,
  tmpfs: optionalStringOrList,
  stop_grace_period: optionalDuration,
  extends: z.union([text, z.looseObject({ service: text, file: optionalText })]).optional(),
  hostname: optionalText,
  links: optionalStringList,
  volumes_from: optionalStringList,
  network_mode: optionalText,
  ipc: optionalText,
  // Known, so that a provider service gets one accurate refusal (normalize.ts).
  provider: z.looseObject({ type: optionalText }).optional(),
  container_name: optionalText,
  deploy: z
    .looseObject({
      replicas: optionalIntish,
      resources: z
        .looseObject({
          limits: z.looseObject({ cpus: optionalNumberish, memory: optionalNumberish, pids: optionalIntish }).optional(),
          reservations: z.looseObject({ cpus: optionalNumberish, memory: optionalNumberish }).optional(),
        })
        .optional(),
    })
    .optional(),
  stop_signal: optionalText,
  read_only: optionalFlag,
  security_opt: optionalStringList,
  cap_drop: optionalStringList,
  dns: optionalStringOrList,
  ulimits: z.record(text, z.union([intish, z.looseObject({ soft: intish, hard: intish })])).optional(),
  sysctls: optionalListOrDict,
  mem_limit: optionalNumberish,
  cpus: optionalNumberish,
  pids_limit: optionalIntish,
  secrets: z.array(fileReference).optional(),
  configs: z.array(fileReference).optional(),
  pull_policy: optionalText,
  platform: optionalText,
  post_start: z.array(hookSchema).optional(),
  pre_stop: z.array(hookSchema).optional(),
  logging: z.looseObject({ driver: optionalText, options: z.record(text, z.union([text, z.number(), z.null()])).optional() }).optional(),
});

export const networkSchema = z.union([
  z.null(),
  z.looseObject({
    name: optionalText,
    driver: optionalText,
    external: z.union([z.boolean(), text, z.looseObject({ name: optionalText })]).optional(),
    internal: optionalFlag,
    labels: optionalListOrDict,
  }),
]);

export const volumeSchema = z.union([
  z.null(),
  z.looseObject({
    name: optionalText,
    driver: optionalText,
    external: z.union([z.boolean(), text, z.looseObject({ name: optionalText })]).optional(),
    labels: optionalListOrDict,
  }),
]);

const includeEntry = z.union([
  text,
  z.looseObject({
    path: stringOrList,
    project_directory: optionalText,
    env_file: optionalStringOrList,
  }),
]);

export const composeFileSchema = z.looseObject({
  version: optionalText,
  name: optionalText,
  include: z.array(includeEntry).optional(),
  services: z.record(text, z.union([z.null(), serviceSchema])).optional(),
  networks: z.record(text, networkSchema).optional(),
  volumes: z.record(text, volumeSchema).optional(),
  secrets: z.record(text, fileSourceSchema).optional(),
  configs: z.record(text, fileSourceSchema).optional(),
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
