/**
 * Who may read which tenant's admin data: operators (MAILTLS_ADMIN_KEYS) choose any tenant with
 * `?tenant=`; an Entra token with the app role MailTLS.Admin reads its own tenant only.
 */
import type { FastifyRequest } from "fastify";
import { AuthError } from "../auth";
import type { Authenticator } from "../context";
import { ApiError } from "../http/errors";
import { DEFAULT_TENANT, isTenantId, type TenantId } from "./figures";

/** The `tenant` query parameter every admin route takes. */
export const TENANT_PARAM = {
  type: "string",
  maxLength: 36,
  description: "operators: the tenant ID, or default (the default)",
} as const;

export function tenantAccess(auth: Authenticator) {
  /** The tenant a request may read: an operator's choice, or a tenant admin's own. */
  return async function tenantOf(
    req: FastifyRequest<{ Querystring: { tenant?: string } }>,
  ): Promise<TenantId> {
    const who = await auth.admin(req);
    const asked = req.query.tenant?.toLowerCase();
    if (asked !== undefined && !isTenantId(asked))
      throw new ApiError(400, "bad-request", "tenant: a tenant ID (GUID) or default");
    if (who.kind === "operator") return asked ?? DEFAULT_TENANT;
    if (asked !== undefined && asked !== who.tenant)
      throw new AuthError(403, "forbidden", "a tenant's admin sees only its own tenant");
    return who.tenant;
  };
}
