import assert from "node:assert/strict";
import { FaultError } from "../../src/backends/backend.ts";
import { before, describe, test } from "node:test";
import type { AppliedFault } from "../../src/backends/backend.ts";
import { up } from "../../src/engine/up.ts";
import type { Plan } from "../../src/plan/plan.ts";
import { BUSYBOX, backend, docker, environmentNames, owner, planFor, project } from "../helpers/docker.ts";

const DEBIAN = "prenv-test/debian:1";
const named = environmentNames();

// srv serves a 4 MB file and echoes; cli is the client; both on this machine only.
const STACK = `
services:
  srv:
    image: ${BUSYBOX}
    command: ["sh", "-c", "mkdir -p /www && dd if=/dev/zero of=/www/big bs=1024 count=4096 2>/dev/null && echo ok > /www/small && (nc -ll -p 7 -e cat &) && exec httpd -f -p 80 -h /www"]
    restart: always
  probe:
    image: ${BUSYBOX}
    command: ["sleep", "3600"]
  cli:
    image: ${DEBIAN}
    command: ["sleep", "infinity"]
`;

let plan: Plan;
const env = named("faults");

async function inCli(script: string, timeoutMs = 60_000): Promise<{ exitCode: number; output: string }> {
  return backend.exec(plan.environment, "cli", ["sh", "-c", script], { timeoutMs });
}

/** Seconds of each of `n` sequential small requests from cli to srv, by curl. */
async function requestTimes(n: number): Promise<number[]> {
  const r = await inCli(`for i in $(seq ${n}); do curl -s -o /dev/null -w '%{time_total}\\n' --max-time 5 http://srv/small; done`);
  assert.equal(r.exitCode, 0, r.output);
  return r.output.trim().split("\n").map(Number);
}

async function address(service: string): Promise<string> {
  const info = await docker.getContainer(`${plan.environment}-${service}`).inspect();
  return Object.values(info.NetworkSettings.Networks)[0]!.IPAddress;
}

/** Whether srv gets an answer from cli (one ICMP echo, 1 s). */
async function srvReachesCli(): Promise<boolean> {
  return (await backend.exec(plan.environment, "srv", ["ping", "-c", "1", "-W", "1", await address("cli")])).exitCode === 0;
}

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
    assert.equal((await docker.listContainers({ all: true, filters: { label: [`dev.prenv.environment=${env}`, "dev.prenv.fault"] } })).length, 0, "the helper is gone");
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

  // Measured here: Docker 20.10 keeps a reconnected container's network aliases, so the
  // target's name led to both it and the proxy and half the requests went around the
  // proxy (+0 ms or +203 ms, run by run). The proxy now refuses to count as applied
  // unless the name leads to it alone, so on this engine the fault is reported, not
  // half applied. With netem (GitHub's runners) latency goes through tc instead.
  test("latency without netem: a proxy that cannot take the target's name over alone is reported, not half applied", async () => {
    const base = median(await requestTimes(5));
    await assert.rejects(
      inject({ kind: "latency", target: "srv", delayMs: 200, jitterMs: 0, ports: [80] }, "d.1"),
      (e: unknown) => e instanceof FaultError && /srv does not lead to the proxy \([\d.]+\) alone within 5 s: the engine still gives the target that name/.test(e.message),
    );
    const after = median(await requestTimes(5));
    assert.ok(after - base < 0.05, "nothing of the fault is left: requests are as fast as before");
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
