#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  chaosProblems,
  faultsLine
} from "./chunk-AF45ALV4.js";
import {
  parseAge
} from "./chunk-EPXBT6ZG.js";
import {
  getOctokit
} from "./chunk-J2LH6GG5.js";
import {
  getInput,
  getState,
  saveState
} from "./chunk-RUU7HI7P.js";
import {
  definedFields,
  external_exports,
  require_dist
} from "./chunk-MWVYT2RV.js";
import {
  hostAndPort,
  reachableHost
} from "./chunk-YMOYOOXC.js";
import {
  BACKEND_KINDS
} from "./chunk-MABPSUXQ.js";
import {
  __toESM
} from "./chunk-RCFCKQT6.js";

// src/github/client.ts
var ReadOnlyTokenError = class extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "ReadOnlyTokenError";
  }
};
var GitHubApiError = class extends Error {
  status;
  constructor(message, status, options) {
    super(message, options);
    this.name = "GitHubApiError";
    this.status = status;
  }
};
function restDeploymentApi(options) {
  const octokit = getOctokit(options.token, { baseUrl: options.apiUrl.replace(/\/$/, "") });
  const { owner, repo } = options.repository;
  return {
    async createDeployment({ ref, environment, description }) {
      try {
        const { data, status } = await octokit.rest.repos.createDeployment({ owner, repo, ref, environment, description, auto_merge: false, required_contexts: [], transient_environment: true, production_environment: false });
        if (status !== 201 || !("id" in data)) throw new GitHubApiError(`creating a deployment to ${environment}: GitHub answered ${status} (${"message" in data ? data.message : "no deployment"})`, status);
        return { id: data.id };
      } catch (e) {
        if (e instanceof GitHubApiError) throw e;
        throw apiError(e, `creating a deployment to ${environment}`);
      }
    },
    async createDeploymentStatus(id, { state, environmentUrl, logUrl, description }) {
      try {
        await octokit.rest.repos.createDeploymentStatus({ owner, repo, deployment_id: id, state, description, ...environmentUrl ? { environment_url: environmentUrl } : {}, ...logUrl ? { log_url: logUrl } : {} });
      } catch (e) {
        throw apiError(e, `setting deployment ${id} to ${state}`);
      }
    },
    async listDeployments(environment) {
      try {
        const { data } = await octokit.rest.repos.listDeployments({ owner, repo, environment, per_page: 100 });
        return data.map((d) => ({ id: d.id, ref: d.ref }));
      } catch (e) {
        throw apiError(e, `listing the deployments to ${environment}`);
      }
    },
    async latestState(id) {
      try {
        const { data } = await octokit.rest.repos.listDeploymentStatuses({ owner, repo, deployment_id: id, per_page: 1 });
        return data[0]?.state;
      } catch (e) {
        throw apiError(e, `reading the statuses of deployment ${id}`);
      }
    }
  };
}
var READ_ONLY = "Resource not accessible by integration";
function restCommentApi(options) {
  const octokit = getOctokit(options.token, { baseUrl: options.apiUrl.replace(/\/$/, "") });
  const { owner, repo } = options.repository;
  const toComment = (c) => ({
    id: c.id,
    body: c.body ?? "",
    author: c.user?.login ?? "",
    url: c.html_url
  });
  return {
    async authenticatedLogin() {
      try {
        const { data } = await octokit.rest.users.getAuthenticated();
        return data.login;
      } catch (e) {
        if (statusOf(e) === 403 || statusOf(e) === 401) return void 0;
        throw apiError(e, "GET /user");
      }
    },
    async listComments(issue) {
      try {
        const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: issue, per_page: 100 });
        return comments.map(toComment);
      } catch (e) {
        throw apiError(e, `listing the comments of #${issue}`);
      }
    },
    async createComment(issue, body) {
      try {
        const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: issue, body });
        return toComment(data);
      } catch (e) {
        throw apiError(e, `commenting on #${issue}`);
      }
    },
    async updateComment(id, body) {
      try {
        const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body });
        return toComment(data);
      } catch (e) {
        throw apiError(e, `editing comment ${id}`);
      }
    }
  };
}
function statusOf(e) {
  const status = e.status;
  return typeof status === "number" ? status : void 0;
}
function apiError(e, what) {
  const status = statusOf(e);
  const message = e instanceof Error ? e.message : String(e);
  if (status === 403 && message.includes(READ_ONLY)) {
    return new ReadOnlyTokenError(`${what}: the token may not write here (${READ_ONLY}); fork pull requests and Dependabot get a read-only token`, { cause: e });
  }
  return new GitHubApiError(`${what} failed${status ? ` (HTTP ${status})` : ""}: ${message}`, status, { cause: e });
}

// src/history/summary.ts
var SUMMARY_VERSION = 1;
function testId(c) {
  return c.suite ? `${c.suite} \u203A ${c.name}` : c.name;
}
function summarize(report, manifest, context, redactor) {
  const summary = {
    summaryVersion: SUMMARY_VERSION,
    scope: context.scope,
    commit: manifest?.source.commit ?? context.commit,
    ...context.runId ? { runId: context.runId } : {},
    ...context.runAttempt !== void 0 ? { runAttempt: context.runAttempt } : {},
    ...context.url ? { url: context.url } : {},
    finishedAt: report.finishedAt,
    outcome: report.outcome,
    tests: (report.tests?.cases ?? []).map((c) => ({ id: testId(c), status: c.status, durationMs: c.durationMs, ...c.attempts !== void 0 ? { attempts: c.attempts } : {} })),
    timings: report.timings,
    services: report.services.map((s) => ({ name: s.name, ...s.readyMs !== void 0 ? { readyMs: s.readyMs } : {} })),
    images: (manifest?.images ?? []).map((i) => ({ service: i.service, reference: i.reference, id: i.id, ...i.digest ? { digest: i.digest } : {} }))
  };
  return redactor.redactDeep(summary);
}
var ms = external_exports.number().nonnegative();
var summarySchema = external_exports.object({
  summaryVersion: external_exports.literal(SUMMARY_VERSION),
  scope: external_exports.discriminatedUnion("kind", [
    external_exports.object({ kind: external_exports.literal("branch"), branch: external_exports.string() }),
    external_exports.object({ kind: external_exports.literal("pull-request"), number: external_exports.number().int().positive(), baseBranch: external_exports.string().optional() })
  ]),
  commit: external_exports.string(),
  runId: external_exports.string().optional(),
  runAttempt: external_exports.number().int().positive().optional(),
  url: external_exports.string().optional(),
  finishedAt: external_exports.string(),
  outcome: external_exports.enum(["passed", "failed", "error"]),
  tests: external_exports.array(external_exports.object({ id: external_exports.string(), status: external_exports.enum(["passed", "failed", "error", "skipped", "flaky"]), durationMs: ms, attempts: external_exports.number().int().positive().optional() })),
  timings: external_exports.object({ bootMs: ms.optional(), setupMs: ms.optional(), testMs: ms.optional(), teardownMs: ms.optional(), totalMs: ms }),
  services: external_exports.array(external_exports.object({ name: external_exports.string(), readyMs: ms.optional() })),
  images: external_exports.array(external_exports.object({ service: external_exports.string(), reference: external_exports.string(), id: external_exports.string(), digest: external_exports.string().optional() }))
});
var SummaryError = class extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "SummaryError";
  }
};
function parseSummary(text2, from) {
  let value;
  try {
    value = JSON.parse(text2);
  } catch (cause) {
    throw new SummaryError(`the run summary ${from} is not JSON (${cause.message})`, { cause });
  }
  const parsed = summarySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SummaryError(`the run summary ${from} is not one this prenv reads (${issue?.path.join(".") || "the whole"}: ${issue?.message})`, { cause: parsed.error });
  }
  return parsed.data;
}

// src/report/markdown.ts
var ZWJ = "\u200D";
var INVISIBLE = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;
var CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
function sanitize(text2) {
  return neutralizeMarkers(text2.replace(/\r\n?/g, "\n").replace(INVISIBLE, "\uFFFD").replace(CONTROL, "\uFFFD"));
}
function neutralizeMarkers(text2) {
  return text2.replace(/<!/g, `<${ZWJ}!`);
}
function oneLine(text2) {
  return text2.replace(/\s*\n\s*/g, " \u23CE ").replace(/\t/g, " ");
}
function longestRun(text2, char) {
  let longest = 0;
  let current = 0;
  for (const c of text2) {
    current = c === char ? current + 1 : 0;
    if (current > longest) longest = current;
  }
  return longest;
}
function code(text2, options = {}) {
  let body = oneLine(sanitize(text2));
  if (options.cell) body = body.replace(/\\/g, "\u29F5").replace(/\|/g, "\\|");
  if (body === "") return "` `";
  const ticks = "`".repeat(longestRun(body, "`") + 1);
  const pad = body.startsWith("`") || body.endsWith("`") || body.startsWith(" ") && body.endsWith(" ") ? " " : "";
  return `${ticks}${pad}${body}${pad}${ticks}`;
}
function escapeHtml(text2) {
  return text2.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}
function htmlCode(text2) {
  return `<code>${escapeHtml(breakMentions(oneLine(sanitize(text2))))}</code>`;
}
function breakMentions(text2) {
  return text2.replace(/@/g, `@${ZWJ}`);
}
function text(value) {
  const escaped = oneLine(sanitize(value)).replace(/[\\`*_{}[\]#|~]/g, (c) => `\\${c}`).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return breakMentions(escaped).replace(/#/g, `#${ZWJ}`).replace(/:\/\//g, `${ZWJ}://`).replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${ZWJ}.`);
}
function fenced(body, language = "") {
  const clean = sanitize(body).replace(/\t/g, "    ").replace(/\n+$/, "");
  const fence = "`".repeat(Math.max(3, longestRun(clean, "`") + 1));
  return `${fence}${language}
${clean}
${fence}`;
}
function link(label2, url) {
  return `[${label2}](${url})`;
}

// src/report/comparison.ts
var plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
function baseName(c) {
  return code(c.baseline?.branch ?? c.baseBranch ?? "the base branch");
}
function comparisonStatus(view) {
  const c = view.comparison;
  if (!c?.baseline) return void 0;
  const already = c.alreadyFailing.length;
  const flaky = c.flaky.length;
  const main = c.newFailures.length > 0 ? `**${plural(c.newFailures.length, "new failure")}**` : already > 0 ? "no new failures" : void 0;
  const parts = [];
  if (main) parts.push(`${main}${already > 0 ? ` (${already} already failing on ${baseName(c)})` : ""}`);
  if (flaky > 0) parts.push(`${flaky} flaky`);
  if (c.fixed.length > 0) parts.push(`${c.fixed.length} fixed`);
  return parts.length ? parts.join(" \xB7 ") : void 0;
}
function failedGroups(view, failed) {
  const c = view.comparison;
  if (!c) return failed.length ? [{ heading: "Failed tests", cases: failed }] : [];
  const of = (ids) => {
    const set = new Set(ids);
    return failed.filter((t) => set.has(testId(t)));
  };
  const groups = [
    { heading: "New failures", cases: of(c.newFailures) },
    { heading: "Flaky failures (another attempt of this commit passed)", cases: of(c.flaky.map((f) => f.id)) },
    { heading: `Already failing on ${baseName(c)}`, cases: of(c.alreadyFailing) },
    { heading: "Failed tests", cases: of(c.unclassified) }
  ];
  const named = new Set(groups.flatMap((g) => g.cases));
  const rest = failed.filter((t) => !named.has(t));
  if (rest.length) groups[3].cases.push(...rest);
  return groups.filter((g) => g.cases.length > 0);
}
function comparisonSection(view, duration3) {
  const c = view.comparison;
  if (!c) return void 0;
  const lines2 = [];
  const ids = (list) => list.slice(0, 20).map((id) => code(id)).join(", ") + (list.length > 20 ? `, \u2026 ${list.length - 20} more` : "");
  const retried = c.flaky.filter((f) => f.reason === "passed-on-retry").map((f) => f.id);
  const attempts = c.flaky.filter((f) => f.reason === "differs-between-attempts").map((f) => f.id);
  const attemptLink = c.earlierAttempt?.url ? link(`attempt ${c.earlierAttempt.runAttempt ?? "before"}`, c.earlierAttempt.url) : `attempt ${c.earlierAttempt?.runAttempt ?? "before"}`;
  if (retried.length) lines2.push(`**Flaky** (passed on a retry): ${ids(retried)}`);
  if (attempts.length) lines2.push(`**Flaky** (${attemptLink} of this commit had the other result): ${ids(attempts)}`);
  if (c.fixed.length) lines2.push(`**Fixed** (failing on ${baseName(c)}, passing here): ${ids(c.fixed)}`);
  if (c.regressions.length) {
    lines2.push(`**Slower than ${baseName(c)}**: ${c.regressions.map((r) => `${text(r.what)} ${duration3(r.currentMs)} (was ${duration3(r.baseMs)})`).join(" \xB7 ")}`);
  }
  if (c.baseline) {
    const at = c.baseline.url ? link(text(`its run`), c.baseline.url) : "its run";
    lines2.push(`<sub>Compared with ${baseName(c)} at ${code(c.baseline.commit.slice(0, 7))} (${at}).</sub>`);
  }
  return lines2.length ? lines2.join("\n\n") : void 0;
}
function noBaselineNote(view) {
  const c = view.comparison;
  if (!c || c.baseline || !c.expectsBaseline) return void 0;
  return `No baseline: the Actions cache has no earlier run of ${c.baseBranch ?? "the base branch"} for this job, so failures are not compared with it.`;
}

// src/report/render.ts
var COMMENT_LIMIT = 65536;
var SUMMARY_LIMIT = 9e5;
var MAX_EXCERPT_LINES = 40;
var MAX_EXCERPT_CHARS = 3e3;
var MAX_ERROR_LINES = 60;
var MAX_ERROR_CHARS = 6e3;
var MAX_SERVICE_ROWS = 60;
var MAX_PROBLEMS = 10;
var MAX_REPRO_CHARS = 6e3;
function renderReport(view, options) {
  const pointer = options.overflow.url ? link(text(options.overflow.label), options.overflow.url) : text(options.overflow.label);
  const before = [{ full: `${title(view)}
${statusLine(view)}` }];
  const problem = problemSection(view);
  if (problem) before.push(problem);
  const preview = previewSection(view);
  if (preview) before.push(preview);
  if (view.services.length > 0) before.push(serviceTable(view, pointer));
  const faults = faultsSection(view);
  if (faults) before.push(faults);
  const after = [];
  const compared = comparisonSection(view, duration);
  if (compared) after.push({ full: compared });
  const problems = reportProblems(view, pointer);
  if (problems) after.push(problems);
  const counts = countsLine(view);
  if (counts) after.push({ full: counts });
  const timings = timingsLine(view);
  if (timings) after.push({ full: timings });
  if (view.reproduction) after.push(reproSection(view.reproduction, pointer));
  const noBaseline = noBaselineNote(view);
  const notes = [...noBaseline ? [noBaseline] : [], ...view.notes].map((n) => `> ${text(n)}`).join("\n");
  if (notes) after.push({ full: notes });
  after.push({ full: footer(view) });
  const failed = failedCases(view);
  const join = (sections) => sections.filter((s) => s !== "").join("\n\n");
  const fixed = [...before, ...after];
  const chosen = fixed.map((s) => s.full);
  const moreLine = (n) => `<sub>\u2026 ${n} more failed test${n === 1 ? "" : "s"} not shown here: see ${pointer}.</sub>`;
  const reserve = failed.length > 0 ? moreLine(failed.length).length + 200 : 0;
  const order = fixed.map((s, i) => ({ s, i })).filter(({ s }) => s.short !== void 0).sort((a, b) => b.s.full.length - a.s.full.length);
  for (const { s, i } of order) {
    if (join(chosen).length + reserve <= options.limit) break;
    chosen[i] = s.short;
  }
  const head = chosen.slice(0, before.length);
  const tail = chosen.slice(before.length);
  if (failed.length > 0) {
    const parts = [];
    let used = join([...head, ...tail]).length + reserve;
    let shown = 0;
    for (const group of failedGroups(view, failed)) {
      const heading = `**${group.heading}** (${group.cases.length})`;
      if (used + heading.length + 2 > options.limit) break;
      parts.push(heading);
      used += heading.length + 2;
      let full = true;
      for (const c of group.cases) {
        const block = failedBlock(c);
        if (used + block.length + 2 > options.limit) {
          full = false;
          break;
        }
        parts.push(block);
        used += block.length + 2;
        shown++;
      }
      if (!full) break;
    }
    const rest = failed.length - shown;
    const section = [...parts, ...rest > 0 ? [moreLine(rest)] : []].join("\n\n");
    return fit(join([...head, section, ...tail]), options.limit, pointer);
  }
  return fit(join([...head, ...tail]), options.limit, pointer);
}
function fit(markdown, limit, pointer) {
  if (markdown.length <= limit) return `${markdown}
`;
  const tailText = `

<sub>\u2026 cut to fit: the full report is in ${pointer}.</sub>
`;
  let cut = markdown.slice(0, Math.max(0, limit - tailText.length));
  const open = openConstructAt(cut);
  if (open !== void 0) cut = cut.slice(0, open);
  return `${cut.trimEnd()}${tailText}`;
}
function openConstructAt(markdown) {
  let fence;
  let details;
  let offset = 0;
  for (const line of markdown.split("\n")) {
    const ticks = /^(`{3,})(.*)$/.exec(line);
    if (fence) {
      if (ticks && ticks[1].length >= fence.ticks && ticks[2].trim() === "") fence = void 0;
    } else if (ticks) {
      fence = { ticks: ticks[1].length, at: offset };
    } else if (line.startsWith("<details>")) {
      details = offset;
    } else if (line.startsWith("</details>")) {
      details = void 0;
    }
    offset += line.length + 1;
  }
  if (details !== void 0) return details;
  return fence?.at;
}
function title(view) {
  const name = `prenv \xB7 ${text(view.title)}`;
  switch (view.status) {
    case "booting":
      return `### \u23F3 ${name} \u2014 booting the environment`;
    case "testing":
      return `### \u23F3 ${name} \u2014 environment ready, running setup and tests`;
    case "up":
      return `### \u{1F7E2} ${name} \u2014 environment up`;
    case "preview":
      if (view.preview?.failed) return `### \u26A0\uFE0F ${name} \u2014 preview update failed; the previous version still serves`;
      return `### \u{1F50E} ${name} \u2014 preview ${view.preview?.updated ? "updated" : "up"}`;
    case "not-started":
      return `### \u26A0\uFE0F ${name} \u2014 not started`;
    case "interrupted":
      return `### \u26A0\uFE0F ${name} \u2014 interrupted`;
    case "removed":
      return `### \u{1F9F9} ${name} \u2014 environment removed`;
    case "finished":
      return `### ${outcomeHeadline(view, name)}`;
  }
}
function outcomeHeadline(view, name) {
  const run = view.run;
  const t = run.tests?.totals;
  if (run.outcome === "error") {
    const phase = run.error?.phase ?? "boot";
    const what = phase === "boot" ? "the environment did not boot" : phase === "setup" ? "setup failed" : phase === "teardown" ? "teardown failed" : "the environment failed during the tests";
    return `\u26A0\uFE0F ${name} \u2014 ${what}`;
  }
  if (run.outcome === "passed") return `\u2705 ${name} \u2014 ${t ? `${t.tests - t.skipped} of ${t.tests} tests passed` : "tests passed"}`;
  if (t && t.failed + t.errors > 0) return `\u274C ${name} \u2014 ${t.failed + t.errors} of ${t.tests} tests failed`;
  return `\u274C ${name} \u2014 tests failed`;
}
function statusLine(view) {
  const compared = comparisonStatus(view);
  const parts = [...compared ? [compared] : [], code(view.commit.slice(0, 7))];
  const timings = view.run?.timings;
  if (view.status === "booting" && view.elapsedMs !== void 0) parts.push(`booting for ${duration(view.elapsedMs)}`);
  const bootFailed = view.run?.outcome === "error" && view.run.error?.phase === "boot";
  if (timings?.bootMs !== void 0) parts.push(`${bootFailed ? "boot stopped after" : "booted in"} ${duration(timings.bootMs)}`);
  if (timings?.testMs !== void 0) parts.push(`tests ${duration(timings.testMs)}`);
  parts.push(`environment ${code(view.environment)}`);
  if (view.links.run) parts.push(link(text(view.links.run.label), view.links.run.url));
  if (view.links.summary) parts.push(link("job summary", view.links.summary));
  return parts.join(" \xB7 ");
}
function problemSection(view) {
  const p = view.problem ?? (view.run?.error ? { message: view.run.error.message, detail: view.run.error.output, hint: view.run.error.hint, service: view.run.error.service, phase: view.run.error.phase } : void 0);
  if (!p) return void 0;
  const service = "service" in p && p.service ? ` in service ${code(p.service)}` : "";
  const phase = "heading" in p && p.heading ? `**${text(p.heading)}**${service}:` : "phase" in p && p.phase ? `**${p.phase === "test" ? "During the tests" : `${p.phase[0].toUpperCase()}${p.phase.slice(1)} failed`}**${service}:` : "**Problem:**";
  const lines2 = [phase, fenced(p.message)];
  const detail = p.detail ? lastLines(p.detail, MAX_ERROR_LINES, MAX_ERROR_CHARS) : void 0;
  if (detail) lines2.push(["<details><summary>Output</summary>", "", fenced(detail), "", "</details>"].join("\n"));
  if (p.hint) lines2.push(`Hint: ${text(p.hint)}`);
  return { full: lines2.join("\n\n"), short: [phase, fenced(firstChars(p.message, 1e3))].join("\n\n") };
}
function previewSection(view) {
  const p = view.preview;
  if (!p) return void 0;
  const deployment = p.deployment ? ` \xB7 deployment ${code(p.deployment)}` : "";
  if (view.status === "removed") {
    return { full: `**Preview removed**: the environment ${code(view.environment)} is gone${p.deployment ? ` and deployment ${code(p.deployment)} is marked inactive` : ""}.` };
  }
  const state = p.failed ? `not updated: ${code(p.failed.service)} of this push did not come up, so the previous version still serves` : p.updated ? "updated by this push" : "created";
  const head = `**Preview** ${state}${p.expires ? ` \xB7 expires ${text(p.expires.replace(/\.\d+Z$/, "Z"))} unless a push renews it` : ""}${deployment}`;
  const direct = p.urls.some((u) => u.direct !== void 0);
  const urls = p.urls.length > 0 ? [
    `| service | URL |${direct ? " direct (engine host) |" : ""}`,
    `|---|---|${direct ? "---|" : ""}`,
    ...p.urls.map((u) => `| ${code(u.service, { cell: true })} | ${link(text(u.url.replace(/^https?:\/\//, "")), u.url)} |${direct ? ` ${code(u.direct ?? "", { cell: true })} |` : ""}`)
  ].join("\n") : "No service publishes a TCP port, so the preview has no URL.";
  const verb = { create: "created", recreate: "recreated", remove: "removed", unchanged: "unchanged" };
  const changed = p.operations.filter((o) => o.kind !== "unchanged");
  const kept = p.operations.filter((o) => o.kind === "unchanged");
  const ops = [
    ...changed.map((o) => `- ${code(o.service)} ${verb[o.kind]}${o.kind === "recreate" ? `: ${text(o.reason)}` : ""}`),
    ...kept.length > 0 ? [`- unchanged, same containers and data: ${kept.map((o) => code(o.service)).join(", ")}`] : []
  ];
  const restored = p.failed && p.failed.restored.length > 0 ? [`- running again as before the push: ${p.failed.restored.map((s) => code(s)).join(", ")}`] : [];
  const what = p.failed ? `**This push tried**
${[...ops, ...restored].join("\n")}` : p.updated ? `**This push changed**${changed.length === 0 ? " nothing: no container was replaced" : ""}
${ops.join("\n")}` : "";
  return { full: [head, urls, what].filter((x) => x !== "").join("\n\n"), short: [head, urls].join("\n\n") };
}
function serviceTable(view, pointer) {
  const endpointsOf = (s) => view.endpoints.filter((e) => e.service === s.name);
  const row = (s) => `| ${code(s.name, { cell: true })} | ${imageCell(s)} | ${stateCell(s)} | ${endpointsOf(s).map(endpointCell).join("<br>") || "\u2014"} |`;
  const header = "| service | image | state | endpoint |\n|---|---|---|---|";
  const rows = view.services.slice(0, MAX_SERVICE_ROWS).map(row);
  const more = view.services.length - rows.length;
  const full = `${header}
${rows.join("\n")}${more > 0 ? `

<sub>\u2026 ${more} more services: see ${pointer}.</sub>` : ""}`;
  return { full, short: `<sub>${view.services.length} services: the table is in ${pointer}.</sub>` };
}
function imageCell(s) {
  if (s.digest) {
    const at = s.digest.indexOf("@");
    const digest = at >= 0 ? s.digest.slice(at + 1) : s.digest;
    return code(`${s.image}@${shortDigest(digest)}`, { cell: true });
  }
  if (s.imageId) return `${code(s.image, { cell: true })} (local ${code(shortDigest(s.imageId), { cell: true })})`;
  return code(s.image, { cell: true });
}
function shortDigest(digest) {
  const m = /^(sha256:)?([0-9a-f]{12})[0-9a-f]*$/.exec(digest);
  return m ? `sha256:${m[2]}` : digest;
}
function stateCell(s) {
  const state = text(s.state);
  return s.readyMs !== void 0 ? `${state} ${duration(s.readyMs)}` : state;
}
function endpointCell(e) {
  return code(`${hostAndPort(reachableHost(e.hostIp), e.hostPort)} \u2192 ${e.containerPort}/${e.protocol}`, { cell: true });
}
function failedCases(view) {
  return (view.run?.tests?.cases ?? []).filter((c) => c.status === "failed" || c.status === "error");
}
function failedBlock(c) {
  const name = [c.suite, c.name].filter((p) => p !== "").join(" \u203A ");
  const where = c.file ? ` ${htmlCode(`${c.file}${c.line ? `:${c.line}` : ""}`)}` : "";
  const kind = c.status === "error" ? " (error)" : "";
  const excerpt = excerptOf(c);
  return [`<details><summary>\u274C ${htmlCode(name)}${where}${kind}</summary>`, "", fenced(excerpt || "(the report gives no message)"), "", "</details>"].join("\n");
}
function excerptOf(c) {
  const parts = [];
  if (c.message) parts.push(c.message.trim());
  if (c.stack && !(c.message && c.stack.trim() === c.message.trim())) parts.push(c.stack.trim());
  if (c.output) parts.push(`--- output ---
${lastLines(c.output, 10, 1e3)}`);
  return firstLines(parts.join("\n\n"), MAX_EXCERPT_LINES, MAX_EXCERPT_CHARS);
}
function reportProblems(view, pointer) {
  const problems = view.run?.tests?.problems ?? [];
  if (problems.length === 0) return void 0;
  const shown = problems.slice(0, MAX_PROBLEMS).map((p) => `- ${code(p.message)}`);
  if (problems.length > MAX_PROBLEMS) shown.push(`- \u2026 ${problems.length - MAX_PROBLEMS} more in ${pointer}`);
  return { full: `**Report problems** (these never count as green)

${shown.join("\n")}`, short: `**Report problems**: ${problems.length}, listed in ${pointer}.` };
}
function faultsSection(view) {
  const chaos = view.run?.chaos;
  if (!chaos) return void 0;
  const problems = chaosProblems(chaos).map((p) => `> \u26A0\uFE0F ${text(p)}`);
  const line = text(faultsLine(chaos));
  return { full: [line, ...problems].join("\n"), short: problems.length ? `${text(`Faults (seed ${chaos.seed})`)}: ${problems.length} could not be applied or undone; see results.json` : `${text(`Faults: ${chaos.timeline.length} (seed ${chaos.seed})`)}; the timeline is in results.json` };
}
function countsLine(view) {
  const t = view.run?.tests?.totals;
  if (!t) return void 0;
  const parts = [`${t.passed} passed`, `${t.failed} failed`];
  if (t.errors) parts.push(`${t.errors} errors`);
  parts.push(`${t.skipped} skipped`, `${t.flaky} flaky${t.flaky ? " (passed on a retry)" : ""}`);
  return `**Tests** ${parts.join(" \xB7 ")}`;
}
function timingsLine(view) {
  const t = view.run?.timings;
  if (!t) return void 0;
  const parts = [
    t.bootMs !== void 0 ? `boot ${duration(t.bootMs)}` : void 0,
    t.setupMs !== void 0 ? `setup ${duration(t.setupMs)}` : void 0,
    t.testMs !== void 0 ? `tests ${duration(t.testMs)}` : void 0,
    t.teardownMs !== void 0 ? `teardown ${duration(t.teardownMs)}` : void 0,
    `total ${duration(t.totalMs)}`
  ].filter((p) => p !== void 0);
  return `**Timings** ${parts.join(" \xB7 ")}`;
}
function reproSection(repro, pointer) {
  const notes = repro.notes.map((n) => `- ${text(n)}`).join("\n");
  const full = ["**Reproduce locally**", fenced(repro.command, "bash"), ...notes ? [notes] : []].join("\n");
  const short = `**Reproduce locally**: the command is too long for this comment; it is in ${pointer}.`;
  return repro.command.length > MAX_REPRO_CHARS ? { full: short } : { full, short };
}
function footer(view) {
  const parts = [];
  const fate = view.fate;
  switch (fate.state) {
    case "up":
      parts.push(view.preview ? "The preview stays up until the pull request is closed or it expires." : "The environment is up for the rest of the job; the post step removes it.");
      break;
    case "kept":
      parts.push(`The environment was kept (${text(fate.reason)}); the post step removes it when the job ends.`);
      break;
    case "torn-down": {
      const by = { run: "after the tests", "post step": "by the post step", down: "on request", "pull request closed": "because the pull request was closed" }[fate.by];
      const counts = fate.removed ? ` (${fate.removed.containers} containers, ${fate.removed.networks} networks, ${fate.removed.volumes} volumes)` : "";
      parts.push(`Environment torn down ${by}${fate.durationMs !== void 0 ? ` in ${duration(fate.durationMs)}` : ""}${counts}.`);
      break;
    }
    case "teardown-failed":
      parts.push(`Teardown failed: ${text(fate.message)}; the post step tries again.`);
      break;
    case "none":
      break;
  }
  const artifact = view.links.artifact;
  if (artifact?.url) parts.push(`Logs of every service and results.json: artifact ${link(text(artifact.name), artifact.url)}.`);
  else if (artifact?.problem) parts.push(`The logs artifact ${text(artifact.name)} could not be uploaded: ${text(artifact.problem)}.`);
  else if (artifact) parts.push(`Logs of every service and results.json: artifact ${text(artifact.name)}.`);
  return parts.length > 0 ? `<sub>${parts.join(" ")}</sub>` : "";
}
function duration(ms2) {
  if (ms2 < 1e4) return `${(ms2 / 1e3).toFixed(1)} s`;
  const s = Math.round(ms2 / 1e3);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} m ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} m`;
}
function firstLines(value, lines2, chars) {
  const all = value.split("\n");
  let out = all.slice(0, lines2).join("\n");
  if (out.length > chars) out = out.slice(0, chars);
  return out.length < value.length ? `${out}
\u2026` : out;
}
function lastLines(value, lines2, chars) {
  const all = value.trimEnd().split("\n");
  let out = all.slice(-lines2).join("\n");
  if (out.length > chars) out = out.slice(-chars);
  return out.length < value.trimEnd().length ? `\u2026
${out}` : out;
}
function firstChars(value, chars) {
  return value.length > chars ? `${value.slice(0, chars)}\u2026` : value;
}
var REMOVAL_MARKER = "<!-- prenv:removed -->";
function appendRemoval(markdown, fate, at) {
  const cut = markdown.indexOf(`
${REMOVAL_MARKER}`);
  const kept = (cut >= 0 ? markdown.slice(0, cut) : markdown).trimEnd().replace(/\n---$/, "").trimEnd();
  const why = fate.by === "pull request closed" ? "the pull request was closed" : fate.by === "down" ? "the workflow asked for it" : "the job ended";
  const counts = fate.removed ? `${fate.removed.containers} containers, ${fate.removed.networks} networks, ${fate.removed.volumes} volumes` : "nothing was left";
  return `${kept}

---
${REMOVAL_MARKER}
\u{1F9F9} **Environment removed** because ${why} (${counts}) \xB7 ${text(at)}
`;
}

// src/github/sticky-comment.ts
var GITHUB_ACTIONS_BOT = "github-actions[bot]";
function commentMarker(key) {
  return `<!-- prenv:comment key=${encodeURIComponent(key)} -->`;
}
var StickyComment = class {
  api;
  issue;
  marker;
  known;
  author;
  /** The body as last read or written, when known. */
  body;
  constructor(api, issue, key, known) {
    this.api = api;
    this.issue = issue;
    this.marker = commentMarker(key);
    this.known = known;
    this.author = known?.author;
  }
  get current() {
    return this.known;
  }
  /** The existing comment, if there is one. */
  async find() {
    if (this.known) return this.known;
    const author = await this.writer();
    const comments = await this.api.listComments(this.issue);
    const mine = comments.find((c) => c.author === author && this.isMarked(c));
    if (mine) {
      this.known = { id: mine.id, author: mine.author, url: mine.url };
      this.body = mine.body;
    }
    return this.known;
  }
  /** Creates the comment, or replaces the body of the one that exists. */
  async publish(markdown) {
    const body = `${this.marker}
${markdown}`;
    const existing = await this.find();
    let written;
    if (existing) {
      try {
        written = await this.api.updateComment(existing.id, body);
      } catch (e) {
        if (!(e instanceof GitHubApiError && e.status === 404)) throw e;
        written = await this.api.createComment(this.issue, body);
      }
    } else {
      written = await this.api.createComment(this.issue, body);
    }
    this.author = written.author;
    this.body = written.body;
    this.known = { id: written.id, author: written.author, url: written.url };
    return this.known;
  }
  /**
   * Edits the existing comment's text (without the marker); does nothing when there is
   * none. For notes about an earlier run, which this run has no data to re-render.
   */
  async amend(edit) {
    const existing = await this.find();
    if (!existing) return void 0;
    if (this.body === void 0) this.body = (await this.api.listComments(this.issue)).find((c) => c.id === existing.id)?.body;
    if (this.body === void 0) return void 0;
    const markdown = this.body.startsWith(this.marker) ? this.body.slice(this.marker.length).replace(/^\r?\n/, "") : this.body;
    return this.publish(edit(markdown));
  }
  isMarked(comment) {
    return comment.body.startsWith(this.marker);
  }
  async writer() {
    this.author ??= await this.api.authenticatedLogin() ?? GITHUB_ACTIONS_BOT;
    return this.author;
  }
};

// src/action/keys.ts
var INPUT = {
  command: "command",
  definition: "definition",
  composeFiles: "compose-files",
  workingDirectory: "working-directory",
  params: "params",
  secrets: "secrets",
  testCommand: "test-command",
  testReports: "test-reports",
  testTimeout: "test-timeout",
  timeout: "timeout",
  resultsDir: "results-dir",
  environment: "environment",
  githubToken: "github-token",
  comment: "comment",
  commentKey: "comment-key",
  failOnTestFailure: "fail-on-test-failure",
  keepOnFailure: "keep-on-failure",
  artifactName: "artifact-name",
  allowUntrustedCode: "allow-untrusted-code-with-write-token",
  backend: "backend",
  kubeconfig: "kubeconfig",
  kubeContext: "kube-context",
  namespacePrefix: "namespace-prefix",
  registry: "registry",
  history: "history",
  passOnKnownFailures: "pass-on-known-failures",
  previewTtl: "preview-ttl",
  previewHost: "preview-host",
  previewProxy: "preview-proxy",
  previewIngressClass: "preview-ingress-class"
};
var OUTPUT = {
  result: "result",
  tests: "tests",
  passed: "passed",
  failed: "failed",
  skipped: "skipped",
  flaky: "flaky",
  endpoints: "endpoints",
  environment: "environment",
  resultsPath: "results-path",
  reproduction: "reproduction",
  commentUrl: "comment-url",
  commentStatus: "comment-status",
  previewUrls: "preview-urls"
};
var STATE = {
  /** The environment the main step may have created: the post step removes it. */
  environment: "environment",
  /** started -> finished; anything but finished means the main step was cut short. */
  phase: "phase",
  /** The comment (id, author, url) and the issue it is on, as JSON. */
  comment: "comment",
  /** "true": the environment outlives the job (command: preview), so the post step leaves it alone. */
  keep: "keep",
  /** The file holding the last report view, so that the post step can re-render it. */
  viewFile: "view-file"
};

// src/action/state.ts
var actionsState = {
  save: (key, value) => saveState(key, value),
  get: (key) => getState(key)
};
function loadRun(store) {
  const run = {};
  const environment = store.get(STATE.environment);
  if (environment) run.environment = environment;
  const phase = store.get(STATE.phase);
  if (phase === "started" || phase === "finished") run.phase = phase;
  const comment = store.get(STATE.comment);
  if (comment) {
    try {
      run.comment = JSON.parse(comment);
    } catch {
    }
  }
  if (store.get(STATE.keep) === "true") run.keep = true;
  const viewFile = store.get(STATE.viewFile);
  if (viewFile) run.viewFile = viewFile;
  return run;
}
function saveComment(store, comment) {
  store.save(STATE.comment, JSON.stringify(comment));
}

// src/action/context.ts
import { readFileSync } from "node:fs";
var ContextError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "ContextError";
  }
};
var PRIVATE = /^(INPUT_|STATE_)|^(ACTIONS_RUNTIME_TOKEN|ACTIONS_RUNTIME_URL|ACTIONS_RESULTS_URL|ACTIONS_CACHE_URL|ACTIONS_ID_TOKEN_REQUEST_TOKEN|ACTIONS_ID_TOKEN_REQUEST_URL|GITHUB_OUTPUT|GITHUB_STATE|GITHUB_STEP_SUMMARY)$/;
function readRunContext(env, readFile = (p) => readFileSync(p, "utf8")) {
  const repository = env.GITHUB_REPOSITORY ?? "";
  const [owner, repo] = repository.split("/");
  if (!owner || !repo) throw new ContextError("GITHUB_REPOSITORY is not set to owner/name: prenv's Action runs inside a GitHub Actions job (use the prenv CLI elsewhere)");
  const eventName = env.GITHUB_EVENT_NAME ?? "";
  let payload = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(readFile(env.GITHUB_EVENT_PATH));
    } catch (e) {
      throw new ContextError(`cannot read the event payload ${env.GITHUB_EVENT_PATH}: ${e.message}`);
    }
  }
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  return {
    eventName,
    repository: { owner, repo },
    sha: env.GITHUB_SHA ?? "",
    ref: env.GITHUB_REF,
    runId: env.GITHUB_RUN_ID,
    runAttempt: env.GITHUB_RUN_ATTEMPT,
    runNumber: env.GITHUB_RUN_NUMBER,
    job: env.GITHUB_JOB,
    serverUrl: (env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/$/, ""),
    apiUrl: (env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/$/, ""),
    workspace,
    runnerTemp: env.RUNNER_TEMP ?? workspace,
    pullRequest: pullRequestOf(eventName, payload),
    workflowRunHeadSha: eventName === "workflow_run" ? stringAt(payload, ["workflow_run", "head_sha"]) : void 0,
    artifactService: Boolean(env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL),
    childEnv: Object.fromEntries(Object.entries(env).filter(([k]) => !PRIVATE.test(k)))
  };
}
function pullRequestOf(eventName, payload) {
  if (eventName === "pull_request" || eventName === "pull_request_target") {
    const number = numberAt(payload, ["pull_request", "number"]) ?? numberAt(payload, ["number"]);
    if (number === void 0) return void 0;
    const headRepository = stringAt(payload, ["pull_request", "head", "repo", "full_name"]);
    const baseRepository = stringAt(payload, ["pull_request", "base", "repo", "full_name"]) ?? stringAt(payload, ["repository", "full_name"]) ?? "";
    const baseRef = stringAt(payload, ["pull_request", "base", "ref"]);
    return {
      ...baseRef ? { baseRef } : {},
      number,
      action: stringAt(payload, ["action"]),
      headSha: stringAt(payload, ["pull_request", "head", "sha"]) ?? "",
      baseSha: stringAt(payload, ["pull_request", "base", "sha"]) ?? "",
      headRepository,
      baseRepository,
      fromFork: headRepository === void 0 || headRepository.toLowerCase() !== baseRepository.toLowerCase()
    };
  }
  if (eventName === "workflow_run") {
    const prs = valueAt(payload, ["workflow_run", "pull_requests"]);
    const first = Array.isArray(prs) ? prs[0] : void 0;
    const number = first ? numberAt(first, ["number"]) : void 0;
    if (number === void 0) return void 0;
    const headRepository = stringAt(payload, ["workflow_run", "head_repository", "full_name"]);
    const baseRepository = stringAt(payload, ["repository", "full_name"]) ?? "";
    return {
      number,
      action: void 0,
      headSha: stringAt(payload, ["workflow_run", "head_sha"]) ?? "",
      baseSha: "",
      headRepository,
      baseRepository,
      fromFork: headRepository === void 0 || headRepository.toLowerCase() !== baseRepository.toLowerCase()
    };
  }
  return void 0;
}
function valueAt(value, path2) {
  let v = value;
  for (const p of path2) {
    if (typeof v !== "object" || v === null) return void 0;
    v = v[p];
  }
  return v;
}
function stringAt(value, path2) {
  const v = valueAt(value, path2);
  return typeof v === "string" ? v : void 0;
}
function numberAt(value, path2) {
  const v = valueAt(value, path2);
  return typeof v === "number" && Number.isInteger(v) ? v : void 0;
}

// src/action/inputs.ts
var import_yaml = __toESM(require_dist(), 1);

// src/engine/preview-urls.ts
var PLACEHOLDERS = ["service", "number", "repo"];
function hostTemplateProblem(template) {
  if (template === "") return void 0;
  const { host } = splitScheme(template);
  const unknown = [...host.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]).filter((p) => !PLACEHOLDERS.includes(p));
  if (unknown.length > 0) return `{${unknown[0]}} is not a placeholder; use ${PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`;
  if (!host.includes("{service}")) return "it has no {service}, so every service would get the same host";
  const sample = host.replace(/\{(service|number|repo)\}/g, "x");
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(sample) || sample.includes("..")) return "it is not a host name (letters, digits, '-' and '.', with placeholders), without a path or port";
  return void 0;
}
function label(name) {
  return name.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "x";
}
function splitScheme(template) {
  const m = /^(https?):\/\/(.*)$/.exec(template);
  return m ? { scheme: m[1], host: m[2] } : { scheme: "http", host: template };
}
function hostFor(addressing, service) {
  const { host } = splitScheme(addressing.hostTemplate);
  return host.replace(/\{service\}/g, label(service)).replace(/\{number\}/g, String(addressing.number)).replace(/\{repo\}/g, label(addressing.repo)).toLowerCase();
}
function exposed(endpoints) {
  const seen = /* @__PURE__ */ new Set();
  return endpoints.filter((e) => e.protocol === "tcp" && !seen.has(e.service) && seen.add(e.service));
}
function dockerRouter(addressing) {
  const { scheme } = splitScheme(addressing.hostTemplate);
  return {
    route(plan) {
      if (addressing.proxy === "none" || addressing.hostTemplate === "") return plan;
      return {
        ...plan,
        services: plan.services.map((s) => {
          const port = s.ports.find((p) => p.protocol === "tcp");
          if (!port) return s;
          return { ...s, spec: { ...s.spec, labels: { ...s.spec.labels, ...traefikLabels(`${plan.environment}-${s.name}`, hostFor(addressing, s.name), port.target) } } };
        })
      };
    },
    urls(endpoints) {
      return exposed(endpoints).map((e) => {
        const direct = hostAndPort(reachableHost(e.hostIp), e.hostPort);
        const url = addressing.hostTemplate === "" ? `http://${direct}` : addressing.proxy === "traefik" ? `${scheme}://${hostFor(addressing, e.service)}` : `${scheme}://${hostAndPort(hostFor(addressing, e.service), e.hostPort)}`;
        return { service: e.service, url, containerPort: e.containerPort, direct };
      });
    }
  };
}
function traefikLabels(name, host, port) {
  const router = label(name);
  return {
    "traefik.enable": "true",
    [`traefik.http.routers.${router}.rule`]: `Host(\`${host}\`)`,
    [`traefik.http.routers.${router}.service`]: router,
    [`traefik.http.services.${router}.loadbalancer.server.port`]: String(port)
  };
}
function kubernetesRouter(addressing) {
  const { scheme } = splitScheme(addressing.hostTemplate);
  return {
    route(plan) {
      return {
        ...plan,
        services: plan.services.map((s) => {
          const port = s.ports.find((p) => p.protocol === "tcp");
          if (!port) return s;
          return { ...s, ingress: { host: hostFor(addressing, s.name), port: port.target, ...addressing.ingressClass ? { className: addressing.ingressClass } : {} } };
        })
      };
    },
    urls(endpoints) {
      return exposed(endpoints).map((e) => ({ service: e.service, url: `${scheme}://${hostFor(addressing, e.service)}`, containerPort: e.containerPort }));
    }
  };
}

// src/action/inputs.ts
var InputError = class extends Error {
  input;
  constructor(input, message) {
    super(`input "${input}": ${message}`);
    this.name = "InputError";
    this.input = input;
  }
};
var COMMANDS = ["run", "up", "down", "preview"];
var PROXIES = ["none", "traefik"];
function readSettings(read = (name) => getInput(name)) {
  const get = (name) => read(name).trim();
  const optional = (name) => get(name) || void 0;
  const command = get(INPUT.command) || "run";
  if (!COMMANDS.includes(command)) {
    throw new InputError(INPUT.command, `"${command}" is not a command; use run (boot, test, tear down), up (boot and keep it for the next steps), down (remove it) or preview (keep the pull request's environment up until it is closed)`);
  }
  const token = get(INPUT.githubToken);
  const comment = bool(INPUT.comment, get(INPUT.comment), true);
  const testTimeout = optional(INPUT.testTimeout);
  const environment = optional(INPUT.environment);
  if (environment !== void 0 && !/^[a-z0-9][a-z0-9_-]{0,48}$/.test(environment)) {
    throw new InputError(INPUT.environment, `"${environment}" cannot name an environment; use 1-49 lower-case letters, digits, '-' and '_', starting with a letter or digit`);
  }
  const commentKey = optional(INPUT.commentKey);
  const settings = {
    command,
    workingDirectory: path(INPUT.workingDirectory, get(INPUT.workingDirectory) || "."),
    composeFiles: lines(read(INPUT.composeFiles)).map((f) => path(INPUT.composeFiles, f)),
    params: parseParams(read(INPUT.params)),
    secrets: parseParams(read(INPUT.secrets), INPUT.secrets),
    bootTimeoutMs: duration2(INPUT.timeout, get(INPUT.timeout) || "5m"),
    resultsDir: path(INPUT.resultsDir, get(INPUT.resultsDir) || "prenv-results"),
    token,
    comment,
    failOnTestFailure: bool(INPUT.failOnTestFailure, get(INPUT.failOnTestFailure), true),
    keepOnFailure: bool(INPUT.keepOnFailure, get(INPUT.keepOnFailure), false),
    allowUntrustedCodeWithWriteToken: bool(INPUT.allowUntrustedCode, get(INPUT.allowUntrustedCode), false),
    history: bool(INPUT.history, get(INPUT.history), true),
    passOnKnownFailures: bool(INPUT.passOnKnownFailures, get(INPUT.passOnKnownFailures), false),
    backend: backendSelection(optional),
    preview: previewSettings(get)
  };
  const definition = optional(INPUT.definition);
  if (definition) settings.definition = path(INPUT.definition, definition);
  const testCommand = optional(INPUT.testCommand);
  if (testCommand) settings.testCommand = testCommand;
  const reports = lines(read(INPUT.testReports));
  if (reports.length > 0) settings.testReports = reports;
  if (testTimeout) settings.testTimeoutMs = duration2(INPUT.testTimeout, testTimeout);
  if (environment) settings.environment = environment;
  if (commentKey) settings.commentKey = commentKey;
  const artifactName = optional(INPUT.artifactName);
  if (artifactName) {
    if (/[":<>|*?\\/\r\n]/.test(artifactName)) throw new InputError(INPUT.artifactName, `"${artifactName}" has a character artifact names may not contain (" : < > | * ? \\ / or a line break)`);
    settings.artifactName = artifactName;
  }
  if (comment && !token) throw new InputError(INPUT.githubToken, "is empty, and comment is true; pass github-token: ${{ github.token }} (the default), or set comment: false");
  return settings;
}
function previewSettings(get) {
  const hostTemplate = get(INPUT.previewHost);
  const problem = hostTemplateProblem(hostTemplate);
  if (problem) throw new InputError(INPUT.previewHost, `"${hostTemplate}": ${problem}; for example {service}-pr-{number}.preview.example.com`);
  const proxy = get(INPUT.previewProxy) || "none";
  if (!PROXIES.includes(proxy)) throw new InputError(INPUT.previewProxy, `"${proxy}" is not a proxy prenv labels containers for; use ${PROXIES.join(" or ")}`);
  if (proxy !== "none" && hostTemplate === "") throw new InputError(INPUT.previewProxy, `is ${proxy}, but ${INPUT.previewHost} is empty: the proxy routes by host name; set ${INPUT.previewHost}`);
  const ingressClass = get(INPUT.previewIngressClass);
  if (ingressClass && (ingressClass.length > 253 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(ingressClass))) {
    throw new InputError(INPUT.previewIngressClass, `"${ingressClass}" is not an IngressClass name (lower-case letters, digits, '-' and '.'); kubectl get ingressclass lists the cluster's`);
  }
  return { ttlMs: duration2(INPUT.previewTtl, get(INPUT.previewTtl) || "72h"), hostTemplate, proxy, ingressClass };
}
function backendSelection(optional) {
  const backend = optional(INPUT.backend);
  if (backend !== void 0 && !BACKEND_KINDS.includes(backend)) throw new InputError(INPUT.backend, `"${backend}" is not a backend; use ${BACKEND_KINDS.join(" or ")}`);
  const kubeconfig = optional(INPUT.kubeconfig);
  const selection = { ...definedFields({ backend, kubeContext: optional(INPUT.kubeContext), namespacePrefix: optional(INPUT.namespacePrefix), registry: optional(INPUT.registry) }) };
  if (kubeconfig !== void 0) {
    if (backend !== "kubernetes") throw new InputError(INPUT.kubeconfig, "is given, but backend is not kubernetes; set backend: kubernetes");
    selection.kubeconfigContent = kubeconfig;
  }
  return selection;
}
function parseParams(raw, input = INPUT.params) {
  if (raw.trim() === "") return [];
  let doc;
  try {
    doc = (0, import_yaml.parse)(raw);
  } catch {
    doc = void 0;
  }
  if (typeof doc === "object" && doc !== null && !Array.isArray(doc)) {
    return Object.entries(doc).map(([name, value]) => `${paramName(input, name)}=${paramValue(input, name, value)}`);
  }
  const out = [];
  raw.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const m = /^([^=\s]+)\s*=(.*)$/.exec(trimmed);
    if (!m) throw new InputError(input, `line ${i + 1}${input === INPUT.secrets ? "" : ` ("${trimmed}")`} is not name=value; write one name=value per line, or a YAML mapping (name: value)`);
    out.push(`${paramName(input, m[1])}=${m[2].trim()}`);
  });
  return out;
}
function paramName(input, name) {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new InputError(input, `${input === INPUT.secrets ? "a name" : `"${name}"`} is not a parameter name; names have letters, digits and _ and start with a letter or _`);
  return name;
}
function paramValue(input, name, value) {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value) && value.every((v) => ["string", "number", "boolean"].includes(typeof v))) return value.join(",");
  throw new InputError(input, `parameter "${name}" must be text, a number, true/false or a list of those, not ${value === null ? "empty" : "a mapping"}`);
}
function bool(name, raw, fallback) {
  if (raw === "") return fallback;
  if (/^(true|yes|on)$/i.test(raw)) return true;
  if (/^(false|no|off)$/i.test(raw)) return false;
  throw new InputError(name, `"${raw}" is not true or false`);
}
function duration2(name, raw) {
  const ms2 = parseAge(raw);
  if (ms2 === void 0 || ms2 <= 0) throw new InputError(name, `"${raw}" is not a duration; write for example 90s, 5m or 1h`);
  return ms2;
}
function lines(raw) {
  return raw.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
}
function path(name, raw) {
  if (raw.includes("\0")) throw new InputError(name, "a path cannot contain a NUL character");
  return raw;
}

export {
  ReadOnlyTokenError,
  restDeploymentApi,
  restCommentApi,
  summarize,
  SummaryError,
  parseSummary,
  COMMENT_LIMIT,
  SUMMARY_LIMIT,
  renderReport,
  appendRemoval,
  commentMarker,
  StickyComment,
  INPUT,
  OUTPUT,
  STATE,
  actionsState,
  loadRun,
  saveComment,
  ContextError,
  readRunContext,
  dockerRouter,
  kubernetesRouter,
  InputError,
  readSettings
};
