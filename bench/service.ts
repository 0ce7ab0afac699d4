/**
 * Service throughput: the cached POST /api/v1/check with 20 domains (full and compact views)
 * against the same bytes from a bare fastify route that returns them as a precomputed string (the
 * real limit: everything beyond writing those bytes is our request path), with a constant route as
 * a second reference line; then latency at a steady 1,000 requests/s against that same-bytes
 * baseline, and a burst of 1,000 concurrent requests for one uncached domain, which must run
 * exactly one probe. Where `taskset` exists the service process is pinned to CPU 0 and the load
 * generators to CPU 1, so neither takes the other's core. Real probes go to the local harness.
 * Run as root: npm run bench:service
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
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
import type { AlternateResult, SliceResult } from "./alternate-load";
import type { PacedResult } from "./paced-load";
import { fmt, machine, runWithHarness, writeSection } from "./report";

const nullStream = { write: () => undefined };

interface Load {
  requests: { average: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  non2xx: number;
}

const seconds = process.env.BENCH_SECONDS ?? "5";

/** taskset, when this machine has it and more than one CPU: `[cmd, ...args]` pinned to `cpu`. */
const hasTaskset = (() => {
  try {
    execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
const pinned = (cpu: number, cmd: string, args: string[]): [string, string[]] =>
  hasTaskset ? ["taskset", ["-c", String(cpu), cmd, ...args]] : [cmd, args];

// The service (this process) on CPU 0: re-run pinned, once.
if (hasTaskset && process.env.BENCH_PINNED !== "1") {
  const r = spawnSync(
    "taskset",
    ["-c", "0", process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    {
      stdio: "inherit",
      env: { ...process.env, BENCH_PINNED: "1" },
    },
  );
  process.exit(r.status ?? 1);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Steady-rate latency from a separate process (see paced-load.ts for why not autocannon -R). */
function paced(url: string, rate: number, body?: string): Promise<PacedResult> {
  return new Promise((resolve, reject) => {
    const [cmd, args] = pinned(1, join(__dirname, "..", "node_modules", ".bin", "tsx"), [
      join(__dirname, "paced-load.ts"),
      url,
      String(rate),
      seconds,
      ...(body ? [body] : []),
    ]);
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`paced-load exited ${code}`)),
    );
  });
}

function autocannon(url: string, body?: string, duration = seconds): Promise<Load> {
  const args = ["-c", "20", "-d", duration, "-j"];
  if (body) args.push("-m", "POST", "-H", "content-type=application/json", "-b", body);
  return new Promise((resolve, reject) => {
    const [cmd, pargs] = pinned(1, join(__dirname, "..", "node_modules", ".bin", "autocannon"), [
      ...args,
      url,
    ]);
    const child = spawn(cmd, pargs, { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`autocannon exited ${code}`)),
    );
  });
}

/** Throughput in alternating slices from a separate, pinned process (see alternate-load.ts). */
function alternate(
  urls: string[],
  body: string,
  slices: number,
  sliceSeconds: number,
): Promise<AlternateResult> {
  return new Promise((resolve, reject) => {
    const [cmd, args] = pinned(1, join(__dirname, "..", "node_modules", ".bin", "tsx"), [
      join(__dirname, "alternate-load.ts"),
      String(sliceSeconds),
      String(slices),
      body,
      ...urls,
    ]);
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`alternate-load exited ${code}`)),
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

  const body = JSON.stringify({ domains });
  const checkUrl = `http://127.0.0.1:${port}/api/v1/check`;
  const answer = async (url: string) =>
    (await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body })).text();
  const fullBytes = await answer(checkUrl);
  const compactBytes = await answer(`${checkUrl}?view=compact`);

  // The baselines: the same bytes as a precomputed string, and a constant, from a bare fastify
  // with the same logger settings; the same request body is sent to each (and parsed).
  const bare = Fastify({ logger: { level: "info", stream: nullStream } });
  bare.post("/full", (_req, reply) => reply.type("application/json; charset=utf-8").send(fullBytes));
  bare.post("/compact", (_req, reply) => reply.type("application/json; charset=utf-8").send(compactBytes));
  bare.post("/bare", async () => ({ ok: true }));
  await bare.listen({ host: "127.0.0.1", port: 0 });
  const barePort = (bare.server.address() as { port: number }).port;
  const bareUrl = (p: string) => `http://127.0.0.1:${barePort}${p}`;

  // This machine's speed drifts by a third within seconds, so throughput is measured in 1 s slices,
  // ours and its same-bytes baseline in turn (then the constant), many times over: each pair of
  // slices sees the same machine. Ratios are of the totals; each slice pair's ratio is kept too.
  const slices = Number(process.env.BENCH_SLICES ?? "15");
  const sliceSeconds = Number(process.env.BENCH_SLICE_SECONDS ?? "1");
  // Warm-up, not counted: each route under load until the JIT has compiled its path (ours runs far
  // more code than the bare routes, so its first seconds would measure the compiler).
  for (const url of [checkUrl, `${checkUrl}?view=compact`, bareUrl("/full"), bareUrl("/compact")])
    await autocannon(url, body, "3");
  const compactUrl = `${checkUrl}?view=compact`;
  const thr = await alternate(
    [checkUrl, bareUrl("/full"), compactUrl, bareUrl("/compact"), bareUrl("/bare")],
    body,
    slices,
    sliceSeconds,
  );
  const through = {
    check: thr[checkUrl],
    sameFull: thr[bareUrl("/full")],
    compact: thr[compactUrl],
    sameCompact: thr[bareUrl("/compact")],
    constant: thr[bareUrl("/bare")],
  };
  // Latency at a steady 1,000 requests/s, evenly spaced, as an add-in fleet would send them, not
  // at saturation (where p99 measures the queue on two cores shared with the load generator);
  // alternating rounds.
  const rounds = Number(process.env.BENCH_ROUNDS ?? "3");
  const lat = {
    check: [] as PacedResult[],
    same: [] as PacedResult[],
    compact: [] as PacedResult[],
    sameCompact: [] as PacedResult[],
  };
  for (let i = 0; i < rounds; i++) {
    lat.check.push(await paced(checkUrl, 1000, body));
    lat.same.push(await paced(bareUrl("/full"), 1000, body));
    lat.compact.push(await paced(compactUrl, 1000, body));
    lat.sameCompact.push(await paced(bareUrl("/compact"), 1000, body));
  }
  const total = (l: SliceResult[]) => l.reduce((n, x) => n + x.requests, 0);
  const rps = (l: SliceResult[]) => total(l) / l.reduce((n, x) => n + x.seconds, 0);
  const ratioOf = (ours: SliceResult[], base: SliceResult[]) => rps(ours) / rps(base);
  const sliceRatios = (ours: SliceResult[], base: SliceResult[]) => {
    const r = ours
      .map((x, i) => x.requests / x.seconds / (base[i].requests / base[i].seconds))
      .sort((a, b) => a - b);
    return `${fmt(r[0])}–${fmt(r[r.length - 1])}, median ${fmt(median(r))}`;
  };
  const pick = (l: PacedResult[], k: keyof PacedResult) => median(l.map((x) => x[k]));
  const sat = (l: SliceResult[]) =>
    `${fmt(median(l.map((x) => x.p50)))} / ${fmt(median(l.map((x) => x.p99)))}`;
  const errors = [...through.check, ...through.compact].reduce((n, x) => n + x.errors + x.non2xx, 0);

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

  const ratio = ratioOf(through.check, through.sameFull);
  const compactRatio = ratioOf(through.compact, through.sameCompact);
  const p99Ratio = median(lat.check.map((x, i) => x.p99 / lat.same[i].p99));
  const compactP99Ratio = median(lat.compact.map((x, i) => x.p99 / lat.sameCompact[i].p99));
  const kb = (s: string) => (Buffer.byteLength(s) / 1000).toFixed(1);
  const goal = (ok: boolean) => (ok ? "met" : "NOT met");
  const md = `Each cached check sends ${kb(body)} KB and gets ${kb(fullBytes)} KB of JSON back (${kb(compactBytes)} KB in the compact view).

Command: \`npm run bench:service\` (${machine()}${hasTaskset ? "; the service pinned to CPU 0 and the load generators to CPU 1 with taskset" : "; no taskset"}). Throughput: autocannon, 20 connections, from a separate process, in ${slices} rounds of ${sliceSeconds} s slices taken in turn (ours full, same bytes, ours compact, same bytes, constant), after 3 s of warm-up load on each route that is not counted; requests/s and ratios are of the totals, with the range of the slice pairs' ratios; latency at a steady rate: \`bench/paced-load.ts\` from a separate process. The service runs with its production plugins (rate limit, CORS, security headers, request log at info, metrics), logs discarded. The baseline is a bare fastify route in the same process, with the same logger settings, answering the same request with **the same bytes** as a precomputed string; a bare route returning a constant (11 bytes) is the second reference line.

Latency at a steady rate: the median of ${rounds} alternating rounds of ${seconds} s each, ratios the medians of each round's ratio.

| measurement | ours | baseline: the same bytes from a bare route | ratio | goal |
|---|---|---|---|---|
| cached \`POST /api/v1/check\`, 20 domains: requests/s | ${rps(through.check).toFixed(0)} | ${rps(through.sameFull).toFixed(0)} | **${ratio.toFixed(3)}×** (slice pairs ${sliceRatios(through.check, through.sameFull)}) | ≥ 0.8× ${goal(ratio >= 0.8)} |
| cached \`POST /api/v1/check?view=compact\` (what the add-in sends): requests/s | ${rps(through.compact).toFixed(0)} | ${rps(through.sameCompact).toFixed(0)} | **${compactRatio.toFixed(3)}×** (slice pairs ${sliceRatios(through.compact, through.sameCompact)}) | ≥ 0.8× ${goal(compactRatio >= 0.8)} |
| second reference: a bare route returning a constant, requests/s | | ${rps(through.constant).toFixed(0)} | | |
| latency at saturation, p50 / p99 (ms): full, compact | ${sat(through.check)}, ${sat(through.compact)} | ${sat(through.sameFull)}, ${sat(through.sameCompact)} | | |
| latency at a steady 1,000 requests/s (\`bench/paced-load.ts\`), full: p50 / p99 / max (ms) | ${fmt(pick(lat.check, "p50"))} / ${fmt(pick(lat.check, "p99"))} / ${fmt(pick(lat.check, "max"))} (p99 rounds: ${lat.check.map((x) => fmt(x.p99)).join(", ")}) | ${fmt(pick(lat.same, "p50"))} / ${fmt(pick(lat.same, "p99"))} / ${fmt(pick(lat.same, "max"))} (p99 rounds: ${lat.same.map((x) => fmt(x.p99)).join(", ")}) | p99 **${p99Ratio.toFixed(2)}×** | p99 ≤ 1.5× ${goal(p99Ratio <= 1.5)} |
| … compact: p50 / p99 / max (ms) | ${fmt(pick(lat.compact, "p50"))} / ${fmt(pick(lat.compact, "p99"))} / ${fmt(pick(lat.compact, "max"))} | ${fmt(pick(lat.sameCompact, "p50"))} / ${fmt(pick(lat.sameCompact, "p99"))} / ${fmt(pick(lat.sameCompact, "max"))} | p99 **${compactP99Ratio.toFixed(2)}×** | p99 ≤ 1.5× ${goal(compactP99Ratio <= 1.5)} |
| … failed requests at that rate | ${[...lat.check, ...lat.compact].reduce((n, x) => n + x.failed, 0)} | ${[...lat.same, ...lat.sameCompact].reduce((n, x) => n + x.failed, 0)} | | |
| errors / non-2xx under saturation | ${errors} | | | |
| 1,000 concurrent requests for one uncached domain: probes run | **${burstProbes}** (grades: ${[...grades].join(", ")}) | | | exactly 1 ${goal(burstProbes === 1)} |`;
  console.log(md);
  writeSection("service", md);
  await app.close();
  await bare.close();
  await store.close();
}

runWithHarness(run);
