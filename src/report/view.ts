import type { Endpoint, RemovalReport } from "../backends/backend.ts";
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
  problem?: { message: string; detail?: string; hint?: string };
  fate: EnvironmentFate;
  links: Links;
  reproduction?: Reproduction;
  /** Said once near the end: why there is no pull request comment, in the job summary. */
  notes: string[];
}
