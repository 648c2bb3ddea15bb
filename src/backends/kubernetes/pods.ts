import type { CoreV1Event, V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import type { ServiceStatus, StatusReason } from "../backend.ts";
import { LABELS } from "../backend.ts";
import { K8S, objectName } from "./manifests.ts";
import type { Clients } from "./kube.ts";

/** A compose service's current pod: the newest one not being deleted, else the newest. */
export async function currentPod(clients: Clients, namespace: string, service: string): Promise<V1Pod | undefined> {
  const pods = await clients.core.listNamespacedPod({ namespace, labelSelector: `${LABELS.service}=${objectName(service)}` });
  return newest(pods.items);
}

export function newest(pods: V1Pod[]): V1Pod | undefined {
  const time = (p: V1Pod) => new Date(p.metadata?.creationTimestamp ?? 0).getTime();
  const sorted = [...pods].sort((a, b) => time(b) - time(a));
  return sorted.find((p) => !p.metadata?.deletionTimestamp) ?? sorted[0];
}

export function containerStatus(pod: V1Pod): V1ContainerStatus | undefined {
  return pod.status?.containerStatuses?.[0];
}

/** The compose service a pod runs (its annotation; the label holds only the DNS form). */
export function serviceOf(pod: V1Pod): string | undefined {
  return pod.metadata?.annotations?.[K8S.serviceName] ?? pod.metadata?.labels?.[LABELS.service];
}

/**
 * A pod as Docker's states. A Deployment restarts its container after every exit, which
 * Docker does only with a restart policy: for a service without one (`restart: no`, the
 * default) the first exit is the service's end, as on Docker, even once Kubernetes has
 * started it again; with one, a container waiting to be started again is "restarting".
 */
export function statusOfPod(pod: V1Pod): ServiceStatus {
  const status = containerStatus(pod);
  const restarts = status?.restartCount ?? 0;
  const restartsOnItsOwn = !["no", undefined].includes(pod.metadata?.annotations?.[K8S.restart]);
  const terminated = status?.state?.terminated;
  // With a restart policy an exit is not the end: the kubelet starts it again, as Docker's "restarting".
  if (terminated && restartsOnItsOwn && pod.spec?.restartPolicy !== "Never") return { state: "restarting", restarts, ...terminationReason(terminated.reason, terminated.message) };
  if (terminated) return { state: "exited", exitCode: terminated.exitCode, restarts, ...terminationReason(terminated.reason, terminated.message) };
  const last = status?.lastState?.terminated;
  if (last && restarts > 0 && !restartsOnItsOwn) return { state: "exited", exitCode: last.exitCode, restarts, ...terminationReason(last.reason, last.message) };
  if (status?.state?.running) return { state: "running", restarts };
  const waiting = status?.state?.waiting;
  if (waiting?.reason === "CrashLoopBackOff") {
    // The reason it crashed (OOMKilled, say) tells more than that it keeps crashing.
    const crashed = terminationReason(last?.reason, last?.message);
    return { state: "restarting", restarts, reason: crashed.reason?.code === "OOMKilled" ? crashed.reason : { code: "CrashLoopBackOff", message: waiting.message ?? "" } };
  }
  if (waiting?.reason === "ImagePullBackOff" || waiting?.reason === "ErrImagePull") return { state: "created", restarts, reason: { code: waiting.reason, message: waiting.message ?? "" } };
  if (waiting?.reason && HOPELESS.has(waiting.reason)) return { state: "created", restarts, reason: { code: "Error", message: `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}` } };
  const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
  if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") return { state: "created", restarts, reason: { code: "Unschedulable", message: scheduled.message ?? "" } };
  return { state: "created", restarts };
}

/** A container's termination: only OOMKilled is more than its exit code says (Error and Completed are not). */
function terminationReason(reason: string | undefined, message: string | undefined): { reason?: StatusReason } {
  return reason === "OOMKilled" ? { reason: { code: "OOMKilled", message: message ?? "" } } : {};
}

/** Waiting reasons that mean the container will not start without a change: the boot fails at once. */
const HOPELESS = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "CreateContainerConfigError", "CreateContainerError", "RunContainerError"]);

/** How long the scheduler may say Unschedulable before the boot gives up (a claim may still bind). */
export const UNSCHEDULABLE_GRACE_MS = 5000;

/**
 * Why a pod will not start, when it will not: an image that cannot be pulled, a bad
 * container config, a pod the scheduler cannot place (for longer than the grace).
 */
export function startFailure(pod: V1Pod, now = Date.now()): { reason: string; message: string } | undefined {
  const waiting = containerStatus(pod)?.state?.waiting;
  if (waiting?.reason && HOPELESS.has(waiting.reason)) return { reason: waiting.reason, message: waiting.message ?? "" };
  const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
  if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") {
    const since = new Date(scheduled.lastTransitionTime ?? now).getTime();
    if (now - since >= UNSCHEDULABLE_GRACE_MS) return { reason: "Unschedulable", message: scheduled.message ?? "" };
  }
  if (pod.status?.phase === "Failed" && !containerStatus(pod)?.state?.terminated) return { reason: pod.status.reason ?? "Failed", message: pod.status.message ?? "" };
  return undefined;
}

/** Whether the container has started (it runs, or ran and ended). */
export function hasStarted(pod: V1Pod): boolean {
  const status = containerStatus(pod);
  return Boolean(status?.state?.running || status?.state?.terminated || status?.lastState?.terminated);
}

/** The pod's events, oldest first, one line each: what `kubectl describe pod` ends with. */
export async function podEvents(clients: Clients, namespace: string, pod: string): Promise<string> {
  const list = await clients.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${pod}` }).catch(() => undefined);
  const time = (e: CoreV1Event) => new Date(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? 0).getTime();
  return (list?.items ?? [])
    .sort((a, b) => time(a) - time(b))
    .slice(-15)
    .map((e) => `${e.type ?? ""} ${e.reason ?? ""}: ${e.message ?? ""}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ""}`.trim())
    .join("\n");
}
