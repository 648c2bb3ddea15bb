import Dockerode from "dockerode";
import * as k8s from "@kubernetes/client-node";
import { DockerBackend } from "../../src/backends/docker/docker-backend.ts";
import { KubernetesBackend } from "../../src/backends/kubernetes/kubernetes-backend.ts";
import { LABELS, type Backend } from "../../src/backends/backend.ts";
import { VERSION } from "../../src/version.ts";
import { testCluster } from "../k8s/kubeconfig.ts";

/**
 * The backends the contract runs on: Docker always; Kubernetes when PRENV_KUBECONFIG
 * names the test cluster's kubeconfig (test/k8s/cluster.sh; .ci/run exports it). Each
 * comes with a look at its engine that does not go through the backend, to check that
 * teardown really left nothing.
 */
export interface ContractBackend {
  name: string;
  backend: Backend;
  /** Objects of the environment the engine still has, counted by the engine's own API. */
  leftovers(environment: string): Promise<number>;
  /** The labels (Docker, on the claim container) or annotations (Kubernetes, on the namespace) the environment carries, read through the engine's API. */
  origin(environment: string): Promise<Record<string, string>>;
  /** Whether named volumes outlive the services (Docker volumes; claims of a default StorageClass). */
  persistentVolumes(): Promise<boolean>;
  /** Messages the backend warned with. */
  warnings: string[];
  /** The `prenv` options that select this same backend from the CLI. */
  cliArgs: string[];
}

function docker(): ContractBackend {
  const engine = new Dockerode();
  return {
    name: "docker",
    backend: new DockerBackend({ docker: engine, version: VERSION }),
    warnings: [],
    cliArgs: ["--backend", "docker"],
    persistentVolumes: async () => true,
    async origin(environment) {
      const claims = await engine.listContainers({ all: true, filters: { label: [`${LABELS.environment}=${environment}`, `${LABELS.marker}=claim`] } });
      return claims[0]?.Labels ?? {};
    },
    async leftovers(environment) {
      const filters = { label: [`${LABELS.environment}=${environment}`] };
      const [containers, networks, volumes] = await Promise.all([engine.listContainers({ all: true, filters }), engine.listNetworks({ filters }), engine.listVolumes({ filters })]);
      return containers.length + networks.length + (volumes.Volumes ?? []).length;
    },
  };
}

function kubernetes(kubeconfig: string): ContractBackend {
  const config = new k8s.KubeConfig();
  config.loadFromFile(kubeconfig);
  const core = config.makeApiClient(k8s.CoreV1Api);
  const warnings: string[] = [];
  const namespacePrefix = "prenv-contract-";
  const registry = "localhost:5000";
  const backend = new KubernetesBackend({ config, version: VERSION, namespacePrefix, registry, onWarning: (w) => warnings.push(w) });
  return {
    name: "kubernetes",
    backend,
    warnings,
    cliArgs: ["--backend", "kubernetes", "--kubeconfig", kubeconfig, "--namespace-prefix", namespacePrefix, "--registry", registry],
    async persistentVolumes() {
      const classes = await config.makeApiClient(k8s.StorageV1Api).listStorageClass();
      return classes.items.some((c) => c.metadata?.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true");
    },
    async origin(environment) {
      return (await core.readNamespace({ name: backend.namespace(environment) })).metadata?.annotations ?? {};
    },
    async leftovers(environment) {
      // The namespace holds everything of an environment; anything labelled elsewhere counts too.
      const namespace = backend.namespace(environment);
      const exists = await core.readNamespace({ name: namespace }).then(
        () => 1,
        (e: unknown) => {
          if (e instanceof k8s.ApiException && e.code === 404) return 0;
          throw e;
        },
      );
      const pods = await core.listPodForAllNamespaces({ labelSelector: `${LABELS.environment}=${environment}` });
      return exists + pods.items.length;
    },
  };
}

export function contractBackends(): ContractBackend[] {
  // In CI a missing cluster throws: the Kubernetes half must not vanish from the run unnoticed.
  const cluster = testCluster();
  if (cluster.skip) process.stderr.write(`backend contract: Kubernetes left out: ${cluster.skip}\n`);
  return [docker(), ...(cluster.kubeconfig ? [kubernetes(cluster.kubeconfig)] : [])];
}
