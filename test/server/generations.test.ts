/**
 * What the Exchange generator gave each tenant, as the figures stores keep it: newest first, the
 * newest MAX_GENERATIONS per tenant only, and each tenant's newest for the drift watch. SQLite
 * (the embedded store) and a real redis-server.
 */
import { Redis } from "ioredis";
import { type ExchangeGeneration, type FiguresStore, MAX_GENERATIONS } from "../../src/server/admin/figures";
import { redisFigures } from "../../src/server/admin/figuresRedis";
import { openSqliteFigures } from "../../src/server/admin/figuresSqlite";
import { startRedis } from "../helpers/redis";

const A = "aaaaaaaa-6666-2222-3333-444444444444";
const B = "bbbbbbbb-6666-2222-3333-444444444444";

const gen = (tenant: string, n: number): ExchangeGeneration => ({
  id: `gen${String(n).padStart(13, "0")}`,
  tenant,
  generatedAt: new Date(Date.UTC(2026, 11, 1, 0, n)).toISOString(),
  maxAgeDays: 7,
  includeUnverified: false,
  mode: "Audit",
  rule: "MailTLS Guard - password-protected attachments to outside",
  connectors: [
    {
      name: "MailTLS Guard - TLS validated 01",
      tlsSettings: "CertificateValidation",
      dane: false,
      domains: [`p${n}.jp`],
    },
  ],
});

async function exercise(store: FiguresStore) {
  for (let n = 0; n < MAX_GENERATIONS + 5; n++) await store.putGeneration(gen(A, n));
  await store.putGeneration(gen(B, 100));
  const a = await store.generations(A);
  expect(a).toHaveLength(MAX_GENERATIONS);
  expect(a[0]).toEqual(gen(A, MAX_GENERATIONS + 4));
  expect(a[MAX_GENERATIONS - 1].id).toBe(gen(A, 5).id);
  expect((await store.latestGenerations()).map((g) => g.id).sort()).toEqual(
    [gen(A, MAX_GENERATIONS + 4).id, gen(B, 100).id].sort(),
  );
  expect(await store.generations("default")).toEqual([]);
}

it("SQLite keeps the newest generations of each tenant", async () => {
  const store = openSqliteFigures(":memory:");
  await exercise(store);
  await store.close();
});

it("Redis keeps the newest generations of each tenant", async () => {
  const server = await startRedis(6399);
  const redis = new Redis(server.url);
  try {
    await exercise(redisFigures(redis, 30));
  } finally {
    redis.disconnect();
    await server.stop();
  }
});
