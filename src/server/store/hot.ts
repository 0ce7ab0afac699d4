import type { StoredVerdict, VerdictStore } from "./types";

/**
 * Keeps hot verdicts in process memory in front of the store, and counts look-ups in memory,
 * writing them in one batch every `flushMs`. The cached `POST /check` path then touches neither
 * SQLite nor Redis per domain. With Redis, a verdict another instance stored is seen here after at
 * most `memoryMs`.
 */
export type HotStore = ReturnType<typeof hotStore>;

export function hotStore(
  store: VerdictStore,
  opts: { memoryMs: number; flushMs: number; maxEntries?: number; now?: () => number },
) {
  const now = opts.now ?? Date.now;
  const max = opts.maxEntries ?? 50_000;
  const hot = new Map<string, { v: StoredVerdict; at: number }>();
  let pending = new Map<string, { domain: string; count: number; at: number }>();

  const remember = (v: StoredVerdict) => {
    hot.delete(v.report.domain);
    hot.set(v.report.domain, { v, at: now() });
    if (hot.size > max) hot.delete(hot.keys().next().value as string);
  };

  const flush = async () => {
    if (pending.size === 0) return;
    const batch = [...pending.values()];
    pending = new Map();
    await store.recordLookups(batch);
  };
  const timer = setInterval(() => void flush().catch(() => undefined), opts.flushMs);
  timer.unref();

  const count = (domain: string, n: number, at: number) => {
    const p = pending.get(domain);
    if (p) {
      p.count += n;
      if (at > p.at) p.at = at;
    } else pending.set(domain, { domain, count: n, at });
  };

  const wrapped: VerdictStore & {
    flush(): Promise<void>;
    peek(domain: string): StoredVerdict | undefined;
    countLookup(domain: string, at: number): void;
  } = {
    /** A verdict held in memory and still fresh, without touching the store (synchronous). */
    peek(domain) {
      const h = hot.get(domain);
      return h && now() - h.at < opts.memoryMs && h.v.expiresAt > now() ? h.v : undefined;
    },
    countLookup(domain, at) {
      count(domain, 1, at);
    },
    kind: store.kind,
    async get(domain) {
      const h = hot.get(domain);
      if (h && now() - h.at < opts.memoryMs) return h.v;
      const v = await store.get(domain);
      if (v) remember(v);
      return v;
    },
    async put(v) {
      remember(v);
      await store.put(v);
    },
    async recordLookups(batch) {
      for (const b of batch) count(b.domain, b.count, b.at);
    },
    async dueForRefresh(since, before, limit) {
      await flush();
      return store.dueForRefresh(since, before, limit);
    },
    async stats(filter) {
      await flush();
      return store.stats(filter);
    },
    ping: () => store.ping(),
    flush,
    async close() {
      clearInterval(timer);
      await flush().catch(() => undefined);
      await store.close();
    },
  };
  return wrapped;
}
