/**
 * A real Traefik (scripts/traefik.sh builds it from the Go module proxy) started by a test as
 * a host process: one HTTP entrypoint on a free port of 127.0.0.1, the providers the test
 * names, nothing else listening (no API, no dashboard, no ping). The test ends it with
 * `stop()`; should the test process end first, its exit kills Traefik too.
 */
import { spawn, spawnSync } from "node:child_process";
import { request } from "node:http";
import { join } from "node:path";
import { sleep } from "../../src/util/async.ts";
import { freePort } from "../../src/util/net.ts";
import type { Found } from "./compose-reference.ts";
import { ROOT } from "./docker.ts";

/** The built binary, or why not (tests skip with it; in CI, where .ci/run's traefik phase built it, they fail). */
export function traefikBinary(): Found<string> {
  const run = spawnSync(join(ROOT, "scripts/traefik.sh"), ["--print-path"], { encoding: "utf8" });
  if (run.status === 0) return { ok: true, value: run.stdout.trim() };
  const why = `Traefik is not built (${(run.stderr || String(run.error)).trim() || "scripts/traefik.sh --print-path failed"}): run scripts/traefik.sh`;
  if (process.env.CI) throw new Error(`the proxy tests cannot run in CI: ${why}; .ci/run's traefik phase builds it`);
  return { ok: false, why };
}

export interface Answer {
  status: number;
  body: string;
}

export interface Traefik {
  /** 127.0.0.1:<port>, the entrypoint. */
  entrypoint: string;
  /** GET `path` through the entrypoint with `host` in the Host header. */
  get(host: string, path?: string): Promise<Answer>;
  /** Polls get() until `accept` says yes; the last answer, or an error with it and Traefik's log when the time runs out. */
  until(host: string, accept: (a: Answer) => boolean, what: string, timeoutMs?: number): Promise<Answer>;
  /** What Traefik printed so far. */
  log(): string;
  stop(): Promise<void>;
}

/** Starts Traefik with `providerArgs` (e.g. `--providers.docker=true`) and `env`; resolves once the entrypoint answers. */
export async function startTraefik(binary: string, providerArgs: string[], env: Record<string, string> = {}): Promise<Traefik> {
  const port = await freePort("127.0.0.1", "tcp");
  const entrypoint = `127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [
      `--entryPoints.web.address=${entrypoint}`,
      "--global.checkNewVersion=false",
      "--global.sendAnonymousUsage=false",
      "--log.level=DEBUG",
      // Events are applied at once rather than batched over the default 2 s.
      "--providers.providersThrottleDuration=100ms",
      ...providerArgs,
    ],
    { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  let exited: string | undefined;
  const ended = new Promise<void>((resolve) =>
    child.on("exit", (code, signal) => {
      exited = `exited (${signal ?? code})`;
      resolve();
    }),
  );
  const stop = async () => {
    if (exited) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await ended;
    clearTimeout(timer);
  };
  // node:test's after() called in a before hook runs right after that hook: not usable here.
  const onExit = () => child.kill("SIGKILL");
  process.on("exit", onExit);
  void ended.then(() => process.off("exit", onExit));

  const get = (host: string, path = "/index.html") =>
    new Promise<Answer>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, path, headers: { host }, timeout: 5000 }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: body.trim() }));
      });
      req.on("timeout", () => req.destroy(new Error("no answer within 5 s")));
      req.on("error", reject);
      req.end();
    });
  const until = async (host: string, accept: (a: Answer) => boolean, what: string, timeoutMs = 30_000): Promise<Answer> => {
    const deadline = Date.now() + timeoutMs;
    let last: Answer | Error = new Error("no request made");
    for (;;) {
      if (exited) throw new Error(`Traefik ${exited} while waiting for ${what}:\n${output.slice(-4000)}`);
      last = await get(host).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
      if (!(last instanceof Error) && accept(last)) return last;
      if (Date.now() > deadline) {
        const seen = last instanceof Error ? last.message : `${last.status} ${JSON.stringify(last.body.slice(0, 200))}`;
        throw new Error(`${what}: not within ${timeoutMs / 1000} s through Traefik at ${entrypoint} for Host ${host}; last: ${seen}\nTraefik's log:\n${output.slice(-4000)}`);
      }
      await sleep(100);
    }
  };
  // Up once the entrypoint answers at all (Traefik's own 404 for a host no router has).
  await until("prenv-traefik-start.invalid", () => true, "Traefik's entrypoint to answer", 30_000);
  return { entrypoint, get, until, log: () => output, stop };
}
