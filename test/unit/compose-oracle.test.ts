/**
 * The official Compose JSON Schema as an oracle: prenv's loader must accept exactly the
 * documents the schema accepts (compose-documents.ts). Each document is written as JSON,
 * which is YAML too, so both sides read the same thing.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import Ajv2020 from "ajv/dist/2020.js";
import { loadDefinition } from "../../src/definition/compose.ts";
import { DefinitionError } from "../../src/definition/errors.ts";
import { composeSchemaPath } from "../helpers/compose-reference.ts";
import { invalid, valid, type Doc } from "./compose-documents.ts";
import { project } from "./compose-fixture.ts";

/** Whether prenv loads `doc`; other exceptions than DefinitionError fail the test. */
function prenvAccepts(doc: Doc): { ok: boolean; why: string } {
  const dir = project({ "compose.yaml": JSON.stringify(doc, null, 2) });
  try {
    loadDefinition({ cwd: dir, env: {} });
    return { ok: true, why: "" };
  } catch (e) {
    if (!(e instanceof DefinitionError)) throw e;
    return { ok: false, why: e.message };
  }
}

describe("the Compose JSON Schema as an oracle", () => {
  // The schema of the compose-go module that Docker Compose v5.6.0 uses, from Go's module
  // cache. Compiled once. Ajv is CommonJS: its class is the module itself and also its
  // `default`; TypeScript only knows the latter.
  const schema = composeSchemaPath();
  const validate = schema.ok
    ? new Ajv2020.default({ strict: false, allErrors: true }).compile(JSON.parse(readFileSync(schema.value, "utf8")) as object)
    : undefined;

  test("there are enough documents of both kinds", () => {
    assert.ok(valid.length >= 20 && invalid.length >= 20 && valid.length + invalid.length >= 40);
    const names = [...valid, ...invalid].map(([name]) => name);
    assert.equal(new Set(names).size, names.length);
  });

  for (const [expected, docs] of [["valid", valid], ["invalid", invalid]] as const) {
    for (const [name, doc] of docs) {
      test(`${expected}: ${name}`, (t) => {
        if (!validate) {
          t.skip(schema.ok ? "" : schema.why);
          return;
        }
        const schemaOk = validate(doc) === true;
        assert.equal(schemaOk, expected === "valid", `the schema itself disagrees with this case: ${JSON.stringify(validate.errors)}`);
        const prenv = prenvAccepts(doc);
        assert.equal(prenv.ok, schemaOk, schemaOk ? `prenv rejects a valid document:\n${prenv.why}` : "prenv accepts a document the schema rejects");
      });
    }
  }

  test("documents written as JSON are read with their meaning", () => {
    // A guard for the approach above: JSON text is YAML, and prenv sees what the schema sees.
    const dir = project({ "compose.yaml": JSON.stringify({ services: { web: { image: "nginx", ports: ["8080:80"] } } }) });
    const def = loadDefinition({ cwd: dir, env: {} });
    assert.deepEqual(def.services.web?.ports, [{ target: 80, published: 8080, protocol: "tcp" }]);
  });
});
