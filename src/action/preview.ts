import * as core from "@actions/core";
import { hostname } from "node:os";
import { canUpdate, UnsupportedError, type Backend, type Owner } from "../backends/backend.ts";
import { summarizeOperations, type Operation } from "../engine/diff.ts";
import { dockerRouter, kubernetesRouter, type PreviewRouter } from "../engine/preview-urls.ts";
import { BootError, PreflightError } from "../engine/up.ts";
import { upOrUpdate, UpdateError } from "../engine/update.ts";
import { ReadOnlyTokenError, type DeploymentApi, type DeploymentState } from "../github/client.ts";
import type { Plan } from "../plan/plan.ts";
import type { PreviewInfo, ReportView } from "../report/view.ts";
import { ServiceBoard } from "./board.ts";
import type { RunContext } from "./context.ts";
import type { ActionSettings } from "./inputs.ts";
import { INPUT, OUTPUT } from "./keys.ts";

/** What the preview command borrows from the main step: its inputs, its report, its backend. */
export interface PreviewStep {
  settings: ActionSettings;
  context: RunContext;
  environment: string;
  view(status: ReportView["status"], extra?: Partial<ReportView>): ReportView;
  /** Shows a final view on the comment and in the job summary. */
  finish(view: ReportView): Promise<void>;
  notStarted(message: string, detail?: string, hint?: string): Promise<number>;
  /** Undefined when deployments cannot be written (no pull request, a fork's read-only token). */
  deployments: DeploymentApi | undefined;
}

/** The GitHub deployment environment of a pull request. */
export function deploymentEnvironment(number: number): string {
  return `pr-${number}`;
}

/**
 * How URLs are formed on this backend: Docker answers with published ports or proxy
 * labels, Kubernetes with an Ingress per exposed service, which needs a host.
 */
function routerFor(backend: Backend, settings: ActionSettings, context: RunContext, number: number): PreviewRouter {
  const addressing = { ...settings.preview, number, repo: context.repository.repo };
  if (backend.kind === "docker") return dockerRouter(addressing);
  if (addressing.hostTemplate === "") {
    throw new UnsupportedError(`on Kubernetes a preview's URLs are the hosts of its Ingresses, and ${INPUT.previewHost} is empty`, `set ${INPUT.previewHost}, e.g. "{service}-pr-{number}.preview.example.com", with a wildcard DNS record pointing at the cluster's ingress controller`);
  }
  return kubernetesRouter(addressing);
}

/**
 * opened / synchronize / reopened: creates the pull request's environment or updates it in
 * place, renews its expiry, records a deployment and shows its URLs and what changed. The
 * environment is owned by no run (not ephemeral), so neither the post step nor gc's sweep
 * of dead runs takes it: closing the pull request or `gc --expired` does.
 */
export async function createOrUpdatePreview(step: PreviewStep, plan: Plan, backend: Backend): Promise<number> {
  const pr = step.context.pullRequest;
  if (!pr) return step.notStarted("command: preview needs a pull request event (pull_request: opened, synchronize, reopened, closed)", undefined, `run this step on: pull_request, or use command: up`);
  let router: PreviewRouter;
  try {
    router = routerFor(backend, step.settings, step.context, pr.number);
  } catch (e) {
    if (e instanceof UnsupportedError) return step.notStarted(e.message, undefined, e.hint);
    throw e;
  }
  const routed = router.route(plan);
  const owner: Owner = { host: hostname(), pid: process.pid };
  const board = new ServiceBoard(routed.services);
  const environment = deploymentEnvironment(pr.number);
  let attempted: Operation[] = [];
  try {
    const result = await upOrUpdate(routed, {
      backend,
      owner,
      keepOnFailure: false,
      timeoutMs: step.settings.bootTimeoutMs,
      onEvent: (e) => board.update(e),
      onOperations: (ops) => {
        attempted = ops;
        core.info(`prenv: updating ${step.environment}: ${summarizeOperations(ops)}`);
      },
    });
    const expires = new Date(Date.now() + step.settings.preview.ttlMs);
    await backend.setExpiry(routed, owner, expires);
    board.settle(result.services.map((s) => ({ name: s.name, image: s.image.reference, imageId: s.image.id, ...(s.image.digest ? { digest: s.image.digest } : {}), phase: s.phase, readyMs: s.readyMs })));
    const urls = router.urls(result.endpoints);
    const recorded = await recordDeployment(step, environment, "success", urls[0]?.url, `prenv preview of ${step.environment}`);
    const preview: PreviewInfo = { urls, operations: result.operations, updated: result.updated, expires: expires.toISOString(), ...(recorded ? { deployment: environment } : {}) };
    core.setOutput(OUTPUT.previewUrls, JSON.stringify(urls));
    core.setOutput(OUTPUT.result, "passed");
    // Port-forwards (Kubernetes) end with this run: the comment shows only addresses that last.
    const endpoints = backend.capabilities.lastingEndpoints ? result.endpoints : [];
    await step.finish(step.view("preview", { services: board.snapshot(), endpoints, fate: { state: "up" }, preview }));
    return 0;
  } catch (e) {
    if (e instanceof UpdateError) return updateFailed(step, e, { plan: routed, backend, router, owner, attempted, environment });
    if (!(e instanceof BootError || e instanceof PreflightError)) throw e;
    const failure = e instanceof BootError ? e.failure : { message: e.message, hint: e.hint, service: e.service, logTail: undefined };
    const message = `the preview did not boot: ${failure.message}`;
    await recordDeployment(step, environment, "failure", undefined, "the preview did not boot");
    core.setOutput(OUTPUT.result, "error");
    await step.finish(
      step.view("finished", {
        services: board.snapshot(),
        run: {
          outcome: "error",
          exitCode: 2,
          error: { phase: "boot", message, ...(failure.service ? { service: failure.service } : {}), ...(failure.hint ? { hint: failure.hint } : {}), ...(failure.logTail ? { output: failure.logTail } : {}) },
          setup: [],
          timings: { totalMs: 0 },
        },
        fate: { state: "torn-down", by: "run" },
      }),
    );
    core.setFailed(`prenv: ${message}`);
    return 1;
  }
}

/**
 * A push whose update failed: the engine put the previous services back, so the preview
 * serves what it served before. The comment says which service failed and why, what the
 * push tried, and where the previous version is still reached; the push's deployment is
 * a failure, the one that serves stays active; the expiry is renewed (the pull request
 * is alive).
 */
async function updateFailed(step: PreviewStep, e: UpdateError, at: { plan: Plan; backend: Backend; router: PreviewRouter; owner: Owner; attempted: Operation[]; environment: string }): Promise<number> {
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
    state: restored.has(s.name) ? "previous version" : running.has(s.name) ? (running.get(s.name) === "running" ? "unchanged" : running.get(s.name)!) : "not created",
  }));
  const recorded = await recordDeployment(step, at.environment, "failure", undefined, `the update failed at ${e.service}; the previous version still serves`);
  const preview: PreviewInfo = { urls, operations: at.attempted, updated: true, expires: expires.toISOString(), failed: { service: e.service, restored: e.restored }, ...(recorded ? { deployment: at.environment } : {}) };
  core.setOutput(OUTPUT.previewUrls, JSON.stringify(urls));
  core.setOutput(OUTPUT.result, "error");
  await step.finish(
    step.view("preview", {
      services,
      // Port-forwards (Kubernetes) end with this run: the comment shows only addresses that last.
      endpoints: backend.capabilities.lastingEndpoints ? endpoints : [],
      fate: { state: "up" },
      preview,
      problem: { heading: "Update failed", service: e.service, message: e.message, ...(e.failure.logTail ? { detail: e.failure.logTail } : {}), ...(e.failure.hint ? { hint: e.failure.hint } : {}) },
    }),
  );
  core.setFailed(`prenv: ${e.message}`);
  return 1;
}

/** closed: the environment goes, its deployment is marked inactive, and the comment says so. */
export async function removePreview(step: PreviewStep, backend: Backend | Error): Promise<number> {
  const pr = step.context.pullRequest!;
  let fate: Extract<ReportView["fate"], { state: "torn-down" }> = { state: "torn-down", by: "pull request closed" };
  if (backend instanceof Error) {
    core.warning(`prenv: ${step.environment} could not be removed: ${backend.message}; \`prenv gc --expired\` removes it once it expires`);
  } else {
    const started = Date.now();
    const removed = await backend.remove(step.environment, { keepVolumes: false });
    fate = { ...fate, durationMs: Date.now() - started, removed };
    core.info(`prenv: removed ${step.environment}: ${removed.containers} containers, ${removed.networks} networks, ${removed.volumes} volumes`);
  }
  const environment = deploymentEnvironment(pr.number);
  const marked = await markInactive(step, environment);
  core.setOutput(OUTPUT.result, "passed");
  await step.finish(step.view("removed", { fate, preview: { urls: [], operations: [], updated: true, ...(marked ? { deployment: environment } : {}) } }));
  return 0;
}

/** A deployment problem is a warning: the preview itself is up (or gone) all the same. */
async function recordDeployment(step: PreviewStep, environment: string, state: DeploymentState, url: string | undefined, description: string): Promise<boolean> {
  const api = step.deployments;
  if (!api) return false;
  const pr = step.context.pullRequest!;
  try {
    const { id } = await api.createDeployment({ ref: pr.headSha, environment, description });
    const log = runUrl(step.context);
    await api.createDeploymentStatus(id, { state, ...(url ? { environmentUrl: url } : {}), ...(log ? { logUrl: log } : {}), description });
    return true;
  } catch (e) {
    deploymentProblem(e, environment);
    return false;
  }
}

/**
 * Every deployment still active goes inactive. GitHub made each one inactive that a newer
 * success replaced, so the walk, newest first, ends at the newest that succeeded: the ones
 * after it failed (a failed update), and it is the one that served until now. A preview
 * closed twice finds the newest inactive already and changes nothing.
 */
async function markInactive(step: PreviewStep, environment: string): Promise<boolean> {
  const api = step.deployments;
  if (!api) return false;
  try {
    const deployments = await api.listDeployments(environment);
    if (deployments.length === 0) return false;
    const log = runUrl(step.context);
    for (const d of deployments) {
      const state = await api.latestState(d.id);
      // An inactive one was replaced by a newer success (met already) or closed before, as were all older.
      if (state === "inactive") break;
      await api.createDeploymentStatus(d.id, { state: "inactive", ...(log ? { logUrl: log } : {}), description: "the pull request was closed; the preview was removed" });
      if (state === "success") break;
    }
    return true;
  } catch (e) {
    deploymentProblem(e, environment);
    return false;
  }
}

function deploymentProblem(e: unknown, environment: string): void {
  if (e instanceof ReadOnlyTokenError) core.notice(`prenv: no deployment ${environment}: ${e.message}; give the job \`permissions: deployments: write\``);
  else core.warning(`prenv: the deployment ${environment} could not be recorded: ${(e as Error).message} (the ${INPUT.githubToken} needs deployments: write)`);
}

function runUrl(context: RunContext): string | undefined {
  return context.runId ? `${context.serverUrl}/${context.repository.owner}/${context.repository.repo}/actions/runs/${context.runId}` : undefined;
}
