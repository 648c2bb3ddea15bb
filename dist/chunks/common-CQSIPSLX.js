#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  CliError,
  EXIT,
  backendFor,
  explain
} from "./chunk-DWDKV2LS.js";
import "./chunk-47MIETJC.js";
import "./chunk-VDOGPAC4.js";
import "./chunk-YMOYOOXC.js";
import "./chunk-MABPSUXQ.js";
import "./chunk-RCFCKQT6.js";
export {
  CliError,
  EXIT,
  backendFor,
  explain
};
