import { hostname } from "node:os";
import { join } from "node:path";
import { loadDefinition } from "../../src/definition/compose.ts";
import { loadEnvironment } from "../../src/definition/environment.ts";
import { runEnvironment } from "../../src/engine/run.ts";
import { up } from "../../src/engine/up.ts";
import { planEnvironment } from "../../src/plan/plan.ts";
import { VERSION } from "../../src/version.ts";
import { contractBackends, type ContractBackend } from "../../test/contract/backends.ts";
import { LATENCY_FILE, ROOT, RUN_ID, fmtMs, gate, log, type Context, type Row } from "../lib/context.ts";
import { max, median } from "../lib/stats.ts";
import { parseStatTime } from "./latency.ts";

/**
 * The Kubernetes backend beside Docker, in one run: bench/env10's boot-to-ready and
 * teardown on each; readiness latency on the cluster (the latency suite's service, whose
 * file's mtime is read in the pod); bench/env50 (50 services) through a whole run with a
 * trivial suite, on each, checked to leave nothing. Both backends run through the engine
 * in this process (not the CLI), so that they are measured by the same code.
 */
export async function kubernetesSuite(ctx: Context): Promise<{ rows: Row[]; data: unknown }> {
  const targets = contractBackends();
  const cluster = targets.find((t) => t.name === "kubernetes");
  if (!cluster) throw new Error("no Kubernetes cluster: export PRENV_KUBECONFIG=$(test/k8s/cluster.sh kubeconfig) (test/k8s/cluster.sh up starts one)");
  const owner = { host: hostname(), pid: process.pid };
  const rows: Row[] = [];
  const data: Record<string, unknown> = {};
  try {
    // 1. env10, side by side.
    const runs = Math.min(ctx.options.prenvRuns, 5);
    const env10: Record<string, { boot: number[]; teardown: number[] }> = {};
    for (const target of targets) {
      const times = (env10[target.name] = { boot: [], teardown: [] } as { boot: number[]; teardown: number[] });
      for (let i = 0; i < runs + 1; i++) {
        const environment = `bench-k8s-${RUN_ID}-${target.name.slice(0, 3)}-${i}`;
        const plan = planEnvironment(loadDefinition({ cwd: join(ROOT, "bench/env10"), env: {} }), { environment });
        const t0 = performance.now();
        await up(plan, { backend: target.backend, owner, timeoutMs: 300_000 });
        const bootMs = performance.now() - t0;
        const t1 = performance.now();
        await target.backend.remove(environment, { keepVolumes: false });
        const teardownMs = performance.now() - t1;
        await nothingLeft(target, environment);
        // The first cycle warms images and caches up, as the boot suite's warm-up does.
        if (i > 0) {
          times.boot.push(bootMs);
          times.teardown.push(teardownMs);
        }
        log(`k8s env10 ${target.name} ${i === 0 ? "warm-up" : `${i}/${runs}`}: boot ${fmtMs(bootMs)}, teardown ${fmtMs(teardownMs)}`);
      }
    }
    const docker = env10.docker!;
    const kube = env10.kubernetes!;
    rows.push(
      { suite: "k8s", what: "env10 boot-to-ready on the cluster", prenv: `median ${fmtMs(median(kube.boot))} (${runs} runs)`, baseline: `Docker: median ${fmtMs(median(docker.boot))}`, figure: `${(median(kube.boot) / median(docker.boot)).toFixed(2)}x Docker`, target: "" },
      { suite: "k8s", what: "env10 teardown on the cluster (namespace deletion waited for)", prenv: `median ${fmtMs(median(kube.teardown))}`, baseline: `Docker: median ${fmtMs(median(docker.teardown))}`, figure: `${(median(kube.teardown) / median(docker.teardown)).toFixed(2)}x Docker`, target: "" },
    );
    data.env10 = env10;

    // 2. Readiness noticed on the cluster.
    const trials: { delaySeconds: string; latencyMs: number }[] = [];
    for (let i = 1; i <= ctx.options.latencyTrials; i++) {
      const environment = `bench-k8s-lat-${RUN_ID}-${i}`;
      const delaySeconds = (2 + ((i * 0.618) % 1) * 0.25).toFixed(3);
      const plan = planEnvironment(loadDefinition({ cwd: ROOT, files: [LATENCY_FILE], env: { BENCH_READY_DELAY: delaySeconds } }), { environment });
      let readyAt = Number.NaN;
      try {
        await up(plan, { backend: cluster.backend, owner, timeoutMs: 120_000, onEvent: (e) => {
          if (e.service === "slowstart" && e.phase === "ready" && Number.isNaN(readyAt)) readyAt = Date.now();
        } });
        // Pods run on this machine (the test cluster's one node): their clock is this one.
        const stat = await cluster.backend.exec(environment, "slowstart", ["stat", "-c", "%y", "/tmp/ready"]);
        const latencyMs = readyAt - parseStatTime(stat.output);
        trials.push({ delaySeconds, latencyMs });
        log(`k8s latency ${i}/${ctx.options.latencyTrials}: ready noticed ${latencyMs.toFixed(1)} ms after the file appeared`);
      } finally {
        await cluster.backend.remove(environment, { keepVolumes: false });
      }
    }
    const latencies = trials.map((t) => t.latencyMs);
    rows.push({ suite: "k8s", what: "readiness latency on the cluster: ready file created → prenv reports ready", prenv: `median ${fmtMs(median(latencies))}, max ${fmtMs(max(latencies))} (${trials.length} trials)`, baseline: "healthcheck interval 30 s", figure: `max ${fmtMs(max(latencies))}`, target: "< 500 ms", pass: gate(max(latencies), "<", 500) });
    data.latency = trials;

    // 3. Fifty services, a trivial suite, nothing left.
    const env50: Record<string, unknown> = {};
    for (const target of targets) {
      const environment = `bench-k8s-50-${RUN_ID}-${target.name.slice(0, 3)}`;
      const definition = loadEnvironment({ cwd: join(ROOT, "bench/env50"), env: {} });
      const plan = planEnvironment(definition.definition, { environment });
      const report = await runEnvironment(definition, plan, { backend: target.backend, owner: { ...owner, ephemeral: true }, version: VERSION, env: process.env, boot: true, teardown: true, bootTimeoutMs: 600_000 });
      const left = await target.leftovers(environment);
      const passed = report.outcome === "passed" && left === 0;
      const t = report.timings;
      env50[target.name] = { outcome: report.outcome, error: report.error, timings: t, leftovers: left };
      log(`k8s env50 ${target.name}: ${report.outcome}, boot ${fmtMs(t.bootMs ?? Number.NaN)}, teardown ${fmtMs(t.teardownMs ?? Number.NaN)}, ${left} objects left`);
      rows.push({
        suite: "k8s",
        what: `env50 (50 services, 5 levels) on ${target.name}: boot, trivial suite, teardown`,
        prenv: `boot ${fmtMs(t.bootMs ?? Number.NaN)}, suite ${fmtMs(t.testMs ?? Number.NaN)}, teardown ${fmtMs(t.teardownMs ?? Number.NaN)}, total ${fmtMs(t.totalMs)}`,
        baseline: "",
        figure: `${report.outcome}, ${left} objects left`,
        target: "passed, 0 left",
        pass: passed,
      });
    }
    data.env50 = env50;
  } finally {
    await Promise.all(targets.map((t) => t.backend.close()));
  }
  return { rows, data };
}

async function nothingLeft(target: ContractBackend, environment: string): Promise<void> {
  const left = await target.leftovers(environment);
  if (left > 0) throw new Error(`${target.name}: ${left} objects of ${environment} are left after its teardown`);
}
