/**
 * A local stand-in for GitHub's REST API, for tests (there is no GitHub offline).
 *
 * Every request is checked against GitHub's own OpenAPI description (the npm package
 * @octokit/openapi): the method and path must be an operation of the description, path
 * and query parameters must be declared and fit their schemas, and a JSON body must fit
 * the operation's requestBody schema (Ajv, $refs resolved in the description). Anything
 * else is refused with 400/404 and recorded in `violations`. Answers are checked against
 * the operation's response schema before they are sent.
 *
 * It keeps issue comments, paginates them with Link headers as GitHub does, and knows
 * which account each token belongs to: a user (GET /user names it) or an app installation
 * like GITHUB_TOKEN (GET /user is refused; comments are by github-actions[bot]), and
 * whether the token is read-only (fork pull requests): then writes get GitHub's 403.
 *
 * It keeps deployments and their statuses too (create, list by environment, add a status, list statuses).
 * As GitHub does, a `success` status of a deployment makes the earlier deployments of the
 * same environment inactive (`auto_inactive`, true unless the request says false).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

interface OpenApiParameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: object;
  $ref?: string;
}

interface OpenApiOperation {
  operationId: string;
  parameters?: OpenApiParameter[];
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: object }> }>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { parameters: Record<string, OpenApiParameter>; responses: Record<string, { content?: Record<string, { schema: object }> }> };
}

export interface TokenIdentity {
  /** The account comments are written as. */
  login: string;
  /** user: a personal token (GET /user answers); app: an installation token such as GITHUB_TOKEN. */
  kind: "user" | "app";
  /** Writes are refused with 403 "Resource not accessible by integration". */
  readOnly?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  operationId?: string;
}

interface StoredComment {
  id: number;
  issue: number;
  login: string;
  kind: "user" | "app";
  body: string;
  created: string;
  updated: string;
}

export interface StoredDeploymentStatus {
  id: number;
  state: string;
  environmentUrl: string;
  logUrl: string;
  description: string;
  created: string;
}

export interface StoredDeployment {
  id: number;
  ref: string;
  environment: string;
  description: string;
  login: string;
  kind: "user" | "app";
  transient: boolean;
  production: boolean;
  created: string;
  statuses: StoredDeploymentStatus[];
}

const require = createRequire(import.meta.url);
const SPEC_PATH = require.resolve("@octokit/openapi/generated/api.github.com.json");
const READ_ONLY_MESSAGE = "Resource not accessible by integration";

let shared: { spec: OpenApiDocument; ajv: Ajv; routes: Route[] } | undefined;

interface Route {
  template: string;
  regex: RegExp;
  names: string[];
  literals: number;
}

function loadSpec(): NonNullable<typeof shared> {
  if (shared) return shared;
  const spec = JSON.parse(readFileSync(SPEC_PATH, "utf8")) as OpenApiDocument;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: "github", ...spec });
  const routes = Object.keys(spec.paths).map((template) => {
    const names: string[] = [];
    const pattern = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{([^}]+)\\?\}/g, (_, name: string) => {
      names.push(name);
      return "([^/]+)";
    });
    return { template, regex: new RegExp(`^${pattern}$`), names, literals: template.split("/").filter((p) => p && !p.startsWith("{")).length };
  });
  shared = { spec, ajv, routes };
  return shared;
}

/** A JSON pointer into the description, for Ajv to resolve. */
function pointer(...parts: string[]): string {
  return `github#/${parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;
}

export class GitHubStandIn {
  readonly requests: RecordedRequest[] = [];
  /** Requests or answers that did not fit GitHub's description: a test should end with none. */
  readonly violations: string[] = [];
  private readonly server: Server;
  private readonly tokens: Map<string, TokenIdentity>;
  private readonly owner: string;
  private readonly repo: string;
  private readonly comments: StoredComment[] = [];
  private readonly deployments: StoredDeployment[] = [];
  private readonly validators = new Map<string, ValidateFunction>();
  private nextId = 1000;
  url = "";

  private constructor(options: { tokens: Record<string, TokenIdentity>; repository: string }) {
    const [owner, repo] = options.repository.split("/");
    this.owner = owner!;
    this.repo = repo!;
    this.tokens = new Map(Object.entries(options.tokens));
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((e: unknown) => {
        this.violations.push(`stand-in crashed on ${req.method} ${req.url}: ${(e as Error).stack}`);
        res.writeHead(500).end();
      });
    });
  }

  static async start(options: { tokens: Record<string, TokenIdentity>; repository: string }): Promise<GitHubStandIn> {
    loadSpec();
    const standIn = new GitHubStandIn(options);
    await new Promise<void>((resolve) => standIn.server.listen(0, "127.0.0.1", resolve));
    const address = standIn.server.address();
    if (typeof address !== "object" || address === null) throw new Error("the stand-in has no address");
    standIn.url = `http://127.0.0.1:${address.port}`;
    return standIn;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Adds a comment as if `login` had written it (other people's comments, forged markers). */
  seedComment(issue: number, login: string, body: string, kind: "user" | "app" = "user"): number {
    const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    const id = this.nextId++;
    this.comments.push({ id, issue, login, kind, body, created: now, updated: now });
    return id;
  }

  /** The comments of an issue, oldest first. */
  commentsOn(issue: number): { id: number; login: string; body: string }[] {
    return this.comments.filter((c) => c.issue === issue).map((c) => ({ id: c.id, login: c.login, body: c.body }));
  }

  /** The deployments to `environment`, oldest first, with their statuses oldest first. */
  deploymentsTo(environment: string): StoredDeployment[] {
    return this.deployments.filter((d) => d.environment === environment);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const method = (req.method ?? "GET").toLowerCase();
    const raw = await new Promise<string>((resolve) => {
      let data = "";
      req.on("data", (c: Buffer) => (data += c.toString("utf8")));
      req.on("end", () => resolve(data));
    });
    const query = Object.fromEntries(url.searchParams);
    const record: RecordedRequest = { method: method.toUpperCase(), path: url.pathname, query, body: raw ? safeJson(raw) : undefined, status: 0 };
    this.requests.push(record);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}, operation?: { template: string; method: string; op: OpenApiOperation }) => {
      record.status = status;
      if (operation) this.checkResponse(operation, status, body);
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(body === undefined ? "" : JSON.stringify(body));
    };
    const refuse = (status: number, message: string) => {
      this.violations.push(`${method.toUpperCase()} ${url.pathname}${url.search}: ${message}`);
      reply(status, { message, documentation_url: "https://docs.github.com/rest" });
    };

    // 1. The operation.
    const { spec, routes } = loadSpec();
    const matches = routes.filter((r) => r.regex.test(url.pathname) && spec.paths[r.template]![method]).sort((a, b) => b.literals - a.literals);
    const route = matches[0];
    if (!route) return refuse(404, `no operation ${method.toUpperCase()} ${url.pathname} in GitHub's OpenAPI description`);
    const op = spec.paths[route.template]![method]!;
    record.operationId = op.operationId;
    const operation = { template: route.template, method, op };

    // 2. Parameters.
    const values = route.regex.exec(url.pathname)!.slice(1).map(decodeURIComponent);
    const params = (op.parameters ?? []).map((p) => (p.$ref ? spec.components.parameters[p.$ref.split("/").pop()!]! : p));
    const pathValues: Record<string, string> = {};
    for (const [i, name] of route.names.entries()) pathValues[name] = values[i]!;
    for (const p of params) {
      const value = p.in === "path" ? pathValues[p.name] : p.in === "query" ? query[p.name] : undefined;
      if (value === undefined) {
        if (p.required && (p.in === "path" || p.in === "query")) return refuse(400, `required ${p.in} parameter "${p.name}" is missing`);
        continue;
      }
      const problem = this.checkValue(p.schema ?? {}, value);
      if (problem) return refuse(400, `${p.in} parameter "${p.name}"=${JSON.stringify(value)} does not fit its schema: ${problem}`);
    }
    for (const name of Object.keys(query)) {
      if (!params.some((p) => p.in === "query" && p.name === name)) return refuse(400, `query parameter "${name}" is not a parameter of ${op.operationId}`);
    }

    // 3. The body.
    let body: unknown;
    if (op.requestBody) {
      const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim();
      if (!op.requestBody.content[type]) return refuse(415, `content type "${type}" is not one of ${Object.keys(op.requestBody.content).join(", ")}`);
      body = safeJson(raw);
      if (body === undefined) return refuse(400, "the body is not JSON");
      const validate = this.validator(pointer("paths", route.template, method, "requestBody", "content", type, "schema"));
      if (!validate(body)) return refuse(422, `the body does not fit ${op.operationId}'s requestBody: ${this.ajvErrors(validate)}`);
    } else if (raw.trim() !== "") {
      return refuse(400, `${op.operationId} takes no body`);
    }

    // 4. Who is asking.
    const auth = req.headers.authorization ?? "";
    const token = /^(token|bearer) (.+)$/i.exec(auth)?.[2];
    const identity = token ? this.tokens.get(token) : undefined;
    if (!identity) return reply(401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" });

    // 5. The operations this stand-in implements.
    if (`${this.owner}/${this.repo}` !== `${pathValues.owner ?? this.owner}/${pathValues.repo ?? this.repo}`) {
      return reply(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" }, {}, operation);
    }
    const forbidden = (docs: string) => reply(403, { message: READ_ONLY_MESSAGE, documentation_url: docs, status: "403" }, {}, operation);
    switch (op.operationId) {
      case "users/get-authenticated":
        if (identity.kind === "app") return forbidden("https://docs.github.com/rest/users/users#get-the-authenticated-user");
        return reply(200, privateUser(identity.login, this.url), {}, operation);
      case "issues/list-comments": {
        const issue = Number(pathValues.issue_number);
        const perPage = Math.min(100, Number(query.per_page ?? 30));
        const page = Number(query.page ?? 1);
        const all = this.comments.filter((c) => c.issue === issue);
        const last = Math.max(1, Math.ceil(all.length / perPage));
        const slice = all.slice((page - 1) * perPage, page * perPage);
        const link = (p: number) => `<${this.url}/repos/${this.owner}/${this.repo}/issues/${issue}/comments?per_page=${perPage}&page=${p}>`;
        const rels = [...(page < last ? [`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`] : []), ...(page > 1 ? [`${link(1)}; rel="first"`, `${link(page - 1)}; rel="prev"`] : [])];
        return reply(200, slice.map((c) => this.commentJson(c)), rels.length ? { link: rels.join(", ") } : {}, operation);
      }
      case "issues/create-comment": {
        if (identity.readOnly) return forbidden("https://docs.github.com/rest/issues/comments#create-an-issue-comment");
        const issue = Number(pathValues.issue_number);
        const id = this.seedComment(issue, identity.kind === "app" ? "github-actions[bot]" : identity.login, (body as { body: string }).body, identity.kind);
        const stored = this.comments.find((c) => c.id === id)!;
        return reply(201, this.commentJson(stored), { location: `${this.url}/repos/${this.owner}/${this.repo}/issues/comments/${id}` }, operation);
      }
      case "issues/update-comment": {
        if (identity.readOnly) return forbidden("https://docs.github.com/rest/issues/comments#update-an-issue-comment");
        const stored = this.comments.find((c) => c.id === Number(pathValues.comment_id));
        if (!stored) return reply(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest/issues/comments#update-an-issue-comment", status: "404" }, {}, operation);
        const writer = identity.kind === "app" ? "github-actions[bot]" : identity.login;
        if (stored.login !== writer) this.violations.push(`${writer} edited comment ${stored.id} of ${stored.login}`);
        stored.body = (body as { body: string }).body;
        stored.updated = new Date().toISOString().replace(/\.\d+Z$/, "Z");
        return reply(200, this.commentJson(stored), {}, operation);
      }
      case "repos/create-deployment": {
        if (identity.readOnly) return forbidden("https://docs.github.com/rest/deployments/deployments#create-a-deployment");
        const b = body as { ref: string; environment?: string; description?: string | null; transient_environment?: boolean; production_environment?: boolean; required_contexts?: string[] };
        // Without required_contexts: [], GitHub checks the ref's commit statuses first; the stand-in has none to check.
        if (b.required_contexts === undefined) this.violations.push("create-deployment without required_contexts: GitHub would wait for the commit's checks (409 while they run)");
        const d: StoredDeployment = { id: this.nextId++, ref: b.ref, environment: b.environment ?? "production", description: b.description ?? "", login: identity.kind === "app" ? "github-actions[bot]" : identity.login, kind: identity.kind, transient: b.transient_environment ?? false, production: b.production_environment ?? (b.environment ?? "production") === "production", created: now(), statuses: [] };
        this.deployments.push(d);
        return reply(201, this.deploymentJson(d), {}, operation);
      }
      case "repos/list-deployments": {
        const perPage = Math.min(100, Number(query.per_page ?? 30));
        const found = this.deployments.filter((d) => (query.environment === undefined || d.environment === query.environment) && (query.ref === undefined || d.ref === query.ref)).reverse();
        return reply(200, found.slice(0, perPage).map((d) => this.deploymentJson(d)), {}, operation);
      }
      case "repos/list-deployment-statuses": {
        const d = this.deployments.find((x) => x.id === Number(pathValues.deployment_id));
        if (!d) return reply(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest/deployments/statuses#list-deployment-statuses", status: "404" }, {}, operation);
        const perPage = Math.min(100, Number(query.per_page ?? 30));
        // Newest first, as GitHub lists them.
        return reply(200, [...d.statuses].reverse().slice(0, perPage).map((st) => this.deploymentStatusJson(d, st)), {}, operation);
      }
      case "repos/create-deployment-status": {
        if (identity.readOnly) return forbidden("https://docs.github.com/rest/deployments/statuses#create-a-deployment-status");
        const d = this.deployments.find((x) => x.id === Number(pathValues.deployment_id));
        if (!d) return reply(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest/deployments/statuses#create-a-deployment-status", status: "404" }, {}, operation);
        const b = body as { state: string; environment_url?: string; log_url?: string; description?: string; auto_inactive?: boolean };
        const status: StoredDeploymentStatus = { id: this.nextId++, state: b.state, environmentUrl: b.environment_url ?? "", logUrl: b.log_url ?? "", description: b.description ?? "", created: now() };
        d.statuses.push(status);
        if (b.state === "success" && b.auto_inactive !== false) {
          for (const other of this.deployments) {
            const last = other.statuses.at(-1);
            if (other !== d && other.environment === d.environment && last && last.state !== "inactive") other.statuses.push({ ...last, id: this.nextId++, state: "inactive", created: now() });
          }
        }
        return reply(201, this.deploymentStatusJson(d, status), { location: `${this.url}/repos/${this.owner}/${this.repo}/deployments/${d.id}/statuses/${status.id}` }, operation);
      }
      default:
        return refuse(501, `${op.operationId} is in GitHub's description but this stand-in does not implement it`);
    }
  }

  private validator(ref: string): ValidateFunction {
    let v = this.validators.get(ref);
    if (!v) {
      v = loadSpec().ajv.compile({ $ref: ref });
      this.validators.set(ref, v);
    }
    return v;
  }

  private ajvErrors(v: ValidateFunction): string {
    return (v.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || "(root)"} ${e.message}`).join("; ");
  }

  /** Path and query values are text: numbers and booleans are read as their schema says. */
  private checkValue(schema: object, value: string): string | undefined {
    const type = (schema as { type?: string }).type;
    const typed = type === "integer" || type === "number" ? (value.trim() === "" ? NaN : Number(value)) : type === "boolean" ? (value === "true" ? true : value === "false" ? false : value) : value;
    const validate = loadSpec().ajv.compile(schema);
    return validate(typed) ? undefined : this.ajvErrors(validate);
  }

  private checkResponse(operation: { template: string; method: string; op: OpenApiOperation }, status: number, body: unknown): void {
    const { spec } = loadSpec();
    const declared = operation.op.responses[String(status)];
    let ref: string;
    if (declared?.$ref) {
      const name = declared.$ref.split("/").pop()!;
      if (!spec.components.responses[name]?.content?.["application/json"]) return;
      ref = pointer("components", "responses", name, "content", "application/json", "schema");
    } else if (declared?.content?.["application/json"]) {
      ref = pointer("paths", operation.template, operation.method, "responses", String(status), "content", "application/json", "schema");
    } else if (status >= 400) {
      // GitHub answers errors the description does not list (403 on a read-only token) with its basic error.
      ref = pointer("components", "schemas", "basic-error");
    } else {
      this.violations.push(`the stand-in answered ${operation.op.operationId} with ${status}, which the description does not declare`);
      return;
    }
    const validate = this.validator(ref);
    if (!validate(body)) this.violations.push(`the stand-in's ${status} answer to ${operation.op.operationId} does not fit the description: ${this.ajvErrors(validate)}`);
  }

  private deploymentJson(d: StoredDeployment): object {
    const api = `${this.url}/repos/${this.owner}/${this.repo}`;
    return {
      url: `${api}/deployments/${d.id}`,
      id: d.id,
      node_id: `DE_${Buffer.from(String(d.id)).toString("base64")}`,
      sha: /^[0-9a-f]{40}$/.test(d.ref) ? d.ref : "0".repeat(40),
      ref: d.ref,
      task: "deploy",
      payload: {},
      original_environment: d.environment,
      environment: d.environment,
      description: d.description,
      creator: simpleUser(d.login, d.kind === "app" ? "Bot" : "User", this.url),
      created_at: d.created,
      updated_at: d.statuses.at(-1)?.created ?? d.created,
      statuses_url: `${api}/deployments/${d.id}/statuses`,
      repository_url: api,
      transient_environment: d.transient,
      production_environment: d.production,
    };
  }

  private deploymentStatusJson(d: StoredDeployment, s: StoredDeploymentStatus): object {
    const api = `${this.url}/repos/${this.owner}/${this.repo}`;
    return {
      url: `${api}/deployments/${d.id}/statuses/${s.id}`,
      id: s.id,
      node_id: `DES_${Buffer.from(String(s.id)).toString("base64")}`,
      state: s.state,
      creator: simpleUser(d.login, d.kind === "app" ? "Bot" : "User", this.url),
      description: s.description,
      environment: d.environment,
      // target_url is the old name of log_url; GitHub still answers with it.
      target_url: s.logUrl,
      created_at: s.created,
      updated_at: s.created,
      deployment_url: `${api}/deployments/${d.id}`,
      repository_url: api,
      // GitHub answers "" for these when unset, which their uri format refuses: left out instead (they are optional).
      ...(s.environmentUrl ? { environment_url: s.environmentUrl } : {}),
      ...(s.logUrl ? { log_url: s.logUrl } : {}),
    };
  }

  private commentJson(c: StoredComment): object {
    const api = `${this.url}/repos/${this.owner}/${this.repo}`;
    return {
      id: c.id,
      node_id: `IC_${Buffer.from(String(c.id)).toString("base64")}`,
      url: `${api}/issues/comments/${c.id}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${api}/issues/${c.issue}`,
      body: c.body,
      user: simpleUser(c.login, c.kind === "app" ? "Bot" : "User", this.url),
      created_at: c.created,
      updated_at: c.updated,
      author_association: c.kind === "app" ? "NONE" : "CONTRIBUTOR",
    };
  }
}

function simpleUser(login: string, type: "User" | "Bot", base: string): Record<string, unknown> {
  const id = [...login].reduce((n, c) => (n * 31 + c.charCodeAt(0)) % 1_000_000, 7);
  const url = `${base}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: "",
    url,
    html_url: `https://github.com/${encodeURIComponent(login)}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    user_view_type: "public",
    site_admin: false,
  };
}

function privateUser(login: string, base: string): Record<string, unknown> {
  return {
    ...simpleUser(login, "User", base),
    user_view_type: "private",
    name: null,
    company: null,
    blog: "",
    location: null,
    email: null,
    hireable: null,
    bio: null,
    public_repos: 3,
    public_gists: 0,
    followers: 1,
    following: 0,
    created_at: "2020-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 10,
    collaborators: 0,
    two_factor_authentication: true,
  };
}

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, "Z");
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
