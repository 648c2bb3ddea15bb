import { error } from "../definition/errors.ts";
import { didYouMean } from "../definition/keys.ts";
import type { Diagnostic, SourceLocation } from "../definition/model.ts";
import { parseDuration } from "../definition/normalize.ts";
import { isMapping, type Path } from "../definition/yaml-source.ts";
import { FAULT_KINDS, INSTANT_FAULTS, NETWORK_FAULTS, targetsOf, type ChaosDefinition, type FaultAction, type FaultDefinition, type FaultKind, type FaultStart } from "./model.ts";

/** Where chaos findings point: the section's reader knows the file (prenv.yml, or x-prenv of a compose file). */
export interface ChaosContext {
  /** The location of a path under the section (["chaos", "faults", 0, "target"]); `key` for the key itself. */
  locate(path: Path, key?: boolean): SourceLocation;
  services: string[];
  diagnostics: Diagnostic[];
}

const CHAOS_KEYS = ["seed", "helper-image", "faults"];
const FAULT_KEYS = ["name", "fault", "target", "start", "duration", "repeat", "signal", "percent", "rate", "delay", "jitter", "ports"];
/** Settings only some kinds take: anything else on a fault is a mistake worth saying. */
const KIND_KEYS: Record<FaultKind, string[]> = {
  kill: ["signal"],
  stop: [],
  restart: [],
  pause: [],
  partition: [],
  loss: ["percent"],
  bandwidth: ["rate"],
  latency: ["delay", "jitter", "ports"],
};
const DURATION_HINT = 'write a duration such as "500ms", "30s" or "2m"';
const UNTIL_END = "until-end";

/** Reads `chaos:`; findings go to ctx.diagnostics with file:line:col. */
export function readChaos(raw: unknown, ctx: ChaosContext): ChaosDefinition | undefined {
  if (raw === undefined || raw === null) return undefined;
  const fail = (message: string, path: Path, hint: string, key = false) => ctx.diagnostics.push(error(message, { location: ctx.locate(path, key), hint }));
  if (!isMapping(raw)) {
    fail('"chaos" must be a mapping', ["chaos"], "write chaos: { seed: 42, faults: [ { fault: pause, target: db, start: 10s, duration: 5s } ] }");
    return undefined;
  }
  unknownKeys(raw, ["chaos"], CHAOS_KEYS, "chaos", fail);
  const seed = raw.seed;
  if (seed !== undefined && typeof seed !== "string" && typeof seed !== "number") fail('"chaos.seed" must be a number or a string', ["chaos", "seed"], "write seed: 42");
  const helperImage = raw["helper-image"];
  if (helperImage !== undefined && typeof helperImage !== "string") fail('"chaos.helper-image" must be an image reference', ["chaos", "helper-image"], "write helper-image: registry.example.com/prenv-helper:1 (see docs/chaos.md)");
  const list = raw.faults ?? [];
  if (!Array.isArray(list)) {
    fail('"chaos.faults" must be a list of faults', ["chaos", "faults"], "write faults: [ { fault: kill, target: api, start: 10s } ]");
    return undefined;
  }
  const entries: { fault: FaultDefinition; index: number }[] = [];
  list.forEach((item: unknown, index) => {
    const fault = readFault(item, ["chaos", "faults", index], ctx, fail);
    if (fault) entries.push({ fault, index });
  });
  const faults = entries.map((e) => e.fault);
  if (faults.some((f) => (NETWORK_FAULTS as readonly string[]).includes(f.action.kind)) && typeof helperImage !== "string") {
    const first = list.findIndex((f: unknown) => isMapping(f) && (NETWORK_FAULTS as readonly unknown[]).includes(f.fault));
    fail("network faults need chaos.helper-image: the image of the helper container that changes the service's network", ["chaos", "faults", first, "fault"], "set chaos.helper-image to an image with iptables, tc (iproute2) and perl; docs/chaos.md shows a Dockerfile");
  }
  checkOverlaps(entries, ctx, fail);
  return {
    ...(typeof seed === "string" || typeof seed === "number" ? { seed: String(seed) } : {}),
    ...(typeof helperImage === "string" ? { helperImage } : {}),
    faults,
    location: ctx.locate(["chaos"]),
  };
}

type Fail = (message: string, path: Path, hint: string, key?: boolean) => void;

function unknownKeys(value: Record<string, unknown>, path: Path, allowed: string[], where: string, fail: Fail): void {
  for (const key of Object.keys(value)) {
    if (allowed.includes(key) || key.startsWith("x-")) continue;
    const guess = didYouMean(key, allowed);
    fail(`unknown key "${key}" in ${where}`, [...path, key], guess ? `did you mean "${guess}"?` : `${where} has ${allowed.join(", ")}`, true);
  }
}

function duration(value: unknown, path: Path, fail: Fail, what: string): number | undefined {
  const text = typeof value === "number" ? `${value}` : typeof value === "string" ? value : undefined;
  const ms = text === undefined ? undefined : parseDuration(text);
  if (ms === undefined) {
    fail(`${what} ${JSON.stringify(value)} is not a duration`, path, DURATION_HINT);
    return undefined;
  }
  return ms;
}

function readFault(item: unknown, path: Path, ctx: ChaosContext, fail: Fail): FaultDefinition | undefined {
  const n = Number(path[path.length - 1]) + 1;
  if (!isMapping(item)) {
    fail(`fault ${n} must be a mapping`, path, "write { fault: pause, target: db, start: 10s, duration: 5s }");
    return undefined;
  }
  const kind = item.fault;
  if (typeof kind !== "string" || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    const guess = typeof kind === "string" ? didYouMean(kind, [...FAULT_KINDS]) : undefined;
    fail(kind === undefined ? `fault ${n} says nothing to do` : `fault ${n}: "${String(kind)}" is not a fault`, kind === undefined ? path : [...path, "fault"], guess ? `did you mean "${guess}"?` : `write fault: one of ${FAULT_KINDS.join(", ")}`, kind === undefined);
    return undefined;
  }
  const k = kind as FaultKind;
  const own = KIND_KEYS[k];
  unknownKeys(item, path, FAULT_KEYS, `fault ${n}`, fail);
  for (const key of Object.keys(item)) {
    if (FAULT_KEYS.includes(key) && !["name", "fault", "target", "start", "duration", "repeat"].includes(key) && !own.includes(key)) {
      fail(`a ${k} fault has no "${key}"`, [...path, key], own.length ? `a ${k} fault takes ${own.join(", ")}` : `remove it: a ${k} fault takes no settings`, true);
    }
  }
  // Targets: a service, or two for a partition.
  const rawTarget = item.target;
  const targets = typeof rawTarget === "string" ? [rawTarget] : Array.isArray(rawTarget) && rawTarget.every((t) => typeof t === "string") ? (rawTarget as string[]) : undefined;
  const wanted = k === "partition" ? 2 : 1;
  if (!targets || targets.length !== wanted) {
    fail(k === "partition" ? `a partition needs two services: target: [api, db]` : `fault ${n} needs one target service`, rawTarget === undefined ? path : [...path, "target"], k === "partition" ? "write target: [api, db]" : "write target: <service>", rawTarget === undefined);
    return undefined;
  }
  let targetsOk = true;
  targets.forEach((t, j) => {
    if (ctx.services.includes(t)) return;
    targetsOk = false;
    const guess = didYouMean(t, ctx.services);
    fail(`service "${t}" is not defined`, typeof rawTarget === "string" ? [...path, "target"] : [...path, "target", j], guess ? `did you mean "${guess}"?` : `the services are ${ctx.services.join(", ")}`);
  });
  if (k === "partition" && targets[0] === targets[1]) {
    fail("a partition is between two different services", [...path, "target"], "name the two sides: target: [api, db]");
    targetsOk = false;
  }

  const start = readStart(item.start, [...path, "start"], fail);
  const instant = INSTANT_FAULTS.includes(k);
  let durationMs: number | null | undefined = 0;
  if (instant) {
    if (item.duration !== undefined) fail(`a ${k} fault happens at one moment: it has no duration`, [...path, "duration"], k === "kill" ? "the service's restart policy decides whether it comes back; use stop for a service that stays down for a while" : "remove duration", true);
  } else if (item.duration === UNTIL_END) durationMs = null;
  else if (item.duration === undefined) {
    fail(`a ${k} fault needs a duration`, path, `write duration: 10s, or duration: ${UNTIL_END}`, false);
    durationMs = undefined;
  } else {
    durationMs = duration(item.duration, [...path, "duration"], fail, "duration");
    if (durationMs === 0) {
      fail("a duration of 0 does nothing", [...path, "duration"], DURATION_HINT);
      durationMs = undefined;
    }
  }
  let repeat: FaultDefinition["repeat"];
  if (item.repeat !== undefined) {
    const r = item.repeat;
    if (!isMapping(r)) fail('"repeat" must be a mapping', [...path, "repeat"], "write repeat: { every: 30s, count: 3 }");
    else {
      unknownKeys(r, [...path, "repeat"], ["every", "count"], "repeat", fail);
      const everyMs = duration(r.every, [...path, "repeat", "every"], fail, "repeat.every");
      const count = r.count;
      if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > 1000) fail(`repeat.count ${JSON.stringify(count)} is not a count from 1 to 1000`, [...path, "repeat", "count"], "write count: 3 (the number of times in all)");
      else if (everyMs !== undefined) {
        if (durationMs === null && count > 1) fail(`a fault that lasts ${UNTIL_END} cannot repeat`, [...path, "repeat"], "give it a duration, or remove repeat");
        else if (everyMs === 0) fail("repeat.every must be more than 0", [...path, "repeat", "every"], DURATION_HINT);
        else repeat = { everyMs, count };
      }
    }
  }
  const action = readAction(k, targets, item, path, fail);
  if (!start || durationMs === undefined || !action || !targetsOk) return undefined;
  const name = typeof item.name === "string" ? item.name : `${k} ${targets.join("↔")}`;
  return { name, action, start, durationMs, ...(repeat ? { repeat } : {}), location: ctx.locate(path) };
}

function readStart(value: unknown, path: Path, fail: Fail): FaultStart | undefined {
  const hint = 'write start: 10s (after the suite starts), or start: { between: [5s, 20s] } (a moment drawn from the seed)';
  if (value === undefined) {
    fail("the fault needs a start", path.slice(0, -1), hint);
    return undefined;
  }
  if (isMapping(value)) {
    const between = value.between;
    if (!Array.isArray(between) || between.length !== 2) {
      fail('"start" as a mapping must be { between: [earliest, latest] }', path, hint);
      return undefined;
    }
    const lo = duration(between[0], [...path, "between", 0], fail, "start");
    const hi = duration(between[1], [...path, "between", 1], fail, "start");
    if (lo === undefined || hi === undefined) return undefined;
    if (hi < lo) {
      fail(`the window's end (${between[1]}) is before its start (${between[0]})`, [...path, "between"], "write the earlier moment first");
      return undefined;
    }
    return { betweenMs: [lo, hi] };
  }
  const at = duration(value, path, fail, "start");
  return at === undefined ? undefined : { atMs: at };
}

function readAction(kind: FaultKind, targets: string[], item: Record<string, unknown>, path: Path, fail: Fail): FaultAction | undefined {
  const target = targets[0]!;
  switch (kind) {
    case "kill": {
      const signal = item.signal ?? "SIGKILL";
      if (typeof signal !== "string" || !/^(SIG)?[A-Z0-9]+$/.test(signal)) {
        fail(`signal ${JSON.stringify(signal)} is not a signal name`, [...path, "signal"], "write signal: SIGKILL (the default) or SIGTERM");
        return undefined;
      }
      return { kind, target, signal: signal.startsWith("SIG") ? signal : `SIG${signal}` };
    }
    case "stop":
    case "restart":
    case "pause":
      return { kind, target };
    case "partition":
      return { kind, target, peer: targets[1]! };
    case "loss": {
      const percent = typeof item.percent === "string" ? Number(item.percent.replace(/%$/, "")) : item.percent;
      if (typeof percent !== "number" || !(percent > 0 && percent <= 100)) {
        fail(`percent ${JSON.stringify(item.percent)} is not a percentage above 0 and at most 100`, item.percent === undefined ? path : [...path, "percent"], "write percent: 10");
        return undefined;
      }
      return { kind, target, percent };
    }
    case "bandwidth": {
      const bits = typeof item.rate === "string" ? parseRate(item.rate) : undefined;
      if (bits === undefined) {
        fail(`rate ${JSON.stringify(item.rate)} is not a rate`, item.rate === undefined ? path : [...path, "rate"], 'write rate: 1mbit (bit, kbit, mbit, gbit per second)');
        return undefined;
      }
      return { kind, target, bitsPerSecond: bits };
    }
    case "latency": {
      const delayMs = item.delay === undefined ? undefined : duration(item.delay, [...path, "delay"], fail, "delay");
      if (item.delay === undefined) fail("a latency fault needs a delay", path, "write delay: 100ms (added to each round trip)");
      const jitterMs = item.jitter === undefined ? 0 : duration(item.jitter, [...path, "jitter"], fail, "jitter");
      const ports = item.ports === undefined ? [] : Array.isArray(item.ports) ? item.ports : [item.ports];
      if (!ports.every((p) => typeof p === "number" && Number.isInteger(p) && p > 0 && p < 65536)) {
        fail(`ports ${JSON.stringify(item.ports)} are not port numbers`, [...path, "ports"], "write ports: [5432] (the target's ports its clients use)");
        return undefined;
      }
      if (delayMs === undefined || jitterMs === undefined) return undefined;
      if (delayMs === 0) {
        fail("a delay of 0 adds nothing", [...path, "delay"], DURATION_HINT);
        return undefined;
      }
      if (jitterMs > delayMs) {
        fail(`the jitter (${jitterMs}ms) is larger than the delay (${delayMs}ms)`, [...path, "jitter"], "keep the jitter at most the delay: latency cannot be negative");
        return undefined;
      }
      return { kind, target, delayMs, jitterMs, ports: ports as number[] };
    }
  }
}

const RATE_UNITS: Record<string, number> = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9, bps: 8, kbps: 8e3, mbps: 8e6 };

/** "1mbit", "500kbit", "2mbps" (bytes) as bits per second, tc's words. */
export function parseRate(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(text.trim());
  const unit = m ? RATE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) return undefined;
  const bits = Math.round(Number(m[1]) * unit);
  return bits >= 8000 ? bits : undefined;
}

/**
 * Two faults on one service at once would undo each other (an unpause of a stopped
 * container, a rule removed under another fault): refused, using the widest the
 * windows allow, so that no seed can make them meet.
 */
function checkOverlaps(entries: { fault: FaultDefinition; index: number }[], ctx: ChaosContext, fail: Fail): void {
  const spans = entries.map((e) => ({ ...e, spans: spansOf(e.fault) }));
  for (let i = 0; i < spans.length; i++) {
    const a = spans[i]!;
    // A fault that repeats before it has ended meets itself.
    if (a.spans.some((s, r) => r > 0 && s[0] < a.spans[r - 1]![1])) {
      fail(`"${a.fault.name}" repeats before it has ended (every ${a.fault.repeat!.everyMs}ms, each taking up to ${a.spans[0]![1] - a.spans[0]![0]}ms of the window)`, ["chaos", "faults", a.index, "repeat"], "make repeat.every longer than the duration plus the start window");
    }
    for (let j = i + 1; j < spans.length; j++) {
      const b = spans[j]!;
      const shared = targetsOf(a.fault.action).filter((t) => targetsOf(b.fault.action).includes(t));
      if (shared.length === 0) continue;
      if (!a.spans.some(([a0, a1]) => b.spans.some(([b0, b1]) => a0 < b1 && b0 < a1))) continue;
      ctx.diagnostics.push(error(`"${b.fault.name}" can overlap "${a.fault.name}" on ${shared.join(" and ")}`, { location: b.fault.location, hint: `two faults on one service at once would undo each other; move one so that their windows cannot meet (the other is at line ${a.fault.location.line})` }));
    }
  }
}

/** Every moment a fault may occupy, per repetition: [earliest start, latest end) in ms; an instant fault takes 1 ms. */
export function spansOf(f: FaultDefinition): [number, number][] {
  const [lo, hi] = "atMs" in f.start ? [f.start.atMs, f.start.atMs] : f.start.betweenMs;
  const length = f.durationMs === null ? Infinity : Math.max(f.durationMs, 1);
  const count = f.repeat?.count ?? 1;
  return Array.from({ length: count }, (_, r) => [lo + r * (f.repeat?.everyMs ?? 0), hi + r * (f.repeat?.everyMs ?? 0) + length]);
}
