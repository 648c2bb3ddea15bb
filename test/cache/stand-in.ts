/**
 * A local stand-in for the Actions cache service (v2) and the blob storage it signs URLs
 * for, for tests: real `saveCache` / `restoreCache` calls of @actions/cache save and
 * restore real entries here.
 *
 * The twirp side is checked against the package's own generated description
 * (@actions/cache/lib/generated/results/api/v1/cache.js: the CacheService ServiceType and
 * its protobuf-ts MessageTypes): POST only, `/twirp/<service>/<method>` of a method the
 * service has, `Authorization: Bearer <runtime token>`, `Content-Type: application/json`,
 * a JSON body whose every field (nested ones too) is a field of the request message under
 * its proto name (the generated client sends `useProtoFieldName`), of the right type
 * (the MessageType's strict `fromJson`), with the fields the service needs present.
 * Anything else gets twirp's error shape (`{ code, msg }` with its HTTP status) and is
 * recorded in `violations`. Answers are made with the response MessageType's `toJson`.
 *
 * The signed URLs are on `<account>.blob.core.windows.net`, as GitHub's are, so that the
 * package takes the same paths it takes on GitHub (the Azure SDK for the upload and for
 * the ranged download). The server is also an HTTP proxy for that host: the step runs
 * with HTTP_PROXY pointing here (and NO_PROXY for 127.0.0.1). The blob side implements
 * Put Blob, Put Block, Put Block List, Get Blob Properties and Get Blob with ranges
 * (`x-ms-range` or `Range`), checks the SAS (signature, permission, expiry), `x-ms-version`
 * and `x-ms-blob-type`, and answers errors as Azure does (XML, `x-ms-error-code`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { IMessageType, JsonValue } from "@protobuf-ts/runtime";
import { CacheService } from "../../node_modules/@actions/cache/lib/generated/results/api/v1/cache.js";

export const SERVICE = CacheService.typeName;
/** The storage account of the signed URLs; reached through this server as a proxy. */
export const BLOB_HOST = "prenvstandin.blob.core.windows.net";
const CONTAINER = "actions-cache";

/** What the service needs of each request (proto3 marks no field required; the real service refuses these empty). */
const REQUIRED: Record<string, string[]> = {
  CreateCacheEntry: ["key", "version"],
  FinalizeCacheEntryUpload: ["key", "version", "size_bytes"],
  GetCacheEntryDownloadURL: ["key", "version"],
};

/** Twirp's codes and their HTTP statuses (twitchtv/twirp spec v7). */
const TWIRP_STATUS = { bad_route: 404, malformed: 400, invalid_argument: 400, unauthenticated: 401, permission_denied: 403, not_found: 404, already_exists: 409, internal: 500 } as const;
type TwirpCode = keyof typeof TWIRP_STATUS;

export interface CacheEntry {
  id: number;
  key: string;
  version: string;
  blob: string;
  /** Order of creation: a prefix answers with the newest. */
  created: number;
  finalized: boolean;
  size?: number;
}

export interface RecordedCacheRequest {
  /** "twirp" for the service, "blob" for the storage. */
  side: "twirp" | "blob";
  method: string;
  /** The twirp method, or the blob operation (PutBlob, PutBlock, PutBlockList, GetBlobProperties, GetBlob). */
  operation: string;
  path: string;
  status: number;
  body?: unknown;
  /** x-ms-range or Range of a GetBlob. */
  range?: string;
}

interface Blob {
  data?: Buffer;
  blocks: Map<string, Buffer>;
  uploadSig: string;
  downloadSig: string;
  lastModified: Date;
  etag: string;
}

export interface CacheStandInOptions {
  token: string;
  /** The token is read-only: CreateCacheEntry answers as GitHub does for untrusted triggers ("cache write denied: ..."). */
  writeDenied?: boolean;
  /** The token may not read: GetCacheEntryDownloadURL is refused with permission_denied ("cache read denied: ..."). */
  readDenied?: boolean;
}

type MessageFields = IMessageType<object>["fields"];

export class CacheStandIn {
  readonly requests: RecordedCacheRequest[] = [];
  readonly violations: string[] = [];
  readonly entries: CacheEntry[] = [];
  private readonly blobs = new Map<string, Blob>();
  private seq = 0;
  options: CacheStandInOptions;
  readonly url: string;
  private readonly server: Server;
  private constructor(server: Server, url: string, options: CacheStandInOptions) {
    this.server = server;
    this.url = url;
    this.options = options;
  }

  static async start(options: CacheStandInOptions): Promise<CacheStandIn> {
    let standIn: CacheStandIn | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        try {
          standIn!.handle(req, res, Buffer.concat(chunks));
        } catch (e) {
          standIn!.violations.push(`stand-in crashed on ${req.method} ${req.url}: ${(e as Error).stack}`);
          if (!res.headersSent) res.writeHead(500).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    standIn = new CacheStandIn(server, `http://127.0.0.1:${port}/`, options);
    return standIn;
  }

  /** What a step needs in its environment to use this service (ACTIONS_RESULTS_URL, the token, v2, the proxy for the blob host). */
  env(): Record<string, string> {
    return { ACTIONS_RESULTS_URL: this.url, ACTIONS_RUNTIME_TOKEN: this.options.token, ACTIONS_CACHE_SERVICE_V2: "true", HTTP_PROXY: this.url, NO_PROXY: "127.0.0.1,localhost" };
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The bytes of a finalized entry. */
  bytesOf(entry: CacheEntry): Buffer | undefined {
    return this.blobs.get(entry.blob)?.data;
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const url = new URL(req.url ?? "/", this.url);
    if (url.host === BLOB_HOST || req.headers.host === BLOB_HOST) return this.blob(req, res, url, body);
    if (!url.pathname.startsWith("/twirp/")) return this.twirpError(res, { method: req.method ?? "", operation: "?", path: url.pathname }, "bad_route", `no route ${req.method} ${url.pathname}`);
    return this.twirp(req, res, url, body);
  }

  // ---- the twirp service ----

  private twirp(req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): void {
    const [, , service, methodName, ...rest] = url.pathname.split("/");
    const record = { method: req.method ?? "", operation: methodName ?? "", path: url.pathname };
    if (req.method !== "POST") return this.twirpError(res, record, "bad_route", `twirp only accepts POST, not ${req.method}`);
    const method = service === SERVICE && rest.length === 0 ? CacheService.methods.find((m) => m.name === methodName) : undefined;
    if (!method) return this.twirpError(res, record, "bad_route", `no method ${service}/${methodName}`);
    const auth = req.headers.authorization;
    if (auth !== `Bearer ${this.options.token}`) return this.twirpError(res, record, "unauthenticated", auth ? "the bearer token is not this run's runtime token" : "no Authorization: Bearer header");
    const contentType = (req.headers["content-type"] ?? "").split(";")[0]!.trim();
    if (contentType !== "application/json") return this.twirpError(res, record, "bad_route", `Content-Type ${contentType || "(none)"}: the JSON client sends application/json`);
    let json: JsonValue;
    try {
      json = JSON.parse(raw.toString("utf8")) as JsonValue;
    } catch (e) {
      return this.twirpError(res, record, "malformed", `the body is not JSON: ${(e as Error).message}`);
    }
    const unknown = unknownFields(method.I.fields, json, "");
    if (unknown.length) return this.twirpError(res, { ...record, body: json }, "malformed", `unknown fields of ${method.I.typeName}: ${unknown.join(", ")}`);
    let message: Record<string, unknown>;
    try {
      message = method.I.fromJson(json, { ignoreUnknownFields: false }) as Record<string, unknown>;
    } catch (e) {
      return this.twirpError(res, { ...record, body: json }, "malformed", `the body is not a ${method.I.typeName}: ${(e as Error).message}`);
    }
    const obj = json as Record<string, unknown>;
    const missing = (REQUIRED[method.name] ?? []).filter((f) => obj[f] === undefined || obj[f] === "");
    if (missing.length) return this.twirpError(res, { ...record, body: json }, "invalid_argument", `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} required`);
    const answer = this.call(method.name, message);
    if ("error" in answer) return this.twirpError(res, { ...record, body: json }, answer.error.code, answer.error.msg);
    const out = method.O.toJson(method.O.create(answer.ok), { useProtoFieldName: true });
    this.requests.push({ side: "twirp", ...record, status: 200, body: json });
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(out));
  }

  private call(method: string, m: Record<string, unknown>): { ok: Record<string, unknown> } | { error: { code: TwirpCode; msg: string } } {
    const key = String(m.key);
    const version = String(m.version);
    if (method === "CreateCacheEntry") {
      if (this.options.writeDenied) return { ok: { ok: false, message: `cache write denied: the token of this run is read-only (key ${key})` } };
      if (this.entries.some((e) => e.key === key && e.version === version)) return { ok: { ok: false, message: `an entry with key ${key} already exists` } };
      const blob = `${randomBytes(8).toString("hex")}.tzst`;
      this.blobs.set(blob, { blocks: new Map(), uploadSig: randomBytes(16).toString("base64"), downloadSig: randomBytes(16).toString("base64"), lastModified: new Date(), etag: `"0x${randomBytes(8).toString("hex").toUpperCase()}"` });
      this.entries.push({ id: this.entries.length + 1, key, version, blob, created: ++this.seq, finalized: false });
      return { ok: { ok: true, signedUploadUrl: this.signed(blob, "cw") } };
    }
    if (method === "FinalizeCacheEntryUpload") {
      const entry = this.entries.find((e) => e.key === key && e.version === version && !e.finalized);
      if (!entry) return { error: { code: "not_found", msg: `no reserved entry with key ${key} and version ${version}` } };
      const data = this.blobs.get(entry.blob)?.data;
      const size = Number(m.sizeBytes);
      if (!data) return { ok: { ok: false, message: `nothing was uploaded for key ${key}` } };
      if (data.length !== size) return { ok: { ok: false, message: `size_bytes ${size} is not the ${data.length} bytes uploaded` } };
      entry.finalized = true;
      entry.size = size;
      return { ok: { ok: true, entryId: String(entry.id) } };
    }
    // GetCacheEntryDownloadURL: the exact key, else the newest entry of each restore key's prefix in turn.
    if (this.options.readDenied) return { error: { code: "permission_denied", msg: "cache read denied: the token of this run has no readable cache scope" } };
    const usable = this.entries.filter((e) => e.finalized && e.version === version);
    const newest = (match: (e: CacheEntry) => boolean) => usable.filter(match).sort((a, b) => b.created - a.created)[0];
    let hit = newest((e) => e.key === key);
    for (const prefix of (m.restoreKeys as string[]) ?? []) hit ??= newest((e) => e.key.startsWith(prefix));
    if (!hit) return { ok: { ok: false } };
    return { ok: { ok: true, signedDownloadUrl: this.signed(hit.blob, "r"), matchedKey: hit.key } };
  }

  private signed(blob: string, permission: "cw" | "r"): string {
    const b = this.blobs.get(blob)!;
    const expiry = new Date(Date.now() + 10 * 60_000).toISOString().replace(/\.\d+Z$/, "Z");
    const sig = permission === "r" ? b.downloadSig : b.uploadSig;
    return `http://${BLOB_HOST}/${CONTAINER}/${blob}?sv=2025-01-05&sr=b&sp=${permission}&se=${encodeURIComponent(expiry)}&sig=${encodeURIComponent(sig)}`;
  }

  private twirpError(res: ServerResponse, record: Omit<RecordedCacheRequest, "side" | "status">, code: TwirpCode, msg: string): void {
    const status = TWIRP_STATUS[code];
    this.requests.push({ side: "twirp", ...record, status });
    // A denial is the service's answer to a token, not a mistake of the client.
    if (code !== "permission_denied") this.violations.push(`${record.method} ${record.path}: ${code}: ${msg}`);
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ code, msg }));
  }

  // ---- the blob storage ----

  private blob(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): void {
    const method = req.method ?? "";
    const comp = url.searchParams.get("comp");
    const operation = method === "PUT" ? (comp === "block" ? "PutBlock" : comp === "blocklist" ? "PutBlockList" : comp === null ? "PutBlob" : `PUT comp=${comp}`) : method === "HEAD" ? "GetBlobProperties" : method === "GET" && comp === null ? "GetBlob" : `${method} comp=${comp}`;
    const range = req.headers["x-ms-range"] ?? req.headers.range;
    const record = { side: "blob" as const, method, operation, path: url.pathname, ...(typeof range === "string" ? { range } : {}) };
    const fail = (status: number, code: string, message: string, violation = true) => {
      this.requests.push({ ...record, status });
      if (violation) this.violations.push(`${method} ${url.pathname}?${url.searchParams}: ${code}: ${message}`);
      res.writeHead(status, { "content-type": "application/xml", "x-ms-error-code": code });
      res.end(method === "HEAD" ? undefined : `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
    };
    const [, container, name, ...extra] = url.pathname.split("/");
    const blob = container === CONTAINER && extra.length === 0 && name ? this.blobs.get(name) : undefined;
    if (!blob) return fail(404, "BlobNotFound", `no blob ${url.pathname}`);
    const sp = url.searchParams.get("sp") ?? "";
    const sig = url.searchParams.get("sig");
    const expiry = Date.parse(url.searchParams.get("se") ?? "");
    const write = method === "PUT";
    if (sig !== (write ? blob.uploadSig : blob.downloadSig) || !(write ? sp.includes("w") : sp.includes("r"))) return fail(403, "AuthorizationPermissionMismatch", `the signature does not allow ${operation}`);
    if (!(expiry > Date.now())) return fail(403, "AuthenticationFailed", "the signed URL has expired");
    if (!req.headers["x-ms-version"]) return fail(400, "MissingRequiredHeader", "x-ms-version is required");
    const headers = (extraHeaders: Record<string, string> = {}) => ({ "x-ms-request-id": randomBytes(8).toString("hex"), "x-ms-version": String(req.headers["x-ms-version"]), date: new Date().toUTCString(), ...extraHeaders });
    const written = () => {
      blob.lastModified = new Date();
      blob.etag = `"0x${randomBytes(8).toString("hex").toUpperCase()}"`;
    };
    if (write) {
      if (req.headers["content-length"] === undefined || Number(req.headers["content-length"]) !== body.length) return fail(411, "MissingContentLengthHeader", "Content-Length must give the body's length");
      if (operation === "PutBlob") {
        if (req.headers["x-ms-blob-type"] !== "BlockBlob") return fail(400, "MissingRequiredHeader", "x-ms-blob-type: BlockBlob is required");
        blob.data = body;
        written();
      } else if (operation === "PutBlock") {
        const id = url.searchParams.get("blockid");
        if (!id || Buffer.from(id, "base64").toString("base64") !== id) return fail(400, "InvalidQueryParameterValue", "blockid must be base64");
        blob.blocks.set(id, body);
      } else if (operation === "PutBlockList") {
        const ids = [...body.toString("utf8").matchAll(/<(Latest|Uncommitted|Committed)>([^<]*)<\/\1>/g)].map((m) => m[2]!);
        if (!/^\s*(<\?xml[^>]*\?>)?\s*<BlockList>/.test(body.toString("utf8")) || ids.length === 0) return fail(400, "InvalidXmlDocument", "the body is not a <BlockList> of block ids");
        const parts = ids.map((id) => blob.blocks.get(id));
        if (parts.some((p) => p === undefined)) return fail(400, "InvalidBlockList", "the list names a block that was not put");
        blob.data = Buffer.concat(parts as Buffer[]);
        blob.blocks.clear();
        written();
      } else {
        return fail(400, "UnsupportedQueryParameter", `${operation} is not supported here`);
      }
      this.requests.push({ ...record, status: 201 });
      res.writeHead(201, headers({ etag: blob.etag, "last-modified": blob.lastModified.toUTCString(), "x-ms-request-server-encrypted": "true" })).end();
      return;
    }
    if (!blob.data) return fail(404, "BlobNotFound", "the blob has no committed content");
    const data = blob.data;
    const common = { etag: blob.etag, "last-modified": blob.lastModified.toUTCString(), "x-ms-blob-type": "BlockBlob", "accept-ranges": "bytes", "content-type": "application/octet-stream" };
    if (operation === "GetBlobProperties") {
      this.requests.push({ ...record, status: 200 });
      res.writeHead(200, headers({ ...common, "content-length": String(data.length) })).end();
      return;
    }
    if (operation !== "GetBlob") return fail(400, "UnsupportedQueryParameter", `${operation} is not supported here`);
    if (typeof range === "string") {
      const m = /^bytes=(\d+)-(\d*)$/.exec(range);
      if (!m) return fail(400, "InvalidRange", `range ${range} is not bytes=start-end`);
      const start = Number(m[1]);
      const end = Math.min(m[2] ? Number(m[2]) : data.length - 1, data.length - 1);
      if (start >= data.length || end < start) return fail(416, "InvalidRange", `range ${range} is outside the blob's ${data.length} bytes`);
      this.requests.push({ ...record, status: 206 });
      res.writeHead(206, headers({ ...common, "content-length": String(end - start + 1), "content-range": `bytes ${start}-${end}/${data.length}` })).end(data.subarray(start, end + 1));
      return;
    }
    this.requests.push({ ...record, status: 200 });
    res.writeHead(200, headers({ ...common, "content-length": String(data.length) })).end(data);
  }
}

/** Keys of `json` (and of its nested messages) that are not proto field names of the message. */
function unknownFields(fields: MessageFields, json: JsonValue, at: string): string[] {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return [`${at || "(the body)"} is not an object`];
  const out: string[] = [];
  for (const [name, value] of Object.entries(json)) {
    const field = fields.find((f) => f.name === name);
    if (!field) {
      const byJsonName = fields.find((f) => f.jsonName === name);
      out.push(`${at}${name}${byJsonName ? ` (the client sends proto names: ${byJsonName.name})` : ""}`);
      continue;
    }
    if (field.kind === "message" && value !== null) {
      const type = field.T();
      for (const item of field.repeat ? (Array.isArray(value) ? value : [value]) : [value]) out.push(...unknownFields(type.fields, item as JsonValue, `${at}${name}.`));
    }
  }
  return out;
}
