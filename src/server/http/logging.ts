import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Metrics } from "../metrics";

/** Hides the local part of e-mail addresses in anything logged. */
export function redact(text: string): string {
  return text.replace(/[^\s/?&=:"'<>@]+(@|%40)/g, "***$1");
}

/** One line per request (method, URL with addresses hidden, status, time) and the HTTP metrics. */
export const requestLog = fp(async (app: FastifyInstance, opts: { metrics: Metrics }) => {
  const { metrics } = opts;
  app.addHook("onResponse", async (req, reply) => {
    const route = req.routeOptions.url ?? "unmatched";
    metrics.requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    metrics.latency.observe({ method: req.method, route }, reply.elapsedTime / 1000);
    req.log.info(
      {
        method: req.method,
        url: redact(req.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      "request",
    );
  });
});
