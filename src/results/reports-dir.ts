import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The variable naming a fresh folder of its own for each run's reports, so that runs side
 * by side in one working directory never read each other's. It is set while the
 * definition is read, so `${PRENV_REPORTS_DIR}` works in test.command, test.reports and a
 * test service's volumes, and in the test command's environment.
 */
export const REPORTS_DIR_VARIABLE = "PRENV_REPORTS_DIR";

/** What the variable stands for where no run is made (plan, validate, up): no folder. */
export const REPORTS_DIR_PLACEHOLDER = join(tmpdir(), "prenv-reports");

export interface ReportsDir {
  path: string;
  remove(): Promise<void>;
}

export async function createReportsDir(): Promise<ReportsDir> {
  // Loaded here: validate and plan import the names above, and node:fs/promises (with the
  // readline and stream modules it loads) costs them 3-4 ms at every start.
  const { mkdtemp, rm } = await import("node:fs/promises");
  const path = await mkdtemp(join(tmpdir(), "prenv-reports-"));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
