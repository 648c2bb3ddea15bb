import type { Endpoint } from "../backends/backend.ts";
import { hostAndPort, reachableHost } from "../engine/endpoints.ts";

export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

export function endpointText(e: Endpoint): string {
  return `${e.containerPort}/${e.protocol} -> ${hostAndPort(reachableHost(e.hostIp), e.hostPort)}`;
}

/** Columns padded to their widest cell. */
export function table(rows: string[][], indent = ""): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd()).join("\n");
}
