import { CLI, ENV10, NODE, PRENV_LABEL, ROOT, RUN_ID, gate, log, prenv, type Context, type Row } from "../lib/context.ts";
import { listContainers, listNetworks, listVolumes, objectsWithLabel } from "../lib/docker.ts";
import { lastLines, run, sleep, start } from "../lib/proc.ts";
import { median, seededRandom } from "../lib/stats.ts";

type Counts = { containers: number; networks: number; volumes: number };
const total = (c: Counts) => c.containers + c.networks + c.volumes;

interface Trial {
  environment: string;
  delayMs: number;
  outcome: "killed" | "finished before the kill";
  /** What existed of the environment after the kill, before gc. */
  beforeGc: Counts;
  gcMs: number;
  gcRemovedIt: boolean;
  /** Right after gc. */
  afterGc: Counts;
}

/**
 * Crash safety: `prenv up` on env10 is killed with SIGKILL after a seeded random delay,
 * then `prenv gc` runs; nothing of the environment may remain, right after gc nor a
 * little later (a request the engine was still serving when the process died could
 * otherwise create an object after gc looked).
 */
export async function crash(ctx: Context): Promise<{ rows: Row[]; data: unknown }> {
  const { crashTrials, crashMaxDelayMs, seed } = ctx.options;
  const random = seededRandom(seed);
  log(`crash: ${crashTrials} trials, kill -9 after a random delay in [0, ${crashMaxDelayMs}] ms, seed ${seed} (repeat with --seed=${seed})`);
  const trials: Trial[] = [];
  let attempt = 0;
  while (trials.filter((t) => t.outcome === "killed").length < crashTrials && attempt < crashTrials * 2) {
    attempt++;
    const environment = `bench-crash-${RUN_ID}-${attempt}`;
    const delayMs = Math.round(random() * crashMaxDelayMs);
    ctx.cleanup.environments.add(environment);
    const up = start(NODE, [CLI, "up", "-f", ENV10, "--env", environment, "--json"], { cwd: ROOT, timeoutMs: 300_000 });
    const finishedFirst = await Promise.race([up.done.then(() => true), sleep(delayMs).then(() => false)]);
    if (!finishedFirst) up.child.kill("SIGKILL");
    // Reaped before gc runs: a zombie would still count as a live owner.
    const result = await up.done;
    const killed = result.signal === "SIGKILL";
    const beforeGc = await objectsWithLabel(`${PRENV_LABEL}=${environment}`);
    if (!killed) {
      // up completed (or failed) by itself: not a crash; remove it and draw again.
      await prenv(["down", "--env", environment], { timeoutMs: 60_000 });
      trials.push({ environment, delayMs, outcome: "finished before the kill", beforeGc, gcMs: 0, gcRemovedIt: false, afterGc: await objectsWithLabel(`${PRENV_LABEL}=${environment}`) });
      log(`crash attempt ${attempt}: up finished (exit ${result.code}) before the kill at ${delayMs} ms; not counted`);
      continue;
    }
    const gc = await prenv(["gc", "--json"], { timeoutMs: 120_000 });
    if (gc.code !== 0) throw new Error(`prenv gc failed (exit ${gc.code}):\n${lastLines(gc.stderr, 15)}`);
    const removed = JSON.parse(gc.stdout) as { environment: string }[];
    const afterGc = await objectsWithLabel(`${PRENV_LABEL}=${environment}`);
    const trial: Trial = { environment, delayMs, outcome: "killed", beforeGc, gcMs: gc.ms, gcRemovedIt: removed.some((r) => r.environment === environment), afterGc };
    trials.push(trial);
    const n = trials.filter((t) => t.outcome === "killed").length;
    log(`crash ${n}/${crashTrials}: killed after ${delayMs} ms with ${beforeGc.containers} containers, ${beforeGc.networks} networks, ${beforeGc.volumes} volumes; gc ${trial.gcRemovedIt ? "removed it" : "removed nothing of it"} in ${gc.ms.toFixed(0)} ms; left: ${total(afterGc)}`);
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
  const ours = present.filter((e) => e.startsWith(`bench-crash-${RUN_ID}-`));
  const foreign = present.filter((e) => !e.startsWith(`bench-crash-${RUN_ID}-`));

  const immediate = killed.reduce((sum, t) => sum + total(t.afterGc), 0);
  const lateCount = Object.values(late).reduce((sum, c) => sum + total(c), 0);
  // gc removing an environment of which nothing existed right after the kill: the engine
  // finished a create request after the process had died.
  const appearedAfterKill = killed.filter((t) => total(t.beforeGc) === 0 && t.gcRemovedIt).length;
  const withObjects = killed.filter((t) => total(t.beforeGc) > 0 || t.gcRemovedIt).length;
  const rows: Row[] = [
    {
      suite: "crash",
      what: "kill -9 during `prenv up`, then `prenv gc`: objects left",
      prenv: `${killed.length} trials (seed ${seed}); ${withObjects} left objects for gc${appearedAfterKill ? ` (in ${appearedAfterKill}, created by the engine after the kill)` : ""}; gc median ${median(killed.map((t) => t.gcMs)).toFixed(0)} ms`,
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
