#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));

// src/util/shell.ts
function shellQuote(word) {
  if (word !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  if (/[\u0000-\u001f\u007f]/.test(word)) {
    const escaped = [...word].map((c) => {
      if (c === "\\") return "\\\\";
      if (c === "'") return "\\'";
      if (c === "\n") return "\\n";
      if (c === "	") return "\\t";
      if (c === "\r") return "\\r";
      const code = c.codePointAt(0);
      return code < 32 || code === 127 ? `\\x${code.toString(16).padStart(2, "0")}` : c;
    }).join("");
    return `$'${escaped}'`;
  }
  return `'${word.replace(/'/g, "'\\''")}'`;
}

export {
  shellQuote
};
