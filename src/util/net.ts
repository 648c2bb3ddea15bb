import { createSocket } from "node:dgram";
import { createServer } from "node:net";

/** A port of `host` that nothing listens on now, as the kernel picks one. */
export function freePort(host: string, protocol: "tcp" | "udp"): Promise<number> {
  return new Promise((resolve, reject) => {
    if (protocol === "udp") {
      const socket = createSocket(host.includes(":") ? "udp6" : "udp4");
      socket.on("error", reject);
      socket.bind(0, host, () => {
        const { port } = socket.address();
        socket.close(() => resolve(port));
      });
      return;
    }
    const server = createServer();
    server.on("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
