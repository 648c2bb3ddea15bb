import * as core from "@actions/core";
import { hostAndPort, reachableHost } from "../engine/endpoints.ts";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { backendKind, BackendSelectionError, selectBackend, type BackendSelection } from "../backends/select.ts";
import { RuntimeUnavailableError, type Backend, type Endpoint } from "../backends/backend.ts";
import { loadEnvironment, type EnvironmentDefinition } from "../definition/environment.ts";
import { DefinitionError, formatDiagnostic } from "../definition/errors.ts";
import { overrideTest } from "../definition/override.ts";
import type { Diagnostic } from "../definition/model.ts";
import { reportParams, runEnvironment, type RunReport } from "../engine/run.ts";
import { BootError, PreflightError, up } from "../engine/up.ts";
import { restCommentApi, restDeploymentApi, type CommentApi, type DeploymentApi } from "../github/client.ts";
import { planEnvironment, PlanError, type Plan } from "../plan/plan.ts";
import { appendRemoval, renderReport, SUMMARY_LIMIT } from "../report/render.ts";
import { buildManifest, seal, type ManifestDraft } from "../manifest/manifest.ts";
import { localSource, pathInRepository, repositoryRoot } from "../repro/git.ts";
import { reproductionLine } from "../repro/line.ts";
import { secretValues } from "../secrets/collect.ts";
import { Redactor } from "../secrets/redact.ts";
import type { EnvironmentFate, Links, ReportView } from "../report/view.ts";
import { ResultsFolder } from "../results/output.ts";
import { createReportsDir, REPORTS_DIR_PLACEHOLDER, REPORTS_DIR_VARIABLE } from "../results/reports-dir.ts";
import { VERSION } from "../version.ts";
import { onlyKnownFailures, type Comparison } from "../history/compare.ts";
import { actionsArtifactUploader, uploadResults, type ArtifactUploader } from "./artifact.ts";
import { ServiceBoard } from "./board.ts";
import { ReportChannel } from "./channel.ts";
import { ContextError, readRunContext, type RunContext } from "./context.ts";
import { InputError, readSettings, type ActionSettings, type InputReader } from "./inputs.ts";
import { INPUT, OUTPUT, STATE } from "./keys.ts";
import { actionsSummaryCache, runHistory, type SummaryCache } from "./history.ts";
import { environmentNameFor, slug } from "./naming.ts";
import { createOrUpdatePreview, removePreview, type PreviewStep } from "./preview.ts";
import { actionsState, type StateStore } from "./state.ts";
import { decideTrust } from "./trust.ts";

/** What the main step talks to; the real ones on a runner. */
export interface MainDependencies {
  readInput?: InputReader;
  env: Record<string, string | undefined>;
  state: StateStore;
  uploader: (context: RunContext) => ArtifactUploader;
  commentApi: (token: string, context: RunContext) => CommentApi;
  /** GitHub deployments, for command: preview. */
  deploymentApi: (token: string, context: RunContext) => DeploymentApi;
  backend: (selection: BackendSelection) => Promise<Backend>;
  /** Where run summaries are kept; the Actions cache on a runner. */
  historyCache?: (context: RunContext) => SummaryCache;
}

/** GitHub shows at most 10 error annotations per step. */
const MAX_ANNOTATIONS = 10;

/** The main step: runs, reports, and exits (idle sockets would keep Node alive). */
export async function run(): Promise<void> {
  let code = 1;
  try {
    code = await runMain({
      env: process.env,
      state: actionsState,
      uploader: (context) => actionsArtifactUploader({ available: context.artifactService }),
      commentApi: (token, context) => restCommentApi({ token, apiUrl: context.apiUrl, repository: context.repository }),
      deploymentApi: (token, context) => restDeploymentApi({ token, apiUrl: context.apiUrl, repository: context.repository }),
      backend: (selection) => selectBackend(selection, process.env, { version: VERSION, onWarning: (message) => core.warning(`prenv: ${message}`) }),
      historyCache: (context) => actionsSummaryCache(context.workspace),
    });
  } catch (e) {
    core.setFailed(`prenv: unexpected error: ${(e as Error)?.stack ?? String(e)}`);
  }
  process.exit(code);
}

/** Everything one main step does; returns the step's exit code. */
export async function runMain(deps: MainDependencies): Promise<number> {
  let settings: ActionSettings;
  let context: RunContext;
  try {
    settings = readSettings(deps.readInput);
    context = readRunContext(deps.env);
  } catch (e) {
    if (e instanceof InputError || e instanceof ContextError) {
      core.setFailed(`prenv: ${e.message}`);
      return 1;
    }
    throw e;
  }
  // Known secrets first, so that nothing below can print them; more come with the definition.
  // The step's own inputs (INPUT_*) are settings, not the job's variables: comment-key is no secret.
  const kubeconfig = settings.backend.kubeconfigContent;
  // A kubeconfig holds tokens and keys on its lines: each long line is masked, and the whole.
  const kubeSecrets = kubeconfig ? [kubeconfig, ...kubeconfig.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length >= 20)] : [];
  const redactor = new Redactor([...settings.secrets.map((line) => line.slice(line.indexOf("=") + 1)), settings.token, ...kubeSecrets, ...secretValues(undefined, context.childEnv)]);
  maskInRunnerLog(redactor);
  const key = settings.commentKey ?? context.job ?? "prenv";
  const environment = settings.environment ?? environmentNameFor(context, key);
  // Saved before anything can be created, so that the post step finds it whatever happens next.
  deps.state.save(STATE.environment, environment);
  // A preview outlives the job: the post step must leave it, even after a cancelled update.
  if (settings.command === "preview") deps.state.save(STATE.keep, "true");
  deps.state.save(STATE.phase, "started");
  const viewFile = join(context.runnerTemp, `prenv-view-${slug(key)}-${randomUUID().slice(0, 8)}.json`);
  deps.state.save(STATE.viewFile, viewFile);
  core.setOutput(OUTPUT.environment, environment);

  const links = linksFor(context);
  const channel = openChannel(settings, context, key, deps, viewFile, links, redactor);
  const step = new MainStep(settings, context, deps, channel, { key, environment, links }, redactor);
  const closing = context.pullRequest?.action === "closed";
  let code: number;
  try {
    code = settings.command === "preview" && closing ? await step.removePreview() : settings.command === "down" || closing ? await step.remove(closing ? "pull request closed" : "down") : await step.boot();
  } finally {
    // Port-forwards (Kubernetes) would otherwise hold the process until process.exit.
    await step.close();
  }
  deps.state.save(STATE.phase, "finished");
  core.setOutput(OUTPUT.commentStatus, channel.status);
  core.setOutput(OUTPUT.commentUrl, channel.url ?? "");
  return code;
}

/** Registers every secret value with the runner, which then masks it in the job's log. */
function maskInRunnerLog(redactor: Redactor): void {
  for (const value of redactor.secrets) core.setSecret(value);
}

function openChannel(settings: ActionSettings, context: RunContext, key: string, deps: MainDependencies, viewFile: string, links: Links, redactor: Redactor): ReportChannel {
  const pr = context.pullRequest;
  const overflow = { label: "the job summary", ...(links.summary ? { url: links.summary } : {}) };
  const base = { key, store: deps.state, viewFile, overflow, redactor };
  if (!settings.comment) return new ReportChannel({ ...base, status: "disabled" });
  if (!pr) return new ReportChannel({ ...base, status: "no-pull-request" });
  if (pr.fromFork && context.eventName === "pull_request") {
    core.notice(`prenv: pull request #${pr.number} comes from a fork (${pr.headRepository ?? "a deleted repository"}), so its token is read-only: no comment; the report is in the job summary.`);
    return new ReportChannel({ ...base, status: "skipped-fork" });
  }
  return new ReportChannel({ ...base, status: "posted", api: deps.commentApi(settings.token, context), issue: pr.number });
}

function linksFor(context: RunContext): Links {
  if (!context.runId) return {};
  const url = `${context.serverUrl}/${context.repository.owner}/${context.repository.repo}/actions/runs/${context.runId}`;
  return { run: { label: `run #${context.runNumber ?? context.runId}`, url }, summary: `${url}${context.runAttempt ? `/attempts/${context.runAttempt}` : ""}` };
}

interface Identity {
  key: string;
  environment: string;
  links: Links;
}

/** One main step: the state it builds up while it boots, tests and reports. */
class MainStep {
  private readonly settings: ActionSettings;
  private readonly context: RunContext;
  private readonly deps: MainDependencies;
  private readonly channel: ReportChannel;
  private readonly id: Identity;
  private readonly workdir: string;
  private readonly commit: string;
  private readonly redactor: Redactor;

  constructor(settings: ActionSettings, context: RunContext, deps: MainDependencies, channel: ReportChannel, id: Identity, redactor: Redactor) {
    this.redactor = redactor;
    this.settings = settings;
    this.context = context;
    this.deps = deps;
    this.channel = channel;
    this.id = id;
    this.workdir = resolve(context.workspace, settings.workingDirectory);
    this.commit = gitHead(this.workdir) ?? context.sha;
  }

  view(status: ReportView["status"], extra: Partial<ReportView> = {}): ReportView {
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
      ...extra,
    };
  }

  /** `command: down`, or a closed pull request: remove what is left and say so on the comment. */
  async remove(by: "down" | "pull request closed"): Promise<number> {
    let fate: Extract<EnvironmentFate, { state: "torn-down" }>;
    try {
      const backend = await this.backend();
      const started = Date.now();
      const removed = await backend.remove(this.id.environment, { keepVolumes: false });
      fate = { state: "torn-down", by, durationMs: Date.now() - started, removed };
      core.info(`prenv: removed ${this.id.environment}: ${removed.containers} containers, ${removed.networks} networks, ${removed.volumes} volumes`);
    } catch (e) {
      if (by === "down") return this.notStarted((e as Error).message, undefined, (e as { hint?: string }).hint);
      // A closed pull request on a fresh runner: its environment went with the runner that ran it.
      core.warning(`prenv: nothing could be removed for ${this.id.environment}: ${(e as Error).message}`);
      fate = { state: "torn-down", by };
    }
    await this.channel.amend((markdown) => appendRemoval(markdown, fate, new Date().toISOString().replace(/\.\d+Z$/, "Z")));
    await this.summary(this.view("removed", { fate }));
    core.setOutput(OUTPUT.result, "passed");
    return 0;
  }

  /** `command: preview` on a closed pull request (preview.ts). */
  async removePreview(): Promise<number> {
    let backend: Backend | Error;
    try {
      backend = await this.backend();
    } catch (e) {
      backend = e instanceof Error ? e : new Error(String(e));
    }
    return removePreview(this.previewStep(), backend);
  }

  private previewStep(): PreviewStep {
    const pr = this.context.pullRequest;
    // A fork's token is read-only (as for the comment): deployments are not tried.
    const writable = pr && !(pr.fromFork && this.context.eventName === "pull_request") && this.settings.token !== "";
    return {
      settings: this.settings,
      context: this.context,
      environment: this.id.environment,
      view: (status, extra) => this.view(status, extra),
      finish: (view) => this.finish(view),
      notStarted: (message, detail, hint) => this.notStarted(message, detail, hint),
      deployments: writable ? this.deps.deploymentApi(this.settings.token, this.context) : undefined,
    };
  }

  /** A fresh folder for this run's reports (see PRENV_REPORTS_DIR). */
  private reportsDir = REPORTS_DIR_PLACEHOLDER;

  async boot(): Promise<number> {
    if (this.settings.command !== "run") return this.bootAndReport();
    const dir = await createReportsDir();
    this.reportsDir = dir.path;
    try {
      return await this.bootAndReport();
    } finally {
      await dir.remove();
    }
  }

  private get childEnv(): Record<string, string | undefined> {
    return { ...this.context.childEnv, [REPORTS_DIR_VARIABLE]: this.reportsDir };
  }

  private async bootAndReport(): Promise<number> {
    const trust = decideTrust(
      {
        eventName: this.context.eventName,
        untrustedSha: this.context.pullRequest?.headSha || this.context.workflowRunHeadSha,
        triggerSha: this.context.sha,
        checkedOut: gitHead(this.workdir),
        optIn: this.settings.allowUntrustedCodeWithWriteToken,
      },
      INPUT.allowUntrustedCode,
    );
    if (!trust.allowed) return this.notStarted(trust.message);
    if (trust.warning) core.warning(`prenv: ${trust.warning}`, { title: "prenv is running untrusted code with a write token" });

    let definition: EnvironmentDefinition;
    let plan: Plan;
    try {
      definition = loadEnvironment({
        cwd: this.workdir,
        env: this.childEnv,
        ...(this.settings.definition ? { definition: this.settings.definition } : {}),
        ...(this.settings.composeFiles.length ? { files: this.settings.composeFiles } : {}),
        ...(this.settings.params.length ? { set: this.settings.params } : {}),
        ...(this.settings.secrets.length ? { secrets: this.settings.secrets } : {}),
      });
      this.redactor.add(secretValues(definition, this.context.childEnv));
      maskInRunnerLog(this.redactor);
      for (const w of definition.definition.warnings) this.annotate("warning", w);
      if (this.settings.command === "run") this.overrideTest(definition);
      plan = planEnvironment(definition.definition, {
        environment: this.id.environment,
        ...(definition.test?.mode === "service" ? { testService: definition.test.service } : {}),
      });
    } catch (e) {
      if (e instanceof DefinitionError) {
        for (const d of e.diagnostics) this.annotate("error", d);
        const n = e.diagnostics.length;
        return this.notStarted(`the definition has ${n} error${n === 1 ? "" : "s"}; nothing was created`, e.message);
      }
      if (e instanceof PlanError) return this.notStarted(e.message, undefined, e.hint);
      if (e instanceof InputError) return this.notStarted(e.message);
      throw e;
    }
    const draft = this.manifestDraft(definition);
    // Until the run has found its digests and failures, the line carries what was asked.
    const reproduction = draft ? reproductionLine(seal({ ...draft, images: [], outcome: "error", failedTests: [] })) : undefined;
    if (reproduction) core.setOutput(OUTPUT.reproduction, reproduction.command);

    let backend: Backend;
    try {
      backend = await this.backend();
    } catch (e) {
      const hint = backendKind(this.settings.backend, this.context.childEnv) === "docker" ? "the job needs a Docker engine: use a runner that has one (ubuntu-latest has), or start one in an earlier step" : `check the ${INPUT.kubeconfig} and ${INPUT.kubeContext} inputs, and that the runner can reach the cluster`;
      return this.notStarted((e as Error).message, undefined, hint);
    }
    if (this.settings.command === "preview") return createOrUpdatePreview(this.previewStep(), plan, backend);
    return this.settings.command === "up" ? this.up(plan, backend, reproduction) : this.runSuite(definition, plan, backend, draft);
  }

  /** What the run manifest says before the run: the tree, the definition, the parameters. */
  private manifestDraft(definition: EnvironmentDefinition): Omit<ManifestDraft, "images" | "outcome" | "failedTests"> | undefined {
    const repository = `${this.context.repository.owner}/${this.context.repository.repo}`;
    const local = localSource(this.workdir, repository);
    const root = repositoryRoot(this.workdir);
    if (!local || !root) {
      core.warning(`prenv: ${this.workdir} is not a git checkout, so the run cannot be reproduced (no run manifest)`);
      return undefined;
    }
    const pr = this.context.pullRequest;
    const pullRequest = pr && pr.headSha && pr.baseSha && this.context.eventName.startsWith("pull_request") ? { number: pr.number, head: pr.headSha, base: pr.baseSha, merged: local.commit !== pr.headSha } : undefined;
    return {
      prenvVersion: VERSION,
      createdAt: new Date().toISOString(),
      source: { ...local, ...(pullRequest ? { pullRequest } : {}) },
      workingDirectory: pathInRepository(root, this.workdir),
      ...(this.settings.definition ? { definition: this.settings.definition } : {}),
      composeFiles: this.settings.composeFiles,
      profiles: [],
      params: reportParams(definition.params),
      backend: backendKind(this.settings.backend, this.context.childEnv),
      ...(this.settings.testCommand ? { test: { commandOverride: this.settings.testCommand } } : {}),
    };
  }

  private async up(plan: Plan, backend: Backend, reproduction: ReportView["reproduction"]): Promise<number> {
    const board = new ServiceBoard(plan.services);
    const started = Date.now();
    const booting = () => this.view("booting", { services: board.snapshot(), elapsedMs: Date.now() - started, ...(reproduction ? { reproduction } : {}) });
    await this.channel.show(booting(), { final: true });
    try {
      const result = await up(plan, {
        backend,
        owner: { host: hostname(), pid: process.pid, ...this.origin() },
        keepOnFailure: this.settings.keepOnFailure,
        timeoutMs: this.settings.bootTimeoutMs,
        onEvent: (e) => {
          board.update(e);
          void this.channel.show(booting(), { final: false });
        },
      });
      board.settle(result.services.map((s) => ({ name: s.name, image: s.image.reference, imageId: s.image.id, ...(s.image.digest ? { digest: s.image.digest } : {}), phase: s.phase, readyMs: s.readyMs })));
      const view = this.view("up", { services: board.snapshot(), endpoints: result.endpoints, fate: { state: "up" }, ...(reproduction ? { reproduction } : {}) });
      core.setOutput(OUTPUT.endpoints, endpointsJson(result.endpoints));
      core.setOutput(OUTPUT.result, "passed");
      await this.finish(view);
      return 0;
    } catch (e) {
      if (!(e instanceof BootError || e instanceof PreflightError)) throw e;
      const failure = e instanceof BootError ? e.failure : { message: e.message, hint: e.hint, service: e.service, logTail: undefined };
      board.stopped("stopped");
      const kept = e instanceof BootError && !e.removed;
      const durationMs = Date.now() - started;
      const view = this.view("finished", {
        services: board.snapshot(),
        run: {
          outcome: "error",
          exitCode: 2,
          error: { phase: "boot", message: failure.message, ...(failure.service ? { service: failure.service } : {}), ...(failure.hint ? { hint: failure.hint } : {}), ...(failure.logTail ? { output: failure.logTail } : {}) },
          setup: [],
          timings: { bootMs: durationMs, totalMs: durationMs },
        },
        fate: kept ? { state: "kept", reason: "keep-on-failure" } : { state: "torn-down", by: "run" },
        ...(reproduction ? { reproduction } : {}),
      });
      core.setOutput(OUTPUT.result, "error");
      await this.finish(view);
      core.setFailed(this.redactor.redact(`prenv: the environment did not boot: ${failure.service ? `service "${failure.service}": ` : ""}${failure.message}`));
      return 1;
    }
  }

  private async runSuite(definition: EnvironmentDefinition, plan: Plan, backend: Backend, draft: Omit<ManifestDraft, "images" | "outcome" | "failedTests"> | undefined): Promise<number> {
    let reproduction = draft ? reproductionLine(seal({ ...draft, images: [], outcome: "error", failedTests: [] })) : undefined;
    if (!definition.test) {
      return this.notStarted("the definition has no test section, so there is nothing to run", undefined, `add test: { command: ..., reports: ... } to prenv.yml, set the ${INPUT.testCommand} input, or use command: up`);
    }
    const board = new ServiceBoard(plan.services);
    const folder = new ResultsFolder(resolve(this.context.workspace, this.settings.resultsDir), this.redactor);
    await folder.reset();
    const started = Date.now();
    let status: ReportView["status"] = "booting";
    const progress = () => this.view(status, { services: board.snapshot(), elapsedMs: Date.now() - started, ...(reproduction ? { reproduction } : {}) });
    await this.channel.show(progress(), { final: true });

    // The suite's output goes to the log, where workflow commands in it must not act.
    const stopToken = randomUUID();
    let output = false;
    const report = await runEnvironment(definition, plan, {
      backend,
      // The post step removes it; should that never run, gc does once this process is gone.
      owner: { host: hostname(), pid: process.pid, ephemeral: true, ...this.origin() },
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
        core.info(`prenv: ${phase}`);
        if (phase === "setup" || phase === "test") {
          if (status !== "testing") {
            status = "testing";
            void this.channel.show(progress(), { final: true });
          }
        }
        if (output && phase !== "test") {
          process.stdout.write(`\n::${stopToken}::\n`);
          output = false;
        }
      },
      onOutput: (chunk) => {
        if (!output) {
          process.stdout.write(`::stop-commands::${stopToken}\n`);
          output = true;
        }
        process.stdout.write(chunk);
      },
      output: folder,
    });
    if (output) process.stdout.write(`\n::${stopToken}::\n`);
    await folder.writeJson(report);
    const artifactName = this.settings.artifactName ?? `prenv-${slug(this.id.key)}`;
    const manifest = draft ? buildManifest(draft, report) : undefined;
    if (draft && manifest) {
      // The manifest goes into the artifact with the results: a long line downloads it from there.
      await folder.writeManifest(manifest);
      reproduction = reproductionLine(manifest, { artifact: artifactName, ...(this.context.runId ? { runId: this.context.runId } : {}) });
      core.setOutput(OUTPUT.reproduction, reproduction.command);
    }
    core.setOutput(OUTPUT.resultsPath, folder.dir);

    board.settle(report.services);
    if (report.outcome === "error" && report.error?.phase === "boot") board.stopped("stopped");
    const artifact = await uploadResults(folder, artifactName, this.deps.uploader(this.context), this.id.links.run?.url);
    if (artifact.problem) core.warning(`prenv: the artifact ${artifactName} was not uploaded: ${artifact.problem}; the files are in ${folder.dir}`);

    this.annotateFailures(report, definition.test.workdir);
    this.setRunOutputs(report);
    const cache = this.deps.historyCache?.(this.context);
    const comparison = cache
      ? await runHistory({ enabled: this.settings.history, env: this.deps.env, context: this.context, slot: this.id.key, report, manifest, commit: this.commit, url: this.id.links.summary, redactor: this.redactor, cache })
      : undefined;
    const view = this.view("finished", {
      ...(comparison ? { comparison } : {}),
      services: board.snapshot(),
      endpoints: report.endpoints,
      run: { outcome: report.outcome, exitCode: report.exitCode, ...(report.error ? { error: report.error } : {}), ...(report.tests ? { tests: report.tests } : {}), ...(report.suite ? { suite: report.suite } : {}), ...(report.chaos ? { chaos: report.chaos } : {}), setup: report.setup, timings: report.timings },
      fate: fateOf(report, this.settings.keepOnFailure),
      links: { ...this.id.links, artifact: { name: artifactName, ...(artifact.url ? { url: artifact.url } : {}), ...(artifact.problem ? { problem: artifact.problem } : {}) } },
      ...(reproduction ? { reproduction } : {}),
    });
    await this.finish(view);
    return this.verdict(report, comparison);
  }

  private verdict(report: RunReport, comparison?: Comparison): number {
    if (report.outcome === "passed") return 0;
    const e = report.error;
    if (report.outcome === "error") {
      core.setFailed(this.redactor.redact(`prenv: ${e?.phase ?? "run"} failed${e?.service ? ` (service "${e.service}")` : ""}: ${e?.message ?? "unknown error"}`));
      return 1;
    }
    const t = report.tests?.totals;
    const what = t ? `${t.failed + t.errors} of ${t.tests} tests failed` : (e?.message ?? "the tests failed");
    if (this.settings.passOnKnownFailures && comparison && onlyKnownFailures(comparison, t ? t.failed + t.errors : 0)) {
      core.notice(`prenv: ${what}, all already failing on ${comparison.baseline?.branch ?? "the base branch"} (${INPUT.passOnKnownFailures} is true, so the step passes)`);
      return 0;
    }
    if (!this.settings.failOnTestFailure) {
      core.warning(`prenv: ${what} (${INPUT.failOnTestFailure} is false, so the step passes)`);
      return 0;
    }
    core.setFailed(`prenv: ${what}`);
    return 1;
  }

  private setRunOutputs(report: RunReport): void {
    const t = report.tests?.totals;
    core.setOutput(OUTPUT.result, report.outcome);
    core.setOutput(OUTPUT.tests, String(t?.tests ?? 0));
    core.setOutput(OUTPUT.passed, String(t?.passed ?? 0));
    core.setOutput(OUTPUT.failed, String(t ? t.failed + t.errors : 0));
    core.setOutput(OUTPUT.skipped, String(t?.skipped ?? 0));
    core.setOutput(OUTPUT.flaky, String(t?.flaky ?? 0));
    core.setOutput(OUTPUT.endpoints, endpointsJson(report.endpoints));
  }

  /** Failed tests as error annotations on their file and line, when that file is in the repository. */
  private annotateFailures(report: RunReport, base: string): void {
    const failed = (report.tests?.cases ?? []).filter((c) => c.status === "failed" || c.status === "error");
    for (const c of failed.slice(0, MAX_ANNOTATIONS)) {
      const title = [c.suite, c.name].filter((p) => p).join(" › ");
      const props: core.AnnotationProperties = { title: this.redactor.redact(title) };
      if (c.file) {
        const file = this.repoPath(resolve(base, c.file));
        if (!file.startsWith("..") && !isAbsolute(file)) {
          props.file = file;
          if (c.line) props.startLine = c.line;
        }
      }
      core.error(this.redactor.redact(c.message ?? `${c.status}`), props);
    }
    if (failed.length > MAX_ANNOTATIONS) core.error(`${failed.length - MAX_ANNOTATIONS} more tests failed; the job summary lists them`, { title: "prenv: more failed tests" });
  }

  private annotate(kind: "error" | "warning", d: Diagnostic): void {
    const props: core.AnnotationProperties = { title: "prenv definition" };
    if (d.location) {
      props.file = this.repoPath(d.location.file);
      props.startLine = d.location.line;
      props.startColumn = d.location.column;
    }
    const message = this.redactor.redact(formatDiagnostic(d));
    if (kind === "error") core.error(message, props);
    else core.warning(message, props);
  }

  private overrideTest(definition: EnvironmentDefinition): void {
    const { testCommand, testReports, testTimeoutMs } = this.settings;
    const problem = overrideTest(definition, { ...(testCommand !== undefined ? { command: testCommand } : {}), ...(testReports ? { reports: testReports } : {}), ...(testTimeoutMs !== undefined ? { timeoutMs: testTimeoutMs } : {}) });
    if (problem) throw new InputError(INPUT.testReports, `${problem} (the ${INPUT.testCommand} input)`);
  }

  async notStarted(message: string, detail?: string, hint?: string): Promise<number> {
    const view = this.view("not-started", { problem: { message, ...(detail ? { detail } : {}), ...(hint ? { hint } : {}) } });
    core.setOutput(OUTPUT.result, "error");
    await this.finish(view);
    core.setFailed(this.redactor.redact(`prenv: ${message}${hint ? `\n  hint: ${hint}` : ""}`));
    return 1;
  }

  async finish(view: ReportView): Promise<void> {
    const note = this.channel.note();
    await this.channel.show({ ...view, notes: note ? [note] : [] }, { final: true });
    // The comment may have turned out impossible just now: say so in the summary.
    const after = this.channel.note();
    await this.summary({ ...view, notes: after ? [after] : [] });
  }

  private async summary(view: ReportView): Promise<void> {
    const overflow = { label: "results.json in the artifact", ...(view.links.artifact?.url ? { url: view.links.artifact.url } : {}) };
    try {
      await core.summary.addRaw(renderReport(this.redactor.redactDeep(view), { limit: SUMMARY_LIMIT, overflow })).write();
    } catch (e) {
      core.warning(`prenv: the job summary could not be written: ${(e as Error).message}`);
    }
  }

  /** The pull request and commit, recorded on the environment (namespace annotations, Docker labels). */
  private origin(): { pullRequest?: number; commit: string } {
    const number = this.context.pullRequest?.number;
    return { ...(number !== undefined ? { pullRequest: number } : {}), commit: this.commit };
  }

  /** Backends this step made: closed when it ends. */
  private readonly opened: Backend[] = [];

  async close(): Promise<void> {
    const closing = this.opened.splice(0);
    for (const r of await Promise.allSettled(closing.map((b) => b.close()))) {
      if (r.status === "rejected") core.warning(`prenv: closing the backend's connections failed: ${(r.reason as Error)?.message ?? String(r.reason)}`);
    }
  }

  private async backend(): Promise<Backend> {
    const kind = backendKind(this.settings.backend, this.context.childEnv);
    let backend: Backend;
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
  private repoPath(path: string): string {
    return repoPath(this.context.workspace, this.workdir, path);
  }
}

function repoPath(workspace: string, workdir: string, path: string): string {
  return relative(workspace, resolve(workdir, path)) || ".";
}

function fateOf(report: RunReport, keepOnFailure: boolean): EnvironmentFate {
  if (report.timings.teardownMs !== undefined) {
    if (report.error?.phase === "teardown") return { state: "teardown-failed", message: report.error.message };
    return { state: "torn-down", by: "run", durationMs: report.timings.teardownMs };
  }
  if (keepOnFailure && report.outcome !== "passed") return { state: "kept", reason: "keep-on-failure" };
  return { state: "none" };
}

function endpointsJson(endpoints: Endpoint[]): string {
  return JSON.stringify(
    endpoints.map((e) => {
      const host = reachableHost(e.hostIp);
      return { service: e.service, containerPort: e.containerPort, protocol: e.protocol, host, port: e.hostPort, ...(e.protocol === "tcp" ? { url: `http://${hostAndPort(host, e.hostPort)}` } : {}) };
    }),
  );
}

/** The commit checked out in `dir`, or undefined when it is not a git work tree. */
function gitHead(dir: string): string | undefined {
  try {
    const sha = execFileSync("git", ["rev-parse", "HEAD"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}
