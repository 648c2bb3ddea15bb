import * as k8s from "@kubernetes/client-node";
import type { V1ObjectMeta } from "@kubernetes/client-node";
import { describeAction, traceName, type FaultAction } from "../../chaos/model.ts";
import { FaultError, LABELS, UnsupportedError, type AbandonedFault, type AppliedFault, type Owner } from "../backend.ts";
import type { Enforcement } from "./enforcement.ts";
import { apiMessage, unlessMissing, type Clients } from "./kube.ts";
import { K8S, objectName, podSelector } from "./manifests.ts";
import { partitionPolicy, podAddresses } from "./network-policy.ts";
import { currentPod } from "./pods.ts";

/** On a Deployment a `stop` fault scaled to zero: the replicas to scale back to, who did it, which fault ("1.1 stop srv"). */
interface StopRecord {
  replicas: number;
  owner: string;
  fault: string;
}

/** On a partition's NetworkPolicies: who made them, which fault ("1.1 partition srv"). */
interface PartitionRecord {
  owner: string;
  fault: string;
}

/**
 * Why the faults Kubernetes has no API for are refused. loss, bandwidth and latency would
 * change the network inside the target's pod, which needs a privileged container there; a
 * partition is a NetworkPolicy, and only where the cluster enforces it (partitionRefusal).
 */
export const KUBERNETES_FAULT_LIMITS = {
  pause: "pause: Kubernetes has no freezer in its API; stop (scale to zero and back) or kill instead",
  networkFaults:
    "loss, bandwidth and latency: prenv does not apply them on Kubernetes: they would need a privileged container (iptables, tc) in the target's pod, which a pod's spec cannot gain once it runs",
} as const;

const PARTITION_HINT = "run it on a cluster whose network plugin enforces NetworkPolicy (Calico, Cilium, Antrea, kube-router, ...), or run the network faults on the Docker backend (--backend docker)";

/** Why a partition cannot be promised on this cluster, and what to do; undefined where the cluster enforces NetworkPolicy. */
export function partitionRefusal(found: Enforcement | undefined): { reason: string; hint: string } | undefined {
  if (!found) return { reason: "partition: on Kubernetes a partition needs chaos.helper-image: the NetworkPolicy probe's pods run it (sh and nc, as busybox has)", hint: "set chaos.helper-image (docs/chaos.md)" };
  if (found.verdict === "enforced") return undefined;
  const probe = `probe: ${found.detail}; ${(found.ms / 1000).toFixed(1)} s`;
  const reason = found.verdict === "not enforced" ? `this cluster does not enforce NetworkPolicy (${probe})` : `prenv cannot tell whether this cluster enforces NetworkPolicy (${probe})`;
  return { reason: `partition: ${reason}`, hint: PARTITION_HINT };
}

const merge = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);

/** Where a fault goes: the environment's namespace, and, for a partition, whether the cluster enforces NetworkPolicy. */
export interface FaultPlace {
  namespace: string;
  environment: string;
  enforcement(): Promise<Enforcement | undefined>;
}

/**
 * Lifecycle faults through the API: kill deletes the service's pod at once (its
 * Deployment starts a new one, as Docker's `restart: always` would), restart deletes it
 * gracefully, stop scales the Deployment to zero and back. A partition is a NetworkPolicy
 * per side, where the cluster enforces them. Pause, loss, bandwidth and latency have no
 * API: refused with the capability they need.
 */
export async function injectKubernetesFault(clients: Clients, place: FaultPlace, fault: FaultAction, owner: Owner, id: string): Promise<AppliedFault> {
  const { namespace } = place;
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
    case "partition": {
      const found = await place.enforcement();
      if (found?.verdict === "enforced") return partition(clients, place, fault, owner, id, found);
      const refusal = partitionRefusal(found)!;
      throw new UnsupportedError(`the kubernetes backend cannot ${describeAction(fault)}: ${refusal.reason}`, refusal.hint, { capability: "networkFaults" });
    }
    case "pause":
      throw new UnsupportedError(`the kubernetes backend cannot pause service "${fault.target}": ${KUBERNETES_FAULT_LIMITS.pause}`, "run the faults on Docker", { capability: "pause" });
    default:
      throw new UnsupportedError(`the kubernetes backend cannot apply a ${fault.kind} fault: ${KUBERNETES_FAULT_LIMITS.networkFaults}`, "run network faults on Docker", { capability: "networkFaults" });
  }
}

/** A NetworkPolicy on each side that shuts out the other side's pods; undone by deleting them. */
async function partition(clients: Clients, place: FaultPlace, fault: Extract<FaultAction, { kind: "partition" }>, owner: Owner, id: string, found: Enforcement): Promise<AppliedFault> {
  const { namespace, environment } = place;
  const record: PartitionRecord = { owner: `${owner.host}:${owner.pid}`, fault: traceName(id, fault) };
  const addresses = async (service: string) => {
    const pods = await clients.core.listNamespacedPod({ namespace, labelSelector: Object.entries(podSelector(service)).map(([k, v]) => `${k}=${v}`).join(",") });
    return pods.items.flatMap(podAddresses);
  };
  const sides: [string, string][] = [
    [fault.target, fault.peer],
    [fault.peer, fault.target],
  ];
  const policies = await Promise.all(sides.map(async ([service, peer]) => partitionPolicy({ namespace, environment, id, service, peer, peerAddresses: await addresses(peer), record: JSON.stringify(record) })));
  const names = policies.map((p) => p.metadata!.name!);
  const remove = () => deletePolicies(clients, namespace, names);
  try {
    for (const body of policies) await clients.networking.createNamespacedNetworkPolicy({ namespace, body });
  } catch (cause) {
    await remove().catch(() => undefined);
    throw new FaultError(id, `its NetworkPolicies could not be created: ${apiMessage(cause)}`, { cause, hint: "prenv needs to create and delete NetworkPolicies in the environment's namespace" });
  }
  return {
    how: `NetworkPolicies ${names.join(" and ")}: ingress to ${fault.target} from ${fault.peer}'s pods denied and to ${fault.peer} from ${fault.target}'s, every other source allowed (the cluster enforces NetworkPolicy: ${found.detail})`,
    undo: remove,
  };
}

async function deletePolicies(clients: Clients, namespace: string, names: string[]): Promise<string> {
  await Promise.all(names.map((name) => unlessMissing(clients.networking.deleteNamespacedNetworkPolicy({ namespace, name }))));
  return `NetworkPolicies ${names.join(" and ")} deleted`;
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
    const found = recordOf<StopRecord>(d.metadata);
    if (!found) continue;
    const { namespace, name, record, environment } = found;
    if (!isGone(record.owner, environment)) continue;
    try {
      out.push({ environment, fault: record.fault, owner: record.owner, undone: true, detail: await scaleBack(clients, namespace, name, record) });
    } catch (e) {
      out.push({ environment, fault: record.fault, owner: record.owner, undone: false, detail: (e as Error).message });
    }
  }
  out.push(...(await undoAbandonedPartitions(clients, isGone)));
  return out;
}

/** Deletes the NetworkPolicies of partitions whose process is gone: one line per fault. */
async function undoAbandonedPartitions(clients: Clients, isGone: (owner: string, environment: string) => boolean): Promise<AbandonedFault[]> {
  const policies = await clients.networking.listNetworkPolicyForAllNamespaces({ labelSelector: `${K8S.managed}=true,${LABELS.fault}` });
  const byFault = new Map<string, { namespace: string; environment: string; record: PartitionRecord; names: string[] }>();
  for (const p of policies.items) {
    const found = recordOf<PartitionRecord>(p.metadata);
    if (!found) continue;
    const { namespace, name, record, environment } = found;
    if (!isGone(record.owner, environment)) continue;
    const key = `${namespace}/${record.owner}/${record.fault}`;
    const entry = byFault.get(key) ?? { namespace, environment, record, names: [] };
    entry.names.push(name);
    byFault.set(key, entry);
  }
  return Promise.all(
    [...byFault.values()].map(async ({ namespace, environment, record, names }) => {
      try {
        return { environment, fault: record.fault, owner: record.owner, undone: true, detail: await deletePolicies(clients, namespace, names) };
      } catch (e) {
        return { environment, fault: record.fault, owner: record.owner, undone: false, detail: apiMessage(e) };
      }
    }),
  );
}

/** The undo record a fault left on an object (LABELS.faultUndo), with where the object is; undefined when it has none. */
function recordOf<T extends { owner: string }>(metadata: V1ObjectMeta | undefined): { namespace: string; name: string; environment: string; record: T } | undefined {
  const raw = metadata?.annotations?.[LABELS.faultUndo];
  const namespace = metadata?.namespace;
  const name = metadata?.name;
  if (!raw || !namespace || !name) return undefined;
  try {
    const record = JSON.parse(raw) as T;
    return { namespace, name, record, environment: metadata.annotations?.[LABELS.environment] ?? metadata.labels?.[LABELS.environment] ?? namespace };
  } catch {
    return undefined;
  }
}
