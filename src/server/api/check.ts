/** The check API the add-in and the check page use: one domain, many domains, the tenant policy. */
import AjvCompiler from "@fastify/ajv-compiler";
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchema,
  FastifySchemaCompiler,
} from "fastify";
import { LRUCache } from "lru-cache";
import type { MailDomain } from "../../core/domain";
import type { DomainReport } from "../../core/verdict";
import { AuthError, type Caller } from "../auth";
import type { ServerContext } from "../context";
import { ApiError, domainOrThrow } from "../http/errors";
import { clientId } from "../limits/rate";
import { type Held, QueueFull } from "../verdicts";
import type { TenantId } from "../admin/figures";
import { tenantOf } from "../admin/tenants";
import { policyFor } from "../policies";
import { AJV_OPTIONS, errorResponses } from "../schemas";

/**
 * JSON with every non-ASCII character as a \u escape: the same value, but bytes that no charset
 * guess can garble. Classic Outlook's JavaScript runtime has decoded UTF-8 answers as windows-1252
 * (OfficeDev/office-js#3892), which would turn a Japanese domain name in an info bar into mojibake.
 */
export function asciiJson(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

const JSON_TYPE = "application/json; charset=utf-8";

/** An answer made from verdicts held in memory (see VerdictService.peekAll). */
interface Answer {
  unique: MailDomain[];
  held: Held;
  body: string;
  /** Counts a look-up of each of `unique` in the verdict store. */
  count: () => void;
  /** The same for each tenant whose figures it counts in, made at its first hit. */
  tenants: Map<TenantId, () => void>;
}

interface CheckBody {
  domains: string[];
}

type View = "full" | "compact";

/** A check body seen before, and the answers made for it. */
interface KnownBody {
  body: CheckBody;
  full?: Answer;
  compact?: Answer;
}

const RAW_BODY = Symbol("mailtls.rawBody");
const KNOWN_BODY = Symbol("mailtls.knownBody");
type WithBody = FastifyRequest & { [RAW_BODY]?: string; [KNOWN_BODY]?: KnownBody };

/** Bodies kept (frozen) after they validated and were answered: the same object need not be validated again. */
const validatedBodies = new WeakSet<object>();

function frozen(body: CheckBody): CheckBody {
  Object.freeze(body.domains);
  validatedBodies.add(body);
  return Object.freeze(body);
}

/**
 * Compiles a route's schemas with fastify's own Ajv compiler and the service's options; the body's
 * validator passes a body kept after it validated (the known bodies hand out that very object).
 */
const compileWithAjv = AjvCompiler()({}, AJV_OPTIONS);
type Validator = ReturnType<FastifySchemaCompiler<FastifySchema>> & { schemaEnv?: unknown };
const skippingValidated: FastifySchemaCompiler<FastifySchema> = (def) => {
  const validate = compileWithAjv(def as Parameters<typeof compileWithAjv>[0]) as unknown as Validator;
  if (def.httpPart !== "body") return validate;
  const wrapped = ((data: unknown, cxt?: unknown) => {
    if (typeof data === "object" && data !== null && validatedBodies.has(data)) return true;
    const ok = (validate as (d: unknown, c?: unknown) => boolean)(data, cxt);
    wrapped.errors = validate.errors;
    return ok;
  }) as Validator;
  // Fastify passes the parent object (so that Ajv may coerce the root) when the validator has this.
  wrapped.schemaEnv = validate.schemaEnv;
  return wrapped;
};

/** Each name once, in the order first asked (the array itself when there are no repeats). */
function distinct(domains: MailDomain[]): MailDomain[] {
  const seen = new Set<string>();
  for (const d of domains) {
    if (seen.has(d.ascii)) return [...new Map(domains.map((x) => [x.ascii, x])).values()];
    seen.add(d.ascii);
  }
  return domains;
}

export function isRefresh(req: FastifyRequest): boolean {
  const q = req.query as { refresh?: unknown } | undefined;
  return q?.refresh === true || q?.refresh === "true";
}

export async function checkApi(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { config, verdicts, auth } = ctx;
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
  /** The add-in's look-ups are its tenant's partners (the public check page's never count). */
  function countLookups(caller: Caller, unique: readonly MailDomain[]): void {
    const tenant = tenantOf(caller);
    if (tenant && policyFor(config, caller).telemetry)
      ctx.counter.lookupMany(
        tenant,
        unique.map((d) => d.ascii),
      );
  }
  /** A made answer served again: its look-ups counted as `countLookups` would, prepared once. */
  function countHit(caller: Caller, made: Answer): void {
    made.count();
    const tenant = tenantOf(caller);
    if (!tenant || !policyFor(config, caller).telemetry) return;
    let count = made.tenants.get(tenant);
    if (!count) {
      if (made.tenants.size >= 100) made.tenants.clear();
      made.tenants.set(
        tenant,
        (count = ctx.counter.lookupsOf(
          tenant,
          made.unique.map((d) => d.ascii),
        )),
      );
    }
    count();
  }
  /** The answer: each asked name's report, in the order asked (reports are those of `distinct`). */
  function bodyOf(
    domains: readonly MailDomain[],
    reports: readonly DomainReport[],
    aligned: boolean,
    view: "full" | "compact",
  ): string {
    const byDomain = aligned ? undefined : new Map(reports.map((r) => [r.domain, r]));
    // Cached reports are serialised once and reused: the hot path is then string joins.
    const parts = domains.map((d, i) =>
      jsonOf(byDomain ? (byDomain.get(d.ascii) as DomainReport) : reports[i], view),
    );
    return `{"reports":[${parts.join(",")}]}`;
  }
  /**
   * Check bodies seen before, by their bytes (the add-in sends one body again and again), each
   * parsed once and frozen (later requests share the object), with the answers already made for it
   * in each view. Bounded by bytes; a body with an address in it is never kept.
   */
  const knownBodies = new LRUCache<string, KnownBody>({
    maxSize: 16 * 1024 * 1024,
    sizeCalculation: (k, raw) =>
      raw.length * 4 + ((k.full?.body.length ?? 0) + (k.compact?.body.length ?? 0)) * 2 + 128,
    max: 20_000,
  });
  // Fastify's own JSON parser (the same poisoning rules and errors), with the known bodies in
  // front; only this plugin's routes (the check API) use it.
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (req, text, done) => {
    const raw = text as string;
    const r = req as WithBody;
    r[RAW_BODY] = raw;
    // peek: no recency bookkeeping per request (a body's entry is set again whenever its answer is).
    const known = knownBodies.peek(raw);
    if (known) {
      r[KNOWN_BODY] = known;
      done(null, known.body);
    } else parseJson(req, raw, done);
  });
  /** Keeps the answer made for this request's body, unless the body holds an address. */
  function keepAnswer(req: FastifyRequest<{ Body: CheckBody }>, view: View, answer: Answer): void {
    const r = req as WithBody;
    const raw = r[RAW_BODY];
    if (raw === undefined || raw.includes("@")) return;
    const known = r[KNOWN_BODY] ?? { body: frozen(req.body) };
    known[view] = answer;
    knownBodies.set(raw, known);
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
      let caller: Caller | undefined;
      if (auth.required && !req.headers["x-api-key"] && !req.headers.authorization) {
        if (req.query.refresh)
          throw new AuthError(401, "unauthorized", "refresh needs an API key or a token");
      } else caller = await auth.caller(req);
      // The wait ends before the request's own deadline, so the answer is a verdict or pending.
      const wait = req.query.waitMs ?? Math.max(waitMs(req.query), config.probe.timeoutMs + 1000);
      try {
        return await verdicts.lookup(d, {
          refresh: req.query.refresh,
          waitMs: Math.min(wait, config.limits.requestTimeoutMs - 2000),
          client: clientId(req, caller),
          busyThrows: true,
        });
      } catch (e) {
        if (e instanceof QueueFull) throw new ApiError(503, "busy", e.message, { "retry-after": "5" });
        throw e;
      }
    },
  );

  app.post<{ Body: CheckBody; Querystring: { waitMs?: number; view?: View } }>(
    "/api/v1/check",
    {
      validatorCompiler: skippingValidated,
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
    (req, reply) => {
      // The same names asked again (the add-in does, all day) are answered without waiting for
      // anything, when who asks is known at once.
      const now = auth.callerNow(req);
      const made = (req as WithBody)[KNOWN_BODY]?.[req.query.view ?? "full"];
      if (now && made && verdicts.stillHeld(made.held)) {
        countHit(now, made);
        return reply.type(JSON_TYPE).send(made.body);
      }
      return answer(req, reply, made, now !== undefined);
    },
  );

  async function answer(
    req: FastifyRequest<{
      Body: CheckBody;
      Querystring: { waitMs?: number; view?: View };
    }>,
    reply: FastifyReply,
    made: Answer | undefined,
    looked: boolean,
  ) {
    const caller = await auth.caller(req);
    const view = req.query.view ?? "full";
    const names = req.body.domains;
    if (!looked && made && verdicts.stillHeld(made.held)) {
      countHit(caller, made);
      return reply.type(JSON_TYPE).send(made.body);
    }
    // All names are validated before anything is probed.
    const domains = names.map(domainOrThrow);
    const unique = distinct(domains);
    // Fresh verdicts in memory are answered without awaiting anything; the rest take the full path.
    const fresh = verdicts.peekAll(unique);
    if (fresh) {
      countLookups(caller, unique);
      const body = bodyOf(domains, fresh.reports, unique.length === domains.length, view);
      keepAnswer(req, view, {
        unique,
        held: fresh.held,
        body,
        count: verdicts.countingOf(unique),
        tenants: new Map(),
      });
      return reply.type(JSON_TYPE).send(body);
    }
    countLookups(caller, unique);
    const wait = waitMs(req.query);
    const client = clientId(req, caller);
    const peeked = unique.map((d) => verdicts.peek(d));
    const reports = await Promise.all(
      unique.map((d, i) => peeked[i] ?? verdicts.lookup(d, { waitMs: wait, client })),
    );
    const body = bodyOf(domains, reports, unique.length === domains.length, view);
    return reply.type(JSON_TYPE).send(body);
  }

  app.get("/api/v1/policy", { schema: { summary: "The tenant policy the add-in applies" } }, async (req) =>
    policyFor(config, await auth.caller(req)),
  );
}
