import { LRUCache } from "lru-cache";
import { approximateBytes, type StoredVerdict, type VerdictStore } from "./types";

/**
 * Keeps hot verdicts in process memory in front of the store, and counts look-ups in memory,
 * writing them in one batch every `flushMs`. The cached `POST /check` path then touches neither
 * SQLite nor Redis per domain. With Redis, a verdict another instance stored is seen here after at
 * most `memoryMs`.
 */
export type HotStore = ReturnType<typeof hotStore>;

export function hotStore(
  store: VerdictStore,
  opts: { memoryMs: number; flushMs: number; maxBytes?: number; maxEntries?: number; now?: () => number },
) {
  const now = opts.now ?? Date.now;
  // Bounded by the memory the verdicts take (reports vary from 1 KB to tens of KB) and by age:
  // an entry older than memoryMs is never served from here, so it need not stay.
  // Changes whenever what memory holds changes (set, replaced, evicted, deleted, expired): an answer
  // made from held verdicts stays right while it is unchanged and none of them has aged out.
  let generation = 0;
  const hot = new LRUCache<string, { v: StoredVerdict; at: number }>({
    max: opts.maxEntries ?? 100_000,
    maxSize: opts.maxBytes ?? 64_000_000,
    sizeCalculation: (h) => approximateBytes(h.v.report),
    ttl: opts.memoryMs,
    perf: { now },
    dispose: () => {
      generation++;
    },
  });
  let pending = new Map<string, { domain: string; count: number; at: number }>();
  /** Look-ups counted between flushes, at most this many domains (the rest wait for the next). */
  const MAX_PENDING = 100_000;

  const remember = (v: StoredVerdict) => {
    generation++;
    hot.set(v.report.domain, { v, at: now() });
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
    } else if (pending.size < MAX_PENDING) pending.set(domain, { domain, count: n, at });
  };

  const wrapped: VerdictStore & {
    flush(): Promise<void>;
    peek(domain: string): StoredVerdict | undefined;
    /** `peek`, with the time until which memory may serve it (its age limit or its expiry). */
    peekHeld(domain: string): { v: StoredVerdict; until: number } | undefined;
    /** Changes whenever a held verdict is set, replaced or dropped. */
    generation(): number;
    countLookup(domain: string, at: number): void;
    /** Counts look-ups of a fixed list of domains, one each a call, without hashing them again. */
    countLookupsOf(domains: readonly string[]): (at: number) => void;
    /** The memory the held verdicts are reckoned to take (bounded by maxBytes). */
    heldBytes(): number;
  } = {
    heldBytes: () => hot.calculatedSize,
    /** A verdict held in memory and still fresh, without touching the store (synchronous). */
    peek(domain) {
      const h = hot.get(domain, { updateAgeOnGet: false });
      return h && now() - h.at < opts.memoryMs && h.v.expiresAt > now() ? h.v : undefined;
    },
    peekHeld(domain) {
      const h = hot.get(domain, { updateAgeOnGet: false });
      if (!h) return undefined;
      const until = Math.min(h.at + opts.memoryMs, h.v.expiresAt);
      return until > now() ? { v: h.v, until } : undefined;
    },
    generation: () => generation,
    countLookup(domain, at) {
      count(domain, 1, at);
    },
    countLookupsOf(domains) {
      // The pending entries themselves, until a flush starts a new batch.
      let of: typeof pending | undefined;
      let refs: ({ count: number; at: number } | undefined)[] = [];
      return (at) => {
        if (of !== pending) {
          of = pending;
          refs = domains.map((domain) => {
            let p = pending.get(domain);
            if (!p && pending.size < MAX_PENDING) pending.set(domain, (p = { domain, count: 0, at }));
            return p;
          });
        }
        for (const p of refs)
          if (p) {
            p.count++;
            if (at > p.at) p.at = at;
          }
      };
    },
    kind: store.kind,
    async get(domain) {
      const h = hot.get(domain);
      if (h && now() - h.at < opts.memoryMs) return h.v;
      const v = await store.get(domain);
      if (v) remember(v);
      return v;
    },
    async getMany(domains) {
      const out = new Map<string, StoredVerdict>();
      const missing: string[] = [];
      for (const d of domains) {
        const h = hot.get(d, { updateAgeOnGet: false });
        if (h) out.set(d, h.v);
        else missing.push(d);
      }
      if (missing.length) for (const [d, v] of await store.getMany(missing)) out.set(d, v);
      return out;
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
    async stats(q) {
      await flush();
      return store.stats(q);
    },
    async trim(before, max) {
      await flush();
      // What memory holds of those domains goes too (it ages out within memoryMs anyway).
      return store.trim(before, max);
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
