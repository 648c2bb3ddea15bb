import { existsSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import type { z } from "zod";
import { readChaos } from "../chaos/definition.ts";
import type { ChaosDefinition } from "../chaos/model.ts";
import { loadDefinition, resolveFiles, type LoadOptions } from "./compose.ts";
import { DefinitionError, error, throwIfErrors, warning } from "./errors.ts";
import { describeIssue, type IssueWords } from "./issues.ts";
import { didYouMean } from "./keys.ts";
import { imageProblem } from "./image-ref.ts";
import type { Definition, Diagnostic, MountSpec, SourceLocation } from "./model.ts";
import { parseDuration, parseMount, toArgv } from "./normalize.ts";
import { parseParamSpecs, renderParam, resolveParams, type ParamInputs, type ResolvedParam } from "./params.ts";
import { PRENV_KEYS, RESERVED_KEYS, STEP_KINDS, stepCommon, testSchema, type StepKind, type TestRunner } from "./prenv-schema.ts";
import { isMapping, readYaml, type Path, type YamlSource } from "./yaml-source.ts";

interface StepBase {
  /** Shown in progress and errors: the step's `name`, else a summary of it. */
  name: string;
  timeoutMs: number;
  location: SourceLocation;
}

export type SetupStep =
  | (StepBase & { kind: "exec"; service: string; command: string[]; user?: string; workdir?: string; env: Record<string, string> })
  | (StepBase & { kind: "run"; image: string; command?: string[]; entrypoint?: string[]; env: Record<string, string>; workdir?: string; mounts: MountSpec[] })
  | (StepBase & { kind: "http"; service: string; port: number; path: string; method: string; headers: Record<string, string>; body?: string; expectStatus: number; expectBody?: string })
  | (StepBase & { kind: "copy"; service: string; from: string; to: string });

/** How the suite runs: a command on the host, or a service that runs to completion in the environment. */
export type TestSpec = {
  workdir: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** Globs, relative to workdir, where the JUnit reports land. */
  reports: string[];
  location: SourceLocation;
} & ({ mode: "command"; command: string[]; /** Named when prenv cannot tell it from the command. */ runner?: TestRunner } | { mode: "service"; service: string });

/** Everything prenv knows about an environment: compose services plus prenv's own keys. */
export interface EnvironmentDefinition {
  definition: Definition;
  params: Record<string, ResolvedParam>;
  setup: SetupStep[];
  test?: TestSpec;
  /** Faults to inject while the suite runs (docs/chaos.md). */
  chaos?: ChaosDefinition;
  /** The prenv.yml, or the compose file whose `x-prenv` held prenv's keys. */
  file?: string;
  /** Directory that prenv's relative paths (test workdir, copy sources) start from. */
  baseDir: string;
}

export interface EnvironmentLoadOptions extends Omit<LoadOptions, "variables" | "embedded"> {
  /** A prenv.yml; found in cwd (prenv.yml / prenv.yaml) when not given. */
  definition?: string;
  set?: string[];
  /** `name=value` lines whose values are secret (the Action's `secrets` input). */
  secrets?: string[];
  paramsFiles?: string[];
}

export const PRENV_FILES = ["prenv.yml", "prenv.yaml"];
const DEFAULT_STEP_TIMEOUT_MS = 2 * 60_000;
export const DEFAULT_TEST_TIMEOUT_MS = 30 * 60_000;

/**
 * Loads prenv.yml (or compose files with an `x-prenv` section): parameters first, since
 * they feed interpolation everywhere, then the compose part, then setup and test.
 * Throws DefinitionError with every finding; nothing is created by loading.
 */
export function loadEnvironment(options: EnvironmentLoadOptions): EnvironmentDefinition {
  const diagnostics: Diagnostic[] = [];
  const env = options.env ?? process.env;
  const prenvFile = findPrenvFile(options, diagnostics);
  throwIfErrors(diagnostics);

  // Where prenv's keys live: the prenv.yml, or `x-prenv` of the first compose file that has one.
  let section: { source: YamlSource; base: Path } | undefined;
  let composeFiles = options.files;
  // The files read here (the prenv.yml, or compose files searched for `x-prenv`): loadDefinition takes them as they are instead of parsing them again.
  const parsed = new Map<string, YamlSource>();
  if (prenvFile) {
    const source = readYaml(prenvFile, diagnostics);
    throwIfErrors(diagnostics);
    parsed.set(prenvFile, source!);
    section = { source: source!, base: [] };
    checkTopKeys(source!, diagnostics);
    if (!composeFiles?.length) composeFiles = composeListOf(source!, diagnostics);
  } else {
    const files = resolveFiles({ ...options }, diagnostics);
    throwIfErrors(diagnostics);
    for (const file of files) {
      const source = readYaml(file, diagnostics, "compose file");
      if (source) parsed.set(file, source);
      if (source && isMapping(source.value) && source.value["x-prenv"] !== undefined) {
        section = { source, base: ["x-prenv"] };
        break;
      }
    }
    composeFiles = files;
  }
  throwIfErrors(diagnostics);

  const specs = section ? parseParamSpecs(section.source, [...section.base, "params"], diagnostics) : [];
  const inputs: ParamInputs = { set: options.set ?? [], secrets: options.secrets ?? [], env, files: (options.paramsFiles ?? []).flatMap((f) => {
    const path = resolve(options.cwd, f);
    if (!existsSync(path)) {
      diagnostics.push(error(`params file ${path} does not exist`, { hint: "check the path given with --params-file" }));
      return [];
    }
    const source = readYaml(path, diagnostics);
    return source ? [{ source }] : [];
  }) };
  const params = resolveParams(specs, inputs, diagnostics);
  // The compose files are interpolated with the parameters: with one wrong, their findings would only echo it.
  throwIfErrors(diagnostics);
  const variables = Object.fromEntries(Object.values(params).flatMap((p) => (p.value === undefined ? [] : [[p.spec.name, renderParam(p.value)]])));

  let definition: Definition | undefined;
  try {
    const files = [...(composeFiles ?? [])];
    if (prenvFile && !files.includes(prenvFile)) files.push(prenvFile);
    definition = loadDefinition({
      ...options,
      files,
      env,
      variables,
      parsed,
      ...(prenvFile ? { embedded: { file: prenvFile, keys: PRENV_KEYS } } : {}),
    });
    diagnostics.push(...definition.warnings);
  } catch (e) {
    if (!(e instanceof DefinitionError)) throw e;
    diagnostics.push(...e.warnings, ...e.diagnostics);
  }
  throwIfErrors(diagnostics);

  const baseDir = prenvFile ? dirname(prenvFile) : definition!.workingDir;
  const values = prenvFile ? (definition!.embedded ?? {}) : asRecord(definition!.extensions["x-prenv"]);
  const reader = new SectionReader(section?.source, section?.base ?? [], baseDir, definition!, diagnostics);
  if (!prenvFile && section) reader.checkSectionKeys(values);
  const setup = reader.setup(values.setup);
  const test = reader.test(values.test);
  const chaos = readChaos(values.chaos, { locate: (path, key) => reader.at(path, key), services: Object.keys(definition!.services), diagnostics });
  throwIfErrors(diagnostics);
  definition!.warnings = diagnostics.filter((d) => d.severity === "warning");
  return {
    definition: definition!,
    params,
    setup,
    ...(test ? { test } : {}),
    ...(chaos ? { chaos } : {}),
    ...(section ? { file: section.source.file } : {}),
    baseDir,
  };
}

function findPrenvFile(options: EnvironmentLoadOptions, diagnostics: Diagnostic[]): string | undefined {
  if (options.definition) {
    const path = resolve(options.cwd, options.definition);
    if (!existsSync(path)) diagnostics.push(error(`definition ${path} does not exist`, { hint: "check the path given with --definition" }));
    return path;
  }
  // `-f` files decide alone unless one of them is a prenv.yml.
  const named = options.files?.map((f) => resolve(options.cwd, f)).find((f) => PRENV_FILES.includes(basename(f)));
  if (named) return named;
  if (options.files?.length) return undefined;
  return PRENV_FILES.map((f) => resolve(options.cwd, f)).find((f) => existsSync(f));
}


const COMPOSE_TOP = ["name", "services", "networks", "volumes", "include", "version"];

function checkTopKeys(source: YamlSource, diagnostics: Diagnostic[]): void {
  if (!isMapping(source.value)) {
    diagnostics.push(error("prenv.yml must be a mapping at the top level", { location: source.locate([]), hint: "start with `compose: [docker-compose.yml]` or `services:`" }));
    return;
  }
  for (const key of Object.keys(source.value)) {
    if (key.startsWith("x-") || COMPOSE_TOP.includes(key) || (PRENV_KEYS as readonly string[]).includes(key)) {
      if ((RESERVED_KEYS as readonly string[]).includes(key)) {
        diagnostics.push(warning(`"${key}" is not supported by this version of prenv yet and is ignored`, { location: source.locateKey([key]), hint: "remove it, or expect it to have no effect" }));
      }
      continue;
    }
    const guess = didYouMean(key, [...PRENV_KEYS, ...COMPOSE_TOP]);
    diagnostics.push(error(`unknown key "${key}" in prenv.yml`, { location: source.locateKey([key]), hint: guess ? `did you mean "${guess}"?` : `prenv.yml has ${PRENV_KEYS.join(", ")} and compose's ${COMPOSE_TOP.join(", ")}` }));
  }
}

function composeListOf(source: YamlSource, diagnostics: Diagnostic[]): string[] {
  const raw = (source.value as Record<string, unknown>).compose;
  if (raw === undefined || raw === null) return [];
  const list = typeof raw === "string" ? [raw] : raw;
  if (!Array.isArray(list) || !list.every((f) => typeof f === "string")) {
    diagnostics.push(error('"compose" must be a file name or a list of file names', { location: source.locate(["compose"]), hint: "write compose: [docker-compose.yml]" }));
    return [];
  }
  const dir = dirname(source.file);
  return list.map((f, i) => {
    const path = resolve(dir, f);
    if (!existsSync(path)) diagnostics.push(error(`compose file ${f} does not exist (looked for ${path})`, { location: source.locate(["compose", ...(typeof raw === "string" ? [] : [i])]), hint: "fix the path; it is relative to prenv.yml" }));
    return path;
  });
}

const PRENV_WORDS: IssueWords = {
  describePath: (path) => {
    const shown = path.filter((p) => p !== "x-prenv");
    return shown.length === 0 ? "prenv's section" : `"${shown.map((p) => (typeof p === "number" ? `[${p}]` : p)).join(".").replace(/\.\[/g, "[")}"`;
  },
  formsHint: (_path, where) => `see docs/prenv-yml.md for the forms ${where} takes`,
  service: () => undefined,
  reference: "docs/prenv-yml.md",
};

/** Reads and checks setup and test, pointing at the YAML the values came from. */
class SectionReader {
  private readonly source: YamlSource | undefined;
  private readonly base: Path;
  private readonly baseDir: string;
  private readonly definition: Definition;
  private readonly diagnostics: Diagnostic[];

  constructor(source: YamlSource | undefined, base: Path, baseDir: string, definition: Definition, diagnostics: Diagnostic[]) {
    this.source = source;
    this.base = base;
    this.baseDir = baseDir;
    this.definition = definition;
    this.diagnostics = diagnostics;
  }

  at(path: Path, key = false): SourceLocation {
    if (!this.source) return { file: this.definition.files[0] ?? "", line: 1, column: 1 };
    return key ? this.source.locateKey([...this.base, ...path]) : this.source.locate([...this.base, ...path]);
  }

  private fail(message: string, path: Path, hint: string, key = false): void {
    this.diagnostics.push(error(message, { location: this.at(path, key), hint }));
  }

  checkSectionKeys(values: Record<string, unknown>): void {
    const allowed = PRENV_KEYS.filter((k) => k !== "compose");
    for (const key of Object.keys(values)) {
      if ((allowed as readonly string[]).includes(key)) continue;
      const guess = didYouMean(key, allowed);
      this.fail(`unknown key "${key}" in x-prenv`, [key], guess ? `did you mean "${guess}"?` : `x-prenv has ${allowed.join(", ")}`, true);
    }
  }

  private keys(value: Record<string, unknown>, path: Path, allowed: readonly string[], where: string): void {
    for (const key of Object.keys(value)) {
      if (allowed.includes(key) || key.startsWith("x-")) continue;
      const guess = didYouMean(key, allowed);
      this.fail(`unknown key "${key}" in ${where}`, [...path, key], guess ? `did you mean "${guess}"?` : `${where} has ${allowed.join(", ")}`, true);
    }
  }

  private parse<T extends z.ZodType>(schema: T, value: unknown, path: Path): z.infer<T> | undefined {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      const shifted = { ...issue, path: [...this.base, ...path, ...issue.path] } as z.core.$ZodIssue;
      this.diagnostics.push(this.source ? describeIssue(shifted, this.source, PRENV_WORDS) : error(issue.message));
    }
    return undefined;
  }

  private duration(text: string | undefined, path: Path, fallback: number): number {
    if (text === undefined) return fallback;
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) {
      this.fail(`"${text}" is not a duration`, path, 'write a duration such as "30s", "5m" or "1h"');
      return fallback;
    }
    return ms;
  }

  private service(name: string, path: Path): void {
    if (this.definition.services[name]) return;
    const names = Object.keys(this.definition.services);
    const guess = didYouMean(name, names);
    this.fail(`service "${name}" is not defined`, path, guess ? `did you mean "${guess}"?` : `the services are ${names.join(", ")}`);
  }

  private argv(value: string | string[], path: Path): string[] | undefined {
    const argv = toArgv(value);
    if (typeof argv === "string") {
      this.fail(argv, path, "close the quote, or write the command as a list");
      return undefined;
    }
    if (!argv || argv.length === 0) {
      this.fail("the command is empty", path, "write the command to run");
      return undefined;
    }
    return argv;
  }

  setup(raw: unknown): SetupStep[] {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) {
      this.fail('"setup" must be a list of steps', ["setup"], "write setup: [ { exec: { service: db, command: [...] } } ]");
      return [];
    }
    const steps: SetupStep[] = [];
    raw.forEach((item: unknown, i) => {
      const path: Path = ["setup", i];
      if (!isMapping(item)) {
        this.fail(`setup step ${i + 1} must be a mapping`, path, "write one of exec, run, http, copy");
        return;
      }
      const kinds = Object.keys(item).filter((k): k is StepKind => k in STEP_KINDS);
      if (kinds.length !== 1) {
        this.keys(item, path, [...Object.keys(STEP_KINDS), ...Object.keys(stepCommon)], `setup step ${i + 1}`);
        this.fail(kinds.length === 0 ? `setup step ${i + 1} says nothing to do` : `setup step ${i + 1} has ${kinds.join(" and ")}: one per step`, path, "give exactly one of exec, run, http, copy");
        return;
      }
      const kind = kinds[0]!;
      this.keys(item, path, [kind, ...Object.keys(stepCommon)], `setup step ${i + 1}`);
      const inner = item[kind];
      const schema = STEP_KINDS[kind];
      if (isMapping(inner)) this.keys(inner, [...path, kind], Object.keys(schema.shape), `${kind} step`);
      const data = this.parse(schema, inner, [...path, kind]);
      const name = typeof item.name === "string" ? item.name : undefined;
      const timeoutMs = this.duration(typeof item.timeout === "string" ? item.timeout : undefined, [...path, "timeout"], DEFAULT_STEP_TIMEOUT_MS);
      if (!data) return;
      const base = { timeoutMs, location: this.at(path) };
      const env = (e: Record<string, string | number | boolean> | undefined) => Object.fromEntries(Object.entries(e ?? {}).map(([k, v]) => [k, String(v)]));
      switch (kind) {
        case "exec": {
          const d = data as z.infer<typeof STEP_KINDS.exec>;
          this.service(d.service, [...path, kind, "service"]);
          const command = this.argv(d.command, [...path, kind, "command"]);
          if (!command) return;
          steps.push({ kind, ...base, name: name ?? `exec in ${d.service}: ${command.join(" ")}`, service: d.service, command, env: env(d.env), ...(d.user ? { user: d.user } : {}), ...(d.workdir ? { workdir: d.workdir } : {}) });
          return;
        }
        case "run": {
          const d = data as z.infer<typeof STEP_KINDS.run>;
          const bad = imageProblem(d.image);
          if (bad) this.fail(bad.problem, [...path, kind, "image"], bad.hint);
          const command = d.command === undefined ? undefined : this.argv(d.command, [...path, kind, "command"]);
          const entrypoint = d.entrypoint === undefined ? undefined : this.argv(d.entrypoint, [...path, kind, "entrypoint"]);
          const mounts: MountSpec[] = [];
          (d.volumes ?? []).forEach((v, j) => {
            const mount = parseMount(v, this.baseDir);
            if (typeof mount === "string") this.fail(mount, [...path, kind, "volumes", j], 'write "./host/path:/container/path[:ro]"');
            else if (mount.type === "volume" && mount.source && !this.definition.volumes[mount.source]) this.fail(`volume "${mount.source}" is not declared under the top-level volumes`, [...path, kind, "volumes", j], "declare it, or use a ./path for a directory");
            else mounts.push(mount);
          });
          steps.push({ kind, ...base, name: name ?? `run ${d.image}${command ? ` ${command.join(" ")}` : ""}`, image: d.image, env: env(d.env), mounts, ...(command ? { command } : {}), ...(entrypoint ? { entrypoint } : {}), ...(d.workdir ? { workdir: d.workdir } : {}) });
          return;
        }
        case "http": {
          const d = data as z.infer<typeof STEP_KINDS.http>;
          this.service(d.service, [...path, kind, "service"]);
          const port = Number(d.port);
          if (!Number.isInteger(port) || port <= 0 || port > 65535) this.fail(`"${d.port}" is not a port number`, [...path, kind, "port"], "write the container port, e.g. 8080");
          const expect = typeof d.expect === "number" ? { status: d.expect } : (d.expect ?? {});
          const p = (d.path ?? "/").startsWith("/") ? (d.path ?? "/") : `/${d.path}`;
          steps.push({ kind, ...base, name: name ?? `${d.method ?? "GET"} ${d.service}:${port}${p}`, service: d.service, port, path: p, method: d.method ?? "GET", headers: d.headers ?? {}, expectStatus: expect.status ?? 200, ...(d.body !== undefined ? { body: d.body } : {}), ...(expect.body !== undefined ? { expectBody: expect.body } : {}) });
          return;
        }
        case "copy": {
          const d = data as z.infer<typeof STEP_KINDS.copy>;
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

  test(raw: unknown): TestSpec | undefined {
    if (raw === undefined || raw === null) return undefined;
    const path: Path = ["test"];
    if (isMapping(raw)) this.keys(raw, path, Object.keys(testSchema.shape), "test");
    const d = this.parse(testSchema, raw, path);
    if (!d) return undefined;
    const timeoutMs = this.duration(d.timeout, [...path, "timeout"], DEFAULT_TEST_TIMEOUT_MS);
    const reports = d.reports === undefined ? [] : typeof d.reports === "string" ? [d.reports] : d.reports;
    const common = {
      workdir: resolve(this.baseDir, d.workdir ?? "."),
      env: Object.fromEntries(Object.entries(d.env ?? {}).map(([k, v]) => [k, String(v)])),
      timeoutMs,
      reports,
      location: this.at(path),
    };
    if (d.workdir && !existsSync(common.workdir)) this.fail(`test workdir ${common.workdir} does not exist`, [...path, "workdir"], "fix the path; it is relative to the definition's directory");
    if ((d.command === undefined) === (d.service === undefined)) {
      this.fail("test needs exactly one of command (run on this machine) or service (run inside the environment)", path, "write test: { command: npm run test:integration } or test: { service: tests }", true);
      return undefined;
    }
    if (d.service !== undefined) {
      this.service(d.service, [...path, "service"]);
      return { ...common, mode: "service", service: d.service };
    }
    // A string runs through the shell, as a developer would type it.
    const command = typeof d.command === "string" ? ["/bin/sh", "-c", d.command] : this.argv(d.command!, [...path, "command"]);
    return command ? { ...common, mode: "command", command, ...(d.runner ? { runner: d.runner } : {}) } : undefined;
  }
}


function asRecord(v: unknown): Record<string, unknown> {
  return isMapping(v) ? v : {};
}
