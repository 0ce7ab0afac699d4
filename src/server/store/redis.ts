import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import type { FastifyBaseLogger } from "fastify";
import type { DomainReport } from "../../core/verdict";
import { type Flight, LocalFlight } from "../flight";
import { memoryStore } from "./memory";
import {
  decodeCursor,
  type DomainStats,
  encodeCursor,
  type StatsQuery,
  type StoredVerdict,
  type VerdictStore,
} from "./types";

const isOffset = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
/** Domains removed per round of a retention sweep. */
const TRIM_BATCH = 1000;

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

/**
 * Verdicts shared by every instance: one key a domain (expiring after the retention time); sorted
 * sets by expiry (refresh), by last look-up (refresh, retention) and by look-ups (the admin report);
 * a hash of look-up counts.
 */
function redisStore(redis: Redis, retentionSeconds: number): VerdictStore {
  /** Everything kept of these domains goes, in one transaction. */
  const forget = async (domains: string[]) => {
    if (domains.length === 0) return;
    await redis
      .multi()
      .del(...domains.map((d) => P + "v:" + d))
      .hdel(P + "lookups", ...domains)
      .zrem(P + "rank", ...domains)
      .zrem(P + "last", ...domains)
      .zrem(P + "expires", ...domains)
      .exec();
  };
  return {
    kind: "redis",
    async get(domain) {
      const raw = await redis.get(P + "v:" + domain);
      return raw ? (JSON.parse(raw) as StoredVerdict) : undefined;
    },
    async getMany(domains) {
      const out = new Map<string, StoredVerdict>();
      for (let i = 0; i < domains.length; i += 500) {
        const part = domains.slice(i, i + 500);
        const raws = await redis.mget(...part.map((d) => P + "v:" + d));
        raws.forEach((raw, j) => raw && out.set(part[j], JSON.parse(raw) as StoredVerdict));
      }
      return out;
    },
    async put(v) {
      await redis
        .multi()
        .set(P + "v:" + v.report.domain, JSON.stringify(v), "EX", retentionSeconds)
        .zadd(P + "expires", v.expiresAt, v.report.domain)
        .exec();
    },
    async recordLookups(batch) {
      if (batch.length === 0) return;
      const m = redis.multi();
      for (const { domain, count, at } of batch)
        m.hincrby(P + "lookups", domain, count)
          .zincrby(P + "rank", count, domain)
          .zadd(P + "last", "GT", at, domain);
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
    async stats(q: StatsQuery) {
      // Stores written before the rank set existed get it from the counts once.
      if ((await redis.zcard(P + "rank")) === 0) {
        const counts = await redis.hgetall(P + "lookups");
        const entries = Object.entries(counts);
        for (let i = 0; i < entries.length; i += TRIM_BATCH)
          await redis.zadd(
            P + "rank",
            ...entries.slice(i, i + TRIM_BATCH).flatMap(([d, n]) => [Number(n), d] as [number, string]),
          );
      }
      const from = q.cursor ? decodeCursor(q.cursor, isOffset) : 0;
      const domains = await redis.zrange(
        P + "rank",
        "+inf",
        "-inf",
        "BYSCORE",
        "REV",
        "LIMIT",
        String(from),
        String(q.limit + 1),
      );
      const page = domains.slice(0, q.limit);
      const next = domains.length > q.limit ? encodeCursor(from + q.limit) : undefined;
      if (page.length === 0) return { rows: [] };
      const [raws, counts, lasts] = await Promise.all([
        redis.mget(...page.map((d) => P + "v:" + d)),
        redis.hmget(P + "lookups", ...page),
        redis.zmscore(P + "last", ...page),
      ]);
      const rows: DomainStats[] = [];
      page.forEach((domain, i) => {
        const raw = raws[i];
        if (!raw) return;
        const { report } = JSON.parse(raw) as StoredVerdict;
        if (q.grade && report.grade !== q.grade) return;
        const last = Number(lasts[i] ?? 0);
        rows.push({
          domain,
          grade: report.grade,
          checkedAt: report.checkedAt,
          lookups: Number(counts[i] ?? 0),
          lastLookupAt: last ? new Date(last).toISOString() : "",
        });
      });
      return next ? { rows, next } : { rows };
    },
    async trim(before, maxDomains) {
      let n = 0;
      for (;;) {
        const old = await redis.zrangebyscore(
          P + "last",
          "-inf",
          `(${before}`,
          "LIMIT",
          "0",
          String(TRIM_BATCH),
        );
        if (old.length === 0) break;
        await forget(old);
        n += old.length;
      }
      const over = (await redis.zcard(P + "last")) - maxDomains;
      for (let left = over; left > 0; left -= TRIM_BATCH) {
        const oldest = await redis.zrange(P + "last", "0", String(Math.min(left, TRIM_BATCH) - 1));
        await forget(oldest);
        n += oldest.length;
      }
      // Verdicts whose keys expired (after the retention time) leave their place in the expiry set.
      const gone = await redis.zrangebyscore(
        P + "expires",
        "-inf",
        `(${before}`,
        "LIMIT",
        "0",
        String(TRIM_BATCH),
      );
      if (gone.length > 0) {
        const alive = await redis.exists(...gone.map((d) => P + "v:" + d));
        if (alive === 0) await redis.zrem(P + "expires", ...gone);
      }
      return n;
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
  opts: { retentionDays?: number } = {},
): VerdictStore & { degraded(): boolean } {
  const primary = redisStore(redis, (opts.retentionDays ?? 365) * 24 * 3600);
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
    getMany: via((s, d: readonly string[]) => s.getMany(d)),
    put: via((s, v: StoredVerdict) => s.put(v)),
    recordLookups: via((s, b: ReadonlyArray<{ domain: string; count: number; at: number }>) =>
      s.recordLookups(b),
    ),
    dueForRefresh: via((s, since: number, before: number, limit: number) =>
      s.dueForRefresh(since, before, limit),
    ),
    stats: via((s, q: StatsQuery) => s.stats(q)),
    trim: via((s, before: number, max: number) => s.trim(before, max)),
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
    const token = randomBytes(16).toString("hex");
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
