import type { DomainStats, StoredVerdict, VerdictStore } from "./types";

/** Process memory: the fallback while Redis is down (and handy in tests). Bounded in size. */
export function memoryStore(maxEntries = 100_000): VerdictStore {
  const verdicts = new Map<string, StoredVerdict>();
  const lookups = new Map<string, { count: number; last: number }>();
  const trim = <K, V>(m: Map<K, V>) => {
    while (m.size > maxEntries) m.delete(m.keys().next().value as K);
  };
  return {
    kind: "memory",
    async get(domain) {
      return verdicts.get(domain);
    },
    async put(v) {
      verdicts.delete(v.report.domain);
      verdicts.set(v.report.domain, v);
      trim(verdicts);
    },
    async recordLookups(batch) {
      for (const { domain, count, at } of batch) {
        const l = lookups.get(domain) ?? { count: 0, last: 0 };
        lookups.set(domain, { count: l.count + count, last: Math.max(l.last, at) });
      }
      trim(lookups);
    },
    async dueForRefresh(since, before, limit) {
      return [...verdicts.values()]
        .filter((v) => v.expiresAt < before && (lookups.get(v.report.domain)?.last ?? 0) >= since)
        .sort((a, b) => a.expiresAt - b.expiresAt)
        .slice(0, limit)
        .map((v) => v.report.domain);
    },
    async stats(filter): Promise<DomainStats[]> {
      return [...verdicts.values()]
        .filter((v) => !filter.grade || v.report.grade === filter.grade)
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
    },
    async ping() {},
    async close() {
      verdicts.clear();
    },
  };
}
