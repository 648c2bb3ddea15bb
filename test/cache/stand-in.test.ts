/**
 * The cache stand-in, driven by the real @actions/cache (saveCache, restoreCache, its
 * twirp client) and the Azure SDK it uploads and downloads with; and proof that the
 * stand-in refuses what the package's description does not allow.
 */
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { restoreCache, saveCache } from "@actions/cache";
import { BlockBlobClient } from "@azure/storage-blob";
import { internalCacheTwirpClient } from "../../node_modules/@actions/cache/lib/internal/shared/cacheTwirpClient.js";
import { actionsSummaryCache } from "../../src/action/history.ts";
import { CacheStandIn, SERVICE } from "./stand-in.ts";

const TOKEN = "runtime-token-for-the-stand-in";
let cache: CacheStandIn;
let workspace: string;
const saved: Record<string, string | undefined> = {};

before(async () => {
  cache = await CacheStandIn.start({ token: TOKEN });
  workspace = mkdtempSync(join(tmpdir(), "prenv-cache-ws-"));
  const env = { ...cache.env(), GITHUB_WORKSPACE: workspace, RUNNER_TEMP: mkdtempSync(join(tmpdir(), "prenv-cache-temp-")), GITHUB_SERVER_URL: "https://github.com" };
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  delete process.env.ACTIONS_CACHE_MODE;
  // The package resolves paths from the current directory, as the runner starts steps in the workspace.
  process.chdir(workspace);
});

after(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await cache.stop();
});

beforeEach(() => {
  cache.options = { token: TOKEN };
  cache.requests.length = 0;
});

function writeEntry(content: string): string[] {
  mkdirSync(join(workspace, "data"), { recursive: true });
  writeFileSync(join(workspace, "data", "file.txt"), content);
  return ["data/file.txt"];
}

const post = (method: string, body: unknown, token = TOKEN) =>
  fetch(`${cache.url}twirp/${SERVICE}/${method}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });

describe("the cache stand-in with the real @actions/cache", { concurrency: false }, () => {
  test("saveCache then restoreCache: a real entry, uploaded with Put Blob and downloaded with ranged Get Blob as on GitHub", async () => {
    const paths = writeEntry("first entry\n");
    const id = await saveCache(paths, "prenv-test/a/1");
    assert.ok(id > 0, `saved with id ${id}`);
    rmSync(join(workspace, "data"), { recursive: true });
    const hit = await restoreCache(paths, "prenv-test/a/1");
    assert.equal(hit, "prenv-test/a/1");
    assert.equal(readFileSync(join(workspace, "data", "file.txt"), "utf8"), "first entry\n");
    assert.deepEqual(
      cache.requests.map((r) => r.operation),
      ["CreateCacheEntry", "PutBlob", "FinalizeCacheEntryUpload", "GetCacheEntryDownloadURL", "GetBlobProperties", "GetBlob"],
    );
    const entry = cache.entries.find((e) => e.key === "prenv-test/a/1")!;
    assert.match(cache.requests.find((r) => r.operation === "GetBlob")!.range!, new RegExp(`^bytes=0-${entry.size! - 1}$`));
    assert.ok(cache.bytesOf(entry)!.length > 0);
    assert.deepEqual(cache.violations, []);
  });

  test("restore keys are prefixes: the newest matching entry wins; no match is a miss", async () => {
    const paths = writeEntry("older\n");
    await saveCache(paths, "prenv-test/b/1");
    writeEntry("newer\n");
    await saveCache(paths, "prenv-test/b/2");
    writeEntry("other\n");
    await saveCache(paths, "prenv-test/bb/1");
    assert.equal(await restoreCache(paths, "prenv-test/b/none", ["prenv-test/b/"]), "prenv-test/b/2");
    assert.equal(readFileSync(join(workspace, "data", "file.txt"), "utf8"), "newer\n");
    assert.equal(await restoreCache(paths, "prenv-test/c/none", ["prenv-test/c/"]), undefined);
    // Another path is another version: no hit across it.
    assert.equal(await restoreCache(["data/other.txt"], "prenv-test/b/2"), undefined);
    assert.deepEqual(cache.violations, []);
  });

  test("a large upload with Put Block and Put Block List, and a download in ranges, with the Azure SDK the package uses", async () => {
    const twirp = internalCacheTwirpClient();
    const created = await twirp.CreateCacheEntry({ key: "prenv-test/blocks", version: "v-blocks" });
    assert.ok(created.ok, created.message);
    const data = randomData(10_000);
    await new BlockBlobClient(created.signedUploadUrl).uploadData(data, { blockSize: 1024, maxSingleShotSize: 1024, concurrency: 2 });
    const finalized = await twirp.FinalizeCacheEntryUpload({ key: "prenv-test/blocks", version: "v-blocks", sizeBytes: String(data.length) });
    assert.ok(finalized.ok, finalized.message);
    const url = await twirp.GetCacheEntryDownloadURL({ key: "prenv-test/blocks", version: "v-blocks", restoreKeys: [] });
    const back = await new BlockBlobClient(url.signedDownloadUrl).downloadToBuffer(0, data.length, { blockSize: 4096, concurrency: 2 });
    assert.ok(back.equals(data));
    const ops = cache.requests.map((r) => r.operation);
    assert.equal(ops.filter((o) => o === "PutBlock").length, 10);
    assert.equal(ops.filter((o) => o === "PutBlockList").length, 1);
    assert.deepEqual(cache.requests.filter((r) => r.operation === "GetBlob").map((r) => r.range).sort(), ["bytes=0-4095", "bytes=4096-8191", "bytes=8192-9999"]);
    assert.deepEqual(cache.violations, []);
  });

  test("a read-only token: CreateCacheEntry says 'cache write denied', saveCache returns -1 and stores nothing", async () => {
    cache.options = { token: TOKEN, writeDenied: true };
    const before = cache.entries.length;
    assert.equal(await saveCache(writeEntry("x"), "prenv-test/denied"), -1);
    assert.equal(cache.entries.length, before);
    assert.deepEqual(cache.requests.map((r) => r.operation), ["CreateCacheEntry"]);
  });

  test("ACTIONS_CACHE_MODE=read: the package asks nothing to save; reads still work", async () => {
    process.env.ACTIONS_CACHE_MODE = "read";
    try {
      assert.equal(await saveCache(writeEntry("x"), "prenv-test/mode"), -1);
      assert.equal(cache.requests.length, 0);
      assert.equal(await restoreCache(["data/file.txt"], "prenv-test/a/1"), "prenv-test/a/1");
    } finally {
      delete process.env.ACTIONS_CACHE_MODE;
    }
  });

  test("a token that may not read: permission_denied with 'cache read denied', a miss for the package", async () => {
    cache.options = { token: TOKEN, readDenied: true };
    assert.equal(await restoreCache(["data/file.txt"], "prenv-test/a/1"), undefined);
    assert.deepEqual(cache.requests.map((r) => [r.operation, r.status]), [["GetCacheEntryDownloadURL", 403]]);
  });

  test("prenv's SummaryCache over it: save, restore by prefix, and a refused save said plainly", async () => {
    const store = actionsSummaryCache(workspace);
    assert.deepEqual(await store.save("prenv-run/v1/x/branch/main/1.1", '{"n":1}'), { saved: true });
    assert.deepEqual(await store.save("prenv-run/v1/x/branch/main/2.1", '{"n":2}'), { saved: true });
    assert.equal(await store.restore(["prenv-run/v1/x/branch/dev/", "prenv-run/v1/x/branch/main/"]), '{"n":2}');
    assert.equal(await store.restore(["prenv-run/v1/y/"]), undefined);
    cache.options = { token: TOKEN, writeDenied: true };
    const refused = await store.save("prenv-run/v1/x/branch/main/3.1", "{}");
    assert.equal(refused.saved, false);
    assert.deepEqual(cache.violations, []);
  });
});

describe("the stand-in refuses what the package's description does not allow", { concurrency: false }, () => {
  const refusals: [string, () => Promise<Response>, number, string, RegExp][] = [
    ["an unknown field", () => post("CreateCacheEntry", { key: "k", version: "v", size: 3 }), 400, "malformed", /unknown fields of github\.actions\.results\.api\.v1\.CreateCacheEntryRequest: size/],
    ["a JSON name where the client sends proto names", () => post("GetCacheEntryDownloadURL", { key: "k", version: "v", restoreKeys: ["a"] }), 400, "malformed", /restoreKeys \(the client sends proto names: restore_keys\)/],
    ["an unknown nested field", () => post("CreateCacheEntry", { key: "k", version: "v", metadata: { repository_id: "1", scope: [{ scope: "s", permission: "1", extra: true }] } }), 400, "malformed", /metadata\.scope\.extra/],
    ["a field of the wrong type", () => post("CreateCacheEntry", { key: 5, version: "v" }), 400, "malformed", /not a github\.actions\.results\.api\.v1\.CreateCacheEntryRequest/],
    ["a missing field", () => post("FinalizeCacheEntryUpload", { key: "k", version: "v" }), 400, "invalid_argument", /size_bytes is required/],
    ["another token", () => post("CreateCacheEntry", { key: "k", version: "v" }, "someone-else"), 401, "unauthenticated", /not this run's runtime token/],
    ["a method the service does not have", () => post("DeleteCacheEntry", { key: "k" }), 404, "bad_route", /no method/],
    ["GET", () => fetch(`${cache.url}twirp/${SERVICE}/CreateCacheEntry`), 404, "bad_route", /only accepts POST/],
  ];
  for (const [what, send, status, code, msg] of refusals) {
    test(what, async () => {
      const violations = cache.violations.length;
      const response = await send();
      assert.equal(response.status, status);
      const body = (await response.json()) as { code: string; msg: string };
      assert.equal(body.code, code);
      assert.match(body.msg, msg);
      assert.equal(cache.violations.length, violations + 1, "recorded as a violation");
      cache.violations.length = violations;
    });
  }

  test("blob requests: a download URL cannot upload, a wrong signature is refused, as Azure answers (XML and x-ms-error-code)", async () => {
    const twirp = internalCacheTwirpClient();
    await twirp.CreateCacheEntry({ key: "prenv-test/sas", version: "v" });
    const upload = (await twirp.CreateCacheEntry({ key: "prenv-test/sas2", version: "v" })).signedUploadUrl;
    const forged = upload.replace(/sig=[^&]+/, "sig=forged");
    await assert.rejects(new BlockBlobClient(forged).uploadData(Buffer.from("x")), (e: Error & { statusCode?: number; code?: string }) => e.statusCode === 403 && e.code === "AuthorizationPermissionMismatch");
    const readOnly = upload.replace("sp=cw", "sp=r");
    await assert.rejects(new BlockBlobClient(readOnly).uploadData(Buffer.from("x")), (e: Error & { statusCode?: number }) => e.statusCode === 403);
    assert.equal(cache.violations.length, 2);
    cache.violations.length = 0;
  });
});

function randomData(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7919) % 251;
  return b;
}
