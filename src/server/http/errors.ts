import type { FastifyInstance } from "fastify";
import { InvalidDomain, type MailDomain, parseMailDomain } from "../../core/domain";
import { AuthError } from "../auth";
import { redact } from "./logging";

/** An answer with a status and a machine-readable code: `{ error: { code, message } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra headers for the answer (Retry-After, …). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Names already parsed (the add-in asks for the same partners all day); cleared when full. */
const parsed = new Map<string, MailDomain>();
const MAX_PARSED = 10_000;

export function domainOrThrow(input: string): MailDomain {
  const known = parsed.get(input);
  if (known) return known;
  try {
    const d = parseMailDomain(input);
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(input, d);
    return d;
  } catch (e) {
    if (e instanceof InvalidDomain) throw new ApiError(400, "invalid-domain", e.message);
    throw e;
  }
}

/** One error shape for every route: 4xx with a code for what the caller did, 500 without detail. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(
    (err: Error & { statusCode?: number; code?: string; validation?: unknown }, req, reply) => {
      if (err instanceof ApiError)
        return reply
          .status(err.status)
          .headers(err.headers)
          .send({ error: { code: err.code, message: err.message } });
      if (err instanceof AuthError)
        return reply.status(err.status).send({ error: { code: err.code, message: err.message } });
      if (err.code === "FST_ERR_HANDLER_TIMEOUT") {
        // Whatever was still coming is not worth reading: the connection closes after this.
        const status = req.raw.complete ? 503 : 408;
        return reply
          .status(status)
          .header("connection", "close")
          .send({
            error: {
              code: status === 408 ? "request-timeout" : "timeout",
              message:
                status === 408 ? "the request did not arrive in time" : "the answer was not ready in time",
            },
          });
      }
      if (err.validation)
        return reply.status(400).send({ error: { code: "bad-request", message: err.message } });
      if (err.code === "FST_ERR_CTP_INVALID_JSON_BODY" || err.code === "FST_ERR_CTP_EMPTY_JSON_BODY")
        return reply
          .status(400)
          .send({ error: { code: "invalid-json", message: "the request body is not valid JSON" } });
      if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE")
        return reply.status(413).send({ error: { code: "too-large", message: err.message } });
      if (err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE")
        return reply
          .status(415)
          .send({ error: { code: "unsupported-media-type", message: "send application/json" } });
      if (err.statusCode === 429)
        return reply.status(429).send({ error: { code: "rate-limited", message: err.message } });
      if (err.statusCode && err.statusCode < 500)
        return reply.status(err.statusCode).send({ error: { code: "bad-request", message: err.message } });
      req.log.error({ err }, "unhandled error");
      return reply.status(500).send({ error: { code: "internal", message: "internal error" } });
    },
  );
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({
      error: { code: "not-found", message: `no route ${req.method} ${redact(req.url.split("?")[0])}` },
    }),
  );
}
