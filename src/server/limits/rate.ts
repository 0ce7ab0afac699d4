import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { Redis } from "ioredis";
import { isRefresh } from "../api/check";
import type { Caller } from "../auth";
import type { ServerConfig } from "../config";
import type { Authenticator } from "../context";

/** Who a request counts against: a verified credential, else its address. */
export function clientId(req: FastifyRequest, caller: Caller | undefined): string {
  return caller?.rateKey ? "cred:" + caller.rateKey : "ip:" + req.ip;
}

/**
 * Requests a minute per client, refreshes apart with a stricter limit; counted in Redis when there
 * is one. A client is its address (the proxy's X-Forwarded-For only with MAILTLS_TRUST_PROXY) until
 * a credential it presents has verified: a made-up key or token per request must not buy a fresh
 * bucket. The download pages count by address, always.
 */
export const rateLimits = fp(
  async (app: FastifyInstance, opts: { config: ServerConfig; auth: Authenticator; redis?: Redis }) => {
    const { config, auth } = opts;
    async function clientKey(req: FastifyRequest): Promise<string> {
      if (req.url.startsWith("/d/")) return "ip:" + req.ip;
      return clientId(req, await auth.verified(req));
    }
    await app.register(rateLimit, {
      global: true,
      redis: opts.redis,
      skipOnError: true,
      timeWindow: 60_000,
      // Refreshes are counted apart, with their own, stricter limit.
      keyGenerator: async (req) => (isRefresh(req) ? "refresh:" : "") + (await clientKey(req)),
      max: (req) => (isRefresh(req) ? config.refreshRateLimitPerMinute : config.rateLimitPerMinute),
      allowList: (req) => req.url === "/healthz" || req.url === "/readyz" || req.url === "/metrics",
      errorResponseBuilder: (_req, ctx) =>
        Object.assign(new Error(`too many requests: at most ${ctx.max} a minute, retry in ${ctx.after}`), {
          statusCode: 429,
        }),
    });
  },
);
