import { randomBytes } from "node:crypto";
import * as k8s from "@kubernetes/client-node";
import type { V1ConfigMap, V1Deployment, V1Ingress, V1Job, V1ObjectMeta, V1Pod, V1Secret, V1Service } from "@kubernetes/client-node";
import { sleep } from "../../util/async.ts";
import { LABELS, type LockAttempt, type ObservedService, type Owner } from "../backend.ts";
import { isConflict, isNotFound, unlessMissing, type Clients } from "./kube.ts";
import { K8S, objectName } from "./manifests.ts";
import { newest, statusOfPod } from "./pods.ts";

/**
 * The Kubernetes side of updating in place (Backend's Updates part). A replaced service's
 * pod keeps running while its new version boots: its Deployment is deleted with the
 * ReplicaSet and pod orphaned, and the pod is relabelled out of the service's selector
 * (`dev.prenv.set-aside`). On failure the old objects are created again from what was
 * kept, and the old Deployment's ReplicaSet (same template, same name) adopts the pod:
 * the previous version serves on in the same pod. A pod that mounts a PersistentVolumeClaim
 * is stopped instead (two processes on one data directory could corrupt it), as on Docker.
 */

/** The label a set-aside pod carries instead of `dev.prenv.service`. */
export const SET_ASIDE = "dev.prenv.set-aside";
/** The Lease held while an update changes the environment. */
export const LOCK = "prenv-lock";
const POLL_MS = 100;
const WAIT_MS = 60_000;

/** What setAside took away, to put back on restore. */
export interface SetAsideService {
  workload: { kind: "Deployment"; body: V1Deployment } | { kind: "Job"; body: V1Job };
  services: V1Service[];
  configMaps: V1ConfigMap[];
  secrets: V1Secret[];
  ingresses: V1Ingress[];
  /** The pod kept running (relabelled), when there was one to keep. */
  pod: string | undefined;
}

/** Each service's workload (Deployment or Job), its configuration hash and its current pod's state. */
export async function observeServices(clients: Clients, namespace: string): Promise<ObservedService[]> {
  const managed = `${K8S.managed}=true`;
  const [deployments, jobs, pods] = await Promise.all([
    unlessMissing(clients.apps.listNamespacedDeployment({ namespace, labelSelector: managed })),
    unlessMissing(clients.batch.listNamespacedJob({ namespace, labelSelector: managed })),
    unlessMissing(clients.core.listNamespacedPod({ namespace, labelSelector: `${managed},${LABELS.service}` })),
  ]);
  const workloads = [...(deployments?.items ?? []), ...(jobs?.items ?? [])];
  return workloads.flatMap((w) => {
    const name = w.metadata?.annotations?.[K8S.serviceName];
    if (!name) return [];
    const pod = newest((pods?.items ?? []).filter((p) => p.metadata?.labels?.[LABELS.service] === objectName(name)));
    return [{ name, id: pod?.metadata?.uid ?? w.metadata?.uid ?? "", state: pod ? statusOfPod(pod).state : "created", configHash: w.metadata?.annotations?.[LABELS.configHash] }];
  });
}

/**
 * Takes the service's objects (workload, Services, ConfigMaps, Secret, Ingress) away so that its new version can be made under the same
 * names, and keeps its pod (running) out of their way. Returns what is needed to put it back.
 */
export async function setAsideService(clients: Clients, namespace: string, service: string): Promise<SetAsideService> {
  const name = objectName(service);
  const selector = `${LABELS.service}=${name}`;
  const { core, apps, batch, networking } = clients;
  // A leftover of an update that died before it finished.
  await discardSetAsideService(clients, namespace, service);
  const [deployment, job, services, configMaps, secrets, ingresses] = await Promise.all([
    unlessMissing(apps.readNamespacedDeployment({ namespace, name })),
    unlessMissing(batch.readNamespacedJob({ namespace, name })),
    core.listNamespacedService({ namespace, labelSelector: selector }),
    core.listNamespacedConfigMap({ namespace, labelSelector: selector }),
    core.listNamespacedSecret({ namespace, labelSelector: selector }),
    networking.listNamespacedIngress({ namespace, labelSelector: selector }),
  ]);
  let pod: string | undefined;
  let workload: SetAsideService["workload"];
  if (deployment) {
    workload = { kind: "Deployment", body: { apiVersion: "apps/v1", kind: "Deployment", metadata: freshMeta(deployment.metadata), spec: deployment.spec! } };
    pod = await orphanPod(clients, namespace, name, selector);
  } else if (job) {
    // A Job's selector names its own uid: the new one gets its own. Its pod has completed; it runs again on restore, as on Docker.
    const { selector: _uidSelector, ...spec } = job.spec!;
    const template = { ...spec.template, metadata: { ...spec.template.metadata, labels: withoutJobLabels(spec.template.metadata?.labels ?? {}) } };
    workload = { kind: "Job", body: { apiVersion: "batch/v1", kind: "Job", metadata: freshMeta(job.metadata), spec: { ...spec, template } } };
    await batch.deleteNamespacedJob({ namespace, name, body: { propagationPolicy: "Background" } });
    await gone(() => unlessMissing(batch.readNamespacedJob({ namespace, name })), `Job ${name}`);
    await core.deleteCollectionNamespacedPod({ namespace, labelSelector: selector, gracePeriodSeconds: 0 });
  } else {
    throw new Error(`service "${service}" has no Deployment or Job in namespace ${namespace} to set aside`);
  }
  await Promise.all([
    ...services.items.map((s) => unlessMissing(core.deleteNamespacedService({ namespace, name: s.metadata!.name! }))),
    ...configMaps.items.map((c) => unlessMissing(core.deleteNamespacedConfigMap({ namespace, name: c.metadata!.name! }))),
    ...secrets.items.map((c) => unlessMissing(core.deleteNamespacedSecret({ namespace, name: c.metadata!.name! }))),
    ...ingresses.items.map((i) => unlessMissing(networking.deleteNamespacedIngress({ namespace, name: i.metadata!.name! }))),
  ]);
  return {
    workload,
    services: services.items.map((s) => ({ apiVersion: "v1", kind: "Service", metadata: freshMeta(s.metadata), spec: { ...s.spec, clusterIP: s.spec?.clusterIP ?? "None", clusterIPs: undefined } })),
    configMaps: configMaps.items.map((c) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: freshMeta(c.metadata), ...(c.data ? { data: c.data } : {}), ...(c.binaryData ? { binaryData: c.binaryData } : {}) })),
    secrets: secrets.items.map((c) => ({ apiVersion: "v1", kind: "Secret", metadata: freshMeta(c.metadata), ...(c.type ? { type: c.type } : {}), ...(c.data ? { data: c.data } : {}) })),
    ingresses: ingresses.items.map((i) => ({ apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: freshMeta(i.metadata), spec: i.spec! })),
    pod,
  };
}

/**
 * Deletes the Deployment and its ReplicaSet but not their pod, then moves the pod out of
 * the service's selector. Returns its name; undefined when it was stopped instead (it
 * mounts a claim) or there was none.
 */
async function orphanPod(clients: Clients, namespace: string, name: string, selector: string): Promise<string | undefined> {
  const { core, apps } = clients;
  const orphan = { body: { propagationPolicy: "Orphan" } };
  const pods = (await core.listNamespacedPod({ namespace, labelSelector: selector })).items.filter((p) => !p.metadata?.deletionTimestamp);
  const keep = newest(pods);
  if (!keep || mountsClaim(keep)) {
    await apps.deleteNamespacedDeployment({ namespace, name, body: { propagationPolicy: "Foreground" } });
    await gone(() => unlessMissing(apps.readNamespacedDeployment({ namespace, name })), `Deployment ${name}`);
    return undefined;
  }
  const sets = await apps.listNamespacedReplicaSet({ namespace, labelSelector: selector });
  await apps.deleteNamespacedDeployment({ namespace, name, ...orphan });
  await gone(() => unlessMissing(apps.readNamespacedDeployment({ namespace, name })), `Deployment ${name}`);
  for (const rs of sets.items) await unlessMissing(apps.deleteNamespacedReplicaSet({ namespace, name: rs.metadata!.name!, ...orphan }));
  for (const rs of sets.items) await gone(() => unlessMissing(apps.readNamespacedReplicaSet({ namespace, name: rs.metadata!.name! })), `ReplicaSet ${rs.metadata!.name!}`);
  // Only once no ReplicaSet owns it: one that did would start a replacement.
  const podName = keep.metadata!.name!;
  await core.patchNamespacedPod({ namespace, name: podName, body: { metadata: { labels: { [LABELS.service]: null, [SET_ASIDE]: name } } } }, k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch));
  // Pods of an older version that were still going away.
  await Promise.all(pods.filter((p) => p !== keep).map((p) => unlessMissing(core.deleteNamespacedPod({ namespace, name: p.metadata!.name!, gracePeriodSeconds: 0 }))));
  return podName;
}

/** Puts back what setAside took; the new version's objects must be gone already (removeService). */
export async function restoreService(clients: Clients, namespace: string, kept: SetAsideService): Promise<void> {
  const { core, apps, batch } = clients;
  for (const body of kept.secrets) await core.createNamespacedSecret({ namespace, body });
  for (const body of kept.configMaps) await core.createNamespacedConfigMap({ namespace, body });
  for (const body of kept.services) await core.createNamespacedService({ namespace, body });
  for (const body of kept.ingresses) await clients.networking.createNamespacedIngress({ namespace, body });
  const name = kept.workload.body.metadata!.name!;
  if (kept.pod) {
    await core.patchNamespacedPod({ namespace, name: kept.pod, body: { metadata: { labels: { [LABELS.service]: name, [SET_ASIDE]: null } } } }, k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch));
  }
  if (kept.workload.kind === "Job") await batch.createNamespacedJob({ namespace, body: kept.workload.body });
  else await apps.createNamespacedDeployment({ namespace, body: kept.workload.body });
  if (!kept.pod) return;
  // The same template makes the same ReplicaSet, which adopts the pod; should it make a pod
  // of its own instead (the template came back different), the kept one goes.
  const pod = kept.pod;
  for (const deadline = Date.now() + WAIT_MS; Date.now() < deadline; await sleep(POLL_MS)) {
    const pods = (await core.listNamespacedPod({ namespace, labelSelector: `${LABELS.service}=${name}` })).items;
    const mine = pods.find((p) => p.metadata?.name === pod);
    if (!mine) return;
    if (mine.metadata?.ownerReferences?.some((o) => o.controller)) return;
    if (pods.some((p) => p.metadata?.name !== pod)) {
      await unlessMissing(core.deleteNamespacedPod({ namespace, name: pod }));
      return;
    }
  }
  throw new Error(`the Deployment ${name} in namespace ${namespace} did not take its pod ${pod} back within ${WAIT_MS / 1000} s`);
}

/** The update went through: the pod kept aside goes (gracefully: it is stopped only now). */
export async function discardSetAsideService(clients: Clients, namespace: string, service: string): Promise<void> {
  const labelSelector = `${SET_ASIDE}=${objectName(service)}`;
  await unlessMissing(clients.core.deleteCollectionNamespacedPod({ namespace, labelSelector }));
  // Gone when the update returns, as Docker's removed container is.
  await gone(async () => ((await unlessMissing(clients.core.listNamespacedPod({ namespace, labelSelector })))?.items.length ? true : undefined), `the set-aside pod of ${service}`);
}

/**
 * The environment's lock: a Lease in its namespace. Creating it is atomic; one whose
 * renewTime + leaseDurationSeconds has passed (its holder died) is taken over by a
 * replace conditional on the version read, so that of two runs breaking it only one wins.
 */
export async function tryLease(clients: Clients, namespace: string, owner: Owner, leaseUntil: Date): Promise<LockAttempt> {
  const { coordination } = clients;
  const id = `${owner.host}:${owner.pid}:${randomBytes(4).toString("hex")}`;
  // Whole seconds of duration: the renew time is put so that the lease ends at leaseUntil exactly.
  const seconds = Math.max(1, Math.ceil((leaseUntil.getTime() - Date.now()) / 1000));
  const renewed = new k8s.V1MicroTime(leaseUntil.getTime() - seconds * 1000);
  const spec = { holderIdentity: id, acquireTime: renewed, renewTime: renewed, leaseDurationSeconds: seconds };
  const metadata = { name: LOCK, labels: { [K8S.managed]: "true" } };
  try {
    await coordination.createNamespacedLease({ namespace, body: { metadata, spec } });
    return { acquired: true, id };
  } catch (e) {
    if (!isConflict(e)) throw e;
  }
  const held = await unlessMissing(coordination.readNamespacedLease({ namespace, name: LOCK }));
  // Released between our create and read: the next attempt creates it.
  if (!held) return { acquired: false, holder: "another run, releasing it", leaseUntil: new Date() };
  const until = leaseEnd(held.spec);
  if (until.getTime() > Date.now()) return { acquired: false, holder: holderOf(held.spec?.holderIdentity), leaseUntil: until };
  try {
    await coordination.replaceNamespacedLease({ namespace, name: LOCK, body: { metadata: { ...metadata, resourceVersion: held.metadata!.resourceVersion! }, spec } });
    return { acquired: true, id };
  } catch (e) {
    if (isConflict(e) || isNotFound(e)) return { acquired: false, holder: "another run breaking the same expired lock", leaseUntil: new Date() };
    throw e;
  }
}

/** Deletes the Lease if `id` still holds it, on the condition that nobody took it since it was read. */
export async function releaseLease(clients: Clients, namespace: string, id: string): Promise<void> {
  const held = await unlessMissing(clients.coordination.readNamespacedLease({ namespace, name: LOCK }));
  if (held?.spec?.holderIdentity !== id) return;
  try {
    await clients.coordination.deleteNamespacedLease({ namespace, name: LOCK, body: { preconditions: { resourceVersion: held.metadata!.resourceVersion! } } });
  } catch (e) {
    if (!isConflict(e) && !isNotFound(e)) throw e;
  }
}

function leaseEnd(spec: k8s.V1LeaseSpec | undefined): Date {
  const renewed = new Date(spec?.renewTime ?? spec?.acquireTime ?? 0).getTime();
  return new Date(renewed + (spec?.leaseDurationSeconds ?? 0) * 1000);
}

/** "host:pid" of a holder identity "host:pid:random". */
function holderOf(identity: string | undefined): string {
  return identity ? identity.replace(/:[0-9a-f]{8}$/, "") : "";
}

function mountsClaim(pod: V1Pod): boolean {
  return (pod.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim !== undefined);
}

/** What of an object's metadata a new one takes: its name, labels and annotations, without what controllers added. */
function freshMeta(meta: V1ObjectMeta | undefined): V1ObjectMeta {
  const annotations = Object.fromEntries(Object.entries(meta?.annotations ?? {}).filter(([k]) => !k.includes("kubernetes.io/")));
  return { name: meta!.name!, ...(meta?.labels ? { labels: withoutJobLabels(meta.labels) } : {}), annotations };
}

/** The labels a Job controller adds to its pods' template; a new Job adds its own. */
function withoutJobLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([k]) => !["controller-uid", "job-name", "batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name"].includes(k)));
}

async function gone(read: () => Promise<unknown>, what: string): Promise<void> {
  for (const deadline = Date.now() + WAIT_MS; Date.now() < deadline; await sleep(POLL_MS)) {
    if ((await read()) === undefined) return;
  }
  throw new Error(`${what} is still being deleted after ${WAIT_MS / 1000} s`);
}
