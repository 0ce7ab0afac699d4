/**
 * The service as an attacker on the internet meets it (issue 13): every case here failed before it
 * was fixed. Real services on loopback; slow clients are raw sockets.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { MAX_LOGGED, redact } from "../../src/server/http/logging";
import { ensurePagesBuilt } from "../helpers/browser";
import { type EntraStandIn, startEntraStandIn } from "../helpers/entra";
import { closeAllFileServices, startFileService, UPLOAD_KEY } from "../helpers/filesService";
import { getJson, postJson, type RunningService, startService } from "../helpers/service";

const TENANT = "11111111-2222-3333-4444-555555555555";
const AUDIENCE = "api://mailtls.example.test/0000";

afterEach(closeAllFileServices);

/** A raw HTTP client: writes what it is told, and says when the server closed. */
function rawClient(url: string) {
  const { hostname, port } = new URL(url);
  const sock: Socket = connect({ host: hostname, port: Number(port) });
  let received = "";
  const closed = new Promise<number>((resolve) => {
    const t0 = Date.now();
    sock.on("close", () => resolve(Date.now() - t0));
  });
  sock.on("data", (d) => (received += d.toString("latin1")));
  sock.on("error", () => undefined);
  return {
    write: (s: string | Buffer) => (sock.destroyed ? undefined : sock.write(s)),
    closed,
    received: () => received,
    destroy: () => sock.destroy(),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("logs: bounded, linear, nothing that identifies a person", () => {
  let svc: RunningService;
  beforeAll(async () => (svc = await startService()));
  afterAll(() => svc.close());

  it("redacts in linear time, and logs at most MAX_LOGGED characters of a URL", () => {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) redact("/" + "a".repeat(16_000));
    expect(performance.now() - t0).toBeLessThan(100); // was 269 ms for each
    expect(redact("/" + "a".repeat(100_000)).length).toBeLessThanOrEqual(MAX_LOGGED + 1);
  });

  it("20 requests for a 15 KB path do not stall /healthz", async () => {
    const path = "/api/v1/nothing/" + "x".repeat(15_000);
    const flood = Promise.all(Array.from({ length: 20 }, () => fetch(svc.url + path).then((r) => r.status)));
    const t0 = performance.now();
    expect((await getJson(`${svc.url}/healthz`)).status).toBe(200);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(new Set(await flood)).toEqual(new Set([404]));
    const logged = svc.logs.filter((l) => l.includes("/api/v1/nothing/"));
    expect(logged.length).toBe(20);
    for (const l of logged) expect(l.length).toBeLessThan(MAX_LOGGED + 500);
  });

  it("hides addresses written with a full-width at sign, percent-encoded or not", async () => {
    for (const at of ["%EF%BC%A0", "%EF%B9%AB", "%25EF%25BC%25A0", "%40", "%2540"]) {
      const r = await fetch(`${svc.url}/api/v1/domains/taro.yamada${at}good.test`);
      await r.text();
    }
    const all = svc.logs.join("\n");
    expect(all).not.toContain("taro.yamada");
    expect(all).toContain("***@good.test");
  });

  it("masks download tokens in request lines", async () => {
    const token = randomBytes(32).toString("base64url");
    await fetch(`${svc.url}/d/${token}`).then((r) => r.text());
    const all = svc.logs.join("\n");
    expect(all).not.toContain(token);
    expect(all).toContain('"url":"/d/***"');
  });
});

describe("rate limits count by address until a credential has verified", () => {
  let entra: EntraStandIn;
  let svc: RunningService;
  beforeAll(async () => {
    entra = await startEntraStandIn(AUDIENCE);
    svc = await startService({
      MAILTLS_API_KEYS: "real-key",
      MAILTLS_ENTRA_AUDIENCE: AUDIENCE,
      MAILTLS_ENTRA_TENANTS: TENANT,
      MAILTLS_ENTRA_JWKS_URL: entra.jwksUrl,
      MAILTLS_RATE_LIMIT: "5",
      MAILTLS_REFRESH_RATE_LIMIT: "2",
    });
  });
  afterAll(async () => {
    await svc.close();
    entra.close();
  });

  it("a made-up X-API-Key or bearer token per request gets no fresh bucket", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const headers: Record<string, string> =
        i % 2
          ? { "x-api-key": randomBytes(12).toString("hex") }
          : { authorization: `Bearer ${randomBytes(20).toString("hex")}` };
      statuses.push((await getJson(`${svc.url}/api/v1/policy`, { headers })).status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    // A key that verifies has its own bucket; so has each Entra user.
    expect((await getJson(`${svc.url}/api/v1/policy`, { headers: { "x-api-key": "real-key" } })).status).toBe(
      200,
    );
    const token = await entra.sign({ tid: TENANT, oid: "user-1" });
    expect(
      (await getJson(`${svc.url}/api/v1/policy`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(200);
  });

  it("refreshes with made-up credentials are limited too", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push(
        (
          await getJson(`${svc.url}/api/v1/domains/nullmx.test?refresh=true`, {
            headers: { "x-api-key": randomBytes(12).toString("hex") },
          })
        ).status,
      );
    expect(statuses).toEqual([401, 401, 429, 429]);
  });
});

describe("Entra tokens must expire", () => {
  it("a token without an expiry is refused", async () => {
    const entra = await startEntraStandIn(AUDIENCE);
    const svc = await startService({
      MAILTLS_ENTRA_AUDIENCE: AUDIENCE,
      MAILTLS_ENTRA_TENANTS: TENANT,
      MAILTLS_ENTRA_JWKS_URL: entra.jwksUrl,
    });
    try {
      const forever = await entra.sign({ tid: TENANT, oid: "user-2" }, { exp: null });
      const ok = await entra.sign({ tid: TENANT, oid: "user-2" });
      const call = (token: string) =>
        postJson(
          `${svc.url}/api/v1/check?waitMs=0`,
          { domains: ["good.test"] },
          { authorization: `Bearer ${token}` },
        );
      expect((await call(ok)).status).toBe(200);
      const r = await call(forever);
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe("invalid-token");
    } finally {
      await svc.close();
      entra.close();
    }
  });
});

describe("download pages are limited by address, whatever the headers", () => {
  it("POST /d/:token with a new Authorization each time still meets the limit of 20 a minute", async () => {
    const svc = await startFileService();
    const { token } = (await svc.upload("x")).body;
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++)
      statuses.push(
        (
          await fetch(`${svc.url}/d/${token}`, {
            headers: { authorization: `Bearer ${randomBytes(8).toString("hex")}`, "x-api-key": String(i) },
          })
        ).status,
      );
    // GET pages share the app's limit (600); the POSTs have 20.
    const posts: number[] = [];
    for (let i = 0; i < 21; i++)
      posts.push(
        (
          await fetch(`${svc.url}/d/${token}/code`, {
            method: "POST",
            headers: {
              "content-type": "application/x-www-form-urlencoded",
              "x-api-key": randomBytes(8).toString("hex"),
            },
            body: "address=a%40b.test",
          })
        ).status,
      );
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(posts.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(posts[20]).toBe(429);
  });
});

describe("time limits on slow clients", () => {
  it("a JSON body trickled a byte at a time is cut off with 408 and the connection closed", async () => {
    const svc = await startService({ MAILTLS_REQUEST_TIMEOUT_MS: "2000", MAILTLS_MAX_WAIT_MS: "0" });
    try {
      const body = JSON.stringify({ domains: ["good.test"] });
      const c = rawClient(svc.url);
      c.write(
        `POST /api/v1/check HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`,
      );
      let i = 0;
      const trickle = setInterval(() => c.write(body[i++] ?? ""), 300);
      const ms = await c.closed;
      clearInterval(trickle);
      expect(ms).toBeGreaterThan(1500);
      expect(ms).toBeLessThan(4000);
      expect(c.received()).toMatch(/^HTTP\/1\.1 408/);
      expect(c.received()).toContain('"request-timeout"');
      expect(svc.prober.probes).toBe(0);
    } finally {
      await svc.close();
    }
  });

  it("headers that never finish are cut off", async () => {
    const svc = await startService({ MAILTLS_HEADERS_TIMEOUT_MS: "1000" });
    try {
      const c = rawClient(svc.url);
      c.write("GET /healthz HTTP/1.1\r\nhost: x\r\n");
      const trickle = setInterval(() => c.write("x-slow: 1\r\n"), 300);
      const ms = await c.closed;
      clearInterval(trickle);
      expect(ms).toBeLessThan(5000);
    } finally {
      await svc.close();
    }
  });

  it("an upload below the minimum rate is cut off with 408, and leaves no temporary file", async () => {
    const svc = await startFileService({
      env: { MAILTLS_UPLOAD_MIN_BYTES_PER_SECOND: "10000" },
      limits: { uploadGraceMs: 500, uploadWindowMs: 500 },
    });
    const c = rawClient(svc.url);
    c.write(
      `POST /api/v1/files?name=slow.bin HTTP/1.1\r\nhost: x\r\nx-api-key: ${UPLOAD_KEY}\r\ncontent-type: application/octet-stream\r\ntransfer-encoding: chunked\r\n\r\n`,
    );
    const trickle = setInterval(() => c.write("1\r\nx\r\n"), 200);
    await sleep(300);
    // While it trickles, its temporary file exists.
    expect(readdirSync(join(svc.dir, "files")).some((f) => f.endsWith(".tmp"))).toBe(true);
    const ms = await c.closed;
    clearInterval(trickle);
    expect(ms).toBeLessThan(4000);
    expect(c.received()).toMatch(/^HTTP\/1\.1 408/);
    for (let i = 0; i < 20 && readdirSync(join(svc.dir, "files")).some((f) => f.endsWith(".tmp")); i++)
      await sleep(50);
    expect(readdirSync(join(svc.dir, "files")).filter((f) => !f.startsWith("files.db"))).toEqual([]);
  });

  it("caps uploads in progress per client (429) and in all (503), before reading a byte", async () => {
    const svc = await startFileService({
      env: {
        MAILTLS_UPLOADS_PER_CLIENT: "1",
        MAILTLS_UPLOADS_MAX: "2",
        MAILTLS_API_KEYS: `${UPLOAD_KEY},second-key,third-key`,
      },
    });
    const open = (key: string) => {
      const c = rawClient(svc.url);
      c.write(
        `POST /api/v1/files?name=a.bin HTTP/1.1\r\nhost: x\r\nx-api-key: ${key}\r\ncontent-type: application/octet-stream\r\ncontent-length: 100000\r\n\r\n`,
      );
      c.write(Buffer.alloc(1000));
      return c;
    };
    const first = open(UPLOAD_KEY);
    const second = open("second-key");
    await sleep(300);
    const mine = await svc.upload("y");
    expect(mine.status).toBe(429);
    expect(mine.body.error.code).toBe("too-many-uploads");
    const third = await svc.upload("z", "name=z.bin", { "x-api-key": "third-key" });
    expect(third.status).toBe(503);
    expect(third.headers.get("retry-after")).toBe("30");
    first.destroy();
    second.destroy();
    await sleep(200);
    expect((await svc.upload("w")).status).toBe(201);
  });
});

describe("uploads need a verified caller", () => {
  it("an anonymous upload is refused by default, and stores nothing", async () => {
    const svc = await startFileService({ env: { MAILTLS_API_KEYS: "" } });
    const r = await svc.upload("secret", "name=a.txt", { "x-api-key": "" });
    expect(r.status).toBe(401);
    expect(r.body.error.message).toContain("MAILTLS_ANONYMOUS_UPLOADS");
    expect(
      readdirSync(svc.dir).includes("files")
        ? readdirSync(join(svc.dir, "files")).filter((f) => /^[0-9a-f]{64}$/.test(f))
        : [],
    ).toEqual([]);
  });

  it("MAILTLS_ANONYMOUS_UPLOADS=true allows them, and the service warns at start", async () => {
    const logs: string[] = [];
    const svc = await startFileService({
      env: { MAILTLS_API_KEYS: "", MAILTLS_ANONYMOUS_UPLOADS: "true", MAILTLS_LOG_LEVEL: "warn" },
      logStream: { write: (l: string) => void logs.push(l) },
    });
    expect((await svc.upload("x", "name=a.txt", { "x-api-key": "" })).status).toBe(201);
    expect(logs.join("\n")).toContain("MAILTLS_ANONYMOUS_UPLOADS=true");
  });

  it("quotas hold per caller and in all (507), and free up when files go", async () => {
    const svc = await startFileService({
      env: {
        MAILTLS_API_KEYS: `${UPLOAD_KEY},other-key`,
        MAILTLS_FILES_MAX_PER_CALLER_MB: "1",
        MAILTLS_FILES_MAX_TOTAL_MB: "2",
      },
      links: { maxFileMb: 1, maxDownloads: 1 },
    });
    const kb600 = randomBytes(600_000);
    const first = await svc.upload(kb600);
    expect(first.status).toBe(201);
    const over = await svc.upload(kb600);
    expect(over.status).toBe(507);
    expect(over.body.error.code).toBe("quota-exceeded");
    // Another caller has room of its own, until the store's total is reached.
    expect((await svc.upload(kb600, "name=b", { "x-api-key": "other-key" })).status).toBe(201);
    expect((await svc.upload(kb600, "name=c", { "x-api-key": "other-key" })).status).toBe(507);
    // The first file downloaded (its last download): its room is free again.
    await fetch(`${svc.url}/d/${first.body.token}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "",
    }).then((r) => r.arrayBuffer());
    await sleep(100);
    expect((await svc.upload(kb600)).status).toBe(201);
  });
});

describe("smaller ones", () => {
  let svc: RunningService;
  beforeAll(async () => (svc = await startService({ MAILTLS_METRICS_KEY: "metrics-secret" })));
  afterAll(() => svc.close());

  it("a valid 250-character domain is a valid path parameter", async () => {
    const label = "a".repeat(60);
    const domain = `${label}.${label}.${label}.${"b".repeat(62)}.test`;
    expect(domain.length).toBe(250);
    const r = await getJson(`${svc.url}/api/v1/domains/${domain}?waitMs=0`);
    expect(r.status).toBe(200);
    expect(r.body.domain).toBe(domain);
  });

  it("/metrics answers loopback without a proxy, and otherwise needs its key", async () => {
    expect((await fetch(`${svc.url}/metrics`)).status).toBe(200);
    const proxied = { "x-forwarded-for": "203.0.113.9" };
    expect((await fetch(`${svc.url}/metrics`, { headers: proxied })).status).toBe(403);
    expect(
      (await fetch(`${svc.url}/metrics`, { headers: { ...proxied, authorization: "Bearer metrics-secret" } }))
        .status,
    ).toBe(200);
    expect(
      (await fetch(`${svc.url}/metrics`, { headers: { ...proxied, authorization: "Bearer nope" } })).status,
    ).toBe(403);
  });
});

describe("the pages", () => {
  it("serve no source maps, and the bundles do not point to any", async () => {
    const dist = ensurePagesBuilt();
    const svc = await startService({}, { staticRoot: dist });
    try {
      const html = await (await fetch(`${svc.url}/`)).text();
      const script = /src="?\/?(check\.[0-9a-f]+\.js)/.exec(html)?.[1];
      expect(script).toBeDefined();
      expect(existsSync(join(dist, "web", `${script}.map`))).toBe(true);
      const js = await (await fetch(`${svc.url}/${script}`)).text();
      expect(js).not.toContain("sourceMappingURL");
      expect((await fetch(`${svc.url}/${script}.map`)).status).toBe(404);
      const pane = readdirSync(join(dist, "addin")).find((f) => /^taskpane\..*\.js\.map$/.test(f));
      expect(pane).toBeDefined();
      expect((await fetch(`${svc.url}/addin/${pane}`)).status).toBe(404);
    } finally {
      await svc.close();
    }
  }, 300_000);
});
