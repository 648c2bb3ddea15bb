/**
 * Compose keys about a service's logs, images and lifecycle (logging, pull_policy, platform,
 * build.dockerfile_inline, post_start / pre_stop, build.additional_contexts), on a real
 * engine: each reaches the container, the image step or the boot as Compose has it.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { up, BootError } from "../../src/engine/up.ts";
import { loadDefinition } from "../../src/definition/compose.ts";
import { DefinitionError, formatDiagnostic } from "../../src/definition/errors.ts";
import { containerName } from "../../src/backends/docker/docker-backend.ts";
import { logTail } from "../../src/engine/logs.ts";
import { BUSYBOX, backend, docker, environmentNames, owner, planFor, project } from "../helpers/docker.ts";

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
