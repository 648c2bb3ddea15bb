import type { Backend, Endpoint, ImageInfo, Owner } from "../backends/backend.ts";
import { requireFaultSupport, ServiceError, UnsupportedError } from "../backends/backend.ts";
import { startChaos, type RunningChaos } from "../chaos/inject.ts";
import type { ChaosRecord, ChaosSchedule, FaultOutcome } from "../chaos/model.ts";
import { drawSeed, resolveSchedule } from "../chaos/schedule.ts";
import { chaosNeeds, chaosProblems, plannedTimeline } from "../chaos/timeline.ts";
import type { EnvironmentDefinition } from "../definition/environment.ts";
import type { ParamValue } from "../definition/params.ts";
import type { Plan } from "../plan/plan.ts";
import { collectReports } from "../results/collect.ts";
import { REPORTS_DIR_VARIABLE } from "../results/reports-dir.ts";
import type { TestResults } from "../results/model.ts";
import { resultsPassed } from "../results/collect.ts";
import { Redactor } from "../secrets/redact.ts";
import { definedFields } from "../util/objects.ts";
import { logTail, passText, saveLog, serviceLogFile, type OutputSink } from "./logs.ts";
import { up, BootError, type ServiceEvent, type ServiceOutcome } from "./up.ts";
import { runSetup, SetupError, type StepOutcome } from "./setup.ts";
import { runSuite, type SuiteOutcome } from "./suite.ts";

export type Outcome = "passed" | "failed" | "error";
export type Phase = "boot" | "setup" | "test" | "teardown";

/** Everything a run learnt; written as results.json and shown on the terminal. */
export interface RunReport {
  prenvVersion: string;
  environment: string;
  project: string;
  definitionHash: string;
  backend: string;
  outcome: Outcome;
  exitCode: 0 | 1 | 2;
  /** `interrupted`: stopped by Ctrl-C or SIGTERM, not failed. */
  error?: { phase: Phase; service?: string; message: string; hint?: string; output?: string; interrupted?: boolean };
  /** A secret parameter's value is never here: `secret: true` stands in for it. */
  params: Record<string, { value?: ParamValue; origin?: string; secret?: true }>;
  services: { name: string; image: string; imageId?: string; digest?: string; built?: boolean; baseImages?: ImageInfo["baseImages"]; phase?: string; readyMs?: number }[];
  endpoints: Endpoint[];
  setup: StepOutcome[];
  suite?: Omit<SuiteOutcome, "outputTail">;
  tests?: TestResults;
  /** With `chaos:`: the seed, and the schedule as it went (planned and actual starts, how, undo). */
  chaos?: ChaosRecord;
  /** Phase by phase, adding up to the total: collect is reading reports and saving logs. */
  timings: { bootMs?: number; setupMs?: number; testMs?: number; collectMs?: number; teardownMs?: number; totalMs: number };
  startedAt: string;
  finishedAt: string;
}

export interface RunHooks {
  onServiceEvent?: (event: ServiceEvent) => void;
  onPhase?: (phase: Phase | "collect") => void;
  onStep?: Parameters<typeof runSetup>[2]["onStep"];
  onOutput?: (chunk: string) => void;
  /** The resolved chaos schedule, just before the suite starts (the CLI prints it). */
  onChaosSchedule?: (schedule: ChaosSchedule) => void;
  /** A fault applied, undone, or failed, as it happens. */
  onFault?: (outcome: FaultOutcome, event: "applied" | "undone" | "failed") => void;
}

export interface RunOptions extends RunHooks {
  backend: Backend;
  owner: Owner;
  version: string;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Boot first (prenv run), or use the environment that is up (prenv test). */
  boot: boolean;
  /** Remove the environment at the end (prenv run, unless --keep). */
  teardown: boolean;
  keepOnFailure?: boolean;
  bootTimeoutMs?: number;
  /** Run setup even when it already ran on this environment. */
  forceSetup?: boolean;
  /** Masks secret values: in the report returned, and in the output passed to onOutput. */
  redactor?: Redactor;
  /**
   * Where whole outputs are streamed: every service's log (before teardown), each setup
   * step's output and the test command's. Reports keep only their tails.
   */
  output?: OutputSink;
  /** Overrides `chaos.seed` (--seed): the same seed gives the same schedule. */
  seed?: string;
}

/** up -> setup -> tests -> results -> down: the whole job, whatever fails on the way. */
export async function runEnvironment(env: EnvironmentDefinition, plan: Plan, options: RunOptions): Promise<RunReport> {
  const redactor = options.redactor ?? new Redactor();
  const output = redactor.pieces();
  const { onOutput, onPhase } = options;
  const flush = () => {
    const rest = output.end();
    if (rest) onOutput?.(rest);
  };
  const report = await runUnredacted(env, plan, {
    ...options,
    ...(onOutput ? { onOutput: (chunk: string) => onOutput(output.push(chunk)) } : {}),
    onPhase: (phase) => {
      flush();
      onPhase?.(phase);
    },
  });
  flush();
  return redactor.redactDeep(report);
}

async function runUnredacted(env: EnvironmentDefinition, plan: Plan, options: RunOptions): Promise<RunReport> {
  const t0 = Date.now();
  const { backend, owner } = options;
  const report: RunReport = {
    prenvVersion: options.version,
    environment: plan.environment,
    project: plan.project,
    definitionHash: plan.definitionHash,
    backend: backend.kind,
    outcome: "error",
    exitCode: 2,
    params: reportParams(env.params),
    services: plan.services.map((s) => ({ name: s.name, image: s.image })),
    endpoints: [],
    setup: [],
    timings: { totalMs: 0 },
    startedAt: new Date(t0).toISOString(),
    finishedAt: "",
  };
  const fail = (phase: Phase, message: string, extra: { service?: string; hint?: string; output?: string; interrupted?: boolean } = {}) => {
    report.outcome = "error";
    report.exitCode = 2;
    report.error = { phase, message, ...definedFields(extra) };
  };
  // The service whose whole log explains the error; where to read it is known only at the end.
  let logOf: string | undefined;
  // Resolved before anything starts, so that even a run that fails to boot records the seed to replay.
  const schedule = env.chaos ? resolveSchedule(env.chaos, options.seed ?? env.chaos.seed ?? drawSeed()) : undefined;
  if (schedule) report.chaos = { seed: schedule.seed, timeline: plannedTimeline(schedule.faults) };
  let chaos: RunningChaos | undefined;
  // Stops the schedule and undoes what is in place, once, whatever ended the suite.
  const endChaos = async () => {
    const running = chaos;
    chaos = undefined;
    if (running && report.chaos) report.chaos.timeline = await running.finish();
  };

  let booted = !options.boot;
  let collectStarted: number | undefined;
  // Where an unexpected error happened; collecting results is part of the test phase.
  let current: Phase = options.boot ? "boot" : "setup";
  const enter = (phase: Phase | "collect") => {
    current = phase === "collect" ? "test" : phase;
    options.onPhase?.(phase);
  };
  try {
    // 0. What the faults need of the backend, before anything is created.
    try {
      await requireFaultSupport(backend, chaosNeeds(env.chaos), { owner, ...definedFields({ helperImage: env.chaos?.helperImage }) });
    } catch (e) {
      if (!(e instanceof UnsupportedError)) throw e;
      booted = false;
      fail(current, e.message, { hint: e.hint });
      return report;
    }
    // 1. Boot.
    if (options.boot) {
      enter("boot");
      const started = Date.now();
      try {
        const result = await up(plan, {
          backend,
          owner,
          // Kept on failure here, so that the logs are saved before the teardown below.
          keepOnFailure: true,
          ...(options.onServiceEvent ? { onEvent: options.onServiceEvent } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.bootTimeoutMs !== undefined ? { timeoutMs: options.bootTimeoutMs } : {}),
        });
        booted = true;
        report.services = result.services.map((s) => serviceEntry(s, plan));
        report.endpoints = result.endpoints;
      } catch (e) {
        if (!(e instanceof BootError)) throw e;
        booted = !e.removed;
        logOf = e.failure.logOf ?? (e.failure.service || undefined);
        const output = await passText(options.output, e.failure.logTail ?? "");
        fail("boot", e.failure.message, {
          service: e.failure.service,
          ...(e.failure.hint ? { hint: e.failure.hint } : {}),
          ...(output ? { output } : {}),
          ...(options.signal?.aborted ? { interrupted: true } : {}),
        });
        return report;
      } finally {
        report.timings.bootMs = Date.now() - started;
      }
    } else {
      report.endpoints = await backend.endpoints(plan.environment);
    }

    // 2. Setup, once per environment.
    const setupStarted = Date.now();
    if (env.setup.length > 0 && (options.forceSetup || !(await backend.hasMarker(plan.environment, "setup-done")))) {
      enter("setup");
      try {
        report.setup = await runSetup(plan, env.setup, { backend, owner, ...definedFields({ signal: options.signal, onStep: options.onStep, output: options.output }) });
        await backend.setMarker(plan, owner, "setup-done");
      } catch (e) {
        if (e instanceof SetupError) {
          report.setup = e.steps;
          fail("setup", e.message, { hint: e.hint, output: e.step.output });
          return report;
        }
        throw e;
      } finally {
        report.timings.setupMs = Date.now() - setupStarted;
      }
    }

    // 3. The suite, watching for services that die under it.
    if (!env.test) {
      fail("test", "the definition has no test section", { hint: "add test: { command: ..., reports: ... } to prenv.yml" });
      return report;
    }
    enter("test");
    const testStarted = Date.now();
    const suiteStarted = new Date();
    if (schedule) {
      options.onChaosSchedule?.(schedule);
      chaos = startChaos(schedule, { faults: backend, plan, owner, ...definedFields({ helperImage: env.chaos?.helperImage, onEvent: options.onFault }) });
    }
    let suite: SuiteOutcome;
    try {
      suite = await runSuite(plan, env.test, {
        backend,
        owner,
        endpoints: report.endpoints,
        env: options.env,
        ...definedFields({ signal: options.signal, onOutput: options.onOutput, output: options.output }),
      });
    } finally {
      await endChaos();
    }
    const suiteEnded = new Date();
    // Services that died under the suite (one that restarted too), by the engine's record;
    // the exits the faults caused (a kill, a stop, a restart) are the faults', not crashes.
    const exits = await backend.exitsBetween(plan.environment, suiteStarted, suiteEnded);
    const caused = await faultExits(backend, plan.environment, suiteStarted, report.chaos);
    const crashes = exits.filter((e) => {
      const planned = plan.services.find((s) => s.name === e.service);
      if (planned === undefined || planned.runsToCompletion) return false;
      const n = caused.get(e.service) ?? 0;
      if (n > 0) caused.set(e.service, n - 1);
      return n === 0;
    });
    const { outputTail, ...suiteSummary } = suite;
    report.suite = suiteSummary;
    report.timings.testMs = Date.now() - testStarted;

    // 4. Results.
    enter("collect");
    collectStarted = Date.now();
    // Reports older than this run are leftovers: a problem, not a silent green.
    if (env.test.reports.length > 0) report.tests = await collectReports(env.test.reports, env.test.workdir, { notBefore: suiteStarted });
    const reportsDir = options.env[REPORTS_DIR_VARIABLE];
    if (report.tests && options.output?.copyReports) await options.output.copyReports(report.tests.reports, env.test.workdir, ...(reportsDir ? [reportsDir] : []));
    if (crashes.length > 0) {
      const first = crashes[0]!;
      logOf = first.service;
      fail("test", `service "${first.service}" exited with code ${first.exitCode} while the tests ran`, {
        service: first.service,
        output: await passText(options.output, await logTail(backend, plan.environment, first.service)),
      });
    } else if (suite.interrupted) {
      fail("test", "the run was interrupted", { interrupted: true });
    } else {
      const reportsOk = report.tests ? resultsPassed(report.tests) : true;
      const passed = suite.exitCode === 0 && reportsOk && !suite.timedOut;
      report.outcome = passed ? "passed" : "failed";
      report.exitCode = passed ? 0 : 1;
      if (suite.timedOut) report.error = { phase: "test", message: `the tests did not finish within ${Math.round(env.test.timeoutMs / 1000)} s`, hint: "raise test.timeout, or look for a hanging test", output: outputTail };
      else if (!passed && suite.exitCode !== 0 && report.tests && resultsPassed(report.tests)) report.error = { phase: "test", message: `the test command exited with code ${suite.exitCode} although its reports show no failure`, output: outputTail };
      else if (!passed && !report.tests) report.error = { phase: "test", message: `the test command exited with code ${suite.exitCode}`, output: outputTail };
      // A green run whose faults did not all go in (or out) did not test what it says.
      const problems = chaosProblems(report.chaos);
      if (passed && problems.length > 0) fail("test", problems[0]!, { hint: problems.length > 1 ? `and ${problems.length - 1} more fault problem(s): see chaos.timeline in results.json` : "see chaos.timeline in results.json" });
    }
    return report;
  } catch (e) {
    const message = e instanceof ServiceError || e instanceof Error ? e.message : String(e);
    fail(current, message);
    return report;
  } finally {
    // Faults are undone before logs and teardown, also when something above threw.
    await endChaos().catch(() => undefined);
    // Logs of every service, always; then teardown, always (unless asked to keep).
    collectStarted ??= Date.now();
    const logsSaved = booted && options.output !== undefined;
    if (booted && options.output) {
      for (const s of [...plan.services, ...(plan.testService ? [plan.testService] : [])]) {
        // One at a time, streamed: memory stays flat whatever the services printed.
        try {
          await saveLog(backend, plan.environment, s.name, options.output);
        } catch (e) {
          if (!report.error) fail("teardown", `the log of ${s.name} could not be saved: ${(e as Error).message}`, { service: s.name, hint: "check the results folder's disk space and permissions" });
        }
      }
    }
    // Its log is saved: the test service's container has done its job.
    // Should this fail, the next run removes it before it starts the service again.
    if (booted && plan.testService && report.suite) await backend.removeService(plan.environment, plan.testService.name).catch(() => undefined);
    report.timings.collectMs = Date.now() - collectStarted;
    const keep = !options.teardown || (options.keepOnFailure === true && report.outcome !== "passed");
    // Handed over to the user: from now on gc leaves it alone although this process ends.
    if (booted && keep && options.boot) {
      await backend.setMarker(plan, owner, "kept").catch((e: unknown) => {
        if (!report.error) fail("teardown", `the environment was kept, but could not be marked as kept (${(e as Error).message}): prenv gc may remove it`);
      });
    }
    if (booted && !keep) {
      enter("teardown");
      const started = Date.now();
      try {
        await backend.remove(plan.environment, { keepVolumes: false });
        booted = false;
      } catch (e) {
        if (!report.error) fail("teardown", `teardown failed: ${(e as Error).message}`, { hint: "run prenv gc" });
      }
      report.timings.teardownMs = Date.now() - started;
    }
    const where = !logOf ? undefined : logsSaved ? `its whole log is in the results folder: ${serviceLogFile(logOf)}` : booted ? `see its whole log with: prenv logs --env ${plan.environment} ${logOf}` : undefined;
    if (where && report.error) report.error.hint = report.error.hint ? `${report.error.hint}; ${where}` : where;
    report.timings.totalMs = Date.now() - t0;
    report.finishedAt = new Date().toISOString();
  }
}

/**
 * How many exits of each service fell in the windows of its lifecycle faults (kill, stop,
 * restart): from the fault's start to a second after its undo, when the engine may still
 * be recording the stop.
 */
async function faultExits(backend: Backend, environment: string, suiteStarted: Date, record: ChaosRecord | undefined): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const f of record?.timeline ?? []) {
    if (f.applied !== "applied" || f.actualStartMs === undefined) continue;
    if (f.action.kind !== "kill" && f.action.kind !== "stop" && f.action.kind !== "restart") continue;
    const since = new Date(suiteStarted.getTime() + f.actualStartMs - 1000);
    const until = new Date(suiteStarted.getTime() + (f.undoneAtMs ?? f.actualStartMs) + 1000);
    const target = f.action.target;
    const n = (await backend.exitsBetween(environment, since, until)).filter((e) => e.service === target).length;
    counts.set(target, (counts.get(target) ?? 0) + n);
  }
  return counts;
}

/** Parameters as a report shows them: a secret's value is left out. */
export function reportParams(params: EnvironmentDefinition["params"]): RunReport["params"] {
  return Object.fromEntries(
    Object.entries(params).map(([k, p]) => [k, { ...(p.value !== undefined && !p.secret ? { value: p.value } : {}), ...(p.origin ? { origin: p.origin } : {}), ...(p.secret ? { secret: true as const } : {}) }]),
  );
}

function serviceEntry(s: ServiceOutcome, plan: Plan): RunReport["services"][number] {
  const built = plan.services.find((p) => p.name === s.name)?.build === true;
  return {
    name: s.name,
    image: s.image.reference,
    imageId: s.image.id,
    ...definedFields({ digest: s.image.digest, baseImages: s.image.baseImages }),
    ...(built ? { built } : {}),
    phase: s.phase,
    readyMs: s.readyMs,
  };
}
