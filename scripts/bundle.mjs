// The one way dist/ is made. ESM with code splitting, so that each command loads only
// what it needs and `prenv --version` starts fast.
import { build } from "esbuild";
import { rm } from "node:fs/promises";

await rm(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: "src/cli/index.ts" },
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
      "const __filename = __prenvFileURLToPath(import.meta.url);",
      "const __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));",
    ].join("\n"),
  },
  logLevel: "warning",
});
