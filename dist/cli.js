#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));

// src/cli/index.ts
import * as nodeModule from "node:module";
import { homedir } from "node:os";
import { join } from "node:path";
var NODE_MAJOR = 24;
var major = Number(process.versions.node.split(".")[0]);
if (!(major >= NODE_MAJOR)) {
  process.stderr.write(`prenv: needs Node ${NODE_MAJOR} or newer; this is Node ${process.versions.node} (${process.execPath})
  hint: install Node ${NODE_MAJOR} (nodejs.org, or your version manager: nvm install ${NODE_MAJOR}) and run prenv with it
`);
  process.exit(3);
}
function compileCache() {
  try {
    if (process.env.NODE_COMPILE_CACHE) return;
    const base = process.env.XDG_CACHE_HOME?.startsWith("/") ? process.env.XDG_CACHE_HOME : join(homedir(), ".cache");
    nodeModule.enableCompileCache?.(join(base, "prenv", "node-compile-cache"));
  } catch {
  }
}
compileCache();
var { main } = await import("./chunks/main-IQCRL7PB.js");
main(process.argv.slice(2)).then((code) => process.exit(code));
