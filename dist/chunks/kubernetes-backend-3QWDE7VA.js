#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  shellQuote
} from "./chunk-GMD6ZPTA.js";
import {
  looksSecret
} from "./chunk-6CJPBSLS.js";
import {
  ApiException,
  Exec,
  Log,
  PatchStrategy,
  PortForward,
  V1MicroTime,
  Watch,
  apiMessage,
  clientsOf,
  isConflict,
  isNotFound,
  setHeaderOptions,
  unlessMissing,
  waitForServiceAccount
} from "./chunk-5ZTWRNIR.js";
import {
  DockerBackend,
  require_docker
} from "./chunk-FSKEUYUO.js";
import {
  describeAction,
  platformOf,
  traceName
} from "./chunk-MWVYT2RV.js";
import "./chunk-L4U7CVWH.js";
import {
  TextTail,
  Utf8Chunker,
  writeText
} from "./chunk-OJWCZQZI.js";
import {
  require_tar_fs
} from "./chunk-QU57RLHN.js";
import {
  sleep,
  withTimeout
} from "./chunk-JKQNFZNE.js";
import "./chunk-ZBLBRRGQ.js";
import "./chunk-GBOO6XMD.js";
import {
  formatLocation,
  networksOf,
  repositoryOf
} from "./chunk-YMOYOOXC.js";
import {
  FaultError,
  LABELS,
  RuntimeUnavailableError,
  ServiceError,
  UnsupportedError,
  capabilityRefusals,
  environmentRecord
} from "./chunk-MABPSUXQ.js";
import {
  __toESM
} from "./chunk-RCFCKQT6.js";

// src/backends/kubernetes/kubernetes-backend.ts
import { statSync } from "node:fs";

// src/backends/kubernetes/enforcement.ts
import { randomBytes } from "node:crypto";

// src/backends/kubernetes/exec.ts
import { PassThrough, Writable } from "node:stream";
import { finished } from "node:stream/promises";
function wrapCommand(argv, options) {
  const env = Object.entries(options.env ?? {});
  const vars = [...env.flatMap(([k, v]) => v === null ? ["-u", k] : []), ...env.flatMap(([k, v]) => v === null ? [] : [`${k}=${v}`])];
  const withEnv = vars.length > 0 ? ["env", ...vars, ...argv] : argv;
  if (!options.workdir) return withEnv;
  return ["/bin/sh", "-c", 'cd -- "$1" || exit 126; shift; exec "$@"', "sh", options.workdir, ...withEnv];
}
function exitCodeOf(status) {
  if (!status) return { exitCode: -1, message: "the exec stream closed without an exit status" };
  if (status.status === "Success") return { exitCode: 0 };
  const cause = status.details?.causes?.find((c) => c.reason === "ExitCode")?.message;
  if (cause !== void 0 && /^\d+$/.test(cause)) return { exitCode: Number(cause) };
  const message = status.message ?? "exec failed";
  return { exitCode: /not found|no such file/i.test(message) ? 127 : 126, message };
}
var TextSink = class extends Writable {
  chunker = new Utf8Chunker();
  tail = new TextTail();
  into;
  constructor(into) {
    super();
    this.into = into;
  }
  _write(chunk, _encoding, callback) {
    this.put(this.chunker.push(chunk)).then(() => callback(), callback);
  }
  _final(callback) {
    this.put(this.chunker.end()).then(() => callback(), callback);
  }
  async put(text) {
    if (text.length === 0) return;
    if (this.into) await writeText(this.into, text);
    else this.tail.push(text);
  }
};
async function execInPod(config, namespace, pod, container, argv, options = {}, stdin) {
  if (options.privileged) throw new UnsupportedError("running a command with extended privileges is not possible on Kubernetes: its exec API has none", "drop `privileged:`, or give the container the capabilities it needs (cap_add)");
  if (options.user) throw new UnsupportedError(`running a command as user "${options.user}" is not possible on Kubernetes: its exec API has no user`, "drop `user:` from the step, or run the command through su/sudo inside the container");
  options.signal?.throwIfAborted();
  const sink = new TextSink(options.output);
  let status;
  const input = stdin ? new PassThrough() : null;
  if (stdin && input) stdin.pipe(input);
  const stdout = feeder(sink);
  const stderr = feeder(sink);
  const ws = await new Exec(config).exec(namespace, pod, container, wrapCommand(argv, options), stdout, stderr, input, false, (s) => {
    status = s;
  });
  let timedOut = false;
  const stop = () => ws.close();
  const timer = options.timeoutMs ? setTimeout(() => {
    timedOut = true;
    stop();
  }, options.timeoutMs) : void 0;
  options.signal?.addEventListener("abort", stop, { once: true });
  try {
    await new Promise((resolve, reject) => {
      ws.once("close", () => resolve());
      ws.once("error", reject);
    });
  } finally {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener("abort", stop);
  }
  if (timedOut) throw new Error(`timed out after ${options.timeoutMs} ms`);
  if (!stdout.writableEnded) stdout.end();
  if (!stderr.writableEnded) stderr.end();
  await Promise.all([finished(stdout), finished(stderr)]);
  await new Promise((resolve, reject) => sink.end((e) => e ? reject(e) : resolve()));
  const { exitCode, message } = exitCodeOf(status);
  const output = sink.tail.render();
  return { exitCode, output: message && exitCode !== 0 && !options.signal?.aborted ? `${output}${output && !output.endsWith("\n") ? "\n" : ""}${message}
` : output };
}
async function execAttachedInPod(config, namespace, pod, container, argv, streams) {
  const stdout = streams.tty ? new SizedOutput(streams.stdout, streams.size) : streams.stdout;
  if (stdout instanceof SizedOutput) streams.onResize?.((size) => stdout.resize(size));
  const input = streams.stdin ? new PassThrough() : null;
  if (streams.stdin && input) streams.stdin.pipe(input);
  let status;
  const ws = await new Exec(config).exec(namespace, pod, container, argv, asWritable(stdout), streams.tty ? null : asWritable(streams.stderr), input, streams.tty, (s) => {
    status = s;
  });
  await new Promise((resolve, reject) => {
    ws.once("close", () => resolve());
    ws.once("error", reject);
  });
  return exitCodeOf(status).exitCode;
}
function feeder(sink) {
  return new Writable({ write: (chunk, _e, cb) => sink.write(chunk) ? cb() : sink.once("drain", () => cb()) });
}
function asWritable(stream) {
  if (stream instanceof Writable) return stream;
  return new Writable({ write: (chunk, _e, cb) => stream.write(chunk) ? cb() : stream.once("drain", () => cb()) });
}
var SizedOutput = class extends Writable {
  rows;
  columns;
  target;
  constructor(target, size) {
    super();
    this.target = target;
    this.rows = size?.rows ?? 24;
    this.columns = size?.columns ?? 80;
  }
  resize(size) {
    this.rows = size.rows;
    this.columns = size.columns;
    this.emit("resize");
  }
  _write(chunk, _encoding, callback) {
    if (this.target.write(chunk)) callback();
    else this.target.once("drain", callback);
  }
  // The caller's stream is not ours to end.
  _final(callback) {
    callback();
  }
};

// src/backends/kubernetes/manifests.ts
import { relative } from "node:path";

// src/backends/kubernetes/names.ts
import { createHash } from "node:crypto";
var MAX_LABEL = 63;
var DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
function hashOf(raw) {
  return createHash("sha256").update(raw).digest("hex").slice(0, 8);
}
function isDnsName(name) {
  return name.length <= MAX_LABEL && DNS_1035.test(name);
}
function dnsName(name) {
  if (isDnsName(name)) return name;
  let base = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  if (!/^[a-z]/.test(base)) base = `x${base ? `-${base}` : ""}`;
  base = base.slice(0, MAX_LABEL - 9).replace(/-+$/, "");
  return `${base}-${hashOf(name)}`;
}
function namespaceName(prefix, environment) {
  return dnsName(`${prefix}${environment}`);
}
function derivedName(base, suffix) {
  return dnsName(`${base}-${suffix}`);
}
function labelValue(value) {
  if (value.length <= MAX_LABEL && /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(value)) return value;
  return dnsName(value);
}
function isQualifiedName(key) {
  const slash = key.lastIndexOf("/");
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? void 0 : key.slice(0, slash);
  if (!/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name) || name.length > MAX_LABEL) return false;
  return prefix === void 0 || prefix.length <= 253 && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(prefix);
}

// src/backends/kubernetes/manifests.ts
var K8S = {
  /** On every object prenv makes: list and gc select on it. */
  managed: "dev.prenv.managed",
  /** The compose service's own name, on pods and Services (labels hold only its DNS form). */
  serviceName: "dev.prenv.service-name",
  /** Compose's `restart`, on pods: whether an exit counts as the service's end (see pods.ts). */
  restart: "dev.prenv.restart",
  /** On the Service of a compose service: its published ports, as JSON (PublishedPort[]). */
  published: "dev.prenv.published",
  /** Namespace annotation prefix of a marker (Backend.setMarker): value is the owner. */
  markerPrefix: "dev.prenv.marker-"
};
var CONFIG_MAP_LIMIT = 1024 * 1024 - 16 * 1024;
var ManifestError = class extends Error {
  service;
  hint;
  constructor(service, message, hint) {
    super(message);
    this.name = "ManifestError";
    this.service = service;
    this.hint = hint;
  }
};
function objectName(service) {
  return dnsName(service);
}
function volumeClaimName(key) {
  return derivedName("vol", key);
}
function where(plan, spec) {
  const at = spec.location;
  const place = at ? `${formatLocation({ ...at, file: relative(plan.workingDir, at.file) || at.file })}: ` : "";
  return `${place}service "${spec.name}"`;
}
function podSelector(service) {
  return { [LABELS.service]: objectName(service) };
}
function serviceManifests(input) {
  const { plan, service } = input;
  const spec = service.spec;
  const name = objectName(service.name);
  const warnings = [];
  const warn = (key, text) => warnings.push(`${where(plan, spec)}: ${key}: ${text}`);
  const meta = (objName, extra = {}) => ({
    name: objName,
    namespace: input.namespace,
    labels: { ...input.labels, [K8S.managed]: "true", [LABELS.service]: name, ...extra },
    annotations: { ...input.annotations, [K8S.serviceName]: service.name }
  });
  if (!isDnsName(service.name)) {
    warn("name", `Kubernetes names must be DNS labels, so its objects are called "${name}"; other services reach it as "${name}", not "${service.name}"`);
  }
  const env = [];
  const secretData = {};
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
  const ports = /* @__PURE__ */ new Map();
  for (const p of service.ports) ports.set(`${p.target}/${p.protocol}`, { target: p.target, protocol: p.protocol });
  for (const p of spec.expose) if (!ports.has(`${p}/tcp`)) ports.set(`${p}/tcp`, { target: p, protocol: "tcp" });
  const containerPorts = [...ports.values()];
  for (const p of service.ports) if (p.protocol === "udp") warn("ports", `${p.target}/udp cannot be forwarded to this machine (Kubernetes port-forwards carry TCP only); pods still reach it`);
  const container = {
    name,
    image: input.image,
    imagePullPolicy: spec.pullPolicy?.policy === "always" ? "Always" : spec.pullPolicy?.policy === "never" ? "Never" : "IfNotPresent",
    // Compose's entrypoint replaces the image's ENTRYPOINT (Kubernetes' command), its command the CMD (args).
    ...spec.entrypoint ? { command: spec.entrypoint } : {},
    ...spec.command ? { args: spec.command } : {},
    env,
    ...spec.workingDir ? { workingDir: spec.workingDir } : {},
    ...containerPorts.length > 0 ? { ports: containerPorts.map((p) => ({ containerPort: p.target, protocol: p.protocol === "udp" ? "UDP" : "TCP" })) } : {},
    ...mounts.length > 0 ? { volumeMounts: mounts } : {}
  };
  const resources = resourcesOf(spec);
  if (resources) container.resources = resources;
  const probe2 = readinessProbe(spec);
  if (probe2) container.readinessProbe = probe2;
  const security = securityContext(spec, warn);
  if (security) container.securityContext = security;
  const lifecycle = lifecycleOf(spec, warn);
  if (lifecycle) container.lifecycle = lifecycle;
  const podSpec = {
    containers: [container],
    // Docker sets no variables for the other services; Kubernetes would add FOO_SERVICE_HOST for each.
    enableServiceLinks: false,
    automountServiceAccountToken: false,
    // Teardown discards everything; a compose stop_grace_period still applies when given.
    terminationGracePeriodSeconds: spec.stopGracePeriodMs !== void 0 ? Math.ceil(spec.stopGracePeriodMs / 1e3) : 2,
    restartPolicy: service.runsToCompletion ? "Never" : "Always",
    ...volumes.length > 0 ? { volumes } : {}
  };
  if (spec.platform) {
    const { os, arch } = platformOf(spec.platform);
    podSpec.nodeSelector = { "kubernetes.io/os": os, ...arch ? { "kubernetes.io/arch": arch } : {} };
  }
  if (spec.hostname) {
    if (isDnsName(spec.hostname)) podSpec.hostname = spec.hostname;
    else warn("hostname", `"${spec.hostname}" is not a DNS label, which Kubernetes requires; the pod keeps its own name`);
  }
  const aliases = hostAliases(spec, warn);
  if (aliases.length > 0) podSpec.hostAliases = aliases;
  const podAnnotations = { [K8S.serviceName]: service.name, [K8S.restart]: spec.restart ?? "no" };
  for (const [key, value] of Object.entries(spec.labels)) {
    if (isQualifiedName(key)) podAnnotations[key] = value;
    else warn("labels", `"${key}" is not a Kubernetes annotation key ([prefix/]name), so the pod does not carry it`);
  }
  if (spec.pullPolicy?.policy === "refresh") warn("pull_policy", "a kubelet has no refresh window: the image is pulled when the node does not have it (IfNotPresent)");
  if (spec.logging) warn("logging", `the cluster's own log handling applies; the ${spec.logging.driver ?? "default"} driver and its options are not used (prenv reads pod logs through the API)`);
  if (spec.init !== void 0) warn("init", "Kubernetes has no init process for containers; the command runs as PID 1");
  if (spec.restart && !service.runsToCompletion && !["no", "always", "unless-stopped"].includes(spec.restart.split(":")[0])) {
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
  const template = {
    metadata: { labels: { ...input.labels, [K8S.managed]: "true", [LABELS.service]: name }, annotations: podAnnotations },
    spec: podSpec
  };
  const workload = service.runsToCompletion ? { kind: "Job", body: { apiVersion: "batch/v1", kind: "Job", metadata: meta(name), spec: { backoffLimit: 0, template } } } : {
    kind: "Deployment",
    body: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta(name),
      spec: { replicas: 1, strategy: { type: "Recreate" }, selector: { matchLabels: podSelector(service.name) }, template }
    }
  };
  const published = service.ports.map((p) => ({ target: p.target, protocol: p.protocol, ...p.published !== void 0 ? { published: p.published } : {}, ...p.hostIp ? { hostIp: p.hostIp } : {} }));
  const nameService = (svcName, extraAnnotations = {}) => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { ...meta(svcName), annotations: { ...meta(svcName).annotations, ...extraAnnotations } },
    spec: {
      ...spec.expose.length > 0 ? {} : { clusterIP: "None" },
      publishNotReadyAddresses: true,
      selector: podSelector(service.name),
      ...containerPorts.length > 0 ? { ports: containerPorts.map((p) => ({ name: `${p.protocol}-${p.target}`, port: p.target, targetPort: p.target, protocol: p.protocol === "udp" ? "UDP" : "TCP" })) } : {}
    }
  });
  const services = [nameService(name, { [K8S.published]: JSON.stringify(published) })];
  const extraNames = /* @__PURE__ */ new Set();
  for (const [, n] of networks) for (const alias of n.aliases) extraNames.add(alias);
  if (spec.hostname) extraNames.add(spec.hostname);
  for (const alias of extraNames) {
    if (alias === service.name || alias === name) continue;
    if (!isDnsName(alias)) {
      warn("aliases", `"${alias}" is not a DNS label, which Kubernetes Service names must be; other services cannot reach it by that name`);
      continue;
    }
    const clash = plan.services.find((s) => s.name !== service.name && objectName(s.name) === alias);
    if (clash) throw new ManifestError(service.name, `service "${service.name}" has the alias "${alias}", which is the name of service "${clash.name}"`, "on Kubernetes one name reaches one service: rename the alias");
    services.push(nameService(alias));
  }
  const secret = Object.keys(secretData).length > 0 ? { apiVersion: "v1", kind: "Secret", metadata: meta(secretName), type: "Opaque", stringData: secretData } : void 0;
  const route = service.ingress;
  const ingress = route ? {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: meta(name),
    spec: {
      ...route.className ? { ingressClassName: route.className } : {},
      rules: [{ host: route.host, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name, port: { number: route.port } } } }] } }]
    }
  } : void 0;
  return { workload, services, configMaps: configMaps.map((c) => ({ ...c, metadata: { ...meta(c.metadata.name), ...c.metadata } })), ...secret ? { secret } : {}, ...ingress ? { ingress } : {}, warnings };
}
function readinessProbe(spec) {
  const hc = spec.healthcheck;
  if (!hc || hc.test.length === 0 || hc.test[0] === "NONE") return void 0;
  const command = hc.test[0] === "CMD-SHELL" ? ["/bin/sh", "-c", hc.test.slice(1).join(" ")] : hc.test.slice(1);
  const seconds = (ms, fallback) => Math.max(1, Math.ceil((ms ?? fallback * 1e3) / 1e3));
  return {
    exec: { command },
    // Compose's default interval is 30 s; what Kubernetes shows as Ready should not lag that far behind.
    periodSeconds: Math.min(seconds(hc.intervalMs, 30), 5),
    timeoutSeconds: seconds(hc.timeoutMs, 30),
    failureThreshold: hc.retries ?? 3,
    ...hc.startPeriodMs ? { initialDelaySeconds: 0 } : {}
  };
}
function securityContext(spec, warn) {
  const out = {};
  if (spec.user) {
    const m = /^(\d+)(?::(\d+))?$/.exec(spec.user);
    if (m) {
      out.runAsUser = Number(m[1]);
      if (m[2] !== void 0) out.runAsGroup = Number(m[2]);
    } else {
      warn("user", `"${spec.user}": Kubernetes takes numeric user and group ids only, so the image's user runs; write the ids (user: "1000:1000")`);
    }
  }
  if (spec.capAdd.length > 0) out.capabilities = { add: spec.capAdd.map((c) => c.toUpperCase().replace(/^CAP_/, "")) };
  return Object.keys(out).length > 0 ? out : void 0;
}
function hostAliases(spec, warn) {
  const byIp = /* @__PURE__ */ new Map();
  for (const entry of spec.extraHosts) {
    const m = /^([^:=]+)[:=](.+)$/.exec(entry);
    if (!m) {
      warn("extra_hosts", `"${entry}" is not host:address`);
      continue;
    }
    const host = m[1];
    const ip = m[2];
    if (ip === "host-gateway") {
      warn("extra_hosts", `"${entry}": host-gateway has no Kubernetes meaning (pods do not run on this machine's Docker bridge)`);
      continue;
    }
    byIp.set(ip, [...byIp.get(ip) ?? [], host]);
  }
  return [...byIp].map(([ip, hostnames]) => ({ ip, hostnames }));
}
function volumesOf(input, name, warn) {
  const { plan } = input;
  const volumes = [];
  const mounts = [];
  const configMaps = [];
  const tmpfsTargets = [...input.tmpfs.map((t) => t.split(":")[0]), ...input.mounts.filter((m) => m.type === "tmpfs").map((m) => m.target)];
  tmpfsTargets.forEach((target, i) => {
    volumes.push({ name: `tmpfs-${i}`, emptyDir: { medium: "Memory" } });
    mounts.push({ name: `tmpfs-${i}`, mountPath: target });
  });
  let anonymous = 0;
  let binds = 0;
  for (const m of input.mounts) {
    if (m.type === "volume") {
      const planned = m.source ? plan.volumes.find((v) => v.key === m.source) : void 0;
      if (!planned) {
        const volName3 = `anon-${anonymous++}`;
        volumes.push({ name: volName3, emptyDir: {} });
        mounts.push({ name: volName3, mountPath: m.target, readOnly: m.readOnly });
        continue;
      }
      const volName2 = derivedName("vol", planned.key);
      if (!volumes.some((v) => v.name === volName2)) {
        if (planned.external) {
          warn("volumes", `"${planned.key}" is an external volume, which has no Kubernetes meaning here: the service gets an empty directory`);
          volumes.push({ name: volName2, emptyDir: {} });
        } else if (input.persistentVolumes) {
          volumes.push({ name: volName2, persistentVolumeClaim: { claimName: volumeClaimName(planned.key) } });
        } else {
          const shared = plan.services.filter((s) => s.spec.mounts.some((o) => o.type === "volume" && o.source === planned.key)).length > 1;
          warn("volumes", `the cluster has no default StorageClass, so "${planned.key}" is an empty directory of the pod${shared ? ", not shared with the other services that mount it" : ""} (its data goes with the pod)`);
          volumes.push({ name: volName2, emptyDir: {} });
        }
      }
      mounts.push({ name: volName2, mountPath: m.target, readOnly: m.readOnly });
      continue;
    }
    if (m.type !== "bind") continue;
    const content = input.binds.get(m.source);
    const source = relative(plan.workingDir, m.source) || m.source;
    if (!content || content.kind === "missing") {
      warn("volumes", `bind mount ${source} -> ${m.target}: ${source} does not exist here, so the service gets an empty directory (as Docker would create one)`);
      const volName2 = `bind-${binds++}`;
      volumes.push({ name: volName2, emptyDir: {} });
      mounts.push({ name: volName2, mountPath: m.target });
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
        `mount less (a file, or a smaller folder), or build what the service needs into its image`
      );
    }
    if (!m.readOnly) warn("volumes", `bind mount ${source} -> ${m.target} is copied into a ConfigMap: the container sees it read-only, and later changes on this machine do not reach it`);
    const volName = `bind-${binds++}`;
    const cmName = derivedName(name, volName);
    const data = {};
    const binaryData = {};
    const items = files.map((f, i) => {
      const key = `f${i}`;
      const text = f.data.toString("utf8");
      if (Buffer.from(text, "utf8").equals(f.data)) data[key] = text;
      else binaryData[key] = f.data.toString("base64");
      return { key, path: f.path, mode: f.mode & 511 };
    });
    configMaps.push({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: cmName },
      ...Object.keys(data).length > 0 ? { data } : {},
      ...Object.keys(binaryData).length > 0 ? { binaryData } : {}
    });
    volumes.push({ name: volName, configMap: { name: cmName, items } });
    mounts.push(content.kind === "file" ? { name: volName, mountPath: m.target, subPath: items[0].path, readOnly: true } : { name: volName, mountPath: m.target, readOnly: true });
  }
  return { volumes, mounts, configMaps };
}
function volumeClaims(plan, namespace, labels) {
  return plan.volumes.filter((v) => !v.external).map((v) => ({
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: volumeClaimName(v.key), namespace, labels: { ...labels, [K8S.managed]: "true" }, annotations: { "dev.prenv.volume": v.key } },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } }
  }));
}
function oneOffPod(input) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: input.name, namespace: input.namespace, labels: { ...input.labels, [K8S.managed]: "true" } },
    spec: {
      restartPolicy: "Never",
      enableServiceLinks: false,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 1,
      ...input.volumes.length > 0 ? { volumes: input.volumes } : {},
      containers: [
        {
          name: "run",
          image: input.image,
          imagePullPolicy: "IfNotPresent",
          ...input.entrypoint ? { command: input.entrypoint } : {},
          ...input.command ? { args: input.command } : {},
          env: Object.entries(input.env).map(([name, value]) => ({ name, value })),
          ...input.workdir ? { workingDir: input.workdir } : {},
          ...input.mounts.length > 0 ? { volumeMounts: input.mounts } : {}
        }
      ]
    }
  };
}
function resourcesOf(spec) {
  const limits = {
    ...spec.memoryBytes !== void 0 ? { memory: String(spec.memoryBytes) } : {},
    ...spec.nanoCpus !== void 0 ? { cpu: `${Math.max(1, Math.ceil(spec.nanoCpus / 1e6))}m` } : {}
  };
  const requests = spec.memoryReservationBytes !== void 0 ? { memory: String(spec.memoryReservationBytes) } : {};
  if (Object.keys(limits).length === 0 && Object.keys(requests).length === 0) return void 0;
  return { ...Object.keys(limits).length ? { limits } : {}, ...Object.keys(requests).length ? { requests } : {} };
}
function lifecycleOf(spec, warn) {
  const handler = (key, hooks) => {
    if (!hooks || hooks.length === 0) return void 0;
    hooks.forEach((h, i) => {
      const at = h.location ? ` (${formatLocation(h.location)})` : "";
      if (h.user) warn(key, `hook ${i + 1}${at} runs as the container's user, not "${h.user}": a Kubernetes exec handler has no user`);
      if (h.privileged) warn(key, `hook ${i + 1}${at} runs without extended privileges: a Kubernetes exec handler has none (give the container the capabilities it needs)`);
    });
    const argvs = hooks.map((h) => wrapCommand(h.command, { ...h.workingDir ? { workdir: h.workingDir } : {}, env: h.environment }));
    const command = argvs.length === 1 ? argvs[0] : ["/bin/sh", "-c", argvs.map((argv) => argv.map(shellQuote).join(" ")).join(" && ")];
    return { exec: { command } };
  };
  const postStart = handler("post_start", spec.postStart);
  const preStop = handler("pre_stop", spec.preStop);
  if (!postStart && !preStop) return void 0;
  return { ...postStart ? { postStart } : {}, ...preStop ? { preStop } : {} };
}

// src/backends/kubernetes/network-policy.ts
import { isIPv6 } from "node:net";
var SERVICE_KEY = LABELS.service;
function partitionPolicy(side) {
  const peerValue = podSelector(side.peer)[SERVICE_KEY];
  const from = [
    // Pods of this namespace without the label match NotIn too (a one-off, a set-aside pod).
    { podSelector: { matchExpressions: [{ key: SERVICE_KEY, operator: "NotIn", values: [peerValue] }] } },
    { namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: [side.namespace] }] } },
    ...addressRules(side.peerAddresses).map((ipBlock) => ({ ipBlock }))
  ];
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: policyName(side.id, side.service),
      namespace: side.namespace,
      labels: { [K8S.managed]: "true", [LABELS.fault]: side.id.replace(/[^0-9A-Za-z]/g, "-") },
      annotations: { [LABELS.environment]: side.environment, [LABELS.faultUndo]: side.record }
    },
    spec: { podSelector: { matchLabels: podSelector(side.service) }, policyTypes: ["Ingress"], ingress: [{ _from: from }] }
  };
}
function addressRules(peer) {
  const v4 = peer.filter((ip) => !isIPv6(ip)).map((ip) => `${ip}/32`);
  const v6 = peer.filter((ip) => isIPv6(ip)).map((ip) => `${ip}/128`);
  return [
    { cidr: "0.0.0.0/0", ...v4.length > 0 ? { except: v4 } : {} },
    { cidr: "::/0", ...v6.length > 0 ? { except: v6 } : {} }
  ];
}
function policyName(id, service) {
  return derivedName(`prenv-fault-${id.replace(/[^0-9A-Za-z]/g, "-")}`, podSelector(service)[SERVICE_KEY]);
}
function podAddresses(pod) {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip) => Boolean(ip));
  return ips.length > 0 ? ips : pod.status?.podIP ? [pod.status.podIP] : [];
}
var PROBE = { port: 8080, answer: "prenv-probe-ok", role: "dev.prenv.probe" };
function probePod(namespace, role, image) {
  const command = role === "server" ? ["nc", "-ll", "-p", String(PROBE.port), "-e", "echo", PROBE.answer] : ["sleep", "600"];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `probe-${role}`, namespace, labels: { [K8S.managed]: "true", [PROBE.role]: role } },
    spec: {
      restartPolicy: "Never",
      enableServiceLinks: false,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 0,
      containers: [{ name: "probe", image, imagePullPolicy: "IfNotPresent", command }]
    }
  };
}
function probeDenyPolicy(namespace) {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "probe-deny", namespace, labels: { [K8S.managed]: "true" } },
    spec: { podSelector: { matchLabels: { [PROBE.role]: "server" } }, policyTypes: ["Ingress"], ingress: [] }
  };
}

// src/backends/kubernetes/pods.ts
async function currentPod(clients, namespace, service) {
  const pods = await clients.core.listNamespacedPod({ namespace, labelSelector: `${LABELS.service}=${objectName(service)}` });
  return newest(pods.items);
}
function newest(pods) {
  const time = (p) => new Date(p.metadata?.creationTimestamp ?? 0).getTime();
  const sorted = [...pods].sort((a, b) => time(b) - time(a));
  return sorted.find((p) => !p.metadata?.deletionTimestamp) ?? sorted[0];
}
function containerStatus(pod) {
  return pod.status?.containerStatuses?.[0];
}
function serviceOf(pod) {
  return pod.metadata?.annotations?.[K8S.serviceName] ?? pod.metadata?.labels?.[LABELS.service];
}
function statusOfPod(pod) {
  const status = containerStatus(pod);
  const restarts = status?.restartCount ?? 0;
  const restartsOnItsOwn = !["no", void 0].includes(pod.metadata?.annotations?.[K8S.restart]);
  const terminated = status?.state?.terminated;
  if (terminated && restartsOnItsOwn && pod.spec?.restartPolicy !== "Never") return { state: "restarting", restarts, ...terminationReason(terminated.reason, terminated.message) };
  if (terminated) return { state: "exited", exitCode: terminated.exitCode, restarts, ...terminationReason(terminated.reason, terminated.message) };
  const last = status?.lastState?.terminated;
  if (last && restarts > 0 && !restartsOnItsOwn) return { state: "exited", exitCode: last.exitCode, restarts, ...terminationReason(last.reason, last.message) };
  if (status?.state?.running) return { state: "running", restarts };
  const waiting = status?.state?.waiting;
  if (waiting?.reason === "CrashLoopBackOff") {
    const crashed = terminationReason(last?.reason, last?.message);
    return { state: "restarting", restarts, reason: crashed.reason?.code === "OOMKilled" ? crashed.reason : { code: "CrashLoopBackOff", message: waiting.message ?? "" } };
  }
  if (waiting?.reason === "ImagePullBackOff" || waiting?.reason === "ErrImagePull") return { state: "created", restarts, reason: { code: waiting.reason, message: waiting.message ?? "" } };
  if (waiting?.reason && HOPELESS.has(waiting.reason)) return { state: "created", restarts, reason: { code: "Error", message: `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}` } };
  const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
  if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") return { state: "created", restarts, reason: { code: "Unschedulable", message: scheduled.message ?? "" } };
  return { state: "created", restarts };
}
function terminationReason(reason, message) {
  return reason === "OOMKilled" ? { reason: { code: "OOMKilled", message: message ?? "" } } : {};
}
var HOPELESS = /* @__PURE__ */ new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "CreateContainerConfigError", "CreateContainerError", "RunContainerError"]);
var UNSCHEDULABLE_GRACE_MS = 5e3;
function startFailure(pod, now = Date.now()) {
  const waiting = containerStatus(pod)?.state?.waiting;
  if (waiting?.reason && HOPELESS.has(waiting.reason)) return { reason: waiting.reason, message: waiting.message ?? "" };
  const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
  if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") {
    const since = new Date(scheduled.lastTransitionTime ?? now).getTime();
    if (now - since >= UNSCHEDULABLE_GRACE_MS) return { reason: "Unschedulable", message: scheduled.message ?? "" };
  }
  if (pod.status?.phase === "Failed" && !containerStatus(pod)?.state?.terminated) return { reason: pod.status.reason ?? "Failed", message: pod.status.message ?? "" };
  return void 0;
}
function hasStarted(pod) {
  const status = containerStatus(pod);
  return Boolean(status?.state?.running || status?.state?.terminated || status?.lastState?.terminated);
}
async function podEvents(clients, namespace, pod) {
  const list = await clients.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${pod}` }).catch(() => void 0);
  const time = (e) => new Date(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? 0).getTime();
  return (list?.items ?? []).sort((a, b) => time(a) - time(b)).slice(-15).map((e) => `${e.type ?? ""} ${e.reason ?? ""}: ${e.message ?? ""}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ""}`.trim()).join("\n");
}

// src/backends/kubernetes/enforcement.ts
var ENFORCE_WINDOW_MS = 4e3;
var START_TIMEOUT_MS = 6e4;
var POLL_MS = 100;
var verdicts = /* @__PURE__ */ new Map();
function enforcement(deps, owner, image) {
  const server = deps.clients.config.getCurrentCluster()?.server ?? "";
  let verdict = verdicts.get(server);
  if (!verdict) {
    verdict = probe(deps, owner, image);
    verdict.catch(() => verdicts.delete(server));
    verdicts.set(server, verdict);
  }
  return verdict;
}
async function probe(deps, owner, image) {
  const started = Date.now();
  const environment = `netpol-probe-${owner.pid}-${randomBytes(3).toString("hex")}`;
  const namespace = deps.namespace(environment);
  const { core, networking } = deps.clients;
  const done = (verdict, detail) => ({ verdict, detail, ms: Date.now() - started });
  try {
    await core.createNamespace({
      body: {
        metadata: {
          name: namespace,
          labels: { [K8S.managed]: "true" },
          annotations: {
            [LABELS.environment]: environment,
            [LABELS.project]: "prenv-netpol-probe",
            [LABELS.version]: deps.version,
            [LABELS.created]: (/* @__PURE__ */ new Date()).toISOString(),
            [LABELS.owner]: `${owner.host}:${owner.pid}`,
            [LABELS.lifetime]: "run"
          }
        }
      }
    });
    await waitForServiceAccount(deps.clients, namespace);
    await Promise.all(["server", "client"].map((role) => core.createNamespacedPod({ namespace, body: probePod(namespace, role, image) })));
    const server = await running(deps.clients, namespace, "probe-server");
    await running(deps.clients, namespace, "probe-client");
    const address = podAddresses(server)[0];
    if (!address) return done("unknown", "the probe's server pod has no address");
    const reaches = async () => {
      const r = await execInPod(deps.clients.config, namespace, "probe-client", "probe", ["sh", "-c", `nc -w 1 "$0" ${PROBE.port} </dev/null`, address], { timeoutMs: 3e3 }).catch(() => void 0);
      return r?.output.includes(PROBE.answer) ?? false;
    };
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!await reaches()) {
      if (Date.now() > deadline) return done("unknown", `the probe's client pod could not reach its server pod even without a policy (${address}:${PROBE.port})`);
      await sleep(POLL_MS);
    }
    await networking.createNamespacedNetworkPolicy({ namespace, body: probeDenyPolicy(namespace) });
    const policyAt = Date.now();
    for (; ; ) {
      if (!await reaches()) return done("enforced", `a deny-all ingress policy stopped a pod's connections to another after ${((Date.now() - policyAt) / 1e3).toFixed(1)} s`);
      if (Date.now() - policyAt > ENFORCE_WINDOW_MS) break;
      await sleep(POLL_MS * 2);
    }
    return done("not enforced", `a pod still reached another ${(ENFORCE_WINDOW_MS / 1e3).toFixed(1)} s after a deny-all ingress policy selected it`);
  } catch (e) {
    return done("unknown", `the probe failed: ${apiMessage(e)}`);
  } finally {
    await deps.remove(environment).catch(() => void 0);
  }
}
async function running(clients, namespace, name) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (; ; ) {
    const pod = await unlessMissing(clients.core.readNamespacedPod({ namespace, name }));
    if (pod?.status?.phase === "Running" && podAddresses(pod).length > 0) return pod;
    const failure = pod && startFailure(pod);
    if (failure) throw new Error(`its pod ${name} cannot start (${failure.reason}${failure.message ? `: ${failure.message}` : ""})`);
    if (Date.now() > deadline) throw new Error(`its pod ${name} did not start within ${START_TIMEOUT_MS / 1e3} s`);
    await sleep(POLL_MS);
  }
}

// src/backends/kubernetes/faults.ts
var KUBERNETES_FAULT_LIMITS = {
  pause: "pause: Kubernetes has no freezer in its API; stop (scale to zero and back) or kill instead",
  networkFaults: "loss, bandwidth and latency: prenv does not apply them on Kubernetes: they would need a privileged container (iptables, tc) in the target's pod, which a pod's spec cannot gain once it runs"
};
var PARTITION_HINT = "run it on a cluster whose network plugin enforces NetworkPolicy (Calico, Cilium, Antrea, kube-router, ...), or run the network faults on the Docker backend (--backend docker)";
function partitionRefusal(found) {
  if (!found) return { reason: "partition: on Kubernetes a partition needs chaos.helper-image: the NetworkPolicy probe's pods run it (sh and nc, as busybox has)", hint: "set chaos.helper-image (docs/chaos.md)" };
  if (found.verdict === "enforced") return void 0;
  const probe2 = `probe: ${found.detail}; ${(found.ms / 1e3).toFixed(1)} s`;
  const reason = found.verdict === "not enforced" ? `this cluster does not enforce NetworkPolicy (${probe2})` : `prenv cannot tell whether this cluster enforces NetworkPolicy (${probe2})`;
  return { reason: `partition: ${reason}`, hint: PARTITION_HINT };
}
var merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
async function injectKubernetesFault(clients, place, fault, owner, id) {
  const { namespace } = place;
  const name = objectName(fault.target);
  switch (fault.kind) {
    case "kill":
    case "restart": {
      const pod = await currentPod(clients, namespace, fault.target);
      if (!pod?.metadata?.name) throw new FaultError(id, `service "${fault.target}" has no pod to ${fault.kind}`, { hint: "the fault's moment came while the service was not running" });
      await clients.core.deleteNamespacedPod({ namespace, name: pod.metadata.name, gracePeriodSeconds: fault.kind === "kill" ? 0 : 10 });
      const how = fault.kind === "kill" ? `pod ${pod.metadata.name} deleted at once (grace 0 s); its Deployment starts a new one` : `pod ${pod.metadata.name} deleted gracefully; its Deployment starts a new one`;
      return { how, undo: async () => "nothing to undo: the Deployment replaces the pod" };
    }
    case "stop": {
      const deployment = await clients.apps.readNamespacedDeployment({ namespace, name });
      const record = { replicas: deployment.spec?.replicas ?? 1, owner: `${owner.host}:${owner.pid}`, fault: traceName(id, fault) };
      await clients.apps.patchNamespacedDeployment({ namespace, name, body: { metadata: { annotations: { [LABELS.faultUndo]: JSON.stringify(record) } }, spec: { replicas: 0 } } }, merge);
      return { how: `Deployment ${name} scaled to 0`, undo: () => scaleBack(clients, namespace, name, record) };
    }
    case "partition": {
      const found = await place.enforcement();
      if (found?.verdict === "enforced") return partition(clients, place, fault, owner, id, found);
      const refusal = partitionRefusal(found);
      throw new UnsupportedError(`the kubernetes backend cannot ${describeAction(fault)}: ${refusal.reason}`, refusal.hint, { capability: "networkFaults" });
    }
    case "pause":
      throw new UnsupportedError(`the kubernetes backend cannot pause service "${fault.target}": ${KUBERNETES_FAULT_LIMITS.pause}`, "run the faults on Docker", { capability: "pause" });
    default:
      throw new UnsupportedError(`the kubernetes backend cannot apply a ${fault.kind} fault: ${KUBERNETES_FAULT_LIMITS.networkFaults}`, "run network faults on Docker", { capability: "networkFaults" });
  }
}
async function partition(clients, place, fault, owner, id, found) {
  const { namespace, environment } = place;
  const record = { owner: `${owner.host}:${owner.pid}`, fault: traceName(id, fault) };
  const addresses = async (service) => {
    const pods = await clients.core.listNamespacedPod({ namespace, labelSelector: Object.entries(podSelector(service)).map(([k, v]) => `${k}=${v}`).join(",") });
    return pods.items.flatMap(podAddresses);
  };
  const sides = [
    [fault.target, fault.peer],
    [fault.peer, fault.target]
  ];
  const policies = await Promise.all(sides.map(async ([service, peer]) => partitionPolicy({ namespace, environment, id, service, peer, peerAddresses: await addresses(peer), record: JSON.stringify(record) })));
  const names = policies.map((p) => p.metadata.name);
  const remove = () => deletePolicies(clients, namespace, names);
  try {
    for (const body of policies) await clients.networking.createNamespacedNetworkPolicy({ namespace, body });
  } catch (cause) {
    await remove().catch(() => void 0);
    throw new FaultError(id, `its NetworkPolicies could not be created: ${apiMessage(cause)}`, { cause, hint: "prenv needs to create and delete NetworkPolicies in the environment's namespace" });
  }
  return {
    how: `NetworkPolicies ${names.join(" and ")}: ingress to ${fault.target} from ${fault.peer}'s pods denied and to ${fault.peer} from ${fault.target}'s, every other source allowed (the cluster enforces NetworkPolicy: ${found.detail})`,
    undo: remove
  };
}
async function deletePolicies(clients, namespace, names) {
  await Promise.all(names.map((name) => unlessMissing(clients.networking.deleteNamespacedNetworkPolicy({ namespace, name }))));
  return `NetworkPolicies ${names.join(" and ")} deleted`;
}
async function scaleBack(clients, namespace, name, record) {
  await clients.apps.patchNamespacedDeployment({ namespace, name, body: { metadata: { annotations: { [LABELS.faultUndo]: null } }, spec: { replicas: record.replicas } } }, merge);
  return `Deployment ${name} scaled back to ${record.replicas}`;
}
async function undoAbandonedKubernetesFaults(clients, isGone) {
  const deployments = await clients.apps.listDeploymentForAllNamespaces({ labelSelector: `${K8S.managed}=true` });
  const out = [];
  for (const d of deployments.items) {
    const found = recordOf(d.metadata);
    if (!found) continue;
    const { namespace, name, record, environment } = found;
    if (!isGone(record.owner, environment)) continue;
    try {
      out.push({ environment, fault: record.fault, owner: record.owner, undone: true, detail: await scaleBack(clients, namespace, name, record) });
    } catch (e) {
      out.push({ environment, fault: record.fault, owner: record.owner, undone: false, detail: e.message });
    }
  }
  out.push(...await undoAbandonedPartitions(clients, isGone));
  return out;
}
async function undoAbandonedPartitions(clients, isGone) {
  const policies = await clients.networking.listNetworkPolicyForAllNamespaces({ labelSelector: `${K8S.managed}=true,${LABELS.fault}` });
  const byFault = /* @__PURE__ */ new Map();
  for (const p of policies.items) {
    const found = recordOf(p.metadata);
    if (!found) continue;
    const { namespace, name, record, environment } = found;
    if (!isGone(record.owner, environment)) continue;
    const key = `${namespace}/${record.owner}/${record.fault}`;
    const entry = byFault.get(key) ?? { namespace, environment, record, names: [] };
    entry.names.push(name);
    byFault.set(key, entry);
  }
  return Promise.all(
    [...byFault.values()].map(async ({ namespace, environment, record, names }) => {
      try {
        return { environment, fault: record.fault, owner: record.owner, undone: true, detail: await deletePolicies(clients, namespace, names) };
      } catch (e) {
        return { environment, fault: record.fault, owner: record.owner, undone: false, detail: apiMessage(e) };
      }
    })
  );
}
function recordOf(metadata) {
  const raw = metadata?.annotations?.[LABELS.faultUndo];
  const namespace = metadata?.namespace;
  const name = metadata?.name;
  if (!raw || !namespace || !name) return void 0;
  try {
    const record = JSON.parse(raw);
    return { namespace, name, record, environment: metadata.annotations?.[LABELS.environment] ?? metadata.labels?.[LABELS.environment] ?? namespace };
  } catch {
    return void 0;
  }
}

// src/backends/kubernetes/kubernetes-backend.ts
import { basename, dirname } from "node:path";
import { PassThrough as PassThrough3, Readable, Transform } from "node:stream";
var import_tar_fs = __toESM(require_tar_fs(), 1);

// src/backends/kubernetes/binds.ts
import { lstat, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
async function readBinds(paths) {
  const out = /* @__PURE__ */ new Map();
  for (const path of new Set(paths)) out.set(path, await readBind(path));
  return out;
}
async function readBind(path) {
  const info = await stat(path).catch((e) => {
    if (e.code === "ENOENT") return void 0;
    throw e;
  });
  if (!info) return { kind: "missing" };
  if (info.isFile()) return info.size > CONFIG_MAP_LIMIT ? { kind: "file", data: Buffer.alloc(0), mode: info.mode, bytes: info.size } : { kind: "file", data: await readFile(path), mode: info.mode };
  if (!info.isDirectory()) return { kind: "other", what: info.isSocket() ? "a socket" : info.isFIFO() ? "a named pipe" : "a device" };
  const files = [];
  let size = 0;
  const walk = async (rel) => {
    for (const entry of (await readdir(join(path, rel), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      if (size > CONFIG_MAP_LIMIT) return;
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      const abs = join(path, relPath);
      const entryInfo = entry.isSymbolicLink() ? await stat(abs).catch(() => void 0) : await lstat(abs);
      if (!entryInfo) continue;
      if (entryInfo.isDirectory()) await walk(relPath);
      else if (entryInfo.isFile()) {
        size += entryInfo.size + relPath.length;
        if (size <= CONFIG_MAP_LIMIT) files.push({ path: relPath, data: await readFile(abs), mode: entryInfo.mode });
      }
    }
  };
  await walk("");
  return { kind: "directory", files, bytes: size };
}

// src/backends/kubernetes/images.ts
var import_dockerode = __toESM(require_docker(), 1);
function parseReference(reference) {
  let rest = reference;
  let digest;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const first = rest.split("/")[0];
  const hasHost = rest.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  const host = hasHost ? first : "registry-1.docker.io";
  let path = hasHost ? rest.slice(first.length + 1) : rest;
  if (!hasHost && !path.includes("/")) path = `library/${path}`;
  return { host, path, ...tag ? { tag } : {}, ...digest ? { digest } : {} };
}
var MANIFEST_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json"
].join(", ");
async function registryDigest(reference, signal) {
  const ref = parseReference(reference);
  if (ref.digest) return ref.digest;
  const scheme = /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(ref.host) ? "http" : "https";
  const url = `${scheme}://${ref.host}/v2/${ref.path}/manifests/${ref.tag ?? "latest"}`;
  const timeout = AbortSignal.any([signal, AbortSignal.timeout(5e3)]);
  try {
    let response = await fetch(url, { method: "HEAD", headers: { Accept: MANIFEST_TYPES }, signal: timeout });
    if (response.status === 401) {
      const challenge = /Bearer realm="([^"]+)",service="([^"]+)"/.exec(response.headers.get("www-authenticate") ?? "");
      if (!challenge) return void 0;
      const tokenResponse = await fetch(`${challenge[1]}?service=${encodeURIComponent(challenge[2])}&scope=repository:${ref.path}:pull`, { signal: timeout });
      const body = await tokenResponse.json();
      const token = body && typeof body === "object" && "token" in body && typeof body.token === "string" ? body.token : void 0;
      if (!token) return void 0;
      response = await fetch(url, { method: "HEAD", headers: { Accept: MANIFEST_TYPES, Authorization: `Bearer ${token}` }, signal: timeout });
    }
    const digest = response.headers.get("docker-content-digest");
    return response.ok && digest?.startsWith("sha256:") ? digest : void 0;
  } catch {
    return void 0;
  }
}
var Images = class {
  docker;
  builder;
  options;
  constructor(options) {
    this.options = options;
    this.docker = options.docker ?? new import_dockerode.default();
    this.builder = new DockerBackend({ docker: this.docker, version: options.version });
  }
  async prepare(plan, service, progress, signal) {
    if (!service.build) {
      const digest = await registryDigest(service.image, signal);
      const pinned = digest && !service.image.includes("@") ? `${repositoryOf(service.image)}@${digest}` : service.image;
      return { reference: pinned, id: digest ?? service.image, ...digest ? { digest: pinned } : {} };
    }
    const registry = this.options.registry?.replace(/\/+$/, "");
    if (!registry) {
      throw new ServiceError(service.name, `service "${service.name}" is built from ${service.spec.build.context}, and a Kubernetes cluster runs only images it can pull from a registry`, {
        hint: "name a registry the cluster pulls from and this machine can push to: --registry <host[:port][/path]> (or PRENV_REGISTRY)"
      });
    }
    const built = await this.builder.prepareImage(plan, service, progress, signal);
    const { tag } = parseReference(built.reference);
    const repository = `${registry}/${repositoryOf(built.reference)}`;
    progress("building", `pushing to ${repository}`);
    try {
      await this.docker.getImage(built.reference).tag({ repo: repository, tag: tag ?? "latest" });
      const stream = await this.docker.getImage(`${repository}:${tag ?? "latest"}`).push({ abortSignal: signal, authconfig: { serveraddress: registry.split("/")[0] } });
      const digest = await pushedDigest(this.docker, stream);
      const reference = `${repository}@${digest}`;
      return { reference, id: built.id, digest: reference };
    } catch (cause) {
      throw new ServiceError(service.name, `the image built for "${service.name}" could not be pushed to ${registry}: ${cause.message.split("\n")[0]}`, {
        hint: "check that the registry answers and takes pushes from this machine (docker login <registry> for one that needs credentials)",
        cause
      });
    }
  }
};
function pushedDigest(docker, stream) {
  return new Promise((resolve, reject) => {
    let digest;
    docker.modem.followProgress(
      stream,
      (error, events) => {
        const failed = events?.find((e) => e.error);
        if (error) reject(error);
        else if (failed) reject(new Error(failed.error));
        else if (!digest) reject(new Error("the registry did not say the pushed image's digest"));
        else resolve(digest);
      },
      (event) => {
        if (event.aux?.Digest) digest = event.aux.Digest;
      }
    );
  });
}

// src/backends/kubernetes/tunnels.ts
import { createServer, connect } from "node:net";
import { PassThrough as PassThrough2, Writable as Writable2 } from "node:stream";
var Tunnels = class {
  forward;
  tunnels = /* @__PURE__ */ new Map();
  constructor(config) {
    this.forward = new PortForward(config, true);
  }
  /**
   * A local address forwarded to `port` of the pod `resolve` finds; the same one for the
   * same key. `local` asks for a host address and port (a compose `published` port).
   */
  open(key, port, resolve, namespace, local = {}) {
    let tunnel = this.tunnels.get(key);
    if (!tunnel) {
      tunnel = this.listen(port, resolve, namespace, local);
      this.tunnels.set(key, tunnel);
      tunnel.catch(() => this.tunnels.delete(key));
    }
    return tunnel.then((t) => ({ host: t.host, port: t.port }));
  }
  async listen(port, resolve, namespace, local) {
    const sockets = /* @__PURE__ */ new Set();
    let pod;
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => socket.destroy());
      const input = new PassThrough2();
      socket.pipe(input);
      const through = async (target) => {
        const errors = new ErrorText();
        const ws = await this.forward.portForward(namespace, target, [port], socket, errors, input);
        if (typeof ws === "function") throw new Error("port-forward returned a retrying handle");
        pod = target;
        ws.on("close", () => {
          if (errors.text) pod = void 0;
          socket.end();
        });
        socket.on("close", () => ws.close());
      };
      void (async () => {
        const known = pod;
        if (known) {
          const ok = await through(known).then(() => true, () => false);
          if (ok) return;
          pod = void 0;
        }
        const target = await resolve(known !== void 0);
        if (!target) return socket.destroy();
        await through(target);
      })().catch(() => {
        pod = void 0;
        socket.destroy();
      });
    });
    await new Promise((ok, fail) => {
      server.once("error", fail);
      server.listen({ host: local.host ?? "127.0.0.1", port: local.port ?? 0 }, () => {
        server.off("error", fail);
        ok();
      });
    });
    server.unref();
    const address = server.address();
    return { server, host: address.address, port: address.port, sockets };
  }
  /**
   * Whether something accepts connections on `port` inside the pod. A local forward
   * accepts every connection itself, so it cannot tell; the pod's own address can, when
   * this machine reaches the pod network (a refusal comes back at once). Otherwise the
   * forward's error channel says so: the pod's side dials the port as the web socket
   * opens and reports a refusal within milliseconds, and silence means it connected.
   */
  async portOpen(namespace, pod, podIp, port) {
    if (podIp && this.podNetwork !== false) {
      const direct = await dial(podIp, port, 1e3);
      if (direct !== "unreachable") {
        this.podNetwork = true;
        return direct === "open";
      }
      if (this.podNetwork === void 0) this.podNetwork = false;
    }
    const errors = new ErrorText();
    const ws = await this.forward.portForward(namespace, pod, [port], new Writable2({ write: (_c, _e, cb) => cb() }), errors, new PassThrough2());
    if (typeof ws === "function") throw new Error("port-forward returned a retrying handle");
    const closed = new Promise((ok) => ws.once("close", () => ok()));
    await Promise.race([closed, new Promise((ok) => setTimeout(ok, PORT_FORWARD_QUIET_MS))]);
    ws.close();
    return errors.text === "";
  }
  /** Whether this machine reaches pods by their addresses; undefined until tried. */
  podNetwork;
  /** Closes every forward and every connection through them. */
  async close() {
    const all = await Promise.allSettled(this.tunnels.values());
    this.tunnels.clear();
    await Promise.all(
      all.map(async (r) => {
        if (r.status !== "fulfilled") return;
        for (const s of r.value.sockets) s.destroy();
        await new Promise((ok) => r.value.server.close(ok));
      })
    );
  }
  /** Forwards open now, by key. */
  keys() {
    return [...this.tunnels.keys()];
  }
};
var PORT_FORWARD_QUIET_MS = 250;
var ErrorText = class extends Writable2 {
  text = "";
  _write(chunk, _encoding, callback) {
    this.text += chunk.toString("utf8");
    callback();
  }
};
function dial(host, port, timeoutMs) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done("unreachable"));
    socket.once("connect", () => done("open"));
    socket.once("error", (e) => done(e.code === "ECONNREFUSED" ? "refused" : "unreachable"));
  });
}

// src/backends/kubernetes/updates.ts
import { randomBytes as randomBytes2 } from "node:crypto";
var SET_ASIDE = "dev.prenv.set-aside";
var LOCK = "prenv-lock";
var POLL_MS2 = 100;
var WAIT_MS = 6e4;
async function observeServices(clients, namespace) {
  const managed = `${K8S.managed}=true`;
  const [deployments, jobs, pods] = await Promise.all([
    unlessMissing(clients.apps.listNamespacedDeployment({ namespace, labelSelector: managed })),
    unlessMissing(clients.batch.listNamespacedJob({ namespace, labelSelector: managed })),
    unlessMissing(clients.core.listNamespacedPod({ namespace, labelSelector: `${managed},${LABELS.service}` }))
  ]);
  const workloads = [...deployments?.items ?? [], ...jobs?.items ?? []];
  return workloads.flatMap((w) => {
    const name = w.metadata?.annotations?.[K8S.serviceName];
    if (!name) return [];
    const pod = newest((pods?.items ?? []).filter((p) => p.metadata?.labels?.[LABELS.service] === objectName(name)));
    return [{ name, id: pod?.metadata?.uid ?? w.metadata?.uid ?? "", state: pod ? statusOfPod(pod).state : "created", configHash: w.metadata?.annotations?.[LABELS.configHash] }];
  });
}
async function setAsideService(clients, namespace, service) {
  const name = objectName(service);
  const selector = `${LABELS.service}=${name}`;
  const { core, apps, batch, networking } = clients;
  await discardSetAsideService(clients, namespace, service);
  const [deployment, job, services, configMaps, secrets, ingresses] = await Promise.all([
    unlessMissing(apps.readNamespacedDeployment({ namespace, name })),
    unlessMissing(batch.readNamespacedJob({ namespace, name })),
    core.listNamespacedService({ namespace, labelSelector: selector }),
    core.listNamespacedConfigMap({ namespace, labelSelector: selector }),
    core.listNamespacedSecret({ namespace, labelSelector: selector }),
    networking.listNamespacedIngress({ namespace, labelSelector: selector })
  ]);
  let pod;
  let workload;
  if (deployment) {
    workload = { kind: "Deployment", body: { apiVersion: "apps/v1", kind: "Deployment", metadata: freshMeta(deployment.metadata), spec: deployment.spec } };
    pod = await orphanPod(clients, namespace, name, selector);
  } else if (job) {
    const { selector: _uidSelector, ...spec } = job.spec;
    const template = { ...spec.template, metadata: { ...spec.template.metadata, labels: withoutJobLabels(spec.template.metadata?.labels ?? {}) } };
    workload = { kind: "Job", body: { apiVersion: "batch/v1", kind: "Job", metadata: freshMeta(job.metadata), spec: { ...spec, template } } };
    await batch.deleteNamespacedJob({ namespace, name, body: { propagationPolicy: "Background" } });
    await gone(() => unlessMissing(batch.readNamespacedJob({ namespace, name })), `Job ${name}`);
    await core.deleteCollectionNamespacedPod({ namespace, labelSelector: selector, gracePeriodSeconds: 0 });
  } else {
    throw new Error(`service "${service}" has no Deployment or Job in namespace ${namespace} to set aside`);
  }
  await Promise.all([
    ...services.items.map((s) => unlessMissing(core.deleteNamespacedService({ namespace, name: s.metadata.name }))),
    ...configMaps.items.map((c) => unlessMissing(core.deleteNamespacedConfigMap({ namespace, name: c.metadata.name }))),
    ...secrets.items.map((c) => unlessMissing(core.deleteNamespacedSecret({ namespace, name: c.metadata.name }))),
    ...ingresses.items.map((i) => unlessMissing(networking.deleteNamespacedIngress({ namespace, name: i.metadata.name })))
  ]);
  return {
    workload,
    services: services.items.map((s) => ({ apiVersion: "v1", kind: "Service", metadata: freshMeta(s.metadata), spec: { ...s.spec, clusterIP: s.spec?.clusterIP ?? "None", clusterIPs: void 0 } })),
    configMaps: configMaps.items.map((c) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: freshMeta(c.metadata), ...c.data ? { data: c.data } : {}, ...c.binaryData ? { binaryData: c.binaryData } : {} })),
    secrets: secrets.items.map((c) => ({ apiVersion: "v1", kind: "Secret", metadata: freshMeta(c.metadata), ...c.type ? { type: c.type } : {}, ...c.data ? { data: c.data } : {} })),
    ingresses: ingresses.items.map((i) => ({ apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: freshMeta(i.metadata), spec: i.spec })),
    pod
  };
}
async function orphanPod(clients, namespace, name, selector) {
  const { core, apps } = clients;
  const orphan = { body: { propagationPolicy: "Orphan" } };
  const pods = (await core.listNamespacedPod({ namespace, labelSelector: selector })).items.filter((p) => !p.metadata?.deletionTimestamp);
  const keep = newest(pods);
  if (!keep || mountsClaim(keep)) {
    await apps.deleteNamespacedDeployment({ namespace, name, body: { propagationPolicy: "Foreground" } });
    await gone(() => unlessMissing(apps.readNamespacedDeployment({ namespace, name })), `Deployment ${name}`);
    return void 0;
  }
  const sets = await apps.listNamespacedReplicaSet({ namespace, labelSelector: selector });
  await apps.deleteNamespacedDeployment({ namespace, name, ...orphan });
  await gone(() => unlessMissing(apps.readNamespacedDeployment({ namespace, name })), `Deployment ${name}`);
  for (const rs of sets.items) await unlessMissing(apps.deleteNamespacedReplicaSet({ namespace, name: rs.metadata.name, ...orphan }));
  for (const rs of sets.items) await gone(() => unlessMissing(apps.readNamespacedReplicaSet({ namespace, name: rs.metadata.name })), `ReplicaSet ${rs.metadata.name}`);
  const podName = keep.metadata.name;
  await core.patchNamespacedPod({ namespace, name: podName, body: { metadata: { labels: { [LABELS.service]: null, [SET_ASIDE]: name } } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
  await Promise.all(pods.filter((p) => p !== keep).map((p) => unlessMissing(core.deleteNamespacedPod({ namespace, name: p.metadata.name, gracePeriodSeconds: 0 }))));
  return podName;
}
async function restoreService(clients, namespace, kept) {
  const { core, apps, batch } = clients;
  for (const body of kept.secrets) await core.createNamespacedSecret({ namespace, body });
  for (const body of kept.configMaps) await core.createNamespacedConfigMap({ namespace, body });
  for (const body of kept.services) await core.createNamespacedService({ namespace, body });
  for (const body of kept.ingresses) await clients.networking.createNamespacedIngress({ namespace, body });
  const name = kept.workload.body.metadata.name;
  if (kept.pod) {
    await core.patchNamespacedPod({ namespace, name: kept.pod, body: { metadata: { labels: { [LABELS.service]: name, [SET_ASIDE]: null } } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
  }
  if (kept.workload.kind === "Job") await batch.createNamespacedJob({ namespace, body: kept.workload.body });
  else await apps.createNamespacedDeployment({ namespace, body: kept.workload.body });
  if (!kept.pod) return;
  const pod = kept.pod;
  for (const deadline = Date.now() + WAIT_MS; Date.now() < deadline; await sleep(POLL_MS2)) {
    const pods = (await core.listNamespacedPod({ namespace, labelSelector: `${LABELS.service}=${name}` })).items;
    const mine = pods.find((p) => p.metadata?.name === pod);
    if (!mine) return;
    if (mine.metadata?.ownerReferences?.some((o) => o.controller)) return;
    if (pods.some((p) => p.metadata?.name !== pod)) {
      await unlessMissing(core.deleteNamespacedPod({ namespace, name: pod }));
      return;
    }
  }
  throw new Error(`the Deployment ${name} in namespace ${namespace} did not take its pod ${pod} back within ${WAIT_MS / 1e3} s`);
}
async function discardSetAsideService(clients, namespace, service) {
  const labelSelector = `${SET_ASIDE}=${objectName(service)}`;
  await unlessMissing(clients.core.deleteCollectionNamespacedPod({ namespace, labelSelector }));
  await gone(async () => (await unlessMissing(clients.core.listNamespacedPod({ namespace, labelSelector })))?.items.length ? true : void 0, `the set-aside pod of ${service}`);
}
async function tryLease(clients, namespace, owner, leaseUntil) {
  const { coordination } = clients;
  const id = `${owner.host}:${owner.pid}:${randomBytes2(4).toString("hex")}`;
  const seconds = Math.max(1, Math.ceil((leaseUntil.getTime() - Date.now()) / 1e3));
  const renewed = new V1MicroTime(leaseUntil.getTime() - seconds * 1e3);
  const spec = { holderIdentity: id, acquireTime: renewed, renewTime: renewed, leaseDurationSeconds: seconds };
  const metadata = { name: LOCK, labels: { [K8S.managed]: "true" } };
  try {
    await coordination.createNamespacedLease({ namespace, body: { metadata, spec } });
    return { acquired: true, id };
  } catch (e) {
    if (!isConflict(e)) throw e;
  }
  const held = await unlessMissing(coordination.readNamespacedLease({ namespace, name: LOCK }));
  if (!held) return { acquired: false, holder: "another run, releasing it", leaseUntil: /* @__PURE__ */ new Date() };
  const until = leaseEnd(held.spec);
  if (until.getTime() > Date.now()) return { acquired: false, holder: holderOf(held.spec?.holderIdentity), leaseUntil: until };
  try {
    await coordination.replaceNamespacedLease({ namespace, name: LOCK, body: { metadata: { ...metadata, resourceVersion: held.metadata.resourceVersion }, spec } });
    return { acquired: true, id };
  } catch (e) {
    if (isConflict(e) || isNotFound(e)) return { acquired: false, holder: "another run breaking the same expired lock", leaseUntil: /* @__PURE__ */ new Date() };
    throw e;
  }
}
async function releaseLease(clients, namespace, id) {
  const held = await unlessMissing(clients.coordination.readNamespacedLease({ namespace, name: LOCK }));
  if (held?.spec?.holderIdentity !== id) return;
  try {
    await clients.coordination.deleteNamespacedLease({ namespace, name: LOCK, body: { preconditions: { resourceVersion: held.metadata.resourceVersion } } });
  } catch (e) {
    if (!isConflict(e) && !isNotFound(e)) throw e;
  }
}
function leaseEnd(spec) {
  const renewed = new Date(spec?.renewTime ?? spec?.acquireTime ?? 0).getTime();
  return new Date(renewed + (spec?.leaseDurationSeconds ?? 0) * 1e3);
}
function holderOf(identity) {
  return identity ? identity.replace(/:[0-9a-f]{8}$/, "") : "";
}
function mountsClaim(pod) {
  return (pod.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim !== void 0);
}
function freshMeta(meta) {
  const annotations = Object.fromEntries(Object.entries(meta?.annotations ?? {}).filter(([k]) => !k.includes("kubernetes.io/")));
  return { name: meta.name, ...meta?.labels ? { labels: withoutJobLabels(meta.labels) } : {}, annotations };
}
function withoutJobLabels(labels) {
  return Object.fromEntries(Object.entries(labels).filter(([k]) => !["controller-uid", "job-name", "batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name"].includes(k)));
}
async function gone(read, what) {
  for (const deadline = Date.now() + WAIT_MS; Date.now() < deadline; await sleep(POLL_MS2)) {
    if (await read() === void 0) return;
  }
  throw new Error(`${what} is still being deleted after ${WAIT_MS / 1e3} s`);
}

// src/backends/kubernetes/kubernetes-backend.ts
var CLAIM = "prenv-claim";
var POLL_MS3 = 100;
var REMOVE_TIMEOUT_MS = 5 * 6e4;
var KubernetesBackend = class {
  kind = "kubernetes";
  /**
   * No freezer through the API; of the network faults only a partition, and only where the
   * cluster enforces NetworkPolicy (faultSupport, KUBERNETES_FAULT_LIMITS);
   * builds need a registry the cluster pulls from; port-forwards belong to the process
   * that opened them.
   */
  capabilities = { pause: false, networkFaults: false, localBuilds: false, lastingEndpoints: false, updateInPlace: true };
  capabilityLimits = KUBERNETES_FAULT_LIMITS;
  clients;
  prefix;
  version;
  images;
  tunnels;
  onWarning;
  warned = /* @__PURE__ */ new Set();
  pingTimeoutMs;
  /** Images prepared by this process, by environment/service. */
  prepared = /* @__PURE__ */ new Map();
  /** Workloads created by createService, started by startService. */
  workloads = /* @__PURE__ */ new Map();
  defaultStorageClass;
  /** What an update of this process set aside, by namespace/service, until it is restored or discarded. */
  setAsideServices = /* @__PURE__ */ new Map();
  constructor(options) {
    this.clients = clientsOf(options.config);
    this.prefix = options.namespacePrefix ?? "prenv-";
    this.version = options.version;
    this.images = new Images({ version: options.version, ...options.registry ? { registry: options.registry } : {}, ...options.docker ? { docker: options.docker } : {} });
    this.tunnels = new Tunnels(options.config);
    this.onWarning = options.onWarning ?? (() => void 0);
    this.pingTimeoutMs = options.pingTimeoutMs ?? 5e3;
  }
  /** The namespace of an environment. */
  namespace(environment) {
    return namespaceName(this.prefix, environment);
  }
  warn(message) {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.onWarning(message);
  }
  async ping() {
    const server = this.clients.config.getCurrentCluster()?.server ?? "the kubeconfig's cluster";
    try {
      await withTimeout(this.clients.core.listNamespace({ limit: 1 }), this.pingTimeoutMs);
    } catch (cause) {
      throw new RuntimeUnavailableError(`no Kubernetes API answers at ${server} (${apiMessage(cause)})`, { cause });
    }
  }
  /** Releases the port-forwards this process opened. */
  async close() {
    await this.tunnels.close();
  }
  async prepareImage(plan, service, progress, signal) {
    const info = await this.images.prepare(plan, service, progress, signal);
    this.prepared.set(`${plan.environment}/${service.name}`, info.reference);
    return info;
  }
  labels(plan) {
    return { [LABELS.environment]: labelValue(plan.environment), [LABELS.project]: labelValue(plan.project), [LABELS.version]: labelValue(this.version) };
  }
  annotations(plan, owner) {
    return {
      ...environmentRecord(plan, owner, this.version),
      // Written with the namespace, so that an environment whose run dies right after is already collectable.
      ...owner.expires ? { [LABELS.expires]: owner.expires.toISOString() } : {}
    };
  }
  async claimEnvironment(plan, owner) {
    const namespace = this.namespace(plan.environment);
    const body = { metadata: { name: namespace, labels: { ...this.labels(plan), [K8S.managed]: "true" }, annotations: this.annotations(plan, owner) } };
    try {
      await this.clients.core.createNamespace({ body });
    } catch (e) {
      if (!isConflict(e)) throw e;
    }
    try {
      await this.clients.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: CLAIM, labels: { ...this.labels(plan), [K8S.managed]: "true" }, annotations: this.annotations(plan, owner) } } });
      return true;
    } catch (e) {
      if (isConflict(e) || e instanceof ApiException && e.code === 403) return false;
      throw e;
    }
  }
  hasDefaultStorageClass() {
    this.defaultStorageClass ??= this.clients.storage.listStorageClass().then((list) => list.items.some((c) => c.metadata?.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true")).catch(() => false);
    return this.defaultStorageClass;
  }
  async createEnvironment(plan, owner) {
    const namespace = this.namespace(plan.environment);
    if (owner.expires) await this.setExpiry(plan, owner, owner.expires);
    if (await this.hasDefaultStorageClass()) {
      for (const claim of volumeClaims(plan, namespace, this.labels(plan))) {
        claim.metadata.annotations = { ...claim.metadata.annotations, ...this.annotations(plan, owner) };
        await this.clients.core.createNamespacedPersistentVolumeClaim({ namespace, body: claim }).catch((e) => {
          if (!isConflict(e)) throw e;
        });
      }
    }
    await waitForServiceAccount(this.clients, namespace, POLL_MS3);
  }
  async manifests(plan, service, owner) {
    const image = this.prepared.get(`${plan.environment}/${service.name}`) ?? (await this.prepareImage(plan, service, () => void 0, new AbortController().signal)).reference;
    const binds = await readBinds(service.spec.mounts.flatMap((m) => m.type === "bind" ? [m.source] : []));
    try {
      const manifests = serviceManifests({
        plan,
        service,
        namespace: this.namespace(plan.environment),
        image,
        persistentVolumes: await this.hasDefaultStorageClass(),
        binds,
        labels: this.labels(plan),
        annotations: this.annotations(plan, owner)
      });
      manifests.warnings.forEach((w) => this.warn(w));
      return manifests;
    } catch (e) {
      if (e instanceof ManifestError) throw new ServiceError(e.service, e.message, { hint: e.hint, cause: e });
      throw e;
    }
  }
  /**
   * A Service; when an update set aside the service's previous version, with the cluster IP
   * its Service had: clients (and the cluster's DNS, which caches answers) keep the address
   * they know, and it leads to the new pod. Should the address not be free again yet, the
   * cluster chooses one.
   */
  async createServiceObject(namespace, service, body) {
    const before = this.setAsideServices.get(`${namespace}/${service}`)?.services.find((s) => s.metadata?.name === body.metadata?.name)?.spec?.clusterIP;
    const core = this.clients.core;
    if (before && before !== "None" && body.spec && body.spec.clusterIP !== "None") {
      try {
        await core.createNamespacedService({ namespace, body: { ...body, spec: { ...body.spec, clusterIP: before } } });
        return;
      } catch (e) {
        if (!(e instanceof ApiException && (e.code === 422 || e.code === 409))) throw e;
      }
    }
    await core.createNamespacedService({ namespace, body });
  }
  async createService(plan, service, owner, labels = {}) {
    const namespace = this.namespace(plan.environment);
    const m = await this.manifests(plan, service, owner);
    m.workload.body.metadata = { ...m.workload.body.metadata, annotations: { ...m.workload.body.metadata?.annotations, ...labels } };
    const { core } = this.clients;
    try {
      if (m.secret) await core.createNamespacedSecret({ namespace, body: m.secret });
      for (const body of m.configMaps) await core.createNamespacedConfigMap({ namespace, body });
      for (const body of m.services) await this.createServiceObject(namespace, service.name, body);
      if (m.ingress) await this.clients.networking.createNamespacedIngress({ namespace, body: m.ingress });
    } catch (cause) {
      throw new ServiceError(service.name, `service "${service.name}" could not be created on the cluster: ${apiMessage(cause)}`, { cause });
    }
    this.workloads.set(`${plan.environment}/${service.name}`, m.workload);
  }
  async startService(plan, service) {
    const namespace = this.namespace(plan.environment);
    const workload = this.workloads.get(`${plan.environment}/${service.name}`);
    if (!workload) throw new ServiceError(service.name, `service "${service.name}" was not created by this process before being started`);
    try {
      if (workload.kind === "Job") await this.clients.batch.createNamespacedJob({ namespace, body: workload.body });
      else await this.clients.apps.createNamespacedDeployment({ namespace, body: workload.body });
    } catch (cause) {
      throw new ServiceError(service.name, `the ${workload.kind} of service "${service.name}" was refused: ${apiMessage(cause)}`, { cause, hint: "check the service's settings in the definition" });
    }
    await this.waitForStart(namespace, service.name);
  }
  /**
   * Resolves once the service's container has started (as Docker's start does); fails at
   * once, with the reason and the pod's events, when it cannot (image pull, config,
   * scheduling), rather than when the boot times out.
   */
  async waitForStart(namespace, service, pod) {
    const find = pod ?? (() => currentPod(this.clients, namespace, service));
    for (; ; ) {
      const found = await find().catch((e) => {
        if (isNotFound(e)) throw new ServiceError(service, `the environment's namespace ${namespace} is gone`);
        throw e;
      });
      if (found) {
        if (hasStarted(found)) return found;
        const failure = startFailure(found);
        if (failure) {
          const name = found.metadata?.name ?? "";
          const events = await podEvents(this.clients, namespace, name);
          const image = found.spec?.containers[0]?.image ?? "";
          const what = /Image/.test(failure.reason) ? `its image ${image} cannot be pulled` : failure.reason === "Unschedulable" ? "its pod cannot be scheduled" : "its container cannot be started";
          throw new ServiceError(service, `service "${service}": ${what} (${failure.reason}${failure.message ? `: ${failure.message}` : ""})`, {
            hint: /Image/.test(failure.reason) ? "check the image name and tag, and that the cluster can pull from its registry (credentials: an imagePullSecret on the namespace's default service account)" : `see the pod's events: kubectl -n ${namespace} describe pod ${name}`,
            ...events ? { logTail: `events of pod ${name}:
${events}` } : {}
          });
        }
      } else if (!await unlessMissing(this.clients.core.readNamespace({ name: namespace }))) {
        throw new ServiceError(service, `the environment's namespace ${namespace} is gone`);
      }
      await sleep(POLL_MS3);
    }
  }
  async removeService(environment, service) {
    const namespace = this.namespace(environment);
    const name = objectName(service);
    const selector = `${LABELS.service}=${name}`;
    const { core, apps, batch } = this.clients;
    const background = { propagationPolicy: "Background" };
    await Promise.all([
      unlessMissing(apps.deleteNamespacedDeployment({ namespace, name, body: background })),
      unlessMissing(batch.deleteNamespacedJob({ namespace, name, body: background }))
    ]);
    const [services, configMaps, secrets, ingresses] = await Promise.all([
      unlessMissing(core.listNamespacedService({ namespace, labelSelector: selector })),
      unlessMissing(core.listNamespacedConfigMap({ namespace, labelSelector: selector })),
      unlessMissing(core.listNamespacedSecret({ namespace, labelSelector: selector })),
      unlessMissing(this.clients.networking.listNamespacedIngress({ namespace, labelSelector: selector }))
    ]);
    await Promise.all([
      ...(ingresses?.items ?? []).map((i) => unlessMissing(this.clients.networking.deleteNamespacedIngress({ namespace, name: i.metadata.name }))),
      ...(services?.items ?? []).map((s) => unlessMissing(core.deleteNamespacedService({ namespace, name: s.metadata.name }))),
      ...(configMaps?.items ?? []).map((c) => unlessMissing(core.deleteNamespacedConfigMap({ namespace, name: c.metadata.name }))),
      ...(secrets?.items ?? []).map((c) => unlessMissing(core.deleteNamespacedSecret({ namespace, name: c.metadata.name }))),
      unlessMissing(core.deleteCollectionNamespacedPod({ namespace, labelSelector: selector, gracePeriodSeconds: 0 }))
    ]);
    for (let i = 0; i * POLL_MS3 < 6e4; i++) {
      const left = await unlessMissing(core.listNamespacedPod({ namespace, labelSelector: selector }));
      if (!left || left.items.length === 0) return;
      await sleep(POLL_MS3);
    }
  }
  async status(environment, service) {
    const namespace = this.namespace(environment);
    const pod = await unlessMissing(currentPod(this.clients, namespace, service));
    if (pod) return statusOfPod(pod);
    const name = objectName(service);
    const exists = await unlessMissing(this.clients.apps.readNamespacedDeployment({ namespace, name })) ?? await unlessMissing(this.clients.batch.readNamespacedJob({ namespace, name }));
    return exists ? { state: "created", restarts: 0 } : { state: "missing", restarts: 0 };
  }
  /** The pod a command runs in: the service's current one, which must be running. */
  async runningPod(environment, service) {
    const pod = await unlessMissing(currentPod(this.clients, this.namespace(environment), service));
    if (!pod || !containerStatus(pod)?.state?.running) {
      throw new NotRunningError(`service "${service}" has no running container in environment "${environment}" (see \`prenv ls\` and \`prenv logs --env ${environment} ${service}\`)`);
    }
    return pod.metadata.name;
  }
  async exec(environment, service, argv, options = {}) {
    const pod = await this.runningPod(environment, service);
    return execInPod(this.clients.config, this.namespace(environment), pod, objectName(service), argv, options);
  }
  async execAttached(environment, service, argv, streams) {
    const pod = await this.runningPod(environment, service);
    return execAttachedInPod(this.clients.config, this.namespace(environment), pod, objectName(service), argv, streams);
  }
  resolver(environment, service) {
    return async () => {
      const pod = await unlessMissing(currentPod(this.clients, this.namespace(environment), service));
      return pod && containerStatus(pod)?.state?.running ? pod.metadata?.name : void 0;
    };
  }
  async probeAddress(environment, service, port) {
    const namespace = this.namespace(environment);
    return this.tunnels.open(`${namespace}/${service}/${port}/probe`, port, this.resolver(environment, service), namespace);
  }
  /**
   * Whether something listens on `port` in the service's container. A forwarded address
   * accepts every connection itself, so the engine asks this instead of connecting.
   */
  async portOpen(environment, service, port) {
    const namespace = this.namespace(environment);
    const pod = await unlessMissing(currentPod(this.clients, namespace, service));
    if (!pod?.metadata?.name || !containerStatus(pod)?.state?.running) return false;
    return this.tunnels.portOpen(namespace, pod.metadata.name, pod.status?.podIP, port);
  }
  /**
   * The published ports, forwarded to this machine for as long as this process runs (and
   * this backend is not closed): `prenv up` prints them and ends, so `prenv test` and
   * `prenv run` open their own.
   */
  async endpoints(environment) {
    const namespace = this.namespace(environment);
    const services = await unlessMissing(this.clients.core.listNamespacedService({ namespace, labelSelector: `${K8S.managed}=true` }));
    const out = [];
    for (const s of services?.items ?? []) {
      const raw = s.metadata?.annotations?.[K8S.published];
      const service = s.metadata?.annotations?.[K8S.serviceName];
      if (!raw || !service) continue;
      const published = parsePublished(raw);
      for (const p of published) {
        if (p.protocol !== "tcp") continue;
        try {
          const local = await this.tunnels.open(`${namespace}/${service}/${p.target}`, p.target, this.resolver(environment, service), namespace, {
            ...p.hostIp && p.hostIp !== "0.0.0.0" ? { host: p.hostIp } : {},
            ...p.published !== void 0 ? { port: p.published } : {}
          });
          out.push({ service, containerPort: p.target, protocol: "tcp", hostIp: local.host, hostPort: local.port });
        } catch (cause) {
          throw new ServiceError(service, `port ${p.target} of service "${service}" cannot be forwarded to ${p.hostIp ?? "127.0.0.1"}:${p.published ?? "(any)"}: ${cause.message}`, {
            hint: 'free that port here, or publish the container port alone ("8080") so that a free one is chosen',
            cause
          });
        }
      }
    }
    return out.sort((a, b) => a.service.localeCompare(b.service) || a.containerPort - b.containerPort);
  }
  async logs(environment, service, options) {
    const namespace = this.namespace(environment);
    const pod = options.follow ? await this.waitForStart(namespace, service) : await unlessMissing(currentPod(this.clients, namespace, service));
    const out = new PassThrough3();
    if (!pod || !hasStarted(pod)) {
      out.end();
      return out;
    }
    const ended = statusOfPod(pod).state === "exited" && !containerStatus(pod)?.state?.terminated;
    return this.podLog(namespace, pod.metadata.name, pod.spec.containers[0].name, { follow: options.follow, previous: ended && !options.follow, ...options.tail !== void 0 ? { tail: options.tail } : {}, ...options.signal ? { signal: options.signal } : {} });
  }
  /** A container's log as text in whole UTF-8 characters (Kubernetes keeps stdout and stderr as one). */
  async podLog(namespace, pod, container, options) {
    const chunker = new Utf8Chunker();
    const text = new Transform({
      transform(chunk, _encoding, callback) {
        callback(null, chunker.push(chunk));
      },
      flush(callback) {
        callback(null, chunker.end());
      }
    });
    let stopped = false;
    text.on(
      "pipe",
      (source) => source.on("error", (error) => {
        if (!stopped) text.destroy(new Error(`the log of pod ${pod} broke off: ${error.message}`, { cause: error }));
      })
    );
    const controller = await new Log(this.clients.config).log(namespace, pod, container, text, { follow: options.follow, ...options.previous ? { previous: true } : {}, ...options.tail !== void 0 ? { tailLines: options.tail } : {} });
    options.signal?.addEventListener(
      "abort",
      () => {
        stopped = true;
        controller.abort();
        text.end();
      },
      { once: true }
    );
    return text;
  }
  async watchExits(environment, onExit, signal, onError) {
    const namespace = this.namespace(environment);
    const seen = /* @__PURE__ */ new Map();
    const controller = await new Watch(this.clients.config).watch(
      `/api/v1/namespaces/${namespace}/pods`,
      // "0": from what the API server's cache holds now, listed first as ADDED. Without a
      // version the server waits until its cache has caught up with etcd, which an etcd
      // without progress notifications (3.4) never reports: the watch fails after 3 s.
      { labelSelector: `${K8S.managed}=true`, resourceVersion: "0" },
      (phase, object) => {
        if (phase === "DELETED" || !isPod(object)) return;
        const service = serviceOf(object);
        const status = containerStatus(object);
        if (!service || !status) return;
        const terminated = status.state?.terminated;
        const key = `${status.restartCount}/${terminated ? "t" : "-"}`;
        const before = seen.get(object.metadata.name);
        seen.set(object.metadata.name, key);
        if (key !== before && (terminated || status.restartCount > 0)) onExit(service);
      },
      (error) => {
        if (!signal.aborted) onError?.(new Error(`watching the pods of namespace ${namespace} stopped${error ? `: ${apiMessage(error)}` : ""}; services that exit from now on go unnoticed`, { cause: error }));
      }
    );
    signal.addEventListener("abort", () => controller.abort(), { once: true });
  }
  async exitsBetween(environment, since, until) {
    const pods = await unlessMissing(this.clients.core.listNamespacedPod({ namespace: this.namespace(environment), labelSelector: `${K8S.managed}=true` }));
    const from = Math.floor(since.getTime() / 1e3) * 1e3;
    const within = (t) => t !== void 0 && new Date(t).getTime() >= from && new Date(t).getTime() <= until.getTime();
    const exits = [];
    for (const pod of pods?.items ?? []) {
      const service = serviceOf(pod);
      const status = containerStatus(pod);
      if (!service || !status || !pod.metadata?.labels?.[LABELS.service]) continue;
      for (const t of [status.lastState?.terminated, status.state?.terminated]) {
        if (t && within(t.finishedAt)) exits.push({ service, exitCode: t.exitCode });
      }
    }
    return exits;
  }
  async runOneOff(plan, spec, owner, options) {
    const namespace = this.namespace(plan.environment);
    const name = dnsName(`${spec.name}-${Date.now().toString(36)}`);
    const binds = await readBinds(spec.mounts.flatMap((m) => m.type === "bind" ? [m.source] : []));
    const { volumes, mounts, configMaps } = (() => {
      try {
        return volumesOf({ plan, owner: spec.name, mounts: spec.mounts, tmpfs: [], persistentVolumes: false, binds }, name, (key, text) => this.warn(`setup ${spec.name}: ${key}: ${text}`));
      } catch (e) {
        if (e instanceof ManifestError) throw new ServiceError(spec.name, e.message, { hint: e.hint, cause: e });
        throw e;
      }
    })();
    const labels = { ...this.labels(plan), [K8S.managed]: "true", "dev.prenv.one-off": labelValue(spec.name) };
    const { core } = this.clients;
    try {
      for (const c of configMaps) await core.createNamespacedConfigMap({ namespace, body: { ...c, metadata: { ...c.metadata, labels, annotations: this.annotations(plan, owner) } } });
      await core.createNamespacedPod({ namespace, body: oneOffPod({ namespace, name, image: spec.image, env: spec.env, labels, volumes, mounts, ...definedOf(spec) }) });
      const run = async () => {
        const pod = () => unlessMissing(core.readNamespacedPod({ namespace, name }));
        await this.waitForStart(namespace, spec.name, pod);
        const log = await this.podLog(namespace, name, "run", { follow: true, ...options.signal ? { signal: options.signal } : {} });
        const tail = await drain(log, options.output);
        for (; ; ) {
          const terminated = containerStatus(await pod() ?? {})?.state?.terminated;
          if (terminated) return { exitCode: terminated.exitCode, output: tail };
          await sleep(POLL_MS3);
        }
      };
      return await withTimeout(run(), options.timeoutMs, options.signal);
    } finally {
      await unlessMissing(core.deleteNamespacedPod({ namespace, name, gracePeriodSeconds: 0 }));
      for (const c of configMaps) await unlessMissing(core.deleteNamespacedConfigMap({ namespace, name: c.metadata.name }));
    }
  }
  /** A tar stream into `tar -x` in the container (the image must have tar, as for `kubectl cp`). */
  async copyInto(environment, service, hostPath, containerPath) {
    const isDir = statSync(hostPath).isDirectory();
    const targetDir = isDir || containerPath.endsWith("/") ? containerPath : dirname(containerPath);
    const archive = Readable.from(
      (0, import_tar_fs.pack)(isDir ? hostPath : dirname(hostPath), {
        ...!isDir ? { entries: [basename(hostPath)] } : {},
        ...!isDir && !containerPath.endsWith("/") ? { map: (header) => ({ ...header, name: basename(containerPath) }) } : {}
      })
    );
    const pod = await this.runningPod(environment, service);
    const result = await execInPod(this.clients.config, this.namespace(environment), pod, objectName(service), ["/bin/sh", "-c", 'mkdir -p -- "$1" && exec tar -x -f - -C "$1"', "sh", targetDir], {}, archive);
    if (result.exitCode !== 0) {
      throw new ServiceError(service, `copying ${hostPath} into ${service}:${containerPath} failed (tar in the container: exit code ${result.exitCode}) ${result.output.trim()}`, { hint: "on Kubernetes copying needs /bin/sh and tar in the service's image" });
    }
  }
  async waitForExit(environment, service, signal) {
    for (; ; ) {
      signal?.throwIfAborted();
      const status = await this.status(environment, service);
      if (status.state === "exited") return status.exitCode;
      if (status.state === "missing") throw new ServiceError(service, `service "${service}" has no container to wait for`);
      await sleep(POLL_MS3, signal);
    }
  }
  async setMarker(plan, owner, marker) {
    const value = JSON.stringify({ owner: `${owner.host}:${owner.pid}`, lifetime: owner.ephemeral ? "run" : "until-down", at: (/* @__PURE__ */ new Date()).toISOString() });
    await this.patchNamespace(this.namespace(plan.environment), { [`${K8S.markerPrefix}${marker}`]: value });
  }
  async patchNamespace(name, annotations) {
    await this.clients.core.patchNamespace({ name, body: { metadata: { annotations } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
  }
  injectFault(plan, fault, owner, options) {
    const place = { namespace: this.namespace(plan.environment), environment: plan.environment, enforcement: () => this.enforcement(owner, options.helperImage) };
    return injectKubernetesFault(this.clients, place, fault, owner, options.id);
  }
  /** Pause, loss, bandwidth and latency never; a partition where the cluster enforces NetworkPolicy (asked once per process). */
  async faultSupport(needs, options) {
    const partitions = needs.some((n) => n.kind === "partition") ? partitionRefusal(await this.enforcement(options.owner, options.helperImage)) : void 0;
    return needs.flatMap((need) => need.kind === "partition" ? partitions ? [{ need, ...partitions }] : [] : capabilityRefusals(this, [need]));
  }
  /** Whether the cluster enforces NetworkPolicy (the probe runs the helper image); undefined without one. */
  async enforcement(owner, image) {
    if (!image) return void 0;
    return enforcement({ clients: this.clients, namespace: (e) => this.namespace(e), remove: (e) => this.remove(e, { keepVolumes: false }), version: this.version }, owner, image);
  }
  undoAbandonedFaults(isGone) {
    return undoAbandonedKubernetesFaults(this.clients, isGone);
  }
  observe(environment) {
    return observeServices(this.clients, this.namespace(environment));
  }
  async setAside(environment, service) {
    const namespace = this.namespace(environment);
    this.setAsideServices.set(`${namespace}/${service}`, await setAsideService(this.clients, namespace, service));
  }
  async restore(environment, service) {
    const namespace = this.namespace(environment);
    const kept = this.setAsideServices.get(`${namespace}/${service}`);
    if (!kept) throw new Error(`service "${service}" of environment "${environment}" was not set aside by this process, so it cannot be put back`);
    await this.removeService(environment, service);
    await restoreService(this.clients, namespace, kept);
    this.setAsideServices.delete(`${namespace}/${service}`);
    await this.waitForStart(namespace, service);
  }
  async discardSetAside(environment, service) {
    const namespace = this.namespace(environment);
    await discardSetAsideService(this.clients, namespace, service);
    this.setAsideServices.delete(`${namespace}/${service}`);
  }
  tryLock(plan, owner, _image, leaseUntil) {
    return tryLease(this.clients, this.namespace(plan.environment), owner, leaseUntil);
  }
  unlock(environment, id) {
    return releaseLease(this.clients, this.namespace(environment), id);
  }
  async setExpiry(plan, _owner, expires) {
    await this.patchNamespace(this.namespace(plan.environment), { [LABELS.expires]: expires.toISOString() });
  }
  async expiries() {
    const namespaces = await this.clients.core.listNamespace({ labelSelector: `${K8S.managed}=true` });
    const out = /* @__PURE__ */ new Map();
    for (const ns of namespaces.items) {
      const a = ns.metadata?.annotations ?? {};
      const environment = a[LABELS.environment];
      const raw = a[LABELS.expires];
      const expires = raw ? new Date(raw) : void 0;
      if (environment && expires && !Number.isNaN(expires.getTime())) out.set(environment, expires);
    }
    return out;
  }
  async hasMarker(environment, marker) {
    const ns = await unlessMissing(this.clients.core.readNamespace({ name: this.namespace(environment) }));
    return ns?.metadata?.annotations?.[`${K8S.markerPrefix}${marker}`] !== void 0;
  }
  async list() {
    const managed = `${K8S.managed}=true`;
    const { core } = this.clients;
    const [namespaces, pods, claims, volumes] = await Promise.all([
      core.listNamespace({ labelSelector: managed }),
      core.listPodForAllNamespaces({ labelSelector: `${managed},${LABELS.service}` }),
      core.listConfigMapForAllNamespaces({ fieldSelector: `metadata.name=${CLAIM}` }),
      core.listPersistentVolumeClaimForAllNamespaces({ labelSelector: managed })
    ]);
    const out = [];
    for (const ns of namespaces.items) {
      const a = ns.metadata?.annotations ?? {};
      const environment = a[LABELS.environment];
      const name = ns.metadata?.name;
      if (!environment || !name || this.namespace(environment) !== name) continue;
      const marker = (m) => markerValue(a[`${K8S.markerPrefix}${m}`]);
      const complete = marker("complete");
      const services = pods.items.filter((p) => p.metadata?.namespace === name).map((p) => ({ name: serviceOf(p) ?? p.metadata?.name ?? "", state: statusOfPod(p).state }));
      out.push({
        environment,
        project: a[LABELS.project] ?? "",
        created: new Date(a[LABELS.created] ?? ns.metadata?.creationTimestamp ?? 0),
        owner: complete?.owner ?? a[LABELS.owner] ?? "",
        complete: complete !== void 0,
        ephemeral: complete?.lifetime === "run" && marker("kept") === void 0,
        volumesKept: marker("volumes-kept") !== void 0,
        workingDir: a[LABELS.workingDir] ?? "",
        services,
        // The namespace is the environment's network while one `up` holds it.
        networks: claims.items.some((c) => c.metadata?.namespace === name) ? 1 : 0,
        volumes: volumes.items.filter((v) => v.metadata?.namespace === name).length
      });
    }
    return out.sort((x, y) => x.environment.localeCompare(y.environment));
  }
  async remove(environment, options) {
    const namespace = this.namespace(environment);
    const { core } = this.clients;
    const ns = await unlessMissing(core.readNamespace({ name: namespace }));
    if (!ns) return { containers: 0, networks: 0, volumes: 0 };
    const [pods, claims, claim] = await Promise.all([
      core.listNamespacedPod({ namespace, labelSelector: `${K8S.managed}=true,${LABELS.service}` }),
      core.listNamespacedPersistentVolumeClaim({ namespace }),
      unlessMissing(core.readNamespacedConfigMap({ namespace, name: CLAIM }))
    ]);
    await this.closeTunnels(namespace);
    if (options.keepVolumes && claims.items.length > 0) return this.removeKeepingVolumes(environment, namespace, pods.items.length, claim !== void 0);
    await unlessMissing(core.deleteNamespace({ name: namespace, body: { propagationPolicy: "Background" } }));
    await unlessMissing(core.deleteCollectionNamespacedPod({ namespace, gracePeriodSeconds: 0 }));
    const deadline = Date.now() + REMOVE_TIMEOUT_MS;
    while (await unlessMissing(core.readNamespace({ name: namespace }))) {
      if (Date.now() > deadline) throw new Error(`namespace ${namespace} is still being deleted after ${REMOVE_TIMEOUT_MS / 6e4} min (see kubectl get namespace ${namespace} -o yaml: its conditions say what holds it)`);
      await sleep(POLL_MS3 * 2);
    }
    return { containers: pods.items.length, networks: claim || pods.items.length > 0 ? 1 : 0, volumes: options.keepVolumes ? 0 : claims.items.length };
  }
  /** `down --keep-volumes`: everything but the claims (and the namespace they live in). */
  async removeKeepingVolumes(environment, namespace, containers, claimed) {
    const { core, apps, batch } = this.clients;
    await Promise.all([
      apps.deleteCollectionNamespacedDeployment({ namespace, propagationPolicy: "Foreground" }),
      batch.deleteCollectionNamespacedJob({ namespace, propagationPolicy: "Foreground" }),
      core.deleteCollectionNamespacedService({ namespace }),
      core.deleteCollectionNamespacedConfigMap({ namespace, labelSelector: `${K8S.managed}=true` }),
      core.deleteCollectionNamespacedSecret({ namespace, labelSelector: `${K8S.managed}=true` }),
      this.clients.networking.deleteCollectionNamespacedIngress({ namespace, labelSelector: `${K8S.managed}=true` })
    ]);
    await core.deleteCollectionNamespacedPod({ namespace });
    while ((await core.listNamespacedPod({ namespace })).items.length > 0) await sleep(POLL_MS3 * 2);
    const ns = await core.readNamespace({ name: namespace });
    const drop = Object.fromEntries(Object.keys(ns.metadata?.annotations ?? {}).filter((k) => k.startsWith(K8S.markerPrefix)).map((k) => [k, null]));
    await this.patchNamespace(namespace, { ...drop, [`${K8S.markerPrefix}volumes-kept`]: JSON.stringify({ at: (/* @__PURE__ */ new Date()).toISOString(), environment }) });
    return { containers, networks: claimed ? 1 : 0, volumes: 0 };
  }
  async closeTunnels(namespace) {
    if (this.tunnels.keys().some((k) => k.startsWith(`${namespace}/`))) await this.tunnels.close();
  }
};
var NotRunningError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "NotRunningError";
  }
};
function isPod(object) {
  return typeof object === "object" && object !== null && "metadata" in object && "status" in object;
}
function parsePublished(raw) {
  try {
    const parsed = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter((p) => typeof p === "object" && p !== null && typeof p.target === "number") : [];
  } catch {
    return [];
  }
}
function markerValue(raw) {
  if (raw === void 0) return void 0;
  try {
    const parsed = JSON.parse(raw);
    if (typeof parsed !== "object" || parsed === null) return {};
    const owner = "owner" in parsed && typeof parsed.owner === "string" ? parsed.owner : void 0;
    const lifetime = "lifetime" in parsed && typeof parsed.lifetime === "string" ? parsed.lifetime : void 0;
    return { ...owner ? { owner } : {}, ...lifetime ? { lifetime } : {} };
  } catch {
    return {};
  }
}
function definedOf(spec) {
  return { ...spec.command ? { command: spec.command } : {}, ...spec.entrypoint ? { entrypoint: spec.entrypoint } : {}, ...spec.workdir ? { workdir: spec.workdir } : {} };
}
async function drain(stream, into) {
  const { TextTail: TextTail2, writeText: writeText2 } = await import("./text-streams-TVEEP6X4.js");
  const tail = new TextTail2();
  for await (const chunk of stream) {
    if (into) await writeText2(into, chunk);
    else tail.push(chunk);
  }
  return tail.render();
}
export {
  KubernetesBackend,
  NotRunningError
};
