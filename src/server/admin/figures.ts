/**
 * A tenant's own figures, as daily aggregates (UTC days): look-ups per partner domain, and counts
 * of what the add-in reported (decisions by action and reason, sends with a password-protected
 * attachment, how blocked ones were resolved). Never an address, a name, a subject or a file
 * name: the keys are tenant IDs, days, domains and fixed codes. Kept for MAILTLS_RETENTION_DAYS.
 */
import type { TlsSettings } from "../../core/exchange";

/** A tenant: the Entra tenant ID (`tid`), or "default" for add-ins that do not sign in. */
export type TenantId = string;
export const DEFAULT_TENANT = "default";
const TENANT_RE = /^(default|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
export const isTenantId = (s: string): boolean => TENANT_RE.test(s);

/** YYYY-MM-DD, UTC. */
export type Day = string;
export const dayOf = (ms: number): Day => new Date(ms).toISOString().slice(0, 10);

/** The counters an event adds to; `key` is a fixed code (an action, a reason code, a resolution). */
export type CountKind = "send" | "action" | "reason" | "ppap" | "resolved" | "link";

export interface DayCount {
  day: Day;
  kind: CountKind;
  key: string;
  count: number;
}

/** One partner domain on one day: how often the add-in looked it up, whether an import added it. */
export interface DayLookup {
  day: Day;
  domain: string;
  count: number;
  imported: boolean;
  /** The last look-up that day (ms), 0 for an import only. */
  lastAt: number;
}

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
  let lookups = new Map<string, DayLookup & { tenant: TenantId }>();
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
    lookups = new Map();
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
      if (l.size) await store.addLookups([...l.values()]);
    } catch (e) {
      for (const [k, v] of l) {
        const now2 = lookups.get(k);
        if (now2) {
          now2.count += v.count;
          now2.imported ||= v.imported;
          now2.lastAt = Math.max(now2.lastAt, v.lastAt);
        } else if (lookups.size < maxKeys) lookups.set(k, v);
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
      const k = `${tenant}\n${d}\n${domain}`;
      const l = lookups.get(k);
      const at = opts2.imported ? 0 : now();
      if (l) {
        if (opts2.imported) l.imported = true;
        else {
          l.count++;
          l.lastAt = at;
        }
      } else if (lookups.size < maxKeys)
        lookups.set(k, {
          tenant,
          day: d,
          domain,
          count: opts2.imported ? 0 : 1,
          imported: opts2.imported === true,
          lastAt: at,
        });
    },
    flush,
    close() {
      clearInterval(timer);
      return flush();
    },
  };
}

export type FigureCounter = ReturnType<typeof figureCounter>;
