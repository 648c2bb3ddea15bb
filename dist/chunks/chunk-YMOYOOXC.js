#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));

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

// src/util/text.ts
function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
function compareText(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
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
  services.sort((a, b) => a.level - b.level || compareText(a.name, b.name));
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
    // A getter: validate plans too, and never reads the hash (src/util/hash.ts).
    get definitionHash() {
      return definition.hash;
    },
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

export {
  escapeRegExp,
  compareText,
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
