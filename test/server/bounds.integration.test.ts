/**
 * Memory and disk stay bounded (issue 13, item 6): reports are small whatever a server says, caches
 * hold a set number of bytes, stored verdicts and counts are trimmed, and the admin report pages.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TLSSocket } from "node:tls";
import pino from "pino";
import { parseMailDomain } from "../../src/core/domain";
import type { DomainReport } from "../../src/core/verdict";
import { ProbeEngine, probeConfigFromEnv } from "../../src/probe";
import type { MailResolver } from "../../src/probe/resolver";
import { hotStore } from "../../src/server/store/hot";
import { memoryStore } from "../../src/server/store/memory";
import { connectRedis, resilientRedisStore } from "../../src/server/store/redis";
import { openSqliteStore } from "../../src/server/store/sqlite";
import { approximateBytes, type VerdictStore } from "../../src/server/store/types";
import { harnessEnv } from "../helpers/probe";
import { startRedis } from "../helpers/redis";
import { getJson, postJson, startService, tempDb } from "../helpers/service";

const ADDRESS = "127.0.0.38";

/** An SMTP server with STARTTLS whose certificate has a 5.5 KB subject (self-signed, made now). */
async function hugeSubjectServer(): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), "mailtls-huge-"));
  const ou = Array.from({ length: 90 }, (_, i) => `/OU=${"unit".repeat(14)}${i}`).join("");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "2",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
      "-subj",
      `/CN=mx.huge.test${ou}`,
    ],
    { stdio: "ignore" },
  );
  const key = readFileSync(join(dir, "key.pem"));
  const cert = readFileSync(join(dir, "cert.pem"));
  const server = createServer((s) => {
    s.on("error", () => undefined);
    s.write("220 huge.test ESMTP\r\n");
    let buf = "";
    const onData = (d: Buffer) => {
      buf += d.toString("latin1");
      if (/^EHLO/im.test(buf)) {
        buf = "";
        s.write("250-huge.test\r\n250 STARTTLS\r\n");
      } else if (/^STARTTLS/im.test(buf)) {
        s.off("data", onData);
        s.write("220 go ahead\r\n");
        const tls = new TLSSocket(s, { isServer: true, key, cert });
        tls.on("error", () => undefined);
        tls.on("data", () => tls.end("221 bye\r\n"));
      }
    };
    s.on("data", onData);
  });
  await new Promise<void>((r) => server.listen(25, ADDRESS, r));
  return server;
}

/** DNS for the hostile domain: ten MX hosts, all on the hostile server. */
const hostileDns: MailResolver = {
  mx: async () => Array.from({ length: 10 }, (_, i) => ({ exchange: `mx${i}.huge.test`, priority: i })),
  a: async () => [ADDRESS],
  aaaa: async () => Promise.reject(Object.assign(new Error("no"), { code: "ENODATA" })),
  txt: async () => Promise.reject(Object.assign(new Error("no"), { code: "ENODATA" })),
};

describe("reports stay small whatever the server says", () => {
  let server: Server;
  beforeAll(async () => (server = await hugeSubjectServer()));
  afterAll(() => server.close());

  it("a 5.5 KB certificate subject on ten MX hosts makes a report of a few KB, not 100 KB", async () => {
    const engine = new ProbeEngine(probeConfigFromEnv(harnessEnv({ MAILTLS_DNSSEC_RESOLVER: "off" })), {
      resolver: hostileDns,
    });
    const report = await engine.probe(parseMailDomain("huge.test"));
    expect(report.mx).toHaveLength(10);
    expect(report.mx[0].tls?.certificate?.subject.length).toBeGreaterThan(200);
    for (const m of report.mx) {
      expect(m.tls?.certificate?.subject.length).toBeLessThanOrEqual(256);
      expect(m.tls?.certificate?.issuer.length).toBeLessThanOrEqual(256);
    }
    expect(JSON.stringify(report).length).toBeLessThan(12_000);
  });
});

/** A report of about `kb` KB (as a hostile domain could make before the caps). */
function bigReport(domain: string, kb: number): DomainReport {
  return {
    domain,
    displayDomain: domain,
    grade: "tls",
    checkedAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    durationMs: 1,
    mx: [],
    reasons: ["x".repeat(kb * 1000)],
  };
}

describe("caches are bounded by bytes", () => {
  it("the in-memory front holds at most its bytes, dropping the least recently used", async () => {
    const store = hotStore(memoryStore(), { memoryMs: 60_000, flushMs: 60_000, maxBytes: 5_000_000 });
    for (let i = 0; i < 200; i++)
      await store.put({ report: bigReport(`d${i}.test`, 100), expiresAt: Date.now() + 3600_000 });
    expect(store.heldBytes()).toBeLessThanOrEqual(5_000_000);
    expect(store.heldBytes()).toBeGreaterThan(approximateBytes(bigReport("x.test", 100)));
    expect(store.peek("d199.test")).toBeDefined();
    expect(store.peek("d0.test")).toBeUndefined();
    await store.close();
  });

  it("the Redis fallback in memory is bounded the same way", async () => {
    const store = memoryStore(100_000, 2_000_000);
    for (let i = 0; i < 100; i++)
      await store.put({ report: bigReport(`d${i}.test`, 100), expiresAt: Date.now() + 3600_000 });
    expect((await store.stats({ limit: 1000 })).rows.length).toBeLessThan(10);
  });
});

const DAY = 86_400_000;

/** Puts verdicts for a, b, c, d, e (looked up 5, 4, 3, 2, 1 times), d and e long ago. */
async function seed(store: VerdictStore, now: number) {
  const names = ["a", "b", "c", "d", "e"];
  for (const [i, n] of names.entries()) {
    const domain = `${n}.retention.test`;
    const at = i >= 3 ? now - 400 * DAY : now - i * 1000;
    await store.put({
      report: { ...bigReport(domain, 0), checkedAt: new Date(at).toISOString() },
      expiresAt: at + DAY,
    });
    await store.recordLookups([{ domain, count: 5 - i, at }]);
  }
}

describe.each([
  ["SQLite", async () => ({ store: openSqliteStore(tempDb()), stop: async () => undefined })],
  [
    "Redis",
    async () => {
      const server = await startRedis(6393);
      const redis = connectRedis(server.url);
      redis.on("error", () => undefined);
      for (let i = 0; i < 50 && redis.status !== "ready"; i++) await new Promise((r) => setTimeout(r, 20));
      const store = resilientRedisStore(redis, pino({ level: "silent" }), { retentionDays: 30 });
      return {
        store,
        redis,
        stop: async () => {
          redis.disconnect();
          await server.stop();
        },
      };
    },
  ],
] as const)("retention and pages in %s", (_, open) => {
  it("pages through the report with limit and cursor, most looked-up first", async () => {
    const { store, stop } = await open();
    try {
      await seed(store, Date.now());
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const page = await store.stats({ limit: 2, cursor });
        expect(page.rows.length).toBeLessThanOrEqual(2);
        seen.push(...page.rows.map((r) => r.domain));
        cursor = page.next;
        if (!cursor) break;
      }
      expect(seen).toEqual(["a", "b", "c", "d", "e"].map((n) => `${n}.retention.test`));
      await expect(store.stats({ limit: 2, cursor: "not-a-cursor" })).rejects.toThrow(/cursor/);
    } finally {
      await stop();
    }
  });

  it("deletes what nobody asked for within the retention time, and beyond the cap the least recent", async () => {
    const { store, stop } = await open();
    try {
      const now = Date.now();
      await seed(store, now);
      expect(await store.trim(now - 365 * DAY, 1_000_000)).toBe(2);
      const left = (await store.stats({ limit: 100 })).rows.map((r) => r.domain);
      expect(left).toEqual(["a.retention.test", "b.retention.test", "c.retention.test"]);
      expect(await store.get("d.retention.test")).toBeUndefined();
      // The cap: the least recently looked-up go first.
      expect(await store.trim(now - 365 * DAY, 2)).toBe(1);
      expect((await store.stats({ limit: 100 })).rows.map((r) => r.domain)).toEqual([
        "a.retention.test",
        "b.retention.test",
      ]);
    } finally {
      await stop();
    }
  });
});

describe("the service applies retention, and pages its admin report", () => {
  it("an old verdict in the database is gone once the service has started", async () => {
    const dbPath = tempDb();
    const seeded = openSqliteStore(dbPath);
    await seed(seeded, Date.now());
    await seeded.close();
    const svc = await startService({ MAILTLS_RETENTION_DAYS: "90" }, { dbPath });
    try {
      await new Promise((r) => setTimeout(r, 200));
      const store = openSqliteStore(dbPath);
      expect(await store.get("d.retention.test")).toBeUndefined();
      expect(await store.get("a.retention.test")).toBeDefined();
      await store.close();
    } finally {
      await svc.close();
    }
  });

  it("the tenant's partners come a page at a time (limit, cursor), as JSON and CSV", async () => {
    const svc = await startService({ MAILTLS_ADMIN_KEYS: "admin" });
    try {
      // The add-in without sign-in: its look-ups count for the tenant "default".
      const names = ["good.test", "notls.test", "partial.test"];
      for (const [i, d] of names.entries())
        for (let k = 0; k <= i; k++) await postJson(`${svc.url}/api/v1/check?waitMs=8000`, { domains: [d] });
      await svc.app.close().catch(() => undefined);
    } finally {
      await svc.close().catch(() => undefined);
    }
    // Read back by a new service on the same database: the figures were written at close.
    const again = await startService({ MAILTLS_ADMIN_KEYS: "admin" }, { dbPath: svc.dbPath });
    try {
      const headers = { "x-api-key": "admin" };
      const first = await getJson(`${again.url}/api/v1/admin/domains?limit=2`, { headers });
      expect(
        first.body.domains.map((d: { domain: string; lookups: number }) => [d.domain, d.lookups]),
      ).toEqual([
        ["partial.test", 3],
        ["notls.test", 2],
      ]);
      const second = await getJson(
        `${again.url}/api/v1/admin/domains?limit=2&cursor=${first.body.nextCursor}`,
        {
          headers,
        },
      );
      expect(second.body).toEqual({
        domains: [expect.objectContaining({ domain: "good.test", lookups: 1 })],
      });
      const csv = await fetch(`${again.url}/api/v1/admin/domains?format=csv&limit=1`, { headers });
      expect(csv.headers.get("x-next-cursor")).toBe("1");
      expect((await csv.text()).trim().split("\n")).toHaveLength(2);
      expect((await getJson(`${again.url}/api/v1/admin/domains?cursor=bad`, { headers })).status).toBe(400);
      expect((await getJson(`${again.url}/api/v1/admin/domains?limit=100000`, { headers })).status).toBe(400);
    } finally {
      await again.close();
    }
  });
});
