/**
 * Soak: 60 s of mixed traffic at a steady rate against the service in a child process — cached
 * checks, uncached probes against the harness, uploads and downloads, bad inputs, slow bodies —
 * sampling the child's heap (after a full collection), RSS and open files. The baseline is the
 * same service after its warm-up, in the same run: at the end each figure must be flat against it.
 * Run as root: npm run bench:soak
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { harnessEnv } from "../test/helpers/probe";
import { machine, median, runWithHarness, writeSection } from "./report";

const SECONDS = Number(process.env.SOAK_SECONDS ?? "60");
const RATE = Number(process.env.SOAK_RATE ?? "200");
const KEY = "soak-key";

interface Sample {
  t: number;
  heap: number;
  rss: number;
  fds: number;
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
}
const fdsOf = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;
const mb = (b: number) => (b / 1e6).toFixed(1);

async function startChild(): Promise<{ child: ChildProcess; port: number; dir: string; heap: () => number }> {
  const env = harnessEnv({
    MAILTLS_API_KEYS: KEY,
    MAILTLS_RATE_LIMIT: "1000000",
    MAILTLS_REFRESH_RATE_LIMIT: "1000000",
    MAILTLS_LINK_RATE_LIMIT: "1000000",
    MAILTLS_PROBE_QUEUE_PER_CLIENT: "100000",
    // The load comes from one client: its uploads in parallel are many clients' in use.
    MAILTLS_UPLOADS_PER_CLIENT: "16",
    MAILTLS_REQUEST_TIMEOUT_MS: "3000",
    MAILTLS_MAX_WAIT_MS: "1000",
    MAILTLS_LOG_LEVEL: "info",
    // A small verdict cache, so that a minute of new names fills it: flat then means bounded.
    MAILTLS_CACHE_MB: "2",
  });
  const child = fork(join(__dirname, "soak-service.ts"), {
    env: env as NodeJS.ProcessEnv,
    execArgv: ["--expose-gc", "--require", "tsx/cjs"],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  let heap = 0;
  const ready = await new Promise<{ port: number; dir: string }>((resolve, reject) => {
    child.on("message", (m: { port?: number; dir?: string; heap?: number }) => {
      if (m.port) resolve({ port: m.port, dir: m.dir as string });
      if (m.heap) heap = m.heap;
    });
    child.once("exit", (code) => reject(new Error(`the service exited with ${code}`)));
  });
  return { child, ...ready, heap: () => heap };
}

/** A client that sends its body a byte every 200 ms: the service must cut it off. */
function slowBody(port: number): Promise<void> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port });
    s.on("error", () => undefined);
    s.write(
      "POST /api/v1/check HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n",
    );
    const t = setInterval(() => s.writable && s.write("{"), 200);
    s.on("close", () => {
      clearInterval(t);
      resolve();
    });
  });
}

async function run() {
  const svc = await startChild();
  const base = `http://127.0.0.1:${svc.port}`;
  const headers = { "content-type": "application/json", "x-api-key": KEY };
  const cached = Array.from({ length: 20 }, (_, i) => `c${i}.bulk.test`);
  // Warm-up: the cached names get their verdicts.
  await fetch(`${base}/api/v1/check?waitMs=15000`, {
    method: "POST",
    headers,
    body: JSON.stringify({ domains: cached }),
  });
  const counts = { sent: 0, ok: 0, expected4xx: 0, failed: 0, probes: 0, uploads: 0, downloads: 0, slow: 0 };
  let fresh = 0;
  const actions: Array<() => Promise<unknown>> = [
    // 60 %: cached checks, as the add-in sends them.
    ...Array(12).fill(() =>
      fetch(`${base}/api/v1/check?view=compact`, {
        method: "POST",
        headers,
        body: JSON.stringify({ domains: cached }),
      }),
    ),
    // 10 %: names never asked for: real probes against the harness.
    ...Array(2).fill(() => {
      counts.probes++;
      return fetch(`${base}/api/v1/check?waitMs=0`, {
        method: "POST",
        headers,
        body: JSON.stringify({ domains: [`n${fresh++}.bulk.test`] }),
      });
    }),
    // 10 %: an upload, its page and its download.
    ...Array(2).fill(async () => {
      counts.uploads++;
      const up = await fetch(`${base}/api/v1/files?name=soak.bin`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream", "x-api-key": KEY },
        body: randomBytes(64_000),
      });
      const { token } = (await up.json()) as { token?: string };
      if (!token) return up;
      await (await fetch(`${base}/d/${token}`)).text();
      const down = await fetch(`${base}/d/${token}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "",
      });
      if ((await down.arrayBuffer()).byteLength === 64_000) counts.downloads++;
      return down;
    }),
    // 20 %: bad input of every kind.
    () => fetch(`${base}/api/v1/domains/not_a_domain`, { headers: { "x-api-key": KEY } }),
    () => fetch(`${base}/api/v1/check`, { method: "POST", headers, body: "{not json" }),
    () => fetch(`${base}/api/v1/nothing/${"x".repeat(8000)}`),
    () =>
      fetch(`${base}/api/v1/check`, {
        method: "POST",
        headers,
        body: JSON.stringify({ domains: ["x".repeat(70_000)] }),
      }),
  ];
  const samples: Sample[] = [];
  const t0 = Date.now();
  const sample = () =>
    samples.push({
      t: (Date.now() - t0) / 1000,
      heap: svc.heap(),
      rss: rssOf(svc.child.pid as number),
      fds: fdsOf(svc.child.pid as number),
    });
  const sampler = setInterval(sample, 1000);
  // Five slow clients at all times, each replaced when the service cuts it off.
  let slowing = true;
  const slowLoop = async () => {
    while (slowing) {
      await slowBody(svc.port);
      counts.slow++;
    }
  };
  const slow = Array.from({ length: 5 }, slowLoop);
  await new Promise<void>((resolve) => {
    let i = 0;
    const tick = setInterval(() => {
      if (Date.now() - t0 >= SECONDS * 1000) {
        clearInterval(tick);
        return resolve();
      }
      // RATE requests a second, evenly: one every 1000/RATE ms.
      const due = Math.floor(((Date.now() - t0) / 1000) * RATE);
      while (counts.sent < due) {
        counts.sent++;
        const act = actions[i++ % actions.length];
        act().then(
          (r) => {
            const status = (r as Response).status;
            if (status < 400) counts.ok++;
            else if (status < 500) counts.expected4xx++;
            else counts.failed++;
          },
          () => counts.failed++,
        );
      }
    }, 5);
  });
  slowing = false;
  await Promise.all(slow);
  // Idle for a few seconds: connections close, timers end.
  await new Promise((r) => setTimeout(r, 5000));
  sample();
  clearInterval(sampler);
  svc.child.send("stop");

  const window = (from: number, to: number) => samples.filter((s) => s.t >= from && s.t < to);
  const start = window(5, 15);
  const end = window(SECONDS - 10, SECONDS);
  const after = samples[samples.length - 1];
  const med = (xs: Sample[], k: keyof Sample) => median(xs.map((s) => s[k]));
  const rows = (["heap", "rss", "fds"] as const).map((k) => {
    const a = med(start, k);
    const b = med(end, k);
    const fmt = (v: number) => (k === "fds" ? String(v) : `${mb(v)} MB`);
    return {
      k,
      a,
      b,
      ratio: b / a,
      line: `| ${k === "heap" ? "heap after a full GC" : k === "rss" ? "RSS" : "open files (fds)"} | ${fmt(a)} | ${fmt(b)} | ${fmt(after[k])} | **${(b / a).toFixed(2)}×** |`,
    };
  });
  const flat = rows.every((r) => r.ratio <= 1.1 || (r.k !== "fds" && r.b - r.a < 5e6));
  const md = `Command: \`npm run bench:soak\` (${machine()}). ${SECONDS} s at ${RATE} requests/s, steady, from this process to the service in a child process (SQLite, real probes against the harness): 60 % cached checks (20 names, compact), 10 % new names (real probes, ${counts.probes} in all), 10 % uploads of 64 KB each with their page and download (${counts.downloads} downloaded), 20 % bad input (bad domain, bad JSON, an 8 KB unknown path, a 70 KB body); and five clients at all times sending a body a byte every 200 ms (${counts.slow} cut off by the 3 s request timeout). Answers: ${counts.ok} 2xx/3xx, ${counts.expected4xx} 4xx (the bad input), ${counts.failed} 5xx or failed.

The service runs with \`MAILTLS_CACHE_MB=2\`, so that the minute's new verdicts fill its cache: a flat heap then shows the bound holding, not an empty cache. Baseline: the same service between 5 s and 15 s (after the warm-up); end: the last 10 s of load; medians of one sample a second. "After" is 5 s after the load stopped.

| figure | baseline | end of load | after | end ÷ baseline |
|---|---|---|---|---|
${rows.map((r) => r.line).join("\n")}

Flat: ${flat ? "yes" : "NO"} (each figure within 10 % of its baseline, or heap and RSS within 5 MB).`;
  console.log(md);
  writeSection("soak", md);
  if (counts.failed > 0) console.error(`${counts.failed} requests failed`);
}

runWithHarness(run);
