/**
 * A tenant's own figures, as daily aggregates (UTC days): look-ups per partner domain, and counts
 * of what the add-in reported (decisions by action and reason, sends with a password-protected
 * attachment, how blocked ones were resolved). Never an address, a name, a subject or a file
 * name: the keys are tenant IDs, days, domains and fixed codes. Kept for MAILTLS_RETENTION_DAYS.
 */
import {
  type CountKind,
  type Day,
  type DayCount,
  type DayLookup,
  dayOf,
  type TenantId,
} from "../../core/admin/figures";
import type { TlsSettings } from "../../core/exchange";

// The plain rows live in core, where the console shares their shapes.
export {
  type CountKind,
  type Day,
  type DayCount,
  type DayLookup,
  DEFAULT_TENANT,
  dayOf,
  isTenantId,
  type TenantId,
} from "../../core/admin/figures";

export type ImportState = "running" | "done" | "interrupted";
export interface ImportJob {
  id: string;
  tenant: TenantId;
  createdAt: number;
  total: number;
  done: number;
  grades: Record<string, number>;
  state: ImportState;
}

/** What the Exchange Online generator gave a tenant: kept to undo it and to watch for drift. */
export interface ExchangeGeneration {
  id: string;
  tenant: TenantId;
  generatedAt: string;
  maxAgeDays: number;
  includeUnverified: boolean;
  mode: "Audit" | "Enforce";
  rule: string;
  connectors: Array<{
    name: string;
    tlsSettings: TlsSettings;
    tlsDomain?: string;
    dane: boolean;
    domains: string[];
  }>;
}

/** Generations kept per tenant (the newest). */
export const MAX_GENERATIONS = 20;

/** Where the figures live: SQLite by default, Redis when several instances share them. */
export interface FiguresStore {
  readonly kind: string;
  addCounts(batch: ReadonlyArray<DayCount & { tenant: TenantId }>): Promise<void>;
  addLookups(batch: ReadonlyArray<DayLookup & { tenant: TenantId }>): Promise<void>;
  counts(tenant: TenantId, from: Day, to: Day): Promise<DayCount[]>;
  lookups(tenant: TenantId, from: Day, to: Day): Promise<DayLookup[]>;
  /** Tenants with figures (for operators). */
  tenants(): Promise<TenantId[]>;
  putImport(job: ImportJob): Promise<void>;
  getImport(id: string): Promise<ImportJob | undefined>;
  /** Records a generation; only the newest MAX_GENERATIONS of the tenant are kept. */
  putGeneration(g: ExchangeGeneration): Promise<void>;
  /** The tenant's generations, newest first. */
  generations(tenant: TenantId): Promise<ExchangeGeneration[]>;
  /** Every tenant's newest generation (what the drift watch checks). */
  latestGenerations(): Promise<ExchangeGeneration[]>;
  /** Deletes every figure of days before `before`. */
  trim(before: Day): Promise<number>;
  close(): Promise<void>;
}

/** Partner domains recorded per tenant and day at most: a flood of made-up names stops there. */
export const MAX_DOMAINS_PER_DAY = 50_000;

type PendingLookup = DayLookup & { tenant: TenantId };

/**
 * Look-ups batched in memory, by tenant and day and then by domain: the domain strings come from
 * parsed names the service reuses, so a look-up hashes no new string.
 */
class LookupBatch {
  size = 0;
  private readonly byDay = new Map<string, Map<string, PendingLookup>>();
  // The last bucket asked for: one tenant's look-ups on one day come in a row.
  private last?: { tenant: TenantId; day: Day; bucket: Map<string, PendingLookup> };
  bucket(tenant: TenantId, day: Day): Map<string, PendingLookup> {
    const last = this.last;
    if (last && last.tenant === tenant && last.day === day) return last.bucket;
    const k = `${tenant}\n${day}`;
    let b = this.byDay.get(k);
    if (!b) this.byDay.set(k, (b = new Map()));
    this.last = { tenant, day, bucket: b };
    return b;
  }
  add(b: Map<string, PendingLookup>, l: PendingLookup): void {
    b.set(l.domain, l);
    this.size++;
  }
  values(): PendingLookup[] {
    return [...this.byDay.values()].flatMap((b) => [...b.values()]);
  }
}

/**
 * Increments gathered in memory and written in one batch every few seconds, so that the add-in's
 * calls cost a Map update. Bounded: past `maxKeys` distinct keys until the next flush, further new
 * keys wait (are dropped) — a flood cannot grow the batch without end.
 */
export function figureCounter(
  store: FiguresStore,
  opts: { flushMs: number; maxKeys?: number; now?: () => number },
) {
  const now = opts.now ?? Date.now;
  const maxKeys = opts.maxKeys ?? 200_000;
  let counts = new Map<string, DayCount & { tenant: TenantId }>();
  let lookups = new LookupBatch();
  // The day's string, computed once a second at most.
  let dayAt = 0;
  let today = dayOf(now());
  const day = () => {
    const t = now();
    if (t - dayAt > 1000) {
      dayAt = t;
      today = dayOf(t);
    }
    return today;
  };

  const flush = async () => {
    if (counts.size === 0 && lookups.size === 0) return;
    const c = counts;
    const l = lookups;
    counts = new Map();
    lookups = new LookupBatch();
    try {
      if (c.size) await store.addCounts([...c.values()]);
    } catch (e) {
      // Kept for the next flush (within the bound), merged with what came since.
      for (const [k, v] of c) {
        const now2 = counts.get(k);
        if (now2) now2.count += v.count;
        else if (counts.size < maxKeys) counts.set(k, v);
      }
      throw e;
    }
    try {
      if (l.size) await store.addLookups(l.values());
    } catch (e) {
      for (const v of l.values()) {
        const b = lookups.bucket(v.tenant, v.day);
        const now2 = b.get(v.domain);
        if (now2) {
          now2.count += v.count;
          now2.imported ||= v.imported;
          now2.lastAt = Math.max(now2.lastAt, v.lastAt);
        } else if (lookups.size < maxKeys) lookups.add(b, v);
      }
      throw e;
    }
  };
  const timer = setInterval(() => void flush().catch(() => undefined), opts.flushMs);
  timer.unref();

  return {
    count(tenant: TenantId, kind: CountKind, key: string, n = 1) {
      const d = day();
      const k = `${tenant}\n${d}\n${kind}\n${key}`;
      const c = counts.get(k);
      if (c) c.count += n;
      else if (counts.size < maxKeys) counts.set(k, { tenant, day: d, kind, key, count: n });
    },
    lookup(tenant: TenantId, domain: string, opts2: { imported?: boolean } = {}) {
      const d = day();
      const b = lookups.bucket(tenant, d);
      const l = b.get(domain);
      const at = opts2.imported ? 0 : now();
      if (l) {
        if (opts2.imported) l.imported = true;
        else {
          l.count++;
          l.lastAt = at;
        }
      } else if (lookups.size < maxKeys)
        lookups.add(b, {
          tenant,
          day: d,
          domain,
          count: opts2.imported ? 0 : 1,
          imported: opts2.imported === true,
          lastAt: at,
        });
    },
    /** The add-in's look-ups of one request: the day, the time and the bucket are taken once. */
    lookupMany(tenant: TenantId, domains: readonly string[]) {
      const d = day();
      const at = now();
      const b = lookups.bucket(tenant, d);
      for (const domain of domains) {
        const l = b.get(domain);
        if (l) {
          l.count++;
          l.lastAt = at;
        } else if (lookups.size < maxKeys)
          lookups.add(b, { tenant, day: d, domain, count: 1, imported: false, lastAt: at });
      }
    },
    /**
     * Counts one tenant's look-ups of a fixed list of domains (an answer asked for again and again):
     * each call adds one to each, through the pending entries themselves while the batch and the
     * day stay the same, so that a call hashes nothing.
     */
    lookupsOf(tenant: TenantId, domains: readonly string[]): () => void {
      let batch: LookupBatch | undefined;
      let onDay = "";
      let refs: (PendingLookup | undefined)[] = [];
      return () => {
        const d = day();
        const at = now();
        if (batch !== lookups || onDay !== d) {
          batch = lookups;
          onDay = d;
          const b = lookups.bucket(tenant, d);
          refs = domains.map((domain) => {
            let l = b.get(domain);
            if (!l && lookups.size < maxKeys)
              lookups.add(b, (l = { tenant, day: d, domain, count: 0, imported: false, lastAt: at }));
            return l;
          });
        }
        for (const l of refs)
          if (l) {
            l.count++;
            l.lastAt = at;
          }
      };
    },
    flush,
    close() {
      clearInterval(timer);
      return flush();
    },
  };
}

export type FigureCounter = ReturnType<typeof figureCounter>;
