#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  PreflightError
} from "./chunk-47MIETJC.js";
import {
  VERSION
} from "./chunk-VDOGPAC4.js";
import {
  DefinitionError,
  PlanError
} from "./chunk-YMOYOOXC.js";
import {
  RuntimeUnavailableError,
  ServiceError,
  UnsupportedError
} from "./chunk-MABPSUXQ.js";

// src/cli/common.ts
var EXIT = { ok: 0, testsFailed: 1, environmentFailed: 2, badInput: 3 };
var CliError = class extends Error {
  exitCode;
  constructor(message, exitCode) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
};
var INSTALL_HINT = "no Docker engine answers: start one (on Debian or Ubuntu: sudo scripts/install-docker.sh from the prenv repository), or set DOCKER_HOST";
async function backendFor(selection = {}, io) {
  const { backendKind, BackendSelectionError, selectBackend } = await import("./select-BE5DF7SE.js");
  const env = io?.env ?? process.env;
  let backend;
  try {
    backend = await selectBackend(selection, env, { version: VERSION, ...io ? { onWarning: (message) => io.err.write(`prenv: warning: ${message}
`) } : {} });
    await backend.ping();
  } catch (e) {
    if (e instanceof BackendSelectionError) throw new CliError(`prenv: ${e.message}
  hint: ${e.hint}`, EXIT.badInput);
    if (e instanceof RuntimeUnavailableError) {
      const hint = backendKind(selection, env) === "docker" ? INSTALL_HINT : "no Kubernetes cluster answers: check the kubeconfig (PRENV_KUBECONFIG, KUBECONFIG, ~/.kube/config) and --kube-context";
      throw new CliError(`prenv: ${hint} (${e.message})`, EXIT.environmentFailed);
    }
    throw e;
  }
  return backend;
}
function explain(e) {
  if (e instanceof CliError) return { message: e.message, exitCode: e.exitCode };
  if (e instanceof DefinitionError) {
    const n = e.diagnostics.length;
    return { message: `${e.report()}
prenv: the definition has ${n} error${n === 1 ? "" : "s"}; nothing was created`, exitCode: EXIT.badInput };
  }
  if (e instanceof PlanError) return { message: `prenv: ${e.message}
  hint: ${e.hint}`, exitCode: EXIT.badInput };
  if (e instanceof PreflightError) return { message: `prenv: ${e.message}
  hint: ${e.hint}
nothing was created`, exitCode: EXIT.environmentFailed };
  if (e instanceof UnsupportedError) return { message: `prenv: ${e.message}
  hint: ${e.hint}`, exitCode: EXIT.environmentFailed };
  if (e instanceof ServiceError) return { message: `prenv: ${e.message}${e.hint ? `
  hint: ${e.hint}` : ""}`, exitCode: EXIT.environmentFailed };
  const err = e;
  return { message: `prenv: unexpected error: ${err?.stack ?? String(e)}`, exitCode: EXIT.environmentFailed };
}

export {
  EXIT,
  CliError,
  backendFor,
  explain
};
