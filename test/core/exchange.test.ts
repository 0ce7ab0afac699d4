/**
 * The Exchange Online generator's plan and script (issue 16), from reports made by scoreDomain
 * itself: who goes in which connector, the Get-/Set-/New- structure run twice against a simulated
 * tenant, the rollback, every parameter name and value against the cmdlet reference, the reason
 * text's length, quoting, and drift.
 */
import {
  coveringPattern,
  DOMAINS_PER_CONNECTOR,
  driftOf,
  type ExchangePlan,
  type PlanPartner,
  planExchange,
  qualify,
  REJECT_TEXT_MAX,
  rejectText,
  renderRollback,
  renderScript,
} from "../../src/core/exchange";
import { comment, quote } from "../../src/core/exchange/powershell";
import {
  type DnsOutcome,
  type DomainReport,
  type MtaStsReport,
  type MxReport,
  scoreDomain,
} from "../../src/core/verdict";
import { CMDLETS, COMMON_PARAMETERS, VALUES } from "../helpers/exchangeCmdlets";
import { cloneTenant, emptyTenant, runScript, snapshot } from "../helpers/psSim";

const NOW = "2026-12-01T09:00:00.000Z";
const HOUR = 3600_000;

const tlsMx = (host: string, trusted = true, nameMatches = true, dane?: boolean): MxReport => ({
  host,
  preference: 10,
  addresses: ["192.0.2.1"],
  address: "192.0.2.1",
  reachable: true,
  starttls: true,
  tls: {
    version: "TLSv1.3",
    cipher: "TLS_AES_256_GCM_SHA384",
    certificate: { subject: `CN=${host}`, issuer: "CN=CA", validFrom: "", validTo: "", trusted, nameMatches },
  },
  timings: {},
  ...(dane ? { dane: { dnssec: true, records: ["3 1 1 ab"], matched: true } } : {}),
});
const plainMx = (host: string): MxReport => ({
  host,
  preference: 20,
  addresses: ["192.0.2.2"],
  reachable: true,
  starttls: false,
  timings: {},
});
const silentMx = (host: string): MxReport => ({
  host,
  preference: 30,
  addresses: ["192.0.2.3"],
  reachable: false,
  starttls: null,
  error: "connect-timeout",
  timings: {},
});

/** A report as the probe makes it: the grade from scoreDomain over these MX hosts. */
function report(
  domain: string,
  mx: MxReport[],
  opts: { dns?: DnsOutcome; checkedAt?: string; mtaSts?: MtaStsReport; mxDnssec?: boolean } = {},
): DomainReport {
  const dns = opts.dns ?? { kind: "mx" };
  const { grade, reasons } = scoreDomain(dns, mx, undefined, {
    mtaSts: opts.mtaSts,
    mxDnssec: opts.mxDnssec,
  });
  const checkedAt = opts.checkedAt ?? new Date(Date.parse(NOW) - HOUR).toISOString();
  return {
    domain,
    displayDomain: domain,
    grade,
    checkedAt,
    expiresAt: checkedAt,
    durationMs: 10,
    mx,
    reasons,
  };
}
const partner = (r: DomainReport): PlanPartner => ({
  domain: r.domain,
  displayDomain: r.displayDomain,
  report: r,
});

const plan = (partners: PlanPartner[], over: Partial<Parameters<typeof planExchange>[1]> = {}) =>
  planExchange(partners, {
    now: NOW,
    maxAgeDays: 7,
    includeUnverified: false,
    enforce: false,
    source: { kind: "cli" },
    ...over,
  });

const OPTS = { generator: "MailTLS Guard test", publicUrl: "https://mailtls.example.jp" };

// One of each kind a tenant's partner list holds.
const m365a = report("alpha.co.jp", [tlsMx("alpha-co-jp.mail.protection.outlook.com")]);
const m365b = report("beta.co.jp", [tlsMx("beta-co-jp.mail.protection.outlook.com")]);
const own = report("gamma.jp", [tlsMx("mx1.gamma.jp"), tlsMx("mx2.gamma.jp")]);
const dane = report("delta.jp", [tlsMx("mx.delta.jp", true, true, true)], { mxDnssec: true });
const selfSigned = report("epsilon.jp", [tlsMx("mx.epsilon.jp", false, true)]);
const halfSilent = report("zeta.jp", [tlsMx("mx1.zeta.jp"), silentMx("mx2.zeta.jp")]);
const mixed = report("eta.jp", [tlsMx("mx1.eta.jp"), plainMx("mx2.eta.jp")]);
const noTls = report("theta.jp", [plainMx("mx.theta.jp")]);
const nullMx = report("iota.jp", [], { dns: { kind: "null-mx" } });
const down = report("kappa.jp", [silentMx("mx.kappa.jp")]);
const old = report("lambda.jp", [tlsMx("mx.lambda.jp")], { checkedAt: "2026-11-20T00:00:00.000Z" });
const ALL = [m365a, m365b, own, dane, selfSigned, halfSilent, mixed, noTls, nullMx, down, old].map(partner);

describe("planExchange", () => {
  const p = plan([...ALL, { domain: "mu.jp", displayDomain: "mu.jp" }]);
  const where = (d: string) => p.included.find((x) => x.domain === d);
  const whyNot = (d: string) => p.excluded.find((x) => x.domain === d)?.reason;

  it("puts partners that share a mail provider's zone in a DomainValidation connector", () => {
    const c = p.connectors.find((x) => x.tlsSettings === "DomainValidation");
    expect(c).toMatchObject({
      tlsDomain: "*.mail.protection.outlook.com",
      domains: ["alpha.co.jp", "beta.co.jp"],
    });
    expect(where("alpha.co.jp")?.connector).toBe(c?.name);
  });

  it("partners on their own MX go to CertificateValidation; DANE-secure ones to a connector of their own", () => {
    expect(where("gamma.jp")).toMatchObject({
      tlsSettings: "CertificateValidation",
      connector: "MailTLS Guard - TLS validated 01",
    });
    expect(where("delta.jp")).toMatchObject({
      tlsSettings: "CertificateValidation",
      connector: "MailTLS Guard - TLS DANE 01",
    });
    expect(p.connectors.find((c) => c.name.includes("DANE"))?.dane).toBe(true);
  });

  it("never requires TLS where mail would be held: partial, no-tls, unknown, no-mail, silent MX, stale, unchecked", () => {
    expect(whyNot("eta.jp")).toBe("partial");
    expect(whyNot("theta.jp")).toBe("no-tls");
    expect(whyNot("kappa.jp")).toBe("unknown");
    expect(whyNot("iota.jp")).toBe("no-mail");
    expect(whyNot("zeta.jp")).toBe("not-every-mx");
    expect(p.excluded.find((x) => x.domain === "zeta.jp")?.hosts).toEqual(["mx2.zeta.jp"]);
    expect(whyNot("lambda.jp")).toBe("stale");
    expect(whyNot("mu.jp")).toBe("not-checked");
    expect(whyNot("epsilon.jp")).toBe("cert-unverified");
  });

  it("--max-age-days decides what is stale", () => {
    expect(plan(ALL, { maxAgeDays: 30 }).included.map((x) => x.domain)).toContain("lambda.jp");
  });

  it("--include-unverified puts TLS with an unverified certificate in EncryptionOnly, and nothing else moves", () => {
    const q = plan(ALL, { includeUnverified: true });
    expect(q.included.find((x) => x.domain === "epsilon.jp")).toMatchObject({
      tlsSettings: "EncryptionOnly",
      connector: "MailTLS Guard - TLS encryption only 01",
    });
    for (const d of ["eta.jp", "theta.jp", "kappa.jp", "iota.jp", "zeta.jp"])
      expect(q.included.map((x) => x.domain)).not.toContain(d);
  });

  it("splits large connectors and keeps every partner in exactly one", () => {
    const many = Array.from({ length: DOMAINS_PER_CONNECTOR * 2 + 5 }, (_, i) =>
      partner(report(`p${String(i).padStart(4, "0")}.jp`, [tlsMx(`mx.p${i}.jp`)])),
    );
    const q = plan(many);
    const validated = q.connectors.filter((c) => c.tlsSettings === "CertificateValidation");
    expect(validated.map((c) => c.domains.length)).toEqual([DOMAINS_PER_CONNECTOR, DOMAINS_PER_CONNECTOR, 5]);
    expect(validated.map((c) => c.name)).toEqual([
      "MailTLS Guard - TLS validated 01",
      "MailTLS Guard - TLS validated 02",
      "MailTLS Guard - TLS validated 03",
    ]);
    const all = q.connectors.flatMap((c) => c.domains);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(many.length);
  });

  it("the Audit mode by default, Enforce when asked", () => {
    expect(p.rule.mode).toBe("Audit");
    expect(plan(ALL, { enforce: true }).rule.mode).toBe("Enforce");
  });
});

describe("coveringPattern", () => {
  it("is the narrowest zone below every MX name, never a public suffix", () => {
    expect(coveringPattern(["aspmx.l.google.com", "alt1.aspmx.l.google.com"])).toBe("*.l.google.com");
    expect(coveringPattern(["mx1.gamma.jp", "mx2.gamma.jp"])).toBe("*.gamma.jp");
    expect(coveringPattern(["alpha.co.jp"])).toBeUndefined(); // *.co.jp vouches for everyone
    expect(coveringPattern(["mx.a.jp", "mx.b.jp"])).toBeUndefined();
    expect(coveringPattern(["mx.example"])).toBeUndefined();
  });
});

describe("qualify", () => {
  it("wants every MX on TLS with a trusted certificate valid for its name, within the age", () => {
    const nowMs = Date.parse(NOW);
    expect(qualify(own, nowMs, 7).ok).toBe("validated");
    expect(qualify(report("x.jp", [tlsMx("mx.x.jp", true, false)]), nowMs, 7).ok).toBe("unverified");
    expect(qualify({ ...own, pending: true }, nowMs, 7)).toEqual({ ok: false, reason: "stale" });
    expect(qualify({ ...own, checkedAt: "not a date" }, nowMs, 7)).toEqual({ ok: false, reason: "stale" });
  });
});

const script = (p: ExchangePlan) => renderScript(p, OPTS);

describe("renderScript", () => {
  const p = plan(ALL);
  const text = script(p);

  it("runs twice against a tenant and changes nothing the second time (Get-, then Set- or New-)", () => {
    const tenant = emptyTenant();
    tenant.connectors.set("Contoso to on-premises", { ConnectorType: "OnPremises" });
    const first = runScript(text, tenant);
    expect(first.filter((c) => c.cmdlet.startsWith("New-")).map((c) => c.params.Name)).toEqual([
      ...p.connectors.map((c) => c.name),
      p.rule.name,
    ]);
    const after = snapshot(tenant);
    const second = runScript(text, tenant);
    expect(snapshot(tenant)).toEqual(after);
    expect(second.filter((c) => c.cmdlet.startsWith("New-"))).toEqual([]);
    expect(second.filter((c) => c.cmdlet.startsWith("Set-"))).toHaveLength(p.connectors.length + 1);
    expect(tenant.connectors.get("Contoso to on-premises")).toEqual({ ConnectorType: "OnPremises" });
  });

  it("every New- sits in the else of an existence check whose then is the Set- of the same name", () => {
    const news = text.match(/New-(OutboundConnector|TransportRule)/g) ?? [];
    const guarded =
      text.match(
        /if \(\$(connectors|rules) -contains \$name\) \{\r\n {2}Set-(OutboundConnector|TransportRule) -Identity \$name @settings\r\n\} else \{\r\n {2}New-\2 -Name \$name @settings\r\n\}/g,
      ) ?? [];
    expect(news.length).toBe(p.connectors.length + 1);
    expect(guarded.length).toBe(news.length);
    // The names it checks come from Get- first.
    expect(text.indexOf("$connectors = @(Get-OutboundConnector")).toBeLessThan(
      text.indexOf("New-OutboundConnector"),
    );
  });

  it("the tenant ends with the plan's connectors, their partners and the rule", () => {
    const tenant = emptyTenant();
    runScript(text, tenant);
    for (const c of p.connectors)
      expect(tenant.connectors.get(c.name)).toMatchObject({
        ConnectorType: "Partner",
        UseMXRecord: true,
        RecipientDomains: c.domains,
        TlsSettings: c.tlsSettings,
        ...(c.tlsDomain ? { TlsDomain: c.tlsDomain } : {}),
      });
    expect(tenant.rules.get(p.rule.name)).toMatchObject({
      SentToScope: "NotInOrganization",
      AttachmentIsPasswordProtected: true,
      Mode: "Audit",
      RejectMessageReasonText: rejectText(OPTS.publicUrl),
    });
    expect(runScript(script(plan(ALL, { enforce: true })), tenant).length).toBeGreaterThan(0);
    expect(tenant.rules.get(p.rule.name)?.Mode).toBe("Enforce");
  });

  it("removes its own connectors that a later plan no longer has, and no one else's", () => {
    const tenant = emptyTenant();
    tenant.connectors.set("Fabrikam TLS", { TlsSettings: "CertificateValidation" });
    runScript(text, tenant);
    const fewer = plan([partner(own)]);
    runScript(script(fewer), tenant);
    expect([...tenant.connectors.keys()].sort()).toEqual([
      "Fabrikam TLS",
      "MailTLS Guard - TLS validated 01",
    ]);
    expect(tenant.connectors.get("MailTLS Guard - TLS validated 01")?.RecipientDomains).toEqual(["gamma.jp"]);
  });

  it("uses only parameter names from Microsoft's cmdlet reference, with values it documents", () => {
    const unverified = script(plan(ALL, { includeUnverified: true, enforce: true }));
    for (const s of [text, unverified, renderRollback(p, OPTS)]) {
      // The commented SmtpDaneMode line counts as if uncommented.
      const calls = runScript(s, emptyTenant(), { uncomment: true });
      expect(calls.length).toBeGreaterThan(0);
      for (const call of calls) {
        const ref = CMDLETS[call.cmdlet];
        expect(ref).toBeDefined();
        for (const name of call.parameters)
          expect([
            call.cmdlet,
            [...ref.parameters, ...COMMON_PARAMETERS].includes(name) ? name : `not in ${ref.source}: ${name}`,
          ]).toEqual([call.cmdlet, name]);
        for (const [name, v] of Object.entries(call.params))
          if (VALUES[name]) expect(VALUES[name]).toContain(v);
      }
    }
    // Exactly the eight cmdlets the issue names, and nothing else of Exchange's.
    const used = new Set(
      [text, renderRollback(p, OPTS)].flatMap(
        (s) => s.match(/\b(New|Set|Get|Remove|Enable|Disable)-\w+/g) ?? [],
      ),
    );
    for (const c of used)
      expect([...Object.keys(CMDLETS), "Get-Command", "Install-Module", "Import-Module"]).toContain(c);
  });

  it("offers SmtpDaneMode Mandatory for the DANE connector only, commented out with what it does", () => {
    const lines = text.split("\r\n");
    const at = lines.findIndex((l) => l.trim() === "# SmtpDaneMode = 'Mandatory'");
    expect(at).toBeGreaterThan(0);
    expect(lines.filter((l) => l.includes("SmtpDaneMode = 'Mandatory'"))).toHaveLength(1);
    expect(lines.slice(at - 6, at).join(" ")).toMatch(/DANE/);
    // Uncommented, it lands on that connector alone.
    const tenant = emptyTenant();
    runScript(text, tenant, { uncomment: true });
    expect(tenant.connectors.get("MailTLS Guard - TLS DANE 01")?.SmtpDaneMode).toBe("Mandatory");
    expect(tenant.connectors.get("MailTLS Guard - TLS validated 01")?.SmtpDaneMode).toBeUndefined();
    // Without a DANE partner there is no such line.
    expect(script(plan([partner(own)]))).not.toMatch(/SmtpDaneMode/);
  });

  it("explains itself: when, each partner left out with grade and reason, the bounce warning, connecting, undoing", () => {
    expect(text).toMatch(/Generated 2026-12-01T09:00:00Z/);
    expect(text).toMatch(/# {3}theta\.jp: no-tls/);
    expect(text).toMatch(/Does not accept TLS \(STARTTLS\)/);
    expect(text).toMatch(/暗号化（STARTTLS）に対応していません/);
    expect(text).toMatch(/holds mail, and in the end bounces it/);
    expect(text).toMatch(/Connect-ExchangeOnline -UserPrincipalName/);
    expect(text).toMatch(/--rollback FILE/);
    for (const e of p.excluded) expect(text).toContain(`#   ${e.domain}: ${e.grade ?? "-"}`);
  });

  it("ends lines in CRLF and keeps every comment line a comment", () => {
    expect(text).not.toMatch(/[^\r]\n/);
    const tricky = report("nu.jp", [plainMx("mx.nu.jp")]);
    const q = plan([{ ...partner(tricky), displayDomain: "nu.jp\r\nRemove-OutboundConnector 'x' #\u202e" }]);
    const s = script(q);
    expect(s).not.toMatch(/^Remove-OutboundConnector 'x'/m);
    expect(() => runScript(s, emptyTenant())).not.toThrow();
  });
});

describe("renderRollback", () => {
  it("removes exactly what the script created, where it exists, and may run twice", () => {
    const p = plan(ALL, { includeUnverified: true });
    const tenant = emptyTenant();
    tenant.connectors.set("Contoso to on-premises", { ConnectorType: "OnPremises" });
    tenant.rules.set("Legal hold", { Mode: "Enforce" });
    const before = snapshot(cloneTenant(tenant));
    runScript(script(p), tenant);
    expect(tenant.connectors.size).toBe(p.connectors.length + 1);
    const rollback = renderRollback(p, OPTS);
    runScript(rollback, tenant);
    expect(snapshot(tenant)).toEqual(before);
    runScript(rollback, tenant); // nothing left to remove: no error
    expect(snapshot(tenant)).toEqual(before);
    for (const c of p.connectors) expect(rollback).toContain(`'${c.name}'`);
  });
});

describe("rejectText", () => {
  it("is Japanese then English, points to plain attachments and the download link, within 1,024", () => {
    const text = rejectText("https://mailtls.example.jp");
    expect(text.length).toBeLessThanOrEqual(REJECT_TEXT_MAX);
    expect(text).toMatch(/ダウンロードリンク/);
    expect(text).toMatch(/download link/);
    expect(text).toMatch(/without a password/);
    expect(text).toContain("https://mailtls.example.jp");
    expect(text.indexOf("パスワード")).toBeLessThan(text.indexOf("Password"));
    // A URL too long to fit is left out rather than cut.
    const long = rejectText(`https://example.jp/${"a".repeat(1000)}`);
    expect(long.length).toBeLessThanOrEqual(REJECT_TEXT_MAX);
    expect(long).not.toContain("aaaa");
  });
});

describe("quote and comment", () => {
  it("single-quotes with every kind of quote doubled, and refuses control characters", () => {
    expect(quote("it's")).toBe("'it''s'");
    expect(quote("\u2019")).toBe("'\u2019\u2019'");
    expect(() => quote("a\nb")).toThrow();
  });
  it("wraps without breaking English words, and never lets text out of the comment", () => {
    const lines = comment("a ".repeat(80) + "\nInvoke-Evil", { width: 40 });
    for (const l of lines) expect(l).toMatch(/^# /);
    expect(lines.every((l) => l.length <= 42)).toBe(true);
    const ja = comment(
      "警告: TLS 必須のコネクタは、取引先の TLS が後で壊れると、その宛先へのメールを保留し、やがて返送します。",
      { width: 30 },
    );
    for (const l of ja) expect(l).not.toMatch(/^# [、。）」]/);
  });
});

describe("driftOf", () => {
  it("is drift when the grade falls below what put the partner there, unknown when nothing is known", () => {
    expect(driftOf("CertificateValidation", own).state).toBe("ok");
    expect(driftOf("CertificateValidation", report("gamma.jp", [plainMx("mx1.gamma.jp")]))).toMatchObject({
      state: "drift",
      reason: "no-tls",
    });
    expect(
      driftOf("CertificateValidation", report("gamma.jp", [tlsMx("mx1.gamma.jp"), plainMx("mx2.gamma.jp")])),
    ).toMatchObject({
      state: "drift",
      reason: "partial",
    });
    expect(driftOf("CertificateValidation", selfSigned)).toMatchObject({
      state: "drift",
      reason: "cert-unverified",
    });
    expect(driftOf("EncryptionOnly", selfSigned).state).toBe("ok");
    expect(driftOf("CertificateValidation", down).state).toBe("unknown");
    expect(driftOf("CertificateValidation", halfSilent).state).toBe("unknown");
    expect(driftOf("CertificateValidation", undefined).state).toBe("unknown");
    // Old is not worse: a verdict's age alone is no drift.
    expect(driftOf("CertificateValidation", old).state).toBe("ok");
  });
});
