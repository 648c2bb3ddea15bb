import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { sleep } from "../../util/async.ts";
import { RuntimeUnavailableError, ServiceError } from "../backend.ts";

/** Where the cluster's credentials come from, in the order prenv looks. */
export interface KubeConfigSource {
  /** A kubeconfig file (PRENV_KUBECONFIG, then KUBECONFIG, then ~/.kube/config). */
  file?: string;
  /** A kubeconfig's content (the Action's `kubeconfig` input, from a secret). */
  content?: string;
  context?: string;
}

/**
 * The kubeconfig: a file or content given, else PRENV_KUBECONFIG, KUBECONFIG (its first
 * file), ~/.kube/config, else the in-cluster service account (prenv running in a pod).
 */
export function loadKubeConfig(source: KubeConfigSource, env: Record<string, string | undefined>): { config: k8s.KubeConfig; from: string } {
  const config = new k8s.KubeConfig();
  let from: string;
  try {
    if (source.content) {
      config.loadFromString(source.content);
      from = "the kubeconfig given as content";
    } else {
      const file = source.file ?? env.PRENV_KUBECONFIG ?? env.KUBECONFIG?.split(":").find(Boolean) ?? defaultFile(env);
      if (file) {
        config.loadFromFile(file);
        from = file;
      } else if (env.KUBERNETES_SERVICE_HOST) {
        config.loadFromCluster();
        from = "the in-cluster service account";
      } else {
        throw new RuntimeUnavailableError("no kubeconfig: set PRENV_KUBECONFIG or KUBECONFIG, or create ~/.kube/config (or run prenv in a pod, with a service account)");
      }
    }
  } catch (cause) {
    if (cause instanceof RuntimeUnavailableError) throw cause;
    throw new RuntimeUnavailableError(`the kubeconfig cannot be read: ${(cause as Error).message}`, { cause });
  }
  if (source.context) {
    if (!config.getContexts().some((c) => c.name === source.context)) {
      throw new RuntimeUnavailableError(`the kubeconfig (${from}) has no context "${source.context}"; it has ${config.getContexts().map((c) => c.name).join(", ") || "none"}`);
    }
    config.setCurrentContext(source.context);
  }
  if (!config.getCurrentCluster()) throw new RuntimeUnavailableError(`the kubeconfig (${from}) names no cluster for its current context`);
  return { config, from };
}

function defaultFile(env: Record<string, string | undefined>): string | undefined {
  const file = join(env.HOME ?? homedir(), ".kube", "config");
  return existsSync(file) ? file : undefined;
}

/** The HTTP status of an API error (404, 409, ...), undefined for anything else. */
export function apiStatus(error: unknown): number | undefined {
  return error instanceof k8s.ApiException ? error.code : undefined;
}

export const isNotFound = (error: unknown): boolean => apiStatus(error) === 404;
export const isConflict = (error: unknown): boolean => apiStatus(error) === 409;

/** What the API said, in one line: the Status message inside the error's body when there is one. */
export function apiMessage(error: unknown): string {
  if (error instanceof k8s.ApiException) {
    const body: unknown = error.body;
    const text = typeof body === "string" ? body : "";
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === "object" && "message" in parsed && typeof parsed.message === "string") return parsed.message;
    } catch {
      // not JSON: the body as it is
    }
    return text ? text.slice(0, 300) : `HTTP ${error.code}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Resolves undefined for a 404: the object is gone already or was never made. */
export async function unlessMissing<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The API clients the backend uses, made once. */
export interface Clients {
  config: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  batch: k8s.BatchV1Api;
  storage: k8s.StorageV1Api;
  coordination: k8s.CoordinationV1Api;
  networking: k8s.NetworkingV1Api;
}

export function clientsOf(config: k8s.KubeConfig): Clients {
  return {
    config,
    core: config.makeApiClient(k8s.CoreV1Api),
    apps: config.makeApiClient(k8s.AppsV1Api),
    batch: config.makeApiClient(k8s.BatchV1Api),
    storage: config.makeApiClient(k8s.StorageV1Api),
    coordination: config.makeApiClient(k8s.CoordinationV1Api),
    networking: config.makeApiClient(k8s.NetworkingV1Api),
  };
}

/** Pods are refused until a namespace's default service account exists: waits for it (the controller-manager makes it). */
export async function waitForServiceAccount(clients: Clients, namespace: string, pollMs = 100): Promise<void> {
  for (let i = 0; ; i++) {
    if (await unlessMissing(clients.core.readNamespacedServiceAccount({ namespace, name: "default" }))) return;
    if (i * pollMs > 60_000) throw new ServiceError("", `namespace ${namespace} has no default service account after 60 s`, { hint: "check the cluster's controller-manager (it creates service accounts)" });
    await sleep(pollMs);
  }
}
