/**
 * MTA-STS, TLS-RPT and DANE against the harness's real servers: Postfix MXes, dnsmasq, a
 * DNSSEC-signing authoritative server with unbound validating in front, and an HTTPS server with
 * the MTA-STS policies (test/harness/NOTES-harness.md).
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { dnsResolver } from "../../src/probe";
import { parseAllowList } from "../../src/probe/addresses";
import { discoverMtaSts } from "../../src/probe/mtasts";
import { HARNESS_DNS, harnessEnv, probe } from "../helpers/probe";

jest.setTimeout(60000);

describe("MTA-STS and TLS-RPT", () => {
  it("enforce covering the MX: secure, with the policy and the TLS-RPT address in the report", async () => {
    const r = await probe("sts-enforce.test");
    expect(r.grade).toBe("secure");
    expect(r.reasons).toContain("mta-sts-enforce");
    expect(r.mtaSts).toEqual({
      mode: "enforce",
      id: expect.any(String),
      mx: ["mx1.good.test"],
      maxAge: 86400,
    });
    expect(r.tlsRpt).toEqual({ rua: ["mailto:tlsrpt@sts-enforce.test"] });
  });

  it("a wildcard pattern covers one label", async () => {
    expect((await probe("sts-wildcard.test")).grade).toBe("secure");
  });

  it.each([
    ["sts-mismatch.test", "mta-sts-mx-mismatch:mx1.good.test"],
    ["sts-testing.test", "mta-sts-testing"],
    ["sts-invalid.test", "mta-sts-invalid-policy"],
    ["sts-large.test", "mta-sts-too-large"],
    ["sts-redirect.test", "mta-sts-redirect"],
    ["sts-twotxt.test", "mta-sts-invalid-record"],
    ["sts-selfsigned.test", "mta-sts-cert-invalid:mx.selfsigned.test"],
  ])("%s is not secure: %s", async (domain, reason) => {
    const r = await probe(domain);
    expect(r.grade).toBe("tls");
    expect(r.reasons).toContain(reason);
  });

  it("TLS-RPT lists every reporting address", async () => {
    expect((await probe("sts-testing.test")).tlsRpt).toEqual({
      rua: ["mailto:a@sts-testing.test", "https://report.sts-testing.test/tlsrpt"],
    });
  });

  it("keeps a policy for its max_age while the TXT id is unchanged", async () => {
    const cache = new Map();
    const o = {
      resolver: dnsResolver([HARNESS_DNS], 1500),
      allowPrivate: parseAllowList("127.0.0.0/8"),
      timeoutMs: 3000,
      cache,
    };
    const first = await discoverMtaSts("sts-enforce.test", o);
    expect(cache.size).toBe(1);
    expect(await discoverMtaSts("sts-enforce.test", o)).toBe(first);
  });

  it("refuses to fetch a policy from a private address unless allowed", async () => {
    const r = await discoverMtaSts("sts-enforce.test", {
      resolver: dnsResolver([HARNESS_DNS], 1500),
      allowPrivate: parseAllowList(undefined),
      timeoutMs: 3000,
    });
    expect(r).toMatchObject({ error: "mta-sts-fetch-failed", detail: expect.stringContaining("non-public") });
  });
});

describe("DANE (TLSA under DNSSEC)", () => {
  it("a DANE-EE 3 1 1 record matching a self-signed certificate: secure", async () => {
    const r = await probe("dane-valid.test");
    expect(r.grade).toBe("secure");
    expect(r.reasons).toContain("dane-valid");
    expect(r.mx[0].dane).toMatchObject({
      dnssec: true,
      matched: true,
      records: [expect.stringMatching(/^3 1 1 /)],
    });
    expect(r.dane).toEqual({ tlsa: true, dnssec: true, usable: true });
  });

  it.each([
    ["dane-mismatch.test", "dane-mismatch:mx.dane-mismatch.test"],
    ["dane-bogus.test", "dnssec-bogus:mx.dane-bogus.test"],
  ])("%s is not secure: %s", async (domain, reason) => {
    const r = await probe(domain);
    expect(r.grade).toBe("tls");
    expect(r.reasons).toContain(reason);
  });

  it("TLSA that validates counts only when the MX answer validated too (RFC 7672 §2.2.1)", async () => {
    // dane-insecuremx.test is unsigned; its MX is mx.dane-valid.test, whose TLSA is signed and matches.
    const r = await probe("dane-insecuremx.test");
    expect(r.mx[0].dane).toMatchObject({ dnssec: true, matched: true });
    expect(r.grade).toBe("tls");
    expect(r.reasons).toContain("dane-mx-insecure:mx.dane-valid.test");
    expect(r.reasons).not.toContain("dane-valid");
    expect(r.dane).toMatchObject({ usable: false });
  });

  it("TLSA in an unsigned zone is ignored", async () => {
    const r = await probe("dane-unsigned.test");
    expect(r.grade).toBe("tls");
    expect(r.mx[0].dane).toMatchObject({ dnssec: false, matched: null });
    expect(r.reasons.some((x) => x.startsWith("dane"))).toBe(false);
  });

  it("without a validating resolver DANE is not checked", async () => {
    const r = await probe("dane-valid.test", { MAILTLS_DNSSEC_RESOLVER: "off" });
    expect(r.grade).toBe("tls");
    expect(r.mx[0].dane).toBeUndefined();
  });
});

it("the CLI says secure for the MTA-STS and the DANE domain, and not for the look-alikes", async () => {
  const { stdout } = await promisify(execFile)(
    "npm",
    [
      "run",
      "-s",
      "cli",
      "--",
      "check",
      "--json",
      "sts-enforce.test",
      "dane-valid.test",
      "sts-testing.test",
      "dane-mismatch.test",
    ],
    { cwd: join(__dirname, "..", ".."), env: harnessEnv() as NodeJS.ProcessEnv },
  );
  expect(JSON.parse(stdout).map((r: { grade: string }) => r.grade)).toEqual([
    "secure",
    "secure",
    "tls",
    "tls",
  ]);
});
