import * as k8s from "@kubernetes/client-node";
import { traceName, type FaultAction } from "../../chaos/model.ts";
import { FaultError, LABELS, UnsupportedError, type AbandonedFault, type AppliedFault, type Owner } from "../backend.ts";
import type { Clients } from "./kube.ts";
import { K8S, objectName } from "./manifests.ts";
import { currentPod } from "./pods.ts";

/** On a Deployment a `stop` fault scaled to zero: the replicas to scale back to, who did it, which fault ("1.1 stop srv"). */
interface StopRecord {
  replicas: number;
  owner: string;
  fault: string;
}

/**
 * Why the faults Kubernetes has no API for are refused. A NetworkPolicy is only a request:
 * the cluster's network plugin enforces it or silently does not (the plain bridge plugin
 * accepts a deny-all policy and lets every packet through, measured on the test cluster),
 * and a partition prenv cannot see enforced would be a pretend one.
 */
export const KUBERNETES_FAULT_LIMITS = {
  pause: "pause: Kubernetes has no freezer in its API; stop (scale to zero and back) or kill instead",
  networkFaults:
    "partition, loss, bandwidth and latency: prenv does not apply them on Kubernetes. A partition would be a NetworkPolicy, and whether one is enforced depends on the cluster's network plugin (the plain bridge plugin accepts it and lets every packet through), so it cannot be promised; loss, bandwidth and latency would need a privileged sidecar in the pod",
} as const;

const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);

/**
 * Lifecycle faults through the API: kill deletes the service's pod at once (its
 * Deployment starts a new one, as Docker's `restart: always` would), restart deletes it
 * gracefully, stop scales the Deployment to zero and back. Pause and network faults have
 * no API: refused with the capability they need.
 */
export async function injectKubernetesFault(clients: Clients, namespace: string, fault: FaultAction, owner: Owner, id: string): Promise<AppliedFault> {
  const name = objectName(fault.target);
  switch (fault.kind) {
    case "kill":
    case "restart": {
      const pod = await currentPod(clients, namespace, fault.target);
      if (!pod?.metadata?.name) throw new FaultError(id, `service "${fault.target}" has no pod to ${fault.kind}`, { hint: "the fault's moment came while the service was not running" });
      await clients.core.deleteNamespacedPod({ namespace, name: pod.metadata.name, gracePeriodSeconds: fault.kind === "kill" ? 0 : 10 });
      const how = fault.kind === "kill" ? `pod ${pod.metadata.name} deleted at once (grace 0 s); its Deployment starts a new one` : `pod ${pod.metadata.name} deleted gracefully; its Deployment starts a new one`;
      return { how, undo: async () => "nothing to undo: the Deployment replaces the pod" };
    }
    case "stop": {
      const deployment = await clients.apps.readNamespacedDeployment({ namespace, name });
      const record: StopRecord = { replicas: deployment.spec?.replicas ?? 1, owner: `${owner.host}:${owner.pid}`, fault: traceName(id, fault) };
      await clients.apps.patchNamespacedDeployment({ namespace, name, body: { metadata: { annotations: { [LABELS.faultUndo]: JSON.stringify(record) } }, spec: { replicas: 0 } } }, merge);
      return { how: `Deployment ${name} scaled to 0`, undo: () => scaleBack(clients, namespace, name, record) };
    }
    case "pause":
      throw new UnsupportedError(`the kubernetes backend cannot pause service "${fault.target}": ${KUBERNETES_FAULT_LIMITS.pause}`, "run the faults on Docker", { capability: "pause" });
    default:
      throw new UnsupportedError(`the kubernetes backend cannot apply a ${fault.kind} fault: ${KUBERNETES_FAULT_LIMITS.networkFaults}`, "run network faults on Docker", { capability: "networkFaults" });
  }
}

async function scaleBack(clients: Clients, namespace: string, name: string, record: StopRecord): Promise<string> {
  await clients.apps.patchNamespacedDeployment({ namespace, name, body: { metadata: { annotations: { [LABELS.faultUndo]: null } }, spec: { replicas: record.replicas } } }, merge);
  return `Deployment ${name} scaled back to ${record.replicas}`;
}

/** Scales back what a stop fault of a process that is gone left at zero. */
export async function undoAbandonedKubernetesFaults(clients: Clients, isGone: (owner: string, environment: string) => boolean): Promise<AbandonedFault[]> {
  const deployments = await clients.apps.listDeploymentForAllNamespaces({ labelSelector: `${K8S.managed}=true` });
  const out: AbandonedFault[] = [];
  for (const d of deployments.items) {
    const raw = d.metadata?.annotations?.[LABELS.faultUndo];
    const namespace = d.metadata?.namespace;
    const name = d.metadata?.name;
    if (!raw || !namespace || !name) continue;
    let record: StopRecord;
    try {
      record = JSON.parse(raw) as StopRecord;
    } catch {
      continue;
    }
    const environment = d.metadata?.annotations?.[LABELS.environment] ?? d.metadata?.labels?.[LABELS.environment] ?? namespace;
    if (!isGone(record.owner, environment)) continue;
    try {
      out.push({ environment, fault: record.fault, owner: record.owner, undone: true, detail: await scaleBack(clients, namespace, name, record) });
    } catch (e) {
      out.push({ environment, fault: record.fault, owner: record.owner, undone: false, detail: (e as Error).message });
    }
  }
  return out;
}
