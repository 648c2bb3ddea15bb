/**
 * Every name the Action shares with its workflow and with its own post step, in one
 * place: the inputs and outputs of action.yml, and the keys of the saved state.
 */

export const INPUT = {
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
  previewIngressClass: "preview-ingress-class",
} as const;

export const OUTPUT = {
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
  previewUrls: "preview-urls",
} as const;

export const STATE = {
  /** The environment the main step may have created: the post step removes it. */
  environment: "environment",
  /** started -> finished; anything but finished means the main step was cut short. */
  phase: "phase",
  /** The comment (id, author, url) and the issue it is on, as JSON. */
  comment: "comment",
  /** "true": the environment outlives the job (command: preview), so the post step leaves it alone. */
  keep: "keep",
  /** The file holding the last report view, so that the post step can re-render it. */
  viewFile: "view-file",
} as const;

export type InputName = (typeof INPUT)[keyof typeof INPUT];
export type OutputName = (typeof OUTPUT)[keyof typeof OUTPUT];
export type StateKey = (typeof STATE)[keyof typeof STATE];
