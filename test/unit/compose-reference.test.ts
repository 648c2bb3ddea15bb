/**
 * Docker Compose v5 as a differential oracle. For every compose fixture in the repository
 * (the example, the bench environments, test/fixtures/compose/*, and the documents of the
 * schema oracle), prenv and `docker compose config --format json` must agree on whether
 * the file is valid and, when it is, on the resolved model: project name, services, images,
 * builds, commands, entrypoints, environment, ports, dependencies (also the ones Compose
 * derives from links, network_mode, volumes_from and ipc), networks and volumes with their
 * names, mounts, profiles, and the keys that set how a container runs (limits, stop signal,
 * security options, DNS, ulimits, sysctls, deploy resources, logging), and the post_start and
 * pre_stop hooks.
 *
 * Both sides are reduced to the same plain shape (`Model` below) and compared with
 * deepStrictEqual, so a failure prints the one field that differs. Where prenv differs on
 * purpose, the difference is listed in INTENDED with its reason (and in docs/definition.md).
 */
import { engineName } from "../../src/backends/docker/docker-backend.ts";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { loadDefinition } from "../../src/definition/compose.ts";
import { DefinitionError } from "../../src/definition/errors.ts";
import type { Definition, LifecycleHook, PullPolicy, ServiceSpec } from "../../src/definition/model.ts";
import { pullPolicyOf } from "../../src/definition/normalize.ts";
import { planEnvironment } from "../../src/plan/plan.ts";
import { ROOT } from "../helpers/docker.ts";
import { composeCli, composeConfig, type ComposeHook, type ComposeModel, type ComposeService } from "../helpers/compose-reference.ts";
import { invalid, valid } from "./compose-documents.ts";
import { project } from "./compose-fixture.ts";

/** What both tools must agree on, for one service. */
interface ServiceModel {
  image?: string;
  /** `inline`: the text of a dockerfile_inline, instead of the Dockerfile's name. */
  /** `contexts`: additional_contexts, name -> absolute directory or docker-image://REF. */
  build?: ({ context: string; dockerfile: string } | { context: string; inline: string }) & { contexts?: Record<string, string> };
  command?: string[];
  entrypoint?: string[];
  environment: Record<string, string>;
  ports: string[];
  dependsOn: Record<string, string>;
  networks: Record<string, string[]>;
  mounts: string[];
  profiles: string[];
  /** pull_policy as prenv reads it: "missing", "refresh after 86400000 ms"... */
  pullPolicy?: string;
  platform?: string;
  /** post_start and pre_stop, in the order they run; a bare KEY of a hook's environment is null on both sides. */
  hooks?: { postStart?: HookModel[]; preStop?: HookModel[] };
  /** How the container runs: limits, signal, security, DNS, from the service's keys or deploy.resources. */
  runtime: Pick<ServiceSpec, (typeof RUNTIME)[number]>;
}

interface HookModel {
  command: string[];
  user?: string;
  privileged: boolean;
  workingDir?: string;
  environment: Record<string, string | null>;
}

const RUNTIME = ["readOnly", "stopSignal", "securityOpt", "capDrop", "dns", "ulimits", "sysctls", "memoryBytes", "memoryReservationBytes", "nanoCpus", "pidsLimit", "logging"] as const;

/** Only the fields that are set, so that an absent key and an undefined one compare equal. */
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

interface Model {
  name: string;
  services: Record<string, ServiceModel>;
  /** Networks and volumes the services use: key -> the engine object's name ("external:" for external ones). */
  networks: Record<string, string>;
  volumes: Record<string, string>;
}

const sorted = <T>(items: T[]): T[] => [...items].sort();
const byKey = <T>(record: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
/** Compose writes a published host range as "6005-6015", prenv as published and publishedEnd. */
const port = (p: { target: number; published?: number | string; publishedEnd?: number; hostIp?: string; protocol: string }): string =>
  `${p.hostIp ?? ""}:${p.published ?? ""}${p.publishedEnd ? `-${p.publishedEnd}` : ""}:${p.target}/${p.protocol}`;
const dependency = (d: { condition: string; required: boolean; restart?: boolean }): string => `${d.condition} required=${d.required} restart=${d.restart ?? false}`;

const pullPolicyText = (p: PullPolicy | undefined): string => (p === undefined ? "invalid" : p.policy === "refresh" ? `refresh after ${p.afterMs} ms` : p.policy);

function prenvModel(definition: Definition): Model {
  const plan = planEnvironment(definition);
  const services: Record<string, ServiceModel> = {};
  for (const s of plan.services) {
    const spec = s.spec;
    services[s.name] = {
      ...(spec.image ? { image: spec.image } : {}),
      ...(spec.build ? { build: { context: spec.build.context, ...(spec.build.dockerfileInline !== undefined ? { inline: spec.build.dockerfileInline } : { dockerfile: spec.build.dockerfile }), ...(spec.build.additionalContexts ? { contexts: byKey(spec.build.additionalContexts) } : {}) } } : {}),
      ...(spec.command ? { command: spec.command } : {}),
      ...(spec.entrypoint ? { entrypoint: spec.entrypoint } : {}),
      environment: byKey(spec.environment),
      ports: sorted(spec.ports.map(port)),
      dependsOn: byKey(Object.fromEntries(Object.entries(spec.dependsOn).map(([name, d]) => [name, dependency(d)]))),
      networks: byKey(Object.fromEntries(Object.entries(Object.keys(spec.networks).length > 0 ? spec.networks : { default: { aliases: [] } }).map(([k, n]) => [k, sorted(n.aliases)]))),
      mounts: sorted(spec.mounts.map((m) => (m.type === "tmpfs" ? `tmpfs::${m.target}` : `${m.type}:${m.source ?? ""}:${m.target}${m.readOnly ? ":ro" : ""}`))),
      profiles: sorted(spec.profiles),
      ...(spec.pullPolicy ? { pullPolicy: pullPolicyText(spec.pullPolicy) } : {}),
      ...(spec.platform ? { platform: spec.platform } : {}),
      runtime: defined(Object.fromEntries(RUNTIME.map((k) => [k, spec[k]]))),
      ...(spec.postStart || spec.preStop
        ? { hooks: defined({ postStart: spec.postStart?.map(prenvHook), preStop: spec.preStop?.map(prenvHook) }) }
        : {}),
    };
  }
  return {
    name: definition.name,
    services: byKey(services),
    // The names the Docker backend gives them: Compose's are the reference for those.
    networks: byKey(Object.fromEntries(plan.networks.map((n) => [n.key, n.external ? `external:${engineName(plan, n)}` : engineName(plan, n)]))),
    volumes: byKey(Object.fromEntries(plan.volumes.map((v) => [v.key, v.external ? `external:${engineName(plan, v)}` : engineName(plan, v)]))),
  };
}

function composeModel(config: ComposeModel): Model {
  const services: Record<string, ServiceModel> = {};
  const networkKeys = new Set<string>();
  const volumeKeys = new Set<string>();
  for (const [name, s] of Object.entries(config.services)) {
    const networks = s.networks ?? { default: null };
    Object.keys(networks).forEach((k) => networkKeys.add(k));
    for (const v of s.volumes ?? []) if (v.type === "volume" && v.source) volumeKeys.add(v.source);
    services[name] = {
      ...(s.image ? { image: s.image } : {}),
      ...(s.build ? { build: { context: s.build.context, ...(s.build.dockerfile_inline !== undefined ? { inline: s.build.dockerfile_inline } : { dockerfile: s.build.dockerfile ?? "Dockerfile" }), ...(s.build.additional_contexts ? { contexts: byKey(s.build.additional_contexts) } : {}) } } : {}),
      ...(s.command ? { command: s.command } : {}),
      ...(s.entrypoint ? { entrypoint: s.entrypoint } : {}),
      // A bare KEY whose variable is unset is null in Compose's model and absent from the container.
      environment: byKey(Object.fromEntries(Object.entries(s.environment ?? {}).filter((e): e is [string, string] => e[1] !== null))),
      ports: sorted((s.ports ?? []).map((p) => port({ target: p.target, ...(p.published ? { published: p.published } : {}), ...(p.host_ip ? { hostIp: p.host_ip } : {}), protocol: p.protocol ?? "tcp" }))),
      dependsOn: byKey(Object.fromEntries(Object.entries(s.depends_on ?? {}).map(([dep, d]) => [dep, dependency(d)]))),
      networks: byKey(Object.fromEntries(Object.entries(networks).map(([k, n]) => [k, sorted(n?.aliases ?? [])]))),
      mounts: sorted(composeMounts(s)),
      profiles: sorted(s.profiles ?? []),
      ...(s.pull_policy ? { pullPolicy: pullPolicyText(pullPolicyOf(s.pull_policy)) } : {}),
      ...(s.platform ? { platform: s.platform } : {}),
      runtime: composeRuntime(s),
      ...(s.post_start || s.pre_stop ? { hooks: defined({ postStart: s.post_start?.map(composeHook), preStop: s.pre_stop?.map(composeHook) }) } : {}),
    };
  }
  const objects = (declared: ComposeModel["networks"], keys: Set<string>) =>
    byKey(Object.fromEntries([...keys].map((k) => [k, declared?.[k]?.external ? `external:${declared[k]?.name ?? k}` : (declared?.[k]?.name ?? `${config.name}_${k}`)])));
  return { name: config.name, services: byKey(services), networks: objects(config.networks, networkKeys), volumes: objects(config.volumes, volumeKeys) };
}

function composeRuntime(s: ComposeService): ServiceModel["runtime"] {
  const limits = s.deploy?.resources?.limits;
  const memory = s.mem_limit ?? limits?.memory;
  const reserved = s.deploy?.resources?.reservations?.memory;
  const cpus = s.cpus ?? limits?.cpus;
  return defined({
    readOnly: s.read_only,
    stopSignal: s.stop_signal,
    securityOpt: s.security_opt,
    capDrop: s.cap_drop,
    dns: s.dns,
    ulimits: s.ulimits && Object.fromEntries(Object.entries(s.ulimits).map(([k, l]) => [k, typeof l === "number" ? { soft: l, hard: l } : l])),
    sysctls: s.sysctls,
    memoryBytes: memory === undefined ? undefined : Number(memory),
    memoryReservationBytes: reserved === undefined ? undefined : Number(reserved),
    nanoCpus: cpus === undefined ? undefined : Math.round(cpus * 1e9),
    pidsLimit: s.pids_limit ?? limits?.pids,
    logging: s.logging && { ...(s.logging.driver ? { driver: s.logging.driver } : {}), options: s.logging.options ?? {} },
  });
}

function prenvHook(h: LifecycleHook): HookModel {
  return defined({ command: h.command, user: h.user, privileged: h.privileged, workingDir: h.workingDir, environment: byKey(h.environment) });
}

/** `config` writes a literal $ as $$ again (its output is valid input); the command the hook runs has one. */
function composeHook(h: ComposeHook): HookModel {
  return defined({ command: h.command.map((w) => w.replaceAll("$$", "$")), user: h.user, privileged: h.privileged ?? false, workingDir: h.working_dir, environment: byKey(h.environment ?? {}) });
}

function composeMounts(s: ComposeService): string[] {
  return (s.volumes ?? []).map((v) => (v.type === "tmpfs" ? `tmpfs::${v.target}` : `${v.type}:${v.source ?? ""}:${v.target}${v.read_only ? ":ro" : ""}`));
}

type Verdict = { ok: true; model: Model; warnings: string[] } | { ok: false; errors: string };

function prenvVerdict(dir: string): Verdict {
  try {
    const definition = loadDefinition({ cwd: dir, env: {} });
    return { ok: true, model: prenvModel(definition), warnings: definition.warnings.map((w) => w.message) };
  } catch (e) {
    if (!(e instanceof DefinitionError)) throw e;
    return { ok: false, errors: e.message };
  }
}

/**
 * Where prenv differs from Compose on purpose: fixture -> the reason. Such a fixture is still
 * loaded by both; the test checks that the difference is the listed one and no other.
 */
const INTENDED: Record<string, { reason: string; adjust: (compose: Model) => Model }> = {
  "test/fixtures/compose/named-objects": {
    reason: "what prenv creates is named <environment>_<key> (with a warning), so that environments run side by side",
    adjust: (m) => ({ ...m, networks: { front: `${m.name}_front` }, volumes: { data: `${m.name}_data` } }),
  },
};

/** Every compose project on disk in the repository, plus test/fixtures/compose/*: name -> directory. */
function fixtureDirs(): [string, string][] {
  const dirs: [string, string][] = [
    ["examples/shop", join(ROOT, "examples", "shop")],
    ["bench/env10", join(ROOT, "bench", "env10")],
    ["bench/latency", join(ROOT, "bench", "latency")],
  ];
  const root = join(ROOT, "test", "fixtures", "compose");
  if (existsSync(root)) for (const entry of readdirSync(root).sort()) dirs.push([`test/fixtures/compose/${entry}`, join(root, entry)]);
  return dirs;
}

const scratch = mkdtempSync(join(tmpdir(), "prenv-reference-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * A copy of a fixture directory, so that neither tool writes into the repository (Compose
 * creates missing bind sources only on `up`, but prenv's checks must not depend on that) and
 * so that the folder name, which the project name comes from, is the fixture's own.
 */
function copyOf(name: string, dir: string): string {
  const target = join(scratch, name.replaceAll("/", "__"), dir.split("/").pop()!);
  cpSync(dir, target, { recursive: true });
  return target;
}

function compare(name: string, dir: string): void {
  const reference = composeConfig(dir);
  const ours = prenvVerdict(dir);
  if (!reference.ok) {
    assert.equal(ours.ok, false, `Compose refuses ${name} but prenv accepts it; Compose said:\n${reference.stderr}`);
    return;
  }
  assert.ok(ours.ok, `prenv refuses ${name}, which Compose accepts:\n${ours.ok ? "" : ours.errors}`);
  const intended = INTENDED[name];
  const expected = intended ? intended.adjust(composeModel(reference.model)) : composeModel(reference.model);
  assert.deepStrictEqual(ours.model, expected);
}

describe("Docker Compose v5 as the reference", () => {
  const cli = composeCli();
  const skip = cli.ok ? false : cli.why;

  for (const [name, dir] of fixtureDirs()) {
    test(`fixture ${name}`, { skip }, () => compare(name, copyOf(name, dir)));
  }
  for (const [name, doc] of [...valid, ...invalid]) {
    test(`document: ${name}`, { skip }, () => compare(name, project({ "compose.yaml": JSON.stringify(doc, null, 2) })));
  }

  test("the comparison can fail: a changed image is noticed", { skip }, () => {
    const dir = project({ "compose.yaml": "services:\n  web:\n    image: nginx\n" });
    const reference = composeConfig(dir);
    assert.ok(reference.ok);
    const theirs = composeModel(reference.model);
    const ours = prenvVerdict(dir);
    assert.ok(ours.ok);
    assert.deepStrictEqual(ours.model, theirs);
    assert.throws(() => assert.deepStrictEqual(ours.model, { ...theirs, services: { web: { ...theirs.services.web!, image: "nginx:1" } } }));
  });

  test("the intended differences name fixtures that exist", () => {
    const names = new Set([...fixtureDirs().map(([n]) => n), ...[...valid, ...invalid].map(([n]) => n)]);
    for (const name of Object.keys(INTENDED)) assert.ok(names.has(name), `INTENDED lists ${name}, which is no fixture`);
  });
});

