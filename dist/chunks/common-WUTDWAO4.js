#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
const __filename = __prenvFileURLToPath(import.meta.url);
const __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  CliError,
  EXIT,
  backendFor,
  explain
} from "./chunk-POIWD5EC.js";
import "./chunk-J6YGMJTN.js";
export {
  CliError,
  EXIT,
  backendFor,
  explain
};
