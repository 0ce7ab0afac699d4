/** The admin report: domains looked up, their grade, when last checked, how often (no user data). */
import type { FastifyInstance } from "fastify";
import { GRADES, type Grade } from "../../core/verdict";
import type { ServerContext } from "../context";
import { ApiError } from "../http/errors";
import { InvalidCursor } from "../store/types";

/** Rows a page holds unless `limit` says otherwise, and at most. */
const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 10_000;

export async function adminDomains(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { auth, store } = ctx;
  app.get<{ Querystring: { grade?: Grade; format?: "json" | "csv"; limit?: number; cursor?: string } }>(
    "/api/v1/admin/domains",
    {
      schema: {
        summary:
          "Admin report: domains looked up, their grade, when last checked, how often (no user data), a page at a time",
        querystring: {
          type: "object",
          properties: {
            grade: { type: "string", enum: [...GRADES] },
            format: { type: "string", enum: ["json", "csv"] },
            limit: { type: "integer", minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
            cursor: {
              type: "string",
              maxLength: 512,
              description: "nextCursor of the previous page (JSON), or its X-Next-Cursor header (CSV)",
            },
          },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      auth.admin(req);
      let page;
      try {
        page = await store.stats({
          grade: req.query.grade,
          limit: req.query.limit ?? DEFAULT_LIMIT,
          cursor: req.query.cursor,
        });
      } catch (e) {
        if (e instanceof InvalidCursor) throw new ApiError(400, "bad-request", e.message);
        throw e;
      }
      const { rows, next } = page;
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
          .header("content-disposition", 'attachment; filename="mailtls-domains.csv"')
          .send(lines.join("\n") + "\n");
      }
      return next ? { domains: rows, nextCursor: next } : { domains: rows };
    },
  );
}
