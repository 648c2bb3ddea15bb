import * as core from "@actions/core";
import { writeFileSync } from "node:fs";
import { ReadOnlyTokenError, type CommentApi } from "../github/client.ts";
import { commentMarker, StickyComment, type KnownComment } from "../github/sticky-comment.ts";
import { COMMENT_LIMIT, renderReport } from "../report/render.ts";
import type { ReportView } from "../report/view.ts";
import { Redactor } from "../secrets/redact.ts";
import { saveComment, type StateStore } from "./state.ts";

/** What became of the pull request comment; the `comment-status` output. */
export type CommentStatus =
  /** Posted or edited. */
  | "posted"
  /** A pull request from a fork: its token may not write, so nothing was tried. */
  | "skipped-fork"
  /** GitHub refused with "Resource not accessible by integration". */
  | "skipped-read-only"
  /** comment: false. */
  | "disabled"
  /** Not a pull request event (push, workflow_dispatch...). */
  | "no-pull-request"
  /** Any other API failure (a warning says which). */
  | "failed";

const MIN_INTERVAL_MS = 3_000;

/**
 * Where the report goes while the run goes on: the sticky comment (when there is one to
 * write), and the view file the post step re-renders from. Comment problems never fail
 * the run: they become a notice or a warning and the comment is given up.
 */
export class ReportChannel {
  status: CommentStatus;
  private readonly sticky: StickyComment | undefined;
  private readonly store: StateStore;
  private readonly saved: { issue: number; key: string } | undefined;
  private readonly viewFile: string;
  private readonly overflow: { label: string; url?: string };
  private readonly redactor: Redactor;
  private queue: Promise<void> = Promise.resolve();
  private lastPublished = 0;

  constructor(options: {
    status: CommentStatus;
    api?: CommentApi;
    issue?: number;
    key: string;
    known?: KnownComment;
    store: StateStore;
    viewFile: string;
    overflow: { label: string; url?: string };
    /** Secret values never reach the comment or the view file. */
    redactor?: Redactor;
  }) {
    this.redactor = options.redactor ?? new Redactor();
    this.status = options.status;
    this.store = options.store;
    this.viewFile = options.viewFile;
    this.overflow = options.overflow;
    if (options.api && options.issue !== undefined && options.status === "posted") {
      this.sticky = new StickyComment(options.api, options.issue, options.key, options.known);
      this.saved = { issue: options.issue, key: options.key };
    } else {
      this.sticky = undefined;
      this.saved = undefined;
    }
  }

  get url(): string | undefined {
    return this.status === "posted" ? this.sticky?.current?.url : undefined;
  }

  /** A sentence for the job summary when there is no comment. */
  note(): string | undefined {
    switch (this.status) {
      case "skipped-fork":
        return "No pull request comment: this pull request comes from a fork, whose token is read-only. The report is here, in the job summary (docs/action.md shows how to comment on fork pull requests safely).";
      case "skipped-read-only":
        return "No pull request comment: the token is read-only here (Resource not accessible by integration). The report is here, in the job summary.";
      case "failed":
        return "The pull request comment could not be written (see the warning in the log). The report is here, in the job summary.";
      default:
        return undefined;
    }
  }

  /**
   * Shows a view. Intermediate views (`final: false`) are dropped when one was sent less
   * than a few seconds ago; final ones always go out, after those still on the way.
   */
  show(unredacted: ReportView, options: { final: boolean }): Promise<void> {
    const view = this.redactor.redactDeep(unredacted);
    this.writeViewFile(view);
    const now = Date.now();
    if (!options.final && now - this.lastPublished < MIN_INTERVAL_MS) return this.queue;
    this.lastPublished = now;
    this.queue = this.queue.then(() => this.publish(view));
    return this.queue;
  }

  /** Edits the existing comment's text (a note about an earlier run); creates none. */
  amend(edit: (markdown: string) => string): Promise<void> {
    this.queue = this.queue.then(async () => {
      if (!this.sticky) return;
      try {
        const written = await this.sticky.amend((markdown) => this.redactor.redact(edit(markdown)));
        if (written) this.remember(written);
      } catch (e) {
        this.giveUp(e);
      }
    });
    return this.queue;
  }

  private async publish(view: ReportView): Promise<void> {
    if (!this.sticky || this.status !== "posted") return;
    const limit = COMMENT_LIMIT - commentMarker(this.saved!.key).length - 64;
    try {
      this.remember(await this.sticky.publish(renderReport(view, { limit, overflow: this.overflow })));
    } catch (e) {
      this.giveUp(e);
    }
  }

  private remember(comment: KnownComment): void {
    saveComment(this.store, { ...this.saved!, comment });
  }

  private giveUp(e: unknown): void {
    if (e instanceof ReadOnlyTokenError) {
      this.status = "skipped-read-only";
      core.notice(`prenv: no pull request comment: ${e.message}. The report is in the job summary.`);
    } else {
      this.status = "failed";
      core.warning(`prenv: the pull request comment could not be written: ${(e as Error).message}`);
    }
  }

  private writeViewFile(view: ReportView): void {
    try {
      writeFileSync(this.viewFile, JSON.stringify(view));
    } catch (e) {
      core.debug(`cannot write ${this.viewFile}: ${(e as Error).message}`);
    }
  }
}
