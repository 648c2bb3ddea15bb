import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import type { AppliedFault } from "../../src/backends/backend.ts";
import { up } from "../../src/engine/up.ts";
import type { Plan } from "../../src/plan/plan.ts";
import { BUSYBOX, ROOT, backend, cli, docker, environmentNames, owner, planFor, project } from "../helpers/docker.ts";

const DEBIAN = "prenv-test/debian:1";
const named = environmentNames();

// srv serves a 4 MB file and echoes, on a published port too; probe serves what srv calls; cli is the client.
const STACK = `
services:
  srv:
    image: ${BUSYBOX}
    command: ["sh", "-c", "mkdir -p /www && dd if=/dev/zero of=/www/big bs=1024 count=4096 2>/dev/null && echo ok > /www/small && (nc -ll -p 7 -e cat &) && exec httpd -f -p 80 -h /www"]
    restart: always
    ports: ["80", "5353/udp"]
  probe:
    image: ${BUSYBOX}
    command: ["sh", "-c", "mkdir -p /www && echo dep > /www/dep && exec httpd -f -p 80 -h /www"]
  cli:
    image: ${DEBIAN}
    command: ["sleep", "infinity"]
`;

let plan: Plan;
const env = named("faults");

async function inCli(script: string, environment = plan.environment): Promise<{ exitCode: number; output: string }> {
  return backend.exec(environment, "cli", ["sh", "-c", script], { timeoutMs: 60_000 });
}

/** Seconds of each of `n` sequential small requests from cli to srv, by curl. */
async function requestTimes(n: number, environment = plan.environment): Promise<number[]> {
  const r = await inCli(`for i in $(seq ${n}); do curl -s -o /dev/null -w '%{time_total}\\n' --max-time 5 http://srv/small; done`, environment);
  assert.equal(r.exitCode, 0, r.output);
  return r.output.trim().split("\n").map(Number);
}

async function address(service: string, environment = plan.environment): Promise<string> {
  const info = await docker.getContainer(`${environment}-${service}`).inspect();
  return Object.values(info.NetworkSettings.Networks)[0]!.IPAddress;
}

/** Whether srv gets an answer from cli (one ICMP echo, 1 s). */
async function srvReachesCli(): Promise<boolean> {
  return (await backend.exec(plan.environment, "srv", ["ping", "-c", "1", "-W", "1", await address("cli")])).exitCode === 0;
}

/** Seconds of each of `n` sequential requests from this process to srv's published port. */
async function hostRequestTimes(port: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await fetch(`http://127.0.0.1:${port}/small`, { headers: { connection: "close" } });
    assert.equal(r.status, 200);
    await r.text();
    out.push((performance.now() - t0) / 1000);
  }
  return out;
}

async function publishedPort(service: string, port: string): Promise<string> {
  const info = await docker.getContainer(`${plan.environment}-${service}`).inspect();
  const hostPort = info.NetworkSettings.Ports[port]?.[0]?.HostPort;
  assert.ok(hostPort, `${service} publishes ${port}`);
  return hostPort;
}

/** The IPv4 addresses cli gets for a name. */
async function resolved(name: string, environment = plan.environment): Promise<string[]> {
  const r = await inCli(`getent ahostsv4 ${name} | cut -d' ' -f1 | sort -u`, environment);
  return r.output.trim().split("\n").filter((l) => l);
}

const faultTraces = (environment = env) => docker.listContainers({ all: true, filters: { label: [`dev.prenv.environment=${environment}`, "dev.prenv.fault"] } });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe("faults on Docker (real engine)", { timeout: 240_000 }, () => {
  before(async () => {
    plan = planFor(project({ "compose.yaml": STACK }), env);
    await up(plan, { backend, owner });
  });

  const inject = (action: Parameters<typeof backend.injectFault>[1], id: string): Promise<AppliedFault> => backend.injectFault(plan, action, owner, { id, helperImage: DEBIAN });

  test("partition: a TCP connection between the two services fails during the fault and works after", async () => {
    const connect = "curl -s -o /dev/null --max-time 2 -w '%{http_code}' http://srv/small";
    assert.equal((await inCli(connect)).output, "200");
    assert.equal(await srvReachesCli(), true);
    const fault = await inject({ kind: "partition", target: "srv", peer: "cli" }, "p.1");
    assert.match(fault.how, /iptables DROP both ways/);
    const during = await inCli(connect);
    assert.notEqual(during.exitCode, 0, "the connection must fail during the partition");
    // The other direction too: srv cannot reach cli (it could before).
    assert.equal(await srvReachesCli(), false);
    assert.match(await fault.undo(), /rules removed/);
    assert.equal((await inCli(connect)).output, "200");
    assert.equal(await srvReachesCli(), true);
    assert.equal((await faultTraces()).length, 0, "the helper is gone");
  });

  test("loss 20%: measured over 300 probes, within 4 standard deviations of 1-(1-p)² (ping)", async () => {
    const fault = await inject({ kind: "loss", target: "srv", percent: 20 }, "l.1");
    // ICMP echo from probe to srv: the request enters srv, the reply leaves it; a probe is lost when either is dropped.
    const r = await backend.exec(plan.environment, "probe", ["sh", "-c", `ping -c 300 -i 0.02 -W 1 ${await address("srv")} | tail -2`], { timeoutMs: 60_000 });
    await fault.undo();
    const m = /(\d+) packets transmitted, (\d+) (packets )?received/.exec(r.output);
    assert.ok(m, r.output);
    assert.equal(m[1], "300");
    const lost = 1 - Number(m[2]) / 300;
    // A probe is the SYN in and the SYN-ACK out: lost when either is dropped.
    const p = 1 - 0.8 * 0.8;
    const sd = Math.sqrt((p * (1 - p)) / 300);
    console.log(`loss: measured ${(lost * 100).toFixed(1)}% over 300 probes, expected ${(p * 100).toFixed(1)}% ± ${(4 * sd * 100).toFixed(1)}%`);
    assert.ok(Math.abs(lost - p) < 4 * sd, `measured ${lost}, expected ${p}`);
  });

  test("bandwidth 8mbit: the throughput srv sends at is within 30% of the cap", async () => {
    const speed = async () => Number((await inCli("curl -s -o /dev/null --max-time 30 -w '%{speed_download}' http://srv/big")).output) * 8;
    const fault = await inject({ kind: "bandwidth", target: "srv", bitsPerSecond: 8_000_000 }, "b.1");
    const during = await speed();
    await fault.undo();
    const after = await speed();
    console.log(`bandwidth: ${(during / 1e6).toFixed(2)} Mbit/s under an 8 Mbit/s cap; ${(after / 1e6).toFixed(0)} Mbit/s after`);
    assert.ok(Math.abs(during - 8e6) / 8e6 < 0.3, `measured ${during} bit/s`);
    assert.ok(after > 3 * 8e6, "the cap is gone after the fault");
  });

  // No netem on this machine's kernel: latency goes through the TCP proxy in srv's network
  // namespace. Where the kernel has netem, tc does it, and the same figures must hold.
  test("latency 200 ms: added round trip within 20% over 30 requests from another service; srv still reaches its dependency; its published port is delayed too", async () => {
    const base = median(await requestTimes(10));
    const published = await publishedPort("srv", "80/tcp");
    const baseHost = median(await hostRequestTimes(published, 5));
    const fault = await inject({ kind: "latency", target: "srv", delayMs: 200, jitterMs: 0, ports: [] }, "d.1");
    const netem = /tc netem delay/.test(fault.how);
    if (!netem) {
      assert.match(fault.how, /TCP proxy \S+ in srv's network namespace: iptables REDIRECT of new TCP connections to any port/);
      assert.match(fault.how, /UDP is not delayed \(5353\/udp\)/);
    }
    const during = await requestTimes(30);
    const dependency = await backend.exec(plan.environment, "srv", ["wget", "-q", "-O", "-", "http://probe/dep"], { timeoutMs: 10_000 });
    const duringHost = median(await hostRequestTimes(published, 5));
    const undone = await fault.undo();
    const after = median(await requestTimes(10));
    const added = (median(during) - base) * 1000;
    console.log(`latency: ${netem ? "netem" : "proxy"}; base ${(base * 1000).toFixed(1)} ms, +${added.toFixed(1)} ms over 30 requests (200 asked); published port +${((duringHost - baseHost) * 1000).toFixed(1)} ms; after ${(after * 1000).toFixed(1)} ms`);
    assert.ok(Math.abs(added - 200) <= 40, `added ${added} ms, asked 200`);
    assert.equal(dependency.exitCode, 0, dependency.output);
    assert.equal(dependency.output.trim(), "dep", "srv reaches probe during the fault");
    assert.ok(Math.abs((duringHost - baseHost) * 1000 - 200) <= 40, `through the published port: +${(duringHost - baseHost) * 1000} ms`);
    assert.match(undone, /rules removed/);
    assert.ok((after - base) * 1000 < 30, `the latency is gone after the fault (${after} s against ${base} s)`);
    assert.deepEqual(await resolved("srv"), [await address("srv")], "srv leads to srv alone");
    assert.equal((await faultTraces()).length, 0, "the proxy is gone");
  });

  test("latency 200 ms ± 50 ms: the added times spread within the jitter, around the delay", async () => {
    const base = median(await requestTimes(10));
    const fault = await inject({ kind: "latency", target: "srv", delayMs: 200, jitterMs: 50, ports: [80] }, "j.1");
    const added = (await requestTimes(40)).map((t) => (t - base) * 1000);
    await fault.undo();
    const mean = added.reduce((a, b) => a + b, 0) / added.length;
    const sorted = [...added].sort((a, b) => a - b);
    const spread = sorted[Math.floor(sorted.length * 0.9)]! - sorted[Math.floor(sorted.length * 0.1)]!;
    console.log(`jitter: +${sorted[0]!.toFixed(0)}..+${sorted.at(-1)!.toFixed(0)} ms over 40 requests, mean ${mean.toFixed(0)}, 10th to 90th percentile ${spread.toFixed(0)} ms (uniform ±50 ms: 80)`);
    assert.ok(Math.abs(mean - 200) <= 40, `mean added ${mean} ms`);
    // Without jitter the spread is a few ms (the machine's noise); uniform in ±50 ms gives 80.
    assert.ok(spread > 40 && spread < 130, `10th to 90th percentile ${spread} ms: ${added.map((a) => a.toFixed(0)).join(" ")}`);
    // Never much earlier than delay - jitter (a busy machine can only make it later).
    assert.ok(sorted[0]! > 150 - 20, `the fastest was +${sorted[0]} ms`);
  });

  test("latency undone from its labelled record alone (what gc does when prenv is gone): the rules and the proxy go", async () => {
    const base = median(await requestTimes(5));
    // An owner whose process is gone: gc judges the record by it.
    const gone: typeof owner = { ...owner, pid: 999_999 };
    await backend.injectFault(plan, { kind: "latency", target: "srv", delayMs: 200, jitterMs: 0, ports: [] }, gone, { id: "g.1", helperImage: DEBIAN });
    assert.ok(median(await requestTimes(5)) - base > 0.15, "the fault is in place");
    const undone = await backend.undoAbandonedFaults((o, e) => e === env && o.endsWith(":999999"));
    assert.equal(undone.length, 1, JSON.stringify(undone));
    assert.equal(undone[0]!.undone, true, undone[0]!.detail);
    assert.ok(median(await requestTimes(5)) - base < 0.03, "the latency is gone");
    assert.equal((await faultTraces()).length, 0, "the proxy is gone");
  });

  test("kill with restart: always comes back; pause freezes and resumes", async () => {
    const started = (await docker.getContainer(`${env}-srv`).inspect()).State.StartedAt;
    const kill = await inject({ kind: "kill", target: "srv", signal: "SIGKILL" }, "k.1");
    assert.match(kill.how, /restart policy \(always\)/);
    let back = false;
    for (let i = 0; i < 50 && !back; i++) {
      const info = await docker.getContainer(`${env}-srv`).inspect();
      back = info.State.Running && info.State.StartedAt !== started;
      if (!back) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(back, "srv came back after the kill");
    const pause = await inject({ kind: "pause", target: "srv" }, "z.1");
    assert.equal((await backend.status(env, "srv")).state, "paused");
    const frozen = await inCli("curl -s -o /dev/null --max-time 1 -w '%{http_code}' http://srv/small");
    assert.notEqual(frozen.exitCode, 0, "a paused service does not answer");
    assert.equal(await pause.undo(), "docker unpause");
    assert.equal((await backend.status(env, "srv")).state, "running");
    assert.equal((await requestTimes(1)).length, 1);
  });
});

describe("latency without netem, and kill -9 of prenv (real engine, the CLI)", { timeout: 240_000 }, () => {
  test("kill -9 of prenv test during a latency fault: prenv gc removes the rules and the proxy, and srv answers at once again, by its name alone", async () => {
    const gcEnv = named("faults-gc");
    const dir = project({
      "compose.yaml": STACK,
      "prenv.yml": `compose: [compose.yaml]\ntest:\n  command: sleep 120\nchaos:\n  helper-image: ${DEBIAN}\n  faults:\n    - { fault: latency, target: srv, start: 500ms, duration: until-end, delay: 200ms }\n`,
    });
    const booted = await cli(["up", "--env", gcEnv], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(booted.code, 0, booted.stderr);
    const base = median(await requestTimes(5, gcEnv));
    const child = spawn(process.execPath, [join(ROOT, "src/cli/index.ts"), "test", "--env", gcEnv], { cwd: dir, env: { ...process.env, NODE_TEST_CONTEXT: undefined }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise((resolve) => child.on("close", resolve));
    // Bounded: the fault's line, or give up after 90 s.
    for (let i = 0; i < 360 && !/⚡ latency/.test(stderr); i++) await new Promise((r) => setTimeout(r, 250));
    assert.match(stderr, /⚡ latency/);
    child.kill("SIGKILL");
    await exited;
    const during = median(await requestTimes(5, gcEnv));
    assert.ok(during - base > 0.15, `the fault is in place after the kill (${during} s against ${base} s)`);
    assert.equal((await faultTraces(gcEnv)).length, 1, "the proxy carries the fault's labels");
    const gc = await cli(["gc", gcEnv], { cwd: dir });
    assert.equal(gc.code, 0, gc.stderr);
    assert.match(gc.stderr, /undid fault 1\.1 latency srv of .*: rules removed by the helper/);
    assert.equal((await faultTraces(gcEnv)).length, 0, "gc removed the proxy");
    const after = median(await requestTimes(10, gcEnv));
    console.log(`kill -9: base ${(base * 1000).toFixed(1)} ms, after the kill ${(during * 1000).toFixed(1)} ms, after gc ${(after * 1000).toFixed(1)} ms`);
    assert.ok(after - base < 0.03, `the latency is gone after gc (${after} s against ${base} s)`);
    assert.deepEqual(await resolved("srv", gcEnv), [await address("srv", gcEnv)], "srv leads to srv alone");
  });
});
