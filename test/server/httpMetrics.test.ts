/**
 * The HTTP metrics counted in plain numbers (http/httpMetrics.ts) must expose exactly what
 * prom-client's own Counter and Histogram expose for the same requests.
 */
import { Counter, Histogram, Registry } from "prom-client";
import { HttpMetrics } from "../../src/server/http/httpMetrics";

const BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30];
const names = {
  requestsName: "t_http_requests_total",
  requestsHelp: "HTTP requests by route and status",
  latencyName: "t_http_request_duration_seconds",
  latencyHelp: "HTTP request latency by route",
};

/** Requests of several routes, methods and statuses, with latencies on and between the bounds. */
function requests(): [string, string, number, number][] {
  const out: [string, string, number, number][] = [];
  const routes = ["/api/v1/check", "/api/v1/domains/:domain", "unmatched", "/d/:token"];
  let seed = 7;
  const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  for (let i = 0; i < 500; i++) {
    const seconds = i % 25 === 0 ? BUCKETS[i % BUCKETS.length] : next() * (i % 3 === 0 ? 40 : 0.2);
    out.push([
      i % 4 === 0 ? "GET" : "POST",
      routes[i % routes.length],
      [200, 400, 404, 429, 503][i % 5],
      seconds,
    ]);
  }
  return out;
}

it("exposes the same text as prom-client's Counter and Histogram for the same requests", async () => {
  const theirs = new Registry();
  const counter = new Counter({
    name: names.requestsName,
    help: names.requestsHelp,
    labelNames: ["method", "route", "status"],
    registers: [theirs],
  });
  const histogram = new Histogram({
    name: names.latencyName,
    help: names.latencyHelp,
    labelNames: ["method", "route"],
    buckets: BUCKETS,
    registers: [theirs],
  });
  const ours = new Registry();
  const http = new HttpMetrics({ ...names, buckets: BUCKETS });
  http.register(ours);
  for (const [method, route, status, seconds] of requests()) {
    counter.inc({ method, route, status: String(status) });
    histogram.observe({ method, route }, seconds);
    http.record(method, route, status, seconds);
  }
  // Same lines, whatever the order prom-client happens to keep label sets in.
  const lines = async (r: Registry) => (await r.metrics()).split("\n").sort();
  expect(await lines(ours)).toEqual(await lines(theirs));
  expect((await ours.getMetricsAsJSON()).map((m) => m.name)).toEqual([names.requestsName, names.latencyName]);
  ours.resetMetrics();
  expect(await ours.metrics()).not.toMatch(/route=/);
});

it("stops adding routes past its bound instead of growing", async () => {
  const http = new HttpMetrics({ ...names, buckets: BUCKETS });
  const r = new Registry();
  http.register(r);
  for (let i = 0; i < 1500; i++) http.record("GET", `/r${i}`, 200, 0.01);
  const text = await r.metrics();
  expect(text.match(/^t_http_requests_total\{/gm)?.length).toBe(1000);
});
