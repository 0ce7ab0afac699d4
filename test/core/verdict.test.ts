import { type DnsOutcome, mtaStsCovers, type MxReport, scoreDomain } from "../../src/core/verdict";

const tlsMx = (host: string, version = "TLSv1.3", trusted = true, nameMatches = true): MxReport => ({
  host,
  preference: 10,
  addresses: ["192.0.2.1"],
  reachable: true,
  starttls: true,
  tls: {
    version,
    cipher: "TLS_AES_256_GCM_SHA384",
    certificate: { subject: "CN=" + host, issuer: "CN=CA", validFrom: "", validTo: "", trusted, nameMatches },
  },
  timings: {},
});
const plainMx = (host: string): MxReport => ({
  host,
  preference: 20,
  addresses: [],
  reachable: true,
  starttls: false,
  timings: {},
});
const failedMx = (host: string): MxReport => ({
  ...plainMx(host),
  starttls: true,
  error: "tls-handshake-failed",
});
const downMx = (host: string, error = "connect-timeout"): MxReport => ({
  host,
  preference: 30,
  addresses: [],
  reachable: false,
  starttls: null,
  error,
  timings: {},
});
const MX: DnsOutcome = { kind: "mx" };

describe("scoreDomain", () => {
  it.each<[string, DnsOutcome, MxReport[], string, string[]]>([
    ["all TLS", MX, [tlsMx("a"), tlsMx("b")], "tls", []],
    [
      "self-signed still counts as TLS",
      MX,
      [tlsMx("a", "TLSv1.2", false, false)],
      "tls",
      ["cert-untrusted:a", "cert-name-mismatch:a"],
    ],
    ["one without STARTTLS", MX, [tlsMx("a"), plainMx("b")], "partial", ["mx-no-starttls:b"]],
    ["none with STARTTLS", MX, [plainMx("a")], "no-tls", ["mx-no-starttls:a"]],
    ["STARTTLS offered but the handshake fails", MX, [failedMx("a")], "no-tls", ["mx-starttls-failed:a"]],
    [
      "TLS 1.0 only is not an encrypted path for Microsoft 365",
      MX,
      [tlsMx("a", "TLSv1")],
      "no-tls",
      ["legacy-tls:a"],
    ],
    ["unreachable MX do not vote", MX, [tlsMx("a"), downMx("b")], "tls", ["mx-unreachable:b"]],
    [
      "STARTTLS offered, then our timeout in the handshake: not an answer",
      MX,
      [{ ...failedMx("a"), error: "tls-timeout" }],
      "unknown",
      ["mx-timeout:a", "no-mx-reachable"],
    ],
    [
      "a STARTTLS reply that never came, or the deadline: not an answer either",
      MX,
      [
        { ...failedMx("a"), error: "command-timeout" },
        { ...failedMx("b"), error: "deadline" },
      ],
      "unknown",
      ["mx-timeout:a", "mx-timeout:b", "no-mx-reachable"],
    ],
    [
      "a timed-out MX does not vote beside one that answered",
      MX,
      [plainMx("a"), { ...failedMx("b"), error: "tls-timeout" }],
      "no-tls",
      ["mx-no-starttls:a", "mx-timeout:b"],
    ],
    [
      "nothing reachable is unknown, never no-tls",
      MX,
      [downMx("a"), downMx("b", "greeting-timeout")],
      "unknown",
      ["mx-unreachable:a", "mx-unreachable:b", "no-mx-reachable"],
    ],
    [
      "private targets refused",
      MX,
      [downMx("a", "private-address")],
      "unknown",
      ["private-address:a", "no-mx-reachable"],
    ],
    ["implicit MX", { kind: "implicit-mx" }, [tlsMx("d")], "tls", ["implicit-mx"]],
    ["null MX", { kind: "null-mx" }, [], "no-mail", ["null-mx"]],
    ["NXDOMAIN", { kind: "nxdomain" }, [], "no-mail", ["nxdomain"]],
    ["no records", { kind: "no-mail-records" }, [], "no-mail", ["no-mail-records"]],
    ["DNS timeout", { kind: "error", code: "dns-timeout" }, [], "unknown", ["dns-timeout"]],
    ["SERVFAIL", { kind: "error", code: "dns-servfail" }, [], "unknown", ["dns-servfail"]],
  ])("%s", (_, dns, mx, grade, reasons) => {
    expect(scoreDomain(dns, mx)).toEqual({ grade, reasons });
  });

  it("the minimum TLS version is a policy", () => {
    expect(scoreDomain(MX, [tlsMx("a", "TLSv1")], { minTlsVersion: "TLSv1" }).grade).toBe("tls");
    expect(scoreDomain(MX, [tlsMx("a", "TLSv1.2")], { minTlsVersion: "TLSv1.3" }).grade).toBe("no-tls");
  });
});

describe("secure: authenticated transport (MTA-STS enforce or DANE)", () => {
  const enforce = (mx: string[]) => ({ mode: "enforce" as const, id: "1", mx, maxAge: 86400 });
  const dane = (matched: boolean | null, dnssec = true) => ({ dnssec, records: ["3 1 1 ab"], matched });
  const withDane = (m: MxReport, d: MxReport["dane"]): MxReport => ({ ...m, dane: d });

  it.each<[string, MxReport[], Parameters<typeof scoreDomain>[3], string, string[]]>([
    [
      "MTA-STS enforce covering every MX",
      [tlsMx("mx1.a.jp"), tlsMx("mx2.a.jp")],
      { mtaSts: enforce(["*.a.jp"]) },
      "secure",
      ["mta-sts-enforce"],
    ],
    [
      "enforce, one MX not covered",
      [tlsMx("mx1.a.jp"), tlsMx("mx.other.jp")],
      { mtaSts: enforce(["*.a.jp"]) },
      "tls",
      ["mta-sts-enforce", "mta-sts-mx-mismatch:mx.other.jp"],
    ],
    [
      "enforce, an untrusted certificate",
      [tlsMx("mx1.a.jp", "TLSv1.3", false)],
      { mtaSts: enforce(["mx1.a.jp"]) },
      "tls",
      ["cert-untrusted:mx1.a.jp", "mta-sts-enforce", "mta-sts-cert-invalid:mx1.a.jp"],
    ],
    [
      "testing mode is not enforcement",
      [tlsMx("mx1.a.jp")],
      { mtaSts: { ...enforce(["mx1.a.jp"]), mode: "testing" } },
      "tls",
      ["mta-sts-testing"],
    ],
    [
      "a broken policy is no policy",
      [tlsMx("mx1.a.jp")],
      { mtaSts: { error: "mta-sts-invalid-policy" } },
      "tls",
      ["mta-sts-invalid-policy"],
    ],
    [
      "DANE matching on every MX (even a self-signed one)",
      [withDane(tlsMx("mx1.a.jp", "TLSv1.3", false, false), dane(true))],
      { mxDnssec: true },
      "secure",
      ["cert-untrusted:mx1.a.jp", "cert-name-mismatch:mx1.a.jp", "dane-valid"],
    ],
    [
      "DANE matching, but the MX answer did not validate: not secure",
      [withDane(tlsMx("mx1.a.jp"), dane(true))],
      { mxDnssec: false },
      "tls",
      ["dane-mx-insecure:mx1.a.jp"],
    ],
    [
      "DANE mismatch",
      [withDane(tlsMx("mx1.a.jp"), dane(false))],
      { mxDnssec: true },
      "tls",
      ["dane-mismatch:mx1.a.jp"],
    ],
    ["TLSA in an unsigned zone is ignored", [withDane(tlsMx("mx1.a.jp"), dane(null, false))], {}, "tls", []],
    [
      "a bogus TLSA answer",
      [withDane(tlsMx("mx1.a.jp"), { dnssec: false, records: [], matched: null, error: "dnssec-bogus" })],
      {},
      "tls",
      ["dnssec-bogus:mx1.a.jp"],
    ],
    [
      "one MX by MTA-STS, the other by DANE",
      [tlsMx("mx1.a.jp"), withDane(tlsMx("mx.b.jp"), dane(true))],
      { mtaSts: enforce(["mx1.a.jp"]), mxDnssec: true },
      "secure",
      ["mta-sts-enforce", "mta-sts-mx-mismatch:mx.b.jp"],
    ],
    [
      "never secure with a clear-text MX",
      [tlsMx("mx1.a.jp"), plainMx("mx2.a.jp")],
      { mtaSts: enforce(["*.a.jp"]) },
      "partial",
      ["mx-no-starttls:mx2.a.jp"],
    ],
  ])("%s", (_name, mx, auth, grade, reasons) => {
    expect(scoreDomain(MX, mx, undefined, auth)).toEqual({ grade, reasons });
  });

  it.each([
    ["*.a.jp", "mx1.a.jp", true],
    ["*.a.jp", "a.jp", false],
    ["*.a.jp", "x.mx1.a.jp", false],
    ["MX1.A.JP", "mx1.a.jp.", true],
    ["mx1.a.jp", "mx2.a.jp", false],
  ])("MTA-STS pattern %s covers %s: %s", (pattern, host, covered) => {
    expect(mtaStsCovers([pattern], host)).toBe(covered);
  });
});
