import { LRUCache } from "lru-cache";
import {
  approximateBytes,
  decodeCursor,
  type DomainStats,
  encodeCursor,
  type StoredVerdict,
  type VerdictStore,
} from "./types";

const isOffset = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Process memory: the fallback while Redis is down (and handy in tests). Bounded in entries and bytes. */
export function memoryStore(maxEntries = 100_000, maxBytes = 32_000_000): VerdictStore {
  const verdicts = new LRUCache<string, StoredVerdict>({
    max: maxEntries,
    maxSize: maxBytes,
    sizeCalculation: (v) => approximateBytes(v.report),
  });
  const lookups = new Map<string, { count: number; last: number }>();
  const trimLookups = () => {
    while (lookups.size > maxEntries) lookups.delete(lookups.keys().next().value as string);
  };
  return {
    kind: "memory",
    async get(domain) {
      return verdicts.get(domain);
    },
    async getMany(domains) {
      const out = new Map<string, StoredVerdict>();
      for (const d of domains) {
        const v = verdicts.get(d);
        if (v) out.set(d, v);
      }
      return out;
    },
    async put(v) {
      verdicts.set(v.report.domain, v);
    },
    async recordLookups(batch) {
      for (const { domain, count, at } of batch) {
        const l = lookups.get(domain) ?? { count: 0, last: 0 };
        lookups.delete(domain);
        lookups.set(domain, { count: l.count + count, last: Math.max(l.last, at) });
      }
      trimLookups();
    },
    async dueForRefresh(since, before, limit) {
      return [...verdicts.values()]
        .filter((v) => v.expiresAt < before && (lookups.get(v.report.domain)?.last ?? 0) >= since)
        .sort((a, b) => a.expiresAt - b.expiresAt)
        .slice(0, limit)
        .map((v) => v.report.domain);
    },
    async stats(q) {
      const all: DomainStats[] = [...verdicts.values()]
        .filter((v) => !q.grade || v.report.grade === q.grade)
        .map((v) => {
          const l = lookups.get(v.report.domain);
          return {
            domain: v.report.domain,
            grade: v.report.grade,
            checkedAt: v.report.checkedAt,
            lookups: l?.count ?? 0,
            lastLookupAt: l ? new Date(l.last).toISOString() : "",
          };
        })
        .sort((a, b) => b.lookups - a.lookups || a.domain.localeCompare(b.domain));
      const from = q.cursor ? decodeCursor(q.cursor, isOffset) : 0;
      const rows = all.slice(from, from + q.limit);
      return from + q.limit < all.length ? { rows, next: encodeCursor(from + q.limit) } : { rows };
    },
    async trim(before) {
      let n = 0;
      for (const [domain, l] of lookups)
        if (l.last < before) {
          lookups.delete(domain);
          verdicts.delete(domain);
          n++;
        }
      return n;
    },
    async ping() {},
    async close() {
      verdicts.clear();
    },
  };
}
