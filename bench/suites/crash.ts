import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, CRASH_RUN, ENV10, NODE, PRENV_LABEL, ROOT, RUN_ID, gate, log, prenv, type Context, type Row } from "../lib/context.ts";
import { listContainers, listNetworks, listVolumes, objectsWithLabel } from "../lib/docker.ts";
import { lastLines, run, sleep, start } from "../lib/proc.ts";
import { median, seededRandom } from "../lib/stats.ts";

type Counts = { containers: number; networks: number; volumes: number };
const total = (c: Counts) => c.containers + c.networks + c.volumes;

interface Trial {
  environment: string;
  delayMs: number;
  /** Where the killed process was: its last phase line on stderr. */
  phase: string;
  outcome: "killed" | "finished before the kill";
  /** What existed of the environment after the kill, before gc. */
  beforeGc: Counts;
  gcMs: number;
  gcRemovedIt: boolean;
  /** Right after gc. */
  afterGc: Counts;
}

/** What is killed: a command on env10, and how to tell from its stderr where it was. */
interface Victim {
  suite: "crash" | "crash-run";
  what: string;
  args: (environment: string) => string[];
  maxDelayMs: number;
  /** The phase a stderr line starts, if it starts one. */
  phaseOf: (line: string) => string | undefined;
}

/**
 * Crash safety: `prenv up` on env10 is killed with SIGKILL after a seeded random delay,
 * then `prenv gc` runs; nothing of the environment may remain, right after gc nor a
 * little later (a request the engine was still serving when the process died could
 * otherwise create an object after gc looked).
 */
export function crash(ctx: Context): Promise<{ rows: Row[]; data: unknown }> {
  return killTrials(ctx, {
    suite: "crash",
    what: "kill -9 during `prenv up`, then `prenv gc`: objects left",
    args: (environment) => ["up", "-f", ENV10, "--env", environment, "--json"],
    maxDelayMs: ctx.options.crashMaxDelayMs,
    phaseOf: () => undefined,
  });
}

/**
 * The same for `prenv run` (with a 3 s suite), killed in its boot, its suite or its
 * teardown: an environment whose `up` had finished must be collected too.
 */
export function crashRun(ctx: Context): Promise<{ rows: Row[]; data: unknown }> {
  return killTrials(ctx, {
    suite: "crash-run",
    what: "kill -9 during `prenv run` (boot, suite, teardown), then `prenv gc`: objects left",
    args: (environment) => ["run", "-d", CRASH_RUN, "--env", environment, "--results-dir", join(tmpdir(), `prenv-bench-${environment}`)],
    maxDelayMs: ctx.options.crashRunMaxDelayMs,
    phaseOf: (line) => (line.startsWith("· test") ? "suite" : line.startsWith("· collect") || line.startsWith("· teardown") ? "teardown" : undefined),
  });
}

async function killTrials(ctx: Context, victim: Victim): Promise<{ rows: Row[]; data: unknown }> {
  const { crashTrials, seed } = ctx.options;
  const crashMaxDelayMs = victim.maxDelayMs;
  const random = seededRandom(seed);
  log(`${victim.suite}: ${crashTrials} trials, kill -9 after a random delay in [0, ${crashMaxDelayMs}] ms, seed ${seed} (repeat with --seed=${seed})`);
  const trials: Trial[] = [];
  let attempt = 0;
  while (trials.filter((t) => t.outcome === "killed").length < crashTrials && attempt < crashTrials * 2) {
    attempt++;
    const environment = `bench-${victim.suite}-${RUN_ID}-${attempt}`;
    const delayMs = Math.round(random() * crashMaxDelayMs);
    ctx.cleanup.environments.add(environment);
    let phase = victim.suite === "crash" ? "up" : "boot";
    const up = start(NODE, [CLI, ...victim.args(environment)], { cwd: ROOT, timeoutMs: 300_000, onStderrLine: (line) => (phase = victim.phaseOf(line) ?? phase) });
    const finishedFirst = await Promise.race([up.done.then(() => true), sleep(delayMs).then(() => false)]);
    if (!finishedFirst) up.child.kill("SIGKILL");
    // Reaped before gc runs: a zombie would still count as a live owner.
    const result = await up.done;
    const killed = result.signal === "SIGKILL";
    const beforeGc = await objectsWithLabel(`${PRENV_LABEL}=${environment}`);
    if (!killed) {
      // up completed (or failed) by itself: not a crash; remove it and draw again.
      await prenv(["down", "--env", environment], { timeoutMs: 60_000 });
      trials.push({ environment, delayMs, phase, outcome: "finished before the kill", beforeGc, gcMs: 0, gcRemovedIt: false, afterGc: await objectsWithLabel(`${PRENV_LABEL}=${environment}`) });
      log(`${victim.suite} attempt ${attempt}: it finished (exit ${result.code}) before the kill at ${delayMs} ms; not counted`);
      continue;
    }
    const gc = await prenv(["gc", "--json"], { timeoutMs: 120_000 });
    if (gc.code !== 0) throw new Error(`prenv gc failed (exit ${gc.code}):\n${lastLines(gc.stderr, 15)}`);
    const removed = JSON.parse(gc.stdout) as { environment: string }[];
    const afterGc = await objectsWithLabel(`${PRENV_LABEL}=${environment}`);
    const trial: Trial = { environment, delayMs, phase, outcome: "killed", beforeGc, gcMs: gc.ms, gcRemovedIt: removed.some((r) => r.environment === environment), afterGc };
    trials.push(trial);
    const n = trials.filter((t) => t.outcome === "killed").length;
    log(`${victim.suite} ${n}/${crashTrials}: killed after ${delayMs} ms (${phase}) with ${beforeGc.containers} containers, ${beforeGc.networks} networks, ${beforeGc.volumes} volumes; gc ${trial.gcRemovedIt ? "removed it" : "removed nothing of it"} in ${gc.ms.toFixed(0)} ms; left: ${total(afterGc)}`);
  }
  const killed = trials.filter((t) => t.outcome === "killed");

  // Late arrivals: look again once the engine has surely finished every request.
  await sleep(2000);
  const late: Record<string, Counts> = {};
  for (const t of trials) {
    const c = await objectsWithLabel(`${PRENV_LABEL}=${t.environment}`);
    if (total(c) > 0) late[t.environment] = c;
  }
  // The brief's global check, with the docker CLI; objects of other environments on
  // this engine (not this benchmark's) are reported but are not this run's leftovers.
  const ids = async (args: string[]) => (await run("docker", args)).stdout.split("\n").filter(Boolean);
  const global = {
    containers: (await ids(["ps", "-a", "--filter", `label=${PRENV_LABEL}`, "-q"])).length,
    networks: (await ids(["network", "ls", "--filter", `label=${PRENV_LABEL}`, "-q"])).length,
    volumes: (await ids(["volume", "ls", "--filter", `label=${PRENV_LABEL}`, "-q"])).length,
  };
  const envsOf = async () => {
    const [c, n, v] = await Promise.all([listContainers({ label: [PRENV_LABEL] }), listNetworks({ label: [PRENV_LABEL] }), listVolumes({ label: [PRENV_LABEL] })]);
    return new Set([...c.map((x) => x.Labels[PRENV_LABEL]), ...n.map((x) => x.Labels?.[PRENV_LABEL]), ...v.map((x) => x.Labels?.[PRENV_LABEL])].filter((x): x is string => Boolean(x)));
  };
  const present = [...(await envsOf())];
  const mine = (e: string) => e.startsWith(`bench-${victim.suite}-${RUN_ID}-`);
  const ours = present.filter(mine);
  const foreign = present.filter((e) => !mine(e));

  const immediate = killed.reduce((sum, t) => sum + total(t.afterGc), 0);
  const lateCount = Object.values(late).reduce((sum, c) => sum + total(c), 0);
  // gc removing an environment of which nothing existed right after the kill: the engine
  // finished a create request after the process had died.
  const appearedAfterKill = killed.filter((t) => total(t.beforeGc) === 0 && t.gcRemovedIt).length;
  const withObjects = killed.filter((t) => total(t.beforeGc) > 0 || t.gcRemovedIt).length;
  const phases = Object.entries(Object.groupBy(killed, (t) => t.phase)).map(([p, ts]) => `${ts!.length} in ${p}`).join(", ");
  const rows: Row[] = [
    {
      suite: victim.suite,
      what: victim.what,
      prenv: `${killed.length} trials (seed ${seed}${victim.suite === "crash" ? "" : `; ${phases}`}); ${withObjects} left objects for gc${appearedAfterKill ? ` (in ${appearedAfterKill}, created by the engine after the kill)` : ""}; gc median ${median(killed.map((t) => t.gcMs)).toFixed(0)} ms`,
      baseline: foreign.length > 0 ? `not ours, left alone: ${foreign.join(", ")}` : "",
      figure: `${immediate} right after gc, ${lateCount} 2 s later`,
      target: "0 and 0",
      pass: killed.length >= crashTrials && gate(immediate, "=", 0) && gate(lateCount, "=", 0) && ours.length === 0,
    },
  ];
  return {
    rows,
    data: {
      seed,
      maxDelayMs: crashMaxDelayMs,
      trials,
      killedTrials: killed.length,
      trialsWithObjectsForGc: withObjects,
      trialsWhereObjectsAppearedAfterTheKill: appearedAfterKill,
      leftoversRightAfterGc: immediate,
      leftoversTwoSecondsLater: late,
      globalCheck: { ...global, ours, commands: [`docker ps -a --filter label=${PRENV_LABEL} -q`, `docker network ls --filter label=${PRENV_LABEL} -q`, `docker volume ls --filter label=${PRENV_LABEL} -q`], environments: present, foreign },
    },
  };
}
