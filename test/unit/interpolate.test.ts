import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { interpolate, InterpolationError } from "../../src/definition/interpolate.ts";
import { load, loadFails, service } from "./compose-fixture.ts";

/** Interpolates `input` against a fixed set of variables. */
function expand(input: string, vars: Record<string, string> = {}): string {
  return interpolate(input, (name) => vars[name]);
}

/** The InterpolationError `input` raises. */
function failure(input: string, vars: Record<string, string> = {}): InterpolationError {
  try {
    expand(input, vars);
  } catch (e) {
    assert.ok(e instanceof InterpolationError, `expected an InterpolationError, got ${String(e)}`);
    return e;
  }
  assert.fail(`"${input}" was expected to fail`);
}

describe("interpolate: plain references", () => {
  test("$VAR and ${VAR} take the variable's value", () => {
    assert.equal(expand("$TAG", { TAG: "1.2" }), "1.2");
    assert.equal(expand("nginx:${TAG}", { TAG: "1.2" }), "nginx:1.2");
  });

  test("an unbraced name ends at the first character that cannot be part of a name", () => {
    assert.equal(expand("$HOST_PORT:80", { HOST_PORT: "8080" }), "8080:80");
    assert.equal(expand("$A.b-$B/c", { A: "x", B: "y" }), "x.b-y/c");
    assert.equal(expand("${A}B", { A: "x", AB: "wrong" }), "xB");
  });

  test("an unset variable becomes the empty string", () => {
    assert.equal(expand("a${NOPE}b$NOPE"), "ab");
  });

  test("text without references comes back unchanged, including a lone $", () => {
    assert.equal(expand("costs 5$ or $ 6"), "costs 5$ or $ 6");
    assert.equal(expand("trailing $"), "trailing $");
  });
});

describe("interpolate: defaults", () => {
  test("${VAR:-default} uses the default when the variable is unset or empty", () => {
    assert.equal(expand("${V:-d}"), "d");
    assert.equal(expand("${V:-d}", { V: "" }), "d");
    assert.equal(expand("${V:-d}", { V: "set" }), "set");
  });

  test("${VAR-default} uses the default only when the variable is unset", () => {
    assert.equal(expand("${V-d}"), "d");
    assert.equal(expand("${V-d}", { V: "" }), "");
    assert.equal(expand("${V-d}", { V: "set" }), "set");
  });

  test("a default may be empty and may contain spaces and colons", () => {
    assert.equal(expand("[${V:-}]"), "[]");
    assert.equal(expand("${URL:-http://db:5432/app name}"), "http://db:5432/app name");
  });

  test("defaults nest", () => {
    assert.equal(expand("${A:-${B:-x}}"), "x");
    assert.equal(expand("${A:-${B:-x}}", { B: "b" }), "b");
    assert.equal(expand("${A:-${B:-x}}", { A: "a", B: "b" }), "a");
    assert.equal(expand("${A:-pre-${B}-post}", { B: "b" }), "pre-b-post");
  });
});

describe("interpolate: required variables", () => {
  test("${VAR:?message} fails when unset or empty, with the message", () => {
    const unset = failure("${DB_PASSWORD:?set it in .env}");
    assert.match(unset.message, /DB_PASSWORD is not set/);
    assert.match(unset.message, /set it in \.env/);
    const empty = failure("${DB_PASSWORD:?set it in .env}", { DB_PASSWORD: "" });
    assert.match(empty.message, /DB_PASSWORD is empty/);
    assert.equal(expand("${DB_PASSWORD:?set it}", { DB_PASSWORD: "pw" }), "pw");
  });

  test("${VAR?message} fails only when unset", () => {
    assert.match(failure("${TOKEN?token needed}").message, /TOKEN is not set: token needed/);
    assert.equal(expand("${TOKEN?token needed}", { TOKEN: "" }), "");
    assert.equal(expand("${TOKEN?token needed}", { TOKEN: "t" }), "t");
  });

  test("the failure points at the reference and says how to fix it", () => {
    const e = failure("image: app:${TAG:?}");
    assert.equal(e.offset, "image: app:".length);
    assert.match(e.message, /^required variable TAG is not set$/);
    assert.match(e.hint, /set TAG/);
  });

  test("the message itself is interpolated", () => {
    assert.match(failure("${A:?needed by $WHO}", { WHO: "api" }).message, /needed by api/);
  });
});

describe("interpolate: replacements", () => {
  test("${VAR:+replacement} replaces a set, non-empty variable", () => {
    assert.equal(expand("${DEBUG:+--verbose}", { DEBUG: "1" }), "--verbose");
    assert.equal(expand("${DEBUG:+--verbose}", { DEBUG: "" }), "");
    assert.equal(expand("${DEBUG:+--verbose}"), "");
  });

  test("${VAR+replacement} replaces any set variable, even an empty one", () => {
    assert.equal(expand("${DEBUG+--verbose}", { DEBUG: "1" }), "--verbose");
    assert.equal(expand("${DEBUG+--verbose}", { DEBUG: "" }), "--verbose");
    assert.equal(expand("${DEBUG+--verbose}"), "");
  });

  test("a replacement may refer to variables", () => {
    assert.equal(expand("${PORT:+--port=$PORT}", { PORT: "80" }), "--port=80");
  });
});

describe("interpolate: escapes and errors", () => {
  test("$$ is a literal dollar sign and suppresses the reference after it", () => {
    assert.equal(expand("$$", {}), "$");
    assert.equal(expand("echo $$HOME", { HOME: "/root" }), "echo $HOME");
    assert.equal(expand("$${HOME}", { HOME: "/root" }), "${HOME}");
    assert.equal(expand("$$$$"), "$$");
    assert.equal(expand("$$$V", { V: "x" }), "$x");
  });

  test("$$ inside a default stays a literal dollar", () => {
    assert.equal(expand("${PRICE:-$$5}"), "$5");
  });

  test("an unterminated ${ is an error at the ${", () => {
    const e = failure("echo ${HOME");
    assert.equal(e.offset, 5);
    assert.match(e.message, /unterminated variable reference "\$\{HOME"/);
    assert.match(e.hint, /"\}"/);
    assert.match(failure("${A:-${B}").message, /unterminated/);
  });

  test("names must start with a letter or underscore", () => {
    for (const input of ["${1ABC}", "${}", "${-x}", "${ A}"]) {
      const e = failure(input);
      assert.match(e.message, /invalid variable reference/, input);
      assert.match(e.hint, /variable name starts with a letter/, input);
    }
    assert.equal(expand("${_private}", { _private: "ok" }), "ok");
  });

  test("an unknown operator after the name is an error that lists the valid forms", () => {
    const e = failure("${A*b}");
    assert.match(e.message, /invalid variable reference "\$\{A\*b\}"/);
    assert.match(e.hint, /\$\{VAR:-default\}/);
  });
});

describe("interpolation while loading", () => {
  const compose = [
    "services:",
    "  web:",
    '    image: "nginx:${TAG:-latest}"',
    "    environment:",
    "      MODE: ${MODE}",
    "      DSN: postgres://${DB_USER:-app}@db/app",
    "",
  ].join("\n");

  test("variables come from the .env file next to the compose file", () => {
    const def = load({ "compose.yaml": compose, ".env": "TAG=1.25\nMODE=dev\n" });
    assert.equal(service(def, "web").image, "nginx:1.25");
    assert.deepEqual(service(def, "web").environment, { MODE: "dev", DSN: "postgres://app@db/app" });
  });

  test("the process environment wins over .env, even when it sets an empty value", () => {
    const def = load({ "compose.yaml": compose, ".env": "TAG=1.25\nMODE=dev\nDB_USER=fromfile\n" }, { env: { TAG: "2.0", MODE: "" } });
    const web = service(def, "web");
    assert.equal(web.image, "nginx:2.0");
    assert.equal(web.environment.MODE, "");
    assert.equal(web.environment.DSN, "postgres://fromfile@db/app");
  });

  test(".env is looked up next to the compose file, not in the working directory", () => {
    const def = load(
      { ".env": "TAG=wrong\n", "deploy/compose.yaml": compose, "deploy/.env": "TAG=right\n" },
      { files: ["deploy/compose.yaml"] },
    );
    assert.equal(service(def, "web").image, "nginx:right");
  });

  test("--env-file replaces .env", () => {
    const def = load(
      { "compose.yaml": compose, ".env": "TAG=from-dotenv\nMODE=dev\n", "ci.env": "MODE=ci\n" },
      { envFiles: ["ci.env"] },
    );
    const web = service(def, "web");
    assert.equal(web.image, "nginx:latest", "TAG from .env must not be seen");
    assert.equal(web.environment.MODE, "ci");
  });

  test("several --env-file files apply in order, later ones winning", () => {
    const def = load({ "compose.yaml": compose, "a.env": "TAG=a\nMODE=a\n", "b.env": "MODE=b\n" }, { envFiles: ["a.env", "b.env"] });
    assert.equal(service(def, "web").image, "nginx:a");
    assert.equal(service(def, "web").environment.MODE, "b");
  });

  test("entries of .env may refer to earlier entries and to the environment", () => {
    const def = load(
      { "compose.yaml": compose, ".env": "BASE=1\nTAG=${BASE}.${MINOR}\n" },
      { env: { MINOR: "7" } },
    );
    assert.equal(service(def, "web").image, "nginx:1.7");
  });

  test("$$ reaches the container as a single $, and the command keeps it unexpanded", () => {
    const def = load({
      "compose.yaml": ["services:", "  web:", "    image: nginx", '    command: sh -c "echo $$HOME and $${USER:-x}"', ""].join("\n"),
    });
    assert.deepEqual(service(def, "web").command, ["sh", "-c", "echo $HOME and ${USER:-x}"]);
  });

  test("the project name may come from COMPOSE_PROJECT_NAME in .env", () => {
    const def = load({ "compose.yaml": compose, ".env": "COMPOSE_PROJECT_NAME=Shop API\n" });
    // Normalised as Compose normalises project names: lower case, other characters dropped.
    assert.equal(def.name, "shopapi");
  });

  test("a required variable that is unset stops the load at the value that needs it", () => {
    const { diagnostics, dir } = loadFails({ "compose.yaml": 'services:\n  web:\n    image: "app:${TAG:?pass the image tag}"\n' });
    assert.equal(diagnostics[0]!.location?.file, `${dir}/compose.yaml`);
    assert.equal(diagnostics[0]!.location?.line, 3);
    assert.match(diagnostics[0]!.message, /TAG is not set: pass the image tag/);
  });
});
