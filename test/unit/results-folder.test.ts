import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ResultsFolder } from "../../src/results/output.ts";
import { writeText } from "../../src/util/text-streams.ts";
import { project } from "./compose-fixture.ts";

describe("the results folder", () => {
  test("--results-dir . : a new run removes what prenv wrote there before, and never the user's own logs/ and junit/ files", async () => {
    const dir = project({ "logs/mine.txt": "the user's own log\n", "junit/theirs.xml": "<testsuite/>\n", "reports/r.xml": "<testsuite/>\n" });
    const first = new ResultsFolder(dir);
    await first.reset();
    const log = first.open("logs/web.log");
    await writeText(log, "web log\n");
    await new Promise((resolve) => log.end(resolve));
    await first.copyReports([join(dir, "reports/r.xml")], dir);
    await first.writeJson({ run: 1 });
    assert.equal(readFileSync(join(dir, "logs/web.log"), "utf8"), "web log\n");
    assert.ok(existsSync(join(dir, "junit/reports/r.xml")));

    const second = new ResultsFolder(dir);
    await second.reset();
    assert.ok(!existsSync(join(dir, "logs/web.log")), "prenv's log of the last run is gone");
    assert.ok(!existsSync(join(dir, "junit/reports")), "and so is the folder prenv made for its copy");
    assert.ok(!existsSync(join(dir, "results.json")));
    assert.equal(readFileSync(join(dir, "logs/mine.txt"), "utf8"), "the user's own log\n");
    assert.ok(existsSync(join(dir, "junit/theirs.xml")));
    assert.ok(existsSync(join(dir, "reports/r.xml")), "the runner's own report is not prenv's");
  });

  test("a folder prenv never wrote to (no index) loses nothing", async () => {
    const dir = project({ "results.json": "{}\n", "logs/a.log": "a\n" });
    mkdirSync(join(dir, "junit"));
    writeFileSync(join(dir, "junit/x.xml"), "<testsuite/>");
    await new ResultsFolder(dir).reset();
    for (const f of ["results.json", "logs/a.log", "junit/x.xml"]) assert.ok(existsSync(join(dir, f)), f);
  });
});
