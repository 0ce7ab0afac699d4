/** The admin report: domains looked up, their grade, when last checked, how often (no user data). */
import type { FastifyInstance } from "fastify";
import { GRADES, type Grade } from "../../core/verdict";
import type { ServerContext } from "../context";

export async function adminDomains(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { auth, store } = ctx;
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
}
