#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  describeCommand,
  load,
  plan,
  planCommand,
  planOf,
  validateCommand
} from "./chunk-LHTIS2SN.js";
import "./chunk-K4SPQIM2.js";
import "./chunk-BUFHHKZP.js";
import "./chunk-AF45ALV4.js";
import "./chunk-6CJPBSLS.js";
import "./chunk-MWVYT2RV.js";
import "./chunk-DWDKV2LS.js";
import "./chunk-47MIETJC.js";
import "./chunk-VDOGPAC4.js";
import "./chunk-YMOYOOXC.js";
import "./chunk-MABPSUXQ.js";
import "./chunk-RCFCKQT6.js";
export {
  describeCommand,
  load,
  plan,
  planCommand,
  planOf,
  validateCommand
};
