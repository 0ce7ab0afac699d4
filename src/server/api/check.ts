/** The check API the add-in and the check page use: one domain, many domains, the tenant policy. */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { DomainReport } from "../../core/verdict";
import { AuthError, type Caller } from "../auth";
import type { ServerContext } from "../context";
import { ApiError, domainOrThrow } from "../http/errors";
import { clientId } from "../limits/rate";
import { QueueFull } from "../verdicts";
import { tenantOf } from "../admin/tenants";
import { policyFor } from "../policies";
import { errorResponses } from "../schemas";

/**
 * JSON with every non-ASCII character as a \u escape: the same value, but bytes that no charset
 * guess can garble. Classic Outlook's JavaScript runtime has decoded UTF-8 answers as windows-1252
 * (OfficeDev/office-js#3892), which would turn a Japanese domain name in an info bar into mojibake.
 */
export function asciiJson(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
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
      const caller = await auth.caller(req);
      const client = clientId(req, caller);
      // All names are validated before anything is probed.
      const domains = req.body.domains.map(domainOrThrow);
      const unique = [...new Map(domains.map((d) => [d.ascii, d])).values()];
      // The add-in's look-ups are its tenant's partners (the public check page's never count).
      const tenant = tenantOf(caller);
      if (tenant && policyFor(config, caller).telemetry)
        for (const d of unique) ctx.counter.lookup(tenant, d.ascii);
      const wait = waitMs(req.query);
      // Fresh verdicts in memory are answered without awaiting anything; the rest take the full path.
      const peeked = unique.map((d) => verdicts.peek(d));
      const reports = peeked.every((r) => r !== undefined)
        ? (peeked as DomainReport[])
        : await Promise.all(unique.map((d, i) => peeked[i] ?? verdicts.lookup(d, { waitMs: wait, client })));
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
}
