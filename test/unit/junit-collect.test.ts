import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { collectReports, resultsPassed, resultsVerdict, totalsOf } from "../../src/results/collect.ts";
import type { TestResults } from "../../src/results/model.ts";

const PASS = (name: string, file?: string) => `<testcase classname="c" name="${name}" time="0.5"${file ? ` file="${file}"` : ""}/>`;
const suite = (...cases: string[]) => `<?xml version="1.0"?>\n<testsuites time="2.5"><testsuite name="s">${cases.join("")}</testsuite></testsuites>\n`;

describe("collectReports", () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "prenv-junit-collect-"));
    await mkdir(join(dir, "reports", "junit", "nested"), { recursive: true });
    await mkdir(join(dir, "node_modules", "lib", "reports"), { recursive: true });
    await writeFile(join(dir, "reports", "junit", "a.xml"), suite(PASS("a1"), PASS("a2", join(dir, "tests", "a.test.ts"))));
    await writeFile(join(dir, "reports", "junit", "b.xml"), suite(PASS("b1"), '<testcase name="b2"><skipped/></testcase>'));
    await writeFile(join(dir, "reports", "junit", "nested", "c.xml"), suite('<testcase name="c1"><failure message="boom">at t (tests/c.test.ts:3:1)</failure></testcase>'));
    await writeFile(join(dir, "reports", "junit", "notes.txt"), "not a report");
    await writeFile(join(dir, "node_modules", "lib", "reports", "vendor.xml"), suite(PASS("vendor")));
    await writeFile(join(dir, "empty.xml"), "");
    await writeFile(join(dir, "utf16.xml"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(suite(PASS("wide")), "utf16le")]));
    await symlink(join(dir, "reports", "junit", "a.xml"), join(dir, "link.xml"));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("globs, merges and adds up; report paths shown relative, kept absolute in reports", async () => {
    const r = await collectReports(["reports/junit/*.xml"], dir);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.reports, [join(dir, "reports/junit/a.xml"), join(dir, "reports/junit/b.xml")]);
    assert.deepEqual(r.totals, { tests: 4, passed: 3, failed: 0, errors: 0, skipped: 1, flaky: 0, durationMs: 5000 });
    assert.deepEqual(r.cases.map((c) => [c.report, c.name]), [
      ["reports/junit/a.xml", "a1"],
      ["reports/junit/a.xml", "a2"],
      ["reports/junit/b.xml", "b1"],
      ["reports/junit/b.xml", "b2"],
    ]);
    assert.equal(r.cases[1]!.file, "tests/a.test.ts", "an absolute file inside the directory is made relative");
    assert.equal(resultsPassed(r), true);
    assert.deepEqual(resultsVerdict(r), { passed: true });
  });

  test("** reaches nested reports; a file matched twice is read once; node_modules is not searched", async () => {
    const r = await collectReports(["reports/**/*.xml", "reports/junit/a.xml"], dir);
    assert.deepEqual(r.reports.map((p) => p.slice(dir.length + 1)), ["reports/junit/a.xml", "reports/junit/b.xml", "reports/junit/nested/c.xml"]);
    assert.equal(r.totals.failed, 1);
    const failed = r.cases.find((c) => c.status === "failed")!;
    assert.equal(failed.file, "tests/c.test.ts");
    assert.equal(failed.line, 3);
    assert.equal(resultsPassed(r), false);
    assert.deepEqual(resultsVerdict(r), { passed: false, reason: "1 of 5 tests failed" });

    const everywhere = await collectReports(["**/vendor.xml"], dir);
    assert.equal(everywhere.reports.length, 0);
    const named = await collectReports(["node_modules/**/vendor.xml"], dir);
    assert.equal(named.reports.length, 1, "unless the pattern names node_modules");
  });

  test("a directory stands for the XML files below it; an absolute pattern works; symlinks are followed", async () => {
    const r = await collectReports(["reports/junit"], dir);
    assert.equal(r.reports.length, 3);
    assert.deepEqual(r.problems, []);
    const abs = await collectReports([join(dir, "reports/junit/b.xml")], "/");
    assert.equal(abs.totals.tests, 2);
    const link = await collectReports(["link.xml", "*.xml"], dir);
    assert.deepEqual(link.reports.map((p) => p.slice(dir.length + 1)), ["link.xml", "empty.xml", "utf16.xml"]);
  });

  test("a pattern that matches nothing is a problem that says where it looked", async () => {
    const r = await collectReports(["reports/junit/*.xml", "build/test-results/*.xml"], dir);
    assert.equal(r.totals.tests, 4);
    assert.deepEqual(r.problems, [
      {
        report: "build/test-results/*.xml",
        message: `no JUnit report matched build/test-results/*.xml in ${dir}: check test.reports and where your runner writes its report`,
      },
    ]);
    assert.equal(resultsPassed(r), false, "passing tests elsewhere do not hide a missing report");
    assert.match(resultsVerdict(r).reason!, /^no JUnit report matched/);

    const missingFile = await collectReports(["out/junit.xml"], dir);
    assert.match(missingFile.problems[0]!.message, /^no JUnit report matched out\/junit\.xml in /);
    assert.equal(resultsPassed(missingFile), false);
  });

  test("no patterns, or only empty and broken reports: never green", async () => {
    const none = await collectReports([], dir);
    assert.equal(resultsPassed(none), false);
    assert.deepEqual(resultsVerdict(none), { passed: false, reason: "the reports contain no test" });

    const empty = await collectReports(["empty.xml"], dir);
    assert.equal(empty.problems.length, 1);
    assert.match(empty.problems[0]!.message, /^empty\.xml: the report is empty/);
    assert.equal(resultsPassed(empty), false);
  });

  test("with notBefore, a report left from an earlier run is a problem", async () => {
    const old = join(dir, "old.xml");
    await writeFile(old, suite(PASS("stale")));
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(old, hourAgo, hourAgo);
    const r = await collectReports(["old.xml", "reports/junit/a.xml"], dir, { notBefore: new Date(Date.now() - 60_000) });
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0]!.message, /^old\.xml: the report was last written at .*, before the tests started .*: a leftover of an earlier run/);
    assert.deepEqual(r.cases.map((c) => c.name), ["a1", "a2"]);
    assert.equal(resultsPassed(r), false);
    const fresh = await collectReports(["reports/junit/a.xml"], dir, { notBefore: new Date(Date.now() - 60_000) });
    assert.deepEqual(fresh.problems, []);
  });

  test("a UTF-16 report (byte-order mark) is read", async () => {
    const r = await collectReports(["utf16.xml"], dir);
    assert.deepEqual(r.problems, []);
    assert.equal(r.cases[0]!.name, "wide");
  });
});

describe("resultsPassed", () => {
  const results = (statuses: ("passed" | "failed" | "error" | "skipped" | "flaky")[], problems = 0): TestResults => {
    const cases = statuses.map((status, i) => ({ suite: "s", name: `t${i}`, status, durationMs: 1, report: "r.xml" }));
    return { totals: totalsOf(cases, 0), cases, reports: ["/r.xml"], problems: Array.from({ length: problems }, () => ({ report: "r.xml", message: "r.xml: bad" })) };
  };

  test("green needs a test that ran, no failure or error, no problem", () => {
    assert.equal(resultsPassed(results(["passed", "skipped"])), true);
    assert.equal(resultsPassed(results(["passed", "flaky"])), true, "flaky passed in the end");
    assert.equal(resultsPassed(results(["flaky"])), true);
    assert.equal(resultsPassed(results([])), false);
    assert.equal(resultsPassed(results(["skipped", "skipped"])), false);
    assert.equal(resultsVerdict(results(["skipped", "skipped"])).reason, "no test ran: all 2 were skipped");
    assert.equal(resultsPassed(results(["passed", "failed"])), false);
    assert.equal(resultsPassed(results(["passed", "error"])), false);
    assert.equal(resultsPassed(results(["passed"], 1)), false);
    assert.equal(resultsVerdict(results(["passed"], 2)).reason, "2 problems with the reports, first: r.xml: bad");
  });
});
