import type { Redis } from "ioredis";
import {
  type CountKind,
  type Day,
  type ExchangeGeneration,
  type FiguresStore,
  type ImportJob,
  MAX_DOMAINS_PER_DAY,
  MAX_GENERATIONS,
  type TenantId,
} from "./figures";

const P = "mailtls:t:";

/** The days from `from` to `to`, inclusive (YYYY-MM-DD, UTC). */
export function daysBetween(from: Day, to: Day): Day[] {
  const out: Day[] = [];
  for (
    let t = Date.parse(`${from}T00:00:00Z`);
    t <= Date.parse(`${to}T00:00:00Z`) && out.length < 3700;
    t += 86_400_000
  )
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/**
 * The figures in Redis, shared by every instance: per tenant and day a hash of counts, a hash of
 * look-ups per domain (with the day's last look-up and the imported ones beside it), each key
 * expiring after the retention time.
 */
export function redisFigures(redis: Redis, retentionDays: number): FiguresStore {
  const ttl = (retentionDays + 1) * 86_400;
  const key = (tenant: TenantId, day: Day, part: "c" | "l" | "last" | "imp") =>
    `${P}${tenant}:${day}:${part}`;
  return {
    kind: "redis",
    async addCounts(batch) {
      const m = redis.multi();
      const touched = new Set<string>();
      for (const c of batch) {
        const k = key(c.tenant, c.day, "c");
        m.hincrby(k, `${c.kind}\t${c.key}`, c.count);
        touched.add(k);
        m.sadd("mailtls:tenants", c.tenant);
      }
      for (const k of touched) m.expire(k, ttl);
      await m.exec();
    },
    async addLookups(batch) {
      // The day's bound on new partner domains, per tenant (checked before the batch is written).
      const days = [...new Set(batch.map((l) => `${l.tenant}\n${l.day}`))];
      const sizes = await Promise.all(
        days.map((td) => {
          const [tenant, day] = td.split("\n");
          return redis.hlen(key(tenant, day, "l"));
        }),
      );
      const room = new Map(days.map((td, i) => [td, MAX_DOMAINS_PER_DAY - sizes[i]]));
      const m = redis.multi();
      const touched = new Set<string>();
      for (const l of batch) {
        const td = `${l.tenant}\n${l.day}`;
        if ((room.get(td) ?? 0) <= 0) continue;
        room.set(td, (room.get(td) ?? 0) - 1);
        const lk = key(l.tenant, l.day, "l");
        m.hincrby(lk, l.domain, l.count);
        touched.add(lk);
        if (l.lastAt) {
          const last = key(l.tenant, l.day, "last");
          m.hset(last, l.domain, String(l.lastAt));
          touched.add(last);
        }
        if (l.imported) {
          const imp = key(l.tenant, l.day, "imp");
          m.sadd(imp, l.domain);
          touched.add(imp);
        }
        m.sadd("mailtls:tenants", l.tenant);
      }
      for (const k of touched) m.expire(k, ttl);
      await m.exec();
    },
    async counts(tenant, from, to) {
      const days = daysBetween(from, to);
      const m = redis.multi();
      for (const d of days) m.hgetall(key(tenant, d, "c"));
      const res = (await m.exec()) ?? [];
      return days.flatMap((day, i) =>
        Object.entries((res[i]?.[1] as Record<string, string>) ?? {}).map(([field, n]) => {
          const tab = field.indexOf("\t");
          return { day, kind: field.slice(0, tab) as CountKind, key: field.slice(tab + 1), count: Number(n) };
        }),
      );
    },
    async lookups(tenant, from, to) {
      const days = daysBetween(from, to);
      const m = redis.multi();
      for (const d of days)
        m.hgetall(key(tenant, d, "l"))
          .hgetall(key(tenant, d, "last"))
          .smembers(key(tenant, d, "imp"));
      const res = (await m.exec()) ?? [];
      return days.flatMap((day, i) => {
        const counts = (res[3 * i]?.[1] as Record<string, string>) ?? {};
        const lasts = (res[3 * i + 1]?.[1] as Record<string, string>) ?? {};
        const imported = new Set((res[3 * i + 2]?.[1] as string[]) ?? []);
        return Object.entries(counts).map(([domain, n]) => ({
          day,
          domain,
          count: Number(n),
          imported: imported.has(domain),
          lastAt: Number(lasts[domain] ?? 0),
        }));
      });
    },
    async tenants() {
      return (await redis.smembers("mailtls:tenants")).sort();
    },
    async putImport(job: ImportJob) {
      await redis.set(`mailtls:import:${job.id}`, JSON.stringify(job), "EX", 30 * 86_400);
    },
    async getImport(id) {
      const raw = await redis.get(`mailtls:import:${id}`);
      return raw ? (JSON.parse(raw) as ImportJob) : undefined;
    },
    async putGeneration(g) {
      await redis
        .multi()
        .lpush(`mailtls:xgen:${g.tenant}`, JSON.stringify(g))
        .ltrim(`mailtls:xgen:${g.tenant}`, 0, MAX_GENERATIONS - 1)
        .sadd("mailtls:xgen:tenants", g.tenant)
        .exec();
    },
    async generations(tenant) {
      const raw = await redis.lrange(`mailtls:xgen:${tenant}`, 0, MAX_GENERATIONS - 1);
      return raw.map((r) => JSON.parse(r) as ExchangeGeneration);
    },
    async latestGenerations() {
      const tenants = (await redis.smembers("mailtls:xgen:tenants")).sort();
      if (tenants.length === 0) return [];
      const m = redis.multi();
      for (const t of tenants) m.lindex(`mailtls:xgen:${t}`, 0);
      const res = (await m.exec()) ?? [];
      return res.flatMap(([, v]) => (typeof v === "string" ? [JSON.parse(v) as ExchangeGeneration] : []));
    },
    async trim() {
      // Every key expires by itself after the retention time.
      return 0;
    },
    async close() {
      // The connection belongs to the service.
    },
  };
}
