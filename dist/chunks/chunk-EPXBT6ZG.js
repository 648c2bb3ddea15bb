#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));

// src/engine/lifecycle.ts
function gcCandidates(environments, options) {
  const now = options.now ?? /* @__PURE__ */ new Date();
  const alive = options.isAlive ?? processAlive;
  const out = [];
  for (const env of environments) {
    if (options.only && !options.only.has(env.environment)) continue;
    if (onlyKeptData(env)) continue;
    const ageMs = now.getTime() - env.created.getTime();
    const expires = options.expiries?.get(env.environment);
    if (expires && expires.getTime() <= now.getTime()) {
      out.push({ environment: env, reason: `its preview expired at ${expires.toISOString()}` });
      continue;
    }
    if (options.olderThanMs !== void 0 && ageMs > options.olderThanMs) {
      out.push({ environment: env, reason: `older than the limit (${Math.round(ageMs / 6e4)} min)` });
      continue;
    }
    if (env.complete && !env.ephemeral) continue;
    const what = env.complete ? "left by a prenv run that ended before its teardown" : "left by a run that ended before it finished";
    const [host, pid] = splitOwner(env.owner);
    if (host === options.host && pid !== void 0 && !alive(pid)) {
      out.push({ environment: env, reason: `${what} (process ${pid} is gone)` });
    } else if (!host || pid === void 0) {
      out.push({ environment: env, reason: `${env.complete ? "made by a run" : "unfinished"} and its owner is unknown` });
    }
  }
  return out;
}
var QUIET_LOOKS = 2;
var MAX_LOOKS = 20;
async function gc(backend, options) {
  const decisions = gcCandidates(await backend.list(), options);
  const results = await Promise.all(decisions.map(async (decision) => ({ decision, removed: await backend.remove(decision.environment.environment, { keepVolumes: decision.environment.volumesKept }) })));
  const byName = new Map(results.map((r) => [r.decision.environment.environment, r]));
  for (let quiet = 0, looks = 0; decisions.length > 0 && quiet < QUIET_LOOKS && looks < MAX_LOOKS; looks++) {
    const late = (await backend.list()).filter((e) => byName.has(e.environment) && !onlyKeptData(e));
    quiet = late.length === 0 ? quiet + 1 : 0;
    for (const env of late) {
      const again = await backend.remove(env.environment, { keepVolumes: env.volumesKept });
      const result = byName.get(env.environment);
      result.removed = { containers: result.removed.containers + again.containers, networks: result.removed.networks + again.networks, volumes: result.removed.volumes + again.volumes };
    }
  }
  return results;
}
async function undoAbandonedFaults(backend, options) {
  const alive = options.isAlive ?? processAlive;
  return backend.undoAbandonedFaults((owner, environment) => {
    if (options.only && !options.only.has(environment)) return false;
    const [host, pid] = splitOwner(owner);
    return host === options.host && pid !== void 0 && !alive(pid);
  });
}
function onlyKeptData(env) {
  return env.volumesKept && env.services.length === 0 && env.networks === 0 && !env.complete;
}
function splitOwner(owner) {
  const at = owner.lastIndexOf(":");
  if (at < 0) return [void 0, void 0];
  const pid = Number(owner.slice(at + 1));
  return [owner.slice(0, at), Number.isInteger(pid) && pid > 0 ? pid : void 0];
}
function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === "EPERM";
  }
}
function parseAge(text) {
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(text.trim());
  if (!m) return void 0;
  return Number(m[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[m[2]];
}

export {
  gcCandidates,
  gc,
  undoAbandonedFaults,
  parseAge
};
