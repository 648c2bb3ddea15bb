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
