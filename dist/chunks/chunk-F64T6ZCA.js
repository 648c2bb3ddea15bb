#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));

// src/backends/backend.ts
var LABELS = {
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
  commit: "dev.prenv.commit"
};
function environmentRecord(plan, owner, version) {
  return {
    [LABELS.environment]: plan.environment,
    [LABELS.project]: plan.project,
    [LABELS.definitionHash]: plan.definitionHash,
    [LABELS.version]: version,
    [LABELS.created]: (/* @__PURE__ */ new Date()).toISOString(),
    [LABELS.owner]: `${owner.host}:${owner.pid}`,
    [LABELS.workingDir]: plan.workingDir,
    [LABELS.lifetime]: owner.ephemeral ? "run" : "until-down",
    ...originLabels(owner)
  };
}
function originLabels(owner) {
  return {
    ...owner.pullRequest !== void 0 ? { [LABELS.pullRequest]: String(owner.pullRequest) } : {},
    ...owner.commit ? { [LABELS.commit]: owner.commit } : {}
  };
}
function describeReason(reason) {
  const what = {
    ImagePullBackOff: "its image cannot be pulled",
    ErrImagePull: "its image cannot be pulled",
    CrashLoopBackOff: "it keeps crashing",
    OOMKilled: "it was killed for running out of memory (its memory limit)",
    Unschedulable: "no node can run it",
    Error: "the engine reports an error"
  };
  return `${what[reason.code]} (${reason.code}${reason.message && reason.message !== reason.code ? `: ${reason.message}` : ""})`;
}
function canUpdate(backend) {
  return backend.capabilities.updateInPlace;
}
var FaultError = class extends Error {
  fault;
  hint;
  constructor(fault, message, options = {}) {
    super(message, { cause: options.cause });
    this.name = "FaultError";
    this.fault = fault;
    this.hint = options.hint;
  }
};
var BACKEND_KINDS = ["docker", "kubernetes"];
var RuntimeUnavailableError = class extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "RuntimeUnavailableError";
  }
};
var ConflictError = class extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "ConflictError";
  }
};
var UnsupportedError = class extends Error {
  hint;
  capability;
  constructor(message, hint, options = {}) {
    super(message, { cause: options.cause });
    this.name = "UnsupportedError";
    this.hint = hint;
    this.capability = options.capability;
  }
};
function requireCapabilities(backend, needed) {
  const missing = needed.filter((n) => !backend.capabilities[n.capability]);
  if (missing.length === 0) return;
  const where = (l) => `${l.file}:${l.line}:${l.column}`;
  const first = missing[0].location;
  const reasons = missing.map((m, i) => m.location && i > 0 ? `${m.because} (${where(m.location)})` : m.because);
  throw new UnsupportedError(`${first ? `${where(first)}: ` : ""}the ${backend.kind} backend cannot ${reasons.join(", nor ")}`, "run it on a backend that can (--backend docker), or leave those out of the definition", { capability: missing[0].capability });
}
var ServiceError = class extends Error {
  service;
  hint;
  logTail;
  /**
   * The service whose whole log tells more. Where to read it (`prenv logs`, the results
   * folder, nowhere) depends on whether the environment is still there, so the one who
   * reports the error says it.
   */
  logOf;
  constructor(service, message, options = {}) {
    super(message, { cause: options.cause });
    this.name = "ServiceError";
    this.service = service;
    this.hint = options.hint;
    this.logTail = options.logTail;
    this.logOf = options.logOf;
  }
};

// src/definition/errors.ts
var DefinitionError = class extends Error {
  diagnostics;
  /** Warnings found up to the errors: printed with them, so that one round fixes everything. */
  warnings;
  constructor(diagnostics, options) {
    super(diagnostics.map(formatDiagnostic).join("\n"), { cause: options?.cause ?? diagnostics.find((d) => d.cause !== void 0)?.cause });
    this.name = "DefinitionError";
    this.diagnostics = diagnostics;
    this.warnings = options?.warnings ?? [];
  }
  /** The warnings, then the errors, as printed. */
  report() {
    return [...this.warnings.map(formatDiagnostic), this.message].join("\n");
  }
};
function throwIfErrors(diagnostics) {
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new DefinitionError(errors, { warnings: diagnostics.filter((d) => d.severity === "warning") });
}
function formatLocation(location) {
  return `${location.file}:${location.line}:${location.column}`;
}
function formatDiagnostic(d) {
  const where = d.location ? `${formatLocation(d.location)}: ` : "";
  const service = d.service && !d.message.includes(`"${d.service}"`) ? ` (service "${d.service}")` : "";
  const hint = d.hint ? `
  hint: ${d.hint}` : "";
  return `${where}${d.severity}: ${d.message}${service}${hint}`;
}
function error(message, extra = {}) {
  return { severity: "error", message, ...extra };
}
function warning(message, extra = {}) {
  return { severity: "warning", message, ...extra };
}

// src/plan/plan.ts
import { relative } from "node:path";

// src/engine/endpoints.ts
function variablePart(name) {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}
function endpointVariables(environment, endpoints) {
  const vars = { PRENV_ENVIRONMENT: environment };
  const seen = /* @__PURE__ */ new Set();
  for (const e of endpoints) {
    const svc = variablePart(e.service);
    const host = reachableHost(e.hostIp);
    const suffix = e.protocol === "udp" ? `${e.containerPort}_UDP` : String(e.containerPort);
    vars[`PRENV_${svc}_${suffix}_HOST`] = host;
    vars[`PRENV_${svc}_${suffix}_PORT`] = String(e.hostPort);
    if (e.protocol === "tcp" && !seen.has(svc)) {
      seen.add(svc);
      vars[`PRENV_${svc}_HOST`] = host;
      vars[`PRENV_${svc}_PORT`] = String(e.hostPort);
      vars[`PRENV_${svc}_URL`] = `http://${hostAndPort(host, e.hostPort)}`;
    }
  }
  return vars;
}
function reachableHost(hostIp) {
  if (hostIp === "0.0.0.0" || hostIp === "") return "127.0.0.1";
  return hostIp === "::" ? "::1" : hostIp;
}
function hostAndPort(host, port) {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

// src/plan/plan.ts
var PlanError = class extends Error {
  hint;
  constructor(message, hint) {
    super(message);
    this.name = "PlanError";
    this.hint = hint;
  }
};
var ENV_NAME = /^[a-z0-9][a-z0-9_-]{0,48}$/;
function repositoryOf(reference) {
  const at = reference.indexOf("@");
  if (at >= 0) return reference.slice(0, at);
  const colon = reference.lastIndexOf(":");
  return colon > reference.lastIndexOf("/") ? reference.slice(0, colon) : reference;
}
function planEnvironment(definition, options = {}) {
  const environment = options.environment ?? definition.name;
  if (!ENV_NAME.test(environment)) {
    throw new PlanError(`environment name "${environment}" is not usable`, "use 1-49 characters: lower-case letters, digits, '-' and '_', starting with a letter or digit");
  }
  const testService = options.testService;
  const selected = selectServices(definition, options.services ?? (testService ? Object.keys(definition.services).filter((s) => s !== testService) : void 0));
  if (testService) {
    if (!definition.services[testService]) throw new PlanError(`test service "${testService}" is not defined`, `choose from ${Object.keys(definition.services).join(", ")}`);
    for (const dep of Object.keys(definition.services[testService].dependsOn)) if (definition.services[dep]) selectServices(definition, [dep]).forEach((d) => selected.add(d));
    selected.delete(testService);
  }
  const completionAwaited = /* @__PURE__ */ new Set();
  for (const name of selected) {
    for (const [dep, d] of Object.entries(definition.services[name].dependsOn)) {
      if (d.condition === "service_completed_successfully") completionAwaited.add(dep);
    }
  }
  const levels = /* @__PURE__ */ new Map();
  const levelOf = (name) => {
    const known = levels.get(name);
    if (known !== void 0) return known;
    const deps = Object.keys(definition.services[name].dependsOn).filter((d) => selected.has(d));
    const level = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(levelOf));
    levels.set(name, level);
    return level;
  };
  const pins = options.pins ?? {};
  for (const [name, digest] of Object.entries(pins)) {
    const spec = definition.services[name];
    if (!spec) throw new PlanError(`--pin names service "${name}", which the definition does not have`, `the services are ${Object.keys(definition.services).join(", ")}`);
    if (spec.build !== void 0) throw new PlanError(`--pin ${name}: the service is built from the repository, so it cannot be pinned to a digest`, "remove the --pin: the image is rebuilt from the same commit");
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new PlanError(`--pin ${name}=${digest} is not a digest`, "write --pin <service>=sha256:<64 hex digits>, as the run's reproduction line has it");
  }
  const planned = (name, runsToCompletion) => {
    const spec = definition.services[name];
    const pin = pins[name];
    return {
      name,
      spec,
      // The tag of a built image comes with the build: a hash of what it is built from.
      image: pin && spec.image ? `${repositoryOf(spec.image)}@${pin}` : spec.image ?? `prenv-build/${definition.name}-${name}`,
      build: spec.build !== void 0,
      dependsOn: Object.fromEntries(Object.entries(spec.dependsOn).filter(([d]) => selected.has(d))),
      readiness: readinessOf(spec, runsToCompletion),
      runsToCompletion,
      level: levelOf(name),
      ports: spec.ports
    };
  };
  endpointNamesApart(definition, [...selected]);
  const services = [...selected].map((name) => planned(name, completionAwaited.has(name)));
  services.sort((a, b) => a.level - b.level || a.name.localeCompare(b.name));
  const test = testService ? planned(testService, true) : void 0;
  const networkKeys = /* @__PURE__ */ new Set();
  for (const s of [...services, ...test ? [test] : []]) for (const n of Object.keys(networksOf(s.spec))) networkKeys.add(n);
  const networks = [...networkKeys].sort().map((key) => {
    const n = definition.networks[key];
    const external = n?.external ?? false;
    return { key, external, internal: n?.internal ?? false, ...external ? { externalName: n.name } : {} };
  });
  const volumeKeys = /* @__PURE__ */ new Set();
  for (const s of [...services, ...test ? [test] : []]) for (const m of s.spec.mounts) if (m.type === "volume" && m.source) volumeKeys.add(m.source);
  const volumes = [...volumeKeys].sort().map((key) => {
    const v = definition.volumes[key];
    return { key, external: v.external, ...v.external ? { externalName: v.name } : {} };
  });
  return {
    environment,
    project: definition.name,
    definitionHash: definition.hash,
    workingDir: definition.workingDir,
    files: definition.files,
    services,
    ...test ? { testService: test } : {},
    networks,
    volumes
  };
}
function endpointNamesApart(definition, names) {
  const byPart = /* @__PURE__ */ new Map();
  for (const name of names.sort()) {
    const part = variablePart(name);
    const other = byPart.get(part);
    if (other === void 0) {
      byPart.set(part, name);
      continue;
    }
    const where = (n) => {
      const at = definition.services[n].location;
      return at ? ` (${formatLocation({ ...at, file: relative(definition.workingDir, at.file) || at.file })})` : "";
    };
    throw new PlanError(
      `services "${other}"${where(other)} and "${name}"${where(name)} would both set the test command's PRENV_${part}_* variables`,
      "rename one of them so that their names differ in letters or digits, not only in '-', '.' or '_'"
    );
  }
}
function networksOf(spec) {
  return Object.keys(spec.networks).length > 0 ? spec.networks : { default: { aliases: [] } };
}
function selectServices(definition, wanted) {
  if (!wanted || wanted.length === 0) return new Set(Object.keys(definition.services));
  const out = /* @__PURE__ */ new Set();
  const add = (name) => {
    if (out.has(name)) return;
    if (!definition.services[name]) {
      throw new PlanError(`service "${name}" is not defined`, `choose from ${Object.keys(definition.services).join(", ")}`);
    }
    out.add(name);
    for (const dep of Object.keys(definition.services[name].dependsOn)) if (definition.services[dep]) add(dep);
  };
  wanted.forEach(add);
  return out;
}
function readinessOf(spec, runsToCompletion) {
  if (runsToCompletion) return [{ kind: "completed" }];
  const checks = [];
  const hc = spec.healthcheck;
  if (hc && hc.test.length > 0 && hc.test[0] !== "NONE") {
    const timeoutMs = hc.timeoutMs ?? 3e4;
    const unhealthyAfterMs = (hc.startPeriodMs ?? 0) + (hc.retries ?? 3) * ((hc.intervalMs ?? 3e4) + timeoutMs);
    checks.push({ kind: "healthcheck", test: hc.test, timeoutMs, unhealthyAfterMs });
  }
  checks.push(...spec.ready);
  return checks.length > 0 ? checks : [{ kind: "running" }];
}
function describeCheck(check) {
  switch (check.kind) {
    case "running":
      return "running";
    case "healthcheck":
      return `healthcheck ${check.test[0] === "CMD-SHELL" ? check.test[1] : JSON.stringify(check.test.slice(1))}`;
    case "port":
      return `port ${check.port} accepts connections`;
    case "http":
      return `GET :${check.port}${check.path} answers ${check.status}`;
    case "log":
      return `log matches /${check.pattern}/`;
    case "command":
      return `command ${JSON.stringify(check.command)} succeeds`;
    case "completed":
      return "runs to completion with exit code 0";
  }
}

// src/util/async.ts
function withTimeout(work, timeoutMs, signal) {
  return new Promise((resolve, reject) => {
    const timer = timeoutMs !== void 0 ? setTimeout(() => reject(new Error(`timed out after ${Math.round(timeoutMs / 1e3)} s`)), timeoutMs) : void 0;
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error("interrupted"));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    });
  });
}
function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

// src/util/objects.ts
function definedFields(value) {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== void 0));
}
function stableJson(value, omit = () => false) {
  return JSON.stringify(
    value,
    (k, v) => omit(k) ? void 0 : v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v
  );
}

export {
  LABELS,
  environmentRecord,
  describeReason,
  canUpdate,
  FaultError,
  BACKEND_KINDS,
  RuntimeUnavailableError,
  ConflictError,
  UnsupportedError,
  requireCapabilities,
  ServiceError,
  withTimeout,
  sleep,
  definedFields,
  stableJson,
  DefinitionError,
  throwIfErrors,
  formatLocation,
  formatDiagnostic,
  error,
  warning,
  endpointVariables,
  reachableHost,
  hostAndPort,
  PlanError,
  repositoryOf,
  planEnvironment,
  networksOf,
  describeCheck
};
