/**
 * The normalized result of a test run, whatever runner wrote the JUnit XML reports.
 *
 * Statuses:
 * - passed: ran and passed (on its first attempt, or the report does not say otherwise);
 * - failed: an assertion failed (JUnit `<failure>`), also when every retry failed;
 * - error: the test broke outside an assertion (JUnit `<error>`: an exception, a setup
 *   error); runners that don't make the difference (Jest, Vitest, Go) only report failed;
 * - skipped: skipped, disabled, or an expected failure (pytest xfail);
 * - flaky: failed, then passed when the runner ran it again (Surefire `<flakyFailure>`,
 *   pytest-rerunfailures, gotestsum --rerun-fails). It counts as passing.
 */
export type TestStatus = "passed" | "failed" | "error" | "skipped" | "flaky";

export interface TestCaseResult {
  /**
   * The enclosing `<testsuite>` names, outermost first, joined with " › ". The root
   * `<testsuites>` name ("jest tests") is left out, except for a case directly under the
   * root (Node's reporter writes tests outside a `describe` there): its suite is that name or "".
   */
  suite: string;
  name: string;
  classname?: string;
  status: TestStatus;
  /** The test's time in milliseconds (all attempts added up when it was retried); 0 when the report has none. */
  durationMs: number;
  /**
   * Why it failed, errored, flaked or was skipped: the report's message, or when that is
   * missing or a placeholder ("Failed"), the first lines of its text before the stack.
   */
  message?: string;
  /** The failure's full text as the report has it (stack trace, runner output). */
  stack?: string;
  /**
   * The test's file: the report's `file` attribute, else a source path found in the stack.
   * Relative to the directory the reports were collected from when it lies inside it.
   * Where a stack names only a file (Java, Go) it is that name, e.g. `shop/PricingTest.java`
   * (package folders from the class name) or `pricing_test.go`.
   */
  file?: string;
  /**
   * 1-based line in `file`: for a failure, error or flake, where it failed when the stack
   * shows a line of that file; otherwise the report's `line` attribute (the test's
   * declaration; pytest's 0-based value is converted).
   */
  line?: number;
  /** Attempts when a runner retried (surefire rerun/flaky elements, pytest-rerunfailures, gotestsum --rerun-fails); absent for one attempt. */
  attempts?: number;
  /** `<system-out>`/`<system-err>` of a test that did not pass (the last 10,000 characters). */
  output?: string;
  /** The report it came from, as shown to people (relative to the collect directory when inside it). */
  report: string;
}

/** A report that could not be used, or a pattern that matched none. Any problem makes the results not green. */
export interface ReportProblem {
  /** The report as shown to people, or the pattern that matched nothing. */
  report: string;
  /** Self-contained: names the report (and line:column for XML errors) and says what to do. */
  message: string;
  /** 1-based position of an XML error, when the parser gives it. */
  line?: number;
  column?: number;
}

export interface TestTotals {
  /** Every test case, skipped ones included; a retried test counts once. */
  tests: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  flaky: number;
  /**
   * Time the reports say the tests took, added up over the reports: each report's root
   * time (or its suites' times, or its cases' times when those are missing).
   */
  durationMs: number;
}

export interface TestResults {
  totals: TestTotals;
  cases: TestCaseResult[];
  /** Absolute paths of the reports that were read (parsed or not), in the order of the patterns. */
  reports: string[];
  problems: ReportProblem[];
}
