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
  load,
  plan,
  planCommand,
  planOf,
  validateCommand
};
