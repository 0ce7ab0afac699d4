/**
 * The per-request HTTP metrics (requests by method, route and status; latency by method and
 * route), counted in plain numbers and read by prom-client when /metrics is scraped. prom-client's
 * own Counter and Histogram validate and hash the labels on every call, which cost more than a
 * cached check's handler; here a request is two Map look-ups and a few additions. The exposition
 * is the same as prom-client's (tested against it).
 */
import type { Registry } from "prom-client";

interface RouteRecord {
  method: string;
  route: string;
  statuses: Map<number, number>;
  /** Observations per bucket (not cumulative); the last is above every bound. */
  buckets: number[];
  sum: number;
  count: number;
}

/** A metric as prom-client's registry reads it (what its own metrics' get() returns). */
interface RegistryMetric {
  name: string;
  help: string;
  type: "counter" | "histogram";
  aggregator: "sum";
  reset(): void;
  get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: { labels: Record<string, string | number>; value: number; metricName?: string }[];
  }>;
}

/** Past this many method-and-route pairs (routes are the app's own, so never in practice) new ones are not counted. */
const MAX_ROUTES = 1000;

export interface HttpMetricsOptions {
  requestsName: string;
  requestsHelp: string;
  latencyName: string;
  latencyHelp: string;
  /** Upper bounds in seconds, ascending. */
  buckets: readonly number[];
}

export class HttpMetrics {
  private readonly byMethod = new Map<string, Map<string, RouteRecord>>();
  private size = 0;

  constructor(private readonly opts: HttpMetricsOptions) {}

  /** One finished request. */
  record(method: string, route: string, status: number, seconds: number): void {
    let routes = this.byMethod.get(method);
    if (!routes) this.byMethod.set(method, (routes = new Map()));
    let r = routes.get(route);
    if (!r) {
      if (this.size >= MAX_ROUTES) return;
      this.size++;
      const buckets = new Array<number>(this.opts.buckets.length + 1).fill(0);
      routes.set(route, (r = { method, route, statuses: new Map(), buckets, sum: 0, count: 0 }));
    }
    r.statuses.set(status, (r.statuses.get(status) ?? 0) + 1);
    const bounds = this.opts.buckets;
    let i = 0;
    while (i < bounds.length && seconds > bounds[i]) i++;
    r.buckets[i]++;
    r.sum += seconds;
    r.count++;
  }

  /** Back to nothing counted (the registry's resetMetrics). */
  reset(): void {
    this.byMethod.clear();
    this.size = 0;
  }

  /** Adds the two metrics to a registry. */
  register(registry: Registry): void {
    const { opts } = this;
    const records = () => [...this.byMethod.values()].flatMap((m) => [...m.values()]);
    const requests: RegistryMetric = {
      name: opts.requestsName,
      help: opts.requestsHelp,
      type: "counter",
      aggregator: "sum",
      reset: () => this.reset(),
      get: async () => ({
        ...meta(requests),
        values: records().flatMap((r) =>
          [...r.statuses].map(([status, value]) => ({
            labels: { method: r.method, route: r.route, status: String(status) },
            value,
          })),
        ),
      }),
    };
    const latency: RegistryMetric = {
      name: opts.latencyName,
      help: opts.latencyHelp,
      type: "histogram",
      aggregator: "sum",
      reset: () => this.reset(),
      get: async () => ({
        ...meta(latency),
        values: records().flatMap((r) => {
          const labels = { method: r.method, route: r.route };
          let cumulative = 0;
          const out: { labels: Record<string, string | number>; value: number; metricName: string }[] =
            opts.buckets.map((le, i) => {
              cumulative += r.buckets[i];
              return {
                labels: { le, ...labels },
                value: cumulative,
                metricName: `${opts.latencyName}_bucket`,
              };
            });
          out.push(
            { labels: { le: "+Inf", ...labels }, value: r.count, metricName: `${opts.latencyName}_bucket` },
            { labels, value: r.sum, metricName: `${opts.latencyName}_sum` },
            { labels, value: r.count, metricName: `${opts.latencyName}_count` },
          );
          return out;
        }),
      }),
    };
    // The registry takes any metric with a name and get() (prom-client's own are such objects).
    registry.registerMetric(requests as unknown as Parameters<Registry["registerMetric"]>[0]);
    registry.registerMetric(latency as unknown as Parameters<Registry["registerMetric"]>[0]);
  }
}

function meta(m: RegistryMetric) {
  return { name: m.name, help: m.help, type: m.type, aggregator: m.aggregator };
}
