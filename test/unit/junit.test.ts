import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { collectReports, resultsPassed } from "../../src/results/collect.ts";
import { decodeEntities, findLocation, parseJUnit, secondsToMs } from "../../src/results/junit.ts";
import type { TestCaseResult, TestStatus } from "../../src/results/model.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/junit/", import.meta.url));
const SOURCES = join(FIXTURES, "sources");

function read(rel: string): string {
  return readFileSync(join(FIXTURES, rel), "utf8");
}

function fixture(rel: string): { cases: TestCaseResult[]; durationMs: number; xml: string } {
  const xml = read(rel);
  const parsed = parseJUnit(xml, rel);
  assert.deepEqual(parsed.problems, [], `${rel} should parse without problems`);
  return { cases: parsed.cases, durationMs: parsed.durationMs, xml };
}

function counts(cases: TestCaseResult[]): Record<TestStatus, number> {
  const out: Record<TestStatus, number> = { passed: 0, failed: 0, error: 0, skipped: 0, flaky: 0 };
  for (const c of cases) out[c.status]++;
  return out;
}

/** The one case whose name contains `part`. */
function named(cases: TestCaseResult[], part: string): TestCaseResult {
  const found = cases.filter((c) => c.name.includes(part));
  assert.equal(found.length, 1, `one case named like "${part}", got ${found.map((c) => c.name).join(", ")}`);
  return found[0]!;
}

/** 1-based line of the first line of a sample source containing `snippet`. */
function lineOf(source: string, snippet: string): number {
  const index = readFileSync(join(SOURCES, source), "utf8")
    .split("\n")
    .findIndex((l) => l.includes(snippet));
  assert.ok(index >= 0, `${snippet} in ${source}`);
  return index + 1;
}

/** The `time` attribute of the (first) testcase with this exact name, read straight from the XML, in ms. */
function timeAttrMs(xml: string, name: string): number {
  const tag = [...xml.matchAll(/<testcase\b[^>]*>/g)].map((m) => m[0]).find((t) => t.includes(`name="${name}"`));
  assert.ok(tag, `testcase ${name} in the XML`);
  const time = /\btime="([^"]*)"/.exec(tag)![1]!;
  return Math.round(Number(time) * 1e6) / 1e3;
}

describe("JUnit fixtures written by real tools", () => {
  test("jest + jest-junit: file attribute, line from the stack, message from the text", () => {
    const { cases, durationMs, xml } = fixture("jest/junit.xml");
    assert.deepEqual(counts(cases), { passed: 3, failed: 2, error: 0, skipped: 1, flaky: 0 });

    const discount = named(cases, "applies a ten percent discount");
    assert.equal(discount.status, "failed");
    assert.equal(discount.suite, "pricing");
    assert.match(discount.message!, /^Error: expect\(received\)\.toBe\(expected\)/);
    assert.match(discount.message!, /Expected: 90\nReceived: 99$/);
    assert.doesNotMatch(discount.message!, /\bat /, "the message stops where the stack starts");
    assert.match(discount.stack!, /pricing\.test\.js:17:33/);
    assert.equal(discount.file, "pricing.test.js");
    assert.equal(discount.line, lineOf("jest/pricing.test.js", "expect(discounted(100, 10)).toBe(90)"));

    // The TypeError is thrown in pricing.js; the location is the test file's frame.
    const config = named(cases, "reads the currency");
    assert.equal(config.status, "failed");
    assert.equal(config.message, "TypeError: Cannot read properties of undefined (reading 'code')");
    assert.equal(config.file, "pricing.test.js");
    assert.equal(config.line, lineOf("jest/pricing.test.js", 'expect(loadConfig("{}"))'));

    assert.equal(named(cases, "payment sandbox").status, "skipped");
    // jest.retryTimes passed it on the second try, but jest-junit does not record retries.
    const flaky = named(cases, "second try");
    assert.equal(flaky.status, "passed");
    assert.equal(flaky.attempts, undefined);
    assert.equal(named(cases, "adds two amounts").line, undefined, "no line attribute, no stack: no line");

    assert.equal(named(cases, "adds two amounts").durationMs, timeAttrMs(xml, "pricing adds two amounts"));
    assert.ok(named(cases, "adds two amounts").durationMs > 0);
    assert.equal(durationMs, secondsToMs(/<testsuites[^>]*\btime="([^"]+)"/.exec(xml)![1]));
    assert.ok(cases.every((c) => c.report === "jest/junit.xml"));
  });

  test("vitest: message attribute, ❯ frames, file attribute", () => {
    const { cases, xml } = fixture("vitest/junit.xml");
    assert.deepEqual(counts(cases), { passed: 3, failed: 2, error: 0, skipped: 1, flaky: 0 });

    const discount = named(cases, "applies a ten percent discount");
    assert.equal(discount.status, "failed");
    assert.equal(discount.suite, "pricing.test.js");
    assert.equal(discount.name, "pricing > applies a ten percent discount");
    assert.equal(discount.message, "expected 99 to be 90 // Object.is equality");
    assert.match(discount.stack!, /^AssertionError: expected 99 to be 90/);
    assert.equal(discount.file, "pricing.test.js");
    assert.equal(discount.line, lineOf("vitest/pricing.test.js", "expect(discounted(100, 10)).toBe(90)"));

    const config = named(cases, "reads the currency");
    assert.equal(config.message, "Cannot read properties of undefined (reading 'code')");
    assert.equal(config.line, lineOf("vitest/pricing.test.js", 'expect(loadConfig("{}"))'));

    assert.equal(named(cases, "payment sandbox").status, "skipped");
    assert.equal(named(cases, "second try").status, "passed", "Vitest's retry is not in its JUnit report");
    for (const c of cases.filter((c) => c.status !== "skipped")) {
      assert.equal(c.durationMs, timeAttrMs(xml, c.name.replace(">", "&gt;")));
      assert.ok(c.durationMs > 0);
    }
  });

  test("node:test junit reporter: nested suite, a test outside any suite, file:// frames", () => {
    const { cases } = fixture("node-test/junit.xml");
    assert.deepEqual(counts(cases), { passed: 3, failed: 2, error: 0, skipped: 1, flaky: 0 });

    const discount = named(cases, "applies a ten percent discount");
    assert.equal(discount.suite, "pricing");
    assert.equal(discount.message, "a 10% discount on 100 cents\n\n99 !== 90");
    assert.match(discount.file!, /\/node-test\/pricing\.test\.js$/);
    assert.equal(discount.line, lineOf("node-test/pricing.test.js", "assert.equal(discounted(100, 10), 90"));
    assert.equal(named(cases, "reads the currency").line, lineOf("node-test/pricing.test.js", 'assert.equal(loadConfig("{}")'));

    const skipped = named(cases, "payment sandbox");
    assert.equal(skipped.status, "skipped");
    assert.equal(skipped.message, "needs the payment sandbox");

    const loose = named(cases, "rounds to whole cents");
    assert.equal(loose.status, "passed");
    assert.equal(loose.suite, "");
    assert.ok(cases.every((c) => c.durationMs > 0));
  });

  test("pytest xunit2: failure vs error, xfail is skipped, rerunfailures attempts", () => {
    const { cases, xml } = fixture("pytest/xunit2.xml");
    assert.deepEqual(counts(cases), { passed: 2, failed: 2, error: 1, skipped: 2, flaky: 1 });
    assert.equal(cases.length, 8, "rerun attempts are one test each");

    const discount = named(cases, "test_applies_a_ten_percent_discount");
    assert.equal(discount.status, "failed");
    assert.equal(discount.attempts, 2, "reruns=1: failed on both attempts");
    assert.equal(discount.classname, "test_pricing");
    assert.equal(discount.message, "AssertionError: a 10% discount on 100 cents\nassert 99 == 90\n +  where 99 = discounted(100, 10)");
    assert.equal(discount.file, "test_pricing.py");
    assert.equal(discount.line, lineOf("pytest/test_pricing.py", "assert discounted(100, 10) == 90"));

    const setup = named(cases, "test_reads_the_currency_from_the_config");
    assert.equal(setup.status, "error");
    assert.equal(setup.message, `failed on setup with "KeyError: 'currency'"`);
    assert.equal(setup.line, lineOf("pytest/test_pricing.py", 'return load_config("{}")'));

    const raising = named(cases, "test_raises_outside_an_assertion");
    assert.equal(raising.status, "failed", "pytest reports an exception in the test body as a failure");
    assert.equal(raising.message, "KeyError: 'currency'");

    assert.equal(named(cases, "test_charges_the_payment_sandbox").message, "needs the payment sandbox");
    const xfail = named(cases, "test_rounds_half_cents");
    assert.equal(xfail.status, "skipped");
    assert.equal(xfail.message, "rounding of half cents is not decided yet");

    const flaky = named(cases, "test_answers_on_the_second_try");
    assert.equal(flaky.status, "flaky");
    assert.equal(flaky.attempts, 2);

    assert.equal(named(cases, "test_adds_two_amounts").durationMs, timeAttrMs(xml, "test_adds_two_amounts"));
  });

  test("pytest xunit1: file and 0-based line attributes", () => {
    const { cases } = fixture("pytest/xunit1.xml");
    assert.deepEqual(counts(cases), { passed: 2, failed: 2, error: 1, skipped: 2, flaky: 1 });
    const passing = named(cases, "test_adds_two_amounts");
    assert.equal(passing.file, "test_pricing.py");
    assert.equal(passing.line, lineOf("pytest/test_pricing.py", "def test_adds_two_amounts"));
    // A decorated test's line is its first decorator's, as Python gives it.
    assert.equal(named(cases, "test_answers_on_the_second_try").line, lineOf("pytest/test_pricing.py", "@pytest.mark.flaky(reruns=2)"));
    // A failure points at the failing line, not the declaration.
    const discount = named(cases, "test_applies_a_ten_percent_discount");
    assert.equal(discount.file, "test_pricing.py");
    assert.equal(discount.line, lineOf("pytest/test_pricing.py", "assert discounted(100, 10) == 90"));
  });

  test("gotestsum: Go output as the message, a panic, subtests", () => {
    const { cases } = fixture("gotestsum/junit.xml");
    assert.deepEqual(counts(cases), { passed: 6, failed: 4, error: 0, skipped: 1, flaky: 0 });

    const discount = named(cases, "TestAppliesATenPercentDiscount");
    assert.equal(discount.suite, "example.com/shop/pricing");
    assert.equal(discount.message, "Discounted(100, 10) = 99, want 90");
    assert.equal(discount.file, "pricing_test.go");
    assert.equal(discount.line, lineOf("go/pricing/pricing_test.go", 't.Errorf("Discounted(100, 10)'));

    const panic = named(cases, "TestPanicsOnNilConfig");
    assert.equal(panic.status, "failed", "Go has no error status");
    assert.match(panic.message!, /^panic: runtime error: invalid memory address or nil pointer dereference/);
    assert.match(panic.file!, /\/boot\/boot_test\.go$/);
    assert.equal(panic.line, lineOf("go/boot/boot_test.go", 'settings["api"].Port'));

    const skipped = named(cases, "TestChargesThePaymentSandbox");
    assert.equal(skipped.status, "skipped");
    assert.equal(skipped.message, "needs the payment sandbox");
    assert.ok(named(cases, "TestTable/zero"));
    assert.equal(named(cases, "TestAnswersOnTheSecondTry").status, "failed", "no rerun in this run");
  });

  test("gotestsum --rerun-fails: repeated cases become attempts, flaky when the last passed", () => {
    const { cases, xml } = fixture("gotestsum/junit-rerun.xml");
    assert.equal((xml.match(/<testcase /g) ?? []).length, 14, "the report lists every attempt");
    assert.deepEqual(counts(cases), { passed: 5, failed: 2, error: 0, skipped: 1, flaky: 1 });

    const flaky = named(cases, "TestAnswersOnTheSecondTry");
    assert.equal(flaky.status, "flaky");
    assert.equal(flaky.attempts, 2);
    assert.equal(flaky.message, "first attempt fails", "the failed attempt says why it flaked");
    assert.equal(flaky.line, lineOf("go/pricing/pricing_test.go", 't.Fatal("first attempt fails")'));

    const discount = named(cases, "TestAppliesATenPercentDiscount");
    assert.equal(discount.status, "failed");
    assert.equal(discount.attempts, 3);
    assert.equal(discount.message, "Discounted(100, 10) = 99, want 90");
  });

  test("go-junit-report: CDATA failures, the panic from the suite's system-out", () => {
    const { cases } = fixture("go-junit-report/junit.xml");
    assert.deepEqual(counts(cases), { passed: 6, failed: 4, error: 0, skipped: 1, flaky: 0 });
    const discount = named(cases, "TestAppliesATenPercentDiscount");
    assert.equal(discount.message, "Discounted(100, 10) = 99, want 90");
    assert.equal(discount.stack, "    pricing_test.go:22: Discounted(100, 10) = 99, want 90");
    assert.equal(discount.file, "pricing_test.go");
    assert.equal(discount.line, 22);

    const panic = named(cases, "TestPanicsOnNilConfig");
    assert.match(panic.message!, /^panic: runtime error/);
    assert.match(panic.stack!, /goroutine \d+ \[running\]/);
    assert.equal(panic.line, lineOf("go/boot/boot_test.go", 'settings["api"].Port'));
    assert.equal(named(cases, "TestChargesThePaymentSandbox").message, "needs the payment sandbox");
  });

  test("maven surefire: one file per class, flakyFailure and rerunFailure/rerunError", async () => {
    const results = await collectReports(["surefire/TEST-*.xml"], FIXTURES);
    assert.deepEqual(results.problems, []);
    assert.deepEqual(
      results.reports.map((r) => r.slice(FIXTURES.length)),
      ["surefire/TEST-shop.ConfigTest.xml", "surefire/TEST-shop.PricingTest.xml"],
    );
    const { cases, totals } = results;
    assert.deepEqual(counts(cases), { passed: 3, failed: 1, error: 1, skipped: 1, flaky: 1 });
    assert.deepEqual({ ...totals, durationMs: 0 }, { tests: 7, passed: 3, failed: 1, errors: 1, skipped: 1, flaky: 1, durationMs: 0 });

    const flaky = named(cases, "answersOnTheSecondTry");
    assert.equal(flaky.status, "flaky");
    assert.equal(flaky.attempts, 2);
    assert.equal(flaky.message, "first attempt fails ==> expected: <true> but was: <false>");
    assert.match(flaky.stack!, /^org\.opentest4j\.AssertionFailedError/);

    const discount = named(cases, "appliesATenPercentDiscount");
    assert.equal(discount.status, "failed");
    assert.equal(discount.attempts, 3, "the first run and two reruns");
    assert.equal(discount.suite, "shop.PricingTest");
    assert.equal(discount.classname, "shop.PricingTest");
    assert.equal(discount.message, "a 10% discount on 100 cents ==> expected: <90> but was: <99>");
    assert.equal(discount.file, "shop/PricingTest.java");
    assert.equal(discount.line, lineOf("surefire/src/test/java/shop/PricingTest.java", "assertEquals(90"));
    assert.equal(discount.report, "surefire/TEST-shop.PricingTest.xml");

    const npe = named(cases, "readsTheCurrencyFromTheConfig");
    assert.equal(npe.status, "error");
    assert.equal(npe.attempts, 3);
    assert.match(npe.message!, /^Cannot invoke "java\.util\.Map\.get\(Object\)"/);
    assert.equal(npe.file, "shop/ConfigTest.java", "the test's frame, not Pricing.java where it was thrown");
    assert.equal(npe.line, lineOf("surefire/src/test/java/shop/ConfigTest.java", "Pricing.currency(Map.of())"));

    const skipped = named(cases, "chargesThePaymentSandbox");
    assert.equal(skipped.status, "skipped");
    assert.equal(skipped.message, "needs the payment sandbox");

    assert.equal(named(cases, "formatsAPrice").durationMs, timeAttrMs(read("surefire/TEST-shop.PricingTest.xml"), "formatsAPrice"));
    assert.ok(totals.durationMs > 0);
    assert.equal(resultsPassed(results), false);
  });

  test("every fixture together: totals add up, a stray pom.xml is a problem", async () => {
    const all = await collectReports(["*/*.xml"], FIXTURES);
    assert.deepEqual(all.problems, []);
    assert.equal(all.reports.length, 10);
    assert.equal(all.totals.tests, 6 + 6 + 6 + 8 + 8 + 11 + 9 + 11 + 7);
    assert.equal(all.totals.flaky, 1 + 1 + 1 + 1);
    assert.equal(all.totals.passed + all.totals.failed + all.totals.errors + all.totals.skipped + all.totals.flaky, all.totals.tests);

    const withPom = await collectReports(["**/*.xml"], FIXTURES);
    assert.equal(withPom.problems.length, 1);
    assert.equal(withPom.problems[0]!.report, "sources/surefire/pom.xml");
    assert.match(withPom.problems[0]!.message, /^sources\/surefire\/pom\.xml: not a JUnit report: the root element is <project>/);
  });
});

describe("reports that must never be green", () => {
  const problemsOf = (xml: string, name = "reports/junit.xml") => {
    const parsed = parseJUnit(xml, name);
    assert.deepEqual(parsed.cases, []);
    assert.ok(parsed.problems.length > 0);
    return parsed.problems;
  };

  test("an empty file, or only whitespace", () => {
    for (const xml of ["", "  \n\t\n", "\uFEFF"]) {
      const [p] = problemsOf(xml);
      assert.match(p!.message, /^reports\/junit\.xml: the report is empty/);
      assert.equal(p!.report, "reports/junit.xml");
    }
  });

  test("malformed XML names the file, line and column", () => {
    const [p] = problemsOf('<?xml version="1.0"?>\n<testsuite name="a">\n  <testcase name="x">\n</testsuite>\n');
    assert.equal(p!.line, 4);
    assert.equal(p!.column, 1);
    assert.match(p!.message, /^reports\/junit\.xml:4:1: not well-formed XML: Expected closing tag 'testcase'/);
    assert.match(p!.message, /cut off/);
  });

  test("a real report cut off while being written", () => {
    const xml = read("jest/junit.xml");
    const [p] = problemsOf(xml.slice(0, Math.floor(xml.length / 2)), "jest/junit.xml");
    assert.match(p!.message, /^jest\/junit\.xml:\d+(:\d+)?: not well-formed XML/);
  });

  test("text that is not XML, and broken attributes", () => {
    assert.match(problemsOf("Tests: 3 passed\n")[0]!.message, /not well-formed XML/);
    assert.match(problemsOf('<testsuite name="a><testcase name="b"/></testsuite>')[0]!.message, /not well-formed XML/);
    assert.match(problemsOf("<testsuite><testcase name='a' name='b'/></testsuite>")[0]!.message, /repeated/);
  });

  test("XML that is not JUnit", () => {
    const pom = problemsOf(read("sources/surefire/pom.xml"), "pom.xml")[0]!;
    assert.equal(pom.message, "pom.xml: not a JUnit report: the root element is <project>, where JUnit XML has <testsuites> or <testsuite> (does the pattern match other XML files?)");
    assert.match(problemsOf("<html><body>502 Bad Gateway</body></html>")[0]!.message, /root element is <html>/);
    assert.match(problemsOf('<testsuite name="a"/><testsuite name="b"/>')[0]!.message, /2 root elements/);
  });

  test("a report with no test case", () => {
    assert.match(problemsOf('<testsuites tests="0" failures="0"></testsuites>')[0]!.message, /^reports\/junit\.xml: the report lists no test case: /);
    assert.match(problemsOf('<testsuite name="api" tests="0"/>')[0]!.message, /lists no test case/);
    const declared = problemsOf('<testsuite name="api" tests="3" failures="1"></testsuite>').map((p) => p.message);
    assert.ok(declared.some((m) => /lists no test case although it declares 3/.test(m)), declared.join("\n"));
  });

  test("a suite that declares failures its cases don't show", () => {
    const parsed = parseJUnit('<testsuite name="api" tests="1" failures="0" errors="1"><testcase name="a" time="0.1"/></testsuite>', "r.xml");
    assert.equal(parsed.cases.length, 1);
    assert.equal(parsed.problems.length, 1);
    assert.match(parsed.problems[0]!.message, /^r\.xml: suite "api" declares 1 failure\(s\) or error\(s\) but lists 0 failing test case\(s\)/);
  });

  test("a DOCTYPE entity bomb is refused at once, before any parsing", () => {
    const levels = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join("\n");
    const bomb = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 "lol">\n${levels}\n]>\n<testsuite name="x"><testcase name="&lol9;"/></testsuite>`;
    const started = performance.now();
    const [p] = problemsOf(bomb);
    assert.ok(performance.now() - started < 200, "refused quickly");
    assert.equal(p!.line, 2);
    assert.match(p!.message, /^reports\/junit\.xml:2:1: the report has a DOCTYPE or ENTITY declaration/);
  });

  test("an external entity (XXE) is refused too, and never read", () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><testsuite><testcase name="&xxe;"/></testsuite>';
    assert.match(problemsOf(xxe)[0]!.message, /DOCTYPE or ENTITY/);
    // Declared later in the document, it is refused all the same.
    assert.match(problemsOf('<testsuite><!ENTITY x "y"><testcase name="a"/></testsuite>')[0]!.message, /DOCTYPE or ENTITY/);
  });

  test("a DOCTYPE inside CDATA or a comment is just text", () => {
    const xml = '<testsuite name="s"><!-- <!DOCTYPE x> --><testcase name="a"><failure><![CDATA[got <!DOCTYPE html><html>...]]></failure></testcase></testsuite>';
    const parsed = parseJUnit(xml, "r.xml");
    assert.deepEqual(parsed.problems, []);
    assert.equal(parsed.cases[0]!.stack, "got <!DOCTYPE html><html>...");
  });

  test("nesting deeper than any report is a problem, not a crash", () => {
    const deep = `<testsuites>${"<testsuite>".repeat(300)}<testcase name="a"/>${"</testsuite>".repeat(300)}</testsuites>`;
    assert.match(problemsOf(deep)[0]!.message, /could not be read as XML/);
  });
});

describe("parsing details", () => {
  const one = (xml: string): TestCaseResult => {
    const parsed = parseJUnit(xml, "r.xml");
    assert.deepEqual(parsed.problems, []);
    assert.equal(parsed.cases.length, 1);
    return parsed.cases[0]!;
  };

  test("entities and character references in attributes and text; CDATA kept as written", () => {
    const c = one(
      `<testsuite name="a &amp; b"><testcase name="quotes &quot;x&quot; &lt;y&gt; &apos;z&apos; &#233;&#x41;"><failure message="line1&#10;line2">text &lt;tag&gt; <![CDATA[raw &amp; <b>]]> &unknown;</failure></testcase></testsuite>`,
    );
    assert.equal(c.suite, "a & b");
    assert.equal(c.name, `quotes "x" <y> 'z' éA`);
    assert.equal(c.message, "line1\nline2");
    assert.equal(c.stack, "text <tag> raw &amp; <b> &unknown;");
    assert.equal(decodeEntities("&#0;&#xD800;&#1114112;"), "\uFFFD\uFFFD\uFFFD");
  });

  test("a bare <testsuite> root, nested suites, a suite-level error", () => {
    const parsed = parseJUnit(
      `<testsuite name="api"><testsuite name="users"><testcase name="lists" time="1.5"/></testsuite><testsuite name="orders"><error message="database not reachable" type="SetupError">at setUp (tests/orders.spec.ts:9:3)</error></testsuite></testsuite>`,
      "r.xml",
    );
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(
      parsed.cases.map((c) => [c.suite, c.name, c.status]),
      [
        ["api › users", "lists", "passed"],
        ["api › orders", "(suite error)", "error"],
      ],
    );
    const suiteError = parsed.cases[1]!;
    assert.equal(suiteError.message, "database not reachable");
    assert.equal(suiteError.file, "tests/orders.spec.ts");
    assert.equal(suiteError.line, 9);
    assert.equal(parsed.durationMs, 1500);
  });

  test("message from the text when the attribute is missing or a placeholder; type as a last resort", () => {
    assert.equal(one('<testsuite><testcase name="a"><failure message="Failed">AssertionError: 1 != 2\n    at x (a.test.js:3:1)</failure></testcase></testsuite>').message, "AssertionError: 1 != 2");
    assert.equal(one('<testsuite><testcase name="a"><failure type="AssertionError"/></testcase></testsuite>').message, "AssertionError");
    const bare = one('<testsuite><testcase name="a"><failure/></testcase></testsuite>');
    assert.equal(bare.status, "failed");
    assert.equal(bare.message, undefined);
  });

  test("file and line attributes (not pytest: taken as 1-based), line only with a file", () => {
    const c = one('<testsuite><testcase name="a" file="src/a.test.ts" line="12" time="0.01"/></testsuite>');
    assert.equal(c.file, "src/a.test.ts");
    assert.equal(c.line, 12);
    assert.equal(one('<testsuite><testcase name="a" line="12"/></testsuite>').line, undefined);
  });

  test("older Surefire: flaky and rerun elements with the trace as their text; system-out kept for failures", () => {
    const flaky = one(
      '<testsuite name="T"><testcase name="f" classname="a.b.T" time="2"><flakyError message="timeout" type="java.net.SocketTimeoutException">java.net.SocketTimeoutException: timeout\n\tat a.b.T.f(T.java:40)</flakyError><flakyError message="timeout">x</flakyError></testcase></testsuite>',
    );
    assert.equal(flaky.status, "flaky");
    assert.equal(flaky.attempts, 3);
    assert.equal(flaky.file, "a/b/T.java");
    assert.equal(flaky.line, 40);
    assert.equal(flaky.durationMs, 2000);

    const failed = one(
      '<testsuite name="T"><testcase name="f"><failure message="boom"/><rerunFailure message="boom"/><system-out>connecting to db:5432\nretrying</system-out><system-err><![CDATA[WARN slow]]></system-err></testcase></testsuite>',
    );
    assert.equal(failed.status, "failed");
    assert.equal(failed.attempts, 2);
    assert.equal(failed.output, "connecting to db:5432\nretrying\nWARN slow");
    assert.equal(one('<testsuite><testcase name="ok"><system-out>noise</system-out></testcase></testsuite>').output, undefined);
  });

  test("repeated names are separate tests except in pytest and Go reports", () => {
    // Jest's test.each without a placeholder: two tests, one name. A failure stays a failure.
    const jestLike = parseJUnit('<testsuites name="jest tests"><testsuite name="s"><testcase classname="c" name="adds"/><testcase classname="c" name="adds"><failure>x</failure></testcase></testsuite></testsuites>', "r.xml");
    assert.deepEqual(jestLike.cases.map((c) => c.status), ["passed", "failed"]);
    // pytest: the last attempt decides.
    const pytest = parseJUnit('<testsuites name="pytest tests"><testsuite name="pytest"><testcase classname="c" name="t"/><testcase classname="c" name="t"><failure message="no"/></testcase></testsuite></testsuites>', "r.xml");
    assert.deepEqual(pytest.cases.map((c) => [c.status, c.attempts]), [["failed", 2]]);
  });

  test("a <testcase status> attribute marks skips when there is no element", () => {
    assert.equal(one('<testsuite><testcase name="a" status="notrun"/></testsuite>').status, "skipped");
    assert.equal(one('<testsuite><testcase name="a" status="run"/></testsuite>').status, "passed");
  });

  test("time in seconds: decimals, commas, missing or junk", () => {
    assert.equal(secondsToMs("0.004"), 4);
    assert.equal(secondsToMs("12"), 12_000);
    assert.equal(secondsToMs("0.020711944"), 20.712);
    assert.equal(secondsToMs("1e-3"), 1);
    assert.equal(secondsToMs("1,234.5"), 1_234_500);
    assert.equal(secondsToMs("1,234,567"), 1_234_567_000);
    assert.equal(secondsToMs("0,25"), 250);
    assert.equal(secondsToMs("1,5"), 1_500);
    assert.equal(secondsToMs(" 2.5 "), 2_500);
    for (const junk of [undefined, "", "abc", "-1", "NaN", "Infinity", "1.2.3", "0x10"]) assert.equal(secondsToMs(junk), 0, String(junk));
    assert.equal(one('<testsuite><testcase name="a" time="1,5"/></testsuite>').durationMs, 1_500);
    assert.equal(one('<testsuite><testcase name="a"/></testsuite>').durationMs, 0);
  });

  test("terminal colour codes are dropped from messages and stacks", () => {
    const c = one('<testsuite><testcase name="a"><failure message="&#27;[31mexpected&#27;[39m 1">\u001b[2mat x (a.test.ts:4:2)\u001b[22m</failure></testcase></testsuite>');
    assert.equal(c.message, "expected 1");
    assert.equal(c.stack, "at x (a.test.ts:4:2)");
  });

  test("a UTF-8 byte-order mark and an XML declaration are fine", () => {
    assert.equal(one('\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<testsuite><testcase name="a"/></testsuite>').name, "a");
  });
});

describe("finding file:line in a stack", () => {
  test("JavaScript frames, skipping node_modules and node internals", () => {
    const stack = [
      "Error: expected 200, got 500",
      "    at Object.expect (/app/node_modules/expect/build/index.js:10:3)",
      "    at processTicksAndRejections (node:internal/process/task_queues:95:5)",
      "    at Context.<anonymous> (/app/test/api.spec.ts:88:12)",
    ].join("\n");
    assert.deepEqual(findLocation(stack, {}), { file: "/app/test/api.spec.ts", line: 88, matchesHint: false });
    assert.deepEqual(findLocation(stack, { file: "test/api.spec.ts" }), { file: "test/api.spec.ts", line: 88, matchesHint: true });
    assert.deepEqual(findLocation("    at file:///C:/work/app/a.test.mjs:5:7", {}), { file: "C:/work/app/a.test.mjs", line: 5, matchesHint: false });
  });

  test("pytest, Python tracebacks, Go, .NET", () => {
    assert.deepEqual(findLocation("    assert r.status == 200\nE   assert 500 == 200\n\ntests/test_api.py:12: AssertionError", {}), { file: "tests/test_api.py", line: 12, matchesHint: false });
    assert.deepEqual(findLocation('Traceback (most recent call last):\n  File "/app/tests/test_x.py", line 7, in test_x\n    boom()', {}), { file: "/app/tests/test_x.py", line: 7, matchesHint: false });
    assert.deepEqual(findLocation("    api_test.go:42: got 500", {}), { file: "api_test.go", line: 42, matchesHint: false });
    assert.deepEqual(findLocation("   at Shop.Tests.ApiTests.Get() in /src/Shop.Tests/ApiTests.cs:line 31", {}), { file: "/src/Shop.Tests/ApiTests.cs", line: 31, matchesHint: false });
  });

  test("JVM frames: the test class's frame, with its package as folders", () => {
    const stack = "java.lang.AssertionError\n\tat org.junit.Assert.fail(Assert.java:89)\n\tat com.shop.db.Repo.save(Repo.java:17)\n\tat com.shop.api.OrdersIT.createsAnOrder(OrdersIT.java:55)";
    assert.deepEqual(findLocation(stack, { classname: "com.shop.api.OrdersIT" }), { file: "com/shop/api/OrdersIT.java", line: 55, matchesHint: false });
    assert.deepEqual(findLocation(stack, {}), { file: "com/shop/db/Repo.java", line: 17, matchesHint: false });
  });

  test("only things that look like source paths", () => {
    for (const text of [
      "connect ECONNREFUSED 127.0.0.1:5432",
      "could not reach db.internal:5432",
      "GET http://localhost:8080/app.js:10 failed",
      "expected version 1.2:3",
      "ratio was 0.5:1",
      "at <anonymous>:1:1",
    ]) {
      assert.equal(findLocation(text, {}), undefined, text);
    }
  });

  test("bounded work on hostile input", () => {
    const hostile = [`${"(".repeat(50_000)}a.ts:1`, `${" in ".repeat(20_000)}x`, `${"a.".repeat(30_000)}`, `${"/a".repeat(30_000)}.ts`].join("\n");
    const started = performance.now();
    findLocation(hostile.repeat(20), {});
    assert.ok(performance.now() - started < 1_000);
  });
});
