import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createServer, type Server } from "node:net";
import { describe, test } from "node:test";
import { BootError, PreflightError, up } from "../../src/engine/up.ts";
import { BUSYBOX, REGISTRY_BUSYBOX, backend, docker, environmentNames, leftovers, owner, planFor, project, CLAIM } from "../helpers/docker.ts";

const named = environmentNames();

const nothingLeft = { containers: 0, networks: 0, volumes: 0 };

describe("images: pull from a registry, build, and failures that create nothing", () => {
  test("an image missing locally is pulled from the registry and pinned by digest", async () => {
    // A tag only this test uses, so that removing it locally cannot disturb other tests.
    const tag = `localhost:5000/prenv-test/pulled:${process.pid}`;
    await docker.getImage(REGISTRY_BUSYBOX).tag({ repo: "localhost:5000/prenv-test/pulled", tag: String(process.pid) });
    execFileSync("docker", ["push", tag], { stdio: "ignore" });
    const digest = (await docker.getImage(tag).inspect()).RepoDigests?.find((d) => d.startsWith("localhost:5000/prenv-test/pulled@"));
    assert.ok(digest, "the push produced a registry digest");
    await docker.getImage(tag).remove({ noprune: true });

    const dir = project({ "compose.yaml": `services:\n  app:\n    image: ${tag}\n    command: ["sleep", "600"]\n` });
    const env = named("pull");
    const phases: string[] = [];
    const result = await up(planFor(dir, env), { backend, owner, onEvent: (e) => phases.push(e.phase) });
    assert.ok(phases.includes("pulling"), "the progress shows the pull");
    assert.equal(result.services[0]!.image.digest, digest);
  });

  test("an image that does not exist fails before anything is created", async () => {
    const dir = project({
      "compose.yaml": `services:\n  ok:\n    image: ${BUSYBOX}\n  missing:\n    image: localhost:5000/prenv-test/does-not-exist:1\n`,
    });
    const env = named("noimage");
    await assert.rejects(up(planFor(dir, env), { backend, owner }), (e: unknown) => {
      assert.ok(e instanceof BootError);
      assert.equal(e.failure.service, "missing");
      assert.match(e.failure.message, /image "localhost:5000\/prenv-test\/does-not-exist:1" cannot be pulled/);
      assert.match(e.failure.hint ?? "", /docker login/);
      return true;
    });
    assert.deepEqual(await leftovers(env), nothingLeft);
  });

  test("build: builds from the context with args and target, and runs the result", async () => {
    const dir = project({
      "compose.yaml": `services:\n  app:\n    build:\n      context: ./app\n      dockerfile: app.Dockerfile\n      target: final\n      args:\n        GREETING: built-by-prenv\n    command: ["sh", "-c", "cat /greeting; exec sleep 600"]\n    x-prenv:\n      ready:\n        - log: built-by-prenv\n`,
      "app/app.Dockerfile": `FROM ${BUSYBOX} AS base\nARG GREETING\nRUN echo "$GREETING" > /greeting\nFROM base AS final\nCOPY data.txt /data.txt\n`,
      "app/data.txt": "from the context\n",
      "app/.dockerignore": "secret.txt\n",
      "app/secret.txt": "must not be sent\n",
    });
    const env = named("build");
    const result = await up(planFor(dir, env), { backend, owner, timeoutMs: 120_000 });
    assert.equal(result.services[0]!.phase, "ready");
    assert.equal((await backend.exec(env, "app", ["cat", "/data.txt"])).output, "from the context\n");
  });

  test("a .dockerignore that names the Dockerfile and itself does not stop the build (both are always sent)", async () => {
    const dir = project({
      "compose.yaml": `services:\n  app:\n    build: .\n    command: ["sleep", "600"]\n`,
      Dockerfile: `FROM ${BUSYBOX}\nCOPY data.txt /data.txt\n`,
      ".dockerignore": "Dockerfile\n.dockerignore\n",
      "data.txt": "sent\n",
    });
    const env = named("ignored-dockerfile");
    await up(planFor(dir, env), { backend, owner, timeoutMs: 120_000 });
    assert.equal((await backend.exec(env, "app", ["cat", "/data.txt"])).output, "sent\n");
  });

  test("built images are tagged by their context's content: an edit between two builds gives a new image, and the first keeps its content", async () => {
    const dir = project({
      "compose.yaml": `services:\n  app:\n    build:\n      context: .\n      args: { V: "1" }\n    command: ["sleep", "600"]\n`,
      Dockerfile: `FROM ${BUSYBOX}\nCOPY data.txt /data.txt\n`,
      "data.txt": "one\n",
    });
    const plan = planFor(dir, named("content-tag"));
    const prepare = () => backend.prepareImage(plan, plan.services[0]!, () => undefined, new AbortController().signal);
    // Two runs side by side of one working copy, edited in between: each keeps what it built.
    const first = await prepare();
    writeFileSync(join(dir, "data.txt"), "two\n");
    const second = await prepare();
    assert.notEqual(first.reference, second.reference);
    writeFileSync(join(dir, "data.txt"), "one\n");
    assert.equal((await prepare()).reference, first.reference, "the same content gives the same tag");
    await backend.createEnvironment(plan, owner);
    const cat = async (image: string) => (await backend.runOneOff(plan, { name: "cat", image, command: ["cat", "/data.txt"], env: {}, mounts: [] }, owner, { timeoutMs: 30_000 })).output;
    assert.equal(await cat(first.reference), "one\n");
    assert.equal(await cat(second.reference), "two\n");
  });

  test("an image built from the same sources is used as it is; a moved base image or an edited Dockerfile builds anew", async () => {
    const base = `prenv-test/base-${process.pid}:1`;
    await docker.getImage(BUSYBOX).tag({ repo: base.split(":")[0]!, tag: "1" });
    try {
      const dir = project({
        "compose.yaml": `services:\n  app:\n    build: .\n    command: ["sleep", "600"]\n`,
        Dockerfile: `FROM ${base}\nCOPY data.txt /data.txt\n`,
        "data.txt": "one\n",
      });
      const plan = planFor(dir, named("reuse"));
      // The engine tags an image when a build ends: no tag event, no build.
      const tagsDuring = async (work: () => Promise<unknown>): Promise<string[]> => {
        // The engine takes fractional seconds: nothing from before `work` counts.
        const since = Date.now() / 1000;
        await work();
        const until = Date.now() / 1000 + 0.5;
        const events = await docker.getEvents({ since, until, filters: { type: ["image"], event: ["tag"] } });
        let text = "";
        for await (const chunk of events) text += chunk.toString();
        return text.split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { Actor: { Attributes: { name: string } } }).Actor.Attributes.name);
      };
      const prepare = () => backend.prepareImage(plan, plan.services[0]!, () => undefined, new AbortController().signal);
      let first = await prepare();
      assert.ok((await tagsDuring(async () => (first = await prepare()))).every((n) => n !== first.reference), "the second prepare of unchanged sources does not build");
      const again = await prepare();
      assert.equal(again.id, first.id);
      // The base image's tag moves: what a build would make differs, so it builds.
      const other = "prenv-test/debian:1";
      await docker.getImage(other).tag({ repo: base.split(":")[0]!, tag: "1" });
      let moved = first;
      assert.ok((await tagsDuring(async () => (moved = await prepare()))).includes(moved.reference), "a moved base image is built from");
      assert.notEqual(moved.reference, first.reference);
      assert.notEqual(moved.id, first.id);
      // The Dockerfile changes (not the context's other files).
      writeFileSync(join(dir, "Dockerfile"), `FROM ${base}\nCOPY data.txt /data2.txt\n`);
      const edited = await prepare();
      assert.notEqual(edited.reference, moved.reference);
    } finally {
      await docker.getImage(base).remove({ noprune: true }).catch(() => undefined);
    }
  });

  test("a failing build names the service, shows the build output, and creates nothing", async () => {
    const marker = `${process.pid}-${Date.now()}`;
    const dir = project({
      "compose.yaml": `services:\n  app:\n    build: .\n`,
      Dockerfile: `FROM ${BUSYBOX}\nRUN echo step-output-${marker} && exit 7\n`,
    });
    const env = named("badbuild");
    await assert.rejects(up(planFor(dir, env), { backend, owner, timeoutMs: 120_000 }), (e: unknown) => {
      assert.ok(e instanceof BootError);
      assert.equal(e.failure.service, "app");
      assert.match(e.failure.message, /building the image failed/);
      assert.match(e.failure.logTail ?? "", /step-output/);
      return true;
    });
    assert.deepEqual(await leftovers(env), nothingLeft);
    // Not even the failed step's build container, which carries no label of ours.
    const all = await docker.listContainers({ all: true });
    assert.deepEqual(all.filter((c) => c.Command.includes(`step-output-${marker}`)).map((c) => c.Id), []);
  });

  test("a host port already taken is reported before anything is created", async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const dir = project({ "compose.yaml": `services:\n  web:\n    image: ${BUSYBOX}\n    ports: ["127.0.0.1:${port}:80"]\n` });
      const env = named("porttaken");
      await assert.rejects(up(planFor(dir, env), { backend, owner }), (e: unknown) => {
        assert.ok(e instanceof PreflightError);
        assert.equal(e.service, "web");
        assert.match(e.message, new RegExp(`127.0.0.1:${port}, which is already in use`));
        return true;
      });
      assert.deepEqual(await leftovers(env), nothingLeft);
    } finally {
      server.close();
    }
  });

  test("an environment that already exists is not booted twice", async () => {
    const dir = project({ "compose.yaml": `services:\n  a:\n    image: ${BUSYBOX}\n    command: ["sleep", "600"]\n` });
    const env = named("twice");
    await up(planFor(dir, env), { backend, owner });
    await assert.rejects(up(planFor(dir, env), { backend, owner }), (e: unknown) => {
      assert.ok(e instanceof PreflightError);
      assert.match(e.hint, /prenv down --env/);
      return true;
    });
    assert.equal((await leftovers(env)).containers, 1 + CLAIM, "the existing environment is untouched");
  });
});
