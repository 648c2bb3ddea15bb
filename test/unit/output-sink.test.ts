import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { Output, passText } from "../../src/engine/logs.ts";
import { ResultsFolder } from "../../src/results/output.ts";
import { TextTail, writeText } from "../../src/util/text-streams.ts";

import { MASK, Redactor } from "../../src/secrets/redact.ts";

describe("the results folder's outputs", () => {
  test("its transform applies to the file, the tail and texts kept for reports", async () => {
    const folder = new ResultsFolder(mkdtempSync(join(tmpdir(), "prenv-sink-")), new Redactor(["s3cret"]));
    const output = new Output(folder, "logs/prenv/test.log", { limits: { lines: 2, bytes: 100 } });
    await writeText(output.input, "first\nthe token is s3cret\n");
    await writeText(output.input, "last\n");
    assert.equal(await output.close(), `… 6 B cut; the whole output is in logs/prenv/test.log\nthe token is ${MASK}\nlast\n`);
    assert.equal(readFileSync(join(folder.dir, "logs/prenv/test.log"), "utf8"), `first\nthe token is ${MASK}\nlast\n`);
    assert.equal(await passText(folder, "boot failed: s3cret"), `boot failed: ${MASK}`);
  });

  test("a tail cut at its byte limit starts on a whole character and counts what it dropped", () => {
    const tail = new TextTail({ lines: 100, bytes: 10 });
    for (let i = 0; i < 100; i++) tail.push(Buffer.from("é€😀"));
    assert.deepEqual(tail.result(), { text: "é€😀", cutBytes: 891 });
    assert.equal(tail.render(), "… 891 B cut\né€😀");
  });

  test("a path outside the folder is refused", () => {
    const folder = new ResultsFolder(mkdtempSync(join(tmpdir(), "prenv-sink-")));
    assert.throws(() => folder.open("../elsewhere.log"), /outside the results folder/);
  });
});
