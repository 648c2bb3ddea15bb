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
} from "./chunk-VHLTX6AQ.js";
import "./chunk-4KMUVMW5.js";
import "./chunk-2NQ2TY7A.js";
import "./chunk-LKF5Q4JS.js";
import "./chunk-LO6M6TEG.js";
import "./chunk-OV4QANFI.js";
import "./chunk-5YABQATR.js";
import "./chunk-CS6PBTZI.js";
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
