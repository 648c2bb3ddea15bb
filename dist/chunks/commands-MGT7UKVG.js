#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  describeCommand,
  plan,
  planCommand,
  runCommand,
  upCommand,
  validateCommand
} from "./chunk-6LO5LYXM.js";
import "./chunk-YBDPQC3Z.js";
import "./chunk-EKGDMGOZ.js";
import "./chunk-WLV2XQYT.js";
import "./chunk-DUOZZAJH.js";
import "./chunk-EENI3MAR.js";
import "./chunk-XLMULIZS.js";
import "./chunk-SHQCEGIZ.js";
import "./chunk-RPZPQTZB.js";
import "./chunk-2NQ2TY7A.js";
import "./chunk-DNIQM2FX.js";
import "./chunk-GBOO6XMD.js";
import "./chunk-RCFCKQT6.js";
export {
  describeCommand,
  plan,
  planCommand,
  runCommand,
  upCommand,
  validateCommand
};
