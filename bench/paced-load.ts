/**
 * A load generator that sends requests at an even, steady rate, for latency at a given load.
 *
 * autocannon's `-R` does not do this: each connection sends its whole per-second quota back to back
 * at the start of every second and then waits, so "1,000 requests/s" is a burst of 1,000 requests
 * each second and its p99 measures the queue that burst builds (about 10–20 ms here, for a bare
 * route as much as for ours). This client spaces requests evenly and measures each from the moment
 * it was due, not from when it was sent, so a stalled server cannot hide its delay (no coordinated
 * omission). Runs as its own process: tsx bench/paced-load.ts URL RATE SECONDS [BODY]; prints JSON.
 */
import { Agent, request } from "node:http";

export interface PacedResult {
  rate: number;
  sent: number;
  ok: number;
  failed: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** p99 measured from the moment each request was actually written, without the client's timer lag. */
  p99FromSend: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function pacedLoad(url: string, rate: number, seconds: number, body?: string): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 20 });
  const target = new URL(url);
  const latencies: number[] = [];
  const fromSend: number[] = [];
  let sent = 0;
  let failed = 0;
  let inFlight = 0;
  const total = Math.round(rate * seconds);
  const start = performance.now();

  return new Promise((resolve) => {
    const finish = () => {
      agent.destroy();
      const sorted = latencies.sort((a, b) => a - b);
      resolve({
        rate,
        sent,
        ok: latencies.length,
        failed,
        p50: percentile(sorted, 50),
        p90: percentile(sorted, 90),
        p99: percentile(sorted, 99),
        max: sorted[sorted.length - 1] ?? NaN,
        p99FromSend: percentile(
          fromSend.sort((a, b) => a - b),
          99,
        ),
      });
    };
    const fire = (dueAt: number) => {
      inFlight++;
      const sentAt = performance.now();
      const req = request(
        target,
        {
          agent,
          method: body ? "POST" : "GET",
          headers: body
            ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) }
            : {},
          timeout: 10_000,
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            const now = performance.now();
            if (res.statusCode === 200) {
              latencies.push(now - dueAt);
              fromSend.push(now - sentAt);
            } else failed++;
            done();
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", () => {
        failed++;
        done();
      });
      req.end(body);
    };
    const done = () => {
      inFlight--;
      if (sent === total && inFlight === 0) finish();
    };
    // Every millisecond or so, send what is due by now; each request is timed from its due moment.
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      while (sent < due) fire(start + (sent++ * 1000) / rate);
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
}

if (require.main === module) {
  const [url, rate, seconds, body] = process.argv.slice(2);
  if (!url || !rate || !seconds) {
    console.error("usage: paced-load URL RATE SECONDS [BODY]");
    process.exit(2);
  }
  void pacedLoad(url, Number(rate), Number(seconds), body).then((r) => console.log(JSON.stringify(r)));
}
