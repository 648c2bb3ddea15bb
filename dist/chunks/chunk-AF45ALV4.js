#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  NETWORK_FAULTS,
  describeAction,
  formatRate
} from "./chunk-MWVYT2RV.js";

// src/chaos/timeline.ts
function chaosNeeds(chaos) {
  const needs = [];
  for (const f of chaos?.faults ?? []) {
    const { kind } = f.action;
    if (kind === "pause") needs.push({ capability: "pause", kind, because: `pause ${f.action.target} (fault "${f.name}")`, location: f.location });
    else if (NETWORK_FAULTS.includes(kind)) needs.push({ capability: "networkFaults", kind, because: `${describeAction(f.action)} (fault "${f.name}"; a network fault)`, location: f.location });
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
  chaosNeeds,
  plannedTimeline,
  chaosProblems,
  at,
  faultsLine,
  timelineRows
};
