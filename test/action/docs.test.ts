import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { OUTPUT } from "../../src/action/keys.ts";
import { ROOT } from "../helpers/docker.ts";
import { actionYaml } from "./harness.ts";

/** The part of a Markdown file under `heading`, up to the next heading of that level. */
function section(file: string, heading: string): string {
  const text = readFileSync(join(ROOT, file), "utf8");
  const start = text.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `${file} has no "${heading}"`);
  const level = heading.split(" ")[0]!;
  const rest = text.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`\\n${level} `));
  return end >= 0 ? rest.slice(0, end) : rest;
}

/** `| \`name\` | \`default\` | ...` rows: name -> default ("" for `""`). */
function tableRows(markdown: string): Map<string, string | undefined> {
  const rows = new Map<string, string | undefined>();
  for (const line of markdown.split("\n")) {
    const m = /^\| `([a-z-]+)` \|(?: `([^`]*)` \|)?/.exec(line);
    if (m) rows.set(m[1]!, m[2] === '""' ? "" : m[2]);
  }
  return rows;
}

const action = actionYaml();
const inputDefaults = new Map(Object.entries(action.inputs).map(([name, spec]) => [name, String(spec.default ?? "")]));
const outputs = Object.keys(action.outputs).sort();

describe("action.yml, README.md and docs/action.md agree", () => {
  test("action.yml runs the bundled main and post steps on Node 24", () => {
    const runs = (parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as { runs: Record<string, string> }).runs;
    assert.deepEqual(runs, { using: "node24", main: "dist/main.js", post: "dist/post.js", "post-if": "always()" });
  });

  test("every output the code sets is declared", () => {
    assert.deepEqual(Object.values(OUTPUT).sort(), outputs);
  });

  test("docs/action.md documents every input with its default, and every output", () => {
    assert.deepEqual(tableRows(section("docs/action.md", "## Inputs")), inputDefaults);
    assert.deepEqual([...tableRows(section("docs/action.md", "## Outputs")).keys()].sort(), outputs);
  });

  test("README.md's GitHub Action section lists every input with its default, and every output", () => {
    const readme = section("README.md", "## GitHub Action");
    assert.deepEqual(tableRows(readme), inputDefaults);
    const outputsLine = /Outputs: ([^.]+)\./.exec(readme)?.[1] ?? "";
    assert.deepEqual([...outputsLine.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]).sort(), outputs);
  });

  test("the example workflows only use inputs that exist", () => {
    const dir = join(ROOT, "examples/workflows");
    const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".yml"));
    assert.ok(files.length >= 4);
    let uses = 0;
    for (const file of files) {
      const workflow = parse(readFileSync(join(dir, file), "utf8")) as { jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }> };
      for (const job of Object.values(workflow.jobs)) {
        for (const step of job.steps.filter((s) => s.uses?.startsWith("acme/prenv@"))) {
          uses++;
          for (const key of Object.keys(step.with ?? {})) assert.ok(inputDefaults.has(key), `${file}: input "${key}" does not exist`);
        }
      }
    }
    assert.ok(uses >= 4);
  });
});
