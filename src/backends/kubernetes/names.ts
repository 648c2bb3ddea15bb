import { createHash } from "node:crypto";

/**
 * Physical names on Kubernetes. The plan's names are Compose's (`web_api`, `Cache`,
 * `1db`); Kubernetes takes DNS labels: lower-case letters, digits and '-', at most 63
 * characters, and for Services (whose names are the DNS names other pods look up) a letter
 * first (RFC 1035). A name that already fits is kept as it is, so that `http://cache:6379`
 * works as on Docker; one that does not is made to fit and gets a hash of the original,
 * so that two names that differ only in what was replaced (`web_api`, `web-api`) never
 * meet.
 */

const MAX_LABEL = 63;
const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A short, stable hash of a name, to keep apart names made to fit. */
function hashOf(raw: string): string {
  return createHash("sha256").update(raw).digest("hex").slice(0, 8);
}

/** Whether Kubernetes takes `name` as a Service name (and so as a DNS name) unchanged. */
export function isDnsName(name: string): boolean {
  return name.length <= MAX_LABEL && DNS_1035.test(name);
}

/**
 * `name` itself when it is a DNS-1035 label; otherwise lower-cased, runs of other
 * characters as one '-', a letter in front when it starts with a digit, cut to leave room
 * for '-' and the hash of `name`.
 */
export function dnsName(name: string): string {
  if (isDnsName(name)) return name;
  let base = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  if (!/^[a-z]/.test(base)) base = `x${base ? `-${base}` : ""}`;
  base = base.slice(0, MAX_LABEL - 9).replace(/-+$/, "");
  return `${base}-${hashOf(name)}`;
}

/** The namespace of an environment: the prefix and the environment's name, made to fit. */
export function namespaceName(prefix: string, environment: string): string {
  return dnsName(`${prefix}${environment}`);
}

/** A name derived from an object's name (`api` -> `api-env`), within the limit. */
export function derivedName(base: string, suffix: string): string {
  return dnsName(`${base}-${suffix}`);
}

/** A label value: at most 63 characters of [A-Za-z0-9._-], alphanumeric at both ends. */
export function labelValue(value: string): string {
  if (value.length <= MAX_LABEL && /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(value)) return value;
  return dnsName(value);
}

/** An annotation or label key Kubernetes accepts: [prefix/]name, name at most 63 characters. */
export function isQualifiedName(key: string): boolean {
  const slash = key.lastIndexOf("/");
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  if (!/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name) || name.length > MAX_LABEL) return false;
  return prefix === undefined || (prefix.length <= 253 && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(prefix));
}
