#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  DEFAULT_TEST_TIMEOUT_MS,
  REPORTS_DIR_VARIABLE,
  SECRET_ENV_PREFIX,
  envName,
  renderParam
} from "./chunk-BUFHHKZP.js";
import {
  XMLParser,
  XMLValidator
} from "./chunk-2NQ2TY7A.js";
import {
  chaosNeeds,
  chaosProblems,
  plannedTimeline
} from "./chunk-AF45ALV4.js";
import {
  shellQuote
} from "./chunk-GMD6ZPTA.js";
import {
  Redactor,
  looksSecret
} from "./chunk-6CJPBSLS.js";
import {
  definedFields,
  external_exports,
  fileContent,
  stableJson
} from "./chunk-MWVYT2RV.js";
import {
  REPORT_TAIL,
  TextTail,
  mergeInto,
  writeText
} from "./chunk-OJWCZQZI.js";
import {
  sleep,
  withTimeout
} from "./chunk-JKQNFZNE.js";
import {
  BootError,
  PreflightError
} from "./chunk-47MIETJC.js";
import {
  endpointVariables
} from "./chunk-YMOYOOXC.js";
import {
  ConflictError,
  FaultError,
  LABELS,
  ServiceError,
  UnsupportedError,
  canUpdate,
  describeReason,
  requireFaultSupport
} from "./chunk-MABPSUXQ.js";

// src/engine/diff.ts
import { createHash } from "node:crypto";
function configHash(service, image) {
  const text = stableJson(
    // The route only when there is one, so that a service without keeps the hash it had.
    { spec: service.spec, dependsOn: service.dependsOn, ports: service.ports, ...service.ingress ? { ingress: service.ingress } : {}, image: image.digest ?? image.id },
    (key) => key === "location"
  );
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}
function diffEnvironment(observed, plan, hashes, options = {}) {
  const running = new Map(observed.map((o) => [o.name, o]));
  const ops = /* @__PURE__ */ new Map();
  for (const s of plan.services) {
    const now = running.get(s.name);
    const wanted = hashes.get(s.name);
    if (!now) ops.set(s.name, { kind: "create", service: s.name });
    else if (options.recreateAll) ops.set(s.name, { kind: "recreate", service: s.name, reason: "--recreate" });
    else if (now.configHash === void 0) ops.set(s.name, { kind: "recreate", service: s.name, reason: "it carries no configuration hash (made by an older prenv)" });
    else if (now.configHash !== wanted) ops.set(s.name, { kind: "recreate", service: s.name, reason: `its configuration changed (${now.configHash} -> ${wanted ?? "?"})` });
    else if (now.state !== "running" && !(s.runsToCompletion && now.state === "exited")) ops.set(s.name, { kind: "recreate", service: s.name, reason: `it is ${now.state}` });
    else ops.set(s.name, { kind: "unchanged", service: s.name });
  }
  for (const s of plan.services) {
    const op = ops.get(s.name);
    if (op.kind !== "unchanged") continue;
    const bound = boundTo(s).find((other) => ops.get(other)?.kind === "recreate" || ops.get(other)?.kind === "create");
    if (bound) ops.set(s.name, { kind: "recreate", service: s.name, reason: `it is bound to ${bound}, which is recreated` });
  }
  const removals = observed.filter((o) => !plan.services.some((s) => s.name === o.name) && o.name !== plan.testService?.name).map((o) => ({ kind: "remove", service: o.name }));
  return [...plan.services.map((s) => ops.get(s.name)), ...removals.sort((a, b) => a.service.localeCompare(b.service))];
}
function boundTo(s) {
  const spec = s.spec;
  const names = [
    ...spec.networkModeService ? [spec.networkModeService] : [],
    ...spec.volumesFrom.flatMap((v) => v.service ? [v.service] : []),
    ...typeof spec.ipc === "object" ? [spec.ipc.service] : [],
    ...spec.links.map((l) => l.service),
    ...Object.entries(s.dependsOn).filter(([, d]) => d.restart).map(([name]) => name)
  ];
  return [...new Set(names)];
}
function formatOperations(ops) {
  const sign = { create: "+", recreate: "~", remove: "-", unchanged: "=" };
  return ops.map((o) => `  ${sign[o.kind]} ${o.service.padEnd(16)} ${o.kind}${o.kind === "recreate" ? `: ${o.reason}` : ""}`).join("\n");
}
function summarizeOperations(ops) {
  const changed = ops.filter((o) => o.kind !== "unchanged");
  if (changed.length === 0) return "nothing changed";
  const verb = { create: "created", recreate: "recreated", remove: "removed", unchanged: "unchanged" };
  return changed.map((o) => `${o.service} ${verb[o.kind]}${o.kind === "recreate" ? ` (${o.reason})` : ""}`).join(", ");
}

// src/engine/up.ts
import { createServer } from "node:net";

// src/engine/logs.ts
import { PassThrough, Readable, Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { StringDecoder } from "node:string_decoder";
var serviceLogFile = (service) => `logs/${service}.log`;
var stepLogFile = (index, name) => `logs/prenv/setup-${index + 1}-${slug(name)}.log`;
var TEST_LOG_FILE = "logs/prenv/test.log";
var Output = class {
  input = new PassThrough();
  tail;
  done;
  where;
  constructor(sink, file, options = {}) {
    const tail = this.tail = new TextTail(options.limits ?? REPORT_TAIL);
    this.where = sink ? file : void 0;
    const decoder = options.onText ? new StringDecoder("utf8") : void 0;
    const tee = new Transform({
      transform(chunk, _encoding, callback) {
        tail.push(chunk);
        if (decoder) options.onText?.(decoder.write(chunk));
        callback(null, chunk);
      },
      flush(callback) {
        if (decoder) options.onText?.(decoder.end());
        callback();
      }
    });
    const target = sink && options.write !== false ? sink.open(file) : new Writable({ write: (_chunk, _encoding, callback) => callback() });
    this.done = pipeline([this.input, ...sink?.transform ? [sink.transform()] : [], tee, target]);
    this.done.catch(() => void 0);
    this.input.on("error", () => void 0);
  }
  /** Ends the output; resolves with its tail and a note of what was cut and where the whole is. */
  async close() {
    if (!this.input.writableEnded) this.input.end();
    await this.done;
    return this.tail.render(this.where);
  }
};
async function saveLog(backend, environment, service, sink) {
  const output = new Output(sink, serviceLogFile(service));
  try {
    const stream = await backend.logs(environment, service, { follow: false });
    for await (const chunk of stream) await writeText(output.input, chunk);
  } catch (e) {
    await writeText(output.input, `
prenv: the log could not be read: ${e.message}
`).catch(() => void 0);
  }
  await output.close();
}
async function passText(sink, text) {
  if (!sink?.transform || text === "") return text;
  const chunks = [];
  const collect = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(chunk);
      callback();
    }
  });
  await pipeline(Readable.from([text]), sink.transform(), collect);
  return Buffer.concat(chunks).toString("utf8");
}
async function logTail(backend, environment, service, lines = 20) {
  const tail = new TextTail({ lines, bytes: REPORT_TAIL.bytes });
  try {
    const stream = await backend.logs(environment, service, { follow: false, tail: lines });
    for await (const chunk of stream) tail.push(String(chunk));
  } catch {
    return "";
  }
  return tail.result().text.trimEnd();
}
function slug(name) {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40).replace(/-$/, "") || "step";
}

// src/engine/readiness.ts
import { connect } from "node:net";
var PROBE_GAP_MS = 100;
async function waitFor(check, ctx) {
  if (check.kind === "running" || check.kind === "completed") return;
  if (check.kind === "log") return waitForLog(check.pattern, ctx);
  const probe = probeOf(check, ctx);
  const giveUpAt = check.kind === "healthcheck" ? Date.now() + check.unhealthyAfterMs : Infinity;
  for (; ; ) {
    ctx.signal.throwIfAborted();
    const started = Date.now();
    const result = await probe().catch((e) => {
      if (e instanceof ServiceError) throw e;
      return { ok: false, output: e.message };
    });
    if (result.ok) return;
    if (Date.now() >= giveUpAt) {
      const seconds2 = Math.round(check.unhealthyAfterMs / 1e3);
      throw new ServiceError(ctx.service, `service "${ctx.service}" is unhealthy: its healthcheck still fails after ${seconds2} s (last result: ${result.output.trim().slice(0, 300)})`, {
        hint: "fix the service or its healthcheck; start_period, interval, timeout and retries set how long it may take",
        logTail: await logTail(ctx.backend, ctx.environment, ctx.service)
      });
    }
    await sleep(Math.max(0, PROBE_GAP_MS - (Date.now() - started) / 2), ctx.signal);
  }
}
function probeOf(check, ctx) {
  const run = (argv, timeoutMs) => async () => {
    const result = await ctx.backend.exec(ctx.environment, ctx.service, argv, { timeoutMs, signal: ctx.signal });
    return { ok: result.exitCode === 0, output: `exit code ${result.exitCode}${result.output ? `: ${result.output}` : ""}` };
  };
  switch (check.kind) {
    case "healthcheck":
      return run(check.test[0] === "CMD-SHELL" ? ["/bin/sh", "-c", check.test.slice(1).join(" ")] : check.test.slice(1), check.timeoutMs);
    case "command":
      return run(check.command, 3e4);
    case "port":
      return async () => {
        const ok = ctx.backend.portOpen ? await ctx.backend.portOpen(ctx.environment, ctx.service, check.port) : await ctx.backend.probeAddress(ctx.environment, ctx.service, check.port).then((address) => tcpOpen(address.host, address.port, 1e3));
        return { ok, output: ok ? "" : `nothing accepts connections on port ${check.port}` };
      };
    case "http":
      return async () => {
        const address = await ctx.backend.probeAddress(ctx.environment, ctx.service, check.port);
        const response = await fetch(`http://${address.host}:${address.port}${check.path}`, { signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(2e3)]) });
        await response.body?.cancel();
        return { ok: response.status === check.status, output: `GET ${check.path} answered ${response.status}` };
      };
  }
}
function tcpOpen(host, port, timeoutMs) {
  return new Promise((resolve3) => {
    const socket = connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve3(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
async function waitForLog(pattern, ctx) {
  const re = new RegExp(pattern);
  const local = new AbortController();
  const signal = AbortSignal.any([ctx.signal, local.signal]);
  try {
    const stream = await ctx.backend.logs(ctx.environment, ctx.service, { follow: true, signal });
    let pending = "";
    for await (const chunk of stream) {
      pending += String(chunk);
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      if (lines.some((l) => re.test(l)) || re.test(pending)) return;
    }
    ctx.signal.throwIfAborted();
    throw new Error(`the log ended without a line matching /${pattern}/`);
  } finally {
    local.abort();
  }
}

// src/engine/up.ts
function deferred() {
  let resolve3;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve3 = res;
    reject = rej;
  });
  promise.catch(() => void 0);
  const d = {
    promise,
    settled: false,
    resolve: (v) => {
      d.settled = true;
      resolve3(v);
    },
    reject: (r) => {
      d.settled = true;
      reject(r);
    }
  };
  return d;
}
var DEFAULT_TIMEOUT_MS = 5 * 6e4;
var RUNNING_STABLE_MS = 250;
async function up(plan, options) {
  const { backend, owner } = options;
  const t0 = Date.now();
  const emit = (service, phase, detail) => options.onEvent?.({ service, phase, elapsedMs: Date.now() - t0, ...detail !== void 0 ? { detail } : {} });
  if (!options.update) await preflight(plan, backend);
  const abort = new AbortController();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timer = setTimeout(() => abort.abort(new Error("timeout")), timeoutMs);
  const onOuterAbort = () => abort.abort(new Error("interrupted"));
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  const signal = abort.signal;
  const phases = new Map(plan.services.map((s) => [s.name, "pending"]));
  const setPhase = (service, phase, detail) => {
    phases.set(service, phase);
    emit(service, phase, detail);
  };
  plan.services.forEach((s) => emit(s.name, "pending"));
  const failed = deferred();
  const fail = (error) => {
    if (!failed.settled) failed.reject(error);
    abort.abort(error);
  };
  const interrupted = new Promise(
    (_, reject) => signal.addEventListener("abort", () => {
      const reason = signal.reason;
      if (reason instanceof ServiceError) return reject(reason);
      const pending = [...phases].filter(([, p]) => p !== "ready" && p !== "completed");
      const timedOut = reason instanceof Error && reason.message === "timeout";
      const what = timedOut ? `the environment was not ready within ${Math.round(timeoutMs / 1e3)} s` : "the boot was interrupted";
      const error = new ServiceError(pending[0]?.[0] ?? plan.services[0]?.name ?? "", `${what}; still waiting for ${pending.map(([s, p]) => `${s} (${p})`).join(", ") || "nothing"}`, {
        ...timedOut ? { hint: "raise --timeout, or check why these services do not become ready", logOf: pending[0]?.[0] ?? "" } : {}
      });
      if (timedOut) timeout = { error, pending };
      reject(error);
    }, { once: true })
  );
  interrupted.catch(() => void 0);
  let timeout;
  let created = false;
  try {
    const images = /* @__PURE__ */ new Map();
    await Promise.race([
      Promise.all(
        [...plan.services, ...plan.testService ? [plan.testService] : []].map(async (s) => {
          const image = await backend.prepareImage(plan, s, (phase, detail) => setPhase(s.name, phase, detail), signal);
          images.set(s.name, image);
          setPhase(s.name, "pending");
        })
      ),
      interrupted
    ]);
    const kept = options.update ? await Promise.race([options.update(images), interrupted]) : /* @__PURE__ */ new Set();
    if (!options.update) {
      if (!await backend.claimEnvironment(plan, owner, images.values().next().value.reference)) throw alreadyExists(plan.environment);
      created = true;
      await Promise.race([backend.createEnvironment(plan, owner), interrupted]);
    }
    const started = new Map(plan.services.map((s) => [s.name, deferred()]));
    const ready = new Map(plan.services.map((s) => [s.name, deferred()]));
    const completed = new Map(plan.services.map((s) => [s.name, deferred()]));
    const startedAt = /* @__PURE__ */ new Map();
    const outcomes = [];
    await backend.watchExits(plan.environment, (service) => {
      void onExit(service).catch((e) => fail(asServiceError(service, e)));
    }, signal);
    const onExit = async (name) => {
      const service = plan.services.find((s) => s.name === name);
      if (!service) return;
      const status = await backend.status(plan.environment, name);
      if (status.state !== "exited") return;
      if (service.runsToCompletion && status.exitCode === 0) {
        if (!completed.get(name).settled) setPhase(name, "completed");
        completed.get(name).resolve();
        return;
      }
      const code = service.runsToCompletion ? `exited with code ${status.exitCode}` : status.exitCode === 0 ? "exited (code 0) although it should keep running" : `exited with code ${status.exitCode}`;
      const what = `${code}${status.reason ? `: ${describeReason(status.reason)}` : ""}`;
      fail(new ServiceError(name, `service "${name}" ${what}`, { logTail: await logTail(backend, plan.environment, name), logOf: name }));
    };
    const confirmRunning = async (name) => {
      await sleep(Math.max(0, RUNNING_STABLE_MS - (Date.now() - startedAt.get(name))), signal);
      const status = await backend.status(plan.environment, name);
      if (status.state === "exited") {
        await onExit(name);
        await failed.promise;
      }
    };
    for (const name of kept) {
      for (const d of [started, ready, completed]) d.get(name)?.resolve();
      const s = plan.services.find((p) => p.name === name);
      if (s) outcomes.push({ name, image: images.get(name), phase: s.runsToCompletion ? "completed" : "ready", readyMs: 0, startToReadyMs: 0 });
    }
    const boot = async (s) => {
      if (kept.has(s.name)) return;
      const deps = Object.entries(s.dependsOn);
      if (deps.length > 0) {
        setPhase(s.name, "waiting", deps.map(([d, c]) => `${d} ${conditionWord(c.condition)}`).join(", "));
        await Promise.all(
          deps.map(
            ([dep, c]) => (c.condition === "service_completed_successfully" ? completed : c.condition === "service_healthy" ? ready : started).get(dep).promise
          )
        );
      }
      signal.throwIfAborted();
      setPhase(s.name, "starting");
      await backend.createService(plan, s, owner, { [LABELS.configHash]: configHash(s, images.get(s.name)) });
      await backend.startService(plan, s);
      startedAt.set(s.name, Date.now());
      started.get(s.name).resolve();
      setPhase(s.name, "checking", s.readiness.map((c) => c.kind).join(", "));
      await Promise.all(
        s.readiness.map((check) => {
          if (check.kind === "completed") return completed.get(s.name).promise;
          if (check.kind === "running") return confirmRunning(s.name);
          return waitFor(check, { backend, environment: plan.environment, service: s.name, signal });
        })
      );
      const now = Date.now();
      outcomes.push({ name: s.name, image: images.get(s.name), phase: s.runsToCompletion ? "completed" : "ready", readyMs: now - t0, startToReadyMs: now - startedAt.get(s.name) });
      ready.get(s.name).resolve();
      if (!s.runsToCompletion) setPhase(s.name, "ready");
    };
    await Promise.race([
      Promise.all(plan.services.map((s) => boot(s).catch((e) => {
        if (!signal.aborted) fail(asServiceError(s.name, e));
      }))),
      failed.promise,
      interrupted
    ]);
    signal.throwIfAborted();
    for (const s of plan.services) if (!kept.has(s.name)) await onExit(s.name);
    signal.throwIfAborted();
    await backend.setMarker(plan, owner, "complete");
    const endpoints = await backend.endpoints(plan.environment);
    outcomes.sort((a, b) => plan.services.findIndex((s) => s.name === a.name) - plan.services.findIndex((s) => s.name === b.name));
    return { environment: plan.environment, services: outcomes, endpoints, durationMs: Date.now() - t0 };
  } catch (e) {
    if (e instanceof PreflightError) throw e;
    let failure = options.signal?.aborted ? await interrupted.catch((r) => asServiceError("", r)) : await failureOf(e, failed, interrupted);
    if (timeout && failure === timeout.error) {
      const notes = await statusNotes(backend, plan.environment, timeout.pending.map(([s]) => s));
      if (notes.size > 0) {
        const waiting = timeout.pending.map(([s, p]) => `${s} (${p}${notes.has(s) ? `; ${notes.get(s)}` : ""})`).join(", ");
        failure = new ServiceError(failure.service, `${failure.message.slice(0, failure.message.indexOf("; still waiting for "))}; still waiting for ${waiting}`, { ...failure.hint ? { hint: failure.hint } : {}, ...failure.logOf ? { logOf: failure.logOf } : {}, cause: failure });
      }
    }
    setPhase(failure.service, "failed", failure.message);
    abort.abort(failure);
    let removed = false;
    if (created && !options.keepOnFailure) {
      await backend.remove(plan.environment, { keepVolumes: false });
      removed = true;
    }
    throw new BootError(failure, removed || !created);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onOuterAbort);
    if (!abort.signal.aborted) abort.abort(new Error("done"));
  }
}
async function failureOf(e, failed, interrupted) {
  if (e instanceof ServiceError) return e;
  for (const p of [failed.promise, interrupted]) {
    const reason = await Promise.race([p.then(() => void 0, (r) => r), sleep(0).then(() => void 0)]);
    if (reason instanceof ServiceError) return reason;
  }
  return asServiceError("", e);
}
function asServiceError(service, e) {
  if (e instanceof ServiceError) return e;
  const message2 = e instanceof Error ? e.message : String(e);
  return new ServiceError(service, service ? `service "${service}": ${message2}` : message2, { cause: e });
}
function conditionWord(condition) {
  return condition === "service_healthy" ? "healthy" : condition === "service_completed_successfully" ? "completed" : "started";
}
async function preflight(plan, backend) {
  const existing = (await backend.list()).find((e) => e.environment === plan.environment && (e.services.length > 0 || e.networks > 0));
  if (existing) throw alreadyExists(plan.environment, existing.created);
  for (const s of plan.services) {
    for (const p of s.ports) {
      if (!p.published || p.protocol !== "tcp") continue;
      const host = p.hostIp ?? "127.0.0.1";
      if (!await portFree(host, p.published)) {
        throw new PreflightError(
          `service "${s.name}" publishes host port ${host}:${p.published}, which is already in use`,
          `stop what listens there, or publish the container port alone ("${p.target}") so that a free host port is chosen`,
          s.name
        );
      }
    }
  }
}
function alreadyExists(environment, created) {
  return new PreflightError(
    `environment "${environment}" already exists${created ? ` (created ${created.toISOString()})` : " (another prenv is creating it)"}`,
    `remove it with \`prenv down --env ${environment}\`, or start another one beside it with --env <name>`
  );
}
function portFree(host, port) {
  return new Promise((resolve3) => {
    const server = createServer();
    server.once("error", () => resolve3(false));
    server.listen({ host: host === "0.0.0.0" ? void 0 : host, port, exclusive: true }, () => server.close(() => resolve3(true)));
  });
}
async function statusNotes(backend, environment, services) {
  const notes = /* @__PURE__ */ new Map();
  const look = Promise.all(
    services.map(async (service) => {
      const status = await backend.status(environment, service).catch(() => void 0);
      if (!status) return;
      const parts = [...status.restarts > 0 ? [`restarted ${status.restarts} time${status.restarts === 1 ? "" : "s"}`] : [], ...status.reason ? [describeReason(status.reason)] : []];
      if (parts.length) notes.set(service, parts.join("; "));
    })
  );
  await Promise.race([look, new Promise((resolve3) => setTimeout(resolve3, 3e3).unref())]);
  return notes;
}

// src/engine/update.ts
var UpdateError = class extends Error {
  failure;
  service;
  /** The services put back as they ran before the update. */
  restored;
  constructor(failure, restored, options = {}) {
    const back = restored.length > 0 ? `; ${restored.join(", ")} run${restored.length === 1 ? "s" : ""} again as before` : "; nothing had been changed";
    super(`the update failed at service "${failure.service}": ${failure.message}${back}`, { cause: options.cause ?? failure });
    this.name = "UpdateError";
    this.failure = failure;
    this.service = failure.service;
    this.restored = restored;
  }
};
var LockTimeoutError = class extends ConflictError {
  constructor(environment, holder, leaseUntil) {
    super(`environment "${environment}" is being updated by ${holder} (its lease runs until ${leaseUntil.toISOString()}); gave up waiting`);
    this.name = "LockTimeoutError";
  }
};
var DEFAULT_BOOT_MS = 5 * 6e4;
var LOCK_POLL_MS = 200;
async function upOrUpdate(plan, options) {
  const existing = (await options.backend.list()).find((e) => e.environment === plan.environment && (e.services.length > 0 || e.networks > 0));
  if (!existing || !existing.complete) return { ...await up(plan, options), operations: plan.services.map((s) => ({ kind: "create", service: s.name })), updated: false };
  return updateEnvironment(plan, { ...options, backend: updating(options.backend, plan.environment) });
}
function updating(backend, environment) {
  if (canUpdate(backend)) return backend;
  throw new UnsupportedError(`environment "${environment}" exists, and the ${backend.kind} backend cannot update an environment in place yet`, `remove it first (prenv down --env ${environment}), then prenv up`, { capability: "updateInPlace" });
}
async function planUpdate(plan, backend, options = {}) {
  const signal = options.signal ?? new AbortController().signal;
  const images = /* @__PURE__ */ new Map();
  await Promise.all(plan.services.map(async (s) => images.set(s.name, await backend.prepareImage(plan, s, () => void 0, signal))));
  return diffEnvironment(await updating(backend, plan.environment).observe(plan.environment), plan, hashesOf(plan, images), options);
}
async function updateEnvironment(plan, options) {
  const { backend, owner } = options;
  let operations = [];
  const setAside = [];
  let lock;
  const leaseMs = options.leaseMs ?? (options.timeoutMs ?? DEFAULT_BOOT_MS) + 6e4;
  try {
    const result = await up(plan, {
      ...options,
      update: async (images) => {
        lock = await acquire(backend, plan, owner, images.values().next().value.reference, leaseMs, options.lockWaitMs ?? 10 * 6e4, options.signal);
        operations = diffEnvironment(await backend.observe(plan.environment), plan, hashesOf(plan, images), { recreateAll: options.recreateAll ?? false });
        options.onOperations?.(operations);
        for (const op of [...operations].reverse()) {
          if (op.kind !== "recreate") continue;
          await backend.setAside(plan.environment, op.service);
          setAside.push(op.service);
        }
        return new Set(operations.filter((o) => o.kind === "unchanged").map((o) => o.service));
      }
    });
    for (const name of setAside) await backend.discardSetAside(plan.environment, name);
    for (const op of operations) if (op.kind === "remove") await backend.removeService(plan.environment, op.service);
    return { ...result, operations, updated: true };
  } catch (e) {
    if (!(e instanceof BootError)) throw e;
    for (const op of operations) if (op.kind === "create") await backend.removeService(plan.environment, op.service);
    const restored = [];
    for (const name of [...setAside].reverse()) {
      await backend.restore(plan.environment, name);
      restored.push(name);
    }
    throw new UpdateError(e.failure, restored, { cause: e });
  } finally {
    if (lock) await backend.unlock(plan.environment, lock);
  }
}
function hashesOf(plan, images) {
  return new Map(plan.services.map((s) => [s.name, configHash(s, images.get(s.name))]));
}
async function acquire(backend, plan, owner, image, leaseMs, waitMs, signal) {
  const deadline = Date.now() + waitMs;
  for (; ; ) {
    const attempt = await backend.tryLock(plan, owner, image, new Date(Date.now() + leaseMs));
    if (attempt.acquired) return attempt.id;
    if (Date.now() > deadline) {
      const cause = new LockTimeoutError(plan.environment, attempt.holder, attempt.leaseUntil);
      throw new ServiceError("", cause.message, { hint: "wait for the other update, or serialise the workflow's runs with a `concurrency` group", cause });
    }
    await sleep(LOCK_POLL_MS, signal);
  }
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
  return seal({ ...draft, images, outcome: report.outcome, failedTests, ...report.chaos ? { chaos: report.chaos } : {} });
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
  constructor(message2, hint, options) {
    super(message2, options);
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
var faultAction = external_exports.discriminatedUnion("kind", [
  external_exports.object({ kind: external_exports.literal("kill"), target: external_exports.string(), signal: external_exports.string() }),
  external_exports.object({ kind: external_exports.literal("stop"), target: external_exports.string() }),
  external_exports.object({ kind: external_exports.literal("restart"), target: external_exports.string() }),
  external_exports.object({ kind: external_exports.literal("pause"), target: external_exports.string() }),
  external_exports.object({ kind: external_exports.literal("partition"), target: external_exports.string(), peer: external_exports.string() }),
  external_exports.object({ kind: external_exports.literal("loss"), target: external_exports.string(), percent: external_exports.number() }),
  external_exports.object({ kind: external_exports.literal("bandwidth"), target: external_exports.string(), bitsPerSecond: external_exports.number() }),
  external_exports.object({ kind: external_exports.literal("latency"), target: external_exports.string(), delayMs: external_exports.number(), jitterMs: external_exports.number(), ports: external_exports.array(external_exports.number()) })
]);
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
  chaos: external_exports.object({
    seed: external_exports.string(),
    timeline: external_exports.array(
      external_exports.object({
        id: external_exports.string(),
        name: external_exports.string(),
        action: faultAction,
        plannedStartMs: external_exports.number(),
        durationMs: external_exports.number().nullable(),
        actualStartMs: external_exports.number().optional(),
        how: external_exports.string().optional(),
        applied: external_exports.enum(["applied", "failed", "not reached"]),
        error: external_exports.string().optional(),
        undoneAtMs: external_exports.number().optional(),
        undo: external_exports.enum(["undone", "nothing to undo", "failed", "not applied"]),
        undoDetail: external_exports.string().optional()
      })
    )
  }).optional(),
  checksum: external_exports.string()
});

// src/results/output.ts
import { createReadStream, createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { mkdir, readFile, rm, rmdir } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative } from "node:path";
import { pipeline as pipeline2 } from "node:stream/promises";
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
    const files = Array.isArray(listed) ? listed.filter((f) => typeof f === "string" && !isAbsolute(f) && !f.split(/[/\\]/).includes("..")) : [];
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
    const rel = relative(this.dir, path);
    if (rel.startsWith("..") || isAbsolute(rel)) throw new Error(`prenv: ${file} is outside the results folder`);
    mkdirSync(dirname(path), { recursive: true });
    this.record(path);
    return createWriteStream(path);
  }
  /** Copies reports under junit/, keeping their paths relative to the first of `bases` they are inside. */
  async copyReports(reports, ...bases) {
    const copied = [];
    const inside = (rel) => !rel.startsWith("..") && !isAbsolute(rel);
    for (const report of reports) {
      const rel = bases.map((b) => relative(b, report)).find(inside);
      const target = join(this.dir, "junit", rel ?? basename(report));
      await mkdir(dirname(target), { recursive: true });
      this.record(target);
      await pipeline2(createReadStream(report), this.redactor.transform(), createWriteStream(target));
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
    this.written.add(relative(this.dir, path));
    writeFileSync(join(this.dir, INDEX_FILE), `${JSON.stringify([...this.written].sort(), null, 2)}
`);
  }
};
function ancestors(file) {
  const out = [];
  for (let d = dirname(file); d !== "." && d !== "/" && d !== ""; d = dirname(d)) out.push(d);
  return out;
}

// src/chaos/schedule.ts
import { createHash as createHash3, randomInt } from "node:crypto";
function draw(seed, fault, repetition) {
  return createHash3("sha256").update(`prenv-chaos\0${seed}\0${fault}\0${repetition}`).digest().readUInt32BE(0) / 2 ** 32;
}
function drawSeed() {
  return String(randomInt(1, 2 ** 31 - 1));
}
function resolveSchedule(chaos, seed) {
  const faults = [];
  chaos.faults.forEach((f, i) => {
    const count = f.repeat?.count ?? 1;
    for (let r = 0; r < count; r++) {
      const offset = r * (f.repeat?.everyMs ?? 0);
      const u = draw(seed, i, r);
      const base = "atMs" in f.start ? f.start.atMs : f.start.betweenMs[0] + Math.floor(u * (f.start.betweenMs[1] - f.start.betweenMs[0] + 1));
      faults.push({ id: `${i + 1}.${r + 1}`, name: f.name, action: f.action, plannedStartMs: base + offset, durationMs: f.durationMs });
    }
  });
  faults.sort((a, b) => a.plannedStartMs - b.plannedStartMs || a.id.localeCompare(b.id, void 0, { numeric: true }));
  return { seed, faults };
}
function formatSchedule(schedule) {
  const lines = [`chaos schedule (seed ${schedule.seed}; replay with --seed ${schedule.seed}):`];
  for (const f of schedule.faults) {
    lines.push(`  ${seconds(f.plannedStartMs).padStart(8)}  ${f.name}${f.durationMs === null ? " until the end of the suite" : f.durationMs === 0 ? "" : ` for ${seconds(f.durationMs)}`}`);
  }
  return `${lines.join("\n")}
`;
}
function seconds(ms) {
  return `${(ms / 1e3).toFixed(ms % 1e3 === 0 ? 0 : ms % 100 === 0 ? 1 : 3)}s`;
}

// src/chaos/inject.ts
function startChaos(schedule, options) {
  const t0 = Date.now();
  const since = () => Date.now() - t0;
  const timers = /* @__PURE__ */ new Set();
  const outcomes = schedule.faults.map((f) => ({ ...f, applied: "not reached", undo: "not applied" }));
  const work = /* @__PURE__ */ new Map();
  const undos = /* @__PURE__ */ new Map();
  let finished = false;
  const later = (ms, fn) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, Math.max(0, ms));
    timers.add(timer);
  };
  const chain = (id, step) => work.set(id, (work.get(id) ?? Promise.resolve()).then(step));
  const settle = async (outcome, instant) => {
    const fn = undos.get(outcome.id);
    if (!fn) return;
    undos.delete(outcome.id);
    try {
      outcome.undoDetail = await fn();
      outcome.undo = instant || outcome.undoDetail === "nothing to undo" ? "nothing to undo" : "undone";
      outcome.undoneAtMs = since();
      options.onEvent?.(outcome, "undone");
    } catch (e) {
      outcome.undo = "failed";
      outcome.undoDetail = message(e);
      outcome.undoneAtMs = since();
      options.onEvent?.(outcome, "failed");
    }
  };
  const undo = (outcome) => chain(outcome.id, () => settle(outcome, false));
  const apply = (outcome, fault) => chain(outcome.id, async () => {
    if (finished) return;
    outcome.actualStartMs = since();
    try {
      const applied = await options.faults.injectFault(options.plan, fault.action, options.owner, { id: fault.id, ...options.helperImage ? { helperImage: options.helperImage } : {} });
      outcome.applied = "applied";
      outcome.how = applied.how;
      undos.set(outcome.id, applied.undo);
      options.onEvent?.(outcome, "applied");
    } catch (e) {
      outcome.applied = "failed";
      outcome.error = message(e);
      options.onEvent?.(outcome, "failed");
      return;
    }
    if (fault.durationMs === 0) await settle(outcome, true);
    else if (fault.durationMs !== null && !finished) later(fault.plannedStartMs + fault.durationMs - since(), () => void undo(outcome));
  });
  schedule.faults.forEach((fault, i) => later(fault.plannedStartMs, () => void apply(outcomes[i], fault)));
  return {
    async finish() {
      if (finished) return outcomes;
      finished = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all(work.values());
      for (const o of outcomes) if (undos.has(o.id)) void undo(o);
      await Promise.all(work.values());
      return outcomes;
    }
  };
}
function message(e) {
  if (e instanceof FaultError) return e.hint ? `${e.message} (${e.hint})` : e.message;
  return e instanceof Error ? e.message : String(e);
}

// src/results/collect.ts
import { glob, readFile as readFile2, stat } from "node:fs/promises";
import { isAbsolute as isAbsolute2, join as join2, relative as relative2, resolve, sep } from "node:path";

// src/results/junit.ts
function parseJUnit(xml, report) {
  const problems = [];
  const fail = (message2, at) => {
    const where = at ? `:${at.line}${at.column ? `:${at.column}` : ""}` : "";
    problems.push({ report, message: `${report}${where}: ${message2}`, ...at ? { line: at.line } : {}, ...at?.column ? { column: at.column } : {} });
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
    let { message: message2, stack } = detail;
    const notPassing = status === "failed" || status === "error" || status === "flaky";
    if (notPassing && !stack && suiteOutput.includes(name) && name.length > 2) {
      stack = capHead(trimBlock(suiteOutput), MAX_STACK);
      message2 ??= messageFromText(stack);
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
      ...message2 ? { message: message2 } : {},
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
  const message2 = cleanMessage(el.attrs.get("message")) ?? (stack ? messageFromText(stack) : void 0) ?? nonEmpty(el.attrs.get("type"));
  return { ...message2 ? { message: message2 } : {}, ...stack ? { stack } : {} };
}
function cleanMessage(raw) {
  if (raw === void 0) return void 0;
  const lines = raw.split(/\r?\n/).filter((l) => !GO_NOISE.test(l)).map((l) => l.replace(GO_LOG_PREFIX, ""));
  const message2 = capHead(trimBlock(lines.join("\n")), MAX_MESSAGE).trim();
  return message2 === "" || PLACEHOLDER.test(message2) ? void 0 : message2;
}
function messageFromText(text) {
  const kept = [];
  for (const line of text.split(/\r?\n/)) {
    if (GO_NOISE.test(line)) continue;
    if (FRAME_START.some((re) => re.test(line))) break;
    kept.push(line.replace(GO_LOG_PREFIX, ""));
    if (kept.length >= 20) break;
  }
  const message2 = capHead(trimBlock(kept.join("\n")), MAX_MESSAGE).trim();
  return message2 === "" || PLACEHOLDER.test(message2) ? void 0 : message2;
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
  const seconds2 = Number(s);
  return Number.isFinite(seconds2) && seconds2 > 0 ? roundMs(seconds2 * 1e3) : 0;
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
  const base = resolve(cwd);
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
  const abs = resolve(base, pattern);
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
    const path = join2(entry.parentPath, entry.name);
    if (entry.isFile()) out.push(path);
    else if (entry.isSymbolicLink()) {
      const info = await stat(path).catch(() => void 0);
      if (info?.isFile()) out.push(path);
    }
  }
  return out.sort();
}
function displayPath(path, base, onlyIfAbsolute = false) {
  if (onlyIfAbsolute && !isAbsolute2(path)) return path;
  const rel = relative2(base, path);
  if (rel === "" || rel.startsWith("..") || isAbsolute2(rel)) return path;
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
  const [command, ...args] = test.command;
  const child = spawn(command, args, { cwd: test.workdir, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
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
  const exitCode = await new Promise((resolve3) => {
    child.once("error", (e) => {
      void writeText(output, `prenv: cannot start ${command}: ${e.message}
`).finally(() => resolve3(127));
    });
    child.once("close", (code, signal) => resolve3(code ?? (signal ? 128 : 1)));
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
  const fail = (phase, message2, extra = {}) => {
    report.outcome = "error";
    report.exitCode = 2;
    report.error = { phase, message: message2, ...definedFields(extra) };
  };
  let logOf;
  const schedule = env.chaos ? resolveSchedule(env.chaos, options.seed ?? env.chaos.seed ?? drawSeed()) : void 0;
  if (schedule) report.chaos = { seed: schedule.seed, timeline: plannedTimeline(schedule.faults) };
  let chaos;
  const endChaos = async () => {
    const running = chaos;
    chaos = void 0;
    if (running && report.chaos) report.chaos.timeline = await running.finish();
  };
  let booted = !options.boot;
  let collectStarted;
  let current = options.boot ? "boot" : "setup";
  const enter = (phase) => {
    current = phase === "collect" ? "test" : phase;
    options.onPhase?.(phase);
  };
  try {
    try {
      await requireFaultSupport(backend, chaosNeeds(env.chaos), { owner, ...definedFields({ helperImage: env.chaos?.helperImage }) });
    } catch (e) {
      if (!(e instanceof UnsupportedError)) throw e;
      booted = false;
      fail(current, e.message, { hint: e.hint });
      return report;
    }
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
    if (schedule) {
      options.onChaosSchedule?.(schedule);
      chaos = startChaos(schedule, { faults: backend, plan, owner, ...definedFields({ helperImage: env.chaos?.helperImage, onEvent: options.onFault }) });
    }
    let suite;
    try {
      suite = await runSuite(plan, env.test, {
        backend,
        owner,
        endpoints: report.endpoints,
        env: options.env,
        ...definedFields({ signal: options.signal, onOutput: options.onOutput, output: options.output })
      });
    } finally {
      await endChaos();
    }
    const suiteEnded = /* @__PURE__ */ new Date();
    const exits = await backend.exitsBetween(plan.environment, suiteStarted, suiteEnded);
    const caused = await faultExits(backend, plan.environment, suiteStarted, report.chaos);
    const crashes = exits.filter((e) => {
      const planned = plan.services.find((s) => s.name === e.service);
      if (planned === void 0 || planned.runsToCompletion) return false;
      const n = caused.get(e.service) ?? 0;
      if (n > 0) caused.set(e.service, n - 1);
      return n === 0;
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
      const problems = chaosProblems(report.chaos);
      if (passed && problems.length > 0) fail("test", problems[0], { hint: problems.length > 1 ? `and ${problems.length - 1} more fault problem(s): see chaos.timeline in results.json` : "see chaos.timeline in results.json" });
    }
    return report;
  } catch (e) {
    const message2 = e instanceof ServiceError || e instanceof Error ? e.message : String(e);
    fail(current, message2);
    return report;
  } finally {
    await endChaos().catch(() => void 0);
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
async function faultExits(backend, environment, suiteStarted, record) {
  const counts = /* @__PURE__ */ new Map();
  for (const f of record?.timeline ?? []) {
    if (f.applied !== "applied" || f.actualStartMs === void 0) continue;
    if (f.action.kind !== "kill" && f.action.kind !== "stop" && f.action.kind !== "restart") continue;
    const since = new Date(suiteStarted.getTime() + f.actualStartMs - 1e3);
    const until = new Date(suiteStarted.getTime() + (f.undoneAtMs ?? f.actualStartMs) + 1e3);
    const target = f.action.target;
    const n = (await backend.exitsBetween(environment, since, until)).filter((e) => e.service === target).length;
    counts.set(target, (counts.get(target) ?? 0) + n);
  }
  return counts;
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
  const { command, reports, timeoutMs } = override;
  if (command === void 0 && reports === void 0 && timeoutMs === void 0) return void 0;
  const current = definition.test;
  if (!current && command === void 0) return "the definition has no test section to apply it to; give a test command as well";
  const common = {
    workdir: current?.workdir ?? definition.baseDir,
    env: current?.env ?? {},
    timeoutMs: timeoutMs ?? current?.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS,
    reports: reports ?? current?.reports ?? [],
    location: current?.location ?? { file: definition.file ?? "", line: 1, column: 1 }
  };
  if (command !== void 0) definition.test = { ...common, mode: "command", command: ["/bin/sh", "-c", command] };
  else if (current) definition.test = { ...current, ...common };
  return void 0;
}

// src/repro/git.ts
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as join3, relative as relative3, resolve as resolve2 } from "node:path";
var ReproError = class extends Error {
  hint;
  constructor(message2, hint, options) {
    super(message2, options);
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
  return relative3(root, resolve2(dir)) || ".";
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
  const dir = mkdtempSync(join3(tmpdir(), "prenv-repro-"));
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
  if (manifest.chaos) args.push("--seed", manifest.chaos.seed);
  const only = [...new Set(manifest.failedTests.map((t) => t.name))].flatMap((name) => ["--only", name]);
  if (source.dirty) notes.push("the run had changes that were in no commit: the command brings back the commit, not those changes");
  const inline = [...head, ...target, ...made, ...args, ...only].map(shellQuote).join(" ");
  if (inline.length <= LINE_LIMIT) return { command: inline, notes };
  const byManifest = [...head, "--manifest"];
  const failed = manifest.failedTests.length > 0 ? ["--only-failed"] : [];
  if (where.runId && where.artifact && source.repository) {
    const dir = `prenv-run-${where.runId}`;
    const download = ["gh", "run", "download", where.runId, "-R", source.repository, "-n", where.artifact, "-D", dir].map(shellQuote).join(" ");
    notes.push(`the run is too large for one inline command: this one downloads its manifest (the artifact ${where.artifact}) with the GitHub CLI; with the file at hand, \`prenv repro --manifest <file>\` works offline`);
    return { command: `${download} && ${[...byManifest, `${dir}/manifest.json`, ...failed].map(shellQuote).join(" ")}`, notes };
  }
  return { command: [...byManifest, where.path ?? "prenv-results/manifest.json", ...failed].map(shellQuote).join(" "), notes };
}

// src/secrets/collect.ts
var MIN_GUESSED_LENGTH = 6;
var NOT_SECRET = /* @__PURE__ */ new Set(["PWD", "OLDPWD", "SSH_AUTH_SOCK", "DBUS_SESSION_BUS_ADDRESS", "DESKTOP_SESSION", "GPG_AGENT_INFO", "XAUTHORITY"]);
function secretValues(environment, env) {
  const values = /* @__PURE__ */ new Set();
  for (const service of Object.values(environment?.definition.services ?? {}))
    for (const f of service.files ?? []) {
      const content = f.kind === "secret" && f.source ? fileContent(f.source) : void 0;
      if (content) values.add(content);
    }
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
  formatOperations,
  summarizeOperations,
  up,
  UpdateError,
  upOrUpdate,
  planUpdate,
  buildManifest,
  seal,
  imageDifferences,
  ManifestError,
  parseManifest,
  ResultsFolder,
  formatSchedule,
  runEnvironment,
  reportParams,
  overrideTest,
  ReproError,
  repositoryRoot,
  localSource,
  pathInRepository,
  checkoutTree,
  reproductionLine,
  secretValues
};
