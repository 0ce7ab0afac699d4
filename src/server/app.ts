import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance, type FastifyRequest, LogController } from "fastify";
import type { Redis } from "ioredis";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { InvalidDomain, type MailDomain, parseMailDomain } from "../core/domain";
import { type DomainReport, GRADES, type Grade } from "../core/verdict";
import { AuthError, createAuthenticator } from "./auth";
import type { ServerConfig } from "./config";
import { registerFiles } from "./files/routes";
import { type Mailer, relayMailer } from "./mailer";
import { policyFor } from "./policies";
import { FileStore } from "./files/store";
import { type Flight, LocalFlight } from "./flight";
import { createMetrics, type Metrics } from "./metrics";
import { domainReport, errorBody, errorResponses } from "./schemas";
import { registerStatic } from "./static";
import { hotStore } from "./store/hot";
import type { VerdictStore } from "./store/types";
import { type Prober, VerdictService } from "./verdicts";

export interface AppDeps {
  store: VerdictStore;
  prober: Prober;
  flight?: Flight;
  /** Shared counters for rate limits across instances. */
  redis?: Redis;
  now?: () => number;
  /** Built pages (check page, add-in); omitted in API-only tests. */
  staticRoot?: string;
  /** Where logs go (stdout by default); tests read them. */
  logStream?: { write(line: string): void };
  /** The download-link store; by default under config.dataDir, closed with the app. */
  files?: FileStore;
  /** Sends one-time download codes; by default through config.mail's relay, when there is one. */
  mailer?: Mailer;
}

/**
 * JSON with every non-ASCII character as a \u escape: the same value, but bytes that no charset
 * guess can garble. Classic Outlook's JavaScript runtime has decoded UTF-8 answers as windows-1252
 * (OfficeDev/office-js#3892), which would turn a Japanese domain name in an info bar into mojibake.
 */
export function asciiJson(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

/** Hides the local part of e-mail addresses in anything logged. */
export function redact(text: string): string {
  return text.replace(/[^\s/?&=:"'<>@]+(@|%40)/g, "***$1");
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function domainOrThrow(input: string): MailDomain {
  try {
    return parseMailDomain(input);
  } catch (e) {
    if (e instanceof InvalidDomain) throw new ApiError(400, "invalid-domain", e.message);
    throw e;
  }
}

/** Security headers for JSON answers: nothing in them may be rendered, framed or sniffed. */
export const API_SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "strict-transport-security": "max-age=31536000; includeSubDomains",
  "referrer-policy": "no-referrer",
} as const;

export type App = FastifyInstance & { metrics: Metrics; verdicts: VerdictService };

export async function buildApp(config: ServerConfig, deps: AppDeps): Promise<App> {
  const app = Fastify({
    ...(config.tlsCert && config.tlsKey
      ? { https: { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) } }
      : {}),
    logger: {
      level: config.logLevel,
      ...(deps.logStream ? { stream: deps.logStream } : {}),
      serializers: {
        req: (req) => ({ method: req.method, url: redact(req.url) }),
      },
    },
    // Request logs are written by the hook below, with addresses redacted.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    trustProxy: config.trustProxy,
    ajv: { customOptions: { coerceTypes: "array", removeAdditional: false } },
  });
  const metrics = createMetrics();
  // Hot verdicts and look-up counts live in memory in front of the store (see store/hot.ts).
  const store = hotStore(deps.store, { memoryMs: deps.redis ? 5000 : 60_000, flushMs: 2000, now: deps.now });
  app.addHook("onClose", async () => store.flush().catch(() => undefined));
  const verdicts = new VerdictService(
    store,
    deps.prober,
    deps.flight ?? new LocalFlight(),
    metrics,
    app.log,
    {
      ttlSeconds: config.ttlSeconds,
      refreshAheadSeconds: config.refreshAheadSeconds,
      now: deps.now,
    },
    store,
  );
  const auth = createAuthenticator(config);

  app.addSchema(domainReport);
  app.addSchema(errorBody);

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

  app.setErrorHandler(
    (err: Error & { statusCode?: number; code?: string; validation?: unknown }, req, reply) => {
      if (err instanceof ApiError || err instanceof AuthError) {
        return reply.status(err.status).send({ error: { code: err.code, message: err.message } });
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

  // JSON answers carry a fixed, small set of security headers; Helmet's full set (with the pages'
  // content security policy) is registered with the pages in static.ts, where it means something.
  // Running Helmet on every API answer cost about a tenth of the service's CPU per request.
  // Set on the raw response, so that Helmet (which also writes there, later) can replace them.
  app.addHook("onRequest", (_req, reply, done) => {
    for (const name in API_SECURITY_HEADERS)
      reply.raw.setHeader(name, API_SECURITY_HEADERS[name as keyof typeof API_SECURITY_HEADERS]);
    done();
  });
  await app.register(cors, {
    origin: [new URL(config.publicUrl).origin],
    methods: ["GET", "POST"],
    maxAge: 600,
  });
  await app.register(rateLimit, {
    global: true,
    redis: deps.redis,
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
  await app.register(swagger, {
    openapi: {
      info: {
        title: "MailTLS Guard probe service",
        version: "1",
        description: "TLS verdicts for recipient mail domains",
      },
      components: {
        securitySchemes: {
          apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
          bearer: { type: "http", scheme: "bearer" },
        },
      },
    },
  });

  const serialised = {
    full: new WeakMap<DomainReport, string>(),
    compact: new WeakMap<DomainReport, string>(),
  };
  /** A report as JSON, serialised once per report object (cached reports are reused as they are). */
  function jsonOf(r: DomainReport, view: "full" | "compact"): string {
    let s = serialised[view].get(r);
    if (s === undefined) {
      // The compact view is what the add-in needs per domain: the grade and why, without the MX details.
      const value =
        view === "full"
          ? r
          : {
              domain: r.domain,
              displayDomain: r.displayDomain,
              grade: r.grade,
              checkedAt: r.checkedAt,
              expiresAt: r.expiresAt,
              reasons: r.reasons,
              ...(r.pending ? { pending: true } : {}),
            };
      serialised[view].set(r, (s = asciiJson(JSON.stringify(value))));
    }
    return s;
  }

  function isRefresh(req: FastifyRequest): boolean {
    const q = req.query as { refresh?: unknown } | undefined;
    return q?.refresh === true || q?.refresh === "true";
  }
  function clientKey(req: FastifyRequest): string {
    const k = req.headers["x-api-key"] ?? req.headers.authorization;
    return typeof k === "string" && k ? "cred:" + k.slice(-24) : "ip:" + req.ip;
  }
  function waitMs(q: { waitMs?: number }): number {
    return Math.min(q.waitMs ?? config.defaultWaitMs, config.maxWaitMs);
  }

  app.get<{ Params: { domain: string }; Querystring: { refresh?: boolean; waitMs?: number } }>(
    "/api/v1/domains/:domain",
    {
      schema: {
        summary: "The TLS verdict for one domain (or e-mail address)",
        params: {
          type: "object",
          properties: { domain: { type: "string", maxLength: 320 } },
          required: ["domain"],
        },
        querystring: {
          type: "object",
          properties: {
            refresh: { type: "boolean" },
            waitMs: { type: "integer", minimum: 0, maximum: 120000 },
          },
          additionalProperties: false,
        },
        response: { 200: { $ref: "DomainReport#" }, ...errorResponses },
      },
    },
    async (req) => {
      // The public check page may look up single domains without credentials; everything else may not.
      const d = domainOrThrow(req.params.domain);
      if (auth.required && !req.headers["x-api-key"] && !req.headers.authorization) {
        if (req.query.refresh)
          throw new AuthError(401, "unauthorized", "refresh needs an API key or a token");
      } else await auth.caller(req);
      return verdicts.lookup(d, {
        refresh: req.query.refresh,
        waitMs: req.query.waitMs ?? Math.max(waitMs(req.query), config.probe.timeoutMs + 1000),
      });
    },
  );

  app.post<{ Body: { domains: string[] }; Querystring: { waitMs?: number; view?: "full" | "compact" } }>(
    "/api/v1/check",
    {
      schema: {
        summary:
          "Verdicts for up to 100 domains or addresses: cached at once, the rest probed under a deadline",
        body: {
          type: "object",
          properties: {
            domains: { type: "array", items: { type: "string", maxLength: 320 }, minItems: 1, maxItems: 100 },
          },
          required: ["domains"],
          additionalProperties: false,
        },
        querystring: {
          type: "object",
          properties: {
            waitMs: { type: "integer", minimum: 0, maximum: 120000 },
            view: {
              type: "string",
              enum: ["full", "compact"],
              description:
                "compact: domain, displayDomain, grade, checkedAt, expiresAt, reasons, pending — no MX details",
            },
          },
          additionalProperties: false,
        },
        response: {
          200: {
            type: "object",
            properties: {
              reports: {
                type: "array",
                items: { $ref: "DomainReport#" },
                description: "DomainReport objects; with view=compact, without mx and durationMs",
              },
            },
            required: ["reports"],
          },
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      await auth.caller(req);
      // All names are validated before anything is probed.
      const domains = req.body.domains.map(domainOrThrow);
      const unique = [...new Map(domains.map((d) => [d.ascii, d])).values()];
      const wait = waitMs(req.query);
      // Fresh verdicts in memory are answered without awaiting anything; the rest take the full path.
      const peeked = unique.map((d) => verdicts.peek(d));
      const reports = peeked.every((r) => r !== undefined)
        ? (peeked as DomainReport[])
        : await Promise.all(unique.map((d, i) => peeked[i] ?? verdicts.lookup(d, { waitMs: wait })));
      const byDomain = new Map(reports.map((r) => [r.domain, r]));
      // Cached reports are serialised once and reused: the hot path is then string joins.
      const view = req.query.view ?? "full";
      const body = `{"reports":[${domains.map((d) => jsonOf(byDomain.get(d.ascii) as DomainReport, view)).join(",")}]}`;
      return reply.type("application/json; charset=utf-8").send(body);
    },
  );

  app.get("/api/v1/policy", { schema: { summary: "The tenant policy the add-in applies" } }, async (req) =>
    policyFor(config, await auth.caller(req)),
  );

  app.get<{ Querystring: { grade?: Grade; format?: "json" | "csv" } }>(
    "/api/v1/admin/domains",
    {
      schema: {
        summary: "Admin report: domains looked up, their grade, when last checked, how often (no user data)",
        querystring: {
          type: "object",
          properties: {
            grade: { type: "string", enum: [...GRADES] },
            format: { type: "string", enum: ["json", "csv"] },
          },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      auth.admin(req);
      const rows = await store.stats({ grade: req.query.grade });
      if (req.query.format === "csv") {
        const esc = (v: string | number) =>
          /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v);
        const lines = [
          "domain,grade,checkedAt,lookups,lastLookupAt",
          ...rows.map((r) => [r.domain, r.grade, r.checkedAt, r.lookups, r.lastLookupAt].map(esc).join(",")),
        ];
        return reply
          .type("text/csv; charset=utf-8")
          .header("content-disposition", 'attachment; filename="mailtls-domains.csv"')
          .send(lines.join("\n") + "\n");
      }
      return { domains: rows };
    },
  );

  const files = deps.files ?? new FileStore({ dir: join(config.dataDir, "files"), now: deps.now });
  if (!deps.files) app.addHook("onClose", async () => files.close());
  const mailer =
    deps.mailer ?? (config.mail ? relayMailer(config.mail.relayUrl, config.mail.from) : undefined);
  if (!deps.mailer && mailer) app.addHook("onClose", async () => mailer.close());
  await registerFiles(app, { config, store: files, auth, mailer });

  app.get("/healthz", { schema: { hide: true } }, async () => ({ status: "ok" }));
  app.get("/readyz", { schema: { hide: true } }, async (_req, reply) => {
    try {
      await deps.store.ping();
      return { status: "ready", store: deps.store.kind };
    } catch (e) {
      return reply.status(503).send({
        error: { code: "store-unavailable", message: `${deps.store.kind}: ${(e as Error).message}` },
      });
    }
  });
  app.get("/metrics", { schema: { hide: true } }, async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  if (deps.staticRoot) await registerStatic(app, deps.staticRoot, config);

  return Object.assign(app as unknown as FastifyInstance, { metrics, verdicts }) as App;
}
