#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  COMMENT_LIMIT,
  SUMMARY_LIMIT,
  StickyComment,
  actionsState,
  loadRun,
  readRunContext,
  readSettings,
  renderReport,
  restCommentApi
} from "./chunks/chunk-WSJJHPQV.js";
import "./chunks/chunk-AF45ALV4.js";
import {
  gc
} from "./chunks/chunk-EPXBT6ZG.js";
import "./chunks/chunk-J2LH6GG5.js";
import {
  info,
  summary,
  warning
} from "./chunks/chunk-RUU7HI7P.js";
import {
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
  VERSION
} from "./chunks/chunk-VDOGPAC4.js";
import "./chunks/chunk-YMOYOOXC.js";
import "./chunks/chunk-MABPSUXQ.js";
import "./chunks/chunk-RCFCKQT6.js";

// src/action/post.ts
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
async function run() {
  try {
    await runPost({
      env: process.env,
      state: actionsState,
      commentApi: (token, context) => restCommentApi({ token, apiUrl: context.apiUrl, repository: context.repository }),
      backend: (selection) => selectBackend(selection, process.env, { version: VERSION, onWarning: (message) => warning(`prenv post step: ${message}`) })
    });
  } catch (e) {
    warning(`prenv post step: ${e?.stack ?? String(e)}`);
  }
  process.exit(0);
}
async function runPost(deps) {
  const saved = loadRun(deps.state);
  let selection = {};
  try {
    selection = readSettings(deps.readInput).backend;
  } catch {
  }
  let backend;
  try {
    backend = await deps.backend(selection);
    await backend.ping();
  } catch (e) {
    const where = selection.backend === "kubernetes" ? "no Kubernetes cluster answers" : "no Docker engine answers";
    if (saved.environment) warning(`prenv post step: ${where}, so ${saved.environment} could not be checked or removed: ${e.message}`);
    return;
  }
  let removed;
  let removalMs = 0;
  if (saved.keep && saved.environment) info(`prenv: ${saved.environment} is a preview and stays up`);
  if (saved.environment && !saved.keep) {
    const started = Date.now();
    try {
      removed = await backend.remove(saved.environment, { keepVolumes: false });
      removalMs = Date.now() - started;
      const total = removed.containers + removed.networks + removed.volumes;
      if (total > 0) info(`prenv: removed ${saved.environment}: ${removed.containers} containers, ${removed.networks} networks, ${removed.volumes} volumes`);
    } catch (e) {
      warning(`prenv post step: removing ${saved.environment} failed: ${e.message}; \`prenv gc\` removes it later`);
    }
  }
  try {
    for (const { decision } of await gc(backend, { host: hostname() })) {
      info(`prenv: swept ${decision.environment.environment}: ${decision.reason}`);
    }
  } catch (e) {
    warning(`prenv post step: the sweep for leftovers failed: ${e.message}`);
  }
  const somethingRemoved = removed !== void 0 && removed.containers + removed.networks + removed.volumes > 0;
  if ((saved.phase === "finished" || saved.keep) && !somethingRemoved) return;
  await reportTeardown(deps, saved, removed, removalMs);
}
async function reportTeardown(deps, saved, removed, removalMs) {
  if (!saved.viewFile) return;
  let view;
  try {
    view = JSON.parse(readFileSync(saved.viewFile, "utf8"));
  } catch {
    return;
  }
  view.fate = { state: "torn-down", by: "post step", durationMs: removalMs, ...removed ? { removed } : {} };
  if (saved.phase !== "finished") {
    view.status = "interrupted";
    view.problem = { message: "the main step ended before it finished (cancelled, timed out or killed); the post step removed what it had created" };
  }
  try {
    await summary.addRaw(renderReport(view, { limit: SUMMARY_LIMIT, overflow: { label: "the log of this job" } })).write();
  } catch (e) {
    warning(`prenv post step: the job summary could not be written: ${e.message}`);
  }
  const comment = saved.comment;
  if (!comment?.comment) return;
  try {
    const settings = readSettings(deps.readInput);
    if (!settings.comment) return;
    const context = readRunContext(deps.env);
    const sticky = new StickyComment(deps.commentApi(settings.token, context), comment.issue, comment.key, comment.comment);
    const overflow = { label: "the job summary", ...view.links.summary ? { url: view.links.summary } : {} };
    await sticky.publish(renderReport(view, { limit: COMMENT_LIMIT - 200, overflow }));
  } catch (e) {
    warning(`prenv post step: the pull request comment could not be updated: ${e.message}`);
  }
}

// src/action/post-entry.ts
await run();
