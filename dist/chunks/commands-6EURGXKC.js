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
  planDiffCommand,
  runCommand,
  upCommand,
  validateCommand
} from "./chunk-5SV5HLNE.js";
import "./chunk-LYIUSFA2.js";
import "./chunk-2NQ2TY7A.js";
import "./chunk-RS5NC4LF.js";
import "./chunk-757RTUWR.js";
import "./chunk-UHC222H2.js";
import "./chunk-PIQVZFFE.js";
import "./chunk-4KSUVC4P.js";
import "./chunk-K3GAFYTF.js";
import "./chunk-DNIQM2FX.js";
import "./chunk-GBOO6XMD.js";
import "./chunk-VDOGPAC4.js";
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
