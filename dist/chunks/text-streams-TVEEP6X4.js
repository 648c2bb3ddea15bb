#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  REPORT_TAIL,
  TextTail,
  Utf8Chunker,
  formatBytes,
  mergeInto,
  writeText
} from "./chunk-OJWCZQZI.js";
import "./chunk-RCFCKQT6.js";
export {
  REPORT_TAIL,
  TextTail,
  Utf8Chunker,
  formatBytes,
  mergeInto,
  writeText
};
