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
    // Synchronous unless a credential was presented (only then is there anything to verify).
    function clientKey(req: FastifyRequest): string | Promise<string> {
      if (req.url.startsWith("/d/") || !auth.presents(req)) return "ip:" + req.ip;
      return auth.verified(req).then((caller) => clientId(req, caller));
    }
    await app.register(rateLimit, {
      global: true,
      redis: opts.redis,
      skipOnError: true,
      timeWindow: 60_000,
      // Refreshes are counted apart, with their own, stricter limit.
      keyGenerator: (req) => {
        const key = clientKey(req);
        if (!isRefresh(req)) return key;
        return typeof key === "string" ? "refresh:" + key : key.then((k) => "refresh:" + k);
      },
      max: (req) => (isRefresh(req) ? config.refreshRateLimitPerMinute : config.rateLimitPerMinute),
      errorResponseBuilder: (_req, ctx) =>
        Object.assign(new Error(`too many requests: at most ${ctx.max} a minute, retry in ${ctx.after}`), {
          statusCode: 429,
        }),
    });
  },
);
