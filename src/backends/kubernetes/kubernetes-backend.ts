import { statSync } from "node:fs";
import type { FaultAction } from "../../chaos/model.ts";
import type { AbandonedFault, AppliedFault } from "../backend.ts";
import { enforcement, type Enforcement } from "./enforcement.ts";
import { injectKubernetesFault, KUBERNETES_FAULT_LIMITS, partitionRefusal, undoAbandonedKubernetesFaults } from "./faults.ts";
import { basename, dirname } from "node:path";
import { PassThrough, Readable, Transform, type Writable } from "node:stream";
import type Dockerode from "dockerode";
import * as k8s from "@kubernetes/client-node";
import type { V1Namespace, V1Pod } from "@kubernetes/client-node";
import { pack } from "tar-fs";
import { sleep, withTimeout } from "../../util/async.ts";
import { Utf8Chunker } from "../../util/text-streams.ts";
import type { Plan, PlannedService } from "../../plan/plan.ts";
import {
  LABELS,
  capabilityRefusals,
  environmentRecord,
  RuntimeUnavailableError,
  ServiceError,
  type AttachedStreams,
  type Backend,
  type Endpoint,
  type EnvironmentSummary,
  type ExecOptions,
  type ExecResult,
  type FaultNeed,
  type FaultRefusal,
  type ImageInfo,
  type ImageProgress,
  type LockAttempt,
  type Marker,
  type ObservedService,
  type OneOffSpec,
  type Owner,
  type ProbeAddress,
  type RemovalReport,
  type ServiceStatus,
  type Updates,
} from "../backend.ts";
import { readBinds } from "./binds.ts";
import { execAttachedInPod, execInPod } from "./exec.ts";
import { Images } from "./images.ts";
import { apiMessage, clientsOf, isConflict, isNotFound, unlessMissing, waitForServiceAccount, type Clients } from "./kube.ts";
import { K8S, ManifestError, objectName, oneOffPod, serviceManifests, volumeClaims, volumesOf, type PublishedPort, type ServiceManifests } from "./manifests.ts";
import { dnsName, labelValue, namespaceName } from "./names.ts";
import { containerStatus, currentPod, hasStarted, podEvents, serviceOf, startFailure, statusOfPod } from "./pods.ts";
import { Tunnels } from "./tunnels.ts";
import { discardSetAsideService, observeServices, releaseLease, restoreService, setAsideService, tryLease, type SetAsideService } from "./updates.ts";

export interface KubernetesBackendOptions {
  config: k8s.KubeConfig;
  version: string;
  /** Prefix of every environment's namespace: `prenv-` makes `prenv-shop`. */
  namespacePrefix?: string;
  /** Where built images are pushed (--registry). */
  registry?: string;
  /** Hears what of the definition has no Kubernetes meaning, once per message. */
  onWarning?: (message: string) => void;
  docker?: Dockerode;
  /** How long the API may take to answer ping. */
  pingTimeoutMs?: number;
}

/** The ConfigMap by which one `up` holds an environment (creation is atomic). */
const CLAIM = "prenv-claim";
const POLL_MS = 100;
const REMOVE_TIMEOUT_MS = 5 * 60_000;

/**
 * The Kubernetes backend: one namespace per environment. Services are Deployments (Jobs
 * when something waits for them to complete) behind headless Services named after them;
 * endpoints are port-forwards through the API, alive as long as this backend (see
 * docs/kubernetes.md for what differs from Docker).
 */
export class KubernetesBackend implements Backend, Updates {
  readonly kind = "kubernetes";
  /**
   * No freezer through the API; of the network faults only a partition, and only where the
   * cluster enforces NetworkPolicy (faultSupport, KUBERNETES_FAULT_LIMITS);
   * builds need a registry the cluster pulls from; port-forwards belong to the process
   * that opened them.
   */
  readonly capabilities = { pause: false, networkFaults: false, localBuilds: false, lastingEndpoints: false, updateInPlace: true };
  readonly capabilityLimits = KUBERNETES_FAULT_LIMITS;
  readonly clients: Clients;
  private readonly prefix: string;
  private readonly version: string;
  private readonly images: Images;
  private readonly tunnels: Tunnels;
  private readonly onWarning: (message: string) => void;
  private readonly warned = new Set<string>();
  private readonly pingTimeoutMs: number;
  /** Images prepared by this process, by environment/service. */
  private readonly prepared = new Map<string, string>();
  /** Workloads created by createService, started by startService. */
  private readonly workloads = new Map<string, ServiceManifests["workload"]>();
  private defaultStorageClass: Promise<boolean> | undefined;
  /** What an update of this process set aside, by namespace/service, until it is restored or discarded. */
  private readonly setAsideServices = new Map<string, SetAsideService>();

  constructor(options: KubernetesBackendOptions) {
    this.clients = clientsOf(options.config);
    this.prefix = options.namespacePrefix ?? "prenv-";
    this.version = options.version;
    this.images = new Images({ version: options.version, ...(options.registry ? { registry: options.registry } : {}), ...(options.docker ? { docker: options.docker } : {}) });
    this.tunnels = new Tunnels(options.config);
    this.onWarning = options.onWarning ?? (() => undefined);
    this.pingTimeoutMs = options.pingTimeoutMs ?? 5000;
  }

  /** The namespace of an environment. */
  namespace(environment: string): string {
    return namespaceName(this.prefix, environment);
  }

  private warn(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.onWarning(message);
  }

  async ping(): Promise<void> {
    const server = this.clients.config.getCurrentCluster()?.server ?? "the kubeconfig's cluster";
    try {
      await withTimeout(this.clients.core.listNamespace({ limit: 1 }), this.pingTimeoutMs);
    } catch (cause) {
      throw new RuntimeUnavailableError(`no Kubernetes API answers at ${server} (${apiMessage(cause)})`, { cause });
    }
  }

  /** Releases the port-forwards this process opened. */
  async close(): Promise<void> {
    await this.tunnels.close();
  }

  async prepareImage(plan: Plan, service: PlannedService, progress: ImageProgress, signal: AbortSignal): Promise<ImageInfo> {
    const info = await this.images.prepare(plan, service, progress, signal);
    this.prepared.set(`${plan.environment}/${service.name}`, info.reference);
    return info;
  }

  private labels(plan: Plan): Record<string, string> {
    return { [LABELS.environment]: labelValue(plan.environment), [LABELS.project]: labelValue(plan.project), [LABELS.version]: labelValue(this.version) };
  }

  private annotations(plan: Plan, owner: Owner): Record<string, string> {
    return {
      ...environmentRecord(plan, owner, this.version),
      // Written with the namespace, so that an environment whose run dies right after is already collectable.
      ...(owner.expires ? { [LABELS.expires]: owner.expires.toISOString() } : {}),
    };
  }

  async claimEnvironment(plan: Plan, owner: Owner): Promise<boolean> {
    const namespace = this.namespace(plan.environment);
    const body: V1Namespace = { metadata: { name: namespace, labels: { ...this.labels(plan), [K8S.managed]: "true" }, annotations: this.annotations(plan, owner) } };
    try {
      await this.clients.core.createNamespace({ body });
    } catch (e) {
      // The namespace may stay from `down --keep-volumes`; the claim decides.
      if (!isConflict(e)) throw e;
    }
    try {
      await this.clients.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: CLAIM, labels: { ...this.labels(plan), [K8S.managed]: "true" }, annotations: this.annotations(plan, owner) } } });
      return true;
    } catch (e) {
      // 409: another `up` holds it; 403: the namespace is being deleted.
      if (isConflict(e) || (e instanceof k8s.ApiException && e.code === 403)) return false;
      throw e;
    }
  }

  private hasDefaultStorageClass(): Promise<boolean> {
    this.defaultStorageClass ??= this.clients.storage
      .listStorageClass()
      .then((list) => list.items.some((c) => c.metadata?.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true"))
      .catch(() => false);
    return this.defaultStorageClass;
  }

  async createEnvironment(plan: Plan, owner: Owner): Promise<void> {
    const namespace = this.namespace(plan.environment);
    // A namespace kept by `down --keep-volumes` has the old annotations: the new TTL replaces its expiry.
    if (owner.expires) await this.setExpiry(plan, owner, owner.expires);
    if (await this.hasDefaultStorageClass()) {
      for (const claim of volumeClaims(plan, namespace, this.labels(plan))) {
        claim.metadata!.annotations = { ...claim.metadata!.annotations, ...this.annotations(plan, owner) };
        // Kept by `down --keep-volumes`: used again.
        await this.clients.core.createNamespacedPersistentVolumeClaim({ namespace, body: claim }).catch((e: unknown) => {
          if (!isConflict(e)) throw e;
        });
      }
    }
    await waitForServiceAccount(this.clients, namespace, POLL_MS);
  }

  private async manifests(plan: Plan, service: PlannedService, owner: Owner): Promise<ServiceManifests> {
    const image = this.prepared.get(`${plan.environment}/${service.name}`) ?? (await this.prepareImage(plan, service, () => undefined, new AbortController().signal)).reference;
    const binds = await readBinds(service.spec.mounts.flatMap((m) => (m.type === "bind" ? [m.source] : [])));
    try {
      const manifests = serviceManifests({
        plan,
        service,
        namespace: this.namespace(plan.environment),
        image,
        persistentVolumes: await this.hasDefaultStorageClass(),
        binds,
        labels: this.labels(plan),
        annotations: this.annotations(plan, owner),
      });
      manifests.warnings.forEach((w) => this.warn(w));
      return manifests;
    } catch (e) {
      if (e instanceof ManifestError) throw new ServiceError(e.service, e.message, { hint: e.hint, cause: e });
      throw e;
    }
  }

  /**
   * A Service; when an update set aside the service's previous version, with the cluster IP
   * its Service had: clients (and the cluster's DNS, which caches answers) keep the address
   * they know, and it leads to the new pod. Should the address not be free again yet, the
   * cluster chooses one.
   */
  private async createServiceObject(namespace: string, service: string, body: k8s.V1Service): Promise<void> {
    const before = this.setAsideServices.get(`${namespace}/${service}`)?.services.find((s) => s.metadata?.name === body.metadata?.name)?.spec?.clusterIP;
    const core = this.clients.core;
    if (before && before !== "None" && body.spec && body.spec.clusterIP !== "None") {
      try {
        await core.createNamespacedService({ namespace, body: { ...body, spec: { ...body.spec, clusterIP: before } } });
        return;
      } catch (e) {
        if (!(e instanceof k8s.ApiException && (e.code === 422 || e.code === 409))) throw e;
      }
    }
    await core.createNamespacedService({ namespace, body });
  }

  async createService(plan: Plan, service: PlannedService, owner: Owner, labels: Record<string, string> = {}): Promise<void> {
    const namespace = this.namespace(plan.environment);
    const m = await this.manifests(plan, service, owner);
    // On the workload, not its pod template: a change of them alone would otherwise roll the pod.
    m.workload.body.metadata = { ...m.workload.body.metadata, annotations: { ...m.workload.body.metadata?.annotations, ...labels } };
    const { core } = this.clients;
    try {
      if (m.secret) await core.createNamespacedSecret({ namespace, body: m.secret });
      for (const body of m.configMaps) await core.createNamespacedConfigMap({ namespace, body });
      for (const body of m.services) await this.createServiceObject(namespace, service.name, body);
      if (m.ingress) await this.clients.networking.createNamespacedIngress({ namespace, body: m.ingress });
    } catch (cause) {
      throw new ServiceError(service.name, `service "${service.name}" could not be created on the cluster: ${apiMessage(cause)}`, { cause });
    }
    this.workloads.set(`${plan.environment}/${service.name}`, m.workload);
  }

  async startService(plan: Plan, service: PlannedService): Promise<void> {
    const namespace = this.namespace(plan.environment);
    const workload = this.workloads.get(`${plan.environment}/${service.name}`);
    if (!workload) throw new ServiceError(service.name, `service "${service.name}" was not created by this process before being started`);
    try {
      if (workload.kind === "Job") await this.clients.batch.createNamespacedJob({ namespace, body: workload.body });
      else await this.clients.apps.createNamespacedDeployment({ namespace, body: workload.body });
    } catch (cause) {
      throw new ServiceError(service.name, `the ${workload.kind} of service "${service.name}" was refused: ${apiMessage(cause)}`, { cause, hint: "check the service's settings in the definition" });
    }
    await this.waitForStart(namespace, service.name);
  }

  /**
   * Resolves once the service's container has started (as Docker's start does); fails at
   * once, with the reason and the pod's events, when it cannot (image pull, config,
   * scheduling), rather than when the boot times out.
   */
  private async waitForStart(namespace: string, service: string, pod?: () => Promise<V1Pod | undefined>): Promise<V1Pod> {
    const find = pod ?? (() => currentPod(this.clients, namespace, service));
    for (;;) {
      const found = await find().catch((e: unknown) => {
        if (isNotFound(e)) throw new ServiceError(service, `the environment's namespace ${namespace} is gone`);
        throw e;
      });
      if (found) {
        if (hasStarted(found)) return found;
        const failure = startFailure(found);
        if (failure) {
          const name = found.metadata?.name ?? "";
          const events = await podEvents(this.clients, namespace, name);
          const image = found.spec?.containers[0]?.image ?? "";
          const what = /Image/.test(failure.reason) ? `its image ${image} cannot be pulled` : failure.reason === "Unschedulable" ? "its pod cannot be scheduled" : "its container cannot be started";
          throw new ServiceError(service, `service "${service}": ${what} (${failure.reason}${failure.message ? `: ${failure.message}` : ""})`, {
            hint: /Image/.test(failure.reason)
              ? "check the image name and tag, and that the cluster can pull from its registry (credentials: an imagePullSecret on the namespace's default service account)"
              : `see the pod's events: kubectl -n ${namespace} describe pod ${name}`,
            ...(events ? { logTail: `events of pod ${name}:\n${events}` } : {}),
          });
        }
      } else if (!(await unlessMissing(this.clients.core.readNamespace({ name: namespace })))) {
        throw new ServiceError(service, `the environment's namespace ${namespace} is gone`);
      }
      await sleep(POLL_MS);
    }
  }

  async removeService(environment: string, service: string): Promise<void> {
    const namespace = this.namespace(environment);
    const name = objectName(service);
    const selector = `${LABELS.service}=${name}`;
    const { core, apps, batch } = this.clients;
    const background = { propagationPolicy: "Background" };
    await Promise.all([
      unlessMissing(apps.deleteNamespacedDeployment({ namespace, name, body: background })),
      unlessMissing(batch.deleteNamespacedJob({ namespace, name, body: background })),
    ]);
    const [services, configMaps, secrets, ingresses] = await Promise.all([
      unlessMissing(core.listNamespacedService({ namespace, labelSelector: selector })),
      unlessMissing(core.listNamespacedConfigMap({ namespace, labelSelector: selector })),
      unlessMissing(core.listNamespacedSecret({ namespace, labelSelector: selector })),
      unlessMissing(this.clients.networking.listNamespacedIngress({ namespace, labelSelector: selector })),
    ]);
    await Promise.all([
      ...(ingresses?.items ?? []).map((i) => unlessMissing(this.clients.networking.deleteNamespacedIngress({ namespace, name: i.metadata!.name! }))),
      ...(services?.items ?? []).map((s) => unlessMissing(core.deleteNamespacedService({ namespace, name: s.metadata!.name! }))),
      ...(configMaps?.items ?? []).map((c) => unlessMissing(core.deleteNamespacedConfigMap({ namespace, name: c.metadata!.name! }))),
      ...(secrets?.items ?? []).map((c) => unlessMissing(core.deleteNamespacedSecret({ namespace, name: c.metadata!.name! }))),
      unlessMissing(core.deleteCollectionNamespacedPod({ namespace, labelSelector: selector, gracePeriodSeconds: 0 })),
    ]);
    // Its pods must be gone before a new one of the same service is looked up by label.
    for (let i = 0; i * POLL_MS < 60_000; i++) {
      const left = await unlessMissing(core.listNamespacedPod({ namespace, labelSelector: selector }));
      if (!left || left.items.length === 0) return;
      await sleep(POLL_MS);
    }
  }

  async status(environment: string, service: string): Promise<ServiceStatus> {
    const namespace = this.namespace(environment);
    const pod = await unlessMissing(currentPod(this.clients, namespace, service));
    if (pod) return statusOfPod(pod);
    const name = objectName(service);
    const exists = (await unlessMissing(this.clients.apps.readNamespacedDeployment({ namespace, name }))) ?? (await unlessMissing(this.clients.batch.readNamespacedJob({ namespace, name })));
    return exists ? { state: "created", restarts: 0 } : { state: "missing", restarts: 0 };
  }

  /** The pod a command runs in: the service's current one, which must be running. */
  private async runningPod(environment: string, service: string): Promise<string> {
    const pod = await unlessMissing(currentPod(this.clients, this.namespace(environment), service));
    if (!pod || !containerStatus(pod)?.state?.running) {
      // Not a ServiceError: a readiness probe that meets it tries again, as it does on Docker.
      throw new NotRunningError(`service "${service}" has no running container in environment "${environment}" (see \`prenv ls\` and \`prenv logs --env ${environment} ${service}\`)`);
    }
    return pod.metadata!.name!;
  }

  async exec(environment: string, service: string, argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const pod = await this.runningPod(environment, service);
    return execInPod(this.clients.config, this.namespace(environment), pod, objectName(service), argv, options);
  }

  async execAttached(environment: string, service: string, argv: string[], streams: AttachedStreams): Promise<number> {
    const pod = await this.runningPod(environment, service);
    return execAttachedInPod(this.clients.config, this.namespace(environment), pod, objectName(service), argv, streams);
  }

  private resolver(environment: string, service: string) {
    return async () => {
      const pod = await unlessMissing(currentPod(this.clients, this.namespace(environment), service));
      return pod && containerStatus(pod)?.state?.running ? pod.metadata?.name : undefined;
    };
  }

  async probeAddress(environment: string, service: string, port: number): Promise<ProbeAddress> {
    const namespace = this.namespace(environment);
    return this.tunnels.open(`${namespace}/${service}/${port}/probe`, port, this.resolver(environment, service), namespace);
  }

  /**
   * Whether something listens on `port` in the service's container. A forwarded address
   * accepts every connection itself, so the engine asks this instead of connecting.
   */
  async portOpen(environment: string, service: string, port: number): Promise<boolean> {
    const namespace = this.namespace(environment);
    const pod = await unlessMissing(currentPod(this.clients, namespace, service));
    if (!pod?.metadata?.name || !containerStatus(pod)?.state?.running) return false;
    return this.tunnels.portOpen(namespace, pod.metadata.name, pod.status?.podIP, port);
  }

  /**
   * The published ports, forwarded to this machine for as long as this process runs (and
   * this backend is not closed): `prenv up` prints them and ends, so `prenv test` and
   * `prenv run` open their own.
   */
  async endpoints(environment: string): Promise<Endpoint[]> {
    const namespace = this.namespace(environment);
    const services = await unlessMissing(this.clients.core.listNamespacedService({ namespace, labelSelector: `${K8S.managed}=true` }));
    const out: Endpoint[] = [];
    for (const s of services?.items ?? []) {
      const raw = s.metadata?.annotations?.[K8S.published];
      const service = s.metadata?.annotations?.[K8S.serviceName];
      if (!raw || !service) continue;
      const published = parsePublished(raw);
      for (const p of published) {
        if (p.protocol !== "tcp") continue;
        try {
          const local = await this.tunnels.open(`${namespace}/${service}/${p.target}`, p.target, this.resolver(environment, service), namespace, {
            ...(p.hostIp && p.hostIp !== "0.0.0.0" ? { host: p.hostIp } : {}),
            ...(p.published !== undefined ? { port: p.published } : {}),
          });
          out.push({ service, containerPort: p.target, protocol: "tcp", hostIp: local.host, hostPort: local.port });
        } catch (cause) {
          throw new ServiceError(service, `port ${p.target} of service "${service}" cannot be forwarded to ${p.hostIp ?? "127.0.0.1"}:${p.published ?? "(any)"}: ${(cause as Error).message}`, {
            hint: "free that port here, or publish the container port alone (\"8080\") so that a free one is chosen",
            cause,
          });
        }
      }
    }
    return out.sort((a, b) => a.service.localeCompare(b.service) || a.containerPort - b.containerPort);
  }

  async logs(environment: string, service: string, options: { follow: boolean; tail?: number; signal?: AbortSignal }): Promise<Readable> {
    const namespace = this.namespace(environment);
    // A container that has not started has no log yet; following one waits for it.
    const pod = options.follow
      ? await this.waitForStart(namespace, service)
      : await unlessMissing(currentPod(this.clients, namespace, service));
    const out = new PassThrough();
    if (!pod || !hasStarted(pod)) {
      out.end();
      return out;
    }
    // A service without a restart policy ended at its first exit (see statusOfPod), though
    // the Deployment has started it again: its log is that of the container that exited, as on Docker.
    const ended = statusOfPod(pod).state === "exited" && !containerStatus(pod)?.state?.terminated;
    return this.podLog(namespace, pod.metadata!.name!, pod.spec!.containers[0]!.name, { follow: options.follow, previous: ended && !options.follow, ...(options.tail !== undefined ? { tail: options.tail } : {}), ...(options.signal ? { signal: options.signal } : {}) });
  }

  /** A container's log as text in whole UTF-8 characters (Kubernetes keeps stdout and stderr as one). */
  private async podLog(namespace: string, pod: string, container: string, options: { follow: boolean; previous?: boolean; tail?: number; signal?: AbortSignal }): Promise<Readable> {
    const chunker = new Utf8Chunker();
    const text = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        callback(null, chunker.push(chunk));
      },
      flush(callback) {
        callback(null, chunker.end());
      },
    });
    // The client pipes the response into `text` and leaves the response's own errors
    // unheard: an abort (the normal end of following) would be an uncaught error.
    let stopped = false;
    text.on("pipe", (source: Readable) =>
      source.on("error", (error: Error) => {
        if (!stopped) text.destroy(new Error(`the log of pod ${pod} broke off: ${error.message}`, { cause: error }));
      }),
    );
    const controller = await new k8s.Log(this.clients.config).log(namespace, pod, container, text, { follow: options.follow, ...(options.previous ? { previous: true } : {}), ...(options.tail !== undefined ? { tailLines: options.tail } : {}) });
    // Stopping to follow is the normal end of a followed log.
    options.signal?.addEventListener(
      "abort",
      () => {
        stopped = true;
        controller.abort();
        text.end();
      },
      { once: true },
    );
    return text;
  }

  async watchExits(environment: string, onExit: (service: string) => void, signal: AbortSignal, onError?: (error: Error) => void): Promise<void> {
    const namespace = this.namespace(environment);
    // What was seen of each pod: an exit is a new terminated state or a new restart.
    const seen = new Map<string, string>();
    const controller = await new k8s.Watch(this.clients.config).watch(
      `/api/v1/namespaces/${namespace}/pods`,
      // "0": from what the API server's cache holds now, listed first as ADDED. Without a
      // version the server waits until its cache has caught up with etcd, which an etcd
      // without progress notifications (3.4) never reports: the watch fails after 3 s.
      { labelSelector: `${K8S.managed}=true`, resourceVersion: "0" },
      (phase: string, object: unknown) => {
        if (phase === "DELETED" || !isPod(object)) return;
        const service = serviceOf(object);
        const status = containerStatus(object);
        if (!service || !status) return;
        const terminated = status.state?.terminated;
        const key = `${status.restartCount}/${terminated ? "t" : "-"}`;
        const before = seen.get(object.metadata!.name!);
        seen.set(object.metadata!.name!, key);
        if (key !== before && (terminated || status.restartCount > 0)) onExit(service);
      },
      (error: unknown) => {
        if (!signal.aborted) onError?.(new Error(`watching the pods of namespace ${namespace} stopped${error ? `: ${apiMessage(error)}` : ""}; services that exit from now on go unnoticed`, { cause: error }));
      },
    );
    signal.addEventListener("abort", () => controller.abort(), { once: true });
  }

  async exitsBetween(environment: string, since: Date, until: Date): Promise<{ service: string; exitCode: number }[]> {
    const pods = await unlessMissing(this.clients.core.listNamespacedPod({ namespace: this.namespace(environment), labelSelector: `${K8S.managed}=true` }));
    // Kubernetes records exits to the second: a window from the start of `since`'s second.
    const from = Math.floor(since.getTime() / 1000) * 1000;
    const within = (t: Date | undefined) => t !== undefined && new Date(t).getTime() >= from && new Date(t).getTime() <= until.getTime();
    const exits: { service: string; exitCode: number }[] = [];
    for (const pod of pods?.items ?? []) {
      const service = serviceOf(pod);
      const status = containerStatus(pod);
      if (!service || !status || !pod.metadata?.labels?.[LABELS.service]) continue;
      for (const t of [status.lastState?.terminated, status.state?.terminated]) {
        if (t && within(t.finishedAt)) exits.push({ service, exitCode: t.exitCode });
      }
    }
    return exits;
  }

  async runOneOff(plan: Plan, spec: OneOffSpec, owner: Owner, options: { timeoutMs: number; signal?: AbortSignal; output?: Writable }): Promise<ExecResult> {
    const namespace = this.namespace(plan.environment);
    const name = dnsName(`${spec.name}-${Date.now().toString(36)}`);
    const binds = await readBinds(spec.mounts.flatMap((m) => (m.type === "bind" ? [m.source] : [])));
    const { volumes, mounts, configMaps } = (() => {
      try {
        return volumesOf({ plan, owner: spec.name, mounts: spec.mounts, tmpfs: [], persistentVolumes: false, binds }, name, (key, text) => this.warn(`setup ${spec.name}: ${key}: ${text}`));
      } catch (e) {
        if (e instanceof ManifestError) throw new ServiceError(spec.name, e.message, { hint: e.hint, cause: e });
        throw e;
      }
    })();
    const labels = { ...this.labels(plan), [K8S.managed]: "true", "dev.prenv.one-off": labelValue(spec.name) };
    const { core } = this.clients;
    try {
      for (const c of configMaps) await core.createNamespacedConfigMap({ namespace, body: { ...c, metadata: { ...c.metadata, labels, annotations: this.annotations(plan, owner) } } });
      await core.createNamespacedPod({ namespace, body: oneOffPod({ namespace, name, image: spec.image, env: spec.env, labels, volumes, mounts, ...definedOf(spec) }) });
      const run = async (): Promise<ExecResult> => {
        const pod = () => unlessMissing(core.readNamespacedPod({ namespace, name }));
        await this.waitForStart(namespace, spec.name, pod);
        const log = await this.podLog(namespace, name, "run", { follow: true, ...(options.signal ? { signal: options.signal } : {}) });
        const tail = await drain(log, options.output);
        // The followed log ends with the container; its status may trail by a moment.
        for (;;) {
          const terminated = containerStatus((await pod()) ?? {})?.state?.terminated;
          if (terminated) return { exitCode: terminated.exitCode, output: tail };
          await sleep(POLL_MS);
        }
      };
      return await withTimeout(run(), options.timeoutMs, options.signal);
    } finally {
      await unlessMissing(core.deleteNamespacedPod({ namespace, name, gracePeriodSeconds: 0 }));
      for (const c of configMaps) await unlessMissing(core.deleteNamespacedConfigMap({ namespace, name: c.metadata!.name! }));
    }
  }

  /** A tar stream into `tar -x` in the container (the image must have tar, as for `kubectl cp`). */
  async copyInto(environment: string, service: string, hostPath: string, containerPath: string): Promise<void> {
    const isDir = statSync(hostPath).isDirectory();
    const targetDir = isDir || containerPath.endsWith("/") ? containerPath : dirname(containerPath);
    const archive = Readable.from(
      pack(isDir ? hostPath : dirname(hostPath), {
        ...(!isDir ? { entries: [basename(hostPath)] } : {}),
        ...(!isDir && !containerPath.endsWith("/") ? { map: <H extends { name: string }>(header: H): H => ({ ...header, name: basename(containerPath) }) } : {}),
      }),
    );
    const pod = await this.runningPod(environment, service);
    const result = await execInPod(this.clients.config, this.namespace(environment), pod, objectName(service), ["/bin/sh", "-c", 'mkdir -p -- "$1" && exec tar -x -f - -C "$1"', "sh", targetDir], {}, archive);
    if (result.exitCode !== 0) {
      throw new ServiceError(service, `copying ${hostPath} into ${service}:${containerPath} failed (tar in the container: exit code ${result.exitCode}) ${result.output.trim()}`, { hint: "on Kubernetes copying needs /bin/sh and tar in the service's image" });
    }
  }

  async waitForExit(environment: string, service: string, signal?: AbortSignal): Promise<number> {
    for (;;) {
      signal?.throwIfAborted();
      const status = await this.status(environment, service);
      if (status.state === "exited") return status.exitCode;
      if (status.state === "missing") throw new ServiceError(service, `service "${service}" has no container to wait for`);
      await sleep(POLL_MS, signal);
    }
  }

  async setMarker(plan: Plan, owner: Owner, marker: Marker): Promise<void> {
    const value = JSON.stringify({ owner: `${owner.host}:${owner.pid}`, lifetime: owner.ephemeral ? "run" : "until-down", at: new Date().toISOString() });
    await this.patchNamespace(this.namespace(plan.environment), { [`${K8S.markerPrefix}${marker}`]: value });
  }

  private async patchNamespace(name: string, annotations: Record<string, string | null>): Promise<void> {
    await this.clients.core.patchNamespace({ name, body: { metadata: { annotations } } }, k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch));
  }

  injectFault(plan: Plan, fault: FaultAction, owner: Owner, options: { id: string; helperImage?: string }): Promise<AppliedFault> {
    const place = { namespace: this.namespace(plan.environment), environment: plan.environment, enforcement: () => this.enforcement(owner, options.helperImage) };
    return injectKubernetesFault(this.clients, place, fault, owner, options.id);
  }

  /** Pause, loss, bandwidth and latency never; a partition where the cluster enforces NetworkPolicy (asked once per process). */
  async faultSupport(needs: FaultNeed[], options: { owner: Owner; helperImage?: string }): Promise<FaultRefusal[]> {
    const partitions = needs.some((n) => n.kind === "partition") ? partitionRefusal(await this.enforcement(options.owner, options.helperImage)) : undefined;
    return needs.flatMap((need) => (need.kind === "partition" ? (partitions ? [{ need, ...partitions }] : []) : capabilityRefusals(this, [need])));
  }

  /** Whether the cluster enforces NetworkPolicy (the probe runs the helper image); undefined without one. */
  private async enforcement(owner: Owner, image: string | undefined): Promise<Enforcement | undefined> {
    if (!image) return undefined;
    return enforcement({ clients: this.clients, namespace: (e) => this.namespace(e), remove: (e) => this.remove(e, { keepVolumes: false }), version: this.version }, owner, image);
  }

  undoAbandonedFaults(isGone: (owner: string, environment: string) => boolean): Promise<AbandonedFault[]> {
    return undoAbandonedKubernetesFaults(this.clients, isGone);
  }

  observe(environment: string): Promise<ObservedService[]> {
    return observeServices(this.clients, this.namespace(environment));
  }

  async setAside(environment: string, service: string): Promise<void> {
    const namespace = this.namespace(environment);
    this.setAsideServices.set(`${namespace}/${service}`, await setAsideService(this.clients, namespace, service));
  }

  async restore(environment: string, service: string): Promise<void> {
    const namespace = this.namespace(environment);
    const kept = this.setAsideServices.get(`${namespace}/${service}`);
    if (!kept) throw new Error(`service "${service}" of environment "${environment}" was not set aside by this process, so it cannot be put back`);
    await this.removeService(environment, service);
    await restoreService(this.clients, namespace, kept);
    this.setAsideServices.delete(`${namespace}/${service}`);
    await this.waitForStart(namespace, service);
  }

  async discardSetAside(environment: string, service: string): Promise<void> {
    const namespace = this.namespace(environment);
    await discardSetAsideService(this.clients, namespace, service);
    this.setAsideServices.delete(`${namespace}/${service}`);
  }

  tryLock(plan: Plan, owner: Owner, _image: string, leaseUntil: Date): Promise<LockAttempt> {
    return tryLease(this.clients, this.namespace(plan.environment), owner, leaseUntil);
  }

  unlock(environment: string, id: string): Promise<void> {
    return releaseLease(this.clients, this.namespace(environment), id);
  }

  async setExpiry(plan: Plan, _owner: Owner, expires: Date): Promise<void> {
    await this.patchNamespace(this.namespace(plan.environment), { [LABELS.expires]: expires.toISOString() });
  }

  async expiries(): Promise<Map<string, Date>> {
    const namespaces = await this.clients.core.listNamespace({ labelSelector: `${K8S.managed}=true` });
    const out = new Map<string, Date>();
    for (const ns of namespaces.items) {
      const a = ns.metadata?.annotations ?? {};
      const environment = a[LABELS.environment];
      const raw = a[LABELS.expires];
      const expires = raw ? new Date(raw) : undefined;
      if (environment && expires && !Number.isNaN(expires.getTime())) out.set(environment, expires);
    }
    return out;
  }

  async hasMarker(environment: string, marker: Marker): Promise<boolean> {
    const ns = await unlessMissing(this.clients.core.readNamespace({ name: this.namespace(environment) }));
    return ns?.metadata?.annotations?.[`${K8S.markerPrefix}${marker}`] !== undefined;
  }

  async list(): Promise<EnvironmentSummary[]> {
    const managed = `${K8S.managed}=true`;
    const { core } = this.clients;
    const [namespaces, pods, claims, volumes] = await Promise.all([
      core.listNamespace({ labelSelector: managed }),
      core.listPodForAllNamespaces({ labelSelector: `${managed},${LABELS.service}` }),
      core.listConfigMapForAllNamespaces({ fieldSelector: `metadata.name=${CLAIM}` }),
      core.listPersistentVolumeClaimForAllNamespaces({ labelSelector: managed }),
    ]);
    const out: EnvironmentSummary[] = [];
    for (const ns of namespaces.items) {
      const a = ns.metadata?.annotations ?? {};
      const environment = a[LABELS.environment];
      const name = ns.metadata?.name;
      // Another prefix's environments are another prenv's business.
      if (!environment || !name || this.namespace(environment) !== name) continue;
      const marker = (m: Marker) => markerValue(a[`${K8S.markerPrefix}${m}`]);
      const complete = marker("complete");
      const services = pods.items
        .filter((p) => p.metadata?.namespace === name)
        .map((p) => ({ name: serviceOf(p) ?? p.metadata?.name ?? "", state: statusOfPod(p).state }));
      out.push({
        environment,
        project: a[LABELS.project] ?? "",
        created: new Date(a[LABELS.created] ?? ns.metadata?.creationTimestamp ?? 0),
        owner: complete?.owner ?? a[LABELS.owner] ?? "",
        complete: complete !== undefined,
        ephemeral: complete?.lifetime === "run" && marker("kept") === undefined,
        volumesKept: marker("volumes-kept") !== undefined,
        workingDir: a[LABELS.workingDir] ?? "",
        services,
        // The namespace is the environment's network while one `up` holds it.
        networks: claims.items.some((c) => c.metadata?.namespace === name) ? 1 : 0,
        volumes: volumes.items.filter((v) => v.metadata?.namespace === name).length,
      });
    }
    return out.sort((x, y) => x.environment.localeCompare(y.environment));
  }

  async remove(environment: string, options: { keepVolumes: boolean }): Promise<RemovalReport> {
    const namespace = this.namespace(environment);
    const { core } = this.clients;
    const ns = await unlessMissing(core.readNamespace({ name: namespace }));
    if (!ns) return { containers: 0, networks: 0, volumes: 0 };
    const [pods, claims, claim] = await Promise.all([
      core.listNamespacedPod({ namespace, labelSelector: `${K8S.managed}=true,${LABELS.service}` }),
      core.listNamespacedPersistentVolumeClaim({ namespace }),
      unlessMissing(core.readNamespacedConfigMap({ namespace, name: CLAIM })),
    ]);
    await this.closeTunnels(namespace);
    if (options.keepVolumes && claims.items.length > 0) return this.removeKeepingVolumes(environment, namespace, pods.items.length, claim !== undefined);
    // A namespace being deleted takes no new pods, so its Deployments cannot replace the
    // pods deleted right after; grace 0, as Docker's forced removal: the data goes anyway.
    await unlessMissing(core.deleteNamespace({ name: namespace, body: { propagationPolicy: "Background" } }));
    await unlessMissing(core.deleteCollectionNamespacedPod({ namespace, gracePeriodSeconds: 0 }));
    const deadline = Date.now() + REMOVE_TIMEOUT_MS;
    while (await unlessMissing(core.readNamespace({ name: namespace }))) {
      if (Date.now() > deadline) throw new Error(`namespace ${namespace} is still being deleted after ${REMOVE_TIMEOUT_MS / 60_000} min (see kubectl get namespace ${namespace} -o yaml: its conditions say what holds it)`);
      await sleep(POLL_MS * 2);
    }
    return { containers: pods.items.length, networks: claim || pods.items.length > 0 ? 1 : 0, volumes: options.keepVolumes ? 0 : claims.items.length };
  }

  /** `down --keep-volumes`: everything but the claims (and the namespace they live in). */
  private async removeKeepingVolumes(environment: string, namespace: string, containers: number, claimed: boolean): Promise<RemovalReport> {
    const { core, apps, batch } = this.clients;
    await Promise.all([
      apps.deleteCollectionNamespacedDeployment({ namespace, propagationPolicy: "Foreground" }),
      batch.deleteCollectionNamespacedJob({ namespace, propagationPolicy: "Foreground" }),
      core.deleteCollectionNamespacedService({ namespace }),
      core.deleteCollectionNamespacedConfigMap({ namespace, labelSelector: `${K8S.managed}=true` }),
      core.deleteCollectionNamespacedSecret({ namespace, labelSelector: `${K8S.managed}=true` }),
      this.clients.networking.deleteCollectionNamespacedIngress({ namespace, labelSelector: `${K8S.managed}=true` }),
    ]);
    // Gracefully: a database on a kept volume shuts down cleanly.
    await core.deleteCollectionNamespacedPod({ namespace });
    while ((await core.listNamespacedPod({ namespace })).items.length > 0) await sleep(POLL_MS * 2);
    const ns = await core.readNamespace({ name: namespace });
    const drop = Object.fromEntries(Object.keys(ns.metadata?.annotations ?? {}).filter((k) => k.startsWith(K8S.markerPrefix)).map((k) => [k, null]));
    await this.patchNamespace(namespace, { ...drop, [`${K8S.markerPrefix}volumes-kept`]: JSON.stringify({ at: new Date().toISOString(), environment }) });
    return { containers, networks: claimed ? 1 : 0, volumes: 0 };
  }

  private async closeTunnels(namespace: string): Promise<void> {
    // Forwards to a namespace that goes would only refuse from now on.
    if (this.tunnels.keys().some((k) => k.startsWith(`${namespace}/`))) await this.tunnels.close();
  }
}

/** The service has no running container to run a command in. */
export class NotRunningError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotRunningError";
  }
}

function isPod(object: unknown): object is V1Pod {
  return typeof object === "object" && object !== null && "metadata" in object && "status" in object;
}

function parsePublished(raw: string): PublishedPort[] {
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter((p): p is PublishedPort => typeof p === "object" && p !== null && typeof (p as { target?: unknown }).target === "number") : [];
  } catch {
    return [];
  }
}

function markerValue(raw: string | undefined): { owner?: string; lifetime?: string } | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== "object" || parsed === null) return {};
    const owner = "owner" in parsed && typeof parsed.owner === "string" ? parsed.owner : undefined;
    const lifetime = "lifetime" in parsed && typeof parsed.lifetime === "string" ? parsed.lifetime : undefined;
    return { ...(owner ? { owner } : {}), ...(lifetime ? { lifetime } : {}) };
  } catch {
    return {};
  }
}

function definedOf(spec: OneOffSpec): { command?: string[]; entrypoint?: string[]; workdir?: string } {
  return { ...(spec.command ? { command: spec.command } : {}), ...(spec.entrypoint ? { entrypoint: spec.entrypoint } : {}), ...(spec.workdir ? { workdir: spec.workdir } : {}) };
}

/** Reads a text stream to its end into `into`, or returns its tail. */
async function drain(stream: Readable, into: Writable | undefined): Promise<string> {
  const { TextTail, writeText } = await import("../../util/text-streams.ts");
  const tail = new TextTail();
  for await (const chunk of stream) {
    if (into) await writeText(into, chunk as Buffer);
    else tail.push(chunk as Buffer);
  }
  return tail.render();
}
