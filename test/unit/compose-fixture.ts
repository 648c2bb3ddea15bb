/**
 * Helpers for the definition tests: write a small project into a fresh temporary
 * directory and load it the way `prenv` does.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadDefinition, type LoadOptions } from "../../src/definition/compose.ts";
import { DefinitionError } from "../../src/definition/errors.ts";
import type { Definition, Diagnostic, ServiceSpec } from "../../src/definition/model.ts";

/** File name (relative, may contain directories) to contents; "" makes an empty file. */
export type Files = Record<string, string>;

const created: string[] = [];
process.on("exit", () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** Writes `files` into a new temporary directory (removed when the tests end) and returns its path. */
export function project(files: Files): string {
  const dir = mkdtempSync(join(tmpdir(), "prenv-def-"));
  created.push(dir);
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return dir;
}

export type LoadExtras = Omit<LoadOptions, "cwd">;

/** Loads `files` (with an empty process environment unless `env` is given). */
export function load(files: Files, extras: LoadExtras = {}): Definition & { dir: string } {
  const dir = project(files);
  return { ...loadDefinition({ env: {}, ...extras, cwd: dir }), dir };
}

/** Loads `files`, which must fail, and returns the error diagnostics with the directory. */
export function loadFails(files: Files, extras: LoadExtras = {}): { diagnostics: Diagnostic[]; dir: string; error: DefinitionError } {
  return loadFailsIn(project(files), extras);
}

/** Loads the project already in `dir`, which must fail, like loadFails. */
export function loadFailsIn(dir: string, extras: LoadExtras = {}): { diagnostics: Diagnostic[]; dir: string; error: DefinitionError } {
  let caught: unknown;
  try {
    loadDefinition({ env: {}, ...extras, cwd: dir });
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof DefinitionError, `expected a DefinitionError, got ${caught === undefined ? "a successful load" : String(caught)}`);
  assert.ok(caught.diagnostics.length > 0, "a DefinitionError carries at least one diagnostic");
  for (const d of caught.diagnostics) assert.equal(d.severity, "error");
  return { diagnostics: caught.diagnostics, dir, error: caught };
}

/** The one service `name` of a loaded definition (fails the test when it is missing). */
export function service(definition: Definition, name: string): ServiceSpec {
  const spec = definition.services[name];
  assert.ok(spec, `service "${name}" is missing; have ${Object.keys(definition.services).join(", ")}`);
  return spec;
}

/** A compose file with one service `web` (image nginx) plus the given indented service keys. */
export function web(serviceKeys: string, rest = ""): string {
  return `services:\n  web:\n    image: nginx\n${serviceKeys}${rest}`;
}
