import type { DomainReport, Grade } from "../../core/verdict";

/**
 * About how much memory a report takes once held (the object, and the JSON answers serialised from
 * it), for caches bounded by bytes: a conservative multiple of its JSON length.
 */
export function approximateBytes(report: DomainReport): number {
  return 512 + JSON.stringify(report).length * 6;
}

/** One cached verdict, as the store keeps it. */
export interface StoredVerdict {
  report: DomainReport;
  /** When it stops being fresh (ms since epoch); kept past that for the admin report and stale answers. */
  expiresAt: number;
}

/** A page of the admin report, and the cursor of the next one (absent on the last page). */
export interface StatsPage {
  rows: DomainStats[];
  next?: string;
}

export interface StatsQuery {
  grade?: Grade;
  /** Rows on this page (the caller bounds it). */
  limit: number;
  /** Where the previous page ended; opaque to callers. */
  cursor?: string;
}

/** A cursor that did not come from this store's last answer. */
export class InvalidCursor extends Error {
  constructor() {
    super("cursor: not a cursor this report gave");
  }
}

/** Cursors are opaque: base64url of a small JSON value. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}
export function decodeCursor<T>(cursor: string, valid: (v: unknown) => v is T): T {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursor();
  }
  if (!valid(v)) throw new InvalidCursor();
  return v;
}

export interface DomainStats {
  domain: string;
  grade: Grade;
  checkedAt: string;
  lookups: number;
  lastLookupAt: string;
}

/**
 * Where verdicts live: SQLite by default (one instance, survives restarts), Redis to share them
 * between several instances. Everything is async so both fit.
 */
export interface VerdictStore {
  readonly kind: string;
  get(domain: string): Promise<StoredVerdict | undefined>;
  /** Several at once (the console grades all of a tenant's partners); absent ones are left out. */
  getMany(domains: readonly string[]): Promise<Map<string, StoredVerdict>>;
  put(v: StoredVerdict): Promise<void>;
  /** Counts look-ups (for the admin report and background refresh), several domains at once. */
  recordLookups(batch: ReadonlyArray<{ domain: string; count: number; at: number }>): Promise<void>;
  /** Domains looked up since `since` whose verdict expires before `before`: refresh candidates. */
  dueForRefresh(since: number, before: number, limit: number): Promise<string[]>;
  /** The admin report, most looked-up first (then by name), one page at a time. */
  stats(query: StatsQuery): Promise<StatsPage>;
  /**
   * Retention: deletes the verdicts and counts of domains not looked up (nor probed) since
   * `before` (ms), then the least recently looked-up beyond `maxDomains`. Returns how many went.
   */
  trim(before: number, maxDomains: number): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
