import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { loadDefinition } from "../../src/definition/compose.ts";
import { load, loadFails, project, service, web } from "./compose-fixture.ts";

describe("service keys", () => {
  test("image, build in both forms, with args and target", () => {
    const def = load({
      "compose.yaml": [
        "services:",
        "  web:",
        "    image: nginx:1.27",
        "  api:",
        "    build: ./api",
        "  worker:",
        "    build:",
        "      context: ./worker",
        "      dockerfile: docker/Dockerfile.prod",
        "      target: runtime",
        "      args:",
        "        NODE_VERSION: 24",
        "        DEBUG: false",
        "  tool:",
        "    image: tool",
        "    build:",
        "      args: [A=1, B=x=y]",
        "",
      ].join("\n"),
    });
    assert.equal(service(def, "web").image, "nginx:1.27");
    assert.equal(service(def, "web").build, undefined);
    assert.deepEqual(service(def, "api").build, { context: join(def.dir, "api"), dockerfile: "Dockerfile", args: {} });
    assert.deepEqual(service(def, "worker").build, {
      context: join(def.dir, "worker"),
      dockerfile: "docker/Dockerfile.prod",
      args: { NODE_VERSION: "24", DEBUG: "false" },
      target: "runtime",
    });
    assert.deepEqual(service(def, "tool").build, { context: def.dir, dockerfile: "Dockerfile", args: { A: "1", B: "x=y" } });
    assert.equal(service(def, "tool").image, "tool");
  });

  test("command and entrypoint in string and list form", () => {
    const def = load({
      "compose.yaml": [
        "services:",
        "  a:",
        "    image: x",
        `    command: npm run start -- --port "8080" --name 'my app'`,
        "    entrypoint: /docker-entrypoint.sh",
        "  b:",
        "    image: x",
        '    command: ["sh", "-c", "echo $$PATH && ls *.txt"]',
        "    entrypoint: [tini, --]",
        "  c:",
        "    image: x",
        "    command: echo a\\ b c#d",
        "",
      ].join("\n"),
    });
    assert.deepEqual(service(def, "a").command, ["npm", "run", "start", "--", "--port", "8080", "--name", "my app"]);
    assert.deepEqual(service(def, "a").entrypoint, ["/docker-entrypoint.sh"]);
    assert.deepEqual(service(def, "b").command, ["sh", "-c", "echo $PATH && ls *.txt"]);
    assert.deepEqual(service(def, "b").entrypoint, ["tini", "--"]);
    assert.deepEqual(service(def, "c").command, ["echo", "a b", "c#d"], "globs, # and escapes are not shell-expanded");
  });

  test("a command string that is not shell-expanded keeps $, * and # as written", () => {
    const def = load({ "compose.yaml": web("    command: ls *.log $$HOME '#x'\n") });
    assert.deepEqual(service(def, "web").command, ["ls", "*.log", "$HOME", "#x"]);
  });

  test("environment as a list and as a mapping; bare names come from the environment", () => {
    const def = load(
      {
        "compose.yaml": [
          "services:",
          "  a:",
          "    image: x",
          "    environment:",
          "      - MODE=prod",
          "      - URL=http://x/?a=b",
          "      - FROM_HOST",
          "      - NOT_SET_ANYWHERE",
          "  b:",
          "    image: x",
          "    environment:",
          "      PORT: 8080",
          "      DEBUG: true",
          "      EMPTY: ''",
          "      FROM_HOST:",
          "      NOT_SET_ANYWHERE:",
          "",
        ].join("\n"),
      },
      { env: { FROM_HOST: "host-value" } },
    );
    assert.deepEqual(service(def, "a").environment, { MODE: "prod", URL: "http://x/?a=b", FROM_HOST: "host-value" });
    assert.deepEqual(service(def, "b").environment, { PORT: "8080", DEBUG: "true", EMPTY: "", FROM_HOST: "host-value" });
  });

  test("env_file: relative to the compose file, in order, under environment", () => {
    const def = load({
      "compose.yaml": [
        "services:",
        "  a:",
        "    image: x",
        "    env_file: config/common.env",
        "  b:",
        "    image: x",
        "    env_file:",
        "      - config/common.env",
        "      - path: config/local.env",
        "        required: false",
        "      - path: config/missing.env",
        "        required: false",
        "    environment:",
        "      LEVEL: from-environment",
        "",
      ].join("\n"),
      "config/common.env": "# shared\nLEVEL=info\nNAME=common\nQUOTED=\"a b\"\n",
      "config/local.env": "NAME=local\n",
    });
    assert.deepEqual(service(def, "a").environment, { LEVEL: "info", NAME: "common", QUOTED: "a b" });
    assert.deepEqual(service(def, "b").environment, { LEVEL: "from-environment", NAME: "local", QUOTED: "a b" });
  });

  test("a required env_file that is missing is an error at its entry", () => {
    const { diagnostics, dir } = loadFails({ "compose.yaml": web("    env_file:\n      - path: secrets.env\n") });
    assert.match(diagnostics[0]!.message, /env_file "secrets.env" does not exist/);
    assert.deepEqual(diagnostics[0]!.location, { file: join(dir, "compose.yaml"), line: 5, column: 9 });
    assert.match(diagnostics[0]!.hint!, /required: false/);
  });

  test("ports: short syntax with ranges, IPs, udp and container-only ports, and the long syntax", () => {
    const def = load({
      "compose.yaml": web(
        [
          "    ports:",
          '      - "3000"',
          "      - 9229",
          '      - "8080:80"',
          '      - "127.0.0.1:5432:5432"',
          '      - "53:53/udp"',
          '      - "9000-9001:7000-7001"',
          '      - "6000-6001"',
          '      - "[::1]:8443:443"',
          "      - target: 25",
          '        published: "2525"',
          "        host_ip: 0.0.0.0",
          "        protocol: udp",
          "      - target: 26",
          "",
        ].join("\n"),
      ),
    });
    assert.deepEqual(service(def, "web").ports, [
      { target: 3000, protocol: "tcp" },
      { target: 9229, protocol: "tcp" },
      { target: 80, published: 8080, protocol: "tcp" },
      { target: 5432, published: 5432, hostIp: "127.0.0.1", protocol: "tcp" },
      { target: 53, published: 53, protocol: "udp" },
      { target: 7000, published: 9000, protocol: "tcp" },
      { target: 7001, published: 9001, protocol: "tcp" },
      { target: 6000, protocol: "tcp" },
      { target: 6001, protocol: "tcp" },
      { target: 443, published: 8443, hostIp: "::1", protocol: "tcp" },
      { target: 25, published: 2525, hostIp: "0.0.0.0", protocol: "udp" },
      { target: 26, protocol: "tcp" },
    ]);
  });

  test("expose takes ports, port strings and ranges", () => {
    const def = load({ "compose.yaml": web('    expose: ["3000", 4000, "5000-5002", "6000/udp"]\n') });
    assert.deepEqual(service(def, "web").expose, [3000, 4000, 5000, 5001, 5002, 6000]);
  });

  test("volumes: bind, named, anonymous and tmpfs, short and long", () => {
    const def = load({
      "compose.yaml": web(
        [
          "    volumes:",
          "      - ./data:/var/lib/data:ro",
          "      - cache:/cache",
          "      - /scratch",
          "      - type: bind",
          "        source: ./conf",
          "        target: /etc/app",
          "        read_only: true",
          "      - type: volume",
          "        source: cache",
          "        target: /more-cache",
          "      - type: volume",
          "        target: /anon",
          "      - type: tmpfs",
          "        target: /tmp",
          "",
        ].join("\n"),
        "volumes:\n  cache:\n",
      ),
      "data/.keep": "",
      "conf/app.ini": "",
    });
    assert.deepEqual(service(def, "web").mounts, [
      { type: "bind", source: join(def.dir, "data"), target: "/var/lib/data", readOnly: true, createHostPath: true },
      { type: "volume", source: "cache", target: "/cache", readOnly: false },
      { type: "volume", target: "/scratch", readOnly: false },
      { type: "bind", source: join(def.dir, "conf"), target: "/etc/app", readOnly: true, createHostPath: true },
      { type: "volume", source: "cache", target: "/more-cache", readOnly: false },
      { type: "volume", target: "/anon", readOnly: false },
      { type: "tmpfs", target: "/tmp" },
    ]);
  });

  test("depends_on: short form means service_started; long form keeps condition, restart and required", () => {
    const def = load({
      "compose.yaml": [
        "services:",
        "  db: { image: postgres }",
        "  cache: { image: redis }",
        "  migrate: { image: app }",
        "  seed: { image: app }",
        "  api:",
        "    image: app",
        "    depends_on:",
        "      db:",
        "        condition: service_healthy",
        "        restart: true",
        "      migrate:",
        "        condition: service_completed_successfully",
        "      cache:",
        "        condition: service_started",
        "        required: false",
        "  web:",
        "    image: nginx",
        "    depends_on: [api, seed]",
        "",
      ].join("\n"),
    });
    assert.deepEqual(service(def, "api").dependsOn, {
      db: { condition: "service_healthy", restart: true, required: true },
      migrate: { condition: "service_completed_successfully", restart: false, required: true },
      cache: { condition: "service_started", restart: false, required: false },
    });
    assert.deepEqual(service(def, "web").dependsOn, {
      api: { condition: "service_started", restart: false, required: true },
      seed: { condition: "service_started", restart: false, required: true },
    });
  });

  test("healthcheck: a string test runs in a shell; durations become milliseconds", () => {
    const def = load({
      "compose.yaml": [
        "services:",
        "  a:",
        "    image: x",
        "    healthcheck:",
        "      test: curl -f http://localhost/ || exit 1",
        "      interval: 1m30s",
        "      timeout: 500ms",
        "      start_period: 10s",
        "      retries: 5",
        "  b:",
        "    image: x",
        "    healthcheck:",
        '      test: ["CMD", "pg_isready", "-U", "app"]',
        "      interval: 1.5s",
        "  c:",
        "    image: x",
        "    healthcheck:",
        "      disable: true",
        "",
      ].join("\n"),
    });
    assert.deepEqual(service(def, "a").healthcheck, {
      test: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
      intervalMs: 90_000,
      timeoutMs: 500,
      startPeriodMs: 10_000,
      retries: 5,
    });
    assert.deepEqual(service(def, "b").healthcheck, { test: ["CMD", "pg_isready", "-U", "app"], intervalMs: 1500 });
    assert.deepEqual(service(def, "c").healthcheck, { test: ["NONE"] });
  });

  test("healthcheck retries may come from a variable", () => {
    const compose = web("    healthcheck:\n      test: pg_isready\n      retries: ${RETRIES:-3}\n");
    assert.equal(service(load({ "compose.yaml": compose }), "web").healthcheck?.retries, 3);
    assert.equal(service(load({ "compose.yaml": compose }, { env: { RETRIES: "10" } }), "web").healthcheck?.retries, 10);
  });

  test("restart, working_dir, user, hostname, labels, extra_hosts, init, cap_add, tmpfs, stop_grace_period", () => {
    const def = load({
      "compose.yaml": [
        "services:",
        "  a:",
        "    image: x",
        "    restart: on-failure:3",
        "    working_dir: /srv/app",
        '    user: "1000:1000"',
        "    hostname: api.local",
        "    labels:",
        "      com.example.team: payments",
        "      com.example.tier: 1",
        "    extra_hosts:",
        '      - "host.docker.internal:host-gateway"',
        '      - "db.local=10.0.0.5"',
        "    init: true",
        "    cap_add: [NET_ADMIN, SYS_PTRACE]",
        "    tmpfs: /run",
        "    stop_grace_period: 1m",
        "  b:",
        "    image: x",
        "    restart: unless-stopped",
        "    labels: [team=search, empty]",
        "    extra_hosts:",
        "      db.local: 10.0.0.5",
        "      both: [10.0.0.6, '::1']",
        "    tmpfs: [/run, /var/cache]",
        "",
      ].join("\n"),
    });
    const a = service(def, "a");
    assert.equal(a.restart, "on-failure:3");
    assert.equal(a.workingDir, "/srv/app");
    assert.equal(a.user, "1000:1000");
    assert.equal(a.hostname, "api.local");
    assert.deepEqual(a.labels, { "com.example.team": "payments", "com.example.tier": "1" });
    assert.deepEqual(a.extraHosts, ["host.docker.internal:host-gateway", "db.local:10.0.0.5"]);
    assert.equal(a.init, true);
    assert.deepEqual(a.capAdd, ["NET_ADMIN", "SYS_PTRACE"]);
    assert.deepEqual(a.tmpfs, ["/run"]);
    assert.equal(a.stopGracePeriodMs, 60_000);
    const b = service(def, "b");
    assert.equal(b.restart, "unless-stopped");
    assert.deepEqual(b.labels, { team: "search", empty: "" });
    assert.deepEqual(b.extraHosts, ["db.local:10.0.0.5", "both:10.0.0.6", "both:::1"]);
    assert.deepEqual(b.tmpfs, ["/run", "/var/cache"]);
    assert.equal(b.init, undefined);
  });

  test("networks as a list and as a mapping with aliases", () => {
    const def = load({
      "compose.yaml": [
        "services:",
        "  a:",
        "    image: x",
        "    networks: [front, back]",
        "  b:",
        "    image: x",
        "    networks:",
        "      back:",
        "        aliases: [database, db.internal]",
        "      front:",
        "networks:",
        "  front: {}",
        "  back:",
        "    internal: true",
        "",
      ].join("\n"),
    });
    assert.deepEqual(service(def, "a").networks, { front: { aliases: [] }, back: { aliases: [] } });
    assert.deepEqual(service(def, "b").networks, { back: { aliases: ["database", "db.internal"] }, front: { aliases: [] } });
    assert.equal(def.networks.back?.internal, true);
  });

  test("x-prenv.ready adds readiness checks", () => {
    const def = load({
      "compose.yaml": web(
        [
          "    x-prenv:",
          "      ready:",
          "        - port: 80",
          "        - http: { port: 80, path: /healthz, status: 204 }",
          "        - http: { port: 81 }",
          '        - log: "ready to accept"',
          "        - command: pg_isready -U app",
          "",
        ].join("\n"),
      ),
    });
    assert.deepEqual(service(def, "web").ready, [
      { kind: "port", port: 80 },
      { kind: "http", port: 80, path: "/healthz", status: 204 },
      { kind: "http", port: 81, path: "/", status: 200 },
      { kind: "log", pattern: "ready to accept" },
      { kind: "command", command: ["pg_isready", "-U", "app"] },
    ]);
  });
});

describe("profiles", () => {
  const compose = [
    "services:",
    "  web: { image: nginx }",
    "  debug:",
    "    image: busybox",
    "    profiles: [debug]",
    "  mail:",
    "    image: mailhog",
    "    profiles: [dev, mail]",
    "",
  ].join("\n");

  test("services in a profile are left out unless the profile is active", () => {
    assert.deepEqual(Object.keys(load({ "compose.yaml": compose }).services), ["web"]);
  });

  test("--profile enables them", () => {
    assert.deepEqual(Object.keys(load({ "compose.yaml": compose }, { profiles: ["debug"] }).services).sort(), ["debug", "web"]);
    assert.deepEqual(Object.keys(load({ "compose.yaml": compose }, { profiles: ["mail"] }).services).sort(), ["mail", "web"]);
  });

  test("COMPOSE_PROFILES enables a comma-separated list, from the environment or .env", () => {
    assert.deepEqual(Object.keys(load({ "compose.yaml": compose }, { env: { COMPOSE_PROFILES: "debug,dev" } }).services).sort(), ["debug", "mail", "web"]);
    assert.deepEqual(Object.keys(load({ "compose.yaml": compose, ".env": "COMPOSE_PROFILES=dev\n" }).services).sort(), ["mail", "web"]);
  });

  test("an optional dependency on an inactive service is allowed", () => {
    const def = load({
      "compose.yaml": compose + "  api:\n    image: app\n    depends_on:\n      debug:\n        condition: service_started\n        required: false\n",
    });
    assert.deepEqual(Object.keys(def.services).sort(), ["api", "web"]);
  });
});

describe("top level", () => {
  test("name, volumes, networks and x- extensions", () => {
    const def = load({
      "compose.yaml": [
        "name: Shop_Backend",
        "x-prenv:",
        "  timeout: 5m",
        "x-common: &common",
        "  restart: always",
        "services:",
        "  db:",
        "    image: postgres",
        "    x-notes: anything goes here",
        "    volumes: [pgdata:/var/lib/postgresql/data, shared:/shared]",
        "volumes:",
        "  pgdata:",
        "  shared:",
        "    external: true",
        "    name: team-shared",
        "  labelled:",
        "    driver: local",
        "    labels: { owner: qa }",
        "networks:",
        "  outside:",
        "    external: true",
        "    name: corp-net",
        "  plain:",
        "",
      ].join("\n"),
    });
    assert.equal(def.name, "shop_backend");
    assert.deepEqual(def.extensions, { "x-prenv": { timeout: "5m" }, "x-common": { restart: "always" } });
    assert.deepEqual(def.volumes, {
      pgdata: { name: "pgdata", external: false, labels: {} },
      shared: { name: "team-shared", external: true, labels: {} },
      labelled: { name: "labelled", external: false, driver: "local", labels: { owner: "qa" } },
    });
    assert.deepEqual(def.networks, {
      outside: { name: "corp-net", external: true, internal: false, labels: {} },
      plain: { name: "plain", external: false, internal: false, labels: {} },
    });
    assert.deepEqual(def.warnings, [], "x- keys are neither errors nor warnings");
  });

  test("without a name the project is named after the directory; projectName overrides both", () => {
    // Compose's normalisation: lower case, other characters than [a-z0-9_-] dropped.
    const def = load({ "compose.yaml": "name: from-file\nservices:\n  web: { image: nginx }\n" }, { projectName: "Override Me" });
    assert.equal(def.name, "overrideme");
    const unnamed = load({ "compose.yaml": "services:\n  web: { image: nginx }\n" });
    assert.match(unnamed.name, /^prenv-def-/);
  });

  test("the definition records its files and working directory", () => {
    const def = load({ "compose.yaml": web("") });
    assert.deepEqual(def.files, [join(def.dir, "compose.yaml")]);
    assert.equal(def.workingDir, def.dir);
  });

  test("the hash changes with what runs, not with how the file is laid out", () => {
    const a = load({ "compose.yaml": "services:\n  web:\n    image: nginx\n    ports: ['80']\n" });
    const b = load({ "compose.yaml": "# same thing, other layout\nservices:\n\n  web: { ports: ['80'], image: nginx }\n" });
    const c = load({ "compose.yaml": "services:\n  web:\n    image: nginx\n    ports: ['81']\n" });
    assert.match(a.hash, /^[0-9a-f]{16}$/);
    assert.equal(a.hash, b.hash);
    assert.notEqual(a.hash, c.hash);
  });

  test("the hash is of the definition as loaded, read first after a change or not: the same as before it was computed lazily", () => {
    const a = load({ "compose.yaml": "services:\n  web:\n    image: nginx\n    ports: ['80']\n" });
    const b = load({ "compose.yaml": "services:\n  web:\n    image: nginx\n    ports: ['80']\n" });
    const before = a.hash;
    b.services.web!.image = "nginx:changed";
    assert.equal(b.hash, before);
    // bench/env10's hash, labelled on environments that run: a change here makes `up` recreate them all.
    assert.equal(loadDefinition({ cwd: process.cwd(), files: [join(import.meta.dirname, "../../bench/env10/compose.yaml")], env: {} }).hash, "117aaf004f6775a5");
  });
});

describe("YAML anchors and merge keys", () => {
  test("<< merges a mapping; keys written in the mapping win", () => {
    const def = load({
      "compose.yaml": [
        "x-base: &base",
        "  image: app:1",
        "  restart: always",
        "  environment: &env",
        "    LOG: info",
        "services:",
        "  api:",
        "    <<: *base",
        "    restart: \"no\"",
        "  worker:",
        "    <<: *base",
        "    environment:",
        "      <<: *env",
        "      QUEUE: jobs",
        "",
      ].join("\n"),
    });
    assert.equal(service(def, "api").image, "app:1");
    assert.equal(service(def, "api").restart, "no");
    assert.deepEqual(service(def, "api").environment, { LOG: "info" });
    assert.equal(service(def, "worker").restart, "always");
    assert.deepEqual(service(def, "worker").environment, { LOG: "info", QUEUE: "jobs" });
  });

  test("a list of merges: earlier mappings win over later ones", () => {
    const def = load({
      "compose.yaml": [
        "x-a: &a { image: from-a, user: a }",
        "x-b: &b { image: from-b, working_dir: /b }",
        "services:",
        "  svc:",
        "    <<: [*a, *b]",
        "    user: own",
        "",
      ].join("\n"),
    });
    const svc = service(def, "svc");
    assert.equal(svc.image, "from-a");
    assert.equal(svc.workingDir, "/b");
    assert.equal(svc.user, "own");
  });

  test("anchors on lists and scalars are reused as they are", () => {
    const def = load({
      "compose.yaml": [
        "services:",
        "  a:",
        "    image: &img registry.local/app:7",
        "    cap_add: &caps [NET_ADMIN]",
        "  b:",
        "    image: *img",
        "    cap_add: *caps",
        "",
      ].join("\n"),
    });
    assert.equal(service(def, "b").image, "registry.local/app:7");
    assert.deepEqual(service(def, "b").capAdd, ["NET_ADMIN"]);
  });

  test("a quoted \"<<\" is an ordinary key, not a merge", () => {
    const { diagnostics } = loadFails({ "compose.yaml": "x-a: &a { image: x }\nservices:\n  s:\n    '<<': *a\n" });
    assert.match(diagnostics[0]!.message, /unknown key "<<"/);
  });
});

describe("several files", () => {
  const base = [
    "services:",
    "  api:",
    "    image: app:1",
    "    command: serve",
    "    environment: { A: base, B: base }",
    "    labels: { team: core }",
    '    ports: ["8080:80"]',
    "    volumes: [./a:/data, cache:/cache]",
    "    depends_on: [db]",
    "  db:",
    "    image: postgres",
    "volumes:",
    "  cache:",
    "",
  ].join("\n");
  const override = [
    "services:",
    "  api:",
    "    image: app:2",
    "    environment: [B=override, C=override]",
    "    labels: { tier: web }",
    '    ports: ["9229:9229"]',
    "    volumes: [./b:/data]",
    "    depends_on: [cache]",
    "  cache:",
    "    image: redis",
    "",
  ].join("\n");

  test("-f files merge in order: scalars replaced, mappings merged, ports appended, volumes by target", () => {
    const def = load({ "compose.yaml": base, "dev.yaml": override, "a/x": "", "b/x": "" }, { files: ["compose.yaml", "dev.yaml"] });
    const api = service(def, "api");
    assert.equal(api.image, "app:2");
    assert.deepEqual(api.command, ["serve"], "what the override leaves out stays");
    assert.deepEqual(api.environment, { A: "base", B: "override", C: "override" });
    assert.deepEqual(api.labels, { team: "core", tier: "web" });
    assert.deepEqual(api.ports.map((p) => `${p.published}:${p.target}`), ["8080:80", "9229:9229"]);
    assert.deepEqual(
      api.mounts.map((m) => `${m.type === "tmpfs" ? "" : m.source}:${m.target}`),
      [`${join(def.dir, "b")}:/data`, "cache:/cache"],
    );
    assert.deepEqual(Object.keys(api.dependsOn).sort(), ["cache", "db"]);
    assert.deepEqual(Object.keys(def.services).sort(), ["api", "cache", "db"]);
    assert.deepEqual(def.files, [join(def.dir, "compose.yaml"), join(def.dir, "dev.yaml")]);
  });

  test("the order of -f files decides which value wins", () => {
    const def = load({ "compose.yaml": base, "dev.yaml": override, "a/x": "", "b/x": "" }, { files: ["dev.yaml", "compose.yaml"] });
    assert.equal(service(def, "api").image, "app:1");
    assert.equal(service(def, "api").environment.B, "base");
  });

  test("relative paths in a later file resolve against the first file's directory", () => {
    const def = load(
      { "compose.yaml": "services:\n  api:\n    image: app\n", "overrides/dev.yaml": "services:\n  api:\n    volumes: [./src:/src]\n", "src/x": "" },
      { files: ["compose.yaml", "overrides/dev.yaml"] },
    );
    assert.deepEqual(service(def, "api").mounts, [{ type: "bind", source: join(def.dir, "src"), target: "/src", readOnly: false, createHostPath: true }]);
  });

  test("an override that only adds build args keeps the base's context and Dockerfile", () => {
    const def = load(
      {
        "compose.yaml": "services:\n  api:\n    build:\n      context: ./api\n      dockerfile: Dockerfile.dev\n      args: { A: '1' }\n",
        "compose.override.yaml": "services:\n  api:\n    build:\n      args: { B: '2' }\n",
      },
    );
    assert.deepEqual(service(def, "api").build, { context: join(def.dir, "api"), dockerfile: "Dockerfile.dev", args: { A: "1", B: "2" } });
  });

  test("compose.override.yaml next to compose.yaml is applied automatically", () => {
    const def = load({ "compose.yaml": base, "compose.override.yaml": override, "a/x": "", "b/x": "" });
    assert.equal(service(def, "api").image, "app:2");
    assert.deepEqual(def.files, [join(def.dir, "compose.yaml"), join(def.dir, "compose.override.yaml")]);
  });

  test("with -f, compose.override.yaml is not read", () => {
    const def = load({ "compose.yaml": base, "compose.override.yaml": override, "a/x": "" }, { files: ["compose.yaml"] });
    assert.equal(service(def, "api").image, "app:1");
  });

  test("docker-compose.yml is found when there is no compose.yaml", () => {
    const def = load({ "docker-compose.yml": web("") });
    assert.deepEqual(def.files, [join(def.dir, "docker-compose.yml")]);
  });
});

describe("include", () => {
  test("services of an included file come in, with paths relative to that file", () => {
    const def = load({
      "compose.yaml": "include:\n  - infra/compose.yaml\nservices:\n  api:\n    image: app\n    depends_on: [db]\n",
      "infra/compose.yaml": "services:\n  db:\n    image: postgres\n    volumes: [./init:/docker-entrypoint-initdb.d, pg:/var/lib/postgresql/data]\n  builder:\n    build: ./tools\nvolumes:\n  pg:\n",
      "infra/init/schema.sql": "",
    });
    assert.deepEqual(Object.keys(def.services).sort(), ["api", "builder", "db"]);
    assert.deepEqual(service(def, "db").mounts[0], { type: "bind", source: join(def.dir, "infra", "init"), target: "/docker-entrypoint-initdb.d", readOnly: false, createHostPath: true });
    assert.equal(service(def, "builder").build?.context, join(def.dir, "infra", "tools"));
    assert.ok(def.volumes.pg, "volumes of the included file are declared too");
  });

  test("the long form with several paths", () => {
    const def = load({
      "compose.yaml": "include:\n  - path: [infra/a.yaml, infra/b.yaml]\nservices:\n  api: { image: app }\n",
      "infra/a.yaml": "services:\n  db: { image: postgres }\n",
      "infra/b.yaml": "services:\n  db: { image: postgres:17 }\n",
    });
    assert.equal(service(def, "db").image, "postgres:17");
  });

  test("a service defined both in the including file and the included one is an error", () => {
    const { diagnostics, dir } = loadFails({
      "compose.yaml": "include:\n  - infra.yaml\nservices:\n  db:\n    image: mine\n",
      "infra.yaml": "services:\n  db:\n    image: theirs\n",
    });
    assert.match(diagnostics[0]!.message, /service "db" is defined both here and in the included .*infra\.yaml/);
    assert.deepEqual(diagnostics[0]!.location, { file: join(dir, "compose.yaml"), line: 4, column: 3 });
    assert.match(diagnostics[0]!.hint!, /rename/);
  });
});

describe("extends", () => {
  test("a service extends another one of the same file; its own keys win", () => {
    const def = load({
      "compose.yaml": [
        "services:",
        "  base:",
        "    image: app",
        "    environment: { LOG: info, MODE: base }",
        "    command: serve",
        "  worker:",
        "    extends: base",
        "    environment: { MODE: worker }",
        "    command: work",
        "",
      ].join("\n"),
    });
    const worker = service(def, "worker");
    assert.equal(worker.name, "worker");
    assert.equal(worker.image, "app");
    assert.deepEqual(worker.environment, { LOG: "info", MODE: "worker" });
    assert.deepEqual(worker.command, ["work"]);
  });

  test("extends from another file uses that file's directory for its paths", () => {
    const def = load({
      "compose.yaml": "services:\n  api:\n    extends:\n      file: common/base.yaml\n      service: node\n    image: api\n",
      "common/base.yaml": "services:\n  node:\n    image: node\n    volumes: [./cache:/cache]\n    env_file: node.env\n",
      "common/cache/.keep": "",
      "common/node.env": "NODE_ENV=production\n",
    });
    const api = service(def, "api");
    assert.equal(api.image, "api");
    assert.deepEqual(api.mounts, [{ type: "bind", source: join(def.dir, "common", "cache"), target: "/cache", readOnly: false, createHostPath: true }]);
    assert.deepEqual(api.environment, { NODE_ENV: "production" });
    assert.equal(def.services.node, undefined, "the base service of another file is not part of the project");
  });

  test("chains of extends apply from the bottom up", () => {
    const def = load({
      "compose.yaml": [
        "services:",
        "  a: { image: a, user: a, working_dir: /a }",
        "  b: { extends: a, user: b }",
        "  c: { extends: b, working_dir: /c }",
        "",
      ].join("\n"),
    });
    const c = service(def, "c");
    assert.deepEqual([c.image, c.user, c.workingDir], ["a", "b", "/c"]);
  });

  test("a cycle of extends is an error", () => {
    const { diagnostics, dir } = loadFails({
      "compose.yaml": "services:\n  a:\n    image: x\n    extends: b\n  b:\n    extends: a\n",
    });
    assert.match(diagnostics[0]!.message, /extends itself through a chain of extends/);
    assert.equal(diagnostics[0]!.location?.file, join(dir, "compose.yaml"));
    assert.equal(diagnostics[0]!.location?.line, 4);
    assert.match(diagnostics[0]!.hint!, /cycle/);
  });
});

describe("keys prenv does not support", () => {
  test("are warnings that name the key and its position, and are dropped", () => {
    const def = load({
      "compose.yaml": [
        "services:",
        "  web:",
        "    image: nginx",
        "    tty: true",
        "    privileged:",
        "      true",
        "    build:",
        "      context: .",
        "      cache_from: [x]",
        "models:",
        "  llm:",
        "    model: ai/smollm2",
        "",
      ].join("\n"),
    });
    const found = def.warnings.map((w) => ({ message: w.message, line: w.location?.line, column: w.location?.column, file: w.location?.file }));
    const file = join(def.dir, "compose.yaml");
    assert.deepEqual(found, [
      { message: '"models" is not supported by prenv yet and is ignored', line: 10, column: 1, file },
      { message: '"tty" in service "web" is not supported by prenv yet and is ignored', line: 4, column: 5, file },
      { message: '"privileged" in service "web" is not supported by prenv yet and is ignored', line: 5, column: 5, file },
      { message: '"cache_from" in service "web" (build) is not supported by prenv yet and is ignored', line: 9, column: 7, file },
    ]);
    for (const w of def.warnings) {
      assert.equal(w.severity, "warning");
      assert.ok(w.hint);
    }
    assert.equal(Object.hasOwn(service(def, "web"), "tty"), false);
  });
});

describe("keys prenv cannot run get an accurate message", () => {
  test("a provider service is refused once, at its provider key, as not supported", () => {
    const { diagnostics, dir } = loadFails({ "compose.yaml": "services:\n  ai:\n    provider:\n      type: model\n      options: { model: x }\n  web:\n    image: nginx\n" });
    assert.deepEqual(
      diagnostics.map((d) => [d.message, d.location?.file, d.location?.line, d.location?.column]),
      [['service "ai" is run by a provider ("model"), which prenv does not support', join(dir, "compose.yaml"), 3, 5]],
    );
    assert.ok(diagnostics[0]!.hint);
  });

  test("a type: image volume (and its image: sub-key) is no unknown key: a positioned warning that the engine API lacks image mounts", () => {
    const def = load({ "compose.yaml": web("    volumes:\n      - type: image\n        source: busybox:1\n        target: /img\n        image: { subpath: bin }\n") });
    assert.deepEqual(def.warnings.map((w) => [w.location?.line, w.location?.column, /type image \("busybox:1"\) at \/img is not mounted: .*API 1\.41/.test(w.message)]), [[5, 15, true]]);
    assert.match(def.warnings[0]!.hint!, /COPY --from/);
    assert.deepEqual(service(def, "web").mounts, []);
  });
});

describe("limits, signals, security and deploy", () => {
  test("are read into the service: units of memory, CPUs in billionths, a single ulimit as soft and hard", () => {
    const def = load({
      "compose.yaml": web(
        "    read_only: 'true'\n    stop_signal: SIGQUIT\n    security_opt: [no-new-privileges:true]\n    cap_drop: [ALL]\n    dns: 1.1.1.1\n" +
          "    ulimits: { nproc: 65535, nofile: { soft: 1024, hard: 2048 } }\n    sysctls: { net.core.somaxconn: 1024 }\n    mem_limit: 1.5g\n    cpus: '0.5'\n    pids_limit: 100\n" +
          "  api:\n    image: nginx\n    deploy: { resources: { limits: { memory: 64M, cpus: 2, pids: 7 }, reservations: { memory: 512kb } } }\n",
      ),
    });
    const w = service(def, "web");
    assert.deepEqual(
      [w.readOnly, w.stopSignal, w.securityOpt, w.capDrop, w.dns, w.ulimits, w.sysctls, w.memoryBytes, w.nanoCpus, w.pidsLimit],
      [true, "SIGQUIT", ["no-new-privileges:true"], ["ALL"], ["1.1.1.1"], { nproc: { soft: 65535, hard: 65535 }, nofile: { soft: 1024, hard: 2048 } }, { "net.core.somaxconn": "1024" }, 1610612736, 500_000_000, 100],
    );
    const a = service(def, "api");
    assert.deepEqual([a.memoryBytes, a.nanoCpus, a.pidsLimit, a.memoryReservationBytes], [64 * 1024 ** 2, 2e9, 7, 512 * 1024]);
    assert.deepEqual(def.warnings, []);
  });

  test("a service key and its deploy counterpart with different values are refused, as Compose does; bad amounts are positioned errors", () => {
    const { diagnostics } = loadFails({ "compose.yaml": web("    mem_limit: 1g\n    cpus: 1\n    deploy:\n      resources:\n        limits: { memory: 2g, cpus: 1 }\n  api:\n    image: nginx\n    mem_limit: lots\n") });
    assert.deepEqual(
      diagnostics.map((d) => [d.message, d.location?.line, d.location?.column]),
      [
        ["mem_limit and deploy.resources.limits.memory are both set, to different values", 8, 27],
        ['"lots" is not an amount of memory', 11, 16],
      ],
    );
  });

  test("container_name is explained once, replicas other than 1 and scheduler keys are positioned warnings", () => {
    const def = load({
      "compose.yaml": "services:\n  a:\n    image: x\n    container_name: a1\n  b:\n    image: x\n    container_name: b1\n    deploy:\n      replicas: 3\n      placement: { constraints: [node.role==manager] }\n      resources:\n        reservations: { cpus: '1' }\n",
    });
    assert.deepEqual(
      def.warnings.map((w) => [w.location?.line, w.location?.column, w.message.split(":")[0]]),
      [
        [4, 5, 'container_name "a1" is not used'],
        [12, 25, "deploy.resources.reservations.cpus has no effect on a single Docker engine and is ignored"],
        [9, 7, "deploy.replicas"],
        [10, 7, "deploy.placement is not supported by prenv yet and is ignored"],
      ],
    );
    assert.match(def.warnings[0]!.message, /side by side/);
    assert.ok(def.warnings.every((w) => w.hint));
  });
});

describe("secrets and configs", () => {
  test("land where Compose puts them; undeclared, missing and unset sources are positioned errors", () => {
    const { diagnostics } = loadFails({
      "compose.yaml": web("    secrets: [tokn, { source: gone }]\n    configs: [nothing]\n", "secrets:\n  token: { file: ./token.txt }\n  gone: { environment: UNSET_VAR }\n"),
    });
    assert.deepEqual(
      diagnostics.map((d) => [d.location?.line, d.message]),
      [
        [7, "secret \"token\": file ./token.txt does not exist (looked for " + diagnostics[0]!.message.split("looked for ")[1]],
        [8, "secret \"gone\" comes from variable UNSET_VAR, which is not set"],
      ],
    );
    const undeclared = loadFails({ "compose.yaml": web("    secrets: [tokn]\n    configs: [nothing]\n", "secrets:\n  token: { environment: A }\n") }, { env: { A: "v" } });
    assert.deepEqual(
      undeclared.diagnostics.map((d) => [d.location?.line, d.message, d.hint]),
      [
        [4, 'service "web" uses secret "tokn", which is not declared under the top-level secrets', 'did you mean "token"?'],
        [5, 'service "web" uses config "nothing", which is not declared under the top-level configs', 'add "nothing:" with a file: or environment: under the top-level configs key'],
      ],
    );
    const def = load({ "compose.yaml": web("    secrets: [a, { source: a, target: b }, { source: a, target: /abs }]\n    configs: [c, { source: c, target: etc/c.conf }]\n", "secrets:\n  a: { environment: A }\nconfigs:\n  c: { content: x }\n") }, { env: { A: "v" } });
    assert.deepEqual(service(def, "web").files?.map((f) => f.target), ["/run/secrets/a", "/run/secrets/b", "/abs", "/c", "/etc/c.conf"]);
    assert.equal(def.variablesUsed.A, undefined, "a secret's variable is not recorded with the variables (which are written out)");
  });
});

describe("behaviour that follows Docker Compose", () => {
  test("a missing bind source is a positioned warning (created on up), naming a file-like path as such", () => {
    const def = load({ "compose.yaml": web("    volumes:\n      - ./data:/data\n      - ./conf/app.ini:/etc/app.ini\n") });
    assert.deepEqual(
      def.warnings.map((w) => [w.location?.line, w.location?.column, /which does not exist: it is created as an empty directory/.test(w.message), /looks like a file name/.test(w.hint ?? "")]),
      [
        [5, 9, true, false],
        [6, 9, true, true],
      ],
    );
    assert.ok(service(def, "web").mounts.every((m) => m.type === "bind" && m.createHostPath));
  });

  test("a network or volume with a name of its own is warned about at its name, and named per environment", () => {
    const def = load({ "compose.yaml": web("    networks: [front]\n", "networks:\n  front:\n    name: shared-front\nvolumes:\n  data:\n    name: app-data\n  ext:\n    external: true\n    name: corp\n") });
    assert.deepEqual(
      def.warnings.map((w) => [w.location?.line, w.message.replace(/:.*/, "")]),
      [
        [7, 'network "front" is created as <environment>_front, not as "shared-front"'],
        [10, 'volume "data" is created as <environment>_data, not as "app-data"'],
      ],
    );
  });

  test("an external volume whose name interpolates to nothing is named after its key", () => {
    const def = load({ "compose.yaml": web('    volumes: ["shared:/shared"]\n', "volumes:\n  shared:\n    external: true\n    name: ${UNSET}\n") });
    assert.equal(def.volumes.shared?.name, "shared");
  });

  test("a host port range for one container port is one port of the range", () => {
    const def = load({ "compose.yaml": web('    ports: ["6005-6015:80", "127.0.0.1:7000-7001:8000-8001/udp"]\n') });
    assert.deepEqual(service(def, "web").ports, [
      { target: 80, protocol: "tcp", published: 6005, publishedEnd: 6015 },
      { target: 8000, protocol: "udp", published: 7000, hostIp: "127.0.0.1" },
      { target: 8001, protocol: "udp", published: 7001, hostIp: "127.0.0.1" },
    ]);
  });

  test("links, volumes_from, network_mode: service: and ipc: service: add the dependencies Compose derives", () => {
    const def = load({
      "compose.yaml":
        "services:\n  db: { image: x }\n  files: { image: x }\n  api:\n    image: x\n    links: [\"db:database\"]\n    volumes_from: [\"files:ro\", \"container:legacy\"]\n    ipc: service:db\n    depends_on: { db: { condition: service_healthy } }\n  side:\n    image: x\n    network_mode: service:api\n",
    });
    const api = service(def, "api");
    assert.deepEqual(api.dependsOn, {
      db: { condition: "service_healthy", restart: false, required: true },
      files: { condition: "service_started", restart: false, required: true },
    }, "an explicit depends_on wins over the derived one");
    assert.deepEqual(api.links, [{ service: "db", alias: "database" }]);
    assert.deepEqual(api.volumesFrom, [{ service: "files", readOnly: true }, { container: "legacy", readOnly: false }]);
    assert.deepEqual(api.ipc, { service: "db" });
    assert.deepEqual(service(def, "side").dependsOn, { api: { condition: "service_started", restart: true, required: true } });
    assert.equal(service(def, "side").networkModeService, "api");
  });

  test("a derived dependency on an undefined service is an error at the key that names it", () => {
    const { diagnostics } = loadFails({ "compose.yaml": web('    links: ["dbb"]\n', "  db: { image: x }\n") });
    assert.equal(diagnostics[0]?.message, 'service "web" depends on "dbb", which is not defined');
    assert.deepEqual([diagnostics[0]?.location?.line, diagnostics[0]?.location?.column], [4, 13]);
  });

  test("a folder name is normalised as Compose does it (transfer.zip -> transferzip)", () => {
    const dir = project({ "transfer.zip/compose.yaml": "services:\n  app: { image: x }\n" });
    assert.equal(loadDefinition({ cwd: join(dir, "transfer.zip"), env: {} }).name, "transferzip");
  });
});
