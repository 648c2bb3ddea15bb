import { envName } from "../definition/params.ts";
import type { RunManifest } from "../manifest/manifest.ts";
import type { Reproduction } from "../report/view.ts";
import { shellQuote } from "../util/shell.ts";

/** Longer lines name the manifest in the run's artifact instead of carrying everything. */
export const LINE_LIMIT = 400;

/** Where the manifest can be had when the line is too long to carry the run. */
export interface ManifestLocation {
  /** The workflow run whose artifact holds it (`gh run download`). */
  runId?: string;
  artifact?: string;
  /** The manifest's path for a run on this machine. */
  path?: string;
}

/**
 * The one line that brings a run back: `npx prenv@<version> repro ...` with the commits
 * (and the tree they must give), the definition, the parameters, the image digests that
 * ran, the chaos seed and the failed tests. Defaults and secrets are not in it: defaults come back with
 * the commit, and each secret is named in a note with the variable to set. When that
 * would be longer than LINE_LIMIT, the line downloads the run's manifest and reproduces
 * from it instead.
 */
export function reproductionLine(manifest: RunManifest, where: ManifestLocation = {}): Reproduction {
  const notes: string[] = [];
  const head = ["npx", `prenv@${manifest.prenvVersion}`, "repro"];
  // Also in the arguments: a local prenv older than the line refuses it instead of guessing.
  const made = ["--prenv", manifest.prenvVersion];
  const source = manifest.source;
  const target: string[] = [];
  if (source.repository) target.push(source.pullRequest ? `${source.repository}#${source.pullRequest.number}` : source.repository);
  if (source.pullRequest?.merged) target.push("--head", source.pullRequest.head, "--base", source.pullRequest.base);
  else target.push("--commit", source.commit);
  target.push("--tree", source.tree);

  const args: string[] = [];
  if (manifest.workingDirectory !== ".") args.push("--dir", manifest.workingDirectory);
  if (manifest.definition) args.push("-d", manifest.definition);
  for (const file of manifest.composeFiles) args.push("-f", file);
  for (const profile of manifest.profiles) args.push("--profile", profile);
  for (const [name, param] of Object.entries(manifest.params).sort(([a], [b]) => a.localeCompare(b))) {
    if (param.secret) {
      notes.push(`parameter ${name} is secret, so it is not in the command: set PRENV_SECRET_${envName(name)} before running it`);
      if (param.origin !== undefined && param.origin !== "default") args.push("--secret", name);
      continue;
    }
    if (param.origin === "default" || param.origin === undefined || param.value === undefined) continue;
    args.push("--set", `${name}=${Array.isArray(param.value) ? param.value.join(",") : String(param.value)}`);
  }
  for (const image of manifest.images) {
    const digest = image.digest?.slice(image.digest.indexOf("@") + 1);
    if (!image.built && digest) args.push("--pin", `${image.service}=${digest}`);
  }
  if (manifest.test?.commandOverride !== undefined) args.push("--test-command", manifest.test.commandOverride);
  // The seed brings back the schedule: with the same tree (hence definition), the same faults at the same offsets.
  if (manifest.chaos) args.push("--seed", manifest.chaos.seed);
  const only = [...new Set(manifest.failedTests.map((t) => t.name))].flatMap((name) => ["--only", name]);
  if (source.dirty) notes.push("the run had changes that were in no commit: the command brings back the commit, not those changes");

  const inline = [...head, ...target, ...made, ...args, ...only].map(shellQuote).join(" ");
  if (inline.length <= LINE_LIMIT) return { command: inline, notes };
  const byManifest = [...head, "--manifest"];
  const failed = manifest.failedTests.length > 0 ? ["--only-failed"] : [];
  if (where.runId && where.artifact && source.repository) {
    const dir = `prenv-run-${where.runId}`;
    const download = ["gh", "run", "download", where.runId, "-R", source.repository, "-n", where.artifact, "-D", dir].map(shellQuote).join(" ");
    notes.push(`the run is too large for one inline command: this one downloads its manifest (the artifact ${where.artifact}) with the GitHub CLI; with the file at hand, \`prenv repro --manifest <file>\` works offline`);
    return { command: `${download} && ${[...byManifest, `${dir}/manifest.json`, ...failed].map(shellQuote).join(" ")}`, notes };
  }
  return { command: [...byManifest, where.path ?? "prenv-results/manifest.json", ...failed].map(shellQuote).join(" "), notes };
}
