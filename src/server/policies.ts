import type { TenantPolicy } from "../core/policy";
import type { Caller } from "./auth";
import type { ServerConfig } from "./config";

/**
 * The policy a caller works under: its Entra tenant's own (MAILTLS_POLICY_DIR) when there is one,
 * else the service's (MAILTLS_POLICY_FILE, or the defaults). API keys and anonymous callers get the
 * service's.
 */
export function policyFor(
  config: Pick<ServerConfig, "policy" | "tenantPolicies">,
  caller: Caller,
): TenantPolicy {
  if (caller.kind === "entra" && caller.id.startsWith("tenant:"))
    return config.tenantPolicies[caller.id.slice("tenant:".length).toLowerCase()] ?? config.policy;
  return config.policy;
}

/** The largest file any policy allows, in MB: the upload parser's ceiling before the caller is known. */
export function largestFileMb(config: Pick<ServerConfig, "policy" | "tenantPolicies">): number {
  return Math.max(
    config.policy.links.maxFileMb,
    ...Object.values(config.tenantPolicies).map((p) => p.links.maxFileMb),
  );
}
