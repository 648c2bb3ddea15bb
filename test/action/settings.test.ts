import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { uploadResults, type ArtifactUploader } from "../../src/action/artifact.ts";
import { readRunContext } from "../../src/action/context.ts";
import { InputError, parseParams, readSettings } from "../../src/action/inputs.ts";
import { INPUT } from "../../src/action/keys.ts";
import { environmentNameFor } from "../../src/action/naming.ts";
import { pathInRepository } from "../../src/repro/git.ts";
import { decideTrust } from "../../src/action/trust.ts";
import { Output, serviceLogFile } from "../../src/engine/logs.ts";
import { ResultsFolder } from "../../src/results/output.ts";
import { actionYaml, examplePayload } from "./harness.ts";

/** The inputs as the runner gives them: action.yml's defaults, then what the workflow set. */
function inputs(given: Record<string, string> = {}): (name: string) => string {
  const defaults = Object.fromEntries(Object.entries(actionYaml().inputs).map(([k, v]) => [k, (v.default ?? "").replace("${{ github.token }}", "ghs_x")]));
  return (name) => given[name] ?? defaults[name] ?? "";
}

describe("the manifest's working directory", () => {
  test("is the working directory's path in the repository, so that repro runs there with the files as given", () => {
    assert.equal(pathInRepository("/ws", "/ws/services/shop"), "services/shop");
    assert.equal(pathInRepository("/ws", "/ws"), ".");
  });
});


describe("inputs", () => {
  test("action.yml's defaults give a complete, sensible run", () => {
    assert.deepEqual(readSettings(inputs()), {
      command: "run",
      workingDirectory: ".",
      composeFiles: [],
      params: [],
      secrets: [],
      bootTimeoutMs: 300_000,
      resultsDir: "prenv-results",
      token: "ghs_x",
      comment: true,
      failOnTestFailure: true,
      keepOnFailure: false,
      allowUntrustedCodeWithWriteToken: false,
      history: true,
      passOnKnownFailures: false,
      backend: {},
      preview: { ttlMs: 72 * 3_600_000, hostTemplate: "", proxy: "none", ingressClass: "" },
    });
  });

  test("parameters: name=value lines, or a YAML or JSON mapping", () => {
    assert.deepEqual(parseParams("db_version=16\n# a comment\n\n search = true \nurl=http://x/?a=b"), ["db_version=16", "search=true", "url=http://x/?a=b"]);
    assert.deepEqual(parseParams("db_version: 16\nregions: [eu, us]\nsearch: false"), ["db_version=16", "regions=eu,us", "search=false"]);
    assert.deepEqual(parseParams('{"db_version": "15"}'), ["db_version=15"]);
    assert.deepEqual(parseParams("  "), []);
  });

  test("mistakes name the input and say what to write", () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ command: "deploy" }, /^input "command": "deploy" is not a command; use run .*, up .*, down .* or preview/],
      [{ "preview-host": "pr-{number}.example.com" }, /^input "preview-host": "pr-\{number\}\.example\.com": it has no \{service\}/],
      [{ "preview-host": "{service}.example.com", "preview-proxy": "nginx" }, /^input "preview-proxy": "nginx" is not a proxy .*; use none or traefik$/],
      [{ "preview-proxy": "traefik" }, /^input "preview-proxy": is traefik, but preview-host is empty/],
      [{ "preview-ingress-class": "Nginx Public" }, /^input "preview-ingress-class": "Nginx Public" is not an IngressClass name/],
      [{ "preview-ttl": "3 days" }, /^input "preview-ttl": "3 days" is not a duration/],
      [{ params: "db_version 16" }, /^input "params": line 1 \("db_version 16"\) is not name=value/],
      [{ params: "nested: { a: 1 }" }, /^input "params": parameter "nested" must be text, a number, true\/false or a list of those, not a mapping/],
      [{ params: "bad-name=1" }, /^input "params": "bad-name" is not a parameter name/],
      [{ comment: "yes please" }, /^input "comment": "yes please" is not true or false/],
      [{ timeout: "5 minutes" }, /^input "timeout": "5 minutes" is not a duration; write for example 90s, 5m or 1h/],
      [{ environment: "My Env" }, /^input "environment": "My Env" cannot name an environment/],
      [{ "github-token": "" }, /^input "github-token": is empty, and comment is true/],
      [{ "artifact-name": "logs/1" }, /^input "artifact-name": "logs\/1" has a character/],
      [{ backend: "nomad" }, /^input "backend": "nomad" is not a backend; use docker or kubernetes/],
      [{ kubeconfig: "apiVersion: v1" }, /^input "kubeconfig": is given, but backend is not kubernetes/],
      // A mistake in the secrets input never quotes what was written: it may be the secret.
      [{ secrets: "sk_live_abcdef" }, /^input "secrets": line 1 is not name=value; write one name=value per line/],
      [{ secrets: "bad-name=sk_live_abcdef" }, /^input "secrets": a name is not a parameter name/],
      [{ secrets: "api_key: { nested: sk_live_abcdef }" }, /^input "secrets": parameter "api_key" must be text/],
    ];
    for (const [given, message] of cases) {
      assert.throws(() => readSettings(inputs(given)), (e: unknown) => e instanceof InputError && message.test(e.message) && !e.message.includes("sk_live"), JSON.stringify(given));
    }
    assert.deepEqual(readSettings(inputs({ secrets: "api_key=sk_live_abcdef" })).secrets, ["api_key=sk_live_abcdef"]);
    assert.deepEqual(readSettings(inputs({ backend: "kubernetes", kubeconfig: "apiVersion: v1", registry: "localhost:5000/team" })).backend, { backend: "kubernetes", registry: "localhost:5000/team", kubeconfigContent: "apiVersion: v1" });
    assert.equal(readSettings(inputs({ "github-token": "", comment: "false" })).comment, false, "no token is fine without a comment");
  });

  test("every input the code reads is declared in action.yml, and every declared one is read", () => {
    assert.deepEqual(Object.values(INPUT).sort(), Object.keys(actionYaml().inputs).sort());
  });
});

describe("the run's context", () => {
  const env = (event: string, payload: object) => ({
    GITHUB_REPOSITORY: "Codertocat/Hello-World",
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: "/event.json",
    GITHUB_SHA: "a".repeat(40),
    GITHUB_RUN_ID: "99",
    "INPUT_GITHUB-TOKEN": "ghs_secret",
    ACTIONS_RUNTIME_TOKEN: "runtime",
    GITHUB_STATE: "/state",
    HOME: "/home/runner",
    payload: JSON.stringify(payload),
  });
  const read = (e: ReturnType<typeof env>) => readRunContext(e, () => e.payload);

  test("a pull request from the same repository, and one from a fork", () => {
    const same = read(env("pull_request", examplePayload("pull_request", (p) => p.action === "opened")));
    assert.deepEqual(same.pullRequest, { baseRef: "master", number: 2, action: "opened", headSha: "ec26c3e57ca3a959ca5aad62de7213c562f8c821", baseSha: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e", headRepository: "Codertocat/Hello-World", baseRepository: "Codertocat/Hello-World", fromFork: false });
    const forkPayload = examplePayload("pull_request", (p) => p.action === "opened");
    ((forkPayload.pull_request as { head: { repo: { full_name: string } } }).head.repo.full_name = "forker/Hello-World");
    assert.equal(read(env("pull_request", forkPayload)).pullRequest?.fromFork, true);
    assert.equal(read(env("push", examplePayload("push", () => true))).pullRequest, undefined);
  });

  test("the tests and the definition never see the step's token, state files or the runner's own tokens", () => {
    const context = read(env("push", {}));
    assert.deepEqual(Object.keys(context.childEnv).sort(), ["GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_REPOSITORY", "GITHUB_RUN_ID", "GITHUB_SHA", "HOME", "payload"]);
  });

  test("environment names: repo and pull request number (or run id) and key, valid and bounded", () => {
    const repository = { owner: "acme", repo: "Shop.API" };
    assert.equal(environmentNameFor({ repository, pullRequest: { number: 512 } as never, runId: "1" }, "integration"), "shop-api-pr-512-integration");
    assert.equal(environmentNameFor({ repository, pullRequest: undefined, runId: "777" }, "db=16, os=linux"), "shop-api-run-777-db-16-os-linux");
    const long = environmentNameFor({ repository: { owner: "a", repo: "a-very-long-repository-name-indeed" }, pullRequest: { number: 12345 } as never, runId: "1" }, "matrix-key-that-is-long");
    assert.ok(/^[a-z0-9][a-z0-9_-]{0,48}$/.test(long) && long.length === 49, long);
  });
});

describe("privileged triggers", () => {
  const head = "b".repeat(40);
  const base = "c".repeat(40);
  const decide = (eventName: string, checkedOut: string | undefined, optIn = false) => decideTrust({ eventName, untrustedSha: head, triggerSha: base, checkedOut, optIn }, INPUT.allowUntrustedCode);

  test("pull_request runs whatever is checked out: its token is the pull request's own", () => {
    assert.deepEqual(decide("pull_request", head), { allowed: true });
  });

  test("pull_request_target and workflow_run boot only the base commit", () => {
    assert.deepEqual(decide("pull_request_target", base), { allowed: true });
    for (const event of ["pull_request_target", "workflow_run"]) {
      for (const checkedOut of [head, "d".repeat(40), undefined]) {
        const decision = decide(event, checkedOut);
        assert.equal(decision.allowed, false);
        assert.match((decision as { message: string }).message, new RegExp(`refusing to boot .* under ${event}: .*set allow-untrusted-code-with-write-token: true`));
      }
    }
  });

  test("the opt-in boots it, with a warning", () => {
    const decision = decide("pull_request_target", head, true);
    assert.equal(decision.allowed, true);
    assert.match((decision as { warning: string }).warning, /allow-untrusted-code-with-write-token is true: booting commit bbbbbbbbbbbb under pull_request_target/);
  });
});

describe("the logs artifact", () => {
  test("results.json, the JUnit copies and every service's log go up as one artifact", async () => {
    const dir = mkdtempSync(join(tmpdir(), "prenv-artifact-"));
    const folder = new ResultsFolder(dir);
    await folder.reset();
    for (const [service, text] of [["api", "listening\n"], ["db", "ready\n"]] as const) {
      const log = new Output(folder, serviceLogFile(service));
      log.input.end(text);
      await log.close();
    }
    await folder.writeJson({ outcome: "passed" });
    const calls: { name: string; files: string[]; root: string }[] = [];
    const recording: ArtifactUploader = {
      upload: async (name, files, root) => {
        calls.push({ name, files, root });
        return { id: 77 };
      },
    };
    writeFileSync(join(dir, "notes.txt"), "the user's, not prenv's\n");
    const uploaded = await uploadResults(folder, "prenv-integration", recording, "https://github.com/acme/shop/actions/runs/9");
    assert.deepEqual(uploaded, { name: "prenv-integration", files: ["logs/api.log", "logs/db.log", "results.json"], url: "https://github.com/acme/shop/actions/runs/9/artifacts/77" });
    assert.deepEqual(calls, [{ name: "prenv-integration", files: [join(dir, "logs/api.log"), join(dir, "logs/db.log"), join(dir, "results.json")], root: dir }]);
    assert.equal(readFileSync(calls[0]!.files[0]!, "utf8"), "listening\n");
  });

  test("an upload that fails is reported, not thrown", async () => {
    const dir = mkdtempSync(join(tmpdir(), "prenv-artifact-"));
    const folder = new ResultsFolder(dir);
    await folder.writeJson({});
    const failing: ArtifactUploader = { upload: () => Promise.reject(new Error("quota exceeded")) };
    assert.deepEqual(await uploadResults(folder, "x", failing, undefined), { name: "x", files: ["results.json"], problem: "quota exceeded" });
  });
});
