import type { Endpoint } from "../backends/backend.ts";

/** `api-gateway` -> `API_GATEWAY`: the part of a variable name that stands for a service. */
export function variablePart(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

/**
 * What a test command on the host gets to find the environment:
 * PRENV_ENVIRONMENT; per service PRENV_<SVC>_HOST / _PORT / _URL for its first published
 * TCP port; and PRENV_<SVC>_<PORT>_HOST / _PORT for every published port.
 */
export function endpointVariables(environment: string, endpoints: Endpoint[]): Record<string, string> {
  const vars: Record<string, string> = { PRENV_ENVIRONMENT: environment };
  const seen = new Set<string>();
  for (const e of endpoints) {
    const svc = variablePart(e.service);
    const host = reachableHost(e.hostIp);
    const suffix = e.protocol === "udp" ? `${e.containerPort}_UDP` : String(e.containerPort);
    vars[`PRENV_${svc}_${suffix}_HOST`] = host;
    vars[`PRENV_${svc}_${suffix}_PORT`] = String(e.hostPort);
    if (e.protocol === "tcp" && !seen.has(svc)) {
      seen.add(svc);
      vars[`PRENV_${svc}_HOST`] = host;
      vars[`PRENV_${svc}_PORT`] = String(e.hostPort);
      vars[`PRENV_${svc}_URL`] = `http://${hostAndPort(host, e.hostPort)}`;
    }
  }
  return vars;
}

/** Where a binding is reached from this machine: loopback for the any-address of either family. */
export function reachableHost(hostIp: string): string {
  if (hostIp === "0.0.0.0" || hostIp === "") return "127.0.0.1";
  return hostIp === "::" ? "::1" : hostIp;
}

/** `127.0.0.1:8080`, `[::1]:8080`: an IPv6 address in brackets, as URLs want it. */
export function hostAndPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
