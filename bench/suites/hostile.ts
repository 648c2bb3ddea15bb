import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, NODE, ROOT, fmtMs, gate, log, type Context, type Row } from "../lib/context.ts";
import { run } from "../lib/proc.ts";

const GNU_TIME = "/usr/bin/time";
const HEAD = "services:\n  web:\n    image: nginx\n";

/** Nine-fold aliases of aliases, nine deep: 387 million values from 532 bytes. */
function aliasBomb(): string {
  const lines = ['x-a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i <= 9; i++) lines.push(`x-a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(",")}]`);
  return `${lines.join("\n")}\n${HEAD}`;
}

/** One mapping of `bytes` bytes (about 26 bytes a key), under an extension key. */
function oneMapping(bytes: number): string {
  const lines = [HEAD, "x-big:\n"];
  let size = HEAD.length + 7;
  for (let i = 0; size < bytes; i++) {
    const line = `  key${String(i).padStart(8, "0")}: value${i}\n`;
    lines.push(line);
    size += line.length;
  }
  return lines.join("");
}

interface Measured {
  file: string;
  bytes: number;
  code: number | null;
  ms: number;
  /** User + system CPU time: what the work costs, whatever else the machine runs. */
  cpuMs: number;
  peakMB: number;
  firstLine: string;
}

/** `prenv validate -f file` under GNU time: exit code, wall time, peak RSS. */
async function validate(dir: string, name: string, content: string): Promise<Measured> {
  const file = join(dir, name);
  writeFileSync(file, content);
  const out = join(dir, `${name}.time`);
  const r = await run(GNU_TIME, ["-f", "%M %U %S", "-o", out, NODE, CLI, "validate", "-f", file], { cwd: ROOT, timeoutMs: 120_000 });
  const [kib, user, system] = readFileSync(out, "utf8").trim().split("\n").at(-1)!.split(" ").map(Number);
  const m = { file: name, bytes: Buffer.byteLength(content), code: r.code, ms: r.ms, cpuMs: (user! + system!) * 1000, peakMB: (kib! * 1024) / 1e6, firstLine: (r.stderr || r.stdout).split("\n")[0]!.replace(dir, "…") };
  log(`hostile: ${name} (${(m.bytes / 1e6).toFixed(1)} MB): exit ${m.code}, ${fmtMs(m.ms)} (CPU ${fmtMs(m.cpuMs)}), peak ${m.peakMB.toFixed(0)} MB`);
  return m;
}

/**
 * `prenv validate` on hostile files: the 9-level alias bomb and a 20 MB file must be
 * refused (exit 3) in under 2 s; single mappings of 0.5-4 MB (under the 4 MiB limit) must
 * load in time that grows linearly with their size.
 */
export async function hostile(_ctx: Context): Promise<{ rows: Row[]; data: unknown }> {
  const dir = mkdtempSync(join(tmpdir(), "prenv-bench-hostile-"));
  try {
    const floor = await validate(dir, "tiny.yaml", HEAD);
    const bomb = await validate(dir, "bomb9.yaml", aliasBomb());
    const huge = await validate(dir, "mapping-20MB.yaml", oneMapping(20e6));
    const sizes = [0.5, 1, 2, 4];
    const mappings: Measured[] = [];
    for (const mb of sizes) mappings.push(await validate(dir, `mapping-${mb}MB.yaml`, oneMapping(mb * 1e6 - 1000)));
    const refused = (m: Measured, what: string): Row => ({
      suite: "hostile",
      what: `\`prenv validate\` refuses ${what}`,
      prenv: `exit ${m.code}, ${fmtMs(m.ms)} (CPU ${fmtMs(m.cpuMs)}), peak ${m.peakMB.toFixed(0)} MB`,
      baseline: `valid tiny file: ${fmtMs(floor.ms)}, ${floor.peakMB.toFixed(0)} MB`,
      // CPU time: on a busy shared machine the wall time says more about the neighbours.
      figure: `CPU ${fmtMs(m.cpuMs)}`,
      target: "exit 3, CPU < 2 s",
      pass: m.code === 3 && gate(m.cpuMs, "<", 2000),
    });
    // CPU time above the start-up floor, per MB: flat when linear, doubling per step when quadratic.
    const perMB = mappings.map((m, i) => (m.cpuMs - floor.cpuMs) / sizes[i]!);
    const growth = perMB.at(-1)! / perMB[1]!;
    const rows: Row[] = [
      refused(bomb, "the 9-level alias bomb (532 bytes)"),
      refused(huge, "a 20 MB single mapping (over the 4 MiB limit)"),
      {
        suite: "hostile",
        what: "`prenv validate` on one mapping of 0.5 / 1 / 2 / 4 MB",
        prenv: mappings.map((m) => `${fmtMs(m.ms)}, CPU ${fmtMs(m.cpuMs)} (${m.peakMB.toFixed(0)} MB, exit ${m.code})`).join(" / "),
        baseline: `CPU above start-up, per MB: ${perMB.map((x) => fmtMs(x)).join(" / ")}`,
        figure: `4 MB vs 1 MB per MB: ${growth.toFixed(2)}x`,
        target: "all exit 0, <= 2x (quadratic: 4x)",
        pass: mappings.every((m) => m.code === 0) && gate(growth, "<=", 2),
      },
    ];
    return { rows, data: { method: `${GNU_TIME} -f %M around node dist/cli.js validate -f FILE; wall time from spawn to exit`, floor, bomb, huge, mappings, perMB } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
