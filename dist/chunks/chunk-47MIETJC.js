#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));

// src/engine/errors.ts
var BootError = class extends Error {
  failure;
  removed;
  constructor(failure, removed) {
    super(failure.message, { cause: failure });
    this.name = "BootError";
    this.failure = failure;
    this.removed = removed;
  }
};
var PreflightError = class extends Error {
  hint;
  service;
  constructor(message, hint, service) {
    super(message);
    this.name = "PreflightError";
    this.hint = hint;
    this.service = service;
  }
};

export {
  BootError,
  PreflightError
};
