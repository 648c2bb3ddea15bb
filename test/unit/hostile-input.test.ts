/**
 * Hostile and broken definition files: each must be refused with a DefinitionError (exit
 * code 3 in the CLI), a position where one makes sense, a message a user can act on, in
 * bounded time and memory, and never with "unexpected error" and a stack trace.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { MAX_FILE_BYTES } from "../../src/definition/read-file.ts";
import { load, loadFails, loadFailsIn, project, web, type Files } from "./compose-fixture.ts";

const ROOT = resolve(fileURLToPath(import.meta.url), "../../..");
/** CPU time, not wall time: this shared machine is often busy, and work done is what grows. */
const CPU_BUDGET_MS = 2000;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Nine-fold aliases of aliases, `levels` deep: 9^levels values from a few hundred bytes. */
function aliasBomb(levels: number): string {
  const lines = ['x-a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i <= levels; i++) lines.push(`x-a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(",")}]`);
  return `${lines.join("\n")}\n${web("")}`;
}

/** The same with merge keys: each level merges the one below nine times. */
function mergeBomb(levels: number): string {
  const lines = ["x-m0: &m0 { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9 }"];
  for (let i = 1; i <= levels; i++) lines.push(`x-m${i}: &m${i} { <<: [${Array(9).fill(`*m${i - 1}`).join(", ")}] }`);
  return `${lines.join("\n")}\n${web("")}`;
}

interface HostileCase {
  name: string;
  /** The files, or a function that makes the project (for links, FIFOs, directories). */
  files: Files | (() => string);
  options?: { files?: string[] };
  /** Where the first finding points, relative to the project; null: about no place in a file. */
  at: { file?: string; line: number; column: number } | null;
  message: RegExp;
  hint: RegExp;
}

const cases: HostileCase[] = [
  {
    name: "a 9-level alias bomb (billion laughs)",
    files: { "compose.yaml": aliasBomb(9) },
    // x-a1 to x-a4 expand to 74,718 values; the first *a4 of x-a5 adds 66,430.
    at: { line: 6, column: 12 },
    message: /^YAML aliases expand to more than 100,000 values; this expansion of \*a4 is where the limit is passed$/,
    hint: /billion laughs/,
  },
  {
    name: "a 6-level alias bomb, which used to pass as valid",
    files: { "compose.yaml": aliasBomb(6) },
    at: { line: 6, column: 12 },
    message: /aliases expand to more than 100,000 values/,
    hint: /one level of aliases/,
  },
  {
    name: "a merge-key bomb",
    files: { "compose.yaml": mergeBomb(8) },
    at: { line: 6, column: 18 },
    message: /aliases expand to more than 100,000 values; this expansion of \*m4/,
    hint: /aliases of aliases multiply/,
  },
  {
    name: "a recursive alias",
    files: { "compose.yaml": `x-loop: &loop [1, *loop]\n${web("")}` },
    at: { line: 1, column: 19 },
    message: /^YAML aliases nest too deeply \(a recursive alias\?\)$/,
    hint: /anchor/,
  },
  {
    name: "100,000 unclosed [",
    files: { "compose.yaml": `${web("")}x-deep: ${"[".repeat(100_000)}\n` },
    at: { line: 4, column: 108 },
    message: /^invalid YAML: mappings and lists are nested too deeply \(more than 100 levels\)$/,
    hint: /unclosed \[ or \{/,
  },
  {
    name: "10,000 nested flow mappings",
    files: { "compose.yaml": `x-deep: ${"{a: ".repeat(10_000)}1${"}".repeat(10_000)}\n${web("")}` },
    // The top-level mapping is the first level: the 100th flow mapping is the 101st.
    at: { line: 1, column: 405 },
    message: /nested too deeply/,
    hint: /flatter data/,
  },
  {
    name: "500 levels of block mappings",
    files: { "compose.yaml": `${web("")}x-deep:\n${Array.from({ length: 500 }, (_, i) => `${" ".repeat(i + 1)}k:`).join("\n")} 1\n` },
    at: { line: 104, column: 101 },
    message: /nested too deeply/,
    hint: /flatter data/,
  },
  {
    name: "a file that includes itself",
    files: { "compose.yaml": `include:\n  - compose.yaml\n${web("")}` },
    at: { line: 2, column: 5 },
    message: /^include forms a cycle: compose\.yaml -> compose\.yaml$/,
    hint: /may not include itself/,
  },
  {
    name: "an include cycle a -> b -> a",
    files: { "compose.yaml": `include:\n  - b/compose.yaml\n${web("")}`, "b/compose.yaml": "include:\n  - ../compose.yaml\nservices:\n  db: { image: redis }\n" },
    at: { file: "b/compose.yaml", line: 2, column: 5 },
    message: /^include forms a cycle: compose\.yaml -> b\/compose\.yaml -> compose\.yaml$/,
    hint: /directly or through others/,
  },
  {
    name: "an include through a directory link that points at its own directory",
    files: () => {
      const dir = project({ "compose.yaml": `include:\n  - sub/compose.yaml\n${web("")}` });
      symlinkSync(".", join(dir, "sub"));
      return dir;
    },
    at: { line: 2, column: 5 },
    message: /^include forms a cycle: compose\.yaml -> compose\.yaml$/,
    hint: /remove one of these includes/,
  },
  {
    name: "an include of a loop of symbolic links",
    files: () => {
      const dir = project({ "compose.yaml": `include:\n  - a.yaml\n${web("")}` });
      symlinkSync("b.yaml", join(dir, "a.yaml"));
      symlinkSync("a.yaml", join(dir, "b.yaml"));
      return dir;
    },
    at: { line: 2, column: 5 },
    message: /a\.yaml is a loop of symbolic links$/,
    hint: /real file/,
  },
  {
    name: "an include of /dev/zero",
    files: { "compose.yaml": `include:\n  - /dev/zero\n${web("")}` },
    at: { line: 2, column: 5 },
    message: /^compose file \/dev\/zero is not a regular file/,
    hint: /regular file/,
  },
  {
    name: "an include of a FIFO",
    files: () => {
      const dir = project({ "compose.yaml": `include:\n  - pipe.yaml\n${web("")}` });
      execFileSync("mkfifo", [join(dir, "pipe.yaml")]);
      return dir;
    },
    at: { line: 2, column: 5 },
    message: /pipe\.yaml is not a regular file \(a device, FIFO or socket\)$/,
    hint: /regular file/,
  },
  {
    name: "an env_file that is a directory",
    files: () => {
      const dir = project({ "compose.yaml": web("    env_file: conf\n") });
      mkdirSync(join(dir, "conf"));
      return dir;
    },
    at: { line: 4, column: 15 },
    message: /^env_file .*\/conf is a directory$/,
    hint: /not a directory/,
  },
  {
    name: "a -f file that is a directory",
    files: () => {
      const dir = project({ "README.md": "x\n" });
      mkdirSync(join(dir, "compose.yaml"));
      return dir;
    },
    options: { files: ["compose.yaml"] },
    at: null,
    message: /compose file .*compose\.yaml is a directory$/,
    hint: /not a directory/,
  },
  {
    name: "invalid UTF-8",
    files: () => bytes(Buffer.from("services:\n  web:\n    image: ng\xffinx\n", "latin1")),
    at: { line: 3, column: 14 },
    message: /^compose file is not valid UTF-8: byte 0xFF here/,
    hint: /save the file as UTF-8/,
  },
  {
    name: "a UTF-8 character cut short",
    files: () => bytes(Buffer.concat([Buffer.from("services:\n  wéb:\n    image: nginx\n  x: "), Buffer.from([0xe2, 0x82, 0x0a])])),
    at: { line: 4, column: 6 },
    message: /byte 0xE2 here does not belong to a UTF-8 character/,
    hint: /UTF-8/,
  },
  {
    name: "a NUL byte",
    files: { "compose.yaml": "services:\n  web:\n    image: nginx\0\n" },
    at: { line: 3, column: 17 },
    message: /contains a NUL byte \(is it a binary file\?\)$/,
    hint: /remove the NUL byte/,
  },
  {
    name: "a control character",
    files: { "compose.yaml": "services:\n  web:\n    image: \x1bnginx\n" },
    at: { line: 3, column: 12 },
    message: /^invalid YAML: the file contains the control character U\+001B$/,
    hint: /remove the character/,
  },
  {
    name: "a file over the size limit",
    files: () => {
      const dir = project({ "compose.yaml": "" });
      truncateSync(join(dir, "compose.yaml"), 20 * 1024 * 1024);
      return dir;
    },
    at: null,
    message: /compose\.yaml is 20\.0 MiB, over prenv's limit of 4 MiB for a definition file$/,
    hint: /split it with `include`/,
  },
  {
    name: "a 5 MB single scalar",
    files: { "compose.yaml": `${web("")}x-blob: "${"a".repeat(5_000_000)}"\n` },
    at: null,
    message: /over prenv's limit of 4 MiB/,
    hint: /generate a smaller file/,
  },
  {
    name: "a key that is a list",
    files: { "compose.yaml": `${web("")}x-odd:\n  ? [a, b]\n  : c\n` },
    at: { line: 5, column: 5 },
    message: /^a mapping key must be a string, not a list$/,
    hint: /plain name before the colon/,
  },
  {
    name: "a key that is a mapping",
    files: { "compose.yaml": `${web("")}x-odd: { { a: 1 }: 2 }\n` },
    at: { line: 4, column: 10 },
    message: /a mapping key must be a string, not a mapping/,
    hint: /plain name/,
  },
  {
    name: "a !!binary tag",
    files: { "compose.yaml": web("    command: !!binary aGVsbG8=\n") },
    at: { line: 4, column: 14 },
    message: /^the YAML tag !!binary is not supported$/,
    hint: /plain data/,
  },
  {
    name: "a !!python/object tag",
    files: { "compose.yaml": `${web("")}x-evil: !!python/object:os.system { cmd: "rm -rf /" }\n` },
    at: { line: 4, column: 9 },
    message: /the YAML tag !!python\/object:os\.system is not supported/,
    hint: /remove the tag/,
  },
  {
    name: "Compose's !reset tag",
    files: { "compose.yaml": web("    ports: !reset []\n") },
    at: { line: 4, column: 12 },
    message: /the YAML tag !reset is not supported/,
    hint: /!reset and !override/,
  },
  {
    name: "a 100,000-character key",
    files: { "compose.yaml": `services:\n  ${"n".repeat(100_000)}:\n    image: nginx\n` },
    at: { line: 2, column: 3 },
    message: /^invalid YAML: The : indicator must be at most 1024 chars/,
    hint: /at most 1024 characters long/,
  },
  {
    name: "a 1,000-character service name",
    files: { "compose.yaml": `services:\n  ${"n!".repeat(500)}:\n    image: nginx\n` },
    at: { line: 2, column: 3 },
    message: /^service name "(n!){40}… \(1000 characters\)" may only contain/,
    hint: /rename it/,
  },
  {
    name: "a number too large for a port",
    files: { "compose.yaml": web('    ports: ["99999999999999999999999:80"]\n') },
    at: { line: 4, column: 13 },
    message: /99999999999999999999999/,
    hint: /HOST:CONTAINER/,
  },
  {
    name: "an image with a space",
    files: { "compose.yaml": "services:\n  web:\n    image: ${REPO:-my api}:1\n" },
    at: { line: 3, column: 12 },
    message: /^image "my api:1" contains white space$/,
    hint: /no spaces/,
  },
  {
    name: "an image with upper case",
    files: { "compose.yaml": "services:\n  web:\n    image: MyOrg/api:2\n" },
    at: { line: 3, column: 12 },
    message: /^image "MyOrg\/api:2" has upper case in its repository name$/,
    hint: /^repository names must be lower case: write 'myorg\/api:2'$/,
  },
  {
    name: "an image with a bad tag",
    files: { "compose.yaml": "services:\n  web:\n    image: redis:.7\n" },
    at: { line: 3, column: 12 },
    message: /invalid tag "\.7"/,
    hint: /does not start with '\.' or '-'/,
  },
  {
    name: "an image with a bad digest",
    files: { "compose.yaml": "services:\n  web:\n    image: redis@sha256:abc\n" },
    at: { line: 3, column: 12 },
    message: /invalid digest "sha256:abc"/,
    hint: /64 hexadecimal digits/,
  },
  {
    name: "two documents in one file",
    files: { "compose.yaml": `${web("")}---\n${web("")}` },
    at: { line: 4, column: 1 },
    message: /multiple documents/,
    hint: /YAML syntax/,
  },
];

/** A project whose compose.yaml holds exactly these bytes (a string would be written as UTF-8). */
function bytes(content: Buffer): string {
  const dir = project({});
  writeFileSync(join(dir, "compose.yaml"), content);
  return dir;
}

describe("hostile input", () => {
  for (const c of cases) {
    test(c.name, () => {
      const started = cpuMs();
      const { diagnostics, dir, error } = typeof c.files === "function" ? loadFailsIn(c.files(), c.options) : loadFails(c.files, c.options ?? {});
      const spent = cpuMs() - started;
      const first = diagnostics[0]!;
      if (c.at === null) assert.equal(first.location, undefined, `no position expected: ${first.message}`);
      else assert.deepEqual(first.location, { file: join(dir, c.at.file ?? "compose.yaml"), line: c.at.line, column: c.at.column }, first.message);
      assert.match(first.message, c.message);
      assert.match(first.hint ?? "", c.hint);
      assert.ok(first.message.length < 400, `a message a user can read, not ${first.message.length} characters`);
      assert.doesNotMatch(error.message, /Maximum call stack|unexpected error|\n\s+at /);
      assert.ok(spent < CPU_BUDGET_MS, `refused in ${spent.toFixed(0)} ms of CPU, over ${CPU_BUDGET_MS} ms`);
    });
  }

  test("a file that cannot be read", (t) => {
    if (process.getuid?.() === 0) return t.skip("root reads any file");
    const dir = project({ "compose.yaml": web("") });
    chmodSync(join(dir, "compose.yaml"), 0o000);
    const { diagnostics } = loadFailsIn(dir, {});
    assert.match(diagnostics[0]!.message, /cannot read compose file .*EACCES/);
  });

  test("a mapping with 60,000 keys (1.6 MB) loads in linear time", () => {
    const keys = Array.from({ length: 60_000 }, (_, i) => `  key${String(i).padStart(8, "0")}: value${i}\n`).join("");
    const started = cpuMs();
    const definition = load({ "compose.yaml": `${web("")}x-big:\n${keys}` });
    const spent = cpuMs() - started;
    assert.equal(Object.keys(definition.extensions["x-big"] as object).length, 60_000);
    // It was quadratic (each key compared with all before it): 20,000 keys took 35 s.
    assert.ok(spent < 4 * CPU_BUDGET_MS, `${spent.toFixed(0)} ms of CPU`);
  });

  test("a file just under the size limit is read", () => {
    const line = `x-fill: "${"a".repeat(MAX_FILE_BYTES - 200)}"\n`;
    const definition = load({ "compose.yaml": `${web("")}${line}` });
    assert.equal((definition.extensions["x-fill"] as string).length, MAX_FILE_BYTES - 200);
  });

  test("a UTF-8 byte order mark is accepted, as Compose does", () => {
    const definition = load({ "compose.yaml": `\ufeff${web("")}` });
    assert.equal(definition.services.web?.image, "nginx");
  });

  test("an image reference that is valid in every part is accepted", () => {
    const image = `registry.example.com:5000/team_a/app--x.y__z:v1.2-rc_3@sha256:${"0a".repeat(32)}`;
    const definition = load({ "compose.yaml": `services:\n  web:\n    image: ${image}\n` });
    assert.equal(definition.services.web?.image, image);
  });

  test("memory stayed bounded through every case", () => {
    // Before the limits the 9-level bomb alone went past 2.5 GB.
    const peakMB = process.resourceUsage().maxRSS / 1024;
    assert.ok(peakMB < 1024, `peak RSS ${peakMB.toFixed(0)} MB`);
  });
});

describe("hostile input through the CLI", () => {
  const run = (dir: string) => spawnSync(process.execPath, [join(ROOT, "src/cli/index.ts"), "validate"], { cwd: dir, encoding: "utf8", env: { ...process.env, NODE_TEST_CONTEXT: undefined }, timeout: 60_000 });
  for (const c of cases.filter((x) => ["a 9-level alias bomb (billion laughs)", "an include cycle a -> b -> a", "100,000 unclosed [", "invalid UTF-8", "an include of a FIFO"].includes(x.name))) {
    test(`${c.name}: exit code 3, the position, no stack trace`, () => {
      const dir = typeof c.files === "function" ? c.files() : project(c.files);
      const r = run(dir);
      assert.equal(r.status, 3, r.stderr);
      assert.ok(c.at);
      assert.ok(r.stderr.includes(`${join(dir, c.at.file ?? "compose.yaml")}:${c.at.line}:${c.at.column}: error: `), r.stderr);
      // validate creates nothing, so it does not say that nothing was created.
      assert.match(r.stderr, /the definition has \d+ errors?\n$/);
      assert.doesNotMatch(r.stderr, /unexpected error|\n\s+at |nothing was created/);
    });
  }
});
