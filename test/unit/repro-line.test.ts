import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { baseImagesOf } from "../../src/backends/docker/docker-backend.ts";
import { imageDifferences, MANIFEST_VERSION, parseManifest, seal, ManifestError, type ManifestDraft } from "../../src/manifest/manifest.ts";
import { LINE_LIMIT, reproductionLine } from "../../src/repro/line.ts";
import { detectRunner, selectTests } from "../../src/repro/selection.ts";

const HEAD = "3f2a9c1d5e6f708192a3b4c5d6e7f8091a2b3c4d";
const BASE = "9b1c0d2e3f405162738495a6b7c8d9e0f1a2b3c4";
const TREE = "0123456789abcdef0123456789abcdef01234567";
const DIGEST = `sha256:${"4e7a".repeat(16)}`;

function draft(extra: Partial<ManifestDraft> = {}): ManifestDraft {
  return {
    prenvVersion: "1.4.2",
    createdAt: "2026-12-01T00:00:00Z",
    source: { repository: "acme/shop", commit: "ffffffffffffffffffffffffffffffffffffffff", tree: TREE, pullRequest: { number: 512, head: HEAD, base: BASE, merged: true }, dirty: false },
    workingDirectory: ".",
    definition: "prenv.yml",
    composeFiles: [],
    profiles: [],
    params: { db_version: { value: "16", origin: "--set" }, search: { value: true, origin: "default" }, api_key: { origin: "secrets input", secret: true }, note: { value: "it's me; rm -rf /", origin: "--set" } },
    images: [
      { service: "cache", reference: "localhost:5000/redis:7", id: "sha256:aa", digest: `localhost:5000/redis@${DIGEST}`, built: false },
      { service: "api", reference: "prenv-build/shop-api:1234", id: "sha256:bb", built: true },
    ],
    backend: "docker",
    outcome: "failed",
    failedTests: [{ suite: "checkout", name: "applies coupon", file: "api.spec.ts" }],
    ...extra,
  };
}

describe("the reproduction line", () => {
  test("commits and tree, definition, given parameters, pulled images' digests and the failed tests; no defaults, no secrets", () => {
    const { command, notes } = reproductionLine(seal(draft()));
    assert.equal(
      command,
      `npx prenv@1.4.2 repro 'acme/shop#512' --head ${HEAD} --base ${BASE} --tree ${TREE} --prenv 1.4.2 -d prenv.yml --secret api_key --set db_version=16 --set 'note=it'\\''s me; rm -rf /' --pin cache=${DIGEST} --only 'applies coupon'`,
    );
    assert.ok(command.length < LINE_LIMIT, `${command.length} characters`);
    assert.deepEqual(notes, ["parameter api_key is secret, so it is not in the command: set PRENV_SECRET_API_KEY before running it"]);
  });

  test("a run that was not a merge names its commit; a dirty tree gets a note", () => {
    const { command, notes } = reproductionLine(seal(draft({ source: { commit: HEAD, tree: TREE, dirty: true }, failedTests: [], params: {} })));
    assert.match(command, new RegExp(`^npx prenv@1.4.2 repro --commit ${HEAD} --tree ${TREE} --prenv 1.4.2 -d prenv.yml --pin cache=`));
    assert.match(notes.join("\n"), /changes that were in no commit/);
  });

  test("too long for one line: download the manifest from the run's artifact, or name the local file", () => {
    const failedTests = Array.from({ length: 40 }, (_, i) => ({ name: `a rather long test name number ${i}` }));
    const long = seal(draft({ failedTests }));
    const { command, notes } = reproductionLine(long, { runId: "4242", artifact: "prenv-integration" });
    assert.equal(command, "gh run download 4242 -R acme/shop -n prenv-integration -D prenv-run-4242 && npx prenv@1.4.2 repro --manifest prenv-run-4242/manifest.json --only-failed");
    assert.match(notes.join("\n"), /works offline/);
    assert.equal(reproductionLine(long, { path: "prenv-results/manifest.json" }).command, "npx prenv@1.4.2 repro --manifest prenv-results/manifest.json --only-failed");
  });

  test("a run with chaos carries its seed, so that the reproduction injects the same schedule; one without has no --seed", () => {
    const chaos = { seed: "7", timeline: [{ id: "1.1", name: "kill worker", action: { kind: "kill" as const, target: "worker", signal: "SIGKILL" }, plannedStartMs: 20_000, durationMs: 0, applied: "applied" as const, actualStartMs: 20_004, how: "docker kill", undo: "nothing to undo" as const }] };
    const { command } = reproductionLine(seal(draft({ chaos })));
    assert.match(command, / --pin cache=\S+ --seed 7 --only 'applies coupon'$/);
    assert.doesNotMatch(reproductionLine(seal(draft())).command, /--seed/);
    // The seed survives the manifest's own round trip: repro --manifest reads it back.
    assert.deepEqual(parseManifest(JSON.stringify(seal(draft({ chaos }))), "m.json", "1.4.2").chaos, chaos);
  });
});

describe("the run manifest", () => {
  const text = JSON.stringify(seal(draft()));

  test("reads back what was written", () => {
    const m = parseManifest(text, "manifest.json", "1.4.2");
    assert.equal(m.manifestVersion, MANIFEST_VERSION);
    assert.equal(m.source.pullRequest?.head, HEAD);
  });

  test("a tampered one, a newer format, and something else are refused with what to do", () => {
    const tampered = text.replace('"16"', '"15"');
    assert.throws(() => parseManifest(tampered, "m.json", "1.4.2"), (e: unknown) => e instanceof ManifestError && /changed since prenv wrote it/.test(e.message));
    const newer = JSON.stringify({ ...JSON.parse(text), manifestVersion: MANIFEST_VERSION + 1, prenvVersion: "9.0.0" });
    assert.throws(() => parseManifest(newer, "m.json", "1.4.2"), (e: unknown) => e instanceof ManifestError && /written by prenv 9\.0\.0/.test(e.message) && /npx prenv@9\.0\.0/.test(e.hint));
    assert.throws(() => parseManifest("[1,2]", "m.json", "1.4.2"), (e: unknown) => e instanceof ManifestError && /not a prenv run manifest/.test(e.message));
    assert.throws(() => parseManifest("{", "m.json", "1.4.2"), (e: unknown) => e instanceof ManifestError && /not JSON/.test(e.message));
  });
});

describe("selecting tests for the runner", () => {
  const two = [{ name: "applies coupon" }, { name: "a.b (x)" }];

  test("runners are recognised in the commands people write", () => {
    const cases: [string, string | undefined][] = [
      ["mkdir -p reports && '/usr/bin/node' --test --test-reporter=junit tests/*.test.mjs", "node"],
      ["node --test", "node"],
      ["python3 -m pytest -q tests/", "pytest"],
      ["pytest --junitxml=reports/junit.xml", "pytest"],
      ["npx jest --ci", "jest"],
      ["npx vitest run --reporter=junit", "vitest"],
      ["go test ./... -v 2>&1 | go-junit-report", "go"],
      ["./mvnw -B verify", "maven"],
      ["make integration", undefined],
    ];
    for (const [command, runner] of cases) assert.equal(detectRunner(command), runner, command);
  });

  test("node:test and pytest take the selection from their variables; the command is unchanged", () => {
    const cmd = ["/bin/sh", "-c", "node --test tests/"];
    const node = selectTests(cmd, two, { env: { NODE_OPTIONS: "--max-old-space-size=512" } });
    assert.deepEqual(node.command, cmd);
    assert.equal(node.env.NODE_OPTIONS, '--max-old-space-size=512 --test-name-pattern="^applies coupon$" --test-name-pattern="^a\\\\.b \\\\(x\\\\)$"');
    assert.equal(node.env.PRENV_TEST_SELECTION, JSON.stringify(["applies coupon", "a.b (x)"]));
    const py = selectTests(["/bin/sh", "-c", "pytest tests"], [{ name: "test_a[1]" }, { name: "test_b" }], { scratchDir: "/tmp/x", env: { PYTHONPATH: "/src" } });
    assert.equal(py.env.PYTEST_ADDOPTS, "-p prenv_select");
    assert.equal(py.env.PYTHONPATH, "/tmp/x:/src");
    assert.match(py.files["/tmp/x/prenv_select.py"]!, /def pytest_collection_modifyitems/);
  });

  test("jest, vitest, go test and Maven get arguments after the runner's name, or after an npm script's --", () => {
    assert.deepEqual(selectTests(["/bin/sh", "-c", "npx jest --ci && echo done"], two).command, ["/bin/sh", "-c", "npx jest -t '^(applies coupon|a\\.b \\(x\\))$' --ci && echo done"]);
    assert.deepEqual(selectTests(["npx", "vitest", "run"], two).command, ["npx", "vitest", "-t", "^(applies coupon|a\\.b \\(x\\))$", "run"]);
    assert.deepEqual(selectTests(["/bin/sh", "-c", "go test ./..."], [{ name: "TestA/sub" }, { name: "TestB" }]).command, ["/bin/sh", "-c", "go test -run '^(TestA|TestB)$' ./..."]);
    assert.deepEqual(selectTests(["/bin/sh", "-c", "mvn -B test"], [{ suite: "shop.CartTest", name: "adds" }, { suite: "shop.CartTest", name: "removes" }]).command, ["/bin/sh", "-c", "mvn '-Dtest=shop.CartTest#adds+removes' -Dsurefire.failIfNoSpecifiedTests=false -B test"]);
    const npm = selectTests(["/bin/sh", "-c", "npm run test:integration"], two, { readScript: (name) => (name === "test:integration" ? "jest --selectProjects integration" : undefined) });
    assert.deepEqual(npm.command, ["/bin/sh", "-c", "npm run test:integration -- -t '^(applies coupon|a\\.b \\(x\\))$'"]);
  });

  test("an unknown runner gets PRENV_TEST_SELECTION only, and says so", () => {
    const s = selectTests(["/bin/sh", "-c", "make integration"], two);
    assert.equal(s.runner, undefined);
    assert.match(s.how, /does not recognise the test runner/);
    assert.equal(selectTests(["/bin/sh", "-c", "make integration"], two, { runner: "pytest" }).env.PYTEST_ADDOPTS, "-p prenv_select");
  });
});

describe("built images in the manifest", () => {
  test("the base images are the Dockerfile's FROM images, not its stages, scratch or build arguments", () => {
    const dir = mkdtempSync(join(tmpdir(), "prenv-from-"));
    writeFileSync(join(dir, "Dockerfile"), "ARG BASE=alpine\nFROM --platform=linux/amd64 golang:1.26 AS build\nRUN go build\nFROM $BASE\nFROM build AS test\nFROM scratch\nfrom debian:12-slim\nCOPY --from=build /app /app\n");
    assert.deepEqual(baseImagesOf({ context: dir, dockerfile: "Dockerfile", args: {} }), ["golang:1.26", "debian:12-slim"]);
    assert.deepEqual(baseImagesOf({ context: dir, dockerfile: "missing.Dockerfile", args: {} }), []);
  });

  test("a reproduction says when a built image or its base differs from the run's", () => {
    const then = [{ service: "api", reference: "prenv-build/shop-api:aaaa", id: "sha256:1", built: true, baseImages: [{ reference: "node:24", id: "sha256:old0000000000000000000", digest: "node@sha256:feed" }] }];
    assert.deepEqual(imageDifferences(then, then), []);
    const now = [{ ...then[0]!, reference: "prenv-build/shop-api:bbbb", baseImages: [{ reference: "node:24", id: "sha256:new0000000000000000000" }] }];
    const notes = imageDifferences(then, now);
    assert.equal(notes.length, 2);
    assert.match(notes[0]!, /built from other content than in the run \(prenv-build\/shop-api:bbbb, the run had prenv-build\/shop-api:aaaa\)/);
    assert.match(notes[1]!, /base image node:24 is sha256:new000000000 here, the run had sha256:old000000000 \(node@sha256:feed: pull it and tag it node:24/);
  });
});
