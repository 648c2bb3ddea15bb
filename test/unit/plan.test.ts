import assert from "node:assert/strict";
import { engineName } from "../../src/backends/docker/docker-backend.ts";
import { describe, test } from "node:test";
import { describeCheck, planEnvironment, PlanError, type Plan, type PlannedService } from "../../src/plan/plan.ts";
import { load } from "./compose-fixture.ts";

/** A shop backend: db and cache first, a one-shot migration, the api, then the web front. */
const shop = [
  "name: shop",
  "services:",
  "  db:",
  "    image: postgres:17",
  "    healthcheck:",
  '      test: ["CMD", "pg_isready"]',
  "      timeout: 5s",
  "    volumes: [pgdata:/var/lib/postgresql/data, shared:/shared]",
  "    networks: [back]",
  "  cache:",
  "    image: redis",
  "    networks: [back]",
  "    x-prenv:",
  "      ready:",
  "        - port: 6379",
  "  migrate:",
  "    build: .",
  "    command: migrate up",
  "    networks: [back]",
  "    depends_on:",
  "      db: { condition: service_healthy }",
  "  api:",
  "    image: shop-api",
  "    healthcheck:",
  "      test: curl -f http://localhost:8080/health",
  "    x-prenv:",
  "      ready:",
  "        - http: { port: 8080, path: /ready }",
  "    networks: [back, front, corp]",
  "    depends_on:",
  "      migrate: { condition: service_completed_successfully }",
  "      cache: { condition: service_started }",
  "  web:",
  "    image: nginx",
  "    ports: ['8080:80']",
  "    healthcheck:",
  "      disable: true",
  "    networks: [front]",
  "    depends_on: [api]",
  "  docs:",
  "    image: docs",
  "volumes:",
  "  pgdata:",
  "  shared:",
  "    external: true",
  "    name: team-shared",
  "  unused:",
  "networks:",
  "  back:",
  "    internal: true",
  "  front:",
  "  corp:",
  "    external: true",
  "    name: corp-net",
  "",
].join("\n");

const definition = load({ "compose.yaml": shop });

function byName(plan: Plan, name: string): PlannedService {
  const found = plan.services.find((s) => s.name === name);
  assert.ok(found, `"${name}" is not in the plan (${plan.services.map((s) => s.name).join(", ")})`);
  return found;
}

describe("planEnvironment", () => {
  test("services are ordered in levels along the dependency graph", () => {
    const plan = planEnvironment(definition);
    assert.deepEqual(
      plan.services.map((s) => [s.name, s.level]),
      [
        ["cache", 0],
        ["db", 0],
        ["docs", 0],
        ["migrate", 1],
        ["api", 2],
        ["web", 3],
      ],
    );
  });

  test("a service's level is one more than its deepest dependency", () => {
    const def = load({
      "compose.yaml": "services:\n  a: { image: x }\n  b: { image: x, depends_on: [a] }\n  c: { image: x, depends_on: [b] }\n  d: { image: x, depends_on: [a, c] }\n",
    });
    assert.equal(byName(planEnvironment(def), "d").level, 3);
  });

  test("readiness comes from the healthcheck, with its timeout or 30 s, and gives up where the engine would say unhealthy", () => {
    const plan = planEnvironment(definition);
    // 3 retries x (30 s default interval + timeout), no start period.
    assert.deepEqual(byName(plan, "db").readiness, [{ kind: "healthcheck", test: ["CMD", "pg_isready"], timeoutMs: 5000, unhealthyAfterMs: 105_000 }]);
    assert.deepEqual(byName(plan, "api").readiness, [
      { kind: "healthcheck", test: ["CMD-SHELL", "curl -f http://localhost:8080/health"], timeoutMs: 30_000, unhealthyAfterMs: 180_000 },
      { kind: "http", port: 8080, path: "/ready", status: 200 },
    ]);
  });

  test("x-prenv.ready checks count on their own", () => {
    assert.deepEqual(byName(planEnvironment(definition), "cache").readiness, [{ kind: "port", port: 6379 }]);
  });

  test("a service someone awaits with service_completed_successfully must run to completion", () => {
    const migrate = byName(planEnvironment(definition), "migrate");
    assert.equal(migrate.runsToCompletion, true);
    assert.deepEqual(migrate.readiness, [{ kind: "completed" }]);
  });

  test("without checks (or with the healthcheck disabled) running is enough", () => {
    const plan = planEnvironment(definition);
    for (const name of ["web", "docs"]) {
      assert.deepEqual(byName(plan, name).readiness, [{ kind: "running" }], name);
      assert.equal(byName(plan, name).runsToCompletion, false, name);
    }
  });

  test("built services get an image repository from the project and service (the build adds the tag)", () => {
    const plan = planEnvironment(definition);
    const migrate = byName(plan, "migrate");
    assert.equal(migrate.build, true);
    assert.equal(migrate.image, "prenv-build/shop-migrate");
    assert.equal(byName(plan, "db").build, false);
    assert.equal(byName(plan, "db").image, "postgres:17");
  });

  test("ports and dependencies are carried over", () => {
    const plan = planEnvironment(definition);
    assert.deepEqual(byName(plan, "web").ports, [{ target: 80, published: 8080, protocol: "tcp" }]);
    assert.deepEqual(Object.keys(byName(plan, "api").dependsOn).sort(), ["cache", "migrate"]);
  });

  test("choosing services pulls in what they depend on, and nothing else", () => {
    const plan = planEnvironment(definition, { services: ["api"] });
    assert.deepEqual(plan.services.map((s) => s.name), ["cache", "db", "migrate", "api"]);
    assert.deepEqual(
      plan.networks.map((n) => n.key),
      ["back", "corp", "front"],
    );
    assert.deepEqual(plan.volumes.map((v) => v.key), ["pgdata", "shared"]);
  });

  test("a service chosen alone is not awaited by anyone, so it only has to run", () => {
    const plan = planEnvironment(definition, { services: ["migrate"] });
    assert.deepEqual(plan.services.map((s) => s.name), ["db", "migrate"]);
    assert.equal(byName(plan, "migrate").runsToCompletion, false);
    assert.deepEqual(byName(plan, "migrate").readiness, [{ kind: "running" }]);
  });

  test("services whose endpoint variables would clash (web-api, web.api) are a PlanError naming both, with where they are", () => {
    const d = load({ "compose.yaml": "services:\n  web-api:\n    image: a\n  web.api:\n    image: b\n  other:\n    image: c\n" });
    assert.throws(() => planEnvironment(d, { environment: "clash" }), (e: unknown) => {
      assert.ok(e instanceof PlanError);
      assert.match(e.message, /services "web-api" \(compose\.yaml:2:3\) and "web\.api" \(compose\.yaml:4:3\) would both set the test command's PRENV_WEB_API_\* variables/);
      return true;
    });
  });

  test("an unknown service is a PlanError that lists the services there are", () => {
    assert.throws(
      () => planEnvironment(definition, { services: ["web", "apii"] }),
      (e: unknown) => {
        assert.ok(e instanceof PlanError);
        assert.match(e.message, /service "apii" is not defined/);
        assert.match(e.hint, /choose from db, cache, migrate, api, web, docs/);
        return true;
      },
    );
  });

  test("the environment is named after the project unless a name is given", () => {
    assert.equal(planEnvironment(definition).environment, "shop");
    const plan = planEnvironment(definition, { environment: "pr-1234" });
    assert.equal(plan.environment, "pr-1234");
    assert.equal(plan.project, "shop");
    assert.equal(plan.definitionHash, definition.hash);
  });

  test("an environment name that cannot prefix Docker objects is a PlanError", () => {
    for (const name of ["PR-1", "-pr", "pr 1", "pr/1", "", "x".repeat(50)]) {
      assert.throws(
        () => planEnvironment(definition, { environment: name }),
        (e: unknown) => e instanceof PlanError && e.message.includes(`"${name}"`) && /lower-case letters/.test(e.hint),
        JSON.stringify(name),
      );
    }
    assert.equal(planEnvironment(definition, { environment: "x".repeat(49) }).environment, "x".repeat(49));
  });

  test("networks and volumes are logical; external ones keep their names; Docker prefixes the others with the environment", () => {
    const plan = planEnvironment(definition, { environment: "pr-7" });
    assert.deepEqual(plan.networks, [
      { key: "back", external: false, internal: true },
      { key: "corp", external: true, internal: false, externalName: "corp-net" },
      { key: "default", external: false, internal: false },
      { key: "front", external: false, internal: false },
    ]);
    assert.deepEqual(plan.volumes, [
      { key: "pgdata", external: false },
      { key: "shared", external: true, externalName: "team-shared" },
    ]);
    assert.deepEqual([...plan.networks, ...plan.volumes].map((o) => engineName(plan, o)), ["pr-7_back", "corp-net", "pr-7_default", "pr-7_front", "pr-7_pgdata", "team-shared"]);
  });

  test("a project whose services name no networks gets one default network", () => {
    const def = load({ "compose.yaml": "services:\n  a: { image: x }\n  b: { image: x }\n" });
    assert.deepEqual(planEnvironment(def, { environment: "e1" }).networks, [{ key: "default", external: false, internal: false }]);
  });

  test("an optional dependency on a service outside the active profiles is left out", () => {
    const def = load({
      "compose.yaml":
        "services:\n  api:\n    image: x\n    depends_on:\n      tracing: { condition: service_started, required: false }\n  tracing:\n    image: jaeger\n    profiles: [observability]\n",
    });
    const plan = planEnvironment(def);
    assert.deepEqual(plan.services.map((s) => [s.name, s.level]), [["api", 0]]);
    assert.deepEqual(byName(plan, "api").dependsOn, {});
  });

  test("checks are described in words for `prenv plan`", () => {
    const plan = planEnvironment(definition);
    assert.deepEqual(byName(plan, "api").readiness.map(describeCheck), ["healthcheck curl -f http://localhost:8080/health", "GET :8080/ready answers 200"]);
    assert.equal(describeCheck(byName(plan, "db").readiness[0]!), 'healthcheck ["pg_isready"]');
    assert.equal(describeCheck(byName(plan, "migrate").readiness[0]!), "runs to completion with exit code 0");
  });
});
