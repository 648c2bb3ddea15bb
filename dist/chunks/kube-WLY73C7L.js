#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  apiMessage,
  apiStatus,
  clientsOf,
  isConflict,
  isNotFound,
  loadKubeConfig,
  unlessMissing,
  waitForServiceAccount
} from "./chunk-5ZTWRNIR.js";
import "./chunk-QU57RLHN.js";
import "./chunk-JKQNFZNE.js";
import "./chunk-ZBLBRRGQ.js";
import "./chunk-GBOO6XMD.js";
import "./chunk-MABPSUXQ.js";
import "./chunk-RCFCKQT6.js";
export {
  apiMessage,
  apiStatus,
  clientsOf,
  isConflict,
  isNotFound,
  loadKubeConfig,
  unlessMissing,
  waitForServiceAccount
};
