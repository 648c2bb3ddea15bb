import { DEFAULT_TEST_TIMEOUT_MS, type EnvironmentDefinition } from "./environment.ts";

export interface TestOverride {
  /** Replaces the test command (run with /bin/sh -c). */
  command?: string;
  /** Replaces the JUnit report globs. */
  reports?: string[];
  timeoutMs?: number;
}

/**
 * The definition's test section with what the workflow or the command line replaced.
 * Returns a message when there is nothing to apply it to (no test section, no command).
 */
export function overrideTest(definition: EnvironmentDefinition, override: TestOverride): string | undefined {
  const { command, reports, timeoutMs } = override;
  if (command === undefined && reports === undefined && timeoutMs === undefined) return undefined;
  const current = definition.test;
  if (!current && command === undefined) return "the definition has no test section to apply it to; give a test command as well";
  const common = {
    workdir: current?.workdir ?? definition.baseDir,
    env: current?.env ?? {},
    timeoutMs: timeoutMs ?? current?.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS,
    reports: reports ?? current?.reports ?? [],
    location: current?.location ?? { file: definition.file ?? "", line: 1, column: 1 },
  };
  if (command !== undefined) definition.test = { ...common, mode: "command", command: ["/bin/sh", "-c", command] };
  else if (current) definition.test = { ...current, ...common };
  return undefined;
}
