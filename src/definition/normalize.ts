import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { parse as parseDotenv } from "dotenv";
import type { z } from "zod";
import type { listOrDict, RawService } from "./compose-schema.ts";
import { error, warning } from "./errors.ts";
import { imageProblem } from "./image-ref.ts";
import type { Lookup } from "./interpolate.ts";
import { readDefinitionText } from "./read-file.ts";
import type { BuildSpec, Diagnostic, FileMount, HealthcheckSpec, LifecycleHook, MountSpec, PortSpec, PullPolicy, ReadinessCheck, ServiceSpec, SourceLocation } from "./model.ts";
import type { Path, YamlSource } from "./yaml-source.ts";

/** What normalising one service of one file needs to know. */
export interface ServiceContext {
  name: string;
  source: YamlSource;
  /** Path of the service in its file: ["services", name]. */
  path: Path;
  workingDir: string;
  lookup: Lookup;
  diagnostics: Diagnostic[];
}

/**
 * Where each mount, dependency and service network was written, so that checks made after
 * files are merged (undeclared volumes, missing services) point at the entry itself.
 */
export const declaredAt = new WeakMap<object, SourceLocation>();

/** Build fields that hold defaults rather than what the file says; a merge keeps the base's. */
export const defaultedBuildKeys = new WeakMap<BuildSpec, ("context" | "dockerfile")[]>();

/** Turns a validated raw service into prenv's model; findings go to ctx.diagnostics. */
export function normalizeService(raw: RawService, ctx: ServiceContext): ServiceSpec {
  const fail = (message: string, at: Path, hint?: string) =>
    ctx.diagnostics.push(error(message, { location: ctx.source.locate([...ctx.path, ...at]), service: ctx.name, hint }));

  const spec: ServiceSpec = {
    name: ctx.name,
    environment: {},
    ports: [],
    expose: [],
    mounts: [],
    dependsOn: {},
    profiles: raw.profiles ?? [],
    networks: {},
    labels: toRecord(raw.labels),
    extraHosts: [],
    capAdd: raw.cap_add ?? [],
    tmpfs: raw.tmpfs === undefined ? [] : typeof raw.tmpfs === "string" ? [raw.tmpfs] : raw.tmpfs,
    links: [],
    volumesFrom: [],
    ready: [],
    location: ctx.source.locateKey(ctx.path),
  };
  if (raw.provider !== undefined) {
    // Compose hands such a service to a plugin (a model runner, a cloud service); there is no container to run.
    spec.provider = raw.provider.type ?? "";
    ctx.diagnostics.push(
      error(`service "${ctx.name}" is run by a provider${raw.provider.type ? ` ("${raw.provider.type}")` : ""}, which prenv does not support`, {
        location: ctx.source.locateKey([...ctx.path, "provider"]),
        service: ctx.name,
        hint: "run what the provider would set up as a service with an image, or move this service to a profile prenv does not enable",
      }),
    );
  }
  if (raw.image !== undefined) {
    const bad = imageProblem(raw.image);
    if (bad) fail(bad.problem, ["image"], bad.hint);
    spec.image = raw.image;
  }
  if (raw.restart !== undefined) {
    if (!/^(no|always|unless-stopped|on-failure(:\d+)?)$/.test(raw.restart))
      fail(`restart "${raw.restart}" is not a restart policy`, ["restart"], 'use "no", "always", "on-failure[:N]" or "unless-stopped"');
    spec.restart = raw.restart;
  }
  if (raw.working_dir !== undefined) spec.workingDir = raw.working_dir;
  if (raw.user !== undefined) spec.user = raw.user;
  if (raw.hostname !== undefined) spec.hostname = raw.hostname;
  if (raw.init !== undefined) spec.init = toBool(raw.init, ["init"], fail);
  if (raw.stop_grace_period !== undefined) {
    const ms = parseDuration(raw.stop_grace_period);
    if (ms === undefined) fail(`stop_grace_period "${raw.stop_grace_period}" is not a duration`, ["stop_grace_period"], DURATION_HINT);
    else spec.stopGracePeriodMs = ms;
  }
  if (raw.pull_policy !== undefined) {
    const policy = pullPolicyOf(raw.pull_policy);
    if (policy) spec.pullPolicy = { ...policy, location: ctx.source.locate([...ctx.path, "pull_policy"]) };
    else fail(`pull_policy "${raw.pull_policy}" is not a pull policy`, ["pull_policy"], 'use "always", "never", "missing" (or "if_not_present"), "build", "refresh", "daily", "weekly" or "every_<duration>" such as "every_12h"');
  }
  if (raw.platform !== undefined) {
    if (/^[a-z0-9_-]+(\/[a-z0-9_-]+){0,2}$/i.test(raw.platform)) spec.platform = raw.platform;
    else fail(`platform "${raw.platform}" is not os[/arch[/variant]]`, ["platform"], 'write e.g. "linux/amd64" or "linux/arm64/v8"');
  }
  if (raw.build !== undefined) {
    const b = typeof raw.build === "string" ? { context: raw.build } : raw.build;
    const context = resolve(ctx.workingDir, b.context ?? ".");
    if (/^[a-z]+:\/\//.test(b.context ?? "")) fail("remote build contexts (URLs) are not supported yet", ["build"], "check the sources out and use a local path");
    spec.build = { context, dockerfile: b.dockerfile ?? "Dockerfile", args: stringValues(b.args, ctx.lookup) };
    defaultedBuildKeys.set(spec.build, [...(b.context === undefined ? ["context" as const] : []), ...(b.dockerfile === undefined && b.dockerfile_inline === undefined ? ["dockerfile" as const] : [])]);
    if (b.target !== undefined) spec.build.target = b.target;
    for (const [name, value] of Object.entries(toRecord(b.additional_contexts))) {
      if (/^docker-image:\/\/./.test(value)) (spec.build.additionalContexts ??= {})[name] = value;
      else if (!/^[a-z][a-z0-9+.-]*:/i.test(value)) (spec.build.additionalContexts ??= {})[name] = resolve(ctx.workingDir, value);
      else
        ctx.diagnostics.push(
          warning(`build context "${name}" (${value}) is not supported by prenv yet: the build has no context of that name, so FROM ${name} or COPY --from=${name} names an image "${name}"`, {
            location: ctx.source.locate([...ctx.path, "build", "additional_contexts", ...(Array.isArray(b.additional_contexts) ? [b.additional_contexts.findIndex((e) => e.startsWith(`${name}=`))] : [name])]),
            service: ctx.name,
            hint: "use a local directory or docker-image://REF (which prenv maps); for service:NAME, tag that service's image and use docker-image://TAG",
          }),
        );
    }
    if (b.dockerfile_inline !== undefined) {
      if (b.dockerfile !== undefined) fail("build has both dockerfile and dockerfile_inline", ["build", "dockerfile_inline"], "keep one of them (Compose refuses both too)");
      spec.build.dockerfile = INLINE_DOCKERFILE;
      spec.build.dockerfileInline = b.dockerfile_inline;
    }
  }
  for (const key of ["command", "entrypoint"] as const) {
    const argv = toArgv(raw[key]);
    if (typeof argv === "string") fail(argv.replace("the command", key), [key], QUOTE_HINT);
    else if (argv) spec[key] = argv;
  }

  // env_file first, then environment on top (Compose's precedence).
  const envFiles = raw.env_file === undefined ? [] : typeof raw.env_file === "string" ? [raw.env_file] : raw.env_file;
  envFiles.forEach((entry, i) => {
    const path = typeof entry === "string" ? entry : entry.path;
    const required = typeof entry === "string" ? true : entry.required === undefined || entry.required === true || entry.required === "true";
    const full = resolve(ctx.workingDir, path);
    if (!existsSync(full)) {
      if (required)
        fail(`env_file "${path}" does not exist (looked for ${full})`, typeof raw.env_file === "string" ? ["env_file"] : ["env_file", i], "create the file, fix the path (relative to the compose file), or use the long syntax with `required: false`");
      return;
    }
    const at = ctx.source.locate([...ctx.path, ...(typeof raw.env_file === "string" ? ["env_file"] : ["env_file", i])]);
    const text = readDefinitionText(full, "env_file", ctx.diagnostics, at);
    if (text !== undefined) Object.assign(spec.environment, parseDotenv(text));
  });
  Object.assign(spec.environment, stringValues(raw.environment, ctx.lookup));

  (raw.ports ?? []).forEach((p, i) => {
    const parsed = parsePort(p);
    if (typeof parsed === "string")
      fail(parsed, ["ports", i], typeof p === "object" ? "the long syntax takes target, published (port numbers), host_ip and protocol (tcp or udp)" : 'write "CONTAINER", "HOST:CONTAINER" or "IP:HOST:CONTAINER[/udp]", e.g. "8080:80"');
    else spec.ports.push(...parsed);
  });
  (raw.expose ?? []).forEach((e, i) => {
    const range = parseRange(String(e).replace(/\/(tcp|udp)$/, ""));
    if (!range) fail(`expose "${e}" is not a port or port range`, ["expose", i], 'write a port such as 8080 or a range such as "8000-8010"');
    else for (let p = range[0]; p <= range[1]; p++) spec.expose.push(p);
  });
  (raw.volumes ?? []).forEach((v, i) => {
    if (typeof v === "object" && v.type === "image") {
      // Image mounts came with Docker API 1.48; prenv's Docker backend speaks 1.41.
      ctx.diagnostics.push(
        warning(`volume of type image${v.source ? ` ("${v.source}")` : ""} at ${v.target ?? "?"} is not mounted: prenv's Docker backend uses Engine API 1.41, which has no image mounts`, {
          location: ctx.source.locate([...ctx.path, "volumes", i, "type"]),
          service: ctx.name,
          hint: "copy the files in the service's Dockerfile instead (COPY --from=IMAGE SRC DST), or fill a named volume from a service that runs IMAGE",
        }),
      );
      return;
    }
    const mount = parseMount(v, ctx.workingDir);
    if (typeof mount === "string")
      fail(mount, ["volumes", i], typeof v === "object" ? "the long syntax takes type (bind, volume or tmpfs), source (a host path or volume name) and an absolute target" : 'write "SOURCE:TARGET[:ro]" with an absolute TARGET, e.g. "./data:/var/lib/data" or "dbdata:/var/lib/postgresql/data"');
    else {
      declaredAt.set(mount, ctx.source.locate([...ctx.path, "volumes", i]));
      spec.mounts.push(mount);
    }
  });

  if (Array.isArray(raw.depends_on)) {
    raw.depends_on.forEach((dep, i) => {
      spec.dependsOn[dep] = { condition: "service_started", restart: false, required: true };
      declaredAt.set(spec.dependsOn[dep], ctx.source.locate([...ctx.path, "depends_on", i]));
    });
  } else if (raw.depends_on) {
    for (const [dep, d] of Object.entries(raw.depends_on)) {
      spec.dependsOn[dep] = { condition: d.condition, restart: d.restart === true || d.restart === "true", required: d.required ?? true };
      declaredAt.set(spec.dependsOn[dep], ctx.source.locateKey([...ctx.path, "depends_on", dep]));
    }
  }

  deriveDependencies(raw, spec, ctx, fail);

  if (raw.healthcheck) {
    const h = raw.healthcheck;
    const disabled = h.disable === true || h.disable === "true";
    const hc: HealthcheckSpec = { test: disabled ? ["NONE"] : typeof h.test === "string" ? ["CMD-SHELL", h.test] : (h.test ?? []) };
    if (hc.test.length > 0 && !["CMD", "CMD-SHELL", "NONE"].includes(hc.test[0]!))
      fail(`healthcheck test must start with "CMD", "CMD-SHELL" or "NONE", not "${hc.test[0]}"`, ["healthcheck", "test"], 'write ["CMD", "pg_isready"] or a plain string, which runs in a shell');
    for (const [key, field] of [["interval", "intervalMs"], ["timeout", "timeoutMs"], ["start_period", "startPeriodMs"]] as const) {
      const text = h[key];
      if (text === undefined) continue;
      const ms = parseDuration(text);
      if (ms === undefined) fail(`healthcheck ${key} "${text}" is not a duration`, ["healthcheck", key], DURATION_HINT);
      else hc[field] = ms;
    }
    if (h.retries !== undefined) {
      // A string when it came from a variable (`retries: ${RETRIES:-3}`).
      const retries = typeof h.retries === "number" ? h.retries : /^\d+$/.test(h.retries.trim()) ? Number(h.retries) : NaN;
      if (Number.isInteger(retries) && retries >= 0) hc.retries = retries;
      else fail(`healthcheck retries "${h.retries}" is not a whole number`, ["healthcheck", "retries"], "write a count such as 3");
    }
    spec.healthcheck = hc;
  }

  if (Array.isArray(raw.networks)) {
    raw.networks.forEach((n, i) => {
      spec.networks[n] = { aliases: [] };
      declaredAt.set(spec.networks[n], ctx.source.locate([...ctx.path, "networks", i]));
    });
  } else if (raw.networks) {
    for (const [n, v] of Object.entries(raw.networks)) {
      spec.networks[n] = { aliases: v?.aliases ?? [] };
      declaredAt.set(spec.networks[n], ctx.source.locateKey([...ctx.path, "networks", n]));
    }
  }

  if (Array.isArray(raw.extra_hosts)) spec.extraHosts = raw.extra_hosts.map((h) => h.replace("=", ":"));
  else if (raw.extra_hosts)
    for (const [host, ips] of Object.entries(raw.extra_hosts)) for (const ip of typeof ips === "string" ? [ips] : ips) spec.extraHosts.push(`${host}:${ip}`);

  runtimeOptions(raw, spec, ctx, fail);
  for (const [key, field] of [["post_start", "postStart"], ["pre_stop", "preStop"]] as const) {
    const hooks = raw[key]?.flatMap((h, i): LifecycleHook[] => {
      const argv = toArgv(h.command);
      if (typeof argv === "string" || !argv || argv.length === 0) {
        if (typeof argv === "string") fail(argv.replace("the command", `${key} command`), [key, i, "command"], QUOTE_HINT);
        else fail(`${key} entry ${i + 1} has an empty command`, [key, i, "command"], "give the command to run in the container");
        return [];
      }
      const hook: LifecycleHook = { command: argv, privileged: h.privileged === undefined ? false : toBool(h.privileged, [key, i, "privileged"], fail), environment: hookEnvironment(h.environment), location: ctx.source.locate([...ctx.path, key, i]) };
      if (h.user !== undefined) hook.user = h.user;
      if (h.working_dir !== undefined) hook.workingDir = h.working_dir;
      return [hook];
    });
    if (hooks && hooks.length > 0) spec[field] = hooks;
  }
  for (const kind of ["secrets", "configs"] as const)
    (raw[kind] ?? []).forEach((entry, i) => {
      const name = typeof entry === "string" ? entry : entry.source;
      const given = typeof entry === "string" ? undefined : entry.target;
      // Where Compose puts them: secrets under /run/secrets, configs at the root, unless the target is absolute.
      const target = given?.startsWith("/") ? given : kind === "secrets" ? `/run/secrets/${given ?? name}` : `/${given ?? name}`;
      const file: FileMount = { kind: kind === "secrets" ? "secret" : "config", name, target };
      declaredAt.set(file, ctx.source.locate([...ctx.path, kind, i]));
      (spec.files ??= []).push(file);
    });
  spec.ready = readinessFrom(raw["x-prenv"], fail);
  const unreadable = spec.logging && logsUnreadable(spec.logging);
  if (unreadable && spec.ready.some((c) => c.kind === "log"))
    fail(`${unreadable.why}, so the x-prenv.ready log check can never pass`, unreadable.at, "keep the engine's default log driver, or check readiness with a port, http or command check");
  return spec;
}

/** Why the engine keeps no log a client can read for this logging setting, and where that is said; undefined when it keeps one. */
function logsUnreadable(logging: NonNullable<ServiceSpec["logging"]>): { why: string; at: Path } | undefined {
  if (logging.driver === "none") return { why: 'logging driver "none" keeps no log', at: ["logging", "driver"] };
  if (logging.options["cache-disabled"] === "true") return { why: `logging option cache-disabled turns off the copy the engine keeps of what the ${logging.driver ?? "default"} driver ships`, at: ["logging", "options", "cache-disabled"] };
  return undefined;
}

/** The diagnostics lists that have had container_name explained: it is said once per load. */
const containerNameExplained = new WeakSet<Diagnostic[]>();

/** Keys that set how the container runs: limits, signals, security, DNS, deploy resources. */
function runtimeOptions(raw: RawService, spec: ServiceSpec, ctx: ServiceContext, fail: (message: string, at: Path, hint?: string) => void): void {
  const warn = (message: string, at: Path, hint: string) =>
    ctx.diagnostics.push(warning(message, { location: ctx.source.locateKey([...ctx.path, ...at]), service: ctx.name, hint }));
  if (raw.container_name !== undefined && !containerNameExplained.has(ctx.diagnostics)) {
    containerNameExplained.add(ctx.diagnostics);
    warn(
      `container_name "${raw.container_name}" is not used: prenv names every container <environment>-<service>, so that several environments of one project (one per pull request) run side by side`,
      ["container_name"],
      "services reach each other by service name on the environment's network; remove container_name to silence this (said once for all services)",
    );
  }
  if (raw.read_only !== undefined) spec.readOnly = toBool(raw.read_only, ["read_only"], fail);
  if (raw.stop_signal !== undefined) spec.stopSignal = raw.stop_signal;
  if (raw.security_opt !== undefined) spec.securityOpt = raw.security_opt;
  if (raw.cap_drop !== undefined) spec.capDrop = raw.cap_drop;
  if (raw.dns !== undefined) spec.dns = typeof raw.dns === "string" ? [raw.dns] : raw.dns;
  if (raw.sysctls !== undefined) spec.sysctls = toRecord(raw.sysctls);
  if (raw.logging !== undefined) {
    const { driver } = raw.logging;
    spec.logging = { ...(driver ? { driver } : {}), options: toRecord(raw.logging.options) };
    // Docker 20.10+ keeps a local copy of what other drivers ship ("dual logging"), which is how prenv reads logs back; not these.
    const unreadable = logsUnreadable(spec.logging);
    if (unreadable)
      warn(
        `${unreadable.why}: prenv cannot read this service's output back (a failure shows no log tail, \`prenv logs\` shows nothing)`,
        unreadable.at,
        'keep the engine\'s default driver for test environments, or drop "cache-disabled" so that the engine keeps a local copy',
      );
  }
  if (raw.ulimits !== undefined) {
    spec.ulimits = {};
    for (const [name, limit] of Object.entries(raw.ulimits)) {
      const [soft, hard] = typeof limit === "object" ? [toInt(limit.soft), toInt(limit.hard)] : [toInt(limit), toInt(limit)];
      if (soft === undefined || hard === undefined) fail(`ulimits ${name} is not a whole number or { soft, hard }`, ["ulimits", name], "write e.g. `nofile: { soft: 1024, hard: 4096 }` or `nproc: 65535`");
      else spec.ulimits[name] = { soft, hard };
    }
  }

  const limits = raw.deploy?.resources?.limits;
  const reservations = raw.deploy?.resources?.reservations;
  // Compose refuses a service key and its deploy counterpart when they differ; so does prenv.
  const either = (own: number | undefined, ownKey: string, deployed: number | undefined, deployKey: string): number | undefined => {
    if (own !== undefined && deployed !== undefined && own !== deployed)
      fail(`${ownKey} and deploy.resources.limits.${deployKey} are both set, to different values`, ["deploy", "resources", "limits", deployKey], `keep one of them (Compose refuses distinct values too)`);
    return deployed ?? own;
  };
  const bytes = (v: number | string | undefined, at: Path): number | undefined => {
    if (v === undefined) return undefined;
    const n = parseBytes(v);
    if (n === undefined) fail(`"${v}" is not an amount of memory`, at, 'write bytes or a number with a unit: "512m", "1.5g", 268435456');
    return n;
  };
  const cpus = (v: number | string | undefined, at: Path): number | undefined => {
    if (v === undefined) return undefined;
    const n = typeof v === "number" ? v : /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : NaN;
    if (!(n >= 0)) fail(`"${v}" is not a number of CPUs`, at, 'write a number such as 0.5 or "2"');
    return n >= 0 ? Math.round(n * 1e9) : undefined;
  };
  const pids = (v: number | string | undefined, at: Path): number | undefined => {
    if (v === undefined) return undefined;
    const n = toInt(v);
    if (n === undefined) fail(`"${v}" is not a whole number of processes`, at, "write a count such as 100, or -1 for no limit");
    return n;
  };
  const memory = either(bytes(raw.mem_limit, ["mem_limit"]), "mem_limit", bytes(limits?.memory, ["deploy", "resources", "limits", "memory"]), "memory");
  if (memory !== undefined) spec.memoryBytes = memory;
  const nanoCpus = either(cpus(raw.cpus, ["cpus"]), "cpus", cpus(limits?.cpus, ["deploy", "resources", "limits", "cpus"]), "cpus");
  if (nanoCpus !== undefined) spec.nanoCpus = nanoCpus;
  const pidsLimit = either(pids(raw.pids_limit, ["pids_limit"]), "pids_limit", pids(limits?.pids, ["deploy", "resources", "limits", "pids"]), "pids");
  if (pidsLimit !== undefined) spec.pidsLimit = pidsLimit;
  const reserved = bytes(reservations?.memory, ["deploy", "resources", "reservations", "memory"]);
  if (reserved !== undefined) spec.memoryReservationBytes = reserved;
  if (reservations?.cpus !== undefined)
    warn("deploy.resources.reservations.cpus has no effect on a single Docker engine and is ignored", ["deploy", "resources", "reservations", "cpus"], "a reservation only guides a scheduler's placement; use limits.cpus to cap the service");

  const deploy = raw.deploy;
  if (deploy === undefined) return;
  if (deploy.replicas !== undefined) {
    const replicas = toInt(deploy.replicas);
    if (replicas === undefined) fail(`deploy.replicas "${deploy.replicas}" is not a whole number`, ["deploy", "replicas"], "write a count such as 1");
    // One container per service: tests reach it by its name, and readiness, logs and exits are per service.
    else if (replicas !== 1)
      warn(`deploy.replicas: ${replicas} is not followed: prenv runs exactly one container per service`, ["deploy", "replicas"], "tests reach a service by its name, so one replica serves them; remove replicas to silence this");
  }
  const handled: Record<string, readonly string[]> = { deploy: ["replicas", "resources"], "deploy.resources": ["limits", "reservations"], "deploy.resources.limits": ["cpus", "memory", "pids"], "deploy.resources.reservations": ["cpus", "memory"] };
  const sections: [string, Record<string, unknown> | undefined][] = [["deploy", deploy], ["deploy.resources", deploy.resources], ["deploy.resources.limits", limits], ["deploy.resources.reservations", reservations]];
  for (const [name, section] of sections)
    for (const key of Object.keys(section ?? {}))
      if (!handled[name]!.includes(key) && !key.startsWith("x-"))
        warn(`${name}.${key} is not supported by prenv yet and is ignored`, [...name.split("."), key], "it is about a cluster's scheduler (Swarm); remove it, or expect it to have no effect under prenv");
}

function toInt(v: number | string): number | undefined {
  const n = typeof v === "number" ? v : /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isInteger(n) ? n : undefined;
}

const BYTE_UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** Amounts of memory as Compose reads them: bytes, or a number with a binary unit ("512m", "1.5GiB"). */
export function parseBytes(v: number | string): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined;
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp]?)(?:i?b)?$/i.exec(v.trim());
  return m ? Math.floor(Number(m[1]) * BYTE_UNITS[m[2]!.toLowerCase()]!) : undefined;
}

/**
 * links, volumes_from, network_mode: service: and ipc: service: name other services, which
 * must then start first: Compose adds them to depends_on (service_started, required; with
 * restart for all but volumes_from) unless depends_on already names them.
 */
function deriveDependencies(raw: RawService, spec: ServiceSpec, ctx: ServiceContext, fail: (message: string, at: Path, hint?: string) => void): void {
  const derive = (service: string, restart: boolean, at: Path) => {
    if (spec.dependsOn[service]) return;
    spec.dependsOn[service] = { condition: "service_started", restart, required: true };
    declaredAt.set(spec.dependsOn[service], ctx.source.locate([...ctx.path, ...at]));
  };
  (raw.links ?? []).forEach((link, i) => {
    const [service = "", alias = service] = link.split(":");
    spec.links.push({ service, alias });
    derive(service, true, ["links", i]);
  });
  (raw.volumes_from ?? []).forEach((entry, i) => {
    const parts = entry.split(":");
    const container = parts[0] === "container";
    const name = container ? parts[1] : parts[0];
    const mode = container ? parts[2] : parts[1];
    if (!name || (mode !== undefined && mode !== "ro" && mode !== "rw")) {
      fail(`volumes_from "${entry}" is not SERVICE[:ro|rw] or container:NAME[:ro|rw]`, ["volumes_from", i], 'write e.g. "files:ro"');
      return;
    }
    spec.volumesFrom.push({ ...(container ? { container: name } : { service: name }), readOnly: mode === "ro" });
    if (!container) derive(name, false, ["volumes_from", i]);
  });
  if (raw.network_mode !== undefined) {
    const service = /^service:(.+)$/.exec(raw.network_mode)?.[1];
    if (service) {
      spec.networkModeService = service;
      derive(service, true, ["network_mode"]);
    } else {
      ctx.diagnostics.push(
        warning(`network_mode "${raw.network_mode}" is not supported by prenv yet and is ignored; the service joins the environment's networks`, {
          location: ctx.source.locate([...ctx.path, "network_mode"]),
          service: ctx.name,
          hint: "only network_mode: service:NAME is run as written; remove the key to silence this",
        }),
      );
    }
  }
  if (raw.ipc !== undefined) {
    const service = /^service:(.+)$/.exec(raw.ipc)?.[1];
    if (service) {
      spec.ipc = { service };
      derive(service, true, ["ipc"]);
    } else if (/^(shareable|private|host|none)$/.test(raw.ipc)) spec.ipc = raw.ipc;
    else fail(`ipc "${raw.ipc}" is not an IPC mode`, ["ipc"], 'use "shareable", "private", "host", "none" or "service:NAME"');
  }
}

/** The name an inline Dockerfile is sent under; the build renames it if the context has such a file. */
export const INLINE_DOCKERFILE = ".prenv-dockerfile-inline";

const REFRESH_UNITS: Record<string, number> = { w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

/** Compose's pull policies: the ones its schema's pattern accepts, read as its GetPullPolicy reads them. */
export function pullPolicyOf(text: string): PullPolicy | undefined {
  if (text === "always" || text === "never" || text === "missing" || text === "build") return { policy: text };
  if (text === "if_not_present") return { policy: "missing" };
  // Without pull_refresh_after, Compose's "refresh" waits no time: every `up` pulls.
  if (text === "refresh") return { policy: "refresh", afterMs: 0 };
  if (text === "daily") return { policy: "refresh", afterMs: REFRESH_UNITS.d! };
  if (text === "weekly") return { policy: "refresh", afterMs: REFRESH_UNITS.w! };
  const every = /^every_((?:\d+[wdhms])+)$/.exec(text)?.[1];
  if (!every) return undefined;
  let afterMs = 0;
  for (const [, n, unit] of every.matchAll(/(\d+)([wdhms])/g)) afterMs += Number(n) * REFRESH_UNITS[unit!]!;
  return { policy: "refresh", afterMs };
}

const DURATION_HINT = 'write a duration such as "500ms", "10s", "1m30s" or "1h"';

function readinessFrom(ext: unknown, fail: (m: string, at: Path, h?: string) => void): ReadinessCheck[] {
  if (ext === undefined || ext === null) return [];
  if (typeof ext !== "object" || Array.isArray(ext)) {
    fail("x-prenv of a service must be a mapping", ["x-prenv"], "write `x-prenv: { ready: [ { port: 8080 } ] }`");
    return [];
  }
  const ready = (ext as Record<string, unknown>).ready;
  if (ready === undefined) return [];
  if (!Array.isArray(ready)) {
    fail("x-prenv.ready must be a list of checks", ["x-prenv", "ready"], READY_HINT);
    return [];
  }
  const checks: ReadinessCheck[] = [];
  ready.forEach((item: unknown, i) => {
    const at: Path = ["x-prenv", "ready", i];
    const entry = (item ?? {}) as Record<string, unknown>;
    const keys = Object.keys(entry);
    if (keys.length !== 1) return fail("each readiness check has exactly one of port, http, log, command", at, READY_HINT);
    const value = entry[keys[0]!];
    switch (keys[0]) {
      case "port": {
        const port = toPort(value);
        return port ? checks.push({ kind: "port", port }) : fail(`"${String(value)}" is not a port number`, [...at, "port"], READY_HINT);
      }
      case "http": {
        const h = (value ?? {}) as Record<string, unknown>;
        const port = toPort(h.port);
        if (!port) return fail("http readiness needs a port", [...at, "http"], READY_HINT);
        const status = h.status === undefined ? 200 : Number(h.status);
        return checks.push({ kind: "http", port, path: typeof h.path === "string" ? h.path : "/", status });
      }
      case "log":
        if (typeof value !== "string") return fail("log readiness needs a regular expression", [...at, "log"], READY_HINT);
        try {
          new RegExp(value);
        } catch (e) {
          return fail(`log readiness pattern is not a valid regular expression: ${(e as Error).message}`, [...at, "log"], READY_HINT);
        }
        return checks.push({ kind: "log", pattern: value });
      case "command": {
        const argv = toArgv(value as string | string[]);
        if (typeof argv === "string") return fail(argv, [...at, "command"], QUOTE_HINT);
        return argv ? checks.push({ kind: "command", command: argv }) : fail("command readiness needs a command", [...at, "command"], READY_HINT);
      }
      default:
        return fail(`unknown readiness check "${keys[0]}"`, at, READY_HINT);
    }
  });
  return checks;
}

const READY_HINT = 'checks are { port: 8080 }, { http: { port: 8080, path: /healthz, status: 200 } }, { log: "ready to accept" } or { command: "pg_isready" }';

function toBool(v: boolean | string, at: Path, fail: (m: string, at: Path, h?: string) => void): boolean {
  if (typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  fail(`"${v}" is not a boolean`, at, "write true or false");
  return false;
}

function toRecord(v: z.infer<typeof listOrDict> | undefined): Record<string, string> {
  if (v === undefined) return {};
  if (Array.isArray(v)) {
    const out: Record<string, string> = {};
    for (const item of v) {
      const eq = item.indexOf("=");
      out[eq < 0 ? item : item.slice(0, eq)] = eq < 0 ? "" : item.slice(eq + 1);
    }
    return out;
  }
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) out[k] = val === null ? "" : String(val);
  return out;
}

/** A hook's environment as Compose keeps it: a bare KEY stays null (it is not looked up on the host). */
function hookEnvironment(v: z.infer<typeof listOrDict> | undefined): Record<string, string | null> {
  if (v === undefined) return {};
  if (!Array.isArray(v)) return Object.fromEntries(Object.entries(v).map(([k, val]) => [k, val === null ? null : String(val)]));
  return Object.fromEntries(v.map((item) => (item.includes("=") ? [item.slice(0, item.indexOf("=")), item.slice(item.indexOf("=") + 1)] : [item, null])));
}

/** Environment-style values: a bare `KEY` (or `KEY:` with no value) takes the value from the host, if set. */
function stringValues(v: z.infer<typeof listOrDict> | undefined, lookup: Lookup): Record<string, string> {
  if (v === undefined) return {};
  const out: Record<string, string> = {};
  const entries: [string, string | undefined][] = Array.isArray(v)
    ? v.map((item) => {
        const eq = item.indexOf("=");
        return eq < 0 ? [item, undefined] : [item.slice(0, eq), item.slice(eq + 1)];
      })
    : Object.entries(v).map(([k, val]) => [k, val === null ? undefined : String(val)]);
  for (const [key, value] of entries) {
    const resolved = value ?? lookup(key);
    if (resolved !== undefined) out[key] = resolved;
  }
  return out;
}

/** A command as argv; a string when it cannot be split. */
export function toArgv(v: string | string[] | null | undefined): string[] | string | undefined {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) return v;
  return splitWords(v);
}

const QUOTE_HINT = "close the quote, or write the command as a list of words";

/**
 * Splits a command string into words the way a POSIX shell would, without expanding
 * anything: quotes group, backslashes escape, and `$VAR`, `*` and `#` stay as written
 * (interpolation has already happened; what is left is for the container's shell).
 * A string on failure.
 */
export function splitWords(text: string): string[] | string {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "\\") {
      if (i + 1 < text.length) word += text[++i];
      continue;
    }
    if (c === "'" || c === '"') {
      const close = c === "'" ? text.indexOf("'", i + 1) : closingDoubleQuote(text, i + 1);
      if (close < 0) return `the command has an unclosed ${c === "'" ? "single" : "double"} quote: ${text}`;
      const body = text.slice(i + 1, close);
      word += c === "'" ? body : body.replace(/\\([\\"$`])/g, "$1");
      i = close;
      continue;
    }
    word += c;
  }
  if (inWord) words.push(word);
  return words;
}

function closingDoubleQuote(text: string, from: number): number {
  for (let j = from; j < text.length; j++) {
    if (text[j] === "\\") j++;
    else if (text[j] === '"') return j;
  }
  return -1;
}

const UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };

/** Go-style durations as Compose writes them: "1m30s", "500ms", "10s". Undefined when invalid. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(trimmed); m; m = re.exec(trimmed)) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    matched = re.lastIndex;
  }
  return matched === trimmed.length && matched > 0 ? Math.round(total) : undefined;
}

function toPort(v: unknown): number | undefined {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}

function parseRange(text: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) return undefined;
  const from = toPort(m[1]);
  const to = toPort(m[2] ?? m[1]);
  return from && to && to >= from ? [from, to] : undefined;
}

/** Short and long port syntax; a string on failure. */
export function parsePort(p: number | string | { target: number | string; published?: number | string; host_ip?: string; protocol?: string }): PortSpec[] | string {
  if (typeof p === "object") {
    const target = toPort(p.target);
    if (!target) return `port target "${p.target}" is not a port number`;
    const protocol = (p.protocol ?? "tcp").toLowerCase();
    if (protocol !== "tcp" && protocol !== "udp") return `protocol "${p.protocol}" is not tcp or udp`;
    const spec: PortSpec = { target, protocol };
    if (p.published !== undefined && p.published !== "") {
      const published = toPort(p.published);
      if (!published) return `published port "${p.published}" is not a port number`;
      spec.published = published;
    }
    if (p.host_ip) spec.hostIp = p.host_ip;
    return [spec];
  }
  const text = String(p);
  const [body, proto = "tcp", extra] = text.split("/");
  if (extra !== undefined || (proto !== "tcp" && proto !== "udp")) return `port "${text}" has an unknown protocol`;
  // IPv6 host addresses come in brackets: [::1]:8080:80
  const v6 = /^\[([^\]]+)\]:(.*)$/.exec(body!);
  const parts = v6 ? [v6[1]!, ...v6[2]!.split(":")] : body!.split(":");
  if (parts.length > 3 || parts.length === 0) return `port "${text}" is not a port mapping`;
  const containerPart = parts[parts.length - 1]!;
  const hostPart = parts.length >= 2 ? parts[parts.length - 2]! : "";
  const hostIp = parts.length === 3 ? parts[0]! : undefined;
  const targets = parseRange(containerPart);
  if (!targets) return `port "${text}": "${containerPart}" is not a container port or range`;
  let published: [number, number] | undefined;
  if (hostPart !== "") {
    published = parseRange(hostPart);
    if (!published) return `port "${text}": "${hostPart}" is not a host port or range`;
    const count = targets[1] - targets[0];
    // One container port and a host range: the engine binds one free port of the range.
    if (count === 0 && published[1] > published[0]) return [{ target: targets[0], protocol: proto as "tcp" | "udp", published: published[0], publishedEnd: published[1], ...(hostIp ? { hostIp } : {}) }];
    if (published[1] - published[0] !== count && published[0] !== published[1]) return `port "${text}": host and container ranges differ in size`;
  }
  const out: PortSpec[] = [];
  for (let i = 0; i <= targets[1] - targets[0]; i++) {
    const spec: PortSpec = { target: targets[0] + i, protocol: proto as "tcp" | "udp" };
    if (published) spec.published = published[0] === published[1] ? published[0] : published[0] + i;
    if (hostIp) spec.hostIp = hostIp;
    out.push(spec);
  }
  return out;
}

type RawMount = Exclude<NonNullable<RawService["volumes"]>[number], string>;

/** Short ("src:dst:ro") and long volume syntax; a string on failure. */
export function parseMount(v: string | RawMount, workingDir: string): MountSpec | string {
  if (typeof v === "object") {
    const target = v.target;
    if (!target || !target.startsWith("/")) return `volume target "${target ?? ""}" must be an absolute path in the container`;
    const readOnly = v.read_only === true || v.read_only === "true";
    switch (v.type) {
      case "bind":
        if (!v.source) return "a bind mount needs a source path";
        // Compose creates a missing source unless the long syntax opts out.
        return { type: "bind", source: hostPath(v.source, workingDir), target, readOnly, createHostPath: !(v.bind?.create_host_path === false || v.bind?.create_host_path === "false") };
      case "volume":
        return v.source ? { type: "volume", source: v.source, target, readOnly } : { type: "volume", target, readOnly };
      case "tmpfs":
        return { type: "tmpfs", target };
      default:
        return `volume type "${v.type}" is not supported yet (use bind, volume or tmpfs)`;
    }
  }
  const parts = v.split(":");
  if (parts.length === 1) {
    if (!v.startsWith("/")) return `volume "${v}": the container path must be absolute`;
    return { type: "volume", target: v, readOnly: false };
  }
  if (parts.length > 3) return `volume "${v}" has too many ":"-separated parts`;
  const [source, target, mode = "rw"] = parts as [string, string, string?];
  if (!target.startsWith("/")) return `volume "${v}": the container path "${target}" must be absolute`;
  const modes = mode.split(",");
  if (!modes.every((m) => /^(ro|rw|z|Z|cached|delegated|consistent|nocopy|shared|slave|private|rshared|rslave|rprivate)$/.test(m)))
    return `volume "${v}": unknown mode "${mode}"`;
  const readOnly = modes.includes("ro");
  if (source.startsWith(".") || source.startsWith("/") || source.startsWith("~"))
    return { type: "bind", source: hostPath(source, workingDir), target, readOnly, createHostPath: true };
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(source)) return `volume "${v}": "${source}" is neither a path nor a volume name`;
  return { type: "volume", source, target, readOnly };
}

function hostPath(source: string, workingDir: string): string {
  if (source.startsWith("~")) return resolve(process.env.HOME ?? "/", `.${source.slice(1)}`);
  return isAbsolute(source) ? source : resolve(workingDir, source);
}
