#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));

// src/cli/index.ts
import { enableCompileCache } from "node:module";
import { homedir } from "node:os";
import { join } from "node:path";
function compileCache() {
  try {
    if (process.env.NODE_COMPILE_CACHE) return;
    const base = process.env.XDG_CACHE_HOME?.startsWith("/") ? process.env.XDG_CACHE_HOME : join(homedir(), ".cache");
    enableCompileCache(join(base, "prenv", "node-compile-cache"));
  } catch {
  }
}
compileCache();
var { main } = await import("./chunks/main-OZJO7EM4.js");
main(process.argv.slice(2)).then((code) => process.exit(code));
