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
} from "./chunk-2XE2BT4G.js";
import "./chunk-TANACFNT.js";
import "./chunk-6POKPHH2.js";
import "./chunk-MFNAOXLQ.js";
import "./chunk-4VAHO4CZ.js";
import "./chunk-LMTFRDG6.js";
export {
  CliError,
  EXIT,
  backendFor,
  explain
};
