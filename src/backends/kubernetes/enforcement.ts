import { randomBytes } from "node:crypto";
import type { V1Pod } from "@kubernetes/client-node";
import { sleep } from "../../util/async.ts";
import { LABELS, type Owner } from "../backend.ts";
import { execInPod } from "./exec.ts";
import { apiMessage, unlessMissing, waitForServiceAccount, type Clients } from "./kube.ts";
import { K8S } from "./manifests.ts";
import { podAddresses, PROBE, probeDenyPolicy, probePod } from "./network-policy.ts";
import { startFailure } from "./pods.ts";

/** Whether the cluster's network plugin enforces NetworkPolicy, as the probe found, and how long it took. */
export interface Enforcement {
  verdict: "enforced" | "not enforced" | "unknown";
  /** What the probe saw, for the refusal and the timeline ("a pod still reached ... 4.0 s after ..."). */
  detail: string;
  ms: number;
}

/** What the probe needs of the backend: the clients, and the namespace and removal of an environment. */
export interface ProbeDeps {
  clients: Clients;
  namespace(environment: string): string;
  remove(environment: string): Promise<unknown>;
  version: string;
}

/** How long a policy may take to be enforced before the probe says it is not (plugins take well under a second). */
const ENFORCE_WINDOW_MS = 4000;
/** How long the probe's pods may take to start, and the server to answer without a policy. */
const START_TIMEOUT_MS = 60_000;
const POLL_MS = 100;

/**
 * One verdict per cluster (API server URL) and process: several backends of one process
 * (a run's preflight, then its chaos) ask once. Failed probes are not kept.
 */
const verdicts = new Map<string, Promise<Enforcement>>();

export function enforcement(deps: ProbeDeps, owner: Owner, image: string): Promise<Enforcement> {
  const server = deps.clients.config.getCurrentCluster()?.server ?? "";
  let verdict = verdicts.get(server);
  if (!verdict) {
    verdict = probe(deps, owner, image);
    verdict.catch(() => verdicts.delete(server));
    verdicts.set(server, verdict);
  }
  return verdict;
}

/**
 * In a namespace of its own (an environment named netpol-probe-..., so that `prenv gc`
 * removes it when this process dies): a server pod and a client pod; the client must
 * reach the server, then a deny-all ingress policy on the server must stop it within
 * ENFORCE_WINDOW_MS. The namespace is removed whatever the answer.
 */
async function probe(deps: ProbeDeps, owner: Owner, image: string): Promise<Enforcement> {
  const started = Date.now();
  const environment = `netpol-probe-${owner.pid}-${randomBytes(3).toString("hex")}`;
  const namespace = deps.namespace(environment);
  const { core, networking } = deps.clients;
  const done = (verdict: Enforcement["verdict"], detail: string): Enforcement => ({ verdict, detail, ms: Date.now() - started });
  try {
    await core.createNamespace({
      body: {
        metadata: {
          name: namespace,
          labels: { [K8S.managed]: "true" },
          annotations: {
            [LABELS.environment]: environment,
            [LABELS.project]: "prenv-netpol-probe",
            [LABELS.version]: deps.version,
            [LABELS.created]: new Date().toISOString(),
            [LABELS.owner]: `${owner.host}:${owner.pid}`,
            [LABELS.lifetime]: "run",
          },
        },
      },
    });
    await waitForServiceAccount(deps.clients, namespace);
    await Promise.all((["server", "client"] as const).map((role) => core.createNamespacedPod({ namespace, body: probePod(namespace, role, image) })));
    const server = await running(deps.clients, namespace, "probe-server");
    await running(deps.clients, namespace, "probe-client");
    const address = podAddresses(server)[0];
    if (!address) return done("unknown", "the probe's server pod has no address");
    const reaches = async () => {
      const r = await execInPod(deps.clients.config, namespace, "probe-client", "probe", ["sh", "-c", `nc -w 1 "$0" ${PROBE.port} </dev/null`, address], { timeoutMs: 3000 }).catch(() => undefined);
      return r?.output.includes(PROBE.answer) ?? false;
    };
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await reaches())) {
      if (Date.now() > deadline) return done("unknown", `the probe's client pod could not reach its server pod even without a policy (${address}:${PROBE.port})`);
      await sleep(POLL_MS);
    }
    await networking.createNamespacedNetworkPolicy({ namespace, body: probeDenyPolicy(namespace) });
    const policyAt = Date.now();
    for (;;) {
      if (!(await reaches())) return done("enforced", `a deny-all ingress policy stopped a pod's connections to another after ${((Date.now() - policyAt) / 1000).toFixed(1)} s`);
      if (Date.now() - policyAt > ENFORCE_WINDOW_MS) break;
      await sleep(POLL_MS * 2);
    }
    return done("not enforced", `a pod still reached another ${(ENFORCE_WINDOW_MS / 1000).toFixed(1)} s after a deny-all ingress policy selected it`);
  } catch (e) {
    return done("unknown", `the probe failed: ${apiMessage(e)}`);
  } finally {
    await deps.remove(environment).catch(() => undefined);
  }
}

/** Waits until the pod's container runs; throws when it cannot start (the image cannot be pulled, say). */
async function running(clients: Clients, namespace: string, name: string): Promise<V1Pod> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const pod = await unlessMissing(clients.core.readNamespacedPod({ namespace, name }));
    if (pod?.status?.phase === "Running" && podAddresses(pod).length > 0) return pod;
    const failure = pod && startFailure(pod);
    if (failure) throw new Error(`its pod ${name} cannot start (${failure.reason}${failure.message ? `: ${failure.message}` : ""})`);
    if (Date.now() > deadline) throw new Error(`its pod ${name} did not start within ${START_TIMEOUT_MS / 1000} s`);
    await sleep(POLL_MS);
  }
}
