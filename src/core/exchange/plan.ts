/**
 * Which partners an Exchange Online TLS-required outbound connector may hold, and in which
 * connector: the plan that script.ts writes as PowerShell and the console previews. Pure: it takes
 * the partners' reports and the time, and decides nothing it cannot show from them.
 *
 * A TLS-required connector holds mail (and in the end bounds it) when the partner's TLS fails, so
 * a partner goes in only when every MX answered with TLS 1.2 or newer: CertificateValidation (or
 * DomainValidation) when every certificate was trusted and valid for its MX name, EncryptionOnly
 * for the rest only when asked. Everything else stays on Exchange's default (opportunistic TLS).
 */
import { getPublicSuffix } from "tldts";
import { type DomainReport, type Grade, mxStatus } from "../verdict";

export type TlsSettings = "CertificateValidation" | "DomainValidation" | "EncryptionOnly";

/** Why a partner is not in any TLS-required connector. */
export type ExclusionCode =
  | "partial"
  | "no-tls"
  | "unknown"
  | "no-mail"
  | "not-every-mx"
  | "cert-unverified"
  | "stale"
  | "not-checked"
  | "over-limit";

export const EXCLUSION_CODES: readonly ExclusionCode[] = [
  "partial",
  "no-tls",
  "unknown",
  "no-mail",
  "not-every-mx",
  "cert-unverified",
  "stale",
  "not-checked",
  "over-limit",
];

export interface PlanPartner {
  domain: string;
  displayDomain: string;
  /** The partner's latest report; absent when it was never checked. */
  report?: DomainReport;
}

export interface ConnectorPlan {
  name: string;
  tlsSettings: TlsSettings;
  /** DomainValidation only: the pattern that covers every MX name of this connector's partners. */
  tlsDomain?: string;
  /** Every partner here is graded secure through DANE (the commented SmtpDaneMode line). */
  dane: boolean;
  /** ASCII (punycode) names, sorted. */
  domains: string[];
}

export interface IncludedPartner {
  domain: string;
  displayDomain: string;
  grade: Grade;
  checkedAt: string;
  connector: string;
  tlsSettings: TlsSettings;
  tlsDomain?: string;
  mx: string[];
}

export interface ExcludedPartner {
  domain: string;
  displayDomain: string;
  grade?: Grade;
  checkedAt?: string;
  reason: ExclusionCode;
  /** The MX hosts the reason is about (not-every-mx, cert-unverified). */
  hosts?: string[];
}

export interface PlanOptions {
  /** When the plan is made (ISO 8601). */
  now: string;
  /** Reports older than this many days do not prove anything (default 7). */
  maxAgeDays: number;
  /** Partners with TLS but an unverified certificate go in an EncryptionOnly connector. */
  includeUnverified: boolean;
  /** The password-attachment rule rejects instead of auditing. */
  enforce: boolean;
  /** Where the reports came from, for the script's header. */
  source: { kind: "cli" } | { kind: "service"; tenant: string };
}

export interface RulePlan {
  name: string;
  mode: "Audit" | "Enforce";
}

export interface ExchangePlan {
  generatedAt: string;
  source: PlanOptions["source"];
  maxAgeDays: number;
  includeUnverified: boolean;
  connectors: ConnectorPlan[];
  rule: RulePlan;
  included: IncludedPartner[];
  excluded: ExcludedPartner[];
}

/**
 * Partners per connector. Microsoft documents no cap on RecipientDomains; a few hundred keeps each
 * connector reviewable in the admin center and each Set- call small, and stays far below the
 * directory's limits on multi-valued properties. Changing it renames nothing: connectors are
 * numbered and the script removes its own connectors that a plan no longer has.
 */
export const DOMAINS_PER_CONNECTOR = 200;
/** DomainValidation connectors at most (the largest groups); the rest go to CertificateValidation. */
export const MAX_DOMAIN_CONNECTORS = 20;
/** Partners in one plan at most; the rest are listed as left out. */
export const MAX_PLAN_PARTNERS = 20_000;
export const DEFAULT_MAX_AGE_DAYS = 7;

/** Every name this generator gives begins so; the script removes its own stale connectors by it. */
export const NAME_PREFIX = "MailTLS Guard - ";
export const CONNECTOR_PREFIX = `${NAME_PREFIX}TLS `;
export const RULE_NAME = `${NAME_PREFIX}password-protected attachments to outside`;

const SERIES = {
  dane: "DANE",
  domain: "domain",
  validated: "validated",
  encryption: "encryption only",
} as const;

const seriesName = (series: keyof typeof SERIES, n: number) =>
  `${CONNECTOR_PREFIX}${SERIES[series]} ${String(n).padStart(2, "0")}`;

const lower = (h: string) => h.toLowerCase().replace(/\.$/, "");

/**
 * The narrowest `*.zone` that covers every host (each strictly below the zone), or undefined when
 * the only common zone is a public suffix (`*.co.jp` would vouch for every company there).
 */
export function coveringPattern(hosts: readonly string[]): string | undefined {
  if (hosts.length === 0) return undefined;
  const parents = hosts.map((h) => lower(h).split(".").slice(1));
  let common = parents[0];
  for (const p of parents.slice(1)) {
    let k = 0;
    while (k < common.length && k < p.length && common[common.length - 1 - k] === p[p.length - 1 - k]) k++;
    common = common.slice(common.length - k);
  }
  if (common.length < 2) return undefined;
  const zone = common.join(".");
  if (getPublicSuffix(`x.${zone}`, { allowPrivateDomains: true }) === zone) return undefined;
  return `*.${zone}`;
}

/** Exchange's TlsDomain wildcard: `*.zone` stands for every name below zone, at any depth. */
export function patternCovers(pattern: string, host: string): boolean {
  return pattern.startsWith("*.") && lower(host).endsWith(pattern.slice(1));
}

type Qualification =
  | { ok: "validated"; hosts: string[]; dane: boolean }
  | { ok: "unverified"; hosts: string[] }
  | { ok: false; reason: ExclusionCode; hosts?: string[] };

/** What the report proves about delivering to this partner over required TLS. */
export function qualify(report: DomainReport, nowMs: number, maxAgeDays: number): Qualification {
  const checked = Date.parse(report.checkedAt);
  if (!Number.isFinite(checked) || nowMs - checked > maxAgeDays * 86_400_000)
    return { ok: false, reason: "stale" };
  if (report.pending) return { ok: false, reason: "stale" };
  switch (report.grade) {
    case "partial":
    case "no-tls":
    case "unknown":
    case "no-mail":
      return { ok: false, reason: report.grade };
  }
  // A secure or tls grade may leave out MX hosts that did not answer; mail can go to those too.
  const silent = report.mx.filter((m) => mxStatus(m) !== "tls").map((m) => m.host);
  if (report.mx.length === 0 || silent.length > 0)
    return { ok: false, reason: "not-every-mx", hosts: silent };
  const hosts = report.mx.map((m) => lower(m.host));
  const unverified = report.mx
    .filter((m) => !m.tls?.certificate?.trusted || !m.tls.certificate.nameMatches)
    .map((m) => m.host);
  if (unverified.length > 0) return { ok: "unverified", hosts: unverified };
  const dane = report.grade === "secure" && report.reasons.includes("dane-valid");
  return { ok: "validated", hosts, dane };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const byDomain = (a: { domain: string }, b: { domain: string }) =>
  a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0;

/** The plan for these partners (each once; callers give ASCII domains). */
export function planExchange(partners: readonly PlanPartner[], opts: PlanOptions): ExchangePlan {
  const nowMs = Date.parse(opts.now);
  const seen = new Set<string>();
  const unique = [...partners].sort(byDomain).filter((p) => !seen.has(p.domain) && !!seen.add(p.domain));
  const excluded: ExcludedPartner[] = [];
  const dane: Array<PlanPartner & { report: DomainReport }> = [];
  const validated: Array<PlanPartner & { report: DomainReport; hosts: string[] }> = [];
  const unverified: Array<PlanPartner & { report: DomainReport }> = [];
  for (const [i, p] of unique.entries()) {
    const base = { domain: p.domain, displayDomain: p.displayDomain };
    if (i >= MAX_PLAN_PARTNERS) {
      excluded.push({ ...base, reason: "over-limit" });
      continue;
    }
    if (!p.report) {
      excluded.push({ ...base, reason: "not-checked" });
      continue;
    }
    const r = p.report;
    const known = { ...base, grade: r.grade, checkedAt: r.checkedAt };
    const v = qualify(r, nowMs, opts.maxAgeDays);
    if (v.ok === "validated") {
      if (v.dane) dane.push({ ...p, report: r });
      else validated.push({ ...p, report: r, hosts: v.hosts });
    } else if (v.ok === "unverified") {
      if (opts.includeUnverified) unverified.push({ ...p, report: r });
      else excluded.push({ ...known, reason: "cert-unverified", hosts: v.hosts });
    } else excluded.push({ ...known, reason: v.reason, ...(v.hosts ? { hosts: v.hosts } : {}) });
  }

  // DomainValidation where partners share one MX zone (several customers of one mail provider):
  // the largest groups of two or more partners, each its own connector with that zone's pattern.
  const byPattern = new Map<string, typeof validated>();
  for (const p of validated) {
    const pattern = coveringPattern(p.hosts);
    if (!pattern) continue;
    byPattern.set(pattern, [...(byPattern.get(pattern) ?? []), p]);
  }
  const groups = [...byPattern.entries()]
    .filter(([, ps]) => ps.length >= 2)
    .sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))
    .slice(0, MAX_DOMAIN_CONNECTORS);
  const grouped = new Set(groups.flatMap(([, ps]) => ps.map((p) => p.domain)));

  const connectors: ConnectorPlan[] = [];
  const included: IncludedPartner[] = [];
  const place = (
    members: ReadonlyArray<PlanPartner & { report: DomainReport }>,
    c: Omit<ConnectorPlan, "domains">,
  ) => {
    connectors.push({ ...c, domains: members.map((m) => m.domain) });
    for (const m of members)
      included.push({
        domain: m.domain,
        displayDomain: m.displayDomain,
        grade: m.report.grade,
        checkedAt: m.report.checkedAt,
        connector: c.name,
        tlsSettings: c.tlsSettings,
        ...(c.tlsDomain ? { tlsDomain: c.tlsDomain } : {}),
        mx: m.report.mx.map((x) => lower(x.host)),
      });
  };
  let n = 0;
  for (const part of chunks(dane, DOMAINS_PER_CONNECTOR))
    place(part, { name: seriesName("dane", ++n), tlsSettings: "CertificateValidation", dane: true });
  n = 0;
  // A group larger than one connector keeps its pattern across its parts.
  for (const [pattern, ps] of groups)
    for (const part of chunks(ps, DOMAINS_PER_CONNECTOR))
      place(part, {
        name: seriesName("domain", ++n),
        tlsSettings: "DomainValidation",
        tlsDomain: pattern,
        dane: false,
      });
  n = 0;
  for (const part of chunks(
    validated.filter((p) => !grouped.has(p.domain)),
    DOMAINS_PER_CONNECTOR,
  ))
    place(part, { name: seriesName("validated", ++n), tlsSettings: "CertificateValidation", dane: false });
  n = 0;
  for (const part of chunks(unverified, DOMAINS_PER_CONNECTOR))
    place(part, { name: seriesName("encryption", ++n), tlsSettings: "EncryptionOnly", dane: false });

  return {
    generatedAt: opts.now,
    source: opts.source,
    maxAgeDays: opts.maxAgeDays,
    includeUnverified: opts.includeUnverified,
    connectors,
    rule: { name: RULE_NAME, mode: opts.enforce ? "Enforce" : "Audit" },
    included: included.sort(byDomain),
    excluded,
  };
}

export type Drift =
  | { state: "ok" }
  | { state: "unknown" }
  | { state: "drift"; reason: ExclusionCode; grade: Grade; hosts?: string[] };

/**
 * Whether mail to a partner inside a generated connector would be held now: its grade fell below
 * what put it there (partial, no-tls, no-mail), or its certificate no longer validates while the
 * connector requires that. No report, an unknown grade or MX hosts that did not answer say nothing
 * either way ("unknown"): a probe that timed out is not a partner whose TLS broke.
 */
export function driftOf(tlsSettings: TlsSettings, report: DomainReport | undefined): Drift {
  if (!report || report.grade === "unknown") return { state: "unknown" };
  const v = qualify(report, Date.parse(report.checkedAt), Number.POSITIVE_INFINITY);
  if (v.ok === "validated") return { state: "ok" };
  if (v.ok === "unverified")
    return tlsSettings === "EncryptionOnly"
      ? { state: "ok" }
      : { state: "drift", reason: "cert-unverified", grade: report.grade, hosts: v.hosts };
  if (v.reason === "not-every-mx" || v.reason === "stale") return { state: "unknown" };
  return { state: "drift", reason: v.reason, grade: report.grade };
}
