import { Writable } from "node:stream";
import type Dockerode from "dockerode";
import { traceName, type FaultAction } from "../../chaos/model.ts";
import type { Plan } from "../../plan/plan.ts";
import { FaultError, LABELS, type AbandonedFault, type AppliedFault, type ExecResult, type Faults, type Owner } from "../backend.ts";
import { PROXY_SCRIPT } from "./proxy-script.ts";

/** How gc undoes a fault from the labels of what it left, when its process is gone. */
type UndoRecord =
  | { op: "unpause"; container: string }
  | { op: "start"; container: string }
  /** Run `script` in the helper that carries the label (it shares the target's network namespace). */
  | { op: "exec"; script: string };

export interface DockerFaultsDeps {
  docker: Dockerode;
  labels: (plan: Plan, owner: Owner, extra: Record<string, string>) => Record<string, string>;
  containerName: (environment: string, service: string) => string;
}

/** The helper's own process: waits for TERM, with nothing but a POSIX shell and sleep. */
const IDLE = ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done"];
const HELPER_TIMEOUT_MS = 30_000;

/**
 * Faults on Docker: lifecycle faults through the engine; network faults from a helper
 * container that shares the target's network namespace with NET_ADMIN (iptables, tc),
 * or, for latency on a kernel without netem, a TCP proxy in that namespace that iptables
 * sends the target's incoming connections to. Everything left while a fault is in place
 * carries LABELS.fault and the way to undo it, so that `down` removes it with the
 * environment and gc undoes it.
 */
export class DockerFaults implements Omit<Faults, "faultSupport"> {
  private readonly deps: DockerFaultsDeps;
  constructor(deps: DockerFaultsDeps) {
    this.deps = deps;
  }

  async injectFault(plan: Plan, fault: FaultAction, owner: Owner, options: { id: string; helperImage?: string; signal?: AbortSignal }): Promise<AppliedFault> {
    const { docker, containerName } = this.deps;
    const target = docker.getContainer(containerName(plan.environment, fault.target));
    const label = `${fault.kind} ${fault.target}`;
    const wrap = async <T,>(what: string, p: Promise<T>): Promise<T> => {
      try {
        return await p;
      } catch (cause) {
        throw new FaultError(label, `${what} failed: ${(cause as Error).message}`, { cause, hint: `is ${fault.target} running? \`prenv logs ${fault.target}\`` });
      }
    };
    switch (fault.kind) {
      case "kill": {
        const info = await wrap("inspecting the target", target.inspect());
        await wrap(`docker kill --signal ${fault.signal}`, target.kill({ signal: fault.signal }));
        const policy = info.HostConfig.RestartPolicy?.Name || "no";
        // The engine treats a `docker kill` as a manual stop and ignores the restart policy;
        // a crash would not be, so prenv does what the policy would have done.
        const comesBack = policy === "always" || policy === "unless-stopped" || (policy === "on-failure" && fault.signal !== "SIGTERM");
        if (comesBack) {
          for (let i = 0; i < 50 && (await target.inspect()).State.Running; i++) await new Promise((r) => setTimeout(r, 100));
          await wrap("starting it again, as its restart policy would", allowed(target.start(), [304]));
        }
        return { how: `docker kill --signal ${fault.signal}; restart policy (${policy}): ${comesBack ? "started again, as the engine does not apply the policy to a kill it was asked for" : "it stays down"}`, undo: async () => "nothing to undo" };
      }
      case "restart":
        await wrap("docker restart", target.restart({ t: 10 }));
        return { how: "docker restart (10 s to stop)", undo: async () => "nothing to undo" };
      case "stop":
      case "pause": {
        const op = fault.kind === "stop" ? "start" : "unpause";
        const record = await this.record(plan, owner, options.id, fault, { op, container: containerName(plan.environment, fault.target) });
        try {
          await wrap(`docker ${fault.kind}`, fault.kind === "stop" ? target.stop({ t: 10 }) : target.pause());
        } catch (e) {
          await record.remove({ force: true }).catch(() => undefined);
          throw e;
        }
        return {
          how: fault.kind === "stop" ? "docker stop (10 s grace), then docker start" : "docker pause (cgroup freezer), then docker unpause",
          undo: () => this.undoRecord(record, { op, container: containerName(plan.environment, fault.target) }, label),
        };
      }
      case "partition":
      case "loss":
      case "bandwidth":
      case "latency":
        return this.network(plan, fault, owner, options, label);
    }
  }

  /** A stopped container that only carries the labels: the trace of a stop or pause for gc. */
  private async record(plan: Plan, owner: Owner, id: string, fault: FaultAction, undo: UndoRecord): Promise<Dockerode.Container> {
    const { docker, containerName } = this.deps;
    const info = await docker.getContainer(containerName(plan.environment, fault.target)).inspect();
    // The target's own image is surely here; the record is never started.
    return docker.createContainer({
      name: containerName(plan.environment, helperName(owner, id)),
      Image: info.Image,
      Entrypoint: ["prenv-fault-record"],
      Labels: this.deps.labels(plan, owner, traceLabels(id, fault, undo)),
      HostConfig: { NetworkMode: "none" },
    });
  }

  private async undoRecord(holder: Dockerode.Container, record: UndoRecord, fault: string): Promise<string> {
    const { docker } = this.deps;
    let detail: string;
    try {
      switch (record.op) {
        case "unpause":
          await allowed(docker.getContainer(record.container).unpause(), [304, 409]);
          detail = "docker unpause";
          break;
        case "start":
          await allowed(docker.getContainer(record.container).start(), [304]);
          detail = "docker start";
          break;
        case "exec": {
          const name = (await holder.inspect()).Name.replace(/^\//, "");
          await allowed(holder.start(), [304]);
          const result = await this.execIn(name, record.script);
          if (result.exitCode !== 0) throw new Error(`the helper's undo exited with ${result.exitCode}: ${result.output.trim().slice(-500)}`);
          detail = "rules removed by the helper";
          break;
        }
      }
    } catch (cause) {
      throw new FaultError(fault, `undoing it failed: ${(cause as Error).message}`, { cause, hint: "run `prenv gc`, which retries it; `prenv down` removes the environment and every fault with it" });
    }
    await allowed(holder.remove({ force: true }), [404]);
    return detail;
  }

  /** Runs a script in the helper container `name` (its whole name), with its output for messages. */
  private async execIn(name: string, script: string): Promise<ExecResult> {
    const exec = await this.deps.docker.getContainer(name).exec({ Cmd: ["sh", "-c", script], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const chunks: Buffer[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _e, done) => (chunks.push(chunk), done()) });
    this.deps.docker.modem.demuxStream(stream, sink, sink);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        stream.destroy();
        reject(new Error(`the helper's command did not end within ${HELPER_TIMEOUT_MS / 1000} s`));
      }, HELPER_TIMEOUT_MS);
      stream.on("end", () => (clearTimeout(timer), resolve()));
      stream.on("close", () => (clearTimeout(timer), resolve()));
      stream.on("error", (e) => (clearTimeout(timer), reject(e)));
    });
    const info = await exec.inspect();
    return { exitCode: info.ExitCode ?? -1, output: Buffer.concat(chunks).toString("utf8") };
  }

  private async helperImage(image: string | undefined, fault: string): Promise<string> {
    if (!image) throw new FaultError(fault, "a network fault needs a helper image", { hint: "set chaos.helper-image (docs/chaos.md)" });
    try {
      await this.deps.docker.getImage(image).inspect();
    } catch {
      await new Promise<void>((resolve, reject) => {
        this.deps.docker.pull(image, (err: Error | null, stream: NodeJS.ReadableStream) => {
          if (err) return reject(new FaultError(fault, `the helper image ${image} is not here and could not be pulled: ${err.message}`, { cause: err, hint: "build or pull it first, or fix chaos.helper-image" }));
          this.deps.docker.modem.followProgress(stream, (e: Error | null) => (e ? reject(new FaultError(fault, `pulling the helper image ${image} failed: ${e.message}`, { cause: e })) : resolve()));
        });
      });
    }
    return image;
  }

  private async network(plan: Plan, fault: Exclude<FaultAction, { kind: "kill" | "stop" | "restart" | "pause" }>, owner: Owner, options: { id: string; helperImage?: string }, label: string): Promise<AppliedFault> {
    const { docker, containerName } = this.deps;
    const image = await this.helperImage(options.helperImage, label);
    const targetName = containerName(plan.environment, fault.target);
    const info = await docker.getContainer(targetName).inspect().catch((cause: unknown) => {
      throw new FaultError(label, `${fault.target} has no container: ${(cause as Error).message}`, { cause });
    });
    const tag = faultTag(plan, owner, options.id);
    let apply: string;
    let undo: string;
    let how: string;
    switch (fault.kind) {
      case "partition": {
        const peer = await docker.getContainer(containerName(plan.environment, fault.peer)).inspect();
        const ips = Object.values(peer.NetworkSettings.Networks ?? {}).map((n) => n.IPAddress).filter((ip) => ip);
        if (ips.length === 0) throw new FaultError(label, `${fault.peer} has no address on a network`, { hint: "is it running?" });
        const rules = ips.flatMap((ip) => [`INPUT -s ${ip} -m comment --comment ${tag} -j DROP`, `OUTPUT -d ${ip} -m comment --comment ${tag} -j DROP`]);
        ({ apply, undo } = iptables(rules));
        how = `iptables DROP both ways between ${fault.target} and ${fault.peer} (${ips.join(", ")}), in ${fault.target}'s network namespace`;
        break;
      }
      case "loss": {
        const p = (fault.percent / 100).toFixed(6);
        const rules = ["INPUT", "OUTPUT"].map((chain) => `${chain} -m statistic --mode random --probability ${p} -m comment --comment ${tag} -j DROP`);
        ({ apply, undo } = iptables(rules));
        how = `iptables statistic DROP of ${fault.percent}% of the packets to and from ${fault.target}`;
        break;
      }
      case "bandwidth": {
        // A burst of 20 ms at the rate (at least a full-size packet): small enough to hold the cap.
        const burst = Math.max(1600, Math.round(fault.bitsPerSecond / 8 / 50));
        ({ apply, undo } = onInterfaces(`tc qdisc replace dev "$i" root tbf rate ${fault.bitsPerSecond}bit burst ${burst} latency 1s`));
        how = `tc tbf rate ${fault.bitsPerSecond}bit on ${fault.target}'s interfaces (what it sends)`;
        break;
      }
      case "latency": {
        ({ apply, undo } = onInterfaces(`tc qdisc replace dev "$i" root netem delay ${fault.delayMs}ms${fault.jitterMs ? ` ${fault.jitterMs}ms` : ""}`));
        how = `tc netem delay ${fault.delayMs}ms${fault.jitterMs ? ` ±${fault.jitterMs}ms` : ""} on what ${fault.target} sends`;
        break;
      }
    }
    const helper = await docker.createContainer({
      name: containerName(plan.environment, helperName(owner, options.id)),
      Image: image,
      Entrypoint: IDLE,
      Labels: this.deps.labels(plan, owner, traceLabels(options.id, fault, { op: "exec", script: undo })),
      HostConfig: { NetworkMode: `container:${info.Id}`, CapAdd: ["NET_ADMIN"] },
    }).catch((cause: unknown) => {
      throw new FaultError(label, `the helper container could not be created: ${(cause as Error).message}`, { cause });
    });
    const helperFull = containerName(plan.environment, helperName(owner, options.id));
    let result: ExecResult;
    try {
      await helper.start();
      result = await this.execIn(helperFull, apply);
    } catch (cause) {
      await helper.remove({ force: true }).catch(() => undefined);
      throw new FaultError(label, `the helper could not run: ${(cause as Error).message}`, { cause, hint: `chaos.helper-image (${image}) needs sh, iptables and tc (iproute2)` });
    }
    if (result.exitCode !== 0) {
      // Whatever part went in comes out again before the helper goes.
      await this.execIn(helperFull, undo).catch(() => undefined);
      await helper.remove({ force: true }).catch(() => undefined);
      if (fault.kind === "latency" && /unknown|not found|No such file/i.test(result.output)) {
        return this.proxy(plan, fault, owner, options, label, image, info, result.output.trim().split("\n").pop() ?? "");
      }
      throw new FaultError(label, `applying it failed (exit ${result.exitCode}): ${result.output.trim().slice(-500)}`, { hint: `chaos.helper-image (${image}) needs iptables and tc; the kernel needs the matching modules` });
    }
    return { how: `${how} (helper ${helperFull})`, undo: () => this.undoRecord(helper, { op: "exec", script: undo }, label) };
  }

  /**
   * Latency without netem: a helper in the target's network namespace runs the TCP proxy,
   * and iptables REDIRECTs the new TCP connections that come in to the target (on the
   * fault's ports, else on every port) to it; the proxy connects on to where each one was
   * going and holds back what the target sends. Nothing about the target's networks,
   * names or addresses changes (Docker 20.10 would not let a running container give up
   * its name: see docs/chaos.md), so its clients, by name or address or through a
   * published port, all go through the proxy, and what it calls is not touched.
   */
  private async proxy(plan: Plan, fault: Extract<FaultAction, { kind: "latency" }>, owner: Owner, options: { id: string }, label: string, image: string, info: Dockerode.ContainerInspectInfo, why: string): Promise<AppliedFault> {
    const { docker, containerName } = this.deps;
    const tag = faultTag(plan, owner, options.id);
    const { apply, undo } = redirect(tag, fault.ports, PROXY_PORT_FILE);
    const record: UndoRecord = { op: "exec", script: undo };
    const name = containerName(plan.environment, helperName(owner, options.id));
    const proxy = await docker.createContainer({
      name,
      Image: image,
      Entrypoint: ["perl", "-e", PROXY_SCRIPT, String(fault.delayMs), String(fault.jitterMs), PROXY_PORT_FILE],
      Labels: this.deps.labels(plan, owner, traceLabels(options.id, fault, record)),
      HostConfig: { NetworkMode: `container:${info.Id}`, CapAdd: ["NET_ADMIN"] },
    }).catch((cause: unknown) => {
      throw new FaultError(label, `the proxy container could not be created: ${(cause as Error).message}`, { cause });
    });
    try {
      await proxy.start();
      const result = await this.execIn(name, apply);
      if (result.exitCode !== 0) throw new Error(`exit ${result.exitCode}: ${result.output.trim().slice(-500)}`);
    } catch (cause) {
      await this.undoRecord(proxy, record, label).catch(() => undefined);
      throw new FaultError(label, `the latency proxy could not be put in place: ${(cause as Error).message}`, { cause, hint: `chaos.helper-image (${image}) needs perl and iptables for the proxy, and the kernel the iptables nat REDIRECT target` });
    }
    const udp = Object.keys(info.Config.ExposedPorts ?? {}).filter((p) => p.endsWith("/udp"));
    return {
      how:
        `TCP proxy ${name} in ${fault.target}'s network namespace: iptables REDIRECT of new TCP connections to ${fault.ports.length > 0 ? `port ${fault.ports.join(", ")}` : "any port"}, ` +
        `what ${fault.target} sends held back by ${fault.delayMs}ms${fault.jitterMs ? ` ±${fault.jitterMs}ms` : ""} (this kernel has no netem: ${why})` +
        (udp.length > 0 ? `; UDP is not delayed (${udp.join(", ")})` : ""),
      undo: () => this.undoRecord(proxy, record, label),
    };
  }

  async undoAbandonedFaults(isGone: (owner: string, environment: string) => boolean): Promise<AbandonedFault[]> {
    const { docker } = this.deps;
    const traces = await docker.listContainers({ all: true, filters: { label: [LABELS.fault] } });
    const out: AbandonedFault[] = [];
    for (const t of traces) {
      const owner = t.Labels[LABELS.owner] ?? "";
      const environment = t.Labels[LABELS.environment] ?? "";
      if (!isGone(owner, environment)) continue;
      const fault = t.Labels[LABELS.fault] ?? "";
      let record: UndoRecord | undefined;
      try {
        const parsed = JSON.parse(t.Labels[LABELS.faultUndo] ?? "") as UndoRecord;
        // A record of a way this prenv no longer has (an older one's) is not guessed at.
        record = ["unpause", "start", "exec"].includes(parsed.op) ? parsed : undefined;
      } catch {
        record = undefined;
      }
      if (!record) {
        await allowed(docker.getContainer(t.Id).remove({ force: true }), [404]).catch(() => undefined);
        out.push({ environment, fault, owner, undone: false, detail: "its record could not be read; the trace was removed" });
        continue;
      }
      try {
        out.push({ environment, fault, owner, undone: true, detail: await this.undoRecord(docker.getContainer(t.Id), record, fault) });
      } catch (e) {
        out.push({ environment, fault, owner, undone: false, detail: (e as Error).message });
      }
    }
    return out;
  }
}

function helperName(owner: Owner, id: string): string {
  return `prenv-fault-${owner.pid}-${id.replace(/\./g, "-")}`;
}

/** What marks the iptables rules of one fault, so that its undo finds them (and only them). */
function faultTag(plan: Plan, owner: Owner, id: string): string {
  return `prenv-${plan.environment}-${owner.pid}-${id}`.slice(0, 255);
}

/** Where the latency proxy writes the port it listens on, in its own filesystem. */
const PROXY_PORT_FILE = "/tmp/prenv-proxy-port";

/**
 * The nat rules that send new TCP connections coming in to the target to the proxy (not
 * those to the proxy's own port, which would loop). The port is the proxy's to choose, so
 * apply waits for it to say; undo deletes the rules by their comment, whatever port a
 * proxy restarted by gc has since taken. multiport takes 15 ports a rule.
 */
function redirect(tag: string, ports: number[], portFile: string): { apply: string; undo: string } {
  const groups: string[] = [];
  for (let i = 0; i < ports.length; i += 15) groups.push(`-m multiport --dports ${ports.slice(i, i + 15).join(",")} `);
  if (groups.length === 0) groups.push("");
  // iptables -S quotes a comment with a dot in it.
  const mine = `*"--comment ${tag} "*|*"--comment \\"${tag}\\" "*`;
  return {
    apply: [
      "set -e",
      `i=0; until [ -s ${portFile} ]; do i=$((i+1)); [ $i -gt 100 ] && { echo "the proxy did not listen within 10 s" >&2; exit 1; }; sleep 0.1; done`,
      `P=$(cat ${portFile})`,
      ...groups.map((g) => `iptables -w -t nat -A PREROUTING -p tcp ! --dport "$P" ${g}-m comment --comment ${tag} -j REDIRECT --to-ports "$P"`),
    ].join("\n"),
    undo: [
      `iptables -w -t nat -S PREROUTING | while read -r rule; do case "$rule" in ${mine}) eval "iptables -w -t nat -D \${rule#-A }" || exit 1;; esac; done || exit 1`,
      `iptables -w -t nat -S PREROUTING | while read -r rule; do case "$rule" in ${mine}) echo "a rule is left: $rule" >&2; exit 1;; esac; done`,
    ].join("\n"),
  };
}

function traceLabels(id: string, fault: FaultAction, undo: UndoRecord): Record<string, string> {
  // A marker, so that listings do not count it as a service of the environment.
  return { [LABELS.fault]: traceName(id, fault), [LABELS.faultUndo]: JSON.stringify(undo), [LABELS.marker]: "fault" };
}

function iptables(rules: string[]): { apply: string; undo: string } {
  return {
    apply: ["set -e", ...rules.map((r) => `iptables -w -I ${r}`)].join("\n"),
    // Every rule is tried, so that one already gone does not keep the others in.
    undo: ["rc=0", ...rules.map((r) => `iptables -w -D ${r} || rc=1`), "exit $rc"].join("\n"),
  };
}

function onInterfaces(command: string): { apply: string; undo: string } {
  const each = `for i in $(ip -o link show | sed -n 's/^[0-9]*: \\([^:@]*\\).*/\\1/p'); do [ "$i" = lo ] && continue; `;
  return {
    apply: `set -e\n${each}${command} 2>&1; done`,
    undo: `rc=0\n${each}tc qdisc del dev "$i" root 2>/dev/null || rc=1; done\nexit $rc`,
  };
}

async function allowed(p: Promise<unknown>, codes: number[]): Promise<void> {
  try {
    await p;
  } catch (e) {
    const code = typeof e === "object" && e !== null && "statusCode" in e ? (e as { statusCode: unknown }).statusCode : undefined;
    if (typeof code !== "number" || !codes.includes(code)) throw e;
  }
}
