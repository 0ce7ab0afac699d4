import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Grade } from "../../core/verdict";
import type { DomainStats, StoredVerdict, VerdictStore } from "./types";

/** The embedded default: one file, created on first run, kept across restarts. */
export function openSqliteStore(path: string): VerdictStore {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec(`
    CREATE TABLE IF NOT EXISTS verdicts (
      domain TEXT PRIMARY KEY,
      grade TEXT NOT NULL,
      report TEXT NOT NULL,
      checked_at TEXT NOT NULL,
      expires_at INTEGER NOT NULL,
      lookups INTEGER NOT NULL DEFAULT 0,
      last_lookup_at INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS verdicts_refresh ON verdicts (last_lookup_at, expires_at);
  `);
  const get = db.prepare<[string], { report: string; expires_at: number }>(
    "SELECT report, expires_at FROM verdicts WHERE domain = ?",
  );
  const put = db.prepare(`
    INSERT INTO verdicts (domain, grade, report, checked_at, expires_at) VALUES (@domain, @grade, @report, @checkedAt, @expiresAt)
    ON CONFLICT(domain) DO UPDATE SET grade = excluded.grade, report = excluded.report,
      checked_at = excluded.checked_at, expires_at = excluded.expires_at`);
  // A look-up of a domain not probed yet creates its row; the probe fills it.
  const lookup = db.prepare(`
    INSERT INTO verdicts (domain, grade, report, checked_at, expires_at, lookups, last_lookup_at)
    VALUES (@domain, 'unknown', '', '', 0, @count, @at)
    ON CONFLICT(domain) DO UPDATE SET lookups = lookups + excluded.lookups,
      last_lookup_at = max(last_lookup_at, excluded.last_lookup_at)`);
  const lookups = db.transaction((batch: ReadonlyArray<{ domain: string; count: number; at: number }>) => {
    for (const b of batch) lookup.run(b);
  });
  const due = db.prepare<[number, number, number], { domain: string }>(
    "SELECT domain FROM verdicts WHERE last_lookup_at >= ? AND expires_at < ? AND report != '' ORDER BY expires_at LIMIT ?",
  );
  const stats = db.prepare<
    [string | null, string | null],
    { domain: string; grade: Grade; checked_at: string; lookups: number; last_lookup_at: number }
  >(
    "SELECT domain, grade, checked_at, lookups, last_lookup_at FROM verdicts WHERE report != '' AND (? IS NULL OR grade = ?) ORDER BY lookups DESC, domain",
  );
  return {
    kind: "sqlite",
    async get(domain) {
      const row = get.get(domain);
      if (!row || row.report === "") return undefined;
      return { report: JSON.parse(row.report), expiresAt: row.expires_at };
    },
    async put(v: StoredVerdict) {
      put.run({
        domain: v.report.domain,
        grade: v.report.grade,
        report: JSON.stringify(v.report),
        checkedAt: v.report.checkedAt,
        expiresAt: v.expiresAt,
      });
    },
    async recordLookups(batch) {
      lookups(batch);
    },
    async dueForRefresh(since, before, limit) {
      return due.all(since, before, limit).map((r) => r.domain);
    },
    async stats(filter): Promise<DomainStats[]> {
      const g = filter.grade ?? null;
      return stats.all(g, g).map((r) => ({
        domain: r.domain,
        grade: r.grade,
        checkedAt: r.checked_at,
        lookups: r.lookups,
        lastLookupAt: r.last_lookup_at ? new Date(r.last_lookup_at).toISOString() : "",
      }));
    },
    async ping() {
      db.prepare("SELECT 1").get();
    },
    async close() {
      db.close();
    },
  };
}
