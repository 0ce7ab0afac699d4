/** Operations: liveness, readiness, Prometheus metrics, the OpenAPI document. */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { isIP } from "node:net";
import { AuthError, sameSecret } from "./auth";
import type { ServerContext } from "./context";

/** Straight from this machine: a loopback peer, and no proxy in between that forwarded it. */
function fromLoopback(req: FastifyRequest): boolean {
  const peer = req.raw.socket.remoteAddress ?? "";
  const loopback =
    (isIP(peer) === 4 && peer.startsWith("127.")) || peer === "::1" || peer.startsWith("::ffff:127.");
  return loopback && !req.headers["x-forwarded-for"] && !req.headers.forwarded;
}

function presentedKey(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (auth && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, "").trim();
  const key = req.headers["x-api-key"];
  return typeof key === "string" ? key : undefined;
}

/** Probes and scrapers are not rate-limited (they come often, from few places, and cost nothing). */
const UNLIMITED = { rateLimit: false } as const;

export async function ops(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { backing, metrics, config } = ctx;
  app.get("/healthz", { schema: { hide: true }, config: UNLIMITED }, async () => ({ status: "ok" }));
  app.get("/readyz", { schema: { hide: true }, config: UNLIMITED }, async (req, reply) => {
    try {
      await backing.ping();
      return { status: "ready", store: backing.kind };
    } catch (err) {
      // The cause goes to the log; the answer names only the store.
      req.log.warn({ err }, "readiness: the store does not answer");
      return reply.status(503).send({
        error: { code: "store-unavailable", message: `the ${backing.kind} store does not answer` },
      });
    }
  });
  // Metrics tell how the service is used: for this machine's own scraper, or whoever has the key.
  app.get("/metrics", { schema: { hide: true }, config: UNLIMITED }, async (req, reply) => {
    const key = presentedKey(req);
    const byKey = config.metricsKey !== undefined && key !== undefined && sameSecret(key, config.metricsKey);
    if (!byKey && !fromLoopback(req))
      throw new AuthError(
        403,
        "forbidden",
        config.metricsKey
          ? "/metrics needs the metrics key (MAILTLS_METRICS_KEY)"
          : "/metrics answers only on this machine (set MAILTLS_METRICS_KEY to scrape it from elsewhere)",
      );
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
