import * as core from "@actions/core";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { compareRuns, type Comparison } from "../history/compare.ts";
import { branchPrefix, commitPrefix, summaryKey } from "../history/keys.ts";
import { parseSummary, summarize, SummaryError, type RunScope, type RunSummary } from "../history/summary.ts";
import type { RunReport } from "../engine/run.ts";
import type { RunManifest } from "../manifest/manifest.ts";
import type { Redactor } from "../secrets/redact.ts";
import type { RunContext } from "./context.ts";
import { PRIVILEGED_EVENTS } from "./trust.ts";

/** The cache as prenv uses it: one small text per key. On a runner, the Actions cache. */
export interface SummaryCache {
  /** The newest entry whose key starts with one of the prefixes (the first that has one); undefined when none does. */
  restore(prefixes: string[]): Promise<string | undefined>;
  save(key: string, text: string): Promise<SaveOutcome>;
}

export type SaveOutcome = { saved: true } | { saved: false; reason: string };

/** The cache could not be used; prenv says so and goes on. */
export class HistoryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "HistoryError";
  }
}

/**
 * Where the summary file is while it is saved or restored, in the workspace: the same
 * path every time, because the cache keys its entries' versions by the paths.
 */
const ENTRY_PATH = ".prenv-history/summary.json";

/** The Actions cache (@actions/cache), loaded on use; the entry's file lives in the workspace only while it is saved or read. */
export function actionsSummaryCache(workspace: string): SummaryCache {
  const file = join(workspace, ENTRY_PATH);
  // Absolute: the package resolves relative paths from the current directory, which need not be the workspace.
  const clean = () => rm(dirname(file), { recursive: true, force: true });
  return {
    async restore(prefixes) {
      const cache = await import("@actions/cache");
      await clean();
      try {
        // No entry has the first key exactly: the prefixes find the newest of each kind.
        const hit = await cache.restoreCache([file], `${prefixes[0]}latest`, prefixes);
        if (!hit) return undefined;
        return await readFile(file, "utf8");
      } catch (e) {
        throw new HistoryError(`the run history could not be read from the Actions cache: ${(e as Error).message}`, { cause: e });
      } finally {
        await clean();
      }
    },
    async save(key, text) {
      const cache = await import("@actions/cache");
      await mkdir(dirname(file), { recursive: true });
      try {
        await writeFile(file, text);
        const id = await cache.saveCache([file], key);
        // The package reports a refused or failed save (a read-only token: CacheWriteDeniedError) in the log, and returns -1.
        return id === -1 ? { saved: false, reason: "the Actions cache did not take it (its message is above in the log; a read-only cache token refuses writes)" } : { saved: true };
      } catch (e) {
        if (e instanceof cache.CacheWriteDeniedError) return { saved: false, reason: `the cache token is read-only (${e.message})` };
        throw new HistoryError(`the run summary could not be saved to the Actions cache: ${(e as Error).message}`, { cause: e });
      } finally {
        await clean();
      }
    },
  };
}

/** What this run may do with the cache, and why not. */
export interface HistoryAccess {
  read: boolean;
  write: boolean;
  /** Said once, as a notice, when something is left out. */
  notice?: string;
}

/**
 * GitHub's rules, as the runner exports them (ACTIONS_CACHE_MODE: none, read, write,
 * write-only; unset is write), and prenv's own: under privileged triggers the cache is
 * the base branch's, so nothing a pull request's code produced is written there.
 */
export function historyAccess(env: Record<string, string | undefined>, context: Pick<RunContext, "eventName">): HistoryAccess {
  const mode = (env.ACTIONS_CACHE_MODE ?? "").trim().toLowerCase();
  const v2 = Boolean(env.ACTIONS_CACHE_SERVICE_V2);
  if (!(v2 ? env.ACTIONS_RESULTS_URL : env.ACTIONS_CACHE_URL)) return { read: false, write: false, notice: "no run history: the Actions cache service is not available to this step, so the run is not compared with the base branch" };
  if (mode === "none") return { read: false, write: false, notice: "no run history: the cache mode of this run is none (ACTIONS_CACHE_MODE), so the run is not compared with the base branch" };
  if (mode === "write-only") return { read: false, write: true, notice: "the cache mode of this run is write-only (ACTIONS_CACHE_MODE): its summary is saved, but it is not compared with the base branch" };
  if (mode === "read") return { read: true, write: false, notice: "the cache is read-only for this run (ACTIONS_CACHE_MODE=read): it is compared with the base branch, but its own summary is not saved" };
  if (PRIVILEGED_EVENTS.includes(context.eventName)) return { read: true, write: false, notice: `under ${context.eventName} the cache is the base branch's: prenv compares with it but saves no summary there` };
  return { read: true, write: true };
}

/** The scope of this run's summary: its pull request, or its branch; undefined for tags and the like. */
export function scopeOf(context: Pick<RunContext, "eventName" | "pullRequest" | "ref">): RunScope | undefined {
  const pr = context.pullRequest;
  if (pr && context.eventName.startsWith("pull_request")) return { kind: "pull-request", number: pr.number, ...(pr.baseRef ? { baseBranch: pr.baseRef } : {}) };
  const branch = context.ref?.startsWith("refs/heads/") ? context.ref.slice("refs/heads/".length) : undefined;
  return branch ? { kind: "branch", branch } : undefined;
}

export interface HistoryStep {
  cache: SummaryCache;
  access: HistoryAccess;
  /** Tells the summaries of several prenv steps apart: the comment key. */
  slot: string;
  summary: RunSummary;
  runId: string;
}

/**
 * Reads the base branch's latest summary and the previous attempt of this commit,
 * compares, then saves this run's summary. Cache problems become notices; this never
 * throws and never decides the step.
 */
export async function compareAndRecord(step: HistoryStep): Promise<Comparison | undefined> {
  const { cache, access, slot, summary } = step;
  if (access.notice) core.notice(`prenv: ${access.notice}`);
  let comparison: Comparison | undefined;
  if (access.read) {
    const scope = summary.scope;
    const base = scope.kind === "pull-request" && scope.baseBranch ? await restore(cache, [branchPrefix(slot, scope.baseBranch)]) : undefined;
    const earlier = await restore(cache, [scope.kind === "pull-request" ? commitPrefix(slot, scope.number, summary.commit) : branchPrefix(slot, scope.branch)]);
    comparison = compareRuns(summary, base, earlier);
    if (scope.kind === "pull-request" && scope.baseBranch) comparison.baseBranch = scope.baseBranch;
    // A branch run has no base to compare with: only its earlier attempts matter.
    if (scope.kind === "branch") comparison = comparison.flaky.length > 0 ? { ...comparison, expectsBaseline: false } : undefined;
  }
  if (access.write) {
    const key = summaryKey(slot, summary.scope, summary.commit, step.runId, summary.runAttempt ?? 1);
    try {
      const outcome = await cache.save(key, JSON.stringify(summary));
      if (outcome.saved) core.info(`prenv: saved this run's summary to the Actions cache as ${key}`);
      else core.notice(`prenv: this run's summary was not saved to the Actions cache: ${outcome.reason}. Later runs compare with older runs instead; this run is not affected.`);
    } catch (e) {
      core.notice(`prenv: ${(e as Error).message}. Later runs compare with older runs instead; this run is not affected.`);
    }
  }
  return comparison;
}

async function restore(cache: SummaryCache, prefixes: string[]): Promise<RunSummary | undefined> {
  try {
    const text = await cache.restore(prefixes);
    return text === undefined ? undefined : parseSummary(text, `under ${prefixes[0]}`);
  } catch (e) {
    if (e instanceof HistoryError || e instanceof SummaryError) {
      core.notice(`prenv: ${e.message}; it is left out of the comparison`);
      return undefined;
    }
    throw e;
  }
}

export interface RunHistoryInput {
  enabled: boolean;
  env: Record<string, string | undefined>;
  context: RunContext;
  slot: string;
  report: RunReport;
  manifest: RunManifest | undefined;
  /** The commit that was tested. */
  commit: string;
  /** The run's page (this attempt's). */
  url: string | undefined;
  redactor: Redactor;
  cache: SummaryCache;
}

/** The main step's use of the run history: summary, comparison, save. Undefined when there is nothing to compare. */
export async function runHistory(input: RunHistoryInput): Promise<Comparison | undefined> {
  if (!input.enabled) return undefined;
  const { context } = input;
  const scope = scopeOf(context);
  if (!scope || !context.runId) return undefined;
  const attempt = Number(context.runAttempt ?? "1");
  const summary = summarize(input.report, input.manifest, { scope, commit: input.commit, runId: context.runId, ...(Number.isInteger(attempt) && attempt > 0 ? { runAttempt: attempt } : {}), ...(input.url ? { url: input.url } : {}) }, input.redactor);
  return compareAndRecord({ cache: input.cache, access: historyAccess(input.env, context), slot: input.slot, summary, runId: context.runId });
}
