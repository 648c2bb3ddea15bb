import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import Dockerode from "dockerode";
import { DockerBackend, EngineStreamError, containerName } from "../../src/backends/docker/docker-backend.ts";
import { LABELS } from "../../src/backends/backend.ts";
import { VERSION } from "../../src/version.ts";
import { backend, BUSYBOX, docker, environmentNames } from "../helpers/docker.ts";

const named = environmentNames();

describe("the Docker backend's streams", () => {
  test("exec removes its abort listener when it ends: one signal serves any number of execs", async () => {
    const env = named("exec-listener");
    const container = await docker.createContainer({ name: containerName(env, "box"), Image: BUSYBOX, Cmd: ["sleep", "3600"], Labels: { [LABELS.environment]: env } });
    await container.start();
    const run = new AbortController();
    for (let i = 0; i < 3; i++) {
      const result = await backend.exec(env, "box", ["echo", `exec ${i}`], { signal: run.signal, timeoutMs: 10_000 });
      assert.deepEqual(result, { exitCode: 0, output: `exec ${i}\n` });
    }
    assert.equal(getEventListeners(run.signal, "abort").length, 0);
  });

  test("an event the engine sends that is not JSON becomes a clear error for the caller, not a crash", async () => {
    // A stand-in engine on a socket of its own: the real one never sends a malformed event.
    const socketPath = join(mkdtempSync(join(tmpdir(), "prenv-engine-")), "docker.sock");
    const server = createServer((request, response) => {
      assert.match(request.url ?? "", /^\/events\?/);
      response.writeHead(200, { "content-type": "application/json" });
      response.write("{\"Actor\": {\"Attributes\": \n");
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    after(() => server.close());
    const standIn = new DockerBackend({ docker: new Dockerode({ socketPath }), version: VERSION });
    const watching = new AbortController();
    const exits: string[] = [];
    const error = await new Promise<Error>((resolve) => void standIn.watchExits("t-env", (service) => exits.push(service), watching.signal, resolve));
    watching.abort();
    server.closeAllConnections();
    assert.ok(error instanceof EngineStreamError, String(error));
    assert.match(error.message, /^the Docker engine sent an event prenv cannot read \(\{"Actor": \{"Attributes":\): .*; services that exit from now on go unnoticed$/);
    assert.ok(error.cause instanceof SyntaxError);
    assert.deepEqual(exits, []);
  });
});
