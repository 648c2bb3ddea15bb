/**
 * Finds the JUnit reports a test run wrote, reads them all, and adds up the results.
 */
import { glob, readFile, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { parseJUnit } from "./junit.ts";
import type { ReportProblem, TestCaseResult, TestResults, TestTotals } from "./model.ts";

/** Reports bigger than this are not read (a report of that size is a runner gone wrong). */
export const MAX_REPORT_BYTES = 128 * 1024 * 1024;

const GLOB_CHARS = /[*?[\]{}]/;

/** File times and the clock can disagree by this much (coarse mtime, a container's writes). */
const CLOCK_SLACK_MS = 2_000;

export interface CollectOptions {
  /**
   * When the test command started: a report last written before it is a leftover of an
   * earlier run, and a problem (a runner that crashed before writing must not look green).
   */
  notBefore?: Date;
}

/**
 * Expands `patterns` (globs like `reports/**\/*.xml`, plain files, or directories, which
 * stand for every `.xml` below them) relative to `cwd`, reads and parses every report
 * once, and merges them. Never throws for a bad report: a pattern that matches nothing,
 * an unreadable, empty, malformed or non-JUnit file is a problem in the results.
 * `node_modules` and `.git` are not searched unless a pattern names them.
 */
export async function collectReports(patterns: string[], cwd: string, options: CollectOptions = {}): Promise<TestResults> {
  const base = resolve(cwd);
  const problems: ReportProblem[] = [];
  const files: string[] = [];
  const seen = new Set<string>();

  for (const pattern of patterns) {
    let matched: string[];
    try {
      matched = await expand(pattern, base);
    } catch (e) {
      problems.push({ report: pattern, message: `could not search for ${pattern} in ${base}: ${(e as Error).message}` });
      continue;
    }
    if (matched.length === 0) {
      problems.push({
        report: pattern,
        message: `no JUnit report matched ${pattern} in ${base}: check test.reports and where your runner writes its report`,
      });
      continue;
    }
    for (const file of matched) {
      if (seen.has(file)) continue;
      seen.add(file);
      files.push(file);
    }
  }

  const cases: TestCaseResult[] = [];
  let durationMs = 0;
  for (const file of files) {
    const shown = displayPath(file, base);
    let text: string;
    try {
      const info = await stat(file);
      if (info.size > MAX_REPORT_BYTES) {
        problems.push({ report: shown, message: `${shown}: the report is ${Math.round(info.size / 1024 / 1024)} MiB; prenv reads reports of up to ${MAX_REPORT_BYTES / 1024 / 1024} MiB` });
        continue;
      }
      if (options.notBefore && info.mtimeMs < options.notBefore.getTime() - CLOCK_SLACK_MS) {
        problems.push({
          report: shown,
          message: `${shown}: the report was last written at ${info.mtime.toISOString()}, before the tests started (${options.notBefore.toISOString()}): a leftover of an earlier run; the runner did not write a new one`,
        });
        continue;
      }
      text = decode(await readFile(file));
    } catch (e) {
      problems.push({ report: shown, message: `${shown}: could not be read: ${(e as Error).message}` });
      continue;
    }
    const parsed = parseJUnit(text, shown);
    for (const c of parsed.cases) cases.push(c.file ? { ...c, file: displayPath(c.file, base, true) } : c);
    problems.push(...parsed.problems);
    durationMs += parsed.durationMs;
  }

  return { totals: totalsOf(cases, durationMs), cases, reports: files, problems };
}

/** True only when at least one test ran and passed, none failed or errored, and no report had a problem. */
export function resultsPassed(results: TestResults): boolean {
  return resultsVerdict(results).passed;
}

/** Whether the results are green, and if not, the first reason why, in words. */
export function resultsVerdict(results: TestResults): { passed: boolean; reason?: string } {
  const t = results.totals;
  if (results.problems.length > 0) {
    const n = results.problems.length;
    return { passed: false, reason: n === 1 ? results.problems[0]!.message : `${n} problems with the reports, first: ${results.problems[0]!.message}` };
  }
  if (t.failed + t.errors > 0) return { passed: false, reason: `${t.failed + t.errors} of ${t.tests} tests failed` };
  if (t.tests === 0) return { passed: false, reason: "the reports contain no test" };
  if (t.passed + t.flaky === 0) return { passed: false, reason: `no test ran: all ${t.tests} were skipped` };
  return { passed: true };
}

export function totalsOf(cases: TestCaseResult[], durationMs: number): TestTotals {
  const totals: TestTotals = { tests: cases.length, passed: 0, failed: 0, errors: 0, skipped: 0, flaky: 0, durationMs: Math.round(durationMs * 1000) / 1000 };
  for (const c of cases) {
    if (c.status === "passed") totals.passed++;
    else if (c.status === "failed") totals.failed++;
    else if (c.status === "error") totals.errors++;
    else if (c.status === "skipped") totals.skipped++;
    else totals.flaky++;
  }
  return totals;
}

/** Absolute paths of the regular files a pattern stands for, sorted. */
async function expand(pattern: string, base: string): Promise<string[]> {
  const abs = resolve(base, pattern);
  if (!GLOB_CHARS.test(pattern)) {
    const info = await stat(abs).catch(() => undefined);
    if (!info) return [];
    if (info.isFile()) return [abs];
    if (info.isDirectory()) return globFiles("**/*.xml", abs, pattern);
    return [];
  }
  return globFiles(pattern, base, pattern);
}

async function globFiles(pattern: string, cwd: string, original: string): Promise<string[]> {
  const searchesSkipped = /(?:^|[/\\])(?:node_modules|\.git)(?:[/\\]|$)/.test(original);
  const out: string[] = [];
  for await (const entry of glob(pattern, {
    cwd,
    withFileTypes: true,
    exclude: (d) => !searchesSkipped && (d.name === "node_modules" || d.name === ".git"),
  })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile()) out.push(path);
    else if (entry.isSymbolicLink()) {
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile()) out.push(path);
    }
  }
  return out.sort();
}

/** Relative to `base` when inside it (with / separators), else as it is. */
function displayPath(path: string, base: string, onlyIfAbsolute = false): string {
  if (onlyIfAbsolute && !isAbsolute(path)) return path;
  const rel = relative(base, path);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return path;
  return sep === "/" ? rel : rel.split(sep).join("/");
}

/** UTF-8 unless a byte-order mark says UTF-16 (some Windows tools write that). */
function decode(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  return new TextDecoder("utf-8").decode(bytes);
}
