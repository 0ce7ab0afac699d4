/**
 * The admin API: a tenant's figures (summary), its partners (domains), imports of partner lists,
 * and a fresh check of one partner. Operators (MAILTLS_ADMIN_KEYS) choose any tenant with
 * `?tenant=`; an Entra token with the app role MailTLS.Admin reads its own tenant only.
 */
import type { FastifyInstance } from "fastify";
import { decodeText, PartnerListError, parsePartnerList } from "../../lists/partners";
import { GRADES, type Grade } from "../../core/verdict";
import type { ServerContext } from "../context";
import { ApiError, domainOrThrow } from "../http/errors";
import { QueueFull } from "../verdicts";
import { tenantAccess } from "./access";
import { period, periodOf, type PeriodQuery } from "./period";
import { DEFAULT_TENANT, type TenantId } from "./figures";
import { Importer, ImportsBusy } from "./imports";
import { type PartnerFigure, partnersOf, summarise } from "../../core/admin/summary";

const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 10_000;
/** The largest partner list an import takes. */
const IMPORT_MAX_BYTES = 10 * 1024 * 1024;

export async function adminApi(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { auth, figures, store, verdicts, config } = ctx;
  const importer = new Importer({
    figures,
    verdicts,
    log: app.log,
    concurrency: Math.max(1, Math.min(config.limits.probesMax, config.limits.probeQueuePerClient)),
    waitMs: config.probe.timeoutMs + 2000,
  });
  app.addHook("onClose", async () => importer.close());

  const tenantOf = tenantAccess(auth);

  /** The tenant's partners in the period, graded as they are now. */
  async function gradedPartners(tenant: TenantId, from: string, to: string) {
    const list = [...partnersOf(await figures.lookups(tenant, from, to)).values()];
    const verdictsNow = await store.getMany(list.map((p) => p.domain));
    return list.map((p) => {
      const v = verdictsNow.get(p.domain);
      return { ...p, grade: (v?.report.grade ?? "unknown") as Grade, checkedAt: v?.report.checkedAt ?? "" };
    });
  }

  app.get<{ Querystring: PeriodQuery }>(
    "/api/v1/admin/summary",
    {
      schema: {
        summary:
          "A tenant's figures for a period: partners' encryption, look-ups, sends and PPAP attempts caught",
        querystring: { type: "object", properties: period, additionalProperties: false },
      },
    },
    async (req) => {
      const tenant = await tenantOf(req);
      const { from, to } = periodOf(req.query);
      const [counts, lookups] = await Promise.all([
        figures.counts(tenant, from, to),
        figures.lookups(tenant, from, to),
      ]);
      const domains = [...new Set(lookups.map((l) => l.domain))];
      const graded = await store.getMany(domains);
      return summarise({
        tenant,
        from,
        to,
        counts,
        lookups,
        gradeOf: (d) => graded.get(d)?.report.grade ?? "unknown",
      });
    },
  );

  app.get<{
    Querystring: PeriodQuery & { grade?: Grade[]; format?: "json" | "csv"; limit?: number; cursor?: string };
  }>(
    "/api/v1/admin/domains",
    {
      schema: {
        summary:
          "A tenant's partners: each domain the add-in looked up or an import added, its grade now, when last checked, how often (no user data), a page at a time",
        querystring: {
          type: "object",
          properties: {
            ...period,
            grade: {
              type: "array",
              items: { type: "string", enum: [...GRADES] },
              description: "only these grades (repeat the parameter for several)",
            },
            format: { type: "string", enum: ["json", "csv"] },
            limit: { type: "integer", minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
            cursor: {
              type: "string",
              maxLength: 32,
              pattern: "^[0-9]+$",
              description: "nextCursor of the previous page (JSON), or its X-Next-Cursor header (CSV)",
            },
          },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      const tenant = await tenantOf(req);
      const { from, to } = periodOf(req.query);
      const wanted = req.query.grade;
      const all = (await gradedPartners(tenant, from, to))
        .filter((p) => !wanted || wanted.includes(p.grade))
        .sort((a, b) => b.lookups - a.lookups || a.domain.localeCompare(b.domain));
      const offset = Number(req.query.cursor ?? 0);
      const limit = req.query.limit ?? DEFAULT_LIMIT;
      const page = all.slice(offset, offset + limit);
      const next = offset + limit < all.length ? String(offset + limit) : undefined;
      const rows = page.map((p: PartnerFigure & { checkedAt: string }) => ({
        domain: p.domain,
        grade: p.grade,
        checkedAt: p.checkedAt,
        lookups: p.lookups,
        lastLookupAt: p.lastAt ? new Date(p.lastAt).toISOString() : "",
      }));
      if (req.query.format === "csv") {
        const esc = (v: string | number) =>
          /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v);
        const lines = [
          "domain,grade,checkedAt,lookups,lastLookupAt",
          ...rows.map((r) => [r.domain, r.grade, r.checkedAt, r.lookups, r.lastLookupAt].map(esc).join(",")),
        ];
        if (next) reply.header("x-next-cursor", next);
        return reply
          .type("text/csv; charset=utf-8")
          .header("content-disposition", 'attachment; filename="mailtls-partners.csv"')
          .send(lines.join("\n") + "\n");
      }
      return next ? { domains: rows, nextCursor: next } : { domains: rows };
    },
  );

  app.get<{ Querystring: { tenant?: string } }>(
    "/api/v1/admin/policy",
    {
      schema: {
        summary: "The policy the tenant's add-ins apply (from MAILTLS_POLICY_FILE or MAILTLS_POLICY_DIR)",
        querystring: { type: "object", properties: { tenant: period.tenant }, additionalProperties: false },
      },
    },
    async (req) => {
      const tenant = await tenantOf(req);
      return tenant === DEFAULT_TENANT ? config.policy : (config.tenantPolicies[tenant] ?? config.policy);
    },
  );

  app.get<{ Querystring: { tenant?: string } }>(
    "/api/v1/admin/tenants",
    {
      schema: {
        summary: "Operators: the tenants with figures",
        querystring: { type: "object", properties: { tenant: period.tenant }, additionalProperties: false },
      },
    },
    async (req) => {
      const who = await auth.admin(req);
      if (who.kind !== "operator") return { tenants: [who.tenant] };
      const tenants = await figures.tenants();
      return { tenants: tenants.includes(DEFAULT_TENANT) ? tenants : [DEFAULT_TENANT, ...tenants] };
    },
  );

  app.post<{ Params: { domain: string }; Querystring: { tenant?: string } }>(
    "/api/v1/admin/domains/:domain/refresh",
    {
      schema: {
        summary: "Check one partner again now",
        params: {
          type: "object",
          properties: { domain: { type: "string", maxLength: 320 } },
          required: ["domain"],
        },
        querystring: { type: "object", properties: { tenant: period.tenant }, additionalProperties: false },
      },
      config: { rateLimit: { max: config.refreshRateLimitPerMinute * 6, timeWindow: 60_000 } },
    },
    async (req) => {
      await tenantOf(req);
      const d = domainOrThrow(req.params.domain);
      try {
        return await verdicts.lookup(d, {
          refresh: true,
          waitMs: Math.min(config.probe.timeoutMs + 1000, config.limits.requestTimeoutMs - 2000),
          client: "admin",
          busyThrows: true,
        });
      } catch (e) {
        if (e instanceof QueueFull) throw new ApiError(503, "busy", e.message, { "retry-after": "5" });
        throw e;
      }
    },
  );

  // Imports take the file as it is: CSV or a plain list, as text or bytes (Shift_JIS, UTF-16…).
  await app.register(async (scope) => {
    for (const type of ["text/csv", "text/plain", "application/octet-stream", "application/vnd.ms-excel"])
      scope.addContentTypeParser(
        type,
        { parseAs: "buffer", bodyLimit: IMPORT_MAX_BYTES },
        (_req, body, done) => done(null, body),
      );
    scope.post<{ Querystring: { tenant?: string }; Body: Buffer }>(
      "/api/v1/admin/imports",
      {
        bodyLimit: IMPORT_MAX_BYTES,
        schema: {
          summary:
            "Import a partner list (CSV with an address or domain column, or one per line; at most 10 MB): 202, then checked in the background",
          querystring: { type: "object", properties: { tenant: period.tenant }, additionalProperties: false },
        },
      },
      async (req, reply) => {
        const tenant = await tenantOf(req);
        if (!Buffer.isBuffer(req.body) || req.body.length === 0)
          throw new ApiError(400, "bad-request", "send the list as the body (text/csv or text/plain)");
        let list;
        try {
          list = parsePartnerList(decodeText(req.body), { maxEntries: 200_000 });
        } catch (e) {
          if (e instanceof PartnerListError) throw new ApiError(400, "bad-list", e.message);
          throw e;
        }
        if (list.domains.length === 0)
          throw new ApiError(400, "bad-list", "no entry of the list is an address or a domain");
        let job;
        try {
          job = await importer.start(tenant, list.domains);
        } catch (e) {
          if (e instanceof ImportsBusy) throw new ApiError(429, "busy", e.message, { "retry-after": "60" });
          throw e;
        }
        return reply.status(202).send({
          id: job.id,
          total: job.total,
          skipped: list.invalidCount,
          ...(list.column ? { column: list.column } : {}),
        });
      },
    );
  });

  app.get<{ Params: { id: string }; Querystring: { tenant?: string } }>(
    "/api/v1/admin/imports/:id",
    {
      schema: {
        summary: "An import's progress",
        params: {
          type: "object",
          properties: { id: { type: "string", pattern: "^[A-Za-z0-9_-]{16}$" } },
          required: ["id"],
        },
        querystring: { type: "object", properties: { tenant: period.tenant }, additionalProperties: false },
      },
    },
    async (req) => {
      const tenant = await tenantOf(req);
      const job = await figures.getImport(req.params.id);
      if (!job || job.tenant !== tenant)
        throw new ApiError(404, "not-found", "no such import for this tenant");
      return { id: job.id, total: job.total, done: job.done, grades: job.grades, state: job.state };
    },
  );
}
