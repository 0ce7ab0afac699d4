/**
 * The service under soak (bench/soak.ts starts it as a child process): the real app on SQLite and
 * the real probe engine against the harness, configured from the environment like `npm start`.
 * It tells its parent the port, then every second its heap after a full collection.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { engineFromEnv } from "../src/probe";
import { buildApp } from "../src/server/app";
import { serverConfigFromEnv } from "../src/server/config";
import { openSqliteStore } from "../src/server/store/sqlite";

const gc = (globalThis as { gc?: () => void }).gc;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "mailtls-soak-"));
  const config = serverConfigFromEnv({ ...process.env, MAILTLS_DATA_DIR: dir });
  const store = openSqliteStore(join(dir, "mailtls.db"));
  const app = await buildApp(config, {
    store,
    prober: engineFromEnv(process.env),
    logStream: { write: () => undefined },
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const port = (app.server.address() as { port: number }).port;
  process.send?.({ port, dir });
  setInterval(() => {
    gc?.();
    process.send?.({ heap: process.memoryUsage().heapUsed });
  }, 1000).unref();
  process.on("message", async (m) => {
    if (m === "stop") {
      await app.close();
      await store.close();
      process.exit(0);
    }
  });
}

void main();
