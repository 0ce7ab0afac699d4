import { connect, createServer, type Server } from "node:net";

/**
 * A TCP forwarder whose target the test can switch: it stands for a partner's MX that later moves
 * to another (real) mail server, so a grade can drop between two real probes.
 */
export async function startForwarder(
  listen: string,
  target: string,
  port = 25,
): Promise<{ server: Server; switchTo(target: string): void; close(): Promise<void> }> {
  let to = target;
  const server = createServer((client) => {
    const upstream = connect({ host: to, port });
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, listen, () => resolve());
  });
  return {
    server,
    switchTo(next: string) {
      to = next;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
