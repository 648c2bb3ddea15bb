import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { CLI, NODE, RESULTS, ROOT, fmtMs, gate, log, type Context, type Row } from "../lib/context.ts";
import { check, run } from "../lib/proc.ts";
import { median } from "../lib/stats.ts";

const RUNS = 10;
const WARMUP = 2;

/** The repository's compose fixtures: examples/shop, the bench environments, test/fixtures/compose/*. */
export function composeFixtures(): string[] {
  const fixtures = join(ROOT, "test/fixtures/compose");
  const files = [
    "examples/shop/compose.yaml",
    "bench/env10/compose.yaml",
    "bench/latency/compose.yaml",
    ...readdirSync(fixtures, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => relative(ROOT, join(fixtures, d.name, "compose.yaml")))
      .sort(),
  ];
  const missing = files.filter((f) => !existsSync(join(ROOT, f)));
  if (missing.length > 0) throw new Error(`compose fixtures missing: ${missing.join(", ")}`);
  return files;
}

interface FileResult {
  file: string;
  /** hyperfine medians, ms. */
  planMs: number;
  validateMs: number;
  composeMs: number;
  /** `node -e 0` and `prenv --version` in the same hyperfine run: Node's start-up, then the CLI's own (commander). */
  nodeMs: number;
  cliMs: number;
  planRatio: number;
  validateRatio: number;
}

const share = (part: number, whole: number) => `${Math.round((100 * part) / whole)}%`;

interface HyperfineResult {
  command: string;
  median: number;
  mean: number;
  stddev: number;
  min: number;
  max: number;
}

/**
 * `prenv plan` and `prenv validate` (dist/cli.js on Node 24) against `docker compose config
 * --format json` (Compose v5) on every compose fixture of the repository: for each file one
 * hyperfine run of the three commands side by side, then the median over the files. Only
 * files that both tools accept are timed (a refusal can stop early); the others are listed.
 * The same run times `node -e 0` and `prenv --version`, so that plan's time splits into
 * Node's start-up, the CLI's start-up, and what reading and planning the file adds.
 */
export async function plan(_ctx: Context): Promise<{ rows: Row[]; data: unknown }> {
  const files = composeFixtures();
  const measured: FileResult[] = [];
  const skipped: { file: string; prenv: number | null; compose: number | null }[] = [];
  for (const file of files) {
    const [p, c] = await Promise.all([run(NODE, [CLI, "plan", "--json", "-f", file], { cwd: ROOT }), run("docker", ["compose", "-f", file, "config", "--format", "json"], { cwd: ROOT })]);
    if (p.code !== 0 || c.code !== 0) {
      skipped.push({ file, prenv: p.code, compose: c.code });
      log(`plan: ${file} not timed: prenv plan exit ${p.code}, docker compose config exit ${c.code}`);
      continue;
    }
    const commands = {
      plan: `${NODE} ${CLI} plan --json -f ${file}`,
      validate: `${NODE} ${CLI} validate -f ${file}`,
      compose: `docker compose -f ${file} config --format json`,
      node: `${NODE} -e 0`,
      cli: `${NODE} ${CLI} --version`,
    };
    const exported = join(RESULTS, "hyperfine-plan.json");
    await check("hyperfine", ["-N", "--warmup", String(WARMUP), "--runs", String(RUNS), "--style", "none", "--export-json", exported, ...Object.values(commands)], { cwd: ROOT, timeoutMs: 300_000 });
    const results = (JSON.parse(readFileSync(exported, "utf8")) as { results: HyperfineResult[] }).results;
    const ms = (command: string) => {
      const r = results.find((x) => x.command === command);
      if (!r) throw new Error(`hyperfine has no result for ${command}`);
      return r.median * 1000;
    };
    const r = { file, planMs: ms(commands.plan), validateMs: ms(commands.validate), composeMs: ms(commands.compose), nodeMs: ms(commands.node), cliMs: ms(commands.cli), planRatio: Number.NaN, validateRatio: Number.NaN };
    r.planRatio = r.planMs / r.composeMs;
    r.validateRatio = r.validateMs / r.composeMs;
    measured.push(r);
    log(`plan: ${file}: plan ${fmtMs(r.planMs)}, validate ${fmtMs(r.validateMs)}, docker compose config ${fmtMs(r.composeMs)} (ratios ${r.planRatio.toFixed(2)}, ${r.validateRatio.toFixed(2)}); node -e 0 ${fmtMs(r.nodeMs)}, prenv --version ${fmtMs(r.cliMs)}`);
  }
  // Most of the fixtures must be timed for the median to speak for them.
  if (measured.length < Math.ceil(files.length / 2)) throw new Error(`only ${measured.length} of ${files.length} fixtures are accepted by both prenv and docker compose: ${skipped.map((s) => s.file).join(", ")}`);
  const planMs = median(measured.map((m) => m.planMs));
  const validateMs = median(measured.map((m) => m.validateMs));
  const composeMs = median(measured.map((m) => m.composeMs));
  const nodeMs = median(measured.map((m) => m.nodeMs));
  const cliMs = median(measured.map((m) => m.cliMs));
  const planRatio = median(measured.map((m) => m.planRatio));
  const validateRatio = median(measured.map((m) => m.validateRatio));
  const of = `median over ${measured.length} files, ${RUNS} runs each`;
  const skippedNote = skipped.length > 0 ? `; not timed: ${skipped.map((s) => s.file).join(", ")}` : "";
  const rows: Row[] = [
    {
      suite: "plan",
      what: "`prenv plan --json` vs `docker compose config --format json`, the repository's compose fixtures",
      prenv: `${fmtMs(planMs)} (${of})`,
      baseline: `Compose v5 ${fmtMs(composeMs)}${skippedNote}`,
      figure: `ratio ${planRatio.toFixed(2)} (median of per-file ratios)`,
      target: "ratio <= 1.0",
      pass: gate(planRatio, "<=", 1.0),
    },
    {
      suite: "plan",
      what: "`prenv validate` vs `docker compose config --format json`, the same files",
      prenv: `${fmtMs(validateMs)} (${of})`,
      baseline: `Compose v5 ${fmtMs(composeMs)}`,
      figure: `ratio ${validateRatio.toFixed(2)} (median of per-file ratios)`,
      target: "ratio <= 1.0",
      pass: gate(validateRatio, "<=", 1.0),
    },
    {
      suite: "plan",
      what: "where `prenv plan` spends its time: Node's start-up alone (`node -e 0`), the same runs",
      prenv: `${fmtMs(nodeMs)} (${of})`,
      baseline: `Compose v5 ${fmtMs(composeMs)}`,
      figure: `${fmtMs(nodeMs)}, ${share(nodeMs, planMs)} of plan`,
      target: "",
    },
    {
      suite: "plan",
      what: "where `prenv plan` spends its time: the CLI's start-up (`prenv --version` minus `node -e 0`: cli.js, commander)",
      prenv: `${fmtMs(cliMs - nodeMs)}`,
      baseline: `prenv --version ${fmtMs(cliMs)}`,
      figure: `${fmtMs(cliMs - nodeMs)}, ${share(cliMs - nodeMs, planMs)} of plan`,
      target: "",
    },
    {
      suite: "plan",
      what: "where `prenv plan` spends its time: the definition (`plan` minus `prenv --version`: loading yaml, zod and prenv's definition code, reading, validating and planning the file)",
      prenv: `${fmtMs(planMs - cliMs)}`,
      baseline: `prenv plan ${fmtMs(planMs)}`,
      figure: `${fmtMs(planMs - cliMs)}, ${share(planMs - cliMs, planMs)} of plan`,
      target: "",
    },
  ];
  return { rows, data: { method: `per file: hyperfine -N --warmup ${WARMUP} --runs ${RUNS}, the five commands (plan, validate, docker compose config, node -e 0, prenv --version) side by side; figures are medians over the files`, files: measured, skipped, medians: { planMs, validateMs, composeMs, nodeMs, cliMs, planRatio, validateRatio } } };
}
