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
} from "./chunk-RKABY2HP.js";
import "./chunk-XKYKRIHK.js";
import "./chunk-DNIQM2FX.js";
import "./chunk-GBOO6XMD.js";
import "./chunk-YVBTURMF.js";
import "./chunk-6W22FEC6.js";
import {
  RuntimeUnavailableError
} from "./chunk-F64T6ZCA.js";
import "./chunk-OJWCZQZI.js";
import "./chunk-RCFCKQT6.js";
export {
  BackendSelectionError,
  RuntimeUnavailableError,
  backendKind,
  selectBackend
};
