import { isIPv6 } from "node:net";
import type { V1IPBlock, V1NetworkPolicy, V1NetworkPolicyPeer, V1Pod } from "@kubernetes/client-node";
import { LABELS } from "../backend.ts";
import { K8S, podSelector } from "./manifests.ts";
import { derivedName } from "./names.ts";

/**
 * Partitions as NetworkPolicies (docs/chaos.md). A NetworkPolicy only allows: a pod one
 * selects for Ingress takes from then on only what some rule of it allows. So each side
 * of a partition gets a policy that selects its pods and allows every source but the
 * other side's pods: the pods of its namespace whose service is not the peer, every pod
 * of the other namespaces, and every address but the peer's pods' (for plugins, such as
 * Calico, whose ipBlock also matches pod addresses). Egress is not selected, so what the
 * side sends is untouched; the peer's policy drops it there.
 */

/** What a partition fault's policy is about: its side, the peer it shuts out, and whose it is. */
export interface PartitionSide {
  namespace: string;
  environment: string;
  /** The fault's id in its run ("1.1"). */
  id: string;
  /** The compose service whose pods the policy selects. */
  service: string;
  /** The compose service whose pods it shuts out. */
  peer: string;
  /** The peer's pod addresses now: excluded from the address rule. */
  peerAddresses: string[];
  /** JSON of the record gc undoes it from (owner, fault). */
  record: string;
}

/** The pod label a service's pods carry (manifests.ts), its one key. */
const SERVICE_KEY = LABELS.service;

export function partitionPolicy(side: PartitionSide): V1NetworkPolicy {
  const peerValue = podSelector(side.peer)[SERVICE_KEY]!;
  const from: V1NetworkPolicyPeer[] = [
    // Pods of this namespace without the label match NotIn too (a one-off, a set-aside pod).
    { podSelector: { matchExpressions: [{ key: SERVICE_KEY, operator: "NotIn", values: [peerValue] }] } },
    { namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: [side.namespace] }] } },
    ...addressRules(side.peerAddresses).map((ipBlock) => ({ ipBlock })),
  ];
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: policyName(side.id, side.service),
      namespace: side.namespace,
      labels: { [K8S.managed]: "true", [LABELS.fault]: side.id.replace(/[^0-9A-Za-z]/g, "-") },
      annotations: { [LABELS.environment]: side.environment, [LABELS.faultUndo]: side.record },
    },
    spec: { podSelector: { matchLabels: podSelector(side.service) }, policyTypes: ["Ingress"], ingress: [{ _from: from }] },
  };
}

/** Every IPv4 and IPv6 address but the peer's. */
function addressRules(peer: string[]): V1IPBlock[] {
  const v4 = peer.filter((ip) => !isIPv6(ip)).map((ip) => `${ip}/32`);
  const v6 = peer.filter((ip) => isIPv6(ip)).map((ip) => `${ip}/128`);
  return [
    { cidr: "0.0.0.0/0", ...(v4.length > 0 ? { except: v4 } : {}) },
    { cidr: "::/0", ...(v6.length > 0 ? { except: v6 } : {}) },
  ];
}

export function policyName(id: string, service: string): string {
  return derivedName(`prenv-fault-${id.replace(/[^0-9A-Za-z]/g, "-")}`, podSelector(service)[SERVICE_KEY]!);
}

/** The pod addresses (IPv4 and IPv6) of a pod, as the API reports them. */
export function podAddresses(pod: V1Pod): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => Boolean(ip));
  return ips.length > 0 ? ips : pod.status?.podIP ? [pod.status.podIP] : [];
}

/** The probe's pods: a server that answers every connection with a word, and a client that tries to reach it. */
export const PROBE = { port: 8080, answer: "prenv-probe-ok", role: "dev.prenv.probe" } as const;

export function probePod(namespace: string, role: "server" | "client", image: string): V1Pod {
  const command = role === "server" ? ["nc", "-ll", "-p", String(PROBE.port), "-e", "echo", PROBE.answer] : ["sleep", "600"];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `probe-${role}`, namespace, labels: { [K8S.managed]: "true", [PROBE.role]: role } },
    spec: {
      restartPolicy: "Never",
      enableServiceLinks: false,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 0,
      containers: [{ name: "probe", image, imagePullPolicy: "IfNotPresent", command }],
    },
  };
}

/** Denies the probe's server every connection: no ingress rule at all. */
export function probeDenyPolicy(namespace: string): V1NetworkPolicy {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "probe-deny", namespace, labels: { [K8S.managed]: "true" } },
    spec: { podSelector: { matchLabels: { [PROBE.role]: "server" } }, policyTypes: ["Ingress"], ingress: [] },
  };
}
