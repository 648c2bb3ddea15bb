#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  external_exports,
  require_dist
} from "./chunk-EKGDMGOZ.js";
import {
  BootError,
  Output,
  TEST_LOG_FILE,
  logTail,
  passText,
  saveLog,
  serviceLogFile,
  stepLogFile,
  up
} from "./chunk-XLMULIZS.js";
import {
  DefinitionError,
  ServiceError,
  endpointVariables,
  error,
  mergeInto,
  throwIfErrors,
  warning,
  withTimeout,
  writeText
} from "./chunk-SHQCEGIZ.js";
import {
  XMLParser,
  XMLValidator
} from "./chunk-2NQ2TY7A.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-RCFCKQT6.js";

// node_modules/fastest-levenshtein/mod.js
var require_mod = __commonJS({
  "node_modules/fastest-levenshtein/mod.js"(exports) {
    "use strict";
    exports.__esModule = true;
    exports.distance = exports.closest = void 0;
    var peq = new Uint32Array(65536);
    var myers_32 = function(a, b) {
      var n = a.length;
      var m = b.length;
      var lst = 1 << n - 1;
      var pv = -1;
      var mv = 0;
      var sc = n;
      var i = n;
      while (i--) {
        peq[a.charCodeAt(i)] |= 1 << i;
      }
      for (i = 0; i < m; i++) {
        var eq = peq[b.charCodeAt(i)];
        var xv = eq | mv;
        eq |= (eq & pv) + pv ^ pv;
        mv |= ~(eq | pv);
        pv &= eq;
        if (mv & lst) {
          sc++;
        }
        if (pv & lst) {
          sc--;
        }
        mv = mv << 1 | 1;
        pv = pv << 1 | ~(xv | mv);
        mv &= xv;
      }
      i = n;
      while (i--) {
        peq[a.charCodeAt(i)] = 0;
      }
      return sc;
    };
    var myers_x = function(b, a) {
      var n = a.length;
      var m = b.length;
      var mhc = [];
      var phc = [];
      var hsize = Math.ceil(n / 32);
      var vsize = Math.ceil(m / 32);
      for (var i = 0; i < hsize; i++) {
        phc[i] = -1;
        mhc[i] = 0;
      }
      var j = 0;
      for (; j < vsize - 1; j++) {
        var mv_1 = 0;
        var pv_1 = -1;
        var start_1 = j * 32;
        var vlen_1 = Math.min(32, m) + start_1;
        for (var k = start_1; k < vlen_1; k++) {
          peq[b.charCodeAt(k)] |= 1 << k;
        }
        for (var i = 0; i < n; i++) {
          var eq = peq[a.charCodeAt(i)];
          var pb = phc[i / 32 | 0] >>> i & 1;
          var mb = mhc[i / 32 | 0] >>> i & 1;
          var xv = eq | mv_1;
          var xh = ((eq | mb) & pv_1) + pv_1 ^ pv_1 | eq | mb;
          var ph = mv_1 | ~(xh | pv_1);
          var mh = pv_1 & xh;
          if (ph >>> 31 ^ pb) {
            phc[i / 32 | 0] ^= 1 << i;
          }
          if (mh >>> 31 ^ mb) {
            mhc[i / 32 | 0] ^= 1 << i;
          }
          ph = ph << 1 | pb;
          mh = mh << 1 | mb;
          pv_1 = mh | ~(xv | ph);
          mv_1 = ph & xv;
        }
        for (var k = start_1; k < vlen_1; k++) {
          peq[b.charCodeAt(k)] = 0;
        }
      }
      var mv = 0;
      var pv = -1;
      var start = j * 32;
      var vlen = Math.min(32, m - start) + start;
      for (var k = start; k < vlen; k++) {
        peq[b.charCodeAt(k)] |= 1 << k;
      }
      var score = m;
      for (var i = 0; i < n; i++) {
        var eq = peq[a.charCodeAt(i)];
        var pb = phc[i / 32 | 0] >>> i & 1;
        var mb = mhc[i / 32 | 0] >>> i & 1;
        var xv = eq | mv;
        var xh = ((eq | mb) & pv) + pv ^ pv | eq | mb;
        var ph = mv | ~(xh | pv);
        var mh = pv & xh;
        score += ph >>> m - 1 & 1;
        score -= mh >>> m - 1 & 1;
        if (ph >>> 31 ^ pb) {
          phc[i / 32 | 0] ^= 1 << i;
        }
        if (mh >>> 31 ^ mb) {
          mhc[i / 32 | 0] ^= 1 << i;
        }
        ph = ph << 1 | pb;
        mh = mh << 1 | mb;
        pv = mh | ~(xv | ph);
        mv = ph & xv;
      }
      for (var k = start; k < vlen; k++) {
        peq[b.charCodeAt(k)] = 0;
      }
      return score;
    };
    var distance2 = function(a, b) {
      if (a.length < b.length) {
        var tmp = b;
        b = a;
        a = tmp;
      }
      if (b.length === 0) {
        return a.length;
      }
      if (a.length <= 32) {
        return myers_32(a, b);
      }
      return myers_x(a, b);
    };
    exports.distance = distance2;
    var closest = function(str, arr) {
      var min_distance = Infinity;
      var min_index = 0;
      for (var i = 0; i < arr.length; i++) {
        var dist = distance2(str, arr[i]);
        if (dist < min_distance) {
          min_distance = dist;
          min_index = i;
        }
      }
      return arr[min_index];
    };
    exports.closest = closest;
  }
});

// node_modules/dotenv/dist/index.cjs
var require_dist2 = __commonJS({
  "node_modules/dotenv/dist/index.cjs"(exports, module) {
    var j = (e, n) => () => {
      try {
        return n || e((n = { exports: {} }).exports, n), n.exports;
      } catch (t) {
        throw n = 0, t;
      }
    };
    var R = j((Z, N) => {
      function T(e) {
        return typeof e == "string" ? !["false", "0", "no", "off", ""].includes(e.toLowerCase()) : !!e;
      }
      function U(e = process.env) {
        let n = {};
        for (let t of ["ENCODING", "PATH", "QUIET", "DEBUG", "OVERRIDE", "FAST"]) {
          let r = e[`DOTENV_${t}`] != null ? e[`DOTENV_${t}`] : e[`DOTENV_CONFIG_${t}`];
          r != null && (n[t.toLowerCase()] = t === "ENCODING" || t === "PATH" ? r : T(r));
        }
        return n;
      }
      N.exports = { parseBoolean: T, optionsFromEnv: U };
    });
    var P = j((ee, b) => {
      var F = __require("fs"), _ = __require("path"), B = __require("os"), { URL: L, fileURLToPath: Q } = __require("url"), { parseBoolean: $, optionsFromEnv: I } = R(), G = /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/mg, y = new Uint8Array(256);
      for (let e = 48; e <= 57; e++) y[e] = 1;
      for (let e = 65; e <= 90; e++) y[e] = 1;
      for (let e = 97; e <= 122; e++) y[e] = 1;
      y[45] = 1;
      y[46] = 1;
      y[95] = 1;
      function H(e) {
        let n = {}, t = e.toString();
        t = t.replace(/\r\n?/mg, `
`);
        let r;
        for (; (r = G.exec(t)) != null; ) {
          let o = r[1], i = r[2] || "";
          i = i.trim();
          let c = i[0];
          i = i.replace(/^(['"`])([\s\S]*)\1$/mg, "$2"), c === '"' && (i = i.replace(/\\n/g, `
`), i = i.replace(/\\r/g, "\r")), n[o] = i;
        }
        return n;
      }
      function g(e) {
        return e <= 32 ? e === 32 || e >= 9 && e <= 13 : e >= 160 && (e === 160 || e === 5760 || e >= 8192 && e <= 8202 || e === 8232 || e === 8233 || e === 8239 || e === 8287 || e === 12288 || e === 65279);
      }
      function O(e) {
        return e === 10 || e === 8232 || e === 8233;
      }
      function V(e) {
        let n = {}, t = typeof e == "string" ? e : e.toString();
        t.indexOf("\r") !== -1 && (t = t.replace(/\r\n?/g, `
`));
        let r = t.length, o = 0;
        for (; o < r; ) {
          let i = t.charCodeAt(o);
          for (; o < r && g(i); ) o++, i = t.charCodeAt(o);
          if (o >= r) break;
          if (i === 35) {
            for (; o < r && !O(t.charCodeAt(o)); ) o++;
            continue;
          }
          let c = -1;
          if (i === 101 && o + 6 < r && t.charCodeAt(o + 1) === 120 && t.charCodeAt(o + 2) === 112 && t.charCodeAt(o + 3) === 111 && t.charCodeAt(o + 4) === 114 && t.charCodeAt(o + 5) === 116) {
            let u = t.charCodeAt(o + 6);
            if (g(u)) {
              let s = o + 7;
              for (; s < r && g(t.charCodeAt(s)); ) s++;
              y[t.charCodeAt(s)] && (c = o + 6, o = s);
            } else i = t.charCodeAt(o);
          }
          let E = o, p = 0;
          for (; o < r && (p = t.charCodeAt(o), y[p]); ) o++;
          if (o === E) {
            for (; o < r && !O(t.charCodeAt(o)); ) o++;
            continue;
          }
          let k = t.slice(E, o), D = o;
          if (o >= r && (p = 0), g(p)) do
            o++, p = o < r ? t.charCodeAt(o) : 0;
          while (g(p));
          if (p === 61) o++;
          else if (p === 58 && o === D && o + 1 < r && g(t.charCodeAt(o + 1))) o += 2;
          else {
            for (o = c === -1 ? D : c; o < r && !O(t.charCodeAt(o)); ) o++;
            continue;
          }
          let d = o, l = o;
          for (; l < r && g(t.charCodeAt(l)); ) l++;
          let C = t.charCodeAt(l), a, q = false;
          if (C === 39 || C === 34 || C === 96) {
            let u = t[l], s = t.indexOf(u, l + 1), f = -1, h = -1;
            for (; s !== -1; ) {
              let x = t.charCodeAt(s - 1) === 92, w = s + 1;
              for (; w < r && !O(t.charCodeAt(w)) && g(t.charCodeAt(w)); ) w++;
              if ((w === r || O(t.charCodeAt(w)) || t.charCodeAt(w) === 35) && (f = s, h = w), !x) break;
              s = t.indexOf(u, s + 1);
            }
            if (f !== -1) {
              if (a = t.slice(l + 1, f), o = h, t.charCodeAt(o) === 35) for (; o < r && !O(t.charCodeAt(o)); ) o++;
              q = true;
            }
          }
          if (!q) {
            let u = t.indexOf(`
`, d);
            u === -1 && (u = r);
            let s;
            if (r < 4096) s = t.indexOf("#", d), (s === -1 || s > u) && (s = u);
            else for (s = d; s < u && t.charCodeAt(s) !== 35; ) s++;
            let f = d, h = s;
            for (; f < h && g(t.charCodeAt(f)); ) f++;
            for (; h > f && g(t.charCodeAt(h - 1)); ) h--;
            let x = t.charCodeAt(f);
            if (a = t.slice(f, h), a.includes("\u2028") || a.includes("\u2029") ? a = a.replace(/^(['"`])([\s\S]*)\1$/mg, "$2") : h - f >= 2 && (x === 39 || x === 34 || x === 96) && t.charCodeAt(h - 1) === x && (a = t.slice(f + 1, h - 1)), o = s, s < u) for (; o < r && !O(t.charCodeAt(o)); ) o++;
          }
          C === 34 && (q || l < o) && a.indexOf("\\") !== -1 && (a = a.replace(/\\n/g, `
`).replace(/\\r/g, "\r")), n[k] = a;
        }
        return n;
      }
      function J(e, n) {
        return n && $(n.fast) ? V(e) : H(e);
      }
      function v(e) {
        console.log(`\u2506 ${e}`);
      }
      function W(e) {
        console.error(`\u25C7 ${e}`);
      }
      function S(e) {
        return e[0] === "~" ? _.join(B.homedir(), e.slice(1)) : e;
      }
      function K(e = {}) {
        let n = { ...e };
        for (let t of Object.keys(n)) n[t] === void 0 && delete n[t];
        return { ...I(), ...n };
      }
      function M(e) {
        e = K(e);
        let n = _.resolve(process.cwd(), ".env"), t = "utf8", r = process.env;
        e && e.processEnv != null && (r = e.processEnv);
        let o = $(e && e.debug);
        e && e.encoding ? t = e.encoding : o && v("no encoding is specified (UTF-8 is used by default)");
        let i = [n];
        if (e && e.path) if (!Array.isArray(e.path)) i = [S(e.path)];
        else {
          i = [];
          for (let d of e.path) i.push(S(d));
        }
        let c, E = {}, p = { fast: e.fast };
        for (let d of i) try {
          let l = A.parse(F.readFileSync(d, { encoding: t }), p);
          A.populate(E, l, e);
        } catch (l) {
          o && v(`failed to load ${d} ${l.message}`), c = l;
        }
        let k = A.populate(r, E, e), D = $(Object.prototype.hasOwnProperty.call(e, "quiet") ? e.quiet : I(r).quiet);
        if (o || !D) {
          let d = Object.keys(k).length, l = [];
          for (let C of i) try {
            let a = _.relative(process.cwd(), C instanceof L ? Q(C) : C);
            l.push(a);
          } catch (a) {
            o && v(`failed to load ${C} ${a.message}`), c = a;
          }
          W(`injected env (${d}) from ${l.join(",")}`);
        }
        return c ? { parsed: E, error: c } : { parsed: E };
      }
      function Y(e) {
        return A.configDotenv(e);
      }
      function z(e, n, t = {}) {
        let r = $(t && t.debug), o = $(t && t.override), i = {};
        if (e === null || typeof e != "object" || n === null || typeof n != "object") {
          let c = new Error("OBJECT_REQUIRED: Please check the processEnv argument being passed to populate");
          throw c.code = "OBJECT_REQUIRED", c;
        }
        for (let c of Object.keys(n)) Object.prototype.hasOwnProperty.call(e, c) ? (o === true && (e[c] = n[c], i[c] = n[c]), r && v(o === true ? `"${c}" is already defined and WAS overwritten` : `"${c}" is already defined and was NOT overwritten`)) : (e[c] = n[c], i[c] = n[c]);
        return i;
      }
      var A = { configDotenv: M, config: Y, parse: J, populate: z };
      b.exports.configDotenv = A.configDotenv;
      b.exports.config = A.config;
      b.exports.parse = A.parse;
      b.exports.populate = A.populate;
      b.exports = A;
    });
    var m = P();
    module.exports = m;
    module.exports.config = m.config;
    module.exports.configDotenv = m.configDotenv;
    module.exports.parse = m.parse;
    module.exports.populate = m.populate;
  }
});

// src/util/text.ts
function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// src/secrets/redact.ts
import { Transform } from "node:stream";
var MASK = "***";
var MIN_SECRET_LENGTH = 3;
var Redactor = class {
  values = /* @__PURE__ */ new Set();
  pattern;
  forms = [];
  longest = 0;
  constructor(values = []) {
    this.add(values);
  }
  /** The secret values as given (not their derived forms), for the runner's own masking. */
  get secrets() {
    return [...this.values];
  }
  get active() {
    return this.pattern !== void 0;
  }
  add(values) {
    let changed = false;
    for (const value of values) {
      if (value.length < MIN_SECRET_LENGTH || this.values.has(value)) continue;
      this.values.add(value);
      changed = true;
    }
    if (changed) this.compile();
  }
  redact(text) {
    if (!this.pattern || text.length === 0) return text;
    return text.replace(this.pattern, MASK);
  }
  /** A copy of a JSON-like value with every string (keys too) redacted. */
  redactDeep(value) {
    if (!this.pattern) return value;
    return this.walk(value);
  }
  /**
   * A stateful redactor for text that arrives in pieces: a secret split between two
   * pieces is still masked, because the end of each piece that could begin a secret is
   * held back until the next piece (or `end`) shows how it continues.
   */
  pieces() {
    let held = "";
    return {
      push: (piece) => {
        const text = held + piece;
        const cut = this.safeCut(text, text.length - this.partialAtEnd(text));
        held = text.slice(cut);
        return this.redact(text.slice(0, cut));
      },
      end: () => {
        const rest = this.redact(held);
        held = "";
        return rest;
      }
    };
  }
  /** A stream that redacts UTF-8 text passing through it (bytes in, bytes out). */
  transform() {
    const pieces = this.pieces();
    const decoder = new TextDecoder("utf-8");
    return new Transform({
      transform(chunk, _encoding, done) {
        const text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
        done(null, pieces.push(text));
      },
      flush(done) {
        done(null, pieces.push(decoder.decode()) + pieces.end());
      }
    });
  }
  /**
   * Where `text` may be cut so that no secret that starts before the cut could end after
   * it: the earliest start of a partial match among the last characters.
   */
  safeCut(text, at) {
    if (!this.pattern) return text.length;
    for (const match of text.matchAll(this.pattern)) {
      if (match.index < at && match.index + match[0].length > at) return match.index;
    }
    const before = text.charCodeAt(at - 1);
    return at > 0 && before >= 55296 && before <= 56319 ? at - 1 : at;
  }
  /** How many of the last characters of `text` could be the start of a secret: held until more comes. */
  partialAtEnd(text) {
    for (let k = Math.min(text.length, this.longest - 1); k > 0; k--) {
      const tail = text.slice(text.length - k);
      if (this.forms.some((f) => f.startsWith(tail))) return k;
    }
    return 0;
  }
  walk(value) {
    if (typeof value === "string") return this.redact(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value !== null && typeof value === "object" && !(value instanceof Date)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.redact(k), this.walk(v)]));
    }
    return value;
  }
  compile() {
    const forms = /* @__PURE__ */ new Set();
    for (const value of this.values) {
      forms.add(value);
      forms.add(JSON.stringify(value).slice(1, -1));
      forms.add(encodeURIComponent(value));
      forms.add(Buffer.from(value).toString("base64"));
      forms.add(Buffer.from(value).toString("base64").replace(/=+$/, ""));
    }
    const sorted = [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
    this.forms = sorted;
    this.longest = sorted[0]?.length ?? 0;
    this.pattern = sorted.length ? new RegExp(sorted.map(escapeRegExp).join("|"), "g") : void 0;
  }
};
var SECRET_WORDS = /* @__PURE__ */ new Set([
  "password",
  "passwd",
  "pass",
  "pw",
  "pwd",
  "secret",
  "secrets",
  "token",
  "key",
  "apikey",
  "privatekey",
  "private",
  "credential",
  "credentials",
  "auth",
  "cert",
  "session",
  "cookie",
  "signature",
  "salt",
  "jwt",
  "bearer",
  "dsn"
]);
function looksSecret(name) {
  if (/password|passwd|secret|token|apikey|api_key|credential/i.test(name)) return true;
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase().split(/[_.\-\s]+/);
  return words.some((w) => SECRET_WORDS.has(w));
}

// src/definition/keys.ts
var import_fastest_levenshtein = __toESM(require_mod(), 1);

// src/definition/compose-schema.ts
var scalar = external_exports.union([external_exports.string(), external_exports.number(), external_exports.boolean(), external_exports.null()]);
var stringList = external_exports.array(external_exports.string());
var listOrDict = external_exports.union([external_exports.record(external_exports.string(), scalar), stringList]);
var stringOrList = external_exports.union([external_exports.string(), stringList]);
var command = external_exports.union([external_exports.null(), external_exports.string(), stringList]);
var duration = external_exports.string();
var intish = external_exports.union([external_exports.number().int(), external_exports.string()]);
var buildSchema = external_exports.looseObject({
  context: external_exports.string().optional(),
  dockerfile: external_exports.string().optional(),
  args: listOrDict.optional(),
  target: external_exports.string().optional()
});
var healthcheckSchema = external_exports.looseObject({
  test: external_exports.union([external_exports.string(), stringList]).optional(),
  interval: duration.optional(),
  timeout: duration.optional(),
  retries: intish.optional(),
  start_period: duration.optional(),
  start_interval: duration.optional(),
  disable: external_exports.union([external_exports.boolean(), external_exports.string()]).optional()
});
var dependencySchema = external_exports.looseObject({
  condition: external_exports.enum(["service_started", "service_healthy", "service_completed_successfully"]),
  restart: external_exports.union([external_exports.boolean(), external_exports.string()]).optional(),
  required: external_exports.boolean().optional()
});
var portSchema = external_exports.looseObject({
  target: intish,
  published: intish.optional(),
  host_ip: external_exports.string().optional(),
  protocol: external_exports.string().optional(),
  mode: external_exports.string().optional(),
  name: external_exports.string().optional(),
  app_protocol: external_exports.string().optional()
});
var mountSchema = external_exports.looseObject({
  type: external_exports.enum(["bind", "volume", "tmpfs", "cluster", "npipe", "image"]),
  source: external_exports.string().optional(),
  target: external_exports.string().optional(),
  read_only: external_exports.union([external_exports.boolean(), external_exports.string()]).optional(),
  bind: external_exports.looseObject({ create_host_path: external_exports.union([external_exports.boolean(), external_exports.string()]).optional() }).optional(),
  volume: external_exports.looseObject({ nocopy: external_exports.union([external_exports.boolean(), external_exports.string()]).optional() }).optional(),
  tmpfs: external_exports.looseObject({ size: intish.optional(), mode: external_exports.union([external_exports.number(), external_exports.string()]).optional() }).optional()
});
var serviceNetworkSchema = external_exports.union([
  external_exports.null(),
  external_exports.looseObject({
    aliases: stringList.optional()
  })
]);
var envFileEntry = external_exports.union([
  external_exports.string(),
  external_exports.looseObject({ path: external_exports.string(), required: external_exports.union([external_exports.boolean(), external_exports.string()]).optional(), format: external_exports.string().optional() })
]);
var prenvServiceSchema = external_exports.looseObject({
  ready: external_exports.array(
    external_exports.union([
      external_exports.strictObject({ port: intish }),
      external_exports.strictObject({ http: external_exports.strictObject({ port: intish, path: external_exports.string().optional(), status: external_exports.number().int().optional() }) }),
      external_exports.strictObject({ log: external_exports.string() }),
      external_exports.strictObject({ command: external_exports.union([external_exports.string(), stringList]) })
    ])
  ).optional()
});
var serviceSchema = external_exports.looseObject({
  image: external_exports.string().optional(),
  build: external_exports.union([external_exports.string(), buildSchema]).optional(),
  command: command.optional(),
  entrypoint: command.optional(),
  environment: listOrDict.optional(),
  env_file: external_exports.union([external_exports.string(), external_exports.array(envFileEntry)]).optional(),
  ports: external_exports.array(external_exports.union([external_exports.number(), external_exports.string(), portSchema])).optional(),
  expose: external_exports.array(external_exports.union([external_exports.string(), external_exports.number()])).optional(),
  volumes: external_exports.array(external_exports.union([external_exports.string(), mountSchema])).optional(),
  depends_on: external_exports.union([stringList, external_exports.record(external_exports.string(), dependencySchema)]).optional(),
  healthcheck: healthcheckSchema.optional(),
  restart: external_exports.string().optional(),
  profiles: stringList.optional(),
  networks: external_exports.union([stringList, external_exports.record(external_exports.string(), serviceNetworkSchema)]).optional(),
  working_dir: external_exports.string().optional(),
  user: external_exports.string().optional(),
  labels: listOrDict.optional(),
  extra_hosts: external_exports.union([stringList, external_exports.record(external_exports.string(), external_exports.union([external_exports.string(), stringList]))]).optional(),
  init: external_exports.union([external_exports.boolean(), external_exports.string()]).optional(),
  cap_add: stringList.optional(),
  tmpfs: stringOrList.optional(),
  stop_grace_period: duration.optional(),
  extends: external_exports.union([external_exports.string(), external_exports.looseObject({ service: external_exports.string(), file: external_exports.string().optional() })]).optional(),
  hostname: external_exports.string().optional(),
  links: stringList.optional(),
  volumes_from: stringList.optional(),
  network_mode: external_exports.string().optional(),
  ipc: external_exports.string().optional()
});
var networkSchema = external_exports.union([
  external_exports.null(),
  external_exports.looseObject({
    name: external_exports.string().optional(),
    driver: external_exports.string().optional(),
    external: external_exports.union([external_exports.boolean(), external_exports.string(), external_exports.looseObject({ name: external_exports.string().optional() })]).optional(),
    internal: external_exports.union([external_exports.boolean(), external_exports.string()]).optional(),
    labels: listOrDict.optional()
  })
]);
var volumeSchema = external_exports.union([
  external_exports.null(),
  external_exports.looseObject({
    name: external_exports.string().optional(),
    driver: external_exports.string().optional(),
    external: external_exports.union([external_exports.boolean(), external_exports.string(), external_exports.looseObject({ name: external_exports.string().optional() })]).optional(),
    labels: listOrDict.optional()
  })
]);
var includeEntry = external_exports.union([
  external_exports.string(),
  external_exports.looseObject({
    path: stringOrList,
    project_directory: external_exports.string().optional(),
    env_file: stringOrList.optional()
  })
]);
var composeFileSchema = external_exports.looseObject({
  version: external_exports.string().optional(),
  name: external_exports.string().optional(),
  include: external_exports.array(includeEntry).optional(),
  services: external_exports.record(external_exports.string(), external_exports.union([external_exports.null(), serviceSchema])).optional(),
  networks: external_exports.record(external_exports.string(), networkSchema).optional(),
  volumes: external_exports.record(external_exports.string(), volumeSchema).optional()
});
var UNSUPPORTED = {
  top: ["secrets", "configs", "models"],
  service: [
    "develop",
    "deploy",
    "annotations",
    "attach",
    "blkio_config",
    "cap_drop",
    "cgroup",
    "cgroup_parent",
    "configs",
    "cpu_count",
    "cpu_percent",
    "cpu_shares",
    "cpu_quota",
    "cpu_period",
    "cpu_rt_period",
    "cpu_rt_runtime",
    "cpus",
    "container_name",
    "cpuset",
    "credential_spec",
    "device_cgroup_rules",
    "devices",
    "dns",
    "dns_opt",
    "dns_search",
    "domainname",
    "label_file",
    "provider",
    "external_links",
    "gpus",
    "group_add",
    "isolation",
    "logging",
    "mac_address",
    "mem_limit",
    "mem_reservation",
    "mem_swappiness",
    "memswap_limit",
    "models",
    "oom_kill_disable",
    "oom_score_adj",
    "pid",
    "pids_limit",
    "platform",
    "pre_start",
    "post_start",
    "pre_stop",
    "privileged",
    "pull_policy",
    "pull_refresh_after",
    "read_only",
    "runtime",
    "scale",
    "security_opt",
    "shm_size",
    "secrets",
    "sysctls",
    "stdin_open",
    "stop_signal",
    "storage_opt",
    "tty",
    "ulimits",
    "use_api_socket",
    "uts",
    "userns_mode"
  ],
  build: [
    "dockerfile_inline",
    "entitlements",
    "ssh",
    "labels",
    "cache_from",
    "cache_to",
    "no_cache",
    "no_cache_filter",
    "additional_contexts",
    "network",
    "provenance",
    "sbom",
    "pull",
    "shm_size",
    "extra_hosts",
    "isolation",
    "privileged",
    "secrets",
    "tags",
    "ulimits",
    "platforms"
  ],
  healthcheck: [],
  dependency: [],
  port: [],
  mount: ["consistency"],
  serviceNetwork: ["ipv4_address", "ipv6_address", "priority", "interface_name", "link_local_ips", "mac_address", "driver_opts", "gw_priority"],
  network: ["driver_opts", "ipam", "enable_ipv4", "enable_ipv6", "attachable"],
  volume: ["driver_opts"],
  include: []
};
var SUPPORTED = {
  top: Object.keys(composeFileSchema.shape),
  service: Object.keys(serviceSchema.shape),
  build: Object.keys(buildSchema.shape),
  healthcheck: Object.keys(healthcheckSchema.shape),
  dependency: Object.keys(dependencySchema.shape),
  port: Object.keys(portSchema.shape),
  mount: Object.keys(mountSchema.shape),
  serviceNetwork: ["aliases"],
  network: ["name", "driver", "external", "internal", "labels"],
  volume: ["name", "driver", "external", "labels"],
  include: ["path", "project_directory", "env_file"]
};

// src/definition/yaml-source.ts
var import_yaml = __toESM(require_dist(), 1);

// src/definition/read-file.ts
import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
var MAX_FILE_BYTES = 4 * 1024 * 1024;
var MIB = 1024 * 1024;
function positionIn(file, text, offset) {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { file, line, column: offset - lineStart + 1 };
}
function readDefinitionText(file, what, diagnostics, at) {
  const fail = (message, hint, location = at, cause) => {
    diagnostics.push(error(message, { ...location ? { location } : {}, hint, ...cause ? { cause } : {} }));
    return void 0;
  };
  let stat2;
  try {
    stat2 = statSync(file);
  } catch (e) {
    return fail(`cannot read ${what} ${file}: ${e.message}`, "check the path and its permissions", at, e);
  }
  if (stat2.isDirectory()) return fail(`${what} ${file} is a directory`, "name a file, not a directory", at);
  if (!stat2.isFile()) return fail(`${what} ${file} is not a regular file (a device, FIFO or socket)`, "name a regular file; prenv reads definitions whole, before doing anything", at);
  if (stat2.size > MAX_FILE_BYTES) return fail(tooLarge(what, file, stat2.size), TOO_LARGE_HINT, at);
  let bytes;
  try {
    bytes = readBounded(file);
  } catch (e) {
    return fail(`cannot read ${what} ${file}: ${e.message}`, "check the path and its permissions", at, e);
  }
  if (bytes.length > MAX_FILE_BYTES) return fail(tooLarge(what, file, bytes.length), TOO_LARGE_HINT, at);
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (e) {
    const bad = firstInvalidByte(bytes);
    const before = new TextDecoder("utf-8").decode(bytes.subarray(0, bad));
    const byte = bytes[bad].toString(16).toUpperCase().padStart(2, "0");
    return fail(`${what} is not valid UTF-8: byte 0x${byte} here does not belong to a UTF-8 character`, "save the file as UTF-8 (editors offer this under the file's encoding)", positionIn(file, before, before.length), e);
  }
  const nul = text.indexOf("\0");
  if (nul !== -1) return fail(`${what} contains a NUL byte (is it a binary file?)`, "a definition is text: remove the NUL byte, or name the right file", positionIn(file, text, nul));
  return text;
}
var TOO_LARGE_HINT = `definition files are read whole before anything starts, and prenv refuses files over ${MAX_FILE_BYTES / MIB} MiB; generate a smaller file, or split it with \`include\``;
function tooLarge(what, file, bytes) {
  return `${what} ${file} is ${(bytes / MIB).toFixed(1)} MiB, over prenv's limit of ${MAX_FILE_BYTES / MIB} MiB for a definition file`;
}
function readBounded(file) {
  const fd = openSync(file, "r");
  try {
    const size = Math.min(fstatSync(fd).size, MAX_FILE_BYTES) + 1;
    const buffer = Buffer.alloc(size);
    let length = 0;
    while (length < size) {
      const n = readSync(fd, buffer, length, size - length, null);
      if (n === 0) break;
      length += n;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}
function firstInvalidByte(bytes) {
  const refuses = (end) => {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, end), { stream: true });
      return false;
    } catch {
      return true;
    }
  };
  let low = 1;
  let high = bytes.length;
  while (low < high) {
    const mid = low + high >>> 1;
    if (refuses(mid)) high = mid;
    else low = mid + 1;
  }
  let bad = low - 1;
  const complete = (end) => {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, end));
      return true;
    } catch {
      return false;
    }
  };
  for (let back = 0; back < 3 && bad > 0 && !complete(bad); back++) bad--;
  return bad;
}

// src/definition/yaml-source.ts
var pathKey = (path) => JSON.stringify(path);
var MAX_ALIAS_DEPTH = 64;
var MAX_NESTING = 100;
var MAX_ALIAS_VALUES = 1e5;
var CORE_TAGS = new Set(["str", "int", "float", "bool", "null", "map", "seq"].map((t) => `tag:yaml.org,2002:${t}`));
var CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
function parseYaml(file, text) {
  const control = CONTROL.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0);
    const what = code === 0 ? "a NUL byte (is it a binary file?)" : `the control character U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
    return { diagnostics: [error(`invalid YAML: the file contains ${what}`, { location: positionIn(file, text, control.index), hint: "YAML is text: remove the character, or name the right file" })] };
  }
  const lineCounter = new import_yaml.LineCounter();
  const at = (offset) => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  const tokens = [...new import_yaml.Parser(lineCounter.addNewLine).parse(text)];
  const tooDeep = deepestCollection(tokens);
  if (tooDeep !== void 0) {
    return {
      diagnostics: [error(`invalid YAML: mappings and lists are nested too deeply (more than ${MAX_NESTING} levels)`, { location: at(tooDeep), hint: "a definition nests a few levels; check for unclosed [ or { brackets, or generate flatter data" })]
    };
  }
  const [doc, second] = new import_yaml.Composer({ merge: false, uniqueKeys: false, prettyErrors: false, version: "1.2" }).compose(tokens, true, text.length);
  if (!doc) return { diagnostics: [] };
  const errors = second ? [...doc.errors, new import_yaml.YAMLParseError([second.range[0], second.range[0]], "MULTIPLE_DOCS", "Source contains multiple documents")] : doc.errors;
  if (errors.length > 0) {
    return {
      diagnostics: errors.map(
        (e) => error(`invalid YAML: ${firstLine(e.message)}`, {
          location: at(errorOffset(text, e.code, e.message, e.pos[0])),
          hint: yamlHint(e.code, e.message)
        })
      )
    };
  }
  const values = /* @__PURE__ */ new Map();
  const keys = /* @__PURE__ */ new Map();
  const diagnostics = [];
  const tables = { text, values, keys, at, diagnostics, aliasValues: 0 };
  let value;
  try {
    value = convert(doc, doc.contents, [], 0, void 0, tables);
  } catch (e) {
    if (!(e instanceof AliasBudgetExceeded)) throw e;
    const name = e.alias.source;
    return {
      diagnostics: [
        error(`YAML aliases expand to more than ${MAX_ALIAS_VALUES.toLocaleString("en-US")} values; this expansion of *${name} is where the limit is passed`, {
          ...e.alias.range ? { location: at(e.alias.range[0]) } : {},
          hint: 'aliases of aliases multiply (a "billion laughs" file); share blocks with one level of aliases, or write the values out'
        })
      ]
    };
  }
  const nearest = (table, path) => {
    for (let n = path.length; n >= 0; n--) {
      const hit = table.get(pathKey(path.slice(0, n))) ?? values.get(pathKey(path.slice(0, n)));
      if (hit) return hit;
    }
    return { file, line: 1, column: 1 };
  };
  return {
    source: {
      file,
      value: value ?? {},
      locate: (path) => nearest(values, path),
      locateKey: (path) => keys.get(pathKey(path)) ?? nearest(values, path)
    },
    diagnostics
  };
}
function deepestCollection(tokens) {
  const stack = tokens.map((t) => [t, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop();
    if (!token) continue;
    if (token.type === "document") stack.push([token.value, depth]);
    else if (token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection") {
      if (depth >= MAX_NESTING) return token.offset;
      for (const item of token.items) stack.push([item.key, depth + 1], [item.value, depth + 1]);
    }
  }
  return void 0;
}
var AliasBudgetExceeded = class extends Error {
  alias;
  constructor(alias) {
    super("alias budget exceeded");
    this.alias = alias;
  }
};
function convert(doc, node, path, depth, expanding, t) {
  if (node === null || node === void 0) return null;
  const here = () => t.values.get(pathKey(path));
  if (depth > MAX_ALIAS_DEPTH) {
    t.diagnostics.push(error("YAML aliases nest too deeply (a recursive alias?)", { location: here(), hint: "an anchor may not refer to itself, directly or through other anchors" }));
    return null;
  }
  if (path.length > MAX_NESTING) {
    t.diagnostics.push(error(`mappings and lists are nested too deeply (more than ${MAX_NESTING} levels, with aliases expanded)`, { location: here(), hint: "an anchor that contains an alias of itself nests without end; break the loop" }));
    return null;
  }
  if (expanding && ++t.aliasValues > MAX_ALIAS_VALUES) throw new AliasBudgetExceeded(expanding);
  if ((0, import_yaml.isAlias)(node)) {
    const target = node.resolve(doc);
    if (node.range && !t.values.has(pathKey(path))) t.values.set(pathKey(path), t.at(node.range[0]));
    return convert(doc, target, path, depth + 1, expanding ?? node, t);
  }
  const n = node;
  if (n.range && !t.values.has(pathKey(path))) t.values.set(pathKey(path), t.at(n.range[0]));
  if (n.tag !== void 0 && !CORE_TAGS.has(n.tag)) {
    const tag = n.tag.replace(/^tag:yaml\.org,2002:/, "!!");
    t.diagnostics.push(
      error(`the YAML tag ${tag} is not supported`, {
        location: n.range ? t.at(tagStart(t.text, n.range[0])) : here(),
        hint: tag === "!reset" || tag === "!override" ? "prenv does not support Compose's !reset and !override yet; change the base file instead" : "a definition is plain data: remove the tag (quote the value if it must stay a string)"
      })
    );
    return null;
  }
  if ((0, import_yaml.isScalar)(node)) return node.value;
  if ((0, import_yaml.isSeq)(node)) return node.items.map((item, i) => convert(doc, item, [...path, i], depth, expanding, t));
  if ((0, import_yaml.isMap)(node)) {
    const out = {};
    const merges = [];
    const seen = /* @__PURE__ */ new Map();
    for (const pair of node.items) {
      const keyNode = pair.key;
      const key = (0, import_yaml.isScalar)(keyNode) ? keyNode.value : keyNode;
      if (key === "<<" && !((0, import_yaml.isScalar)(keyNode) && keyNode.type !== "PLAIN")) {
        merges.push(pair.value);
        continue;
      }
      const keyAt = (0, import_yaml.isNode)(keyNode) && keyNode.range ? t.at(keyNode.range[0]) : here();
      const resolvedKey = (0, import_yaml.isAlias)(keyNode) ? keyNode.resolve(doc) : keyNode;
      if (!(0, import_yaml.isScalar)(resolvedKey)) {
        t.diagnostics.push(error(`a mapping key must be a string, not ${(0, import_yaml.isSeq)(resolvedKey) ? "a list" : (0, import_yaml.isMap)(resolvedKey) ? "a mapping" : "empty"}`, { location: keyAt, hint: "write a plain name before the colon (quote it if it contains special characters)" }));
        continue;
      }
      const name = String(resolvedKey.value);
      const earlier = seen.get(name);
      if (earlier) {
        const first = earlier.range ? ` (first at line ${t.at(earlier.range[0]).line})` : "";
        t.diagnostics.push(error(`invalid YAML: Map keys must be unique; "${shorten(name)}" appears twice in this mapping${first}`, { location: keyAt, hint: yamlHint("DUPLICATE_KEY", "") }));
        continue;
      }
      seen.set(name, resolvedKey);
      const childPath = [...path, name];
      if (keyAt) t.keys.set(pathKey(childPath), keyAt);
      out[name] = convert(doc, pair.value, childPath, depth, expanding, t);
    }
    for (const merge of merges) {
      const sources = (0, import_yaml.isSeq)(merge) ? merge.items : [merge];
      for (const src of sources) {
        const merged = convert(doc, src, path, depth + 1, expanding, t);
        if (merged === null || typeof merged !== "object" || Array.isArray(merged)) {
          t.diagnostics.push(
            error("a merge key (<<) must refer to a mapping or a list of mappings", {
              location: here(),
              hint: "write `<<: *anchor` where the anchor names a mapping"
            })
          );
          continue;
        }
        for (const [k, v] of Object.entries(merged)) if (!(k in out)) out[k] = v;
      }
    }
    return out;
  }
  return null;
}
function tagStart(text, offset) {
  let i = offset;
  while (i > 0 && /[ \t]/.test(text[i - 1])) i--;
  while (i > 0 && !/\s/.test(text[i - 1])) i--;
  return text[i] === "!" ? i : offset;
}
function shorten(text, max = 80) {
  return text.length > max ? `${text.slice(0, max)}\u2026 (${text.length} characters)` : text;
}
function firstLine(message) {
  return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}
function errorOffset(text, code, message, offset) {
  if (code === "MISSING_CHAR" && /closing "quote/.test(message)) {
    for (let i = Math.min(offset, text.length) - 1; i >= 0; i--) if (text[i] === '"' && text[i - 1] !== "\\") return i;
  }
  if (code === "MISSING_CHAR" && /closing 'quote/.test(message)) {
    for (let i = Math.min(offset, text.length) - 1; i >= 0; i--) {
      if (text[i] !== "'") continue;
      if (text[i - 1] === "'") i--;
      else return i;
    }
  }
  if (code === "BAD_INDENT") {
    let i = offset;
    while (text[i] === " ") i++;
    if (i < text.length && text[i] !== "\n" && (offset === 0 || text[offset - 1] === "\n")) return i;
  }
  return offset;
}
function yamlHint(code, message) {
  if (/closing .?quote/.test(message)) return "close the quoted string with the same quote character it starts with";
  switch (code) {
    case "DUPLICATE_KEY":
      return "each key may appear once per mapping; remove or rename the repeated one";
    case "BAD_INDENT":
    case "MISSING_CHAR":
      return "check the indentation: keys of one mapping start in the same column, nested keys further right, with spaces, not tabs";
    case "KEY_OVER_1024_CHARS":
      return "a key on one line may be at most 1024 characters long; shorten it";
    case "TAB_AS_INDENT":
      return "YAML indentation must use spaces, not tabs";
    case "BLOCK_AS_IMPLICIT_KEY":
      return "a key may be missing its colon, or a value is indented under the wrong key";
    default:
      return "fix the YAML syntax at this position (quote values that contain ': ' or start with special characters)";
  }
}
function readYaml(file, diagnostics, what = "definition file", at) {
  const text = readDefinitionText(file, what, diagnostics, at);
  if (text === void 0) return void 0;
  const parsed = parseYaml(file, text);
  diagnostics.push(...parsed.diagnostics);
  return parsed.source;
}
function isMapping(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function valueAt(value, path) {
  let v = value;
  for (const p of path) {
    if (v === null || typeof v !== "object") return void 0;
    v = v[p];
  }
  return v;
}

// src/definition/keys.ts
function didYouMean(word, candidates) {
  if (word.length > 100) return void 0;
  let best;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = (0, import_fastest_levenshtein.distance)(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== void 0 && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : void 0;
}
var NAME = /^[a-zA-Z0-9._-]+$/;
function checkKeys(doc, source, diagnostics) {
  const visit = (value, path, section) => {
    if (!isMapping(value)) return;
    const supported = SUPPORTED[section];
    const unsupported = UNSUPPORTED[section];
    for (const key of Object.keys(value)) {
      if (key.startsWith("x-") || supported.includes(key)) continue;
      const location = source.locateKey([...path, key]);
      const where = path.length > 0 ? ` in ${describe(path)}` : "";
      if (unsupported.includes(key)) {
        diagnostics.push(warning(`"${shorten(key)}"${where} is not supported by prenv yet and is ignored`, { location, hint: "remove it, or expect it to have no effect under prenv" }));
        delete value[key];
        continue;
      }
      const guess = didYouMean(key, [...supported, ...unsupported]);
      diagnostics.push(
        error(`unknown key "${shorten(key)}"${where}`, {
          location,
          hint: guess ? `did you mean "${guess}"?` : `the Compose Specification has no such key; extension keys start with "x-"`
        })
      );
    }
  };
  visit(doc, [], "top");
  if (!isMapping(doc)) return;
  const each = (v, fn) => {
    if (isMapping(v)) for (const [k, c] of Object.entries(v)) fn(k, c);
  };
  const checkName = (kind, name, path) => {
    if (NAME.test(name)) return;
    diagnostics.push(
      error(`${kind} name "${shorten(name)}" may only contain letters, digits, ".", "_" and "-"`, {
        location: source.locateKey(path),
        hint: `rename it, e.g. "${name.slice(0, 80).replace(/[^a-zA-Z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "app"}"`
      })
    );
  };
  each(doc.services, (name, svc) => {
    const base = ["services", name];
    checkName("service", name, base);
    visit(svc, base, "service");
    if (!isMapping(svc)) return;
    visit(svc.build, [...base, "build"], "build");
    visit(svc.healthcheck, [...base, "healthcheck"], "healthcheck");
    each(svc.depends_on, (dep, d) => visit(d, [...base, "depends_on", dep], "dependency"));
    each(svc.networks, (net, n) => visit(n, [...base, "networks", net], "serviceNetwork"));
    if (Array.isArray(svc.ports)) svc.ports.forEach((p, i) => visit(p, [...base, "ports", i], "port"));
    if (Array.isArray(svc.volumes)) svc.volumes.forEach((v, i) => visit(v, [...base, "volumes", i], "mount"));
  });
  each(doc.networks, (name, n) => visit(n, ["networks", name], "network"));
  each(doc.volumes, (name, v) => {
    checkName("volume", name, ["volumes", name]);
    visit(v, ["volumes", name], "volume");
  });
  if (Array.isArray(doc.include)) doc.include.forEach((inc, i) => visit(inc, ["include", i], "include"));
}
function describe(path) {
  if (path[0] === "services" && path.length >= 2) {
    const rest = path.slice(2).join(".");
    return `service "${path[1]}"${rest ? ` (${rest})` : ""}`;
  }
  return path.join(".");
}

// src/definition/params.ts
var PARAM_TYPES = ["string", "integer", "number", "boolean", "enum", "list"];
var SECRET_ENV_PREFIX = "PRENV_SECRET_";
var PARAM_ENV_PREFIX = "PRENV_PARAM_";
var NAME2 = /^[A-Za-z_][A-Za-z0-9_]*$/;
var SPEC_KEYS = ["type", "default", "description", "required", "values", "secret"];
function parseParamSpecs(source, path, diagnostics) {
  const block = valueAt(source.value, path);
  if (block === void 0 || block === null) return [];
  const fail = (message, at, hint, key = false) => diagnostics.push(error(message, { location: key ? source.locateKey([...path, ...at]) : source.locate([...path, ...at]), hint }));
  if (!isMapping(block)) {
    fail("params must be a mapping of parameter names to their specs", [], 'write `params: { db_version: { type: string, default: "16" } }`');
    return [];
  }
  const specs = [];
  for (const [name, raw] of Object.entries(block)) {
    if (!NAME2.test(name)) {
      fail(`parameter name "${name}" cannot be used in \${...}`, [name], "use letters, digits and _, starting with a letter or _", true);
      continue;
    }
    if (!isMapping(raw)) {
      fail(`parameter "${name}" must be a mapping with at least a type`, [name], `write \`${name}: { type: string, default: "..." }\``);
      continue;
    }
    for (const key of Object.keys(raw)) {
      if (SPEC_KEYS.includes(key)) continue;
      const guess = didYouMean(key, SPEC_KEYS);
      fail(`unknown key "${key}" in parameter "${name}"`, [name, key], guess ? `did you mean "${guess}"?` : `a parameter has ${SPEC_KEYS.join(", ")}`, true);
    }
    const type = raw.type ?? (Array.isArray(raw.values) ? "enum" : "string");
    if (typeof type !== "string" || !PARAM_TYPES.includes(type)) {
      const guess = typeof type === "string" ? didYouMean(type, PARAM_TYPES) : void 0;
      fail(`parameter "${name}" has type ${JSON.stringify(type)}, which is not a parameter type`, [name, "type"], guess ? `did you mean "${guess}"?` : `use one of ${PARAM_TYPES.join(", ")}`);
      continue;
    }
    const spec = { name, type, required: raw.required === true, secret: raw.secret === true, location: source.locateKey([...path, name]) };
    if (raw.required !== void 0 && typeof raw.required !== "boolean") fail(`"required" of parameter "${name}" must be true or false`, [name, "required"], "write required: true");
    if (raw.secret !== void 0 && typeof raw.secret !== "boolean") fail(`"secret" of parameter "${name}" must be true or false`, [name, "secret"], "write secret: true");
    if (spec.secret && raw.default !== void 0 && raw.default !== null) {
      fail(`secret parameter "${name}" has a default, which would put a secret into the repository`, [name, "default"], `remove the default and pass the value at run time (PRENV_SECRET_${envName(name)}, or the Action's secrets input)`);
      continue;
    }
    if (raw.description !== void 0) {
      if (typeof raw.description === "string") spec.description = raw.description;
      else fail(`the description of parameter "${name}" must be text`, [name, "description"], "quote it");
    }
    if (spec.type === "enum") {
      if (!Array.isArray(raw.values) || raw.values.length === 0 || !raw.values.every((v) => ["string", "number", "boolean"].includes(typeof v))) {
        fail(`enum parameter "${name}" needs "values": a non-empty list of allowed values`, [name], `write values: ["15", "16"]`);
        continue;
      }
      spec.values = raw.values.map(String);
    } else if (raw.values !== void 0) {
      fail(`"values" only applies to enum parameters, and "${name}" is a ${spec.type}`, [name, "values"], "write type: enum, or remove values");
    }
    if (raw.default !== void 0 && raw.default !== null) {
      const value = coerce(spec, raw.default);
      if (typeof value === "string") fail(`the default of parameter "${name}" ${value.slice(1)}`, [name, "default"], hintFor(spec));
      else spec.default = value.value;
    }
    specs.push(spec);
  }
  return specs;
}
function resolveParams(specs, inputs, diagnostics) {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const resolved = {};
  const secretByNature = (spec) => spec.secret || looksSecret(spec.name);
  for (const spec of specs) resolved[spec.name] = spec.default !== void 0 ? { spec, value: spec.default, origin: "default", secret: secretByNature(spec) } : { spec, secret: secretByNature(spec) };
  const names = specs.map((s) => s.name);
  const unknown = (name, where, location) => {
    const guess = didYouMean(name, names);
    diagnostics.push(
      error(`${where}: unknown parameter "${name}"`, {
        ...location ? { location } : {},
        hint: guess ? `did you mean "${guess}"?` : names.length ? `the parameters are ${names.join(", ")} (prenv describe lists them)` : "this definition declares no params"
      })
    );
  };
  const take = (name, raw, origin, where, location, givenAsSecret = false) => {
    const spec = byName.get(name);
    if (!spec) return unknown(name, where, location);
    const value = coerce(spec, raw);
    if (typeof value === "string") {
      const why = givenAsSecret || secretByNature(spec) ? `has a value that is not ${spec.type === "integer" ? "an" : "a"} ${spec.type} (the value is secret, so it is not shown)` : value.slice(1);
      diagnostics.push(error(`${where}: parameter "${name}" ${why}`, { ...location ? { location } : {}, hint: hintFor(spec) }));
      return;
    }
    resolved[name] = { spec, value: value.value, origin, secret: givenAsSecret || secretByNature(spec) };
  };
  const env = inputs.env ?? {};
  const fromEnv = [];
  for (const [key, raw] of Object.entries(env)) {
    if (raw === void 0) continue;
    const prefix = key.startsWith(PARAM_ENV_PREFIX) ? PARAM_ENV_PREFIX : key.startsWith(SECRET_ENV_PREFIX) ? SECRET_ENV_PREFIX : void 0;
    if (!prefix) continue;
    const wanted = key.slice(prefix.length);
    fromEnv.push([key, raw, specs.find((s) => envName(s.name) === wanted), prefix === SECRET_ENV_PREFIX]);
  }
  fromEnv.sort((a, b) => Number(a[3]) - Number(b[3]));
  for (const [key, raw, spec, secret] of fromEnv) {
    if (spec) take(spec.name, raw, "environment", key, void 0, secret);
    else diagnostics.push(warning(`${key} names no parameter of this definition and is ignored`, { hint: `parameters: ${names.map((n) => `${secret ? SECRET_ENV_PREFIX : PARAM_ENV_PREFIX}${envName(n)}`).join(", ") || "none"}` }));
  }
  for (const { source } of inputs.files ?? []) {
    if (!isMapping(source.value)) {
      diagnostics.push(error(`params file ${source.file} must be a mapping of parameter names to values`, { location: source.locate([]), hint: "write `db_version: 16` lines (YAML) or an object (JSON)" }));
      continue;
    }
    for (const [name, raw] of Object.entries(source.value)) take(name, raw, "params file", `params file ${source.file}`, source.locate([name]));
  }
  for (const item of inputs.set ?? []) {
    const eq = item.indexOf("=");
    if (eq <= 0) {
      diagnostics.push(error(`--set "${item}" is not name=value`, { hint: "write --set db_version=16" }));
      continue;
    }
    take(item.slice(0, eq), item.slice(eq + 1), "--set", `--set ${item}`);
  }
  for (const item of inputs.secrets ?? []) {
    const eq = item.indexOf("=");
    if (eq <= 0) {
      diagnostics.push(error("a line of the secrets input is not name=value", { hint: "write one `name=${{ secrets.NAME }}` line per secret parameter" }));
      continue;
    }
    take(item.slice(0, eq), item.slice(eq + 1), "secrets input", `secrets input, parameter ${item.slice(0, eq)}`, void 0, true);
  }
  for (const r of Object.values(resolved)) {
    if (r.value === void 0 && r.spec.required) {
      diagnostics.push(error(`parameter "${r.spec.name}" is required and has no value`, { ...r.spec.location ? { location: r.spec.location } : {}, hint: r.secret ? `set PRENV_SECRET_${envName(r.spec.name)} (or pass it in the Action's secrets input)` : `pass --set ${r.spec.name}=<value>, a --params-file, or PRENV_PARAM_${envName(r.spec.name)}` }));
    }
  }
  return resolved;
}
function renderParam(value) {
  return Array.isArray(value) ? value.join(",") : String(value);
}
function envName(name) {
  return name.toUpperCase();
}
function coerce(spec, raw) {
  const text = typeof raw === "string" ? raw.trim() : void 0;
  switch (spec.type) {
    case "string":
      return ["string", "number", "boolean"].includes(typeof raw) ? { value: String(raw) } : `!must be text, not ${describe2(raw)}`;
    case "integer": {
      const n = typeof raw === "number" ? raw : text !== void 0 && /^[-+]?\d+$/.test(text) ? Number(text) : NaN;
      return Number.isSafeInteger(n) ? { value: n } : `!must be a whole number, not ${describe2(raw)}`;
    }
    case "number": {
      const n = typeof raw === "number" ? raw : text !== void 0 && text !== "" ? Number(text) : NaN;
      return Number.isFinite(n) ? { value: n } : `!must be a number, not ${describe2(raw)}`;
    }
    case "boolean": {
      if (typeof raw === "boolean") return { value: raw };
      if (text !== void 0 && /^(true|yes|on|1)$/i.test(text)) return { value: true };
      if (text !== void 0 && /^(false|no|off|0)$/i.test(text)) return { value: false };
      return `!must be true or false, not ${describe2(raw)}`;
    }
    case "enum": {
      const value = ["string", "number", "boolean"].includes(typeof raw) ? String(raw) : void 0;
      if (value !== void 0 && spec.values.includes(value)) return { value };
      const guess = value !== void 0 && value.length > 2 ? didYouMean(value, spec.values) : void 0;
      return `!must be one of ${spec.values.map((v) => JSON.stringify(v)).join(", ")}, not ${describe2(raw)}${guess ? ` (did you mean "${guess}"?)` : ""}`;
    }
    case "list": {
      if (Array.isArray(raw) && raw.every((v) => ["string", "number", "boolean"].includes(typeof v))) return { value: raw.map(String) };
      if (text !== void 0) return { value: text === "" ? [] : text.split(",").map((v) => v.trim()) };
      return `!must be a list, not ${describe2(raw)}`;
    }
  }
}
function hintFor(spec) {
  switch (spec.type) {
    case "enum":
      return `use one of ${spec.values.join(", ")}`;
    case "list":
      return `give a comma-separated list, e.g. --set ${spec.name}=a,b`;
    case "boolean":
      return `write --set ${spec.name}=true or false`;
    default:
      return `give ${spec.type === "integer" ? "an" : "a"} ${spec.type}${spec.description ? ` (${spec.description})` : ""}`;
  }
}
function describe2(raw) {
  if (raw === null) return "null";
  if (Array.isArray(raw)) return "a list";
  if (typeof raw === "object") return "a mapping";
  return JSON.stringify(raw);
}

// src/definition/environment.ts
import { existsSync as existsSync3 } from "node:fs";
import { basename as basename2, dirname as dirname2, resolve as resolve3 } from "node:path";

// src/definition/compose.ts
var import_dotenv2 = __toESM(require_dist2(), 1);
import { createHash } from "node:crypto";
import { existsSync as existsSync2, realpathSync, statSync as statSync2 } from "node:fs";
import { basename, dirname, relative, resolve as resolve2 } from "node:path";

// src/definition/issues.ts
function describeIssue(issue, source, words) {
  const path = issue.path.filter((p) => typeof p !== "symbol");
  const location = source.locate(path);
  const where = words.describePath(path);
  const serviceName = words.service(path);
  const extra = serviceName ? { service: serviceName } : {};
  const value = valueAt(source.value, path);
  const got = value === null ? "null" : Array.isArray(value) ? "a list" : typeof value === "object" ? "a mapping" : `${typeof value} ${JSON.stringify(value)}`;
  switch (issue.code) {
    case "invalid_type":
      if (value === void 0) return error(`${where} is missing`, { location, hint: `add ${where}`, ...extra });
      return error(`${where} must be ${article(issue.expected)}, not ${got}`, {
        location,
        hint: issue.expected === "string" && typeof value !== "object" ? `quote the value: "${String(value)}"` : words.formsHint(path, where),
        ...extra
      });
    case "invalid_value":
      return error(`${where} is ${got}, which is not one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`, {
        location,
        hint: (() => {
          const guess = typeof value === "string" ? didYouMean(value, issue.values.map(String)) : void 0;
          return guess ? `did you mean "${guess}"?` : `use one of ${issue.values.map(String).join(", ")}`;
        })(),
        ...extra
      });
    case "invalid_union": {
      const branch = issue.errors.find((issues) => issues.length > 0 && issues.every((i) => i.path.length > 0));
      if (branch) return describeIssue({ ...branch[0], path: [...issue.path, ...branch[0].path] }, source, words);
      const forms = [...new Set(issue.errors.flatMap((issues) => issues.filter((i) => i.code === "invalid_type" && i.path.length === 0 && i.expected !== "null").map((i) => article(i.expected))))];
      if (forms.length > 0) return error(`${where} must be ${forms.join(" or ")}, not ${got}`, { location, hint: words.formsHint(path, where), ...extra });
      return error(`${where} has the wrong form (${got})`, { location, hint: words.formsHint(path, where), ...extra });
    }
    default:
      return error(`${where}: ${issue.message}`, { location, hint: `see ${words.reference} for ${where}`, ...extra });
  }
}
function article(expected) {
  const word = expected === "object" || expected === "record" ? "mapping" : expected === "array" ? "list" : expected;
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

// src/util/objects.ts
function definedFields(value) {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== void 0));
}
function stableJson(value, omit = () => false) {
  return JSON.stringify(
    value,
    (k, v) => omit(k) ? void 0 : v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v
  );
}

// src/definition/interpolate.ts
var InterpolationError = class extends Error {
  /** Offset in the input string where the problem starts. */
  offset;
  hint;
  constructor(message, offset, hint) {
    super(message);
    this.name = "InterpolationError";
    this.offset = offset;
    this.hint = hint;
  }
};
var NAME3 = /^[A-Za-z_][A-Za-z0-9_]*/;
function interpolate(input, lookup, onUnset) {
  return new Interpolator(input, lookup, onUnset).run(0, input.length).text;
}
var Interpolator = class {
  input;
  lookup;
  onUnset;
  constructor(input, lookup, onUnset) {
    this.input = input;
    this.lookup = lookup;
    this.onUnset = onUnset;
  }
  plain(name) {
    const value = this.lookup(name);
    if (value === void 0) this.onUnset?.(name);
    return value ?? "";
  }
  /** Expands input[from, to) and returns the text. */
  run(from, to) {
    let out = "";
    let i = from;
    while (i < to) {
      const c = this.input[i];
      if (c !== "$") {
        out += c;
        i++;
        continue;
      }
      const next = this.input[i + 1];
      if (next === "$") {
        out += "$";
        i += 2;
        continue;
      }
      if (next === "{") {
        const close = this.matchingBrace(i + 1, to);
        out += this.braced(i, i + 2, close);
        i = close + 1;
        continue;
      }
      const name = NAME3.exec(this.input.slice(i + 1, to));
      if (name) {
        out += this.plain(name[0]);
        i += 1 + name[0].length;
        continue;
      }
      out += "$";
      i++;
    }
    return { text: out };
  }
  matchingBrace(open, to) {
    let depth = 0;
    for (let j = open; j < to; j++) {
      const c = this.input[j];
      if (c === "$" && this.input[j + 1] === "$") {
        j++;
        continue;
      }
      if (c === "{") depth++;
      else if (c === "}" && --depth === 0) return j;
    }
    throw new InterpolationError(
      `unterminated variable reference "${this.input.slice(open - 1, Math.min(to, open + 30))}"`,
      open - 1,
      'close it with "}", or write "$$" for a literal dollar sign'
    );
  }
  /** `${...}` whose body is input[start, end). */
  braced(dollar, start, end) {
    const body = this.input.slice(start, end);
    const name = NAME3.exec(body);
    if (!name) {
      throw new InterpolationError(
        `invalid variable reference "\${${body}}"`,
        dollar,
        'a variable name starts with a letter or "_" and holds letters, digits and "_"; write "$$" for a literal dollar sign'
      );
    }
    const rest = start + name[0].length;
    if (rest === end) return this.plain(name[0]);
    const value = this.lookup(name[0]);
    const op2 = this.input.slice(rest, rest + 2);
    const op1 = this.input[rest];
    let op;
    if (op2 === ":-" || op2 === ":?" || op2 === ":+") op = op2;
    else if (op1 === "-" || op1 === "?" || op1 === "+") op = op1;
    else {
      throw new InterpolationError(
        `invalid variable reference "\${${body}}"`,
        dollar,
        "use ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message}, ${VAR?message} or ${VAR:+replacement}"
      );
    }
    const argFrom = rest + op.length;
    const unsetOrEmpty = value === void 0 || value === "";
    const unset = value === void 0;
    switch (op) {
      case ":-":
        return unsetOrEmpty ? this.run(argFrom, end).text : value;
      case "-":
        return unset ? this.run(argFrom, end).text : value;
      case ":+":
        return unsetOrEmpty ? "" : this.run(argFrom, end).text;
      case "+":
        return unset ? "" : this.run(argFrom, end).text;
      default: {
        const failed = op === ":?" ? unsetOrEmpty : unset;
        if (!failed) return value;
        const message = this.run(argFrom, end).text;
        throw new InterpolationError(
          `required variable ${name[0]} is ${unset ? "not set" : "empty"}${message ? `: ${message}` : ""}`,
          dollar,
          `set ${name[0]} in the environment or in the .env file next to the compose file`
        );
      }
    }
  }
};

// src/definition/normalize.ts
var import_dotenv = __toESM(require_dist2(), 1);
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";

// src/definition/image-ref.ts
function imageProblem(ref) {
  const shown = JSON.stringify(ref.length > 100 ? `${ref.slice(0, 100)}\u2026` : ref);
  if (ref === "") return { problem: "image is empty", hint: "name an image, e.g. `image: redis:7`, or check the variable it comes from" };
  if (/\s/.test(ref)) return { problem: `image ${shown} contains white space`, hint: "an image reference has no spaces: check for a stray word or a variable that expanded to several" };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) return { problem: `image ${shown} starts with a URL scheme`, hint: `write the registry without the scheme: ${JSON.stringify(ref.replace(/^[^:]+:\/\//, ""))}` };
  let rest = ref;
  const at = rest.indexOf("@");
  if (at !== -1) {
    const digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return { problem: `image ${shown} has an invalid digest "${digest}"`, hint: "a digest is ALGORITHM:HEX, e.g. @sha256: followed by 64 hexadecimal digits" };
  }
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.indexOf(":", lastSlash + 1);
  if (colon !== -1) {
    const tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return { problem: `image ${shown} has an invalid tag "${tag}"`, hint: "a tag is up to 128 letters, digits, '_', '.' and '-', and does not start with '.' or '-'" };
  }
  if (rest.length > 255) return { problem: `image ${shown} has a name longer than 255 characters`, hint: "shorten the repository name" };
  const parts = rest.split("/");
  const first = parts[0];
  const hasDomain = parts.length > 1 && (/[.:]/.test(first) || first === "localhost" || first !== first.toLowerCase());
  if (hasDomain && !DOMAIN.test(first)) return { problem: `image ${shown} has an invalid registry "${first}"`, hint: "a registry is a host name or address with an optional port, e.g. ghcr.io or localhost:5000" };
  const path = hasDomain ? parts.slice(1) : parts;
  if (hasDomain && !/[.:]/.test(first) && first !== "localhost") {
    return { problem: `image ${shown} has upper case in its repository name`, hint: `repository names must be lower case: write '${rest.toLowerCase()}${ref.slice(rest.length)}'` };
  }
  for (const component of path) {
    if (COMPONENT.test(component)) continue;
    if (component !== component.toLowerCase() && COMPONENT.test(component.toLowerCase())) {
      const fixed = [...hasDomain ? [first] : [], ...path.map((c) => c.toLowerCase())].join("/") + ref.slice(rest.length);
      return { problem: `image ${shown} has upper case in its repository name`, hint: `repository names must be lower case: write '${fixed}'` };
    }
    if (component === "") return { problem: `image ${shown} has an empty path component`, hint: "remove the doubled, leading or trailing '/'" };
    return {
      problem: `image ${shown} has an invalid repository name component "${component}"`,
      hint: "a repository name component is lower-case letters and digits, separated by '.', '_', '__' or dashes, and starts and ends with a letter or digit"
    };
  }
  return void 0;
}
var COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
var TAG = /^\w[\w.-]{0,127}$/;
var DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
var DOMAIN = /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/;

// src/definition/normalize.ts
var declaredAt = /* @__PURE__ */ new WeakMap();
var defaultedBuildKeys = /* @__PURE__ */ new WeakMap();
function normalizeService(raw, ctx) {
  const fail = (message, at, hint) => ctx.diagnostics.push(error(message, { location: ctx.source.locate([...ctx.path, ...at]), service: ctx.name, hint }));
  const spec = {
    name: ctx.name,
    environment: {},
    ports: [],
    expose: [],
    mounts: [],
    dependsOn: {},
    profiles: raw.profiles ?? [],
    networks: {},
    labels: toRecord(raw.labels),
    extraHosts: [],
    capAdd: raw.cap_add ?? [],
    tmpfs: raw.tmpfs === void 0 ? [] : typeof raw.tmpfs === "string" ? [raw.tmpfs] : raw.tmpfs,
    links: [],
    volumesFrom: [],
    ready: [],
    location: ctx.source.locateKey(ctx.path)
  };
  if (raw.image !== void 0) {
    const bad = imageProblem(raw.image);
    if (bad) fail(bad.problem, ["image"], bad.hint);
    spec.image = raw.image;
  }
  if (raw.restart !== void 0) {
    if (!/^(no|always|unless-stopped|on-failure(:\d+)?)$/.test(raw.restart))
      fail(`restart "${raw.restart}" is not a restart policy`, ["restart"], 'use "no", "always", "on-failure[:N]" or "unless-stopped"');
    spec.restart = raw.restart;
  }
  if (raw.working_dir !== void 0) spec.workingDir = raw.working_dir;
  if (raw.user !== void 0) spec.user = raw.user;
  if (raw.hostname !== void 0) spec.hostname = raw.hostname;
  if (raw.init !== void 0) spec.init = toBool(raw.init, ["init"], fail);
  if (raw.stop_grace_period !== void 0) {
    const ms = parseDuration(raw.stop_grace_period);
    if (ms === void 0) fail(`stop_grace_period "${raw.stop_grace_period}" is not a duration`, ["stop_grace_period"], DURATION_HINT);
    else spec.stopGracePeriodMs = ms;
  }
  if (raw.build !== void 0) {
    const b = typeof raw.build === "string" ? { context: raw.build } : raw.build;
    const context = resolve(ctx.workingDir, b.context ?? ".");
    if (/^[a-z]+:\/\//.test(b.context ?? "")) fail("remote build contexts (URLs) are not supported yet", ["build"], "check the sources out and use a local path");
    spec.build = { context, dockerfile: b.dockerfile ?? "Dockerfile", args: stringValues(b.args, ctx.lookup) };
    defaultedBuildKeys.set(spec.build, [...b.context === void 0 ? ["context"] : [], ...b.dockerfile === void 0 ? ["dockerfile"] : []]);
    if (b.target !== void 0) spec.build.target = b.target;
  }
  for (const key of ["command", "entrypoint"]) {
    const argv2 = toArgv(raw[key]);
    if (typeof argv2 === "string") fail(argv2.replace("the command", key), [key], QUOTE_HINT);
    else if (argv2) spec[key] = argv2;
  }
  const envFiles = raw.env_file === void 0 ? [] : typeof raw.env_file === "string" ? [raw.env_file] : raw.env_file;
  envFiles.forEach((entry, i) => {
    const path = typeof entry === "string" ? entry : entry.path;
    const required = typeof entry === "string" ? true : entry.required === void 0 || entry.required === true || entry.required === "true";
    const full = resolve(ctx.workingDir, path);
    if (!existsSync(full)) {
      if (required)
        fail(`env_file "${path}" does not exist (looked for ${full})`, typeof raw.env_file === "string" ? ["env_file"] : ["env_file", i], "create the file, fix the path (relative to the compose file), or use the long syntax with `required: false`");
      return;
    }
    const at = ctx.source.locate([...ctx.path, ...typeof raw.env_file === "string" ? ["env_file"] : ["env_file", i]]);
    const text = readDefinitionText(full, "env_file", ctx.diagnostics, at);
    if (text !== void 0) Object.assign(spec.environment, (0, import_dotenv.parse)(text));
  });
  Object.assign(spec.environment, stringValues(raw.environment, ctx.lookup));
  (raw.ports ?? []).forEach((p, i) => {
    const parsed = parsePort(p);
    if (typeof parsed === "string")
      fail(parsed, ["ports", i], typeof p === "object" ? "the long syntax takes target, published (port numbers), host_ip and protocol (tcp or udp)" : 'write "CONTAINER", "HOST:CONTAINER" or "IP:HOST:CONTAINER[/udp]", e.g. "8080:80"');
    else spec.ports.push(...parsed);
  });
  (raw.expose ?? []).forEach((e, i) => {
    const range = parseRange(String(e).replace(/\/(tcp|udp)$/, ""));
    if (!range) fail(`expose "${e}" is not a port or port range`, ["expose", i], 'write a port such as 8080 or a range such as "8000-8010"');
    else for (let p = range[0]; p <= range[1]; p++) spec.expose.push(p);
  });
  (raw.volumes ?? []).forEach((v, i) => {
    const mount = parseMount(v, ctx.workingDir);
    if (typeof mount === "string")
      fail(mount, ["volumes", i], typeof v === "object" ? "the long syntax takes type (bind, volume or tmpfs), source (a host path or volume name) and an absolute target" : 'write "SOURCE:TARGET[:ro]" with an absolute TARGET, e.g. "./data:/var/lib/data" or "dbdata:/var/lib/postgresql/data"');
    else {
      declaredAt.set(mount, ctx.source.locate([...ctx.path, "volumes", i]));
      spec.mounts.push(mount);
    }
  });
  if (Array.isArray(raw.depends_on)) {
    raw.depends_on.forEach((dep, i) => {
      spec.dependsOn[dep] = { condition: "service_started", restart: false, required: true };
      declaredAt.set(spec.dependsOn[dep], ctx.source.locate([...ctx.path, "depends_on", i]));
    });
  } else if (raw.depends_on) {
    for (const [dep, d] of Object.entries(raw.depends_on)) {
      spec.dependsOn[dep] = { condition: d.condition, restart: d.restart === true || d.restart === "true", required: d.required ?? true };
      declaredAt.set(spec.dependsOn[dep], ctx.source.locateKey([...ctx.path, "depends_on", dep]));
    }
  }
  deriveDependencies(raw, spec, ctx, fail);
  if (raw.healthcheck) {
    const h = raw.healthcheck;
    const disabled = h.disable === true || h.disable === "true";
    const hc = { test: disabled ? ["NONE"] : typeof h.test === "string" ? ["CMD-SHELL", h.test] : h.test ?? [] };
    if (hc.test.length > 0 && !["CMD", "CMD-SHELL", "NONE"].includes(hc.test[0]))
      fail(`healthcheck test must start with "CMD", "CMD-SHELL" or "NONE", not "${hc.test[0]}"`, ["healthcheck", "test"], 'write ["CMD", "pg_isready"] or a plain string, which runs in a shell');
    for (const [key, field] of [["interval", "intervalMs"], ["timeout", "timeoutMs"], ["start_period", "startPeriodMs"]]) {
      const text = h[key];
      if (text === void 0) continue;
      const ms = parseDuration(text);
      if (ms === void 0) fail(`healthcheck ${key} "${text}" is not a duration`, ["healthcheck", key], DURATION_HINT);
      else hc[field] = ms;
    }
    if (h.retries !== void 0) {
      const retries = typeof h.retries === "number" ? h.retries : /^\d+$/.test(h.retries.trim()) ? Number(h.retries) : NaN;
      if (Number.isInteger(retries) && retries >= 0) hc.retries = retries;
      else fail(`healthcheck retries "${h.retries}" is not a whole number`, ["healthcheck", "retries"], "write a count such as 3");
    }
    spec.healthcheck = hc;
  }
  if (Array.isArray(raw.networks)) {
    raw.networks.forEach((n, i) => {
      spec.networks[n] = { aliases: [] };
      declaredAt.set(spec.networks[n], ctx.source.locate([...ctx.path, "networks", i]));
    });
  } else if (raw.networks) {
    for (const [n, v] of Object.entries(raw.networks)) {
      spec.networks[n] = { aliases: v?.aliases ?? [] };
      declaredAt.set(spec.networks[n], ctx.source.locateKey([...ctx.path, "networks", n]));
    }
  }
  if (Array.isArray(raw.extra_hosts)) spec.extraHosts = raw.extra_hosts.map((h) => h.replace("=", ":"));
  else if (raw.extra_hosts)
    for (const [host, ips] of Object.entries(raw.extra_hosts)) for (const ip of typeof ips === "string" ? [ips] : ips) spec.extraHosts.push(`${host}:${ip}`);
  spec.ready = readinessFrom(raw["x-prenv"], fail);
  return spec;
}
function deriveDependencies(raw, spec, ctx, fail) {
  const derive = (service, restart, at) => {
    if (spec.dependsOn[service]) return;
    spec.dependsOn[service] = { condition: "service_started", restart, required: true };
    declaredAt.set(spec.dependsOn[service], ctx.source.locate([...ctx.path, ...at]));
  };
  (raw.links ?? []).forEach((link, i) => {
    const [service = "", alias = service] = link.split(":");
    spec.links.push({ service, alias });
    derive(service, true, ["links", i]);
  });
  (raw.volumes_from ?? []).forEach((entry, i) => {
    const parts = entry.split(":");
    const container = parts[0] === "container";
    const name = container ? parts[1] : parts[0];
    const mode = container ? parts[2] : parts[1];
    if (!name || mode !== void 0 && mode !== "ro" && mode !== "rw") {
      fail(`volumes_from "${entry}" is not SERVICE[:ro|rw] or container:NAME[:ro|rw]`, ["volumes_from", i], 'write e.g. "files:ro"');
      return;
    }
    spec.volumesFrom.push({ ...container ? { container: name } : { service: name }, readOnly: mode === "ro" });
    if (!container) derive(name, false, ["volumes_from", i]);
  });
  if (raw.network_mode !== void 0) {
    const service = /^service:(.+)$/.exec(raw.network_mode)?.[1];
    if (service) {
      spec.networkModeService = service;
      derive(service, true, ["network_mode"]);
    } else {
      ctx.diagnostics.push(
        warning(`network_mode "${raw.network_mode}" is not supported by prenv yet and is ignored; the service joins the environment's networks`, {
          location: ctx.source.locate([...ctx.path, "network_mode"]),
          service: ctx.name,
          hint: "only network_mode: service:NAME is run as written; remove the key to silence this"
        })
      );
    }
  }
  if (raw.ipc !== void 0) {
    const service = /^service:(.+)$/.exec(raw.ipc)?.[1];
    if (service) {
      spec.ipc = { service };
      derive(service, true, ["ipc"]);
    } else if (/^(shareable|private|host|none)$/.test(raw.ipc)) spec.ipc = raw.ipc;
    else fail(`ipc "${raw.ipc}" is not an IPC mode`, ["ipc"], 'use "shareable", "private", "host", "none" or "service:NAME"');
  }
}
var DURATION_HINT = 'write a duration such as "500ms", "10s", "1m30s" or "1h"';
function readinessFrom(ext, fail) {
  if (ext === void 0 || ext === null) return [];
  if (typeof ext !== "object" || Array.isArray(ext)) {
    fail("x-prenv of a service must be a mapping", ["x-prenv"], "write `x-prenv: { ready: [ { port: 8080 } ] }`");
    return [];
  }
  const ready = ext.ready;
  if (ready === void 0) return [];
  if (!Array.isArray(ready)) {
    fail("x-prenv.ready must be a list of checks", ["x-prenv", "ready"], READY_HINT);
    return [];
  }
  const checks = [];
  ready.forEach((item, i) => {
    const at = ["x-prenv", "ready", i];
    const entry = item ?? {};
    const keys = Object.keys(entry);
    if (keys.length !== 1) return fail("each readiness check has exactly one of port, http, log, command", at, READY_HINT);
    const value = entry[keys[0]];
    switch (keys[0]) {
      case "port": {
        const port2 = toPort(value);
        return port2 ? checks.push({ kind: "port", port: port2 }) : fail(`"${String(value)}" is not a port number`, [...at, "port"], READY_HINT);
      }
      case "http": {
        const h = value ?? {};
        const port2 = toPort(h.port);
        if (!port2) return fail("http readiness needs a port", [...at, "http"], READY_HINT);
        const status = h.status === void 0 ? 200 : Number(h.status);
        return checks.push({ kind: "http", port: port2, path: typeof h.path === "string" ? h.path : "/", status });
      }
      case "log":
        if (typeof value !== "string") return fail("log readiness needs a regular expression", [...at, "log"], READY_HINT);
        try {
          new RegExp(value);
        } catch (e) {
          return fail(`log readiness pattern is not a valid regular expression: ${e.message}`, [...at, "log"], READY_HINT);
        }
        return checks.push({ kind: "log", pattern: value });
      case "command": {
        const argv2 = toArgv(value);
        if (typeof argv2 === "string") return fail(argv2, [...at, "command"], QUOTE_HINT);
        return argv2 ? checks.push({ kind: "command", command: argv2 }) : fail("command readiness needs a command", [...at, "command"], READY_HINT);
      }
      default:
        return fail(`unknown readiness check "${keys[0]}"`, at, READY_HINT);
    }
  });
  return checks;
}
var READY_HINT = 'checks are { port: 8080 }, { http: { port: 8080, path: /healthz, status: 200 } }, { log: "ready to accept" } or { command: "pg_isready" }';
function toBool(v, at, fail) {
  if (typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  fail(`"${v}" is not a boolean`, at, "write true or false");
  return false;
}
function toRecord(v) {
  if (v === void 0) return {};
  if (Array.isArray(v)) {
    const out2 = {};
    for (const item of v) {
      const eq = item.indexOf("=");
      out2[eq < 0 ? item : item.slice(0, eq)] = eq < 0 ? "" : item.slice(eq + 1);
    }
    return out2;
  }
  const out = {};
  for (const [k, val] of Object.entries(v)) out[k] = val === null ? "" : String(val);
  return out;
}
function stringValues(v, lookup) {
  if (v === void 0) return {};
  const out = {};
  const entries = Array.isArray(v) ? v.map((item) => {
    const eq = item.indexOf("=");
    return eq < 0 ? [item, void 0] : [item.slice(0, eq), item.slice(eq + 1)];
  }) : Object.entries(v).map(([k, val]) => [k, val === null ? void 0 : String(val)]);
  for (const [key, value] of entries) {
    const resolved = value ?? lookup(key);
    if (resolved !== void 0) out[key] = resolved;
  }
  return out;
}
function toArgv(v) {
  if (v === null || v === void 0) return void 0;
  if (Array.isArray(v)) return v;
  return splitWords(v);
}
var QUOTE_HINT = "close the quote, or write the command as a list of words";
function splitWords(text) {
  const words = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === " " || c === "	" || c === "\n" || c === "\r") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "\\") {
      if (i + 1 < text.length) word += text[++i];
      continue;
    }
    if (c === "'" || c === '"') {
      const close = c === "'" ? text.indexOf("'", i + 1) : closingDoubleQuote(text, i + 1);
      if (close < 0) return `the command has an unclosed ${c === "'" ? "single" : "double"} quote: ${text}`;
      const body = text.slice(i + 1, close);
      word += c === "'" ? body : body.replace(/\\([\\"$`])/g, "$1");
      i = close;
      continue;
    }
    word += c;
  }
  if (inWord) words.push(word);
  return words;
}
function closingDoubleQuote(text, from) {
  for (let j = from; j < text.length; j++) {
    if (text[j] === "\\") j++;
    else if (text[j] === '"') return j;
  }
  return -1;
}
var UNITS = { h: 36e5, m: 6e4, s: 1e3, ms: 1, us: 1e-3, \u00B5s: 1e-3, ns: 1e-6 };
function parseDuration(text) {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1e3;
  const re = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(trimmed); m; m = re.exec(trimmed)) {
    total += Number(m[1]) * UNITS[m[2]];
    matched = re.lastIndex;
  }
  return matched === trimmed.length && matched > 0 ? Math.round(total) : void 0;
}
function toPort(v) {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : void 0;
}
function parseRange(text) {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) return void 0;
  const from = toPort(m[1]);
  const to = toPort(m[2] ?? m[1]);
  return from && to && to >= from ? [from, to] : void 0;
}
function parsePort(p) {
  if (typeof p === "object") {
    const target = toPort(p.target);
    if (!target) return `port target "${p.target}" is not a port number`;
    const protocol = (p.protocol ?? "tcp").toLowerCase();
    if (protocol !== "tcp" && protocol !== "udp") return `protocol "${p.protocol}" is not tcp or udp`;
    const spec = { target, protocol };
    if (p.published !== void 0 && p.published !== "") {
      const published2 = toPort(p.published);
      if (!published2) return `published port "${p.published}" is not a port number`;
      spec.published = published2;
    }
    if (p.host_ip) spec.hostIp = p.host_ip;
    return [spec];
  }
  const text = String(p);
  const [body, proto = "tcp", extra] = text.split("/");
  if (extra !== void 0 || proto !== "tcp" && proto !== "udp") return `port "${text}" has an unknown protocol`;
  const v6 = /^\[([^\]]+)\]:(.*)$/.exec(body);
  const parts = v6 ? [v6[1], ...v6[2].split(":")] : body.split(":");
  if (parts.length > 3 || parts.length === 0) return `port "${text}" is not a port mapping`;
  const containerPart = parts[parts.length - 1];
  const hostPart = parts.length >= 2 ? parts[parts.length - 2] : "";
  const hostIp = parts.length === 3 ? parts[0] : void 0;
  const targets = parseRange(containerPart);
  if (!targets) return `port "${text}": "${containerPart}" is not a container port or range`;
  let published;
  if (hostPart !== "") {
    published = parseRange(hostPart);
    if (!published) return `port "${text}": "${hostPart}" is not a host port or range`;
    const count = targets[1] - targets[0];
    if (count === 0 && published[1] > published[0]) return [{ target: targets[0], protocol: proto, published: published[0], publishedEnd: published[1], ...hostIp ? { hostIp } : {} }];
    if (published[1] - published[0] !== count && published[0] !== published[1]) return `port "${text}": host and container ranges differ in size`;
  }
  const out = [];
  for (let i = 0; i <= targets[1] - targets[0]; i++) {
    const spec = { target: targets[0] + i, protocol: proto };
    if (published) spec.published = published[0] === published[1] ? published[0] : published[0] + i;
    if (hostIp) spec.hostIp = hostIp;
    out.push(spec);
  }
  return out;
}
function parseMount(v, workingDir) {
  if (typeof v === "object") {
    const target2 = v.target;
    if (!target2 || !target2.startsWith("/")) return `volume target "${target2 ?? ""}" must be an absolute path in the container`;
    const readOnly2 = v.read_only === true || v.read_only === "true";
    switch (v.type) {
      case "bind":
        if (!v.source) return "a bind mount needs a source path";
        return { type: "bind", source: hostPath(v.source, workingDir), target: target2, readOnly: readOnly2, createHostPath: !(v.bind?.create_host_path === false || v.bind?.create_host_path === "false") };
      case "volume":
        return v.source ? { type: "volume", source: v.source, target: target2, readOnly: readOnly2 } : { type: "volume", target: target2, readOnly: readOnly2 };
      case "tmpfs":
        return { type: "tmpfs", target: target2 };
      default:
        return `volume type "${v.type}" is not supported yet (use bind, volume or tmpfs)`;
    }
  }
  const parts = v.split(":");
  if (parts.length === 1) {
    if (!v.startsWith("/")) return `volume "${v}": the container path must be absolute`;
    return { type: "volume", target: v, readOnly: false };
  }
  if (parts.length > 3) return `volume "${v}" has too many ":"-separated parts`;
  const [source, target, mode = "rw"] = parts;
  if (!target.startsWith("/")) return `volume "${v}": the container path "${target}" must be absolute`;
  const modes = mode.split(",");
  if (!modes.every((m) => /^(ro|rw|z|Z|cached|delegated|consistent|nocopy|shared|slave|private|rshared|rslave|rprivate)$/.test(m)))
    return `volume "${v}": unknown mode "${mode}"`;
  const readOnly = modes.includes("ro");
  if (source.startsWith(".") || source.startsWith("/") || source.startsWith("~"))
    return { type: "bind", source: hostPath(source, workingDir), target, readOnly, createHostPath: true };
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(source)) return `volume "${v}": "${source}" is neither a path nor a volume name`;
  return { type: "volume", source, target, readOnly };
}
function hostPath(source, workingDir) {
  if (source.startsWith("~")) return resolve(process.env.HOME ?? "/", `.${source.slice(1)}`);
  return isAbsolute(source) ? source : resolve(workingDir, source);
}

// src/definition/compose.ts
var DEFAULT_FILES = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];
var OVERRIDE_FILES = ["compose.override.yaml", "compose.override.yml", "docker-compose.override.yaml", "docker-compose.override.yml"];
function loadDefinition(options) {
  const diagnostics = [];
  const files = resolveFiles(options, diagnostics);
  if (files.length === 0) throw new DefinitionError(diagnostics);
  const workingDir = dirname(files[0]);
  const env = options.env ?? process.env;
  const envFiles = options.envFiles?.map((f) => resolve2(options.cwd, f));
  const dotenv = readEnvFiles(envFiles ?? [resolve2(workingDir, ".env")], envFiles !== void 0, env, diagnostics);
  const variables = options.variables ?? {};
  const used = {};
  const lookup = (name2) => {
    const value = variables[name2] ?? env[name2] ?? dotenv[name2];
    if (value !== void 0) used[name2] = value;
    return value;
  };
  const loader = new Loader(lookup, diagnostics, options.embedded);
  const project = loader.loadProject(files, workingDir);
  throwIfErrors(diagnostics);
  const profiles = /* @__PURE__ */ new Set([...options.profiles ?? [], ...(lookup("COMPOSE_PROFILES") ?? "").split(",").filter(Boolean)]);
  const name = projectName(options.projectName ?? lookup("COMPOSE_PROJECT_NAME") ?? project.name ?? basename(workingDir));
  const services = {};
  for (const [serviceName, { spec }] of project.services) {
    if (spec.profiles.length === 0 || spec.profiles.some((p) => profiles.has(p))) services[serviceName] = spec;
  }
  if (project.services.size === 0) {
    diagnostics.push(error(`${files.join(", ")} defines no services`, { location: { file: files[0], line: 1, column: 1 }, hint: "add a `services:` mapping with at least one service" }));
  }
  checkReferences(project, services, diagnostics);
  throwIfErrors(diagnostics);
  const hashed = { services, networks: project.networks, volumes: project.volumes };
  const hash = createHash("sha256").update(stableJson(hashed, (key) => key === "location")).digest("hex").slice(0, 16);
  return {
    name,
    workingDir,
    files,
    services,
    networks: project.networks,
    volumes: project.volumes,
    extensions: project.extensions,
    ...loader.embeddedValues ? { embedded: loader.embeddedValues } : {},
    hash,
    variablesUsed: used,
    warnings: diagnostics.filter((d) => d.severity === "warning")
  };
}
function resolveFiles(options, diagnostics) {
  if (options.files && options.files.length > 0) {
    const files = options.files.map((f) => resolve2(options.cwd, f));
    for (const f of files) {
      if (!existsSync2(f)) diagnostics.push(error(`compose file ${f} does not exist`, { hint: "check the path given with -f / --file" }));
    }
    return diagnostics.length > 0 ? [] : files;
  }
  const main = DEFAULT_FILES.map((f) => resolve2(options.cwd, f)).find((f) => existsSync2(f));
  if (!main) {
    diagnostics.push(
      error(`no compose file in ${options.cwd}`, { hint: `create compose.yaml there, or pass one with -f (looked for ${DEFAULT_FILES.join(", ")})` })
    );
    return [];
  }
  const override = OVERRIDE_FILES.map((f) => resolve2(options.cwd, f)).find((f) => existsSync2(f));
  return override ? [main, override] : [main];
}
function readEnvFiles(paths, explicit, env, diagnostics) {
  const out = {};
  for (const path of paths) {
    if (!existsSync2(path)) {
      if (explicit) diagnostics.push(error(`env file ${path} does not exist`, { hint: "check the path given with --env-file" }));
      continue;
    }
    const text = readDefinitionText(path, "env file", diagnostics);
    if (text === void 0) continue;
    const parsed = (0, import_dotenv2.parse)(text);
    for (const [k, v] of Object.entries(parsed)) {
      try {
        out[k] = interpolate(v, (n) => env[n] ?? out[n]);
      } catch (e) {
        if (!(e instanceof InterpolationError)) throw e;
        diagnostics.push(error(`${e.message} (in ${k})`, { location: { file: path, line: lineOf(text, k), column: 1 }, hint: e.hint }));
      }
    }
  }
  return out;
}
function lineOf(text, key) {
  const index = text.split("\n").findIndex((line) => new RegExp(`^\\s*(export\\s+)?${key}\\s*=`).test(line));
  return index < 0 ? 1 : index + 1;
}
var Loader = class {
  files = /* @__PURE__ */ new Map();
  resolved = /* @__PURE__ */ new Map();
  resolving = /* @__PURE__ */ new Set();
  /** Real paths of the files whose includes are being loaded, outermost first. */
  including = [];
  lookup;
  diagnostics;
  embedded;
  /** The interpolated prenv keys of the embedded file, once it is loaded. */
  embeddedValues;
  constructor(lookup, diagnostics, embedded) {
    this.lookup = lookup;
    this.diagnostics = diagnostics;
    this.embedded = embedded;
  }
  /** `at`: where the including file names these files, for findings about reading them. */
  loadProject(files, workingDir, at) {
    const project = { services: /* @__PURE__ */ new Map(), networks: {}, volumes: {}, extensions: {} };
    for (const file of files) {
      const loaded = this.loadFile(file, workingDir, at);
      if (!loaded) continue;
      const { raw, source } = loaded;
      if (raw.name !== void 0) project.name = raw.name;
      for (const [key, value] of Object.entries(raw)) if (key.startsWith("x-")) project.extensions[key] = value;
      const included = /* @__PURE__ */ new Map();
      this.including.push(realpathSync(file));
      try {
        for (const [i, inc] of (raw.include ?? []).entries()) {
          const { added, files: from } = this.include(project, inc, source, ["include", i], workingDir);
          for (const name of added) included.set(name, from);
        }
      } finally {
        this.including.pop();
      }
      for (const name of Object.keys(raw.services ?? {})) {
        const from = included.get(name);
        if (from) {
          this.diagnostics.push(
            error(`service "${name}" is defined both here and in the included ${from.join(", ")}`, {
              location: source.locateKey(["services", name]),
              hint: "rename one of them; an include may not redefine a service",
              service: name
            })
          );
          continue;
        }
        const spec = this.service(file, name);
        if (!spec) continue;
        const origin = { source, path: ["services", name] };
        const existing = project.services.get(name);
        project.services.set(name, { spec: existing ? mergeServices(existing.spec, spec) : spec, origin: existing?.origin ?? origin });
      }
      for (const [name, n] of Object.entries(raw.networks ?? {})) project.networks[name] = networkSpec(name, n, source, this.diagnostics);
      for (const [name, v] of Object.entries(raw.volumes ?? {})) project.volumes[name] = volumeSpec(name, v, source, this.diagnostics);
    }
    return project;
  }
  /** Adds the services of an included project; returns their names and the included files. */
  include(project, inc, source, path, workingDir) {
    const entry = typeof inc === "string" ? { path: inc } : inc;
    const paths = (typeof entry.path === "string" ? [entry.path] : entry.path).map((p) => resolve2(workingDir, p));
    const refuse = (message, hint) => {
      this.diagnostics.push(error(message, { location: source.locate(path), hint }));
      return { added: [], files: paths };
    };
    for (const p of paths) {
      let real;
      try {
        real = realpathSync(p);
      } catch (e) {
        const code = e.code;
        if (code === "ELOOP") return refuse(`included file ${p} is a loop of symbolic links`, "point the link at a real file");
        return refuse(`included file ${p} does not exist`, "fix the path; it is relative to the including file");
      }
      const seen = this.including.indexOf(real);
      if (seen !== -1) {
        const base = dirname(this.including[0]);
        const chain = [...this.including.slice(seen), real].map((f) => relative(base, f) || basename(f));
        return refuse(`include forms a cycle: ${chain.join(" -> ")}`, "remove one of these includes; a file may not include itself, directly or through others");
      }
    }
    const subDir = entry.project_directory ? resolve2(workingDir, entry.project_directory) : dirname(paths[0]);
    const sub = this.loadProject(paths, subDir, source.locate(path));
    const added = [];
    for (const [name, svc] of sub.services) {
      if (project.services.has(name)) {
        this.diagnostics.push(
          error(`service "${name}" is defined both here and in the included ${paths.join(", ")}`, {
            location: source.locate(path),
            hint: "rename one of them; an include may not redefine a service",
            service: name
          })
        );
        continue;
      }
      project.services.set(name, svc);
      added.push(name);
    }
    Object.assign(project.networks, { ...sub.networks, ...project.networks });
    Object.assign(project.volumes, { ...sub.volumes, ...project.volumes });
    return { added, files: paths };
  }
  loadFile(file, workingDir, at) {
    if (this.files.has(file)) return this.files.get(file);
    this.files.set(file, void 0);
    const source = readYaml(file, this.diagnostics, "compose file", at);
    if (!source) return void 0;
    if (!isMapping(source.value)) {
      this.diagnostics.push(error("a compose file must be a mapping at the top level", { location: source.locate([]), hint: "start with `services:`" }));
      return void 0;
    }
    let document = source.value;
    if (this.embedded?.file === file) {
      const prenvKeys = new Set(this.embedded.keys);
      const own = Object.fromEntries(Object.entries(document).filter(([key]) => prenvKeys.has(key) && key !== "params"));
      this.embeddedValues = this.interpolateTree(own, [], source);
      document = Object.fromEntries(Object.entries(document).filter(([key]) => !prenvKeys.has(key)));
    }
    const value = this.interpolateTree(document, [], source);
    checkKeys(value, source, this.diagnostics);
    const result = composeFileSchema.safeParse(value);
    if (!result.success) {
      for (const issue of result.error.issues) this.diagnostics.push(describeIssue(issue, source, COMPOSE_WORDS));
      return void 0;
    }
    const loaded = { source, raw: result.data, workingDir };
    this.files.set(file, loaded);
    return loaded;
  }
  interpolateTree(value, path, source) {
    if (typeof value === "string") {
      try {
        return interpolate(value, this.lookup, (name) => {
          const hint = name.startsWith("PRENV_") ? `prenv sets ${name} when the tests run: write $$${name}, with two dollars, so that the shell expands it then` : `set ${name} in the environment or in .env, give a default with \${${name}:-value}, or write $$ for a literal dollar sign`;
          this.diagnostics.push(warning(`variable ${name} is not set; an empty string is used`, { location: source.locate(path), hint }));
        });
      } catch (e) {
        if (!(e instanceof InterpolationError)) throw e;
        this.diagnostics.push(error(e.message, { location: source.locate(path), hint: e.hint }));
        return value;
      }
    }
    if (Array.isArray(value)) return value.map((v, i) => this.interpolateTree(v, [...path, i], source));
    if (value && typeof value === "object") {
      const out = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.interpolateTree(v, [...path, k], source);
      return out;
    }
    return value;
  }
  /** The service `name` of `file` with its `extends` chain applied. */
  service(file, name) {
    const key = `${file}\0${name}`;
    if (this.resolved.has(key)) return this.resolved.get(key);
    const loaded = this.files.get(file);
    if (!loaded) return void 0;
    const raw = loaded.raw.services?.[name] ?? {};
    const path = ["services", name];
    if (this.resolving.has(key)) {
      this.diagnostics.push(error(`service "${name}" extends itself through a chain of extends`, { location: loaded.source.locate([...path, "extends"]), service: name, hint: "break the cycle of `extends`" }));
      return void 0;
    }
    this.resolving.add(key);
    try {
      let spec = normalizeService(raw, { name, source: loaded.source, path, workingDir: loaded.workingDir, lookup: this.lookup, diagnostics: this.diagnostics });
      if (raw.extends !== void 0) {
        const ext = typeof raw.extends === "string" ? { service: raw.extends } : raw.extends;
        const baseFile = ext.file ? resolve2(loaded.workingDir, ext.file) : file;
        const at = loaded.source.locate([...path, "extends"]);
        if (ext.file && !existsSync2(baseFile)) {
          this.diagnostics.push(error(`extends refers to ${baseFile}, which does not exist`, { location: at, service: name, hint: "fix the file path; it is relative to this compose file" }));
          return void 0;
        }
        if (ext.file && !this.loadFile(baseFile, dirname(baseFile), at)) return void 0;
        const baseServices = Object.keys(this.files.get(baseFile)?.raw.services ?? {});
        if (!baseServices.includes(ext.service)) {
          const guess = didYouMean(ext.service, baseServices);
          this.diagnostics.push(error(`extends refers to service "${ext.service}", which ${ext.file ? `${ext.file} does` : "this file does"} not define`, { location: at, service: name, hint: guess ? `did you mean "${guess}"?` : `define "${ext.service}" or fix the name` }));
          return void 0;
        }
        const base = this.service(baseFile, ext.service);
        if (base) spec = mergeServices({ ...base, name, location: spec.location }, spec);
      }
      this.resolved.set(key, spec);
      return spec;
    } finally {
      this.resolving.delete(key);
    }
  }
};
function mergeServices(base, over) {
  const merged = {
    ...base,
    ...definedFields(over),
    environment: { ...base.environment, ...over.environment },
    labels: { ...base.labels, ...over.labels },
    dependsOn: { ...base.dependsOn, ...over.dependsOn },
    networks: { ...base.networks, ...over.networks },
    ports: uniqueBy([...base.ports, ...over.ports], (p) => JSON.stringify(p)),
    expose: [.../* @__PURE__ */ new Set([...base.expose, ...over.expose])],
    mounts: [...new Map([...base.mounts, ...over.mounts].map((m) => [m.target, m])).values()],
    profiles: over.profiles.length > 0 ? over.profiles : base.profiles,
    extraHosts: [.../* @__PURE__ */ new Set([...base.extraHosts, ...over.extraHosts])],
    capAdd: [.../* @__PURE__ */ new Set([...base.capAdd, ...over.capAdd])],
    tmpfs: [.../* @__PURE__ */ new Set([...base.tmpfs, ...over.tmpfs])],
    links: uniqueBy([...base.links, ...over.links], (l) => `${l.service}:${l.alias}`),
    volumesFrom: uniqueBy([...base.volumesFrom, ...over.volumesFrom], (v) => `${v.service ?? ""}:${v.container ?? ""}`),
    ready: over.ready.length > 0 ? over.ready : base.ready
  };
  if (base.build && over.build) {
    const defaulted = defaultedBuildKeys.get(over.build) ?? [];
    const given = Object.fromEntries(Object.entries(over.build).filter(([k]) => !defaulted.includes(k)));
    merged.build = { ...base.build, ...given, args: { ...base.build.args, ...over.build.args } };
    const baseDefaulted = defaultedBuildKeys.get(base.build) ?? [];
    defaultedBuildKeys.set(merged.build, defaulted.filter((k) => baseDefaulted.includes(k)));
  }
  if (base.healthcheck && over.healthcheck) merged.healthcheck = { ...base.healthcheck, ...definedFields(over.healthcheck), test: over.healthcheck.test.length > 0 ? over.healthcheck.test : base.healthcheck.test };
  return merged;
}
function uniqueBy(items, key) {
  return [...new Map(items.map((i) => [key(i), i])).values()];
}
function networkSpec(name, raw, source, diagnostics) {
  const n = raw ?? {};
  const external = n.external === true || n.external === "true" || typeof n.external === "object" && n.external !== null;
  if (!external) warnOwnName("network", name, n.name, source, diagnostics);
  if (n.driver && n.driver !== "bridge") diagnostics.push(error(`network "${name}" uses driver "${n.driver}"; prenv supports bridge networks only`, { location: source.locate(["networks", name, "driver"]), hint: "remove the driver (bridge is the default)" }));
  return { name: n.name || name, external, internal: n.internal === true || n.internal === "true", labels: labelRecord(n.labels), ...n.driver ? { driver: n.driver } : {} };
}
function volumeSpec(name, raw, source, diagnostics) {
  const v = raw ?? {};
  const external = v.external === true || v.external === "true" || typeof v.external === "object" && v.external !== null;
  if (!external) warnOwnName("volume", name, v.name, source, diagnostics);
  return { name: v.name || name, external, labels: labelRecord(v.labels), ...v.driver ? { driver: v.driver } : {} };
}
function warnOwnName(kind, key, name, source, diagnostics) {
  if (!name || name === key) return;
  diagnostics.push(
    warning(`${kind} "${key}" is created as <environment>_${key}, not as "${shorten(name)}": prenv names what it creates per environment so that environments can run side by side`, {
      location: source.locateKey([`${kind}s`, key, "name"]),
      hint: `to share an existing ${kind} with other projects, declare it \`external: true\` with \`name: ${shorten(name)}\``
    })
  );
}
function labelRecord(v) {
  if (!v) return {};
  if (Array.isArray(v)) return Object.fromEntries(v.map((s) => [s.split("=")[0], s.split("=").slice(1).join("=")]));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x === null ? "" : String(x)]));
}
function checkReferences(project, services, diagnostics) {
  const all = [...project.services.keys()];
  for (const [name, spec] of Object.entries(services)) {
    const origin = project.services.get(name).origin;
    const at = (path) => origin.source.locate([...origin.path, ...path]);
    if (!spec.image && !spec.build) {
      diagnostics.push(error(`service "${name}" has neither an image nor a build section`, { location: spec.location, service: name, hint: "add `image: <name>` or `build: <directory>`" }));
    }
    for (const [dep, d] of Object.entries(spec.dependsOn)) {
      if (services[dep]) continue;
      const other = project.services.get(dep);
      if (other) {
        if (!d.required) continue;
        diagnostics.push(error(`service "${name}" depends on "${dep}", which is only enabled with profile ${other.spec.profiles.map((p) => `"${p}"`).join(" or ")}`, { location: declaredAt.get(d) ?? at(["depends_on", dep]), service: name, hint: `enable it with --profile ${other.spec.profiles[0]}, or mark the dependency \`required: false\`` }));
        continue;
      }
      const guess = didYouMean(dep, all);
      diagnostics.push(error(`service "${name}" depends on "${dep}", which is not defined`, { location: declaredAt.get(d) ?? at(["depends_on", dep]), service: name, hint: guess ? `did you mean "${guess}"?` : `define a service "${dep}" or remove the dependency` }));
    }
    for (const [net, n] of Object.entries(spec.networks)) {
      if (net === "default" || project.networks[net]) continue;
      const guess = didYouMean(net, Object.keys(project.networks));
      diagnostics.push(error(`service "${name}" uses network "${net}", which is not declared under the top-level networks`, { location: declaredAt.get(n) ?? at(["networks", net]), service: name, hint: guess ? `did you mean "${guess}"?` : `add "${net}:" under the top-level networks key` }));
    }
    spec.mounts.forEach((m) => {
      const mountAt = declaredAt.get(m) ?? at(["volumes"]);
      if (m.type === "volume" && m.source && !project.volumes[m.source]) {
        const guess = didYouMean(m.source, Object.keys(project.volumes));
        diagnostics.push(error(`service "${name}" mounts volume "${m.source}", which is not declared under the top-level volumes`, { location: mountAt, service: name, hint: guess ? `did you mean "${guess}"?` : `add "${m.source}:" under the top-level volumes key, or write "./${m.source}" for a directory` }));
      }
      if (m.type === "bind" && !existsSync2(m.source)) {
        if (!m.createHostPath) {
          diagnostics.push(error(`service "${name}" mounts ${m.source}, which does not exist (bind.create_host_path is false)`, { location: mountAt, service: name, hint: "create the path first, fix it, or drop `create_host_path: false` to have it created as a directory" }));
        } else {
          const looksLikeFile = /\.[A-Za-z0-9]{1,8}$/.test(basename(m.source));
          diagnostics.push(
            warning(`service "${name}" mounts ${m.source}, which does not exist: it is created as an empty directory when the environment starts, as Compose does`, {
              location: mountAt,
              service: name,
              hint: looksLikeFile ? `${basename(m.source)} looks like a file name: create the file first, or the container sees a directory there` : "create it first if the container expects contents; relative paths start at the compose file's directory"
            })
          );
        }
      } else if (m.type === "bind" && !statSync2(m.source, { throwIfNoEntry: false })) {
        diagnostics.push(error(`service "${name}" mounts ${m.source}, which cannot be read`, { location: mountAt, service: name, hint: "check its permissions" }));
      }
    });
  }
  const cycle = findCycle(services);
  if (cycle) {
    const first = project.services.get(cycle[0]);
    diagnostics.push(error(`depends_on forms a cycle: ${cycle.join(" -> ")}`, { location: first.origin.source.locate([...first.origin.path, "depends_on"]), service: cycle[0], hint: "remove one of these dependencies; services must start in some order" }));
  }
}
function findCycle(services) {
  const state = /* @__PURE__ */ new Map();
  const stack = [];
  const visit = (name) => {
    if (state.get(name) === "done") return void 0;
    if (state.get(name) === "visiting") return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, "visiting");
    stack.push(name);
    for (const dep of Object.keys(services[name]?.dependsOn ?? {})) {
      if (!services[dep]) continue;
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(name, "done");
    return void 0;
  };
  for (const name of Object.keys(services).sort()) {
    const found = visit(name);
    if (found) return found;
  }
  return void 0;
}
function projectName(name) {
  const clean = name.toLowerCase().replace(/[^a-z0-9_-]+/g, "").replace(/^[-_]+/, "");
  return clean || "prenv";
}
var FORMS = {
  command: 'write a string such as `npm start` or a list such as ["npm", "start"]',
  entrypoint: 'write a string such as `/entrypoint.sh` or a list such as ["/entrypoint.sh", "--verbose"]',
  environment: 'write a mapping (`KEY: value`) or a list of "KEY=value" strings',
  labels: 'write a mapping (`com.example.team: api`) or a list of "KEY=value" strings',
  args: 'write a mapping (`VERSION: "1.2"`) or a list of "KEY=value" strings',
  ports: 'write a list, e.g. `ports: ["8080:80"]`',
  expose: 'write a list, e.g. `expose: ["3000"]`',
  volumes: 'write a list, e.g. `volumes: ["./data:/var/lib/data"]`',
  healthcheck: 'write a mapping, e.g. `healthcheck: { test: "curl -f http://localhost", interval: 10s }`',
  depends_on: "write a list of service names, or a mapping of name to `{ condition: service_healthy }`",
  networks: "write a list of network names, or a mapping of name to `{ aliases: [...] }`",
  env_file: "write a path such as `.env.local` or a list of paths",
  profiles: 'write a list, e.g. `profiles: ["debug"]`',
  build: "write a directory such as `.` or a mapping with `context` and `dockerfile`",
  test: 'write a string, which runs in a shell, or a list such as ["CMD", "pg_isready"]'
};
function formsHint(path, where) {
  const key = [...path].reverse().find((p) => typeof p === "string");
  return key !== void 0 && FORMS[key] || `see the Compose Specification for the forms ${where} takes`;
}
var COMPOSE_WORDS = {
  describePath,
  formsHint,
  service: (path) => path[0] === "services" && typeof path[1] === "string" ? path[1] : void 0,
  reference: "the Compose Specification"
};
function describePath(path) {
  if (path.length === 0) return "the file";
  if (path[0] === "services" && path.length >= 2) {
    const rest = path.slice(2);
    return rest.length === 0 ? `service "${path[1]}"` : `"${rest.join(".")}" of service "${path[1]}"`;
  }
  return `"${path.join(".")}"`;
}

// src/definition/prenv-schema.ts
var argv = external_exports.union([external_exports.string(), external_exports.array(external_exports.string())]);
var envMap = external_exports.record(external_exports.string(), external_exports.union([external_exports.string(), external_exports.number(), external_exports.boolean()]));
var port = external_exports.union([external_exports.number().int(), external_exports.string()]);
var stepCommon = {
  name: external_exports.string().optional(),
  timeout: external_exports.string().optional()
};
var execSchema = external_exports.looseObject({
  service: external_exports.string(),
  command: argv,
  user: external_exports.string().optional(),
  workdir: external_exports.string().optional(),
  env: envMap.optional()
});
var runSchema = external_exports.looseObject({
  image: external_exports.string(),
  command: argv.optional(),
  entrypoint: argv.optional(),
  env: envMap.optional(),
  workdir: external_exports.string().optional(),
  volumes: external_exports.array(external_exports.string()).optional()
});
var httpSchema = external_exports.looseObject({
  service: external_exports.string(),
  port,
  path: external_exports.string().optional(),
  method: external_exports.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]).optional(),
  headers: external_exports.record(external_exports.string(), external_exports.string()).optional(),
  body: external_exports.string().optional(),
  expect: external_exports.union([external_exports.number().int(), external_exports.looseObject({ status: external_exports.number().int().optional(), body: external_exports.string().optional() })]).optional()
});
var copySchema = external_exports.looseObject({
  service: external_exports.string(),
  from: external_exports.string(),
  to: external_exports.string()
});
var STEP_KINDS = { exec: execSchema, run: runSchema, http: httpSchema, copy: copySchema };
var TEST_RUNNERS = ["node", "pytest", "jest", "vitest", "go", "maven"];
var testSchema = external_exports.looseObject({
  runner: external_exports.enum(TEST_RUNNERS).optional(),
  command: argv.optional(),
  service: external_exports.string().optional(),
  workdir: external_exports.string().optional(),
  env: envMap.optional(),
  timeout: external_exports.string().optional(),
  reports: external_exports.union([external_exports.string(), external_exports.array(external_exports.string())]).optional()
});
var PRENV_KEYS = ["compose", "params", "setup", "test", "chaos", "preview"];
var RESERVED_KEYS = ["chaos", "preview"];

// src/definition/environment.ts
var PRENV_FILES = ["prenv.yml", "prenv.yaml"];
var DEFAULT_STEP_TIMEOUT_MS = 2 * 6e4;
var DEFAULT_TEST_TIMEOUT_MS = 30 * 6e4;
function loadEnvironment(options) {
  const diagnostics = [];
  const env = options.env ?? process.env;
  const prenvFile = findPrenvFile(options, diagnostics);
  throwIfErrors(diagnostics);
  let section;
  let composeFiles = options.files;
  if (prenvFile) {
    const source = readYaml(prenvFile, diagnostics);
    throwIfErrors(diagnostics);
    section = { source, base: [] };
    checkTopKeys(source, diagnostics);
    if (!composeFiles?.length) composeFiles = composeListOf(source, diagnostics);
  } else {
    const files = resolveFiles({ ...options }, diagnostics);
    throwIfErrors(diagnostics);
    for (const file of files) {
      const source = readYaml(file, diagnostics, "compose file");
      if (source && isMapping(source.value) && source.value["x-prenv"] !== void 0) {
        section = { source, base: ["x-prenv"] };
        break;
      }
    }
    composeFiles = files;
  }
  throwIfErrors(diagnostics);
  const specs = section ? parseParamSpecs(section.source, [...section.base, "params"], diagnostics) : [];
  const inputs = { set: options.set ?? [], secrets: options.secrets ?? [], env, files: (options.paramsFiles ?? []).flatMap((f) => {
    const path = resolve3(options.cwd, f);
    if (!existsSync3(path)) {
      diagnostics.push(error(`params file ${path} does not exist`, { hint: "check the path given with --params-file" }));
      return [];
    }
    const source = readYaml(path, diagnostics);
    return source ? [{ source }] : [];
  }) };
  const params = resolveParams(specs, inputs, diagnostics);
  throwIfErrors(diagnostics);
  const variables = Object.fromEntries(Object.values(params).flatMap((p) => p.value === void 0 ? [] : [[p.spec.name, renderParam(p.value)]]));
  let definition;
  try {
    const files = [...composeFiles ?? []];
    if (prenvFile && !files.includes(prenvFile)) files.push(prenvFile);
    definition = loadDefinition({
      ...options,
      files,
      env,
      variables,
      ...prenvFile ? { embedded: { file: prenvFile, keys: PRENV_KEYS } } : {}
    });
    diagnostics.push(...definition.warnings);
  } catch (e) {
    if (!(e instanceof DefinitionError)) throw e;
    diagnostics.push(...e.warnings, ...e.diagnostics);
  }
  throwIfErrors(diagnostics);
  const baseDir = prenvFile ? dirname2(prenvFile) : definition.workingDir;
  const values = prenvFile ? definition.embedded ?? {} : asRecord(definition.extensions["x-prenv"]);
  const reader = new SectionReader(section?.source, section?.base ?? [], baseDir, definition, diagnostics);
  if (!prenvFile && section) reader.checkSectionKeys(values);
  const setup = reader.setup(values.setup);
  const test = reader.test(values.test);
  throwIfErrors(diagnostics);
  definition.warnings = diagnostics.filter((d) => d.severity === "warning");
  return {
    definition,
    params,
    setup,
    ...test ? { test } : {},
    ...section ? { file: section.source.file } : {},
    baseDir
  };
}
function findPrenvFile(options, diagnostics) {
  if (options.definition) {
    const path = resolve3(options.cwd, options.definition);
    if (!existsSync3(path)) diagnostics.push(error(`definition ${path} does not exist`, { hint: "check the path given with --definition" }));
    return path;
  }
  const named = options.files?.map((f) => resolve3(options.cwd, f)).find((f) => PRENV_FILES.includes(basename2(f)));
  if (named) return named;
  if (options.files?.length) return void 0;
  return PRENV_FILES.map((f) => resolve3(options.cwd, f)).find((f) => existsSync3(f));
}
var COMPOSE_TOP = ["name", "services", "networks", "volumes", "include", "version"];
function checkTopKeys(source, diagnostics) {
  if (!isMapping(source.value)) {
    diagnostics.push(error("prenv.yml must be a mapping at the top level", { location: source.locate([]), hint: "start with `compose: [docker-compose.yml]` or `services:`" }));
    return;
  }
  for (const key of Object.keys(source.value)) {
    if (key.startsWith("x-") || COMPOSE_TOP.includes(key) || PRENV_KEYS.includes(key)) {
      if (RESERVED_KEYS.includes(key)) {
        diagnostics.push(warning(`"${key}" is not supported by this version of prenv yet and is ignored`, { location: source.locateKey([key]), hint: "remove it, or expect it to have no effect" }));
      }
      continue;
    }
    const guess = didYouMean(key, [...PRENV_KEYS, ...COMPOSE_TOP]);
    diagnostics.push(error(`unknown key "${key}" in prenv.yml`, { location: source.locateKey([key]), hint: guess ? `did you mean "${guess}"?` : `prenv.yml has ${PRENV_KEYS.join(", ")} and compose's ${COMPOSE_TOP.join(", ")}` }));
  }
}
function composeListOf(source, diagnostics) {
  const raw = source.value.compose;
  if (raw === void 0 || raw === null) return [];
  const list = typeof raw === "string" ? [raw] : raw;
  if (!Array.isArray(list) || !list.every((f) => typeof f === "string")) {
    diagnostics.push(error('"compose" must be a file name or a list of file names', { location: source.locate(["compose"]), hint: "write compose: [docker-compose.yml]" }));
    return [];
  }
  const dir = dirname2(source.file);
  return list.map((f, i) => {
    const path = resolve3(dir, f);
    if (!existsSync3(path)) diagnostics.push(error(`compose file ${f} does not exist (looked for ${path})`, { location: source.locate(["compose", ...typeof raw === "string" ? [] : [i]]), hint: "fix the path; it is relative to prenv.yml" }));
    return path;
  });
}
var PRENV_WORDS = {
  describePath: (path) => {
    const shown = path.filter((p) => p !== "x-prenv");
    return shown.length === 0 ? "prenv's section" : `"${shown.map((p) => typeof p === "number" ? `[${p}]` : p).join(".").replace(/\.\[/g, "[")}"`;
  },
  formsHint: (_path, where) => `see docs/prenv-yml.md for the forms ${where} takes`,
  service: () => void 0,
  reference: "docs/prenv-yml.md"
};
var SectionReader = class {
  source;
  base;
  baseDir;
  definition;
  diagnostics;
  constructor(source, base, baseDir, definition, diagnostics) {
    this.source = source;
    this.base = base;
    this.baseDir = baseDir;
    this.definition = definition;
    this.diagnostics = diagnostics;
  }
  at(path, key = false) {
    if (!this.source) return { file: this.definition.files[0] ?? "", line: 1, column: 1 };
    return key ? this.source.locateKey([...this.base, ...path]) : this.source.locate([...this.base, ...path]);
  }
  fail(message, path, hint, key = false) {
    this.diagnostics.push(error(message, { location: this.at(path, key), hint }));
  }
  checkSectionKeys(values) {
    const allowed = PRENV_KEYS.filter((k) => k !== "compose");
    for (const key of Object.keys(values)) {
      if (allowed.includes(key)) continue;
      const guess = didYouMean(key, allowed);
      this.fail(`unknown key "${key}" in x-prenv`, [key], guess ? `did you mean "${guess}"?` : `x-prenv has ${allowed.join(", ")}`, true);
    }
  }
  keys(value, path, allowed, where) {
    for (const key of Object.keys(value)) {
      if (allowed.includes(key) || key.startsWith("x-")) continue;
      const guess = didYouMean(key, allowed);
      this.fail(`unknown key "${key}" in ${where}`, [...path, key], guess ? `did you mean "${guess}"?` : `${where} has ${allowed.join(", ")}`, true);
    }
  }
  parse(schema, value, path) {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      const shifted = { ...issue, path: [...this.base, ...path, ...issue.path] };
      this.diagnostics.push(this.source ? describeIssue(shifted, this.source, PRENV_WORDS) : error(issue.message));
    }
    return void 0;
  }
  duration(text, path, fallback) {
    if (text === void 0) return fallback;
    const ms = parseDuration(text);
    if (ms === void 0 || ms <= 0) {
      this.fail(`"${text}" is not a duration`, path, 'write a duration such as "30s", "5m" or "1h"');
      return fallback;
    }
    return ms;
  }
  service(name, path) {
    if (this.definition.services[name]) return;
    const names = Object.keys(this.definition.services);
    const guess = didYouMean(name, names);
    this.fail(`service "${name}" is not defined`, path, guess ? `did you mean "${guess}"?` : `the services are ${names.join(", ")}`);
  }
  argv(value, path) {
    const argv2 = toArgv(value);
    if (typeof argv2 === "string") {
      this.fail(argv2, path, "close the quote, or write the command as a list");
      return void 0;
    }
    if (!argv2 || argv2.length === 0) {
      this.fail("the command is empty", path, "write the command to run");
      return void 0;
    }
    return argv2;
  }
  setup(raw) {
    if (raw === void 0 || raw === null) return [];
    if (!Array.isArray(raw)) {
      this.fail('"setup" must be a list of steps', ["setup"], "write setup: [ { exec: { service: db, command: [...] } } ]");
      return [];
    }
    const steps = [];
    raw.forEach((item, i) => {
      const path = ["setup", i];
      if (!isMapping(item)) {
        this.fail(`setup step ${i + 1} must be a mapping`, path, "write one of exec, run, http, copy");
        return;
      }
      const kinds = Object.keys(item).filter((k) => k in STEP_KINDS);
      if (kinds.length !== 1) {
        this.keys(item, path, [...Object.keys(STEP_KINDS), ...Object.keys(stepCommon)], `setup step ${i + 1}`);
        this.fail(kinds.length === 0 ? `setup step ${i + 1} says nothing to do` : `setup step ${i + 1} has ${kinds.join(" and ")}: one per step`, path, "give exactly one of exec, run, http, copy");
        return;
      }
      const kind = kinds[0];
      this.keys(item, path, [kind, ...Object.keys(stepCommon)], `setup step ${i + 1}`);
      const inner = item[kind];
      const schema = STEP_KINDS[kind];
      if (isMapping(inner)) this.keys(inner, [...path, kind], Object.keys(schema.shape), `${kind} step`);
      const data = this.parse(schema, inner, [...path, kind]);
      const name = typeof item.name === "string" ? item.name : void 0;
      const timeoutMs = this.duration(typeof item.timeout === "string" ? item.timeout : void 0, [...path, "timeout"], DEFAULT_STEP_TIMEOUT_MS);
      if (!data) return;
      const base = { timeoutMs, location: this.at(path) };
      const env = (e) => Object.fromEntries(Object.entries(e ?? {}).map(([k, v]) => [k, String(v)]));
      switch (kind) {
        case "exec": {
          const d = data;
          this.service(d.service, [...path, kind, "service"]);
          const command2 = this.argv(d.command, [...path, kind, "command"]);
          if (!command2) return;
          steps.push({ kind, ...base, name: name ?? `exec in ${d.service}: ${command2.join(" ")}`, service: d.service, command: command2, env: env(d.env), ...d.user ? { user: d.user } : {}, ...d.workdir ? { workdir: d.workdir } : {} });
          return;
        }
        case "run": {
          const d = data;
          const bad = imageProblem(d.image);
          if (bad) this.fail(bad.problem, [...path, kind, "image"], bad.hint);
          const command2 = d.command === void 0 ? void 0 : this.argv(d.command, [...path, kind, "command"]);
          const entrypoint = d.entrypoint === void 0 ? void 0 : this.argv(d.entrypoint, [...path, kind, "entrypoint"]);
          const mounts = [];
          (d.volumes ?? []).forEach((v, j) => {
            const mount = parseMount(v, this.baseDir);
            if (typeof mount === "string") this.fail(mount, [...path, kind, "volumes", j], 'write "./host/path:/container/path[:ro]"');
            else if (mount.type === "volume" && mount.source && !this.definition.volumes[mount.source]) this.fail(`volume "${mount.source}" is not declared under the top-level volumes`, [...path, kind, "volumes", j], "declare it, or use a ./path for a directory");
            else mounts.push(mount);
          });
          steps.push({ kind, ...base, name: name ?? `run ${d.image}${command2 ? ` ${command2.join(" ")}` : ""}`, image: d.image, env: env(d.env), mounts, ...command2 ? { command: command2 } : {}, ...entrypoint ? { entrypoint } : {}, ...d.workdir ? { workdir: d.workdir } : {} });
          return;
        }
        case "http": {
          const d = data;
          this.service(d.service, [...path, kind, "service"]);
          const port2 = Number(d.port);
          if (!Number.isInteger(port2) || port2 <= 0 || port2 > 65535) this.fail(`"${d.port}" is not a port number`, [...path, kind, "port"], "write the container port, e.g. 8080");
          const expect = typeof d.expect === "number" ? { status: d.expect } : d.expect ?? {};
          const p = (d.path ?? "/").startsWith("/") ? d.path ?? "/" : `/${d.path}`;
          steps.push({ kind, ...base, name: name ?? `${d.method ?? "GET"} ${d.service}:${port2}${p}`, service: d.service, port: port2, path: p, method: d.method ?? "GET", headers: d.headers ?? {}, expectStatus: expect.status ?? 200, ...d.body !== void 0 ? { body: d.body } : {}, ...expect.body !== void 0 ? { expectBody: expect.body } : {} });
          return;
        }
        case "copy": {
          const d = data;
          this.service(d.service, [...path, kind, "service"]);
          const from = resolve3(this.baseDir, d.from);
          if (!existsSync3(from)) this.fail(`copy source ${from} does not exist`, [...path, kind, "from"], "fix the path; it is relative to the definition's directory");
          if (!d.to.startsWith("/")) this.fail(`copy target "${d.to}" must be an absolute path in the container`, [...path, kind, "to"], "write e.g. /seed/");
          steps.push({ kind, ...base, name: name ?? `copy ${d.from} to ${d.service}:${d.to}`, service: d.service, from, to: d.to });
          return;
        }
      }
    });
    return steps;
  }
  test(raw) {
    if (raw === void 0 || raw === null) return void 0;
    const path = ["test"];
    if (isMapping(raw)) this.keys(raw, path, Object.keys(testSchema.shape), "test");
    const d = this.parse(testSchema, raw, path);
    if (!d) return void 0;
    const timeoutMs = this.duration(d.timeout, [...path, "timeout"], DEFAULT_TEST_TIMEOUT_MS);
    const reports = d.reports === void 0 ? [] : typeof d.reports === "string" ? [d.reports] : d.reports;
    const common = {
      workdir: resolve3(this.baseDir, d.workdir ?? "."),
      env: Object.fromEntries(Object.entries(d.env ?? {}).map(([k, v]) => [k, String(v)])),
      timeoutMs,
      reports,
      location: this.at(path)
    };
    if (d.workdir && !existsSync3(common.workdir)) this.fail(`test workdir ${common.workdir} does not exist`, [...path, "workdir"], "fix the path; it is relative to the definition's directory");
    if (d.command === void 0 === (d.service === void 0)) {
      this.fail("test needs exactly one of command (run on this machine) or service (run inside the environment)", path, "write test: { command: npm run test:integration } or test: { service: tests }", true);
      return void 0;
    }
    if (d.service !== void 0) {
      this.service(d.service, [...path, "service"]);
      return { ...common, mode: "service", service: d.service };
    }
    const command2 = typeof d.command === "string" ? ["/bin/sh", "-c", d.command] : this.argv(d.command, [...path, "command"]);
    return command2 ? { ...common, mode: "command", command: command2, ...d.runner ? { runner: d.runner } : {} } : void 0;
  }
};
function asRecord(v) {
  return isMapping(v) ? v : {};
}

// src/manifest/manifest.ts
import { createHash as createHash2 } from "node:crypto";
var MANIFEST_VERSION = 1;
var MANIFEST_FILE = "manifest.json";
function buildManifest(draft, report) {
  const images = report.services.map((s) => ({
    service: s.name,
    reference: s.image,
    id: s.imageId ?? "",
    ...s.digest ? { digest: s.digest } : {},
    built: s.built === true,
    ...s.baseImages?.length ? { baseImages: s.baseImages } : {}
  }));
  const failedTests = (report.tests?.cases ?? []).filter((c) => c.status === "failed" || c.status === "error").map((c) => ({ ...c.suite ? { suite: c.suite } : {}, name: c.name, ...c.file ? { file: c.file } : {} }));
  return seal({ ...draft, images, outcome: report.outcome, failedTests });
}
function seal(draft) {
  const body = { manifestVersion: MANIFEST_VERSION, ...draft };
  return { ...body, checksum: checksumOf(body) };
}
function checksumOf(body) {
  return `sha256:${createHash2("sha256").update(stableJson(body)).digest("hex")}`;
}
function imageDifferences(then, now) {
  const out = [];
  for (const before of then.filter((i) => i.built)) {
    const after = now.find((i) => i.service === before.service);
    if (!after) continue;
    if (after.reference !== before.reference) out.push(`service ${before.service} was built from other content than in the run (${after.reference}, the run had ${before.reference})`);
    for (const base of before.baseImages ?? []) {
      const current = after.baseImages?.find((b) => b.reference === base.reference);
      if (current && current.id !== base.id) out.push(`service ${before.service}'s base image ${base.reference} is ${current.id.slice(0, 19)} here, the run had ${base.id.slice(0, 19)}${base.digest ? ` (${base.digest}: pull it and tag it ${base.reference} to build on the same one)` : ""}`);
    }
  }
  return out;
}
var ManifestError = class extends Error {
  hint;
  constructor(message, hint, options) {
    super(message, options);
    this.name = "ManifestError";
    this.hint = hint;
  }
};
function parseManifest(text, file, prenvVersion) {
  let value;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ManifestError(`${file} is not JSON (${cause.message})`, "download it again from the run's artifact", { cause });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ManifestError(`${file} is not a prenv run manifest`, "point --manifest at the manifest.json of a run's results folder");
  const record = value;
  const version = record.manifestVersion;
  if (typeof version !== "number") throw new ManifestError(`${file} is not a prenv run manifest (it has no manifestVersion)`, "point --manifest at the manifest.json of a run's results folder");
  if (version > MANIFEST_VERSION) {
    const by = typeof record.prenvVersion === "string" ? record.prenvVersion : "a newer prenv";
    throw new ManifestError(`${file} was written by prenv ${by}, in a manifest format this prenv (${prenvVersion}) does not know`, `run it with that version: npx prenv@${by} repro --manifest ${file}`);
  }
  const { checksum, ...body } = record;
  if (typeof checksum !== "string" || checksum !== checksumOf(body)) {
    throw new ManifestError(`${file} has been changed since prenv wrote it (its checksum does not match)`, "use the manifest.json exactly as the run's artifact holds it");
  }
  const parsed = manifestSchema.safeParse(record);
  if (!parsed.success) throw new ManifestError(`${file} is not a valid prenv run manifest: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}`, "use the manifest.json exactly as the run's artifact holds it");
  return parsed.data;
}
var sha = external_exports.string().regex(/^[0-9a-f]{40}$/);
var testRecord = external_exports.object({ suite: external_exports.string().optional(), name: external_exports.string(), file: external_exports.string().optional() });
var manifestSchema = external_exports.object({
  manifestVersion: external_exports.literal(MANIFEST_VERSION),
  prenvVersion: external_exports.string(),
  createdAt: external_exports.string(),
  source: external_exports.object({
    repository: external_exports.string().optional(),
    commit: sha,
    tree: sha,
    pullRequest: external_exports.object({ number: external_exports.number().int().positive(), head: sha, base: sha, merged: external_exports.boolean() }).optional(),
    dirty: external_exports.boolean()
  }),
  workingDirectory: external_exports.string(),
  definition: external_exports.string().optional(),
  composeFiles: external_exports.array(external_exports.string()),
  profiles: external_exports.array(external_exports.string()),
  params: external_exports.record(external_exports.string(), external_exports.object({ value: external_exports.union([external_exports.string(), external_exports.number(), external_exports.boolean(), external_exports.array(external_exports.string())]).optional(), origin: external_exports.string().optional(), secret: external_exports.literal(true).optional() })),
  images: external_exports.array(
    external_exports.object({
      service: external_exports.string(),
      reference: external_exports.string(),
      id: external_exports.string(),
      digest: external_exports.string().optional(),
      built: external_exports.boolean(),
      baseImages: external_exports.array(external_exports.object({ reference: external_exports.string(), id: external_exports.string(), digest: external_exports.string().optional() })).optional()
    })
  ),
  backend: external_exports.string(),
  test: external_exports.object({ commandOverride: external_exports.string().optional(), selection: external_exports.array(testRecord).optional() }).optional(),
  outcome: external_exports.enum(["passed", "failed", "error"]),
  failedTests: external_exports.array(testRecord),
  checksum: external_exports.string()
});

// src/results/output.ts
import { createReadStream, createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { mkdir, readFile, rm, rmdir } from "node:fs/promises";
import { basename as basename3, dirname as dirname3, isAbsolute as isAbsolute2, join, relative as relative2 } from "node:path";
import { pipeline } from "node:stream/promises";
var INDEX_FILE = ".prenv-files.json";
var ResultsFolder = class {
  dir;
  redactor;
  transform;
  written = /* @__PURE__ */ new Set();
  constructor(dir, redactor = new Redactor()) {
    this.dir = dir;
    this.redactor = redactor;
    this.transform = () => redactor.transform();
  }
  async reset() {
    await mkdir(this.dir, { recursive: true });
    const index = join(this.dir, INDEX_FILE);
    const listed = await readFile(index, "utf8").then((t) => JSON.parse(t), () => []);
    const files = Array.isArray(listed) ? listed.filter((f) => typeof f === "string" && !isAbsolute2(f) && !f.split(/[/\\]/).includes("..")) : [];
    await Promise.all(files.map((f) => rm(join(this.dir, f), { force: true })));
    const folders = [...new Set(files.flatMap((f) => ancestors(f)))].sort((a, b) => b.length - a.length);
    for (const folder of folders) await rmdir(join(this.dir, folder)).catch(() => void 0);
    await rm(index, { force: true });
  }
  /** What this run wrote here, sorted: never the user's own files. */
  files() {
    return [...this.written].sort().map((f) => join(this.dir, f));
  }
  /** A file of the folder, by its path there ("logs/api.log"), to stream an output into. */
  open(file) {
    const path = join(this.dir, file);
    const rel = relative2(this.dir, path);
    if (rel.startsWith("..") || isAbsolute2(rel)) throw new Error(`prenv: ${file} is outside the results folder`);
    mkdirSync(dirname3(path), { recursive: true });
    this.record(path);
    return createWriteStream(path);
  }
  /** Copies reports under junit/, keeping their paths relative to the first of `bases` they are inside. */
  async copyReports(reports, ...bases) {
    const copied = [];
    const inside = (rel) => !rel.startsWith("..") && !isAbsolute2(rel);
    for (const report of reports) {
      const rel = bases.map((b) => relative2(b, report)).find(inside);
      const target = join(this.dir, "junit", rel ?? basename3(report));
      await mkdir(dirname3(target), { recursive: true });
      this.record(target);
      await pipeline(createReadStream(report), this.redactor.transform(), createWriteStream(target));
      copied.push(target);
    }
    return copied;
  }
  async writeJson(value, name = "results.json") {
    const path = join(this.dir, name);
    this.record(path);
    writeFileSync(path, `${JSON.stringify(this.redactor.redactDeep(value), null, 2)}
`);
    return path;
  }
  /** The run manifest, beside results.json (it is in the logs artifact with it). */
  writeManifest(manifest) {
    return this.writeJson(manifest, MANIFEST_FILE);
  }
  /** Notes a file as prenv's, in the index, before it is written. */
  record(path) {
    this.written.add(relative2(this.dir, path));
    writeFileSync(join(this.dir, INDEX_FILE), `${JSON.stringify([...this.written].sort(), null, 2)}
`);
  }
};
function ancestors(file) {
  const out = [];
  for (let d = dirname3(file); d !== "." && d !== "/" && d !== ""; d = dirname3(d)) out.push(d);
  return out;
}

// src/results/reports-dir.ts
import { mkdtemp, rm as rm2 } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join as join2 } from "node:path";
var REPORTS_DIR_VARIABLE = "PRENV_REPORTS_DIR";
var REPORTS_DIR_PLACEHOLDER = join2(tmpdir(), "prenv-reports");
async function createReportsDir() {
  const path = await mkdtemp(join2(tmpdir(), "prenv-reports-"));
  return { path, remove: () => rm2(path, { recursive: true, force: true }) };
}

// src/results/collect.ts
import { glob, readFile as readFile2, stat } from "node:fs/promises";
import { isAbsolute as isAbsolute3, join as join3, relative as relative3, resolve as resolve4, sep } from "node:path";

// src/results/junit.ts
function parseJUnit(xml, report) {
  const problems = [];
  const fail = (message, at) => {
    const where = at ? `:${at.line}${at.column ? `:${at.column}` : ""}` : "";
    problems.push({ report, message: `${report}${where}: ${message}`, ...at ? { line: at.line } : {}, ...at?.column ? { column: at.column } : {} });
    return { cases: [], problems, durationMs: 0 };
  };
  const text = xml.startsWith("\uFEFF") ? xml.slice(1) : xml;
  if (text.trim() === "") {
    return fail("the report is empty: the test runner wrote no results, or was stopped before it could (check the runner's output)");
  }
  const dtd = findDtd(text);
  if (dtd >= 0) {
    return fail(
      "the report has a DOCTYPE or ENTITY declaration; JUnit reports have none, and prenv does not read DTDs (entity expansion could exhaust memory)",
      positionOf(text, dtd)
    );
  }
  let valid;
  try {
    valid = XMLValidator.validate(text);
  } catch (e) {
    return fail(`could not be read as XML: ${e.message}`);
  }
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    const cut = /unclosed|expected closing tag/i.test(msg) ? " (was the report cut off while being written?)" : "";
    return fail(`not well-formed XML: ${msg}${cut}`, line ? { line, ...col ? { column: col } : {} } : void 0);
  }
  let roots;
  try {
    roots = toElements(new XMLParser(PARSER_OPTIONS).parse(text));
  } catch (e) {
    return fail(`could not be read as XML: ${e.message}`);
  }
  if (roots.length !== 1) {
    if (roots.length === 0) return fail("not a JUnit report: the XML has no root element");
    const names = roots.slice(0, 3).map((r) => `<${r.name}>`).join(", ");
    return fail(`not a JUnit report: it has ${roots.length} root elements (${names}); a JUnit report has one <testsuites> or <testsuite> (were two reports written into one file?)`);
  }
  const root = roots[0];
  const rootName = localName(root.name);
  if (rootName !== "testsuites" && rootName !== "testsuite") {
    return fail(
      `not a JUnit report: the root element is <${root.name}>, where JUnit XML has <testsuites> or <testsuite> (does the pattern match other XML files?)`
    );
  }
  const reader = new ReportReader(report, isPytest(root));
  try {
    if (rootName === "testsuites") reader.readSuites(root);
    else reader.readSuite(root, []);
  } catch (e) {
    return fail(`could not be read as a JUnit report: ${e.message}`);
  }
  problems.push(...reader.problems);
  if (reader.cases.length === 0) {
    const declared = toCount(root.attrs.get("tests"));
    problems.push({
      report,
      message: `${report}: the report lists no test case${declared > 0 ? ` although it declares ${declared}` : ""}: the runner found no tests, or failed before running them`
    });
  }
  return { cases: reader.cases, problems, durationMs: reportDuration(root, reader.cases) };
}
var PARSER_OPTIONS = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  allowBooleanAttributes: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // No entity processing in the parser: DTDs are refused before, and the predefined
  // entities and character references are decoded below, in text and attributes.
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: "#cdata",
  commentPropName: false,
  // Deeper than any real report; the parser throws beyond it (reported as a problem).
  maxNestedTags: 100
};
var ATTRS = ":@";
var TEXT = "#text";
var CDATA = "#cdata";
function toElements(nodes) {
  const out = [];
  for (const node of nodes) {
    if (typeof node !== "object" || node === null) continue;
    const tag = Object.keys(node).find((k) => k !== ATTRS);
    if (tag === void 0 || tag === TEXT || tag === CDATA) continue;
    out.push(toElement(tag, node));
  }
  return out;
}
function toElement(name, node) {
  const attrs = /* @__PURE__ */ new Map();
  const rawAttrs = node[ATTRS];
  if (typeof rawAttrs === "object" && rawAttrs !== null) {
    for (const [k, v] of Object.entries(rawAttrs)) attrs.set(k, typeof v === "string" ? decodeEntities(v) : String(v));
  }
  const children = [];
  let text = "";
  const content = node[name];
  for (const child of Array.isArray(content) ? content : []) {
    if (typeof child !== "object" || child === null) continue;
    const c = child;
    if (TEXT in c) text += decodeEntities(String(c[TEXT]));
    else if (CDATA in c) text += cdataText(c[CDATA]);
    else {
      const tag = Object.keys(c).find((k) => k !== ATTRS);
      if (tag !== void 0) children.push(toElement(tag, c));
    }
  }
  return { name, attrs, children, text };
}
function cdataText(value) {
  if (!Array.isArray(value)) return typeof value === "string" ? value : "";
  return value.map((v) => typeof v === "object" && v !== null && TEXT in v ? String(v[TEXT]) : "").join("");
}
var ENTITY = /&(?:#x([0-9a-fA-F]{1,8})|#([0-9]{1,10})|(lt|gt|amp|quot|apos));/g;
var NAMED = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
function decodeEntities(s) {
  if (!s.includes("&")) return s;
  return s.replace(ENTITY, (_m, hex, dec, named) => {
    if (named) return NAMED[named];
    const code = hex !== void 0 ? Number.parseInt(hex, 16) : Number(dec);
    const valid = code > 0 && code <= 1114111 && !(code >= 55296 && code <= 57343);
    return valid ? String.fromCodePoint(code) : "\uFFFD";
  });
}
function findDtd(xml) {
  let i = 0;
  for (; ; ) {
    const lt = xml.indexOf("<!", i);
    if (lt < 0) return -1;
    if (xml.startsWith("<![CDATA[", lt)) {
      const end = xml.indexOf("]]>", lt + 9);
      if (end < 0) return -1;
      i = end + 3;
    } else if (xml.startsWith("<!--", lt)) {
      const end = xml.indexOf("-->", lt + 4);
      if (end < 0) return -1;
      i = end + 3;
    } else {
      const word = xml.slice(lt + 2, lt + 9).toUpperCase();
      if (word.startsWith("DOCTYPE") || word.startsWith("ENTITY")) return lt;
      i = lt + 2;
    }
  }
}
function positionOf(text, index) {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < index; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}
function localName(name) {
  const colon = name.indexOf(":");
  return colon >= 0 ? name.slice(colon + 1) : name;
}
function childrenNamed(el, ...names) {
  return el.children.filter((c) => names.includes(localName(c.name)));
}
var SKIP_STATUS = /* @__PURE__ */ new Set(["skipped", "skip", "notrun", "not run", "disabled", "ignored"]);
var MAX_STACK = 2e4;
var MAX_OUTPUT = 1e4;
var MAX_MESSAGE = 2e3;
function isPytest(root) {
  const name = root.attrs.get("name");
  return localName(root.name) === "testsuites" ? name === "pytest tests" : name === "pytest";
}
function hasGoVersion(suite) {
  return childrenNamed(suite, "properties").some((p) => childrenNamed(p, "property").some((q) => q.attrs.get("name") === "go.version"));
}
var ReportReader = class {
  cases = [];
  problems = [];
  report;
  pytest;
  constructor(report, pytest) {
    this.report = report;
    this.pytest = pytest;
  }
  readSuites(root) {
    const loose = [];
    for (const child of root.children) {
      const name = localName(child.name);
      if (name === "testsuite") this.readSuite(child, []);
      else if (name === "testcase") loose.push(this.readCase(child, root.attrs.get("name") ?? "", ""));
    }
    this.cases.push(...loose);
  }
  readSuite(suite, outer) {
    const name = suite.attrs.get("name")?.trim() ?? "";
    const path = name ? [...outer, name] : outer;
    const suiteName = path.join(" \u203A ");
    const suiteOutput = childrenNamed(suite, "system-out", "system-err").map((o) => o.text).join("\n");
    const own = [];
    let nested = false;
    for (const child of suite.children) {
      const kind = localName(child.name);
      if (kind === "testsuite") {
        nested = true;
        this.readSuite(child, path);
      } else if (kind === "testcase") {
        own.push(this.readCase(child, suiteName, suiteOutput));
      } else if (kind === "failure" || kind === "error") {
        own.push(this.suiteError(child, suiteName));
      }
    }
    if (!nested) this.checkDeclaredFailures(suite, suiteName, own);
    const attemptsMerged = this.pytest || hasGoVersion(suite) ? mergeRetries(own) : own;
    this.cases.push(...attemptsMerged);
  }
  /** A suite that says it had failures its cases don't show failed outside them: never green. */
  checkDeclaredFailures(suite, suiteName, own) {
    const declared = toCount(suite.attrs.get("failures")) + toCount(suite.attrs.get("errors"));
    const found = own.filter((c) => c.status === "failed" || c.status === "error" || c.status === "flaky").reduce((n, c) => n + (c.attempts ?? 1), 0);
    if (declared > found) {
      this.problems.push({
        report: this.report,
        message: `${this.report}: suite "${suiteName || "(unnamed)"}" declares ${declared} failure(s) or error(s) but lists ${found} failing test case(s): something failed outside the listed tests (see the runner's output)`
      });
    }
  }
  suiteError(el, suiteName) {
    const d = detailOf(el);
    const loc = d.stack ? findLocation(d.stack, {}) : void 0;
    return {
      suite: suiteName,
      name: "(suite error)",
      status: localName(el.name) === "error" ? "error" : "failed",
      durationMs: 0,
      ...d.message ? { message: d.message } : {},
      ...d.stack ? { stack: d.stack } : {},
      ...loc ? { file: loc.file, line: loc.line } : {},
      report: this.report
    };
  }
  readCase(el, suiteName, suiteOutput) {
    const name = el.attrs.get("name") ?? "(unnamed)";
    const classname = el.attrs.get("classname") ?? el.attrs.get("class");
    const failing = el.children.find((c) => ["failure", "error"].includes(localName(c.name)));
    const skipped = childrenNamed(el, "skipped")[0];
    const flakes = childrenNamed(el, "flakyFailure", "flakyError");
    const reruns = childrenNamed(el, "rerunFailure", "rerunError");
    let status = "passed";
    let detailEl;
    let attempts = 1;
    if (failing) {
      status = localName(failing.name) === "error" ? "error" : "failed";
      detailEl = failing;
      attempts += reruns.length;
    } else if (skipped) {
      status = "skipped";
      detailEl = skipped;
    } else if (flakes.length > 0) {
      status = "flaky";
      detailEl = flakes[0];
      attempts += flakes.length;
    } else if (SKIP_STATUS.has((el.attrs.get("status") ?? "").toLowerCase())) {
      status = "skipped";
    }
    const detail = detailEl ? detailOf(detailEl) : {};
    let { message, stack } = detail;
    const notPassing = status === "failed" || status === "error" || status === "flaky";
    if (notPassing && !stack && suiteOutput.includes(name) && name.length > 2) {
      stack = capHead(trimBlock(suiteOutput), MAX_STACK);
      message ??= messageFromText(stack);
    }
    const fileAttr = nonEmpty(el.attrs.get("file"));
    const lineAttr = toLine(el.attrs.get("line"), this.pytest ? 1 : 0);
    const locText = stack ?? detailEl?.attrs.get("message");
    const loc = locText ? findLocation(locText, { ...fileAttr ? { file: fileAttr } : {}, ...classname ? { classname } : {} }) : void 0;
    const locLine = loc && (fileAttr === void 0 || loc.matchesHint) ? loc.line : void 0;
    const file = fileAttr ?? loc?.file;
    const line = notPassing ? locLine ?? lineAttr : lineAttr ?? locLine;
    const output = notPassing ? caseOutput(el) : void 0;
    return {
      suite: suiteName,
      name,
      ...classname !== void 0 ? { classname } : {},
      status,
      durationMs: secondsToMs(el.attrs.get("time")),
      ...message ? { message } : {},
      ...stack ? { stack } : {},
      ...file ? { file } : {},
      ...file && line !== void 0 ? { line } : {},
      ...attempts > 1 ? { attempts } : {},
      ...output ? { output } : {},
      report: this.report
    };
  }
};
function mergeRetries(cases) {
  const groups = /* @__PURE__ */ new Map();
  for (const c of cases) {
    const key = `${c.classname ?? ""}\0${c.name}`;
    const group = groups.get(key);
    if (group) group.push(c);
    else groups.set(key, [c]);
  }
  return [...groups.values()].map((group) => {
    const last = group[group.length - 1];
    if (group.length === 1) return last;
    const attempts = group.reduce((n, c) => n + (c.attempts ?? 1), 0);
    const durationMs = roundMs(group.reduce((n, c) => n + c.durationMs, 0));
    if (last.status !== "passed") return { ...last, durationMs, attempts };
    const failed = [...group].reverse().find((c) => c.status === "failed" || c.status === "error");
    const merged = { ...last, status: "flaky", durationMs, attempts };
    if (failed) {
      for (const key of ["message", "stack", "output"]) if (failed[key] !== void 0) merged[key] = failed[key];
      if (failed.file !== void 0) {
        merged.file = failed.file;
        if (failed.line !== void 0) merged.line = failed.line;
      }
    }
    return merged;
  });
}
var GO_NOISE = /^\s*(?:=== (?:RUN|PAUSE|CONT|NAME)\s|--- (?:FAIL|PASS|SKIP): )/;
var GO_LOG_PREFIX = /^\s*[\w.\-/\\]+\.go:\d+: ?/;
var FRAME_START = [/^\s+at\s/, /^\s*❯\s/, /^goroutine \d+ \[/, /^Traceback \(most recent call last\)/, /^\s+File ".*", line \d+/];
var PLACEHOLDER = /^(?:fail(?:ed|ure)?|error|errored|skip(?:ped)?|none|null|undefined)$/i;
function detailOf(el) {
  const traceEl = childrenNamed(el, "stackTrace")[0];
  const raw = traceEl ? traceEl.text : el.text;
  const stack = capHead(trimBlock(raw), MAX_STACK) || void 0;
  const message = cleanMessage(el.attrs.get("message")) ?? (stack ? messageFromText(stack) : void 0) ?? nonEmpty(el.attrs.get("type"));
  return { ...message ? { message } : {}, ...stack ? { stack } : {} };
}
function cleanMessage(raw) {
  if (raw === void 0) return void 0;
  const lines = raw.split(/\r?\n/).filter((l) => !GO_NOISE.test(l)).map((l) => l.replace(GO_LOG_PREFIX, ""));
  const message = capHead(trimBlock(lines.join("\n")), MAX_MESSAGE).trim();
  return message === "" || PLACEHOLDER.test(message) ? void 0 : message;
}
function messageFromText(text) {
  const kept = [];
  for (const line of text.split(/\r?\n/)) {
    if (GO_NOISE.test(line)) continue;
    if (FRAME_START.some((re) => re.test(line))) break;
    kept.push(line.replace(GO_LOG_PREFIX, ""));
    if (kept.length >= 20) break;
  }
  const message = capHead(trimBlock(kept.join("\n")), MAX_MESSAGE).trim();
  return message === "" || PLACEHOLDER.test(message) ? void 0 : message;
}
function caseOutput(el) {
  const text = childrenNamed(el, "system-out", "system-err").map((o) => trimBlock(o.text)).filter((t) => t !== "").join("\n");
  if (text === "") return void 0;
  return text.length > MAX_OUTPUT ? `\u2026${text.slice(text.length - MAX_OUTPUT)}` : text;
}
var ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
function trimBlock(text) {
  return text.replace(ANSI, "").replace(/^(?:[ \t]*\r?\n)+/, "").trimEnd();
}
function capHead(text, max) {
  return text.length > max ? `${text.slice(0, max)}
\u2026 (${text.length - max} more characters)` : text;
}
function nonEmpty(s) {
  const t = s?.trim();
  return t ? t : void 0;
}
var SOURCE_EXT = "js|jsx|mjs|cjs|ts|tsx|mts|cts|vue|svelte|coffee|py|pyw|go|java|kt|kts|scala|groovy|clj|cljs|cljc|rb|rake|rs|cs|fs|fsx|vb|php|ex|exs|erl|hrl|c|cc|cpp|cxx|h|hh|hpp|hxx|m|mm|swift|dart|lua|pl|pm|t|sh|bash|zsh|bats|feature|robot|hs|ml|mli|r|jl|nim|zig|cr|elm|sql|tf";
var PYTHON_FRAME = /File "([^"\n]+)", line (\d+)/;
var DOTNET_FRAME = /\bin (\S[^\n]*?):line (\d+)/;
var JVM_FRAME = /\bat (?:[\w.$-]+\/)*((?:[\w$]+\.)+)[\w$<>-]+\(([\w$.-]+\.(?:java|kt|scala|groovy|clj)):(\d+)\)/;
var PAREN_PATH = new RegExp(String.raw`\(((?:file://)?[^()\n]+\.(?:${SOURCE_EXT})):(\d+)(?::\d+)?\)`, "i");
var BARE_PATH = new RegExp(String.raw`(?:^|[\s\[<'"\`=])((?:file://(?:/(?=[A-Za-z]:))?)?(?:[A-Za-z]:)?[^\s()'"\`<>\[\]=:]*[\w\-@+~]\.(?:${SOURCE_EXT})):(\d+)(?![\d.])`, "i");
var LIBRARY_PATH = [
  /(?:^|[/\\])node_modules[/\\]/,
  /^node:/,
  /^internal[/\\]/,
  /[/\\](?:site|dist)-packages[/\\]/,
  /[/\\]lib[/\\]python\d[\d.]*[/\\]/,
  /[/\\]go[/\\]src[/\\](?:runtime|testing|reflect|internal)[/\\]/,
  /^\/usr\/(?:local\/)?(?:lib\/)?go[^/]*\/src\//,
  /[/\\]\.cargo[/\\]registry[/\\]/,
  /^\/rustc\//,
  /<anonymous>/
];
var LIBRARY_CLASS = /^(?:java|javax|jdk|sun|com\.sun|kotlin|kotlinx|scala|groovy|org\.junit|junit|org\.opentest4j|org\.testng|org\.apache\.maven|org\.gradle|worker\.org\.gradle|org\.spockframework|org\.codehaus\.groovy|org\.assertj|org\.hamcrest|org\.mockito|org\.springframework\.test)\./;
var MAX_SCANNED_LINES = 400;
var MAX_SCANNED_LINE_LENGTH = 2e3;
function findLocation(text, hint) {
  const candidates = [];
  const lines = text.split("\n", MAX_SCANNED_LINES);
  for (const rawLine of lines) {
    const line = rawLine.length > MAX_SCANNED_LINE_LENGTH ? rawLine.slice(0, MAX_SCANNED_LINE_LENGTH) : rawLine;
    const c = candidateIn(line);
    if (c && !isLibrary(c)) candidates.push(c);
  }
  if (hint.file) {
    const inFile = candidates.find((c) => sameFile(c.path, hint.file));
    if (inFile) return { file: hint.file, line: inFile.line, matchesHint: true };
  }
  if (hint.classname) {
    const cls = hint.classname;
    const inClass = candidates.find((c) => c.jvmClass !== void 0 && (c.jvmClass === cls || c.jvmClass.startsWith(`${cls}$`)));
    if (inClass) return { file: inClass.path, line: inClass.line, matchesHint: false };
  }
  const first = candidates[0];
  return first ? { file: first.path, line: first.line, matchesHint: false } : void 0;
}
function candidateIn(line) {
  const jvm = JVM_FRAME.exec(line);
  if (jvm) {
    const segments = jvm[1].slice(0, -1).split(".");
    let cls = segments.findIndex((s) => /^[A-Z]/.test(s));
    if (cls < 0) cls = segments.length - 1;
    return { path: [...segments.slice(0, cls), jvm[2]].join("/"), line: Number(jvm[3]), jvmClass: segments.slice(0, cls + 1).join(".") };
  }
  const py = PYTHON_FRAME.exec(line);
  if (py) return pathCandidate(py[1], py[2]);
  const dotnet = line.includes(":line ") ? DOTNET_FRAME.exec(line) : null;
  if (dotnet) return pathCandidate(dotnet[1], dotnet[2]);
  const paren = PAREN_PATH.exec(line);
  if (paren) return pathCandidate(paren[1], paren[2]);
  const bare = BARE_PATH.exec(line);
  if (bare) return pathCandidate(bare[1], bare[2]);
  return void 0;
}
function pathCandidate(rawPath, rawLine) {
  const line = Number(rawLine);
  if (!Number.isSafeInteger(line) || line < 1) return void 0;
  let path = rawPath.trim();
  if (path.startsWith("file://")) {
    path = path.slice("file://".length);
    if (/^\/[A-Za-z]:/.test(path)) path = path.slice(1);
    try {
      path = decodeURIComponent(path);
    } catch {
    }
  }
  if (!looksLikePath(path)) return void 0;
  return { path, line };
}
function looksLikePath(path) {
  if (path.length === 0 || path.length > 1e3) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return false;
  return new RegExp(String.raw`^(?:[A-Za-z]:)?[^<>"|?*\n]*[\w\-@+~]\.(?:${SOURCE_EXT})$`, "i").test(path);
}
function isLibrary(c) {
  if (c.jvmClass !== void 0) return LIBRARY_CLASS.test(`${c.jvmClass}.`);
  return LIBRARY_PATH.some((re) => re.test(c.path));
}
function sameFile(a, b) {
  const norm = (p) => p.replace(/\\/g, "/").replace(/^\.\//, "");
  const x = norm(a);
  const y = norm(b);
  return x === y || x.endsWith(`/${y}`) || y.endsWith(`/${x}`);
}
function secondsToMs(raw) {
  if (raw === void 0) return 0;
  let s = raw.trim().replace(/\s+/g, "").replace(/s$/i, "");
  const commas = s.split(",").length - 1;
  if (commas > 0) s = s.includes(".") || commas > 1 ? s.replace(/,/g, "") : s.replace(",", ".");
  if (!/^[+]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(s)) return 0;
  const seconds = Number(s);
  return Number.isFinite(seconds) && seconds > 0 ? roundMs(seconds * 1e3) : 0;
}
function roundMs(ms) {
  return Math.round(ms * 1e3) / 1e3;
}
function toCount(raw) {
  const n = Number(raw?.trim());
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}
function toLine(raw, offset) {
  if (raw === void 0 || !/^\s*\d+\s*$/.test(raw)) return void 0;
  const n = Number(raw) + offset;
  return Number.isSafeInteger(n) && n >= 1 ? n : void 0;
}
function reportDuration(root, cases) {
  const own = root.attrs.get("time");
  if (own !== void 0 && secondsToMs(own) > 0) return secondsToMs(own);
  if (localName(root.name) === "testsuites") {
    const timed = childrenNamed(root, "testsuite", "testcase").filter((s) => s.attrs.has("time"));
    if (timed.length > 0) return roundMs(timed.reduce((n, s) => n + secondsToMs(s.attrs.get("time")), 0));
  }
  return roundMs(cases.reduce((n, c) => n + c.durationMs, 0));
}

// src/results/collect.ts
var MAX_REPORT_BYTES = 128 * 1024 * 1024;
var GLOB_CHARS = /[*?[\]{}]/;
var CLOCK_SLACK_MS = 2e3;
async function collectReports(patterns, cwd, options = {}) {
  const base = resolve4(cwd);
  const problems = [];
  const files = [];
  const seen = /* @__PURE__ */ new Set();
  for (const pattern of patterns) {
    let matched;
    try {
      matched = await expand(pattern, base);
    } catch (e) {
      problems.push({ report: pattern, message: `could not search for ${pattern} in ${base}: ${e.message}` });
      continue;
    }
    if (matched.length === 0) {
      problems.push({
        report: pattern,
        message: `no JUnit report matched ${pattern} in ${base}: check test.reports and where your runner writes its report`
      });
      continue;
    }
    for (const file of matched) {
      if (seen.has(file)) continue;
      seen.add(file);
      files.push(file);
    }
  }
  const cases = [];
  let durationMs = 0;
  for (const file of files) {
    const shown = displayPath(file, base);
    let text;
    try {
      const info = await stat(file);
      if (info.size > MAX_REPORT_BYTES) {
        problems.push({ report: shown, message: `${shown}: the report is ${Math.round(info.size / 1024 / 1024)} MiB; prenv reads reports of up to ${MAX_REPORT_BYTES / 1024 / 1024} MiB` });
        continue;
      }
      if (options.notBefore && info.mtimeMs < options.notBefore.getTime() - CLOCK_SLACK_MS) {
        problems.push({
          report: shown,
          message: `${shown}: the report was last written at ${info.mtime.toISOString()}, before the tests started (${options.notBefore.toISOString()}): a leftover of an earlier run; the runner did not write a new one`
        });
        continue;
      }
      text = decode(await readFile2(file));
    } catch (e) {
      problems.push({ report: shown, message: `${shown}: could not be read: ${e.message}` });
      continue;
    }
    const parsed = parseJUnit(text, shown);
    for (const c of parsed.cases) cases.push(c.file ? { ...c, file: displayPath(c.file, base, true) } : c);
    problems.push(...parsed.problems);
    durationMs += parsed.durationMs;
  }
  return { totals: totalsOf(cases, durationMs), cases, reports: files, problems };
}
function resultsPassed(results) {
  return resultsVerdict(results).passed;
}
function resultsVerdict(results) {
  const t = results.totals;
  if (results.problems.length > 0) {
    const n = results.problems.length;
    return { passed: false, reason: n === 1 ? results.problems[0].message : `${n} problems with the reports, first: ${results.problems[0].message}` };
  }
  if (t.failed + t.errors > 0) return { passed: false, reason: `${t.failed + t.errors} of ${t.tests} tests failed` };
  if (t.tests === 0) return { passed: false, reason: "the reports contain no test" };
  if (t.passed + t.flaky === 0) return { passed: false, reason: `no test ran: all ${t.tests} were skipped` };
  return { passed: true };
}
function totalsOf(cases, durationMs) {
  const totals = { tests: cases.length, passed: 0, failed: 0, errors: 0, skipped: 0, flaky: 0, durationMs: Math.round(durationMs * 1e3) / 1e3 };
  for (const c of cases) {
    if (c.status === "passed") totals.passed++;
    else if (c.status === "failed") totals.failed++;
    else if (c.status === "error") totals.errors++;
    else if (c.status === "skipped") totals.skipped++;
    else totals.flaky++;
  }
  return totals;
}
async function expand(pattern, base) {
  const abs = resolve4(base, pattern);
  if (!GLOB_CHARS.test(pattern)) {
    const info = await stat(abs).catch(() => void 0);
    if (!info) return [];
    if (info.isFile()) return [abs];
    if (info.isDirectory()) return globFiles("**/*.xml", abs, pattern);
    return [];
  }
  return globFiles(pattern, base, pattern);
}
async function globFiles(pattern, cwd, original) {
  const searchesSkipped = /(?:^|[/\\])(?:node_modules|\.git)(?:[/\\]|$)/.test(original);
  const out = [];
  for await (const entry of glob(pattern, {
    cwd,
    withFileTypes: true,
    exclude: (d) => !searchesSkipped && (d.name === "node_modules" || d.name === ".git")
  })) {
    const path = join3(entry.parentPath, entry.name);
    if (entry.isFile()) out.push(path);
    else if (entry.isSymbolicLink()) {
      const info = await stat(path).catch(() => void 0);
      if (info?.isFile()) out.push(path);
    }
  }
  return out.sort();
}
function displayPath(path, base, onlyIfAbsolute = false) {
  if (onlyIfAbsolute && !isAbsolute3(path)) return path;
  const rel = relative3(base, path);
  if (rel === "" || rel.startsWith("..") || isAbsolute3(rel)) return path;
  return sep === "/" ? rel : rel.split(sep).join("/");
}
function decode(bytes) {
  if (bytes[0] === 255 && bytes[1] === 254) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (bytes[0] === 254 && bytes[1] === 255) return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  return new TextDecoder("utf-8").decode(bytes);
}

// src/engine/setup.ts
var SetupError = class extends Error {
  /** Every step that ran, the failed one last. */
  steps;
  hint;
  constructor(steps, reason, hint) {
    super(`setup step "${steps.at(-1).name}" failed: ${reason}`);
    this.name = "SetupError";
    this.steps = steps;
    this.hint = hint;
  }
  get step() {
    return this.steps.at(-1);
  }
};
async function runSetup(plan, steps, options) {
  const outcomes = [];
  for (const [index, step] of steps.entries()) {
    options.onStep?.({ step, index, phase: "running" });
    const started = Date.now();
    const output = new Output(options.output, stepLogFile(index, step.name));
    let result;
    try {
      result = await withTimeout(runStep(plan, step, index, options, output.input), step.timeoutMs, options.signal);
    } catch (e) {
      result = { ok: false, reason: e.message, hint: `the step has ${Math.round(step.timeoutMs / 1e3)} s (set timeout: on the step to change it)` };
    }
    const outcome = { name: step.name, kind: step.kind, ok: result.ok, durationMs: Date.now() - started, output: await output.close() };
    outcomes.push(outcome);
    options.onStep?.({ step, index, phase: result.ok ? "done" : "failed", outcome });
    if (!result.ok) throw new SetupError(outcomes, result.reason, result.hint);
  }
  return outcomes;
}
async function runStep(plan, step, index, options, output) {
  const { backend } = options;
  switch (step.kind) {
    case "exec": {
      const result = await backend.exec(plan.environment, step.service, step.command, {
        timeoutMs: step.timeoutMs,
        env: step.env,
        ...options.signal ? { signal: options.signal } : {},
        ...step.user ? { user: step.user } : {},
        ...step.workdir ? { workdir: step.workdir } : {},
        output
      });
      return {
        ok: result.exitCode === 0,
        reason: `exit code ${result.exitCode}`,
        hint: `to try it by hand, keep the environment (--keep-on-failure), then: prenv exec --env ${plan.environment} ${step.service} -- ${step.command.map(shellQuote).join(" ")}`
      };
    }
    case "run": {
      const result = await backend.runOneOff(plan, { name: `setup-${index + 1}`, image: step.image, env: step.env, mounts: step.mounts, ...step.command ? { command: step.command } : {}, ...step.entrypoint ? { entrypoint: step.entrypoint } : {}, ...step.workdir ? { workdir: step.workdir } : {} }, options.owner, { timeoutMs: step.timeoutMs, output, ...options.signal ? { signal: options.signal } : {} });
      return { ok: result.exitCode === 0, reason: `exit code ${result.exitCode}`, hint: `the container ran ${step.image} on the environment's network; check its output above` };
    }
    case "http": {
      const address = await backend.probeAddress(plan.environment, step.service, step.port);
      const url = `http://${address.host}:${address.port}${step.path}`;
      const response = await fetch(url, {
        method: step.method,
        headers: step.headers,
        ...step.body !== void 0 ? { body: step.body } : {},
        signal: AbortSignal.any([AbortSignal.timeout(step.timeoutMs), ...options.signal ? [options.signal] : []])
      });
      await writeText(output, `${step.method} ${step.service}:${step.port}${step.path} -> ${response.status}
`);
      const bodyOk = await streamBody(response, output, step.expectBody);
      const statusOk = response.status === step.expectStatus;
      if (!statusOk) return { ok: false, reason: `answered ${response.status}, expected ${step.expectStatus}`, hint: "check the service's log (prenv logs " + step.service + ")" };
      if (!bodyOk) return { ok: false, reason: `the answer does not contain ${JSON.stringify(step.expectBody)}`, hint: "check the service's log (prenv logs " + step.service + ")" };
      return { ok: true, reason: "", hint: "" };
    }
    case "copy": {
      await backend.copyInto(plan.environment, step.service, step.from, step.to);
      await writeText(output, `copied ${step.from} to ${step.service}:${step.to}`);
      return { ok: true, reason: "", hint: "" };
    }
  }
}
async function streamBody(response, output, expected) {
  const needle = expected ?? "";
  let found = needle === "";
  let window = "";
  const take = async (text) => {
    await writeText(output, text);
    if (found) return;
    window += text;
    found = window.includes(needle);
    window = window.slice(window.length - (needle.length - 1));
  };
  const decoder = new TextDecoder();
  for await (const chunk of response.body ?? []) await take(decoder.decode(chunk, { stream: true }));
  await take(decoder.decode());
  return found;
}
function shellQuote(word) {
  return /^[A-Za-z0-9_./=:@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

// src/engine/suite.ts
import { spawn } from "node:child_process";
async function runSuite(plan, test, options) {
  const started = Date.now();
  const output = test.mode === "command" ? new Output(options.output, TEST_LOG_FILE, { ...options.onOutput ? { onText: options.onOutput } : {} }) : new Output(options.output, serviceLogFile(plan.testService.name), { write: false, ...options.onOutput ? { onText: options.onOutput } : {} });
  try {
    const result = test.mode === "command" ? await runCommand(plan, test, options, output.input) : await runService(plan, options, test.timeoutMs, output.input);
    return { ...result, durationMs: Date.now() - started, outputTail: await output.close() };
  } catch (e) {
    await output.close().catch(() => void 0);
    throw e;
  }
}
async function runCommand(plan, test, options, output) {
  const { NODE_TEST_CONTEXT: _parentTestRunner, ...inherited } = options.env;
  const env = { ...inherited, ...endpointVariables(plan.environment, options.endpoints), ...test.env };
  const [command2, ...args] = test.command;
  const child = spawn(command2, args, { cwd: test.workdir, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const printed = mergeInto([child.stdout, child.stderr], output);
  let timedOut = false;
  let interrupted = false;
  const killGroup = () => {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, test.timeoutMs);
  const onAbort = () => {
    interrupted = true;
    killGroup();
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const exitCode = await new Promise((resolve6) => {
    child.once("error", (e) => {
      void writeText(output, `prenv: cannot start ${command2}: ${e.message}
`).finally(() => resolve6(127));
    });
    child.once("close", (code, signal) => resolve6(code ?? (signal ? 128 : 1)));
  });
  await printed;
  clearTimeout(timer);
  options.signal?.removeEventListener("abort", onAbort);
  return { exitCode, timedOut, interrupted };
}
async function runService(plan, options, timeoutMs, output) {
  const service = plan.testService;
  const { backend } = options;
  await backend.removeService(plan.environment, service.name);
  await backend.createService(plan, service, options.owner);
  await backend.startService(plan, service);
  const follow = new AbortController();
  const logs = (async () => {
    const stream = await backend.logs(plan.environment, service.name, { follow: true, signal: follow.signal });
    for await (const chunk of stream) await writeText(output, chunk);
  })().catch(() => void 0);
  let timedOut = false;
  let interrupted = false;
  let exitCode;
  try {
    exitCode = await withTimeout(backend.waitForExit(plan.environment, service.name, options.signal), timeoutMs, options.signal);
  } catch (e) {
    timedOut = !options.signal?.aborted;
    interrupted = Boolean(options.signal?.aborted);
    await writeText(output, `prenv: ${e.message}
`);
    exitCode = 124;
  }
  if (!timedOut && !interrupted) await logs;
  follow.abort();
  return { exitCode, timedOut, interrupted };
}

// src/engine/run.ts
async function runEnvironment(env, plan, options) {
  const redactor = options.redactor ?? new Redactor();
  const output = redactor.pieces();
  const { onOutput, onPhase } = options;
  const flush = () => {
    const rest = output.end();
    if (rest) onOutput?.(rest);
  };
  const report = await runUnredacted(env, plan, {
    ...options,
    ...onOutput ? { onOutput: (chunk) => onOutput(output.push(chunk)) } : {},
    onPhase: (phase) => {
      flush();
      onPhase?.(phase);
    }
  });
  flush();
  return redactor.redactDeep(report);
}
async function runUnredacted(env, plan, options) {
  const t0 = Date.now();
  const { backend, owner } = options;
  const report = {
    prenvVersion: options.version,
    environment: plan.environment,
    project: plan.project,
    definitionHash: plan.definitionHash,
    backend: backend.kind,
    outcome: "error",
    exitCode: 2,
    params: reportParams(env.params),
    services: plan.services.map((s) => ({ name: s.name, image: s.image })),
    endpoints: [],
    setup: [],
    timings: { totalMs: 0 },
    startedAt: new Date(t0).toISOString(),
    finishedAt: ""
  };
  const fail = (phase, message, extra = {}) => {
    report.outcome = "error";
    report.exitCode = 2;
    report.error = { phase, message, ...definedFields(extra) };
  };
  let logOf;
  let booted = !options.boot;
  let collectStarted;
  let current = options.boot ? "boot" : "setup";
  const enter = (phase) => {
    current = phase === "collect" ? "test" : phase;
    options.onPhase?.(phase);
  };
  try {
    if (options.boot) {
      enter("boot");
      const started = Date.now();
      try {
        const result = await up(plan, {
          backend,
          owner,
          // Kept on failure here, so that the logs are saved before the teardown below.
          keepOnFailure: true,
          ...options.onServiceEvent ? { onEvent: options.onServiceEvent } : {},
          ...options.signal ? { signal: options.signal } : {},
          ...options.bootTimeoutMs !== void 0 ? { timeoutMs: options.bootTimeoutMs } : {}
        });
        booted = true;
        report.services = result.services.map((s) => serviceEntry(s, plan));
        report.endpoints = result.endpoints;
      } catch (e) {
        if (!(e instanceof BootError)) throw e;
        booted = !e.removed;
        logOf = e.failure.logOf ?? (e.failure.service || void 0);
        const output = await passText(options.output, e.failure.logTail ?? "");
        fail("boot", e.failure.message, {
          service: e.failure.service,
          ...e.failure.hint ? { hint: e.failure.hint } : {},
          ...output ? { output } : {},
          ...options.signal?.aborted ? { interrupted: true } : {}
        });
        return report;
      } finally {
        report.timings.bootMs = Date.now() - started;
      }
    } else {
      report.endpoints = await backend.endpoints(plan.environment);
    }
    const setupStarted = Date.now();
    if (env.setup.length > 0 && (options.forceSetup || !await backend.hasMarker(plan.environment, "setup-done"))) {
      enter("setup");
      try {
        report.setup = await runSetup(plan, env.setup, { backend, owner, ...definedFields({ signal: options.signal, onStep: options.onStep, output: options.output }) });
        await backend.setMarker(plan, owner, "setup-done");
      } catch (e) {
        if (e instanceof SetupError) {
          report.setup = e.steps;
          fail("setup", e.message, { hint: e.hint, output: e.step.output });
          return report;
        }
        throw e;
      } finally {
        report.timings.setupMs = Date.now() - setupStarted;
      }
    }
    if (!env.test) {
      fail("test", "the definition has no test section", { hint: "add test: { command: ..., reports: ... } to prenv.yml" });
      return report;
    }
    enter("test");
    const testStarted = Date.now();
    const suiteStarted = /* @__PURE__ */ new Date();
    const suite = await runSuite(plan, env.test, {
      backend,
      owner,
      endpoints: report.endpoints,
      env: options.env,
      ...definedFields({ signal: options.signal, onOutput: options.onOutput, output: options.output })
    });
    const crashes = (await backend.exitsBetween(plan.environment, suiteStarted, /* @__PURE__ */ new Date())).filter((e) => {
      const planned = plan.services.find((s) => s.name === e.service);
      return planned !== void 0 && !planned.runsToCompletion;
    });
    const { outputTail, ...suiteSummary } = suite;
    report.suite = suiteSummary;
    report.timings.testMs = Date.now() - testStarted;
    enter("collect");
    collectStarted = Date.now();
    if (env.test.reports.length > 0) report.tests = await collectReports(env.test.reports, env.test.workdir, { notBefore: suiteStarted });
    const reportsDir = options.env[REPORTS_DIR_VARIABLE];
    if (report.tests && options.output?.copyReports) await options.output.copyReports(report.tests.reports, env.test.workdir, ...reportsDir ? [reportsDir] : []);
    if (crashes.length > 0) {
      const first = crashes[0];
      logOf = first.service;
      fail("test", `service "${first.service}" exited with code ${first.exitCode} while the tests ran`, {
        service: first.service,
        output: await passText(options.output, await logTail(backend, plan.environment, first.service))
      });
    } else if (suite.interrupted) {
      fail("test", "the run was interrupted", { interrupted: true });
    } else {
      const reportsOk = report.tests ? resultsPassed(report.tests) : true;
      const passed = suite.exitCode === 0 && reportsOk && !suite.timedOut;
      report.outcome = passed ? "passed" : "failed";
      report.exitCode = passed ? 0 : 1;
      if (suite.timedOut) report.error = { phase: "test", message: `the tests did not finish within ${Math.round(env.test.timeoutMs / 1e3)} s`, hint: "raise test.timeout, or look for a hanging test", output: outputTail };
      else if (!passed && suite.exitCode !== 0 && report.tests && resultsPassed(report.tests)) report.error = { phase: "test", message: `the test command exited with code ${suite.exitCode} although its reports show no failure`, output: outputTail };
      else if (!passed && !report.tests) report.error = { phase: "test", message: `the test command exited with code ${suite.exitCode}`, output: outputTail };
    }
    return report;
  } catch (e) {
    const message = e instanceof ServiceError || e instanceof Error ? e.message : String(e);
    fail(current, message);
    return report;
  } finally {
    collectStarted ??= Date.now();
    const logsSaved = booted && options.output !== void 0;
    if (booted && options.output) {
      for (const s of [...plan.services, ...plan.testService ? [plan.testService] : []]) {
        try {
          await saveLog(backend, plan.environment, s.name, options.output);
        } catch (e) {
          if (!report.error) fail("teardown", `the log of ${s.name} could not be saved: ${e.message}`, { service: s.name, hint: "check the results folder's disk space and permissions" });
        }
      }
    }
    if (booted && plan.testService && report.suite) await backend.removeService(plan.environment, plan.testService.name).catch(() => void 0);
    report.timings.collectMs = Date.now() - collectStarted;
    const keep = !options.teardown || options.keepOnFailure === true && report.outcome !== "passed";
    if (booted && keep && options.boot) {
      await backend.setMarker(plan, owner, "kept").catch((e) => {
        if (!report.error) fail("teardown", `the environment was kept, but could not be marked as kept (${e.message}): prenv gc may remove it`);
      });
    }
    if (booted && !keep) {
      enter("teardown");
      const started = Date.now();
      try {
        await backend.remove(plan.environment, { keepVolumes: false });
        booted = false;
      } catch (e) {
        if (!report.error) fail("teardown", `teardown failed: ${e.message}`, { hint: "run prenv gc" });
      }
      report.timings.teardownMs = Date.now() - started;
    }
    const where = !logOf ? void 0 : logsSaved ? `its whole log is in the results folder: ${serviceLogFile(logOf)}` : booted ? `see its whole log with: prenv logs --env ${plan.environment} ${logOf}` : void 0;
    if (where && report.error) report.error.hint = report.error.hint ? `${report.error.hint}; ${where}` : where;
    report.timings.totalMs = Date.now() - t0;
    report.finishedAt = (/* @__PURE__ */ new Date()).toISOString();
  }
}
function reportParams(params) {
  return Object.fromEntries(
    Object.entries(params).map(([k, p]) => [k, { ...p.value !== void 0 && !p.secret ? { value: p.value } : {}, ...p.origin ? { origin: p.origin } : {}, ...p.secret ? { secret: true } : {} }])
  );
}
function serviceEntry(s, plan) {
  const built = plan.services.find((p) => p.name === s.name)?.build === true;
  return {
    name: s.name,
    image: s.image.reference,
    imageId: s.image.id,
    ...definedFields({ digest: s.image.digest, baseImages: s.image.baseImages }),
    ...built ? { built } : {},
    phase: s.phase,
    readyMs: s.readyMs
  };
}

// src/definition/override.ts
function overrideTest(definition, override) {
  const { command: command2, reports, timeoutMs } = override;
  if (command2 === void 0 && reports === void 0 && timeoutMs === void 0) return void 0;
  const current = definition.test;
  if (!current && command2 === void 0) return "the definition has no test section to apply it to; give a test command as well";
  const common = {
    workdir: current?.workdir ?? definition.baseDir,
    env: current?.env ?? {},
    timeoutMs: timeoutMs ?? current?.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS,
    reports: reports ?? current?.reports ?? [],
    location: current?.location ?? { file: definition.file ?? "", line: 1, column: 1 }
  };
  if (command2 !== void 0) definition.test = { ...common, mode: "command", command: ["/bin/sh", "-c", command2] };
  else if (current) definition.test = { ...current, ...common };
  return void 0;
}

// src/repro/git.ts
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir as tmpdir2 } from "node:os";
import { join as join4, relative as relative4, resolve as resolve5 } from "node:path";
var ReproError = class extends Error {
  hint;
  constructor(message, hint, options) {
    super(message, options);
    this.name = "ReproError";
    this.hint = hint;
  }
};
function git(cwd, args) {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_TERMINAL_PROMPT: "0" }, stdio: ["ignore", "pipe", "pipe"] });
  if (r.error) throw new ReproError(`git cannot be run (${r.error.message})`, "install git", { cause: r.error });
  return { ok: r.status === 0, out: r.stdout.trim(), err: r.stderr.trim() };
}
function repositoryRoot(dir) {
  const r = git(dir, ["rev-parse", "--show-toplevel"]);
  return r.ok ? r.out : void 0;
}
function githubRepository(url) {
  const m = /github\.com[:/]+([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(\.git)?\/?$/.exec(url.trim());
  return m ? `${m[1]}/${m[2]}` : void 0;
}
function localSource(dir, repository) {
  const commit = git(dir, ["rev-parse", "HEAD"]);
  const tree = git(dir, ["rev-parse", "HEAD^{tree}"]);
  if (!commit.ok || !tree.ok) return void 0;
  const status = git(dir, ["status", "--porcelain", "--untracked-files=no"]);
  const origin = git(dir, ["remote", "get-url", "origin"]);
  const repo = repository ?? (origin.ok ? githubRepository(origin.out) : void 0);
  return { ...repo ? { repository: repo } : {}, commit: commit.out, tree: tree.out, dirty: status.ok && status.out !== "" };
}
function pathInRepository(root, dir) {
  return relative4(root, resolve5(dir)) || ".";
}
function checkoutTree(root, request, log = () => {
}) {
  const steps = [];
  const step = (s) => {
    steps.push(s);
    log(s);
  };
  const remote = remoteFor(root, request.repository);
  const wanted = [request.commit, ...request.mergeHead ? [request.mergeHead] : []];
  const missing = () => wanted.filter((sha2) => !git(root, ["cat-file", "-e", `${sha2}^{commit}`]).ok);
  if (missing().length > 0) {
    if (!remote) throw new ReproError(`commit ${missing()[0]} is not in this clone, and it has no remote to fetch it from`, `run the command inside a clone of ${request.repository ?? "the repository"}`);
    step(`fetch ${missing().join(" ")} from ${remote}`);
    git(root, ["fetch", "--quiet", "--no-tags", remote, ...missing()]);
    if (missing().length > 0 && request.pullRequest !== void 0) {
      step(`fetch pull/${request.pullRequest}/head from ${remote}`);
      git(root, ["fetch", "--quiet", "--no-tags", remote, `+refs/pull/${request.pullRequest}/head:refs/prenv/pull/${request.pullRequest}/head`]);
    }
    if (missing().length > 0) {
      step(`fetch the branches of ${remote}`);
      git(root, ["fetch", "--quiet", "--no-tags", remote]);
    }
    const still = missing();
    if (still.length > 0) throw new ReproError(`commit ${still[0]} is neither in this clone nor in its remote ${remote}`, "check that this is a clone of the repository the run was for; a force-pushed pull request may have lost the commit");
  }
  const dir = mkdtempSync(join4(tmpdir2(), "prenv-repro-"));
  const remove = () => {
    git(root, ["worktree", "remove", "--force", dir]);
    rmSync(dir, { recursive: true, force: true });
    git(root, ["worktree", "prune"]);
  };
  step(`git worktree add --detach ${dir} ${request.commit.slice(0, 12)}`);
  const added = git(root, ["worktree", "add", "--quiet", "--detach", dir, request.commit]);
  if (!added.ok) {
    remove();
    throw new ReproError(`a worktree for ${request.commit} cannot be made: ${added.err}`, "check the disk space and that git can write to the repository's .git");
  }
  try {
    if (request.mergeHead) {
      step(`merge ${request.mergeHead.slice(0, 12)} into it, as the pull request's test merge did`);
      const merged = git(dir, ["-c", "user.name=prenv", "-c", "user.email=prenv@localhost", "merge", "--quiet", "--no-ff", "--no-edit", request.mergeHead]);
      if (!merged.ok) throw new ReproError(`head ${request.mergeHead} does not merge cleanly into base ${request.commit}: ${merged.err || merged.out}`, "the commits are not the ones the run tested; check the line");
    }
    const tree = git(dir, ["rev-parse", "HEAD^{tree}"]).out;
    if (tree !== request.tree) throw new ReproError(`the rebuilt tree is ${tree}, not the tree the run tested (${request.tree})`, "the line's commits do not give the tested tree: was it edited? Use the line exactly as the run printed it");
  } catch (e) {
    remove();
    throw e;
  }
  return { dir, steps, remove };
}
function remoteFor(root, repository) {
  const names = git(root, ["remote"]).out.split("\n").filter(Boolean);
  if (repository) {
    for (const name of names) {
      const url = git(root, ["remote", "get-url", name]);
      if (url.ok && githubRepository(url.out)?.toLowerCase() === repository.toLowerCase()) return name;
    }
  }
  return names.includes("origin") ? "origin" : names.length === 1 ? names[0] : void 0;
}

// src/util/shell.ts
function shellQuote2(word) {
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

// src/repro/line.ts
var LINE_LIMIT = 400;
function reproductionLine(manifest, where = {}) {
  const notes = [];
  const head = ["npx", `prenv@${manifest.prenvVersion}`, "repro"];
  const made = ["--prenv", manifest.prenvVersion];
  const source = manifest.source;
  const target = [];
  if (source.repository) target.push(source.pullRequest ? `${source.repository}#${source.pullRequest.number}` : source.repository);
  if (source.pullRequest?.merged) target.push("--head", source.pullRequest.head, "--base", source.pullRequest.base);
  else target.push("--commit", source.commit);
  target.push("--tree", source.tree);
  const args = [];
  if (manifest.workingDirectory !== ".") args.push("--dir", manifest.workingDirectory);
  if (manifest.definition) args.push("-d", manifest.definition);
  for (const file of manifest.composeFiles) args.push("-f", file);
  for (const profile of manifest.profiles) args.push("--profile", profile);
  for (const [name, param] of Object.entries(manifest.params).sort(([a], [b]) => a.localeCompare(b))) {
    if (param.secret) {
      notes.push(`parameter ${name} is secret, so it is not in the command: set PRENV_SECRET_${envName(name)} before running it`);
      if (param.origin !== void 0 && param.origin !== "default") args.push("--secret", name);
      continue;
    }
    if (param.origin === "default" || param.origin === void 0 || param.value === void 0) continue;
    args.push("--set", `${name}=${Array.isArray(param.value) ? param.value.join(",") : String(param.value)}`);
  }
  for (const image of manifest.images) {
    const digest = image.digest?.slice(image.digest.indexOf("@") + 1);
    if (!image.built && digest) args.push("--pin", `${image.service}=${digest}`);
  }
  if (manifest.test?.commandOverride !== void 0) args.push("--test-command", manifest.test.commandOverride);
  const only = [...new Set(manifest.failedTests.map((t) => t.name))].flatMap((name) => ["--only", name]);
  if (source.dirty) notes.push("the run had changes that were in no commit: the command brings back the commit, not those changes");
  const inline = [...head, ...target, ...made, ...args, ...only].map(shellQuote2).join(" ");
  if (inline.length <= LINE_LIMIT) return { command: inline, notes };
  const byManifest = [...head, "--manifest"];
  const failed = manifest.failedTests.length > 0 ? ["--only-failed"] : [];
  if (where.runId && where.artifact && source.repository) {
    const dir = `prenv-run-${where.runId}`;
    const download = ["gh", "run", "download", where.runId, "-R", source.repository, "-n", where.artifact, "-D", dir].map(shellQuote2).join(" ");
    notes.push(`the run is too large for one inline command: this one downloads its manifest (the artifact ${where.artifact}) with the GitHub CLI; with the file at hand, \`prenv repro --manifest <file>\` works offline`);
    return { command: `${download} && ${[...byManifest, `${dir}/manifest.json`, ...failed].map(shellQuote2).join(" ")}`, notes };
  }
  return { command: [...byManifest, where.path ?? "prenv-results/manifest.json", ...failed].map(shellQuote2).join(" "), notes };
}

// src/secrets/collect.ts
var MIN_GUESSED_LENGTH = 6;
var NOT_SECRET = /* @__PURE__ */ new Set(["PWD", "OLDPWD", "SSH_AUTH_SOCK", "DBUS_SESSION_BUS_ADDRESS", "DESKTOP_SESSION", "GPG_AGENT_INFO", "XAUTHORITY"]);
function secretValues(environment, env) {
  const values = /* @__PURE__ */ new Set();
  for (const param of Object.values(environment?.params ?? {})) {
    if (param.secret && param.value !== void 0) {
      values.add(renderParam(param.value));
      if (Array.isArray(param.value)) for (const item of param.value) values.add(item);
    }
  }
  const guessed = (name, value) => {
    if (value !== void 0 && value.length >= MIN_GUESSED_LENGTH && looksSecret(name) && !NOT_SECRET.has(name) && !name.startsWith("XDG_")) values.add(value);
  };
  for (const [name, value] of Object.entries(env)) {
    if (value === void 0) continue;
    if (name.startsWith(SECRET_ENV_PREFIX)) values.add(value);
    else guessed(name, value);
  }
  for (const [name, value] of Object.entries(environment?.definition.variablesUsed ?? {})) {
    if (environment?.params[name]) continue;
    guessed(name, value);
  }
  return [...values];
}

export {
  escapeRegExp,
  MASK,
  Redactor,
  SECRET_ENV_PREFIX,
  envName,
  loadEnvironment,
  buildManifest,
  seal,
  imageDifferences,
  ManifestError,
  parseManifest,
  ResultsFolder,
  REPORTS_DIR_VARIABLE,
  REPORTS_DIR_PLACEHOLDER,
  createReportsDir,
  runEnvironment,
  reportParams,
  overrideTest,
  ReproError,
  repositoryRoot,
  localSource,
  pathInRepository,
  checkoutTree,
  shellQuote2 as shellQuote,
  reproductionLine,
  secretValues
};
