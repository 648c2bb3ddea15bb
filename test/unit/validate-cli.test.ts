/**
 * prenv validate and plan on invalid files, through the real CLI: warnings come with the
 * errors (one round of fixes), --json prints the findings as JSON on stdout, and neither
 * command says "nothing was created" (they never create anything).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ROOT } from "../helpers/docker.ts";
import { project } from "./compose-fixture.ts";

const prenv = (dir: string, args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, "src/cli/index.ts"), ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, NODE_TEST_CONTEXT: undefined }, timeout: 60_000 });

// A warning (container_name, line 4) before an error (the misspelt key, line 5).
const BAD = "services:\n  web:\n    image: nginx\n    container_name: web-1\n    helthcheck: { test: [CMD, 'true'] }\n";

describe("validate and plan on an invalid file", () => {
  for (const command of ["validate", "plan"]) {
    test(`${command}: the warnings with the errors, exit 3, no "nothing was created"`, () => {
      const dir = project({ "compose.yaml": BAD });
      const r = prenv(dir, [command]);
      assert.equal(r.status, 3, r.stderr);
      const file = join(dir, "compose.yaml");
      assert.ok(r.stderr.includes(`${file}:4:5: warning: container_name "web-1" is not used`), r.stderr);
      assert.ok(r.stderr.includes(`${file}:5:5: error: unknown key "helthcheck"`), r.stderr);
      assert.match(r.stderr, /prenv: the definition has 1 error\n$/);
      assert.doesNotMatch(r.stderr, /nothing was created/);
    });

    test(`${command} --json: the findings as JSON on stdout`, () => {
      const dir = project({ "compose.yaml": BAD });
      const r = prenv(dir, [command, "--json"]);
      assert.equal(r.status, 3, r.stderr);
      const out = JSON.parse(r.stdout) as { valid: boolean; errors: { message: string; location: { line: number } }[]; warnings: { message: string }[] };
      assert.equal(out.valid, false);
      assert.deepEqual(out.errors.map((e) => [e.location.line, e.message]), [[5, 'unknown key "helthcheck" in service "web"']]);
      assert.equal(out.warnings.length, 1);
      assert.match(out.warnings[0]!.message, /container_name/);
    });
  }

  test("up still says that nothing was created, after the warnings", () => {
    const dir = project({ "compose.yaml": BAD });
    const r = prenv(dir, ["up", "--env", "t-never-created-validate"]);
    assert.equal(r.status, 3, r.stderr);
    assert.ok(r.stderr.indexOf("warning:") < r.stderr.indexOf("error:"), r.stderr);
    assert.match(r.stderr, /nothing was created/);
  });
});
