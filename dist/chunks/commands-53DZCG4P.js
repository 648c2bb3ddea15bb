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
} from "./chunk-LIZJ4BE3.js";
import "./chunk-ASKR7ARB.js";
import "./chunk-2NQ2TY7A.js";
import "./chunk-EPXBT6ZG.js";
import {
  describeCommand,
  plan,
  planCommand,
  validateCommand
} from "./chunk-3NW4NRHV.js";
import "./chunk-B2BVDGRS.js";
import "./chunk-EC6JDUAO.js";
import "./chunk-RS5NC4LF.js";
import "./chunk-YVBTURMF.js";
import "./chunk-Z2UJLG36.js";
import "./chunk-PLA5FJ75.js";
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
