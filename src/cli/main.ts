import { Command, InvalidArgumentError, Option } from "commander";
import { VERSION } from "../version.ts";

/**
 * The `prenv` command. Kept light: each command loads the engine only when it runs,
 * so `prenv --version` and `--help` start fast.
 */
export async function main(argv: string[]): Promise<number> {
  const abort = new AbortController();
  let interrupts = 0;
  // What removes the environment a command is creating or using, should the user insist.
  let cleanup: string | undefined;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) return abort.abort(new Error("interrupted"));
    if (cleanup && interrupts === 2) {
      process.stderr.write("\nprenv: interrupted again: still tearing down so that nothing is left behind; press Ctrl-C once more to stop at once\n");
      return;
    }
    if (cleanup) process.stderr.write(`\nprenv: stopped before the teardown finished: \`${cleanup}\` removes what is left (or \`prenv gc\`)\n`);
    process.exit(130);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  let exitCode = 0;
  // stdin is read when used (exec, repro): making it opens a stream on the file, pipe or
  // terminal, which loads Node's fs streams, fs/promises and readline, 3-4 ms of a validate.
  const io = () => ({
    get stdin() {
      return process.stdin;
    },
    out: process.stdout,
    err: process.stderr,
    cwd: process.cwd(),
    env: process.env,
    signal: abort.signal,
    onCleanup: (command: string) => (cleanup = command),
  });
  const commands = () => import("./commands.ts");
  // validate, plan and describe only read the definition: they load neither the engine client nor the run machinery.
  const definitionCommands = () => import("./definition-commands.ts");
  const environmentCommands = () => import("./environment-commands.ts");
  const run = (action: () => Promise<number> | number) => async () => {
    exitCode = await action();
  };
  const collect = (value: string, previous: string[] = []) => [...previous, value];
  // Every command that needs an engine: which one, and the Kubernetes settings (src/backends/select.ts).
  const withBackend = (cmd: Command) =>
    cmd
      .option("--backend <kind>", "docker or kubernetes (default: PRENV_BACKEND, else docker)")
      .option("--kubeconfig <path>", "kubernetes: the kubeconfig (default: PRENV_KUBECONFIG, KUBECONFIG, ~/.kube/config, in-cluster)")
      .option("--kube-context <name>", "kubernetes: the kubeconfig's context to use (default: PRENV_KUBE_CONTEXT, else its current one)")
      .option("--namespace-prefix <prefix>", "kubernetes: namespaces are <prefix><environment> (default: PRENV_NAMESPACE_PREFIX, else prenv-)")
      .option("--registry <host[:port][/path]>", "kubernetes: push built images here for the cluster to pull (default: PRENV_REGISTRY)");
  const withDefinition = (cmd: Command) =>
    withBackend(cmd)
      .option("-d, --definition <path>", "prenv.yml (default: prenv.yml or prenv.yaml here, if present)")
      .option("--set <name=value>", "set a parameter (repeatable; wins over --params-file and PRENV_PARAM_*)", collect)
      .option("--params-file <path>", "parameters from a YAML or JSON file (repeatable)", collect)
      .option("-f, --file <path>", "compose file (repeat to merge several, in order)", collect)
      .option("-p, --project-name <name>", "project name (default: the file's `name`, else its directory)")
      .option("--profile <name>", "enable a compose profile (repeatable)", collect)
      .option("--env-file <path>", "read interpolation variables from this file instead of .env (repeatable)", collect)
      .option("-e, --env <name>", "environment name (default: the project name); lets several run side by side", environmentName)
      .option("--json", "machine-readable output on stdout");

  const program = new Command("prenv")
    .description("Boot a whole backend environment from compose files, test against it, tear it down.")
    .version(VERSION, "-v, --version")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  withDefinition(program.command("up").description("create the environment and wait until every service is ready"))
    .argument("[services...]", "only these services (and what they depend on)")
    .option("--keep-on-failure", "keep what was created when the boot fails, for inspection")
    .option("--ttl <age>", "record that the environment expires after this long (e.g. 4h): `prenv gc --expired` removes it then")
    .addOption(new Option("--timeout <duration>", "give up when not ready within this time").default("5m"))
    .option("--recreate", "on an environment that is up, replace every service (default: only what changed)")
    .action((services: string[], opts) => run(async () => (await commands()).upCommand({ ...opts, services }, io()))());

  withDefinition(program.command("down").description("remove everything the environment created"))
    .option("--keep-volumes", "keep named volumes (containers then stop gracefully)")
    .action((opts) => run(async () => (await environmentCommands()).downCommand(opts, io()))());

  withDefinition(program.command("plan").description("show what `up` would create, without creating anything"))
    .argument("[services...]", "only these services (and what they depend on)")
    .option("--diff", "what `up` would do to the environment that runs: create, recreate (and why), remove, unchanged")
    .option("--recreate", "with --diff: as `up --recreate` would")
    .action((services: string[], opts: { diff?: boolean }) =>
      run(async () => (opts.diff ? (await commands()).planDiffCommand({ ...opts, services }, io()) : (await definitionCommands()).planCommand({ ...opts, services }, io())))(),
    );

  withDefinition(program.command("validate").description("check the definition and report every problem with file:line:column"))
    .action((opts) => run(async () => (await definitionCommands()).validateCommand(opts, io()))());

  withBackend(program.command("ls"))
    .description("list environments on this engine")
    .option("--json", "machine-readable output on stdout")
    .action((opts) => run(async () => (await environmentCommands()).lsCommand(opts, io()))());

  withDefinition(program.command("logs").description("print a service's log"))
    .argument("<service>")
    .option("--follow", "keep printing new lines")
    .option("--tail <lines>", "only the last N lines")
    .action((service: string, opts) => run(async () => (await environmentCommands()).logsCommand(service, opts, io()))());
  // `-f` means --file on every command; `logs -f` is so common that it follows here.
  program.commands.find((c) => c.name() === "logs")!.options.find((o) => o.long === "--file")!.short = undefined;
  program.commands.find((c) => c.name() === "logs")!.options.find((o) => o.long === "--follow")!.short = "-f";

  withDefinition(program.command("exec").description("run a command in a service's container"))
    .option("-i, --interactive", "pass standard input to the command (default on a terminal)")
    .option("--no-interactive", "do not pass standard input")
    .option("-t, --tty", "give the command a pseudo-terminal (default when both ends are terminals)")
    .option("--no-tty", "no pseudo-terminal: stdout and stderr stay apart")
    .argument("<service>")
    .argument("<command...>", "the command, after --")
    .action((service: string, command: string[], opts) => run(async () => (await environmentCommands()).execCommand(service, command, opts, io()))());

  const withRun = (cmd: Command) =>
    withDefinition(cmd)
      .option("--results-dir <path>", "where results.json, the JUnit reports and service logs go", "prenv-results")
      .option("--setup", "run the setup steps even if they already ran on this environment")
      .option("--seed <seed>", "the chaos seed: replaces chaos.seed, so that the run injects the faults of that schedule (docs/chaos.md)", seedValue);

  withRun(program.command("run").description("boot the environment, run setup and the test suite, collect results, tear down"))
    .option("--keep", "leave the environment up afterwards")
    .option("--pin <service=digest>", "run this service's image by digest, whatever its tag points to now (repeatable)", collect)
    .option("--only <test>", "run only the test with this name (repeatable); see docs/cli.md for the runners prenv knows", collect)
    .option("--test-command <command>", "replace the definition's test command")
    .option("--keep-on-failure", "leave it up only when something failed")
    .addOption(new Option("--timeout <duration>", "give up booting after this time").default("5m"))
    .action((opts) => run(async () => (await commands()).runCommand(opts, io(), "run"))());

  withRun(program.command("test").description("run setup (once) and the test suite against the environment that is up"))
    .action((opts) => run(async () => (await commands()).runCommand(opts, io(), "test"))());

  program
    .command("repro")
    .description("run a recorded run again exactly: the same tree (in a temporary git worktree), parameters, image digests and tests")
    .argument("[repository]", "owner/repo or owner/repo#<pull request>, as the run printed it")
    .option("--head <sha>", "the pull request's head commit (merged into --base, as the run did)")
    .option("--base <sha>", "the base commit")
    .option("--commit <sha>", "the commit that was tested (no merge)")
    .option("--tree <sha>", "the tree the run tested: the rebuilt tree must be this one")
    .option("--prenv <version>", "the prenv version that made the line")
    .option("--dir <path>", "where prenv ran, relative to the repository's root", ".")
    .option("-d, --definition <path>", "prenv.yml, relative to --dir")
    .option("-f, --file <path>", "compose file, relative to --dir (repeatable)", collect)
    .option("--profile <name>", "compose profile (repeatable)", collect)
    .option("--set <name=value>", "parameter (repeatable)", collect)
    .option("--secret <name>", "a secret parameter the run had: its value comes from PRENV_SECRET_<NAME> (repeatable)", collect)
    .option("--pin <service=digest>", "run this service's image by digest (repeatable)", collect)
    .option("--only <test>", "run only the test with this name (repeatable)", collect)
    .option("--only-failed", "with --manifest: run only the tests that failed in the run")
    .option("--seed <seed>", "the chaos seed the run had (with --manifest: the manifest's, unless given)", seedValue)
    .option("--test-command <command>", "the test command the run used instead of the definition's")
    .option("--manifest <file>", "reproduce from a run's manifest.json (from its results folder or artifact) instead of flags")
    .option("--print", "say what would be done, and do nothing")
    .option("--keep", "leave the environment (and the worktree) up afterwards, for prenv logs / exec")
    .option("--results-dir <path>", "where the results go (default: a folder in the temporary directory)")
    .option("-e, --env <name>", "environment name (default: repro-<tree>)")
    .option("--json", "machine-readable output on stdout")
    .action((repository: string | undefined, opts) => run(async () => (await import("./repro-command.ts")).reproCommand(repository, opts, io()))());

  withDefinition(program.command("describe").description("the definition's parameters: name, type, default, description"))
    .option("--markdown", "as a Markdown table, for a README")
    .action((opts) => run(async () => (await definitionCommands()).describeCommand(opts, io()))());

  withBackend(program.command("gc"))
    .description("remove what crashed or killed runs left behind (and, with --older-than, old environments)")
    .argument("[environments...]", "only these environments (default: every environment on the engine)")
    .option("--older-than <age>", "also remove environments older than this (e.g. 2h)")
    .option("--expired", "also remove previews past their TTL (`command: preview` of the Action)")
    .option("--dry-run", "only say what would be removed")
    .option("--json", "machine-readable output on stdout")
    .action((environments: string[], opts) => run(async () => (await environmentCommands()).gcCommand(environments, opts, io()))());

  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help") return 0;
    if (code?.startsWith("commander.")) return 3;
    const { explain } = await import("./common.ts");
    const { message, exitCode: failure } = explain(e);
    process.stderr.write(`${message}\n`);
    return failure;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  return exitCode;
}

/** A seed is any non-empty text without spaces (the definition's `seed: 42` is the text "42"). */
function seedValue(value: string): string {
  if (!/^\S+$/.test(value)) throw new InvalidArgumentError("a seed is a number or a word without spaces, such as 42");
  return value;
}

/** An empty --env is an unset variable (`--env "$PR_ENV"`), not a wish for the default environment. */
function environmentName(value: string): string {
  if (value.trim() === "") throw new InvalidArgumentError("the environment name is empty (an unset variable?); give a name, or leave --env out for the default environment");
  return value;
}
