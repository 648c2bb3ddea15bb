import { z } from "../util/zod.ts";
import type { RunReport } from "../engine/run.ts";
import type { ImageRecord, RunManifest } from "../manifest/manifest.ts";
import type { TestCaseResult, TestStatus } from "../results/model.ts";
import type { Redactor } from "../secrets/redact.ts";

/** The summary format; a summary of another version is treated as no baseline. */
export const SUMMARY_VERSION = 1 as const;

/** One test of a run, as later runs compare with it. */
export interface TestSummary {
  /** `suite › name` (or the name alone): what tells tests apart between runs. */
  id: string;
  status: TestStatus;
  durationMs: number;
  /** When the runner retried it. */
  attempts?: number;
}

/** Where a run ran: the branch, or the pull request and its commit. */
export type RunScope = { kind: "branch"; branch: string } | { kind: "pull-request"; number: number; baseBranch?: string };

/**
 * What prenv keeps of a finished run between runs (in the Actions cache): compact, and
 * with every secret value masked. Made from the run's report and its manifest only.
 */
export interface RunSummary {
  summaryVersion: typeof SUMMARY_VERSION;
  scope: RunScope;
  /** The commit that was tested. */
  commit: string;
  /** GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT, when known. */
  runId?: string;
  runAttempt?: number;
  /** The run's page. */
  url?: string;
  finishedAt: string;
  outcome: RunReport["outcome"];
  tests: TestSummary[];
  timings: RunReport["timings"];
  /** Each service's time from the start of the boot to ready. */
  services: { name: string; readyMs?: number }[];
  images: Omit<ImageRecord, "built">[];
}

/** The identity of a test between runs. */
export function testId(c: Pick<TestCaseResult, "suite" | "name">): string {
  return c.suite ? `${c.suite} › ${c.name}` : c.name;
}

export interface SummaryContext {
  scope: RunScope;
  commit: string;
  runId?: string;
  runAttempt?: number;
  url?: string;
}

/** The summary of a finished run; every string goes through the redactor. */
export function summarize(report: RunReport, manifest: RunManifest | undefined, context: SummaryContext, redactor: Redactor): RunSummary {
  const summary: RunSummary = {
    summaryVersion: SUMMARY_VERSION,
    scope: context.scope,
    commit: manifest?.source.commit ?? context.commit,
    ...(context.runId ? { runId: context.runId } : {}),
    ...(context.runAttempt !== undefined ? { runAttempt: context.runAttempt } : {}),
    ...(context.url ? { url: context.url } : {}),
    finishedAt: report.finishedAt,
    outcome: report.outcome,
    tests: (report.tests?.cases ?? []).map((c) => ({ id: testId(c), status: c.status, durationMs: c.durationMs, ...(c.attempts !== undefined ? { attempts: c.attempts } : {}) })),
    timings: report.timings,
    services: report.services.map((s) => ({ name: s.name, ...(s.readyMs !== undefined ? { readyMs: s.readyMs } : {}) })),
    images: (manifest?.images ?? []).map((i) => ({ service: i.service, reference: i.reference, id: i.id, ...(i.digest ? { digest: i.digest } : {}) })),
  };
  return redactor.redactDeep(summary);
}

const ms = z.number().nonnegative();
const summarySchema = z.object({
  summaryVersion: z.literal(SUMMARY_VERSION),
  scope: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("branch"), branch: z.string() }),
    z.object({ kind: z.literal("pull-request"), number: z.number().int().positive(), baseBranch: z.string().optional() }),
  ]),
  commit: z.string(),
  runId: z.string().optional(),
  runAttempt: z.number().int().positive().optional(),
  url: z.string().optional(),
  finishedAt: z.string(),
  outcome: z.enum(["passed", "failed", "error"]),
  tests: z.array(z.object({ id: z.string(), status: z.enum(["passed", "failed", "error", "skipped", "flaky"]), durationMs: ms, attempts: z.number().int().positive().optional() })),
  timings: z.object({ bootMs: ms.optional(), setupMs: ms.optional(), testMs: ms.optional(), teardownMs: ms.optional(), totalMs: ms }),
  services: z.array(z.object({ name: z.string(), readyMs: ms.optional() })),
  images: z.array(z.object({ service: z.string(), reference: z.string(), id: z.string(), digest: z.string().optional() })),
});

/** A summary read back from the cache; anything else (another version, damage) is an error saying so. */
export class SummaryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SummaryError";
  }
}

export function parseSummary(text: string, from: string): RunSummary {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new SummaryError(`the run summary ${from} is not JSON (${(cause as Error).message})`, { cause });
  }
  const parsed = summarySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SummaryError(`the run summary ${from} is not one this prenv reads (${issue?.path.join(".") || "the whole"}: ${issue?.message})`, { cause: parsed.error });
  }
  return parsed.data;
}
