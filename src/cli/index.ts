// A namespace import: a named one of an export an older Node lacks fails before any line
// here runs (a SyntaxError about enableCompileCache), instead of the message below.
import * as nodeModule from "node:module";
import { homedir } from "node:os";
import { join } from "node:path";

/** The oldest Node prenv runs on (package.json's engines). */
const NODE_MAJOR = 24;
const major = Number(process.versions.node.split(".")[0]);
if (!(major >= NODE_MAJOR)) {
  process.stderr.write(`prenv: needs Node ${NODE_MAJOR} or newer; this is Node ${process.versions.node} (${process.execPath})\n  hint: install Node ${NODE_MAJOR} (nodejs.org, or your version manager: nvm install ${NODE_MAJOR}) and run prenv with it\n`);
  process.exit(3);
}

/**
 * Node's module compile cache: V8's compiled code of prenv's chunks is kept on disk, so
 * that later starts do not compile the same megabyte of JavaScript again (about a third of
 * `prenv plan`'s time without it). The directory is the user's own cache folder, not the
 * shared temporary one, where another user could plant entries. Best effort: a folder that
 * cannot be created or written, NODE_DISABLE_COMPILE_CACHE, or an older Node, leave prenv
 * running without it. NODE_COMPILE_CACHE, when set, has already enabled it in its folder.
 */
function compileCache(): void {
  try {
    if (process.env.NODE_COMPILE_CACHE) return;
    const base = process.env.XDG_CACHE_HOME?.startsWith("/") ? process.env.XDG_CACHE_HOME : join(homedir(), ".cache");
    // FAILED (say, a read-only home) is reported in the result, not thrown: nothing to do then.
    nodeModule.enableCompileCache?.(join(base, "prenv", "node-compile-cache"));
  } catch {
    // Not available on this Node, or homedir() failed: start without the cache.
  }
}

compileCache();
// Imported after the cache is on, so that the cache covers it and everything it loads.
const { main } = await import("./main.ts");
// Exit explicitly: idle sockets to the engine would otherwise keep Node alive.
main(process.argv.slice(2)).then((code) => process.exit(code));
