import cors from "@fastify/cors";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/** Security headers for JSON answers: nothing in them may be rendered, framed or sniffed. */
export const API_SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "strict-transport-security": "max-age=31536000; includeSubDomains",
  "referrer-policy": "no-referrer",
} as const;

/**
 * JSON answers carry a fixed, small set of security headers; Helmet's full set (with the pages'
 * content security policy) is registered with the pages in static.ts, where it means something.
 * Running Helmet on every API answer cost about a tenth of the service's CPU per request. CORS
 * allows only the add-in's origin (the public URL's).
 */
export const apiSecurity = fp(async (app: FastifyInstance, opts: { publicUrl: string }) => {
  // Fastify's own headers (not the raw response's): when the raw response has none, Node writes
  // the header block from fastify's object in one pass instead of setting each header again. The
  // pages take these off before Helmet writes theirs (static.ts).
  app.addHook("onRequest", (_req, reply, done) => {
    reply.headers(API_SECURITY_HEADERS);
    done();
  });
  await app.register(cors, {
    origin: [new URL(opts.publicUrl).origin],
    methods: ["GET", "POST"],
    maxAge: 600,
  });
});
