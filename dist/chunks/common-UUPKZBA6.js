#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
const __filename = __prenvFileURLToPath(import.meta.url);
const __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  CliError,
  EXIT,
  backendFor,
  explain
} from "./chunk-TCBG7P4L.js";
import "./chunk-U6YRXODP.js";
import "./chunk-FQKATZBG.js";
import "./chunk-MFNAOXLQ.js";
import "./chunk-4VAHO4CZ.js";
import "./chunk-LMTFRDG6.js";
export {
  CliError,
  EXIT,
  backendFor,
  explain
};
