import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import {
  type CountKind,
  type Day,
  type DayCount,
  type DayLookup,
  type ExchangeGeneration,
  type FiguresStore,
  type ImportJob,
  MAX_DOMAINS_PER_DAY,
  MAX_GENERATIONS,
  type TenantId,
} from "./figures";

/** The figures in the service's SQLite file (tables of their own, beside the verdicts). */
export function openSqliteFigures(path: string): FiguresStore {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 2000");
  db.exec(`
    CREATE TABLE IF NOT EXISTS tenant_counts (
      tenant TEXT NOT NULL, day TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
      count INTEGER NOT NULL, PRIMARY KEY (tenant, day, kind, key)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS tenant_lookups (
      tenant TEXT NOT NULL, day TEXT NOT NULL, domain TEXT NOT NULL,
      count INTEGER NOT NULL, imported INTEGER NOT NULL DEFAULT 0, last_at INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (tenant, day, domain)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS tenant_days (
      tenant TEXT NOT NULL, day TEXT NOT NULL, domains INTEGER NOT NULL, PRIMARY KEY (tenant, day)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS imports (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, created_at INTEGER NOT NULL, job TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS exchange_generations (
      tenant TEXT NOT NULL, id TEXT NOT NULL, generated_at TEXT NOT NULL, body TEXT NOT NULL,
      PRIMARY KEY (tenant, id)
    ) WITHOUT ROWID;
  `);
  const putGeneration = db.prepare(
    "INSERT OR REPLACE INTO exchange_generations (tenant, id, generated_at, body) VALUES (@tenant, @id, @generatedAt, @body)",
  );
  const keepGenerations = db.prepare<[string, string, number]>(
    `DELETE FROM exchange_generations WHERE tenant = ? AND id NOT IN
      (SELECT id FROM exchange_generations WHERE tenant = ? ORDER BY generated_at DESC, id DESC LIMIT ?)`,
  );
  const generations = db.prepare<[string], { body: string }>(
    "SELECT body FROM exchange_generations WHERE tenant = ? ORDER BY generated_at DESC, id DESC",
  );
  const latestGenerations = db.prepare<[], { body: string }>(
    `SELECT body FROM exchange_generations g WHERE id = (SELECT id FROM exchange_generations
      WHERE tenant = g.tenant ORDER BY generated_at DESC, id DESC LIMIT 1) ORDER BY tenant`,
  );
  const writeGeneration = db.transaction((g: ExchangeGeneration) => {
    putGeneration.run({ tenant: g.tenant, id: g.id, generatedAt: g.generatedAt, body: JSON.stringify(g) });
    keepGenerations.run(g.tenant, g.tenant, MAX_GENERATIONS);
  });
  const addCount =
    db.prepare(`INSERT INTO tenant_counts (tenant, day, kind, key, count) VALUES (@tenant, @day, @kind, @key, @count)
    ON CONFLICT (tenant, day, kind, key) DO UPDATE SET count = count + excluded.count`);
  const known = db.prepare<{ tenant: string; day: string; domain: string }, { n: number }>(
    "SELECT 1 AS n FROM tenant_lookups WHERE tenant = @tenant AND day = @day AND domain = @domain",
  );
  const dayDomains = db.prepare<{ tenant: string; day: string }, { domains: number }>(
    "SELECT domains FROM tenant_days WHERE tenant = @tenant AND day = @day",
  );
  const bumpDay = db.prepare(`INSERT INTO tenant_days (tenant, day, domains) VALUES (@tenant, @day, 1)
    ON CONFLICT (tenant, day) DO UPDATE SET domains = domains + 1`);
  const addLookup = db.prepare(`INSERT INTO tenant_lookups (tenant, day, domain, count, imported, last_at)
    VALUES (@tenant, @day, @domain, @count, @imported, @lastAt)
    ON CONFLICT (tenant, day, domain) DO UPDATE SET count = count + excluded.count,
      imported = max(imported, excluded.imported), last_at = max(last_at, excluded.last_at)`);
  const counts = db.prepare<
    [string, string, string],
    { day: string; kind: CountKind; key: string; count: number }
  >("SELECT day, kind, key, count FROM tenant_counts WHERE tenant = ? AND day >= ? AND day <= ?");
  const lookups = db.prepare<
    [string, string, string],
    { day: string; domain: string; count: number; imported: number; last_at: number }
  >(
    "SELECT day, domain, count, imported, last_at FROM tenant_lookups WHERE tenant = ? AND day >= ? AND day <= ?",
  );
  const tenants = db.prepare<[], { tenant: string }>(
    "SELECT tenant FROM tenant_days UNION SELECT tenant FROM tenant_counts ORDER BY tenant",
  );
  const putImport = db.prepare(
    "INSERT INTO imports (id, tenant, created_at, job) VALUES (@id, @tenant, @createdAt, @job) ON CONFLICT (id) DO UPDATE SET job = excluded.job",
  );
  const getImport = db.prepare<[string], { job: string }>("SELECT job FROM imports WHERE id = ?");
  const trimCounts = db.prepare<[string]>("DELETE FROM tenant_counts WHERE day < ?");
  const trimLookups = db.prepare<[string]>("DELETE FROM tenant_lookups WHERE day < ?");
  const trimDays = db.prepare<[string]>("DELETE FROM tenant_days WHERE day < ?");
  const trimImports = db.prepare<[number]>("DELETE FROM imports WHERE created_at < ?");

  const writeCounts = db.transaction((batch: ReadonlyArray<DayCount & { tenant: TenantId }>) => {
    for (const c of batch) addCount.run(c);
  });
  const writeLookups = db.transaction((batch: ReadonlyArray<DayLookup & { tenant: TenantId }>) => {
    for (const l of batch) {
      const key = { tenant: l.tenant, day: l.day, domain: l.domain };
      if (!known.get(key)) {
        // A new partner that day: within the day's bound only.
        if ((dayDomains.get(key)?.domains ?? 0) >= MAX_DOMAINS_PER_DAY) continue;
        bumpDay.run(key);
      }
      addLookup.run({ ...key, count: l.count, imported: l.imported ? 1 : 0, lastAt: l.lastAt });
    }
  });
  return {
    kind: "sqlite",
    async addCounts(batch) {
      writeCounts(batch);
    },
    async addLookups(batch) {
      writeLookups(batch);
    },
    async counts(tenant, from, to) {
      return counts.all(tenant, from, to);
    },
    async lookups(tenant, from, to) {
      return lookups.all(tenant, from, to).map((r) => ({
        day: r.day,
        domain: r.domain,
        count: r.count,
        imported: r.imported === 1,
        lastAt: r.last_at,
      }));
    },
    async tenants() {
      return tenants.all().map((r) => r.tenant);
    },
    async putImport(job: ImportJob) {
      putImport.run({ id: job.id, tenant: job.tenant, createdAt: job.createdAt, job: JSON.stringify(job) });
    },
    async getImport(id) {
      const row = getImport.get(id);
      return row ? (JSON.parse(row.job) as ImportJob) : undefined;
    },
    async putGeneration(g) {
      writeGeneration(g);
    },
    async generations(tenant) {
      return generations.all(tenant).map((r) => JSON.parse(r.body) as ExchangeGeneration);
    },
    async latestGenerations() {
      return latestGenerations.all().map((r) => JSON.parse(r.body) as ExchangeGeneration);
    },
    async trim(before: Day) {
      const cutoffMs = Date.parse(`${before}T00:00:00Z`);
      return (
        trimCounts.run(before).changes +
        trimLookups.run(before).changes +
        trimDays.run(before).changes +
        trimImports.run(cutoffMs).changes
      );
    },
    async close() {
      db.close();
    },
  };
}
