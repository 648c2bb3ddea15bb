import { distance } from "fastest-levenshtein";
import { SUPPORTED, UNSUPPORTED, type Section } from "./compose-schema.ts";
import { error, warning } from "./errors.ts";
import type { Diagnostic } from "./model.ts";
import { isMapping, shorten, type Path, type YamlSource } from "./yaml-source.ts";

/** The closest known word, when it is close enough to be what the author meant. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  // No known word is this long; comparing would cost length x length for nothing.
  if (word.length > 100) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** What the Compose Specification allows as the name of a service or volume. */
const NAME = /^[a-zA-Z0-9._-]+$/;

/**
 * Reports keys that are not in the Compose Specification (errors, with a did-you-mean)
 * and keys that are but prenv does not act on yet (warnings), and removes the latter
 * so that later stages see only what prenv understands.
 */
export function checkKeys(doc: unknown, source: YamlSource, diagnostics: Diagnostic[]): void {
  const visit = (value: unknown, path: Path, section: Section) => {
    if (!isMapping(value)) return;
    const supported = SUPPORTED[section];
    const unsupported: readonly string[] = UNSUPPORTED[section];
    for (const key of Object.keys(value)) {
      if (key.startsWith("x-") || supported.includes(key)) continue;
      const location = source.locateKey([...path, key]);
      const where = path.length > 0 ? ` in ${describe(path)}` : "";
      if (unsupported.includes(key)) {
        diagnostics.push(warning(`"${shorten(key)}"${where} is not supported by prenv yet and is ignored`, { location, hint: "remove it, or expect it to have no effect under prenv" }));
        delete value[key];
        continue;
      }
      const guess = didYouMean(key, [...supported, ...unsupported]);
      diagnostics.push(
        error(`unknown key "${shorten(key)}"${where}`, {
          location,
          hint: guess ? `did you mean "${guess}"?` : `the Compose Specification has no such key; extension keys start with "x-"`,
        }),
      );
    }
  };

  visit(doc, [], "top");
  if (!isMapping(doc)) return;
  const each = (v: unknown, fn: (key: string, child: unknown) => void) => {
    if (isMapping(v)) for (const [k, c] of Object.entries(v)) fn(k, c);
  };
  const checkName = (kind: string, name: string, path: Path) => {
    if (NAME.test(name)) return;
    diagnostics.push(
      error(`${kind} name "${shorten(name)}" may only contain letters, digits, ".", "_" and "-"`, {
        location: source.locateKey(path),
        hint: `rename it, e.g. "${name.slice(0, 80).replace(/[^a-zA-Z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "app"}"`,
      }),
    );
  };
  each(doc.services, (name, svc) => {
    const base = ["services", name];
    checkName("service", name, base);
    visit(svc, base, "service");
    if (!isMapping(svc)) return;
    visit(svc.build, [...base, "build"], "build");
    visit(svc.healthcheck, [...base, "healthcheck"], "healthcheck");
    for (const hook of ["post_start", "pre_stop"]) if (Array.isArray(svc[hook])) svc[hook].forEach((h, i) => visit(h, [...base, hook, i], "hook"));
    each(svc.depends_on, (dep, d) => visit(d, [...base, "depends_on", dep], "dependency"));
    each(svc.networks, (net, n) => visit(n, [...base, "networks", net], "serviceNetwork"));
    if (Array.isArray(svc.ports)) svc.ports.forEach((p, i) => visit(p, [...base, "ports", i], "port"));
    if (Array.isArray(svc.volumes)) svc.volumes.forEach((v, i) => visit(v, [...base, "volumes", i], "mount"));
  });
  each(doc.networks, (name, n) => visit(n, ["networks", name], "network"));
  each(doc.volumes, (name, v) => {
    checkName("volume", name, ["volumes", name]);
    visit(v, ["volumes", name], "volume");
  });
  if (Array.isArray(doc.include)) doc.include.forEach((inc, i) => visit(inc, ["include", i], "include"));
}

function describe(path: Path): string {
  if (path[0] === "services" && path.length >= 2) {
    const rest = path.slice(2).join(".");
    return `service "${path[1]}"${rest ? ` (${rest})` : ""}`;
  }
  return path.join(".");
}
