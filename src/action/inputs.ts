import * as core from "@actions/core";
import { parse as parseYaml } from "yaml";
import { parseAge } from "../engine/lifecycle.ts";
import { hostTemplateProblem, type ProxyLabels } from "../engine/preview-urls.ts";
import { BACKEND_KINDS } from "../backends/backend.ts";
import type { BackendSelection } from "../backends/select.ts";
import { definedFields } from "../util/objects.ts";
import { INPUT, type InputName } from "./keys.ts";

export type ActionCommand = "run" | "up" | "down" | "preview";

/** What the workflow asked for: every input of action.yml, read and checked once. */
export interface ActionSettings {
  /** run: boot, set up, test, report, tear down. up: boot and leave it up for the next steps. down: remove it. */
  command: ActionCommand;
  /** Relative to the workspace (or absolute): where the definition is looked for and where prenv runs. */
  workingDirectory: string;
  /** A prenv.yml, relative to the working directory; undefined: prenv.yml / prenv.yaml there, or compose files. */
  definition?: string;
  /** Compose files (like `prenv -f`), relative to the working directory. */
  composeFiles: string[];
  /** Parameters as `name=value`, in order (a later one wins). */
  params: string[];
  /** Secret parameters as `name=value`: masked everywhere, never in the reproduction line. */
  secrets: string[];
  /** Replaces the definition's test command (run through /bin/sh -c). */
  testCommand?: string;
  /** Replaces the definition's JUnit report globs. */
  testReports?: string[];
  /** Replaces the definition's test timeout. */
  testTimeoutMs?: number;
  /** Limit for the whole boot. */
  bootTimeoutMs: number;
  /** Relative to the workspace. */
  resultsDir: string;
  /** Overrides the derived environment name. */
  environment?: string;
  token: string;
  /** Post and edit the pull request comment. */
  comment: boolean;
  /** Tells comments, environments and artifacts of several prenv steps on one pull request apart; undefined: the job's id. */
  commentKey?: string;
  /** Fail the step when tests fail (an environment failure always fails it). */
  failOnTestFailure: boolean;
  /** Keep the environment for the rest of the job when the run fails; the post step removes it. */
  keepOnFailure: boolean;
  /** undefined: prenv-<comment key>. */
  artifactName?: string;
  /** Which backend, and for Kubernetes the cluster (kubeconfig content from a secret), context, namespace prefix and registry. */
  backend: BackendSelection;
  /** Boot the pull request's own code under pull_request_target or workflow_run. */
  allowUntrustedCodeWithWriteToken: boolean;
  /** Keep run summaries in the Actions cache and compare each run with its base branch. */
  history: boolean;
  /** Pass the step when every failed test was already failing on the base branch. */
  passOnKnownFailures: boolean;
  /** command: preview — how long it lives after the last push, and how its URLs are formed. */
  preview: { ttlMs: number; hostTemplate: string; proxy: ProxyLabels; ingressClass: string };
}

/** An input the user must fix; the message names the input and says how. */
export class InputError extends Error {
  readonly input: InputName;
  constructor(input: InputName, message: string) {
    super(`input "${input}": ${message}`);
    this.name = "InputError";
    this.input = input;
  }
}

/** Reads an input's raw text; core.getInput on a runner. */
export type InputReader = (name: InputName) => string;

const COMMANDS: readonly ActionCommand[] = ["run", "up", "down", "preview"];
const PROXIES: readonly ProxyLabels[] = ["none", "traefik"];

/** The only place where the Action's inputs are read. */
export function readSettings(read: InputReader = (name) => core.getInput(name)): ActionSettings {
  const get = (name: InputName) => read(name).trim();
  const optional = (name: InputName) => get(name) || undefined;

  const command = get(INPUT.command) || "run";
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw new InputError(INPUT.command, `"${command}" is not a command; use run (boot, test, tear down), up (boot and keep it for the next steps), down (remove it) or preview (keep the pull request's environment up until it is closed)`);
  }
  const token = get(INPUT.githubToken);
  const comment = bool(INPUT.comment, get(INPUT.comment), true);
  const testTimeout = optional(INPUT.testTimeout);
  const environment = optional(INPUT.environment);
  if (environment !== undefined && !/^[a-z0-9][a-z0-9_-]{0,48}$/.test(environment)) {
    throw new InputError(INPUT.environment, `"${environment}" cannot name an environment; use 1-49 lower-case letters, digits, '-' and '_', starting with a letter or digit`);
  }
  const commentKey = optional(INPUT.commentKey);
  const settings: ActionSettings = {
    command: command as ActionCommand,
    workingDirectory: path(INPUT.workingDirectory, get(INPUT.workingDirectory) || "."),
    composeFiles: lines(read(INPUT.composeFiles)).map((f) => path(INPUT.composeFiles, f)),
    params: parseParams(read(INPUT.params)),
    secrets: parseParams(read(INPUT.secrets), INPUT.secrets),
    bootTimeoutMs: duration(INPUT.timeout, get(INPUT.timeout) || "5m"),
    resultsDir: path(INPUT.resultsDir, get(INPUT.resultsDir) || "prenv-results"),
    token,
    comment,
    failOnTestFailure: bool(INPUT.failOnTestFailure, get(INPUT.failOnTestFailure), true),
    keepOnFailure: bool(INPUT.keepOnFailure, get(INPUT.keepOnFailure), false),
    allowUntrustedCodeWithWriteToken: bool(INPUT.allowUntrustedCode, get(INPUT.allowUntrustedCode), false),
    history: bool(INPUT.history, get(INPUT.history), true),
    passOnKnownFailures: bool(INPUT.passOnKnownFailures, get(INPUT.passOnKnownFailures), false),
    backend: backendSelection(optional),
    preview: previewSettings(get),
  };
  const definition = optional(INPUT.definition);
  if (definition) settings.definition = path(INPUT.definition, definition);
  const testCommand = optional(INPUT.testCommand);
  if (testCommand) settings.testCommand = testCommand;
  const reports = lines(read(INPUT.testReports));
  if (reports.length > 0) settings.testReports = reports;
  if (testTimeout) settings.testTimeoutMs = duration(INPUT.testTimeout, testTimeout);
  if (environment) settings.environment = environment;
  if (commentKey) settings.commentKey = commentKey;
  const artifactName = optional(INPUT.artifactName);
  if (artifactName) {
    if (/[":<>|*?\\/\r\n]/.test(artifactName)) throw new InputError(INPUT.artifactName, `"${artifactName}" has a character artifact names may not contain (" : < > | * ? \\ / or a line break)`);
    settings.artifactName = artifactName;
  }
  if (comment && !token) throw new InputError(INPUT.githubToken, "is empty, and comment is true; pass github-token: ${{ github.token }} (the default), or set comment: false");
  return settings;
}

function previewSettings(get: (name: InputName) => string): ActionSettings["preview"] {
  const hostTemplate = get(INPUT.previewHost);
  const problem = hostTemplateProblem(hostTemplate);
  if (problem) throw new InputError(INPUT.previewHost, `"${hostTemplate}": ${problem}; for example {service}-pr-{number}.preview.example.com`);
  const proxy = get(INPUT.previewProxy) || "none";
  if (!(PROXIES as readonly string[]).includes(proxy)) throw new InputError(INPUT.previewProxy, `"${proxy}" is not a proxy prenv labels containers for; use ${PROXIES.join(" or ")}`);
  if (proxy !== "none" && hostTemplate === "") throw new InputError(INPUT.previewProxy, `is ${proxy}, but ${INPUT.previewHost} is empty: the proxy routes by host name; set ${INPUT.previewHost}`);
  const ingressClass = get(INPUT.previewIngressClass);
  if (ingressClass && (ingressClass.length > 253 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(ingressClass))) {
    throw new InputError(INPUT.previewIngressClass, `"${ingressClass}" is not an IngressClass name (lower-case letters, digits, '-' and '.'); kubectl get ingressclass lists the cluster's`);
  }
  return { ttlMs: duration(INPUT.previewTtl, get(INPUT.previewTtl) || "72h"), hostTemplate, proxy: proxy as ProxyLabels, ingressClass };
}

function backendSelection(optional: (name: InputName) => string | undefined): BackendSelection {
  const backend = optional(INPUT.backend);
  if (backend !== undefined && !(BACKEND_KINDS as readonly string[]).includes(backend)) throw new InputError(INPUT.backend, `"${backend}" is not a backend; use ${BACKEND_KINDS.join(" or ")}`);
  const kubeconfig = optional(INPUT.kubeconfig);
  const selection: BackendSelection = { ...definedFields({ backend, kubeContext: optional(INPUT.kubeContext), namespacePrefix: optional(INPUT.namespacePrefix), registry: optional(INPUT.registry) }) };
  if (kubeconfig !== undefined) {
    if (backend !== "kubernetes") throw new InputError(INPUT.kubeconfig, "is given, but backend is not kubernetes; set backend: kubernetes");
    selection.kubeconfigContent = kubeconfig;
  }
  return selection;
}

/**
 * Parameters: a YAML or JSON mapping (`db_version: 16`), or `name=value` lines. Lists
 * become comma-separated values, as `prenv --set` takes them. Messages about the
 * `secrets` input never quote a value.
 */
export function parseParams(raw: string, input: typeof INPUT.params | typeof INPUT.secrets = INPUT.params): string[] {
  if (raw.trim() === "") return [];
  let doc: unknown;
  try {
    doc = parseYaml(raw);
  } catch {
    doc = undefined;
  }
  if (typeof doc === "object" && doc !== null && !Array.isArray(doc)) {
    return Object.entries(doc as Record<string, unknown>).map(([name, value]) => `${paramName(input, name)}=${paramValue(input, name, value)}`);
  }
  const out: string[] = [];
  raw.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const m = /^([^=\s]+)\s*=(.*)$/.exec(trimmed);
    if (!m) throw new InputError(input, `line ${i + 1}${input === INPUT.secrets ? "" : ` ("${trimmed}")`} is not name=value; write one name=value per line, or a YAML mapping (name: value)`);
    out.push(`${paramName(input, m[1]!)}=${m[2]!.trim()}`);
  });
  return out;
}

function paramName(input: InputName, name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new InputError(input, `${input === INPUT.secrets ? "a name" : `"${name}"`} is not a parameter name; names have letters, digits and _ and start with a letter or _`);
  return name;
}

function paramValue(input: InputName, name: string, value: unknown): string {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value) && value.every((v) => ["string", "number", "boolean"].includes(typeof v))) return value.join(",");
  throw new InputError(input, `parameter "${name}" must be text, a number, true/false or a list of those, not ${value === null ? "empty" : "a mapping"}`);
}

function bool(name: InputName, raw: string, fallback: boolean): boolean {
  if (raw === "") return fallback;
  if (/^(true|yes|on)$/i.test(raw)) return true;
  if (/^(false|no|off)$/i.test(raw)) return false;
  throw new InputError(name, `"${raw}" is not true or false`);
}

function duration(name: InputName, raw: string): number {
  const ms = parseAge(raw);
  if (ms === undefined || ms <= 0) throw new InputError(name, `"${raw}" is not a duration; write for example 90s, 5m or 1h`);
  return ms;
}

function lines(raw: string): string[] {
  return raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/** A path as written, relative to the workspace (or the working directory) unless absolute. */
function path(name: InputName, raw: string): string {
  if (raw.includes("\0")) throw new InputError(name, "a path cannot contain a NUL character");
  return raw;
}
