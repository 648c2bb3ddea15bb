import { createHash } from "node:crypto";
import { z } from "../util/zod.ts";
import type { RunReport } from "../engine/run.ts";
import type { ChaosRecord } from "../chaos/model.ts";
import { stableJson } from "../util/objects.ts";

/** The manifest format; a newer one is refused by an older prenv, with the version to use. */
export const MANIFEST_VERSION = 1 as const;
export const MANIFEST_FILE = "manifest.json";

/** The source tree a run tested, as git knows it. */
export interface SourceRecord {
  /** owner/name on GitHub, when known (the Action, or an origin remote on github.com). */
  repository?: string;
  /** The commit checked out when the run started (on pull_request: GitHub's merge commit). */
  commit: string;
  /** Its tree: what a reproduction must rebuild, whatever the commit's own hash. */
  tree: string;
  pullRequest?: {
    number: number;
    head: string;
    base: string;
    /** The tested commit merged head into base (GitHub's `pull_request` checkout): rebuild it the same way. */
    merged: boolean;
  };
  /** The working tree had changes that are in no commit: a reproduction cannot bring them back. */
  dirty: boolean;
}

export interface ImageRecord {
  service: string;
  /** As the definition names it. */
  reference: string;
  /** The local image ID that ran. */
  id: string;
  /** repository@sha256:... of the image that ran, when it came from a registry. */
  digest?: string;
  /** Built by prenv from the repository: rebuilt from the same tree (its tag is the hash of what it was built from). */
  built: boolean;
  /** A built image's base images (Dockerfile FROM) as they were. */
  baseImages?: { reference: string; id: string; digest?: string }[];
}

export interface TestRecord {
  suite?: string;
  name: string;
  file?: string;
}

/** Everything a run needs to be run again exactly; the report, the line and previews read it. */
export interface RunManifest {
  manifestVersion: typeof MANIFEST_VERSION;
  prenvVersion: string;
  createdAt: string;
  source: SourceRecord;
  /** Where prenv ran, relative to the repository's root ("." for the root). */
  workingDirectory: string;
  /** The prenv.yml, relative to the working directory, when one was named. */
  definition?: string;
  /** Compose files as given (-f), relative to the working directory; empty: the defaults. */
  composeFiles: string[];
  profiles: string[];
  /** A secret's value is never here: `secret: true` stands in for it. */
  params: RunReport["params"];
  images: ImageRecord[];
  backend: string;
  test?: {
    /** The command that ran, when the workflow replaced the definition's own. */
    commandOverride?: string;
    /** Only these tests ran (a reproduction with a selection). */
    selection?: TestRecord[];
  };
  outcome: RunReport["outcome"];
  failedTests: TestRecord[];
  /** The run had chaos: its seed (a reproduction runs with it) and the timeline of its faults. */
  chaos?: ChaosRecord;
  /** sha256 of the manifest's canonical JSON without this field. */
  checksum: string;
}

export type ManifestDraft = Omit<RunManifest, "checksum" | "manifestVersion">;

/** The manifest of a finished run: what it was asked (the draft) and what it found (the report). */
export function buildManifest(draft: Omit<ManifestDraft, "images" | "outcome" | "failedTests" | "chaos">, report: RunReport): RunManifest {
  const images: ImageRecord[] = report.services.map((s) => ({
    service: s.name,
    reference: s.image,
    id: s.imageId ?? "",
    ...(s.digest ? { digest: s.digest } : {}),
    built: s.built === true,
    ...(s.baseImages?.length ? { baseImages: s.baseImages } : {}),
  }));
  const failedTests = (report.tests?.cases ?? [])
    .filter((c) => c.status === "failed" || c.status === "error")
    .map((c) => ({ ...(c.suite ? { suite: c.suite } : {}), name: c.name, ...(c.file ? { file: c.file } : {}) }));
  return seal({ ...draft, images, outcome: report.outcome, failedTests, ...(report.chaos ? { chaos: report.chaos } : {}) });
}

export function seal(draft: ManifestDraft): RunManifest {
  const body = { manifestVersion: MANIFEST_VERSION, ...draft };
  return { ...body, checksum: checksumOf(body) };
}

function checksumOf(body: unknown): string {
  return `sha256:${createHash("sha256").update(stableJson(body)).digest("hex")}`;
}

/**
 * How the images of a reproduction differ from the run's: a built image made from other
 * content (its tag is the hash of what it was built from), or from base images that have
 * changed since; pulled images are pinned by digest and cannot differ.
 */
export function imageDifferences(then: ImageRecord[], now: ImageRecord[]): string[] {
  const out: string[] = [];
  for (const before of then.filter((i) => i.built)) {
    const after = now.find((i) => i.service === before.service);
    if (!after) continue;
    if (after.reference !== before.reference) out.push(`service ${before.service} was built from other content than in the run (${after.reference}, the run had ${before.reference})`);
    for (const base of before.baseImages ?? []) {
      const current = after.baseImages?.find((b) => b.reference === base.reference);
      if (current && current.id !== base.id) out.push(`service ${before.service}'s base image ${base.reference} is ${current.id.slice(0, 19)} here, the run had ${base.id.slice(0, 19)}${base.digest ? ` (${base.digest}: pull it and tag it ${base.reference} to build on the same one)` : ""}`);
    }
  }
  return out;
}

/** A manifest that cannot be used: the message says why and what to do. */
export class ManifestError extends Error {
  readonly hint: string;
  constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ManifestError";
    this.hint = hint;
  }
}

/** Reads a manifest's text; refuses one from a newer prenv, a damaged one and one whose checksum does not match. */
export function parseManifest(text: string, file: string, prenvVersion: string): RunManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ManifestError(`${file} is not JSON (${(cause as Error).message})`, "download it again from the run's artifact", { cause });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ManifestError(`${file} is not a prenv run manifest`, "point --manifest at the manifest.json of a run's results folder");
  const record = value as Record<string, unknown>;
  const version = record.manifestVersion;
  if (typeof version !== "number") throw new ManifestError(`${file} is not a prenv run manifest (it has no manifestVersion)`, "point --manifest at the manifest.json of a run's results folder");
  if (version > MANIFEST_VERSION) {
    const by = typeof record.prenvVersion === "string" ? record.prenvVersion : "a newer prenv";
    throw new ManifestError(`${file} was written by prenv ${by}, in a manifest format this prenv (${prenvVersion}) does not know`, `run it with that version: npx prenv@${by} repro --manifest ${file}`);
  }
  const { checksum, ...body } = record;
  if (typeof checksum !== "string" || checksum !== checksumOf(body)) {
    throw new ManifestError(`${file} has been changed since prenv wrote it (its checksum does not match)`, "use the manifest.json exactly as the run's artifact holds it");
  }
  const parsed = manifestSchema.safeParse(record);
  if (!parsed.success) throw new ManifestError(`${file} is not a valid prenv run manifest: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}`, "use the manifest.json exactly as the run's artifact holds it");
  return parsed.data;
}

const sha = z.string().regex(/^[0-9a-f]{40}$/);
const testRecord = z.object({ suite: z.string().optional(), name: z.string(), file: z.string().optional() });
const faultAction = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("kill"), target: z.string(), signal: z.string() }),
  z.object({ kind: z.literal("stop"), target: z.string() }),
  z.object({ kind: z.literal("restart"), target: z.string() }),
  z.object({ kind: z.literal("pause"), target: z.string() }),
  z.object({ kind: z.literal("partition"), target: z.string(), peer: z.string() }),
  z.object({ kind: z.literal("loss"), target: z.string(), percent: z.number() }),
  z.object({ kind: z.literal("bandwidth"), target: z.string(), bitsPerSecond: z.number() }),
  z.object({ kind: z.literal("latency"), target: z.string(), delayMs: z.number(), jitterMs: z.number(), ports: z.array(z.number()) }),
]);
const manifestSchema = z.object({
  manifestVersion: z.literal(MANIFEST_VERSION),
  prenvVersion: z.string(),
  createdAt: z.string(),
  source: z.object({
    repository: z.string().optional(),
    commit: sha,
    tree: sha,
    pullRequest: z.object({ number: z.number().int().positive(), head: sha, base: sha, merged: z.boolean() }).optional(),
    dirty: z.boolean(),
  }),
  workingDirectory: z.string(),
  definition: z.string().optional(),
  composeFiles: z.array(z.string()),
  profiles: z.array(z.string()),
  params: z.record(z.string(), z.object({ value: z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]).optional(), origin: z.string().optional(), secret: z.literal(true).optional() })),
  images: z.array(
    z.object({
      service: z.string(),
      reference: z.string(),
      id: z.string(),
      digest: z.string().optional(),
      built: z.boolean(),
      baseImages: z.array(z.object({ reference: z.string(), id: z.string(), digest: z.string().optional() })).optional(),
    }),
  ),
  backend: z.string(),
  test: z.object({ commandOverride: z.string().optional(), selection: z.array(testRecord).optional() }).optional(),
  outcome: z.enum(["passed", "failed", "error"]),
  failedTests: z.array(testRecord),
  chaos: z
    .object({
      seed: z.string(),
      timeline: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          action: faultAction,
          plannedStartMs: z.number(),
          durationMs: z.number().nullable(),
          actualStartMs: z.number().optional(),
          how: z.string().optional(),
          applied: z.enum(["applied", "failed", "not reached"]),
          error: z.string().optional(),
          undoneAtMs: z.number().optional(),
          undo: z.enum(["undone", "nothing to undo", "failed", "not applied"]),
          undoDetail: z.string().optional(),
        }),
      ),
    })
    .optional(),
  checksum: z.string(),
});
