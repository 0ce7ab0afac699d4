import { Resolver } from "node:dns/promises";

/** The DNS questions the probe asks; tests point the real implementation at a local server. */
export interface MailResolver {
  mx(domain: string): Promise<Array<{ exchange: string; priority: number }>>;
  a(host: string): Promise<string[]>;
  aaaa(host: string): Promise<string[]>;
  /** TXT records, each as its character strings (to be joined). */
  txt(name: string): Promise<string[][]>;
}

/**
 * An MX answer's mail hosts in the order a sender tries them (preference, then name), lower-case
 * without the final dot; the null MX's "." (RFC 7505) and empty names left out.
 */
export function mxHostsInOrder(
  records: ReadonlyArray<{ exchange: string; priority: number }>,
): { host: string; preference: number }[] {
  return records
    .filter((r) => r.exchange !== "" && r.exchange !== ".")
    .sort((a, b) => a.priority - b.priority || a.exchange.localeCompare(b.exchange))
    .map((r) => ({ host: r.exchange.toLowerCase().replace(/\.$/, ""), preference: r.priority }));
}

/** DNS failures the probe tells apart. */
export type DnsFailure = "nxdomain" | "nodata" | "timeout" | "servfail" | "refused" | "error";

/** Maps Node's resolver error codes onto the failures the verdict distinguishes. */
export function dnsFailure(e: unknown): DnsFailure {
  switch ((e as NodeJS.ErrnoException)?.code) {
    case "ENOTFOUND":
      return "nxdomain";
    case "ENODATA":
      return "nodata";
    case "ETIMEOUT":
      return "timeout";
    case "ESERVFAIL":
      return "servfail";
    case "EREFUSED":
      return "refused";
    default:
      return "error";
  }
}

/**
 * node:dns with its own servers and a timeout per try. Servers are "host" or "host:port"
 * (IPv6 as "[::1]:53"); an empty list keeps the system's resolvers.
 */
export function dnsResolver(servers: string[], timeoutMs: number): MailResolver {
  // Two tries, each with half the time: one lost UDP packet should not cost the whole answer.
  const r = new Resolver({ timeout: Math.max(50, Math.floor(timeoutMs / 2)), tries: 2 });
  if (servers.length > 0) r.setServers(servers);
  return {
    mx: (domain) => r.resolveMx(domain),
    a: (host) => r.resolve4(host),
    aaaa: (host) => r.resolve6(host),
    txt: (name) => r.resolveTxt(name),
  };
}
