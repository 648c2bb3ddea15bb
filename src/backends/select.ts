import { DockerBackend } from "./docker/docker-backend.ts";
import { BACKEND_KINDS, RuntimeUnavailableError, type Backend, type BackendKind } from "./backend.ts";

/**
 * Which backend a command uses, decided here only: the option, else PRENV_BACKEND, else
 * Docker. The Kubernetes settings come from options first, then their variables.
 */
export interface BackendSelection {
  /** "docker" or "kubernetes" (--backend). */
  backend?: string;
  /** A kubeconfig file (--kubeconfig); else PRENV_KUBECONFIG, KUBECONFIG, ~/.kube/config, in-cluster. */
  kubeconfig?: string;
  /** A kubeconfig's content (the Action's input, from a secret). */
  kubeconfigContent?: string;
  kubeContext?: string;
  /** Namespaces are <prefix><environment> (default "prenv-"). */
  namespacePrefix?: string;
  /** Where built images are pushed for the cluster to pull (--registry). */
  registry?: string;
}

export class BackendSelectionError extends Error {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.name = "BackendSelectionError";
    this.hint = hint;
  }
}

export function backendKind(selection: BackendSelection, env: Record<string, string | undefined>): BackendKind {
  const raw = (selection.backend ?? env.PRENV_BACKEND ?? "docker").trim().toLowerCase();
  const kind = raw === "k8s" ? "kubernetes" : raw;
  if (kind === "docker" || kind === "kubernetes") return kind;
  const from = selection.backend !== undefined ? "--backend" : "PRENV_BACKEND";
  throw new BackendSelectionError(`${from} "${raw}" is not a backend prenv has`, `use ${BACKEND_KINDS.join(" or ")}`);
}

/**
 * Makes the backend; throws RuntimeUnavailableError when its configuration cannot be read
 * (ping says whether it answers). The Kubernetes client is most of the bundle: it is loaded
 * only for the Kubernetes backend, so that Docker commands do not parse it.
 */
export async function selectBackend(selection: BackendSelection, env: Record<string, string | undefined>, options: { version: string; onWarning?: (message: string) => void }): Promise<Backend> {
  if (backendKind(selection, env) === "docker") return new DockerBackend({ version: options.version, ...(options.onWarning ? { onWarning: options.onWarning } : {}) });
  const [{ loadKubeConfig }, { KubernetesBackend }] = await Promise.all([import("./kubernetes/kube.ts"), import("./kubernetes/kubernetes-backend.ts")]);
  const { config } = loadKubeConfig(
    {
      ...(selection.kubeconfig ? { file: selection.kubeconfig } : {}),
      ...(selection.kubeconfigContent ? { content: selection.kubeconfigContent } : {}),
      ...((selection.kubeContext ?? env.PRENV_KUBE_CONTEXT) ? { context: selection.kubeContext ?? env.PRENV_KUBE_CONTEXT } : {}),
    },
    env,
  );
  const prefix = selection.namespacePrefix ?? env.PRENV_NAMESPACE_PREFIX ?? "prenv-";
  if (!/^[a-z0-9]([-a-z0-9]*)?$/.test(prefix)) throw new BackendSelectionError(`namespace prefix "${prefix}" cannot begin a Kubernetes namespace name`, "use lower-case letters, digits and '-', starting with a letter or digit (the default is prenv-)");
  const registry = selection.registry ?? env.PRENV_REGISTRY;
  return new KubernetesBackend({
    config,
    version: options.version,
    namespacePrefix: prefix,
    ...(registry ? { registry } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
}

export { RuntimeUnavailableError };
