import { RuntimeUnavailableError, ServiceError, UnsupportedError, type Backend } from "../backends/backend.ts";
import type { BackendSelection } from "../backends/select.ts";
import { DefinitionError } from "../definition/errors.ts";
import { BootError, PreflightError } from "../engine/errors.ts";
import { PlanError } from "../plan/plan.ts";
import { VERSION } from "../version.ts";

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, testsFailed: 1, environmentFailed: 2, badInput: 3 } as const;

export interface DefinitionOptions extends BackendSelection {
  definition?: string;
  set?: string[];
  paramsFile?: string[];
  file?: string[];
  projectName?: string;
  profile?: string[];
  envFile?: string[];
  env?: string;
  json?: boolean;
}

/** An error already explained to the user, with the exit code to use. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

const INSTALL_HINT = "no Docker engine answers: start one (on Debian or Ubuntu: sudo scripts/install-docker.sh from the prenv repository), or set DOCKER_HOST";

export interface Io {
  /** Standard input, for `exec`; absent where a command must not read it. */
  stdin?: NodeJS.ReadStream;
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
  cwd: string;
  env: Record<string, string | undefined>;
  signal: AbortSignal;
  /** Names the command that removes what this command creates, for an impatient Ctrl-C. */
  onCleanup?: (command: string) => void;
}

/** The one place the CLI makes a backend: --backend and its settings, else their variables (src/backends/select.ts). */
export async function backendFor(selection: BackendSelection = {}, io?: Pick<Io, "env" | "err">): Promise<Backend> {
  // Loaded here, not at the top: the backends' clients (dockerode, @kubernetes/client-node)
  // are a large part of the bundle, and the commands that only read the definition import this module too.
  const { backendKind, BackendSelectionError, selectBackend } = await import("../backends/select.ts");
  const env = io?.env ?? process.env;
  let backend: Backend;
  try {
    backend = await selectBackend(selection, env, { version: VERSION, ...(io ? { onWarning: (message: string) => io.err.write(`prenv: warning: ${message}\n`) } : {}) });
    await backend.ping();
  } catch (e) {
    if (e instanceof BackendSelectionError) throw new CliError(`prenv: ${e.message}\n  hint: ${e.hint}`, EXIT.badInput);
    if (e instanceof RuntimeUnavailableError) {
      const hint = backendKind(selection, env) === "docker" ? INSTALL_HINT : "no Kubernetes cluster answers: check the kubeconfig (PRENV_KUBECONFIG, KUBECONFIG, ~/.kube/config) and --kube-context";
      throw new CliError(`prenv: ${hint} (${e.message})`, EXIT.environmentFailed);
    }
    throw e;
  }
  return backend;
}

/** Turns any error into a message and an exit code. */
export function explain(e: unknown): { message: string; exitCode: number } {
  if (e instanceof CliError) return { message: e.message, exitCode: e.exitCode };
  if (e instanceof DefinitionError) {
    const n = e.diagnostics.length;
    return { message: `${e.report()}\nprenv: the definition has ${n} error${n === 1 ? "" : "s"}; nothing was created`, exitCode: EXIT.badInput };
  }
  if (e instanceof PlanError) return { message: `prenv: ${e.message}\n  hint: ${e.hint}`, exitCode: EXIT.badInput };
  if (e instanceof PreflightError) return { message: `prenv: ${e.message}\n  hint: ${e.hint}\nnothing was created`, exitCode: EXIT.environmentFailed };
  if (e instanceof UnsupportedError) return { message: `prenv: ${e.message}\n  hint: ${e.hint}`, exitCode: EXIT.environmentFailed };
  if (e instanceof ServiceError) return { message: `prenv: ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ""}`, exitCode: EXIT.environmentFailed };
  const err = e as Error;
  return { message: `prenv: unexpected error: ${err?.stack ?? String(e)}`, exitCode: EXIT.environmentFailed };
}
