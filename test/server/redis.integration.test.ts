import { Redis } from "ioredis";
import { connectRedis, RedisFlight, resilientRedisStore } from "../../src/server/store/redis";
import { startRedis, type RedisServer } from "../helpers/redis";
import { countingProber, getJson, postJson, type RunningService, startService } from "../helpers/service";
import { harnessEnv } from "../helpers/probe";
import pino from "pino";

const silent = pino({ level: "silent" });

/** Two service instances sharing one real redis-server, probing the harness's real servers. */
async function twoInstances(redisUrl: string) {
  const prober = countingProber(harnessEnv());
  const make = async () => {
    const redis = connectRedis(redisUrl);
    redis.on("error", () => undefined);
    const store = resilientRedisStore(redis, silent);
    const svc = await startService(
      {},
      { store, redis, prober, flight: new RedisFlight(redis, store, 15000, 20) },
    );
    return { svc, redis, store };
  };
  const a = await make();
  const b = await make();
  return {
    a,
    b,
    prober,
    close: async () => {
      for (const x of [a, b]) {
        await x.svc.close();
        x.redis.disconnect();
      }
    },
  };
}

describe("Redis: a cache shared by several instances", () => {
  let server: RedisServer;
  let pair: Awaited<ReturnType<typeof twoInstances>>;
  beforeAll(async () => {
    server = await startRedis(6391);
    pair = await twoInstances(server.url);
  });
  afterAll(async () => {
    await pair.close();
    await server.stop();
  });

  it("a verdict probed by one instance is served by the other from Redis", async () => {
    const r1 = await getJson(`${pair.a.svc.url}/api/v1/domains/good.test`);
    expect(r1.body.grade).toBe("tls");
    const probes = pair.prober.probes;
    const r2 = await getJson(`${pair.b.svc.url}/api/v1/domains/good.test`);
    expect(r2.body.checkedAt).toBe(r1.body.checkedAt);
    expect(pair.prober.probes).toBe(probes);
    expect((await getJson(`${pair.b.svc.url}/readyz`)).body).toEqual({ status: "ready", store: "redis" });
  });

  it("concurrent requests for one uncached domain, spread over both instances, run one probe", async () => {
    const before = pair.prober.byDomain.get("partial.test") ?? 0;
    const urls = Array.from(
      { length: 40 },
      (_, i) => `${(i % 2 ? pair.a : pair.b).svc.url}/api/v1/domains/partial.test`,
    );
    const results = await Promise.all(urls.map((u) => getJson(u)));
    expect(results.every((r) => r.status === 200 && r.body.grade === "partial")).toBe(true);
    expect((pair.prober.byDomain.get("partial.test") ?? 0) - before).toBe(1);
  });

  it("keeps answering when Redis dies (from memory, probing directly), and recovers when it returns", async () => {
    await server.stop();
    const during = await getJson(`${pair.a.svc.url}/api/v1/domains/selfsigned.test`);
    expect(during.status).toBe(200);
    expect(during.body.grade).toBe("tls");
    const batch = await postJson(`${pair.b.svc.url}/api/v1/check?waitMs=10000`, {
      domains: ["notls.test", "good.test"],
    });
    expect(batch.status).toBe(200);
    expect(batch.body.reports.map((r: { grade: string }) => r.grade)).toEqual(["no-tls", "tls"]);
    const notReady = await getJson(`${pair.a.svc.url}/readyz`);
    expect(notReady.status).toBe(503);
    // The answer names the store, nothing of its internals (the cause is in the log).
    expect(notReady.body).toEqual({
      error: { code: "store-unavailable", message: "the redis store does not answer" },
    });
    expect(pair.a.svc.logs.some((l) => l.includes("readiness: the store does not answer"))).toBe(true);
    expect(pair.a.store.degraded()).toBe(true);

    server = await startRedis(6391);
    let ready = 0;
    for (let i = 0; i < 100 && ready !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ready = (await getJson(`${pair.a.svc.url}/readyz`)).status;
    }
    expect(ready).toBe(200);
    const after = await getJson(`${pair.a.svc.url}/api/v1/domains/mismatch.test`);
    expect(after.body.grade).toBe("tls");
    expect(pair.a.store.degraded()).toBe(false);
    // The new verdict went to Redis: the other instance sees it without probing.
    const probes = pair.prober.probes;
    expect((await getJson(`${pair.b.svc.url}/api/v1/domains/mismatch.test`)).body.checkedAt).toBe(
      after.body.checkedAt,
    );
    expect(pair.prober.probes).toBe(probes);
  });

  it("the rate limit counts across instances through Redis", async () => {
    const redis = new Redis(server.url);
    await redis.flushall(); // earlier tests' requests from this address count too
    const make = () =>
      startService(
        { MAILTLS_RATE_LIMIT: "6" },
        { store: resilientRedisStore(redis, silent), redis: redis as never },
      );
    const [x, y] = [await make(), await make()];
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++)
        statuses.push((await getJson(`${(i % 2 ? x : y).url}/api/v1/policy`)).status);
      expect(statuses.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(statuses.slice(6)).toEqual([429, 429]);
    } finally {
      await x.close();
      await y.close();
      redis.disconnect();
    }
  });
});

describe("SQLite: the embedded default", () => {
  let svc: RunningService;
  afterAll(() => svc?.close());

  it("keeps the cache across a restart", async () => {
    svc = await startService();
    const first = await getJson(`${svc.url}/api/v1/domains/good.test`);
    const dbPath = svc.dbPath;
    await svc.close();
    svc = await startService({}, { dbPath });
    const again = await getJson(`${svc.url}/api/v1/domains/good.test`);
    expect(again.body.checkedAt).toBe(first.body.checkedAt);
    expect(svc.prober.probes).toBe(0);
  });
});
