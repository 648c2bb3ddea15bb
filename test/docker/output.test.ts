import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createReadStream, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { RunReport } from "../../src/engine/run.ts";
import { BUSYBOX, cli, environmentNames, leftovers, project } from "../helpers/docker.ts";

/**
 * Outputs of any size, end to end through `prenv run`: streamed whole to the results folder,
 * bounded in results.json with a note of what was cut, and decoded as UTF-8 across chunks.
 */

const named = environmentNames();
const NOTHING = { containers: 0, networks: 0, volumes: 0 };
/** 1000-byte lines (yes repeats the 999 characters and a newline): the engine reads short log lines slowly. */
const LINE = "0123456789".repeat(100).slice(0, 999);
const TAIL_BYTES = 8192;

async function sha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function results(dir: string): RunReport {
  return JSON.parse(readFileSync(join(dir, "prenv-results/results.json"), "utf8")) as RunReport;
}

/** The tail's text after its first line, which must be the cut notice naming `file`. */
function cutTail(output: string | undefined, megabytes: RegExp, file: string): string {
  assert.ok(output !== undefined, "the report has the output's tail");
  const [notice, ...rest] = output.split("\n");
  assert.match(notice!, new RegExp(`^… ${megabytes.source} cut; the whole output is in ${file.replaceAll(".", "\\.")}$`));
  const text = rest.join("\n");
  assert.ok(Buffer.byteLength(text) <= TAIL_BYTES, `the tail is bounded (${Buffer.byteLength(text)} bytes)`);
  assert.ok(text.length > 0, "the tail is not empty");
  return text;
}

describe("outputs of any size", () => {
  test("a service, a setup step and the test command printing hundreds of MB: complete files, bounded tails, the right outcome", async () => {
    const dir = project({
      "prenv.yml": `services:
  noisy:
    image: ${BUSYBOX}
    command: [sh, -c, "yes ${LINE} | head -c 200000000; echo noisy done; touch /tmp/printed; exec sleep 3600"]
    healthcheck: { test: [CMD, test, -f, /tmp/printed], interval: 1s }
setup:
  - exec: { service: noisy, command: [sh, -c, "yes ${LINE} | head -c 150000000"] }
    name: Print 150 MB
test:
  command: [sh, -c, "yes ${LINE} | head -c 100000000; exit 1"]
`,
    });
    const env = named("big");
    const run = await cli(["run", "--env", env, "--json"], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(run.code, 1, run.stderr);
    const report = results(dir);
    assert.equal(report.outcome, "failed");
    assert.deepEqual(report.setup.map((s) => [s.name, s.ok]), [["Print 150 MB", true]]);

    const logs = join(dir, "prenv-results/logs");
    assert.equal(statSync(join(logs, "noisy.log")).size, 200_000_000 + "noisy done\n".length);
    assert.equal(statSync(join(logs, "prenv/setup-1-print-150-mb.log")).size, 150_000_000);
    assert.equal(statSync(join(logs, "prenv/test.log")).size, 100_000_000);

    const stepTail = cutTail(report.setup[0]!.output, /1\d\d MB/, "logs/prenv/setup-1-print-150-mb.log");
    assert.ok(stepTail.split("\n").every((line) => LINE.endsWith(line)), "the step's tail is its last lines, the first cut at a byte limit");
    assert.equal(report.error?.message, "the test command exited with code 1");
    cutTail(report.error?.output, /100 MB/, "logs/prenv/test.log");
    assert.deepEqual(await leftovers(env), NOTHING);
  });

  test("UTF-8 split across chunks and frames comes out byte-exact: a service's log, exec and run steps, the test command", async () => {
    // 19-byte lines of 2-, 3- and 4-byte characters, written 7 bytes at a time: every frame cuts a character.
    const text = "é€😀é€😀\n";
    const lines = 20_000;
    const print = `yes '${text.trimEnd()}' | head -n ${lines} | dd bs=7 2>/dev/null`;
    const dir = project({
      "prenv.yml": `services:
  utf:
    image: ${BUSYBOX}
    command: [sh, -c, "${print} && touch /tmp/printed && exec sleep 3600"]
    healthcheck: { test: [CMD, test, -f, /tmp/printed], interval: 1s }
setup:
  - exec: { service: utf, command: [sh, -c, "${print}"] }
    name: exec
  - run: { image: ${BUSYBOX}, command: [sh, -c, "${print}"] }
    name: one-off
test:
  command: [sh, -c, "${print}"]
`,
    });
    const env = named("utf");
    const run = await cli(["run", "--env", env, "--json"], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const report = results(dir);
    assert.equal(report.outcome, "passed", JSON.stringify(report.error));

    const expected = createHash("sha256").update(text.repeat(lines)).digest("hex");
    const logs = join(dir, "prenv-results/logs");
    for (const file of ["utf.log", "prenv/setup-1-exec.log", "prenv/setup-2-one-off.log", "prenv/test.log"]) {
      assert.equal(await sha256(join(logs, file)), expected, `${file} holds exactly what was printed`);
    }
    for (const [i, step] of report.setup.entries()) {
      const tail = cutTail(step.output, /\d+ kB/, `logs/prenv/setup-${i + 1}-${step.name}.log`);
      assert.deepEqual(new Set(tail.split("\n").filter(Boolean)), new Set([text.trimEnd()]), "the tail is whole lines of whole characters");
    }
  });
});
