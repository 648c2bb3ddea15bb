import * as core from "@actions/core";
import type { KnownComment } from "../github/sticky-comment.ts";
import { STATE, type StateKey } from "./keys.ts";

/** What the main step leaves for the post step. On a runner: core.saveState / getState. */
export interface StateStore {
  save(key: StateKey, value: string): void;
  /** "" when nothing was saved. */
  get(key: StateKey): string;
}

export const actionsState: StateStore = {
  save: (key, value) => core.saveState(key, value),
  get: (key) => core.getState(key),
};

/** The comment the main step posted to, so that the post step edits the same one. */
export interface SavedComment {
  issue: number;
  key: string;
  comment?: KnownComment;
}

export interface SavedRun {
  environment?: string;
  phase?: "started" | "finished";
  comment?: SavedComment;
  viewFile?: string;
  /** The environment outlives the job (a preview). */
  keep?: boolean;
}

export function loadRun(store: StateStore): SavedRun {
  const run: SavedRun = {};
  const environment = store.get(STATE.environment);
  if (environment) run.environment = environment;
  const phase = store.get(STATE.phase);
  if (phase === "started" || phase === "finished") run.phase = phase;
  const comment = store.get(STATE.comment);
  if (comment) {
    try {
      run.comment = JSON.parse(comment) as SavedComment;
    } catch {
      // A damaged value: the post step then only tears down.
    }
  }
  if (store.get(STATE.keep) === "true") run.keep = true;
  const viewFile = store.get(STATE.viewFile);
  if (viewFile) run.viewFile = viewFile;
  return run;
}

export function saveComment(store: StateStore, comment: SavedComment): void {
  store.save(STATE.comment, JSON.stringify(comment));
}
