import { readFileSync } from "node:fs";

/** The pull request a run is about, from the event payload. */
export interface PullRequestInfo {
  number: number;
  /** opened, synchronize, reopened, closed... */
  action: string | undefined;
  headSha: string;
  /** The base branch's name (`main`), when the payload gives it. */
  baseRef?: string;
  /** The base branch's commit the pull request was compared with (and, on pull_request, merged into). */
  baseSha: string;
  /** owner/name of the repository the head branch lives in; undefined when it was deleted. */
  headRepository: string | undefined;
  baseRepository: string;
  /** The head is in another repository: GitHub gives such runs a read-only token. */
  fromFork: boolean;
}

/** Where and why the job runs: the runner's GITHUB_* variables and the event payload. */
export interface RunContext {
  eventName: string;
  repository: { owner: string; repo: string };
  /** GITHUB_SHA: for pull_request, the merge commit; for pull_request_target and workflow_run, the base branch's commit. */
  sha: string;
  /** GITHUB_REF: `refs/heads/main`, `refs/pull/12/merge` ... */
  ref: string | undefined;
  runId: string | undefined;
  runAttempt: string | undefined;
  /** GITHUB_RUN_NUMBER: the "#812" people see. */
  runNumber: string | undefined;
  /** The job's id in the workflow file (GITHUB_JOB). */
  job: string | undefined;
  serverUrl: string;
  apiUrl: string;
  workspace: string;
  runnerTemp: string;
  pullRequest: PullRequestInfo | undefined;
  /** For workflow_run: the commit the triggering run was for. */
  workflowRunHeadSha: string | undefined;
  /** The artifact service can be reached (only inside a real job). */
  artifactService: boolean;
  /**
   * The variables a test command and the definition see: the runner's, without what
   * belongs to this step alone (its inputs, which hold the token, its output and state
   * files) or to the runner's services (their tokens).
   */
  childEnv: Record<string, string | undefined>;
}

export class ContextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ContextError";
  }
}

const PRIVATE = /^(INPUT_|STATE_)|^(ACTIONS_RUNTIME_TOKEN|ACTIONS_RUNTIME_URL|ACTIONS_RESULTS_URL|ACTIONS_CACHE_URL|ACTIONS_ID_TOKEN_REQUEST_TOKEN|ACTIONS_ID_TOKEN_REQUEST_URL|GITHUB_OUTPUT|GITHUB_STATE|GITHUB_STEP_SUMMARY)$/;

/** Reads the runner's environment; `readFile` reads the event payload. */
export function readRunContext(env: Record<string, string | undefined>, readFile: (path: string) => string = (p) => readFileSync(p, "utf8")): RunContext {
  const repository = env.GITHUB_REPOSITORY ?? "";
  const [owner, repo] = repository.split("/");
  if (!owner || !repo) throw new ContextError("GITHUB_REPOSITORY is not set to owner/name: prenv's Action runs inside a GitHub Actions job (use the prenv CLI elsewhere)");
  const eventName = env.GITHUB_EVENT_NAME ?? "";
  let payload: Record<string, unknown> = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(readFile(env.GITHUB_EVENT_PATH)) as Record<string, unknown>;
    } catch (e) {
      throw new ContextError(`cannot read the event payload ${env.GITHUB_EVENT_PATH}: ${(e as Error).message}`);
    }
  }
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  return {
    eventName,
    repository: { owner, repo },
    sha: env.GITHUB_SHA ?? "",
    ref: env.GITHUB_REF,
    runId: env.GITHUB_RUN_ID,
    runAttempt: env.GITHUB_RUN_ATTEMPT,
    runNumber: env.GITHUB_RUN_NUMBER,
    job: env.GITHUB_JOB,
    serverUrl: (env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/$/, ""),
    apiUrl: (env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/$/, ""),
    workspace,
    runnerTemp: env.RUNNER_TEMP ?? workspace,
    pullRequest: pullRequestOf(eventName, payload),
    workflowRunHeadSha: eventName === "workflow_run" ? stringAt(payload, ["workflow_run", "head_sha"]) : undefined,
    artifactService: Boolean(env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL),
    childEnv: Object.fromEntries(Object.entries(env).filter(([k]) => !PRIVATE.test(k))),
  };
}

function pullRequestOf(eventName: string, payload: Record<string, unknown>): PullRequestInfo | undefined {
  if (eventName === "pull_request" || eventName === "pull_request_target") {
    const number = numberAt(payload, ["pull_request", "number"]) ?? numberAt(payload, ["number"]);
    if (number === undefined) return undefined;
    const headRepository = stringAt(payload, ["pull_request", "head", "repo", "full_name"]);
    const baseRepository = stringAt(payload, ["pull_request", "base", "repo", "full_name"]) ?? stringAt(payload, ["repository", "full_name"]) ?? "";
    const baseRef = stringAt(payload, ["pull_request", "base", "ref"]);
    return {
      ...(baseRef ? { baseRef } : {}),
      number,
      action: stringAt(payload, ["action"]),
      headSha: stringAt(payload, ["pull_request", "head", "sha"]) ?? "",
      baseSha: stringAt(payload, ["pull_request", "base", "sha"]) ?? "",
      headRepository,
      baseRepository,
      fromFork: headRepository === undefined || headRepository.toLowerCase() !== baseRepository.toLowerCase(),
    };
  }
  if (eventName === "workflow_run") {
    // Runs from forks list no pull requests here: there is then nothing to comment on.
    const prs = valueAt(payload, ["workflow_run", "pull_requests"]);
    const first = Array.isArray(prs) ? (prs[0] as Record<string, unknown> | undefined) : undefined;
    const number = first ? numberAt(first, ["number"]) : undefined;
    if (number === undefined) return undefined;
    const headRepository = stringAt(payload, ["workflow_run", "head_repository", "full_name"]);
    const baseRepository = stringAt(payload, ["repository", "full_name"]) ?? "";
    return {
      number,
      action: undefined,
      headSha: stringAt(payload, ["workflow_run", "head_sha"]) ?? "",
      baseSha: "",
      headRepository,
      baseRepository,
      fromFork: headRepository === undefined || headRepository.toLowerCase() !== baseRepository.toLowerCase(),
    };
  }
  return undefined;
}

function valueAt(value: unknown, path: string[]): unknown {
  let v = value;
  for (const p of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

function stringAt(value: unknown, path: string[]): string | undefined {
  const v = valueAt(value, path);
  return typeof v === "string" ? v : undefined;
}

function numberAt(value: unknown, path: string[]): number | undefined {
  const v = valueAt(value, path);
  return typeof v === "number" && Number.isInteger(v) ? v : undefined;
}
