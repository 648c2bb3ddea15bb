import { escapeRegExp } from "../util/text.ts";
import { shellQuote } from "../util/shell.ts";

import type { TestRunner as Runner } from "../definition/prenv-schema.ts";

export interface SelectedTest {
  /** The JUnit classname or suite: Maven needs the class. */
  suite?: string;
  name: string;
}

/** How the suite's command is changed so that it runs only some tests. */
export interface Selection {
  runner: Runner | undefined;
  /** Variables for the command: always PRENV_TEST_SELECTION (a JSON list of names), plus the runner's own. */
  env: Record<string, string>;
  command: string[];
  /** For the terminal: "node:test --test-name-pattern (NODE_OPTIONS)". */
  how: string;
  /** Files the selection needs written before the command runs (path -> content). */
  files: Record<string, string>;
}

/**
 * pytest's -k matches substrings (test_round would select test_rounding too), so pytest
 * gets a small plugin instead: it deselects every collected item whose name or node id
 * is not in PRENV_TEST_SELECTION, as pytest's own deselection does.
 */
const PYTEST_PLUGIN = `# Written by prenv for a run with a selection of tests: keeps only the named ones.
import json
import os


def pytest_collection_modifyitems(config, items):
    wanted = set(json.loads(os.environ.get("PRENV_TEST_SELECTION", "[]")))
    if not wanted:
        return
    keep = [item for item in items if item.name in wanted or item.nodeid in wanted]
    drop = [item for item in items if item.name not in wanted and item.nodeid not in wanted]
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
`;
export const PYTEST_PLUGIN_MODULE = "prenv_select";

/** Reads a package.json script, to see the runner behind `npm test` / `npm run x`. */
export type ScriptReader = (name: string) => string | undefined;

const DETECT: [Runner, RegExp][] = [
  ["pytest", /(^|[\s/;&|(])(py\.test|pytest)(\s|$)|python3?\s+-m\s+pytest\b/],
  ["vitest", /(^|[\s/;&|(])vitest(\s|$)/],
  ["jest", /(^|[\s/;&|(])jest(\s|$)/],
  ["go", /(^|[\s;&|(])go\s+test\b/],
  ["maven", /(^|[\s/;&|(])(mvn|mvnw)(\s|$)/],
  ["node", /(^|[\s/;&|(])['"]?[^\s'"]*node['"]?\s+(?:[^;&|]*\s)?--test(\s|=|$)/],
];

/** The runner a command line starts, when prenv recognises it. */
export function detectRunner(text: string): Runner | undefined {
  return DETECT.find(([, re]) => re.test(text))?.[0];
}

const NPM_SCRIPT = /^\s*(npm|pnpm|yarn)(\s+run)?\s+([A-Za-z0-9:_.-]+)\s*$/;

/**
 * The suite's command changed to run only `tests`. Runners that read a variable get it
 * (Node's NODE_OPTIONS, pytest's PYTEST_ADDOPTS), so the command is untouched; for the
 * others the selection is put right after the runner's name in the command (or after
 * `--` of an npm script that starts it). An unknown runner gets only
 * PRENV_TEST_SELECTION, and `how` says so.
 */
export function selectTests(command: string[], tests: SelectedTest[], options: { runner?: Runner; env?: Record<string, string | undefined>; readScript?: ScriptReader; scratchDir?: string } = {}): Selection {
  const env: Record<string, string> = { PRENV_TEST_SELECTION: JSON.stringify(tests.map((t) => t.name)) };
  const shell = command.length === 3 && /(^|\/)(ba|z|da)?sh$/.test(command[0]!) && command[1] === "-c";
  const text = shell ? command[2]! : command.join(" ");
  const npm = NPM_SCRIPT.exec(text);
  const script = npm ? options.readScript?.(npm[3] === "test" && !npm[2] ? "test" : npm[3]!) : undefined;
  const runner = options.runner ?? detectRunner(text) ?? (script !== undefined ? detectRunner(script) : undefined);
  if (!runner) return { runner, env, command, files: {}, how: "PRENV_TEST_SELECTION only: prenv does not recognise the test runner (set test.runner)" };

  const names = tests.map((t) => t.name);
  const pattern = `^(${names.map(escapeRegExp).join("|")})$`;
  switch (runner) {
    case "node": {
      const flags = names.map((n) => `--test-name-pattern="${`^${escapeRegExp(n)}$`.replace(/["\\]/g, "\\$&")}"`).join(" ");
      env.NODE_OPTIONS = [options.env?.NODE_OPTIONS, flags].filter(Boolean).join(" ");
      return { runner, env, command, files: {}, how: "node:test --test-name-pattern (through NODE_OPTIONS)" };
    }
    case "pytest": {
      const dir = options.scratchDir ?? ".prenv";
      env.PYTHONPATH = [dir, options.env?.PYTHONPATH].filter(Boolean).join(":");
      env.PYTEST_ADDOPTS = [options.env?.PYTEST_ADDOPTS, `-p ${PYTEST_PLUGIN_MODULE}`].filter(Boolean).join(" ");
      return { runner, env, command, files: { [`${dir}/${PYTEST_PLUGIN_MODULE}.py`]: PYTEST_PLUGIN }, how: "a pytest plugin that deselects the other tests (through PYTEST_ADDOPTS)" };
    }
    case "jest":
    case "vitest":
      return insert(runner, env, command, shell, text, npm !== null && script !== undefined, ["-t", pattern], `${runner} -t`);
    case "go": {
      const top = [...new Set(names.map((n) => n.split("/")[0]!))];
      return insert(runner, env, command, shell, text, false, ["-run", `^(${top.map(escapeRegExp).join("|")})$`], "go test -run");
    }
    case "maven": {
      const byClass = new Map<string, string[]>();
      for (const t of tests) byClass.set(t.suite ?? "*", [...(byClass.get(t.suite ?? "*") ?? []), t.name.replace(/\(.*$/, "")]);
      const spec = [...byClass].map(([cls, methods]) => `${cls}#${methods.join("+")}`).join(",");
      return insert(runner, env, command, shell, text, false, [`-Dtest=${spec}`, "-Dsurefire.failIfNoSpecifiedTests=false"], "Maven Surefire -Dtest");
    }
  }
}

const AFTER: Record<"jest" | "vitest" | "go" | "maven", RegExp> = {
  jest: /(^|[\s/;&|(])jest(?=\s|$)/,
  vitest: /(^|[\s/;&|(])vitest(\s+run)?(?=\s|$)/,
  go: /(^|[\s;&|(])go\s+test(?=\s|$)/,
  maven: /(^|[\s/;&|(])(mvn|mvnw)(?=\s|$)/,
};

function insert(runner: "jest" | "vitest" | "go" | "maven", env: Record<string, string>, command: string[], shell: boolean, text: string, viaNpm: boolean, args: string[], how: string): Selection {
  const words = args.map(shellQuote).join(" ");
  if (viaNpm) {
    const changed = `${text.trimEnd()} -- ${words}`;
    return { runner, env, command: shell ? [command[0]!, "-c", changed] : ["/bin/sh", "-c", changed], files: {}, how: `${how} (after the npm script's --)` };
  }
  if (shell) {
    const m = AFTER[runner].exec(text);
    if (!m) return { runner, env, command, files: {}, how: `PRENV_TEST_SELECTION only: ${runner} is not started directly by the command` };
    const at = m.index + m[0].length;
    return { runner, env, command: [command[0]!, "-c", `${text.slice(0, at)} ${words}${text.slice(at)}`], files: {}, how };
  }
  const i = command.findIndex((w, k) => (runner === "go" ? w === "test" && command[k - 1]?.endsWith("go") : runner === "maven" ? /(^|\/)(mvn|mvnw)$/.test(w) : new RegExp(`(^|/)${runner}$`).test(w)));
  if (i < 0) return { runner, env, command, files: {}, how: `PRENV_TEST_SELECTION only: ${runner} is not started directly by the command` };
  return { runner, env, command: [...command.slice(0, i + 1), ...args, ...command.slice(i + 1)], files: {}, how };
}
