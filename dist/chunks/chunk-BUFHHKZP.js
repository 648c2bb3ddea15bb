#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  looksSecret
} from "./chunk-6CJPBSLS.js";
import {
  FAULT_KINDS,
  INSTANT_FAULTS,
  NETWORK_FAULTS,
  describeIssue,
  didYouMean,
  external_exports,
  imageProblem,
  isMapping,
  loadDefinition,
  parseDuration,
  parseMount,
  readYaml,
  resolveFiles,
  targetsOf,
  toArgv,
  valueAt
} from "./chunk-MWVYT2RV.js";
import {
  DefinitionError,
  error,
  throwIfErrors,
  warning
} from "./chunk-YMOYOOXC.js";

// src/results/reports-dir.ts
import { tmpdir } from "node:os";
import { join } from "node:path";
var REPORTS_DIR_VARIABLE = "PRENV_REPORTS_DIR";
var REPORTS_DIR_PLACEHOLDER = join(tmpdir(), "prenv-reports");
async function createReportsDir() {
  const { mkdtemp, rm } = await import("node:fs/promises");
  const path = await mkdtemp(join(tmpdir(), "prenv-reports-"));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

// src/definition/params.ts
var PARAM_TYPES = ["string", "integer", "number", "boolean", "enum", "list"];
var SECRET_ENV_PREFIX = "PRENV_SECRET_";
var PARAM_ENV_PREFIX = "PRENV_PARAM_";
var NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
var SPEC_KEYS = ["type", "default", "description", "required", "values", "secret"];
function parseParamSpecs(source, path, diagnostics) {
  const block = valueAt(source.value, path);
  if (block === void 0 || block === null) return [];
  const fail = (message, at, hint, key = false) => diagnostics.push(error(message, { location: key ? source.locateKey([...path, ...at]) : source.locate([...path, ...at]), hint }));
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
  const fail = (message, path, hint, key = false) => ctx.diagnostics.push(error(message, { location: ctx.locate(path, key), hint }));
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
  const parsed = /* @__PURE__ */ new Map();
  if (prenvFile) {
    const source = readYaml(prenvFile, diagnostics);
    throwIfErrors(diagnostics);
    parsed.set(prenvFile, source);
    section = { source, base: [] };
    checkTopKeys(source, diagnostics);
    if (!composeFiles?.length) composeFiles = composeListOf(source, diagnostics);
  } else {
    const files = resolveFiles({ ...options }, diagnostics);
    throwIfErrors(diagnostics);
    for (const file of files) {
      const source = readYaml(file, diagnostics, "compose file");
      if (source) parsed.set(file, source);
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
      parsed,
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
  fail(message, path, hint, key = false) {
    this.diagnostics.push(error(message, { location: this.at(path, key), hint }));
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

export {
  REPORTS_DIR_VARIABLE,
  REPORTS_DIR_PLACEHOLDER,
  createReportsDir,
  SECRET_ENV_PREFIX,
  renderParam,
  envName,
  DEFAULT_TEST_TIMEOUT_MS,
  loadEnvironment
};
