#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  planDiffCommand,
  runCommand,
  upCommand
} from "./chunk-QYDBB3RC.js";
import {
  describeCommand,
  plan,
  planCommand,
  validateCommand
} from "./chunk-LHTIS2SN.js";
import "./chunk-K4SPQIM2.js";
import "./chunk-XVOVKOVD.js";
import "./chunk-BUFHHKZP.js";
import "./chunk-2NQ2TY7A.js";
import "./chunk-AF45ALV4.js";
import "./chunk-EPXBT6ZG.js";
import "./chunk-GMD6ZPTA.js";
import "./chunk-6CJPBSLS.js";
import "./chunk-MWVYT2RV.js";
import "./chunk-OJWCZQZI.js";
import "./chunk-JKQNFZNE.js";
import "./chunk-DWDKV2LS.js";
import "./chunk-47MIETJC.js";
import "./chunk-VDOGPAC4.js";
import "./chunk-YMOYOOXC.js";
import "./chunk-MABPSUXQ.js";
import "./chunk-RCFCKQT6.js";
export {
  describeCommand,
  plan,
  planCommand,
  planDiffCommand,
  runCommand,
  upCommand,
  validateCommand
};
