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
} from "./chunk-U3FHFE5D.js";
import "./chunk-EHLTTD25.js";
import "./chunk-2NQ2TY7A.js";
import "./chunk-UHC222H2.js";
import {
  describeCommand,
  plan,
  planCommand,
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
  plan,
  planCommand,
  planDiffCommand,
  runCommand,
  upCommand,
  validateCommand
};
