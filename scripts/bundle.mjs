// The one way dist/ is made. ESM with code splitting, so that each command loads only
// what it needs and `prenv --version` starts fast.
import { build } from "esbuild";
import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";

/**
 * dockerode loads gRPC and protobuf (for BuildKit sessions, which prenv does not use) and
 * docker-modem loads ssh2 (for ssh:// Docker hosts) as soon as they are required: well
 * over 100 ms at every start, just to compile them. They stay out of the bundle, and the
 * requires become proxies that load the real module from node_modules on first use, as
 * an npm installation of prenv has it. Where it is absent (the Action's dist/ alone),
 * using an ssh:// host says so instead of failing at start-up. commander requires
 * node:child_process at load for executable subcommands, which prenv has none of: it
 * loads net and dgram with it, 3-4 ms of every start; deferred the same way.
 */
const LAZY = { "@grpc/grpc-js": "dockerode", "@grpc/proto-loader": "dockerode", ssh2: "docker-modem", "node:child_process": "commander" };
const lazyRequires = {
  name: "lazy-requires",
  setup(build) {
    build.onResolve({ filter: /^(@grpc\/grpc-js|@grpc\/proto-loader|ssh2|node:child_process)$/ }, (args) => {
      if (args.namespace === "lazy") return { path: args.path, external: true };
      if (!args.importer.includes(`/node_modules/${LAZY[args.path]}/`)) return undefined;
      return { path: args.path, namespace: "lazy" };
    });
    build.onLoad({ filter: /.*/, namespace: "lazy" }, (args) => ({
      contents: [
        "let real;",
        "const load = () => {",
        "  if (real) return real;",
        `  try { real = require(${JSON.stringify(args.path)}); } catch (cause) {`,
        `    throw new Error(${JSON.stringify(`prenv: the module ${args.path} is needed for this (ssh:// Docker hosts or BuildKit sessions) but is not installed; install prenv from npm`)}, { cause });`,
        "  }",
        "  return real;",
        "};",
        // `require('ssh2').Client` runs at load time: members are deferred too, until called or constructed.
        "const member = (key) => new Proxy(function () {}, { apply: (_, self, args) => load()[key].apply(self, args), construct: (_, args) => new (load()[key])(...args), get: (_, k) => load()[key][k] });",
        "module.exports = new Proxy({}, { get: (_, key) => (real ? real[key] : member(key)), has: (_, key) => key in load() });",
      ].join("\n"),
      loader: "js",
    }));
  },
};

/**
 * zod's `z` namespace re-exports all of its ~50 locales (`z.locales`, `z.core.locales`): 357 kB of the 733 kB
 * of zod in the bundle, parsed and compiled at every start of the commands that read a
 * definition. prenv uses none but English, which zod registers itself (classic/schemas.js
 * imports locales/en.js directly), so both keep only `en`.
 */
const englishOnly = {
  name: "zod-english-only",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/\/node_modules\/zod\/v4\/(classic\/external|core\/index)\.js$/.test(args.importer)) return undefined;
      // A fixed name: esbuild writes a module's path into the bundle, which must not depend on where the checkout is.
      return { path: "en-only", namespace: "zod-locales", pluginData: { dir: join(dirname(args.importer), "../locales") } };
    });
    build.onLoad({ filter: /.*/, namespace: "zod-locales" }, (args) => ({ contents: `export { default as en } from "./en.js";`, loader: "js", resolveDir: args.pluginData.dir }));
  },
};

await rm(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  // cli: the prenv command; main and post: the GitHub Action's two steps (action.yml).
  entryPoints: { cli: "src/cli/index.ts", main: "src/action/main-entry.ts", post: "src/action/post-entry.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node24",
  sourcemap: false,
  legalComments: "none",
  chunkNames: "chunks/[name]-[hash]",
  // Native add-ons that ssh2 (dockerode's SSH transport) loads only when present.
  external: ["cpu-features", "*.node"],
  banner: {
    js: [
      "#!/usr/bin/env node",
      "import { createRequire as __prenvCreateRequire } from 'node:module';",
      "import { fileURLToPath as __prenvFileURLToPath } from 'node:url';",
      "const require = __prenvCreateRequire(import.meta.url);",
      // var, not const: a bundled ES module may declare its own top-level `var __filename`
      // (@azure/storage-common's crc64.js, under @actions/artifact and @actions/cache), and
      // a const here made every chunk holding it fail to load with a SyntaxError.
      "var __filename = __prenvFileURLToPath(import.meta.url);",
      "var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));",
    ].join("\n"),
  },
  plugins: [lazyRequires, englishOnly],
  logLevel: "warning",
});
