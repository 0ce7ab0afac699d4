/** Operations: liveness, readiness, Prometheus metrics, the OpenAPI document. */
import type { FastifyInstance } from "fastify";
import type { ServerContext } from "./context";

export async function ops(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { backing, metrics } = ctx;
  app.get("/healthz", { schema: { hide: true } }, async () => ({ status: "ok" }));
  app.get("/readyz", { schema: { hide: true } }, async (_req, reply) => {
    try {
      await backing.ping();
      return { status: "ready", store: backing.kind };
    } catch (e) {
      return reply.status(503).send({
        error: { code: "store-unavailable", message: `${backing.kind}: ${(e as Error).message}` },
      });
    }
  });
  app.get("/metrics", { schema: { hide: true } }, async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
