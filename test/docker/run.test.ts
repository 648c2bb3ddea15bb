import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { RunReport } from "../../src/engine/run.ts";
import { cli, docker, environmentNames, leftovers, ROOT, CLAIM } from "../helpers/docker.ts";

/**
 * End to end: the prenv command from source on a copy of examples/shop (so that reports and
 * results never land in the repository), through each outcome a run can have.
 */

const EXAMPLE = join(ROOT, "examples/shop");
const NOTHING = { containers: 0, networks: 0, volumes: 0 };
const named = environmentNames();

const copies: string[] = [];
const builtImages = new Set<string>();
after(async () => {
  // The api image is tagged per definition (the copy's path is part of it): drop those tags.
  for (const image of builtImages) await docker.getImage(image).remove().catch(() => undefined);
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

/** A fresh copy of examples/shop, without reports or results a run there may have left. */
function shop(): string {
  const dir = mkdtempSync(join(tmpdir(), "prenv-shop-"));
  cpSync(EXAMPLE, dir, { recursive: true, filter: (source) => !/[/\\](reports|prenv-results)$/.test(source) });
  copies.push(dir);
  return dir;
}

function results(dir: string): RunReport {
  const report = JSON.parse(readFileSync(join(dir, "prenv-results/results.json"), "utf8")) as RunReport;
  for (const s of report.services) if (s.image.startsWith("prenv-build/")) builtImages.add(s.image);
  return report;
}

function log(dir: string, service: string): string {
  return readFileSync(join(dir, "prenv-results/logs", `${service}.log`), "utf8");
}

/** 1-based line of the first line of `file` (in the copy) that contains `text`. */
function lineOf(dir: string, file: string, text: string): number {
  const index = readFileSync(join(dir, file), "utf8").split("\n").findIndex((l) => l.includes(text));
  assert.ok(index >= 0, `${file} has no line with ${text}`);
  return index + 1;
}

const PRICE_TEST = "prices take the configured discount off the list price";
const ALL_TESTS = [
  "cart › POST /cart prices the items and reserves the stock",
  "cart › POST /cart refuses what is out of stock (409) or unknown (404), and reserves nothing",
  "cart › POST /cart rejects a body that is not a cart (400)",
  "catalog › GET /healthz reports the API and its Redis as up",
  "catalog › GET /config shows the discount and currency the environment was booted with",
  "catalog › GET /products lists the seeded catalog by SKU",
  `catalog › ${PRICE_TEST}`,
  "catalog › GET /products/<sku> answers 404 for an unknown SKU",
];

describe("prenv run on examples/shop", () => {
  test("passing: exit 0, exact totals, params with their origins, the JUnit copy, every service's log, nothing left", async () => {
    const dir = shop();
    const env = named("shop-pass");
    const run = await cli(["run", "--env", env, "--set", "currency=GBP"], { cwd: dir, env: { PRENV_PARAM_DISCOUNT_PERCENT: "25" } });
    assert.equal(run.code, 0, run.stderr);

    const report = results(dir);
    assert.equal(report.outcome, "passed");
    assert.equal(report.exitCode, 0);
    assert.equal(report.error, undefined);
    assert.equal(report.environment, env);
    assert.equal(report.project, "shop");
    assert.ok(report.tests, "the reports were read");
    assert.deepEqual({ ...report.tests.totals, durationMs: 0 }, { tests: 8, passed: 8, failed: 0, errors: 0, skipped: 0, flaky: 0, durationMs: 0 });
    assert.deepEqual(report.tests.cases.map((c) => `${c.suite} › ${c.name}`).sort(), [...ALL_TESTS].sort());
    assert.deepEqual(report.tests.problems, []);
    assert.equal(report.suite?.exitCode, 0);
    assert.deepEqual(report.params, {
      discount_percent: { value: 25, origin: "environment" },
      currency: { value: "GBP", origin: "--set" },
      seed: { value: "full", origin: "default" },
      break_test: { value: false, origin: "default" },
      crash: { value: false, origin: "default" },
    });
    assert.deepEqual(report.setup.map((s) => [s.name, s.kind, s.ok]), [
      ["copy the seed files into the cache", "copy", true],
      ["load seed/full.redis into Redis", "exec", true],
      ["the API serves the seeded catalog", "http", true],
    ]);
    assert.deepEqual(report.services.map((s) => [s.name, s.phase]), [["cache", "ready"], ["api", "ready"]]);
    assert.match(report.services[1]!.image, /^prenv-build\/shop-api:/, "the api is built from its Dockerfile");
    assert.match(report.services[1]!.imageId ?? "", /^sha256:/);
    assert.deepEqual(report.endpoints.map((e) => [e.service, e.containerPort, e.hostIp]), [["api", 8080, "127.0.0.1"]]);
    for (const phase of ["bootMs", "setupMs", "testMs", "teardownMs"] as const) assert.ok((report.timings[phase] ?? -1) >= 0, `timings.${phase}`);

    const junit = readFileSync(join(dir, "prenv-results/junit/reports/junit.xml"), "utf8");
    assert.equal(junit.match(/<testcase /g)?.length, 8);
    // The parameters reached the API (compose interpolation) and Redis logged its start.
    assert.match(log(dir, "api"), /shop-api listening on :8080 \(discount 25%, currency GBP/);
    assert.match(log(dir, "cache"), /Ready to accept connections/);

    assert.match(run.stderr, /✔ 8 passed · 0 failed · 0 skipped \(8 tests\)/);
    assert.match(run.stderr, /✔ catalog/, "the suite's own output is shown");
    assert.match(run.stderr, /results: prenv-results\/results\.json/);
    assert.deepEqual(await leftovers(env), NOTHING);
  });

  test("a failing test: exit 1, its name, message, file and line in results.json and in the summary", async () => {
    const dir = shop();
    const env = named("shop-fail");
    const run = await cli(["run", "--env", env, "--set", "break_test=true"], { cwd: dir });
    assert.equal(run.code, 1, run.stderr);

    const report = results(dir);
    assert.equal(report.outcome, "failed");
    assert.equal(report.exitCode, 1);
    assert.ok(report.tests, "the reports were read");
    assert.deepEqual({ ...report.tests.totals, durationMs: 0 }, { tests: 8, passed: 7, failed: 1, errors: 0, skipped: 0, flaky: 0, durationMs: 0 });
    const failed = report.tests.cases.filter((c) => c.status !== "passed");
    assert.equal(failed.length, 1);
    const line = lineOf(dir, "tests/catalog.test.mjs", "assert.equal(body.price_cents");
    assert.deepEqual(
      { suite: failed[0]!.suite, name: failed[0]!.name, status: failed[0]!.status, file: failed[0]!.file, line: failed[0]!.line },
      { suite: "catalog", name: PRICE_TEST, status: "failed", file: "tests/catalog.test.mjs", line },
    );
    assert.match(failed[0]!.message ?? "", /Expected values to be strictly equal:\s*1161 !== 1097/);
    assert.notEqual(report.suite?.exitCode, 0);

    assert.match(run.stderr, /✖ 7 passed · 1 failed · 0 skipped \(8 tests\)/);
    assert.ok(run.stderr.includes(`✖ catalog › ${PRICE_TEST} (tests/catalog.test.mjs:${line})`), run.stderr);
    assert.match(run.stderr, /1161 !== 1097/);
    assert.ok(log(dir, "api").length > 0 && log(dir, "cache").length > 0, "logs are saved whatever the outcome");
    assert.deepEqual(await leftovers(env), NOTHING);
  });

  test("a failing setup step: exit 2, phase setup with the step's output, no test run, torn down", async () => {
    const dir = shop();
    const env = named("shop-setup");
    const run = await cli(["run", "--env", env, "--set", "seed=broken"], { cwd: dir });
    assert.equal(run.code, 2, run.stderr);

    const report = results(dir);
    assert.equal(report.outcome, "error");
    assert.equal(report.exitCode, 2);
    assert.ok(report.error);
    assert.equal(report.error.phase, "setup");
    assert.match(report.error.message, /setup step "load seed\/broken\.redis into Redis" failed: exit code 1/);
    assert.match(report.error.output ?? "", /ERR wrong number of arguments for 'hset' command/);
    // Every step that ran is recorded: the copy passed, the load failed, the check never ran.
    assert.deepEqual(report.setup.map((s) => [s.kind, s.ok]), [["copy", true], ["exec", false]]);
    assert.equal(report.setup[1]!.name, "load seed/broken.redis into Redis");
    assert.equal(report.suite, undefined, "the suite never started");
    assert.equal(report.tests, undefined);
    assert.equal(existsSync(join(dir, "reports")), false, "the test command never ran");

    assert.match(run.stderr, /✖ setup failed: setup step "load seed\/broken\.redis into Redis" failed/);
    assert.match(run.stderr, /ERR wrong number of arguments for 'hset' command/);
    assert.ok(log(dir, "cache").length > 0 && log(dir, "api").length > 0);
    assert.deepEqual(await leftovers(env), NOTHING);
  });

  test("the api crashing while the tests run: exit 2 naming the api, its log saved", async () => {
    const dir = shop();
    const env = named("shop-crash");
    const run = await cli(["run", "--env", env, "--set", "crash=true"], { cwd: dir });
    assert.equal(run.code, 2, run.stderr);

    const report = results(dir);
    assert.equal(report.outcome, "error");
    assert.ok(report.error);
    assert.equal(report.error.phase, "test");
    assert.equal(report.error.service, "api");
    assert.match(report.error.message, /service "api" exited with code 70 while the tests ran/);
    assert.match(report.error.output ?? "", /crash requested with POST \/admin\/crash/);
    assert.ok((report.tests?.totals.failed ?? 0) > 0, "the tests after the crash failed, and are still reported");

    assert.match(log(dir, "api"), /crash requested with POST \/admin\/crash; exiting with code 70/);
    assert.match(run.stderr, /✖ test failed \(service api\): service "api" exited with code 70/);
    assert.deepEqual(await leftovers(env), NOTHING);
  });

  test("--keep leaves the environment up; prenv test runs the suite against it (setup once); prenv down removes it", async () => {
    const dir = shop();
    const env = named("shop-keep");
    const run = await cli(["run", "--env", env, "--keep"], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`the environment is still up: \`prenv down --env ${env}\``));
    assert.equal((await leftovers(env)).containers, 2 + CLAIM);

    const again = await cli(["test", "--env", env], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    const report = results(dir);
    assert.equal(report.outcome, "passed");
    assert.equal(report.tests?.totals.passed, 8);
    assert.deepEqual(report.setup, [], "setup already ran on this environment");
    assert.equal(report.timings.bootMs, undefined, "prenv test does not boot");
    assert.deepEqual(report.endpoints.map((e) => e.service), ["api"]);
    assert.equal((await leftovers(env)).containers, 2 + CLAIM, "prenv test leaves the environment up");

    const down = await cli(["down", "--env", env], { cwd: dir });
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stderr, new RegExp(`removed ${env}: 2 containers, 1 networks`));
    assert.deepEqual(await leftovers(env), NOTHING);
  });

  test("a bad --set value: exit 3 with the reason and a did-you-mean, nothing created, no results written", async () => {
    const dir = shop();
    const env = named("shop-bad");
    const run = await cli(["run", "--env", env, "--set", "discount_percent=ten", "--set", "currncy=USD"], { cwd: dir });
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /--set discount_percent=ten: parameter "discount_percent" must be a whole number, not "ten"/);
    assert.match(run.stderr, /--set currncy=USD: unknown parameter "currncy"\n\s+hint: did you mean "currency"\?/);
    assert.match(run.stderr, /nothing was created/);
    assert.equal(existsSync(join(dir, "prenv-results")), false);
    assert.deepEqual(await leftovers(env), NOTHING);
  });

  test("prenv describe --markdown prints the parameters table that examples/shop/README.md shows", async () => {
    const run = await cli(["describe", "--markdown"], { cwd: shop() });
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split("\n");
    assert.deepEqual(lines.slice(0, 2), ["| parameter | type | default | description |", "|---|---|---|---|"]);
    assert.deepEqual(lines.slice(2).map((l) => l.split(" | ")[0]), ["| `discount_percent`", "| `currency`", "| `seed`", "| `break_test`", "| `crash`"]);
    assert.ok(lines.includes("| `discount_percent` | `integer` | `10` | Discount the API takes off every list price, in percent (0 to 90) |"), run.stdout);
    assert.ok(lines.includes("| `currency` | `enum (EUR, USD, GBP)` | `EUR` | Currency the API quotes prices in |"), run.stdout);
    assert.ok(readFileSync(join(EXAMPLE, "README.md"), "utf8").includes(run.stdout), "examples/shop/README.md shows the current table");
  });
});
