import type { DomainReport, Grade } from "../../core/verdict";

/** One cached verdict, as the store keeps it. */
export interface StoredVerdict {
  report: DomainReport;
  /** When it stops being fresh (ms since epoch); kept past that for the admin report and stale answers. */
  expiresAt: number;
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
  put(v: StoredVerdict): Promise<void>;
  /** Counts look-ups (for the admin report and background refresh), several domains at once. */
  recordLookups(batch: ReadonlyArray<{ domain: string; count: number; at: number }>): Promise<void>;
  /** Domains looked up since `since` whose verdict expires before `before`: refresh candidates. */
  dueForRefresh(since: number, before: number, limit: number): Promise<string[]>;
  stats(filter: { grade?: Grade }): Promise<DomainStats[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
