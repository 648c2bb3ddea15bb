import { lstat, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { CONFIG_MAP_LIMIT, type BindContent } from "./manifests.ts";

/**
 * Reads what services bind-mount from this machine, for ConfigMaps. Stops reading a
 * folder once it is past the ConfigMap limit: the manifest then refuses it with its size,
 * without holding a large tree in memory.
 */
export async function readBinds(paths: Iterable<string>): Promise<Map<string, BindContent>> {
  const out = new Map<string, BindContent>();
  for (const path of new Set(paths)) out.set(path, await readBind(path));
  return out;
}

async function readBind(path: string): Promise<BindContent> {
  const info = await stat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return undefined;
    throw e;
  });
  if (!info) return { kind: "missing" };
  if (info.isFile()) return info.size > CONFIG_MAP_LIMIT ? { kind: "file", data: Buffer.alloc(0), mode: info.mode, bytes: info.size } : { kind: "file", data: await readFile(path), mode: info.mode };
  if (!info.isDirectory()) return { kind: "other", what: info.isSocket() ? "a socket" : info.isFIFO() ? "a named pipe" : "a device" };
  const files: { path: string; data: Buffer; mode: number }[] = [];
  let size = 0;
  const walk = async (rel: string): Promise<void> => {
    for (const entry of (await readdir(join(path, rel), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      if (size > CONFIG_MAP_LIMIT) return;
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      const abs = join(path, relPath);
      // A link is followed, as Docker's bind mount shows its target.
      const entryInfo = entry.isSymbolicLink() ? await stat(abs).catch(() => undefined) : await lstat(abs);
      if (!entryInfo) continue;
      if (entryInfo.isDirectory()) await walk(relPath);
      else if (entryInfo.isFile()) {
        size += entryInfo.size + relPath.length;
        if (size <= CONFIG_MAP_LIMIT) files.push({ path: relPath, data: await readFile(abs), mode: entryInfo.mode });
      }
    }
  };
  await walk("");
  return { kind: "directory", files, bytes: size };
}
