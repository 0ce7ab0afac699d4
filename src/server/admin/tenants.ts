import type { Caller } from "../auth";
import { DEFAULT_TENANT, type TenantId } from "./figures";

/**
 * Whose figures a caller's traffic counts for: an Entra user's tenant (`tid`); the add-in without
 * sign-in counts for "default" (anyone who can reach the API could add to those); API keys (scripts)
 * for none.
 */
export function tenantOf(caller: Caller): TenantId | undefined {
  if (caller.kind === "entra") return caller.id.slice("tenant:".length).toLowerCase();
  if (caller.kind === "anonymous") return DEFAULT_TENANT;
  return undefined;
}
