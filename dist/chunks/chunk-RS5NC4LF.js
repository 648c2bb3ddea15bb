#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));

// src/chaos/model.ts
var LIFECYCLE_FAULTS = ["kill", "stop", "restart", "pause"];
var NETWORK_FAULTS = ["partition", "loss", "bandwidth", "latency"];
var FAULT_KINDS = [...LIFECYCLE_FAULTS, ...NETWORK_FAULTS];
var INSTANT_FAULTS = ["kill", "restart"];
function targetsOf(action) {
  return action.kind === "partition" ? [action.target, action.peer] : [action.target];
}
function describeAction(action) {
  switch (action.kind) {
    case "kill":
      return `kill ${action.target} (${action.signal})`;
    case "partition":
      return `partition ${action.target} \u2194 ${action.peer}`;
    case "loss":
      return `loss ${action.percent}% at ${action.target}`;
    case "bandwidth":
      return `bandwidth ${formatRate(action.bitsPerSecond)} from ${action.target}`;
    case "latency":
      return `latency +${action.delayMs}ms${action.jitterMs ? ` \xB1${action.jitterMs}ms` : ""} at ${action.target}`;
    default:
      return `${action.kind} ${action.target}`;
  }
}
function formatRate(bits) {
  if (bits >= 1e9 && bits % 1e9 === 0) return `${bits / 1e9}gbit`;
  if (bits >= 1e6 && bits % 1e6 === 0) return `${bits / 1e6}mbit`;
  if (bits >= 1e3 && bits % 1e3 === 0) return `${bits / 1e3}kbit`;
  return `${bits}bit`;
}

// src/chaos/timeline.ts
function chaosNeeds(chaos) {
  const needs = [];
  for (const f of chaos?.faults ?? []) {
    if (f.action.kind === "pause") needs.push({ capability: "pause", because: `pause ${f.action.target} (fault "${f.name}")`, location: f.location });
    else if (f.action.kind === "partition" || f.action.kind === "loss" || f.action.kind === "bandwidth" || f.action.kind === "latency") {
      needs.push({ capability: "networkFaults", because: `${describeAction(f.action)} (fault "${f.name}"; a network fault)`, location: f.location });
    }
  }
  return needs;
}
function plannedTimeline(faults) {
  return faults.map((f) => ({ ...f, applied: "not reached", undo: "not applied" }));
}
function chaosProblems(record) {
  const out = [];
  for (const f of record?.timeline ?? []) {
    if (f.applied === "failed") out.push(`fault "${f.name}" (${f.id}) could not be applied: ${f.error ?? "no reason given"}`);
    if (f.undo === "failed") out.push(`fault "${f.name}" (${f.id}) could not be undone: ${f.undoDetail ?? "no reason given"}; \`prenv gc\` tries again`);
  }
  return out;
}
function at(ms) {
  return `${(ms / 1e3).toFixed(1)} s`;
}
function endOf(f) {
  if (f.undoneAtMs !== void 0 && f.applied === "applied") return f.undoneAtMs;
  if (f.durationMs === null || f.durationMs === 0) return void 0;
  return (f.actualStartMs ?? f.plannedStartMs) + f.durationMs;
}
function faultPhrase(f) {
  const start = f.actualStartMs ?? f.plannedStartMs;
  const end = endOf(f);
  const span = end === void 0 ? `from ${at(start)}` : `${(start / 1e3).toFixed(1)}\u2013${at(end)}`;
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
        return `${a.target} \u21F8 ${a.peer} partitioned ${span}`;
      case "loss":
        return `${a.target} dropping ${a.percent}% ${span}`;
      case "bandwidth":
        return `${a.target} capped at ${formatRate(a.bitsPerSecond)} ${span}`;
      case "latency":
        return `${a.target} +${a.delayMs} ms${a.jitterMs ? ` \xB1${a.jitterMs} ms` : ""} ${span}`;
    }
  })();
  if (f.applied === "failed") return `${what} \u2014 not applied`;
  if (f.applied === "not reached") return `${what} \u2014 not reached`;
  if (f.undo === "failed") return `${what} \u2014 undo failed`;
  return what;
}
function faultsLine(record) {
  return `Faults: ${record.timeline.length ? record.timeline.map(faultPhrase).join(" \xB7 ") : "none scheduled"} (seed ${record.seed})`;
}
function timelineRows(record) {
  const rows = [["fault", "planned", "actual", "duration", "how", "undo"]];
  for (const f of record.timeline) {
    const end = endOf(f);
    const lasted = f.durationMs === 0 ? "instant" : f.applied === "applied" && f.actualStartMs !== void 0 && end !== void 0 ? at(end - f.actualStartMs) : f.durationMs === null ? "until the end" : at(f.durationMs);
    const how = f.applied === "applied" ? f.how ?? "" : f.applied === "failed" ? `not applied: ${f.error ?? ""}` : "not reached";
    const undo = f.undo === "failed" ? `FAILED: ${f.undoDetail ?? ""}` : f.undo === "not applied" ? "\u2014" : f.undoDetail ?? f.undo;
    rows.push([`${f.name}`, at(f.plannedStartMs), f.actualStartMs === void 0 ? "\u2014" : at(f.actualStartMs), lasted, how, undo]);
  }
  return rows;
}

export {
  NETWORK_FAULTS,
  FAULT_KINDS,
  INSTANT_FAULTS,
  targetsOf,
  chaosNeeds,
  plannedTimeline,
  chaosProblems,
  at,
  faultsLine,
  timelineRows
};
