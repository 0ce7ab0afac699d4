import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { Redis } from "ioredis";
import { isRefresh } from "../api/check";
import type { ServerConfig } from "../config";

/** Requests a minute per client, refreshes apart with a stricter limit; counted in Redis when there is one. */
export const rateLimits = fp(async (app: FastifyInstance, opts: { config: ServerConfig; redis?: Redis }) => {
  const { config } = opts;
  function clientKey(req: FastifyRequest): string {
    const k = req.headers["x-api-key"] ?? req.headers.authorization;
    return typeof k === "string" && k ? "cred:" + k.slice(-24) : "ip:" + req.ip;
  }
  await app.register(rateLimit, {
    global: true,
    redis: opts.redis,
    skipOnError: true,
    timeWindow: 60_000,
    // Refreshes are counted apart, with their own, stricter limit.
    keyGenerator: (req) => (isRefresh(req) ? "refresh:" : "") + clientKey(req),
    max: (req) => (isRefresh(req) ? config.refreshRateLimitPerMinute : config.rateLimitPerMinute),
    allowList: (req) => req.url === "/healthz" || req.url === "/readyz" || req.url === "/metrics",
    errorResponseBuilder: (_req, ctx) =>
      Object.assign(new Error(`too many requests: at most ${ctx.max} a minute, retry in ${ctx.after}`), {
        statusCode: 429,
      }),
  });
});
