import { GitHubApiError, type CommentApi, type IssueComment } from "./client.ts";

/** The account GITHUB_TOKEN writes as. It has no user, so GET /user cannot name it. */
export const GITHUB_ACTIONS_BOT = "github-actions[bot]";

/**
 * The hidden first line that marks prenv's comment for one comment key. Anyone can write
 * the same line, so it is only trusted on comments of the account prenv writes as.
 */
export function commentMarker(key: string): string {
  return `<!-- prenv:comment key=${encodeURIComponent(key)} -->`;
}

/** A comment found or written before, so that later steps edit it without searching. */
export interface KnownComment {
  id: number;
  author: string;
  url: string;
}

/**
 * One comment per pull request and key, edited in place. It is found by its marker at the
 * very start of the body, among the comments of the account the token writes as: the
 * token's user, or github-actions[bot] for GITHUB_TOKEN (then the created comment tells
 * the account for certain). Every page of comments is read.
 */
export class StickyComment {
  private readonly api: CommentApi;
  private readonly issue: number;
  private readonly marker: string;
  private known: KnownComment | undefined;
  private author: string | undefined;
  /** The body as last read or written, when known. */
  private body: string | undefined;

  constructor(api: CommentApi, issue: number, key: string, known?: KnownComment) {
    this.api = api;
    this.issue = issue;
    this.marker = commentMarker(key);
    this.known = known;
    this.author = known?.author;
  }

  get current(): KnownComment | undefined {
    return this.known;
  }

  /** The existing comment, if there is one. */
  async find(): Promise<KnownComment | undefined> {
    if (this.known) return this.known;
    const author = await this.writer();
    const comments = await this.api.listComments(this.issue);
    const mine = comments.find((c) => c.author === author && this.isMarked(c));
    if (mine) {
      this.known = { id: mine.id, author: mine.author, url: mine.url };
      this.body = mine.body;
    }
    return this.known;
  }

  /** Creates the comment, or replaces the body of the one that exists. */
  async publish(markdown: string): Promise<KnownComment> {
    const body = `${this.marker}\n${markdown}`;
    const existing = await this.find();
    let written: IssueComment;
    if (existing) {
      try {
        written = await this.api.updateComment(existing.id, body);
      } catch (e) {
        // Deleted by someone meanwhile: start a new one.
        if (!(e instanceof GitHubApiError && e.status === 404)) throw e;
        written = await this.api.createComment(this.issue, body);
      }
    } else {
      written = await this.api.createComment(this.issue, body);
    }
    this.author = written.author;
    this.body = written.body;
    this.known = { id: written.id, author: written.author, url: written.url };
    return this.known;
  }

  /**
   * Edits the existing comment's text (without the marker); does nothing when there is
   * none. For notes about an earlier run, which this run has no data to re-render.
   */
  async amend(edit: (markdown: string) => string): Promise<KnownComment | undefined> {
    const existing = await this.find();
    if (!existing) return undefined;
    if (this.body === undefined) this.body = (await this.api.listComments(this.issue)).find((c) => c.id === existing.id)?.body;
    if (this.body === undefined) return undefined;
    const markdown = this.body.startsWith(this.marker) ? this.body.slice(this.marker.length).replace(/^\r?\n/, "") : this.body;
    return this.publish(edit(markdown));
  }

  private isMarked(comment: IssueComment): boolean {
    return comment.body.startsWith(this.marker);
  }

  private async writer(): Promise<string> {
    this.author ??= (await this.api.authenticatedLogin()) ?? GITHUB_ACTIONS_BOT;
    return this.author;
  }
}
