import { Redis } from "ioredis";
import type { FastifyBaseLogger } from "fastify";
import type { DomainReport } from "../../core/verdict";
import { type Flight, LocalFlight } from "../flight";
import { memoryStore } from "./memory";
import type { DomainStats, StoredVerdict, VerdictStore } from "./types";

const P = "mailtls:";

/** A connection that fails fast while Redis is down instead of queueing commands forever. */
export function connectRedis(url: string): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 250, 2000),
    lazyConnect: false,
  });
}

/** Verdicts shared by every instance: one key a domain, sorted sets for refresh and the admin report. */
function redisStore(redis: Redis): VerdictStore {
  return {
    kind: "redis",
    async get(domain) {
      const raw = await redis.get(P + "v:" + domain);
      return raw ? (JSON.parse(raw) as StoredVerdict) : undefined;
    },
    async put(v) {
      await redis
        .multi()
        .set(P + "v:" + v.report.domain, JSON.stringify(v), "EX", 30 * 24 * 3600)
        .zadd(P + "expires", v.expiresAt, v.report.domain)
        .exec();
    },
    async recordLookups(batch) {
      if (batch.length === 0) return;
      const m = redis.multi();
      for (const { domain, count, at } of batch)
        m.hincrby(P + "lookups", domain, count).zadd(P + "last", "GT", at, domain);
      await m.exec();
    },
    async dueForRefresh(since, before, limit) {
      const expiring = await redis.zrangebyscore(
        P + "expires",
        "-inf",
        String(before),
        "LIMIT",
        "0",
        String(limit * 4),
      );
      if (expiring.length === 0) return [];
      const last = await redis.zmscore(P + "last", ...expiring);
      return expiring.filter((_, i) => Number(last[i] ?? 0) >= since).slice(0, limit);
    },
    async stats(filter): Promise<DomainStats[]> {
      const domains = await redis.zrange(P + "expires", "0", "-1");
      if (domains.length === 0) return [];
      const [raws, counts, lasts] = await Promise.all([
        redis.mget(...domains.map((d) => P + "v:" + d)),
        redis.hmget(P + "lookups", ...domains),
        redis.zmscore(P + "last", ...domains),
      ]);
      const rows: DomainStats[] = [];
      domains.forEach((domain, i) => {
        const raw = raws[i];
        if (!raw) return;
        const { report } = JSON.parse(raw) as StoredVerdict;
        if (filter.grade && report.grade !== filter.grade) return;
        const last = Number(lasts[i] ?? 0);
        rows.push({
          domain,
          grade: report.grade,
          checkedAt: report.checkedAt,
          lookups: Number(counts[i] ?? 0),
          lastLookupAt: last ? new Date(last).toISOString() : "",
        });
      });
      return rows.sort((a, b) => b.lookups - a.lookups || a.domain.localeCompare(b.domain));
    },
    async ping() {
      await redis.ping();
    },
    async close() {
      redis.disconnect();
    },
  };
}

/**
 * Redis with a fallback: while Redis is unreachable every operation goes to process memory, so the
 * service keeps answering (and probing) without a 5xx; when Redis answers again, it is used again.
 * /readyz still reports Redis' state.
 */
export function resilientRedisStore(
  redis: Redis,
  log: FastifyBaseLogger,
): VerdictStore & { degraded(): boolean } {
  const primary = redisStore(redis);
  const fallback = memoryStore(10_000);
  let down = false;
  const via =
    <A extends unknown[], R>(op: (s: VerdictStore, ...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      if (redis.status === "ready") {
        try {
          const r = await op(primary, ...a);
          if (down) log.info("redis is back: using the shared cache again");
          down = false;
          return r;
        } catch (e) {
          if (!down) log.error({ err: e }, "redis failed: answering from memory until it returns");
          down = true;
        }
      } else if (!down) {
        log.error({ status: redis.status }, "redis unreachable: answering from memory until it returns");
        down = true;
      }
      return op(fallback, ...a);
    };
  return {
    kind: "redis",
    get: via((s, d: string) => s.get(d)),
    put: via((s, v: StoredVerdict) => s.put(v)),
    recordLookups: via((s, b: ReadonlyArray<{ domain: string; count: number; at: number }>) =>
      s.recordLookups(b),
    ),
    dueForRefresh: via((s, since: number, before: number, limit: number) =>
      s.dueForRefresh(since, before, limit),
    ),
    stats: via((s, f: { grade?: DomainReport["grade"] }) => s.stats(f)),
    ping: () => primary.ping(),
    close: () => primary.close(),
    degraded: () => down,
  };
}

/**
 * Single-flight across instances: the instance that takes the domain's lock probes; the others wait
 * for the lock to go and read the stored verdict. If Redis fails, each instance probes for itself.
 */
export class RedisFlight implements Flight {
  private readonly local = new LocalFlight();
  constructor(
    private readonly redis: Redis,
    private readonly store: VerdictStore,
    private readonly lockMs: number,
    private readonly pollMs = 50,
  ) {}

  run(domain: string, probe: () => Promise<DomainReport>): Promise<DomainReport> {
    return this.local.run(domain, () => this.coordinated(domain, probe));
  }

  private async coordinated(domain: string, probe: () => Promise<DomainReport>): Promise<DomainReport> {
    const key = P + "lock:" + domain;
    const token = Math.random().toString(36).slice(2);
    const started = Date.now();
    let got: string | null;
    try {
      got = await this.redis.set(key, token, "PX", this.lockMs, "NX");
    } catch {
      return probe();
    }
    if (got === "OK") {
      try {
        return await probe();
      } finally {
        // Release only our own lock (it may have expired and been taken by another instance).
        await this.redis
          .eval(
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
            1,
            key,
            token,
          )
          .catch(() => undefined);
      }
    }
    // Another instance is probing: wait for its lock to go, then take its verdict.
    while (Date.now() - started < this.lockMs) {
      await new Promise((r) => setTimeout(r, this.pollMs));
      let held: number;
      try {
        held = await this.redis.exists(key);
      } catch {
        return probe();
      }
      if (!held) break;
    }
    const stored = await this.store.get(domain).catch(() => undefined);
    if (stored && Date.parse(stored.report.checkedAt) >= started - 1000) return stored.report;
    return probe();
  }
}
