#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  BackendSelectionError,
  backendKind,
  selectBackend
} from "./chunk-DG2R6HLO.js";
import "./chunk-FSKEUYUO.js";
import "./chunk-MWVYT2RV.js";
import "./chunk-L4U7CVWH.js";
import "./chunk-OJWCZQZI.js";
import "./chunk-QU57RLHN.js";
import "./chunk-JKQNFZNE.js";
import "./chunk-ZBLBRRGQ.js";
import "./chunk-GBOO6XMD.js";
import "./chunk-YMOYOOXC.js";
import {
  RuntimeUnavailableError
} from "./chunk-MABPSUXQ.js";
import "./chunk-RCFCKQT6.js";
export {
  BackendSelectionError,
  RuntimeUnavailableError,
  backendKind,
  selectBackend
};
