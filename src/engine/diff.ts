import { createHash } from "node:crypto";
import type { ImageInfo, ObservedService } from "../backends/backend.ts";
import type { Plan, PlannedService } from "../plan/plan.ts";
import { stableJson } from "../util/objects.ts";

/**
 * A service's configuration hash: its resolved spec and the image it runs, as stable
 * JSON. Where in which file the service is written (`location`) is left out, so that
 * moving lines around changes nothing; the image counts by digest (or id, for a built or
 * local image), so that a tag that now points elsewhere is a change.
 */
export function configHash(service: PlannedService, image: Pick<ImageInfo, "id" | "digest">): string {
  const text = stableJson(
    // The route only when there is one, so that a service without keeps the hash it had.
    { spec: service.spec, dependsOn: service.dependsOn, ports: service.ports, ...(service.ingress ? { ingress: service.ingress } : {}), image: image.digest ?? image.id },
    (key) => key === "location",
  );
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

export type Operation =
  | { kind: "create"; service: string }
  | { kind: "recreate"; service: string; reason: string }
  | { kind: "remove"; service: string }
  | { kind: "unchanged"; service: string };

export interface DiffOptions {
  /** `--recreate`: every service is recreated, whatever its hash. */
  recreateAll?: boolean;
}

/**
 * Pure: what an update must do to turn what runs into the plan. A service is recreated
 * when its hash differs, when it is not running, or when its container is bound to a
 * service that is recreated (`network_mode: service:`, `volumes_from`, `ipc: service:`,
 * `links` name the other container itself, which goes away); a `depends_on` with
 * `restart: true` also restarts its dependant, as Compose does. Operations come in the
 * plan's order (dependencies first), then the removals.
 */
export function diffEnvironment(observed: ObservedService[], plan: Plan, hashes: Map<string, string>, options: DiffOptions = {}): Operation[] {
  const running = new Map(observed.map((o) => [o.name, o]));
  const ops = new Map<string, Operation>();
  for (const s of plan.services) {
    const now = running.get(s.name);
    const wanted = hashes.get(s.name);
    if (!now) ops.set(s.name, { kind: "create", service: s.name });
    else if (options.recreateAll) ops.set(s.name, { kind: "recreate", service: s.name, reason: "--recreate" });
    else if (now.configHash === undefined) ops.set(s.name, { kind: "recreate", service: s.name, reason: "it carries no configuration hash (made by an older prenv)" });
    else if (now.configHash !== wanted) ops.set(s.name, { kind: "recreate", service: s.name, reason: `its configuration changed (${now.configHash} -> ${wanted ?? "?"})` });
    else if (now.state !== "running" && !(s.runsToCompletion && now.state === "exited")) ops.set(s.name, { kind: "recreate", service: s.name, reason: `it is ${now.state}` });
    else ops.set(s.name, { kind: "unchanged", service: s.name });
  }
  // Services come dependencies first, so one pass carries a recreation down the graph.
  for (const s of plan.services) {
    const op = ops.get(s.name)!;
    if (op.kind !== "unchanged") continue;
    const bound = boundTo(s).find((other) => ops.get(other)?.kind === "recreate" || ops.get(other)?.kind === "create");
    if (bound) ops.set(s.name, { kind: "recreate", service: s.name, reason: `it is bound to ${bound}, which is recreated` });
  }
  const removals: Operation[] = observed
    .filter((o) => !plan.services.some((s) => s.name === o.name) && o.name !== plan.testService?.name)
    .map((o) => ({ kind: "remove", service: o.name }));
  return [...plan.services.map((s) => ops.get(s.name)!), ...removals.sort((a, b) => a.service.localeCompare(b.service))];
}

/** The services whose containers this one's configuration names, or that restart it. */
function boundTo(s: PlannedService): string[] {
  const spec = s.spec;
  const names = [
    ...(spec.networkModeService ? [spec.networkModeService] : []),
    ...spec.volumesFrom.flatMap((v) => (v.service ? [v.service] : [])),
    ...(typeof spec.ipc === "object" ? [spec.ipc.service] : []),
    ...spec.links.map((l) => l.service),
    ...Object.entries(s.dependsOn).filter(([, d]) => d.restart).map(([name]) => name),
  ];
  return [...new Set(names)];
}

/** Nothing to do. */
export function isNoop(ops: Operation[]): boolean {
  return ops.every((o) => o.kind === "unchanged");
}

/** One line per operation, for `prenv plan --diff` and `prenv up`. */
export function formatOperations(ops: Operation[]): string {
  const sign = { create: "+", recreate: "~", remove: "-", unchanged: "=" } as const;
  return ops.map((o) => `  ${sign[o.kind]} ${o.service.padEnd(16)} ${o.kind}${o.kind === "recreate" ? `: ${o.reason}` : ""}`).join("\n");
}

/** "api recreated, cache unchanged" — for the comment and summaries. */
export function summarizeOperations(ops: Operation[]): string {
  const changed = ops.filter((o) => o.kind !== "unchanged");
  if (changed.length === 0) return "nothing changed";
  const verb = { create: "created", recreate: "recreated", remove: "removed", unchanged: "unchanged" } as const;
  return changed.map((o) => `${o.service} ${verb[o.kind]}${o.kind === "recreate" ? ` (${o.reason})` : ""}`).join(", ");
}
