import { getOctokit } from "@actions/github";

/** An issue or pull request comment, as prenv needs it. */
export interface IssueComment {
  id: number;
  body: string;
  /** The login of the account that wrote it. */
  author: string;
  url: string;
}

/** The part of GitHub's REST API that prenv uses for its pull request comment. */
export interface CommentApi {
  /** The login of the token's user; undefined when the token is an app's (GITHUB_TOKEN), which has no user. */
  authenticatedLogin(): Promise<string | undefined>;
  /** Every comment of the issue, all pages. */
  listComments(issue: number): Promise<IssueComment[]>;
  createComment(issue: number, body: string): Promise<IssueComment>;
  updateComment(id: number, body: string): Promise<IssueComment>;
}

export interface Repository {
  owner: string;
  repo: string;
}

/** GitHub's answer when a token may read but not write (fork pull requests, Dependabot). */
export class ReadOnlyTokenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ReadOnlyTokenError";
  }
}

/** Any other failed call, with the HTTP status when there was an answer. */
export class GitHubApiError extends Error {
  readonly status: number | undefined;
  constructor(message: string, status: number | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "GitHubApiError";
    this.status = status;
  }
}

/** A deployment's state as prenv sets it: success when the preview serves, inactive once it is gone. */
export type DeploymentState = "in_progress" | "success" | "failure" | "inactive";

/** GitHub deployments, as a preview records itself: one environment `pr-<n>` per pull request. */
export interface DeploymentApi {
  /** A deployment of `ref` to `environment`; no required status checks (a preview is not gated on CI). */
  createDeployment(input: { ref: string; environment: string; description: string }): Promise<{ id: number }>;
  createDeploymentStatus(id: number, input: { state: DeploymentState; environmentUrl?: string; logUrl?: string; description: string }): Promise<void>;
  /** The deployments to `environment`, newest first (the first page: 100). */
  listDeployments(environment: string): Promise<{ id: number; ref: string }[]>;
  /** The state of the deployment's newest status; undefined when it has none. */
  latestState(id: number): Promise<string | undefined>;
}

/** The REST client for deployments: Octokit (from @actions/github) against `apiUrl`. */
export function restDeploymentApi(options: { token: string; apiUrl: string; repository: Repository }): DeploymentApi {
  const octokit = getOctokit(options.token, { baseUrl: options.apiUrl.replace(/\/$/, "") });
  const { owner, repo } = options.repository;
  return {
    async createDeployment({ ref, environment, description }) {
      try {
        // required_contexts: [] — otherwise GitHub refuses while the PR's own checks still run (409).
        const { data, status } = await octokit.rest.repos.createDeployment({ owner, repo, ref, environment, description, auto_merge: false, required_contexts: [], transient_environment: true, production_environment: false });
        if (status !== 201 || !("id" in data)) throw new GitHubApiError(`creating a deployment to ${environment}: GitHub answered ${status} (${"message" in data ? data.message : "no deployment"})`, status);
        return { id: data.id };
      } catch (e) {
        if (e instanceof GitHubApiError) throw e;
        throw apiError(e, `creating a deployment to ${environment}`);
      }
    },
    async createDeploymentStatus(id, { state, environmentUrl, logUrl, description }) {
      try {
        await octokit.rest.repos.createDeploymentStatus({ owner, repo, deployment_id: id, state, description, ...(environmentUrl ? { environment_url: environmentUrl } : {}), ...(logUrl ? { log_url: logUrl } : {}) });
      } catch (e) {
        throw apiError(e, `setting deployment ${id} to ${state}`);
      }
    },
    async listDeployments(environment) {
      try {
        const { data } = await octokit.rest.repos.listDeployments({ owner, repo, environment, per_page: 100 });
        return data.map((d) => ({ id: d.id, ref: d.ref }));
      } catch (e) {
        throw apiError(e, `listing the deployments to ${environment}`);
      }
    },
    async latestState(id) {
      try {
        const { data } = await octokit.rest.repos.listDeploymentStatuses({ owner, repo, deployment_id: id, per_page: 1 });
        return data[0]?.state;
      } catch (e) {
        throw apiError(e, `reading the statuses of deployment ${id}`);
      }
    },
  };
}

const READ_ONLY = "Resource not accessible by integration";

/** The REST client: Octokit (from @actions/github) against `apiUrl`. */
export function restCommentApi(options: { token: string; apiUrl: string; repository: Repository }): CommentApi {
  const octokit = getOctokit(options.token, { baseUrl: options.apiUrl.replace(/\/$/, "") });
  const { owner, repo } = options.repository;
  const toComment = (c: { id: number; body?: string | undefined; user: { login: string } | null; html_url: string }): IssueComment => ({
    id: c.id,
    body: c.body ?? "",
    author: c.user?.login ?? "",
    url: c.html_url,
  });
  return {
    async authenticatedLogin() {
      try {
        const { data } = await octokit.rest.users.getAuthenticated();
        return data.login;
      } catch (e) {
        // GITHUB_TOKEN and other installation tokens act as an app, not as a user.
        if (statusOf(e) === 403 || statusOf(e) === 401) return undefined;
        throw apiError(e, "GET /user");
      }
    },
    async listComments(issue) {
      try {
        const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: issue, per_page: 100 });
        return comments.map(toComment);
      } catch (e) {
        throw apiError(e, `listing the comments of #${issue}`);
      }
    },
    async createComment(issue, body) {
      try {
        const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: issue, body });
        return toComment(data);
      } catch (e) {
        throw apiError(e, `commenting on #${issue}`);
      }
    },
    async updateComment(id, body) {
      try {
        const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body });
        return toComment(data);
      } catch (e) {
        throw apiError(e, `editing comment ${id}`);
      }
    },
  };
}

function statusOf(e: unknown): number | undefined {
  const status = (e as { status?: unknown }).status;
  return typeof status === "number" ? status : undefined;
}

function apiError(e: unknown, what: string): Error {
  const status = statusOf(e);
  const message = e instanceof Error ? e.message : String(e);
  if (status === 403 && message.includes(READ_ONLY)) {
    return new ReadOnlyTokenError(`${what}: the token may not write here (${READ_ONLY}); fork pull requests and Dependabot get a read-only token`, { cause: e });
  }
  return new GitHubApiError(`${what} failed${status ? ` (HTTP ${status})` : ""}: ${message}`, status, { cause: e });
}
