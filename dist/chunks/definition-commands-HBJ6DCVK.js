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
} from "./chunk-JFGDCXII.js";
import "./chunk-3QBYUNVS.js";
import "./chunk-PVRM7DH2.js";
import "./chunk-RS5NC4LF.js";
import "./chunk-YVBTURMF.js";
import "./chunk-GVE7JOYI.js";
import "./chunk-TNIKCLSZ.js";
import "./chunk-BLNGPHK7.js";
import "./chunk-VDOGPAC4.js";
import "./chunk-CR5EPEQD.js";
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
