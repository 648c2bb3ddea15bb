/**
 * Compose keys about a service's logs, images and lifecycle (logging, pull_policy, platform,
 * build.dockerfile_inline, post_start / pre_stop, build.additional_contexts), on a real
 * engine: each reaches the container, the image step or the boot as Compose has it.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { up, BootError } from "../../src/engine/up.ts";
import { loadDefinition } from "../../src/definition/compose.ts";
import { DefinitionError, formatDiagnostic } from "../../src/definition/errors.ts";
import { containerName, DockerBackend } from "../../src/backends/docker/docker-backend.ts";
import { VERSION } from "../../src/version.ts";
import { logTail } from "../../src/engine/logs.ts";
import { BUSYBOX, REGISTRY_BUSYBOX, backend, docker, environmentNames, leftovers, owner, planFor, project } from "../helpers/docker.ts";

const named = environmentNames();

/** The error a definition is refused with, as the CLI prints it. */
function refusal(dir: string): string {
  try {
    loadDefinition({ cwd: dir, env: {} });
  } catch (e) {
    if (e instanceof DefinitionError) return e.message;
    throw e;
  }
  assert.fail("the definition was accepted");
}

describe("logging", () => {
  test("the driver and its options reach the container, and prenv still reads the logs back", async () => {
    const dir = project({
      "compose.yaml": `services:
  rotated:
    image: ${BUSYBOX}
    command: ["sh", "-c", "echo from-rotated; exec sleep 600"]
    logging:
      driver: json-file
      options: { max-size: 1m, max-file: 2 }
  shipped:
    image: ${BUSYBOX}
    command: ["sh", "-c", "echo from-shipped; exec sleep 600"]
    logging:
      driver: syslog
      options:
        syslog-address: udp://127.0.0.1:5514
`,
    });
    const env = named("logging");
    const definition = loadDefinition({ cwd: dir, env: {} });
    assert.deepEqual(definition.warnings.map(formatDiagnostic), [], "drivers the engine keeps a copy of are no warning");
    await up(planFor(dir, env), { backend, owner });
    const rotated = await docker.getContainer(containerName(env, "rotated")).inspect();
    assert.deepEqual(rotated.HostConfig.LogConfig, { Type: "json-file", Config: { "max-size": "1m", "max-file": "2" } });
    const shipped = await docker.getContainer(containerName(env, "shipped")).inspect();
    assert.equal(shipped.HostConfig.LogConfig?.Type, "syslog");
    // Docker 20.10+ keeps a local copy of what syslog ships (dual logging): prenv reads it.
    assert.match(await logTail(backend, env, "shipped"), /from-shipped/);
    assert.match(await logTail(backend, env, "rotated"), /from-rotated/);
  });

  test("a driver whose logs cannot be read back is a warning at its position; with a log readiness check, an error", () => {
    const dir = project({
      "compose.yaml": `services:
  quiet:
    image: ${BUSYBOX}
    logging:
      driver: none
  uncached:
    image: ${BUSYBOX}
    logging:
      driver: syslog
      options: { cache-disabled: "true" }
`,
    });
    const warnings = loadDefinition({ cwd: dir, env: {} }).warnings.map(formatDiagnostic);
    assert.equal(warnings.length, 2, warnings.join("\n"));
    assert.match(warnings[0]!, /compose\.yaml:5:7: .*logging driver "none" keeps no log: prenv cannot read this service's output back/);
    assert.match(warnings[1]!, /compose\.yaml:10:18: .*cache-disabled/);

    const waiting = project({
      "compose.yaml": `services:
  quiet:
    image: ${BUSYBOX}
    logging: { driver: none }
    x-prenv:
      ready: [{ log: "started" }]
`,
    });
    assert.match(refusal(waiting), /compose\.yaml:4:24: .*"none" keeps no log, so the x-prenv\.ready log check can never pass/);
  });

  test("a driver the engine cannot start fails the boot naming the service and the logging key", async () => {
    const dir = project({
      "compose.yaml": `services:
  app:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    logging:
      driver: syslog
      options: { syslog-address: "unix:///nonexistent/prenv.sock" }
`,
    });
    const env = named("logfail");
    const failure = await up(planFor(dir, env), { backend, owner }).then(
      () => assert.fail("the boot succeeded"),
      (e: unknown) => e,
    );
    assert.ok(failure instanceof BootError, String(failure));
    assert.equal(failure.failure.service, "app");
    assert.match(failure.message, /the container could not be created: .*nonexistent\/prenv\.sock/);
    assert.match(failure.failure.hint ?? "", /logging\.driver and its options/);
  });
});

describe("pull_policy", () => {
  /** Which services went through the pulling and building phases in a boot of `dir`. */
  async function imageSteps(dir: string, env: string): Promise<{ pulled: string[]; built: string[] }> {
    const pulled = new Set<string>();
    const built = new Set<string>();
    await up(planFor(dir, env), {
      backend,
      owner,
      onEvent: (e) => {
        if (e.phase === "pulling") pulled.add(e.service);
        if (e.phase === "building") built.add(e.service);
      },
    });
    return { pulled: [...pulled].sort(), built: [...built].sort() };
  }

  test("always pulls an image that is present, missing and if_not_present do not, refresh policies pull when the tag is old enough", async () => {
    const present = await docker.getImage(REGISTRY_BUSYBOX).inspect().catch(() => undefined);
    if (!present) await new Promise<void>((resolve, reject) => docker.pull(REGISTRY_BUSYBOX, (e: Error | null, s: NodeJS.ReadableStream) => (e ? reject(e) : docker.modem.followProgress(s, (err) => (err ? reject(err) : resolve())))));
    const tagged = Date.parse((await docker.getImage(REGISTRY_BUSYBOX).inspect() as { Metadata?: { LastTagTime?: string } }).Metadata?.LastTagTime ?? "");
    const service = (name: string, policy: string) => `  ${name}:\n    image: ${REGISTRY_BUSYBOX}\n    command: ["sleep", "600"]\n    pull_policy: ${policy}\n`;
    const dir = project({
      "compose.yaml": `services:\n${service("always", "always")}${service("missing", "missing")}${service("present", "if_not_present")}${service("often", "every_1s")}${service("weekly", "weekly")}`,
    });
    const steps = await imageSteps(dir, named("pull"));
    const weeklyDue = !(tagged > 0) || Date.now() > tagged + 7 * 86_400_000;
    assert.deepEqual(steps.pulled, ["always", "often", ...(weeklyDue ? ["weekly"] : [])]);
  });

  test("never refuses a missing image at its position before anything is created", async () => {
    const dir = project({ "compose.yaml": `services:\n  app:\n    image: prenv-test/not-here-h10k:1\n    pull_policy: never\n` });
    const env = named("never");
    const failure = await up(planFor(dir, env), { backend, owner }).then(() => assert.fail("the boot succeeded"), (e: unknown) => e);
    assert.ok(failure instanceof BootError, String(failure));
    assert.match(failure.message, /compose\.yaml:4:18: image "prenv-test\/not-here-h10k:1" of service "app" is not on this engine, and its pull_policy is never/);
    assert.equal(failure.failure.service, "app");
    assert.deepEqual(await leftovers(env), { containers: 0, networks: 0, volumes: 0 });
  });

  test("build builds although the image exists; without a build section, or with a value Compose refuses, it is an error at its position", async () => {
    const dir = project({
      "compose.yaml": `services:\n  app:\n    image: ${BUSYBOX}\n    build: .\n    pull_policy: build\n    command: ["sleep", "600"]\n`,
      Dockerfile: `FROM ${BUSYBOX}\n`,
    });
    const steps = await imageSteps(dir, named("build"));
    assert.deepEqual(steps, { pulled: [], built: ["app"] });

    assert.match(refusal(project({ "compose.yaml": `services:\n  app:\n    image: ${BUSYBOX}\n    pull_policy: build\n` })), /compose\.yaml:4:18: .*pull_policy: build but no build section/);
    assert.match(refusal(project({ "compose.yaml": `services:\n  app:\n    image: ${BUSYBOX}\n    pull_policy: every_1x\n` })), /compose\.yaml:4:18: .*pull_policy "every_1x" is not a pull policy/);
  });
});

describe("platform", () => {
  test("the engine's own platform boots; another one is refused naming the service, before anything is created, in each image step", async () => {
    const ok = project({ "compose.yaml": `services:\n  app:\n    image: ${BUSYBOX}\n    command: ["sleep", "600"]\n    platform: linux/amd64\n` });
    const env = named("platform");
    await up(planFor(ok, env), { backend, owner });
    assert.equal((await docker.getContainer(containerName(env, "app")).inspect()).State.Running, true);

    const cases: [string, string, RegExp][] = [
      ["present", `    image: ${BUSYBOX}\n`, /service "app" has platform linux\/arm64, but its image "prenv-test\/busybox:1" is linux\/amd64 \(this engine runs linux\/amd64\)/],
      // The local registry holds an amd64 image, not a multi-platform index: the engine pulls it for any platform asked.
      ["pulled", `    image: ${REGISTRY_BUSYBOX}\n    pull_policy: always\n`, /service "app" has platform linux\/arm64, but its image "localhost:5000\/prenv-test\/busybox:1" is linux\/amd64/],
      // The classic builder builds for the engine's platform (from the local amd64 base image).
      ["built", `    image: prenv-test/platform-h10k\n    build: .\n`, /service "app" has platform linux\/arm64, but its image "prenv-test\/platform-h10k:[0-9a-f]+" is linux\/amd64/],
    ];
    for (const [what, lines, expected] of cases) {
      const dir = project({ "compose.yaml": `services:\n  app:\n${lines}    command: ["sleep", "600"]\n    platform: linux/arm64\n`, Dockerfile: `FROM ${BUSYBOX}\nRUN true\n` });
      const other = named(`platform-${what}`);
      const failure = await up(planFor(dir, other), { backend, owner }).then(() => assert.fail(`${what}: the boot succeeded`), (e: unknown) => e);
      assert.ok(failure instanceof BootError, String(failure));
      assert.equal(failure.failure.service, "app", what);
      assert.match(failure.message, expected, what);
      assert.deepEqual(await leftovers(other), { containers: 0, networks: 0, volumes: 0 }, what);
    }
    assert.match(refusal(project({ "compose.yaml": `services:\n  app:\n    image: ${BUSYBOX}\n    platform: "linux amd64"\n` })), /compose\.yaml:4:15: .*platform "linux amd64" is not os\[\/arch\[\/variant\]\]/);
  });
});

describe("build.dockerfile_inline", () => {
  test("the inline text is built, beside a context file of the same name; the image's tag changes with the text", async () => {
    const inline = (word: string) => `services:\n  app:\n    image: prenv-test/inline-h10k\n    build:\n      context: .\n      dockerfile_inline: |\n        FROM ${BUSYBOX}\n        COPY .prenv-dockerfile-inline /from-context\n        RUN echo ${word} > /word\n    command: ["sleep", "600"]\n`;
    const files = { ".prenv-dockerfile-inline": "a file of the context\n" };
    const first = project({ "compose.yaml": inline("one"), ...files });
    const env = named("inline");
    const booted = await up(planFor(first, env), { backend, owner });
    assert.equal((await backend.exec(env, "app", ["cat", "/word"])).output, "one\n");
    assert.equal((await backend.exec(env, "app", ["cat", "/from-context"])).output, "a file of the context\n");
    const second = project({ "compose.yaml": inline("two"), ...files });
    const other = named("inline2");
    const rebooted = await up(planFor(second, other), { backend, owner });
    assert.equal((await backend.exec(other, "app", ["cat", "/word"])).output, "two\n");
    assert.notEqual(rebooted.services[0]!.image.reference, booted.services[0]!.image.reference, "the text is part of the tag");

    const both = project({ "compose.yaml": `services:\n  app:\n    build:\n      context: .\n      dockerfile: Dockerfile\n      dockerfile_inline: "FROM ${BUSYBOX}"\n` });
    assert.match(refusal(both), /compose\.yaml:6:26: .*build has both dockerfile and dockerfile_inline/);
  });
});

describe("post_start and pre_stop", () => {
  test("post_start hooks run in order right after the start and before readiness, with their user, directory and variables; override files add theirs after", async () => {
    const dir = project({
      "compose.yaml": `services:
  app:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    environment: { B: from-service }
    # Ready only once the first hook has run: the boot waits for readiness after the hooks.
    healthcheck: { test: ["CMD", "test", "-f", "/tmp/post"], interval: 1s, retries: 30 }
    post_start:
      - command: ["sh", "-c", "echo $$(id -u) $$(pwd) $$FOO \${B-unset} > /tmp/post; echo base >> /tmp/order"]
        user: "1000"
        working_dir: /tmp
        environment: [FOO=bar, B]
`,
      "compose.override.yaml": `services:\n  app:\n    post_start:\n      - command: sh -c "echo override >> /tmp/order"\n`,
    });
    assert.deepEqual(loadDefinition({ cwd: dir, env: {} }).warnings.map(formatDiagnostic), []);
    const env = named("hooks");
    await up(planFor(dir, env), { backend, owner });
    // The bare B is passed as Compose passes it: the hook runs without the service's B.
    assert.equal((await backend.exec(env, "app", ["cat", "/tmp/post"])).output, "1000 /tmp bar unset\n");
    assert.equal((await backend.exec(env, "app", ["cat", "/tmp/order"])).output, "base\noverride\n");
  });

  test("a privileged hook is run with extended privileges", async () => {
    const hooked = (privileged: boolean) =>
      project({ "compose.yaml": `services:\n  app:\n    image: ${BUSYBOX}\n    command: ["sleep", "600"]\n    post_start:\n      - command: ["sh", "-c", "grep CapEff /proc/self/status > /tmp/caps"]\n        privileged: ${privileged}\n` });
    const plain = named("unprivileged");
    await up(planFor(hooked(false), plain), { backend, owner });
    const without = (await backend.exec(plain, "app", ["cat", "/tmp/caps"])).output;
    const env = named("privileged");
    const outcome = await up(planFor(hooked(true), env), { backend, owner }).then(
      async () => ({ caps: (await backend.exec(env, "app", ["cat", "/tmp/caps"])).output }),
      (e: unknown) => ({ failure: e }),
    );
    if ("caps" in outcome) assert.notEqual(outcome.caps, without, "the privileged hook has more capabilities than the plain one");
    else {
      // An engine that may grant no capabilities (a sandboxed one, as here) refuses only the privileged exec.
      const e = outcome.failure;
      assert.ok(e instanceof BootError, String(e));
      assert.match(`${e.message}\n${e.failure.logTail ?? ""}`, /post_start hook 1 of service "app"[\s\S]*unable to apply caps/);
    }
  });

  test("a failing post_start fails the boot with the hook's output, its position and the service, and nothing is left", async () => {
    const dir = project({
      "compose.yaml": `services:\n  app:\n    image: ${BUSYBOX}\n    command: ["sleep", "600"]\n    post_start:\n      - command: ["true"]\n      - command: ["sh", "-c", "echo the migration failed >&2; exit 3"]\n`,
    });
    const env = named("hookfail");
    const failure = await up(planFor(dir, env), { backend, owner }).then(() => assert.fail("the boot succeeded"), (e: unknown) => e);
    assert.ok(failure instanceof BootError, String(failure));
    assert.equal(failure.failure.service, "app");
    assert.match(failure.message, /compose\.yaml:7:9: post_start hook 2 of service "app" \(sh -c echo the migration failed >&2; exit 3\) exited with code 3/);
    assert.match(failure.failure.logTail ?? "", /the migration failed/);
    assert.deepEqual(await leftovers(env), { containers: 0, networks: 0, volumes: 0 });
  });

  test("pre_stop hooks run before down stops the container; a failing one is a warning with its position and the removal goes on", async () => {
    const out = project({});
    const dir = project({
      "compose.yaml": `services:
  app:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    volumes: ["${out}:/out"]
    pre_stop:
      - command: ["sh", "-c", "echo flushed $$HOOK > /out/stopped"]
        environment: { HOOK: pre }
      - command: ["sh", "-c", "echo cannot deregister; exit 4"]
`,
    });
    const env = named("prestop");
    const warnings: string[] = [];
    const warned = new DockerBackend({ docker, version: VERSION, onWarning: (m) => warnings.push(m) });
    await up(planFor(dir, env), { backend: warned, owner });
    assert.equal(existsSync(join(out, "stopped")), false, "pre_stop does not run at the start");
    // down has no definition: the hooks come from the container itself.
    const removed = await warned.remove(env, { keepVolumes: false });
    assert.equal(removed.containers, 1);
    assert.equal(readFileSync(join(out, "stopped"), "utf8"), "flushed pre\n");
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0]!, /compose\.yaml:9:9: pre_stop hook 2 of service "app" \(sh -c echo cannot deregister; exit 4\) exited with code 4: cannot deregister; the container is stopped all the same/);
    assert.deepEqual(await leftovers(env), { containers: 0, networks: 0, volumes: 0 });
  });

  test("hook keys are checked like the others: a typo is an error at its position", () => {
    const dir = project({ "compose.yaml": `services:\n  app:\n    image: ${BUSYBOX}\n    post_start:\n      - command: ["true"]\n        workdir: /tmp\n` });
    assert.match(refusal(dir), /compose\.yaml:6:9: .*unknown key "workdir" in service "app" \(post_start\.0\)/);
  });
});

describe("build.additional_contexts", () => {
  test("COPY --from a directory context and FROM a docker-image:// context build; the context's content is part of the image's tag", async () => {
    const files = (word: string) => ({
      "compose.yaml": `services:\n  app:\n    image: prenv-test/contexts-h10h\n    build:\n      context: .\n      additional_contexts:\n        extra: ./other\n        base: docker-image://${BUSYBOX}\n    command: ["sleep", "600"]\n`,
      Dockerfile: "FROM base\nCOPY --from=extra /file /file\nCOPY --from=extra / /all/\n",
      "other/file": `${word}\n`,
    });
    const env = named("contexts");
    const booted = await up(planFor(project(files("one")), env), { backend, owner });
    assert.equal((await backend.exec(env, "app", ["cat", "/file"])).output, "one\n");
    // Only the context's own files: nothing prenv sends with it.
    assert.equal((await backend.exec(env, "app", ["ls", "-A", "/all"])).output, "file\n");
    const other = named("contexts2");
    const rebooted = await up(planFor(project(files("two")), other), { backend, owner });
    assert.equal((await backend.exec(other, "app", ["cat", "/file"])).output, "two\n");
    assert.notEqual(rebooted.services[0]!.image.reference, booted.services[0]!.image.reference, "the context's content is part of the tag");

    const unsupported = project({ "compose.yaml": `services:\n  base:\n    build: .\n  app:\n    build:\n      context: .\n      additional_contexts:\n        svc: service:base\n`, Dockerfile: `FROM ${BUSYBOX}\n` });
    const warnings = loadDefinition({ cwd: unsupported, env: {} }).warnings.map(formatDiagnostic);
    assert.ok(warnings.some((w) => /compose\.yaml:8:14: warning: build context "svc" \(service:base\) is not supported by prenv yet/.test(w)), warnings.join("\n"));
  });
});
