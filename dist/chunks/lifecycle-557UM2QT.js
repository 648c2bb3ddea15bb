#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
const __filename = __prenvFileURLToPath(import.meta.url);
const __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  gc,
  gcCandidates,
  parseAge
} from "./chunk-WTSEXYCQ.js";
import "./chunk-LMTFRDG6.js";
export {
  gc,
  gcCandidates,
  parseAge
};
