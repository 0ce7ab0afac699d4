import { type DnsOutcome, type MxReport, scoreDomain } from "../../src/core/verdict";

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
