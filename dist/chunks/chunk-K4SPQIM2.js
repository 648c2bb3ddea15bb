#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  hostAndPort,
  reachableHost
} from "./chunk-YMOYOOXC.js";

// src/cli/format.ts
function seconds(ms) {
  return ms < 1e4 ? `${(ms / 1e3).toFixed(1)} s` : `${Math.round(ms / 1e3)} s`;
}
function endpointText(e) {
  return `${e.containerPort}/${e.protocol} -> ${hostAndPort(reachableHost(e.hostIp), e.hostPort)}`;
}
function table(rows, indent = "") {
  const widths = [];
  for (const row of rows) row.forEach((cell, i) => widths[i] = Math.max(widths[i] ?? 0, cell.length));
  return rows.map((row) => indent + row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

export {
  seconds,
  endpointText,
  table
};
