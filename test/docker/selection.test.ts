/**
 * `--only` and `prenv repro --manifest ... --only-failed` with real runners: node:test and
 * pytest each run just the named tests (the others are not run at all), from a git clone,
 * offline, from the manifest a failed run wrote.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { BUSYBOX, cli, committedProject, environmentNames, leftovers } from "../helpers/docker.ts";

const names = environmentNames();

/** A Python that has pytest: the one on PATH, else Debian's. */
function pythonWithPytest(): string {
  for (const python of ["python3", "/usr/bin/python3"]) {
    if (spawnSync(python, ["-m", "pytest", "--version"], { stdio: "ignore" }).status === 0) return python;
  }
  throw new Error("no Python with pytest: install python3-pytest (.ci/run does)");
}

const definition = (command: string) => `name: sel
services:
  box:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
test:
  command: ${JSON.stringify(command)}
  reports: reports/*.xml
  timeout: 2m
`;

interface Results {
  tests: { totals: { tests: number; failed: number }; cases: { name: string; status: string }[] };
}
const read = (dir: string) => JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as Results;
const ran = (r: Results) => r.tests.cases.map((c) => `${c.name}:${c.status}`).sort();

const suites = {
  node: {
    command: `mkdir -p reports && '${process.execPath}' --test --test-reporter=junit --test-reporter-destination=reports/junit.xml tests/*.test.mjs`,
    files: {
      "tests/a.test.mjs": `import assert from "node:assert/strict";\nimport { test } from "node:test";\ntest("adds items", () => {});\ntest("applies coupon", () => assert.equal(1, 2));\ntest("a (tricky) name.*", () => assert.fail("no"));\n`,
    },
    failed: ["a (tricky) name.*:failed", "applies coupon:failed"],
    only: ["adds items:passed"],
    onlyName: "adds items",
  },
  pytest: {
    command: `mkdir -p reports && ${pythonWithPytest()} -m pytest -q -p no:cacheprovider --junitxml=reports/junit.xml tests`,
    files: {
      "tests/test_shop.py": `import pytest\n\ndef test_adds():\n    pass\n\ndef test_coupon():\n    assert 80 == 90\n\n@pytest.mark.parametrize("n", [1, 2])\ndef test_rounding(n):\n    assert n == 1\n`,
    },
    failed: ["test_coupon:failed", "test_rounding[2]:failed"],
    only: ["test_adds:passed"],
    onlyName: "test_adds",
  },
};

describe("running only some tests", { concurrency: false }, () => {
  for (const [runner, suite] of Object.entries(suites)) {
    test(`${runner}: --only runs the named test; repro --manifest --only-failed runs just the failed ones`, async () => {
      const dir = committedProject({ "prenv.yml": definition(suite.command), ".gitignore": "reports/\nprenv-results/\n__pycache__/\n", ...suite.files });
      const env = names(`sel-${runner}`);
      const full = await cli(["run", "--env", env], { cwd: dir });
      assert.equal(full.code, 1, full.stderr);
      const all = read(join(dir, "prenv-results"));
      assert.equal(all.tests.totals.tests, runner === "node" ? 3 : 4);
      assert.match(full.stderr, /reproduce this run \(here or on another machine\):\n  npx prenv@\S+ repro --commit [0-9a-f]{40} --tree [0-9a-f]{40} --prenv \S+ --only /);

      const only = await cli(["run", "--env", env, "--only", suite.onlyName, "--results-dir", "only"], { cwd: dir });
      assert.equal(only.code, 0, only.stderr);
      assert.deepEqual(ran(read(join(dir, "only"))), suite.only);

      const again = await cli(["repro", "--manifest", "prenv-results/manifest.json", "--only-failed", "--results-dir", "again", "--env", env], { cwd: dir });
      assert.equal(again.code, 1, again.stderr);
      assert.deepEqual(ran(read(join(dir, "again"))), suite.failed);
      assert.deepEqual(await leftovers(env), { containers: 0, networks: 0, volumes: 0 });
    });
  }

  test("--print says what repro would do and does nothing", async () => {
    const dir = committedProject({ "prenv.yml": definition("true"), ".gitignore": "prenv-results/\n" });
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: dir, encoding: "utf8" }).trim();
    const tree = execFileSync("git", ["rev-parse", "HEAD^{tree}"], { cwd: dir, encoding: "utf8" }).trim();
    const env = names("sel-print");
    const r = await cli(["repro", "--commit", head, "--tree", tree, "--set", "x=1", "--env", env, "--print"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`make a temporary git worktree of commit ${head}`));
    assert.match(r.stdout, /prenv run --set x=1 --env /);
    assert.equal(execFileSync("git", ["worktree", "list"], { cwd: dir, encoding: "utf8" }).trim().split("\n").length, 1);
    assert.deepEqual(await leftovers(env), { containers: 0, networks: 0, volumes: 0 });
  });
});
