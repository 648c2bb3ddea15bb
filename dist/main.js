#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  ResultsFolder,
  UpdateError,
  buildManifest,
  localSource,
  overrideTest,
  pathInRepository,
  reportParams,
  repositoryRoot,
  reproductionLine,
  runEnvironment,
  seal,
  secretValues,
  summarizeOperations,
  up,
  upOrUpdate
} from "./chunks/chunk-XVOVKOVD.js";
import {
  REPORTS_DIR_PLACEHOLDER,
  REPORTS_DIR_VARIABLE,
  createReportsDir,
  loadEnvironment
} from "./chunks/chunk-BUFHHKZP.js";
import "./chunks/chunk-2NQ2TY7A.js";
import {
  COMMENT_LIMIT,
  ContextError,
  INPUT,
  InputError,
  OUTPUT,
  ReadOnlyTokenError,
  STATE,
  SUMMARY_LIMIT,
  StickyComment,
  SummaryError,
  actionsState,
  appendRemoval,
  commentMarker,
  dockerRouter,
  kubernetesRouter,
  parseSummary,
  readRunContext,
  readSettings,
  renderReport,
  restCommentApi,
  restDeploymentApi,
  saveComment,
  summarize
} from "./chunks/chunk-WSJJHPQV.js";
import "./chunks/chunk-AF45ALV4.js";
import "./chunks/chunk-EPXBT6ZG.js";
import "./chunks/chunk-J2LH6GG5.js";
import {
  debug,
  error,
  info,
  notice,
  setFailed,
  setOutput,
  setSecret,
  summary,
  warning
} from "./chunks/chunk-RUU7HI7P.js";
import "./chunks/chunk-GMD6ZPTA.js";
import {
  Redactor
} from "./chunks/chunk-6CJPBSLS.js";
import {
  BackendSelectionError,
  backendKind,
  selectBackend
} from "./chunks/chunk-DG2R6HLO.js";
import "./chunks/chunk-FSKEUYUO.js";
import "./chunks/chunk-MWVYT2RV.js";
import "./chunks/chunk-L4U7CVWH.js";
import "./chunks/chunk-OJWCZQZI.js";
import "./chunks/chunk-QU57RLHN.js";
import "./chunks/chunk-JKQNFZNE.js";
import "./chunks/chunk-ZBLBRRGQ.js";
import "./chunks/chunk-GBOO6XMD.js";
import {
  BootError,
  PreflightError
} from "./chunks/chunk-47MIETJC.js";
import {
  VERSION
} from "./chunks/chunk-VDOGPAC4.js";
import {
  DefinitionError,
  PlanError,
  formatDiagnostic,
  hostAndPort,
  planEnvironment,
  reachableHost
} from "./chunks/chunk-YMOYOOXC.js";
import {
  RuntimeUnavailableError,
  UnsupportedError,
  canUpdate
} from "./chunks/chunk-MABPSUXQ.js";
import "./chunks/chunk-RCFCKQT6.js";

// src/action/main.ts
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { hostname as hostname2 } from "node:os";
import { isAbsolute, join as join2, relative as relative2, resolve } from "node:path";

// src/history/compare.ts
var REGRESSION_RATIO = 1.5;
var REGRESSION_MIN_MS = 2e3;
var failing = (t) => t !== void 0 && (t.status === "failed" || t.status === "error");
var passing = (t) => t !== void 0 && (t.status === "passed" || t.status === "flaky");
function compareRuns(current, base, earlier) {
  const baseline = base && base.scope.kind === "branch" ? base : void 0;
  const attempt = earlier && earlier.commit === current.commit && !(earlier.runId === current.runId && earlier.runAttempt === current.runAttempt) ? earlier : void 0;
  const baseTests = new Map((baseline?.tests ?? []).map((t) => [t.id, t]));
  const earlierTests = new Map((attempt?.tests ?? []).map((t) => [t.id, t]));
  const out = { expectsBaseline: true, newFailures: [], alreadyFailing: [], unclassified: [], flaky: [], fixed: [], regressions: [] };
  if (baseline && baseline.scope.kind === "branch") out.baseline = { branch: baseline.scope.branch, commit: baseline.commit, finishedAt: baseline.finishedAt, ...baseline.url ? { url: baseline.url } : {} };
  if (attempt) out.earlierAttempt = { ...attempt.runAttempt !== void 0 ? { runAttempt: attempt.runAttempt } : {}, ...attempt.url ? { url: attempt.url } : {} };
  for (const test of current.tests) {
    const before = earlierTests.get(test.id);
    if (test.status === "flaky") {
      out.flaky.push({ id: test.id, reason: "passed-on-retry" });
    } else if (failing(test) && passing(before) || passing(test) && failing(before)) {
      out.flaky.push({ id: test.id, reason: "differs-between-attempts" });
    } else if (failing(test)) {
      if (!baseline) out.unclassified.push(test.id);
      else if (failing(baseTests.get(test.id))) out.alreadyFailing.push(test.id);
      else out.newFailures.push(test.id);
    } else if (test.status === "passed" && failing(baseTests.get(test.id))) {
      out.fixed.push(test.id);
    }
  }
  if (baseline) out.regressions = regressions(current, baseline);
  return out;
}
function regressions(current, base) {
  const pairs = [
    ["boot", base.timings.bootMs, current.timings.bootMs],
    ["setup", base.timings.setupMs, current.timings.setupMs],
    ["tests", base.timings.testMs, current.timings.testMs]
  ];
  const baseServices = new Map(base.services.map((s) => [s.name, s.readyMs]));
  for (const s of current.services) pairs.push([`service ${s.name}`, baseServices.get(s.name), s.readyMs]);
  return pairs.filter((p) => p[1] !== void 0 && p[2] !== void 0).filter(([, before, now]) => now >= before * REGRESSION_RATIO && now - before >= REGRESSION_MIN_MS).map(([what, baseMs, currentMs]) => ({ what, baseMs, currentMs }));
}
function onlyKnownFailures(comparison, failedCount) {
  if (!comparison.baseline || failedCount === 0) return false;
  if (comparison.newFailures.length > 0 || comparison.unclassified.length > 0) return false;
  const flakyFailing = failedCount - comparison.alreadyFailing.length;
  return flakyFailing === 0;
}

// src/action/artifact.ts
import { relative } from "node:path";
function actionsArtifactUploader(options) {
  return {
    async upload(name, files, rootDirectory) {
      if (!options.available) throw new Error("the artifact service is not available (ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set: not inside a GitHub Actions job)");
      const { DefaultArtifactClient } = await import("./chunks/artifact-2Y5P5KHK.js");
      const response = await new DefaultArtifactClient().uploadArtifact(name, files, rootDirectory, options.retentionDays ? { retentionDays: options.retentionDays } : {});
      return response.id !== void 0 ? { id: response.id } : {};
    }
  };
}
async function uploadResults(folder, name, uploader, runUrl2) {
  const files = folder.files();
  const shown = files.map((f) => relative(folder.dir, f));
  if (files.length === 0) return { name, files: shown, problem: "the results folder is empty" };
  try {
    const { id } = await uploader.upload(name, files, folder.dir);
    return { name, files: shown, ...id !== void 0 && runUrl2 ? { url: `${runUrl2}/artifacts/${id}` } : {} };
  } catch (e) {
    return { name, files: shown, problem: e.message };
  }
}

// src/action/board.ts
var ServiceBoard = class {
  rows = /* @__PURE__ */ new Map();
  constructor(services) {
    for (const s of services) this.rows.set(s.name, { name: s.name, image: s.image, state: "pending" });
  }
  update(event) {
    const row = this.rows.get(event.service);
    if (!row) return;
    row.state = event.phase;
    if (event.phase === "ready" || event.phase === "completed") row.readyMs = event.elapsedMs;
  }
  /** After the boot: image digests and ready times from the run, states from the events. */
  settle(services) {
    for (const s of services) {
      const row = this.rows.get(s.name);
      if (!row) continue;
      row.image = s.image;
      if (s.digest) row.digest = s.digest;
      if (s.imageId) row.imageId = s.imageId;
      if (s.phase) row.state = s.phase;
      if (s.readyMs !== void 0) row.readyMs = s.readyMs;
    }
  }
  /** Services still on their way when the boot stopped. */
  stopped(state) {
    for (const row of this.rows.values()) {
      if (row.state !== "ready" && row.state !== "completed" && row.state !== "failed") row.state = state;
    }
  }
  snapshot() {
    return [...this.rows.values()].map((r) => ({ ...r }));
  }
};

// src/action/channel.ts
import { writeFileSync } from "node:fs";
var MIN_INTERVAL_MS = 3e3;
var ReportChannel = class {
  status;
  sticky;
  store;
  saved;
  viewFile;
  overflow;
  redactor;
  queue = Promise.resolve();
  lastPublished = 0;
  constructor(options) {
    this.redactor = options.redactor ?? new Redactor();
    this.status = options.status;
    this.store = options.store;
    this.viewFile = options.viewFile;
    this.overflow = options.overflow;
    if (options.api && options.issue !== void 0 && options.status === "posted") {
      this.sticky = new StickyComment(options.api, options.issue, options.key, options.known);
      this.saved = { issue: options.issue, key: options.key };
    } else {
      this.sticky = void 0;
      this.saved = void 0;
    }
  }
  get url() {
    return this.status === "posted" ? this.sticky?.current?.url : void 0;
  }
  /** A sentence for the job summary when there is no comment. */
  note() {
    switch (this.status) {
      case "skipped-fork":
        return "No pull request comment: this pull request comes from a fork, whose token is read-only. The report is here, in the job summary (docs/action.md shows how to comment on fork pull requests safely).";
      case "skipped-read-only":
        return "No pull request comment: the token is read-only here (Resource not accessible by integration). The report is here, in the job summary.";
      case "failed":
        return "The pull request comment could not be written (see the warning in the log). The report is here, in the job summary.";
      default:
        return void 0;
    }
  }
  /**
   * Shows a view. Intermediate views (`final: false`) are dropped when one was sent less
   * than a few seconds ago; final ones always go out, after those still on the way.
   */
  show(unredacted, options) {
    const view = this.redactor.redactDeep(unredacted);
    this.writeViewFile(view);
    const now = Date.now();
    if (!options.final && now - this.lastPublished < MIN_INTERVAL_MS) return this.queue;
    this.lastPublished = now;
    this.queue = this.queue.then(() => this.publish(view));
    return this.queue;
  }
  /** Edits the existing comment's text (a note about an earlier run); creates none. */
  amend(edit) {
    this.queue = this.queue.then(async () => {
      if (!this.sticky) return;
      try {
        const written = await this.sticky.amend((markdown) => this.redactor.redact(edit(markdown)));
        if (written) this.remember(written);
      } catch (e) {
        this.giveUp(e);
      }
    });
    return this.queue;
  }
  async publish(view) {
    if (!this.sticky || this.status !== "posted") return;
    const limit = COMMENT_LIMIT - commentMarker(this.saved.key).length - 64;
    try {
      this.remember(await this.sticky.publish(renderReport(view, { limit, overflow: this.overflow })));
    } catch (e) {
      this.giveUp(e);
    }
  }
  remember(comment) {
    saveComment(this.store, { ...this.saved, comment });
  }
  giveUp(e) {
    if (e instanceof ReadOnlyTokenError) {
      this.status = "skipped-read-only";
      notice(`prenv: no pull request comment: ${e.message}. The report is in the job summary.`);
    } else {
      this.status = "failed";
      warning(`prenv: the pull request comment could not be written: ${e.message}`);
    }
  }
  writeViewFile(view) {
    try {
      writeFileSync(this.viewFile, JSON.stringify(view));
    } catch (e) {
      debug(`cannot write ${this.viewFile}: ${e.message}`);
    }
  }
};

// src/action/history.ts
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

// src/history/keys.ts
var KEY_ROOT = "prenv-run/v1";
var part = (s) => encodeURIComponent(s);
function branchPrefix(slot, branch) {
  return `${KEY_ROOT}/${part(slot)}/branch/${part(branch)}/`;
}
function commitPrefix(slot, pullRequest, commit) {
  return `${KEY_ROOT}/${part(slot)}/pr/${pullRequest}/${part(commit)}/`;
}
function summaryKey(slot, scope, commit, runId, attempt) {
  const prefix = scope.kind === "branch" ? branchPrefix(slot, scope.branch) : commitPrefix(slot, scope.number, commit);
  return `${prefix}${part(runId)}.${attempt}`;
}

// src/action/trust.ts
var PRIVILEGED_EVENTS = ["pull_request_target", "workflow_run"];
function decideTrust(input, optInName) {
  if (!PRIVILEGED_EVENTS.includes(input.eventName)) return { allowed: true };
  if (!input.untrustedSha || input.untrustedSha === input.triggerSha) return { allowed: true };
  const isBase = input.checkedOut !== void 0 && input.checkedOut === input.triggerSha;
  if (isBase) return { allowed: true };
  const what = input.checkedOut === void 0 ? "a checkout prenv cannot identify (not a git work tree)" : `commit ${input.checkedOut.slice(0, 12)}`;
  if (input.optIn) {
    return {
      allowed: true,
      warning: `${optInName} is true: booting ${what} under ${input.eventName}, which runs with a write token and the repository's secrets. Code from the pull request (head ${input.untrustedSha.slice(0, 12)}) can use them.`
    };
  }
  return {
    allowed: false,
    message: `refusing to boot ${what} under ${input.eventName}: this trigger runs with a write token and the repository's secrets, and the checkout is not the base commit ${input.triggerSha.slice(0, 12)}, so it may be the pull request's code (head ${input.untrustedSha.slice(0, 12)}); booting a compose file runs its code. Run prenv under on: pull_request instead (docs/action.md shows the workflow_run split that comments on fork pull requests safely), or, if you accept that risk, set ${optInName}: true.`
  };
}

// src/action/history.ts
var HistoryError = class extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "HistoryError";
  }
};
var ENTRY_PATH = ".prenv-history/summary.json";
function actionsSummaryCache(workspace) {
  const file = join(workspace, ENTRY_PATH);
  const clean = () => rm(dirname(file), { recursive: true, force: true });
  return {
    async restore(prefixes) {
      const cache = await import("./chunks/cache-WCTH6PQA.js");
      await clean();
      try {
        const hit = await cache.restoreCache([file], `${prefixes[0]}latest`, prefixes);
        if (!hit) return void 0;
        return await readFile(file, "utf8");
      } catch (e) {
        throw new HistoryError(`the run history could not be read from the Actions cache: ${e.message}`, { cause: e });
      } finally {
        await clean();
      }
    },
    async save(key, text) {
      const cache = await import("./chunks/cache-WCTH6PQA.js");
      await mkdir(dirname(file), { recursive: true });
      try {
        await writeFile(file, text);
        const id = await cache.saveCache([file], key);
        return id === -1 ? { saved: false, reason: "the Actions cache did not take it (its message is above in the log; a read-only cache token refuses writes)" } : { saved: true };
      } catch (e) {
        if (e instanceof cache.CacheWriteDeniedError) return { saved: false, reason: `the cache token is read-only (${e.message})` };
        throw new HistoryError(`the run summary could not be saved to the Actions cache: ${e.message}`, { cause: e });
      } finally {
        await clean();
      }
    }
  };
}
function historyAccess(env, context) {
  const mode = (env.ACTIONS_CACHE_MODE ?? "").trim().toLowerCase();
  const v2 = Boolean(env.ACTIONS_CACHE_SERVICE_V2);
  if (!(v2 ? env.ACTIONS_RESULTS_URL : env.ACTIONS_CACHE_URL)) return { read: false, write: false, notice: "no run history: the Actions cache service is not available to this step, so the run is not compared with the base branch" };
  if (mode === "none") return { read: false, write: false, notice: "no run history: the cache mode of this run is none (ACTIONS_CACHE_MODE), so the run is not compared with the base branch" };
  if (mode === "write-only") return { read: false, write: true, notice: "the cache mode of this run is write-only (ACTIONS_CACHE_MODE): its summary is saved, but it is not compared with the base branch" };
  if (mode === "read") return { read: true, write: false, notice: "the cache is read-only for this run (ACTIONS_CACHE_MODE=read): it is compared with the base branch, but its own summary is not saved" };
  if (PRIVILEGED_EVENTS.includes(context.eventName)) return { read: true, write: false, notice: `under ${context.eventName} the cache is the base branch's: prenv compares with it but saves no summary there` };
  return { read: true, write: true };
}
function scopeOf(context) {
  const pr = context.pullRequest;
  if (pr && context.eventName.startsWith("pull_request")) return { kind: "pull-request", number: pr.number, ...pr.baseRef ? { baseBranch: pr.baseRef } : {} };
  const branch = context.ref?.startsWith("refs/heads/") ? context.ref.slice("refs/heads/".length) : void 0;
  return branch ? { kind: "branch", branch } : void 0;
}
async function compareAndRecord(step) {
  const { cache, access, slot, summary: summary2 } = step;
  if (access.notice) notice(`prenv: ${access.notice}`);
  let comparison;
  if (access.read) {
    const scope = summary2.scope;
    const base = scope.kind === "pull-request" && scope.baseBranch ? await restore(cache, [branchPrefix(slot, scope.baseBranch)]) : void 0;
    const earlier = await restore(cache, [scope.kind === "pull-request" ? commitPrefix(slot, scope.number, summary2.commit) : branchPrefix(slot, scope.branch)]);
    comparison = compareRuns(summary2, base, earlier);
    if (scope.kind === "pull-request" && scope.baseBranch) comparison.baseBranch = scope.baseBranch;
    if (scope.kind === "branch") comparison = comparison.flaky.length > 0 ? { ...comparison, expectsBaseline: false } : void 0;
  }
  if (access.write) {
    const key = summaryKey(slot, summary2.scope, summary2.commit, step.runId, summary2.runAttempt ?? 1);
    try {
      const outcome = await cache.save(key, JSON.stringify(summary2));
      if (outcome.saved) info(`prenv: saved this run's summary to the Actions cache as ${key}`);
      else notice(`prenv: this run's summary was not saved to the Actions cache: ${outcome.reason}. Later runs compare with older runs instead; this run is not affected.`);
    } catch (e) {
      notice(`prenv: ${e.message}. Later runs compare with older runs instead; this run is not affected.`);
    }
  }
  return comparison;
}
async function restore(cache, prefixes) {
  try {
    const text = await cache.restore(prefixes);
    return text === void 0 ? void 0 : parseSummary(text, `under ${prefixes[0]}`);
  } catch (e) {
    if (e instanceof HistoryError || e instanceof SummaryError) {
      notice(`prenv: ${e.message}; it is left out of the comparison`);
      return void 0;
    }
    throw e;
  }
}
async function runHistory(input) {
  if (!input.enabled) return void 0;
  const { context } = input;
  const scope = scopeOf(context);
  if (!scope || !context.runId) return void 0;
  const attempt = Number(context.runAttempt ?? "1");
  const summary2 = summarize(input.report, input.manifest, { scope, commit: input.commit, runId: context.runId, ...Number.isInteger(attempt) && attempt > 0 ? { runAttempt: attempt } : {}, ...input.url ? { url: input.url } : {} }, input.redactor);
  return compareAndRecord({ cache: input.cache, access: historyAccess(input.env, context), slot: input.slot, summary: summary2, runId: context.runId });
}

// src/action/naming.ts
import { createHash } from "node:crypto";
var MAX = 49;
function environmentNameFor(context, key) {
  const base = context.pullRequest ? `${context.repository.repo}-pr-${context.pullRequest.number}` : `${context.repository.repo}-run-${context.runId ?? "local"}`;
  const name = slug(`${base}-${key}`);
  if (name.length <= MAX) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, MAX - 9).replace(/[-_]+$/, "")}-${hash}`;
}
function slug(text) {
  return text.toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/-{2,}/g, "-").replace(/^[^a-z0-9]+/, "").replace(/[-_]+$/, "") || "prenv";
}

// src/action/preview.ts
import { hostname } from "node:os";
function deploymentEnvironment(number) {
  return `pr-${number}`;
}
function routerFor(backend, settings, context, number) {
  const addressing = { ...settings.preview, number, repo: context.repository.repo };
  if (backend.kind === "docker") return dockerRouter(addressing);
  if (addressing.hostTemplate === "") {
    throw new UnsupportedError(`on Kubernetes a preview's URLs are the hosts of its Ingresses, and ${INPUT.previewHost} is empty`, `set ${INPUT.previewHost}, e.g. "{service}-pr-{number}.preview.example.com", with a wildcard DNS record pointing at the cluster's ingress controller`);
  }
  return kubernetesRouter(addressing);
}
async function createOrUpdatePreview(step, plan, backend) {
  const pr = step.context.pullRequest;
  if (!pr) return step.notStarted("command: preview needs a pull request event (pull_request: opened, synchronize, reopened, closed)", void 0, `run this step on: pull_request, or use command: up`);
  let router;
  try {
    router = routerFor(backend, step.settings, step.context, pr.number);
  } catch (e) {
    if (e instanceof UnsupportedError) return step.notStarted(e.message, void 0, e.hint);
    throw e;
  }
  const routed = router.route(plan);
  const owner = { host: hostname(), pid: process.pid };
  const board = new ServiceBoard(routed.services);
  const environment = deploymentEnvironment(pr.number);
  let attempted = [];
  try {
    const result = await upOrUpdate(routed, {
      backend,
      owner,
      keepOnFailure: false,
      timeoutMs: step.settings.bootTimeoutMs,
      onEvent: (e) => board.update(e),
      onOperations: (ops) => {
        attempted = ops;
        info(`prenv: updating ${step.environment}: ${summarizeOperations(ops)}`);
      }
    });
    const expires = new Date(Date.now() + step.settings.preview.ttlMs);
    await backend.setExpiry(routed, owner, expires);
    board.settle(result.services.map((s) => ({ name: s.name, image: s.image.reference, imageId: s.image.id, ...s.image.digest ? { digest: s.image.digest } : {}, phase: s.phase, readyMs: s.readyMs })));
    const urls = router.urls(result.endpoints);
    const recorded = await recordDeployment(step, environment, "success", urls[0]?.url, `prenv preview of ${step.environment}`);
    const preview = { urls, operations: result.operations, updated: result.updated, expires: expires.toISOString(), ...recorded ? { deployment: environment } : {} };
    setOutput(OUTPUT.previewUrls, JSON.stringify(urls));
    setOutput(OUTPUT.result, "passed");
    const endpoints = backend.capabilities.lastingEndpoints ? result.endpoints : [];
    await step.finish(step.view("preview", { services: board.snapshot(), endpoints, fate: { state: "up" }, preview }));
    return 0;
  } catch (e) {
    if (e instanceof UpdateError) return updateFailed(step, e, { plan: routed, backend, router, owner, attempted, environment });
    if (!(e instanceof BootError || e instanceof PreflightError)) throw e;
    const failure = e instanceof BootError ? e.failure : { message: e.message, hint: e.hint, service: e.service, logTail: void 0 };
    const message = `the preview did not boot: ${failure.message}`;
    await recordDeployment(step, environment, "failure", void 0, "the preview did not boot");
    setOutput(OUTPUT.result, "error");
    await step.finish(
      step.view("finished", {
        services: board.snapshot(),
        run: {
          outcome: "error",
          exitCode: 2,
          error: { phase: "boot", message, ...failure.service ? { service: failure.service } : {}, ...failure.hint ? { hint: failure.hint } : {}, ...failure.logTail ? { output: failure.logTail } : {} },
          setup: [],
          timings: { totalMs: 0 }
        },
        fate: { state: "torn-down", by: "run" }
      })
    );
    setFailed(`prenv: ${message}`);
    return 1;
  }
}
async function updateFailed(step, e, at) {
  const { plan, backend, router } = at;
  const expires = new Date(Date.now() + step.settings.preview.ttlMs);
  await backend.setExpiry(plan, at.owner, expires);
  const endpoints = await backend.endpoints(plan.environment);
  const urls = router.urls(endpoints);
  const running = new Map((canUpdate(backend) ? await backend.observe(plan.environment) : []).map((o) => [o.name, o.state]));
  const restored = new Set(e.restored);
  const services = plan.services.map((s) => ({
    name: s.name,
    image: s.image,
    state: restored.has(s.name) ? "previous version" : running.has(s.name) ? running.get(s.name) === "running" ? "unchanged" : running.get(s.name) : "not created"
  }));
  const recorded = await recordDeployment(step, at.environment, "failure", void 0, `the update failed at ${e.service}; the previous version still serves`);
  const preview = { urls, operations: at.attempted, updated: true, expires: expires.toISOString(), failed: { service: e.service, restored: e.restored }, ...recorded ? { deployment: at.environment } : {} };
  setOutput(OUTPUT.previewUrls, JSON.stringify(urls));
  setOutput(OUTPUT.result, "error");
  await step.finish(
    step.view("preview", {
      services,
      // Port-forwards (Kubernetes) end with this run: the comment shows only addresses that last.
      endpoints: backend.capabilities.lastingEndpoints ? endpoints : [],
      fate: { state: "up" },
      preview,
      problem: { heading: "Update failed", service: e.service, message: e.message, ...e.failure.logTail ? { detail: e.failure.logTail } : {}, ...e.failure.hint ? { hint: e.failure.hint } : {} }
    })
  );
  setFailed(`prenv: ${e.message}`);
  return 1;
}
async function removePreview(step, backend) {
  const pr = step.context.pullRequest;
  let fate = { state: "torn-down", by: "pull request closed" };
  if (backend instanceof Error) {
    warning(`prenv: ${step.environment} could not be removed: ${backend.message}; \`prenv gc --expired\` removes it once it expires`);
  } else {
    const started = Date.now();
    const removed = await backend.remove(step.environment, { keepVolumes: false });
    fate = { ...fate, durationMs: Date.now() - started, removed };
    info(`prenv: removed ${step.environment}: ${removed.containers} containers, ${removed.networks} networks, ${removed.volumes} volumes`);
  }
  const environment = deploymentEnvironment(pr.number);
  const marked = await markInactive(step, environment);
  setOutput(OUTPUT.result, "passed");
  await step.finish(step.view("removed", { fate, preview: { urls: [], operations: [], updated: true, ...marked ? { deployment: environment } : {} } }));
  return 0;
}
async function recordDeployment(step, environment, state, url, description) {
  const api = step.deployments;
  if (!api) return false;
  const pr = step.context.pullRequest;
  try {
    const { id } = await api.createDeployment({ ref: pr.headSha, environment, description });
    const log = runUrl(step.context);
    await api.createDeploymentStatus(id, { state, ...url ? { environmentUrl: url } : {}, ...log ? { logUrl: log } : {}, description });
    return true;
  } catch (e) {
    deploymentProblem(e, environment);
    return false;
  }
}
async function markInactive(step, environment) {
  const api = step.deployments;
  if (!api) return false;
  try {
    const deployments = await api.listDeployments(environment);
    if (deployments.length === 0) return false;
    const log = runUrl(step.context);
    for (const d of deployments) {
      const state = await api.latestState(d.id);
      if (state === "inactive") break;
      await api.createDeploymentStatus(d.id, { state: "inactive", ...log ? { logUrl: log } : {}, description: "the pull request was closed; the preview was removed" });
      if (state === "success") break;
    }
    return true;
  } catch (e) {
    deploymentProblem(e, environment);
    return false;
  }
}
function deploymentProblem(e, environment) {
  if (e instanceof ReadOnlyTokenError) notice(`prenv: no deployment ${environment}: ${e.message}; give the job \`permissions: deployments: write\``);
  else warning(`prenv: the deployment ${environment} could not be recorded: ${e.message} (the ${INPUT.githubToken} needs deployments: write)`);
}
function runUrl(context) {
  return context.runId ? `${context.serverUrl}/${context.repository.owner}/${context.repository.repo}/actions/runs/${context.runId}` : void 0;
}

// src/action/main.ts
var MAX_ANNOTATIONS = 10;
async function run() {
  let code = 1;
  try {
    code = await runMain({
      env: process.env,
      state: actionsState,
      uploader: (context) => actionsArtifactUploader({ available: context.artifactService }),
      commentApi: (token, context) => restCommentApi({ token, apiUrl: context.apiUrl, repository: context.repository }),
      deploymentApi: (token, context) => restDeploymentApi({ token, apiUrl: context.apiUrl, repository: context.repository }),
      backend: (selection) => selectBackend(selection, process.env, { version: VERSION, onWarning: (message) => warning(`prenv: ${message}`) }),
      historyCache: (context) => actionsSummaryCache(context.workspace)
    });
  } catch (e) {
    setFailed(`prenv: unexpected error: ${e?.stack ?? String(e)}`);
  }
  process.exit(code);
}
async function runMain(deps) {
  let settings;
  let context;
  try {
    settings = readSettings(deps.readInput);
    context = readRunContext(deps.env);
  } catch (e) {
    if (e instanceof InputError || e instanceof ContextError) {
      setFailed(`prenv: ${e.message}`);
      return 1;
    }
    throw e;
  }
  const kubeconfig = settings.backend.kubeconfigContent;
  const kubeSecrets = kubeconfig ? [kubeconfig, ...kubeconfig.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length >= 20)] : [];
  const redactor = new Redactor([...settings.secrets.map((line) => line.slice(line.indexOf("=") + 1)), settings.token, ...kubeSecrets, ...secretValues(void 0, context.childEnv)]);
  maskInRunnerLog(redactor);
  const key = settings.commentKey ?? context.job ?? "prenv";
  const environment = settings.environment ?? environmentNameFor(context, key);
  deps.state.save(STATE.environment, environment);
  if (settings.command === "preview") deps.state.save(STATE.keep, "true");
  deps.state.save(STATE.phase, "started");
  const viewFile = join2(context.runnerTemp, `prenv-view-${slug(key)}-${randomUUID().slice(0, 8)}.json`);
  deps.state.save(STATE.viewFile, viewFile);
  setOutput(OUTPUT.environment, environment);
  const links = linksFor(context);
  const channel = openChannel(settings, context, key, deps, viewFile, links, redactor);
  const step = new MainStep(settings, context, deps, channel, { key, environment, links }, redactor);
  const closing = context.pullRequest?.action === "closed";
  let code;
  try {
    code = settings.command === "preview" && closing ? await step.removePreview() : settings.command === "down" || closing ? await step.remove(closing ? "pull request closed" : "down") : await step.boot();
  } finally {
    await step.close();
  }
  deps.state.save(STATE.phase, "finished");
  setOutput(OUTPUT.commentStatus, channel.status);
  setOutput(OUTPUT.commentUrl, channel.url ?? "");
  return code;
}
function maskInRunnerLog(redactor) {
  for (const value of redactor.secrets) setSecret(value);
}
function openChannel(settings, context, key, deps, viewFile, links, redactor) {
  const pr = context.pullRequest;
  const overflow = { label: "the job summary", ...links.summary ? { url: links.summary } : {} };
  const base = { key, store: deps.state, viewFile, overflow, redactor };
  if (!settings.comment) return new ReportChannel({ ...base, status: "disabled" });
  if (!pr) return new ReportChannel({ ...base, status: "no-pull-request" });
  if (pr.fromFork && context.eventName === "pull_request") {
    notice(`prenv: pull request #${pr.number} comes from a fork (${pr.headRepository ?? "a deleted repository"}), so its token is read-only: no comment; the report is in the job summary.`);
    return new ReportChannel({ ...base, status: "skipped-fork" });
  }
  return new ReportChannel({ ...base, status: "posted", api: deps.commentApi(settings.token, context), issue: pr.number });
}
function linksFor(context) {
  if (!context.runId) return {};
  const url = `${context.serverUrl}/${context.repository.owner}/${context.repository.repo}/actions/runs/${context.runId}`;
  return { run: { label: `run #${context.runNumber ?? context.runId}`, url }, summary: `${url}${context.runAttempt ? `/attempts/${context.runAttempt}` : ""}` };
}
var MainStep = class {
  settings;
  context;
  deps;
  channel;
  id;
  workdir;
  commit;
  redactor;
  constructor(settings, context, deps, channel, id, redactor) {
    this.redactor = redactor;
    this.settings = settings;
    this.context = context;
    this.deps = deps;
    this.channel = channel;
    this.id = id;
    this.workdir = resolve(context.workspace, settings.workingDirectory);
    this.commit = gitHead(this.workdir) ?? context.sha;
  }
  view(status, extra = {}) {
    const note = this.channel.note();
    return {
      title: this.id.key,
      environment: this.id.environment,
      status,
      commit: this.commit,
      services: [],
      endpoints: [],
      fate: { state: "none" },
      links: this.id.links,
      notes: note ? [note] : [],
      ...extra
    };
  }
  /** `command: down`, or a closed pull request: remove what is left and say so on the comment. */
  async remove(by) {
    let fate;
    try {
      const backend = await this.backend();
      const started = Date.now();
      const removed = await backend.remove(this.id.environment, { keepVolumes: false });
      fate = { state: "torn-down", by, durationMs: Date.now() - started, removed };
      info(`prenv: removed ${this.id.environment}: ${removed.containers} containers, ${removed.networks} networks, ${removed.volumes} volumes`);
    } catch (e) {
      if (by === "down") return this.notStarted(e.message, void 0, e.hint);
      warning(`prenv: nothing could be removed for ${this.id.environment}: ${e.message}`);
      fate = { state: "torn-down", by };
    }
    await this.channel.amend((markdown) => appendRemoval(markdown, fate, (/* @__PURE__ */ new Date()).toISOString().replace(/\.\d+Z$/, "Z")));
    await this.summary(this.view("removed", { fate }));
    setOutput(OUTPUT.result, "passed");
    return 0;
  }
  /** `command: preview` on a closed pull request (preview.ts). */
  async removePreview() {
    let backend;
    try {
      backend = await this.backend();
    } catch (e) {
      backend = e instanceof Error ? e : new Error(String(e));
    }
    return removePreview(this.previewStep(), backend);
  }
  previewStep() {
    const pr = this.context.pullRequest;
    const writable = pr && !(pr.fromFork && this.context.eventName === "pull_request") && this.settings.token !== "";
    return {
      settings: this.settings,
      context: this.context,
      environment: this.id.environment,
      view: (status, extra) => this.view(status, extra),
      finish: (view) => this.finish(view),
      notStarted: (message, detail, hint) => this.notStarted(message, detail, hint),
      deployments: writable ? this.deps.deploymentApi(this.settings.token, this.context) : void 0
    };
  }
  /** A fresh folder for this run's reports (see PRENV_REPORTS_DIR). */
  reportsDir = REPORTS_DIR_PLACEHOLDER;
  async boot() {
    if (this.settings.command !== "run") return this.bootAndReport();
    const dir = await createReportsDir();
    this.reportsDir = dir.path;
    try {
      return await this.bootAndReport();
    } finally {
      await dir.remove();
    }
  }
  get childEnv() {
    return { ...this.context.childEnv, [REPORTS_DIR_VARIABLE]: this.reportsDir };
  }
  async bootAndReport() {
    const trust = decideTrust(
      {
        eventName: this.context.eventName,
        untrustedSha: this.context.pullRequest?.headSha || this.context.workflowRunHeadSha,
        triggerSha: this.context.sha,
        checkedOut: gitHead(this.workdir),
        optIn: this.settings.allowUntrustedCodeWithWriteToken
      },
      INPUT.allowUntrustedCode
    );
    if (!trust.allowed) return this.notStarted(trust.message);
    if (trust.warning) warning(`prenv: ${trust.warning}`, { title: "prenv is running untrusted code with a write token" });
    let definition;
    let plan;
    try {
      definition = loadEnvironment({
        cwd: this.workdir,
        env: this.childEnv,
        ...this.settings.definition ? { definition: this.settings.definition } : {},
        ...this.settings.composeFiles.length ? { files: this.settings.composeFiles } : {},
        ...this.settings.params.length ? { set: this.settings.params } : {},
        ...this.settings.secrets.length ? { secrets: this.settings.secrets } : {}
      });
      this.redactor.add(secretValues(definition, this.context.childEnv));
      maskInRunnerLog(this.redactor);
      for (const w of definition.definition.warnings) this.annotate("warning", w);
      if (this.settings.command === "run") this.overrideTest(definition);
      plan = planEnvironment(definition.definition, {
        environment: this.id.environment,
        ...definition.test?.mode === "service" ? { testService: definition.test.service } : {}
      });
    } catch (e) {
      if (e instanceof DefinitionError) {
        for (const d of e.diagnostics) this.annotate("error", d);
        const n = e.diagnostics.length;
        return this.notStarted(`the definition has ${n} error${n === 1 ? "" : "s"}; nothing was created`, e.message);
      }
      if (e instanceof PlanError) return this.notStarted(e.message, void 0, e.hint);
      if (e instanceof InputError) return this.notStarted(e.message);
      throw e;
    }
    const draft = this.manifestDraft(definition);
    const reproduction = draft ? reproductionLine(seal({ ...draft, images: [], outcome: "error", failedTests: [] })) : void 0;
    if (reproduction) setOutput(OUTPUT.reproduction, reproduction.command);
    let backend;
    try {
      backend = await this.backend();
    } catch (e) {
      const hint = backendKind(this.settings.backend, this.context.childEnv) === "docker" ? "the job needs a Docker engine: use a runner that has one (ubuntu-latest has), or start one in an earlier step" : `check the ${INPUT.kubeconfig} and ${INPUT.kubeContext} inputs, and that the runner can reach the cluster`;
      return this.notStarted(e.message, void 0, hint);
    }
    if (this.settings.command === "preview") return createOrUpdatePreview(this.previewStep(), plan, backend);
    return this.settings.command === "up" ? this.up(plan, backend, reproduction) : this.runSuite(definition, plan, backend, draft);
  }
  /** What the run manifest says before the run: the tree, the definition, the parameters. */
  manifestDraft(definition) {
    const repository = `${this.context.repository.owner}/${this.context.repository.repo}`;
    const local = localSource(this.workdir, repository);
    const root = repositoryRoot(this.workdir);
    if (!local || !root) {
      warning(`prenv: ${this.workdir} is not a git checkout, so the run cannot be reproduced (no run manifest)`);
      return void 0;
    }
    const pr = this.context.pullRequest;
    const pullRequest = pr && pr.headSha && pr.baseSha && this.context.eventName.startsWith("pull_request") ? { number: pr.number, head: pr.headSha, base: pr.baseSha, merged: local.commit !== pr.headSha } : void 0;
    return {
      prenvVersion: VERSION,
      createdAt: (/* @__PURE__ */ new Date()).toISOString(),
      source: { ...local, ...pullRequest ? { pullRequest } : {} },
      workingDirectory: pathInRepository(root, this.workdir),
      ...this.settings.definition ? { definition: this.settings.definition } : {},
      composeFiles: this.settings.composeFiles,
      profiles: [],
      params: reportParams(definition.params),
      backend: backendKind(this.settings.backend, this.context.childEnv),
      ...this.settings.testCommand ? { test: { commandOverride: this.settings.testCommand } } : {}
    };
  }
  async up(plan, backend, reproduction) {
    const board = new ServiceBoard(plan.services);
    const started = Date.now();
    const booting = () => this.view("booting", { services: board.snapshot(), elapsedMs: Date.now() - started, ...reproduction ? { reproduction } : {} });
    await this.channel.show(booting(), { final: true });
    try {
      const result = await up(plan, {
        backend,
        owner: { host: hostname2(), pid: process.pid, ...this.origin() },
        keepOnFailure: this.settings.keepOnFailure,
        timeoutMs: this.settings.bootTimeoutMs,
        onEvent: (e) => {
          board.update(e);
          void this.channel.show(booting(), { final: false });
        }
      });
      board.settle(result.services.map((s) => ({ name: s.name, image: s.image.reference, imageId: s.image.id, ...s.image.digest ? { digest: s.image.digest } : {}, phase: s.phase, readyMs: s.readyMs })));
      const view = this.view("up", { services: board.snapshot(), endpoints: result.endpoints, fate: { state: "up" }, ...reproduction ? { reproduction } : {} });
      setOutput(OUTPUT.endpoints, endpointsJson(result.endpoints));
      setOutput(OUTPUT.result, "passed");
      await this.finish(view);
      return 0;
    } catch (e) {
      if (!(e instanceof BootError || e instanceof PreflightError)) throw e;
      const failure = e instanceof BootError ? e.failure : { message: e.message, hint: e.hint, service: e.service, logTail: void 0 };
      board.stopped("stopped");
      const kept = e instanceof BootError && !e.removed;
      const durationMs = Date.now() - started;
      const view = this.view("finished", {
        services: board.snapshot(),
        run: {
          outcome: "error",
          exitCode: 2,
          error: { phase: "boot", message: failure.message, ...failure.service ? { service: failure.service } : {}, ...failure.hint ? { hint: failure.hint } : {}, ...failure.logTail ? { output: failure.logTail } : {} },
          setup: [],
          timings: { bootMs: durationMs, totalMs: durationMs }
        },
        fate: kept ? { state: "kept", reason: "keep-on-failure" } : { state: "torn-down", by: "run" },
        ...reproduction ? { reproduction } : {}
      });
      setOutput(OUTPUT.result, "error");
      await this.finish(view);
      setFailed(this.redactor.redact(`prenv: the environment did not boot: ${failure.service ? `service "${failure.service}": ` : ""}${failure.message}`));
      return 1;
    }
  }
  async runSuite(definition, plan, backend, draft) {
    let reproduction = draft ? reproductionLine(seal({ ...draft, images: [], outcome: "error", failedTests: [] })) : void 0;
    if (!definition.test) {
      return this.notStarted("the definition has no test section, so there is nothing to run", void 0, `add test: { command: ..., reports: ... } to prenv.yml, set the ${INPUT.testCommand} input, or use command: up`);
    }
    const board = new ServiceBoard(plan.services);
    const folder = new ResultsFolder(resolve(this.context.workspace, this.settings.resultsDir), this.redactor);
    await folder.reset();
    const started = Date.now();
    let status = "booting";
    const progress = () => this.view(status, { services: board.snapshot(), elapsedMs: Date.now() - started, ...reproduction ? { reproduction } : {} });
    await this.channel.show(progress(), { final: true });
    const stopToken = randomUUID();
    let output = false;
    const report = await runEnvironment(definition, plan, {
      backend,
      // The post step removes it; should that never run, gc does once this process is gone.
      owner: { host: hostname2(), pid: process.pid, ephemeral: true, ...this.origin() },
      version: VERSION,
      env: this.childEnv,
      boot: true,
      teardown: true,
      keepOnFailure: this.settings.keepOnFailure,
      bootTimeoutMs: this.settings.bootTimeoutMs,
      redactor: this.redactor,
      onServiceEvent: (e) => {
        board.update(e);
        void this.channel.show(progress(), { final: false });
      },
      onPhase: (phase) => {
        info(`prenv: ${phase}`);
        if (phase === "setup" || phase === "test") {
          if (status !== "testing") {
            status = "testing";
            void this.channel.show(progress(), { final: true });
          }
        }
        if (output && phase !== "test") {
          process.stdout.write(`
::${stopToken}::
`);
          output = false;
        }
      },
      onOutput: (chunk) => {
        if (!output) {
          process.stdout.write(`::stop-commands::${stopToken}
`);
          output = true;
        }
        process.stdout.write(chunk);
      },
      output: folder
    });
    if (output) process.stdout.write(`
::${stopToken}::
`);
    await folder.writeJson(report);
    const artifactName = this.settings.artifactName ?? `prenv-${slug(this.id.key)}`;
    const manifest = draft ? buildManifest(draft, report) : void 0;
    if (draft && manifest) {
      await folder.writeManifest(manifest);
      reproduction = reproductionLine(manifest, { artifact: artifactName, ...this.context.runId ? { runId: this.context.runId } : {} });
      setOutput(OUTPUT.reproduction, reproduction.command);
    }
    setOutput(OUTPUT.resultsPath, folder.dir);
    board.settle(report.services);
    if (report.outcome === "error" && report.error?.phase === "boot") board.stopped("stopped");
    const artifact = await uploadResults(folder, artifactName, this.deps.uploader(this.context), this.id.links.run?.url);
    if (artifact.problem) warning(`prenv: the artifact ${artifactName} was not uploaded: ${artifact.problem}; the files are in ${folder.dir}`);
    this.annotateFailures(report, definition.test.workdir);
    this.setRunOutputs(report);
    const cache = this.deps.historyCache?.(this.context);
    const comparison = cache ? await runHistory({ enabled: this.settings.history, env: this.deps.env, context: this.context, slot: this.id.key, report, manifest, commit: this.commit, url: this.id.links.summary, redactor: this.redactor, cache }) : void 0;
    const view = this.view("finished", {
      ...comparison ? { comparison } : {},
      services: board.snapshot(),
      endpoints: report.endpoints,
      run: { outcome: report.outcome, exitCode: report.exitCode, ...report.error ? { error: report.error } : {}, ...report.tests ? { tests: report.tests } : {}, ...report.suite ? { suite: report.suite } : {}, ...report.chaos ? { chaos: report.chaos } : {}, setup: report.setup, timings: report.timings },
      fate: fateOf(report, this.settings.keepOnFailure),
      links: { ...this.id.links, artifact: { name: artifactName, ...artifact.url ? { url: artifact.url } : {}, ...artifact.problem ? { problem: artifact.problem } : {} } },
      ...reproduction ? { reproduction } : {}
    });
    await this.finish(view);
    return this.verdict(report, comparison);
  }
  verdict(report, comparison) {
    if (report.outcome === "passed") return 0;
    const e = report.error;
    if (report.outcome === "error") {
      setFailed(this.redactor.redact(`prenv: ${e?.phase ?? "run"} failed${e?.service ? ` (service "${e.service}")` : ""}: ${e?.message ?? "unknown error"}`));
      return 1;
    }
    const t = report.tests?.totals;
    const what = t ? `${t.failed + t.errors} of ${t.tests} tests failed` : e?.message ?? "the tests failed";
    if (this.settings.passOnKnownFailures && comparison && onlyKnownFailures(comparison, t ? t.failed + t.errors : 0)) {
      notice(`prenv: ${what}, all already failing on ${comparison.baseline?.branch ?? "the base branch"} (${INPUT.passOnKnownFailures} is true, so the step passes)`);
      return 0;
    }
    if (!this.settings.failOnTestFailure) {
      warning(`prenv: ${what} (${INPUT.failOnTestFailure} is false, so the step passes)`);
      return 0;
    }
    setFailed(`prenv: ${what}`);
    return 1;
  }
  setRunOutputs(report) {
    const t = report.tests?.totals;
    setOutput(OUTPUT.result, report.outcome);
    setOutput(OUTPUT.tests, String(t?.tests ?? 0));
    setOutput(OUTPUT.passed, String(t?.passed ?? 0));
    setOutput(OUTPUT.failed, String(t ? t.failed + t.errors : 0));
    setOutput(OUTPUT.skipped, String(t?.skipped ?? 0));
    setOutput(OUTPUT.flaky, String(t?.flaky ?? 0));
    setOutput(OUTPUT.endpoints, endpointsJson(report.endpoints));
  }
  /** Failed tests as error annotations on their file and line, when that file is in the repository. */
  annotateFailures(report, base) {
    const failed = (report.tests?.cases ?? []).filter((c) => c.status === "failed" || c.status === "error");
    for (const c of failed.slice(0, MAX_ANNOTATIONS)) {
      const title = [c.suite, c.name].filter((p) => p).join(" \u203A ");
      const props = { title: this.redactor.redact(title) };
      if (c.file) {
        const file = this.repoPath(resolve(base, c.file));
        if (!file.startsWith("..") && !isAbsolute(file)) {
          props.file = file;
          if (c.line) props.startLine = c.line;
        }
      }
      error(this.redactor.redact(c.message ?? `${c.status}`), props);
    }
    if (failed.length > MAX_ANNOTATIONS) error(`${failed.length - MAX_ANNOTATIONS} more tests failed; the job summary lists them`, { title: "prenv: more failed tests" });
  }
  annotate(kind, d) {
    const props = { title: "prenv definition" };
    if (d.location) {
      props.file = this.repoPath(d.location.file);
      props.startLine = d.location.line;
      props.startColumn = d.location.column;
    }
    const message = this.redactor.redact(formatDiagnostic(d));
    if (kind === "error") error(message, props);
    else warning(message, props);
  }
  overrideTest(definition) {
    const { testCommand, testReports, testTimeoutMs } = this.settings;
    const problem = overrideTest(definition, { ...testCommand !== void 0 ? { command: testCommand } : {}, ...testReports ? { reports: testReports } : {}, ...testTimeoutMs !== void 0 ? { timeoutMs: testTimeoutMs } : {} });
    if (problem) throw new InputError(INPUT.testReports, `${problem} (the ${INPUT.testCommand} input)`);
  }
  async notStarted(message, detail, hint) {
    const view = this.view("not-started", { problem: { message, ...detail ? { detail } : {}, ...hint ? { hint } : {} } });
    setOutput(OUTPUT.result, "error");
    await this.finish(view);
    setFailed(this.redactor.redact(`prenv: ${message}${hint ? `
  hint: ${hint}` : ""}`));
    return 1;
  }
  async finish(view) {
    const note = this.channel.note();
    await this.channel.show({ ...view, notes: note ? [note] : [] }, { final: true });
    const after = this.channel.note();
    await this.summary({ ...view, notes: after ? [after] : [] });
  }
  async summary(view) {
    const overflow = { label: "results.json in the artifact", ...view.links.artifact?.url ? { url: view.links.artifact.url } : {} };
    try {
      await summary.addRaw(renderReport(this.redactor.redactDeep(view), { limit: SUMMARY_LIMIT, overflow })).write();
    } catch (e) {
      warning(`prenv: the job summary could not be written: ${e.message}`);
    }
  }
  /** The pull request and commit, recorded on the environment (namespace annotations, Docker labels). */
  origin() {
    const number = this.context.pullRequest?.number;
    return { ...number !== void 0 ? { pullRequest: number } : {}, commit: this.commit };
  }
  /** Backends this step made: closed when it ends. */
  opened = [];
  async close() {
    const closing = this.opened.splice(0);
    for (const r of await Promise.allSettled(closing.map((b) => b.close()))) {
      if (r.status === "rejected") warning(`prenv: closing the backend's connections failed: ${r.reason?.message ?? String(r.reason)}`);
    }
  }
  async backend() {
    const kind = backendKind(this.settings.backend, this.context.childEnv);
    let backend;
    try {
      backend = await this.deps.backend(this.settings.backend);
      this.opened.push(backend);
      await backend.ping();
    } catch (e) {
      if (e instanceof BackendSelectionError) throw new Error(`${e.message} (${e.hint})`, { cause: e });
      if (e instanceof RuntimeUnavailableError) throw new Error(kind === "docker" ? `no Docker engine answers (${e.message})` : `no Kubernetes cluster answers (${e.message})`, { cause: e });
      throw e;
    }
    return backend;
  }
  /** A path as people see it in the repository: relative to the workspace. */
  repoPath(path) {
    return repoPath(this.context.workspace, this.workdir, path);
  }
};
function repoPath(workspace, workdir, path) {
  return relative2(workspace, resolve(workdir, path)) || ".";
}
function fateOf(report, keepOnFailure) {
  if (report.timings.teardownMs !== void 0) {
    if (report.error?.phase === "teardown") return { state: "teardown-failed", message: report.error.message };
    return { state: "torn-down", by: "run", durationMs: report.timings.teardownMs };
  }
  if (keepOnFailure && report.outcome !== "passed") return { state: "kept", reason: "keep-on-failure" };
  return { state: "none" };
}
function endpointsJson(endpoints) {
  return JSON.stringify(
    endpoints.map((e) => {
      const host = reachableHost(e.hostIp);
      return { service: e.service, containerPort: e.containerPort, protocol: e.protocol, host, port: e.hostPort, ...e.protocol === "tcp" ? { url: `http://${hostAndPort(host, e.hostPort)}` } : {} };
    })
  );
}
function gitHead(dir) {
  try {
    const sha = execFileSync("git", ["rev-parse", "HEAD"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return /^[0-9a-f]{40}$/.test(sha) ? sha : void 0;
  } catch {
    return void 0;
  }
}

// src/action/main-entry.ts
await run();
