import type { FaultNeed } from "../backends/backend.ts";
import { describeAction, NETWORK_FAULTS, formatRate, type ChaosDefinition, type ChaosRecord, type FaultOutcome, type ScheduledFault } from "./model.ts";

/** What the definition's faults need of a backend, each with where it was asked for: checked before anything starts. */
export function chaosNeeds(chaos: ChaosDefinition | undefined): FaultNeed[] {
  const needs: FaultNeed[] = [];
  for (const f of chaos?.faults ?? []) {
    const { kind } = f.action;
    if (kind === "pause") needs.push({ capability: "pause", kind, because: `pause ${f.action.target} (fault "${f.name}")`, location: f.location });
    else if ((NETWORK_FAULTS as readonly string[]).includes(kind)) needs.push({ capability: "networkFaults", kind, because: `${describeAction(f.action)} (fault "${f.name}"; a network fault)`, location: f.location });
  }
  return needs;
}

/** The timeline before anything happened: every fault of the schedule, not reached. */
export function plannedTimeline(faults: ScheduledFault[]): FaultOutcome[] {
  return faults.map((f) => ({ ...f, applied: "not reached", undo: "not applied" }));
}

/** What went wrong with the faults, one line each: a fault not applied or not undone is never silent. */
export function chaosProblems(record: ChaosRecord | undefined): string[] {
  const out: string[] = [];
  for (const f of record?.timeline ?? []) {
    if (f.applied === "failed") out.push(`fault "${f.name}" (${f.id}) could not be applied: ${f.error ?? "no reason given"}`);
    if (f.undo === "failed") out.push(`fault "${f.name}" (${f.id}) could not be undone: ${f.undoDetail ?? "no reason given"}; \`prenv gc\` tries again`);
  }
  return out;
}

/** "20.0 s": the PR comment's and the terminal's seconds, one decimal whatever the size. */
export function at(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** When the fault ended: its undo, else the end it was planned to have. */
function endOf(f: FaultOutcome): number | undefined {
  if (f.undoneAtMs !== undefined && f.applied === "applied") return f.undoneAtMs;
  if (f.durationMs === null || f.durationMs === 0) return undefined;
  return (f.actualStartMs ?? f.plannedStartMs) + f.durationMs;
}

/** One fault as a phrase: "worker killed at 20.0 s", "api ⇸ db partitioned 30.0–40.0 s". */
export function faultPhrase(f: FaultOutcome): string {
  const start = f.actualStartMs ?? f.plannedStartMs;
  const end = endOf(f);
  const span = end === undefined ? `from ${at(start)}` : `${(start / 1000).toFixed(1)}–${at(end)}`;
  const a = f.action;
  const what = (() => {
    switch (a.kind) {
      case "kill":
        return `${a.target} killed at ${at(start)}`;
      case "restart":
        return `${a.target} restarted at ${at(start)}`;
      case "stop":
        return `${a.target} stopped ${span}`;
      case "pause":
        return `${a.target} paused ${span}`;
      case "partition":
        return `${a.target} ⇸ ${a.peer} partitioned ${span}`;
      case "loss":
        return `${a.target} dropping ${a.percent}% ${span}`;
      case "bandwidth":
        return `${a.target} capped at ${formatRate(a.bitsPerSecond)} ${span}`;
      case "latency":
        return `${a.target} +${a.delayMs} ms${a.jitterMs ? ` ±${a.jitterMs} ms` : ""} ${span}`;
    }
  })();
  if (f.applied === "failed") return `${what} — not applied`;
  if (f.applied === "not reached") return `${what} — not reached`;
  if (f.undo === "failed") return `${what} — undo failed`;
  return what;
}

/** "Faults: worker killed at 20.0 s · api ⇸ db partitioned 30.0–40.0 s (seed 7)" */
export function faultsLine(record: ChaosRecord): string {
  return `Faults: ${record.timeline.length ? record.timeline.map(faultPhrase).join(" · ") : "none scheduled"} (seed ${record.seed})`;
}

/** The timeline as table rows, header first: what, target, planned and actual start, duration, how, undo. */
export function timelineRows(record: ChaosRecord): string[][] {
  const rows = [["fault", "planned", "actual", "duration", "how", "undo"]];
  for (const f of record.timeline) {
    const end = endOf(f);
    const lasted = f.durationMs === 0 ? "instant" : f.applied === "applied" && f.actualStartMs !== undefined && end !== undefined ? at(end - f.actualStartMs) : f.durationMs === null ? "until the end" : at(f.durationMs);
    const how = f.applied === "applied" ? (f.how ?? "") : f.applied === "failed" ? `not applied: ${f.error ?? ""}` : "not reached";
    const undo = f.undo === "failed" ? `FAILED: ${f.undoDetail ?? ""}` : f.undo === "not applied" ? "—" : (f.undoDetail ?? f.undo);
    rows.push([`${f.name}`, at(f.plannedStartMs), f.actualStartMs === undefined ? "—" : at(f.actualStartMs), lasted, how, undo]);
  }
  return rows;
}
