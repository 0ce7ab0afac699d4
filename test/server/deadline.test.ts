/**
 * The request deadline (limits/deadline.ts): a handler that never answers gets 503 and a closed
 * connection once MAILTLS_REQUEST_TIMEOUT_MS has passed; answers in time are left alone, and no
 * finished request is kept.
 */
import Fastify from "fastify";
import { requestDeadline } from "../../src/server/limits/deadline";

it("answers 503 and closes the connection when the handler is not done in time", async () => {
  const app = Fastify();
  await app.register(requestDeadline, { timeoutMs: 600 });
  app.get("/never", () => new Promise(() => undefined));
  app.get("/soon", async () => ({ ok: true }));
  await app.listen({ host: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  try {
    const t0 = Date.now();
    const res = await fetch(`${url}/never`);
    const ms = Date.now() - t0;
    expect(res.status).toBe(503);
    expect(res.headers.get("connection")).toBe("close");
    expect(await res.json()).toEqual({
      error: { code: "timeout", message: "the answer was not ready in time" },
    });
    expect(ms).toBeGreaterThanOrEqual(600);
    expect(ms).toBeLessThan(1200);
    for (let i = 0; i < 20; i++) expect((await fetch(`${url}/soon`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 900));
    expect((await fetch(`${url}/soon`)).status).toBe(200);
  } finally {
    await app.close();
  }
});

it("forgets a request whose client went away, at the next sweep, without answering it", async () => {
  const app = Fastify();
  await app.register(requestDeadline, { timeoutMs: 60_000 });
  let started = 0;
  app.post("/slow", async () => {
    started++;
    return new Promise(() => undefined);
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const port = (app.server.address() as { port: number }).port;
  try {
    const { connect } = await import("node:net");
    const sockets = Array.from({ length: 5 }, () =>
      connect(port, "127.0.0.1", function (this: import("node:net").Socket) {
        this.write(
          "POST /slow HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
        );
      }),
    );
    while (started < 5) await new Promise((r) => setTimeout(r, 20));
    const held = () => (app as unknown as { requestsInFlight(): number }).requestsInFlight();
    expect(held()).toBe(5);
    for (const s of sockets) s.destroy();
    await new Promise((r) => setTimeout(r, 600));
    expect(held()).toBe(0);
  } finally {
    await app.close();
  }
});
