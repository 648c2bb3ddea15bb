import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { lstat, readdir, readlink } from "node:fs/promises";
import { basename, dirname, isAbsolute, join } from "node:path";
import { Readable, Transform, Writable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { StringDecoder } from "node:string_decoder";
import dockerignore from "@balena/dockerignore";
import Dockerode from "dockerode";
import { pack } from "tar-fs";
import * as tarStream from "tar-stream";
import { withTimeout } from "../../util/async.ts";
import { freePort } from "../../util/net.ts";
import { DockerFaults } from "./faults.ts";
import { TextTail, Utf8Chunker, writeText } from "../../util/text-streams.ts";
import { fileContent } from "../../definition/compose.ts";
import { formatLocation } from "../../definition/errors.ts";
import { platformOf } from "../../definition/image-ref.ts";
import type { BuildSpec, FileMount, LifecycleHook, MountSpec } from "../../definition/model.ts";
import { INLINE_DOCKERFILE } from "../../definition/normalize.ts";
import { networksOf, repositoryOf, type Plan, type PlannedService } from "../../plan/plan.ts";
import {
  LABELS,
  capabilityRefusals,
  environmentRecord,
  RuntimeUnavailableError,
  ServiceError,
  type AttachedStreams,
  type Backend,
  type Updates,
  type Endpoint,
  type EnvironmentSummary,
  type ExecOptions,
  type FaultNeed,
  type FaultRefusal,
  type ExecResult,
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
  type StatusReason,
} from "../backend.ts";


export interface DockerBackendOptions {
  docker?: Dockerode;
  version: string;
  /** Whether containers' own addresses are reachable from here; detected when not given. */
  containerNetworkReachable?: boolean;
  /** Hears what goes wrong without failing the call (a failing pre_stop hook). */
  onWarning?: (message: string) => void;
}


/** The Docker Engine backend: one labelled bridge network per environment. */
export class DockerBackend implements Backend, Updates {
  readonly kind = "docker";
  readonly capabilities = { pause: true, networkFaults: true, localBuilds: true, lastingEndpoints: true, updateInPlace: true };
  private readonly docker: Dockerode;
  private readonly version: string;
  private readonly onWarning: (message: string) => void;

  /** Whether this process can reach containers by their own addresses (Linux, local engine). */
  private readonly containerNetworkReachable: boolean;

  constructor(options: DockerBackendOptions) {
    this.docker = options.docker ?? new Dockerode();
    this.version = options.version;
    this.onWarning = options.onWarning ?? (() => undefined);
    this.containerNetworkReachable = options.containerNetworkReachable ?? containerNetworkReachable(process.platform, process.env.DOCKER_HOST);
    this.faults = new DockerFaults({ docker: this.docker, labels: (plan, owner, extra) => this.labels(plan, owner, extra), containerName });
  }

  /** Faults live in their own file (faults.ts); the backend hands them through. */
  private readonly faults: DockerFaults;
  injectFault(...args: Parameters<DockerFaults["injectFault"]>): ReturnType<DockerFaults["injectFault"]> {
    return this.faults.injectFault(...args);
  }
  undoAbandonedFaults(...args: Parameters<DockerFaults["undoAbandonedFaults"]>): ReturnType<DockerFaults["undoAbandonedFaults"]> {
    return this.faults.undoAbandonedFaults(...args);
  }
  /** Docker can apply every fault (a helper in the target's network namespace): its capabilities say so. */
  async faultSupport(needs: FaultNeed[]): Promise<FaultRefusal[]> {
    return capabilityRefusals(this, needs);
  }

  /**
   * Nothing outlives a call here: dockerode opens a connection per request and the
   * streams it returns belong to their callers (checked: a process that pings and lists
   * ends on its own). The Kubernetes backend's port-forwards are what close() is for.
   */
  async close(): Promise<void> {}

  async ping(): Promise<void> {
    try {
      await Promise.race([this.docker.ping(), rejectAfter(5000, "no answer within 5 s")]);
    } catch (cause) {
      const where = process.env.DOCKER_HOST ?? "/var/run/docker.sock";
      throw new RuntimeUnavailableError(`no Docker engine answers at ${where} (${(cause as Error).message})`, { cause });
    }
  }

  async prepareImage(plan: Plan, service: PlannedService, progress: ImageProgress, signal: AbortSignal): Promise<ImageInfo> {
    let reference = service.image;
    // A service with a build is built whatever its pull_policy: the tag is the hash of what it is built from.
    if (service.build) reference = await this.build(plan, service, progress, signal);
    else if (await this.mustPull(service)) await this.pull({ name: service.name, image: service.image, ...(service.spec.platform ? { platform: service.spec.platform } : {}) }, progress, signal);
    const image = await this.imageInfo(reference);
    if (service.spec.platform) await this.checkPlatform(service, reference);
    if (!service.build) return image;
    const baseImages = await Promise.all(baseImagesOf(service.spec.build!).map((ref) => this.imageInfo(ref).catch(() => undefined)));
    return { ...image, baseImages: baseImages.filter((b) => b !== undefined) };
  }

  private async imageInfo(reference: string): Promise<ImageInfo> {
    const info = await this.docker.getImage(reference).inspect();
    // An image pushed to several repositories has a digest for each: pin the one in use.
    const repository = repositoryOf(reference);
    const digest = info.RepoDigests?.find((d) => d.startsWith(`${repository}@`));
    return { reference, id: info.Id, ...(digest ? { digest } : {}) };
  }

  /** What this process built for a service, by environment and service. */
  private readonly built = new Map<string, string>();

  /** The image a service's container runs: for a build, the one built from the context as it is. */
  private async imageOf(plan: Plan, service: PlannedService): Promise<string> {
    if (!service.build) return service.image;
    return this.built.get(`${plan.environment}/${service.name}`) ?? (await this.prepareImage(plan, service, () => undefined, new AbortController().signal)).reference;
  }

  /** An image of another platform than the service's (pulled earlier, or all its registry has) is refused before anything is created. */
  private async checkPlatform(service: PlannedService, reference: string): Promise<void> {
    const wanted = platformOf(service.spec.platform!);
    const info = (await this.docker.getImage(reference).inspect()) as Dockerode.ImageInspectInfo & { Variant?: string };
    const actual = platformOf(`${info.Os}/${info.Architecture}${info.Variant ? `/${info.Variant}` : ""}`);
    const differs = wanted.os !== actual.os || (wanted.arch !== undefined && wanted.arch !== actual.arch) || (wanted.variant !== undefined && actual.variant !== undefined && wanted.variant !== actual.variant);
    if (!differs) return;
    const engine = await this.docker.info().then((i: { OSType?: string; Architecture?: string }) => platformOf(`${i.OSType ?? ""}/${i.Architecture ?? ""}`)).catch(() => undefined);
    throw new ServiceError(service.name, `service "${service.name}" has platform ${service.spec.platform}, but its image "${reference}" is ${actual.text}${engine ? ` (this engine runs ${engine.text})` : ""}`, {
      hint: service.build
        ? "the engine's classic builder builds for the engine's own platform: remove platform, or build on a machine of that platform"
        : `the registry has no ${service.spec.platform} image of this tag, or the engine cannot pull it: remove platform, use a multi-platform tag, or run on a ${service.spec.platform} engine`,
    });
  }

  /** Whether the service's pull_policy asks for a pull now, as Compose decides it; `never` with no image is refused. */
  private async mustPull(service: PlannedService): Promise<boolean> {
    const policy = service.spec.pullPolicy ?? { policy: "missing" };
    if (policy.policy === "always") return true;
    // The engine reports LastTagTime; the client's types leave Metadata out.
    const local: (Dockerode.ImageInspectInfo & { Metadata?: { LastTagTime?: string } }) | undefined = await this.localImage(service.image);
    if (local) {
      if (policy.policy !== "refresh") return false;
      // Compose's measure: when the image was last tagged here (never, for many pulled images: then it is due).
      const tagged = Date.parse(local.Metadata?.LastTagTime ?? "");
      return !(tagged > 0) || Date.now() > tagged + policy.afterMs;
    }
    if (policy.policy === "never") {
      const at = policy.location ? `${formatLocation(policy.location)}: ` : "";
      throw new ServiceError(service.name, `${at}image "${service.image}" of service "${service.name}" is not on this engine, and its pull_policy is never`, {
        hint: `pull or build it first (docker pull ${service.image}), or use pull_policy: missing`,
      });
    }
    return true;
  }

  /** The image as this engine has it; undefined when it has none of that name. */
  private localImage(reference: string): Promise<Dockerode.ImageInspectInfo | undefined> {
    return this.docker
      .getImage(reference)
      .inspect()
      .catch((e: unknown) => {
        if (statusOf(e) === 404) return undefined;
        throw e;
      });
  }

  private async imageExists(reference: string): Promise<boolean> {
    return (await this.localImage(reference)) !== undefined;
  }

  private async pull(service: { name: string; image: string; platform?: string }, progress: ImageProgress, signal: AbortSignal): Promise<void> {
    progress("pulling");
    try {
      const stream = await this.docker.pull(service.image, { abortSignal: signal, ...(service.platform ? { platform: service.platform } : {}) });
      await this.follow(stream, (event) => {
        if (event.status && event.id) progress("pulling", `${event.id}: ${event.status}`);
      });
    } catch (cause) {
      throw new ServiceError(service.name, `image "${service.image}" cannot be pulled: ${engineMessage(cause)}`, {
        hint: "check the image name and tag; for a private registry run `docker login <registry>` first",
        cause,
      });
    }
  }

  /** Builds the service's image, tagged by what it is built from; returns the tag. */
  private async build(plan: Plan, service: PlannedService, progress: ImageProgress, signal: AbortSignal, under?: string): Promise<string> {
    progress("building");
    const build = await this.withContexts(plan, service, progress, signal);
    const ignore = dockerignore.default();
    try {
      const lines = readFileSync(`${build.context}/.dockerignore`, "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
      ignore.add(lines);
    } catch {
      // no .dockerignore: send the whole context
    }
    // An inline Dockerfile goes into the tar under a name no file of the context has.
    let dockerfile = build.dockerfile;
    if (build.dockerfileInline !== undefined) for (let n = 1; existsSync(join(build.context, dockerfile)); n++) dockerfile = `${build.dockerfile}-${n}`;
    // As the Docker CLI does: the Dockerfile and .dockerignore are sent whatever it says.
    const ignored = (rel: string) => rel !== dockerfile && rel !== ".dockerignore" && ignore.ignores(rel);
    // A tag shared by different contents (the definition's hash, say) could hand one run
    // the image another run built a moment later. The tag names everything the build reads
    // (the context, the Dockerfile wherever it is or its inline text, the platform, args,
    // target, the base images as they are here), so an image under it is what a build would
    // make: it is used as it is, unless pull_policy is build.
    const bases = await Promise.all(baseImagesOf(build).map(async (ref) => [ref, (await this.localImage(ref))?.Id ?? null] as const));
    const tag = `${repositoryOf(service.image)}:${await contextHash(build, service.spec.platform, ignored, bases)}`;
    if (service.spec.pullPolicy?.policy !== "build" && (await this.imageExists(tag))) {
      progress("building", "up to date: an image built from the same sources exists");
      this.built.set(`${plan.environment}/${service.name}`, tag);
      return tag;
    }
    const inline = build.dockerfileInline;
    const tar = Readable.from(
      pack(build.context, {
        ignore: (name) => ignored(name.slice(build.context.length + 1)),
        ...(under ? { map: (header) => ({ ...header, name: `${under}/${header.name}` }) } : {}),
        ...(inline !== undefined
          ? {
              finalize: false,
              finish: (archive: tarStream.Pack) => {
                archive.entry({ name: dockerfile, mode: 0o644 }, inline);
                archive.finalize();
              },
            }
          : {}),
      }),
    );
    const output: string[] = [];
    try {
      const stream: NodeJS.ReadableStream = await this.docker.buildImage(tar, {
        t: tag,
        // The classic builder leaves a failed step's container behind, unlabelled, unless told.
        forcerm: true,
        dockerfile,
        buildargs: build.args,
        ...(build.target ? { target: build.target } : {}),
        ...(service.spec.platform ? { platform: service.spec.platform } : {}),
        labels: { [LABELS.project]: plan.project, [LABELS.version]: this.version },
        abortSignal: signal,
      });
      await this.follow(stream, (event) => {
        if (event.stream) {
          for (const line of event.stream.split("\n")) if (line.trim()) output.push(line);
          const last = output.at(-1);
          if (last) progress("building", last);
        }
        if (event.error) throw new Error(event.error);
      });
    } catch (cause) {
      throw new ServiceError(service.name, `building the image failed: ${firstLine((cause as Error).message)}`, {
        hint: `fix the Dockerfile (${build.dockerfileInline !== undefined ? "build.dockerfile_inline" : build.dockerfile}) or the build context ${build.context}`,
        logTail: output.slice(-15).join("\n"),
        cause,
      });
    }
    this.built.set(`${plan.environment}/${service.name}`, tag);
    return tag;
  }

  /**
   * The classic builder has no named contexts: each directory of `additional_contexts` is
   * built into an image of its own (FROM scratch, its files at /, tagged by their content
   * hash), and the Dockerfile is sent with `FROM NAME` and `--from=NAME` naming that image
   * (or the REF of docker-image://REF). The rewritten text, with those tags, is part of the
   * service image's content hash, so a changed context builds a new image.
   */
  private async withContexts(plan: Plan, service: PlannedService, progress: ImageProgress, signal: AbortSignal): Promise<BuildSpec> {
    const build = service.spec.build!;
    const named = Object.entries(build.additionalContexts ?? {});
    if (named.length === 0) return build;
    let text: string;
    try {
      text = build.dockerfileInline ?? readFileSync(dockerfilePath(build), "utf8");
    } catch {
      return build; // the build reports the missing Dockerfile
    }
    const images = new Map<string, string>();
    for (const [name, value] of named) {
      if (value.startsWith("docker-image://")) {
        images.set(name, value.slice("docker-image://".length));
        continue;
      }
      if (!existsSync(value) || !statSync(value).isDirectory())
        throw new ServiceError(service.name, `build context "${name}" of service "${service.name}" is not a directory: ${value}`, { hint: "fix the path in build.additional_contexts (relative to the compose file)" });
      const context: BuildSpec = { context: value, dockerfile: INLINE_DOCKERFILE, dockerfileInline: `FROM scratch\nCOPY ${CONTEXT_DIR}/ /\n`, args: {} };
      const synthetic = { ...service, name: `${service.name} (context ${name})`, image: `prenv-context/${name.toLowerCase().replace(/[^a-z0-9._-]+/g, "-")}`, spec: { ...service.spec, build: context } };
      images.set(name, await this.build(plan, synthetic, progress, signal, CONTEXT_DIR));
    }
    return { ...build, dockerfile: INLINE_DOCKERFILE, dockerfileInline: rewriteContexts(text, images) };
  }

  private follow(stream: NodeJS.ReadableStream, onEvent: (e: { status?: string; id?: string; stream?: string; error?: string }) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (err: Error | null, events: { error?: string }[]) => {
          const failed = events?.find((e) => e.error);
          if (err) reject(err);
          else if (failed) reject(new Error(failed.error));
          else resolve();
        },
        (event: { status?: string; id?: string; stream?: string; error?: string }) => {
          try {
            onEvent(event);
          } catch {
            // errors are collected from the final list of events
          }
        },
      );
    });
  }

  private labels(plan: Plan, owner: Owner, extra: Record<string, string> = {}): Record<string, string> {
    return { ...environmentRecord(plan, owner, this.version), ...extra };
  }

  async claimEnvironment(plan: Plan, owner: Owner, image: string): Promise<boolean> {
    // Volume creation is idempotent and network names are not reliably unique; container
    // names are. The container is never started; remove() takes it with the rest.
    try {
      await this.docker.createContainer({ name: markerName(plan.environment, "claim"), Image: image, Cmd: ["prenv-claim"], Labels: this.labels(plan, owner, { [LABELS.marker]: "claim" }) });
      return true;
    } catch (e) {
      if (statusOf(e) === 409) return false;
      throw e;
    }
  }

  async createEnvironment(plan: Plan, owner: Owner): Promise<void> {
    // Docker keeps an expiry as a marker volume (labels cannot change): the same as a preview's.
    if (owner.expires) await this.setExpiry(plan, owner, owner.expires);
    await Promise.all([
      ...plan.networks.filter((n) => !n.external).map((n) =>
        this.docker.createNetwork({ Name: engineName(plan, n), Driver: "bridge", Internal: n.internal, CheckDuplicate: true, Labels: this.labels(plan, owner) }),
      ),
      ...plan.volumes.filter((v) => !v.external).map((v) => this.docker.createVolume({ Name: engineName(plan, v), Labels: this.labels(plan, owner) })),
    ]);
  }

  async createService(plan: Plan, service: PlannedService, owner: Owner, labels: Record<string, string> = {}): Promise<void> {
    await this.createContainerOf(plan, service, owner, labels, { fresh: false });
    this.created.set(`${plan.environment}/${service.name}`, { owner, labels });
  }

  /**
   * A free host port, when the engine's ports are this machine's (a local socket): a remote
   * engine's host is not this one, so there the engine picks ("") as before.
   */
  private async choosePort(hostIp: string, protocol: "tcp" | "udp"): Promise<string> {
    if (!this.portsAreLocal) return "";
    return String(await freePort(hostIp, protocol).catch(() => ""));
  }

  /** Whether the engine publishes ports on this machine (a local socket), read once. */
  private readonly portsAreLocal = !process.env.DOCKER_HOST || process.env.DOCKER_HOST.startsWith("unix://");

  /** What createService was given, for a start that must create the container again (a host port taken meanwhile). */
  private readonly created = new Map<string, { owner: Owner; labels: Record<string, string> }>();

  /** The port bindings of the service's container set aside by an update, if there is one. */
  private async previousBindings(environment: string, service: string): Promise<Record<string, { HostIp?: string; HostPort?: string }[]> | undefined> {
    const aside = await this.docker
      .getContainer(setAsideName(environment, service))
      .inspect()
      .catch(() => undefined);
    return (aside?.HostConfig.PortBindings as Record<string, { HostIp?: string; HostPort?: string }[]> | undefined) ?? undefined;
  }

  private async createContainerOf(plan: Plan, service: PlannedService, owner: Owner, labels: Record<string, string>, options: { fresh: boolean }): Promise<void> {
    const spec = service.spec;
    const networks = Object.entries(networksOf(spec)).map(([key, n]) => ({
      name: engineName(plan, plan.networks.find((p) => p.key === key)!),
      aliases: [service.name, ...(spec.hostname ? [spec.hostname] : []), ...n.aliases],
    }));
    const exposed: Record<string, object> = {};
    const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
    // A container-only port ("8080") gets its host port chosen here, not at each start: a
    // restart (a fault, the restart policy, the engine's own) would otherwise move it, and
    // the tests were given this address. A replaced container (an update) keeps the one its
    // predecessor had, so that a preview's URL stays the same from push to push.
    const before = !options.fresh && service.ports.some((p) => !p.published) ? await this.previousBindings(plan.environment, service.name) : undefined;
    for (const p of service.ports) {
      const key = `${p.target}/${p.protocol}`;
      exposed[key] = {};
      const hostIp = p.hostIp ?? "127.0.0.1";
      const taken = (bindings[key] ?? []).length;
      const hostPort = p.published
        ? `${p.published}${p.publishedEnd ? `-${p.publishedEnd}` : ""}`
        : before?.[key]?.[taken]?.HostPort || (await this.choosePort(hostIp, p.protocol));
      (bindings[key] ??= []).push({ HostIp: hostIp, HostPort: hostPort });
    }
    for (const port of spec.expose) exposed[`${port}/tcp`] ??= {};
    const hc = spec.healthcheck;
    const [first, ...rest] = networks;
    // network_mode: service:X shares X's network stack: no networks, hostname or links of its own.
    const sharedStack = spec.networkModeService ? `container:${containerName(plan.environment, spec.networkModeService)}` : undefined;
    // links on a user-defined network: the linked service is also reachable under the alias.
    const links = spec.links.map((l) => `${containerName(plan.environment, l.service)}:${l.alias}`);
    const container = await this.docker.createContainer({
      name: containerName(plan.environment, service.name),
      ...(spec.platform ? { platform: spec.platform } : {}),
      Image: await this.imageOf(plan, service),
      ...(spec.command ? { Cmd: spec.command } : {}),
      ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
      Env: Object.entries(spec.environment).map(([k, v]) => `${k}=${v}`),
      ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
      ...(spec.user ? { User: spec.user } : {}),
      ...(sharedStack ? {} : { Hostname: spec.hostname ?? service.name }),
      Labels: { ...spec.labels, ...this.labels(plan, owner, { ...labels, [LABELS.service]: service.name, ...hooksLabel(spec) }) },
      ExposedPorts: exposed,
      ...(spec.stopGracePeriodMs !== undefined ? { StopTimeout: Math.ceil(spec.stopGracePeriodMs / 1000) } : {}),
      ...(spec.stopSignal !== undefined ? { StopSignal: spec.stopSignal } : {}),
      ...(hc
        ? {
            Healthcheck: {
              Test: hc.test,
              ...(hc.intervalMs !== undefined ? { Interval: hc.intervalMs * 1e6 } : {}),
              ...(hc.timeoutMs !== undefined ? { Timeout: hc.timeoutMs * 1e6 } : {}),
              ...(hc.retries !== undefined ? { Retries: hc.retries } : {}),
              ...(hc.startPeriodMs !== undefined ? { StartPeriod: hc.startPeriodMs * 1e6 } : {}),
            },
          }
        : {}),
      HostConfig: {
        PortBindings: bindings,
        ...mountsOf(spec.mounts, plan, spec.files ?? []),
        ...(spec.volumesFrom.length > 0
          ? { VolumesFrom: spec.volumesFrom.map((v) => `${v.service ? containerName(plan.environment, v.service) : v.container}:${v.readOnly ? "ro" : "rw"}`) }
          : {}),
        ...(spec.ipc ? { IpcMode: typeof spec.ipc === "string" ? spec.ipc : `container:${containerName(plan.environment, spec.ipc.service)}` } : {}),
        Tmpfs: Object.fromEntries(spec.tmpfs.map((t) => [t.split(":")[0]!, t.split(":").slice(1).join(":")])),
        RestartPolicy: restartPolicy(spec.restart),
        ExtraHosts: spec.extraHosts,
        CapAdd: spec.capAdd,
        ...(spec.init !== undefined ? { Init: spec.init } : {}),
        ...limitsOf(spec),
        NetworkMode: sharedStack ?? first!.name,
      },
      ...(sharedStack ? {} : { NetworkingConfig: { EndpointsConfig: { [first!.name]: { Aliases: first!.aliases, Links: links } } } }),
    }).catch((cause: unknown) => {
      // The engine checks the settings here, the log driver's options among them.
      throw new ServiceError(service.name, `the container could not be created: ${engineMessage(cause)}`, {
        hint: spec.logging ? "check the service's logging.driver and its options (the engine validates them now), and its other settings" : "check the service's settings against the engine's message",
        cause,
      });
    });
    // Secrets and configs from variables or inline content: written into the container before it starts.
    const written = (spec.files ?? []).flatMap((f) => {
      const content = f.source && !("file" in f.source) ? fileContent(f.source) : undefined;
      return content === undefined ? [] : [{ path: f.target, content }];
    });
    if (written.length > 0) await container.putArchive(fileArchive(written), { path: "/" });
    // API 1.41 takes one network at create time: join the others before starting.
    if (!sharedStack) for (const n of rest) await this.docker.getNetwork(n.name).connect({ Container: container.id, EndpointConfig: { Aliases: n.aliases, Links: links } });
  }

  async startService(plan: Plan, service: PlannedService): Promise<void> {
    const container = this.docker.getContainer(containerName(plan.environment, service.name));
    const chosen = service.ports.some((p) => !p.published);
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await container.start();
          break;
        } catch (e) {
          // A host port prenv chose was taken between its choice and the start: choose again.
          const made = this.created.get(`${plan.environment}/${service.name}`);
          if (!(chosen && made && attempt < 4 && PORT_TAKEN.test(engineMessage(e)))) throw e;
          await container.remove({ force: true });
          await this.createContainerOf(plan, service, made.owner, made.labels, { fresh: true });
        }
      }
    } catch (cause) {
      const message = engineMessage(cause);
      const portTaken = PORT_TAKEN.test(message);
      const logging = /logging driver/i.test(message);
      throw new ServiceError(service.name, `the container could not start: ${message}`, {
        hint: portTaken
          ? "a published host port is already in use: free it, or publish the container port alone (\"8080\") so that a free host port is chosen"
          : logging
            ? "the service's logging driver could not start on this engine: check logging.driver and its options (an address the driver can reach), or remove logging to use the engine's default"
            : "check the image's entrypoint and command, and the service's volumes and user",
        cause,
      });
    }
    await this.postStart(container, service.name, service.spec.postStart ?? []);
  }

  /** Runs post_start hooks in order, as Compose does right after the start; the first that fails fails the start. */
  private async postStart(container: Dockerode.Container, service: string, hooks: LifecycleHook[]): Promise<void> {
    for (const [i, hook] of hooks.entries()) {
      const result = await this.runHook(container, hook);
      if (result.exitCode === 0) continue;
      throw new ServiceError(service, hookFailure("post_start", i, service, hook, result), {
        hint: "fix the hook's command (it runs in the container right after it starts, before readiness is checked), or remove it",
        ...(result.output.trim() ? { logTail: result.output.trimEnd() } : {}),
      });
    }
  }

  /**
   * Runs a container's pre_stop hooks (from its label: down has no definition) before it is
   * stopped. A failure is a warning: unlike Compose, which then leaves the container
   * running, prenv's teardown goes on so that nothing is left behind.
   */
  private async preStop(container: Dockerode.Container, info: { Labels: Record<string, string>; State: string }): Promise<void> {
    const hooks = hooksOf(info.Labels).preStop;
    if (hooks.length === 0 || info.State !== "running") return;
    const service = info.Labels[LABELS.service] ?? container.id;
    for (const [i, hook] of hooks.entries()) {
      const result = await this.runHook(container, hook);
      if (result.exitCode === 0) continue;
      const output = result.output.trim() ? `: ${result.output.trim().split("\n").slice(-5).join(" | ")}` : "";
      this.onWarning(`${hookFailure("pre_stop", i, service, hook, result)}${output}; the container is stopped all the same`);
    }
  }

  private async runHook(container: Dockerode.Container, hook: LifecycleHook): Promise<HookResult> {
    try {
      return await this.execIn(container, hook.command, { ...(hook.user ? { user: hook.user } : {}), ...(hook.workingDir ? { workdir: hook.workingDir } : {}), env: hook.environment, privileged: hook.privileged });
    } catch (cause) {
      return { exitCode: -1, output: "", failed: engineMessage(cause) };
    }
  }

  async removeService(environment: string, service: string): Promise<void> {
    await ignoreMissing(this.docker.getContainer(containerName(environment, service)).remove({ force: true, v: true }));
  }

  async status(environment: string, service: string): Promise<ServiceStatus> {
    try {
      const info = await this.docker.getContainer(containerName(environment, service)).inspect();
      const s = info.State;
      const restarts = info.RestartCount ?? 0;
      // Docker's reasons are flags and a message: OOMKilled, and Error (why it could not start).
      const reason: StatusReason | undefined = s.OOMKilled ? { code: "OOMKilled", message: `exit code ${s.ExitCode}` } : s.Error ? { code: "Error", message: s.Error } : undefined;
      const detail = { restarts, ...(reason ? { reason } : {}) };
      if (s.Restarting) return { state: "restarting", ...detail };
      if (s.Paused) return { state: "paused", ...detail };
      if (s.Running) return { state: "running", ...detail };
      if (s.Status === "created") return { state: "created", ...detail };
      return { state: "exited", exitCode: s.ExitCode, ...detail };
    } catch (e) {
      if (statusOf(e) === 404) return { state: "missing", restarts: 0 };
      throw e;
    }
  }

  async exec(environment: string, service: string, argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.execIn(this.docker.getContainer(containerName(environment, service)), argv, options);
  }

  private async execIn(container: Dockerode.Container, argv: string[], options: ExecOptions): Promise<ExecResult> {
    const exec = await container.exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, ...(options.user ? { User: options.user } : {}),
      ...(options.workdir ? { WorkingDir: options.workdir } : {}),
      // A bare KEY (null) goes as it is: the engine then runs the command without that variable.
      ...(options.env ? { Env: Object.entries(options.env).map(([k, v]) => (v === null ? k : `${k}=${v}`)) } : {}),
      ...(options.privileged ? { Privileged: true } : {}),
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    let timedOut = false;
    const stop = () => stream.destroy();
    const timer = options.timeoutMs ? setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs) : undefined;
    // One listener per exec, removed when it ends: a run's signal outlives thousands of probes.
    options.signal?.addEventListener("abort", stop, { once: true });
    if (options.signal?.aborted) stop();
    let output: string;
    try {
      output = await drainOutput(stream, options.output);
    } catch (cause) {
      if (timedOut) throw new Error(`timed out after ${options.timeoutMs} ms`, { cause });
      if (!options.signal?.aborted) throw cause;
      output = "";
    } finally {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener("abort", stop);
    }
    const info = await exec.inspect();
    return { exitCode: info.ExitCode ?? -1, output };
  }

  async execAttached(environment: string, service: string, argv: string[], streams: AttachedStreams): Promise<number> {
    const container = this.docker.getContainer(containerName(environment, service));
    const exec = await container.exec({ Cmd: argv, AttachStdin: Boolean(streams.stdin), AttachStdout: true, AttachStderr: true, Tty: streams.tty });
    const socket = await exec.start({ hijack: true, stdin: Boolean(streams.stdin), Tty: streams.tty });
    const resize = (size: { columns: number; rows: number }) => void exec.resize({ h: size.rows, w: size.columns }).catch(() => undefined);
    if (streams.tty) {
      socket.pipe(streams.stdout, { end: false });
      if (streams.size) resize(streams.size);
      streams.onResize?.(resize);
    } else {
      this.docker.modem.demuxStream(socket, streams.stdout, streams.stderr);
    }
    if (streams.stdin) {
      streams.stdin.on("data", (chunk: Buffer) => socket.write(chunk));
      // Half-close: the command sees the end of its input and can still answer.
      streams.stdin.on("end", () => socket.end());
    }
    await new Promise<void>((resolve, reject) => {
      socket.on("end", resolve);
      socket.on("close", resolve);
      socket.on("error", reject);
    });
    const info = await exec.inspect();
    return info.ExitCode ?? -1;
  }

  async probeAddress(environment: string, service: string, port: number): Promise<ProbeAddress> {
    const info = await this.docker.getContainer(containerName(environment, service)).inspect();
    if (this.containerNetworkReachable) {
      const ip = Object.values(info.NetworkSettings.Networks).map((n) => n.IPAddress).find(Boolean);
      // A container that exited (or is between restarts) has lost its address: not a
      // verdict, so that its exit, which the exit watch reports with its code, wins the race.
      if (!ip && (!info.State.Running || info.State.Restarting)) throw new Error(`service "${service}" is not running (${info.State.Status}), so it has no address to probe`);
      if (!ip) throw new ServiceError(service, "the container has no IP address on its networks");
      return { host: ip, port };
    }
    // Docker Desktop or a remote engine: only published ports can be reached from here.
    const binding = info.NetworkSettings.Ports?.[`${port}/tcp`]?.find((b) => b.HostPort);
    if (!binding) {
      throw new ServiceError(service, `port ${port} of service "${service}" cannot be reached from this machine to check readiness: the engine's container network is not reachable here, and the port is not published`, {
        hint: `publish it (ports: ["${port}"]), or check readiness with a command run inside the container (x-prenv.ready: [{ command: ... }])`,
      });
    }
    const host = binding.HostIp && binding.HostIp !== "0.0.0.0" && binding.HostIp !== "::" ? binding.HostIp : "127.0.0.1";
    return { host, port: Number(binding.HostPort) };
  }

  async endpoints(environment: string): Promise<Endpoint[]> {
    const containers = await this.containers(environment);
    const out: Endpoint[] = [];
    for (const c of containers) {
      for (const p of c.Ports) {
        if (!p.PublicPort) continue;
        // The engine lists IPv4 and IPv6 bindings separately; one line per port is enough.
        if (p.IP === "::" && c.Ports.some((q) => q.PrivatePort === p.PrivatePort && q.IP === "0.0.0.0")) continue;
        out.push({ service: c.Labels[LABELS.service]!, containerPort: p.PrivatePort, protocol: p.Type as "tcp" | "udp", hostIp: p.IP ?? "0.0.0.0", hostPort: p.PublicPort });
      }
    }
    return out.sort((a, b) => a.service.localeCompare(b.service) || a.containerPort - b.containerPort);
  }

  async logs(environment: string, service: string, options: { follow: boolean; tail?: number; signal?: AbortSignal }): Promise<Readable> {
    const container = this.docker.getContainer(containerName(environment, service));
    // Dockerode buffers a log that is not followed whole (a string too long for V8 past
    // ~512 MB): ask the engine for a stream either way.
    const raw = await new Promise<Readable>((resolve, reject) => {
      this.docker.modem.dial(
        {
          path: `/containers/${container.id}/logs?`,
          method: "GET",
          isStream: true,
          ...(options.signal ? { abortSignal: options.signal } : {}),
          statusCodes: { 200: true, 404: "no such container", 500: "server error" },
          options: { stdout: true, stderr: true, timestamps: false, follow: options.follow, ...(options.tail !== undefined ? { tail: options.tail } : {}) },
        },
        (error, data) => (error ? reject(error) : data instanceof Readable ? resolve(data) : reject(new Error(`the Docker engine answered the log request of ${service} without a stream`))),
      );
    });
    const text = new EngineOutput();
    raw.on("error", (e) => {
      // Stopping to follow is the normal end of a followed log.
      if (options.signal?.aborted) text.end();
      else text.destroy(new EngineStreamError(`the log of ${service} broke off: ${e.message}`, { cause: e }));
    });
    options.signal?.addEventListener("abort", () => raw.destroy(), { once: true });
    return raw.pipe(text);
  }

  async watchExits(environment: string, onExit: (service: string) => void, signal: AbortSignal, onError?: (error: Error) => void): Promise<void> {
    const stream = (await this.docker.getEvents({
      filters: { type: ["container"], event: ["die"], label: [`${LABELS.environment}=${environment}`] },
      abortSignal: signal,
    } as Dockerode.GetEventsOptions)) as Readable;
    const decoder = new StringDecoder("utf8");
    let buffered = "";
    stream.on("data", (chunk: Buffer) => {
      buffered += decoder.write(chunk);
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line) continue;
        let event: { Actor?: { Attributes?: Record<string, string> } };
        try {
          event = JSON.parse(line) as typeof event;
        } catch (cause) {
          // Past a line that cannot be read, exits may go unseen: say so and stop watching.
          stream.destroy();
          onError?.(new EngineStreamError(`the Docker engine sent an event prenv cannot read (${line.slice(0, 80)}): ${(cause as Error).message}; services that exit from now on go unnoticed`, { cause }));
          return;
        }
        const service = event.Actor?.Attributes?.[LABELS.service];
        if (service) onExit(service);
      }
    });
    stream.on("error", (e) => {
      if (!signal.aborted) onError?.(new EngineStreamError(`the Docker engine's event stream broke off: ${e.message}`, { cause: e }));
    });
    signal.addEventListener("abort", () => stream.destroy(), { once: true });
  }

  async exitsBetween(environment: string, since: Date, until: Date): Promise<{ service: string; exitCode: number }[]> {
    // With `until` in the past the engine sends what it recorded and ends the stream.
    // Seconds with a fraction: the engine reads the fraction's digits at their scale.
    const stream = (await this.docker.getEvents({
      since: since.getTime() / 1000,
      until: until.getTime() / 1000,
      filters: { type: ["container"], event: ["die"], label: [`${LABELS.environment}=${environment}`] },
    } as Dockerode.GetEventsOptions)) as Readable;
    let text = "";
    for await (const chunk of stream) text += String(chunk);
    const exits: { service: string; exitCode: number }[] = [];
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      const event = JSON.parse(line) as { Actor?: { Attributes?: Record<string, string> } };
      const service = event.Actor?.Attributes?.[LABELS.service];
      if (!service) continue;
      exits.push({ service, exitCode: Number(event.Actor?.Attributes?.exitCode ?? -1) });
    }
    return exits;
  }

  async setMarker(plan: Plan, owner: Owner, marker: Marker): Promise<void> {
    await this.docker.createVolume({ Name: markerName(plan.environment, marker), Labels: this.labels(plan, owner, { [LABELS.marker]: marker }) });
  }

  async hasMarker(environment: string, marker: Marker): Promise<boolean> {
    const volumes = await this.docker.listVolumes({ filters: { label: [`${LABELS.environment}=${environment}`, `${LABELS.marker}=${marker}`] } });
    return (volumes.Volumes ?? []).length > 0;
  }

  async runOneOff(plan: Plan, spec: OneOffSpec, owner: Owner, options: { timeoutMs: number; signal?: AbortSignal; output?: Writable }): Promise<ExecResult> {
    if (!(await this.imageExists(spec.image))) {
      await this.pull({ name: spec.name, image: spec.image }, () => undefined, options.signal ?? new AbortController().signal);
    }
    const network = plan.networks.find((n) => n.key === "default") ?? plan.networks[0]!;
    const container = await this.docker.createContainer({
      name: `${plan.environment}-${spec.name}-${Date.now().toString(36)}`,
      Image: spec.image,
      ...(spec.command ? { Cmd: spec.command } : {}),
      ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
      Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
      ...(spec.workdir ? { WorkingDir: spec.workdir } : {}),
      Labels: this.labels(plan, owner, { [LABELS.service]: spec.name }),
      HostConfig: { ...mountsOf(spec.mounts, plan), NetworkMode: engineName(plan, network) },
    });
    try {
      const stream = await container.attach({ stream: true, stdout: true, stderr: true });
      const output = drainOutput(stream, options.output);
      // Read when the container has gone; until then a failure is reported by the wait below.
      output.catch(() => undefined);
      await container.start();
      const exit = await withTimeout(container.wait() as Promise<{ StatusCode: number }>, options.timeoutMs, options.signal);
      // The attached stream ends after the container's last output.
      return { exitCode: exit.StatusCode, output: await output };
    } finally {
      await ignoreMissing(container.remove({ force: true, v: true }));
    }
  }

  async copyInto(environment: string, service: string, hostPath: string, containerPath: string): Promise<void> {
    const container = this.docker.getContainer(containerName(environment, service));
    const isDir = statSync(hostPath).isDirectory();
    // A directory's contents go into the target directory; a file keeps its name unless the target names a file.
    const targetDir = isDir || containerPath.endsWith("/") ? containerPath : dirname(containerPath);
    const entries = isDir ? undefined : [basename(hostPath)];
    const archive = Readable.from(
      pack(isDir ? hostPath : dirname(hostPath), {
        ...(entries ? { entries } : {}),
        ...(!isDir && !containerPath.endsWith("/") ? { map: <H extends { name: string }>(header: H): H => ({ ...header, name: basename(containerPath) }) } : {}),
      }),
    );
    await this.exec(environment, service, ["mkdir", "-p", targetDir]).catch(() => undefined);
    await container.putArchive(archive, { path: targetDir });
  }

  async waitForExit(environment: string, service: string, signal?: AbortSignal): Promise<number> {
    const container = this.docker.getContainer(containerName(environment, service));
    const exit = await withTimeout(container.wait() as Promise<{ StatusCode: number }>, undefined, signal);
    return exit.StatusCode;
  }

  async observe(environment: string): Promise<ObservedService[]> {
    const containers = await this.containers(environment);
    // By name: what is set aside, one-off containers and markers carry the labels too.
    return containers
      .filter((c) => !c.Labels[LABELS.marker] && c.Labels[LABELS.service] && c.Names.includes(`/${containerName(environment, c.Labels[LABELS.service]!)}`))
      .map((c) => ({ name: c.Labels[LABELS.service]!, id: c.Id, state: c.State, configHash: c.Labels[LABELS.configHash] }));
  }

  async setAside(environment: string, service: string): Promise<void> {
    const container = this.docker.getContainer(containerName(environment, service));
    const info = await container.inspect().catch((e: unknown) => {
      if (statusOf(e) === 404) return undefined;
      throw e;
    });
    if (info) await this.preStop(container, { Labels: info.Config.Labels ?? {}, State: info.State.Running ? "running" : info.State.Status });
    await ignoreMissing(container.stop());
    // A leftover of an update that died before it finished would block the name.
    await this.discardSetAside(environment, service);
    await container.rename({ name: setAsideName(environment, service) });
  }

  async restore(environment: string, service: string): Promise<void> {
    await this.removeService(environment, service);
    const aside = this.docker.getContainer(setAsideName(environment, service));
    await aside.rename({ name: containerName(environment, service) });
    const container = this.docker.getContainer(containerName(environment, service));
    await container.start();
    const info = await container.inspect();
    await this.postStart(container, service, hooksOf(info.Config.Labels ?? {}).postStart);
  }

  async discardSetAside(environment: string, service: string): Promise<void> {
    await ignoreMissing(this.docker.getContainer(setAsideName(environment, service)).remove({ force: true, v: true }));
  }

  async tryLock(plan: Plan, owner: Owner, image: string, leaseUntil: Date): Promise<LockAttempt> {
    // As the claim: a container name is the one thing the engine keeps unique. Never started.
    const create = async () => {
      const c = await this.docker.createContainer({
        name: markerName(plan.environment, "lock"),
        Image: image,
        Cmd: ["prenv-lock"],
        Labels: this.labels(plan, owner, { [LABELS.marker]: "lock", [LABELS.leaseUntil]: leaseUntil.toISOString() }),
      });
      return c.id;
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        return { acquired: true, id: await create() };
      } catch (e) {
        if (statusOf(e) !== 409) throw e;
      }
      let held: Dockerode.ContainerInspectInfo;
      try {
        held = await this.docker.getContainer(markerName(plan.environment, "lock")).inspect();
      } catch (e) {
        if (statusOf(e) === 404) continue;
        throw e;
      }
      const until = new Date(held.Config.Labels[LABELS.leaseUntil] ?? 0);
      if (until.getTime() > Date.now()) return { acquired: false, holder: held.Config.Labels[LABELS.owner] ?? "", leaseUntil: until };
      // Its holder died: break it by id, so that a lock another run took meanwhile stays.
      await ignoreMissing(this.docker.getContainer(held.Id).remove({ force: true }));
    }
    return { acquired: false, holder: "another run breaking the same expired lock", leaseUntil: new Date() };
  }

  async unlock(_environment: string, id: string): Promise<void> {
    await ignoreMissing(this.docker.getContainer(id).remove({ force: true }));
  }

  async setExpiry(plan: Plan, owner: Owner, expires: Date): Promise<void> {
    // Labels cannot change: the marker is replaced.
    await ignoreMissing(this.docker.getVolume(markerName(plan.environment, "expires")).remove());
    await this.docker.createVolume({ Name: markerName(plan.environment, "expires"), Labels: this.labels(plan, owner, { [LABELS.marker]: "expires", [LABELS.expires]: expires.toISOString() }) });
  }

  async expiries(): Promise<Map<string, Date>> {
    const volumes = await this.docker.listVolumes({ filters: { label: [`${LABELS.marker}=expires`] } });
    return new Map((volumes.Volumes ?? []).filter((v) => v.Labels?.[LABELS.environment] && v.Labels[LABELS.expires]).map((v) => [v.Labels![LABELS.environment]!, new Date(v.Labels![LABELS.expires]!)]));
  }

  private async containers(environment?: string): Promise<Dockerode.ContainerInfo[]> {
    return this.docker.listContainers({ all: true, filters: { label: [environment ? `${LABELS.environment}=${environment}` : LABELS.environment] } });
  }

  async list(): Promise<EnvironmentSummary[]> {
    const [containers, networks, volumes] = await Promise.all([
      this.containers(),
      this.docker.listNetworks({ filters: { label: [LABELS.environment] } }),
      this.docker.listVolumes({ filters: { label: [LABELS.environment] } }),
    ]);
    const envs = new Map<string, EnvironmentSummary>();
    const touch = (labels: Record<string, string> | undefined): EnvironmentSummary | undefined => {
      const name = labels?.[LABELS.environment];
      if (!labels || !name) return undefined;
      let env = envs.get(name);
      if (!env) {
        env = {
          environment: name,
          project: labels[LABELS.project] ?? "",
          created: new Date(labels[LABELS.created] ?? 0),
          owner: labels[LABELS.owner] ?? "",
          complete: false,
          ephemeral: false,
          volumesKept: false,
          workingDir: labels[LABELS.workingDir] ?? "",
          services: [],
          networks: 0,
          volumes: 0,
        };
        envs.set(name, env);
      }
      const created = new Date(labels[LABELS.created] ?? 0);
      if (created < env.created) env.created = created;
      return env;
    };
    for (const n of networks) {
      const env = touch(n.Labels);
      if (env) env.networks++;
    }
    const handedOver = new Set<EnvironmentSummary>();
    for (const v of volumes.Volumes ?? []) {
      const env = touch(v.Labels ?? undefined);
      if (!env) continue;
      const marker = v.Labels?.[LABELS.marker];
      if (marker === "complete") {
        env.complete = true;
        // Whoever finished `up` owns the environment, whatever made its first object.
        env.owner = v.Labels?.[LABELS.owner] ?? env.owner;
        env.ephemeral = v.Labels?.[LABELS.lifetime] === "run";
      }
      if (marker === "kept") handedOver.add(env);
      if (marker === "volumes-kept") env.volumesKept = true;
      if (!marker) env.volumes++;
    }
    for (const env of handedOver) env.ephemeral = false;
    for (const c of containers) {
      const env = touch(c.Labels);
      if (env && !c.Labels[LABELS.marker]) env.services.push({ name: c.Labels[LABELS.service] ?? c.Names[0] ?? "", state: c.State });
    }
    return [...envs.values()].sort((a, b) => a.environment.localeCompare(b.environment));
  }

  async remove(environment: string, options: { keepVolumes: boolean }): Promise<RemovalReport> {
    const filter = { label: [`${LABELS.environment}=${environment}`] };
    const containers = await this.containers(environment);
    // Volumes being kept may hold a database: let it shut down cleanly. Otherwise
    // everything is discarded, so there is nothing to wait for.
    await Promise.all(
      containers.map(async (c) => {
        const container = this.docker.getContainer(c.Id);
        await this.preStop(container, c);
        if (options.keepVolumes && c.State === "running") await ignoreMissing(container.stop());
        await ignoreMissing(container.remove({ force: true, v: !options.keepVolumes }));
      }),
    );
    // Listed only now, so that what a crashed run was still creating is found too.
    const [networks, doomed] = await Promise.all([
      this.docker.listNetworks({ filters: filter }).then(async (list) => {
        await Promise.all(list.map((n) => ignoreMissing(this.docker.getNetwork(n.Id).remove())));
        return list;
      }),
      this.docker.listVolumes({ filters: filter }).then(async (list) => {
        const all = list.Volumes ?? [];
        // Markers go with the containers: kept data does not mean setup need not run again.
        // The one that says the data was kept stays with the data.
        const marker = (v: Dockerode.VolumeInspectInfo) => v.Labels?.[LABELS.marker];
        const volumes = all.filter((v) => !options.keepVolumes || (marker(v) && marker(v) !== "volumes-kept"));
        await Promise.all(volumes.map((v) => ignoreMissing(this.docker.getVolume(v.Name).remove())));
        const kept = all.find((v) => !marker(v));
        if (options.keepVolumes && kept && !all.some((v) => marker(v) === "volumes-kept")) {
          await this.docker.createVolume({ Name: markerName(environment, "volumes-kept"), Labels: { ...kept.Labels, [LABELS.marker]: "volumes-kept" } });
        }
        return volumes;
      }),
    ]);
    return { containers: containers.filter((c) => !c.Labels[LABELS.marker]).length, networks: networks.length, volumes: doomed.filter((v) => !v.Labels?.[LABELS.marker]).length };
  }
}

/**
 * Container addresses on the engine's bridge are routable from the host only when the
 * engine runs on this Linux machine (not in Docker Desktop's VM, not on another host).
 */
export function containerNetworkReachable(platform: string, dockerHost: string | undefined): boolean {
  if (platform !== "linux") return false;
  return !dockerHost || dockerHost.startsWith("unix://");
}

const PORT_TAKEN = /port is already allocated|address already in use/i;


function dockerfilePath(build: NonNullable<PlannedService["spec"]["build"]>): string {
  return isAbsolute(build.dockerfile) ? build.dockerfile : join(build.context, build.dockerfile);
}

/**
 * The images a Dockerfile builds FROM (not its own stages, not scratch, not references
 * made of build arguments, which only the builder resolves); none when it cannot be read.
 */

export function baseImagesOf(build: NonNullable<PlannedService["spec"]["build"]>): string[] {
  let text: string;
  try {
    text = build.dockerfileInline ?? readFileSync(dockerfilePath(build), "utf8");
  } catch {
    return [];
  }
  const stages = new Set<string>();
  const images: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (!m) continue;
    const ref = m[1]!;
    if (!stages.has(ref.toLowerCase()) && ref !== "scratch" && !ref.includes("$") && !images.includes(ref)) images.push(ref);
    if (m[2]) stages.add(m[2].toLowerCase());
  }
  return images;
}

/**
 * What names a built image: the Dockerfile's text (inline, or read wherever it lives), its
 * name, the platform, args, target, the base images' IDs (null when not here: the build
 * would pull them) and every file of the context that is sent (path, mode and content, in
 * a fixed order).
 */
async function contextHash(build: NonNullable<PlannedService["spec"]["build"]>, platform: string | undefined, ignored: (rel: string) => boolean, bases: readonly (readonly [string, string | null])[]): Promise<string> {
  const hash = createHash("sha256");
  let dockerfileText: string | null = build.dockerfileInline ?? null;
  if (dockerfileText === null) {
    try {
      dockerfileText = readFileSync(dockerfilePath(build), "utf8");
    } catch {
      // the build reports the missing Dockerfile
    }
  }
  hash.update(JSON.stringify({ dockerfile: build.dockerfile, dockerfileText, platform: platform ?? null, args: Object.entries(build.args).sort(([a], [b]) => a.localeCompare(b)), target: build.target ?? null, bases }));
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(rel ? `${build.context}/${rel}` : build.context, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (ignored(path)) continue;
      const abs = `${build.context}/${path}`;
      const info = await lstat(abs);
      hash.update(`\0${path}\0${info.mode}\0`);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isSymbolicLink()) hash.update(await readlink(abs));
      else if (entry.isFile()) for await (const chunk of createReadStream(abs)) hash.update(chunk as Buffer);
    }
  };
  await walk("");
  return hash.digest("hex").slice(0, 16);
}

/** "host:5000/a/b:tag" -> "host:5000/a/b"; "a@sha256:..." -> "a". */
/** Where a named context's files go in its own build's tar, so that its Dockerfile is not among them. */
const CONTEXT_DIR = "context";

/** `FROM NAME` and `--from=NAME` (COPY, RUN --mount) naming one of `images`' keys, as that image instead. */
export function rewriteContexts(dockerfile: string, images: Map<string, string>): string {
  const swap = (name: string) => images.get(name) ?? name;
  return dockerfile
    .split("\n")
    .map((line) =>
      line
        .replace(/^(\s*FROM\s+(?:--\S+\s+)*)(\S+)/i, (_, head: string, ref: string) => head + swap(ref))
        .replace(/(--from=)([^\s,]+)/gi, (_, head: string, ref: string) => head + swap(ref))
        .replace(/(--mount=\S*\bfrom=)([^\s,]+)/gi, (_, head: string, ref: string) => head + swap(ref)),
    )
    .join("\n");
}

type HookResult = ExecResult | { exitCode: -1; output: string; failed: string };

/** "compose.yaml:7:9: post_start hook 2 of service "app" (sh -c ...) exited with code 3". */
function hookFailure(key: "post_start" | "pre_stop", index: number, service: string, hook: LifecycleHook, result: HookResult): string {
  const at = hook.location ? `${formatLocation(hook.location)}: ` : "";
  return `${at}${key} hook ${index + 1} of service "${service}" (${hook.command.join(" ")}) ${"failed" in result ? `could not run: ${result.failed}` : `exited with code ${result.exitCode}`}`;
}

function hooksLabel(spec: PlannedService["spec"]): Record<string, string> {
  if (!spec.postStart && !spec.preStop) return {};
  return { [LABELS.hooks]: JSON.stringify({ postStart: spec.postStart ?? [], preStop: spec.preStop ?? [] }) };
}

/** The hooks a container was created with (none when it has no label, or one prenv cannot read). */
function hooksOf(labels: Record<string, string>): { postStart: LifecycleHook[]; preStop: LifecycleHook[] } {
  const text = labels[LABELS.hooks];
  if (!text) return { postStart: [], preStop: [] };
  try {
    const parsed = JSON.parse(text) as { postStart?: LifecycleHook[]; preStop?: LifecycleHook[] };
    return { postStart: parsed.postStart ?? [], preStop: parsed.preStop ?? [] };
  } catch {
    return { postStart: [], preStop: [] };
  }
}

function markerName(environment: string, marker: Marker): string {
  return `${environment}_prenv-${marker}`;
}

/** Where an update keeps a replaced service's container until the new one is ready. */
function setAsideName(environment: string, service: string): string {
  return `${environment}-${service}_prenv-set-aside`;
}

export function containerName(environment: string, service: string): string {
  return `${environment}-${service}`;
}

/**
 * Bind mounts whose missing source the engine must create go in Binds: the daemon creates a
 * missing Binds source as a directory (as Compose has it created), while Mounts refuses it,
 * and CreateMountpoint needs API 1.42. Sources with ":" cannot be written in Binds' syntax.
 */
function mountsOf(mounts: MountSpec[], plan: Plan, files: FileMount[] = []): { Mounts: Dockerode.MountSettings[]; Binds: string[] } {
  const binds = mounts.filter((m): m is Extract<MountSpec, { type: "bind" }> => m.type === "bind" && m.createHostPath && !m.source.includes(":") && !m.target.includes(":"));
  // Secrets and configs from files are bind-mounted read-only where Compose mounts them.
  const fromFiles = files.flatMap((f) => (f.source && "file" in f.source ? [{ Type: "bind" as const, Source: f.source.file, Target: f.target, ReadOnly: true }] : []));
  return {
    Binds: binds.map((m) => `${m.source}:${m.target}:${m.readOnly ? "ro" : "rw"}`),
    Mounts: [...mounts.filter((m) => !(binds as MountSpec[]).includes(m)).map((m) => mountOf(m, plan)), ...fromFiles],
  };
}

/** The engine's name of a network or volume: the definition's for an external one, else one per environment. */
export function engineName(plan: Plan, object: { key: string; externalName?: string }): string {
  return object.externalName ?? `${plan.environment}_${object.key}`;
}

/**
 * A tar archive of files at absolute paths, read-only (0444) as Compose writes secrets and
 * configs that come from variables or inline content. The engine creates missing parents.
 */
export function fileArchive(files: { path: string; content: string }[]): Readable {
  const archive = tarStream.pack();
  for (const { path, content } of files) archive.entry({ name: path.replace(/^\/+/, ""), mode: 0o444 }, content);
  archive.finalize();
  // tar-stream streams are streamx streams: the engine client takes a Node stream.
  return Readable.from(archive);
}

function mountOf(m: MountSpec, plan: Plan): Dockerode.MountSettings {
  switch (m.type) {
    case "bind":
      return { Type: "bind", Source: m.source, Target: m.target, ReadOnly: m.readOnly };
    case "volume": {
      const source = m.source ? engineName(plan, plan.volumes.find((v) => v.key === m.source)!) : "";
      return { Type: "volume", Source: source, Target: m.target, ReadOnly: m.readOnly };
    }
    case "tmpfs":
      return { Type: "tmpfs", Source: "", Target: m.target };
  }
}

/** read_only, security_opt, cap_drop, dns, ulimits, sysctls, logging and the resource limits, as HostConfig fields. */
function limitsOf(spec: PlannedService["spec"]): Dockerode.HostConfig {
  return {
    // An empty Type is the engine's default driver (which the options then configure).
    ...(spec.logging ? { LogConfig: { Type: spec.logging.driver ?? "", Config: spec.logging.options } } : {}),
    ...(spec.readOnly !== undefined ? { ReadonlyRootfs: spec.readOnly } : {}),
    ...(spec.securityOpt ? { SecurityOpt: spec.securityOpt } : {}),
    ...(spec.capDrop ? { CapDrop: spec.capDrop } : {}),
    ...(spec.dns ? { Dns: spec.dns } : {}),
    ...(spec.ulimits ? { Ulimits: Object.entries(spec.ulimits).map(([Name, l]) => ({ Name, Soft: l.soft, Hard: l.hard })) } : {}),
    ...(spec.sysctls ? { Sysctls: spec.sysctls } : {}),
    ...(spec.memoryBytes !== undefined ? { Memory: spec.memoryBytes } : {}),
    ...(spec.memoryReservationBytes !== undefined ? { MemoryReservation: spec.memoryReservationBytes } : {}),
    ...(spec.nanoCpus !== undefined ? { NanoCpus: spec.nanoCpus } : {}),
    ...(spec.pidsLimit !== undefined ? { PidsLimit: spec.pidsLimit } : {}),
  };
}

function restartPolicy(restart: string | undefined): Dockerode.HostRestartPolicy {
  if (!restart || restart === "no") return { Name: "no" };
  const [name, count] = restart.split(":");
  return { Name: name!, ...(count ? { MaximumRetryCount: Number(count) } : {}) };
}

function statusOf(e: unknown): number | undefined {
  return typeof e === "object" && e !== null && "statusCode" in e ? (e as { statusCode: number }).statusCode : undefined;
}

async function ignoreMissing(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    const code = statusOf(e);
    // 404: already gone; 304: already stopped; 409: removal already in progress.
    if (code !== 404 && code !== 304 && code !== 409) throw e;
  }
}

function rejectAfter(ms: number, message: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms).unref());
}

function firstLine(text: string): string {
  return text.split("\n")[0]!.trim();
}

/** What the engine said, without the client's "(HTTP code 400) bad parameter - " in front. */
function engineMessage(cause: unknown): string {
  return firstLine(cause instanceof Error ? cause.message : String(cause)).replace(/^\(HTTP code \d+\) [a-z ]+ - /, "");
}

/** The engine's output streams could not be read. */
export class EngineStreamError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EngineStreamError";
  }
}

/**
 * The engine's multiplexed output (frames of stdout and stderr behind 8-byte headers) as
 * chunks of whole UTF-8 characters, each stream cut apart so that a character split across
 * frames stays whole. Output that does not start with a header (a container with a TTY)
 * is one stream. Backpressure passes through: a full reader stops the engine's socket.
 */
class EngineOutput extends Transform {
  private readonly streams = [new Utf8Chunker(), new Utf8Chunker(), new Utf8Chunker()];
  private multiplexed: boolean | undefined;
  /** An incomplete header, kept until the rest of it comes. */
  private pending: Buffer = Buffer.alloc(0);
  private frameLeft = 0;
  private frameType = 1;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    if (this.multiplexed === undefined) {
      if (data.length < 4) {
        this.pending = data;
        return callback();
      }
      this.multiplexed = data[0]! <= 2 && data[1] === 0 && data[2] === 0 && data[3] === 0;
    }
    if (!this.multiplexed) return callback(null, this.streams[1]!.push(data));
    const parts: Buffer[] = [];
    let offset = 0;
    while (offset < data.length) {
      if (this.frameLeft > 0) {
        const n = Math.min(this.frameLeft, data.length - offset);
        parts.push(this.streams[this.frameType]!.push(data.subarray(offset, offset + n)));
        offset += n;
        this.frameLeft -= n;
        continue;
      }
      if (data.length - offset < 8) {
        this.pending = Buffer.from(data.subarray(offset));
        break;
      }
      const type = data[offset]!;
      if (type > 2) return callback(new EngineStreamError(`the Docker engine's output stream is out of step (a frame of type ${type})`));
      this.frameType = type;
      this.frameLeft = data.readUInt32BE(offset + 4);
      offset += 8;
    }
    callback(null, Buffer.concat(parts));
  }

  override _flush(callback: TransformCallback): void {
    callback(null, Buffer.concat(this.streams.map((s) => s.end())));
  }
}

/**
 * Reads an engine stream to its end, into `into` when given (then the result has no
 * text); otherwise returns the end of what it said.
 */
async function drainOutput(stream: NodeJS.ReadableStream, into?: Writable): Promise<string> {
  const tail = new TextTail();
  await pipeline(
    stream,
    new EngineOutput(),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        if (into) writeText(into, chunk).then(() => callback(), callback);
        else {
          tail.push(chunk);
          callback();
        }
      },
    }),
  );
  return tail.render();
}
