import type {
  V1ConfigMap,
  V1Container,
  V1Deployment,
  V1EnvVar,
  V1HostAlias,
  V1Ingress,
  V1Lifecycle,
  V1Job,
  V1PersistentVolumeClaim,
  V1Pod,
  V1PodSpec,
  V1PodTemplateSpec,
  V1Probe,
  V1Secret,
  V1ResourceRequirements,
  V1SecurityContext,
  V1Service,
  V1Volume,
  V1VolumeMount,
} from "@kubernetes/client-node";
import { relative } from "node:path";
import { shellQuote } from "../../util/shell.ts";
import type { LifecycleHook, MountSpec, ServiceSpec } from "../../definition/model.ts";
import { formatLocation } from "../../definition/errors.ts";
import { platformOf } from "../../definition/image-ref.ts";
import { networksOf, type Plan, type PlannedService } from "../../plan/plan.ts";
import { looksSecret } from "../../secrets/redact.ts";
import { LABELS } from "../backend.ts";
import { wrapCommand } from "./exec.ts";
import { derivedName, dnsName, isDnsName, isQualifiedName } from "./names.ts";

/**
 * Pure: what a planned service becomes on Kubernetes. No I/O here (the contents of
 * bind-mounted files come in as BindContent), so that every mapping is unit-tested
 * without a cluster.
 */

/** Kubernetes-only labels and annotations (prenv's shared keys are in LABELS). */
export const K8S = {
  /** On every object prenv makes: list and gc select on it. */
  managed: "dev.prenv.managed",
  /** The compose service's own name, on pods and Services (labels hold only its DNS form). */
  serviceName: "dev.prenv.service-name",
  /** Compose's `restart`, on pods: whether an exit counts as the service's end (see pods.ts). */
  restart: "dev.prenv.restart",
  /** On the Service of a compose service: its published ports, as JSON (PublishedPort[]). */
  published: "dev.prenv.published",
  /** Namespace annotation prefix of a marker (Backend.setMarker): value is the owner. */
  markerPrefix: "dev.prenv.marker-",
} as const;

/** ConfigMaps hold at most 1 MiB (etcd's object limit, less room for the object itself). */
export const CONFIG_MAP_LIMIT = 1024 * 1024 - 16 * 1024;

/** A bind mount's source as read from this machine (see binds.ts). */
export type BindContent =
  /** `bytes`: the size when past the limit (then the data was not read). */
  | { kind: "file"; data: Buffer; mode: number; bytes?: number }
  | { kind: "directory"; files: { path: string; data: Buffer; mode: number }[]; bytes?: number }
  | { kind: "missing" }
  | { kind: "other"; what: string };

export interface PublishedPort {
  target: number;
  published?: number;
  hostIp?: string;
  protocol: "tcp" | "udp";
}

export interface ManifestInput {
  plan: Plan;
  service: PlannedService;
  namespace: string;
  /** The image reference pods run (a digest when prenv knows it). */
  image: string;
  /** Named volumes are PersistentVolumeClaims (the cluster has a default StorageClass); emptyDirs otherwise. */
  persistentVolumes: boolean;
  /** Bind-mount sources by host path. */
  binds: ReadonlyMap<string, BindContent>;
  /** On every object: environment, project, version, ... (see KubernetesBackend). */
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ServiceManifests {
  workload: { kind: "Deployment"; body: V1Deployment } | { kind: "Job"; body: V1Job };
  /** The Service named after the compose service, then one per alias and hostname. */
  services: V1Service[];
  configMaps: V1ConfigMap[];
  secret?: V1Secret;
  /** The preview's route to it (PlannedService.ingress), to its Service's port. */
  ingress?: V1Ingress;
  warnings: string[];
}

/** The definition cannot be run on Kubernetes as it is written. */
export class ManifestError extends Error {
  readonly service: string;
  readonly hint: string;
  constructor(service: string, message: string, hint: string) {
    super(message);
    this.name = "ManifestError";
    this.service = service;
    this.hint = hint;
  }
}

/** The name every object of a compose service is derived from (its Service, Deployment, container). */
export function objectName(service: string): string {
  return dnsName(service);
}

/** The claim of a named volume. */
export function volumeClaimName(key: string): string {
  return derivedName("vol", key);
}

/** Where in the definition a service is, for warnings: "compose.yaml:12:3: service "api"". */
function where(plan: Plan, spec: ServiceSpec): string {
  const at = spec.location;
  const place = at ? `${formatLocation({ ...at, file: relative(plan.workingDir, at.file) || at.file })}: ` : "";
  return `${place}service "${spec.name}"`;
}

/** The selector of a compose service's pods (within its namespace). */
export function podSelector(service: string): Record<string, string> {
  return { [LABELS.service]: objectName(service) };
}

export function serviceManifests(input: ManifestInput): ServiceManifests {
  const { plan, service } = input;
  const spec = service.spec;
  const name = objectName(service.name);
  const warnings: string[] = [];
  const warn = (key: string, text: string) => warnings.push(`${where(plan, spec)}: ${key}: ${text}`);
  const meta = (objName: string, extra: Record<string, string> = {}) => ({
    name: objName,
    namespace: input.namespace,
    labels: { ...input.labels, [K8S.managed]: "true", [LABELS.service]: name, ...extra },
    annotations: { ...input.annotations, [K8S.serviceName]: service.name },
  });

  if (!isDnsName(service.name)) {
    warn("name", `Kubernetes names must be DNS labels, so its objects are called "${name}"; other services reach it as "${name}", not "${service.name}"`);
  }

  // Environment: secret-looking values go to a Secret, so that they do not show in the pod's spec.
  const env: V1EnvVar[] = [];
  const secretData: Record<string, string> = {};
  const secretName = derivedName(name, "env");
  for (const [key, value] of Object.entries(spec.environment)) {
    if (looksSecret(key) && /^[-._a-zA-Z0-9]+$/.test(key)) {
      secretData[key] = value;
      env.push({ name: key, valueFrom: { secretKeyRef: { name: secretName, key } } });
    } else {
      env.push({ name: key, value });
    }
  }

  const { volumes, mounts, configMaps } = volumesOf({ ...input, owner: service.name, mounts: spec.mounts, tmpfs: spec.tmpfs }, name, warn);

  const ports = new Map<string, { target: number; protocol: "tcp" | "udp" }>();
  for (const p of service.ports) ports.set(`${p.target}/${p.protocol}`, { target: p.target, protocol: p.protocol });
  for (const p of spec.expose) if (!ports.has(`${p}/tcp`)) ports.set(`${p}/tcp`, { target: p, protocol: "tcp" });
  const containerPorts = [...ports.values()];
  for (const p of service.ports) if (p.protocol === "udp") warn("ports", `${p.target}/udp cannot be forwarded to this machine (Kubernetes port-forwards carry TCP only); pods still reach it`);

  const container: V1Container = {
    name,
    image: input.image,
    imagePullPolicy: spec.pullPolicy?.policy === "always" ? "Always" : spec.pullPolicy?.policy === "never" ? "Never" : "IfNotPresent",
    // Compose's entrypoint replaces the image's ENTRYPOINT (Kubernetes' command), its command the CMD (args).
    ...(spec.entrypoint ? { command: spec.entrypoint } : {}),
    ...(spec.command ? { args: spec.command } : {}),
    env,
    ...(spec.workingDir ? { workingDir: spec.workingDir } : {}),
    ...(containerPorts.length > 0 ? { ports: containerPorts.map((p) => ({ containerPort: p.target, protocol: p.protocol === "udp" ? "UDP" : "TCP" })) } : {}),
    ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
  };
  const resources = resourcesOf(spec);
  if (resources) container.resources = resources;
  const probe = readinessProbe(spec);
  if (probe) container.readinessProbe = probe;
  const security = securityContext(spec, warn);
  if (security) container.securityContext = security;
  const lifecycle = lifecycleOf(spec, warn);
  if (lifecycle) container.lifecycle = lifecycle;

  const podSpec: V1PodSpec = {
    containers: [container],
    // Docker sets no variables for the other services; Kubernetes would add FOO_SERVICE_HOST for each.
    enableServiceLinks: false,
    automountServiceAccountToken: false,
    // Teardown discards everything; a compose stop_grace_period still applies when given.
    terminationGracePeriodSeconds: spec.stopGracePeriodMs !== undefined ? Math.ceil(spec.stopGracePeriodMs / 1000) : 2,
    restartPolicy: service.runsToCompletion ? "Never" : "Always",
    ...(volumes.length > 0 ? { volumes } : {}),
  };
  if (spec.platform) {
    // The well-known node labels; a variant (arm/v7) has none, so only os and arch select.
    const { os, arch } = platformOf(spec.platform);
    podSpec.nodeSelector = { "kubernetes.io/os": os, ...(arch ? { "kubernetes.io/arch": arch } : {}) };
  }
  if (spec.hostname) {
    if (isDnsName(spec.hostname)) podSpec.hostname = spec.hostname;
    else warn("hostname", `"${spec.hostname}" is not a DNS label, which Kubernetes requires; the pod keeps its own name`);
  }
  const aliases = hostAliases(spec, warn);
  if (aliases.length > 0) podSpec.hostAliases = aliases;

  // Compose labels describe the container: they go on the pod, as annotations (any value is allowed there).
  const podAnnotations: Record<string, string> = { [K8S.serviceName]: service.name, [K8S.restart]: spec.restart ?? "no" };
  for (const [key, value] of Object.entries(spec.labels)) {
    if (isQualifiedName(key)) podAnnotations[key] = value;
    else warn("labels", `"${key}" is not a Kubernetes annotation key ([prefix/]name), so the pod does not carry it`);
  }
  if (spec.pullPolicy?.policy === "refresh") warn("pull_policy", "a kubelet has no refresh window: the image is pulled when the node does not have it (IfNotPresent)");
  if (spec.logging) warn("logging", `the cluster's own log handling applies; the ${spec.logging.driver ?? "default"} driver and its options are not used (prenv reads pod logs through the API)`);
  if (spec.init !== undefined) warn("init", "Kubernetes has no init process for containers; the command runs as PID 1");
  if (spec.restart && !service.runsToCompletion && !["no", "always", "unless-stopped"].includes(spec.restart.split(":")[0]!)) {
    warn("restart", `"${spec.restart}": a Deployment restarts its pod after every exit`);
  }
  const networks = Object.entries(networksOf(spec));
  if (networks.length > 1 || plan.networks.some((n) => n.internal)) {
    warn("networks", "all pods of an environment share its namespace's network: networks do not separate services, and internal networks still reach outside");
  }
  for (const [key] of networks) {
    const network = plan.networks.find((n) => n.key === key);
    if (network?.external) warn("networks", `"${key}" is an external network, which has no Kubernetes meaning; the service is on the environment's namespace network only`);
  }

  const template: V1PodTemplateSpec = {
    metadata: { labels: { ...input.labels, [K8S.managed]: "true", [LABELS.service]: name }, annotations: podAnnotations },
    spec: podSpec,
  };
  const workload: ServiceManifests["workload"] = service.runsToCompletion
    ? { kind: "Job", body: { apiVersion: "batch/v1", kind: "Job", metadata: meta(name), spec: { backoffLimit: 0, template } } }
    : {
        kind: "Deployment",
        body: {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: meta(name),
          spec: { replicas: 1, strategy: { type: "Recreate" }, selector: { matchLabels: podSelector(service.name) }, template },
        },
      };

  // A service that declares the ports other services use (expose) gets a Service with a
  // cluster IP for its ports: one address in front of whatever pod runs, so a replaced pod (a kill, a restart, an
  // update) is reached again as soon as it runs. Clusters' DNS caches answers (CoreDNS `ttl 30`
  // with kubeadm's defaults), and a name that led to the pod itself would lead to the old,
  // gone address that long. One that declares none (ports alone are about this machine's
  // access, which port-forwards give) gets a headless Service: the name leads to
  // the pod, so every port answers as on Docker. Both answer as soon as the pod runs, before it
  // is ready (publishNotReadyAddresses), as Docker's DNS does.
  const published: PublishedPort[] = service.ports.map((p) => ({ target: p.target, protocol: p.protocol, ...(p.published !== undefined ? { published: p.published } : {}), ...(p.hostIp ? { hostIp: p.hostIp } : {}) }));
  const nameService = (svcName: string, extraAnnotations: Record<string, string> = {}): V1Service => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { ...meta(svcName), annotations: { ...meta(svcName).annotations, ...extraAnnotations } },
    spec: {
      ...(spec.expose.length > 0 ? {} : { clusterIP: "None" }),
      publishNotReadyAddresses: true,
      selector: podSelector(service.name),
      ...(containerPorts.length > 0 ? { ports: containerPorts.map((p) => ({ name: `${p.protocol}-${p.target}`, port: p.target, targetPort: p.target, protocol: p.protocol === "udp" ? "UDP" : "TCP" })) } : {}),
    },
  });
  const services = [nameService(name, { [K8S.published]: JSON.stringify(published) })];
  const extraNames = new Set<string>();
  for (const [, n] of networks) for (const alias of n.aliases) extraNames.add(alias);
  if (spec.hostname) extraNames.add(spec.hostname);
  for (const alias of extraNames) {
    if (alias === service.name || alias === name) continue;
    if (!isDnsName(alias)) {
      warn("aliases", `"${alias}" is not a DNS label, which Kubernetes Service names must be; other services cannot reach it by that name`);
      continue;
    }
    const clash = plan.services.find((s) => s.name !== service.name && (objectName(s.name) === alias));
    if (clash) throw new ManifestError(service.name, `service "${service.name}" has the alias "${alias}", which is the name of service "${clash.name}"`, "on Kubernetes one name reaches one service: rename the alias");
    services.push(nameService(alias));
  }

  const secret: V1Secret | undefined = Object.keys(secretData).length > 0 ? { apiVersion: "v1", kind: "Secret", metadata: meta(secretName), type: "Opaque", stringData: secretData } : undefined;
  const route = service.ingress;
  const ingress: V1Ingress | undefined = route
    ? {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: meta(name),
        spec: {
          ...(route.className ? { ingressClassName: route.className } : {}),
          rules: [{ host: route.host, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name, port: { number: route.port } } } }] } }],
        },
      }
    : undefined;
  return { workload, services, configMaps: configMaps.map((c) => ({ ...c, metadata: { ...meta(c.metadata!.name!), ...c.metadata } })), ...(secret ? { secret } : {}), ...(ingress ? { ingress } : {}), warnings };
}

/** Compose's healthcheck as the pod's readiness probe; prenv probes faster itself (engine/readiness.ts). */
export function readinessProbe(spec: ServiceSpec): V1Probe | undefined {
  const hc = spec.healthcheck;
  if (!hc || hc.test.length === 0 || hc.test[0] === "NONE") return undefined;
  const command = hc.test[0] === "CMD-SHELL" ? ["/bin/sh", "-c", hc.test.slice(1).join(" ")] : hc.test.slice(1);
  const seconds = (ms: number | undefined, fallback: number) => Math.max(1, Math.ceil((ms ?? fallback * 1000) / 1000));
  return {
    exec: { command },
    // Compose's default interval is 30 s; what Kubernetes shows as Ready should not lag that far behind.
    periodSeconds: Math.min(seconds(hc.intervalMs, 30), 5),
    timeoutSeconds: seconds(hc.timeoutMs, 30),
    failureThreshold: hc.retries ?? 3,
    ...(hc.startPeriodMs ? { initialDelaySeconds: 0 } : {}),
  };
}

function securityContext(spec: ServiceSpec, warn: (key: string, text: string) => void): V1SecurityContext | undefined {
  const out: V1SecurityContext = {};
  if (spec.user) {
    const m = /^(\d+)(?::(\d+))?$/.exec(spec.user);
    if (m) {
      out.runAsUser = Number(m[1]);
      if (m[2] !== undefined) out.runAsGroup = Number(m[2]);
    } else {
      warn("user", `"${spec.user}": Kubernetes takes numeric user and group ids only, so the image's user runs; write the ids (user: "1000:1000")`);
    }
  }
  if (spec.capAdd.length > 0) out.capabilities = { add: spec.capAdd.map((c) => c.toUpperCase().replace(/^CAP_/, "")) };
  return Object.keys(out).length > 0 ? out : undefined;
}

function hostAliases(spec: ServiceSpec, warn: (key: string, text: string) => void): V1HostAlias[] {
  const byIp = new Map<string, string[]>();
  for (const entry of spec.extraHosts) {
    // Compose writes host:ip or host=ip; an IPv6 address has colons of its own.
    const m = /^([^:=]+)[:=](.+)$/.exec(entry);
    if (!m) {
      warn("extra_hosts", `"${entry}" is not host:address`);
      continue;
    }
    const host = m[1]!;
    const ip = m[2]!;
    if (ip === "host-gateway") {
      warn("extra_hosts", `"${entry}": host-gateway has no Kubernetes meaning (pods do not run on this machine's Docker bridge)`);
      continue;
    }
    byIp.set(ip, [...(byIp.get(ip) ?? []), host]);
  }
  return [...byIp].map(([ip, hostnames]) => ({ ip, hostnames }));
}

export interface MountInput {
  plan: Plan;
  /** The service (or one-off) that mounts, for messages. */
  owner: string;
  mounts: MountSpec[];
  tmpfs: string[];
  persistentVolumes: boolean;
  binds: ReadonlyMap<string, BindContent>;
}

/** Compose mounts as pod volumes: tmpfs, anonymous and named volumes, bind mounts (as ConfigMaps named after `name`). */
export function volumesOf(input: MountInput, name: string, warn: (key: string, text: string) => void): { volumes: V1Volume[]; mounts: V1VolumeMount[]; configMaps: V1ConfigMap[] } {
  const { plan } = input;
  const volumes: V1Volume[] = [];
  const mounts: V1VolumeMount[] = [];
  const configMaps: V1ConfigMap[] = [];
  const tmpfsTargets = [...input.tmpfs.map((t) => t.split(":")[0]!), ...input.mounts.filter((m): m is Extract<MountSpec, { type: "tmpfs" }> => m.type === "tmpfs").map((m) => m.target)];
  tmpfsTargets.forEach((target, i) => {
    volumes.push({ name: `tmpfs-${i}`, emptyDir: { medium: "Memory" } });
    mounts.push({ name: `tmpfs-${i}`, mountPath: target });
  });
  let anonymous = 0;
  let binds = 0;
  for (const m of input.mounts) {
    if (m.type === "volume") {
      const planned = m.source ? plan.volumes.find((v) => v.key === m.source) : undefined;
      if (!planned) {
        // An anonymous volume is the container's own on Docker too.
        const volName = `anon-${anonymous++}`;
        volumes.push({ name: volName, emptyDir: {} });
        mounts.push({ name: volName, mountPath: m.target, readOnly: m.readOnly });
        continue;
      }
      const volName = derivedName("vol", planned.key);
      if (!volumes.some((v) => v.name === volName)) {
        if (planned.external) {
          warn("volumes", `"${planned.key}" is an external volume, which has no Kubernetes meaning here: the service gets an empty directory`);
          volumes.push({ name: volName, emptyDir: {} });
        } else if (input.persistentVolumes) {
          volumes.push({ name: volName, persistentVolumeClaim: { claimName: volumeClaimName(planned.key) } });
        } else {
          const shared = plan.services.filter((s) => s.spec.mounts.some((o) => o.type === "volume" && o.source === planned.key)).length > 1;
          warn("volumes", `the cluster has no default StorageClass, so "${planned.key}" is an empty directory of the pod${shared ? ", not shared with the other services that mount it" : ""} (its data goes with the pod)`);
          volumes.push({ name: volName, emptyDir: {} });
        }
      }
      mounts.push({ name: volName, mountPath: m.target, readOnly: m.readOnly });
      continue;
    }
    if (m.type !== "bind") continue;
    const content = input.binds.get(m.source);
    const source = relative(plan.workingDir, m.source) || m.source;
    if (!content || content.kind === "missing") {
      warn("volumes", `bind mount ${source} -> ${m.target}: ${source} does not exist here, so the service gets an empty directory (as Docker would create one)`);
      const volName = `bind-${binds++}`;
      volumes.push({ name: volName, emptyDir: {} });
      mounts.push({ name: volName, mountPath: m.target });
      continue;
    }
    if (content.kind === "other") {
      warn("volumes", `bind mount ${source} -> ${m.target}: ${source} is ${content.what}, which cannot be carried into a pod; not mounted`);
      continue;
    }
    const files = content.kind === "file" ? [{ path: m.target.split("/").pop() || "file", data: content.data, mode: content.mode }] : content.files;
    const size = content.bytes ?? files.reduce((n, f) => n + f.data.length + f.path.length, 0);
    if (size > CONFIG_MAP_LIMIT) {
      throw new ManifestError(
        input.owner,
        `"${input.owner}" bind-mounts ${source} (${(size / 1024 / 1024).toFixed(1)} MiB), and on Kubernetes a bind-mounted file or folder travels in a ConfigMap, which holds at most 1 MiB`,
        `mount less (a file, or a smaller folder), or build what the service needs into its image`,
      );
    }
    if (!m.readOnly) warn("volumes", `bind mount ${source} -> ${m.target} is copied into a ConfigMap: the container sees it read-only, and later changes on this machine do not reach it`);
    const volName = `bind-${binds++}`;
    const cmName = derivedName(name, volName);
    const data: Record<string, string> = {};
    const binaryData: Record<string, string> = {};
    // Keys are flat ([-._a-zA-Z0-9]); items put each file back at its path, with its mode.
    const items = files.map((f, i) => {
      const key = `f${i}`;
      const text = f.data.toString("utf8");
      if (Buffer.from(text, "utf8").equals(f.data)) data[key] = text;
      else binaryData[key] = f.data.toString("base64");
      return { key, path: f.path, mode: f.mode & 0o777 };
    });
    configMaps.push({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: cmName },
      ...(Object.keys(data).length > 0 ? { data } : {}),
      ...(Object.keys(binaryData).length > 0 ? { binaryData } : {}),
    });
    volumes.push({ name: volName, configMap: { name: cmName, items } });
    // A single file is mounted by subPath, so that the rest of its folder in the image stays.
    mounts.push(content.kind === "file" ? { name: volName, mountPath: m.target, subPath: items[0]!.path, readOnly: true } : { name: volName, mountPath: m.target, readOnly: true });
  }
  return { volumes, mounts, configMaps };
}

/** The environment's named volumes, as claims (when the cluster has a default StorageClass). */
export function volumeClaims(plan: Plan, namespace: string, labels: Record<string, string>): V1PersistentVolumeClaim[] {
  return plan.volumes
    .filter((v) => !v.external)
    .map((v) => ({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: volumeClaimName(v.key), namespace, labels: { ...labels, [K8S.managed]: "true" }, annotations: { "dev.prenv.volume": v.key } },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
    }));
}

/** A one-off pod (a setup step's `run`), restartPolicy Never, removed by whoever ran it. */
export function oneOffPod(input: { namespace: string; name: string; image: string; command?: string[]; entrypoint?: string[]; env: Record<string, string>; workdir?: string; labels: Record<string, string>; volumes: V1Volume[]; mounts: V1VolumeMount[] }): V1Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: input.name, namespace: input.namespace, labels: { ...input.labels, [K8S.managed]: "true" } },
    spec: {
      restartPolicy: "Never",
      enableServiceLinks: false,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 1,
      ...(input.volumes.length > 0 ? { volumes: input.volumes } : {}),
      containers: [
        {
          name: "run",
          image: input.image,
          imagePullPolicy: "IfNotPresent",
          ...(input.entrypoint ? { command: input.entrypoint } : {}),
          ...(input.command ? { args: input.command } : {}),
          env: Object.entries(input.env).map(([name, value]) => ({ name, value })),
          ...(input.workdir ? { workingDir: input.workdir } : {}),
          ...(input.mounts.length > 0 ? { volumeMounts: input.mounts } : {}),
        },
      ],
    },
  };
}

/**
 * mem_limit / cpus (and deploy.resources) as the container's limits, the memory
 * reservation as its request. Kubernetes makes a limit without a request the request too,
 * so the scheduler places the pod only where the limit fits: a service asking for more
 * than any node has stays Pending, which the boot reports at once (Unschedulable).
 */
export function resourcesOf(spec: ServiceSpec): V1ResourceRequirements | undefined {
  const limits: Record<string, string> = {
    ...(spec.memoryBytes !== undefined ? { memory: String(spec.memoryBytes) } : {}),
    ...(spec.nanoCpus !== undefined ? { cpu: `${Math.max(1, Math.ceil(spec.nanoCpus / 1_000_000))}m` } : {}),
  };
  const requests: Record<string, string> = spec.memoryReservationBytes !== undefined ? { memory: String(spec.memoryReservationBytes) } : {};
  if (Object.keys(limits).length === 0 && Object.keys(requests).length === 0) return undefined;
  return { ...(Object.keys(limits).length ? { limits } : {}), ...(Object.keys(requests).length ? { requests } : {}) };
}

/**
 * post_start and pre_stop as the container's postStart and preStop exec handlers. Kubernetes
 * has one handler of each: several hooks run one after the other in the container's shell,
 * stopping at the first that fails. A working directory and variables are applied as exec
 * applies them (the image's /bin/sh and env); a user or extended privileges cannot be, and
 * are warned about. A failing postStart kills the container, which then never gets ready.
 */
function lifecycleOf(spec: ServiceSpec, warn: (key: string, text: string) => void): V1Lifecycle | undefined {
  const handler = (key: "post_start" | "pre_stop", hooks: LifecycleHook[] | undefined) => {
    if (!hooks || hooks.length === 0) return undefined;
    hooks.forEach((h, i) => {
      const at = h.location ? ` (${formatLocation(h.location)})` : "";
      if (h.user) warn(key, `hook ${i + 1}${at} runs as the container's user, not "${h.user}": a Kubernetes exec handler has no user`);
      if (h.privileged) warn(key, `hook ${i + 1}${at} runs without extended privileges: a Kubernetes exec handler has none (give the container the capabilities it needs)`);
    });
    const argvs = hooks.map((h) => wrapCommand(h.command, { ...(h.workingDir ? { workdir: h.workingDir } : {}), env: h.environment }));
    const command = argvs.length === 1 ? argvs[0]! : ["/bin/sh", "-c", argvs.map((argv) => argv.map(shellQuote).join(" ")).join(" && ")];
    return { exec: { command } };
  };
  const postStart = handler("post_start", spec.postStart);
  const preStop = handler("pre_stop", spec.preStop);
  if (!postStart && !preStop) return undefined;
  return { ...(postStart ? { postStart } : {}), ...(preStop ? { preStop } : {}) };
}
