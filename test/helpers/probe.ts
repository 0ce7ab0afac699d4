import { parseMailDomain } from "../../src/core/domain";
import type { DomainReport } from "../../src/core/verdict";
import { engineFromEnv } from "../../src/probe";

/** Where the harness (test/harness/up.sh, started by jest's global setup) serves DNS. */
export const HARNESS_DNS = "127.0.0.53";
/** The harness's validating resolver (unbound, with trust anchors for the signed test zones). */
export const HARNESS_VALIDATOR = "127.0.0.56";

/** The environment a test engine or CLI runs with: the harness DNS, loopback allowed. */
export function harnessEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  return {
    ...process.env,
    MAILTLS_DNS_SERVERS: HARNESS_DNS,
    MAILTLS_ALLOW_PRIVATE: "127.0.0.0/8",
    MAILTLS_PROBE_TIMEOUT_MS: "8000",
    MAILTLS_DNS_TIMEOUT_MS: "1500",
    MAILTLS_EHLO_NAME: "probe.mailtls.test",
    MAILTLS_DNSSEC_RESOLVER: HARNESS_VALIDATOR,
    ...extra,
  };
}

export function probe(domain: string, extra: Record<string, string> = {}): Promise<DomainReport> {
  return engineFromEnv(harnessEnv(extra)).probe(parseMailDomain(domain));
}
