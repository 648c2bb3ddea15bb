import * as core from "@actions/core";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import type { Backend, RemovalReport } from "../backends/backend.ts";
import { selectBackend, type BackendSelection } from "../backends/select.ts";
import { gc } from "../engine/lifecycle.ts";
import { restCommentApi, type CommentApi } from "../github/client.ts";
import { StickyComment } from "../github/sticky-comment.ts";
import { COMMENT_LIMIT, renderReport, SUMMARY_LIMIT } from "../report/render.ts";
import type { ReportView } from "../report/view.ts";
import { VERSION } from "../version.ts";
import { readRunContext, type RunContext } from "./context.ts";
import { readSettings, type InputReader } from "./inputs.ts";
import { actionsState, loadRun, type SavedRun, type StateStore } from "./state.ts";

export interface PostDependencies {
  readInput?: InputReader;
  env: Record<string, string | undefined>;
  state: StateStore;
  commentApi: (token: string, context: RunContext) => CommentApi;
  /** The backend the main step used: the same inputs select it. */
  backend: (selection: BackendSelection) => Promise<Backend>;
}

/** The post step: always runs, never fails the job, and exits. */
export async function run(): Promise<void> {
  try {
    await runPost({
      env: process.env,
      state: actionsState,
      commentApi: (token, context) => restCommentApi({ token, apiUrl: context.apiUrl, repository: context.repository }),
      backend: (selection) => selectBackend(selection, process.env, { version: VERSION, onWarning: (message) => core.warning(`prenv post step: ${message}`) }),
    });
  } catch (e) {
    core.warning(`prenv post step: ${(e as Error)?.stack ?? String(e)}`);
  }
  process.exit(0);
}

/**
 * Removes what the main step created (from its saved state: also when the main step was
 * cancelled or killed), then sweeps this host for environments whose creator is gone,
 * and brings the comment up to date. A preview (command: preview) is left up. Every
 * problem is a warning.
 */
export async function runPost(deps: PostDependencies): Promise<void> {
  const saved = loadRun(deps.state);
  // The main step's environment lives where its inputs put it (Docker, or a cluster).
  let selection: BackendSelection = {};
  try {
    selection = readSettings(deps.readInput).backend;
  } catch {
    // Inputs the main step refused: it created nothing; the sweep looks at the default backend.
  }
  let backend: Backend;
  try {
    backend = await deps.backend(selection);
    await backend.ping();
  } catch (e) {
    const where = selection.backend === "kubernetes" ? "no Kubernetes cluster answers" : "no Docker engine answers";
    if (saved.environment) core.warning(`prenv post step: ${where}, so ${saved.environment} could not be checked or removed: ${(e as Error).message}`);
    return;
  }

  let removed: RemovalReport | undefined;
  let removalMs = 0;
  // A preview stays up after the job: closing its pull request or its expiry removes it.
  if (saved.keep && saved.environment) core.info(`prenv: ${saved.environment} is a preview and stays up`);
  if (saved.environment && !saved.keep) {
    const started = Date.now();
    try {
      removed = await backend.remove(saved.environment, { keepVolumes: false });
      removalMs = Date.now() - started;
      const total = removed.containers + removed.networks + removed.volumes;
      if (total > 0) core.info(`prenv: removed ${saved.environment}: ${removed.containers} containers, ${removed.networks} networks, ${removed.volumes} volumes`);
    } catch (e) {
      core.warning(`prenv post step: removing ${saved.environment} failed: ${(e as Error).message}; \`prenv gc\` removes it later`);
    }
  }

  try {
    for (const { decision } of await gc(backend, { host: hostname() })) {
      core.info(`prenv: swept ${decision.environment.environment}: ${decision.reason}`);
    }
  } catch (e) {
    core.warning(`prenv post step: the sweep for leftovers failed: ${(e as Error).message}`);
  }

  const somethingRemoved = removed !== undefined && removed.containers + removed.networks + removed.volumes > 0;
  if ((saved.phase === "finished" || saved.keep) && !somethingRemoved) return;
  await reportTeardown(deps, saved, removed, removalMs);
}

/** The comment and summary said "booting", "up" or "kept": now the environment is gone. */
async function reportTeardown(deps: PostDependencies, saved: SavedRun, removed: RemovalReport | undefined, removalMs: number): Promise<void> {
  if (!saved.viewFile) return;
  let view: ReportView;
  try {
    view = JSON.parse(readFileSync(saved.viewFile, "utf8")) as ReportView;
  } catch {
    return; // The main step never got to show anything.
  }
  view.fate = { state: "torn-down", by: "post step", durationMs: removalMs, ...(removed ? { removed } : {}) };
  if (saved.phase !== "finished") {
    view.status = "interrupted";
    view.problem = { message: "the main step ended before it finished (cancelled, timed out or killed); the post step removed what it had created" };
  }
  try {
    await core.summary.addRaw(renderReport(view, { limit: SUMMARY_LIMIT, overflow: { label: "the log of this job" } })).write();
  } catch (e) {
    core.warning(`prenv post step: the job summary could not be written: ${(e as Error).message}`);
  }
  const comment = saved.comment;
  if (!comment?.comment) return;
  try {
    const settings = readSettings(deps.readInput);
    if (!settings.comment) return;
    const context = readRunContext(deps.env);
    const sticky = new StickyComment(deps.commentApi(settings.token, context), comment.issue, comment.key, comment.comment);
    const overflow = { label: "the job summary", ...(view.links.summary ? { url: view.links.summary } : {}) };
    await sticky.publish(renderReport(view, { limit: COMMENT_LIMIT - 200, overflow }));
  } catch (e) {
    core.warning(`prenv post step: the pull request comment could not be updated: ${(e as Error).message}`);
  }
}
