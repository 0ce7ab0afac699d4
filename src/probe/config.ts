import { getServers } from "node:dns";
import { type BlockList, isIP } from "node:net";
import { DEFAULT_SCORING, type ScoringPolicy } from "../core/verdict";
import { parseAllowList } from "./addresses";
import { type DnssecResolver, parseResolver } from "./dane";

/** Everything the probe engine can be told, read from MAILTLS_* variables (docs/configuration.md). */
export interface ProbeConfig {
  /** DNS servers as host or host:port; empty means the system's resolvers. */
  dnsServers: string[];
  /** Deadline for one domain, everything included. */
  timeoutMs: number;
  /** Deadlines for single steps, each also capped by what is left of the domain's deadline. */
  connectTimeoutMs: number;
  greetingTimeoutMs: number;
  commandTimeoutMs: number;
  tlsTimeoutMs: number;
  dnsTimeoutMs: number;
  smtpPort: number;
  ehloName: string;
  allowPrivate: BlockList;
  /** Connections open at once across all probes, and to one destination address. */
  maxConnections: number;
  maxConnectionsPerAddress: number;
  /** At most this many MX hosts are probed, and this many addresses per family for each. */
  maxMx: number;
  maxAddressesPerFamily: number;
  scoring: ScoringPolicy;
  /** The validating resolver whose AD bit DANE trusts; undefined: DANE is not checked. */
  dnssecResolver?: DnssecResolver;
  /** Deadline for the MTA-STS record and policy fetch. */
  mtaStsTimeoutMs: number;
}

/**
 * MAILTLS_DNSSEC_RESOLVER if set ("off" disables DANE); otherwise the first DNS server if it is on
 * loopback (a local validator such as unbound or systemd-resolved), since only there can its AD bit
 * not have been forged on the way.
 */
function dnssecResolverFrom(spec: string | undefined, dnsServers: string[]): DnssecResolver | undefined {
  if (spec === "off") return undefined;
  if (spec) {
    try {
      return parseResolver(spec);
    } catch (e) {
      throw new ConfigError(`MAILTLS_DNSSEC_RESOLVER: ${(e as Error).message}`);
    }
  }
  const first = dnsServers[0] ?? getServers()[0];
  if (!first) return undefined;
  try {
    const r = parseResolver(first);
    const loopback = isIP(r.host) === 4 ? r.host.startsWith("127.") : r.host === "::1";
    return loopback ? r : undefined;
  } catch {
    return undefined;
  }
}

export class ConfigError extends Error {}

/** A whole-number setting from the environment, with its range; a bad value is a ConfigError naming it. */
export function envInt(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(`${name}="${raw}" must be a whole number from ${min} to ${max}`);
  return n;
}

export function probeConfigFromEnv(env: Record<string, string | undefined> = process.env): ProbeConfig {
  const timeoutMs = envInt(env, "MAILTLS_PROBE_TIMEOUT_MS", 15000, 100, 600000);
  const minTls = env.MAILTLS_MIN_TLS_VERSION ?? DEFAULT_SCORING.minTlsVersion;
  if (!["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"].includes(minTls))
    throw new ConfigError(`MAILTLS_MIN_TLS_VERSION="${minTls}" must be TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3`);
  const ehloName = env.MAILTLS_EHLO_NAME ?? "mailtls-probe.invalid";
  if (!/^[A-Za-z0-9.-]+$/.test(ehloName) && !/^\[[0-9a-fA-F.:]+\]$/.test(ehloName))
    throw new ConfigError(`MAILTLS_EHLO_NAME="${ehloName}" must be a host name or an address literal`);
  let allowPrivate: BlockList;
  try {
    allowPrivate = parseAllowList(env.MAILTLS_ALLOW_PRIVATE);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const dnsServers = (env.MAILTLS_DNS_SERVERS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    dnsServers,
    dnssecResolver: dnssecResolverFrom(env.MAILTLS_DNSSEC_RESOLVER, dnsServers),
    mtaStsTimeoutMs: envInt(env, "MAILTLS_MTA_STS_TIMEOUT_MS", 5000, 50, 600000),
    timeoutMs,
    connectTimeoutMs: envInt(env, "MAILTLS_CONNECT_TIMEOUT_MS", 5000, 50, 600000),
    greetingTimeoutMs: envInt(env, "MAILTLS_GREETING_TIMEOUT_MS", 10000, 50, 600000),
    commandTimeoutMs: envInt(env, "MAILTLS_COMMAND_TIMEOUT_MS", 5000, 50, 600000),
    tlsTimeoutMs: envInt(env, "MAILTLS_TLS_TIMEOUT_MS", 5000, 50, 600000),
    dnsTimeoutMs: envInt(env, "MAILTLS_DNS_TIMEOUT_MS", 3000, 50, 600000),
    smtpPort: envInt(env, "MAILTLS_SMTP_PORT", 25, 1, 65535),
    ehloName,
    allowPrivate,
    maxConnections: envInt(env, "MAILTLS_MAX_CONNECTIONS", 64, 1, 10000),
    maxConnectionsPerAddress: envInt(env, "MAILTLS_MAX_CONNECTIONS_PER_ADDRESS", 2, 1, 100),
    maxMx: 10,
    maxAddressesPerFamily: 2,
    scoring: { minTlsVersion: minTls as ScoringPolicy["minTlsVersion"] },
  };
}
