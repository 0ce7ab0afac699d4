#!/usr/bin/env node
import { join } from "node:path";
import { engineFromEnv } from "../probe";
import { ConfigError } from "../probe/config";
import { openSqliteFigures } from "./admin/figuresSqlite";
import { redisFigures } from "./admin/figuresRedis";
import { buildApp } from "./app";
import { reloadPolicies, serverConfigFromEnv } from "./config";
import { connectRedis, RedisFlight, resilientRedisStore } from "./store/redis";
import { openSqliteStore } from "./store/sqlite";

/** `npm start`: the probe service on the embedded store (SQLite), or Redis when MAILTLS_REDIS_URL is set. */
export async function start(env: NodeJS.ProcessEnv = process.env) {
  const config = serverConfigFromEnv(env);
  const engine = engineFromEnv(env);
  const redis = config.redisUrl ? connectRedis(config.redisUrl) : undefined;
  redis?.on("error", () => undefined); // reported by the store's fallback, once
  // The Redis store logs its outages through a pino logger of its own, configured like the app's.
  const pino = (await import("pino")).default({ level: config.logLevel });
  const store = redis
    ? resilientRedisStore(redis, pino, { retentionDays: config.limits.retentionDays })
    : openSqliteStore(config.dbPath);
  const flight = redis ? new RedisFlight(redis, store, config.probe.timeoutMs + 5000) : undefined;
  // The tenants' figures beside the verdicts: in the same SQLite file, or in the same Redis.
  const figures = redis ? redisFigures(redis, config.limits.retentionDays) : openSqliteFigures(config.dbPath);
  const app = await buildApp(config, {
    store,
    prober: engine,
    flight,
    redis,
    figures,
    staticRoot: join(__dirname, ".."),
  });

  // Background refresh: domains asked for in the last day whose verdict is about to expire.
  const timer = setInterval(
    () => void app.verdicts.refreshDue(24 * 3600 * 1000).catch(() => undefined),
    60_000,
  );
  timer.unref();

  const stop = async () => {
    clearInterval(timer);
    await app.close();
    await store.close();
    await figures.close();
    process.exit(0);
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  // `kill -HUP`: read the policy file and the tenants' policies again, without a restart.
  process.on("SIGHUP", () => {
    try {
      reloadPolicies(config, env);
      app.log.info({ tenants: Object.keys(config.tenantPolicies).length }, "policies reloaded");
    } catch (e) {
      app.log.error({ err: e }, "policies not reloaded; the previous ones stay in force");
    }
  });

  await app.listen({ host: config.host, port: config.port });
  return app;
}

if (require.main === module) {
  start().catch((e) => {
    process.stderr.write(`mailtls: ${e instanceof ConfigError ? e.message : (e as Error).stack}\n`);
    process.exit(e instanceof ConfigError ? 2 : 1);
  });
}
