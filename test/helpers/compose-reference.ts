/**
 * Docker Compose v5, the reference prenv's definition loader is compared with, and the
 * official Compose JSON Schema that comes with it. Both are real programs and files, found
 * on this machine:
 * - the `docker compose` CLI plugin that scripts/compose-v5.sh builds and installs;
 * - compose-spec.json from the compose-go module in Go's module cache, at the version that
 *   Compose v5.6.0 itself requires (so the schema is the one the reference validates with),
 *   downloaded through the Go module proxy on first use.
 * When one is missing, `why` says what to run; tests skip with that message.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const COMPOSE_VERSION = "v5.6.0";
const COMPOSE_MODULE = `github.com/docker/compose/v5@${COMPOSE_VERSION}`;
const COMPOSE_GO = "github.com/compose-spec/compose-go/v2";

export type Found<T> = { ok: true; value: T } | { ok: false; why: string };

/** `go mod download -json MODULE@VERSION`'s answer: where the module and its go.mod are. */
function goModDownload(module: string): Found<{ Dir: string; GoMod: string }> {
  const run = spawnSync("go", ["mod", "download", "-json", module], { encoding: "utf8", env: { ...process.env, GOFLAGS: "-mod=mod" }, timeout: 300_000 });
  if (run.error) return { ok: false, why: `no Go toolchain to fetch ${module} from the module proxy (${run.error.message})` };
  // On failure, go prints the JSON with an Error field and exits 1.
  let parsed: { Dir?: string; GoMod?: string; Error?: string };
  try {
    parsed = JSON.parse(run.stdout) as typeof parsed;
  } catch (cause) {
    return { ok: false, why: `go mod download ${module} printed no JSON: ${run.stderr.trim()} (${String(cause)})` };
  }
  if (parsed.Error || !parsed.Dir || !parsed.GoMod) return { ok: false, why: `go mod download ${module} failed: ${parsed.Error ?? run.stderr.trim()}` };
  return { ok: true, value: { Dir: parsed.Dir, GoMod: parsed.GoMod } };
}

let schema: Found<string> | undefined;
/** Path of compose-spec.json of the compose-go version that Compose v5.6.0 requires. */
export function composeSchemaPath(): Found<string> {
  if (schema) return schema;
  const compose = goModDownload(COMPOSE_MODULE);
  if (!compose.ok) return (schema = compose);
  const required = /^\s*github\.com\/compose-spec\/compose-go\/v2 (v\S+)/m.exec(readFileSync(compose.value.GoMod, "utf8"))?.[1];
  if (!required) return (schema = { ok: false, why: `${compose.value.GoMod} does not require ${COMPOSE_GO}` });
  const spec = goModDownload(`${COMPOSE_GO}@${required}`);
  if (!spec.ok) return (schema = spec);
  const path = join(spec.value.Dir, "schema", "compose-spec.json");
  schema = existsSync(path) ? { ok: true, value: path } : { ok: false, why: `${COMPOSE_GO}@${required} has no schema/compose-spec.json` };
  return schema;
}

let cli: Found<string> | undefined;
/** The version `docker compose version` reports when it is the reference's, else why not. */
export function composeCli(): Found<string> {
  if (cli) return cli;
  const run = spawnSync("docker", ["compose", "version", "--short"], { encoding: "utf8" });
  const version = run.stdout?.trim() ?? "";
  cli =
    run.status === 0 && `v${version.replace(/^v/, "")}` === COMPOSE_VERSION
      ? { ok: true, value: version }
      : { ok: false, why: `docker compose ${COMPOSE_VERSION} is not installed (${(run.stderr || version || String(run.error)).trim()}): run scripts/compose-v5.sh` };
  return cli;
}

export type ComposeConfig = { ok: true; model: ComposeModel; stderr: string } | { ok: false; stderr: string };

/** The parts of `docker compose config --format json` the comparison reads. */
export interface ComposeModel {
  name: string;
  services: Record<string, ComposeService>;
  networks?: Record<string, { name?: string; external?: boolean }>;
  volumes?: Record<string, { name?: string; external?: boolean }>;
}

export interface ComposeHook {
  command: string[];
  user?: string;
  privileged?: boolean;
  working_dir?: string;
  environment?: Record<string, string | null>;
}

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; dockerfile_inline?: string; additional_contexts?: Record<string, string> };
  command?: string[] | null;
  entrypoint?: string[] | null;
  environment?: Record<string, string | null>;
  ports?: { target: number; published?: string; host_ip?: string; protocol?: string }[];
  depends_on?: Record<string, { condition: string; required: boolean; restart?: boolean }>;
  networks?: Record<string, { aliases?: string[] } | null>;
  volumes?: { type: string; source?: string; target: string; read_only?: boolean }[];
  profiles?: string[];
  read_only?: boolean;
  stop_signal?: string;
  security_opt?: string[];
  cap_drop?: string[];
  dns?: string[];
  ulimits?: Record<string, number | { soft: number; hard: number }>;
  sysctls?: Record<string, string>;
  /** Bytes, as a string. */
  mem_limit?: string;
  cpus?: number;
  pids_limit?: number;
  pull_policy?: string;
  platform?: string;
  logging?: { driver?: string; options?: Record<string, string> };
  post_start?: ComposeHook[];
  pre_stop?: ComposeHook[];
  deploy?: { resources?: { limits?: { cpus?: number; memory?: string; pids?: number }; reservations?: { memory?: string } } };
}

/**
 * `docker compose config --format json` of the project in `dir` (its default files) with an
 * empty environment but PATH, as prenv's tests load definitions with `env: {}`.
 */
export function composeConfig(dir: string, args: string[] = []): ComposeConfig {
  const run = spawnSync("docker", ["compose", ...args, "config", "--format", "json"], {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root" },
  });
  if (run.status !== 0) return { ok: false, stderr: run.stderr };
  return { ok: true, model: JSON.parse(run.stdout) as ComposeModel, stderr: run.stderr };
}

