import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import type { SourceRecord } from "../manifest/manifest.ts";

/** Reproduction could not start: what happened and what to do. Nothing was left behind. */
export class ReproError extends Error {
  readonly hint: string;
  constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ReproError";
    this.hint = hint;
  }
}

interface GitResult {
  ok: boolean;
  out: string;
  err: string;
}

/** Runs git; never prompts (a fetch that needs credentials fails instead of hanging). */
function git(cwd: string, args: string[]): GitResult {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_TERMINAL_PROMPT: "0" }, stdio: ["ignore", "pipe", "pipe"] });
  if (r.error) throw new ReproError(`git cannot be run (${r.error.message})`, "install git", { cause: r.error });
  return { ok: r.status === 0, out: r.stdout.trim(), err: r.stderr.trim() };
}

/** The root of the git work tree that holds `dir`, or undefined outside one. */
export function repositoryRoot(dir: string): string | undefined {
  const r = git(dir, ["rev-parse", "--show-toplevel"]);
  return r.ok ? r.out : undefined;
}

/** owner/name of a GitHub remote URL (https, ssh or scp form), else undefined. */
export function githubRepository(url: string): string | undefined {
  const m = /github\.com[:/]+([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(\.git)?\/?$/.exec(url.trim());
  return m ? `${m[1]}/${m[2]}` : undefined;
}

/** What is checked out in `dir`: for the manifest of a run on this machine. */
export function localSource(dir: string, repository?: string): Omit<SourceRecord, "pullRequest"> | undefined {
  const commit = git(dir, ["rev-parse", "HEAD"]);
  const tree = git(dir, ["rev-parse", "HEAD^{tree}"]);
  if (!commit.ok || !tree.ok) return undefined;
  const status = git(dir, ["status", "--porcelain", "--untracked-files=no"]);
  const origin = git(dir, ["remote", "get-url", "origin"]);
  const repo = repository ?? (origin.ok ? githubRepository(origin.out) : undefined);
  return { ...(repo ? { repository: repo } : {}), commit: commit.out, tree: tree.out, dirty: status.ok && status.out !== "" };
}

/** `dir` relative to the root of its repository, "." for the root. */
export function pathInRepository(root: string, dir: string): string {
  return relative(root, resolve(dir)) || ".";
}

export interface TreeRequest {
  repository?: string;
  pullRequest?: number;
  /** The commit to check out; with `mergeHead`, the base that head is merged into. */
  commit: string;
  mergeHead?: string;
  tree: string;
}

export interface Worktree {
  dir: string;
  /** What was done to get it, for the terminal. */
  steps: string[];
  remove(): void;
}

/**
 * The tested tree in a new, temporary git worktree: the developer's own working tree,
 * index, branch and stash are never touched. Missing commits are fetched (by hash, then
 * the pull request's head ref and the branches); the result must have the tree the run
 * tested, or it is removed again and the difference is the error.
 */
export function checkoutTree(root: string, request: TreeRequest, log: (step: string) => void = () => {}): Worktree {
  const steps: string[] = [];
  const step = (s: string) => {
    steps.push(s);
    log(s);
  };
  const remote = remoteFor(root, request.repository);
  const wanted = [request.commit, ...(request.mergeHead ? [request.mergeHead] : [])];
  const missing = () => wanted.filter((sha) => !git(root, ["cat-file", "-e", `${sha}^{commit}`]).ok);
  if (missing().length > 0) {
    if (!remote) throw new ReproError(`commit ${missing()[0]} is not in this clone, and it has no remote to fetch it from`, `run the command inside a clone of ${request.repository ?? "the repository"}`);
    step(`fetch ${missing().join(" ")} from ${remote}`);
    git(root, ["fetch", "--quiet", "--no-tags", remote, ...missing()]);
    if (missing().length > 0 && request.pullRequest !== undefined) {
      step(`fetch pull/${request.pullRequest}/head from ${remote}`);
      git(root, ["fetch", "--quiet", "--no-tags", remote, `+refs/pull/${request.pullRequest}/head:refs/prenv/pull/${request.pullRequest}/head`]);
    }
    if (missing().length > 0) {
      step(`fetch the branches of ${remote}`);
      git(root, ["fetch", "--quiet", "--no-tags", remote]);
    }
    const still = missing();
    if (still.length > 0) throw new ReproError(`commit ${still[0]} is neither in this clone nor in its remote ${remote}`, "check that this is a clone of the repository the run was for; a force-pushed pull request may have lost the commit");
  }
  const dir = mkdtempSync(join(tmpdir(), "prenv-repro-"));
  const remove = () => {
    git(root, ["worktree", "remove", "--force", dir]);
    rmSync(dir, { recursive: true, force: true });
    git(root, ["worktree", "prune"]);
  };
  step(`git worktree add --detach ${dir} ${request.commit.slice(0, 12)}`);
  const added = git(root, ["worktree", "add", "--quiet", "--detach", dir, request.commit]);
  if (!added.ok) {
    remove();
    throw new ReproError(`a worktree for ${request.commit} cannot be made: ${added.err}`, "check the disk space and that git can write to the repository's .git");
  }
  try {
    if (request.mergeHead) {
      // As GitHub makes the commit it tests on pull_request: head merged into base.
      step(`merge ${request.mergeHead.slice(0, 12)} into it, as the pull request's test merge did`);
      const merged = git(dir, ["-c", "user.name=prenv", "-c", "user.email=prenv@localhost", "merge", "--quiet", "--no-ff", "--no-edit", request.mergeHead]);
      if (!merged.ok) throw new ReproError(`head ${request.mergeHead} does not merge cleanly into base ${request.commit}: ${merged.err || merged.out}`, "the commits are not the ones the run tested; check the line");
    }
    const tree = git(dir, ["rev-parse", "HEAD^{tree}"]).out;
    if (tree !== request.tree) throw new ReproError(`the rebuilt tree is ${tree}, not the tree the run tested (${request.tree})`, "the line's commits do not give the tested tree: was it edited? Use the line exactly as the run printed it");
  } catch (e) {
    remove();
    throw e;
  }
  return { dir, steps, remove };
}

/** The remote whose URL names the repository, else origin, else the only one. */
function remoteFor(root: string, repository: string | undefined): string | undefined {
  const names = git(root, ["remote"]).out.split("\n").filter(Boolean);
  if (repository) {
    for (const name of names) {
      const url = git(root, ["remote", "get-url", name]);
      if (url.ok && githubRepository(url.out)?.toLowerCase() === repository.toLowerCase()) return name;
    }
  }
  return names.includes("origin") ? "origin" : names.length === 1 ? names[0] : undefined;
}
