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
} from "./chunk-AUCI47FA.js";
import "./chunk-MCL36LFW.js";
import "./chunk-2NQ2TY7A.js";
import "./chunk-YODFMPFG.js";
import "./chunk-DUOZZAJH.js";
import "./chunk-OFTS3Z2C.js";
import "./chunk-JNSH3V54.js";
import "./chunk-5CWNZULP.js";
import "./chunk-DNIQM2FX.js";
import "./chunk-GBOO6XMD.js";
import "./chunk-VDOGPAC4.js";
import "./chunk-OJWCZQZI.js";
import "./chunk-RCFCKQT6.js";
export {
  describeCommand,
  plan,
  planCommand,
  runCommand,
  upCommand,
  validateCommand
};
