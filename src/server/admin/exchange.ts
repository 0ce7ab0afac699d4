/**
 * The Exchange Online generator for a tenant's partners (issue 16): the plan as JSON for the
 * console's preview, the script and its rollback as .ps1 downloads, the generations remembered per
 * tenant, and the newest one's drift (drift.ts). The service plans from the verdicts it has stored
 * (fresh within maxAgeDays); it does not probe on request.
 */
import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import {
  BOM,
  DEFAULT_MAX_AGE_DAYS,
  type ExchangePlan,
  exclusionText,
  planExchange,
  rejectText,
  renderRollback,
  renderScript,
} from "../../core/exchange";
import { t, type MessageKey } from "../../core/i18n";
import type { ServerContext } from "../context";
import { ApiError } from "../http/errors";
import { tenantAccess } from "./access";
import type { ExchangeGeneration, TenantId } from "./figures";
import { period, periodOf, type PeriodQuery } from "./period";
import { partnersOf } from "../../core/admin/summary";

type ConfigQuery = PeriodQuery & {
  format?: "json" | "ps1";
  rollback?: boolean;
  generation?: string;
  maxAgeDays?: number;
  includeUnverified?: boolean;
  enforce?: boolean;
};

const generationSummary = (g: ExchangeGeneration) => ({
  id: g.id,
  generatedAt: g.generatedAt,
  mode: g.mode,
  maxAgeDays: g.maxAgeDays,
  includeUnverified: g.includeUnverified,
  connectors: g.connectors.map((c) => ({
    name: c.name,
    tlsSettings: c.tlsSettings,
    ...(c.tlsDomain ? { tlsDomain: c.tlsDomain } : {}),
    domains: c.domains.length,
  })),
  partners: g.connectors.reduce((n, c) => n + c.domains.length, 0),
});

/** The rollback of a generation: what it created, as a plan renderRollback understands. */
function planOfGeneration(g: ExchangeGeneration): ExchangePlan {
  return {
    generatedAt: g.generatedAt,
    source: { kind: "service", tenant: g.tenant },
    maxAgeDays: g.maxAgeDays,
    includeUnverified: g.includeUnverified,
    connectors: g.connectors.map((c) => ({ ...c })),
    rule: { name: g.rule, mode: g.mode },
    included: [],
    excluded: [],
  };
}

const fileStamp = (iso: string) => iso.slice(0, 16).replace(/[-:]/g, "").replace("T", "-");

export async function exchangeApi(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { auth, figures, store, config, drift } = ctx;
  const tenantOf = tenantAccess(auth);
  // The reason text links the check page, unless the service has no public address of its own yet.
  const publicUrl = /^https?:\/\/(localhost|127\.|\[::1\])/.test(config.publicUrl)
    ? undefined
    : config.publicUrl;
  const scriptOptions = { publicUrl, generator: "MailTLS Guard service" };

  async function planFor(tenant: TenantId, q: ConfigQuery): Promise<ExchangePlan> {
    const { from, to } = periodOf(q);
    const partners = [...partnersOf(await figures.lookups(tenant, from, to)).keys()];
    const stored = await store.getMany(partners);
    return planExchange(
      partners.map((domain) => {
        const report = stored.get(domain)?.report;
        return { domain, displayDomain: report?.displayDomain ?? domain, report };
      }),
      {
        now: new Date().toISOString(),
        maxAgeDays: q.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS,
        includeUnverified: q.includeUnverified === true,
        enforce: q.enforce === true,
        source: { kind: "service", tenant },
      },
    );
  }

  const words = (key: MessageKey, params: Record<string, string> = {}) => ({
    ja: t("ja", key, params),
    en: t("en", key, params),
  });

  app.get<{ Querystring: ConfigQuery }>(
    "/api/v1/admin/exchange-config",
    {
      schema: {
        summary:
          "The Exchange Online configuration for the tenant's partners of the period: the plan (json, with the reasons in ja/en), or the PowerShell script (ps1, UTF-8 with a BOM; remembered as a generation), or with rollback=true the script that undoes a generation (the newest, or `generation`)",
        querystring: {
          type: "object",
          properties: {
            ...period,
            format: { type: "string", enum: ["json", "ps1"], default: "json" },
            rollback: { type: "boolean", default: false },
            generation: { type: "string", pattern: "^[A-Za-z0-9_-]{16}$" },
            maxAgeDays: { type: "integer", minimum: 1, maximum: 365, default: DEFAULT_MAX_AGE_DAYS },
            includeUnverified: { type: "boolean", default: false },
            enforce: { type: "boolean", default: false },
          },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      const tenant = await tenantOf(req);
      const q = req.query;
      if (q.rollback) {
        const all = await figures.generations(tenant);
        const g = q.generation ? all.find((x) => x.id === q.generation) : all[0];
        if (!g)
          throw new ApiError(
            404,
            "no-generation",
            q.generation
              ? "no such generation for this tenant"
              : "nothing generated for this tenant yet: download the script first",
          );
        if (q.format !== "ps1") return generationSummary(g);
        return reply
          .type("text/plain; charset=utf-8")
          .header(
            "content-disposition",
            `attachment; filename="mailtls-exchange-${fileStamp(g.generatedAt)}-rollback.ps1"`,
          )
          .header("x-generation-id", g.id)
          .send(BOM + renderRollback(planOfGeneration(g), scriptOptions));
      }
      if (q.generation) throw new ApiError(400, "bad-request", "generation goes with rollback=true");
      const plan = await planFor(tenant, q);
      if (q.format === "ps1") {
        const g: ExchangeGeneration = {
          id: randomBytes(12).toString("base64url"),
          tenant,
          generatedAt: plan.generatedAt,
          maxAgeDays: plan.maxAgeDays,
          includeUnverified: plan.includeUnverified,
          mode: plan.rule.mode,
          rule: plan.rule.name,
          connectors: plan.connectors,
        };
        await figures.putGeneration(g);
        return reply
          .type("text/plain; charset=utf-8")
          .header(
            "content-disposition",
            `attachment; filename="mailtls-exchange-${fileStamp(g.generatedAt)}.ps1"`,
          )
          .header("x-generation-id", g.id)
          .send(BOM + renderScript(plan, scriptOptions));
      }
      return {
        ...plan,
        included: plan.included.map((p) => ({
          ...p,
          why: words(`exchange.tls.${p.tlsSettings}` as MessageKey, { pattern: p.tlsDomain ?? "" }),
        })),
        excluded: plan.excluded.map((p) => ({
          ...p,
          why: { ja: exclusionText(p, "ja", plan.maxAgeDays), en: exclusionText(p, "en", plan.maxAgeDays) },
        })),
        rule: { ...plan.rule, rejectText: rejectText(publicUrl) },
        // What the download would hold (not remembered: only a download is a generation).
        script: renderScript(plan, scriptOptions),
      };
    },
  );

  app.get<{ Querystring: { tenant?: string } }>(
    "/api/v1/admin/exchange-config/generations",
    {
      schema: {
        summary:
          "What was generated for the tenant and when (newest first), and the drift of the newest: partners inside its connectors now graded below what put them there",
        querystring: { type: "object", properties: { tenant: period.tenant }, additionalProperties: false },
      },
    },
    async (req) => {
      const tenant = await tenantOf(req);
      const all = await figures.generations(tenant);
      return {
        generations: all.map(generationSummary),
        drift: all[0] ? await drift.driftFor(all[0]) : [],
      };
    },
  );
}
