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
} from "./chunk-FVQ2ZJDF.js";
import "./chunk-USJ3VLQW.js";
import "./chunk-2NQ2TY7A.js";
import "./chunk-EPXBT6ZG.js";
import {
  describeCommand,
  plan,
  planCommand,
  validateCommand
} from "./chunk-W7TDVQYY.js";
import "./chunk-ZGLWUU64.js";
import "./chunk-EFY2DSGS.js";
import "./chunk-RS5NC4LF.js";
import "./chunk-YVBTURMF.js";
import "./chunk-6W22FEC6.js";
import "./chunk-UFMZWYTD.js";
import "./chunk-FWIITCNI.js";
import "./chunk-VDOGPAC4.js";
import "./chunk-F64T6ZCA.js";
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
