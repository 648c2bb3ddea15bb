import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Progress } from "../../src/cli/progress.ts";

describe("the boot progress on a terminal", () => {
  test("is drawn a last time when it stops, and never again: what comes after it stays on the screen", () => {
    const written: string[] = [];
    const terminal = { isTTY: true, columns: 100, write: (text: string) => written.push(text) };
    const progress = new Progress(terminal, ["db"]);
    progress.update({ service: "db", phase: "ready", elapsedMs: 1200 });
    progress.stop();
    const afterFirst = written.length;
    progress.stop();
    progress.stop();
    assert.equal(written.length, afterFirst, "a second stop writes nothing (no cursor-up over later output)");
    assert.match(written.join(""), /db {2}ready {2}1\.2 s/);
  });
});
