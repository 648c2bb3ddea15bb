import { FaultError, type Faults, type Owner } from "../backends/backend.ts";
import type { Plan } from "../plan/plan.ts";
import type { ChaosSchedule, FaultOutcome, ScheduledFault } from "./model.ts";

export interface ChaosOptions {
  faults: Faults;
  plan: Plan;
  owner: Owner;
  helperImage?: string;
  /** Hears each fault as it is applied and undone, for the terminal. */
  onEvent?: (outcome: FaultOutcome, event: "applied" | "undone" | "failed") => void;
}

/** The schedule, running: faults go in at their moments; `finish` undoes what is still in place. */
export interface RunningChaos {
  /** Stops the schedule and undoes every fault still in place; resolves with the timeline. */
  finish(): Promise<FaultOutcome[]>;
}

/**
 * Starts the schedule now (the start of the suite). Each fault is applied at its planned
 * offset and undone after its duration; what could not be applied or undone is recorded
 * with the error, never dropped. `finish` is safe to call at any moment, once.
 */
export function startChaos(schedule: ChaosSchedule, options: ChaosOptions): RunningChaos {
  const t0 = Date.now();
  const since = () => Date.now() - t0;
  const timers = new Set<NodeJS.Timeout>();
  const outcomes = schedule.faults.map((f): FaultOutcome => ({ ...f, applied: "not reached", undo: "not applied" }));
  // The work on each fault, chained, so that an undo waits for its own apply.
  const work = new Map<string, Promise<void>>();
  const undos = new Map<string, () => Promise<string>>();
  let finished = false;

  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, Math.max(0, ms));
    timers.add(timer);
  };
  // Each step records its own failure, so a chain never rejects and `finish` always gets the whole timeline.
  const chain = (id: string, step: () => Promise<void>) => work.set(id, (work.get(id) ?? Promise.resolve()).then(step));

  /**
   * Runs the fault's undo once and records how it went. An instant fault has nothing to wait
   * for: its "undo" says what followed, at once, and a failure of it (a kill whose service
   * should have come back and did not) is as loud as a failed undo.
   */
  const settle = async (outcome: FaultOutcome, instant: boolean) => {
    const fn = undos.get(outcome.id);
    if (!fn) return;
    undos.delete(outcome.id);
    try {
      outcome.undoDetail = await fn();
      outcome.undo = instant || outcome.undoDetail === "nothing to undo" ? "nothing to undo" : "undone";
      outcome.undoneAtMs = since();
      options.onEvent?.(outcome, "undone");
    } catch (e) {
      outcome.undo = "failed";
      outcome.undoDetail = message(e);
      outcome.undoneAtMs = since();
      options.onEvent?.(outcome, "failed");
    }
  };
  const undo = (outcome: FaultOutcome) => chain(outcome.id, () => settle(outcome, false));

  const apply = (outcome: FaultOutcome, fault: ScheduledFault) =>
    chain(outcome.id, async () => {
      if (finished) return;
      outcome.actualStartMs = since();
      try {
        const applied = await options.faults.injectFault(options.plan, fault.action, options.owner, { id: fault.id, ...(options.helperImage ? { helperImage: options.helperImage } : {}) });
        outcome.applied = "applied";
        outcome.how = applied.how;
        undos.set(outcome.id, applied.undo);
        options.onEvent?.(outcome, "applied");
      } catch (e) {
        outcome.applied = "failed";
        outcome.error = message(e);
        options.onEvent?.(outcome, "failed");
        return;
      }
      if (fault.durationMs === 0) await settle(outcome, true);
      else if (fault.durationMs !== null && !finished) later(fault.plannedStartMs + fault.durationMs - since(), () => void undo(outcome));
    });

  schedule.faults.forEach((fault, i) => later(fault.plannedStartMs, () => void apply(outcomes[i]!, fault)));

  return {
    async finish() {
      if (finished) return outcomes;
      finished = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      // Whatever is in flight ends first; then everything still in place is undone.
      await Promise.all(work.values());
      for (const o of outcomes) if (undos.has(o.id)) void undo(o);
      await Promise.all(work.values());
      return outcomes;
    },
  };
}

function message(e: unknown): string {
  if (e instanceof FaultError) return e.hint ? `${e.message} (${e.hint})` : e.message;
  return e instanceof Error ? e.message : String(e);
}
