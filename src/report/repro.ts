import { envName } from "../definition/params.ts";
import type { RunReport } from "../engine/run.ts";
import type { Reproduction } from "./view.ts";

/** What the reproduction command is made of. */
export interface ReproductionInput {
  /** prenv's own version, pinned in `npx prenv@<version>`. */
  version: string;
  /** The commit that was tested. */
  commit: string;
  /** The prenv.yml, relative to the repository root, when one was given. */
  definition?: string;
  /** Compose files, relative to the repository root. */
  composeFiles: string[];
  /** Directory (relative to the repository root) to run in; "" or "." for the root. */
  workingDirectory: string;
  params: RunReport["params"];
  /** The workflow replaced the definition's test command with this. */
  testCommandOverride?: string;
}

/**
 * The one line that brings the run back on a laptop: the same commit, the same
 * definition and the parameters the workflow gave. Defaults are not repeated (the commit
 * brings them back). Values that came from environment variables, and secret parameters
 * (whose values the report never holds), are left out and named in a note instead: the
 * CLI reads them from PRENV_PARAM_<NAME> / PRENV_SECRET_<NAME> when the developer sets it.
 */
export function reproductionCommand(input: ReproductionInput): Reproduction {
  const notes: string[] = [];
  const args = ["npx", `prenv@${input.version}`, "run"];
  if (input.definition) args.push("--definition", input.definition);
  for (const file of input.composeFiles) args.push("-f", file);
  for (const [name, param] of Object.entries(input.params).sort(([a], [b]) => a.localeCompare(b))) {
    if (param.origin === "default" || param.origin === undefined) continue;
    if (param.secret) {
      notes.push(`parameter ${name} is secret, so it is not in the command: set PRENV_SECRET_${envName(name)} before running it`);
      continue;
    }
    if (param.value === undefined) continue;
    if (param.origin === "environment") {
      notes.push(`parameter ${name} is not in the command (it came from an environment variable): set PRENV_PARAM_${envName(name)} before running it`);
      continue;
    }
    const value = Array.isArray(param.value) ? param.value.join(",") : String(param.value);
    args.push("--set", `${name}=${value}`);
  }
  if (input.testCommandOverride !== undefined) {
    notes.push(`the workflow replaced the test command with: ${input.testCommandOverride} (the command above runs the definition's own)`);
  }
  const cd = input.workingDirectory && input.workingDirectory !== "." ? `cd ${shellQuote(input.workingDirectory)} && ` : "";
  const command = `git fetch origin ${shellQuote(input.commit)} && git checkout ${shellQuote(input.commit)} && ${cd}${args.map(shellQuote).join(" ")}`;
  return { command, notes };
}

/**
 * A word for bash: as is when it has only safe characters, in single quotes otherwise,
 * and as `$'…'` when it holds control characters (a newline), so that the command
 * stays on one line.
 */
export function shellQuote(word: string): string {
  if (word !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(word)) {
    const escaped = [...word]
      .map((c) => {
        if (c === "\\") return "\\\\";
        if (c === "'") return "\\'";
        if (c === "\n") return "\\n";
        if (c === "\t") return "\\t";
        if (c === "\r") return "\\r";
        const code = c.codePointAt(0)!;
        return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, "0")}` : c;
      })
      .join("");
    return `$'${escaped}'`;
  }
  return `'${word.replace(/'/g, "'\\''")}'`;
}
