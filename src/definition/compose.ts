import { existsSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, relative, resolve } from "node:path";
import { parse as parseDotenv } from "dotenv";
import type { z } from "zod";
import { composeFileSchema, type fileSourceSchema, type RawComposeFile, type RawService } from "./compose-schema.ts";
import { describeIssue, type IssueWords } from "./issues.ts";
import { sha256Hex } from "../util/hash.ts";
import { definedFields, stableJson } from "../util/objects.ts";
import { DefinitionError, error, throwIfErrors, warning } from "./errors.ts";
import { interpolate, InterpolationError, type Lookup } from "./interpolate.ts";
import { readDefinitionText } from "./read-file.ts";
import { checkKeys, didYouMean } from "./keys.ts";
import type { Definition, Diagnostic, FileSource, NetworkSpec, ServiceSpec, SourceLocation, VolumeSpec } from "./model.ts";
import { declaredAt, defaultedBuildKeys, normalizeService } from "./normalize.ts";
import { isMapping, readYaml, shorten, type Path, type YamlSource } from "./yaml-source.ts";

export interface LoadOptions {
  /** Directory to look for compose files in when `files` is empty. */
  cwd: string;
  /** Compose files in merge order (`-f`). */
  files?: string[];
  /** Variables for interpolation; they win over the `.env` file. */
  env?: Record<string, string | undefined>;
  /** Replace the default `.env` lookup with these files. */
  envFiles?: string[];
  /** Active profiles (`--profile`); COMPOSE_PROFILES is read from `env` too. */
  profiles?: string[];
  /** Overrides the project name (`-p`). */
  projectName?: string;
  /** Values that win over the environment in interpolation (prenv's parameters). */
  variables?: Record<string, string>;
  /** A file among `files` that is a prenv.yml: its prenv keys are not compose keys. */
  embedded?: { file: string; keys: readonly string[] };
  /** Files the caller has already read and parsed, by absolute path: they are not read again. */
  parsed?: ReadonlyMap<string, YamlSource>;
}

export const DEFAULT_FILES = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];
const OVERRIDE_FILES = ["compose.override.yaml", "compose.override.yml", "docker-compose.override.yaml", "docker-compose.override.yml"];

/** Where a service's final form was declared, for later checks. */
interface Origin {
  source: YamlSource;
  path: Path;
}

interface Project {
  services: Map<string, { spec: ServiceSpec; origin: Origin }>;
  networks: Record<string, NetworkSpec>;
  volumes: Record<string, VolumeSpec>;
  /** Top-level secrets and configs: name -> where the content comes from. */
  secrets: Record<string, FileSource>;
  configs: Record<string, FileSource>;
  extensions: Record<string, unknown>;
  name?: string;
}

/** Loads, interpolates, validates and merges compose files. Throws DefinitionError. */
export function loadDefinition(options: LoadOptions): Definition {
  const diagnostics: Diagnostic[] = [];
  const files = resolveFiles(options, diagnostics);
  if (files.length === 0) throw new DefinitionError(diagnostics);
  const workingDir = dirname(files[0]!);
  const env = options.env ?? process.env;
  // --env-file paths are relative to where prenv runs, like -f paths; .env sits next to the first file.
  const envFiles = options.envFiles?.map((f) => resolve(options.cwd, f));
  const dotenv = readEnvFiles(envFiles ?? [resolve(workingDir, ".env")], envFiles !== undefined, env, diagnostics);
  const variables = options.variables ?? {};
  // Every variable the files use, with its value: those whose names look like credentials are masked in output.
  const used: Record<string, string> = {};
  const lookup: Lookup = (name) => {
    const value = variables[name] ?? env[name] ?? dotenv[name];
    if (value !== undefined) used[name] = value;
    return value;
  };

  const loader = new Loader(lookup, (name) => variables[name] ?? env[name] ?? dotenv[name], diagnostics, options.embedded, options.parsed);
  const project = loader.loadProject(files, workingDir);
  throwIfErrors(diagnostics);

  const profiles = new Set([...(options.profiles ?? []), ...(lookup("COMPOSE_PROFILES") ?? "").split(",").filter(Boolean)]);
  const name = projectName(options.projectName ?? lookup("COMPOSE_PROJECT_NAME") ?? project.name ?? basename(workingDir));
  const services: Record<string, ServiceSpec> = {};
  for (const [serviceName, { spec }] of project.services) {
    if (spec.profiles.length === 0 || spec.profiles.some((p) => profiles.has(p))) services[serviceName] = spec;
  }
  if (project.services.size === 0) {
    diagnostics.push(error(`${files.join(", ")} defines no services`, { location: { file: files[0]!, line: 1, column: 1 }, hint: "add a `services:` mapping with at least one service" }));
  }
  checkReferences(project, services, diagnostics);
  attachFiles(project, services, diagnostics);
  throwIfErrors(diagnostics);

  const hashed = { services, networks: project.networks, volumes: project.volumes };
  // Source positions say where, not what: they stay out of the hash. The text is taken now (what is
  // hashed is the definition as loaded), the digest on first use: validate never asks for it.
  const hashedText = stableJson(hashed, (key) => key === "location");
  let hash: string | undefined;
  return {
    name,
    workingDir,
    files,
    services,
    networks: project.networks,
    volumes: project.volumes,
    extensions: project.extensions,
    ...(loader.embeddedValues ? { embedded: loader.embeddedValues } : {}),
    get hash() {
      return (hash ??= sha256Hex(hashedText).slice(0, 16));
    },
    variablesUsed: used,
    warnings: diagnostics.filter((d) => d.severity === "warning"),
  };
}


export function resolveFiles(options: LoadOptions, diagnostics: Diagnostic[]): string[] {
  if (options.files && options.files.length > 0) {
    const files = options.files.map((f) => resolve(options.cwd, f));
    for (const f of files) {
      if (!existsSync(f)) diagnostics.push(error(`compose file ${f} does not exist`, { hint: "check the path given with -f / --file" }));
    }
    return diagnostics.length > 0 ? [] : files;
  }
  const main = DEFAULT_FILES.map((f) => resolve(options.cwd, f)).find((f) => existsSync(f));
  if (!main) {
    diagnostics.push(
      error(`no compose file in ${options.cwd}`, { hint: `create compose.yaml there, or pass one with -f (looked for ${DEFAULT_FILES.join(", ")})` }),
    );
    return [];
  }
  const override = OVERRIDE_FILES.map((f) => resolve(options.cwd, f)).find((f) => existsSync(f));
  return override ? [main, override] : [main];
}

function readEnvFiles(paths: string[], explicit: boolean, env: Record<string, string | undefined>, diagnostics: Diagnostic[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const path of paths) {
    if (!existsSync(path)) {
      if (explicit) diagnostics.push(error(`env file ${path} does not exist`, { hint: "check the path given with --env-file" }));
      continue;
    }
    const text = readDefinitionText(path, "env file", diagnostics);
    if (text === undefined) continue;
    const parsed = parseDotenv(text);
    // Values in .env may refer to the environment and to earlier entries.
    for (const [k, v] of Object.entries(parsed)) {
      try {
        out[k] = interpolate(v, (n) => env[n] ?? out[n]);
      } catch (e) {
        if (!(e instanceof InterpolationError)) throw e;
        diagnostics.push(error(`${e.message} (in ${k})`, { location: { file: path, line: lineOf(text, k), column: 1 }, hint: e.hint }));
      }
    }
  }
  return out;
}

function lineOf(text: string, key: string): number {
  const index = text.split("\n").findIndex((line) => new RegExp(`^\\s*(export\\s+)?${key}\\s*=`).test(line));
  return index < 0 ? 1 : index + 1;
}

class Loader {
  private readonly files = new Map<string, { source: YamlSource; raw: RawComposeFile; workingDir: string } | undefined>();
  private readonly resolved = new Map<string, ServiceSpec>();
  private readonly resolving = new Set<string>();
  /** Real paths of the files whose includes are being loaded, outermost first. */
  private readonly including: string[] = [];

  private readonly lookup: Lookup;
  private readonly diagnostics: Diagnostic[];
  private readonly embedded: { file: string; keys: readonly string[] } | undefined;
  /** The interpolated prenv keys of the embedded file, once it is loaded. */
  embeddedValues: Record<string, unknown> | undefined;

  /** Reads a variable without recording it in variablesUsed (for secrets' content). */
  private readonly quiet: Lookup;
  private readonly parsed: ReadonlyMap<string, YamlSource>;

  constructor(lookup: Lookup, quiet: Lookup, diagnostics: Diagnostic[], embedded?: { file: string; keys: readonly string[] }, parsed: ReadonlyMap<string, YamlSource> = new Map()) {
    this.lookup = lookup;
    this.quiet = quiet;
    this.diagnostics = diagnostics;
    this.embedded = embedded;
    this.parsed = parsed;
  }

  /** `at`: where the including file names these files, for findings about reading them. */
  loadProject(files: string[], workingDir: string, at?: SourceLocation): Project {
    const project: Project = { services: new Map(), networks: {}, volumes: {}, secrets: {}, configs: {}, extensions: {} };
    for (const file of files) {
      const loaded = this.loadFile(file, workingDir, at);
      if (!loaded) continue;
      const { raw, source } = loaded;
      if (raw.name !== undefined) project.name = raw.name;
      for (const [key, value] of Object.entries(raw)) if (key.startsWith("x-")) project.extensions[key] = value;
      const included = new Map<string, string[]>();
      this.including.push(realpathSync(file));
      try {
        for (const [i, inc] of (raw.include ?? []).entries()) {
          const { added, files: from } = this.include(project, inc, source, ["include", i], workingDir);
          for (const name of added) included.set(name, from);
        }
      } finally {
        this.including.pop();
      }
      for (const name of Object.keys(raw.services ?? {})) {
        const from = included.get(name);
        if (from) {
          this.diagnostics.push(
            error(`service "${name}" is defined both here and in the included ${from.join(", ")}`, {
              location: source.locateKey(["services", name]),
              hint: "rename one of them; an include may not redefine a service",
              service: name,
            }),
          );
          continue;
        }
        const spec = this.service(file, name);
        if (!spec) continue;
        const origin = { source, path: ["services", name] };
        const existing = project.services.get(name);
        project.services.set(name, { spec: existing ? mergeServices(existing.spec, spec) : spec, origin: existing?.origin ?? origin });
      }
      for (const [name, n] of Object.entries(raw.networks ?? {})) project.networks[name] = networkSpec(name, n, source, this.diagnostics);
      for (const [name, v] of Object.entries(raw.volumes ?? {})) project.volumes[name] = volumeSpec(name, v, source, this.diagnostics);
      for (const kind of ["secrets", "configs"] as const)
        for (const [name, f] of Object.entries(raw[kind] ?? {})) {
          const found = fileSource(kind, name, f, source, workingDir, this.quiet, this.diagnostics);
          if (found) project[kind][name] = found;
        }
    }
    return project;
  }

  /** Adds the services of an included project; returns their names and the included files. */
  private include(project: Project, inc: NonNullable<RawComposeFile["include"]>[number], source: YamlSource, path: Path, workingDir: string): { added: string[]; files: string[] } {
    const entry = typeof inc === "string" ? { path: inc } : inc;
    const paths = (typeof entry.path === "string" ? [entry.path] : entry.path).map((p) => resolve(workingDir, p));
    const refuse = (message: string, hint: string) => {
      this.diagnostics.push(error(message, { location: source.locate(path), hint }));
      return { added: [], files: paths };
    };
    for (const p of paths) {
      let real: string;
      try {
        real = realpathSync(p);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ELOOP") return refuse(`included file ${p} is a loop of symbolic links`, "point the link at a real file");
        return refuse(`included file ${p} does not exist`, "fix the path; it is relative to the including file");
      }
      const seen = this.including.indexOf(real);
      if (seen !== -1) {
        // Named relative to the first file of the chain, like extends cycles are named by service.
        const base = dirname(this.including[0]!);
        const chain = [...this.including.slice(seen), real].map((f) => relative(base, f) || basename(f));
        return refuse(`include forms a cycle: ${chain.join(" -> ")}`, "remove one of these includes; a file may not include itself, directly or through others");
      }
    }
    const subDir = entry.project_directory ? resolve(workingDir, entry.project_directory) : dirname(paths[0]!);
    const sub = this.loadProject(paths, subDir, source.locate(path));
    const added: string[] = [];
    for (const [name, svc] of sub.services) {
      if (project.services.has(name)) {
        this.diagnostics.push(
          error(`service "${name}" is defined both here and in the included ${paths.join(", ")}`, {
            location: source.locate(path),
            hint: "rename one of them; an include may not redefine a service",
            service: name,
          }),
        );
        continue;
      }
      project.services.set(name, svc);
      added.push(name);
    }
    Object.assign(project.networks, { ...sub.networks, ...project.networks });
    Object.assign(project.volumes, { ...sub.volumes, ...project.volumes });
    Object.assign(project.secrets, { ...sub.secrets, ...project.secrets });
    Object.assign(project.configs, { ...sub.configs, ...project.configs });
    return { added, files: paths };
  }

  private loadFile(file: string, workingDir: string, at?: SourceLocation) {
    if (this.files.has(file)) return this.files.get(file);
    this.files.set(file, undefined);
    const source = this.parsed.get(file) ?? readYaml(file, this.diagnostics, "compose file", at);
    if (!source) return undefined;
    if (!isMapping(source.value)) {
      this.diagnostics.push(error("a compose file must be a mapping at the top level", { location: source.locate([]), hint: "start with `services:`" }));
      return undefined;
    }
    let document = source.value;
    if (this.embedded?.file === file) {
      // prenv.yml: its own keys are validated elsewhere, interpolated here like the rest
      // (but for `params`, whose values feed interpolation); the rest is compose.
      const prenvKeys = new Set(this.embedded.keys);
      const own = Object.fromEntries(Object.entries(document).filter(([key]) => prenvKeys.has(key) && key !== "params"));
      this.embeddedValues = this.interpolateTree(own, [], source) as Record<string, unknown>;
      document = Object.fromEntries(Object.entries(document).filter(([key]) => !prenvKeys.has(key)));
    }
    const value = this.interpolateTree(document, [], source);
    checkKeys(value, source, this.diagnostics);
    const result = composeFileSchema.safeParse(value);
    if (!result.success) {
      for (const issue of result.error.issues) this.diagnostics.push(describeIssue(issue, source, COMPOSE_WORDS));
      return undefined;
    }
    const loaded = { source, raw: result.data, workingDir };
    this.files.set(file, loaded);
    return loaded;
  }

  private interpolateTree(value: unknown, path: Path, source: YamlSource): unknown {
    if (typeof value === "string") {
      try {
        return interpolate(value, this.lookup, (name) => {
          // Compose's behaviour, said out loud. PRENV_* are set only when the tests run.
          const hint = name.startsWith("PRENV_")
            ? `prenv sets ${name} when the tests run: write $$${name}, with two dollars, so that the shell expands it then`
            : `set ${name} in the environment or in .env, give a default with \${${name}:-value}, or write $$ for a literal dollar sign`;
          this.diagnostics.push(warning(`variable ${name} is not set; an empty string is used`, { location: source.locate(path), hint }));
        });
      } catch (e) {
        if (!(e instanceof InterpolationError)) throw e;
        this.diagnostics.push(error(e.message, { location: source.locate(path), hint: e.hint }));
        return value;
      }
    }
    if (Array.isArray(value)) return value.map((v, i) => this.interpolateTree(v, [...path, i], source));
    if (value && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.interpolateTree(v, [...path, k], source);
      return out;
    }
    return value;
  }

  /** The service `name` of `file` with its `extends` chain applied. */
  private service(file: string, name: string): ServiceSpec | undefined {
    const key = `${file}\0${name}`;
    if (this.resolved.has(key)) return this.resolved.get(key);
    const loaded = this.files.get(file);
    if (!loaded) return undefined;
    const raw: RawService = loaded.raw.services?.[name] ?? {};
    const path = ["services", name];
    if (this.resolving.has(key)) {
      this.diagnostics.push(error(`service "${name}" extends itself through a chain of extends`, { location: loaded.source.locate([...path, "extends"]), service: name, hint: "break the cycle of `extends`" }));
      return undefined;
    }
    this.resolving.add(key);
    try {
      let spec = normalizeService(raw, { name, source: loaded.source, path, workingDir: loaded.workingDir, lookup: this.lookup, diagnostics: this.diagnostics });
      if (raw.extends !== undefined) {
        const ext = typeof raw.extends === "string" ? { service: raw.extends } : raw.extends;
        const baseFile = ext.file ? resolve(loaded.workingDir, ext.file) : file;
        const at = loaded.source.locate([...path, "extends"]);
        if (ext.file && !existsSync(baseFile)) {
          this.diagnostics.push(error(`extends refers to ${baseFile}, which does not exist`, { location: at, service: name, hint: "fix the file path; it is relative to this compose file" }));
          return undefined;
        }
        if (ext.file && !this.loadFile(baseFile, dirname(baseFile), at)) return undefined;
        const baseServices = Object.keys(this.files.get(baseFile)?.raw.services ?? {});
        if (!baseServices.includes(ext.service)) {
          const guess = didYouMean(ext.service, baseServices);
          this.diagnostics.push(error(`extends refers to service "${ext.service}", which ${ext.file ? `${ext.file} does` : "this file does"} not define`, { location: at, service: name, hint: guess ? `did you mean "${guess}"?` : `define "${ext.service}" or fix the name` }));
          return undefined;
        }
        const base = this.service(baseFile, ext.service);
        if (base) spec = mergeServices({ ...base, name, location: spec.location }, spec);
      }
      this.resolved.set(key, spec);
      return spec;
    } finally {
      this.resolving.delete(key);
    }
  }
}

/** Compose's merge rules: scalars are replaced, mappings merged, sequences combined. */
export function mergeServices(base: ServiceSpec, over: ServiceSpec): ServiceSpec {
  const merged: ServiceSpec = {
    ...base,
    ...definedFields(over),
    environment: { ...base.environment, ...over.environment },
    labels: { ...base.labels, ...over.labels },
    dependsOn: { ...base.dependsOn, ...over.dependsOn },
    networks: { ...base.networks, ...over.networks },
    ports: uniqueBy([...base.ports, ...over.ports], (p) => JSON.stringify(p)),
    expose: [...new Set([...base.expose, ...over.expose])],
    mounts: [...new Map([...base.mounts, ...over.mounts].map((m) => [m.target, m])).values()],
    profiles: over.profiles.length > 0 ? over.profiles : base.profiles,
    extraHosts: [...new Set([...base.extraHosts, ...over.extraHosts])],
    capAdd: [...new Set([...base.capAdd, ...over.capAdd])],
    tmpfs: [...new Set([...base.tmpfs, ...over.tmpfs])],
    links: uniqueBy([...base.links, ...over.links], (l) => `${l.service}:${l.alias}`),
    volumesFrom: uniqueBy([...base.volumesFrom, ...over.volumesFrom], (v) => `${v.service ?? ""}:${v.container ?? ""}`),
    ready: over.ready.length > 0 ? over.ready : base.ready,
  };
  // Sequences Compose combines without repeats, and mappings it merges by key.
  for (const key of ["capDrop", "securityOpt", "dns"] as const) if (base[key] && over[key]) merged[key] = [...new Set([...base[key], ...over[key]])];
  if (base.ulimits && over.ulimits) merged.ulimits = { ...base.ulimits, ...over.ulimits };
  if (base.sysctls && over.sysctls) merged.sysctls = { ...base.sysctls, ...over.sysctls };
  // Options merge while the driver stays the same (or one side names none); another driver replaces them.
  if (base.logging && over.logging && (!base.logging.driver || !over.logging.driver || base.logging.driver === over.logging.driver))
    merged.logging = { ...base.logging, ...over.logging, options: { ...base.logging.options, ...over.logging.options } };
  if (base.build && over.build) {
    // A field the overriding file leaves out (so it holds a default) keeps the base's value.
    const defaulted = defaultedBuildKeys.get(over.build) ?? [];
    const given = Object.fromEntries(Object.entries(over.build).filter(([k]) => !defaulted.includes(k as "context" | "dockerfile")));
    merged.build = { ...base.build, ...given, args: { ...base.build.args, ...over.build.args } };
    if (base.build.additionalContexts && over.build.additionalContexts) merged.build.additionalContexts = { ...base.build.additionalContexts, ...over.build.additionalContexts };
    const baseDefaulted = defaultedBuildKeys.get(base.build) ?? [];
    defaultedBuildKeys.set(merged.build, defaulted.filter((k) => baseDefaulted.includes(k)));
  }
  // Hooks of later files run after the earlier files' ones.
  for (const key of ["postStart", "preStop"] as const) if (base[key] && over[key]) merged[key] = [...base[key], ...over[key]];
  if (base.healthcheck && over.healthcheck) merged.healthcheck = { ...base.healthcheck, ...definedFields(over.healthcheck), test: over.healthcheck.test.length > 0 ? over.healthcheck.test : base.healthcheck.test };
  return merged;
}


function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((i) => [key(i), i])).values()];
}

function networkSpec(name: string, raw: NonNullable<RawComposeFile["networks"]>[string], source: YamlSource, diagnostics: Diagnostic[]): NetworkSpec {
  const n = raw ?? {};
  const external = n.external === true || n.external === "true" || (typeof n.external === "object" && n.external !== null);
  if (!external) warnOwnName("network", name, n.name, source, diagnostics);
  if (n.driver && n.driver !== "bridge") diagnostics.push(error(`network "${name}" uses driver "${n.driver}"; prenv supports bridge networks only`, { location: source.locate(["networks", name, "driver"]), hint: "remove the driver (bridge is the default)" }));
  return { name: n.name || name, external, internal: n.internal === true || n.internal === "true", labels: labelRecord(n.labels), ...(n.driver ? { driver: n.driver } : {}) };
}

function volumeSpec(name: string, raw: NonNullable<RawComposeFile["volumes"]>[string], source: YamlSource, diagnostics: Diagnostic[]): VolumeSpec {
  const v = raw ?? {};
  const external = v.external === true || v.external === "true" || (typeof v.external === "object" && v.external !== null);
  if (!external) warnOwnName("volume", name, v.name, source, diagnostics);
  // An empty name (an unset variable) falls back to the key, as in Compose.
  return { name: v.name || name, external, labels: labelRecord(v.labels), ...(v.driver ? { driver: v.driver } : {}) };
}

/**
 * A network or volume that prenv creates is named <environment>_<key> whatever its `name:`
 * says: a fixed name would be shared by every environment of the project, and environments
 * must run side by side (and be removed without touching each other). Said once per object.
 */
function warnOwnName(kind: "network" | "volume", key: string, name: string | undefined, source: YamlSource, diagnostics: Diagnostic[]): void {
  if (!name || name === key) return;
  diagnostics.push(
    warning(`${kind} "${key}" is created as <environment>_${key}, not as "${shorten(name)}": prenv names what it creates per environment so that environments can run side by side`, {
      location: source.locateKey([`${kind}s`, key, "name"]),
      hint: `to share an existing ${kind} with other projects, declare it \`external: true\` with \`name: ${shorten(name)}\``,
    }),
  );
}

function labelRecord(v: Record<string, string | number | boolean | null> | string[] | undefined): Record<string, string> {
  if (!v) return {};
  if (Array.isArray(v)) return Object.fromEntries(v.map((s) => [s.split("=")[0]!, s.split("=").slice(1).join("=")]));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x === null ? "" : String(x)]));
}

/** The content of `environment` secrets and configs, kept out of the (hashed, printable) definition. */
const fileContents = new WeakMap<FileSource, string>();

/** What a secret or config holds when it comes from a variable; files are read by the engine. */
export function fileContent(source: FileSource): string | undefined {
  return "content" in source ? source.content : fileContents.get(source);
}

/** A top-level secret or config: a file (which must exist), a variable, or (configs) inline content. */
function fileSource(kind: "secrets" | "configs", name: string, raw: z.infer<typeof fileSourceSchema>, source: YamlSource, workingDir: string, lookup: Lookup, diagnostics: Diagnostic[]): FileSource | undefined {
  const what = `${kind === "secrets" ? "secret" : "config"} "${name}"`;
  const at = (key?: string) => (key ? source.locate([kind, name, key]) : source.locateKey([kind, name]));
  const given = (["file", "environment", "content"] as const).filter((k) => raw[k] !== undefined);
  if (raw.external !== undefined && raw.external !== false && raw.external !== "false") {
    diagnostics.push(error(`${what} is external, which prenv cannot read: external secrets and configs live in a Swarm`, { location: at("external"), hint: "give it a `file:` or an `environment:` source instead" }));
    return undefined;
  }
  if (given.length !== 1 || (kind === "secrets" && raw.content !== undefined)) {
    diagnostics.push(error(`${what} needs exactly one source`, { location: at(), hint: kind === "secrets" ? "write `file: ./path` or `environment: VARIABLE`" : "write `file: ./path`, `environment: VARIABLE` or `content: ...`" }));
    return undefined;
  }
  if (raw.file !== undefined) {
    const file = resolve(workingDir, raw.file);
    if (!existsSync(file)) {
      diagnostics.push(error(`${what}: file ${raw.file} does not exist (looked for ${file})`, { location: at("file"), hint: "create the file, or fix the path (relative to the compose file)" }));
      return undefined;
    }
    return { file };
  }
  if (raw.content !== undefined) return { content: raw.content };
  const variable = raw.environment!;
  // Read straight from the variables, not through `lookup`: that records values in variablesUsed, which is written out.
  const value = lookup(variable);
  if (value === undefined) {
    diagnostics.push(error(`${what} comes from variable ${variable}, which is not set`, { location: at("environment"), hint: `set ${variable} in the environment or in .env` }));
    return undefined;
  }
  const found: FileSource = { environment: variable };
  fileContents.set(found, value);
  return found;
}

/** Gives each service's secrets and configs their sources; an undeclared one is an error at its entry. */
function attachFiles(project: Project, services: Record<string, ServiceSpec>, diagnostics: Diagnostic[]): void {
  for (const [name, spec] of Object.entries(services))
    for (const f of spec.files ?? []) {
      const declared = f.kind === "secret" ? project.secrets : project.configs;
      const found = declared[f.name];
      if (found) f.source = found;
      else {
        const guess = didYouMean(f.name, Object.keys(declared));
        diagnostics.push(error(`service "${name}" uses ${f.kind} "${f.name}", which is not declared under the top-level ${f.kind}s`, { location: declaredAt.get(f), service: name, hint: guess ? `did you mean "${guess}"?` : `add "${f.name}:" with a file: or environment: under the top-level ${f.kind}s key` }));
      }
    }
}

/** Checks that need the whole project: references between services, networks and volumes. */
function checkReferences(project: Project, services: Record<string, ServiceSpec>, diagnostics: Diagnostic[]): void {
  const all = [...project.services.keys()];
  for (const [name, spec] of Object.entries(services)) {
    const origin = project.services.get(name)!.origin;
    const at = (path: Path): SourceLocation => origin.source.locate([...origin.path, ...path]);
    // A provider service has been refused already, at its provider key.
    if (!spec.image && !spec.build && spec.provider === undefined) {
      diagnostics.push(error(`service "${name}" has neither an image nor a build section`, { location: spec.location, service: name, hint: "add `image: <name>` or `build: <directory>`" }));
    }
    if (spec.pullPolicy?.policy === "build" && !spec.build)
      diagnostics.push(error(`service "${name}" has pull_policy: build but no build section to build its image from`, { location: spec.pullPolicy.location, service: name, hint: "add `build: <directory>`, or use another pull_policy (missing, always, never)" }));
    for (const [dep, d] of Object.entries(spec.dependsOn)) {
      if (services[dep]) continue;
      const other = project.services.get(dep);
      if (other) {
        if (!d.required) continue;
        diagnostics.push(error(`service "${name}" depends on "${dep}", which is only enabled with profile ${other.spec.profiles.map((p) => `"${p}"`).join(" or ")}`, { location: declaredAt.get(d) ?? at(["depends_on", dep]), service: name, hint: `enable it with --profile ${other.spec.profiles[0]}, or mark the dependency \`required: false\`` }));
        continue;
      }
      const guess = didYouMean(dep, all);
      diagnostics.push(error(`service "${name}" depends on "${dep}", which is not defined`, { location: declaredAt.get(d) ?? at(["depends_on", dep]), service: name, hint: guess ? `did you mean "${guess}"?` : `define a service "${dep}" or remove the dependency` }));
    }
    for (const [net, n] of Object.entries(spec.networks)) {
      if (net === "default" || project.networks[net]) continue;
      const guess = didYouMean(net, Object.keys(project.networks));
      diagnostics.push(error(`service "${name}" uses network "${net}", which is not declared under the top-level networks`, { location: declaredAt.get(n) ?? at(["networks", net]), service: name, hint: guess ? `did you mean "${guess}"?` : `add "${net}:" under the top-level networks key` }));
    }
    spec.mounts.forEach((m) => {
      const mountAt = declaredAt.get(m) ?? at(["volumes"]);
      if (m.type === "volume" && m.source && !project.volumes[m.source]) {
        const guess = didYouMean(m.source, Object.keys(project.volumes));
        diagnostics.push(error(`service "${name}" mounts volume "${m.source}", which is not declared under the top-level volumes`, { location: mountAt, service: name, hint: guess ? `did you mean "${guess}"?` : `add "${m.source}:" under the top-level volumes key, or write "./${m.source}" for a directory` }));
      }
      if (m.type === "bind" && !existsSync(m.source)) {
        if (!m.createHostPath) {
          // Compose would refuse it when the container is created; prenv says so before anything starts.
          diagnostics.push(error(`service "${name}" mounts ${m.source}, which does not exist (bind.create_host_path is false)`, { location: mountAt, service: name, hint: "create the path first, fix it, or drop `create_host_path: false` to have it created as a directory" }));
        } else {
          const looksLikeFile = /\.[A-Za-z0-9]{1,8}$/.test(basename(m.source));
          diagnostics.push(
            warning(`service "${name}" mounts ${m.source}, which does not exist: it is created as an empty directory when the environment starts, as Compose does`, {
              location: mountAt,
              service: name,
              hint: looksLikeFile ? `${basename(m.source)} looks like a file name: create the file first, or the container sees a directory there` : "create it first if the container expects contents; relative paths start at the compose file's directory",
            }),
          );
        }
      } else if (m.type === "bind" && !statSync(m.source, { throwIfNoEntry: false })) {
        diagnostics.push(error(`service "${name}" mounts ${m.source}, which cannot be read`, { location: mountAt, service: name, hint: "check its permissions" }));
      }
    });
  }
  const cycle = findCycle(services);
  if (cycle) {
    const first = project.services.get(cycle[0]!)!;
    diagnostics.push(error(`depends_on forms a cycle: ${cycle.join(" -> ")}`, { location: first.origin.source.locate([...first.origin.path, "depends_on"]), service: cycle[0], hint: "remove one of these dependencies; services must start in some order" }));
  }
}

/** A dependency cycle as a list of names that starts and ends with the same service, if any. */
export function findCycle(services: Record<string, ServiceSpec>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === "done") return undefined;
    if (state.get(name) === "visiting") return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, "visiting");
    stack.push(name);
    for (const dep of Object.keys(services[name]?.dependsOn ?? {})) {
      if (!services[dep]) continue;
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(name, "done");
    return undefined;
  };
  for (const name of Object.keys(services).sort()) {
    const found = visit(name);
    if (found) return found;
  }
  return undefined;
}

/**
 * Project names become object names. Compose's normalisation: lower case, every character
 * but [a-z0-9_-] dropped (a folder `transfer.zip` is project `transferzip`), no leading
 * `-` or `_`.
 */
export function projectName(name: string): string {
  const clean = name.toLowerCase().replace(/[^a-z0-9_-]+/g, "").replace(/^[-_]+/, "");
  return clean || "prenv";
}


const FORMS: Record<string, string> = {
  command: 'write a string such as `npm start` or a list such as ["npm", "start"]',
  entrypoint: 'write a string such as `/entrypoint.sh` or a list such as ["/entrypoint.sh", "--verbose"]',
  environment: 'write a mapping (`KEY: value`) or a list of "KEY=value" strings',
  labels: 'write a mapping (`com.example.team: api`) or a list of "KEY=value" strings',
  args: 'write a mapping (`VERSION: "1.2"`) or a list of "KEY=value" strings',
  ports: 'write a list, e.g. `ports: ["8080:80"]`',
  expose: 'write a list, e.g. `expose: ["3000"]`',
  volumes: 'write a list, e.g. `volumes: ["./data:/var/lib/data"]`',
  healthcheck: 'write a mapping, e.g. `healthcheck: { test: "curl -f http://localhost", interval: 10s }`',
  depends_on: "write a list of service names, or a mapping of name to `{ condition: service_healthy }`",
  networks: "write a list of network names, or a mapping of name to `{ aliases: [...] }`",
  env_file: 'write a path such as `.env.local` or a list of paths',
  profiles: 'write a list, e.g. `profiles: ["debug"]`',
  build: "write a directory such as `.` or a mapping with `context` and `dockerfile`",
  test: 'write a string, which runs in a shell, or a list such as ["CMD", "pg_isready"]',
};

function formsHint(path: Path, where: string): string {
  const key = [...path].reverse().find((p): p is string => typeof p === "string");
  return (key !== undefined && FORMS[key]) || `see the Compose Specification for the forms ${where} takes`;
}

const COMPOSE_WORDS: IssueWords = {
  describePath,
  formsHint,
  service: (path) => (path[0] === "services" && typeof path[1] === "string" ? path[1] : undefined),
  reference: "the Compose Specification",
};

function describePath(path: Path): string {
  if (path.length === 0) return "the file";
  if (path[0] === "services" && path.length >= 2) {
    const rest = path.slice(2);
    return rest.length === 0 ? `service "${path[1]}"` : `"${rest.join(".")}" of service "${path[1]}"`;
  }
  return `"${path.join(".")}"`;
}

