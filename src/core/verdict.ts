/** The verdict model shared by the probe, the service, the CLI and the add-in (design §2). */

export type Grade = "secure" | "tls" | "partial" | "no-tls" | "no-mail" | "unknown";

/** Strongest first; used to sort and to compare grades. */
export const GRADES: readonly Grade[] = ["secure", "tls", "partial", "no-tls", "no-mail", "unknown"];

export interface CertificateReport {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** The chain verifies against the trusted roots (Node's store plus NODE_EXTRA_CA_CERTS). */
  trusted: boolean;
  /** The certificate is valid for the MX host name. */
  nameMatches: boolean;
  /** Why the chain is not trusted (OpenSSL's code, e.g. CERT_HAS_EXPIRED, DEPTH_ZERO_SELF_SIGNED_CERT). */
  error?: string;
}

export interface TlsReport {
  version: string;
  cipher: string;
  certificate?: CertificateReport;
}

export interface MxTimings {
  dnsMs?: number;
  connectMs?: number;
  bannerMs?: number;
  ehloMs?: number;
  tlsMs?: number;
}

export interface MxReport {
  host: string;
  preference: number;
  /** Every address the host resolved to (after the per-family cap). */
  addresses: string[];
  /** The address that was talked to (the first that answered, else the last tried). */
  address?: string;
  reachable: boolean;
  banner?: string;
  /** Whether EHLO advertised STARTTLS; null when the dialogue never got that far. */
  starttls: boolean | null;
  tls?: TlsReport;
  /** Machine-readable: private-address, no-address, connect-refused, connect-timeout, greeting-timeout,
   * greeting-rejected, ehlo-rejected, command-timeout, starttls-rejected, tls-handshake-failed,
   * tls-timeout, protocol-error, deadline. */
  error?: string;
  /** Human-readable detail for `error`. */
  errorDetail?: string;
  timings: MxTimings;
  /** DANE (RFC 7672) for this host: its TLSA records at _25._tcp.HOST and whether they match. */
  dane?: MxDaneReport;
}

export interface MxDaneReport {
  /** The TLSA answer was DNSSEC-validated (the resolver's AD bit); records from an unsigned zone do not count. */
  dnssec: boolean;
  /** TLSA records as "usage selector matching-type data" (usages 0 and 1 are listed but ignored). */
  records: string[];
  /** A usable record (usage 2 or 3) matched the presented chain; null when nothing could be compared. */
  matched: boolean | null;
  /** dnssec-bogus (the validator answered SERVFAIL), or dns-error/dns-timeout. */
  error?: string;
}

export type MtaStsReport =
  | { mode: "enforce" | "testing" | "none"; id: string; mx: string[]; maxAge?: number }
  | { error: string; detail?: string };

/** MTA-STS (RFC 8461): true when `host` is covered by one of the policy's mx patterns. */
export function mtaStsCovers(patterns: readonly string[], host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  return patterns.some((p) => {
    const q = p.toLowerCase().replace(/\.$/, "");
    // "*.example.com" stands for exactly one more label on the left.
    if (q.startsWith("*.")) {
      const rest = q.slice(1);
      return h.endsWith(rest) && h.length > rest.length && !h.slice(0, -rest.length).includes(".");
    }
    return h === q;
  });
}

export interface DomainReport {
  domain: string;
  displayDomain: string;
  grade: Grade;
  checkedAt: string;
  expiresAt: string;
  durationMs: number;
  mx: MxReport[];
  mtaSts?: MtaStsReport;
  dane?: { tlsa: boolean; dnssec: boolean; usable: boolean };
  tlsRpt?: { rua: string[] } | { error: string };
  reasons: string[];
  /** Set by the service when the probe has not finished within the caller's wait. */
  pending?: boolean;
}

/** What DNS said about the domain's mail hosts. */
export type DnsOutcome =
  | { kind: "mx" }
  | { kind: "implicit-mx" }
  | { kind: "null-mx" }
  | { kind: "nxdomain" }
  | { kind: "no-mail-records" }
  | { kind: "error"; code: "dns-timeout" | "dns-servfail" | "dns-refused" | "dns-error"; detail?: string };

export interface ScoringPolicy {
  /** The lowest TLS version that counts as encrypted transport. */
  minTlsVersion: "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";
}

/**
 * Microsoft 365 sends with TLS 1.2 or newer and, when a server offers only TLS 1.0/1.1, delivers
 * without encryption: for our users such a server is not an encrypted path.
 */
export const DEFAULT_SCORING: ScoringPolicy = { minTlsVersion: "TLSv1.2" };

const TLS_ORDER = ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

export function tlsAtLeast(version: string, min: string): boolean {
  return TLS_ORDER.indexOf(version) >= TLS_ORDER.indexOf(min);
}

export type MxStatus = "tls" | "legacy-tls" | "starttls-failed" | "no-starttls" | "timeout" | "unreachable";

/**
 * Our own timeouts, at any step: they say that this MX did not answer in time, nothing about what it
 * would have answered. A definite refusal (a TLS alert, a reset, a 4xx/5xx to STARTTLS) is not here.
 */
export const TIMEOUT_ERRORS: readonly string[] = [
  "connect-timeout",
  "greeting-timeout",
  "command-timeout",
  "tls-timeout",
  "deadline",
];

export function mxStatus(mx: MxReport, policy: ScoringPolicy = DEFAULT_SCORING): MxStatus {
  if (!mx.reachable) return "unreachable";
  if (mx.tls) return tlsAtLeast(mx.tls.version, policy.minTlsVersion) ? "tls" : "legacy-tls";
  if (mx.error !== undefined && TIMEOUT_ERRORS.indexOf(mx.error) >= 0) return "timeout";
  if (mx.starttls === true) return "starttls-failed";
  if (mx.starttls === false) return "no-starttls";
  return "unreachable";
}

/**
 * The grade from the collected facts (design §2), with machine-readable reasons. A timeout is never
 * turned into no-tls: MX hosts that could not be reached, or did not finish answering in time
 * (greeting, EHLO, the STARTTLS reply, the handshake, the domain's deadline), do not vote; a domain
 * without a definite answer from any MX is unknown.
 */
export function scoreDomain(
  dns: DnsOutcome,
  mx: readonly MxReport[],
  policy: ScoringPolicy = DEFAULT_SCORING,
  auth: { mtaSts?: MtaStsReport; mxDnssec?: boolean } = {},
): { grade: Grade; reasons: string[] } {
  switch (dns.kind) {
    case "null-mx":
      return { grade: "no-mail", reasons: ["null-mx"] };
    case "nxdomain":
      return { grade: "no-mail", reasons: ["nxdomain"] };
    case "no-mail-records":
      return { grade: "no-mail", reasons: ["no-mail-records"] };
    case "error":
      return { grade: "unknown", reasons: [dns.code] };
  }
  const reasons: string[] = dns.kind === "implicit-mx" ? ["implicit-mx"] : [];
  let tls = 0;
  let clear = 0;
  for (const m of mx) {
    const status = mxStatus(m, policy);
    if (status === "tls") {
      tls++;
      const cert = m.tls?.certificate;
      if (cert && !cert.trusted) reasons.push(`cert-untrusted:${m.host}`);
      if (cert && !cert.nameMatches) reasons.push(`cert-name-mismatch:${m.host}`);
    } else if (status === "unreachable") {
      reasons.push(`${m.error === "private-address" ? "private-address" : "mx-unreachable"}:${m.host}`);
    } else if (status === "timeout") {
      // Not an answer: this MX does not vote, whatever it had offered before it went quiet.
      reasons.push(`mx-timeout:${m.host}`);
    } else {
      clear++;
      reasons.push(
        status === "legacy-tls"
          ? `legacy-tls:${m.host}`
          : status === "starttls-failed"
            ? `mx-starttls-failed:${m.host}`
            : `mx-no-starttls:${m.host}`,
      );
    }
  }
  if (tls + clear === 0) return { grade: "unknown", reasons: [...reasons, "no-mx-reachable"] };
  if (clear === 0) return authenticated(mx, policy, reasons, auth);
  if (tls === 0) return { grade: "no-tls", reasons };
  return { grade: "partial", reasons };
}

/**
 * `secure` or `tls` for a domain whose reachable MX hosts all accept TLS: secure when each of them is
 * authenticated, by MTA-STS in enforce mode (covered by the policy, certificate trusted and valid for
 * its name) or by DANE (TLSA under DNSSEC matching the presented chain). Reasons say which, or why not.
 */
function authenticated(
  mx: readonly MxReport[],
  policy: ScoringPolicy,
  reasons: string[],
  auth: { mtaSts?: MtaStsReport; mxDnssec?: boolean },
): { grade: Grade; reasons: string[] } {
  const sts = auth.mtaSts;
  const enforce = sts && !("error" in sts) && sts.mode === "enforce" ? sts : undefined;
  if (sts && "error" in sts) reasons.push(sts.error);
  else if (sts?.mode === "testing") reasons.push("mta-sts-testing");
  else if (enforce) reasons.push("mta-sts-enforce");
  let allSecure = true;
  let anyDane = false;
  for (const m of mx) {
    if (mxStatus(m, policy) !== "tls") continue;
    const cert = m.tls?.certificate;
    let bySts = false;
    if (enforce) {
      if (!mtaStsCovers(enforce.mx, m.host)) reasons.push(`mta-sts-mx-mismatch:${m.host}`);
      else if (!cert?.trusted || !cert.nameMatches) reasons.push(`mta-sts-cert-invalid:${m.host}`);
      else bySts = true;
    }
    let byDane = false;
    if (m.dane?.error === "dnssec-bogus") reasons.push(`dnssec-bogus:${m.host}`);
    else if (m.dane?.dnssec && m.dane.records.length > 0) {
      // RFC 7672 §2.2.1: TLSA counts only for MX names from a validated MX answer.
      if (auth.mxDnssec !== true) reasons.push(`dane-mx-insecure:${m.host}`);
      else {
        anyDane = true;
        if (m.dane.matched) byDane = true;
        else reasons.push(`dane-mismatch:${m.host}`);
      }
    }
    if (!bySts && !byDane) allSecure = false;
  }
  if (anyDane && mx.every((m) => mxStatus(m, policy) !== "tls" || m.dane?.matched))
    reasons.push("dane-valid");
  return { grade: allSecure ? "secure" : "tls", reasons };
}

/** How long a verdict stays fresh, by grade (design §2's suggestion; the service may override). */
export const DEFAULT_TTL_SECONDS: Record<Grade, number> = {
  secure: 24 * 3600,
  tls: 24 * 3600,
  partial: 3600,
  "no-tls": 3600,
  "no-mail": 6 * 3600,
  unknown: 300,
};
