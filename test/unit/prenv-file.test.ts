import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { loadEnvironment, type EnvironmentLoadOptions } from "../../src/definition/environment.ts";
import { DefinitionError } from "../../src/definition/errors.ts";
import { endpointVariables } from "../../src/engine/endpoints.ts";
import { endpointText } from "../../src/cli/format.ts";
import { planEnvironment } from "../../src/plan/plan.ts";
import { project, type Files } from "./compose-fixture.ts";

const COMPOSE = `services:
  db:
    image: postgres:\${db_version}
  api:
    image: acme/api
    ports: ["8080"]
    environment:
      WORKERS: \${workers}
      FEATURES: \${features}
      SEARCH: \${search}
`;

const PRENV = `compose: [compose.yaml]
params:
  db_version: { type: enum, values: ["15", "16"], default: "16", description: Postgres major version }
  workers: { type: integer, default: 2 }
  features: { type: list, default: [a, b] }
  search: { type: boolean, default: false }
  ratio: { type: number, default: 0.5 }
  token: { type: string, required: true }
setup:
  - exec: { service: db, command: psql -U app -c "select 1" }
  - name: seed
    run: { image: acme/seed, command: [seed, --all], env: { DB: db } }
    timeout: 30s
  - http: { service: api, port: 8080, path: healthz, expect: { status: 204, body: ok } }
  - copy: { service: db, from: seed.sql, to: /seed/ }
test:
  command: npm run test:integration
  reports: reports/*.xml
  timeout: 10m
  env: { CI: true }
`;

function loadWith(files: Files, options: Partial<EnvironmentLoadOptions> = {}) {
  const dir = project(files);
  return { env: loadEnvironment({ cwd: dir, env: {}, ...options }), dir };
}

function failsWith(files: Files, options: Partial<EnvironmentLoadOptions> = {}) {
  const dir = project(files);
  try {
    loadEnvironment({ cwd: dir, env: {}, ...options });
  } catch (e) {
    assert.ok(e instanceof DefinitionError);
    return { diagnostics: e.diagnostics, dir };
  }
  assert.fail("expected the definition to be refused");
}

const base: Files = { "compose.yaml": COMPOSE, "prenv.yml": PRENV, "seed.sql": "select 1;\n" };

describe("prenv.yml: parameters", () => {
  test("defaults feed interpolation of the compose files, typed and rendered", () => {
    const { env } = loadWith(base, { set: ["token=abc"] });
    assert.equal(env.definition.services.db!.image, "postgres:16");
    assert.deepEqual(env.definition.services.api!.environment, { WORKERS: "2", FEATURES: "a,b", SEARCH: "false" });
    assert.equal(env.params.workers!.value, 2);
    assert.equal(env.params.ratio!.value, 0.5);
    assert.deepEqual(env.params.features!.value, ["a", "b"]);
    assert.equal(env.params.token!.origin, "--set");
  });

  test("precedence: --set over --params-file over PRENV_PARAM_* over the default", () => {
    const files = { ...base, "p1.yml": "workers: 5\ndb_version: '15'\n", "p2.json": '{ "workers": 6 }' };
    const { env } = loadWith(files, { set: ["token=t", "search=yes"], paramsFiles: ["p1.yml", "p2.json"], env: { PRENV_PARAM_WORKERS: "4", PRENV_PARAM_FEATURES: "x,y,z" } });
    assert.equal(env.params.workers!.value, 6, "the later params file wins over the earlier and over the environment");
    assert.equal(env.params.workers!.origin, "params file");
    assert.equal(env.params.db_version!.value, "15");
    assert.deepEqual(env.params.features!.value, ["x", "y", "z"]);
    assert.equal(env.params.features!.origin, "environment");
    assert.equal(env.params.search!.value, true);
    const { env: again } = loadWith(files, { set: ["token=t", "workers=9"], paramsFiles: ["p1.yml", "p2.json"], env: { PRENV_PARAM_WORKERS: "4" } });
    assert.equal(again.params.workers!.value, 9);
  });

  test("parameters win over environment variables of the same name in interpolation", () => {
    const { env } = loadWith(base, { set: ["token=t"], env: { db_version: "99" } });
    assert.equal(env.definition.services.db!.image, "postgres:16");
  });

  test("wrong types, unknown names and missing required values are errors that say how to fix them", () => {
    const { diagnostics } = failsWith(base, { set: ["workers=many", "db_version=17", "wrokers=3", "search=perhaps"] });
    const messages = diagnostics.map((d) => `${d.message} | ${d.hint}`);
    assert.ok(messages.some((m) => /--set workers=many: parameter "workers" must be a whole number, not "many"/.test(m)), messages.join("\n"));
    assert.ok(messages.some((m) => /parameter "db_version" must be one of "15", "16", not "17" \| use one of 15, 16/.test(m)));
    assert.ok(messages.some((m) => /unknown parameter "wrokers" \| did you mean "workers"\?/.test(m)));
    assert.ok(messages.some((m) => /"search" must be true or false/.test(m)));
    assert.ok(messages.some((m) => /parameter "token" is required and has no value \| set PRENV_SECRET_TOKEN \(or pass it in the Action's secrets input\)/.test(m)));
    const required = diagnostics.find((d) => d.message.includes('"token" is required'))!;
    assert.deepEqual(required.location && { line: required.location.line, column: required.location.column }, { line: 8, column: 3 });
  });

  test("a bad parameter declaration points at its line and column", () => {
    const { diagnostics } = failsWith({ ...base, "prenv.yml": `compose: [compose.yaml]\nparams:\n  db_version: { type: enumm, values: ["15"] }\n  workers: { type: integer, default: two }\n  x: { type: string, defualt: a }\n` });
    assert.deepEqual(diagnostics.map((d) => [d.location?.line, d.location?.column, d.message, d.hint]), [
      [3, 23, 'parameter "db_version" has type "enumm", which is not a parameter type', 'did you mean "enum"?'],
      [4, 38, 'the default of parameter "workers" must be a whole number, not "two"', "give an integer"],
      [5, 22, 'unknown key "defualt" in parameter "x"', 'did you mean "default"?'],
    ]);
  });
});

describe("prenv.yml: setup and test", () => {
  test("steps and the test command are read with their defaults", () => {
    const { env, dir } = loadWith(base, { set: ["token=t"] });
    assert.deepEqual(env.setup.map((s) => [s.kind, s.name, s.timeoutMs]), [
      ["exec", "exec in db: psql -U app -c select 1", 120_000],
      ["run", "seed", 30_000],
      ["http", "GET api:8080/healthz", 120_000],
      ["copy", "copy seed.sql to db:/seed/", 120_000],
    ]);
    const exec = env.setup[0]!;
    assert.ok(exec.kind === "exec");
    assert.deepEqual(exec.command, ["psql", "-U", "app", "-c", "select 1"]);
    const http = env.setup[2]!;
    assert.ok(http.kind === "http");
    assert.equal(http.expectStatus, 204);
    assert.equal(http.expectBody, "ok");
    const copy = env.setup[3]!;
    assert.ok(copy.kind === "copy");
    assert.equal(copy.from, join(dir, "seed.sql"));
    assert.ok(env.test && env.test.mode === "command");
    assert.deepEqual(env.test.command, ["/bin/sh", "-c", "npm run test:integration"]);
    assert.equal(env.test.timeoutMs, 600_000);
    assert.deepEqual(env.test.reports, ["reports/*.xml"]);
    assert.deepEqual(env.test.env, { CI: "true" });
    assert.equal(env.test.workdir, dir);
  });

  test("bad steps are refused with positions and hints", () => {
    const prenv = `services:
  db: { image: postgres }
setup:
  - exec: { servce: db, command: [true] }
  - http: { service: dbb, port: 80 }
  - copy: { service: db, from: missing.sql, to: seed/ }
  - exec: { service: db, command: [a] }
    http: { service: db, port: 1 }
  - {}
  - exec: { service: db, command: "echo 'unclosed" }
    timeout: soon
test:
  command: make test
  service: db
`;
    const { diagnostics } = failsWith({ "prenv.yml": prenv });
    const found = diagnostics.map((d) => `${d.location?.line}:${d.location?.column} ${d.message} | ${d.hint}`);
    const expect = [
      /^4:13 unknown key "servce" in exec step \| did you mean "service"\?/,
      /^4:11 "setup\[0\]\.exec\.service" is missing/,
      /^5:22 service "dbb" is not defined \| did you mean "db"\?/,
      /^6:32 copy source .*missing\.sql does not exist/,
      /^6:49 copy target "seed\/" must be an absolute path/,
      /^7:5 setup step 4 has exec and http: one per step/,
      /^9:5 setup step 5 says nothing to do/,
      /^10:35 the command has an unclosed single quote/,
      /^11:14 "soon" is not a duration/,
      /^12:1 test needs exactly one of command .* or service/,
    ];
    for (const re of expect) assert.ok(found.some((f) => re.test(f)), `${re} not in:\n${found.join("\n")}`);
  });

  test("a test service is planned on its own and left out of the boot", () => {
    const { env } = loadWith({ "prenv.yml": `services:\n  db: { image: postgres }\n  tests:\n    image: acme/tests\n    depends_on: [db]\ntest:\n  service: tests\n  reports: out/*.xml\n` });
    assert.ok(env.test?.mode === "service");
    const plan = planEnvironment(env.definition, { testService: env.test.service });
    assert.deepEqual(plan.services.map((s) => s.name), ["db"]);
    assert.equal(plan.testService?.name, "tests");
    assert.deepEqual(plan.testService?.readiness, [{ kind: "completed" }]);
  });

  test("x-prenv in a compose file holds the same keys; preview is reserved with a warning", () => {
    const compose = `services:\n  web: { image: "nginx:\${tag}" }\nx-prenv:\n  params:\n    tag: { type: string, default: "1.27" }\n  test:\n    command: [make, it]\n`;
    const { env } = loadWith({ "compose.yaml": compose });
    assert.equal(env.definition.services.web!.image, "nginx:1.27");
    assert.ok(env.test?.mode === "command");
    assert.deepEqual(env.test.command, ["make", "it"]);
    const { env: reserved } = loadWith({ "prenv.yml": `services:\n  web: { image: nginx }\npreview: { ttl: 1h }\n` });
    assert.ok(reserved.definition.warnings.some((w) => /"preview" is not supported by this version of prenv yet/.test(w.message) && w.location?.line === 3));
    const { diagnostics } = failsWith({ "prenv.yml": `services:\n  web: { image: nginx }\ntests:\n  command: x\n` });
    assert.equal(diagnostics[0]!.message, 'unknown key "tests" in prenv.yml');
    assert.equal(diagnostics[0]!.hint, 'did you mean "test"?');
  });
});

describe("endpoint variables for the test command", () => {
  test("first TCP port per service, and every port by number", () => {
    const vars = endpointVariables("shop-pr-1", [
      { service: "api-gateway", containerPort: 8080, protocol: "tcp", hostIp: "127.0.0.1", hostPort: 49153 },
      { service: "api-gateway", containerPort: 9090, protocol: "tcp", hostIp: "0.0.0.0", hostPort: 49154 },
      { service: "dns", containerPort: 53, protocol: "udp", hostIp: "127.0.0.1", hostPort: 49155 },
    ]);
    assert.deepEqual(vars, {
      PRENV_ENVIRONMENT: "shop-pr-1",
      PRENV_API_GATEWAY_8080_HOST: "127.0.0.1",
      PRENV_API_GATEWAY_8080_PORT: "49153",
      PRENV_API_GATEWAY_HOST: "127.0.0.1",
      PRENV_API_GATEWAY_PORT: "49153",
      PRENV_API_GATEWAY_URL: "http://127.0.0.1:49153",
      PRENV_API_GATEWAY_9090_HOST: "127.0.0.1",
      PRENV_API_GATEWAY_9090_PORT: "49154",
      PRENV_DNS_53_UDP_HOST: "127.0.0.1",
      PRENV_DNS_53_UDP_PORT: "49155",
    });
  });

  test("IPv6 bindings give bracketed URLs; the any-address means loopback", () => {
    const vars = endpointVariables("v6", [
      { service: "api", containerPort: 80, protocol: "tcp", hostIp: "::1", hostPort: 49160 },
      { service: "web", containerPort: 80, protocol: "tcp", hostIp: "::", hostPort: 49161 },
    ]);
    assert.equal(vars.PRENV_API_HOST, "::1");
    assert.equal(vars.PRENV_API_URL, "http://[::1]:49160");
    assert.equal(vars.PRENV_WEB_HOST, "::1");
    assert.equal(vars.PRENV_WEB_URL, "http://[::1]:49161");
    assert.equal(endpointText({ service: "web", containerPort: 80, protocol: "tcp", hostIp: "::", hostPort: 49161 }), "80/tcp -> [::1]:49161");
  });
});
