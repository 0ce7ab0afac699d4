import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { serviceClient, ServiceUnreachable, withToken } from "../../src/addin/serviceClient";

describe("serviceClient credentials", () => {
  let server: Server;
  let base: string;
  const headers: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      headers.push(req.headers);
      res.setHeader("content-type", "application/json");
      res.end(req.url?.startsWith("/api/v1/policy") ? "{}" : JSON.stringify({ reports: [] }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const a = server.address();
    base = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`;
  });
  afterAll(() => server.close());
  beforeEach(() => (headers.length = 0));

  it("sends the token as a bearer token on every call", async () => {
    const c = serviceClient(base, fetch, async () => "tok-123");
    await c.check(["good.test"], 100, 2000);
    await c.policy(2000);
    expect(headers.map((h) => h.authorization)).toEqual(["Bearer tok-123", "Bearer tok-123"]);
    expect(headers[0]["content-type"]).toBe("application/json");
  });

  it("sends no authorization when there is no token source, none given, or it fails", async () => {
    await serviceClient(base).policy(2000);
    await serviceClient(base, fetch, async () => undefined).policy(2000);
    await serviceClient(base, fetch, () => Promise.reject(new Error("13001"))).policy(2000);
    expect(headers.map((h) => h.authorization)).toEqual([undefined, undefined, undefined]);
  });

  it("a token source that never answers is covered by the call's deadline", async () => {
    const c = serviceClient(base, fetch, () => new Promise<string>(() => undefined));
    await expect(c.policy(200)).rejects.toBeInstanceOf(ServiceUnreachable);
    expect(headers).toEqual([]);
  });

  it("the pane's calls (withToken alone) wait for a hanging token source only so long, then go without", async () => {
    const h = await withToken(
      { accept: "application/json" },
      () => new Promise<string>(() => undefined),
      100,
    );
    expect(h).toEqual({ accept: "application/json" });
    expect(await withToken({}, async () => "t", 100)).toEqual({ authorization: "Bearer t" });
  });
});
