/**
 * The probe engine against real servers on loopback: dnsmasq serving a .test zone and private
 * Postfix instances (test/harness), plus small hostile Node servers for what no MTA would do.
 */
import { type HostileServer, startHostile } from "../harness/hostile";
import { probe } from "../helpers/probe";

describe("probe engine against real Postfix and dnsmasq", () => {
  it("valid TLS: STARTTLS, a trusted certificate that matches the MX name", async () => {
    const r = await probe("good.test");
    expect(r).toMatchObject({ domain: "good.test", displayDomain: "good.test", grade: "tls", reasons: [] });
    expect(r.mx).toHaveLength(1);
    const [mx] = r.mx;
    expect(mx).toMatchObject({
      host: "mx1.good.test",
      preference: 10,
      address: "127.0.0.11",
      reachable: true,
      starttls: true,
    });
    expect(mx.banner).toContain("mx1.good.test ESMTP");
    expect(mx.tls?.version).toMatch(/^TLSv1\.[23]$/);
    expect(mx.tls?.certificate).toMatchObject({ trusted: true, nameMatches: true });
    expect(mx.tls?.certificate?.subject).toContain("CN=mx1.good.test");
    expect(mx.tls?.certificate?.issuer).toContain("MailTLS Guard Test CA");
    for (const k of ["dnsMs", "connectMs", "bannerMs", "ehloMs", "tlsMs"] as const)
      expect(mx.timings[k]).toBeGreaterThanOrEqual(0);
    expect(Date.parse(r.expiresAt) - Date.parse(r.checkedAt)).toBe(24 * 3600 * 1000);
  });

  it("no STARTTLS: no-tls", async () => {
    const r = await probe("notls.test");
    expect(r.grade).toBe("no-tls");
    expect(r.mx[0]).toMatchObject({ reachable: true, starttls: false });
    expect(r.mx[0].tls).toBeUndefined();
    expect(r.reasons).toEqual(["mx-no-starttls:mx.notls.test"]);
  });

  it("two MX, one without TLS: partial, both probed, in preference order", async () => {
    const r = await probe("partial.test");
    expect(r.grade).toBe("partial");
    expect(r.mx.map((m) => [m.host, m.preference, m.starttls])).toEqual([
      ["mx1.partial.test", 10, true],
      ["mx2.partial.test", 20, false],
    ]);
    expect(r.reasons).toEqual(["mx-no-starttls:mx2.partial.test"]);
  });

  it("self-signed certificate: still tls (opportunistic), not trusted", async () => {
    const r = await probe("selfsigned.test");
    expect(r.grade).toBe("tls");
    expect(r.mx[0].tls?.certificate).toMatchObject({ trusted: false, nameMatches: true });
    expect(r.mx[0].tls?.certificate?.error).toMatch(/SELF_SIGNED/);
    expect(r.reasons).toEqual(["cert-untrusted:mx.selfsigned.test"]);
  });

  it("certificate for another name: tls, trusted chain, name does not match", async () => {
    const r = await probe("mismatch.test");
    expect(r.grade).toBe("tls");
    expect(r.mx[0].tls?.certificate).toMatchObject({ trusted: true, nameMatches: false });
    expect(r.reasons).toEqual(["cert-name-mismatch:mx.mismatch.test"]);
  });

  it("expired certificate: tls, not trusted, says expired", async () => {
    const r = await probe("expired.test");
    expect(r.grade).toBe("tls");
    expect(r.mx[0].tls?.certificate).toMatchObject({ trusted: false, error: "CERT_HAS_EXPIRED" });
    expect(r.mx[0].tls?.certificate?.validTo).toBe("2021-01-01T00:00:00.000Z");
  });

  it("TLS 1.0 only: the version is reported, and it does not count as encrypted for Microsoft 365", async () => {
    const r = await probe("tls10.test");
    expect(r.mx[0].tls?.version).toBe("TLSv1");
    expect(r.grade).toBe("no-tls");
    expect(r.reasons).toEqual(["legacy-tls:mx.tls10.test"]);
    const lenient = await probe("tls10.test", { MAILTLS_MIN_TLS_VERSION: "TLSv1" });
    expect(lenient.grade).toBe("tls");
  });

  it("implicit MX: no MX record, the domain's own address is the mail host", async () => {
    const r = await probe("implicit.test");
    expect(r.grade).toBe("tls");
    expect(r.reasons).toEqual(["implicit-mx"]);
    expect(r.mx[0]).toMatchObject({ host: "implicit.test", preference: 0, starttls: true });
    expect(r.mx[0].tls?.certificate?.nameMatches).toBe(true);
  });

  it("a Unicode domain is probed by its punycode form and shown in Unicode", async () => {
    const r = await probe("担当者@例え.test");
    expect(r).toMatchObject({ domain: "xn--r8jz45g.test", displayDomain: "例え.test", grade: "tls" });
    expect(r.mx[0].host).toBe("mx.xn--r8jz45g.test");
  });

  it("a multi-line greeting (Postfix postscreen) is read to its last line before EHLO", async () => {
    const r = await probe("multiline.test");
    expect(r.grade).toBe("tls");
    expect(r.mx[0].banner).toContain("pre-greeting");
    expect(r.mx[0].banner).toContain("mx.multiline.test ESMTP");
  });

  it.each([
    ["nullmx.test", ["null-mx"]],
    ["nosuchdomain.test", ["nxdomain"]],
    ["txtonly.test", ["no-mail-records"]],
  ])("%s: no-mail (%j), nothing to connect to", async (domain, reasons) => {
    const r = await probe(domain);
    expect(r).toMatchObject({ grade: "no-mail", reasons, mx: [] });
  });

  it("SERVFAIL: unknown, never no-tls", async () => {
    expect(await probe("servfail.test")).toMatchObject({ grade: "unknown", reasons: ["dns-servfail"] });
  });

  it("a DNS server that never answers: unknown (dns-timeout)", async () => {
    expect(await probe("timeout.test", { MAILTLS_DNS_TIMEOUT_MS: "400" })).toMatchObject({
      grade: "unknown",
      reasons: ["dns-timeout"],
    });
  });

  it("an MX whose name does not resolve: unknown", async () => {
    const r = await probe("dangling.test");
    expect(r.grade).toBe("unknown");
    expect(r.mx[0]).toMatchObject({ host: "mx.nowhere.test", reachable: false, error: "no-address" });
  });

  it("connection refused: unknown, with the reason", async () => {
    const r = await probe("connrefused.test");
    expect(r.grade).toBe("unknown");
    expect(r.mx[0]).toMatchObject({ reachable: false, error: "connect-refused" });
    expect(r.reasons).toEqual(["mx-unreachable:mx.connrefused.test", "no-mx-reachable"]);
  });
});

describe("private targets", () => {
  let watched: HostileServer;
  beforeAll(async () => (watched = await startHostile("127.0.0.37", "watched")));
  afterAll(() => watched.close());

  it("are refused without the operator's allowance, and never connected to", async () => {
    const r = await probe("watched.test", { MAILTLS_ALLOW_PRIVATE: "" });
    expect(r.grade).toBe("unknown");
    expect(r.mx[0]).toMatchObject({ reachable: false, error: "private-address", addresses: ["127.0.0.37"] });
    expect(r.reasons).toEqual(["private-address:mx.watched.test", "no-mx-reachable"]);
    expect(watched.connections).toBe(0);
  });

  it("are probed once allowed (the same listener answers)", async () => {
    const r = await probe("watched.test");
    expect(r.mx[0].reachable).toBe(true);
    expect(watched.connections).toBe(1);
  });

  it("an MX on an RFC 1918 address is refused even with loopback allowed", async () => {
    const r = await probe("private.test");
    expect(r.mx[0]).toMatchObject({ error: "private-address", addresses: ["10.1.2.3"] });
    expect(r.grade).toBe("unknown");
  });
});

describe("IPv6", () => {
  const v6 = { MAILTLS_ALLOW_PRIVATE: "127.0.0.0/8,::1/128" };

  it("an MX host with only an AAAA record is probed over IPv6", async () => {
    const r = await probe("v6only.test", v6);
    expect(r.grade).toBe("tls");
    expect(r.mx[0]).toMatchObject({
      host: "mx.v6only.test",
      addresses: ["::1"],
      address: "::1",
      starttls: true,
    });
    expect(r.mx[0].tls?.version).toMatch(/^TLSv1\.[23]$/);
  });

  it("an implicit MX from an AAAA record alone", async () => {
    const r = await probe("v6implicit.test", v6);
    expect(r.grade).toBe("tls");
    expect(r.reasons).toContain("implicit-mx");
    expect(r.mx[0]).toMatchObject({ host: "v6implicit.test", address: "::1" });
  });

  it("::1 is refused like 127.0.0.1 unless the operator allows it", async () => {
    const r = await probe("v6only.test");
    expect(r.grade).toBe("unknown");
    expect(r.mx[0].error).toBe("private-address");
  });
});

describe("hostile servers", () => {
  const servers: HostileServer[] = [];
  beforeAll(async () => {
    servers.push(
      await startHostile("127.0.0.31", "tarpit"),
      await startHostile("127.0.0.32", "brokenTls"),
      await startHostile("127.0.0.33", "endless"),
      await startHostile("127.0.0.34", "longLine"),
      await startHostile("127.0.0.35", "garbage"),
      await startHostile("127.0.0.43", "stallTls"),
      await startHostile("127.0.0.44", "stallStarttls"),
      await startHostile("127.0.0.45", "resetTls"),
      await startHostile("127.0.0.46", "refuseStarttls"),
    );
  });
  afterAll(() => Promise.all(servers.map((s) => s.close())));

  it("a tarpit that greets after 30 s gives unknown within the domain deadline", async () => {
    const r = await probe("tarpit.test", { MAILTLS_PROBE_TIMEOUT_MS: "1500" });
    expect(r.grade).toBe("unknown");
    expect(r.mx[0]).toMatchObject({ reachable: false, error: "deadline" });
    expect(r.durationMs).toBeLessThan(30000); // it did not wait for the greeting
  });

  it("STARTTLS answered 220, then a broken handshake: no-tls with its own reason", async () => {
    const r = await probe("brokentls.test");
    expect(r.grade).toBe("no-tls");
    expect(r.mx[0]).toMatchObject({ reachable: true, starttls: true, error: "tls-handshake-failed" });
    expect(r.reasons).toEqual(["mx-starttls-failed:mx.brokentls.test"]);
  });

  it("STARTTLS answered 220, then a handshake that never completes: unknown, not no-tls", async () => {
    const r = await probe("stalltls.test", { MAILTLS_TLS_TIMEOUT_MS: "800" });
    expect(r.grade).toBe("unknown");
    expect(r.mx[0]).toMatchObject({ reachable: true, starttls: true, error: "tls-timeout" });
    expect(r.reasons).toEqual(["mx-timeout:mx.stalltls.test", "no-mx-reachable"]);
  });

  it("the domain's deadline running out during the handshake: unknown", async () => {
    const r = await probe("stalltls.test", {
      MAILTLS_PROBE_TIMEOUT_MS: "1200",
      MAILTLS_TLS_TIMEOUT_MS: "5000",
    });
    expect(r.grade).toBe("unknown");
    expect(r.mx[0]).toMatchObject({ starttls: true, error: "deadline" });
  });

  it("a STARTTLS reply that never comes: unknown", async () => {
    const r = await probe("stallstarttls.test", { MAILTLS_COMMAND_TIMEOUT_MS: "800" });
    expect(r.grade).toBe("unknown");
    expect(r.mx[0]).toMatchObject({ starttls: true, error: "command-timeout" });
    expect(r.reasons).toContain("mx-timeout:mx.stallstarttls.test");
  });

  it("one MX stalls, the other answers with TLS: graded by the one that answered", async () => {
    const r = await probe("stallhalf.test", { MAILTLS_TLS_TIMEOUT_MS: "800" });
    expect(r.grade).toBe("tls");
    expect(r.reasons).toContain("mx-timeout:mx.stalltls.test");
  });

  it.each([
    ["resettls.test", "a reset after the ClientHello", "tls-handshake-failed"],
    ["refusetls.test", "a 454 reply to STARTTLS", "starttls-rejected"],
  ])("%s (%s) is a refusal: no-tls, as a sender would fall back to clear text", async (domain, _, error) => {
    const r = await probe(domain);
    expect(r.grade).toBe("no-tls");
    expect(r.mx[0]).toMatchObject({ reachable: true, starttls: true, error });
    expect(r.reasons).toEqual([`mx-starttls-failed:mx.${domain}`]);
  });

  it.each([
    ["endless.test", "an endless multi-line reply"],
    ["longline.test", "a one-megabyte line"],
    ["garbage.test", "bytes that are not SMTP"],
  ])("%s (%s): a protocol error, unknown, and bounded memory", async (domain) => {
    const r = await probe(domain);
    expect(r.grade).toBe("unknown");
    expect(r.mx[0].error).toBe("protocol-error");
  });
});
