/**
 * Definitions prenv must refuse, each with the place of the first finding (file, line,
 * column, 1-based), what the message says, and a hint that helps to fix it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { formatDiagnostic } from "../../src/definition/errors.ts";
import { loadFails, web, type Files, type LoadExtras } from "./compose-fixture.ts";

interface BadCase {
  name: string;
  files: Files;
  options?: LoadExtras;
  /** Where the first diagnostic points; `null` for findings about no file at all. */
  at: { file?: string; line: number; column: number } | null;
  message: RegExp;
  hint: RegExp;
  /** The service the finding is about, when it is about one. */
  service?: string;
}

const two = (a: string, b: string): string => `services:\n  ${a}\n  ${b}\n`;

const cases: BadCase[] = [
  {
    name: "a file that defines no services",
    files: { "compose.yaml": "# nothing yet\nname: empty\n" },
    at: { line: 1, column: 1 },
    message: /defines no services$/,
    hint: /add a `services:` mapping/,
  },
  // --- YAML syntax -------------------------------------------------------------------------
  {
    name: "a key indented less than its siblings",
    files: { "compose.yaml": "services:\n  web:\n    image: nginx\n   ports:\n      - 80\n" },
    at: { line: 4, column: 4 },
    message: /^invalid YAML: All mapping items must start at the same column/,
    hint: /indentation/,
  },
  {
    name: "a double quote that is never closed",
    files: { "compose.yaml": 'services:\n  web:\n    image: "nginx\n    ports: [80]\n' },
    at: { line: 3, column: 12 },
    message: /invalid YAML: Missing closing "quote/,
    hint: /close the quoted string/,
  },
  {
    name: "a single quote that is never closed, after an escaped quote",
    files: { "compose.yaml": "services:\n  web:\n    image: nginx\n    command: 'it''s\n" },
    at: { line: 4, column: 14 },
    message: /invalid YAML: Missing closing 'quote/,
    hint: /close the quoted string/,
  },
  {
    name: "a key written twice",
    files: { "compose.yaml": "services:\n  web:\n    image: nginx\n    image: redis\n" },
    at: { line: 4, column: 5 },
    message: /invalid YAML: Map keys must be unique/,
    hint: /each key may appear once/,
  },
  {
    name: "a tab used for indentation",
    files: { "compose.yaml": "services:\n  web:\n\timage: nginx\n" },
    at: { line: 3, column: 1 },
    message: /invalid YAML: Tabs are not allowed as indentation/,
    hint: /spaces, not tabs/,
  },
  {
    name: "a key nested under a scalar value",
    files: { "compose.yaml": "services:\n  web:\n    image: nginx\n      ports: [80]\n" },
    at: { line: 3, column: 12 },
    message: /invalid YAML: Nested mappings are not allowed/,
    hint: /missing its colon|indented under the wrong key/,
  },
  {
    name: "a top level that is a list",
    files: { "compose.yaml": "- web\n- db\n" },
    at: { line: 1, column: 1 },
    message: /a compose file must be a mapping at the top level/,
    hint: /services:/,
  },

  // --- wrong types -------------------------------------------------------------------------
  {
    name: "user given as a number",
    files: { "compose.yaml": web("    user: 1000\n") },
    at: { line: 4, column: 11 },
    message: /^"user" of service "web" must be a string, not number 1000$/,
    hint: /quote the value: "1000"/,
    service: "web",
  },
  {
    name: "ports given as a string",
    files: { "compose.yaml": web('    ports: "8080"\n') },
    at: { line: 4, column: 12 },
    message: /^"ports" of service "web" must be a list, not string "8080"$/,
    hint: /ports: \["8080:80"\]/,
    service: "web",
  },
  {
    name: "command given as a number",
    files: { "compose.yaml": web("    command: 5\n") },
    at: { line: 4, column: 14 },
    message: /^"command" of service "web" must be a string or a list, not number 5$/,
    hint: /npm start/,
    service: "web",
  },
  {
    name: "environment given as a number",
    files: { "compose.yaml": web("    environment: 3\n") },
    at: { line: 4, column: 18 },
    message: /^"environment" of service "web" must be a mapping or a list, not number 3$/,
    hint: /KEY: value/,
    service: "web",
  },
  {
    name: "healthcheck given as a list",
    files: { "compose.yaml": web("    healthcheck: []\n") },
    at: { line: 4, column: 18 },
    message: /^"healthcheck" of service "web" must be a mapping, not a list$/,
    hint: /healthcheck: \{ test:/,
    service: "web",
  },
  {
    name: "init that is not a boolean",
    files: { "compose.yaml": web("    init: maybe\n") },
    at: { line: 4, column: 11 },
    message: /"maybe" is not a boolean/,
    hint: /true or false/,
    service: "web",
  },

  {
    name: "a service name with a space",
    files: { "compose.yaml": "services:\n  my web:\n    image: nginx\n" },
    at: { line: 2, column: 3 },
    message: /service name "my web" may only contain letters, digits, "\.", "_" and "-"/,
    hint: /rename it, e\.g\. "my-web"/,
  },
  {
    name: "healthcheck retries that is not a number",
    files: { "compose.yaml": web("    healthcheck:\n      test: 'true'\n      retries: ${RETRIES:-three}\n") },
    at: { line: 6, column: 16 },
    message: /healthcheck retries "three" is not a whole number/,
    hint: /a count such as 3/,
    service: "web",
  },

  // --- misspelt keys -----------------------------------------------------------------------
  {
    name: "a misspelt top-level key",
    files: { "compose.yaml": "servics:\n  web:\n    image: nginx\n" },
    at: { line: 1, column: 1 },
    message: /^unknown key "servics"$/,
    hint: /did you mean "services"\?/,
  },
  {
    name: "an unknown top-level key that resembles nothing",
    files: { "compose.yaml": "services:\n  web:\n    image: nginx\nmy_settings:\n  a: 1\n" },
    at: { line: 4, column: 1 },
    message: /^unknown key "my_settings"$/,
    hint: /extension keys start with "x-"/,
  },
  {
    name: "a misspelt service key",
    files: { "compose.yaml": web("    enviroment:\n      A: b\n") },
    at: { line: 4, column: 5 },
    message: /unknown key "enviroment" in service "web"/,
    hint: /did you mean "environment"\?/,
  },
  {
    name: "a misspelt healthcheck key",
    files: { "compose.yaml": web("    healthcheck:\n      test: curl -f localhost\n      intervall: 5s\n") },
    at: { line: 6, column: 7 },
    message: /unknown key "intervall" in service "web" \(healthcheck\)/,
    hint: /did you mean "interval"\?/,
  },
  {
    name: "a misspelt build key",
    files: { "compose.yaml": "services:\n  web:\n    build:\n      context: .\n      dockerfil: Dockerfile\n" },
    at: { line: 5, column: 7 },
    message: /unknown key "dockerfil" in service "web" \(build\)/,
    hint: /did you mean "dockerfile"\?/,
  },
  {
    name: "a misspelt key of a depends_on entry",
    files: { "compose.yaml": two("db: { image: postgres }", "web:\n    image: nginx\n    depends_on:\n      db:\n        condition: service_healthy\n        requird: false") },
    at: { line: 8, column: 9 },
    message: /unknown key "requird" in service "web" \(depends_on\.db\)/,
    hint: /did you mean "required"\?/,
  },
  {
    name: "a misspelt key of a long-form port",
    files: { "compose.yaml": web("    ports:\n      - target: 80\n        publised: 8080\n") },
    at: { line: 6, column: 9 },
    message: /unknown key "publised" in service "web" \(ports\.0\)/,
    hint: /did you mean "published"\?/,
  },

  // --- dependencies ------------------------------------------------------------------------
  {
    name: "a cycle of depends_on",
    files: {
      "compose.yaml": "services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [c]\n  c:\n    image: x\n    depends_on: [a]\n",
    },
    at: { line: 4, column: 17 },
    message: /^depends_on forms a cycle: a -> b -> c -> a$/,
    hint: /remove one of these dependencies/,
    service: "a",
  },
  {
    name: "depends_on naming a service that does not exist",
    files: { "compose.yaml": two("db: { image: postgres }", "web:\n    image: nginx\n    depends_on: [dbb]") },
    at: { line: 5, column: 18 },
    message: /service "web" depends on "dbb", which is not defined/,
    hint: /did you mean "db"\?/,
    service: "web",
  },
  {
    name: "depends_on (long form) naming a service that does not exist",
    files: { "compose.yaml": two("db: { image: postgres }", "web:\n    image: nginx\n    depends_on:\n      postgres:\n        condition: service_started") },
    at: { line: 6, column: 7 },
    message: /service "web" depends on "postgres", which is not defined/,
    hint: /define a service "postgres" or remove the dependency/,
    service: "web",
  },
  {
    name: "depends_on a service that only exists in an inactive profile",
    files: { "compose.yaml": two("db:\n    image: postgres\n    profiles: [database]", "web:\n    image: nginx\n    depends_on: [db]") },
    at: { line: 7, column: 18 },
    message: /service "web" depends on "db", which is only enabled with profile "database"/,
    hint: /--profile database/,
    service: "web",
  },
  {
    name: "a depends_on condition that is misspelt",
    files: { "compose.yaml": two("db: { image: postgres }", "web:\n    image: nginx\n    depends_on:\n      db:\n        condition: service_healty") },
    at: { line: 7, column: 20 },
    message: /"depends_on\.db\.condition" of service "web" is string "service_healty", which is not one of "service_started", "service_healthy", "service_completed_successfully"/,
    hint: /did you mean "service_healthy"\?/,
    service: "web",
  },

  // --- interpolation -----------------------------------------------------------------------
  {
    name: "${VAR:?message} with VAR unset",
    files: { "compose.yaml": 'services:\n  web:\n    image: "app:${TAG:?set TAG to the release}"\n' },
    at: { line: 3, column: 12 },
    message: /^required variable TAG is not set: set TAG to the release$/,
    hint: /set TAG in the environment or in the \.env file/,
  },
  {
    name: "${VAR:?message} with VAR empty in .env",
    files: { "compose.yaml": 'services:\n  web:\n    image: "app:${TAG:?set TAG}"\n', ".env": "TAG=\n" },
    at: { line: 3, column: 12 },
    message: /^required variable TAG is empty: set TAG$/,
    hint: /set TAG/,
  },
  {
    name: "${VAR?message} with VAR unset",
    files: { "compose.yaml": web("    environment:\n      API_TOKEN: ${TOKEN?the API token is needed}\n") },
    at: { line: 5, column: 18 },
    message: /^required variable TOKEN is not set: the API token is needed$/,
    hint: /set TOKEN/,
  },
  {
    name: "an unterminated ${",
    files: { "compose.yaml": web("    command: echo ${HOME\n") },
    at: { line: 4, column: 14 },
    message: /unterminated variable reference "\$\{HOME"/,
    hint: /close it with "\}", or write "\$\$"/,
  },
  {
    name: "a variable name that starts with a digit",
    files: { "compose.yaml": web("    environment:\n      - A=${1PASSWORD}\n") },
    at: { line: 5, column: 9 },
    message: /invalid variable reference "\$\{1PASSWORD\}"/,
    hint: /starts with a letter or "_"/,
  },
  {
    name: "an unterminated ${ in the .env file",
    files: { "compose.yaml": web(""), ".env": "# settings\nA=1\nB=${A\n" },
    at: { file: ".env", line: 3, column: 1 },
    message: /unterminated variable reference "\$\{A" \(in B\)/,
    hint: /close it/,
  },

  // --- ports, durations, restart -----------------------------------------------------------
  {
    name: "a container port that is not a number",
    files: { "compose.yaml": web('    ports:\n      - "80"\n      - "8080:abc"\n') },
    at: { line: 6, column: 9 },
    message: /port "8080:abc": "abc" is not a container port or range/,
    hint: /"HOST:CONTAINER"/,
    service: "web",
  },
  {
    name: "a host port out of range",
    files: { "compose.yaml": web('    ports: ["70000:80"]\n') },
    at: { line: 4, column: 13 },
    message: /port "70000:80": "70000" is not a host port or range/,
    hint: /e\.g\. "8080:80"/,
    service: "web",
  },
  {
    name: "a port protocol other than tcp or udp",
    files: { "compose.yaml": web('    ports: ["5000:5000/sctp"]\n') },
    at: { line: 4, column: 13 },
    message: /port "5000:5000\/sctp" has an unknown protocol/,
    hint: /\[\/udp\]/,
    service: "web",
  },
  {
    name: "port ranges of different sizes",
    files: { "compose.yaml": web('    ports: ["8000-8002:80-81"]\n') },
    at: { line: 4, column: 13 },
    message: /host and container ranges differ in size/,
    hint: /"HOST:CONTAINER"/,
    service: "web",
  },
  {
    name: "a long-form port with an unknown protocol",
    files: { "compose.yaml": web("    ports:\n      - target: 80\n        protocol: sctp\n") },
    at: { line: 5, column: 9 },
    message: /protocol "sctp" is not tcp or udp/,
    hint: /the long syntax takes .*protocol \(tcp or udp\)/,
    service: "web",
  },
  {
    name: "a healthcheck interval that is not a duration",
    files: { "compose.yaml": web("    healthcheck:\n      test: curl -f localhost\n      interval: 5 seconds\n") },
    at: { line: 6, column: 17 },
    message: /healthcheck interval "5 seconds" is not a duration/,
    hint: /"1m30s"/,
    service: "web",
  },
  {
    name: "a stop_grace_period that is not a duration",
    files: { "compose.yaml": web("    stop_grace_period: 10x\n") },
    at: { line: 4, column: 24 },
    message: /stop_grace_period "10x" is not a duration/,
    hint: /"500ms", "10s"/,
    service: "web",
  },
  {
    name: "a healthcheck test list that does not start with CMD",
    files: { "compose.yaml": web('    healthcheck:\n      test: ["curl", "-f", "localhost"]\n') },
    at: { line: 5, column: 13 },
    message: /healthcheck test must start with "CMD", "CMD-SHELL" or "NONE", not "curl"/,
    hint: /\["CMD", "pg_isready"\]/,
    service: "web",
  },
  {
    name: "a restart policy that does not exist",
    files: { "compose.yaml": web("    restart: sometimes\n") },
    at: { line: 4, column: 14 },
    message: /restart "sometimes" is not a restart policy/,
    hint: /"unless-stopped"/,
    service: "web",
  },
  {
    name: "a command with an unclosed quote",
    files: { "compose.yaml": web(`    command: sh -c "echo hi\n`) },
    at: { line: 4, column: 14 },
    message: /command has an unclosed double quote/,
    hint: /close the quote, or write the command as a list/,
    service: "web",
  },

  // --- volumes and networks ----------------------------------------------------------------
  {
    name: "a volume whose container path is relative",
    files: { "compose.yaml": web("    volumes:\n      - ./data:data\n"), "data/x": "" },
    at: { line: 5, column: 9 },
    message: /volume "\.\/data:data": the container path "data" must be absolute/,
    hint: /absolute TARGET/,
    service: "web",
  },
  {
    name: "a volume with too many colons",
    files: { "compose.yaml": web("    volumes:\n      - ./a:/b:ro:extra\n") },
    at: { line: 5, column: 9 },
    message: /volume "\.\/a:\/b:ro:extra" has too many ":"-separated parts/,
    hint: /"SOURCE:TARGET\[:ro\]"/,
    service: "web",
  },
  {
    name: "a volume with an unknown mode",
    files: { "compose.yaml": web("    volumes:\n      - ./a:/b:readonly\n") },
    at: { line: 5, column: 9 },
    message: /unknown mode "readonly"/,
    hint: /"SOURCE:TARGET\[:ro\]"/,
    service: "web",
  },
  {
    name: "a bind mount whose host path does not exist, with create_host_path: false",
    files: { "compose.yaml": web("    volumes:\n      - /:/host:ro\n      - type: bind\n        source: ./missing\n        target: /data\n        bind: { create_host_path: false }\n") },
    at: { line: 6, column: 9 },
    message: /service "web" mounts .*\/missing, which does not exist \(bind.create_host_path is false\)/,
    hint: /create the path first/,
    service: "web",
  },
  {
    name: "a long-form bind mount without a source",
    files: { "compose.yaml": web("    volumes:\n      - type: bind\n        target: /data\n") },
    at: { line: 5, column: 9 },
    message: /a bind mount needs a source path/,
    hint: /the long syntax takes .*source \(a host path or volume name\)/,
    service: "web",
  },
  {
    name: "a named volume that is not declared",
    files: { "compose.yaml": web("    volumes:\n      - dbdata:/var/lib/data\n", "volumes:\n  db-data:\n") },
    at: { line: 5, column: 9 },
    message: /service "web" mounts volume "dbdata", which is not declared under the top-level volumes/,
    hint: /did you mean "db-data"\?/,
    service: "web",
  },
  {
    name: "a network that is not declared",
    files: { "compose.yaml": web("    networks:\n      - frontend\n      - backend\n", "networks:\n  frontend:\n  backnd:\n") },
    at: { line: 6, column: 9 },
    message: /service "web" uses network "backend", which is not declared under the top-level networks/,
    hint: /did you mean "backnd"\?/,
    service: "web",
  },
  {
    name: "a network with a driver prenv cannot create",
    files: { "compose.yaml": web("", "networks:\n  mesh:\n    driver: overlay\n") },
    at: { line: 6, column: 13 },
    message: /network "mesh" uses driver "overlay"; prenv supports bridge networks only/,
    hint: /remove the driver/,
  },

  // --- services ----------------------------------------------------------------------------
  {
    name: "a service with neither image nor build",
    files: { "compose.yaml": "services:\n  web:\n    command: echo hi\n" },
    at: { line: 2, column: 3 },
    message: /service "web" has neither an image nor a build section/,
    hint: /add `image: <name>` or `build: <directory>`/,
    service: "web",
  },
  {
    name: "extends of a service that does not exist",
    files: { "compose.yaml": two("base: { image: x }", "web:\n    extends: bsae") },
    at: { line: 4, column: 14 },
    message: /extends refers to service "bsae", which this file does not define/,
    hint: /did you mean "base"\?/,
    service: "web",
  },
  {
    name: "extends of a file that does not exist",
    files: { "compose.yaml": web("    extends:\n      file: common.yaml\n      service: base\n") },
    at: { line: 5, column: 7 },
    message: /extends refers to .*common\.yaml, which does not exist/,
    hint: /fix the file path/,
    service: "web",
  },
  {
    name: "an env_file that does not exist",
    files: { "compose.yaml": web("    env_file: .env.local\n") },
    at: { line: 4, column: 15 },
    message: /env_file "\.env\.local" does not exist/,
    hint: /required: false/,
    service: "web",
  },

  // --- x-prenv ------------------------------------------------------------------------------
  {
    name: "an x-prenv.ready check of an unknown kind",
    files: { "compose.yaml": web("    x-prenv:\n      ready:\n        - port: 80\n        - tcp: 80\n") },
    at: { line: 7, column: 11 },
    message: /unknown readiness check "tcp"/,
    hint: /\{ port: 8080 \}/,
    service: "web",
  },
  {
    name: "an x-prenv.ready port out of range",
    files: { "compose.yaml": web("    x-prenv:\n      ready:\n        - port: 99999\n") },
    at: { line: 6, column: 17 },
    message: /"99999" is not a port number/,
    hint: /\{ port: 8080 \}/,
    service: "web",
  },
  {
    name: "an x-prenv.ready log pattern that is not a regular expression",
    files: { "compose.yaml": web('    x-prenv:\n      ready:\n        - log: "(ready"\n') },
    at: { line: 6, column: 16 },
    message: /log readiness pattern is not a valid regular expression/,
    hint: /\{ log: "ready to accept" \}/,
    service: "web",
  },
  {
    name: "an x-prenv.ready entry with two checks",
    files: { "compose.yaml": web("    x-prenv:\n      ready:\n        - { port: 80, log: up }\n") },
    at: { line: 6, column: 11 },
    message: /each readiness check has exactly one of port, http, log, command/,
    hint: /\{ http: \{ port: 8080/,
    service: "web",
  },

  // --- files --------------------------------------------------------------------------------
  {
    name: "an included file that does not exist",
    files: { "compose.yaml": "include:\n  - infra/compose.yaml\nservices:\n  web: { image: nginx }\n" },
    at: { line: 2, column: 5 },
    message: /included file .*infra\/compose\.yaml does not exist/,
    hint: /relative to the including file/,
  },
  {
    name: "an error inside an included file points into that file",
    files: { "compose.yaml": "include:\n  - infra/compose.yaml\n", "infra/compose.yaml": "services:\n  db:\n    image: postgres\n    restart: sometimes\n" },
    at: { file: "infra/compose.yaml", line: 4, column: 14 },
    message: /restart "sometimes" is not a restart policy/,
    hint: /"on-failure\[:N\]"/,
    service: "db",
  },
  {
    name: "an error in an override file points into that file",
    files: { "compose.yaml": web(""), "compose.override.yaml": "services:\n  web:\n    depends_on: [api]\n" },
    at: { file: "compose.override.yaml", line: 3, column: 18 },
    message: /service "web" depends on "api", which is not defined/,
    hint: /define a service "api"/,
    service: "web",
  },
  {
    name: "a -f file that does not exist",
    files: { "compose.yaml": web("") },
    options: { files: ["compose.yaml", "compose.ci.yaml"] },
    at: null,
    message: /compose file .*compose\.ci\.yaml does not exist/,
    hint: /-f \/ --file/,
  },
  {
    name: "a directory without a compose file",
    files: { "README.md": "no compose file here\n" },
    at: null,
    message: /no compose file in /,
    hint: /create compose\.yaml there, or pass one with -f/,
  },
  {
    name: "an --env-file that does not exist",
    files: { "compose.yaml": web("") },
    options: { envFiles: ["ci.env"] },
    at: null,
    message: /env file .*ci\.env does not exist/,
    hint: /--env-file/,
  },
];

describe("bad input", () => {
  test("the cases are distinct", () => {
    assert.ok(cases.length >= 30);
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
  });

  for (const c of cases) {
    test(c.name, () => {
      const { diagnostics, dir, error } = loadFails(c.files, c.options);
      const first = diagnostics[0]!;
      if (c.at === null) {
        assert.equal(first.location, undefined, "a finding about no particular file has no position");
      } else {
        assert.deepEqual(first.location, { file: join(dir, c.at.file ?? "compose.yaml"), line: c.at.line, column: c.at.column }, first.message);
      }
      assert.match(first.message, c.message);
      assert.ok(first.hint, "a hint is present");
      assert.match(first.hint, c.hint);
      if (c.service) assert.equal(first.service, c.service);
      // The thrown error's text is what the CLI prints: it carries position, message and hint.
      assert.ok(error.message.startsWith(formatDiagnostic(first)));
    });
  }
});
