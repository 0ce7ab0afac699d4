/**
 * Throughput of several routes measured in short alternating slices: autocannon (20 connections)
 * against each URL in turn for SLICE seconds, SLICES times over. This machine's speed drifts by a
 * third over a few seconds (a virtual machine sharing its host); one 5 s run per route measures the
 * drift as much as the route, while routes measured in the same second each see the same machine.
 * Runs as its own process: tsx bench/alternate-load.ts SLICE SLICES BODY URL...; prints JSON.
 */
import autocannon from "autocannon";

export interface SliceResult {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** Per URL, its slices in order. */
export type AlternateResult = Record<string, SliceResult[]>;

function slice(url: string, seconds: number, body: string): Promise<SliceResult> {
  return new Promise((resolve, reject) =>
    autocannon(
      {
        url,
        connections: 20,
        duration: seconds,
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      },
      (err, r) =>
        err
          ? reject(err)
          : resolve({
              requests: r.requests.total,
              seconds: r.duration,
              p50: r.latency.p50,
              p99: r.latency.p99,
              errors: r.errors,
              non2xx: r.non2xx,
            }),
    ),
  );
}

async function main() {
  const [sliceSeconds, slices, body, ...urls] = process.argv.slice(2);
  const out: AlternateResult = Object.fromEntries(urls.map((u) => [u, []]));
  for (let i = 0; i < Number(slices); i++)
    for (const url of urls) out[url].push(await slice(url, Number(sliceSeconds), body));
  process.stdout.write(JSON.stringify(out));
}

if (require.main === module)
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
