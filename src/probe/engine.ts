import { type MailDomain } from "../core/domain";
import {
  DEFAULT_TTL_SECONDS,
  type DnsOutcome,
  type DomainReport,
  type MxReport,
  scoreDomain,
} from "../core/verdict";
import { isAllowedTarget } from "./addresses";
import type { ProbeConfig } from "./config";
import { Deadline, KeyedSemaphore, Semaphore, withTimeout } from "./limits";
import { daneFacts, mxValidated } from "./dane";
import { type CachedPolicy, discoverMtaSts, discoverTlsRpt } from "./mtasts";
import { LRUCache } from "lru-cache";
import { dnsFailure, type MailResolver, mxHostsInOrder } from "./resolver";
import { type Connector, probeSmtp, tcpConnector } from "./smtp";

/** What the engine talks to; tests give it a resolver pointed at a local DNS server. */
export interface ProbeDeps {
  resolver: MailResolver;
  connector?: Connector;
  now?: () => number;
}

interface MxTarget {
  host: string;
  preference: number;
}

const DNS_CODES: Record<string, Extract<DnsOutcome, { kind: "error" }>["code"]> = {
  timeout: "dns-timeout",
  servfail: "dns-servfail",
  refused: "dns-refused",
};

/**
 * The probe engine: DNS, then one SMTP conversation per MX host (in parallel), then the grade.
 * Shared limits (connections in all, per destination address) live on the instance.
 */
export class ProbeEngine {
  private readonly connections: Semaphore;
  private readonly perAddress: KeyedSemaphore;
  private readonly connector: Connector;
  private readonly now: () => number;
  /**
   * MTA-STS policies by domain, kept for their max_age while the TXT id is unchanged — at most
   * 8 MB of them (a policy is small: its patterns are capped), least recently used out first.
   */
  private readonly stsCache = new LRUCache<string, CachedPolicy>({
    maxSize: 8_000_000,
    sizeCalculation: (p) => 200 + JSON.stringify(p.report).length * 2,
    max: 50_000,
  });

  constructor(
    readonly config: ProbeConfig,
    private readonly deps: ProbeDeps,
  ) {
    this.connections = new Semaphore(config.maxConnections);
    this.perAddress = new KeyedSemaphore(config.maxConnectionsPerAddress);
    this.connector = deps.connector ?? tcpConnector;
    this.now = deps.now ?? Date.now;
  }

  private async dns<T>(deadline: Deadline, q: () => Promise<T>): Promise<T> {
    return withTimeout(q(), deadline.step(this.config.dnsTimeoutMs), () =>
      Object.assign(new Error("DNS query timed out"), { code: "ETIMEOUT" }),
    );
  }

  /** MX targets in preference order, or the DNS outcome that ends the probe. */
  private async mxTargets(
    domain: string,
    deadline: Deadline,
  ): Promise<{ dns: DnsOutcome; targets: MxTarget[] }> {
    try {
      const records = await this.dns(deadline, () => this.deps.resolver.mx(domain));
      // RFC 7505: a single MX of "." (Node reports an empty exchange) means "no mail here".
      if (records.length === 1 && (records[0].exchange === "" || records[0].exchange === "."))
        return { dns: { kind: "null-mx" }, targets: [] };
      const targets = mxHostsInOrder(records).slice(0, this.config.maxMx);
      if (targets.length === 0) return { dns: { kind: "null-mx" }, targets: [] };
      return { dns: { kind: "mx" }, targets };
    } catch (e) {
      const f = dnsFailure(e);
      if (f === "nxdomain") return { dns: { kind: "nxdomain" }, targets: [] };
      if (f !== "nodata")
        return { dns: { kind: "error", code: DNS_CODES[f] ?? "dns-error", detail: String(e) }, targets: [] };
    }
    // No MX: the domain itself is the mail host if it has an address (RFC 5321 §5.1).
    const [a, aaaa] = await Promise.allSettled([
      this.dns(deadline, () => this.deps.resolver.a(domain)),
      this.dns(deadline, () => this.deps.resolver.aaaa(domain)),
    ]);
    if ((a.status === "fulfilled" && a.value.length) || (aaaa.status === "fulfilled" && aaaa.value.length))
      return { dns: { kind: "implicit-mx" }, targets: [{ host: domain, preference: 0 }] };
    const failures = [a, aaaa].map((r) => (r.status === "rejected" ? dnsFailure(r.reason) : "nodata"));
    const hard = failures.find((f) => f !== "nodata" && f !== "nxdomain");
    if (hard) return { dns: { kind: "error", code: DNS_CODES[hard] ?? "dns-error" }, targets: [] };
    return { dns: { kind: "no-mail-records" }, targets: [] };
  }

  private async addresses(
    host: string,
    deadline: Deadline,
  ): Promise<{ addresses: string[]; error?: string }> {
    const cap = this.config.maxAddressesPerFamily;
    const [a, aaaa] = await Promise.allSettled([
      this.dns(deadline, () => this.deps.resolver.a(host)),
      this.dns(deadline, () => this.deps.resolver.aaaa(host)),
    ]);
    const v4 = a.status === "fulfilled" ? a.value.slice(0, cap) : [];
    const v6 = aaaa.status === "fulfilled" ? aaaa.value.slice(0, cap) : [];
    if (v4.length + v6.length > 0) return { addresses: [...v4, ...v6] };
    const failures = [a, aaaa].map((r) => (r.status === "rejected" ? dnsFailure(r.reason) : "nodata"));
    const hard = failures.find((f) => f !== "nodata" && f !== "nxdomain");
    return { addresses: [], error: hard ? `dns-${hard}` : "no-address" };
  }

  /** One MX host: its addresses, then each allowed address in turn until one answers. */
  private async probeMx(t: MxTarget, deadline: Deadline): Promise<MxReport> {
    const t0 = this.now();
    // The TLSA question runs while the SMTP conversation does; its answer is compared afterwards.
    const resolver = this.config.dnssecResolver;
    // The certificates above the server's own are collected only for DANE-TA records, or while
    // the TLSA answer is not in yet (building them costs a third of a probe's CPU).
    let needsIssuers = resolver !== undefined;
    const dane = resolver
      ? daneFacts(t.host, resolver, deadline.step(this.config.dnsTimeoutMs)).then(
          (f) => ((needsIssuers = f.needsIssuers), f),
          () => ((needsIssuers = false), undefined),
        )
      : undefined;
    const report = await this.talkToMx(t, deadline, t0, () => needsIssuers);
    const finish = await dane;
    const facts = finish?.(report.chain, report.mx.tls?.certificate?.nameMatches ?? false);
    if (facts) report.mx.dane = facts;
    return report.mx;
  }

  private async talkToMx(
    t: MxTarget,
    deadline: Deadline,
    t0: number,
    needsIssuers: () => boolean,
  ): Promise<{ mx: MxReport; chain?: Buffer[] }> {
    const { addresses, error } = await this.addresses(t.host, deadline);
    const report: MxReport = {
      host: t.host,
      preference: t.preference,
      addresses,
      reachable: false,
      starttls: null,
      timings: { dnsMs: this.now() - t0 },
    };
    if (error) {
      report.error = error;
      return { mx: report };
    }
    const allowed = addresses.filter((a) => isAllowedTarget(a, this.config.allowPrivate));
    if (allowed.length === 0) {
      report.error = "private-address";
      report.errorDetail = `refused to connect to ${addresses.join(", ")}: not a public address`;
      return { mx: report };
    }
    let chain: Buffer[] | undefined;
    for (const address of allowed) {
      if (deadline.expired) {
        report.error ??= "deadline";
        break;
      }
      // Waiting for a connection slot (ours, in all and per address) does not spend the deadline.
      const releaseAll = await deadline.hold(this.connections.acquire());
      let facts;
      try {
        const releaseHere = await deadline.hold(this.perAddress.acquire(address));
        try {
          facts = await probeSmtp({
            host: t.host,
            address,
            port: this.config.smtpPort,
            ehloName: this.config.ehloName,
            deadline,
            connectTimeoutMs: this.config.connectTimeoutMs,
            greetingTimeoutMs: this.config.greetingTimeoutMs,
            commandTimeoutMs: this.config.commandTimeoutMs,
            tlsTimeoutMs: this.config.tlsTimeoutMs,
            connector: this.connector,
            needsIssuers,
          });
        } finally {
          releaseHere();
        }
      } finally {
        releaseAll();
      }
      const { peerChain, ...rest } = facts;
      chain = peerChain;
      Object.assign(report, rest, { timings: { ...report.timings, ...facts.timings }, address });
      if (!facts.error || facts.reachable) break; // an answer, good or bad, ends the search
    }
    return { mx: report, chain };
  }

  /** Probes one domain (already parsed and validated) and returns its report. Never throws. */
  async probe(domain: MailDomain): Promise<DomainReport> {
    const started = this.now();
    const deadline = new Deadline(this.config.timeoutMs, this.now);
    // MTA-STS and TLS-RPT are looked up while the MX hosts are probed.
    const stsTimeout = Math.min(this.config.mtaStsTimeoutMs, this.config.timeoutMs);
    const sts = discoverMtaSts(domain.ascii, {
      resolver: this.deps.resolver,
      allowPrivate: this.config.allowPrivate,
      timeoutMs: stsTimeout,
      now: this.now,
      cache: this.stsCache,
    });
    const rpt = discoverTlsRpt(domain.ascii, this.deps.resolver, stsTimeout);
    const { dns, targets } = await this.mxTargets(domain.ascii, deadline);
    // Whether the MX names themselves are DNSSEC-validated, asked while the MX hosts are probed.
    const resolver = this.config.dnssecResolver;
    const mxSecure =
      resolver && (dns.kind === "mx" || dns.kind === "implicit-mx")
        ? mxValidated(
            domain.ascii,
            dns.kind === "implicit-mx",
            resolver,
            deadline.step(this.config.dnsTimeoutMs),
          )
        : Promise.resolve(false);
    // Every MX in parallel, each bounded by the domain's deadline.
    const mx = await Promise.all(targets.map((t) => this.probeMx(t, deadline)));
    const [mtaSts, tlsRpt, mxDnssec] = await Promise.all([sts, rpt, mxSecure]);
    const { grade, reasons } = scoreDomain(dns, mx, this.config.scoring, { mtaSts, mxDnssec });
    const dane = mx.some((m) => m.dane?.records.length)
      ? {
          tlsa: mx.some((m) => m.dane?.dnssec && m.dane.records.length > 0),
          dnssec: mxDnssec && mx.every((m) => m.dane?.dnssec),
          usable: mxDnssec && mx.every((m) => !m.tls || m.dane?.matched === true),
        }
      : undefined;
    const checkedAt = new Date(this.now());
    return {
      domain: domain.ascii,
      displayDomain: domain.unicode,
      grade,
      checkedAt: checkedAt.toISOString(),
      expiresAt: new Date(checkedAt.getTime() + DEFAULT_TTL_SECONDS[grade] * 1000).toISOString(),
      durationMs: this.now() - started,
      mx,
      ...(mtaSts ? { mtaSts } : {}),
      ...(dane ? { dane } : {}),
      ...(tlsRpt ? { tlsRpt } : {}),
      reasons,
    };
  }
}
