import { looksSecret } from "../secrets/redact.ts";
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
  /** Declared `secret: true`: its value is masked wherever prenv writes. */
  secret: boolean;
  location?: SourceLocation;
}

export type ParamOrigin = "--set" | "params file" | "environment" | "secrets input" | "default";

export interface ResolvedParam {
  spec: ParamSpec;
  value?: ParamValue;
  origin?: ParamOrigin;
  /**
   * Its value must never be written: declared secret, a name that looks like a
   * credential, or a value given as a secret (PRENV_SECRET_<NAME>, the Action's
   * `secrets` input).
   */
  secret: boolean;
}

/** Where values come from, in increasing precedence: defaults < PRENV_PARAM_* < --params-file < --set. */
export interface ParamInputs {
  /** `--set name=value`, in order (a later one wins). */
  set?: string[];
  /** Parsed `--params-file` documents, in order. */
  files?: { source: YamlSource }[];
  env?: Record<string, string | undefined>;
  /** `name=value` lines whose values are secret (the Action's `secrets` input); wins over everything. */
  secrets?: string[];
}

/** PRENV_SECRET_<NAME> gives a parameter's value and marks it secret. */
export const SECRET_ENV_PREFIX = "PRENV_SECRET_";
export const PARAM_ENV_PREFIX = "PRENV_PARAM_";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SPEC_KEYS = ["type", "default", "description", "required", "values", "secret"];

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
    const spec: ParamSpec = { name, type: type as ParamType, required: raw.required === true, secret: raw.secret === true, location: source.locateKey([...path, name]) };
    if (raw.required !== undefined && typeof raw.required !== "boolean") fail(`"required" of parameter "${name}" must be true or false`, [name, "required"], "write required: true");
    if (raw.secret !== undefined && typeof raw.secret !== "boolean") fail(`"secret" of parameter "${name}" must be true or false`, [name, "secret"], "write secret: true");
    if (spec.secret && raw.default !== undefined && raw.default !== null) {
      fail(`secret parameter "${name}" has a default, which would put a secret into the repository`, [name, "default"], `remove the default and pass the value at run time (PRENV_SECRET_${envName(name)}, or the Action's secrets input)`);
      continue;
    }
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
  const secretByNature = (spec: ParamSpec) => spec.secret || looksSecret(spec.name);
  for (const spec of specs) resolved[spec.name] = spec.default !== undefined ? { spec, value: spec.default, origin: "default", secret: secretByNature(spec) } : { spec, secret: secretByNature(spec) };
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
  const take = (name: string, raw: unknown, origin: ParamOrigin, where: string, location?: SourceLocation, givenAsSecret = false) => {
    const spec = byName.get(name);
    if (!spec) return unknown(name, where, location);
    const value = coerce(spec, raw);
    if (typeof value === "string") {
      // The message quotes the value: not for one given as a secret.
      const why = givenAsSecret || secretByNature(spec) ? `has a value that is not ${spec.type === "integer" ? "an" : "a"} ${spec.type} (the value is secret, so it is not shown)` : value.slice(1);
      diagnostics.push(error(`${where}: parameter "${name}" ${why}`, { ...(location ? { location } : {}), hint: hintFor(spec) }));
      return;
    }
    resolved[name] = { spec, value: value.value, origin, secret: givenAsSecret || secretByNature(spec) };
  };

  const env = inputs.env ?? {};
  const fromEnv: [string, string, ParamSpec | undefined, boolean][] = [];
  for (const [key, raw] of Object.entries(env)) {
    if (raw === undefined) continue;
    const prefix = key.startsWith(PARAM_ENV_PREFIX) ? PARAM_ENV_PREFIX : key.startsWith(SECRET_ENV_PREFIX) ? SECRET_ENV_PREFIX : undefined;
    if (!prefix) continue;
    const wanted = key.slice(prefix.length);
    fromEnv.push([key, raw, specs.find((s) => envName(s.name) === wanted), prefix === SECRET_ENV_PREFIX]);
  }
  // A secret given for a parameter wins over a plain value from the environment.
  fromEnv.sort((a, b) => Number(a[3]) - Number(b[3]));
  for (const [key, raw, spec, secret] of fromEnv) {
    if (spec) take(spec.name, raw, "environment", key, undefined, secret);
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
      // The line may be the secret itself: name nothing of it.
      diagnostics.push(error("a line of the secrets input is not name=value", { hint: "write one `name=${{ secrets.NAME }}` line per secret parameter" }));
      continue;
    }
    take(item.slice(0, eq), item.slice(eq + 1), "secrets input", `secrets input, parameter ${item.slice(0, eq)}`, undefined, true);
  }
  for (const r of Object.values(resolved)) {
    if (r.value === undefined && r.spec.required) {
      diagnostics.push(error(`parameter "${r.spec.name}" is required and has no value`, { ...(r.spec.location ? { location: r.spec.location } : {}), hint: r.secret ? `set PRENV_SECRET_${envName(r.spec.name)} (or pass it in the Action's secrets input)` : `pass --set ${r.spec.name}=<value>, a --params-file, or PRENV_PARAM_${envName(r.spec.name)}` }));
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
