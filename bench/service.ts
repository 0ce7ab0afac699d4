/**
 * Service throughput: cached POST /api/v1/check with 20 domains against a bare fastify route that
 * returns a constant, both in this process with the same logger settings, loaded by autocannon from
 * a separate process; then a burst of 1,000 concurrent requests for one uncached domain, which must
 * run exactly one probe. Real probes go to the local harness. Run as root: npm run bench:service
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import { parseMailDomain } from "../src/core/domain";
import { buildApp } from "../src/server/app";
import { serverConfigFromEnv } from "../src/server/config";
import { openSqliteStore } from "../src/server/store/sqlite";
import { harnessEnv } from "../test/helpers/probe";
import { countingProber } from "../test/helpers/service";
import { fmt, machine, runWithHarness, writeSection } from "./report";

const nullStream = { write: () => undefined };

interface Load {
  requests: { average: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  non2xx: number;
}

function autocannon(url: string, body?: string, rate?: number): Promise<Load> {
  const args = [
    "-c",
    "20",
    "-d",
    process.env.BENCH_SECONDS ?? "10",
    "-j",
    ...(rate ? ["-R", String(rate)] : []),
  ];
  if (body) args.push("-m", "POST", "-H", "content-type=application/json", "-b", body);
  return new Promise((resolve, reject) => {
    const child = spawn(join(__dirname, "..", "node_modules", ".bin", "autocannon"), [...args, url], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`autocannon exited ${code}`)),
    );
  });
}

async function run() {
  const env = harnessEnv({ MAILTLS_RATE_LIMIT: "1000000", MAILTLS_LOG_LEVEL: "info" });
  const config = serverConfigFromEnv(env as NodeJS.ProcessEnv);
  const prober = countingProber(env);
  const store = openSqliteStore(join(mkdtempSync(join(tmpdir(), "mailtls-bench-")), "db.sqlite"));
  const app = await buildApp(config, { store, prober, logStream: nullStream });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const port = (app.server.address() as { port: number }).port;

  // Twenty cached verdicts: one real probe, stored under twenty names.
  const real = await prober.probe(parseMailDomain("good.test"));
  const domains = Array.from({ length: 20 }, (_, i) => `partner${i + 1}.test`);
  for (const d of domains)
    await store.put({
      report: { ...real, domain: d, displayDomain: d },
      expiresAt: Date.now() + 24 * 3600 * 1000,
    });

  const bare = Fastify({ logger: { level: "info", stream: nullStream } });
  bare.post("/bare", async () => ({ ok: true }));
  await bare.listen({ host: "127.0.0.1", port: 0 });
  const barePort = (bare.server.address() as { port: number }).port;

  const body = JSON.stringify({ domains });
  const check = await autocannon(`http://127.0.0.1:${port}/api/v1/check`, body);
  const baseline = await autocannon(`http://127.0.0.1:${barePort}/bare`, "{}");
  // What the add-in sends: the compact view (grades and reasons, no MX details).
  const compact = await autocannon(`http://127.0.0.1:${port}/api/v1/check?view=compact`, body);
  // Latency at a steady 1,000 requests/s, as an add-in fleet would send them, not at saturation
  // (where p99 measures the queue on two cores shared with the load generator).
  const steady = await autocannon(`http://127.0.0.1:${port}/api/v1/check`, body, 1000);
  const steadyBase = await autocannon(`http://127.0.0.1:${barePort}/bare`, "{}", 1000);

  // Burst: 1,000 concurrent requests for one domain nobody has asked for yet.
  const before = prober.probes;
  const burst = await Promise.all(
    Array.from({ length: 1000 }, () =>
      fetch(`http://127.0.0.1:${port}/api/v1/domains/bench7.test`).then(
        (r) => r.json() as Promise<{ grade: string }>,
      ),
    ),
  );
  const burstProbes = prober.probes - before;
  const grades = new Set(burst.map((r) => r.grade));

  const ratio = check.requests.average / baseline.requests.average;
  const md = `Each cached check answers with about ${(body.length / 1000).toFixed(1)} KB of request and ${((await (await fetch(`http://127.0.0.1:${port}/api/v1/check`, { method: "POST", headers: { "content-type": "application/json" }, body })).text()).length / 1000).toFixed(1)} KB of JSON; the baseline answers 11 bytes.

Command: \`npm run bench:service\` (${machine()}). autocannon, 20 connections, 10 s each, from a separate process; both servers in one process with the same logger settings (info, discarded).

| measurement | ours | baseline: bare fastify route returning a constant | ratio | goal |
|---|---|---|---|---|
| cached \`POST /api/v1/check\`, 20 domains: requests/s | ${check.requests.average.toFixed(0)} | ${baseline.requests.average.toFixed(0)} | **${ratio.toFixed(2)}×** | ≥ 0.5× ${ratio >= 0.5 ? "met" : "NOT met"} |
| cached \`POST /api/v1/check?view=compact\` (what the add-in sends), 20 domains: requests/s | ${compact.requests.average.toFixed(0)} | ${baseline.requests.average.toFixed(0)} | **${(compact.requests.average / baseline.requests.average).toFixed(2)}×** | ≥ 0.5× ${compact.requests.average / baseline.requests.average >= 0.5 ? "met" : "NOT met"} |
| latency at saturation, p50 / p99 (ms) | ${fmt(check.latency.p50)} / ${fmt(check.latency.p99)} | ${fmt(baseline.latency.p50)} / ${fmt(baseline.latency.p99)} | | |
| latency at a steady 1,000 requests/s, p50 / p99 (ms) | ${fmt(steady.latency.p50)} / ${fmt(steady.latency.p99)} | ${fmt(steadyBase.latency.p50)} / ${fmt(steadyBase.latency.p99)} | | p99 ≤ 5 ms ${steady.latency.p99 <= 5 ? "met" : "NOT met"} |
| errors / non-2xx | ${check.errors} / ${check.non2xx} | ${baseline.errors} / ${baseline.non2xx} | | |
| 1,000 concurrent requests for one uncached domain: probes run | **${burstProbes}** (grades: ${[...grades].join(", ")}) | | | exactly 1 ${burstProbes === 1 ? "met" : "NOT met"} |`;
  console.log(md);
  writeSection("service", md);
  await app.close();
  await bare.close();
  await store.close();
}

runWithHarness(run);
