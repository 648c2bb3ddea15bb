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
} from "./chunk-DDZO3NS5.js";
import "./chunk-3UIYVD2O.js";
import "./chunk-EKGDMGOZ.js";
import "./chunk-EVSNKVAU.js";
import "./chunk-DUOZZAJH.js";
import "./chunk-3ONZICGZ.js";
import "./chunk-KZ7COZWS.js";
import "./chunk-HYWR3VJW.js";
import "./chunk-RPZPQTZB.js";
import "./chunk-2NQ2TY7A.js";
import "./chunk-DNIQM2FX.js";
import "./chunk-GBOO6XMD.js";
import "./chunk-RCFCKQT6.js";
export {
  describeCommand,
  plan,
  planCommand,
  runCommand,
  upCommand,
  validateCommand
};
