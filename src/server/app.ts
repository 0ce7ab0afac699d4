/**
 * The probe service: fastify, composed of one plugin per concern — logging, errors, security
 * headers and CORS, limits, the check API, admin, download links, operations, and the pages.
 */
import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance, LogController } from "fastify";
import type { Redis } from "ioredis";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ProbeAdmission } from "../probe/admission";
import { createDriftWatch, type DriftWatch } from "./admin/drift";
import { exchangeApi } from "./admin/exchange";
import { adminApi } from "./admin/routes";
import { dayOf, type FigureCounter, figureCounter, type FiguresStore } from "./admin/figures";
import { openSqliteFigures } from "./admin/figuresSqlite";
import { eventsApi } from "./api/events";
import { checkApi } from "./api/check";
import { createAuthenticator } from "./auth";
import type { ServerConfig } from "./config";
import type { ServerContext } from "./context";
import type { CodeQueue } from "./files/codeQueue";
import { registerFiles } from "./files/routes";
import { FileStore } from "./files/store";
import { type Flight, LocalFlight } from "./flight";
import { registerErrorHandling } from "./http/errors";
import { redact, requestLog } from "./http/logging";
import { apiSecurity } from "./http/security";
import { requestDeadline } from "./limits/deadline";
import { rateLimits } from "./limits/rate";
import { type Mailer, relayMailer } from "./mailer";
import { createMetrics, type Metrics } from "./metrics";
import { ops } from "./ops";
import { AJV_OPTIONS, domainReport, errorBody } from "./schemas";
import { registerStatic } from "./static";
import { hotStore } from "./store/hot";
import type { VerdictStore } from "./store/types";
import { type Prober, VerdictService } from "./verdicts";

export { asciiJson } from "./api/check";
export { API_SECURITY_HEADERS } from "./http/security";
export { redact } from "./http/logging";

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
  /** The tenants' figures; by default in memory (main.ts gives SQLite's or Redis'). */
  figures?: FiguresStore;
}

export type App = FastifyInstance & {
  metrics: Metrics;
  verdicts: VerdictService;
  codes: CodeQueue;
  /** The Exchange drift watch; `run()` does a round now (tests). */
  exchangeWatch: DriftWatch;
  /** The tenants' figures batched in memory; `flush()` writes them now (tests, shutdown). */
  counter: FigureCounter;
};

export async function buildApp(config: ServerConfig, deps: AppDeps): Promise<App> {
  const { limits } = config;
  // The request line and headers must come in time (Node checks every few seconds).
  const serverOptions = { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: 2000 };
  const app = Fastify({
    ...(config.tlsCert && config.tlsKey
      ? {
          https: {
            cert: readFileSync(config.tlsCert),
            key: readFileSync(config.tlsKey),
            ...serverOptions,
          },
        }
      : { http: serverOptions }),
    // A connection quiet in both directions for this long is closed.
    connectionTimeout: limits.idleTimeoutMs,
    // The longest domain name, percent-encoded, fits in a path parameter (the schema then checks it).
    routerOptions: { maxParamLength: 3000 },
    logger: {
      level: config.logLevel,
      ...(deps.logStream ? { stream: deps.logStream } : {}),
      serializers: {
        req: (req) => ({ method: req.method, url: redact(req.url) }),
      },
    },
    // Request logs are written by the request-log plugin, with addresses redacted.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    // MAILTLS_TRUST_PROXY: the one proxy in front (the peer), no further. The client's address is
    // the last X-Forwarded-For entry, the one that proxy saw, not the first: a proxy that appends
    // (as load balancers and nginx's $proxy_add_x_forwarded_for do) keeps whatever the client wrote
    // before it, and trusting every hop would let a client pick its own rate-limit bucket. (A
    // function: fastify takes a hop count as trusting nobody.)
    trustProxy: config.trustProxy ? (_address: string, hop: number) => hop === 0 : false,
    ajv: AJV_OPTIONS,
  });
  app.server.maxConnections = limits.maxConnections;
  if (config.anonymousUploads)
    app.log.warn(
      "MAILTLS_ANONYMOUS_UPLOADS=true: anyone who can reach this service can upload files and have them offered under its URL",
    );
  const metrics = createMetrics();
  const admission = new ProbeAdmission({
    running: limits.probesMax,
    queued: limits.probeQueue,
    perClient: limits.probeQueuePerClient,
  });
  // Hot verdicts and look-up counts live in memory in front of the store (see store/hot.ts).
  const store = hotStore(deps.store, {
    memoryMs: deps.redis ? 5000 : 60_000,
    flushMs: 2000,
    maxBytes: limits.cacheBytes,
    now: deps.now,
  });
  metrics.watch({
    probeQueue: () => ({ running: admission.running, queued: admission.queued }),
    cacheBytes: () => store.heldBytes(),
  });
  app.addHook("onClose", async () => store.flush().catch(() => undefined));
  // Retention: verdicts and counts of domains nobody asked for in MAILTLS_RETENTION_DAYS go, at
  // start and every hour; so do the least recently asked-for beyond MAILTLS_MAX_STORED_DOMAINS.
  const retain = () => {
    const cutoff = (deps.now ?? Date.now)() - limits.retentionDays * 86_400_000;
    void store
      .trim(cutoff, limits.maxStoredDomains)
      .then((n) => n > 0 && app.log.info({ domains: n }, "retention: old verdicts deleted"))
      .catch((err: unknown) => app.log.warn({ err }, "retention sweep failed"));
    void figures
      .trim(dayOf(cutoff))
      .then((n) => n > 0 && app.log.info({ rows: n }, "retention: old figures deleted"))
      .catch((err: unknown) => app.log.warn({ err }, "retention sweep of the figures failed"));
  };
  let retention: NodeJS.Timeout | undefined;
  app.addHook("onReady", async () => {
    retain();
    retention = setInterval(retain, 3600_000);
    retention.unref();
  });
  app.addHook("onClose", async () => clearInterval(retention));
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
      admission,
    },
    store,
  );
  const figures = deps.figures ?? openSqliteFigures(":memory:");
  if (!deps.figures) app.addHook("onClose", async () => figures.close());
  const counter = figureCounter(figures, { flushMs: 2000, now: deps.now });
  // Written before the store closes (onClose hooks run in order).
  app.addHook("onClose", async () => counter.close().catch(() => undefined));
  const drift = createDriftWatch({ figures, store, verdicts, metrics, log: app.log, now: deps.now });
  app.addHook("onReady", async () => drift.start());
  app.addHook("onClose", async () => drift.stop());
  const ctx: ServerContext = {
    config,
    verdicts,
    store,
    backing: deps.store,
    auth: createAuthenticator(config),
    metrics,
    figures,
    counter,
    drift,
  };

  app.addSchema(domainReport);
  app.addSchema(errorBody);
  registerErrorHandling(app);
  // Every request ends in time, body included (uploads have a longer limit of their own).
  await app.register(requestDeadline, { timeoutMs: limits.requestTimeoutMs });
  await app.register(requestLog, { metrics });
  await app.register(apiSecurity, { publicUrl: config.publicUrl });
  await app.register(rateLimits, { config, auth: ctx.auth, redis: deps.redis });
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

  await app.register(checkApi, ctx);
  await app.register(eventsApi, ctx);
  await app.register(adminApi, ctx);
  await app.register(exchangeApi, ctx);

  const files = deps.files ?? new FileStore({ dir: join(config.dataDir, "files"), now: deps.now });
  if (!deps.files) app.addHook("onClose", async () => files.close());
  const mailer =
    deps.mailer ?? (config.mail ? relayMailer(config.mail.relayUrl, config.mail.from) : undefined);
  if (!deps.mailer && mailer) app.addHook("onClose", async () => mailer.close());
  const { codes } = await registerFiles(app, {
    config,
    store: files,
    auth: ctx.auth,
    mailer,
    onCodeOutcome: (outcome) => metrics.downloadCodes.inc({ outcome }),
  });

  await app.register(ops, ctx);
  if (deps.staticRoot) await registerStatic(app, deps.staticRoot, config);

  return Object.assign(app as unknown as FastifyInstance, {
    metrics,
    verdicts,
    codes,
    counter,
    exchangeWatch: drift,
  }) as App;
}
