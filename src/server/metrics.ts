import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { HttpMetrics } from "./http/httpMetrics";

/** The service's Prometheus metrics, on a registry of its own (so tests can run several apps). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "mailtls_process_" });
  const sources = {
    probeQueue: (): { running: number; queued: number } => ({ running: 0, queued: 0 }),
    cacheBytes: (): number => 0,
  };
  new Gauge({
    name: "mailtls_cache_bytes",
    help: "Memory the verdicts held in front of the store are reckoned to take (bounded by MAILTLS_CACHE_MB)",
    registers: [registry],
    collect() {
      this.set(sources.cacheBytes());
    },
  });
  new Gauge({
    name: "mailtls_probe_queue",
    help: "Probes running and waiting under the admission limit",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      const q = sources.probeQueue();
      this.set({ state: "running" }, q.running);
      this.set({ state: "queued" }, q.queued);
    },
  });
  let hitsPending = 0;
  const cacheHits = {
    inc(n = 1) {
      hitsPending += n;
    },
  };
  new Counter({
    name: "mailtls_cache_hits_total",
    help: "Verdicts served fresh from the cache",
    registers: [registry],
    collect() {
      if (hitsPending > 0) this.inc(hitsPending);
      hitsPending = 0;
    },
  });
  const http = new HttpMetrics({
    requestsName: "mailtls_http_requests_total",
    requestsHelp: "HTTP requests by route and status",
    latencyName: "mailtls_http_request_duration_seconds",
    latencyHelp: "HTTP request latency by route",
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30],
  });
  http.register(registry);
  return {
    registry,
    /** Where the gauges read their figures. */
    watch(from: Partial<typeof sources>) {
      Object.assign(sources, from);
    },
    probes: new Counter({
      name: "mailtls_probes_total",
      help: "Probes run, by resulting grade",
      labelNames: ["grade"],
      registers: [registry],
    }),
    probesRefused: new Counter({
      name: "mailtls_probes_refused_total",
      help: "Probes not started because the queue (scope=service) or the client's share (scope=client) was full",
      labelNames: ["scope"],
      registers: [registry],
    }),
    /** Counted in a plain number (one per domain of every cached check) and handed over at scrape time. */
    cacheHits,
    cacheMisses: new Counter({
      name: "mailtls_cache_misses_total",
      help: "Look-ups that needed a probe",
      registers: [registry],
    }),
    /** Requests by method, route and status, and their latency (see http/httpMetrics.ts). */
    http,
    downloadCodes: new Counter({
      name: "mailtls_download_codes_total",
      help: "One-time download code requests, by what became of them (sent, not-recipient, too-many, unavailable, send-failed, dropped)",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    storeErrors: new Counter({
      name: "mailtls_store_errors_total",
      help: "Cache store operations that failed",
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
