import type { Endpoint, RemovalReport } from "../backends/backend.ts";
import type { Operation } from "../engine/diff.ts";
import type { PreviewUrl } from "../engine/preview-urls.ts";
import type { RunReport } from "../engine/run.ts";
import type { Comparison } from "../history/compare.ts";

/**
 * Where a run stands, as the pull request comment and the job summary show it. The
 * comment is edited through these: booting -> testing -> finished (or up) -> torn down.
 */
export type ReportStatus =
  /** Services are being created and checked. */
  | "booting"
  /** Every service is ready; setup and the tests run. */
  | "testing"
  /** `command: up`: the environment is ready for the next steps of the job. */
  | "up"
  /** The run ended: passed, failed or error, as `run.outcome` says. */
  | "finished"
  /** Nothing was started: bad inputs or definition, or a refused trigger. */
  | "not-started"
  /** The main step ended before it could report (cancelled, killed, crashed). */
  | "interrupted"
  /** `command: preview`: the pull request's environment is up (created or updated) and stays up. */
  | "preview"
  /** `command: down` or a closed pull request removed the environment. */
  | "removed";

/** What happened to the environment after the run. */
export type EnvironmentFate =
  | { state: "up" }
  | { state: "kept"; reason: string }
  | { state: "torn-down"; by: "run" | "post step" | "down" | "pull request closed"; durationMs?: number; removed?: RemovalReport }
  | { state: "teardown-failed"; message: string }
  | { state: "none" };

export interface ServiceRow {
  name: string;
  /** The image reference of the definition. */
  image: string;
  /** `repo@sha256:…` when the image came from a registry. */
  digest?: string;
  /** The local image ID, for built images. */
  imageId?: string;
  /** pending, pulling, building, starting, checking, ready, completed, failed... */
  state: string;
  /** From the start of the boot to this service being ready. */
  readyMs?: number;
}

export interface Links {
  /** The workflow run, e.g. `{ label: "run 812", url }`. */
  run?: { label: string; url: string };
  /** Where the job summary is (the run's page lists it). */
  summary?: string;
  /** The artifact with results.json and every service's log. */
  artifact?: { name: string; url?: string; problem?: string };
}

export interface Reproduction {
  /** One line of bash. */
  command: string;
  /** What the command cannot carry (secret or environment-provided parameters, an overridden test command). */
  notes: string[];
}

/** Everything the renderer needs; plain data, so that the post step can re-render it from a file. */
export interface ReportView {
  /** Shown in the title: the comment key (the job, or what the workflow chose). */
  title: string;
  environment: string;
  status: ReportStatus;
  /** The commit that was tested. */
  commit: string;
  services: ServiceRow[];
  endpoints: Endpoint[];
  /** Since the boot started, while booting. */
  elapsedMs?: number;
  /** The finished run. */
  run?: Pick<RunReport, "outcome" | "exitCode" | "error" | "tests" | "timings" | "suite" | "setup"> & Partial<Pick<RunReport, "chaos">>;
  /** The run compared with the base branch's latest run and an earlier attempt of its commit. */
  comparison?: Comparison;
  /** Why nothing was started, or what interrupted the run. */
  problem?: { message: string; detail?: string; hint?: string; service?: string; heading?: string };
  fate: EnvironmentFate;
  links: Links;
  reproduction?: Reproduction;
  /** `command: preview`: its URLs, what the last push changed, when it expires. */
  preview?: PreviewInfo;
  /** Said once near the end: why there is no pull request comment, in the job summary. */
  notes: string[];
}

/** A preview environment, as its comment shows it. */
export interface PreviewInfo {
  urls: PreviewUrl[];
  /** What the last push did to each service (all "create" when it was created now). */
  operations: Operation[];
  /** Whether the environment existed before this push. */
  updated: boolean;
  /** When its TTL runs out (ISO time); each push renews it. */
  expires?: string;
  /** The GitHub deployment environment (`pr-<n>`), when one was recorded. */
  deployment?: string;
  /** This push's update failed at `service`; `restored` run again as before it. */
  failed?: { service: string; restored: string[] };
}
