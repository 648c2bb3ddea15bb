import { readFileSync } from "node:fs";
import { join } from "node:path";
import { NODE, RESULTS, ROOT, fmtMs, gate, log, type Context, type Row } from "../lib/context.ts";
import { check } from "../lib/proc.ts";

interface HyperfineResult {
  command: string;
  mean: number;
  stddev: number;
  median: number;
  min: number;
  max: number;
}

/**
 * Cold start of `prenv --version`, through scripts/node24 (as the brief asks) and on
 * Node 24 directly (as an installed `prenv` runs), each next to `-e 0` on the same Node.
 */
export async function version(_ctx: Context): Promise<{ rows: Row[]; data: unknown }> {
  const exported = join(RESULTS, "hyperfine-version.json");
  const commands = {
    wrapper: "scripts/node24 dist/cli.js --version",
    wrapperFloor: "scripts/node24 -e 0",
    direct: `${NODE} dist/cli.js --version`,
    directFloor: `${NODE} -e 0`,
  };
  log(`version: hyperfine --warmup 3 --runs 30 (4 commands)`);
  await check("hyperfine", ["-N", "--warmup", "3", "--runs", "30", "--style", "none", "--export-json", exported, ...Object.values(commands)], { cwd: ROOT, timeoutMs: 300_000 });
  const results = (JSON.parse(readFileSync(exported, "utf8")) as { results: HyperfineResult[] }).results;
  const ms = (command: string) => {
    const r = results.find((x) => x.command === command);
    if (!r) throw new Error(`hyperfine has no result for ${command}`);
    return r.median * 1000;
  };
  const m = { wrapper: ms(commands.wrapper), wrapperFloor: ms(commands.wrapperFloor), direct: ms(commands.direct), directFloor: ms(commands.directFloor) };
  const rows: Row[] = [
    {
      suite: "version",
      what: "`prenv --version` cold start via scripts/node24",
      prenv: `${fmtMs(m.wrapper)} (median of 30)`,
      baseline: `scripts/node24 -e 0: ${fmtMs(m.wrapperFloor)}`,
      figure: fmtMs(m.wrapper),
      target: "< 150 ms",
      pass: gate(m.wrapper, "<", 150),
    },
    {
      suite: "version",
      what: "`prenv --version` cold start, Node 24 directly",
      prenv: `${fmtMs(m.direct)} (median of 30)`,
      baseline: `node -e 0: ${fmtMs(m.directFloor)}`,
      figure: fmtMs(m.direct),
      target: "< 150 ms",
      pass: gate(m.direct, "<", 150),
    },
  ];
  return { rows, data: { method: "hyperfine -N --warmup 3 --runs 30", commands, mediansMs: m, hyperfine: results.map(({ command, mean, stddev, median, min, max }) => ({ command, mean, stddev, median, min, max })) } };
}
