import type { TestCaseResult, TestResults } from "../../src/results/model.ts";
import type { ReportView } from "../../src/report/view.ts";

/** Report views for the golden files: fixed data, so that the rendering is all that varies. */

const SHA = "3f2a9c1d5e6f708192a3b4c5d6e7f8091a2b3c4d";
const LINKS: ReportView["links"] = {
  run: { label: "run #812", url: "https://github.com/acme/shop/actions/runs/9001" },
  summary: "https://github.com/acme/shop/actions/runs/9001/attempts/1",
  artifact: { name: "prenv-integration", url: "https://github.com/acme/shop/actions/runs/9001/artifacts/77" },
};
const REPRO: ReportView["reproduction"] = {
  command: "git fetch origin 3f2a9c1d5e6f708192a3b4c5d6e7f8091a2b3c4d && git checkout 3f2a9c1d5e6f708192a3b4c5d6e7f8091a2b3c4d && npx prenv@1.4.2 run --definition prenv.yml --set db_version=16 --set 'greeting=hi there'",
  notes: ["parameter api_token is not in the command (it may be a secret): set PRENV_PARAM_API_TOKEN before running it"],
};

function results(cases: TestCaseResult[], extra: Partial<TestResults> = {}): TestResults {
  const count = (s: TestCaseResult["status"]) => cases.filter((c) => c.status === s).length;
  return {
    totals: { tests: cases.length, passed: count("passed"), failed: count("failed"), errors: count("error"), skipped: count("skipped"), flaky: count("flaky"), durationMs: 4200 },
    cases,
    reports: ["/work/reports/junit.xml"],
    problems: [],
    ...extra,
  };
}

const passing = (name: string): TestCaseResult => ({ suite: "catalog", name, status: "passed", durationMs: 12, report: "reports/junit.xml" });

export const passedView: ReportView = {
  title: "integration",
  environment: "shop-pr-512-integration",
  status: "finished",
  commit: SHA,
  services: [
    { name: "api", image: "ghcr.io/acme/api:1", digest: "ghcr.io/acme/api@sha256:9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c", state: "ready", readyMs: 2100 },
    { name: "db", image: "postgres:16", digest: "postgres@sha256:4e7a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a", state: "ready", readyMs: 1400 },
    { name: "worker", image: "prenv-build/shop-worker:5f6e", imageId: "sha256:77d0aa11bb22cc33dd44ee55ff66aa77bb88cc99dd00ee11ff22aa33bb44cc55", state: "ready", readyMs: 1900 },
  ],
  endpoints: [
    { service: "api", containerPort: 8080, protocol: "tcp", hostIp: "127.0.0.1", hostPort: 49153 },
    { service: "db", containerPort: 5432, protocol: "tcp", hostIp: "0.0.0.0", hostPort: 49154 },
  ],
  run: {
    outcome: "passed",
    exitCode: 0,
    tests: results([passing("lists products"), passing("prices"), { ...passing("slow search"), status: "flaky", attempts: 2 }, { ...passing("legacy export"), status: "skipped" }]),
    setup: [],
    timings: { bootMs: 6200, setupMs: 300, testMs: 101_000, teardownMs: 800, totalMs: 108_400 },
  },
  fate: { state: "torn-down", by: "run", durationMs: 800 },
  links: LINKS,
  reproduction: REPRO,
  notes: [],
};

/** Everything here that comes from the pull request is hostile. */
export const hostileView: ReportView = {
  ...passedView,
  title: "matrix @octocat <!-- x --> [a](https://evil.example)",
  services: [
    { name: "api|x", image: "evil/`img`:1 <b>bold</b> \\| @admin", state: "ready", readyMs: 900 },
    { name: "db", image: "postgres:16", state: "ready", readyMs: 1000 },
  ],
  endpoints: [],
  run: {
    outcome: "failed",
    exitCode: 1,
    tests: results([
      passing("works"),
      {
        suite: "checkout <!-- prenv:comment key=integration -->",
        name: "@octocat applies coupon [click me](https://evil.example/phish) </summary></details>",
        status: "failed",
        durationMs: 30,
        message: "expected 80, received 90\n```\n</details>\n@channel ping <!-- hidden -->\n````` five",
        stack: "AssertionError: expected 80, received 90\n    at api.spec.ts:88:12",
        file: "tests/api.spec.ts",
        line: 88,
        report: "reports/junit.xml",
      },
      {
        suite: "",
        name: "``backticks`` and \u202eevil\u202c bidi and a\u0007bell",
        status: "error",
        durationMs: 5,
        message: "TypeError: cannot read x of undefined",
        report: "reports/junit.xml",
      },
    ], { problems: [{ report: "reports/other.xml", message: "reports/other.xml:3:1: not JUnit XML: <script>alert(1)</script>" }] }),
    setup: [],
    timings: { bootMs: 2000, testMs: 3000, teardownMs: 500, totalMs: 5600 },
  },
};

export const bootErrorView: ReportView = {
  ...passedView,
  services: [
    { name: "db", image: "postgres:16", state: "failed" },
    { name: "api", image: "ghcr.io/acme/api:1", state: "stopped" },
  ],
  endpoints: [],
  run: {
    outcome: "error",
    exitCode: 2,
    error: { phase: "boot", service: "db", message: "exited with code 1 before it was ready", hint: "its last log lines are above; fix the service or its command", output: "FATAL: password authentication failed for user \"app\"\n```\n@here" },
    setup: [],
    timings: { bootMs: 3100, teardownMs: 400, totalMs: 3600 },
  },
};

export const bootingView: ReportView = {
  ...passedView,
  status: "booting",
  elapsedMs: 4100,
  services: [
    { name: "api", image: "ghcr.io/acme/api:1", state: "waiting" },
    { name: "db", image: "postgres:16", state: "ready", readyMs: 1400 },
    { name: "worker", image: "prenv-build/shop-worker:5f6e", state: "building" },
  ],
  endpoints: [],
  fate: { state: "none" },
  links: { run: LINKS.run!, summary: LINKS.summary! },
};
delete bootingView.run;

export const notStartedView: ReportView = {
  ...bootingView,
  status: "not-started",
  services: [],
  problem: {
    message: "the definition has 1 error; nothing was created",
    detail: "/home/runner/work/shop/shop/prenv.yml:4:5: error: unknown key \"helthcheck\"\n  hint: did you mean \"healthcheck\"?",
  },
  notes: ["No pull request comment: this pull request comes from a fork, whose token is read-only. The report is here, in the job summary."],
};
delete notStartedView.elapsedMs;

export function manyFailures(count: number, messageLength: number): ReportView {
  const cases: TestCaseResult[] = [];
  for (let i = 0; i < count; i++) {
    cases.push({ suite: "bulk", name: `case ${i}`, status: "failed", durationMs: 1, message: `${"m".repeat(messageLength)}\n${"`".repeat(i % 9)}`, report: "r.xml" });
  }
  return { ...passedView, run: { ...passedView.run!, outcome: "failed", exitCode: 1, tests: results(cases) } };
}

const failing = (name: string, message: string, line: number): TestCaseResult => ({ suite: "checkout", name, status: "failed", durationMs: 40, message, file: "tests/checkout.spec.ts", line, report: "reports/junit.xml" });

/** A pull request run compared with main: one new failure, one already failing, one flaky between attempts; one fixed, a slower boot. */
export const comparedView: ReportView = {
  ...passedView,
  run: {
    ...passedView.run!,
    outcome: "failed",
    exitCode: 1,
    tests: results([
      failing("applies the old coupon", "expected 80, received 90", 12),
      failing("ships to the moon", "no such region: moon", 40),
      failing("retries the payment", "timeout after 5000 ms", 61),
      { ...passing("lists products"), status: "flaky", attempts: 2 },
      passing("computes tax"),
    ]),
    timings: { bootMs: 14_200, setupMs: 300, testMs: 9_000, teardownMs: 800, totalMs: 24_300 },
  },
  comparison: {
    baseline: { branch: "main", commit: "9c8b7a6d5e4f30211203f4e5d6c7b8a9f0e1d2c3", url: "https://github.com/acme/shop/actions/runs/8990", finishedAt: "2026-11-28T09:00:00.000Z" },
    baseBranch: "main",
    expectsBaseline: true,
    earlierAttempt: { runAttempt: 1, url: "https://github.com/acme/shop/actions/runs/9001/attempts/1" },
    newFailures: ["checkout › ships to the moon"],
    alreadyFailing: ["checkout › applies the old coupon"],
    unclassified: [],
    flaky: [
      { id: "checkout › retries the payment", reason: "differs-between-attempts" },
      { id: "catalog › lists products", reason: "passed-on-retry" },
    ],
    fixed: ["catalog › computes tax"],
    regressions: [{ what: "boot", baseMs: 6_100, currentMs: 14_200 }],
  },
};

/** The same run on a pull request whose base branch has no run in the cache yet. */
export const noBaselineView: ReportView = {
  ...comparedView,
  comparison: { baseBranch: "main", expectsBaseline: true, newFailures: [], alreadyFailing: [], unclassified: ["checkout › applies the old coupon", "checkout › ships to the moon", "checkout › retries the payment"], flaky: [{ id: "catalog › lists products", reason: "passed-on-retry" }], fixed: [], regressions: [] },
};

const PREVIEW_SERVICES: ReportView["services"] = [
  { name: "cache", image: "redis:7", digest: "redis@sha256:1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b", state: "ready", readyMs: 900 },
  { name: "web", image: "ghcr.io/acme/web:2", digest: "ghcr.io/acme/web@sha256:9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c", state: "ready", readyMs: 1800 },
];
const PREVIEW_URLS = [{ service: "web", url: "http://web-pr-512.preview.example.com:32768", containerPort: 80, direct: "127.0.0.1:32768" }];

/** A preview the first push created. */
export const previewCreatedView: ReportView = {
  title: "preview",
  environment: "shop-pr-512-preview",
  status: "preview",
  commit: SHA,
  services: PREVIEW_SERVICES,
  endpoints: [{ service: "web", containerPort: 80, protocol: "tcp", hostIp: "0.0.0.0", hostPort: 32768 }],
  fate: { state: "up" },
  links: { run: LINKS.run!, summary: LINKS.summary! },
  notes: [],
  preview: { urls: PREVIEW_URLS, operations: [{ kind: "create", service: "cache" }, { kind: "create", service: "web" }], updated: false, expires: "2026-12-02T10:00:00.000Z", deployment: "pr-512" },
};

/** A later push that changed one service. */
export const previewUpdatedView: ReportView = {
  ...previewCreatedView,
  preview: { ...previewCreatedView.preview!, updated: true, operations: [{ kind: "unchanged", service: "cache" }, { kind: "recreate", service: "web", reason: "its configuration changed (3f2a9c1d5e6f7081 -> 91bc2d3e4f5a6b7c)" }] },
};

/** A push that changed nothing. */
export const previewNoChangeView: ReportView = {
  ...previewCreatedView,
  preview: { ...previewCreatedView.preview!, updated: true, operations: [{ kind: "unchanged", service: "cache" }, { kind: "unchanged", service: "web" }] },
};

/** On Kubernetes: Ingress hosts, and no direct address (a port-forward ends with its run). */
export const previewKubernetesView: ReportView = {
  ...previewCreatedView,
  endpoints: [],
  preview: { ...previewCreatedView.preview!, urls: [{ service: "web", url: "https://web-pr-512.preview.example.com", containerPort: 80 }] },
};

/** The pull request was closed. */
export const previewRemovedView: ReportView = {
  ...previewCreatedView,
  status: "removed",
  services: [],
  endpoints: [],
  fate: { state: "torn-down", by: "pull request closed", durationMs: 1200, removed: { containers: 2, networks: 1, volumes: 1 } },
  preview: { urls: [], operations: [], updated: true, deployment: "pr-512" },
};

/** A failed run with chaos: a kill, a partition, and a pause whose undo failed. */
export const chaosView: ReportView = {
  ...passedView,
  run: {
    ...passedView.run!,
    outcome: "failed",
    exitCode: 1,
    tests: results([passing("lists products"), failing("retries the order after the worker died", "expected 201, got 504", 31)]),
    chaos: {
      seed: "7",
      timeline: [
        { id: "1.1", name: "kill worker", action: { kind: "kill", target: "worker", signal: "SIGKILL" }, plannedStartMs: 20_000, durationMs: 0, actualStartMs: 20_012, how: "docker kill --signal SIGKILL", applied: "applied", undoneAtMs: 20_015, undo: "nothing to undo", undoDetail: "nothing to undo" },
        { id: "2.1", name: "cut", action: { kind: "partition", target: "api", peer: "db" }, plannedStartMs: 30_000, durationMs: 10_000, actualStartMs: 30_020, how: "iptables DROP both ways between api and db", applied: "applied", undoneAtMs: 40_031, undo: "undone", undoDetail: "rules removed by the helper" },
        { id: "3.1", name: "freeze <db>", action: { kind: "pause", target: "db" }, plannedStartMs: 50_000, durationMs: 2_000, actualStartMs: 50_004, how: "docker pause", applied: "applied", undoneAtMs: 52_010, undo: "failed", undoDetail: "the engine answered 500 | `rm -rf`" },
      ],
    },
  },
};
