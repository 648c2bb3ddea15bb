import { error, warning } from "./errors.ts";
import { didYouMean } from "./keys.ts";
import type { Diagnostic, SourceLocation } from "./model.ts";
import { isMapping, valueAt, type Path, type YamlSource } from "./yaml-source.ts";

export const PARAM_TYPES = ["string", "integer", "number", "boolean", "enum", "list"] as const;
export type ParamType = (typeof PARAM_TYPES)[number];
export type ParamValue = string | number | boolean | string[];

/** A typed parameter of the environment, as `params:` declares it. */
export interface ParamSpec {
  name: string;
  type: ParamType;
  description?: string;
  default?: ParamValue;
  required: boolean;
  /** The allowed values of an enum. */
  values?: string[];
  location?: SourceLocation;
}

export type ParamOrigin = "--set" | "params file" | "environment" | "default";

export interface ResolvedParam {
  spec: ParamSpec;
  value?: ParamValue;
  origin?: ParamOrigin;
}

/** Where values come from, in increasing precedence: defaults < PRENV_PARAM_* < --params-file < --set. */
export interface ParamInputs {
  /** `--set name=value`, in order (a later one wins). */
  set?: string[];
  /** Parsed `--params-file` documents, in order. */
  files?: { source: YamlSource }[];
  env?: Record<string, string | undefined>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SPEC_KEYS = ["type", "default", "description", "required", "values"];

/** Reads `params:` (a mapping of name to spec) at `path` of a YAML source. */
export function parseParamSpecs(source: YamlSource, path: Path, diagnostics: Diagnostic[]): ParamSpec[] {
  const block = valueAt(source.value, path);
  if (block === undefined || block === null) return [];
  const fail = (message: string, at: Path, hint: string, key = false) =>
    diagnostics.push(error(message, { location: key ? source.locateKey([...path, ...at]) : source.locate([...path, ...at]), hint }));
  if (!isMapping(block)) {
    fail("params must be a mapping of parameter names to their specs", [], "write `params: { db_version: { type: string, default: \"16\" } }`");
    return [];
  }
  const specs: ParamSpec[] = [];
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
    if (typeof type !== "string" || !(PARAM_TYPES as readonly string[]).includes(type)) {
      const guess = typeof type === "string" ? didYouMean(type, PARAM_TYPES) : undefined;
      fail(`parameter "${name}" has type ${JSON.stringify(type)}, which is not a parameter type`, [name, "type"], guess ? `did you mean "${guess}"?` : `use one of ${PARAM_TYPES.join(", ")}`);
      continue;
    }
    const spec: ParamSpec = { name, type: type as ParamType, required: raw.required === true, location: source.locateKey([...path, name]) };
    if (raw.required !== undefined && typeof raw.required !== "boolean") fail(`"required" of parameter "${name}" must be true or false`, [name, "required"], "write required: true");
    if (raw.description !== undefined) {
      if (typeof raw.description === "string") spec.description = raw.description;
      else fail(`the description of parameter "${name}" must be text`, [name, "description"], "quote it");
    }
    if (spec.type === "enum") {
      if (!Array.isArray(raw.values) || raw.values.length === 0 || !raw.values.every((v) => ["string", "number", "boolean"].includes(typeof v))) {
        fail(`enum parameter "${name}" needs "values": a non-empty list of allowed values`, [name], `write values: ["15", "16"]`);
        continue;
      }
      spec.values = raw.values.map(String);
    } else if (raw.values !== undefined) {
      fail(`"values" only applies to enum parameters, and "${name}" is a ${spec.type}`, [name, "values"], "write type: enum, or remove values");
    }
    if (raw.default !== undefined && raw.default !== null) {
      const value = coerce(spec, raw.default);
      if (typeof value === "string") fail(`the default of parameter "${name}" ${value.slice(1)}`, [name, "default"], hintFor(spec));
      else spec.default = value.value;
    }
    specs.push(spec);
  }
  return specs;
}

/** Picks each parameter's value from the inputs; unknown names and wrong types are diagnostics. */
export function resolveParams(specs: ParamSpec[], inputs: ParamInputs, diagnostics: Diagnostic[]): Record<string, ResolvedParam> {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const resolved: Record<string, ResolvedParam> = {};
  for (const spec of specs) resolved[spec.name] = spec.default !== undefined ? { spec, value: spec.default, origin: "default" } : { spec };
  const names = specs.map((s) => s.name);
  const unknown = (name: string, where: string, location?: SourceLocation) => {
    const guess = didYouMean(name, names);
    diagnostics.push(
      error(`${where}: unknown parameter "${name}"`, {
        ...(location ? { location } : {}),
        hint: guess ? `did you mean "${guess}"?` : names.length ? `the parameters are ${names.join(", ")} (prenv describe lists them)` : "this definition declares no params",
      }),
    );
  };
  const take = (name: string, raw: unknown, origin: ParamOrigin, where: string, location?: SourceLocation) => {
    const spec = byName.get(name);
    if (!spec) return unknown(name, where, location);
    const value = coerce(spec, raw);
    if (typeof value === "string") {
      diagnostics.push(error(`${where}: parameter "${name}" ${value.slice(1)}`, { ...(location ? { location } : {}), hint: hintFor(spec) }));
      return;
    }
    resolved[name] = { spec, value: value.value, origin };
  };

  const env = inputs.env ?? {};
  for (const [key, raw] of Object.entries(env)) {
    if (!key.startsWith("PRENV_PARAM_") || raw === undefined) continue;
    const wanted = key.slice("PRENV_PARAM_".length);
    const spec = specs.find((s) => envName(s.name) === wanted);
    if (spec) take(spec.name, raw, "environment", key);
    else diagnostics.push(warning(`${key} names no parameter of this definition and is ignored`, { hint: `parameters: ${names.map((n) => `PRENV_PARAM_${envName(n)}`).join(", ") || "none"}` }));
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
  for (const r of Object.values(resolved)) {
    if (r.value === undefined && r.spec.required) {
      diagnostics.push(error(`parameter "${r.spec.name}" is required and has no value`, { ...(r.spec.location ? { location: r.spec.location } : {}), hint: `pass --set ${r.spec.name}=<value>, a --params-file, or PRENV_PARAM_${envName(r.spec.name)}` }));
    }
  }
  return resolved;
}

/** The text a parameter puts into `${name}`: lists are comma-separated. */
export function renderParam(value: ParamValue): string {
  return Array.isArray(value) ? value.join(",") : String(value);
}

export function envName(name: string): string {
  return name.toUpperCase();
}

/** `{ value }` when `raw` fits the spec's type, else "!<why>" (a message tail). */
function coerce(spec: ParamSpec, raw: unknown): { value: ParamValue } | `!${string}` {
  const text = typeof raw === "string" ? raw.trim() : undefined;
  switch (spec.type) {
    case "string":
      return ["string", "number", "boolean"].includes(typeof raw) ? { value: String(raw) } : `!must be text, not ${describe(raw)}`;
    case "integer": {
      const n = typeof raw === "number" ? raw : text !== undefined && /^[-+]?\d+$/.test(text) ? Number(text) : NaN;
      return Number.isSafeInteger(n) ? { value: n } : `!must be a whole number, not ${describe(raw)}`;
    }
    case "number": {
      const n = typeof raw === "number" ? raw : text !== undefined && text !== "" ? Number(text) : NaN;
      return Number.isFinite(n) ? { value: n } : `!must be a number, not ${describe(raw)}`;
    }
    case "boolean": {
      if (typeof raw === "boolean") return { value: raw };
      if (text !== undefined && /^(true|yes|on|1)$/i.test(text)) return { value: true };
      if (text !== undefined && /^(false|no|off|0)$/i.test(text)) return { value: false };
      return `!must be true or false, not ${describe(raw)}`;
    }
    case "enum": {
      const value = ["string", "number", "boolean"].includes(typeof raw) ? String(raw) : undefined;
      if (value !== undefined && spec.values!.includes(value)) return { value };
      // Short values are all "close" to each other: suggest only for longer words.
      const guess = value !== undefined && value.length > 2 ? didYouMean(value, spec.values!) : undefined;
      return `!must be one of ${spec.values!.map((v) => JSON.stringify(v)).join(", ")}, not ${describe(raw)}${guess ? ` (did you mean "${guess}"?)` : ""}`;
    }
    case "list": {
      if (Array.isArray(raw) && raw.every((v) => ["string", "number", "boolean"].includes(typeof v))) return { value: raw.map(String) };
      if (text !== undefined) return { value: text === "" ? [] : text.split(",").map((v) => v.trim()) };
      return `!must be a list, not ${describe(raw)}`;
    }
  }
}

function hintFor(spec: ParamSpec): string {
  switch (spec.type) {
    case "enum":
      return `use one of ${spec.values!.join(", ")}`;
    case "list":
      return `give a comma-separated list, e.g. --set ${spec.name}=a,b`;
    case "boolean":
      return `write --set ${spec.name}=true or false`;
    default:
      return `give ${spec.type === "integer" ? "an" : "a"} ${spec.type}${spec.description ? ` (${spec.description})` : ""}`;
  }
}

function describe(raw: unknown): string {
  if (raw === null) return "null";
  if (Array.isArray(raw)) return "a list";
  if (typeof raw === "object") return "a mapping";
  return JSON.stringify(raw);
}
