// prenv's benchmarks: `npm run bench [-- SUITE... --option=value]`. See `npm run bench -- --help`.
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CLI, Cleanup, DEFAULTS, RESULTS, ROOT, RUN_ID, SUITES, log, type Context, type Options, type Row, type SuiteName } from "./lib/context.ts";
import { engineVersion } from "./lib/docker.ts";
import { available, run } from "./lib/proc.ts";
import { bootAndTeardown } from "./suites/boot.ts";
import { crash, crashRun } from "./suites/crash.ts";
import { hostile } from "./suites/hostile.ts";
import { latency } from "./suites/latency.ts";
import { memory } from "./suites/memory.ts";
import { output } from "./suites/output.ts";
import { plan } from "./suites/plan.ts";
import { repro } from "./suites/repro.ts";
import { update } from "./suites/update.ts";
import { version } from "./suites/version.ts";
import { kubernetesSuite } from "./suites/k8s.ts";

const HELP = `Usage: npm run bench [-- [SUITE...] [--option=value...]]

Suites (default: all, in this order):
  plan      prenv plan / validate vs docker compose config (Compose v5) on the repository's compose
            fixtures (hyperfine, side by side), median ratio <= 1.0; no containers
  boot      boot to ready of bench/env10 (10 services, depth 3): prenv vs Compose v5 (up -d --wait) and
            docker-compose v1, ratio <= 0.5; vs the boot floor (bench/boot-floor.ts), ratio <= 1.5
  teardown  prenv down vs docker compose down (v5) and docker-compose down after a fresh up, ratio
            <= 0.5; vs the engine floor (bench/engine-floor.ts), ratio <= 1.3 (shares boot's cycles)
  latency   ready file created -> prenv reports ready, max < 250 ms
  version   prenv --version cold start (hyperfine), < 150 ms
  memory    peak RSS of prenv up on bench/env10 (GNU time), < 150 MB
  output    peak RSS of prenv run while a service writes 1 GB of logs (GNU time), < 200 MB
  crash     kill -9 during prenv up, then prenv gc: nothing may remain
  crash-run kill -9 during prenv run (boot, suite or teardown), then prenv gc: nothing may remain
  repro     examples/shop: the reproduction line a red run prints, pasted into a fresh clone, to ready,
            vs the run's own time to ready: at most +2 s
  hostile   prenv validate on a 9-level alias bomb and a 20 MB file (refused, < 2 s), and on
            0.5-4 MB single mappings (time linear in size); GNU time; no Docker needed
  update    examples/shop: update in place after a change to one service vs --recreate (≤ 0.3x),
            and an update with no change (< 1 s)
  k8s       the Kubernetes backend beside Docker (needs PRENV_KUBECONFIG): env10 boot-to-ready and
            teardown on each, readiness latency on the cluster (< 500 ms), bench/env50 (50 services)
            through a run with a trivial suite on each, nothing left

Options:
  --prenv-runs=N       prenv up/down cycles for boot and teardown (default ${DEFAULTS.prenvRuns})
  --compose-runs=N     cycles of each of Compose v5 and docker-compose v1, ~2 min each (default ${DEFAULTS.composeRuns})
  --latency-trials=N   (default ${DEFAULTS.latencyTrials})
  --memory-runs=N      (default ${DEFAULTS.memoryRuns})
  --crash-trials=N     (default ${DEFAULTS.crashTrials})
  --crash-max-delay=MS upper bound of the random delay before kill -9 (default ${DEFAULTS.crashMaxDelayMs})
  --crash-run-max-delay=MS the same for crash-run (default ${DEFAULTS.crashRunMaxDelayMs})
  --seed=N             seed of the crash delays and latency delays (default ${DEFAULTS.seed})

Needs: dist/cli.js (npm run bundle), a Docker engine, the image prenv-test/busybox:1
(test/images/build.sh busybox), docker-compose, hyperfine and GNU time (/usr/bin/time).
Writes bench/results/latest.json and bench/results/latest.md. Exit code: 0 when every
target is met, 1 when one is missed, 2 when a benchmark could not run.`;

function parseOptions(argv: string[]): { suites: SuiteName[]; options: Options } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: "boolean", short: "h" },
      "prenv-runs": { type: "string" },
      "compose-runs": { type: "string" },
      "latency-trials": { type: "string" },
      "memory-runs": { type: "string" },
      "crash-trials": { type: "string" },
      "crash-max-delay": { type: "string" },
      "crash-run-max-delay": { type: "string" },
      seed: { type: "string" },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  const int = (name: string, text: string | undefined, fallback: number, least: number) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < least) throw new UsageError(`--${name}=${text}: expected an integer >= ${least}`);
    return n;
  };
  const unknown = positionals.filter((p) => !(SUITES as readonly string[]).includes(p));
  if (unknown.length > 0) throw new UsageError(`unknown suite ${unknown.join(", ")}; choose from ${SUITES.join(", ")}`);
  const suites = positionals.length === 0 ? [...SUITES] : SUITES.filter((s) => positionals.includes(s));
  return {
    suites,
    options: {
      prenvRuns: int("prenv-runs", values["prenv-runs"], DEFAULTS.prenvRuns, 1),
      composeRuns: int("compose-runs", values["compose-runs"], DEFAULTS.composeRuns, 1),
      latencyTrials: int("latency-trials", values["latency-trials"], DEFAULTS.latencyTrials, 1),
      memoryRuns: int("memory-runs", values["memory-runs"], DEFAULTS.memoryRuns, 1),
      crashTrials: int("crash-trials", values["crash-trials"], DEFAULTS.crashTrials, 1),
      crashMaxDelayMs: int("crash-max-delay", values["crash-max-delay"], DEFAULTS.crashMaxDelayMs, 0),
      crashRunMaxDelayMs: int("crash-run-max-delay", values["crash-run-max-delay"], DEFAULTS.crashRunMaxDelayMs, 0),
      seed: int("seed", values.seed, DEFAULTS.seed, 0),
    },
  };
}

class UsageError extends Error {}

/** Everything a selected suite needs, checked before anything is started. */
async function preflight(suites: SuiteName[]): Promise<void> {
  const problems: string[] = [];
  if (!existsSync(CLI)) problems.push("dist/cli.js is missing: run `npm run bundle`");
  else {
    const built = statSync(CLI).mtimeMs;
    const newer = (readdirSync(join(ROOT, "src"), { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
      .filter((d) => d.isFile() && statSync(join(d.parentPath, d.name)).mtimeMs > built)
      .map((d) => join(d.parentPath, d.name).slice(ROOT.length + 1));
    if (newer.length > 0) log(`warning: dist/cli.js is older than ${newer.slice(0, 3).join(", ")}${newer.length > 3 ? ", ..." : ""}; run \`npm run bundle\` to measure the current code`);
  }
  // The hostile and plan suites only read files; every other suite runs containers.
  if (suites.some((s) => s !== "hostile" && s !== "plan")) {
    try {
      await engineVersion();
    } catch (e) {
      problems.push(`no Docker engine answers (${(e as Error).message})`);
    }
    if ((await run("docker", ["image", "inspect", "prenv-test/busybox:1"]).catch(() => ({ code: 1 }))).code !== 0) problems.push("image prenv-test/busybox:1 is missing: run test/images/build.sh busybox");
  }
  if ((suites.includes("boot") || suites.includes("teardown")) && !(await available("docker-compose", ["version"]))) problems.push("docker-compose is not installed (Debian package docker-compose)");
  if ((suites.includes("plan") || suites.includes("boot") || suites.includes("teardown")) && !(await available("docker", ["compose", "version"]))) problems.push("Docker Compose v5 is not installed as `docker compose` (scripts/compose-v5.sh)");
  if ((suites.includes("version") || suites.includes("plan")) && !(await available("hyperfine"))) problems.push("hyperfine is not installed (Debian package hyperfine)");
  if ((["memory", "output", "hostile"] as const).some((s) => suites.includes(s)) && !existsSync("/usr/bin/time")) problems.push("GNU time is not installed: apt-get install -y time");
  if (problems.length > 0) throw new UsageError(`cannot run the benchmarks:\n  ${problems.join("\n  ")}`);
}

async function versionOf(command: string, args: string[]): Promise<string> {
  const r = await run(command, args).catch(() => undefined);
  return r?.code === 0 ? r.stdout.split("\n")[0]!.trim() : "unavailable";
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n");
}

const resultWord = (pass: boolean | undefined) => (pass === undefined ? "" : pass ? "PASS" : "FAIL");

function notes(suites: SuiteName[], o: Options): string[] {
  const has = (...names: SuiteName[]) => names.some((n) => suites.includes(n));
  return [
    ...(has("boot", "teardown", "memory", "crash", "crash-run")
      ? ["- bench/env10/compose.yaml: 10 busybox services in 4 levels (depth 3), `depends_on: condition: service_healthy` between levels, each with a healthcheck and Compose's default interval (30 s). prenv runs the healthcheck commands itself every ~100 ms; docker-compose v1 waits for the engine's healthchecks, and counts as ready once `up -d` has returned and every container reports `healthy`."]
      : []),
    ...(has("boot", "teardown") ? [`- Boot and teardown: each cycle is a fresh up (timed, spawn to exit) then a down (timed); prenv ${o.prenvRuns} cycles after one warm-up, Compose v5 (\`docker compose up -d --wait\`, \`docker compose down\`) ${o.composeRuns}, docker-compose v1 ${o.composeRuns}. prenv runs on Node 24 directly (\`node dist/cli.js\`). After each prenv cycle, one run of each floor, in the bench process through the Docker API: the boot floor (bench/boot-floor.ts: the network, every container created at once, each started once what it depends on is ready, its healthcheck repeated inside the container every 10 ms by one exec, so the one check the client waits for passes) and the engine floor (bench/engine-floor.ts: env10 booted by prenv, untimed, then its containers, network and volumes removed).`] : []),
    ...(has("latency") ? ["- Readiness latency: a service creates /tmp/ready after 2.00-2.25 s; the file's mtime (read in the container, in ns) is compared with the moment prenv's progress line says the service is ready. The kernel stamps files with its coarse clock (a few ms per step), so a figure can be a few ms high."] : []),
    ...(has("plan") ? ["- Plan: for each compose fixture of the repository (examples/shop, bench/env10, bench/latency, test/fixtures/compose/*), `hyperfine -N --warmup 2 --runs 10` runs `node dist/cli.js plan --json -f FILE`, `node dist/cli.js validate -f FILE` and `docker compose -f FILE config --format json` side by side, with `node -e 0` and `node dist/cli.js --version` in the same run; the figure is the median of the per-file ratios of medians. Where the time goes: Node's start-up (`node -e 0`), the CLI's (`--version` minus that), and the definition's (`plan` minus `--version`), medians over the files. prenv starts with its compile cache warm (hyperfine's warm-up runs fill it)."] : []),
    ...(has("version") ? ["- Cold start: `hyperfine -N --warmup 3 --runs 30`, medians."] : []),
    ...(has("memory") ? ["- Memory: GNU time's maximum resident set size (`/usr/bin/time -f %M`) of `prenv up` on env10."] : []),
    ...(has("output") ? ["- Output: GNU time's maximum resident set size of `prenv run` on a definition whose one service writes 1 GB of logs (1000-byte lines); its whole log is streamed to logs/<service>.log, whose size is checked."] : []),
    ...(has("hostile") ? ["- Hostile input: `/usr/bin/time -f \"%M %U %S\" node dist/cli.js validate -f FILE`, one run each: wall time from spawn to exit, peak RSS, CPU time (user + system); the per-MB figures are CPU time above that of validating a tiny file (start-up), so that they do not depend on the machine's load."] : []),
    ...(has("crash") ? [`- Crash safety: \`prenv up\` on env10 is killed with SIGKILL after a seeded random delay (0-${o.crashMaxDelayMs} ms, seed ${o.seed}), then \`prenv gc\` runs; no container, network or volume labelled with the environment may remain, right after gc nor 2 s later.`] : []),
    ...(has("k8s") ? [`- Kubernetes (k8s): the test cluster (test/k8s/cluster.sh: one node on this machine) and Docker, both through the engine in the bench's own process; env10 ${Math.min(o.prenvRuns, 5)} up/remove cycles on each after a warm-up; readiness latency as the latency suite, with the file's mtime read in the pod through exec; bench/env50 once on each through runEnvironment (boot, \`true\` as the suite, teardown), then the engine's own API is asked for anything left.`] : []),
    ...(has("crash-run") ? [`- Crash safety of runs: \`prenv run\` on env10 with a 3 s suite (bench/crash-run/prenv.yml) is killed with SIGKILL after a seeded random delay (0-${o.crashRunMaxDelayMs} ms, seed ${o.seed}), landing in its boot, suite or teardown (its last phase line says which); then \`prenv gc\`, checked as for crash.`] : []),
  ];
}

function markdown(rows: Row[], meta: Record<string, unknown>, suites: SuiteName[]): string {
  const esc = (s: string) => s.replaceAll("|", "\\|");
  const lines = [
    "<!-- generated by `npm run bench` (bench/run.ts) -->",
    "| Benchmark | prenv | Compared with | Figure | Target | Result |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${esc(r.what.trim())} | ${esc(r.prenv)} | ${esc(r.baseline)} | ${esc(r.figure)} | ${esc(r.target)} | ${r.pass === undefined ? "" : r.pass ? "✅ pass" : "❌ fail"} |`),
    "",
    `Measured on ${meta.date} (commit ${meta.commit}): ${meta.cpus} CPUs, Linux ${meta.kernel}, Docker ${meta.docker}, ${meta.compose}, ${meta.composeV5}, Node ${meta.node}, ${meta.hyperfine}.`,
    `Suites: ${suites.join(", ")}. Reproduce with \`npm run bench\` (\`npm run bench -- --help\` for options).`,
    "",
    ...notes(suites, meta.options as Options),
  ];
  return `${lines.join("\n")}\n`;
}

async function main(): Promise<number> {
  const { suites, options } = parseOptions(process.argv.slice(2));
  await preflight(suites);
  const cleanup = new Cleanup();
  const ctx: Context = { options, cleanup };

  let cleaning: Promise<string[]> | undefined;
  const cleanOnce = () => (cleaning ??= cleanup.all());
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping and removing what the benchmark created...`);
    void cleanOnce().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const t0 = performance.now();
  mkdirSync(RESULTS, { recursive: true });
  const [commit, node, docker, compose, composeV5, hyperfine] = await Promise.all([
    versionOf("git", ["-C", ROOT, "describe", "--always", "--dirty"]),
    Promise.resolve(process.versions.node),
    engineVersion().catch(() => "unavailable"),
    versionOf("docker-compose", ["version", "--short"]).then((v) => `docker-compose ${v}`),
    versionOf("docker", ["compose", "version", "--short"]).then((v) => `docker compose ${v}`),
    versionOf("hyperfine", ["--version"]),
  ]);
  const meta = { date: new Date().toISOString(), runId: RUN_ID, commit, node, docker, compose, composeV5, hyperfine, cpus: cpus().length, memoryGB: Math.round(totalmem() / 1e9), kernel: release(), options, suites };
  log(`run ${RUN_ID}: ${suites.join(", ")} (seed ${options.seed}); Node ${node}, Docker ${docker}, ${compose}, ${composeV5}`);

  const rows: Row[] = [];
  const data: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  const attempt = async (names: SuiteName[], body: () => Promise<{ rows: Row[]; data: unknown }>) => {
    const key = names.join("+");
    const started = performance.now();
    try {
      const out = await body();
      rows.push(...out.rows);
      data[key] = { ...(out.data as object), elapsedMs: performance.now() - started };
    } catch (e) {
      const message = (e as Error).message;
      errors[key] = message;
      log(`${key} could not run: ${message}`);
      for (const suite of names) rows.push({ suite, what: `${suite}: could not run`, prenv: message.split("\n")[0]!, baseline: "", figure: "error", target: "", pass: false });
    }
  };

  let notes: string[] = [];
  try {
    const boot = suites.includes("boot");
    const teardown = suites.includes("teardown");
    if (boot || teardown) await attempt(suites.filter((s) => s === "boot" || s === "teardown"), () => bootAndTeardown(ctx, { boot, teardown }));
    if (suites.includes("plan")) await attempt(["plan"], () => plan(ctx));
    if (suites.includes("latency")) await attempt(["latency"], () => latency(ctx));
    if (suites.includes("version")) await attempt(["version"], () => version(ctx));
    if (suites.includes("memory")) await attempt(["memory"], () => memory(ctx));
    if (suites.includes("output")) await attempt(["output"], () => output(ctx));
    if (suites.includes("crash")) await attempt(["crash"], () => crash(ctx));
    if (suites.includes("crash-run")) await attempt(["crash-run"], () => crashRun(ctx));
    if (suites.includes("hostile")) await attempt(["hostile"], () => hostile(ctx));
    if (suites.includes("repro")) await attempt(["repro"], () => repro(ctx));
    if (suites.includes("update")) await attempt(["update"], () => update(ctx));
    if (suites.includes("k8s")) await attempt(["k8s"], () => kubernetesSuite(ctx));
  } finally {
    notes = await cleanOnce();
    for (const n of notes) log(n);
  }

  const elapsedMs = performance.now() - t0;
  const header = ["benchmark", "measure", "prenv", "compared with", "figure", "target", "result"];
  process.stdout.write(`\n${table([header, ...rows.map((r) => [r.suite, r.what, r.prenv, r.baseline, r.figure, r.target, resultWord(r.pass)])])}\n`);
  const failed = rows.filter((r) => r.pass === false);
  process.stdout.write(`\n${failed.length === 0 ? "every target met" : `${failed.length} target${failed.length === 1 ? "" : "s"} missed`} · ${(elapsedMs / 60_000).toFixed(1)} min · bench/results/latest.json, bench/results/latest.md\n`);

  writeFileSync(join(RESULTS, "latest.json"), `${JSON.stringify({ meta: { ...meta, elapsedMs }, rows, results: data, errors, cleanup: notes }, null, 2)}\n`);
  writeFileSync(join(RESULTS, "latest.md"), markdown(rows, meta, suites));
  if (Object.keys(errors).length > 0) return 2;
  return failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof UsageError ? e.message : ((e as Error).stack ?? String(e))}\n`);
    process.exit(e instanceof UsageError ? 3 : 2);
  },
);
