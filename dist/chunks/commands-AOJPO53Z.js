#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
const __filename = __prenvFileURLToPath(import.meta.url);
const __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  describeCommand,
  plan,
  planCommand,
  runCommand,
  upCommand,
  validateCommand
} from "./chunk-KGBV5VUR.js";
import "./chunk-CNFRZ4YZ.js";
import "./chunk-5V6OOJVB.js";
import "./chunk-GOV6TOGU.js";
import "./chunk-H3R4MDGE.js";
import "./chunk-2XE2BT4G.js";
import "./chunk-TANACFNT.js";
import "./chunk-6POKPHH2.js";
import "./chunk-MFNAOXLQ.js";
import "./chunk-E4WOXC7Y.js";
import "./chunk-4VAHO4CZ.js";
import "./chunk-LMTFRDG6.js";
export {
  describeCommand,
  plan,
  planCommand,
  runCommand,
  upCommand,
  validateCommand
};
