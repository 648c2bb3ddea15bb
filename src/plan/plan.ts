import type { Definition, Dependency, PortSpec, ReadinessCheck, ServiceSpec } from "../definition/model.ts";
import { relative } from "node:path";
import { formatLocation } from "../definition/errors.ts";
import { variablePart } from "../engine/endpoints.ts";
import { compareText } from "../util/text.ts";

/** One service as it will be run: what to start, after what, and how to know it is ready. */
export interface PlannedService {
  name: string;
  spec: ServiceSpec;
  /** Image reference to run; for built services the tag prenv builds. */
  image: string;
  build: boolean;
  dependsOn: Record<string, Dependency>;
  /** Every check must pass before the service counts as ready. */
  readiness: ReadinessCheck[];
  /** The service is expected to run to completion (someone waits for it to finish). */
  runsToCompletion: boolean;
  /** 0 for services without dependencies, then one more than the deepest dependency. */
  level: number;
  ports: PortSpec[];
  /** Where a preview's URL routes to this service (engine/preview-urls.ts): an Ingress on Kubernetes. */
  ingress?: IngressRoute;
}

export interface IngressRoute {
  host: string;
  /** The container port requests for the host go to. */
  port: number;
  /** The Ingress's `ingressClassName`; the cluster's default class when missing. */
  className?: string;
}

export interface Plan {
  /** The environment's name: prefix of every object it creates. */
  environment: string;
  project: string;
  definitionHash: string;
  workingDir: string;
  files: string[];
  services: PlannedService[];
  /** The service that runs the test suite: planned, but started by the test run, not by `up`. */
  testService?: PlannedService;
  /**
   * Logical: each backend names what it creates (Docker `<environment>_<key>`, a
   * Kubernetes namespace has no networks). Only external objects carry the name the
   * definition gives them, since they exist already.
   */
  networks: { key: string; external: boolean; internal: boolean; externalName?: string }[];
  volumes: { key: string; external: boolean; externalName?: string }[];
}

export interface PlanOptions {
  /** Environment name; defaults to the project name. */
  environment?: string;
  /** Only these services (and what they depend on). */
  services?: string[];
  /** The test service (`test.service`): left out of the boot, planned on its own. */
  testService?: string;
  /** Run these services' images by digest (`sha256:...`), whatever their tags point to now. */
  pins?: Record<string, string>;
}

export class PlanError extends Error {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.name = "PlanError";
    this.hint = hint;
  }
}

const ENV_NAME = /^[a-z0-9][a-z0-9_-]{0,48}$/;

/** The repository part of an image reference: `redis` of `redis:7` and of `redis@sha256:...`. */
export function repositoryOf(reference: string): string {
  const at = reference.indexOf("@");
  if (at >= 0) return reference.slice(0, at);
  const colon = reference.lastIndexOf(":");
  return colon > reference.lastIndexOf("/") ? reference.slice(0, colon) : reference;
}

/** Pure: a validated definition becomes the plan of what to create, in which order. */
export function planEnvironment(definition: Definition, options: PlanOptions = {}): Plan {
  const environment = options.environment ?? definition.name;
  if (!ENV_NAME.test(environment)) {
    throw new PlanError(`environment name "${environment}" is not usable`, "use 1-49 characters: lower-case letters, digits, '-' and '_', starting with a letter or digit");
  }
  const testService = options.testService;
  const selected = selectServices(definition, options.services ?? (testService ? Object.keys(definition.services).filter((s) => s !== testService) : undefined));
  if (testService) {
    if (!definition.services[testService]) throw new PlanError(`test service "${testService}" is not defined`, `choose from ${Object.keys(definition.services).join(", ")}`);
    for (const dep of Object.keys(definition.services[testService]!.dependsOn)) if (definition.services[dep]) selectServices(definition, [dep]).forEach((d) => selected.add(d));
    selected.delete(testService);
  }
  const completionAwaited = new Set<string>();
  for (const name of selected) {
    for (const [dep, d] of Object.entries(definition.services[name]!.dependsOn)) {
      if (d.condition === "service_completed_successfully") completionAwaited.add(dep);
    }
  }
  const levels = new Map<string, number>();
  const levelOf = (name: string): number => {
    const known = levels.get(name);
    if (known !== undefined) return known;
    const deps = Object.keys(definition.services[name]!.dependsOn).filter((d) => selected.has(d));
    const level = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(levelOf));
    levels.set(name, level);
    return level;
  };

  const pins = options.pins ?? {};
  for (const [name, digest] of Object.entries(pins)) {
    const spec = definition.services[name];
    if (!spec) throw new PlanError(`--pin names service "${name}", which the definition does not have`, `the services are ${Object.keys(definition.services).join(", ")}`);
    if (spec.build !== undefined) throw new PlanError(`--pin ${name}: the service is built from the repository, so it cannot be pinned to a digest`, "remove the --pin: the image is rebuilt from the same commit");
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new PlanError(`--pin ${name}=${digest} is not a digest`, "write --pin <service>=sha256:<64 hex digits>, as the run's reproduction line has it");
  }
  const planned = (name: string, runsToCompletion: boolean): PlannedService => {
    const spec = definition.services[name]!;
    const pin = pins[name];
    return {
      name,
      spec,
      // The tag of a built image comes with the build: a hash of what it is built from.
      image: pin && spec.image ? `${repositoryOf(spec.image)}@${pin}` : (spec.image ?? `prenv-build/${definition.name}-${name}`),
      build: spec.build !== undefined,
      dependsOn: Object.fromEntries(Object.entries(spec.dependsOn).filter(([d]) => selected.has(d))),
      readiness: readinessOf(spec, runsToCompletion),
      runsToCompletion,
      level: levelOf(name),
      ports: spec.ports,
    };
  };
  endpointNamesApart(definition, [...selected]);
  const services = [...selected].map((name) => planned(name, completionAwaited.has(name)));
  services.sort((a, b) => a.level - b.level || compareText(a.name, b.name));
  const test = testService ? planned(testService, true) : undefined;
  const networkKeys = new Set<string>();
  for (const s of [...services, ...(test ? [test] : [])]) for (const n of Object.keys(networksOf(s.spec))) networkKeys.add(n);
  const networks = [...networkKeys].sort().map((key) => {
    const n = definition.networks[key];
    const external = n?.external ?? false;
    return { key, external, internal: n?.internal ?? false, ...(external ? { externalName: n!.name } : {}) };
  });
  const volumeKeys = new Set<string>();
  for (const s of [...services, ...(test ? [test] : [])]) for (const m of s.spec.mounts) if (m.type === "volume" && m.source) volumeKeys.add(m.source);
  const volumes = [...volumeKeys].sort().map((key) => {
    const v = definition.volumes[key]!;
    return { key, external: v.external, ...(v.external ? { externalName: v.name } : {}) };
  });
  return {
    environment,
    project: definition.name,
    // A getter: validate plans too, and never reads the hash (src/util/hash.ts).
    get definitionHash() {
      return definition.hash;
    },
    workingDir: definition.workingDir,
    files: definition.files,
    services,
    ...(test ? { testService: test } : {}),
    networks,
    volumes,
  };
}

/** Two services whose PRENV_<SVC>_* variables would be one and the same (`web-api`, `web.api`). */
function endpointNamesApart(definition: Definition, names: string[]): void {
  const byPart = new Map<string, string>();
  for (const name of names.sort()) {
    const part = variablePart(name);
    const other = byPart.get(part);
    if (other === undefined) {
      byPart.set(part, name);
      continue;
    }
    const where = (n: string) => {
      const at = definition.services[n]!.location;
      return at ? ` (${formatLocation({ ...at, file: relative(definition.workingDir, at.file) || at.file })})` : "";
    };
    throw new PlanError(
      `services "${other}"${where(other)} and "${name}"${where(name)} would both set the test command's PRENV_${part}_* variables`,
      "rename one of them so that their names differ in letters or digits, not only in '-', '.' or '_'",
    );
  }
}

/** A service without `networks` joins the default network, as in Compose. */
export function networksOf(spec: ServiceSpec): Record<string, { aliases: string[] }> {
  return Object.keys(spec.networks).length > 0 ? spec.networks : { default: { aliases: [] } };
}

function selectServices(definition: Definition, wanted: string[] | undefined): Set<string> {
  if (!wanted || wanted.length === 0) return new Set(Object.keys(definition.services));
  const out = new Set<string>();
  const add = (name: string) => {
    if (out.has(name)) return;
    if (!definition.services[name]) {
      throw new PlanError(`service "${name}" is not defined`, `choose from ${Object.keys(definition.services).join(", ")}`);
    }
    out.add(name);
    for (const dep of Object.keys(definition.services[name]!.dependsOn)) if (definition.services[dep]) add(dep);
  };
  wanted.forEach(add);
  return out;
}

function readinessOf(spec: ServiceSpec, runsToCompletion: boolean): ReadinessCheck[] {
  if (runsToCompletion) return [{ kind: "completed" }];
  const checks: ReadinessCheck[] = [];
  const hc = spec.healthcheck;
  if (hc && hc.test.length > 0 && hc.test[0] !== "NONE") {
    // Docker's defaults: 30 s interval and timeout, 3 retries, no start period.
    const timeoutMs = hc.timeoutMs ?? 30_000;
    const unhealthyAfterMs = (hc.startPeriodMs ?? 0) + (hc.retries ?? 3) * ((hc.intervalMs ?? 30_000) + timeoutMs);
    checks.push({ kind: "healthcheck", test: hc.test, timeoutMs, unhealthyAfterMs });
  }
  checks.push(...spec.ready);
  return checks.length > 0 ? checks : [{ kind: "running" }];
}

/** Human words for a readiness check, for `prenv plan` and progress lines. */
export function describeCheck(check: ReadinessCheck): string {
  switch (check.kind) {
    case "running":
      return "running";
    case "healthcheck":
      return `healthcheck ${check.test[0] === "CMD-SHELL" ? check.test[1] : JSON.stringify(check.test.slice(1))}`;
    case "port":
      return `port ${check.port} accepts connections`;
    case "http":
      return `GET :${check.port}${check.path} answers ${check.status}`;
    case "log":
      return `log matches /${check.pattern}/`;
    case "command":
      return `command ${JSON.stringify(check.command)} succeeds`;
    case "completed":
      return "runs to completion with exit code 0";
  }
}
