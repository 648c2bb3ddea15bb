import Dockerode from "dockerode";
import { DockerBackend } from "../docker/docker-backend.ts";
import { repositoryOf, type Plan, type PlannedService } from "../../plan/plan.ts";
import { ServiceError, type ImageInfo, type ImageProgress } from "../backend.ts";

/**
 * Images for pods. Kubernetes pulls images itself, so nothing is pulled here: a pulled
 * image is pinned by the digest its registry gives for the tag now (when the registry
 * answers this machine), so that every pod of a run runs the same image. A built image is
 * built by the Docker engine here (the same build, tag and cache as the Docker backend)
 * and pushed to the registry the user named, and pods run it by the pushed digest.
 */

export interface ImageOptions {
  /** host[:port][/path] that built images are pushed to (--registry). */
  registry?: string;
  docker?: Dockerode;
  version: string;
}

/** Splits a reference as registries see it: host, repository path, tag. */
export function parseReference(reference: string): { host: string; path: string; tag?: string; digest?: string } {
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const first = rest.split("/")[0]!;
  const hasHost = rest.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  const host = hasHost ? first : "registry-1.docker.io";
  let path = hasHost ? rest.slice(first.length + 1) : rest;
  if (!hasHost && !path.includes("/")) path = `library/${path}`;
  return { host, path, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

const MANIFEST_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/**
 * The digest the registry gives for a tag, undefined when it does not answer (an image
 * only loaded into the cluster, a registry this machine cannot reach). Anonymous token
 * auth (Docker Hub's) is followed; credentials are not looked for.
 */
export async function registryDigest(reference: string, signal: AbortSignal): Promise<string | undefined> {
  const ref = parseReference(reference);
  if (ref.digest) return ref.digest;
  const scheme = /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(ref.host) ? "http" : "https";
  const url = `${scheme}://${ref.host}/v2/${ref.path}/manifests/${ref.tag ?? "latest"}`;
  const timeout = AbortSignal.any([signal, AbortSignal.timeout(5000)]);
  try {
    let response = await fetch(url, { method: "HEAD", headers: { Accept: MANIFEST_TYPES }, signal: timeout });
    if (response.status === 401) {
      const challenge = /Bearer realm="([^"]+)",service="([^"]+)"/.exec(response.headers.get("www-authenticate") ?? "");
      if (!challenge) return undefined;
      const tokenResponse = await fetch(`${challenge[1]}?service=${encodeURIComponent(challenge[2]!)}&scope=repository:${ref.path}:pull`, { signal: timeout });
      const body: unknown = await tokenResponse.json();
      const token = body && typeof body === "object" && "token" in body && typeof body.token === "string" ? body.token : undefined;
      if (!token) return undefined;
      response = await fetch(url, { method: "HEAD", headers: { Accept: MANIFEST_TYPES, Authorization: `Bearer ${token}` }, signal: timeout });
    }
    const digest = response.headers.get("docker-content-digest");
    return response.ok && digest?.startsWith("sha256:") ? digest : undefined;
  } catch {
    return undefined;
  }
}

export class Images {
  private readonly docker: Dockerode;
  private readonly builder: DockerBackend;
  private readonly options: ImageOptions;
  constructor(options: ImageOptions) {
    this.options = options;
    this.docker = options.docker ?? new Dockerode();
    this.builder = new DockerBackend({ docker: this.docker, version: options.version });
  }

  async prepare(plan: Plan, service: PlannedService, progress: ImageProgress, signal: AbortSignal): Promise<ImageInfo> {
    if (!service.build) {
      const digest = await registryDigest(service.image, signal);
      const pinned = digest && !service.image.includes("@") ? `${repositoryOf(service.image)}@${digest}` : service.image;
      return { reference: pinned, id: digest ?? service.image, ...(digest ? { digest: pinned } : {}) };
    }
    const registry = this.options.registry?.replace(/\/+$/, "");
    if (!registry) {
      throw new ServiceError(service.name, `service "${service.name}" is built from ${service.spec.build!.context}, and a Kubernetes cluster runs only images it can pull from a registry`, {
        hint: "name a registry the cluster pulls from and this machine can push to: --registry <host[:port][/path]> (or PRENV_REGISTRY)",
      });
    }
    // The Docker backend's build: same context hash tag, same cache.
    const built = await this.builder.prepareImage(plan, service, progress, signal);
    const { tag } = parseReference(built.reference);
    const repository = `${registry}/${repositoryOf(built.reference)}`;
    progress("building", `pushing to ${repository}`);
    try {
      await this.docker.getImage(built.reference).tag({ repo: repository, tag: tag ?? "latest" });
      // The engine wants an auth header even for an open registry; its own stored login applies to a closed one.
      const stream = await this.docker.getImage(`${repository}:${tag ?? "latest"}`).push({ abortSignal: signal, authconfig: { serveraddress: registry.split("/")[0]! } });
      const digest = await pushedDigest(this.docker, stream);
      const reference = `${repository}@${digest}`;
      return { reference, id: built.id, digest: reference };
    } catch (cause) {
      throw new ServiceError(service.name, `the image built for "${service.name}" could not be pushed to ${registry}: ${(cause as Error).message.split("\n")[0]}`, {
        hint: "check that the registry answers and takes pushes from this machine (docker login <registry> for one that needs credentials)",
        cause,
      });
    }
  }
}

/** Follows a push to its end; the digest the registry gave the manifest. */
function pushedDigest(docker: Dockerode, stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let digest: string | undefined;
    docker.modem.followProgress(
      stream,
      (error: Error | null, events: { error?: string }[]) => {
        const failed = events?.find((e) => e.error);
        if (error) reject(error);
        else if (failed) reject(new Error(failed.error));
        else if (!digest) reject(new Error("the registry did not say the pushed image's digest"));
        else resolve(digest);
      },
      (event: { aux?: { Digest?: string } }) => {
        if (event.aux?.Digest) digest = event.aux.Digest;
      },
    );
  });
}
