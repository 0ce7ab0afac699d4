import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Grade } from "../../core/verdict";
import { decodeCursor, type DomainStats, encodeCursor, type StoredVerdict, type VerdictStore } from "./types";

type Keyset = [number, string];
const isKeyset = (v: unknown): v is Keyset =>
  Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && typeof v[1] === "string";

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
    CREATE INDEX IF NOT EXISTS verdicts_report ON verdicts (lookups DESC, domain);
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
  // One page of the admin report: keyset pagination on (lookups desc, domain), one row more than
  // asked to know whether another page follows.
  const stats = db.prepare<
    { grade: string | null; lookups: number | null; domain: string; limit: number },
    { domain: string; grade: Grade; checked_at: string; lookups: number; last_lookup_at: number }
  >(
    `SELECT domain, grade, checked_at, lookups, last_lookup_at FROM verdicts
     WHERE report != '' AND (@grade IS NULL OR grade = @grade)
       AND (@lookups IS NULL OR lookups < @lookups OR (lookups = @lookups AND domain > @domain))
     ORDER BY lookups DESC, domain LIMIT @limit`,
  );
  const expired = db.prepare<{ before: number }>(
    "DELETE FROM verdicts WHERE last_lookup_at < @before AND expires_at < @before",
  );
  const overCap = db.prepare<{ max: number }>(
    `DELETE FROM verdicts WHERE domain IN
       (SELECT domain FROM verdicts ORDER BY last_lookup_at DESC, domain LIMIT -1 OFFSET @max)`,
  );
  const many = (n: number) =>
    db.prepare<string[], { domain: string; report: string; expires_at: number }>(
      `SELECT domain, report, expires_at FROM verdicts WHERE report != '' AND domain IN (${new Array(n).fill("?").join(",")})`,
    );
  const chunk = many(500);
  return {
    kind: "sqlite",
    async getMany(domains) {
      const out = new Map<string, StoredVerdict>();
      for (let i = 0; i < domains.length; i += 500) {
        const part = domains.slice(i, i + 500);
        const stmt = part.length === 500 ? chunk : many(part.length);
        for (const r of stmt.all(...part))
          out.set(r.domain, { report: JSON.parse(r.report), expiresAt: r.expires_at });
      }
      return out;
    },
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
    async stats(q) {
      const after = q.cursor ? decodeCursor(q.cursor, isKeyset) : undefined;
      const found = stats.all({
        grade: q.grade ?? null,
        lookups: after ? after[0] : null,
        domain: after ? after[1] : "",
        limit: q.limit + 1,
      });
      const rows: DomainStats[] = found.slice(0, q.limit).map((r) => ({
        domain: r.domain,
        grade: r.grade,
        checkedAt: r.checked_at,
        lookups: r.lookups,
        lastLookupAt: r.last_lookup_at ? new Date(r.last_lookup_at).toISOString() : "",
      }));
      const last = rows[rows.length - 1];
      return found.length > q.limit && last
        ? { rows, next: encodeCursor([last.lookups, last.domain]) }
        : { rows };
    },
    async trim(before, maxDomains) {
      return expired.run({ before }).changes + overCap.run({ max: maxDomains }).changes;
    },
    async ping() {
      db.prepare("SELECT 1").get();
    },
    async close() {
      db.close();
    },
  };
}
