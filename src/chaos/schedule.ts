import { createHash, randomInt } from "node:crypto";
import type { ChaosDefinition, ChaosSchedule, ScheduledFault } from "./model.ts";

/**
 * A number in [0, 1) for one draw, from a hash of the seed and the draw's place (fault,
 * repetition): the same on every machine and Node version, which Math.random cannot
 * promise, and each fault's moments independent of the others', so that adding a fault
 * at the end of the list leaves the moments of the others where they were.
 */
export function draw(seed: string, fault: number, repetition: number): number {
  return createHash("sha256").update(`prenv-chaos\0${seed}\0${fault}\0${repetition}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** A seed for a run whose definition has none: recorded, so that the run can be replayed. */
export function drawSeed(): string {
  return String(randomInt(1, 2 ** 31 - 1));
}

/** The schedule a seed gives: every repetition with its moment drawn, in order of start. Pure. */
export function resolveSchedule(chaos: ChaosDefinition, seed: string): ChaosSchedule {
  const faults: ScheduledFault[] = [];
  chaos.faults.forEach((f, i) => {
    const count = f.repeat?.count ?? 1;
    for (let r = 0; r < count; r++) {
      const offset = r * (f.repeat?.everyMs ?? 0);
      const u = draw(seed, i, r);
      const base = "atMs" in f.start ? f.start.atMs : f.start.betweenMs[0] + Math.floor(u * (f.start.betweenMs[1] - f.start.betweenMs[0] + 1));
      faults.push({ id: `${i + 1}.${r + 1}`, name: f.name, action: f.action, plannedStartMs: base + offset, durationMs: f.durationMs });
    }
  });
  faults.sort((a, b) => a.plannedStartMs - b.plannedStartMs || a.id.localeCompare(b.id, undefined, { numeric: true }));
  return { seed, faults };
}

/** The schedule as printed before the suite: one line a fault. */
export function formatSchedule(schedule: ChaosSchedule): string {
  const lines = [`chaos schedule (seed ${schedule.seed}; replay with --seed ${schedule.seed}):`];
  for (const f of schedule.faults) {
    lines.push(`  ${seconds(f.plannedStartMs).padStart(8)}  ${f.name}${f.durationMs === null ? " until the end of the suite" : f.durationMs === 0 ? "" : ` for ${seconds(f.durationMs)}`}`);
  }
  return `${lines.join("\n")}\n`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : ms % 100 === 0 ? 1 : 3)}s`;
}
