import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { envName, SECRET_ENV_PREFIX } from "../definition/params.ts";
import { ManifestError, parseManifest, type ImageRecord, type RunManifest, type SourceRecord } from "../manifest/manifest.ts";
import { checkoutTree, ReproError, repositoryRoot, type TreeRequest } from "../repro/git.ts";
import { shellQuote } from "../util/shell.ts";
import { VERSION } from "../version.ts";
import { runCommand, type RunCommandOptions } from "./commands.ts";
import { CliError, EXIT, type Io } from "./common.ts";

export interface ReproOptions {
  /** The line's own prenv version: a newer one than this prenv is refused. */
  prenv?: string;
  head?: string;
  base?: string;
  commit?: string;
  tree?: string;
  dir?: string;
  definition?: string;
  file?: string[];
  profile?: string[];
  set?: string[];
  pin?: string[];
  only?: string[];
  onlyFailed?: boolean;
  secret?: string[];
  testCommand?: string;
  /** The chaos seed of the run; with --manifest it defaults to the manifest's. */
  seed?: string;
  manifest?: string;
  print?: boolean;
  keep?: boolean;
  resultsDir?: string;
  env?: string;
  json?: boolean;
}

/** What to rebuild and how to run it, from the line's flags or from a manifest. */
interface ReproRequest {
  source: SourceRecord;
  images?: ImageRecord[];
  tree: TreeRequest;
  workingDirectory: string;
  run: RunCommandOptions;
  secrets: string[];
}

const SHA = /^[0-9a-f]{40}$/;

/** `prenv repro`: the tested tree in a temporary worktree, booted and tested as the run was. */
export async function reproCommand(target: string | undefined, opts: ReproOptions, io: Io): Promise<number> {
  const request = opts.manifest ? fromManifest(opts, io) : fromLine(target, opts);
  const root = repositoryRoot(io.cwd);
  if (!root) throw new CliError(`prenv: ${io.cwd} is not inside a git clone; run prenv repro inside a clone of ${request.source.repository ?? "the repository the run was for"} (any branch, changes of your own are left alone)`, EXIT.badInput);
  const env = { ...io.env };
  let missing = request.secrets.filter((name) => env[`${SECRET_ENV_PREFIX}${envName(name)}`] === undefined);
  if (missing.length > 0 && !opts.print && io.stdin?.isTTY && io.err.isTTY) {
    for (const name of missing) env[`${SECRET_ENV_PREFIX}${envName(name)}`] = await askSecret(io, name);
    missing = [];
  }
  if (missing.length > 0 && !opts.print) {
    throw new CliError(`prenv: the run had secret parameters, which the line does not carry: set ${missing.map((n) => `${SECRET_ENV_PREFIX}${envName(n)}`).join(", ")} and run it again (nothing was created)`, EXIT.badInput);
  }
  const resultsDir = resolve(io.cwd, opts.resultsDir ?? join(tmpdir(), `prenv-repro-${request.source.tree.slice(0, 12)}`));
  const run: RunCommandOptions = { ...request.run, resultsDir, env: opts.env ?? `repro-${request.source.tree.slice(0, 12)}`, ...(opts.keep ? { keep: true } : {}), ...(opts.json ? { json: true } : {}) };

  if (opts.print) {
    const lines = [
      `prenv repro would, in ${root} (its working tree, index and branches are not touched):`,
      `  - make a temporary git worktree of ${request.tree.mergeHead ? `base ${request.tree.commit} with head ${request.tree.mergeHead} merged into it` : `commit ${request.tree.commit}`} (fetching what this clone lacks)`,
      `  - check that its tree is ${request.tree.tree}`,
      `  - run, in ${request.workingDirectory} of it: prenv run ${runArguments(run).map(shellQuote).join(" ")}`,
      ...(missing.length ? [`  - after you set ${missing.map((n) => `${SECRET_ENV_PREFIX}${envName(n)}`).join(", ")}`] : []),
      `  - write the results to ${resultsDir}, and ${opts.keep ? "keep the environment and the worktree" : "remove the environment and the worktree"}`,
    ];
    io.out.write(`${lines.join("\n")}\n`);
    return EXIT.ok;
  }

  let worktree;
  try {
    worktree = checkoutTree(root, request.tree, (step) => {
      if (!opts.json) io.err.write(`prenv repro · ${step}\n`);
    });
  } catch (e) {
    if (e instanceof ReproError) throw new CliError(`prenv: ${e.message}\n  hint: ${e.hint}\nnothing was created`, EXIT.badInput);
    throw e;
  }
  try {
    const cwd = join(worktree.dir, request.workingDirectory);
    return await runCommand(run, { ...io, cwd, env }, "run", { source: request.source, workingDirectory: request.workingDirectory, ...(request.images ? { images: request.images } : {}) });
  } finally {
    if (opts.keep) io.err.write(`the worktree is kept at ${worktree.dir}: \`git worktree remove --force ${worktree.dir}\` removes it\n`);
    else worktree.remove();
  }
}

function fromLine(target: string | undefined, opts: ReproOptions): ReproRequest {
  if (opts.prenv && newer(opts.prenv, VERSION)) {
    throw new CliError(`prenv: this line was made by prenv ${opts.prenv}, and this is prenv ${VERSION}; run it as printed, with npx prenv@${opts.prenv}`, EXIT.badInput);
  }
  const m = target === undefined ? undefined : /^([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)(?:#(\d+))?$/.exec(target);
  if (target !== undefined && !m) throw new CliError(`prenv: "${target}" is not owner/repo or owner/repo#<pull request>`, EXIT.badInput);
  for (const [flag, value] of [["--head", opts.head], ["--base", opts.base], ["--commit", opts.commit], ["--tree", opts.tree]] as const) {
    if (value !== undefined && !SHA.test(value)) throw new CliError(`prenv: ${flag} ${value} is not a full commit hash (40 hex digits); use the line as the run printed it`, EXIT.badInput);
  }
  if (!opts.tree) throw new CliError("prenv: repro needs --tree (the tree the run tested) and --commit, or --head and --base; or --manifest <file>", EXIT.badInput);
  const merged = opts.head !== undefined && opts.base !== undefined;
  if (!merged && !opts.commit) throw new CliError("prenv: repro needs --commit, or --head with --base (a pull request's merge)", EXIT.badInput);
  if (opts.onlyFailed && !opts.only?.length) throw new CliError("prenv: --only-failed needs --manifest <file> (the line lists the failed tests with --only)", EXIT.badInput);
  const repository = m?.[1];
  const pr = m?.[2] !== undefined ? Number(m[2]) : undefined;
  const commit = merged ? opts.base! : opts.commit!;
  const source: SourceRecord = {
    ...(repository ? { repository } : {}),
    commit,
    tree: opts.tree,
    ...(merged && pr !== undefined ? { pullRequest: { number: pr, head: opts.head!, base: opts.base!, merged: true } } : {}),
    dirty: false,
  };
  return {
    source,
    tree: { ...(repository ? { repository } : {}), ...(pr !== undefined ? { pullRequest: pr } : {}), commit, ...(merged ? { mergeHead: opts.head! } : {}), tree: opts.tree },
    workingDirectory: opts.dir ?? ".",
    run: {
      ...(opts.definition ? { definition: opts.definition } : {}),
      ...(opts.file?.length ? { file: opts.file } : {}),
      ...(opts.profile?.length ? { profile: opts.profile } : {}),
      ...(opts.set?.length ? { set: opts.set } : {}),
      ...(opts.pin?.length ? { pin: opts.pin } : {}),
      ...(opts.only?.length ? { only: opts.only } : {}),
      ...(opts.testCommand !== undefined ? { testCommand: opts.testCommand } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    },
    secrets: opts.secret ?? [],
  };
}

function fromManifest(opts: ReproOptions, io: Io): ReproRequest {
  const file = resolve(io.cwd, opts.manifest!);
  if (!existsSync(file)) throw new CliError(`prenv: the manifest ${file} does not exist; download the run's artifact first (gh run download <run id> -n <artifact>), or give its path`, EXIT.badInput);
  let manifest: RunManifest;
  try {
    manifest = parseManifest(readFileSync(file, "utf8"), file, VERSION);
  } catch (e) {
    if (e instanceof ManifestError) throw new CliError(`prenv: ${e.message}\n  hint: ${e.hint}\nnothing was created`, EXIT.badInput);
    throw e;
  }
  const s = manifest.source;
  const merged = s.pullRequest?.merged === true;
  const failed = opts.onlyFailed ? [...new Set(manifest.failedTests.map((t) => t.name))] : [];
  if (opts.onlyFailed && failed.length === 0) io.err.write("prenv: the run had no failed tests; all of them run\n");
  const only = [...(opts.only ?? []), ...failed];
  const set = Object.entries(manifest.params).flatMap(([name, p]) => (p.secret || p.origin === "default" || p.value === undefined ? [] : [`${name}=${Array.isArray(p.value) ? p.value.join(",") : String(p.value)}`]));
  const pin = manifest.images.flatMap((i) => (!i.built && i.digest ? [`${i.service}=${i.digest.slice(i.digest.indexOf("@") + 1)}`] : []));
  return {
    source: s,
    images: manifest.images,
    tree: { ...(s.repository ? { repository: s.repository } : {}), ...(s.pullRequest ? { pullRequest: s.pullRequest.number } : {}), commit: merged ? s.pullRequest!.base : s.commit, ...(merged ? { mergeHead: s.pullRequest!.head } : {}), tree: s.tree },
    workingDirectory: manifest.workingDirectory,
    run: {
      ...(manifest.definition ? { definition: manifest.definition } : {}),
      ...(manifest.composeFiles.length ? { file: manifest.composeFiles } : {}),
      ...(manifest.profiles.length ? { profile: manifest.profiles } : {}),
      ...(set.length ? { set } : {}),
      ...(pin.length ? { pin } : {}),
      ...(only.length ? { only } : {}),
      ...(manifest.test?.commandOverride !== undefined ? { testCommand: manifest.test.commandOverride } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : manifest.chaos ? { seed: manifest.chaos.seed } : {}),
    },
    secrets: Object.entries(manifest.params).flatMap(([name, p]) => (p.secret ? [name] : [])),
  };
}

/** Reads a secret from the terminal without echoing it. */
function askSecret(io: Io, name: string): Promise<string> {
  const stdin = io.stdin!;
  io.err.write(`secret parameter ${name} (${SECRET_ENV_PREFIX}${envName(name)}; not shown): `);
  return new Promise((resolvePromise, reject) => {
    let value = "";
    stdin.setRawMode(true);
    stdin.resume();
    const done = (result: () => void) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      io.err.write("\n");
      result();
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n") return done(() => resolvePromise(value));
        if (ch === "\u0003") return done(() => reject(new CliError("prenv: interrupted; nothing was created", EXIT.badInput)));
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on("data", onData);
  });
}

/** The `prenv run` arguments a request amounts to, for --print. */
function runArguments(run: RunCommandOptions): string[] {
  const args: string[] = [];
  if (run.definition) args.push("-d", run.definition);
  for (const f of run.file ?? []) args.push("-f", f);
  for (const p of run.profile ?? []) args.push("--profile", p);
  for (const s of run.set ?? []) args.push("--set", s);
  for (const p of run.pin ?? []) args.push("--pin", p);
  for (const o of run.only ?? []) args.push("--only", o);
  if (run.testCommand !== undefined) args.push("--test-command", run.testCommand);
  if (run.seed !== undefined) args.push("--seed", run.seed);
  if (run.env) args.push("--env", run.env);
  return args;
}

/** Whether version a is newer than b (numeric dotted versions; a pre-release suffix is ignored). */
function newer(a: string, b: string): boolean {
  const parts = (v: string) => v.replace(/[-+].*$/, "").split(".").map((n) => Number(n) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  }
  return false;
}
