import type { Endpoint } from "../backends/backend.ts";
import type { Plan } from "../plan/plan.ts";
import { hostAndPort, reachableHost } from "./endpoints.ts";

/**
 * How a preview's URLs are formed: one URL per exposed service (a service with a
 * published TCP port; its first one) from a host template. This is the seam between
 * the Action and a backend: `route` adds to the plan what sends requests for a host to
 * its service — on Docker labels for the user's reverse proxy, on Kubernetes an Ingress
 * per exposed service — and `urls` says where each service is then reached.
 */
export interface PreviewRouter {
  /** The plan with what routes each URL's host to its service; the same plan when nothing is needed. */
  route(plan: Plan): Plan;
  /** One URL per exposed service, from what the environment publishes now. */
  urls(endpoints: Endpoint[]): PreviewUrl[];
}

export interface PreviewUrl {
  service: string;
  /** What a reviewer opens. */
  url: string;
  /** The container port the URL leads to. */
  containerPort: number;
  /**
   * Where the service is reached without a proxy or DNS: the published port on the
   * engine's host. Missing on Kubernetes, where the only such address is a port-forward
   * of the run that made the preview, which ends with it.
   */
  direct?: string;
}

export type ProxyLabels = "none" | "traefik";

export interface PreviewAddressing {
  /** `{service}-pr-{number}.preview.example.com`, optionally with `https://` in front; "" for the engine's own address. */
  hostTemplate: string;
  number: number;
  /** The repository's name, for `{repo}`. */
  repo: string;
  proxy: ProxyLabels;
  /** Kubernetes: the Ingresses' `ingressClassName`; "" for the cluster's default class. */
  ingressClass: string;
}

const PLACEHOLDERS = ["service", "number", "repo"] as const;

/** What is wrong with a host template, for the input's message; undefined when it is usable. */
export function hostTemplateProblem(template: string): string | undefined {
  if (template === "") return undefined;
  const { host } = splitScheme(template);
  const unknown = [...host.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!).filter((p) => !(PLACEHOLDERS as readonly string[]).includes(p));
  if (unknown.length > 0) return `{${unknown[0]}} is not a placeholder; use ${PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`;
  if (!host.includes("{service}")) return "it has no {service}, so every service would get the same host";
  const sample = host.replace(/\{(service|number|repo)\}/g, "x");
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(sample) || sample.includes("..")) return "it is not a host name (letters, digits, '-' and '.', with placeholders), without a path or port";
  return undefined;
}

/** A DNS label from a name (service names may have `_` and capitals; DNS labels may not). */
function label(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "x";
}

function splitScheme(template: string): { scheme: "http" | "https"; host: string } {
  const m = /^(https?):\/\/(.*)$/.exec(template);
  return m ? { scheme: m[1] as "http" | "https", host: m[2]! } : { scheme: "http", host: template };
}

/** The host of one service's URL. */
export function hostFor(addressing: PreviewAddressing, service: string): string {
  const { host } = splitScheme(addressing.hostTemplate);
  return host.replace(/\{service\}/g, label(service)).replace(/\{number\}/g, String(addressing.number)).replace(/\{repo\}/g, label(addressing.repo)).toLowerCase();
}

/** The first published TCP port of each service, in the order of the endpoints. */
function exposed(endpoints: Endpoint[]): Endpoint[] {
  const seen = new Set<string>();
  return endpoints.filter((e) => e.protocol === "tcp" && !seen.has(e.service) && seen.add(e.service));
}

/**
 * Docker: without a proxy, a URL is the template's host with the published port (the
 * host must resolve to the engine's machine: a wildcard DNS record); with
 * `proxy: traefik`, each exposed service's container carries Traefik's router labels
 * and the URL is the bare host, served by the user's Traefik on that machine.
 */
export function dockerRouter(addressing: PreviewAddressing): PreviewRouter {
  const { scheme } = splitScheme(addressing.hostTemplate);
  return {
    route(plan) {
      if (addressing.proxy === "none" || addressing.hostTemplate === "") return plan;
      return {
        ...plan,
        services: plan.services.map((s) => {
          const port = s.ports.find((p) => p.protocol === "tcp");
          if (!port) return s;
          return { ...s, spec: { ...s.spec, labels: { ...s.spec.labels, ...traefikLabels(`${plan.environment}-${s.name}`, hostFor(addressing, s.name), port.target) } } };
        }),
      };
    },
    urls(endpoints) {
      return exposed(endpoints).map((e) => {
        const direct = hostAndPort(reachableHost(e.hostIp), e.hostPort);
        const url =
          addressing.hostTemplate === ""
            ? `http://${direct}`
            : addressing.proxy === "traefik"
              ? `${scheme}://${hostFor(addressing, e.service)}`
              : `${scheme}://${hostAndPort(hostFor(addressing, e.service), e.hostPort)}`;
        return { service: e.service, url, containerPort: e.containerPort, direct };
      });
    },
  };
}

/**
 * Traefik's Docker provider reads these: a router matching the host, and the container
 * port it forwards to (the container may publish several). `traefik.enable` matters when
 * Traefik runs with `exposedByDefault=false`, as it should on a shared machine.
 */
export function traefikLabels(name: string, host: string, port: number): Record<string, string> {
  const router = label(name);
  return {
    "traefik.enable": "true",
    [`traefik.http.routers.${router}.rule`]: `Host(\`${host}\`)`,
    [`traefik.http.routers.${router}.service`]: router,
    [`traefik.http.services.${router}.loadbalancer.server.port`]: String(port),
  };
}

/**
 * Kubernetes: each exposed service gets an Ingress for its host (ingress class from the
 * addressing) to its first published TCP port, and the URL is the bare host, served by
 * the cluster's ingress controller. The route is part of the service's configuration
 * hash, so a new host template or class recreates the exposed services.
 */
export function kubernetesRouter(addressing: PreviewAddressing): PreviewRouter {
  const { scheme } = splitScheme(addressing.hostTemplate);
  return {
    route(plan) {
      return {
        ...plan,
        services: plan.services.map((s) => {
          const port = s.ports.find((p) => p.protocol === "tcp");
          if (!port) return s;
          return { ...s, ingress: { host: hostFor(addressing, s.name), port: port.target, ...(addressing.ingressClass ? { className: addressing.ingressClass } : {}) } };
        }),
      };
    },
    urls(endpoints) {
      return exposed(endpoints).map((e) => ({ service: e.service, url: `${scheme}://${hostFor(addressing, e.service)}`, containerPort: e.containerPort }));
    },
  };
}
