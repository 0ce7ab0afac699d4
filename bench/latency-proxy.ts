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

/**
 * The proxy in a process of its own (so that the "network" does not take the measured process's
 * CPU): `tsx bench/latency-proxy.ts LISTEN TARGET DELAY_MS`; it prints "ready" when listening.
 */
export async function startLatencyProxyProcess(
  listen: string,
  target: string,
  delayMs: number,
): Promise<{ close(): Promise<void> }> {
  const { spawn } = await import("node:child_process");
  const { join } = await import("node:path");
  const child = spawn(
    join(__dirname, "..", "node_modules", ".bin", "tsx"),
    [__filename, listen, target, String(delayMs)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`latency proxy exited with ${code}`)));
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill();
      }),
  };
}

if (require.main === module) {
  const [listen, target, delay] = process.argv.slice(2);
  void startLatencyProxy(listen, target, Number(delay)).then(() => process.stdout.write("ready\n"));
}
