/**
 * Runs the bundled Action (dist/main.js, dist/post.js) as GitHub's runner does: a child
 * process with INPUT_* (defaults from action.yml filled in), GITHUB_* and RUNNER_TEMP,
 * fresh GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files per step, and for the
 * post step STATE_<name> variables made from what the main step wrote to GITHUB_STATE.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { ROOT } from "../helpers/docker.ts";

const require = createRequire(import.meta.url);

export interface StepResult {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  /** Workflow commands the step printed: ::error file=...::message and the like. */
  commands: { command: string; properties: Record<string, string>; message: string }[];
}

export interface ActionInputs {
  [name: string]: string;
}

interface ActionYaml {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { description: string }>;
}

export function actionYaml(): ActionYaml {
  return parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as ActionYaml;
}

/** A webhook payload from @octokit/webhooks-examples (real payloads). */
export function examplePayload(event: string, pick: (payload: Record<string, unknown>) => boolean): Record<string, unknown> {
  const index = require("@octokit/webhooks-examples/api.github.com/index.json") as { name: string; examples: Record<string, unknown>[] }[];
  const found = index.find((e) => e.name === event)?.examples.find(pick);
  if (!found) throw new Error(`no ${event} example matches`);
  return structuredClone(found);
}

export interface Job {
  workspace: string;
  runnerTemp: string;
  eventName: string;
  payload: Record<string, unknown>;
  apiUrl: string;
  token: string;
  repository: string;
  sha: string;
  runId?: string;
  inputs?: ActionInputs;
  env?: Record<string, string>;
}

/** Every input of action.yml: the given value, or the default (with `${{ github.token }}` evaluated). */
function inputEnv(job: Job): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, spec] of Object.entries(actionYaml().inputs)) {
    const given = job.inputs?.[name];
    const fallback = (spec.default ?? "").replace("${{ github.token }}", job.token);
    env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = given ?? fallback;
  }
  for (const name of Object.keys(job.inputs ?? {})) {
    if (!(name in actionYaml().inputs)) throw new Error(`input "${name}" is not in action.yml`);
  }
  return env;
}

function files(dir: string): { output: string; state: string; summary: string } {
  mkdirSync(dir, { recursive: true });
  const paths = { output: join(dir, "output"), state: join(dir, "state"), summary: join(dir, "summary.md") };
  for (const p of Object.values(paths)) writeFileSync(p, "");
  return paths;
}

/** Starts a step; `done` resolves when it exits. */
export function startStep(entry: "main" | "post", job: Job, state: Record<string, string> = {}): { child: ChildProcess; done: Promise<StepResult> } {
  const script = join(ROOT, "dist", `${entry}.js`);
  if (!existsSync(script)) throw new Error(`${script} is missing: run npm run bundle`);
  const stepDir = mkdtempSync(join(job.runnerTemp, `${entry}-`));
  const f = files(stepDir);
  const eventPath = join(stepDir, "event.json");
  writeFileSync(eventPath, JSON.stringify(job.payload));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? "/root",
    ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: job.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: f.output,
    GITHUB_STATE: f.state,
    GITHUB_STEP_SUMMARY: f.summary,
    GITHUB_API_URL: job.apiUrl,
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_REPOSITORY: job.repository,
    GITHUB_SHA: job.sha,
    GITHUB_RUN_ID: job.runId ?? "4242",
    GITHUB_RUN_NUMBER: "17",
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_JOB: "integration",
    GITHUB_WORKSPACE: job.workspace,
    RUNNER_TEMP: job.runnerTemp,
    ...inputEnv(job),
    ...Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v])),
    ...job.env,
  };
  const child = spawn(process.execPath, [script], { cwd: job.workspace, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<StepResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 180_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout,
        stderr,
        outputs: readCommandFile(f.output),
        state: readCommandFile(f.state),
        summary: readFileSync(f.summary, "utf8"),
        commands: workflowCommands(stdout),
      });
    });
  });
  return { child, done };
}

export function runStep(entry: "main" | "post", job: Job, state: Record<string, string> = {}): Promise<StepResult> {
  return startStep(entry, job, state).done;
}

/** main, then post with the state main saved: one job's use of the Action. */
export async function runJob(job: Job): Promise<{ main: StepResult; post: StepResult }> {
  const main = await runStep("main", job);
  const post = await runStep("post", job, main.state);
  return { main, post };
}

/** `name<<delimiter\nvalue\ndelimiter` entries, as @actions/core writes them. */
function readCommandFile(path: string): Record<string, string> {
  const text = readFileSync(path, "utf8");
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const value: string[] = [];
    i++;
    while (i < lines.length && lines[i] !== m[2]) value.push(lines[i++]!);
    out[m[1]!] = value.join("\n");
  }
  return out;
}

function workflowCommands(stdout: string): StepResult["commands"] {
  const out: StepResult["commands"] = [];
  for (const line of stdout.split("\n")) {
    const m = /^::([a-z-]+)( [^:]*)?::(.*)$/.exec(line);
    if (!m) continue;
    const properties = Object.fromEntries(
      (m[2] ?? "")
        .trim()
        .split(",")
        .filter((p) => p.includes("="))
        .map((p) => [p.slice(0, p.indexOf("=")), unescapeProperty(p.slice(p.indexOf("=") + 1))]),
    );
    out.push({ command: m[1]!, properties, message: unescapeData(m[3]!) });
  }
  return out;
}

function unescapeData(s: string): string {
  return s.replace(/%0A/g, "\n").replace(/%0D/g, "\r").replace(/%25/g, "%");
}

function unescapeProperty(s: string): string {
  return unescapeData(s).replace(/%3A/g, ":").replace(/%2C/g, ",");
}

/** A workspace: the files, committed to a fresh git repository (the Action reads HEAD). */
export function workspace(files: Record<string, string>): { dir: string; sha: string; runnerTemp: string } {
  const dir = mkdtempSync(join(tmpdir(), "prenv-action-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=prenv test", "-c", "user.email=test@prenv.invalid", ...args], { cwd: dir, encoding: "utf8" }).trim();
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "fixture");
  const runnerTemp = mkdtempSync(join(tmpdir(), "prenv-runner-temp-"));
  return { dir, sha: git("rev-parse", "HEAD"), runnerTemp };
}
