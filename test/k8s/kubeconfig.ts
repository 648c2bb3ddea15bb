import { existsSync } from "node:fs";

/**
 * The test cluster's kubeconfig, or why a Kubernetes test cannot run. In CI (.ci/run starts
 * the cluster and exports PRENV_KUBECONFIG) a missing cluster is an error, not a skip: a
 * Kubernetes half that silently skipped would pass without testing anything.
 */
export function testCluster(): { kubeconfig: string; skip: false } | { kubeconfig: undefined; skip: string } {
  const kubeconfig = process.env.PRENV_KUBECONFIG;
  if (kubeconfig && existsSync(kubeconfig)) return { kubeconfig, skip: false };
  const why = kubeconfig ? `PRENV_KUBECONFIG names ${kubeconfig}, which does not exist` : "PRENV_KUBECONFIG is not set (export PRENV_KUBECONFIG=$(test/k8s/cluster.sh kubeconfig))";
  if (process.env.CI) throw new Error(`the Kubernetes tests cannot run in CI: ${why}; .ci/run's k8s phase starts the cluster and exports it`);
  return { kubeconfig: undefined, skip: `no Kubernetes test cluster: ${why}` };
}
