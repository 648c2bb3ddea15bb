import * as core from "@actions/core";
import { hostname } from "node:os";
import { UnsupportedError, type Backend, type Owner } from "../backends/backend.ts";
import { summarizeOperations } from "../engine/diff.ts";
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
  try {
    const result = await upOrUpdate(routed, {
      backend,
      owner,
      keepOnFailure: false,
      timeoutMs: step.settings.bootTimeoutMs,
      onEvent: (e) => board.update(e),
      onOperations: (ops) => core.info(`prenv: updating ${step.environment}: ${summarizeOperations(ops)}`),
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
    if (!(e instanceof UpdateError || e instanceof BootError || e instanceof PreflightError)) throw e;
    const failure = e instanceof UpdateError || e instanceof BootError ? e.failure : { message: e.message, hint: e.hint, service: e.service, logTail: undefined };
    // An update that failed put the previous services back: the preview still serves them.
    const message = e instanceof UpdateError ? e.message : `the preview did not boot: ${failure.message}`;
    await recordDeployment(step, environment, "failure", undefined, e instanceof UpdateError ? "the update failed; the previous version still serves" : "the preview did not boot");
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
        fate: e instanceof UpdateError ? { state: "up" } : { state: "torn-down", by: "run" },
      }),
    );
    core.setFailed(`prenv: ${message}`);
    return 1;
  }
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

/** The newest deployment goes inactive; GitHub already made the older ones inactive when each newer one succeeded. */
async function markInactive(step: PreviewStep, environment: string): Promise<boolean> {
  const api = step.deployments;
  if (!api) return false;
  try {
    const [newest] = await api.listDeployments(environment);
    if (!newest) return false;
    const log = runUrl(step.context);
    await api.createDeploymentStatus(newest.id, { state: "inactive", ...(log ? { logUrl: log } : {}), description: "the pull request was closed; the preview was removed" });
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
