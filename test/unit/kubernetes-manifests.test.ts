import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { loadDefinition } from "../../src/definition/compose.ts";
import { planEnvironment, type Plan } from "../../src/plan/plan.ts";
import { exitCodeOf, wrapCommand } from "../../src/backends/kubernetes/exec.ts";
import { CONFIG_MAP_LIMIT, ManifestError, serviceManifests, type BindContent } from "../../src/backends/kubernetes/manifests.ts";
import { dnsName, isDnsName, namespaceName } from "../../src/backends/kubernetes/names.ts";
import { parseReference } from "../../src/backends/kubernetes/images.ts";
import { statusOfPod } from "../../src/backends/kubernetes/pods.ts";
import { project } from "../helpers/docker.ts";

function planOf(compose: string): Plan {
  return planEnvironment(loadDefinition({ cwd: project({ "compose.yaml": compose, "conf/a.conf": "x=1\n" }), env: {} }), { environment: "env_1" });
}

function manifests(plan: Plan, service: string, binds: Map<string, BindContent> = new Map(), persistentVolumes = false) {
  return serviceManifests({ plan, service: plan.services.find((s) => s.name === service)!, namespace: "prenv-env-1", image: "img:1", persistentVolumes, binds, labels: {}, annotations: {} });
}

describe("Kubernetes names", () => {
  test("a name that is a DNS label stays; others fit, apart from each other", () => {
    assert.equal(dnsName("cache"), "cache");
    for (const raw of ["web_api", "Web", "1db", "a".repeat(80)]) {
      const name = dnsName(raw);
      assert.ok(isDnsName(name), `${raw} -> ${name}`);
    }
    assert.notEqual(dnsName("web_api"), dnsName("web.api"));
    assert.notEqual(dnsName("web_api"), "web-api");
    assert.ok(namespaceName("prenv-", "x".repeat(49)).length <= 63);
    assert.equal(namespaceName("prenv-", "shop"), "prenv-shop");
  });
});

describe("Kubernetes manifests", () => {
  const plan = planOf(`
services:
  db:
    image: busybox
    command: ["sleep", "1d"]
    entrypoint: ["/bin/sh", "-c"]
    user: "1000:2000"
    working_dir: /data
    cap_add: [NET_ADMIN]
    tmpfs: [/run]
    extra_hosts: ["example.test:10.0.0.1", "gw:host-gateway"]
    init: true
    labels: { "com.example/role": db, "not a key": x }
    environment: { DB_PASSWORD: hunter2, MODE: fast }
    healthcheck: { test: ["CMD-SHELL", "true"], interval: 2s, retries: 5 }
    volumes: ["data:/var/lib/data", "./conf:/etc/conf"]
    networks: { default: { aliases: [database] } }
  migrate:
    image: busybox
  app:
    image: busybox
    ports: ["8080"]
    depends_on: { migrate: { condition: service_completed_successfully }, db: { condition: service_started } }
volumes:
  data: {}
`);

  test("a service maps command, entrypoint, user, working_dir, caps, tmpfs, extra_hosts, labels, env and healthcheck", () => {
    const m = manifests(plan, "db", new Map([[`${plan.workingDir}/conf`, { kind: "directory", files: [{ path: "a.conf", data: Buffer.from("x=1\n"), mode: 0o100644 }] }]]));
    assert.equal(m.workload.kind, "Deployment");
    const pod = m.workload.body.spec!.template.spec!;
    const c = pod.containers[0]!;
    assert.deepEqual(c.command, ["/bin/sh", "-c"]);
    assert.deepEqual(c.args, ["sleep", "1d"]);
    assert.equal(c.workingDir, "/data");
    assert.deepEqual([c.securityContext?.runAsUser, c.securityContext?.runAsGroup], [1000, 2000]);
    assert.deepEqual(c.securityContext?.capabilities?.add, ["NET_ADMIN"]);
    assert.deepEqual(c.env, [{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: m.secret!.metadata!.name!, key: "DB_PASSWORD" } } }, { name: "MODE", value: "fast" }]);
    assert.deepEqual(m.secret!.stringData, { DB_PASSWORD: "hunter2" });
    assert.deepEqual(c.readinessProbe?.exec?.command, ["/bin/sh", "-c", "true"]);
    assert.equal(c.readinessProbe?.periodSeconds, 2);
    assert.equal(c.readinessProbe?.failureThreshold, 5);
    assert.deepEqual(pod.hostAliases, [{ ip: "10.0.0.1", hostnames: ["example.test"] }]);
    assert.ok(pod.volumes!.some((v) => v.emptyDir?.medium === "Memory"));
    assert.equal(m.configMaps.length, 1);
    assert.deepEqual(m.configMaps[0]!.data, { f0: "x=1\n" });
    assert.equal(m.workload.body.spec!.template.metadata!.annotations!["com.example/role"], "db");
    // Named service plus its alias, both headless.
    assert.deepEqual(m.services.map((s) => [s.metadata!.name, s.spec!.clusterIP]), [["db", "None"], ["database", "None"]]);
    for (const key of ["init", "extra_hosts", "labels", "volumes"]) assert.ok(m.warnings.some((w) => w.includes(`service "db": ${key}:`)), `${key}: ${m.warnings.join("\n")}`);
  });

  test("a service that declares expose gets a cluster IP for its ports (a stable address over pod replacements); one with ports alone, or none, stays headless", () => {
    const p = planOf(`
services:
  api:
    image: busybox
    ports: ["8080"]
    expose: ["9090"]
    networks: { default: { aliases: [backend] } }
  worker:
    image: busybox
  web:
    image: busybox
    ports: ["8080"]
`);
    const api = manifests(p, "api");
    assert.deepEqual(
      api.services.map((s) => [s.metadata!.name, s.spec!.clusterIP ?? "(assigned)", s.spec!.publishNotReadyAddresses, s.spec!.ports!.map((port) => port.port).sort()]),
      [
        ["api", "(assigned)", true, [8080, 9090]],
        ["backend", "(assigned)", true, [8080, 9090]],
      ],
    );
    assert.deepEqual(manifests(p, "worker").services.map((s) => [s.metadata!.name, s.spec!.clusterIP]), [["worker", "None"]]);
    assert.deepEqual(manifests(p, "web").services.map((s) => [s.metadata!.name, s.spec!.clusterIP]), [["web", "None"]]);
  });

  test("named volumes: a claim with a default StorageClass, else an emptyDir with a warning", () => {
    const withClass = manifests(plan, "db", new Map(), true).workload.body.spec!.template.spec!.volumes!;
    assert.ok(withClass.some((v) => v.persistentVolumeClaim?.claimName));
    const without = manifests(plan, "db");
    assert.ok(without.warnings.some((w) => /no default StorageClass/.test(w)));
  });

  test("a service waited on for completion is a Job that does not restart", () => {
    const m = manifests(plan, "migrate");
    assert.equal(m.workload.kind, "Job");
    assert.equal(m.workload.body.spec!.template.spec!.restartPolicy, "Never");
    assert.equal(m.workload.kind === "Job" && m.workload.body.spec!.backoffLimit, 0);
  });

  test("a bind mount past the ConfigMap limit is refused with its size", () => {
    const big = new Map<string, BindContent>([[`${plan.workingDir}/conf`, { kind: "directory", files: [], bytes: CONFIG_MAP_LIMIT + 1 }]]);
    assert.throws(() => manifests(plan, "db", big), (e: unknown) => e instanceof ManifestError && /at most 1 MiB/.test(e.message));
  });

  test("an alias that is another service's name is refused", () => {
    const clash = planOf(`services:\n  a:\n    image: busybox\n    networks: { default: { aliases: [b] } }\n  b:\n    image: busybox\n`);
    assert.throws(() => manifests(clash, "a"), ManifestError);
  });
});

describe("Kubernetes exec and pod states", () => {
  test("workdir and env wrap the command; the exit code comes from the final status", () => {
    assert.deepEqual(wrapCommand(["ls"], {}), ["ls"]);
    assert.deepEqual(wrapCommand(["ls"], { env: { A: "1" } }), ["env", "A=1", "ls"]);
    assert.deepEqual(wrapCommand(["ls"], { workdir: "/w" }).slice(-2), ["/w", "ls"]);
    assert.equal(exitCodeOf({ status: "Success" }).exitCode, 0);
    assert.equal(exitCodeOf({ status: "Failure", reason: "NonZeroExitCode", details: { causes: [{ reason: "ExitCode", message: "3" }] } }).exitCode, 3);
    assert.equal(exitCodeOf({ status: "Failure", message: 'exec: "nope": executable file not found in $PATH' }).exitCode, 127);
  });

  test("a restarted container of a service without a restart policy counts as exited", () => {
    const pod = (restart: string) => ({
      metadata: { annotations: { "dev.prenv.restart": restart } },
      status: { containerStatuses: [{ name: "x", image: "i", imageID: "", ready: false, restartCount: 1, state: { running: { startedAt: new Date() } }, lastState: { terminated: { exitCode: 3 } } }] },
    });
    assert.deepEqual({ ...statusOfPod(pod("no")) }, { state: "exited", exitCode: 3, restarts: 1 });
    assert.equal(statusOfPod(pod("always")).state, "running");
  });

  test("image references split for registries", () => {
    assert.deepEqual(parseReference("redis:7"), { host: "registry-1.docker.io", path: "library/redis", tag: "7" });
    assert.deepEqual(parseReference("localhost:5000/a/b:1"), { host: "localhost:5000", path: "a/b", tag: "1" });
  });
});

describe("Kubernetes typed statuses", () => {
  const container = (state: object, extra: object = {}) => ({ name: "x", image: "i", imageID: "", ready: false, restartCount: 0, state, ...extra });
  const pod = (status: object, restart = "no") => ({ metadata: { annotations: { "dev.prenv.restart": restart } }, spec: { containers: [], restartPolicy: "Always" }, status });
  test("image pulls, crash loops, OOM kills and unschedulable pods carry their reason", () => {
    assert.deepEqual(statusOfPod(pod({ containerStatuses: [container({ waiting: { reason: "ImagePullBackOff", message: "Back-off pulling image" } })] })), { state: "created", restarts: 0, reason: { code: "ImagePullBackOff", message: "Back-off pulling image" } });
    const looping = container({ waiting: { reason: "CrashLoopBackOff", message: "back-off 10s" } }, { restartCount: 2, lastState: { terminated: { exitCode: 1, reason: "Error" } } });
    assert.deepEqual(statusOfPod(pod({ containerStatuses: [looping] }, "always")), { state: "restarting", restarts: 2, reason: { code: "CrashLoopBackOff", message: "back-off 10s" } });
    const oom = container({ waiting: { reason: "CrashLoopBackOff" } }, { restartCount: 1, lastState: { terminated: { exitCode: 137, reason: "OOMKilled" } } });
    assert.deepEqual(statusOfPod(pod({ containerStatuses: [oom] }, "always")).reason, { code: "OOMKilled", message: "" });
    assert.deepEqual(statusOfPod(pod({ containerStatuses: [oom] })), { state: "exited", exitCode: 137, restarts: 1, reason: { code: "OOMKilled", message: "" } });
    const unschedulable = { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/1 nodes are available: 1 Insufficient cpu." }] };
    assert.deepEqual(statusOfPod(pod(unschedulable)), { state: "created", restarts: 0, reason: { code: "Unschedulable", message: "0/1 nodes are available: 1 Insufficient cpu." } });
  });

  test("an exit of a service with a restart policy is a restart, not its end", () => {
    const exited = container({ terminated: { exitCode: 1, reason: "Error" } }, { restartCount: 1 });
    assert.equal(statusOfPod(pod({ containerStatuses: [exited] }, "always")).state, "restarting");
    assert.equal(statusOfPod(pod({ containerStatuses: [exited] }, "no")).state, "exited");
  });

  test("limits and reservations become resources; a limit alone is the request too (Kubernetes' default)", () => {
    const container = (compose: string) => {
      const workload = manifests(planOf(compose), "a").workload.body;
      return workload.spec!.template.spec!.containers[0]!;
    };
    assert.equal(container("services:\n  a:\n    image: x\n").resources, undefined);
    const limited = container("services:\n  a:\n    image: x\n    mem_limit: 32m\n    cpus: 500\n    deploy:\n      resources:\n        reservations:\n          memory: 1m\n");
    assert.deepEqual(limited.resources, { limits: { memory: "33554432", cpu: "500000m" }, requests: { memory: "1048576" } });
  });
});

describe("Kubernetes manifests of logging, pull_policy and platform", () => {
  test("platform selects nodes, pull_policy is the image pull policy, logging and refresh policies are warnings at the service", () => {
    const plan = planOf(`
services:
  arm:
    image: busybox
    platform: linux/aarch64
    pull_policy: always
    logging: { driver: syslog }
  local:
    image: busybox
    pull_policy: never
  daily:
    image: busybox
    pull_policy: daily
`);
    const arm = manifests(plan, "arm");
    const pod = arm.workload.body.spec!.template.spec!;
    assert.deepEqual(pod.nodeSelector, { "kubernetes.io/os": "linux", "kubernetes.io/arch": "arm64" });
    assert.equal(pod.containers[0]!.imagePullPolicy, "Always");
    assert.ok(arm.warnings.some((w) => /compose\.yaml:3:3: service "arm": logging: .*syslog driver/.test(w)), arm.warnings.join("\n"));
    assert.equal(manifests(plan, "local").workload.body.spec!.template.spec!.containers[0]!.imagePullPolicy, "Never");
    const daily = manifests(plan, "daily");
    assert.equal(daily.workload.body.spec!.template.spec!.containers[0]!.imagePullPolicy, "IfNotPresent");
    assert.ok(daily.warnings.some((w) => /service "daily": pull_policy: a kubelet has no refresh window/.test(w)), daily.warnings.join("\n"));
  });
});

describe("Kubernetes manifests of post_start and pre_stop", () => {
  test("one hook is the exec handler itself; several run in order in the shell, stopping at the first failure; user and privileged are warnings at the hook", () => {
    const plan = planOf(`
services:
  one:
    image: busybox
    pre_stop:
      - command: ["nginx", "-s", "quit"]
  several:
    image: busybox
    post_start:
      - command: ["sh", "-c", "echo \\"first it's\\" $$A >> order"]
        environment: { A: "a b" }
      - command: ["sh", "-c", "pwd >> $$OUT; exit 3"]
        working_dir: /
      - command: ["sh", "-c", "echo never >> order"]
        user: postgres
        privileged: true
`);
    const one = manifests(plan, "one").workload.body.spec!.template.spec!.containers[0]!;
    assert.deepEqual(one.lifecycle, { preStop: { exec: { command: ["nginx", "-s", "quit"] } } });

    const several = manifests(plan, "several");
    const command = several.workload.body.spec!.template.spec!.containers[0]!.lifecycle!.postStart!.exec!.command!;
    assert.equal(several.workload.body.spec!.template.spec!.containers[0]!.lifecycle!.preStop, undefined);
    // The handler's command is run here by a real shell, as the kubelet runs it in the container.
    const dir = project({});
    const run = spawnSync(command[0]!, command.slice(1), { cwd: dir, encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", OUT: `${dir}/order` } });
    assert.equal(run.status, 3, run.stderr);
    assert.equal(readFileSync(`${dir}/order`, "utf8"), "first it's a b\n/\n");
    assert.ok(several.warnings.some((w) => /service "several": post_start: hook 3 \(.*compose\.yaml:14:9\) runs as the container's user, not "postgres"/.test(w)), several.warnings.join("\n"));
    assert.ok(several.warnings.some((w) => /post_start: hook 3 .* runs without extended privileges/.test(w)), several.warnings.join("\n"));
    assert.equal(several.warnings.filter((w) => /hook [12] /.test(w)).length, 0);
  });
});
