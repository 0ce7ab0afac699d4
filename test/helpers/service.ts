import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MailDomain } from "../../src/core/domain";
import type { DomainReport } from "../../src/core/verdict";
import { engineFromEnv } from "../../src/probe";
import { type App, type AppDeps, buildApp } from "../../src/server/app";
import { type ServerConfig, serverConfigFromEnv } from "../../src/server/config";
import { openSqliteFigures } from "../../src/server/admin/figuresSqlite";
import { openSqliteStore } from "../../src/server/store/sqlite";
import { harnessEnv } from "./probe";

/** The real probe engine, counting how many probes it ran (single-flight tests count on it). */
export function countingProber(env: Record<string, string | undefined>) {
  const engine = engineFromEnv(env);
  const p = {
    probes: 0,
    byDomain: new Map<string, number>(),
    async probe(d: MailDomain): Promise<DomainReport> {
      p.probes++;
      p.byDomain.set(d.ascii, (p.byDomain.get(d.ascii) ?? 0) + 1);
      return engine.probe(d);
    },
  };
  return p;
}

export interface RunningService {
  app: App;
  url: string;
  logs: string[];
  prober: ReturnType<typeof countingProber>;
  dbPath: string;
  /** The configuration the app runs with (the same object: a reload shows in it). */
  config: ServerConfig;
  /** The environment the configuration came from. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), "mailtls-db-")), "mailtls.db");
}

/** A service listening on a loopback port, probing the harness's real servers. */
export async function startService(
  env: Record<string, string> = {},
  deps: Partial<AppDeps> & { dbPath?: string } = {},
): Promise<RunningService> {
  const fullEnv = harnessEnv({
    MAILTLS_PUBLIC_URL: "https://addin.example.test",
    MAILTLS_LOG_LEVEL: "info",
    ...env,
  });
  const config = serverConfigFromEnv(fullEnv as NodeJS.ProcessEnv);
  const dbPath = deps.dbPath ?? tempDb();
  const prober = countingProber(fullEnv);
  const logs: string[] = [];
  const store = deps.store ?? openSqliteStore(dbPath);
  // The tenants' figures in the same SQLite file, as npm start keeps them.
  const figures = deps.figures ?? openSqliteFigures(dbPath);
  const app = await buildApp(config, {
    store,
    prober: deps.prober ?? prober,
    ...deps,
    figures,
    logStream: { write: (line: string) => void logs.push(line) },
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    logs,
    prober,
    dbPath,
    config,
    env: fullEnv as Record<string, string>,
    close: async () => {
      await app.close();
      if (!deps.store) await store.close();
      if (!deps.figures) await figures.close();
    },
  };
}

export async function getJson(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30000), ...init });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, headers: res.headers };
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  return getJson(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}
