import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { after } from "node:test";
import Dockerode from "dockerode";
import { DockerBackend } from "../../src/backends/docker/docker-backend.ts";
import { LABELS, type Inventory, type Owner } from "../../src/backends/backend.ts";
import { loadDefinition } from "../../src/definition/compose.ts";
import { planEnvironment, type Plan } from "../../src/plan/plan.ts";
import { VERSION } from "../../src/version.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const BUSYBOX = "prenv-test/busybox:1";
export const REGISTRY_BUSYBOX = "localhost:5000/prenv-test/busybox:1";

export const docker = new Dockerode();
export const backend = new DockerBackend({ docker, version: VERSION });
export const owner: Owner = { host: hostname(), pid: process.pid };

/** A fresh directory holding the given files (path -> content). */
export function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "prenv-test-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** project(), committed to a fresh git repository: a run there writes a manifest that names the commit. */
export function committedProject(files: Record<string, string>): string {
  const dir = project(files);
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=prenv test", "-c", "user.email=test@prenv.invalid", ...args], { cwd: dir, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "fixture");
  return dir;
}

let counter = 0;
/** An environment name no other test uses. */
export function uniqueName(prefix: string): string {
  return `t-${prefix}-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * Gives names for this test file's environments on a backend (Docker unless told);
 * every one of them is removed when the file's tests end, whatever happened to them.
 * Short: namespaces carry a prefix and Kubernetes names stop at 63 characters.
 */
export function environmentNames(on: Pick<Inventory, "remove"> = backend): (prefix: string) => string {
  const created: string[] = [];
  after(async () => {
    for (const env of created) await on.remove(env, { keepVolumes: false });
  });
  return (prefix) => {
    const name = uniqueName(prefix).slice(0, 40).replace(/[-_]+$/, "");
    created.push(name);
    return name;
  };
}

export function planFor(dir: string, environment: string): Plan {
  return planEnvironment(loadDefinition({ cwd: dir, env: {} }), { environment });
}

/** The container by which an environment that `up` created holds its name (never started). */
export const CLAIM = 1;

/** Every Docker object that carries the environment's label. */
export async function leftovers(environment: string): Promise<{ containers: number; networks: number; volumes: number }> {
  const filters = { label: [`${LABELS.environment}=${environment}`] };
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  return { containers: containers.length, networks: networks.length, volumes: (volumes.Volumes ?? []).length };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the prenv CLI from source, as a user would run the command: without the variable
 * by which node:test marks its child processes (NODE_TEST_CONTEXT), which prenv would pass
 * on to a test command and which makes a `node --test` suite there skip all its files.
 */
export function cli(args: string[], options: { cwd: string; env?: Record<string, string>; timeoutMs?: number; stdin?: string }): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "src/cli/index.ts"), ...args], {
      cwd: options.cwd,
      env: { ...process.env, NODE_TEST_CONTEXT: undefined, ...options.env },
      stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    if (options.stdin !== undefined) child.stdin!.end(options.stdin);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}
