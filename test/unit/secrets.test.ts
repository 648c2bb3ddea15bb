import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { describe, test } from "node:test";
import { resolveParams, parseParamSpecs } from "../../src/definition/params.ts";
import { parseYaml } from "../../src/definition/yaml-source.ts";
import { secretValues } from "../../src/secrets/collect.ts";
import { looksSecret, MASK, Redactor } from "../../src/secrets/redact.ts";

describe("Redactor", () => {
  const secret = "hunter2-Sx9";
  const r = new Redactor([secret]);

  test("masks a value and the forms derived from it", () => {
    assert.equal(r.redact(`pw=${secret};`), `pw=${MASK};`);
    assert.equal(r.redact(encodeURIComponent(`${secret}`)), MASK);
    assert.equal(r.redact(`Basic ${Buffer.from(secret).toString("base64")}`), `Basic ${MASK}`);
    const quoted = new Redactor(['a"b\\c-d']);
    assert.equal(quoted.redact(JSON.stringify({ v: 'a"b\\c-d' })), `{"v":"${MASK}"}`);
  });

  test("masks the longer of two secrets whole when one contains the other", () => {
    const both = new Redactor(["abcd", "abcdefgh"]);
    assert.equal(both.redact("xabcdefghx abcd"), `x${MASK}x ${MASK}`);
  });

  test("leaves values too short to mask alone, and text without secrets as it is", () => {
    const short = new Redactor(["on", "1"]);
    assert.equal(short.active, false);
    assert.equal(short.redact("on 1"), "on 1");
    assert.equal(r.redact("nothing here"), "nothing here");
  });

  test("redacts every string of a JSON-like value, keys included, without changing the original", () => {
    const value = { a: [`x${secret}`, 1, true, null], [secret]: { deep: secret } };
    const out = r.redactDeep(value);
    assert.deepEqual(out, { a: [`x${MASK}`, 1, true, null], [MASK]: { deep: MASK } });
    assert.equal(value.a[0], `x${secret}`);
  });

  test("masks a secret split across pieces, at every split point", () => {
    const text = `before ${secret} middle ${secret}${secret} after`;
    for (let cut = 0; cut <= text.length; cut++) {
      for (const step of [1, 3, 7]) {
        const pieces = r.pieces();
        let out = pieces.push(text.slice(0, cut));
        for (let i = cut; i < text.length; i += step) out += pieces.push(text.slice(i, i + step));
        out += pieces.end();
        assert.equal(out, `before ${MASK} middle ${MASK}${MASK} after`, `cut ${cut}, step ${step}`);
      }
    }
  });

  test("a stream masks across chunk boundaries and keeps multi-byte characters whole", async () => {
    const text = `é€😀 ${secret} é€😀`.repeat(50);
    const bytes = Buffer.from(text);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 5) chunks.push(bytes.subarray(i, i + 5));
    const out = await buffer(Readable.from(chunks).pipe(r.transform()));
    assert.equal(out.toString("utf8"), `é€😀 ${MASK} é€😀`.repeat(50));
  });
});

describe("which names look secret", () => {
  for (const name of ["db_password", "DB_PASSWORD", "stripe_key", "db_pw", "apiKey", "GITHUB_TOKEN", "session_cookie", "jwtSecret", "signing.key", "pg_PASS"]) {
    test(`${name} does`, () => assert.equal(looksSecret(name), true));
  }
  for (const name of ["db_version", "monkey", "keycloak_url", "search", "region", "passenger_count"]) {
    test(`${name} does not`, () => assert.equal(looksSecret(name), false));
  }
});

describe("secret parameters", () => {
  const specs = (yaml: string) => {
    const diagnostics: Parameters<typeof parseParamSpecs>[2] = [];
    const out = parseParamSpecs(parseYaml("prenv.yml", yaml).source!, ["params"], diagnostics);
    return { specs: out, diagnostics };
  };

  test("secret: true, a credential-like name, PRENV_SECRET_* and the secrets input all make a value secret", () => {
    const { specs: s, diagnostics } = specs("params:\n  api: { type: string, secret: true }\n  stripe_key: { type: string }\n  region: { type: string }\n  plain: { type: string }\n  given: { type: string }\n");
    assert.deepEqual(diagnostics, []);
    const d: Parameters<typeof resolveParams>[2] = [];
    const resolved = resolveParams(s, { set: ["api=a-val-1", "stripe_key=sk_live_123", "plain=visible"], env: { PRENV_SECRET_REGION: "eu-secret-1" }, secrets: ["given=g-val-2"] }, d);
    assert.deepEqual(d, []);
    assert.deepEqual(Object.fromEntries(Object.entries(resolved).map(([k, v]) => [k, v.secret])), { api: true, stripe_key: true, region: true, plain: false, given: true });
    assert.equal(resolved.given!.origin, "secrets input");
    const values = secretValues({ params: resolved, definition: { variablesUsed: {} } }, {});
    assert.deepEqual(values.sort(), ["a-val-1", "eu-secret-1", "g-val-2", "sk_live_123"]);
  });

  test("a secret with a default is refused, with its position", () => {
    const { diagnostics } = specs("params:\n  api:\n    type: string\n    secret: true\n    default: committed-secret\n");
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0]!.message, /secret parameter "api" has a default/);
    assert.equal(diagnostics[0]!.location?.line, 5);
  });

  test("a wrongly typed secret value is not quoted in the error", () => {
    const { specs: s } = specs("params:\n  pin: { type: integer, secret: true }\n");
    const d: Parameters<typeof resolveParams>[2] = [];
    resolveParams(s, { secrets: ["pin=not-a-number-zz"] }, d);
    assert.equal(d.length, 1);
    assert.doesNotMatch(d[0]!.message + (d[0]!.hint ?? ""), /not-a-number-zz/);
  });

  test("variables the definition interpolates are secret when their names say so", () => {
    const values = secretValues({ params: {}, definition: { variablesUsed: { DB_PASSWORD: "from-dotenv-pw", TAG: "v1.2.3-long" } } }, { HOME: "/root/home", MY_API_TOKEN: "tok-123456", PWD: "/work/project", SSH_AUTH_SOCK: "/tmp/ssh-X/agent.1", XDG_SESSION_ID: "session-42" });
    assert.deepEqual(values.sort(), ["from-dotenv-pw", "tok-123456"]);
  });
});
