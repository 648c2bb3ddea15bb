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
} from "./chunk-L7BTZRP6.js";
import "./chunk-CBYNDAT2.js";
import "./chunk-2NQ2TY7A.js";
import "./chunk-EPXBT6ZG.js";
import {
  describeCommand,
  plan,
  planCommand,
  validateCommand
} from "./chunk-DGSILT2V.js";
import "./chunk-B2BVDGRS.js";
import "./chunk-GHCTJ7W7.js";
import "./chunk-RS5NC4LF.js";
import "./chunk-YVBTURMF.js";
import "./chunk-RFFR2CHF.js";
import "./chunk-HYBEHI4O.js";
import "./chunk-44VAKYV5.js";
import "./chunk-VDOGPAC4.js";
import "./chunk-CXQJPUS5.js";
import "./chunk-OJWCZQZI.js";
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
