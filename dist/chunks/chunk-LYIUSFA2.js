#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  XMLParser,
  XMLValidator
} from "./chunk-2NQ2TY7A.js";
import {
  FAULT_KINDS,
  INSTANT_FAULTS,
  NETWORK_FAULTS,
  chaosNeeds,
  chaosProblems,
  plannedTimeline,
  targetsOf
} from "./chunk-RS5NC4LF.js";
import {
  BootError,
  Output,
  Redactor,
  TEST_LOG_FILE,
  configHash,
  diffEnvironment,
  logTail,
  looksSecret,
  passText,
  saveLog,
  serviceLogFile,
  stepLogFile,
  up
} from "./chunk-4KSUVC4P.js";
import {
  ConflictError,
  DefinitionError,
  FaultError,
  ServiceError,
  UnsupportedError,
  canUpdate,
  definedFields,
  describeIssue,
  didYouMean,
  endpointVariables,
  error,
  external_exports,
  fileContent,
  imageProblem,
  isMapping,
  loadDefinition,
  parseDuration,
  parseMount,
  readYaml,
  requireCapabilities,
  resolveFiles,
  sleep,
  stableJson,
  throwIfErrors,
  toArgv,
  valueAt,
  warning,
  withTimeout
} from "./chunk-K3GAFYTF.js";
import {
  mergeInto,
  writeText
} from "./chunk-OJWCZQZI.js";

// src/definition/params.ts
var PARAM_TYPES = ["string", "integer", "number", "boolean", "enum", "list"];
var SECRET_ENV_PREFIX = "PRENV_SECRET_";
var PARAM_ENV_PREFIX = "PRENV_PARAM_";
var NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
var SPEC_KEYS = ["type", "default", "description", "required", "values", "secret"];
function parseParamSpecs(source, path, diagnostics) {
  const block = valueAt(source.value, path);
  if (block === void 0 || block === null) return [];
  const fail = (message2, at, hint, key = false) => diagnostics.push(error(message2, { location: key ? source.locateKey([...path, ...at]) : source.locate([...path, ...at]), hint }));
  if (!isMapping(block)) {
    fail("params must be a mapping of parameter names to their specs", [], 'write `params: { db_version: { type: string, default: "16" } }`');
    return [];
  }
  const specs = [];
  for (const [name, raw] of Object.entries(block)) {
    if (!NAME.test(name)) {
      fail(`parameter name "${name}" cannot be used in \${...}`, [name], "use letters, digits and _, starting with a letter or _", true);
      continue;
    }
    if (!isMapping(raw)) {
      fail(`parameter "${name}" must be a mapping with at least a type`, [name], `write \`${name}: { type: string, default: "..." }\``);
      continue;
    }
    for (const key of Object.keys(raw)) {
      if (SPEC_KEYS.includes(key)) continue;
      const guess = didYouMean(key, SPEC_KEYS);
      fail(`unknown key "${key}" in parameter "${name}"`, [name, key], guess ? `did you mean "${guess}"?` : `a parameter has ${SPEC_KEYS.join(", ")}`, true);
    }
    const type = raw.type ?? (Array.isArray(raw.values) ? "enum" : "string");
    if (typeof type !== "string" || !PARAM_TYPES.includes(type)) {
      const guess = typeof type === "string" ? didYouMean(type, PARAM_TYPES) : void 0;
      fail(`parameter "${name}" has type ${JSON.stringify(type)}, which is not a parameter type`, [name, "type"], guess ? `did you mean "${guess}"?` : `use one of ${PARAM_TYPES.join(", ")}`);
      continue;
    }
    const spec = { name, type, required: raw.required === true, secret: raw.secret === true, location: source.locateKey([...path, name]) };
    if (raw.required !== void 0 && typeof raw.required !== "boolean") fail(`"required" of parameter "${name}" must be true or false`, [name, "required"], "write required: true");
    if (raw.secret !== void 0 && typeof raw.secret !== "boolean") fail(`"secret" of parameter "${name}" must be true or false`, [name, "secret"], "write secret: true");
    if (spec.secret && raw.default !== void 0 && raw.default !== null) {
      fail(`secret parameter "${name}" has a default, which would put a secret into the repository`, [name, "default"], `remove the default and pass the value at run time (PRENV_SECRET_${envName(name)}, or the Action's secrets input)`);
      continue;
    }
    if (raw.description !== void 0) {
      if (typeof raw.description === "string") spec.description = raw.description;
      else fail(`the description of parameter "${name}" must be text`, [name, "description"], "quote it");
    }
    if (spec.type === "enum") {
      if (!Array.isArray(raw.values) || raw.values.length === 0 || !raw.values.every((v) => ["string", "number", "boolean"].includes(typeof v))) {
        fail(`enum parameter "${name}" needs "values": a non-empty list of allowed values`, [name], `write values: ["15", "16"]`);
        continue;
      }
      spec.values = raw.values.map(String);
    } else if (raw.values !== void 0) {
      fail(`"values" only applies to enum parameters, and "${name}" is a ${spec.type}`, [name, "values"], "write type: enum, or remove values");
    }
    if (raw.default !== void 0 && raw.default !== null) {
      const value = coerce(spec, raw.default);
      if (typeof value === "string") fail(`the default of parameter "${name}" ${value.slice(1)}`, [name, "default"], hintFor(spec));
      else spec.default = value.value;
    }
    specs.push(spec);
  }
  return specs;
}
function resolveParams(specs, inputs, diagnostics) {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const resolved = {};
  const secretByNature = (spec) => spec.secret || looksSecret(spec.name);
  for (const spec of specs) resolved[spec.name] = spec.default !== void 0 ? { spec, value: spec.default, origin: "default", secret: secretByNature(spec) } : { spec, secret: secretByNature(spec) };
  const names = specs.map((s) => s.name);
  const unknown = (name, where, location) => {
    const guess = didYouMean(name, names);
    diagnostics.push(
      error(`${where}: unknown parameter "${name}"`, {
        ...location ? { location } : {},
        hint: guess ? `did you mean "${guess}"?` : names.length ? `the parameters are ${names.join(", ")} (prenv describe lists them)` : "this definition declares no params"
      })
    );
  };
  const take = (name, raw, origin, where, location, givenAsSecret = false) => {
    const spec = byName.get(name);
    if (!spec) return unknown(name, where, location);
    const value = coerce(spec, raw);
    if (typeof value === "string") {
      const why = givenAsSecret || secretByNature(spec) ? `has a value that is not ${spec.type === "integer" ? "an" : "a"} ${spec.type} (the value is secret, so it is not shown)` : value.slice(1);
      diagnostics.push(error(`${where}: parameter "${name}" ${why}`, { ...location ? { location } : {}, hint: hintFor(spec) }));
      return;
    }
    resolved[name] = { spec, value: value.value, origin, secret: givenAsSecret || secretByNature(spec) };
  };
  const env = inputs.env ?? {};
  const fromEnv = [];
  for (const [key, raw] of Object.entries(env)) {
    if (raw === void 0) continue;
    const prefix = key.startsWith(PARAM_ENV_PREFIX) ? PARAM_ENV_PREFIX : key.startsWith(SECRET_ENV_PREFIX) ? SECRET_ENV_PREFIX : void 0;
    if (!prefix) continue;
    const wanted = key.slice(prefix.length);
    fromEnv.push([key, raw, specs.find((s) => envName(s.name) === wanted), prefix === SECRET_ENV_PREFIX]);
  }
  fromEnv.sort((a, b) => Number(a[3]) - Number(b[3]));
  for (const [key, raw, spec, secret] of fromEnv) {
    if (spec) take(spec.name, raw, "environment", key, void 0, secret);
    else diagnostics.push(warning(`${key} names no parameter of this definition and is ignored`, { hint: `parameters: ${names.map((n) => `${secret ? SECRET_ENV_PREFIX : PARAM_ENV_PREFIX}${envName(n)}`).join(", ") || "none"}` }));
  }
  for (const { source } of inputs.files ?? []) {
    if (!isMapping(source.value)) {
      diagnostics.push(error(`params file ${source.file} must be a mapping of parameter names to values`, { location: source.locate([]), hint: "write `db_version: 16` lines (YAML) or an object (JSON)" }));
      continue;
    }
    for (const [name, raw] of Object.entries(source.value)) take(name, raw, "params file", `params file ${source.file}`, source.locate([name]));
  }
  for (const item of inputs.set ?? []) {
    const eq = item.indexOf("=");
    if (eq <= 0) {
      diagnostics.push(error(`--set "${item}" is not name=value`, { hint: "write --set db_version=16" }));
      continue;
    }
    take(item.slice(0, eq), item.slice(eq + 1), "--set", `--set ${item}`);
  }
  for (const item of inputs.secrets ?? []) {
    const eq = item.indexOf("=");
    if (eq <= 0) {
      diagnostics.push(error("a line of the secrets input is not name=value", { hint: "write one `name=${{ secrets.NAME }}` line per secret parameter" }));
      continue;
    }
    take(item.slice(0, eq), item.slice(eq + 1), "secrets input", `secrets input, parameter ${item.slice(0, eq)}`, void 0, true);
  }
  for (const r of Object.values(resolved)) {
    if (r.value === void 0 && r.spec.required) {
      diagnostics.push(error(`parameter "${r.spec.name}" is required and has no value`, { ...r.spec.location ? { location: r.spec.location } : {}, hint: r.secret ? `set PRENV_SECRET_${envName(r.spec.name)} (or pass it in the Action's secrets input)` : `pass --set ${r.spec.name}=<value>, a --params-file, or PRENV_PARAM_${envName(r.spec.name)}` }));
    }
  }
  return resolved;
}
function renderParam(value) {
  return Array.isArray(value) ? value.join(",") : String(value);
}
function envName(name) {
  return name.toUpperCase();
}
function coerce(spec, raw) {
  const text = typeof raw === "string" ? raw.trim() : void 0;
  switch (spec.type) {
    case "string":
      return ["string", "number", "boolean"].includes(typeof raw) ? { value: String(raw) } : `!must be text, not ${describe(raw)}`;
    case "integer": {
      const n = typeof raw === "number" ? raw : text !== void 0 && /^[-+]?\d+$/.test(text) ? Number(text) : NaN;
      return Number.isSafeInteger(n) ? { value: n } : `!must be a whole number, not ${describe(raw)}`;
    }
    case "number": {
      const n = typeof raw === "number" ? raw : text !== void 0 && text !== "" ? Number(text) : NaN;
      return Number.isFinite(n) ? { value: n } : `!must be a number, not ${describe(raw)}`;
    }
    case "boolean": {
      if (typeof raw === "boolean") return { value: raw };
      if (text !== void 0 && /^(true|yes|on|1)$/i.test(text)) return { value: true };
      if (text !== void 0 && /^(false|no|off|0)$/i.test(text)) return { value: false };
      return `!must be true or false, not ${describe(raw)}`;
    }
    case "enum": {
      const value = ["string", "number", "boolean"].includes(typeof raw) ? String(raw) : void 0;
      if (value !== void 0 && spec.values.includes(value)) return { value };
      const guess = value !== void 0 && value.length > 2 ? didYouMean(value, spec.values) : void 0;
      return `!must be one of ${spec.values.map((v) => JSON.stringify(v)).join(", ")}, not ${describe(raw)}${guess ? ` (did you mean "${guess}"?)` : ""}`;
    }
    case "list": {
      if (Array.isArray(raw) && raw.every((v) => ["string", "number", "boolean"].includes(typeof v))) return { value: raw.map(String) };
      if (text !== void 0) return { value: text === "" ? [] : text.split(",").map((v) => v.trim()) };
      return `!must be a list, not ${describe(raw)}`;
    }
  }
}
function hintFor(spec) {
  switch (spec.type) {
    case "enum":
      return `use one of ${spec.values.join(", ")}`;
    case "list":
      return `give a comma-separated list, e.g. --set ${spec.name}=a,b`;
    case "boolean":
      return `write --set ${spec.name}=true or false`;
    default:
      return `give ${spec.type === "integer" ? "an" : "a"} ${spec.type}${spec.description ? ` (${spec.description})` : ""}`;
  }
}
function describe(raw) {
  if (raw === null) return "null";
  if (Array.isArray(raw)) return "a list";
  if (typeof raw === "object") return "a mapping";
  return JSON.stringify(raw);
}

// src/definition/environment.ts
import { existsSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";

// src/chaos/definition.ts
var CHAOS_KEYS = ["seed", "helper-image", "faults"];
var FAULT_KEYS = ["name", "fault", "target", "start", "duration", "repeat", "signal", "percent", "rate", "delay", "jitter", "ports"];
var KIND_KEYS = {
  kill: ["signal"],
  stop: [],
  restart: [],
  pause: [],
  partition: [],
  loss: ["percent"],
  bandwidth: ["rate"],
  latency: ["delay", "jitter", "ports"]
};
var DURATION_HINT = 'write a duration such as "500ms", "30s" or "2m"';
var UNTIL_END = "until-end";
function readChaos(raw, ctx) {
  if (raw === void 0 || raw === null) return void 0;
  const fail = (message2, path, hint, key = false) => ctx.diagnostics.push(error(message2, { location: ctx.locate(path, key), hint }));
  if (!isMapping(raw)) {
    fail('"chaos" must be a mapping', ["chaos"], "write chaos: { seed: 42, faults: [ { fault: pause, target: db, start: 10s, duration: 5s } ] }");
    return void 0;
  }
  unknownKeys(raw, ["chaos"], CHAOS_KEYS, "chaos", fail);
  const seed = raw.seed;
  if (seed !== void 0 && typeof seed !== "string" && typeof seed !== "number") fail('"chaos.seed" must be a number or a string', ["chaos", "seed"], "write seed: 42");
  const helperImage = raw["helper-image"];
  if (helperImage !== void 0 && typeof helperImage !== "string") fail('"chaos.helper-image" must be an image reference', ["chaos", "helper-image"], "write helper-image: registry.example.com/prenv-helper:1 (see docs/chaos.md)");
  const list = raw.faults ?? [];
  if (!Array.isArray(list)) {
    fail('"chaos.faults" must be a list of faults', ["chaos", "faults"], "write faults: [ { fault: kill, target: api, start: 10s } ]");
    return void 0;
  }
  const entries = [];
  list.forEach((item, index) => {
    const fault = readFault(item, ["chaos", "faults", index], ctx, fail);
    if (fault) entries.push({ fault, index });
  });
  const faults = entries.map((e) => e.fault);
  if (faults.some((f) => NETWORK_FAULTS.includes(f.action.kind)) && typeof helperImage !== "string") {
    const first = list.findIndex((f) => isMapping(f) && NETWORK_FAULTS.includes(f.fault));
    fail("network faults need chaos.helper-image: the image of the helper container that changes the service's network", ["chaos", "faults", first, "fault"], "set chaos.helper-image to an image with iptables, tc (iproute2) and perl; docs/chaos.md shows a Dockerfile");
  }
  checkOverlaps(entries, ctx, fail);
  return {
    ...typeof seed === "string" || typeof seed === "number" ? { seed: String(seed) } : {},
    ...typeof helperImage === "string" ? { helperImage } : {},
    faults,
    location: ctx.locate(["chaos"])
  };
}
function unknownKeys(value, path, allowed, where, fail) {
  for (const key of Object.keys(value)) {
    if (allowed.includes(key) || key.startsWith("x-")) continue;
    const guess = didYouMean(key, allowed);
    fail(`unknown key "${key}" in ${where}`, [...path, key], guess ? `did you mean "${guess}"?` : `${where} has ${allowed.join(", ")}`, true);
  }
}
function duration(value, path, fail, what) {
  const text = typeof value === "number" ? `${value}` : typeof value === "string" ? value : void 0;
  const ms = text === void 0 ? void 0 : parseDuration(text);
  if (ms === void 0) {
    fail(`${what} ${JSON.stringify(value)} is not a duration`, path, DURATION_HINT);
    return void 0;
  }
  return ms;
}
function readFault(item, path, ctx, fail) {
  const n = Number(path[path.length - 1]) + 1;
  if (!isMapping(item)) {
    fail(`fault ${n} must be a mapping`, path, "write { fault: pause, target: db, start: 10s, duration: 5s }");
    return void 0;
  }
  const kind = item.fault;
  if (typeof kind !== "string" || !FAULT_KINDS.includes(kind)) {
    const guess = typeof kind === "string" ? didYouMean(kind, [...FAULT_KINDS]) : void 0;
    fail(kind === void 0 ? `fault ${n} says nothing to do` : `fault ${n}: "${String(kind)}" is not a fault`, kind === void 0 ? path : [...path, "fault"], guess ? `did you mean "${guess}"?` : `write fault: one of ${FAULT_KINDS.join(", ")}`, kind === void 0);
    return void 0;
  }
  const k = kind;
  const own = KIND_KEYS[k];
  unknownKeys(item, path, FAULT_KEYS, `fault ${n}`, fail);
  for (const key of Object.keys(item)) {
    if (FAULT_KEYS.includes(key) && !["name", "fault", "target", "start", "duration", "repeat"].includes(key) && !own.includes(key)) {
      fail(`a ${k} fault has no "${key}"`, [...path, key], own.length ? `a ${k} fault takes ${own.join(", ")}` : `remove it: a ${k} fault takes no settings`, true);
    }
  }
  const rawTarget = item.target;
  const targets = typeof rawTarget === "string" ? [rawTarget] : Array.isArray(rawTarget) && rawTarget.every((t) => typeof t === "string") ? rawTarget : void 0;
  const wanted = k === "partition" ? 2 : 1;
  if (!targets || targets.length !== wanted) {
    fail(k === "partition" ? `a partition needs two services: target: [api, db]` : `fault ${n} needs one target service`, rawTarget === void 0 ? path : [...path, "target"], k === "partition" ? "write target: [api, db]" : "write target: <service>", rawTarget === void 0);
    return void 0;
  }
  let targetsOk = true;
  targets.forEach((t, j) => {
    if (ctx.services.includes(t)) return;
    targetsOk = false;
    const guess = didYouMean(t, ctx.services);
    fail(`service "${t}" is not defined`, typeof rawTarget === "string" ? [...path, "target"] : [...path, "target", j], guess ? `did you mean "${guess}"?` : `the services are ${ctx.services.join(", ")}`);
  });
  if (k === "partition" && targets[0] === targets[1]) {
    fail("a partition is between two different services", [...path, "target"], "name the two sides: target: [api, db]");
    targetsOk = false;
  }
  const start = readStart(item.start, [...path, "start"], fail);
  const instant = INSTANT_FAULTS.includes(k);
  let durationMs = 0;
  if (instant) {
    if (item.duration !== void 0) fail(`a ${k} fault happens at one moment: it has no duration`, [...path, "duration"], k === "kill" ? "the service's restart policy decides whether it comes back; use stop for a service that stays down for a while" : "remove duration", true);
  } else if (item.duration === UNTIL_END) durationMs = null;
  else if (item.duration === void 0) {
    fail(`a ${k} fault needs a duration`, path, `write duration: 10s, or duration: ${UNTIL_END}`, false);
    durationMs = void 0;
  } else {
    durationMs = duration(item.duration, [...path, "duration"], fail, "duration");
    if (durationMs === 0) {
      fail("a duration of 0 does nothing", [...path, "duration"], DURATION_HINT);
      durationMs = void 0;
    }
  }
  let repeat;
  if (item.repeat !== void 0) {
    const r = item.repeat;
    if (!isMapping(r)) fail('"repeat" must be a mapping', [...path, "repeat"], "write repeat: { every: 30s, count: 3 }");
    else {
      unknownKeys(r, [...path, "repeat"], ["every", "count"], "repeat", fail);
      const everyMs = duration(r.every, [...path, "repeat", "every"], fail, "repeat.every");
      const count = r.count;
      if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > 1e3) fail(`repeat.count ${JSON.stringify(count)} is not a count from 1 to 1000`, [...path, "repeat", "count"], "write count: 3 (the number of times in all)");
      else if (everyMs !== void 0) {
        if (durationMs === null && count > 1) fail(`a fault that lasts ${UNTIL_END} cannot repeat`, [...path, "repeat"], "give it a duration, or remove repeat");
        else if (everyMs === 0) fail("repeat.every must be more than 0", [...path, "repeat", "every"], DURATION_HINT);
        else repeat = { everyMs, count };
      }
    }
  }
  const action = readAction(k, targets, item, path, fail);
  if (!start || durationMs === void 0 || !action || !targetsOk) return void 0;
  const name = typeof item.name === "string" ? item.name : `${k} ${targets.join("\u2194")}`;
  return { name, action, start, durationMs, ...repeat ? { repeat } : {}, location: ctx.locate(path) };
}
function readStart(value, path, fail) {
  const hint = "write start: 10s (after the suite starts), or start: { between: [5s, 20s] } (a moment drawn from the seed)";
  if (value === void 0) {
    fail("the fault needs a start", path.slice(0, -1), hint);
    return void 0;
  }
  if (isMapping(value)) {
    const between = value.between;
    if (!Array.isArray(between) || between.length !== 2) {
      fail('"start" as a mapping must be { between: [earliest, latest] }', path, hint);
      return void 0;
    }
    const lo = duration(between[0], [...path, "between", 0], fail, "start");
    const hi = duration(between[1], [...path, "between", 1], fail, "start");
    if (lo === void 0 || hi === void 0) return void 0;
    if (hi < lo) {
      fail(`the window's end (${between[1]}) is before its start (${between[0]})`, [...path, "between"], "write the earlier moment first");
      return void 0;
    }
    return { betweenMs: [lo, hi] };
  }
  const at = duration(value, path, fail, "start");
  return at === void 0 ? void 0 : { atMs: at };
}
function readAction(kind, targets, item, path, fail) {
  const target = targets[0];
  switch (kind) {
    case "kill": {
      const signal = item.signal ?? "SIGKILL";
      if (typeof signal !== "string" || !/^(SIG)?[A-Z0-9]+$/.test(signal)) {
        fail(`signal ${JSON.stringify(signal)} is not a signal name`, [...path, "signal"], "write signal: SIGKILL (the default) or SIGTERM");
        return void 0;
      }
      return { kind, target, signal: signal.startsWith("SIG") ? signal : `SIG${signal}` };
    }
    case "stop":
    case "restart":
    case "pause":
      return { kind, target };
    case "partition":
      return { kind, target, peer: targets[1] };
    case "loss": {
      const percent = typeof item.percent === "string" ? Number(item.percent.replace(/%$/, "")) : item.percent;
      if (typeof percent !== "number" || !(percent > 0 && percent <= 100)) {
        fail(`percent ${JSON.stringify(item.percent)} is not a percentage above 0 and at most 100`, item.percent === void 0 ? path : [...path, "percent"], "write percent: 10");
        return void 0;
      }
      return { kind, target, percent };
    }
    case "bandwidth": {
      const bits = typeof item.rate === "string" ? parseRate(item.rate) : void 0;
      if (bits === void 0) {
        fail(`rate ${JSON.stringify(item.rate)} is not a rate`, item.rate === void 0 ? path : [...path, "rate"], "write rate: 1mbit (bit, kbit, mbit, gbit per second)");
        return void 0;
      }
      return { kind, target, bitsPerSecond: bits };
    }
    case "latency": {
      const delayMs = item.delay === void 0 ? void 0 : duration(item.delay, [...path, "delay"], fail, "delay");
      if (item.delay === void 0) fail("a latency fault needs a delay", path, "write delay: 100ms (added to each round trip)");
      const jitterMs = item.jitter === void 0 ? 0 : duration(item.jitter, [...path, "jitter"], fail, "jitter");
      const ports = item.ports === void 0 ? [] : Array.isArray(item.ports) ? item.ports : [item.ports];
      if (!ports.every((p) => typeof p === "number" && Number.isInteger(p) && p > 0 && p < 65536)) {
        fail(`ports ${JSON.stringify(item.ports)} are not port numbers`, [...path, "ports"], "write ports: [5432] (the target's ports its clients use)");
        return void 0;
      }
      if (delayMs === void 0 || jitterMs === void 0) return void 0;
      if (delayMs === 0) {
        fail("a delay of 0 adds nothing", [...path, "delay"], DURATION_HINT);
        return void 0;
      }
      if (jitterMs > delayMs) {
        fail(`the jitter (${jitterMs}ms) is larger than the delay (${delayMs}ms)`, [...path, "jitter"], "keep the jitter at most the delay: latency cannot be negative");
        return void 0;
      }
      return { kind, target, delayMs, jitterMs, ports };
    }
  }
}
var RATE_UNITS = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9, bps: 8, kbps: 8e3, mbps: 8e6 };
function parseRate(text) {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(text.trim());
  const unit = m ? RATE_UNITS[m[2].toLowerCase()] : void 0;
  if (!m || unit === void 0) return void 0;
  const bits = Math.round(Number(m[1]) * unit);
  return bits >= 8e3 ? bits : void 0;
}
function checkOverlaps(entries, ctx, fail) {
  const spans = entries.map((e) => ({ ...e, spans: spansOf(e.fault) }));
  for (let i = 0; i < spans.length; i++) {
    const a = spans[i];
    if (a.spans.some((s, r) => r > 0 && s[0] < a.spans[r - 1][1])) {
      fail(`"${a.fault.name}" repeats before it has ended (every ${a.fault.repeat.everyMs}ms, each taking up to ${a.spans[0][1] - a.spans[0][0]}ms of the window)`, ["chaos", "faults", a.index, "repeat"], "make repeat.every longer than the duration plus the start window");
    }
    for (let j = i + 1; j < spans.length; j++) {
      const b = spans[j];
      const shared = targetsOf(a.fault.action).filter((t) => targetsOf(b.fault.action).includes(t));
      if (shared.length === 0) continue;
      if (!a.spans.some(([a0, a1]) => b.spans.some(([b0, b1]) => a0 < b1 && b0 < a1))) continue;
      ctx.diagnostics.push(error(`"${b.fault.name}" can overlap "${a.fault.name}" on ${shared.join(" and ")}`, { location: b.fault.location, hint: `two faults on one service at once would undo each other; move one so that their windows cannot meet (the other is at line ${a.fault.location.line})` }));
    }
  }
}
function spansOf(f) {
  const [lo, hi] = "atMs" in f.start ? [f.start.atMs, f.start.atMs] : f.start.betweenMs;
  const length = f.durationMs === null ? Infinity : Math.max(f.durationMs, 1);
  const count = f.repeat?.count ?? 1;
  return Array.from({ length: count }, (_, r) => [lo + r * (f.repeat?.everyMs ?? 0), hi + r * (f.repeat?.everyMs ?? 0) + length]);
}

// src/definition/prenv-schema.ts
var argv = external_exports.union([external_exports.string(), external_exports.array(external_exports.string())]);
var envMap = external_exports.record(external_exports.string(), external_exports.union([external_exports.string(), external_exports.number(), external_exports.boolean()]));
var port = external_exports.union([external_exports.number().int(), external_exports.string()]);
var stepCommon = {
  name: external_exports.string().optional(),
  timeout: external_exports.string().optional()
};
var execSchema = external_exports.looseObject({
  service: external_exports.string(),
  command: argv,
  user: external_exports.string().optional(),
  workdir: external_exports.string().optional(),
  env: envMap.optional()
});
var runSchema = external_exports.looseObject({
  image: external_exports.string(),
  command: argv.optional(),
  entrypoint: argv.optional(),
  env: envMap.optional(),
  workdir: external_exports.string().optional(),
  volumes: external_exports.array(external_exports.string()).optional()
});
var httpSchema = external_exports.looseObject({
  service: external_exports.string(),
  port,
  path: external_exports.string().optional(),
  method: external_exports.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]).optional(),
  headers: external_exports.record(external_exports.string(), external_exports.string()).optional(),
  body: external_exports.string().optional(),
  expect: external_exports.union([external_exports.number().int(), external_exports.looseObject({ status: external_exports.number().int().optional(), body: external_exports.string().optional() })]).optional()
});
var copySchema = external_exports.looseObject({
  service: external_exports.string(),
  from: external_exports.string(),
  to: external_exports.string()
});
var STEP_KINDS = { exec: execSchema, run: runSchema, http: httpSchema, copy: copySchema };
var TEST_RUNNERS = ["node", "pytest", "jest", "vitest", "go", "maven"];
var testSchema = external_exports.looseObject({
  runner: external_exports.enum(TEST_RUNNERS).optional(),
  command: argv.optional(),
  service: external_exports.string().optional(),
  workdir: external_exports.string().optional(),
  env: envMap.optional(),
  timeout: external_exports.string().optional(),
  reports: external_exports.union([external_exports.string(), external_exports.array(external_exports.string())]).optional()
});
var PRENV_KEYS = ["compose", "params", "setup", "test", "chaos", "preview"];
var RESERVED_KEYS = ["preview"];

// src/definition/environment.ts
var PRENV_FILES = ["prenv.yml", "prenv.yaml"];
var DEFAULT_STEP_TIMEOUT_MS = 2 * 6e4;
var DEFAULT_TEST_TIMEOUT_MS = 30 * 6e4;
function loadEnvironment(options) {
  const diagnostics = [];
  const env = options.env ?? process.env;
  const prenvFile = findPrenvFile(options, diagnostics);
  throwIfErrors(diagnostics);
  let section;
  let composeFiles = options.files;
  if (prenvFile) {
    const source = readYaml(prenvFile, diagnostics);
    throwIfErrors(diagnostics);
    section = { source, base: [] };
    checkTopKeys(source, diagnostics);
    if (!composeFiles?.length) composeFiles = composeListOf(source, diagnostics);
  } else {
    const files = resolveFiles({ ...options }, diagnostics);
    throwIfErrors(diagnostics);
    for (const file of files) {
      const source = readYaml(file, diagnostics, "compose file");
      if (source && isMapping(source.value) && source.value["x-prenv"] !== void 0) {
        section = { source, base: ["x-prenv"] };
        break;
      }
    }
    composeFiles = files;
  }
  throwIfErrors(diagnostics);
  const specs = section ? parseParamSpecs(section.source, [...section.base, "params"], diagnostics) : [];
  const inputs = { set: options.set ?? [], secrets: options.secrets ?? [], env, files: (options.paramsFiles ?? []).flatMap((f) => {
    const path = resolve(options.cwd, f);
    if (!existsSync(path)) {
      diagnostics.push(error(`params file ${path} does not exist`, { hint: "check the path given with --params-file" }));
      return [];
    }
    const source = readYaml(path, diagnostics);
    return source ? [{ source }] : [];
  }) };
  const params = resolveParams(specs, inputs, diagnostics);
  throwIfErrors(diagnostics);
  const variables = Object.fromEntries(Object.values(params).flatMap((p) => p.value === void 0 ? [] : [[p.spec.name, renderParam(p.value)]]));
  let definition;
  try {
    const files = [...composeFiles ?? []];
    if (prenvFile && !files.includes(prenvFile)) files.push(prenvFile);
    definition = loadDefinition({
      ...options,
      files,
      env,
      variables,
      ...prenvFile ? { embedded: { file: prenvFile, keys: PRENV_KEYS } } : {}
    });
    diagnostics.push(...definition.warnings);
  } catch (e) {
    if (!(e instanceof DefinitionError)) throw e;
    diagnostics.push(...e.warnings, ...e.diagnostics);
  }
  throwIfErrors(diagnostics);
  const baseDir = prenvFile ? dirname(prenvFile) : definition.workingDir;
  const values = prenvFile ? definition.embedded ?? {} : asRecord(definition.extensions["x-prenv"]);
  const reader = new SectionReader(section?.source, section?.base ?? [], baseDir, definition, diagnostics);
  if (!prenvFile && section) reader.checkSectionKeys(values);
  const setup = reader.setup(values.setup);
  const test = reader.test(values.test);
  const chaos = readChaos(values.chaos, { locate: (path, key) => reader.at(path, key), services: Object.keys(definition.services), diagnostics });
  throwIfErrors(diagnostics);
  definition.warnings = diagnostics.filter((d) => d.severity === "warning");
  return {
    definition,
    params,
    setup,
    ...test ? { test } : {},
    ...chaos ? { chaos } : {},
    ...section ? { file: section.source.file } : {},
    baseDir
  };
}
function findPrenvFile(options, diagnostics) {
  if (options.definition) {
    const path = resolve(options.cwd, options.definition);
    if (!existsSync(path)) diagnostics.push(error(`definition ${path} does not exist`, { hint: "check the path given with --definition" }));
    return path;
  }
  const named = options.files?.map((f) => resolve(options.cwd, f)).find((f) => PRENV_FILES.includes(basename(f)));
  if (named) return named;
  if (options.files?.length) return void 0;
  return PRENV_FILES.map((f) => resolve(options.cwd, f)).find((f) => existsSync(f));
}
var COMPOSE_TOP = ["name", "services", "networks", "volumes", "include", "version"];
function checkTopKeys(source, diagnostics) {
  if (!isMapping(source.value)) {
    diagnostics.push(error("prenv.yml must be a mapping at the top level", { location: source.locate([]), hint: "start with `compose: [docker-compose.yml]` or `services:`" }));
    return;
  }
  for (const key of Object.keys(source.value)) {
    if (key.startsWith("x-") || COMPOSE_TOP.includes(key) || PRENV_KEYS.includes(key)) {
      if (RESERVED_KEYS.includes(key)) {
        diagnostics.push(warning(`"${key}" is not supported by this version of prenv yet and is ignored`, { location: source.locateKey([key]), hint: "remove it, or expect it to have no effect" }));
      }
      continue;
    }
    const guess = didYouMean(key, [...PRENV_KEYS, ...COMPOSE_TOP]);
    diagnostics.push(error(`unknown key "${key}" in prenv.yml`, { location: source.locateKey([key]), hint: guess ? `did you mean "${guess}"?` : `prenv.yml has ${PRENV_KEYS.join(", ")} and compose's ${COMPOSE_TOP.join(", ")}` }));
  }
}
function composeListOf(source, diagnostics) {
  const raw = source.value.compose;
  if (raw === void 0 || raw === null) return [];
  const list = typeof raw === "string" ? [raw] : raw;
  if (!Array.isArray(list) || !list.every((f) => typeof f === "string")) {
    diagnostics.push(error('"compose" must be a file name or a list of file names', { location: source.locate(["compose"]), hint: "write compose: [docker-compose.yml]" }));
    return [];
  }
  const dir = dirname(source.file);
  return list.map((f, i) => {
    const path = resolve(dir, f);
    if (!existsSync(path)) diagnostics.push(error(`compose file ${f} does not exist (looked for ${path})`, { location: source.locate(["compose", ...typeof raw === "string" ? [] : [i]]), hint: "fix the path; it is relative to prenv.yml" }));
    return path;
  });
}
var PRENV_WORDS = {
  describePath: (path) => {
    const shown = path.filter((p) => p !== "x-prenv");
    return shown.length === 0 ? "prenv's section" : `"${shown.map((p) => typeof p === "number" ? `[${p}]` : p).join(".").replace(/\.\[/g, "[")}"`;
  },
  formsHint: (_path, where) => `see docs/prenv-yml.md for the forms ${where} takes`,
  service: () => void 0,
  reference: "docs/prenv-yml.md"
};
var SectionReader = class {
  source;
  base;
  baseDir;
  definition;
  diagnostics;
  constructor(source, base, baseDir, definition, diagnostics) {
    this.source = source;
    this.base = base;
    this.baseDir = baseDir;
    this.definition = definition;
    this.diagnostics = diagnostics;
  }
  at(path, key = false) {
    if (!this.source) return { file: this.definition.files[0] ?? "", line: 1, column: 1 };
    return key ? this.source.locateKey([...this.base, ...path]) : this.source.locate([...this.base, ...path]);
  }
  fail(message2, path, hint, key = false) {
    this.diagnostics.push(error(message2, { location: this.at(path, key), hint }));
  }
  checkSectionKeys(values) {
    const allowed = PRENV_KEYS.filter((k) => k !== "compose");
    for (const key of Object.keys(values)) {
      if (allowed.includes(key)) continue;
      const guess = didYouMean(key, allowed);
      this.fail(`unknown key "${key}" in x-prenv`, [key], guess ? `did you mean "${guess}"?` : `x-prenv has ${allowed.join(", ")}`, true);
    }
  }
  keys(value, path, allowed, where) {
    for (const key of Object.keys(value)) {
      if (allowed.includes(key) || key.startsWith("x-")) continue;
      const guess = didYouMean(key, allowed);
      this.fail(`unknown key "${key}" in ${where}`, [...path, key], guess ? `did you mean "${guess}"?` : `${where} has ${allowed.join(", ")}`, true);
    }
  }
  parse(schema, value, path) {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      const shifted = { ...issue, path: [...this.base, ...path, ...issue.path] };
      this.diagnostics.push(this.source ? describeIssue(shifted, this.source, PRENV_WORDS) : error(issue.message));
    }
    return void 0;
  }
  duration(text, path, fallback) {
    if (text === void 0) return fallback;
    const ms = parseDuration(text);
    if (ms === void 0 || ms <= 0) {
      this.fail(`"${text}" is not a duration`, path, 'write a duration such as "30s", "5m" or "1h"');
      return fallback;
    }
    return ms;
  }
  service(name, path) {
    if (this.definition.services[name]) return;
    const names = Object.keys(this.definition.services);
    const guess = didYouMean(name, names);
    this.fail(`service "${name}" is not defined`, path, guess ? `did you mean "${guess}"?` : `the services are ${names.join(", ")}`);
  }
  argv(value, path) {
    const argv2 = toArgv(value);
    if (typeof argv2 === "string") {
      this.fail(argv2, path, "close the quote, or write the command as a list");
      return void 0;
    }
    if (!argv2 || argv2.length === 0) {
      this.fail("the command is empty", path, "write the command to run");
      return void 0;
    }
    return argv2;
  }
  setup(raw) {
    if (raw === void 0 || raw === null) return [];
    if (!Array.isArray(raw)) {
      this.fail('"setup" must be a list of steps', ["setup"], "write setup: [ { exec: { service: db, command: [...] } } ]");
      return [];
    }
    const steps = [];
    raw.forEach((item, i) => {
      const path = ["setup", i];
      if (!isMapping(item)) {
        this.fail(`setup step ${i + 1} must be a mapping`, path, "write one of exec, run, http, copy");
        return;
      }
      const kinds = Object.keys(item).filter((k) => k in STEP_KINDS);
      if (kinds.length !== 1) {
        this.keys(item, path, [...Object.keys(STEP_KINDS), ...Object.keys(stepCommon)], `setup step ${i + 1}`);
        this.fail(kinds.length === 0 ? `setup step ${i + 1} says nothing to do` : `setup step ${i + 1} has ${kinds.join(" and ")}: one per step`, path, "give exactly one of exec, run, http, copy");
        return;
      }
      const kind = kinds[0];
      this.keys(item, path, [kind, ...Object.keys(stepCommon)], `setup step ${i + 1}`);
      const inner = item[kind];
      const schema = STEP_KINDS[kind];
      if (isMapping(inner)) this.keys(inner, [...path, kind], Object.keys(schema.shape), `${kind} step`);
      const data = this.parse(schema, inner, [...path, kind]);
      const name = typeof item.name === "string" ? item.name : void 0;
      const timeoutMs = this.duration(typeof item.timeout === "string" ? item.timeout : void 0, [...path, "timeout"], DEFAULT_STEP_TIMEOUT_MS);
      if (!data) return;
      const base = { timeoutMs, location: this.at(path) };
      const env = (e) => Object.fromEntries(Object.entries(e ?? {}).map(([k, v]) => [k, String(v)]));
      switch (kind) {
        case "exec": {
          const d = data;
          this.service(d.service, [...path, kind, "service"]);
          const command = this.argv(d.command, [...path, kind, "command"]);
          if (!command) return;
          steps.push({ kind, ...base, name: name ?? `exec in ${d.service}: ${command.join(" ")}`, service: d.service, command, env: env(d.env), ...d.user ? { user: d.user } : {}, ...d.workdir ? { workdir: d.workdir } : {} });
          return;
        }
        case "run": {
          const d = data;
          const bad = imageProblem(d.image);
          if (bad) this.fail(bad.problem, [...path, kind, "image"], bad.hint);
          const command = d.command === void 0 ? void 0 : this.argv(d.command, [...path, kind, "command"]);
          const entrypoint = d.entrypoint === void 0 ? void 0 : this.argv(d.entrypoint, [...path, kind, "entrypoint"]);
          const mounts = [];
          (d.volumes ?? []).forEach((v, j) => {
            const mount = parseMount(v, this.baseDir);
            if (typeof mount === "string") this.fail(mount, [...path, kind, "volumes", j], 'write "./host/path:/container/path[:ro]"');
            else if (mount.type === "volume" && mount.source && !this.definition.volumes[mount.source]) this.fail(`volume "${mount.source}" is not declared under the top-level volumes`, [...path, kind, "volumes", j], "declare it, or use a ./path for a directory");
            else mounts.push(mount);
          });
          steps.push({ kind, ...base, name: name ?? `run ${d.image}${command ? ` ${command.join(" ")}` : ""}`, image: d.image, env: env(d.env), mounts, ...command ? { command } : {}, ...entrypoint ? { entrypoint } : {}, ...d.workdir ? { workdir: d.workdir } : {} });
          return;
        }
        case "http": {
          const d = data;
          this.service(d.service, [...path, kind, "service"]);
          const port2 = Number(d.port);
          if (!Number.isInteger(port2) || port2 <= 0 || port2 > 65535) this.fail(`"${d.port}" is not a port number`, [...path, kind, "port"], "write the container port, e.g. 8080");
          const expect = typeof d.expect === "number" ? { status: d.expect } : d.expect ?? {};
          const p = (d.path ?? "/").startsWith("/") ? d.path ?? "/" : `/${d.path}`;
          steps.push({ kind, ...base, name: name ?? `${d.method ?? "GET"} ${d.service}:${port2}${p}`, service: d.service, port: port2, path: p, method: d.method ?? "GET", headers: d.headers ?? {}, expectStatus: expect.status ?? 200, ...d.body !== void 0 ? { body: d.body } : {}, ...expect.body !== void 0 ? { expectBody: expect.body } : {} });
          return;
        }
        case "copy": {
          const d = data;
          this.service(d.service, [...path, kind, "service"]);
          const from = resolve(this.baseDir, d.from);
          if (!existsSync(from)) this.fail(`copy source ${from} does not exist`, [...path, kind, "from"], "fix the path; it is relative to the definition's directory");
          if (!d.to.startsWith("/")) this.fail(`copy target "${d.to}" must be an absolute path in the container`, [...path, kind, "to"], "write e.g. /seed/");
          steps.push({ kind, ...base, name: name ?? `copy ${d.from} to ${d.service}:${d.to}`, service: d.service, from, to: d.to });
          return;
        }
      }
    });
    return steps;
  }
  test(raw) {
    if (raw === void 0 || raw === null) return void 0;
    const path = ["test"];
    if (isMapping(raw)) this.keys(raw, path, Object.keys(testSchema.shape), "test");
    const d = this.parse(testSchema, raw, path);
    if (!d) return void 0;
    const timeoutMs = this.duration(d.timeout, [...path, "timeout"], DEFAULT_TEST_TIMEOUT_MS);
    const reports = d.reports === void 0 ? [] : typeof d.reports === "string" ? [d.reports] : d.reports;
    const common = {
      workdir: resolve(this.baseDir, d.workdir ?? "."),
      env: Object.fromEntries(Object.entries(d.env ?? {}).map(([k, v]) => [k, String(v)])),
      timeoutMs,
      reports,
      location: this.at(path)
    };
    if (d.workdir && !existsSync(common.workdir)) this.fail(`test workdir ${common.workdir} does not exist`, [...path, "workdir"], "fix the path; it is relative to the definition's directory");
    if (d.command === void 0 === (d.service === void 0)) {
      this.fail("test needs exactly one of command (run on this machine) or service (run inside the environment)", path, "write test: { command: npm run test:integration } or test: { service: tests }", true);
      return void 0;
    }
    if (d.service !== void 0) {
      this.service(d.service, [...path, "service"]);
      return { ...common, mode: "service", service: d.service };
    }
    const command = typeof d.command === "string" ? ["/bin/sh", "-c", d.command] : this.argv(d.command, [...path, "command"]);
    return command ? { ...common, mode: "command", command, ...d.runner ? { runner: d.runner } : {} } : void 0;
  }
};
function asRecord(v) {
  return isMapping(v) ? v : {};
}

// src/engine/update.ts
var UpdateError = class extends Error {
  failure;
  service;
  /** The services put back as they ran before the update. */
  restored;
  constructor(failure, restored, options = {}) {
    const back = restored.length > 0 ? `; ${restored.join(", ")} run${restored.length === 1 ? "s" : ""} again as before` : "; nothing had been changed";
    super(`the update failed at service "${failure.service}": ${failure.message}${back}`, { cause: options.cause ?? failure });
    this.name = "UpdateError";
    this.failure = failure;
    this.service = failure.service;
    this.restored = restored;
  }
};
var LockTimeoutError = class extends ConflictError {
  constructor(environment, holder, leaseUntil) {
    super(`environment "${environment}" is being updated by ${holder} (its lease runs until ${leaseUntil.toISOString()}); gave up waiting`);
    this.name = "LockTimeoutError";
  }
};
var DEFAULT_BOOT_MS = 5 * 6e4;
var LOCK_POLL_MS = 200;
async function upOrUpdate(plan, options) {
  const existing = (await options.backend.list()).find((e) => e.environment === plan.environment && (e.services.length > 0 || e.networks > 0));
  if (!existing || !existing.complete) return { ...await up(plan, options), operations: plan.services.map((s) => ({ kind: "create", service: s.name })), updated: false };
  return updateEnvironment(plan, { ...options, backend: updating(options.backend, plan.environment) });
}
function updating(backend, environment) {
  if (canUpdate(backend)) return backend;
  throw new UnsupportedError(`environment "${environment}" exists, and the ${backend.kind} backend cannot update an environment in place yet`, `remove it first (prenv down --env ${environment}), then prenv up`, { capability: "updateInPlace" });
}
async function planUpdate(plan, backend, options = {}) {
  const signal = options.signal ?? new AbortController().signal;
  const images = /* @__PURE__ */ new Map();
  await Promise.all(plan.services.map(async (s) => images.set(s.name, await backend.prepareImage(plan, s, () => void 0, signal))));
  return diffEnvironment(await updating(backend, plan.environment).observe(plan.environment), plan, hashesOf(plan, images), options);
}
async function updateEnvironment(plan, options) {
  const { backend, owner } = options;
  let operations = [];
  const setAside = [];
  let lock;
  const leaseMs = options.leaseMs ?? (options.timeoutMs ?? DEFAULT_BOOT_MS) + 6e4;
  try {
    const result = await up(plan, {
      ...options,
      update: async (images) => {
        lock = await acquire(backend, plan, owner, images.values().next().value.reference, leaseMs, options.lockWaitMs ?? 10 * 6e4, options.signal);
        operations = diffEnvironment(await backend.observe(plan.environment), plan, hashesOf(plan, images), { recreateAll: options.recreateAll ?? false });
        options.onOperations?.(operations);
        for (const op of [...operations].reverse()) {
          if (op.kind !== "recreate") continue;
          await backend.setAside(plan.environment, op.service);
          setAside.push(op.service);
        }
        return new Set(operations.filter((o) => o.kind === "unchanged").map((o) => o.service));
      }
    });
    for (const name of setAside) await backend.discardSetAside(plan.environment, name);
    for (const op of operations) if (op.kind === "remove") await backend.removeService(plan.environment, op.service);
    return { ...result, operations, updated: true };
  } catch (e) {
    if (!(e instanceof BootError)) throw e;
    for (const op of operations) if (op.kind === "create") await backend.removeService(plan.environment, op.service);
    const restored = [];
    for (const name of [...setAside].reverse()) {
      await backend.restore(plan.environment, name);
      restored.push(name);
    }
    throw new UpdateError(e.failure, restored, { cause: e });
  } finally {
    if (lock) await backend.unlock(plan.environment, lock);
  }
}
function hashesOf(plan, images) {
  return new Map(plan.services.map((s) => [s.name, configHash(s, images.get(s.name))]));
}
async function acquire(backend, plan, owner, image, leaseMs, waitMs, signal) {
  const deadline = Date.now() + waitMs;
  for (; ; ) {
    const attempt = await backend.tryLock(plan, owner, image, new Date(Date.now() + leaseMs));
    if (attempt.acquired) return attempt.id;
    if (Date.now() > deadline) {
      const cause = new LockTimeoutError(plan.environment, attempt.holder, attempt.leaseUntil);
      throw new ServiceError("", cause.message, { hint: "wait for the other update, or serialise the workflow's runs with a `concurrency` group", cause });
    }
    await sleep(LOCK_POLL_MS, signal);
  }
}

// src/manifest/manifest.ts
import { createHash } from "node:crypto";
var MANIFEST_VERSION = 1;
var MANIFEST_FILE = "manifest.json";
function buildManifest(draft, report) {
  const images = report.services.map((s) => ({
    service: s.name,
    reference: s.image,
    id: s.imageId ?? "",
    ...s.digest ? { digest: s.digest } : {},
    built: s.built === true,
    ...s.baseImages?.length ? { baseImages: s.baseImages } : {}
  }));
  const failedTests = (report.tests?.cases ?? []).filter((c) => c.status === "failed" || c.status === "error").map((c) => ({ ...c.suite ? { suite: c.suite } : {}, name: c.name, ...c.file ? { file: c.file } : {} }));
  return seal({ ...draft, images, outcome: report.outcome, failedTests, ...report.chaos ? { chaos: report.chaos } : {} });
}
function seal(draft) {
  const body = { manifestVersion: MANIFEST_VERSION, ...draft };
  return { ...body, checksum: checksumOf(body) };
}
function checksumOf(body) {
  return `sha256:${createHash("sha256").update(stableJson(body)).digest("hex")}`;
}
function imageDifferences(then, now) {
  const out = [];
  for (const before of then.filter((i) => i.built)) {
    const after = now.find((i) => i.service === before.service);
    if (!after) continue;
    if (after.reference !== before.reference) out.push(`service ${before.service} was built from other content than in the run (${after.reference}, the run had ${before.reference})`);
    for (const base of before.baseImages ?? []) {
      const current = after.baseImages?.find((b) => b.reference === base.reference);
      if (current && current.id !== base.id) out.push(`service ${before.service}'s base image ${base.reference} is ${current.id.slice(0, 19)} here, the run had ${base.id.slice(0, 19)}${base.digest ? ` (${base.digest}: pull it and tag it ${base.reference} to build on the same one)` : ""}`);
    }
  }
  return out;
}
var ManifestError = class extends Error {
  hint;
  constructor(message2, hint, options) {
    super(message2, options);
    this.name = "ManifestError";
    this.hint = hint;
  }
};
function parseManifest(text, file, prenvVersion) {
  let value;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ManifestError(`${file} is not JSON (${cause.message})`, "download it again from the run's artifact", { cause });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ManifestError(`${file} is not a prenv run manifest`, "point --manifest at the manifest.json of a run's results folder");
  const record = value;
  const version = record.manifestVersion;
  if (typeof version !== "number") throw new ManifestError(`${file} is not a prenv run manifest (it has no manifestVersion)`, "point --manifest at the manifest.json of a run's results folder");
  if (version > MANIFEST_VERSION) {
    const by = typeof record.prenvVersion === "string" ? record.prenvVersion : "a newer prenv";
    throw new ManifestError(`${file} was written by prenv ${by}, in a manifest format this prenv (${prenvVersion}) does not know`, `run it with that version: npx prenv@${by} repro --manifest ${file}`);
  }
  const { checksum, ...body } = record;
  if (typeof checksum !== "string" || checksum !== checksumOf(body)) {
    throw new ManifestError(`${file} has been changed since prenv wrote it (its checksum does not match)`, "use the manifest.json exactly as the run's artifact holds it");
  }
  const parsed = manifestSchema.safeParse(record);
  if (!parsed.success) throw new ManifestError(`${file} is not a valid prenv run manifest: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}`, "use the manifest.json exactly as the run's artifact holds it");
  return parsed.data;
}
var sha = external_exports.string().regex(/^[0-9a-f]{40}$/);
var testRecord = external_exports.object({ suite: external_exports.string().optional(), name: external_exports.string(), file: external_exports.string().optional() });
var faultAction = external_exports.discriminatedUnion("kind", [
  external_exports.object({ kind: external_exports.literal("kill"), target: external_exports.string(), signal: external_exports.string() }),
  external_exports.object({ kind: external_exports.literal("stop"), target: external_exports.string() }),
  external_exports.object({ kind: external_exports.literal("restart"), target: external_exports.string() }),
  external_exports.object({ kind: external_exports.literal("pause"), target: external_exports.string() }),
  external_exports.object({ kind: external_exports.literal("partition"), target: external_exports.string(), peer: external_exports.string() }),
  external_exports.object({ kind: external_exports.literal("loss"), target: external_exports.string(), percent: external_exports.number() }),
  external_exports.object({ kind: external_exports.literal("bandwidth"), target: external_exports.string(), bitsPerSecond: external_exports.number() }),
  external_exports.object({ kind: external_exports.literal("latency"), target: external_exports.string(), delayMs: external_exports.number(), jitterMs: external_exports.number(), ports: external_exports.array(external_exports.number()) })
]);
var manifestSchema = external_exports.object({
  manifestVersion: external_exports.literal(MANIFEST_VERSION),
  prenvVersion: external_exports.string(),
  createdAt: external_exports.string(),
  source: external_exports.object({
    repository: external_exports.string().optional(),
    commit: sha,
    tree: sha,
    pullRequest: external_exports.object({ number: external_exports.number().int().positive(), head: sha, base: sha, merged: external_exports.boolean() }).optional(),
    dirty: external_exports.boolean()
  }),
  workingDirectory: external_exports.string(),
  definition: external_exports.string().optional(),
  composeFiles: external_exports.array(external_exports.string()),
  profiles: external_exports.array(external_exports.string()),
  params: external_exports.record(external_exports.string(), external_exports.object({ value: external_exports.union([external_exports.string(), external_exports.number(), external_exports.boolean(), external_exports.array(external_exports.string())]).optional(), origin: external_exports.string().optional(), secret: external_exports.literal(true).optional() })),
  images: external_exports.array(
    external_exports.object({
      service: external_exports.string(),
      reference: external_exports.string(),
      id: external_exports.string(),
      digest: external_exports.string().optional(),
      built: external_exports.boolean(),
      baseImages: external_exports.array(external_exports.object({ reference: external_exports.string(), id: external_exports.string(), digest: external_exports.string().optional() })).optional()
    })
  ),
  backend: external_exports.string(),
  test: external_exports.object({ commandOverride: external_exports.string().optional(), selection: external_exports.array(testRecord).optional() }).optional(),
  outcome: external_exports.enum(["passed", "failed", "error"]),
  failedTests: external_exports.array(testRecord),
  chaos: external_exports.object({
    seed: external_exports.string(),
    timeline: external_exports.array(
      external_exports.object({
        id: external_exports.string(),
        name: external_exports.string(),
        action: faultAction,
        plannedStartMs: external_exports.number(),
        durationMs: external_exports.number().nullable(),
        actualStartMs: external_exports.number().optional(),
        how: external_exports.string().optional(),
        applied: external_exports.enum(["applied", "failed", "not reached"]),
        error: external_exports.string().optional(),
        undoneAtMs: external_exports.number().optional(),
        undo: external_exports.enum(["undone", "nothing to undo", "failed", "not applied"]),
        undoDetail: external_exports.string().optional()
      })
    )
  }).optional(),
  checksum: external_exports.string()
});

// src/results/output.ts
import { createReadStream, createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { mkdir, readFile, rm, rmdir } from "node:fs/promises";
import { basename as basename2, dirname as dirname2, isAbsolute, join, relative } from "node:path";
import { pipeline } from "node:stream/promises";
var INDEX_FILE = ".prenv-files.json";
var ResultsFolder = class {
  dir;
  redactor;
  transform;
  written = /* @__PURE__ */ new Set();
  constructor(dir, redactor = new Redactor()) {
    this.dir = dir;
    this.redactor = redactor;
    this.transform = () => redactor.transform();
  }
  async reset() {
    await mkdir(this.dir, { recursive: true });
    const index = join(this.dir, INDEX_FILE);
    const listed = await readFile(index, "utf8").then((t) => JSON.parse(t), () => []);
    const files = Array.isArray(listed) ? listed.filter((f) => typeof f === "string" && !isAbsolute(f) && !f.split(/[/\\]/).includes("..")) : [];
    await Promise.all(files.map((f) => rm(join(this.dir, f), { force: true })));
    const folders = [...new Set(files.flatMap((f) => ancestors(f)))].sort((a, b) => b.length - a.length);
    for (const folder of folders) await rmdir(join(this.dir, folder)).catch(() => void 0);
    await rm(index, { force: true });
  }
  /** What this run wrote here, sorted: never the user's own files. */
  files() {
    return [...this.written].sort().map((f) => join(this.dir, f));
  }
  /** A file of the folder, by its path there ("logs/api.log"), to stream an output into. */
  open(file) {
    const path = join(this.dir, file);
    const rel = relative(this.dir, path);
    if (rel.startsWith("..") || isAbsolute(rel)) throw new Error(`prenv: ${file} is outside the results folder`);
    mkdirSync(dirname2(path), { recursive: true });
    this.record(path);
    return createWriteStream(path);
  }
  /** Copies reports under junit/, keeping their paths relative to the first of `bases` they are inside. */
  async copyReports(reports, ...bases) {
    const copied = [];
    const inside = (rel) => !rel.startsWith("..") && !isAbsolute(rel);
    for (const report of reports) {
      const rel = bases.map((b) => relative(b, report)).find(inside);
      const target = join(this.dir, "junit", rel ?? basename2(report));
      await mkdir(dirname2(target), { recursive: true });
      this.record(target);
      await pipeline(createReadStream(report), this.redactor.transform(), createWriteStream(target));
      copied.push(target);
    }
    return copied;
  }
  async writeJson(value, name = "results.json") {
    const path = join(this.dir, name);
    this.record(path);
    writeFileSync(path, `${JSON.stringify(this.redactor.redactDeep(value), null, 2)}
`);
    return path;
  }
  /** The run manifest, beside results.json (it is in the logs artifact with it). */
  writeManifest(manifest) {
    return this.writeJson(manifest, MANIFEST_FILE);
  }
  /** Notes a file as prenv's, in the index, before it is written. */
  record(path) {
    this.written.add(relative(this.dir, path));
    writeFileSync(join(this.dir, INDEX_FILE), `${JSON.stringify([...this.written].sort(), null, 2)}
`);
  }
};
function ancestors(file) {
  const out = [];
  for (let d = dirname2(file); d !== "." && d !== "/" && d !== ""; d = dirname2(d)) out.push(d);
  return out;
}

// src/results/reports-dir.ts
import { mkdtemp, rm as rm2 } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join as join2 } from "node:path";
var REPORTS_DIR_VARIABLE = "PRENV_REPORTS_DIR";
var REPORTS_DIR_PLACEHOLDER = join2(tmpdir(), "prenv-reports");
async function createReportsDir() {
  const path = await mkdtemp(join2(tmpdir(), "prenv-reports-"));
  return { path, remove: () => rm2(path, { recursive: true, force: true }) };
}

// src/chaos/schedule.ts
import { createHash as createHash2, randomInt } from "node:crypto";
function draw(seed, fault, repetition) {
  return createHash2("sha256").update(`prenv-chaos\0${seed}\0${fault}\0${repetition}`).digest().readUInt32BE(0) / 2 ** 32;
}
function drawSeed() {
  return String(randomInt(1, 2 ** 31 - 1));
}
function resolveSchedule(chaos, seed) {
  const faults = [];
  chaos.faults.forEach((f, i) => {
    const count = f.repeat?.count ?? 1;
    for (let r = 0; r < count; r++) {
      const offset = r * (f.repeat?.everyMs ?? 0);
      const u = draw(seed, i, r);
      const base = "atMs" in f.start ? f.start.atMs : f.start.betweenMs[0] + Math.floor(u * (f.start.betweenMs[1] - f.start.betweenMs[0] + 1));
      faults.push({ id: `${i + 1}.${r + 1}`, name: f.name, action: f.action, plannedStartMs: base + offset, durationMs: f.durationMs });
    }
  });
  faults.sort((a, b) => a.plannedStartMs - b.plannedStartMs || a.id.localeCompare(b.id, void 0, { numeric: true }));
  return { seed, faults };
}
function formatSchedule(schedule) {
  const lines = [`chaos schedule (seed ${schedule.seed}; replay with --seed ${schedule.seed}):`];
  for (const f of schedule.faults) {
    lines.push(`  ${seconds(f.plannedStartMs).padStart(8)}  ${f.name}${f.durationMs === null ? " until the end of the suite" : f.durationMs === 0 ? "" : ` for ${seconds(f.durationMs)}`}`);
  }
  return `${lines.join("\n")}
`;
}
function seconds(ms) {
  return `${(ms / 1e3).toFixed(ms % 1e3 === 0 ? 0 : ms % 100 === 0 ? 1 : 3)}s`;
}

// src/chaos/inject.ts
function startChaos(schedule, options) {
  const t0 = Date.now();
  const since = () => Date.now() - t0;
  const timers = /* @__PURE__ */ new Set();
  const outcomes = schedule.faults.map((f) => ({ ...f, applied: "not reached", undo: "not applied" }));
  const work = /* @__PURE__ */ new Map();
  const undos = /* @__PURE__ */ new Map();
  let finished = false;
  const later = (ms, fn) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, Math.max(0, ms));
    timers.add(timer);
  };
  const chain = (id, step) => work.set(id, (work.get(id) ?? Promise.resolve()).then(step));
  const undo = (outcome) => chain(outcome.id, async () => {
    const fn = undos.get(outcome.id);
    if (!fn) return;
    undos.delete(outcome.id);
    try {
      outcome.undoDetail = await fn();
      outcome.undo = outcome.undoDetail === "nothing to undo" ? "nothing to undo" : "undone";
      outcome.undoneAtMs = since();
      options.onEvent?.(outcome, "undone");
    } catch (e) {
      outcome.undo = "failed";
      outcome.undoDetail = message(e);
      outcome.undoneAtMs = since();
      options.onEvent?.(outcome, "failed");
    }
  });
  const apply = (outcome, fault) => chain(outcome.id, async () => {
    if (finished) return;
    outcome.actualStartMs = since();
    try {
      const applied = await options.faults.injectFault(options.plan, fault.action, options.owner, { id: fault.id, ...options.helperImage ? { helperImage: options.helperImage } : {} });
      outcome.applied = "applied";
      outcome.how = applied.how;
      undos.set(outcome.id, applied.undo);
      options.onEvent?.(outcome, "applied");
    } catch (e) {
      outcome.applied = "failed";
      outcome.error = message(e);
      options.onEvent?.(outcome, "failed");
      return;
    }
    if (fault.durationMs === 0) await undoNow(outcome);
    else if (fault.durationMs !== null && !finished) later(fault.plannedStartMs + fault.durationMs - since(), () => void undo(outcome));
  });
  const undoNow = async (outcome) => {
    const fn = undos.get(outcome.id);
    undos.delete(outcome.id);
    try {
      outcome.undoDetail = await fn();
      outcome.undo = "nothing to undo";
      options.onEvent?.(outcome, "undone");
    } catch (e) {
      outcome.undo = "failed";
      outcome.undoDetail = message(e);
      options.onEvent?.(outcome, "failed");
    }
    outcome.undoneAtMs = since();
  };
  schedule.faults.forEach((fault, i) => later(fault.plannedStartMs, () => void apply(outcomes[i], fault)));
  return {
    async finish() {
      if (finished) return outcomes;
      finished = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all(work.values());
      for (const o of outcomes) if (undos.has(o.id)) void undo(o);
      await Promise.all(work.values());
      return outcomes;
    }
  };
}
function message(e) {
  if (e instanceof FaultError) return e.hint ? `${e.message} (${e.hint})` : e.message;
  return e instanceof Error ? e.message : String(e);
}

// src/results/collect.ts
import { glob, readFile as readFile2, stat } from "node:fs/promises";
import { isAbsolute as isAbsolute2, join as join3, relative as relative2, resolve as resolve2, sep } from "node:path";

// src/results/junit.ts
function parseJUnit(xml, report) {
  const problems = [];
  const fail = (message2, at) => {
    const where = at ? `:${at.line}${at.column ? `:${at.column}` : ""}` : "";
    problems.push({ report, message: `${report}${where}: ${message2}`, ...at ? { line: at.line } : {}, ...at?.column ? { column: at.column } : {} });
    return { cases: [], problems, durationMs: 0 };
  };
  const text = xml.startsWith("\uFEFF") ? xml.slice(1) : xml;
  if (text.trim() === "") {
    return fail("the report is empty: the test runner wrote no results, or was stopped before it could (check the runner's output)");
  }
  const dtd = findDtd(text);
  if (dtd >= 0) {
    return fail(
      "the report has a DOCTYPE or ENTITY declaration; JUnit reports have none, and prenv does not read DTDs (entity expansion could exhaust memory)",
      positionOf(text, dtd)
    );
  }
  let valid;
  try {
    valid = XMLValidator.validate(text);
  } catch (e) {
    return fail(`could not be read as XML: ${e.message}`);
  }
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    const cut = /unclosed|expected closing tag/i.test(msg) ? " (was the report cut off while being written?)" : "";
    return fail(`not well-formed XML: ${msg}${cut}`, line ? { line, ...col ? { column: col } : {} } : void 0);
  }
  let roots;
  try {
    roots = toElements(new XMLParser(PARSER_OPTIONS).parse(text));
  } catch (e) {
    return fail(`could not be read as XML: ${e.message}`);
  }
  if (roots.length !== 1) {
    if (roots.length === 0) return fail("not a JUnit report: the XML has no root element");
    const names = roots.slice(0, 3).map((r) => `<${r.name}>`).join(", ");
    return fail(`not a JUnit report: it has ${roots.length} root elements (${names}); a JUnit report has one <testsuites> or <testsuite> (were two reports written into one file?)`);
  }
  const root = roots[0];
  const rootName = localName(root.name);
  if (rootName !== "testsuites" && rootName !== "testsuite") {
    return fail(
      `not a JUnit report: the root element is <${root.name}>, where JUnit XML has <testsuites> or <testsuite> (does the pattern match other XML files?)`
    );
  }
  const reader = new ReportReader(report, isPytest(root));
  try {
    if (rootName === "testsuites") reader.readSuites(root);
    else reader.readSuite(root, []);
  } catch (e) {
    return fail(`could not be read as a JUnit report: ${e.message}`);
  }
  problems.push(...reader.problems);
  if (reader.cases.length === 0) {
    const declared = toCount(root.attrs.get("tests"));
    problems.push({
      report,
      message: `${report}: the report lists no test case${declared > 0 ? ` although it declares ${declared}` : ""}: the runner found no tests, or failed before running them`
    });
  }
  return { cases: reader.cases, problems, durationMs: reportDuration(root, reader.cases) };
}
var PARSER_OPTIONS = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  allowBooleanAttributes: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // No entity processing in the parser: DTDs are refused before, and the predefined
  // entities and character references are decoded below, in text and attributes.
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: "#cdata",
  commentPropName: false,
  // Deeper than any real report; the parser throws beyond it (reported as a problem).
  maxNestedTags: 100
};
var ATTRS = ":@";
var TEXT = "#text";
var CDATA = "#cdata";
function toElements(nodes) {
  const out = [];
  for (const node of nodes) {
    if (typeof node !== "object" || node === null) continue;
    const tag = Object.keys(node).find((k) => k !== ATTRS);
    if (tag === void 0 || tag === TEXT || tag === CDATA) continue;
    out.push(toElement(tag, node));
  }
  return out;
}
function toElement(name, node) {
  const attrs = /* @__PURE__ */ new Map();
  const rawAttrs = node[ATTRS];
  if (typeof rawAttrs === "object" && rawAttrs !== null) {
    for (const [k, v] of Object.entries(rawAttrs)) attrs.set(k, typeof v === "string" ? decodeEntities(v) : String(v));
  }
  const children = [];
  let text = "";
  const content = node[name];
  for (const child of Array.isArray(content) ? content : []) {
    if (typeof child !== "object" || child === null) continue;
    const c = child;
    if (TEXT in c) text += decodeEntities(String(c[TEXT]));
    else if (CDATA in c) text += cdataText(c[CDATA]);
    else {
      const tag = Object.keys(c).find((k) => k !== ATTRS);
      if (tag !== void 0) children.push(toElement(tag, c));
    }
  }
  return { name, attrs, children, text };
}
function cdataText(value) {
  if (!Array.isArray(value)) return typeof value === "string" ? value : "";
  return value.map((v) => typeof v === "object" && v !== null && TEXT in v ? String(v[TEXT]) : "").join("");
}
var ENTITY = /&(?:#x([0-9a-fA-F]{1,8})|#([0-9]{1,10})|(lt|gt|amp|quot|apos));/g;
var NAMED = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
function decodeEntities(s) {
  if (!s.includes("&")) return s;
  return s.replace(ENTITY, (_m, hex, dec, named) => {
    if (named) return NAMED[named];
    const code = hex !== void 0 ? Number.parseInt(hex, 16) : Number(dec);
    const valid = code > 0 && code <= 1114111 && !(code >= 55296 && code <= 57343);
    return valid ? String.fromCodePoint(code) : "\uFFFD";
  });
}
function findDtd(xml) {
  let i = 0;
  for (; ; ) {
    const lt = xml.indexOf("<!", i);
    if (lt < 0) return -1;
    if (xml.startsWith("<![CDATA[", lt)) {
      const end = xml.indexOf("]]>", lt + 9);
      if (end < 0) return -1;
      i = end + 3;
    } else if (xml.startsWith("<!--", lt)) {
      const end = xml.indexOf("-->", lt + 4);
      if (end < 0) return -1;
      i = end + 3;
    } else {
      const word = xml.slice(lt + 2, lt + 9).toUpperCase();
      if (word.startsWith("DOCTYPE") || word.startsWith("ENTITY")) return lt;
      i = lt + 2;
    }
  }
}
function positionOf(text, index) {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < index; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}
function localName(name) {
  const colon = name.indexOf(":");
  return colon >= 0 ? name.slice(colon + 1) : name;
}
function childrenNamed(el, ...names) {
  return el.children.filter((c) => names.includes(localName(c.name)));
}
var SKIP_STATUS = /* @__PURE__ */ new Set(["skipped", "skip", "notrun", "not run", "disabled", "ignored"]);
var MAX_STACK = 2e4;
var MAX_OUTPUT = 1e4;
var MAX_MESSAGE = 2e3;
function isPytest(root) {
  const name = root.attrs.get("name");
  return localName(root.name) === "testsuites" ? name === "pytest tests" : name === "pytest";
}
function hasGoVersion(suite) {
  return childrenNamed(suite, "properties").some((p) => childrenNamed(p, "property").some((q) => q.attrs.get("name") === "go.version"));
}
var ReportReader = class {
  cases = [];
  problems = [];
  report;
  pytest;
  constructor(report, pytest) {
    this.report = report;
    this.pytest = pytest;
  }
  readSuites(root) {
    const loose = [];
    for (const child of root.children) {
      const name = localName(child.name);
      if (name === "testsuite") this.readSuite(child, []);
      else if (name === "testcase") loose.push(this.readCase(child, root.attrs.get("name") ?? "", ""));
    }
    this.cases.push(...loose);
  }
  readSuite(suite, outer) {
    const name = suite.attrs.get("name")?.trim() ?? "";
    const path = name ? [...outer, name] : outer;
    const suiteName = path.join(" \u203A ");
    const suiteOutput = childrenNamed(suite, "system-out", "system-err").map((o) => o.text).join("\n");
    const own = [];
    let nested = false;
    for (const child of suite.children) {
      const kind = localName(child.name);
      if (kind === "testsuite") {
        nested = true;
        this.readSuite(child, path);
      } else if (kind === "testcase") {
        own.push(this.readCase(child, suiteName, suiteOutput));
      } else if (kind === "failure" || kind === "error") {
        own.push(this.suiteError(child, suiteName));
      }
    }
    if (!nested) this.checkDeclaredFailures(suite, suiteName, own);
    const attemptsMerged = this.pytest || hasGoVersion(suite) ? mergeRetries(own) : own;
    this.cases.push(...attemptsMerged);
  }
  /** A suite that says it had failures its cases don't show failed outside them: never green. */
  checkDeclaredFailures(suite, suiteName, own) {
    const declared = toCount(suite.attrs.get("failures")) + toCount(suite.attrs.get("errors"));
    const found = own.filter((c) => c.status === "failed" || c.status === "error" || c.status === "flaky").reduce((n, c) => n + (c.attempts ?? 1), 0);
    if (declared > found) {
      this.problems.push({
        report: this.report,
        message: `${this.report}: suite "${suiteName || "(unnamed)"}" declares ${declared} failure(s) or error(s) but lists ${found} failing test case(s): something failed outside the listed tests (see the runner's output)`
      });
    }
  }
  suiteError(el, suiteName) {
    const d = detailOf(el);
    const loc = d.stack ? findLocation(d.stack, {}) : void 0;
    return {
      suite: suiteName,
      name: "(suite error)",
      status: localName(el.name) === "error" ? "error" : "failed",
      durationMs: 0,
      ...d.message ? { message: d.message } : {},
      ...d.stack ? { stack: d.stack } : {},
      ...loc ? { file: loc.file, line: loc.line } : {},
      report: this.report
    };
  }
  readCase(el, suiteName, suiteOutput) {
    const name = el.attrs.get("name") ?? "(unnamed)";
    const classname = el.attrs.get("classname") ?? el.attrs.get("class");
    const failing = el.children.find((c) => ["failure", "error"].includes(localName(c.name)));
    const skipped = childrenNamed(el, "skipped")[0];
    const flakes = childrenNamed(el, "flakyFailure", "flakyError");
    const reruns = childrenNamed(el, "rerunFailure", "rerunError");
    let status = "passed";
    let detailEl;
    let attempts = 1;
    if (failing) {
      status = localName(failing.name) === "error" ? "error" : "failed";
      detailEl = failing;
      attempts += reruns.length;
    } else if (skipped) {
      status = "skipped";
      detailEl = skipped;
    } else if (flakes.length > 0) {
      status = "flaky";
      detailEl = flakes[0];
      attempts += flakes.length;
    } else if (SKIP_STATUS.has((el.attrs.get("status") ?? "").toLowerCase())) {
      status = "skipped";
    }
    const detail = detailEl ? detailOf(detailEl) : {};
    let { message: message2, stack } = detail;
    const notPassing = status === "failed" || status === "error" || status === "flaky";
    if (notPassing && !stack && suiteOutput.includes(name) && name.length > 2) {
      stack = capHead(trimBlock(suiteOutput), MAX_STACK);
      message2 ??= messageFromText(stack);
    }
    const fileAttr = nonEmpty(el.attrs.get("file"));
    const lineAttr = toLine(el.attrs.get("line"), this.pytest ? 1 : 0);
    const locText = stack ?? detailEl?.attrs.get("message");
    const loc = locText ? findLocation(locText, { ...fileAttr ? { file: fileAttr } : {}, ...classname ? { classname } : {} }) : void 0;
    const locLine = loc && (fileAttr === void 0 || loc.matchesHint) ? loc.line : void 0;
    const file = fileAttr ?? loc?.file;
    const line = notPassing ? locLine ?? lineAttr : lineAttr ?? locLine;
    const output = notPassing ? caseOutput(el) : void 0;
    return {
      suite: suiteName,
      name,
      ...classname !== void 0 ? { classname } : {},
      status,
      durationMs: secondsToMs(el.attrs.get("time")),
      ...message2 ? { message: message2 } : {},
      ...stack ? { stack } : {},
      ...file ? { file } : {},
      ...file && line !== void 0 ? { line } : {},
      ...attempts > 1 ? { attempts } : {},
      ...output ? { output } : {},
      report: this.report
    };
  }
};
function mergeRetries(cases) {
  const groups = /* @__PURE__ */ new Map();
  for (const c of cases) {
    const key = `${c.classname ?? ""}\0${c.name}`;
    const group = groups.get(key);
    if (group) group.push(c);
    else groups.set(key, [c]);
  }
  return [...groups.values()].map((group) => {
    const last = group[group.length - 1];
    if (group.length === 1) return last;
    const attempts = group.reduce((n, c) => n + (c.attempts ?? 1), 0);
    const durationMs = roundMs(group.reduce((n, c) => n + c.durationMs, 0));
    if (last.status !== "passed") return { ...last, durationMs, attempts };
    const failed = [...group].reverse().find((c) => c.status === "failed" || c.status === "error");
    const merged = { ...last, status: "flaky", durationMs, attempts };
    if (failed) {
      for (const key of ["message", "stack", "output"]) if (failed[key] !== void 0) merged[key] = failed[key];
      if (failed.file !== void 0) {
        merged.file = failed.file;
        if (failed.line !== void 0) merged.line = failed.line;
      }
    }
    return merged;
  });
}
var GO_NOISE = /^\s*(?:=== (?:RUN|PAUSE|CONT|NAME)\s|--- (?:FAIL|PASS|SKIP): )/;
var GO_LOG_PREFIX = /^\s*[\w.\-/\\]+\.go:\d+: ?/;
var FRAME_START = [/^\s+at\s/, /^\s*❯\s/, /^goroutine \d+ \[/, /^Traceback \(most recent call last\)/, /^\s+File ".*", line \d+/];
var PLACEHOLDER = /^(?:fail(?:ed|ure)?|error|errored|skip(?:ped)?|none|null|undefined)$/i;
function detailOf(el) {
  const traceEl = childrenNamed(el, "stackTrace")[0];
  const raw = traceEl ? traceEl.text : el.text;
  const stack = capHead(trimBlock(raw), MAX_STACK) || void 0;
  const message2 = cleanMessage(el.attrs.get("message")) ?? (stack ? messageFromText(stack) : void 0) ?? nonEmpty(el.attrs.get("type"));
  return { ...message2 ? { message: message2 } : {}, ...stack ? { stack } : {} };
}
function cleanMessage(raw) {
  if (raw === void 0) return void 0;
  const lines = raw.split(/\r?\n/).filter((l) => !GO_NOISE.test(l)).map((l) => l.replace(GO_LOG_PREFIX, ""));
  const message2 = capHead(trimBlock(lines.join("\n")), MAX_MESSAGE).trim();
  return message2 === "" || PLACEHOLDER.test(message2) ? void 0 : message2;
}
function messageFromText(text) {
  const kept = [];
  for (const line of text.split(/\r?\n/)) {
    if (GO_NOISE.test(line)) continue;
    if (FRAME_START.some((re) => re.test(line))) break;
    kept.push(line.replace(GO_LOG_PREFIX, ""));
    if (kept.length >= 20) break;
  }
  const message2 = capHead(trimBlock(kept.join("\n")), MAX_MESSAGE).trim();
  return message2 === "" || PLACEHOLDER.test(message2) ? void 0 : message2;
}
function caseOutput(el) {
  const text = childrenNamed(el, "system-out", "system-err").map((o) => trimBlock(o.text)).filter((t) => t !== "").join("\n");
  if (text === "") return void 0;
  return text.length > MAX_OUTPUT ? `\u2026${text.slice(text.length - MAX_OUTPUT)}` : text;
}
var ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
function trimBlock(text) {
  return text.replace(ANSI, "").replace(/^(?:[ \t]*\r?\n)+/, "").trimEnd();
}
function capHead(text, max) {
  return text.length > max ? `${text.slice(0, max)}
\u2026 (${text.length - max} more characters)` : text;
}
function nonEmpty(s) {
  const t = s?.trim();
  return t ? t : void 0;
}
var SOURCE_EXT = "js|jsx|mjs|cjs|ts|tsx|mts|cts|vue|svelte|coffee|py|pyw|go|java|kt|kts|scala|groovy|clj|cljs|cljc|rb|rake|rs|cs|fs|fsx|vb|php|ex|exs|erl|hrl|c|cc|cpp|cxx|h|hh|hpp|hxx|m|mm|swift|dart|lua|pl|pm|t|sh|bash|zsh|bats|feature|robot|hs|ml|mli|r|jl|nim|zig|cr|elm|sql|tf";
var PYTHON_FRAME = /File "([^"\n]+)", line (\d+)/;
var DOTNET_FRAME = /\bin (\S[^\n]*?):line (\d+)/;
var JVM_FRAME = /\bat (?:[\w.$-]+\/)*((?:[\w$]+\.)+)[\w$<>-]+\(([\w$.-]+\.(?:java|kt|scala|groovy|clj)):(\d+)\)/;
var PAREN_PATH = new RegExp(String.raw`\(((?:file://)?[^()\n]+\.(?:${SOURCE_EXT})):(\d+)(?::\d+)?\)`, "i");
var BARE_PATH = new RegExp(String.raw`(?:^|[\s\[<'"\`=])((?:file://(?:/(?=[A-Za-z]:))?)?(?:[A-Za-z]:)?[^\s()'"\`<>\[\]=:]*[\w\-@+~]\.(?:${SOURCE_EXT})):(\d+)(?![\d.])`, "i");
var LIBRARY_PATH = [
  /(?:^|[/\\])node_modules[/\\]/,
  /^node:/,
  /^internal[/\\]/,
  /[/\\](?:site|dist)-packages[/\\]/,
  /[/\\]lib[/\\]python\d[\d.]*[/\\]/,
  /[/\\]go[/\\]src[/\\](?:runtime|testing|reflect|internal)[/\\]/,
  /^\/usr\/(?:local\/)?(?:lib\/)?go[^/]*\/src\//,
  /[/\\]\.cargo[/\\]registry[/\\]/,
  /^\/rustc\//,
  /<anonymous>/
];
var LIBRARY_CLASS = /^(?:java|javax|jdk|sun|com\.sun|kotlin|kotlinx|scala|groovy|org\.junit|junit|org\.opentest4j|org\.testng|org\.apache\.maven|org\.gradle|worker\.org\.gradle|org\.spockframework|org\.codehaus\.groovy|org\.assertj|org\.hamcrest|org\.mockito|org\.springframework\.test)\./;
var MAX_SCANNED_LINES = 400;
var MAX_SCANNED_LINE_LENGTH = 2e3;
function findLocation(text, hint) {
  const candidates = [];
  const lines = text.split("\n", MAX_SCANNED_LINES);
  for (const rawLine of lines) {
    const line = rawLine.length > MAX_SCANNED_LINE_LENGTH ? rawLine.slice(0, MAX_SCANNED_LINE_LENGTH) : rawLine;
    const c = candidateIn(line);
    if (c && !isLibrary(c)) candidates.push(c);
  }
  if (hint.file) {
    const inFile = candidates.find((c) => sameFile(c.path, hint.file));
    if (inFile) return { file: hint.file, line: inFile.line, matchesHint: true };
  }
  if (hint.classname) {
    const cls = hint.classname;
    const inClass = candidates.find((c) => c.jvmClass !== void 0 && (c.jvmClass === cls || c.jvmClass.startsWith(`${cls}$`)));
    if (inClass) return { file: inClass.path, line: inClass.line, matchesHint: false };
  }
  const first = candidates[0];
  return first ? { file: first.path, line: first.line, matchesHint: false } : void 0;
}
function candidateIn(line) {
  const jvm = JVM_FRAME.exec(line);
  if (jvm) {
    const segments = jvm[1].slice(0, -1).split(".");
    let cls = segments.findIndex((s) => /^[A-Z]/.test(s));
    if (cls < 0) cls = segments.length - 1;
    return { path: [...segments.slice(0, cls), jvm[2]].join("/"), line: Number(jvm[3]), jvmClass: segments.slice(0, cls + 1).join(".") };
  }
  const py = PYTHON_FRAME.exec(line);
  if (py) return pathCandidate(py[1], py[2]);
  const dotnet = line.includes(":line ") ? DOTNET_FRAME.exec(line) : null;
  if (dotnet) return pathCandidate(dotnet[1], dotnet[2]);
  const paren = PAREN_PATH.exec(line);
  if (paren) return pathCandidate(paren[1], paren[2]);
  const bare = BARE_PATH.exec(line);
  if (bare) return pathCandidate(bare[1], bare[2]);
  return void 0;
}
function pathCandidate(rawPath, rawLine) {
  const line = Number(rawLine);
  if (!Number.isSafeInteger(line) || line < 1) return void 0;
  let path = rawPath.trim();
  if (path.startsWith("file://")) {
    path = path.slice("file://".length);
    if (/^\/[A-Za-z]:/.test(path)) path = path.slice(1);
    try {
      path = decodeURIComponent(path);
    } catch {
    }
  }
  if (!looksLikePath(path)) return void 0;
  return { path, line };
}
function looksLikePath(path) {
  if (path.length === 0 || path.length > 1e3) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return false;
  return new RegExp(String.raw`^(?:[A-Za-z]:)?[^<>"|?*\n]*[\w\-@+~]\.(?:${SOURCE_EXT})$`, "i").test(path);
}
function isLibrary(c) {
  if (c.jvmClass !== void 0) return LIBRARY_CLASS.test(`${c.jvmClass}.`);
  return LIBRARY_PATH.some((re) => re.test(c.path));
}
function sameFile(a, b) {
  const norm = (p) => p.replace(/\\/g, "/").replace(/^\.\//, "");
  const x = norm(a);
  const y = norm(b);
  return x === y || x.endsWith(`/${y}`) || y.endsWith(`/${x}`);
}
function secondsToMs(raw) {
  if (raw === void 0) return 0;
  let s = raw.trim().replace(/\s+/g, "").replace(/s$/i, "");
  const commas = s.split(",").length - 1;
  if (commas > 0) s = s.includes(".") || commas > 1 ? s.replace(/,/g, "") : s.replace(",", ".");
  if (!/^[+]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(s)) return 0;
  const seconds2 = Number(s);
  return Number.isFinite(seconds2) && seconds2 > 0 ? roundMs(seconds2 * 1e3) : 0;
}
function roundMs(ms) {
  return Math.round(ms * 1e3) / 1e3;
}
function toCount(raw) {
  const n = Number(raw?.trim());
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}
function toLine(raw, offset) {
  if (raw === void 0 || !/^\s*\d+\s*$/.test(raw)) return void 0;
  const n = Number(raw) + offset;
  return Number.isSafeInteger(n) && n >= 1 ? n : void 0;
}
function reportDuration(root, cases) {
  const own = root.attrs.get("time");
  if (own !== void 0 && secondsToMs(own) > 0) return secondsToMs(own);
  if (localName(root.name) === "testsuites") {
    const timed = childrenNamed(root, "testsuite", "testcase").filter((s) => s.attrs.has("time"));
    if (timed.length > 0) return roundMs(timed.reduce((n, s) => n + secondsToMs(s.attrs.get("time")), 0));
  }
  return roundMs(cases.reduce((n, c) => n + c.durationMs, 0));
}

// src/results/collect.ts
var MAX_REPORT_BYTES = 128 * 1024 * 1024;
var GLOB_CHARS = /[*?[\]{}]/;
var CLOCK_SLACK_MS = 2e3;
async function collectReports(patterns, cwd, options = {}) {
  const base = resolve2(cwd);
  const problems = [];
  const files = [];
  const seen = /* @__PURE__ */ new Set();
  for (const pattern of patterns) {
    let matched;
    try {
      matched = await expand(pattern, base);
    } catch (e) {
      problems.push({ report: pattern, message: `could not search for ${pattern} in ${base}: ${e.message}` });
      continue;
    }
    if (matched.length === 0) {
      problems.push({
        report: pattern,
        message: `no JUnit report matched ${pattern} in ${base}: check test.reports and where your runner writes its report`
      });
      continue;
    }
    for (const file of matched) {
      if (seen.has(file)) continue;
      seen.add(file);
      files.push(file);
    }
  }
  const cases = [];
  let durationMs = 0;
  for (const file of files) {
    const shown = displayPath(file, base);
    let text;
    try {
      const info = await stat(file);
      if (info.size > MAX_REPORT_BYTES) {
        problems.push({ report: shown, message: `${shown}: the report is ${Math.round(info.size / 1024 / 1024)} MiB; prenv reads reports of up to ${MAX_REPORT_BYTES / 1024 / 1024} MiB` });
        continue;
      }
      if (options.notBefore && info.mtimeMs < options.notBefore.getTime() - CLOCK_SLACK_MS) {
        problems.push({
          report: shown,
          message: `${shown}: the report was last written at ${info.mtime.toISOString()}, before the tests started (${options.notBefore.toISOString()}): a leftover of an earlier run; the runner did not write a new one`
        });
        continue;
      }
      text = decode(await readFile2(file));
    } catch (e) {
      problems.push({ report: shown, message: `${shown}: could not be read: ${e.message}` });
      continue;
    }
    const parsed = parseJUnit(text, shown);
    for (const c of parsed.cases) cases.push(c.file ? { ...c, file: displayPath(c.file, base, true) } : c);
    problems.push(...parsed.problems);
    durationMs += parsed.durationMs;
  }
  return { totals: totalsOf(cases, durationMs), cases, reports: files, problems };
}
function resultsPassed(results) {
  return resultsVerdict(results).passed;
}
function resultsVerdict(results) {
  const t = results.totals;
  if (results.problems.length > 0) {
    const n = results.problems.length;
    return { passed: false, reason: n === 1 ? results.problems[0].message : `${n} problems with the reports, first: ${results.problems[0].message}` };
  }
  if (t.failed + t.errors > 0) return { passed: false, reason: `${t.failed + t.errors} of ${t.tests} tests failed` };
  if (t.tests === 0) return { passed: false, reason: "the reports contain no test" };
  if (t.passed + t.flaky === 0) return { passed: false, reason: `no test ran: all ${t.tests} were skipped` };
  return { passed: true };
}
function totalsOf(cases, durationMs) {
  const totals = { tests: cases.length, passed: 0, failed: 0, errors: 0, skipped: 0, flaky: 0, durationMs: Math.round(durationMs * 1e3) / 1e3 };
  for (const c of cases) {
    if (c.status === "passed") totals.passed++;
    else if (c.status === "failed") totals.failed++;
    else if (c.status === "error") totals.errors++;
    else if (c.status === "skipped") totals.skipped++;
    else totals.flaky++;
  }
  return totals;
}
async function expand(pattern, base) {
  const abs = resolve2(base, pattern);
  if (!GLOB_CHARS.test(pattern)) {
    const info = await stat(abs).catch(() => void 0);
    if (!info) return [];
    if (info.isFile()) return [abs];
    if (info.isDirectory()) return globFiles("**/*.xml", abs, pattern);
    return [];
  }
  return globFiles(pattern, base, pattern);
}
async function globFiles(pattern, cwd, original) {
  const searchesSkipped = /(?:^|[/\\])(?:node_modules|\.git)(?:[/\\]|$)/.test(original);
  const out = [];
  for await (const entry of glob(pattern, {
    cwd,
    withFileTypes: true,
    exclude: (d) => !searchesSkipped && (d.name === "node_modules" || d.name === ".git")
  })) {
    const path = join3(entry.parentPath, entry.name);
    if (entry.isFile()) out.push(path);
    else if (entry.isSymbolicLink()) {
      const info = await stat(path).catch(() => void 0);
      if (info?.isFile()) out.push(path);
    }
  }
  return out.sort();
}
function displayPath(path, base, onlyIfAbsolute = false) {
  if (onlyIfAbsolute && !isAbsolute2(path)) return path;
  const rel = relative2(base, path);
  if (rel === "" || rel.startsWith("..") || isAbsolute2(rel)) return path;
  return sep === "/" ? rel : rel.split(sep).join("/");
}
function decode(bytes) {
  if (bytes[0] === 255 && bytes[1] === 254) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (bytes[0] === 254 && bytes[1] === 255) return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  return new TextDecoder("utf-8").decode(bytes);
}

// src/engine/setup.ts
var SetupError = class extends Error {
  /** Every step that ran, the failed one last. */
  steps;
  hint;
  constructor(steps, reason, hint) {
    super(`setup step "${steps.at(-1).name}" failed: ${reason}`);
    this.name = "SetupError";
    this.steps = steps;
    this.hint = hint;
  }
  get step() {
    return this.steps.at(-1);
  }
};
async function runSetup(plan, steps, options) {
  const outcomes = [];
  for (const [index, step] of steps.entries()) {
    options.onStep?.({ step, index, phase: "running" });
    const started = Date.now();
    const output = new Output(options.output, stepLogFile(index, step.name));
    let result;
    try {
      result = await withTimeout(runStep(plan, step, index, options, output.input), step.timeoutMs, options.signal);
    } catch (e) {
      result = { ok: false, reason: e.message, hint: `the step has ${Math.round(step.timeoutMs / 1e3)} s (set timeout: on the step to change it)` };
    }
    const outcome = { name: step.name, kind: step.kind, ok: result.ok, durationMs: Date.now() - started, output: await output.close() };
    outcomes.push(outcome);
    options.onStep?.({ step, index, phase: result.ok ? "done" : "failed", outcome });
    if (!result.ok) throw new SetupError(outcomes, result.reason, result.hint);
  }
  return outcomes;
}
async function runStep(plan, step, index, options, output) {
  const { backend } = options;
  switch (step.kind) {
    case "exec": {
      const result = await backend.exec(plan.environment, step.service, step.command, {
        timeoutMs: step.timeoutMs,
        env: step.env,
        ...options.signal ? { signal: options.signal } : {},
        ...step.user ? { user: step.user } : {},
        ...step.workdir ? { workdir: step.workdir } : {},
        output
      });
      return {
        ok: result.exitCode === 0,
        reason: `exit code ${result.exitCode}`,
        hint: `to try it by hand, keep the environment (--keep-on-failure), then: prenv exec --env ${plan.environment} ${step.service} -- ${step.command.map(shellQuote).join(" ")}`
      };
    }
    case "run": {
      const result = await backend.runOneOff(plan, { name: `setup-${index + 1}`, image: step.image, env: step.env, mounts: step.mounts, ...step.command ? { command: step.command } : {}, ...step.entrypoint ? { entrypoint: step.entrypoint } : {}, ...step.workdir ? { workdir: step.workdir } : {} }, options.owner, { timeoutMs: step.timeoutMs, output, ...options.signal ? { signal: options.signal } : {} });
      return { ok: result.exitCode === 0, reason: `exit code ${result.exitCode}`, hint: `the container ran ${step.image} on the environment's network; check its output above` };
    }
    case "http": {
      const address = await backend.probeAddress(plan.environment, step.service, step.port);
      const url = `http://${address.host}:${address.port}${step.path}`;
      const response = await fetch(url, {
        method: step.method,
        headers: step.headers,
        ...step.body !== void 0 ? { body: step.body } : {},
        signal: AbortSignal.any([AbortSignal.timeout(step.timeoutMs), ...options.signal ? [options.signal] : []])
      });
      await writeText(output, `${step.method} ${step.service}:${step.port}${step.path} -> ${response.status}
`);
      const bodyOk = await streamBody(response, output, step.expectBody);
      const statusOk = response.status === step.expectStatus;
      if (!statusOk) return { ok: false, reason: `answered ${response.status}, expected ${step.expectStatus}`, hint: "check the service's log (prenv logs " + step.service + ")" };
      if (!bodyOk) return { ok: false, reason: `the answer does not contain ${JSON.stringify(step.expectBody)}`, hint: "check the service's log (prenv logs " + step.service + ")" };
      return { ok: true, reason: "", hint: "" };
    }
    case "copy": {
      await backend.copyInto(plan.environment, step.service, step.from, step.to);
      await writeText(output, `copied ${step.from} to ${step.service}:${step.to}`);
      return { ok: true, reason: "", hint: "" };
    }
  }
}
async function streamBody(response, output, expected) {
  const needle = expected ?? "";
  let found = needle === "";
  let window = "";
  const take = async (text) => {
    await writeText(output, text);
    if (found) return;
    window += text;
    found = window.includes(needle);
    window = window.slice(window.length - (needle.length - 1));
  };
  const decoder = new TextDecoder();
  for await (const chunk of response.body ?? []) await take(decoder.decode(chunk, { stream: true }));
  await take(decoder.decode());
  return found;
}
function shellQuote(word) {
  return /^[A-Za-z0-9_./=:@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

// src/engine/suite.ts
import { spawn } from "node:child_process";
async function runSuite(plan, test, options) {
  const started = Date.now();
  const output = test.mode === "command" ? new Output(options.output, TEST_LOG_FILE, { ...options.onOutput ? { onText: options.onOutput } : {} }) : new Output(options.output, serviceLogFile(plan.testService.name), { write: false, ...options.onOutput ? { onText: options.onOutput } : {} });
  try {
    const result = test.mode === "command" ? await runCommand(plan, test, options, output.input) : await runService(plan, options, test.timeoutMs, output.input);
    return { ...result, durationMs: Date.now() - started, outputTail: await output.close() };
  } catch (e) {
    await output.close().catch(() => void 0);
    throw e;
  }
}
async function runCommand(plan, test, options, output) {
  const { NODE_TEST_CONTEXT: _parentTestRunner, ...inherited } = options.env;
  const env = { ...inherited, ...endpointVariables(plan.environment, options.endpoints), ...test.env };
  const [command, ...args] = test.command;
  const child = spawn(command, args, { cwd: test.workdir, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const printed = mergeInto([child.stdout, child.stderr], output);
  let timedOut = false;
  let interrupted = false;
  const killGroup = () => {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, test.timeoutMs);
  const onAbort = () => {
    interrupted = true;
    killGroup();
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const exitCode = await new Promise((resolve4) => {
    child.once("error", (e) => {
      void writeText(output, `prenv: cannot start ${command}: ${e.message}
`).finally(() => resolve4(127));
    });
    child.once("close", (code, signal) => resolve4(code ?? (signal ? 128 : 1)));
  });
  await printed;
  clearTimeout(timer);
  options.signal?.removeEventListener("abort", onAbort);
  return { exitCode, timedOut, interrupted };
}
async function runService(plan, options, timeoutMs, output) {
  const service = plan.testService;
  const { backend } = options;
  await backend.removeService(plan.environment, service.name);
  await backend.createService(plan, service, options.owner);
  await backend.startService(plan, service);
  const follow = new AbortController();
  const logs = (async () => {
    const stream = await backend.logs(plan.environment, service.name, { follow: true, signal: follow.signal });
    for await (const chunk of stream) await writeText(output, chunk);
  })().catch(() => void 0);
  let timedOut = false;
  let interrupted = false;
  let exitCode;
  try {
    exitCode = await withTimeout(backend.waitForExit(plan.environment, service.name, options.signal), timeoutMs, options.signal);
  } catch (e) {
    timedOut = !options.signal?.aborted;
    interrupted = Boolean(options.signal?.aborted);
    await writeText(output, `prenv: ${e.message}
`);
    exitCode = 124;
  }
  if (!timedOut && !interrupted) await logs;
  follow.abort();
  return { exitCode, timedOut, interrupted };
}

// src/engine/run.ts
async function runEnvironment(env, plan, options) {
  const redactor = options.redactor ?? new Redactor();
  const output = redactor.pieces();
  const { onOutput, onPhase } = options;
  const flush = () => {
    const rest = output.end();
    if (rest) onOutput?.(rest);
  };
  const report = await runUnredacted(env, plan, {
    ...options,
    ...onOutput ? { onOutput: (chunk) => onOutput(output.push(chunk)) } : {},
    onPhase: (phase) => {
      flush();
      onPhase?.(phase);
    }
  });
  flush();
  return redactor.redactDeep(report);
}
async function runUnredacted(env, plan, options) {
  const t0 = Date.now();
  const { backend, owner } = options;
  const report = {
    prenvVersion: options.version,
    environment: plan.environment,
    project: plan.project,
    definitionHash: plan.definitionHash,
    backend: backend.kind,
    outcome: "error",
    exitCode: 2,
    params: reportParams(env.params),
    services: plan.services.map((s) => ({ name: s.name, image: s.image })),
    endpoints: [],
    setup: [],
    timings: { totalMs: 0 },
    startedAt: new Date(t0).toISOString(),
    finishedAt: ""
  };
  const fail = (phase, message2, extra = {}) => {
    report.outcome = "error";
    report.exitCode = 2;
    report.error = { phase, message: message2, ...definedFields(extra) };
  };
  let logOf;
  const schedule = env.chaos ? resolveSchedule(env.chaos, options.seed ?? env.chaos.seed ?? drawSeed()) : void 0;
  if (schedule) report.chaos = { seed: schedule.seed, timeline: plannedTimeline(schedule.faults) };
  let chaos;
  const endChaos = async () => {
    const running = chaos;
    chaos = void 0;
    if (running && report.chaos) report.chaos.timeline = await running.finish();
  };
  let booted = !options.boot;
  let collectStarted;
  let current = options.boot ? "boot" : "setup";
  const enter = (phase) => {
    current = phase === "collect" ? "test" : phase;
    options.onPhase?.(phase);
  };
  try {
    try {
      requireCapabilities(backend, chaosNeeds(env.chaos));
    } catch (e) {
      if (!(e instanceof UnsupportedError)) throw e;
      booted = false;
      fail(current, e.message, { hint: e.hint });
      return report;
    }
    if (options.boot) {
      enter("boot");
      const started = Date.now();
      try {
        const result = await up(plan, {
          backend,
          owner,
          // Kept on failure here, so that the logs are saved before the teardown below.
          keepOnFailure: true,
          ...options.onServiceEvent ? { onEvent: options.onServiceEvent } : {},
          ...options.signal ? { signal: options.signal } : {},
          ...options.bootTimeoutMs !== void 0 ? { timeoutMs: options.bootTimeoutMs } : {}
        });
        booted = true;
        report.services = result.services.map((s) => serviceEntry(s, plan));
        report.endpoints = result.endpoints;
      } catch (e) {
        if (!(e instanceof BootError)) throw e;
        booted = !e.removed;
        logOf = e.failure.logOf ?? (e.failure.service || void 0);
        const output = await passText(options.output, e.failure.logTail ?? "");
        fail("boot", e.failure.message, {
          service: e.failure.service,
          ...e.failure.hint ? { hint: e.failure.hint } : {},
          ...output ? { output } : {},
          ...options.signal?.aborted ? { interrupted: true } : {}
        });
        return report;
      } finally {
        report.timings.bootMs = Date.now() - started;
      }
    } else {
      report.endpoints = await backend.endpoints(plan.environment);
    }
    const setupStarted = Date.now();
    if (env.setup.length > 0 && (options.forceSetup || !await backend.hasMarker(plan.environment, "setup-done"))) {
      enter("setup");
      try {
        report.setup = await runSetup(plan, env.setup, { backend, owner, ...definedFields({ signal: options.signal, onStep: options.onStep, output: options.output }) });
        await backend.setMarker(plan, owner, "setup-done");
      } catch (e) {
        if (e instanceof SetupError) {
          report.setup = e.steps;
          fail("setup", e.message, { hint: e.hint, output: e.step.output });
          return report;
        }
        throw e;
      } finally {
        report.timings.setupMs = Date.now() - setupStarted;
      }
    }
    if (!env.test) {
      fail("test", "the definition has no test section", { hint: "add test: { command: ..., reports: ... } to prenv.yml" });
      return report;
    }
    enter("test");
    const testStarted = Date.now();
    const suiteStarted = /* @__PURE__ */ new Date();
    if (schedule) {
      options.onChaosSchedule?.(schedule);
      chaos = startChaos(schedule, { faults: backend, plan, owner, ...definedFields({ helperImage: env.chaos?.helperImage, onEvent: options.onFault }) });
    }
    let suite;
    try {
      suite = await runSuite(plan, env.test, {
        backend,
        owner,
        endpoints: report.endpoints,
        env: options.env,
        ...definedFields({ signal: options.signal, onOutput: options.onOutput, output: options.output })
      });
    } finally {
      await endChaos();
    }
    const suiteEnded = /* @__PURE__ */ new Date();
    const exits = await backend.exitsBetween(plan.environment, suiteStarted, suiteEnded);
    const caused = await faultExits(backend, plan.environment, suiteStarted, report.chaos);
    const crashes = exits.filter((e) => {
      const planned = plan.services.find((s) => s.name === e.service);
      if (planned === void 0 || planned.runsToCompletion) return false;
      const n = caused.get(e.service) ?? 0;
      if (n > 0) caused.set(e.service, n - 1);
      return n === 0;
    });
    const { outputTail, ...suiteSummary } = suite;
    report.suite = suiteSummary;
    report.timings.testMs = Date.now() - testStarted;
    enter("collect");
    collectStarted = Date.now();
    if (env.test.reports.length > 0) report.tests = await collectReports(env.test.reports, env.test.workdir, { notBefore: suiteStarted });
    const reportsDir = options.env[REPORTS_DIR_VARIABLE];
    if (report.tests && options.output?.copyReports) await options.output.copyReports(report.tests.reports, env.test.workdir, ...reportsDir ? [reportsDir] : []);
    if (crashes.length > 0) {
      const first = crashes[0];
      logOf = first.service;
      fail("test", `service "${first.service}" exited with code ${first.exitCode} while the tests ran`, {
        service: first.service,
        output: await passText(options.output, await logTail(backend, plan.environment, first.service))
      });
    } else if (suite.interrupted) {
      fail("test", "the run was interrupted", { interrupted: true });
    } else {
      const reportsOk = report.tests ? resultsPassed(report.tests) : true;
      const passed = suite.exitCode === 0 && reportsOk && !suite.timedOut;
      report.outcome = passed ? "passed" : "failed";
      report.exitCode = passed ? 0 : 1;
      if (suite.timedOut) report.error = { phase: "test", message: `the tests did not finish within ${Math.round(env.test.timeoutMs / 1e3)} s`, hint: "raise test.timeout, or look for a hanging test", output: outputTail };
      else if (!passed && suite.exitCode !== 0 && report.tests && resultsPassed(report.tests)) report.error = { phase: "test", message: `the test command exited with code ${suite.exitCode} although its reports show no failure`, output: outputTail };
      else if (!passed && !report.tests) report.error = { phase: "test", message: `the test command exited with code ${suite.exitCode}`, output: outputTail };
      const problems = chaosProblems(report.chaos);
      if (passed && problems.length > 0) fail("test", problems[0], { hint: problems.length > 1 ? `and ${problems.length - 1} more fault problem(s): see chaos.timeline in results.json` : "see chaos.timeline in results.json" });
    }
    return report;
  } catch (e) {
    const message2 = e instanceof ServiceError || e instanceof Error ? e.message : String(e);
    fail(current, message2);
    return report;
  } finally {
    await endChaos().catch(() => void 0);
    collectStarted ??= Date.now();
    const logsSaved = booted && options.output !== void 0;
    if (booted && options.output) {
      for (const s of [...plan.services, ...plan.testService ? [plan.testService] : []]) {
        try {
          await saveLog(backend, plan.environment, s.name, options.output);
        } catch (e) {
          if (!report.error) fail("teardown", `the log of ${s.name} could not be saved: ${e.message}`, { service: s.name, hint: "check the results folder's disk space and permissions" });
        }
      }
    }
    if (booted && plan.testService && report.suite) await backend.removeService(plan.environment, plan.testService.name).catch(() => void 0);
    report.timings.collectMs = Date.now() - collectStarted;
    const keep = !options.teardown || options.keepOnFailure === true && report.outcome !== "passed";
    if (booted && keep && options.boot) {
      await backend.setMarker(plan, owner, "kept").catch((e) => {
        if (!report.error) fail("teardown", `the environment was kept, but could not be marked as kept (${e.message}): prenv gc may remove it`);
      });
    }
    if (booted && !keep) {
      enter("teardown");
      const started = Date.now();
      try {
        await backend.remove(plan.environment, { keepVolumes: false });
        booted = false;
      } catch (e) {
        if (!report.error) fail("teardown", `teardown failed: ${e.message}`, { hint: "run prenv gc" });
      }
      report.timings.teardownMs = Date.now() - started;
    }
    const where = !logOf ? void 0 : logsSaved ? `its whole log is in the results folder: ${serviceLogFile(logOf)}` : booted ? `see its whole log with: prenv logs --env ${plan.environment} ${logOf}` : void 0;
    if (where && report.error) report.error.hint = report.error.hint ? `${report.error.hint}; ${where}` : where;
    report.timings.totalMs = Date.now() - t0;
    report.finishedAt = (/* @__PURE__ */ new Date()).toISOString();
  }
}
async function faultExits(backend, environment, suiteStarted, record) {
  const counts = /* @__PURE__ */ new Map();
  for (const f of record?.timeline ?? []) {
    if (f.applied !== "applied" || f.actualStartMs === void 0) continue;
    if (f.action.kind !== "kill" && f.action.kind !== "stop" && f.action.kind !== "restart") continue;
    const since = new Date(suiteStarted.getTime() + f.actualStartMs - 1e3);
    const until = new Date(suiteStarted.getTime() + (f.undoneAtMs ?? f.actualStartMs) + 1e3);
    const target = f.action.target;
    const n = (await backend.exitsBetween(environment, since, until)).filter((e) => e.service === target).length;
    counts.set(target, (counts.get(target) ?? 0) + n);
  }
  return counts;
}
function reportParams(params) {
  return Object.fromEntries(
    Object.entries(params).map(([k, p]) => [k, { ...p.value !== void 0 && !p.secret ? { value: p.value } : {}, ...p.origin ? { origin: p.origin } : {}, ...p.secret ? { secret: true } : {} }])
  );
}
function serviceEntry(s, plan) {
  const built = plan.services.find((p) => p.name === s.name)?.build === true;
  return {
    name: s.name,
    image: s.image.reference,
    imageId: s.image.id,
    ...definedFields({ digest: s.image.digest, baseImages: s.image.baseImages }),
    ...built ? { built } : {},
    phase: s.phase,
    readyMs: s.readyMs
  };
}

// src/definition/override.ts
function overrideTest(definition, override) {
  const { command, reports, timeoutMs } = override;
  if (command === void 0 && reports === void 0 && timeoutMs === void 0) return void 0;
  const current = definition.test;
  if (!current && command === void 0) return "the definition has no test section to apply it to; give a test command as well";
  const common = {
    workdir: current?.workdir ?? definition.baseDir,
    env: current?.env ?? {},
    timeoutMs: timeoutMs ?? current?.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS,
    reports: reports ?? current?.reports ?? [],
    location: current?.location ?? { file: definition.file ?? "", line: 1, column: 1 }
  };
  if (command !== void 0) definition.test = { ...common, mode: "command", command: ["/bin/sh", "-c", command] };
  else if (current) definition.test = { ...current, ...common };
  return void 0;
}

// src/repro/git.ts
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir as tmpdir2 } from "node:os";
import { join as join4, relative as relative3, resolve as resolve3 } from "node:path";
var ReproError = class extends Error {
  hint;
  constructor(message2, hint, options) {
    super(message2, options);
    this.name = "ReproError";
    this.hint = hint;
  }
};
function git(cwd, args) {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_TERMINAL_PROMPT: "0" }, stdio: ["ignore", "pipe", "pipe"] });
  if (r.error) throw new ReproError(`git cannot be run (${r.error.message})`, "install git", { cause: r.error });
  return { ok: r.status === 0, out: r.stdout.trim(), err: r.stderr.trim() };
}
function repositoryRoot(dir) {
  const r = git(dir, ["rev-parse", "--show-toplevel"]);
  return r.ok ? r.out : void 0;
}
function githubRepository(url) {
  const m = /github\.com[:/]+([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(\.git)?\/?$/.exec(url.trim());
  return m ? `${m[1]}/${m[2]}` : void 0;
}
function localSource(dir, repository) {
  const commit = git(dir, ["rev-parse", "HEAD"]);
  const tree = git(dir, ["rev-parse", "HEAD^{tree}"]);
  if (!commit.ok || !tree.ok) return void 0;
  const status = git(dir, ["status", "--porcelain", "--untracked-files=no"]);
  const origin = git(dir, ["remote", "get-url", "origin"]);
  const repo = repository ?? (origin.ok ? githubRepository(origin.out) : void 0);
  return { ...repo ? { repository: repo } : {}, commit: commit.out, tree: tree.out, dirty: status.ok && status.out !== "" };
}
function pathInRepository(root, dir) {
  return relative3(root, resolve3(dir)) || ".";
}
function checkoutTree(root, request, log = () => {
}) {
  const steps = [];
  const step = (s) => {
    steps.push(s);
    log(s);
  };
  const remote = remoteFor(root, request.repository);
  const wanted = [request.commit, ...request.mergeHead ? [request.mergeHead] : []];
  const missing = () => wanted.filter((sha2) => !git(root, ["cat-file", "-e", `${sha2}^{commit}`]).ok);
  if (missing().length > 0) {
    if (!remote) throw new ReproError(`commit ${missing()[0]} is not in this clone, and it has no remote to fetch it from`, `run the command inside a clone of ${request.repository ?? "the repository"}`);
    step(`fetch ${missing().join(" ")} from ${remote}`);
    git(root, ["fetch", "--quiet", "--no-tags", remote, ...missing()]);
    if (missing().length > 0 && request.pullRequest !== void 0) {
      step(`fetch pull/${request.pullRequest}/head from ${remote}`);
      git(root, ["fetch", "--quiet", "--no-tags", remote, `+refs/pull/${request.pullRequest}/head:refs/prenv/pull/${request.pullRequest}/head`]);
    }
    if (missing().length > 0) {
      step(`fetch the branches of ${remote}`);
      git(root, ["fetch", "--quiet", "--no-tags", remote]);
    }
    const still = missing();
    if (still.length > 0) throw new ReproError(`commit ${still[0]} is neither in this clone nor in its remote ${remote}`, "check that this is a clone of the repository the run was for; a force-pushed pull request may have lost the commit");
  }
  const dir = mkdtempSync(join4(tmpdir2(), "prenv-repro-"));
  const remove = () => {
    git(root, ["worktree", "remove", "--force", dir]);
    rmSync(dir, { recursive: true, force: true });
    git(root, ["worktree", "prune"]);
  };
  step(`git worktree add --detach ${dir} ${request.commit.slice(0, 12)}`);
  const added = git(root, ["worktree", "add", "--quiet", "--detach", dir, request.commit]);
  if (!added.ok) {
    remove();
    throw new ReproError(`a worktree for ${request.commit} cannot be made: ${added.err}`, "check the disk space and that git can write to the repository's .git");
  }
  try {
    if (request.mergeHead) {
      step(`merge ${request.mergeHead.slice(0, 12)} into it, as the pull request's test merge did`);
      const merged = git(dir, ["-c", "user.name=prenv", "-c", "user.email=prenv@localhost", "merge", "--quiet", "--no-ff", "--no-edit", request.mergeHead]);
      if (!merged.ok) throw new ReproError(`head ${request.mergeHead} does not merge cleanly into base ${request.commit}: ${merged.err || merged.out}`, "the commits are not the ones the run tested; check the line");
    }
    const tree = git(dir, ["rev-parse", "HEAD^{tree}"]).out;
    if (tree !== request.tree) throw new ReproError(`the rebuilt tree is ${tree}, not the tree the run tested (${request.tree})`, "the line's commits do not give the tested tree: was it edited? Use the line exactly as the run printed it");
  } catch (e) {
    remove();
    throw e;
  }
  return { dir, steps, remove };
}
function remoteFor(root, repository) {
  const names = git(root, ["remote"]).out.split("\n").filter(Boolean);
  if (repository) {
    for (const name of names) {
      const url = git(root, ["remote", "get-url", name]);
      if (url.ok && githubRepository(url.out)?.toLowerCase() === repository.toLowerCase()) return name;
    }
  }
  return names.includes("origin") ? "origin" : names.length === 1 ? names[0] : void 0;
}

// src/util/shell.ts
function shellQuote2(word) {
  if (word !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  if (/[\u0000-\u001f\u007f]/.test(word)) {
    const escaped = [...word].map((c) => {
      if (c === "\\") return "\\\\";
      if (c === "'") return "\\'";
      if (c === "\n") return "\\n";
      if (c === "	") return "\\t";
      if (c === "\r") return "\\r";
      const code = c.codePointAt(0);
      return code < 32 || code === 127 ? `\\x${code.toString(16).padStart(2, "0")}` : c;
    }).join("");
    return `$'${escaped}'`;
  }
  return `'${word.replace(/'/g, "'\\''")}'`;
}

// src/repro/line.ts
var LINE_LIMIT = 400;
function reproductionLine(manifest, where = {}) {
  const notes = [];
  const head = ["npx", `prenv@${manifest.prenvVersion}`, "repro"];
  const made = ["--prenv", manifest.prenvVersion];
  const source = manifest.source;
  const target = [];
  if (source.repository) target.push(source.pullRequest ? `${source.repository}#${source.pullRequest.number}` : source.repository);
  if (source.pullRequest?.merged) target.push("--head", source.pullRequest.head, "--base", source.pullRequest.base);
  else target.push("--commit", source.commit);
  target.push("--tree", source.tree);
  const args = [];
  if (manifest.workingDirectory !== ".") args.push("--dir", manifest.workingDirectory);
  if (manifest.definition) args.push("-d", manifest.definition);
  for (const file of manifest.composeFiles) args.push("-f", file);
  for (const profile of manifest.profiles) args.push("--profile", profile);
  for (const [name, param] of Object.entries(manifest.params).sort(([a], [b]) => a.localeCompare(b))) {
    if (param.secret) {
      notes.push(`parameter ${name} is secret, so it is not in the command: set PRENV_SECRET_${envName(name)} before running it`);
      if (param.origin !== void 0 && param.origin !== "default") args.push("--secret", name);
      continue;
    }
    if (param.origin === "default" || param.origin === void 0 || param.value === void 0) continue;
    args.push("--set", `${name}=${Array.isArray(param.value) ? param.value.join(",") : String(param.value)}`);
  }
  for (const image of manifest.images) {
    const digest = image.digest?.slice(image.digest.indexOf("@") + 1);
    if (!image.built && digest) args.push("--pin", `${image.service}=${digest}`);
  }
  if (manifest.test?.commandOverride !== void 0) args.push("--test-command", manifest.test.commandOverride);
  if (manifest.chaos) args.push("--seed", manifest.chaos.seed);
  const only = [...new Set(manifest.failedTests.map((t) => t.name))].flatMap((name) => ["--only", name]);
  if (source.dirty) notes.push("the run had changes that were in no commit: the command brings back the commit, not those changes");
  const inline = [...head, ...target, ...made, ...args, ...only].map(shellQuote2).join(" ");
  if (inline.length <= LINE_LIMIT) return { command: inline, notes };
  const byManifest = [...head, "--manifest"];
  const failed = manifest.failedTests.length > 0 ? ["--only-failed"] : [];
  if (where.runId && where.artifact && source.repository) {
    const dir = `prenv-run-${where.runId}`;
    const download = ["gh", "run", "download", where.runId, "-R", source.repository, "-n", where.artifact, "-D", dir].map(shellQuote2).join(" ");
    notes.push(`the run is too large for one inline command: this one downloads its manifest (the artifact ${where.artifact}) with the GitHub CLI; with the file at hand, \`prenv repro --manifest <file>\` works offline`);
    return { command: `${download} && ${[...byManifest, `${dir}/manifest.json`, ...failed].map(shellQuote2).join(" ")}`, notes };
  }
  return { command: [...byManifest, where.path ?? "prenv-results/manifest.json", ...failed].map(shellQuote2).join(" "), notes };
}

// src/secrets/collect.ts
var MIN_GUESSED_LENGTH = 6;
var NOT_SECRET = /* @__PURE__ */ new Set(["PWD", "OLDPWD", "SSH_AUTH_SOCK", "DBUS_SESSION_BUS_ADDRESS", "DESKTOP_SESSION", "GPG_AGENT_INFO", "XAUTHORITY"]);
function secretValues(environment, env) {
  const values = /* @__PURE__ */ new Set();
  for (const service of Object.values(environment?.definition.services ?? {}))
    for (const f of service.files ?? []) {
      const content = f.kind === "secret" && f.source ? fileContent(f.source) : void 0;
      if (content) values.add(content);
    }
  for (const param of Object.values(environment?.params ?? {})) {
    if (param.secret && param.value !== void 0) {
      values.add(renderParam(param.value));
      if (Array.isArray(param.value)) for (const item of param.value) values.add(item);
    }
  }
  const guessed = (name, value) => {
    if (value !== void 0 && value.length >= MIN_GUESSED_LENGTH && looksSecret(name) && !NOT_SECRET.has(name) && !name.startsWith("XDG_")) values.add(value);
  };
  for (const [name, value] of Object.entries(env)) {
    if (value === void 0) continue;
    if (name.startsWith(SECRET_ENV_PREFIX)) values.add(value);
    else guessed(name, value);
  }
  for (const [name, value] of Object.entries(environment?.definition.variablesUsed ?? {})) {
    if (environment?.params[name]) continue;
    guessed(name, value);
  }
  return [...values];
}

export {
  SECRET_ENV_PREFIX,
  envName,
  loadEnvironment,
  UpdateError,
  upOrUpdate,
  planUpdate,
  buildManifest,
  seal,
  imageDifferences,
  ManifestError,
  parseManifest,
  ResultsFolder,
  REPORTS_DIR_VARIABLE,
  REPORTS_DIR_PLACEHOLDER,
  createReportsDir,
  formatSchedule,
  runEnvironment,
  reportParams,
  overrideTest,
  ReproError,
  repositoryRoot,
  localSource,
  pathInRepository,
  checkoutTree,
  shellQuote2 as shellQuote,
  reproductionLine,
  secretValues
};
