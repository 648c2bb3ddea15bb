#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  DockerBackend
} from "./chunk-FSKEUYUO.js";
import {
  BACKEND_KINDS
} from "./chunk-MABPSUXQ.js";

// src/backends/select.ts
var BackendSelectionError = class extends Error {
  hint;
  constructor(message, hint) {
    super(message);
    this.name = "BackendSelectionError";
    this.hint = hint;
  }
};
function backendKind(selection, env) {
  const raw = (selection.backend ?? env.PRENV_BACKEND ?? "docker").trim().toLowerCase();
  const kind = raw === "k8s" ? "kubernetes" : raw;
  if (kind === "docker" || kind === "kubernetes") return kind;
  const from = selection.backend !== void 0 ? "--backend" : "PRENV_BACKEND";
  throw new BackendSelectionError(`${from} "${raw}" is not a backend prenv has`, `use ${BACKEND_KINDS.join(" or ")}`);
}
async function selectBackend(selection, env, options) {
  if (backendKind(selection, env) === "docker") return new DockerBackend({ version: options.version, ...options.onWarning ? { onWarning: options.onWarning } : {} });
  const [{ loadKubeConfig }, { KubernetesBackend }] = await Promise.all([import("./kube-WLY73C7L.js"), import("./kubernetes-backend-3QWDE7VA.js")]);
  const { config } = loadKubeConfig(
    {
      ...selection.kubeconfig ? { file: selection.kubeconfig } : {},
      ...selection.kubeconfigContent ? { content: selection.kubeconfigContent } : {},
      ...selection.kubeContext ?? env.PRENV_KUBE_CONTEXT ? { context: selection.kubeContext ?? env.PRENV_KUBE_CONTEXT } : {}
    },
    env
  );
  const prefix = selection.namespacePrefix ?? env.PRENV_NAMESPACE_PREFIX ?? "prenv-";
  if (!/^[a-z0-9]([-a-z0-9]*)?$/.test(prefix)) throw new BackendSelectionError(`namespace prefix "${prefix}" cannot begin a Kubernetes namespace name`, "use lower-case letters, digits and '-', starting with a letter or digit (the default is prenv-)");
  const registry = selection.registry ?? env.PRENV_REGISTRY;
  return new KubernetesBackend({
    config,
    version: options.version,
    namespacePrefix: prefix,
    ...registry ? { registry } : {},
    ...options.onWarning ? { onWarning: options.onWarning } : {}
  });
}

export {
  BackendSelectionError,
  backendKind,
  selectBackend
};
