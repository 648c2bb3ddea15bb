#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));

// src/util/async.ts
function withTimeout(work, timeoutMs, signal) {
  return new Promise((resolve, reject) => {
    const timer = timeoutMs !== void 0 ? setTimeout(() => reject(new Error(`timed out after ${Math.round(timeoutMs / 1e3)} s`)), timeoutMs) : void 0;
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error("interrupted"));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    });
  });
}
function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export {
  withTimeout,
  sleep
};
