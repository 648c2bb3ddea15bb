import type { SourceLocation } from "../definition/model.ts";

/** Faults on a service's processes: the engine does them, no helper is needed. */
export const LIFECYCLE_FAULTS = ["kill", "stop", "restart", "pause"] as const;
/** Faults on a service's network: done from inside its network namespace. */
export const NETWORK_FAULTS = ["partition", "loss", "bandwidth", "latency"] as const;
export const FAULT_KINDS = [...LIFECYCLE_FAULTS, ...NETWORK_FAULTS] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults that happen at one moment and have nothing to undo (the restart policy decides what follows a kill). */
export const INSTANT_FAULTS: readonly FaultKind[] = ["kill", "restart"];

/** What a fault does, with the settings of its kind; the same shape in the definition, the schedule and the backend seam. */
export type FaultAction =
  | { kind: "kill"; target: string; signal: string }
  | { kind: "stop"; target: string }
  | { kind: "restart"; target: string }
  | { kind: "pause"; target: string }
  /** Both directions between target and peer. */
  | { kind: "partition"; target: string; peer: string }
  /** Each packet to and from the target is dropped with this probability (so a round trip is lost with 1-(1-p)²). */
  | { kind: "loss"; target: string; percent: number }
  /** What the target sends, capped (egress shaping). */
  | { kind: "bandwidth"; target: string; bitsPerSecond: number }
  /** Added to each round trip with the target's clients, ± jitter. */
  | { kind: "latency"; target: string; delayMs: number; jitterMs: number; ports: number[] };

/** When a fault starts, from the start of the suite: a fixed offset, or a moment drawn from a window. */
export type FaultStart = { atMs: number } | { betweenMs: [number, number] };

/** One fault of `chaos.faults`, checked. */
export interface FaultDefinition {
  /** Its `name`, else "<kind> <target>": how the schedule and the timeline name it. */
  name: string;
  action: FaultAction;
  start: FaultStart;
  /** null: until the end of the suite; 0: an instant fault (kill, restart). */
  durationMs: number | null;
  repeat?: { everyMs: number; count: number };
  location: SourceLocation;
}

export interface ChaosDefinition {
  /** The definition's seed; a run without one draws one, and records it so that it can be replayed. */
  seed?: string;
  /** The image of the helper containers that change a service's network (iptables, tc, perl). */
  helperImage?: string;
  faults: FaultDefinition[];
  location: SourceLocation;
}

/** One fault of the resolved schedule: everything random has been drawn. */
export interface ScheduledFault {
  /** "<fault index>.<repetition>", both from 1: stable for a seed. */
  id: string;
  name: string;
  action: FaultAction;
  plannedStartMs: number;
  durationMs: number | null;
}

export interface ChaosSchedule {
  seed: string;
  faults: ScheduledFault[];
}

/** What happened to one scheduled fault: the timeline of a run. */
export interface FaultOutcome extends ScheduledFault {
  /** From the start of the suite; absent when it never started. */
  actualStartMs?: number;
  /** How it was applied ("docker pause", "iptables DROP via helper", "TCP proxy ... iptables REDIRECT (this kernel has no netem)"), or why not. */
  how?: string;
  applied: "applied" | "failed" | "not reached";
  error?: string;
  /** When it was undone, from the start of the suite. */
  undoneAtMs?: number;
  undo: "undone" | "nothing to undo" | "failed" | "not applied";
  undoDetail?: string;
}

export interface ChaosRecord {
  seed: string;
  /** The schedule as planned, then what happened to each fault. */
  timeline: FaultOutcome[];
}

export function targetsOf(action: FaultAction): string[] {
  return action.kind === "partition" ? [action.target, action.peer] : [action.target];
}

/** How a fault's trace names it, for gc's lines: "1.1 stop srv". */
export function traceName(id: string, action: FaultAction): string {
  return `${id} ${action.kind} ${action.target}`;
}

export function describeAction(action: FaultAction): string {
  switch (action.kind) {
    case "kill":
      return `kill ${action.target} (${action.signal})`;
    case "partition":
      return `partition ${action.target} ↔ ${action.peer}`;
    case "loss":
      return `loss ${action.percent}% at ${action.target}`;
    case "bandwidth":
      return `bandwidth ${formatRate(action.bitsPerSecond)} from ${action.target}`;
    case "latency":
      return `latency +${action.delayMs}ms${action.jitterMs ? ` ±${action.jitterMs}ms` : ""} at ${action.target}`;
    default:
      return `${action.kind} ${action.target}`;
  }
}

export function formatRate(bits: number): string {
  if (bits >= 1e9 && bits % 1e9 === 0) return `${bits / 1e9}gbit`;
  if (bits >= 1e6 && bits % 1e6 === 0) return `${bits / 1e6}mbit`;
  if (bits >= 1e3 && bits % 1e3 === 0) return `${bits / 1e3}kbit`;
  return `${bits}bit`;
}
