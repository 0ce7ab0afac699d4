/**
 * POST /api/v1/events: what the add-in reports for its tenant's console — its on-send decisions and
 * the task pane's "replaced with a download link". Only fixed codes, ASCII domains with grades and
 * attachment counts are accepted (the schema refuses any other field), so nothing that identifies a
 * person can be stored, whatever a client sends.
 */
import type { FastifyInstance } from "fastify";
import { GRADES } from "../../core/verdict";
import { parseMailDomain } from "../../core/domain";
import type { FigureCounter } from "../admin/figures";
import { RESOLUTIONS } from "../../core/admin/summary";
import type { ServerContext } from "../context";
import { ApiError } from "../http/errors";
import { policyFor } from "../policies";
import { tenantOf } from "../admin/tenants";

/** The decision's reason codes (src/core/decision.ts). */
export const DECISION_REASONS = [
  "deletes-encrypted",
  "password-attachment",
  "plain-to-unencrypted",
  "password-mail",
  "unknown-grade",
  "service-unreachable",
] as const;

const count = { type: "integer", minimum: 0, maximum: 500 } as const;

export const eventBody = {
  type: "object",
  oneOf: [
    {
      type: "object",
      properties: {
        kind: { const: "send" },
        action: { type: "string", enum: ["allow", "warn", "block"] },
        reasons: {
          type: "array",
          items: { type: "string", enum: [...DECISION_REASONS] },
          maxItems: DECISION_REASONS.length,
          uniqueItems: true,
        },
        domains: {
          type: "array",
          maxItems: 100,
          items: {
            type: "object",
            properties: {
              domain: { type: "string", maxLength: 253, pattern: "^[a-z0-9.-]+$" },
              grade: { type: "string", enum: [...GRADES] },
            },
            required: ["domain", "grade"],
            additionalProperties: false,
          },
        },
        attachments: {
          type: "object",
          properties: { protected: count, plain: count, cloud: count },
          required: ["protected", "plain", "cloud"],
          additionalProperties: false,
        },
        resolved: { type: "string", enum: [...RESOLUTIONS] },
      },
      required: ["kind", "action", "reasons", "domains", "attachments"],
      additionalProperties: false,
    },
    {
      type: "object",
      properties: { kind: { const: "link" } },
      required: ["kind"],
      additionalProperties: false,
    },
  ],
} as const;

type SendEvent = {
  kind: "send";
  action: "allow" | "warn" | "block";
  reasons: string[];
  domains: Array<{ domain: string; grade: string }>;
  attachments: { protected: number; plain: number; cloud: number };
  resolved?: (typeof RESOLUTIONS)[number];
};
type LinkEvent = { kind: "link" };

export async function eventsApi(app: FastifyInstance, ctx: ServerContext & { counter: FigureCounter }) {
  const { auth, config, counter } = ctx;
  app.post<{ Body: SendEvent | LinkEvent }>(
    "/api/v1/events",
    {
      schema: {
        summary:
          "The add-in's report of an on-send decision or a link it inserted (no address, name, subject, body or file name)",
        body: eventBody,
        response: { 204: { type: "null" } },
      },
    },
    async (req, reply) => {
      const caller = await auth.caller(req);
      const tenant = tenantOf(caller);
      // API keys are scripts, not the add-in: their reports do not count for a tenant.
      if (!tenant) return reply.status(204).send();
      if (!policyFor(config, caller).telemetry) return reply.status(204).send();
      const e = req.body;
      if (e.kind === "link") {
        counter.count(tenant, "link", "inserted");
        return reply.status(204).send();
      }
      for (const d of e.domains)
        if (parseMailDomain(d.domain).ascii !== d.domain)
          throw new ApiError(400, "invalid-domain", `domains: "${d.domain}" is not an ASCII domain name`);
      counter.count(tenant, "send", "checked");
      counter.count(tenant, "action", e.action);
      for (const r of e.reasons) counter.count(tenant, "reason", `${e.action}:${r}`);
      if (e.attachments.protected > 0) counter.count(tenant, "ppap", "sends");
      if (e.resolved) counter.count(tenant, "resolved", e.resolved);
      return reply.status(204).send();
    },
  );
}
