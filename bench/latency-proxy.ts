import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP proxy that delays every chunk by `delayMs` in each direction, so that a loopback server
 * behaves like one across a network (one round trip = 2 × delayMs). On loopback the two cores'
 * CPU, not the network, would otherwise decide how long parallel probes take.
 */
export function startLatencyProxy(
  listen: string,
  target: string,
  delayMs: number,
  port = 25,
): Promise<Server> {
  const server = createServer((client) => {
    const upstream = connect({ host: target, port });
    const pipe = (from: Socket, to: Socket) => {
      from.on("data", (chunk) => setTimeout(() => to.writable && to.write(chunk), delayMs));
      from.on("end", () => setTimeout(() => to.end(), delayMs));
      from.on("error", () => to.destroy());
    };
    pipe(client, upstream);
    pipe(upstream, client);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, listen, () => resolve(server));
  });
}
