import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

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
    cacheHits: new Counter({
      name: "mailtls_cache_hits_total",
      help: "Verdicts served fresh from the cache",
      registers: [registry],
    }),
    cacheMisses: new Counter({
      name: "mailtls_cache_misses_total",
      help: "Look-ups that needed a probe",
      registers: [registry],
    }),
    requests: new Counter({
      name: "mailtls_http_requests_total",
      help: "HTTP requests by route and status",
      labelNames: ["method", "route", "status"],
      registers: [registry],
    }),
    latency: new Histogram({
      name: "mailtls_http_request_duration_seconds",
      help: "HTTP request latency by route",
      labelNames: ["method", "route"],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
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
