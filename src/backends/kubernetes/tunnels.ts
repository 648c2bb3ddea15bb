import { createServer, connect, type AddressInfo, type Server, type Socket } from "node:net";
import { PassThrough, Writable } from "node:stream";
import * as k8s from "@kubernetes/client-node";

/**
 * Port-forwards from this machine to pods, through the API server (no kubectl process):
 * a local TCP server per service port, each accepted connection its own web socket to the
 * pod the service runs in now. A pod that went away (replaced by an update, say) is
 * looked up again for the connection that found it gone, before any of its data went
 * through; a forward dropped later is a dropped connection, and the next one looks up the
 * pod again. Servers do not keep the process alive (unref), and close() ends them all:
 * nothing outlives the process that opened them.
 */

/** Finds the pod a service runs in now (undefined: none runs). */
export type PodResolver = (fresh: boolean) => Promise<string | undefined>;

interface Tunnel {
  server: Server;
  host: string;
  port: number;
  sockets: Set<Socket>;
}

export class Tunnels {
  private readonly forward: k8s.PortForward;
  private readonly tunnels = new Map<string, Promise<Tunnel>>();

  constructor(config: k8s.KubeConfig) {
    // disconnectOnErr: an error from the pod's side (nothing listens) ends that connection.
    this.forward = new k8s.PortForward(config, true);
  }

  /**
   * A local address forwarded to `port` of the pod `resolve` finds; the same one for the
   * same key. `local` asks for a host address and port (a compose `published` port).
   */
  open(key: string, port: number, resolve: PodResolver, namespace: string, local: { host?: string; port?: number } = {}): Promise<{ host: string; port: number }> {
    let tunnel = this.tunnels.get(key);
    if (!tunnel) {
      tunnel = this.listen(port, resolve, namespace, local);
      this.tunnels.set(key, tunnel);
      tunnel.catch(() => this.tunnels.delete(key));
    }
    return tunnel.then((t) => ({ host: t.host, port: t.port }));
  }

  private async listen(port: number, resolve: PodResolver, namespace: string, local: { host?: string; port?: number }): Promise<Tunnel> {
    const sockets = new Set<Socket>();
    let pod: string | undefined;
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => socket.destroy());
      // Data may come before the web socket is up: hold it in a buffer that keeps order.
      const input = new PassThrough();
      socket.pipe(input);
      const through = async (target: string) => {
        const errors = new ErrorText();
        const ws = await this.forward.portForward(namespace, target, [port], socket, errors, input);
        if (typeof ws === "function") throw new Error("port-forward returned a retrying handle");
        pod = target;
        ws.on("close", () => {
          // The pod's side refused or went away: find the pod again for the next connection.
          if (errors.text) pod = undefined;
          socket.end();
        });
        socket.on("close", () => ws.close());
      };
      void (async () => {
        const known = pod;
        if (known) {
          // A pod replaced since (an update, a restart) refuses the web socket before any
          // data went through: this connection goes to the pod found now instead.
          const ok = await through(known).then(() => true, () => false);
          if (ok) return;
          pod = undefined;
        }
        const target = await resolve(known !== undefined);
        if (!target) return socket.destroy();
        await through(target);
      })().catch(() => {
        pod = undefined;
        socket.destroy();
      });
    });
    await new Promise<void>((ok, fail) => {
      server.once("error", fail);
      server.listen({ host: local.host ?? "127.0.0.1", port: local.port ?? 0 }, () => {
        server.off("error", fail);
        ok();
      });
    });
    server.unref();
    const address = server.address() as AddressInfo;
    return { server, host: address.address, port: address.port, sockets };
  }

  /**
   * Whether something accepts connections on `port` inside the pod. A local forward
   * accepts every connection itself, so it cannot tell; the pod's own address can, when
   * this machine reaches the pod network (a refusal comes back at once). Otherwise the
   * forward's error channel says so: the pod's side dials the port as the web socket
   * opens and reports a refusal within milliseconds, and silence means it connected.
   */
  async portOpen(namespace: string, pod: string, podIp: string | undefined, port: number): Promise<boolean> {
    if (podIp && this.podNetwork !== false) {
      const direct = await dial(podIp, port, 1000);
      if (direct !== "unreachable") {
        this.podNetwork = true;
        return direct === "open";
      }
      if (this.podNetwork === undefined) this.podNetwork = false;
    }
    const errors = new ErrorText();
    const ws = await this.forward.portForward(namespace, pod, [port], new Writable({ write: (_c, _e, cb) => cb() }), errors, new PassThrough());
    if (typeof ws === "function") throw new Error("port-forward returned a retrying handle");
    const closed = new Promise<void>((ok) => ws.once("close", () => ok()));
    await Promise.race([closed, new Promise((ok) => setTimeout(ok, PORT_FORWARD_QUIET_MS))]);
    ws.close();
    return errors.text === "";
  }

  /** Whether this machine reaches pods by their addresses; undefined until tried. */
  private podNetwork: boolean | undefined;

  /** Closes every forward and every connection through them. */
  async close(): Promise<void> {
    const all = await Promise.allSettled(this.tunnels.values());
    this.tunnels.clear();
    await Promise.all(
      all.map(async (r) => {
        if (r.status !== "fulfilled") return;
        for (const s of r.value.sockets) s.destroy();
        await new Promise((ok) => r.value.server.close(ok));
      }),
    );
  }

  /** Forwards open now, by key. */
  keys(): string[] {
    return [...this.tunnels.keys()];
  }
}

/** How long a forward's error channel must stay quiet for the port to count as open. */
const PORT_FORWARD_QUIET_MS = 250;

class ErrorText extends Writable {
  text = "";
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString("utf8");
    callback();
  }
}

function dial(host: string, port: number, timeoutMs: number): Promise<"open" | "refused" | "unreachable"> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: "open" | "refused" | "unreachable") => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done("unreachable"));
    socket.once("connect", () => done("open"));
    socket.once("error", (e: NodeJS.ErrnoException) => done(e.code === "ECONNREFUSED" ? "refused" : "unreachable"));
  });
}
