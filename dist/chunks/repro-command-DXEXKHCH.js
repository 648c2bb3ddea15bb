#!/usr/bin/env node
import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
const require = __prenvCreateRequire(import.meta.url);
var __filename = __prenvFileURLToPath(import.meta.url);
var __dirname = __prenvFileURLToPath(new URL('.', import.meta.url));
import {
  runCommand
} from "./chunk-QYDBB3RC.js";
import "./chunk-LHTIS2SN.js";
import "./chunk-K4SPQIM2.js";
import {
  ManifestError,
  ReproError,
  checkoutTree,
  parseManifest,
  repositoryRoot
} from "./chunk-XVOVKOVD.js";
import {
  SECRET_ENV_PREFIX,
  envName
} from "./chunk-BUFHHKZP.js";
import "./chunk-2NQ2TY7A.js";
import "./chunk-AF45ALV4.js";
import "./chunk-EPXBT6ZG.js";
import {
  shellQuote
} from "./chunk-GMD6ZPTA.js";
import "./chunk-6CJPBSLS.js";
import "./chunk-MWVYT2RV.js";
import "./chunk-OJWCZQZI.js";
import "./chunk-JKQNFZNE.js";
import {
  CliError,
  EXIT
} from "./chunk-DWDKV2LS.js";
import "./chunk-47MIETJC.js";
import {
  VERSION
} from "./chunk-VDOGPAC4.js";
import "./chunk-YMOYOOXC.js";
import "./chunk-MABPSUXQ.js";
import "./chunk-RCFCKQT6.js";

// src/cli/repro-command.ts
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
var SHA = /^[0-9a-f]{40}$/;
async function reproCommand(target, opts, io) {
  const request = opts.manifest ? fromManifest(opts, io) : fromLine(target, opts);
  const root = repositoryRoot(io.cwd);
  if (!root) throw new CliError(`prenv: ${io.cwd} is not inside a git clone; run prenv repro inside a clone of ${request.source.repository ?? "the repository the run was for"} (any branch, changes of your own are left alone)`, EXIT.badInput);
  const env = { ...io.env };
  let missing = request.secrets.filter((name) => env[`${SECRET_ENV_PREFIX}${envName(name)}`] === void 0);
  if (missing.length > 0 && !opts.print && io.stdin?.isTTY && io.err.isTTY) {
    for (const name of missing) env[`${SECRET_ENV_PREFIX}${envName(name)}`] = await askSecret(io, name);
    missing = [];
  }
  if (missing.length > 0 && !opts.print) {
    throw new CliError(`prenv: the run had secret parameters, which the line does not carry: set ${missing.map((n) => `${SECRET_ENV_PREFIX}${envName(n)}`).join(", ")} and run it again (nothing was created)`, EXIT.badInput);
  }
  const resultsDir = resolve(io.cwd, opts.resultsDir ?? join(tmpdir(), `prenv-repro-${request.source.tree.slice(0, 12)}`));
  const run = { ...request.run, resultsDir, env: opts.env ?? `repro-${request.source.tree.slice(0, 12)}`, ...opts.keep ? { keep: true } : {}, ...opts.json ? { json: true } : {} };
  if (opts.print) {
    const lines = [
      `prenv repro would, in ${root} (its working tree, index and branches are not touched):`,
      `  - make a temporary git worktree of ${request.tree.mergeHead ? `base ${request.tree.commit} with head ${request.tree.mergeHead} merged into it` : `commit ${request.tree.commit}`} (fetching what this clone lacks)`,
      `  - check that its tree is ${request.tree.tree}`,
      `  - run, in ${request.workingDirectory} of it: prenv run ${runArguments(run).map(shellQuote).join(" ")}`,
      ...missing.length ? [`  - after you set ${missing.map((n) => `${SECRET_ENV_PREFIX}${envName(n)}`).join(", ")}`] : [],
      `  - write the results to ${resultsDir}, and ${opts.keep ? "keep the environment and the worktree" : "remove the environment and the worktree"}`
    ];
    io.out.write(`${lines.join("\n")}
`);
    return EXIT.ok;
  }
  let worktree;
  try {
    worktree = checkoutTree(root, request.tree, (step) => {
      if (!opts.json) io.err.write(`prenv repro \xB7 ${step}
`);
    });
  } catch (e) {
    if (e instanceof ReproError) throw new CliError(`prenv: ${e.message}
  hint: ${e.hint}
nothing was created`, EXIT.badInput);
    throw e;
  }
  try {
    const cwd = join(worktree.dir, request.workingDirectory);
    return await runCommand(run, { ...io, cwd, env }, "run", { source: request.source, workingDirectory: request.workingDirectory, ...request.images ? { images: request.images } : {} });
  } finally {
    if (opts.keep) io.err.write(`the worktree is kept at ${worktree.dir}: \`git worktree remove --force ${worktree.dir}\` removes it
`);
    else worktree.remove();
  }
}
function fromLine(target, opts) {
  if (opts.prenv && newer(opts.prenv, VERSION)) {
    throw new CliError(`prenv: this line was made by prenv ${opts.prenv}, and this is prenv ${VERSION}; run it as printed, with npx prenv@${opts.prenv}`, EXIT.badInput);
  }
  const m = target === void 0 ? void 0 : /^([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)(?:#(\d+))?$/.exec(target);
  if (target !== void 0 && !m) throw new CliError(`prenv: "${target}" is not owner/repo or owner/repo#<pull request>`, EXIT.badInput);
  for (const [flag, value] of [["--head", opts.head], ["--base", opts.base], ["--commit", opts.commit], ["--tree", opts.tree]]) {
    if (value !== void 0 && !SHA.test(value)) throw new CliError(`prenv: ${flag} ${value} is not a full commit hash (40 hex digits); use the line as the run printed it`, EXIT.badInput);
  }
  if (!opts.tree) throw new CliError("prenv: repro needs --tree (the tree the run tested) and --commit, or --head and --base; or --manifest <file>", EXIT.badInput);
  const merged = opts.head !== void 0 && opts.base !== void 0;
  if (!merged && !opts.commit) throw new CliError("prenv: repro needs --commit, or --head with --base (a pull request's merge)", EXIT.badInput);
  if (opts.onlyFailed && !opts.only?.length) throw new CliError("prenv: --only-failed needs --manifest <file> (the line lists the failed tests with --only)", EXIT.badInput);
  const repository = m?.[1];
  const pr = m?.[2] !== void 0 ? Number(m[2]) : void 0;
  const commit = merged ? opts.base : opts.commit;
  const source = {
    ...repository ? { repository } : {},
    commit,
    tree: opts.tree,
    ...merged && pr !== void 0 ? { pullRequest: { number: pr, head: opts.head, base: opts.base, merged: true } } : {},
    dirty: false
  };
  return {
    source,
    tree: { ...repository ? { repository } : {}, ...pr !== void 0 ? { pullRequest: pr } : {}, commit, ...merged ? { mergeHead: opts.head } : {}, tree: opts.tree },
    workingDirectory: opts.dir ?? ".",
    run: {
      ...opts.definition ? { definition: opts.definition } : {},
      ...opts.file?.length ? { file: opts.file } : {},
      ...opts.profile?.length ? { profile: opts.profile } : {},
      ...opts.set?.length ? { set: opts.set } : {},
      ...opts.pin?.length ? { pin: opts.pin } : {},
      ...opts.only?.length ? { only: opts.only } : {},
      ...opts.testCommand !== void 0 ? { testCommand: opts.testCommand } : {},
      ...opts.seed !== void 0 ? { seed: opts.seed } : {}
    },
    secrets: opts.secret ?? []
  };
}
function fromManifest(opts, io) {
  const file = resolve(io.cwd, opts.manifest);
  if (!existsSync(file)) throw new CliError(`prenv: the manifest ${file} does not exist; download the run's artifact first (gh run download <run id> -n <artifact>), or give its path`, EXIT.badInput);
  let manifest;
  try {
    manifest = parseManifest(readFileSync(file, "utf8"), file, VERSION);
  } catch (e) {
    if (e instanceof ManifestError) throw new CliError(`prenv: ${e.message}
  hint: ${e.hint}
nothing was created`, EXIT.badInput);
    throw e;
  }
  const s = manifest.source;
  const merged = s.pullRequest?.merged === true;
  const failed = opts.onlyFailed ? [...new Set(manifest.failedTests.map((t) => t.name))] : [];
  if (opts.onlyFailed && failed.length === 0) io.err.write("prenv: the run had no failed tests; all of them run\n");
  const only = [...opts.only ?? [], ...failed];
  const set = Object.entries(manifest.params).flatMap(([name, p]) => p.secret || p.origin === "default" || p.value === void 0 ? [] : [`${name}=${Array.isArray(p.value) ? p.value.join(",") : String(p.value)}`]);
  const pin = manifest.images.flatMap((i) => !i.built && i.digest ? [`${i.service}=${i.digest.slice(i.digest.indexOf("@") + 1)}`] : []);
  return {
    source: s,
    images: manifest.images,
    tree: { ...s.repository ? { repository: s.repository } : {}, ...s.pullRequest ? { pullRequest: s.pullRequest.number } : {}, commit: merged ? s.pullRequest.base : s.commit, ...merged ? { mergeHead: s.pullRequest.head } : {}, tree: s.tree },
    workingDirectory: manifest.workingDirectory,
    run: {
      ...manifest.definition ? { definition: manifest.definition } : {},
      ...manifest.composeFiles.length ? { file: manifest.composeFiles } : {},
      ...manifest.profiles.length ? { profile: manifest.profiles } : {},
      ...set.length ? { set } : {},
      ...pin.length ? { pin } : {},
      ...only.length ? { only } : {},
      ...manifest.test?.commandOverride !== void 0 ? { testCommand: manifest.test.commandOverride } : {},
      ...opts.seed !== void 0 ? { seed: opts.seed } : manifest.chaos ? { seed: manifest.chaos.seed } : {}
    },
    secrets: Object.entries(manifest.params).flatMap(([name, p]) => p.secret ? [name] : [])
  };
}
function askSecret(io, name) {
  const stdin = io.stdin;
  io.err.write(`secret parameter ${name} (${SECRET_ENV_PREFIX}${envName(name)}; not shown): `);
  return new Promise((resolvePromise, reject) => {
    let value = "";
    stdin.setRawMode(true);
    stdin.resume();
    const done = (result) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      io.err.write("\n");
      result();
    };
    const onData = (chunk) => {
      for (const ch of chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n") return done(() => resolvePromise(value));
        if (ch === "") return done(() => reject(new CliError("prenv: interrupted; nothing was created", EXIT.badInput)));
        if (ch === "\x7F" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on("data", onData);
  });
}
function runArguments(run) {
  const args = [];
  if (run.definition) args.push("-d", run.definition);
  for (const f of run.file ?? []) args.push("-f", f);
  for (const p of run.profile ?? []) args.push("--profile", p);
  for (const s of run.set ?? []) args.push("--set", s);
  for (const p of run.pin ?? []) args.push("--pin", p);
  for (const o of run.only ?? []) args.push("--only", o);
  if (run.testCommand !== void 0) args.push("--test-command", run.testCommand);
  if (run.seed !== void 0) args.push("--seed", run.seed);
  if (run.env) args.push("--env", run.env);
  return args;
}
function newer(a, b) {
  const parts = (v) => v.replace(/[-+].*$/, "").split(".").map((n) => Number(n) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  }
  return false;
}
export {
  reproCommand
};
