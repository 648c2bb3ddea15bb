#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  LABELS,
  ServiceError,
  describeReason,
  sleep,
  stableJson
} from "./chunk-F64T6ZCA.js";
import {
  REPORT_TAIL,
  TextTail,
  writeText
} from "./chunk-OJWCZQZI.js";

// src/engine/diff.ts
import { createHash } from "node:crypto";
function configHash(service, image) {
  const text = stableJson(
    { spec: service.spec, dependsOn: service.dependsOn, ports: service.ports, image: image.digest ?? image.id },
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
      const seconds = Math.round(check.unhealthyAfterMs / 1e3);
      throw new ServiceError(ctx.service, `service "${ctx.service}" is unhealthy: its healthcheck still fails after ${seconds} s (last result: ${result.output.trim().slice(0, 300)})`, {
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
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
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
function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => void 0);
  const d = {
    promise,
    settled: false,
    resolve: (v) => {
      d.settled = true;
      resolve(v);
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
  const message = e instanceof Error ? e.message : String(e);
  return new ServiceError(service, service ? `service "${service}": ${message}` : message, { cause: e });
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
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ host: host === "0.0.0.0" ? void 0 : host, port, exclusive: true }, () => server.close(() => resolve(true)));
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
  await Promise.race([look, new Promise((resolve) => setTimeout(resolve, 3e3).unref())]);
  return notes;
}

export {
  configHash,
  diffEnvironment,
  formatOperations,
  summarizeOperations,
  serviceLogFile,
  stepLogFile,
  TEST_LOG_FILE,
  Output,
  saveLog,
  passText,
  logTail,
  BootError,
  PreflightError,
  up
};
