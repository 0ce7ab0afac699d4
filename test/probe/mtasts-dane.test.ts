/** MTA-STS policy parsing and DANE matching, against certificates of the test PKI and openssl's hashes. */
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { join } from "node:path";
import { daneMatch, parseResolver } from "../../src/probe/dane";
import { parseStsPolicy } from "../../src/probe/mtasts";

const PKI = join(__dirname, "..", "harness", "pki");
const der = (name: string) => new X509Certificate(readFileSync(join(PKI, name))).raw;
/** The SPKI digest as openssl computes it: an independent implementation of selector 1. */
function opensslSpki(name: string, alg: "sha256" | "sha512"): Buffer {
  const out = execSync(
    `openssl x509 -in ${join(PKI, name)} -pubkey -noout | openssl pkey -pubin -outform DER | openssl dgst -${alg} -binary`,
  );
  return Buffer.from(out);
}
const tlsa = (usage: number, selector: number, matchingType: number, certificate: Buffer) => ({
  usage,
  selector,
  matchingType,
  certificate,
});

describe("MTA-STS policy", () => {
  it("parses a policy with CRLF or LF lines and several mx patterns", () => {
    expect(
      parseStsPolicy(
        "version: STSv1\r\nmode: enforce\r\nmx: mx1.a.jp\r\nmx: *.b.jp\r\nmax_age: 604800\r\n",
        "x1",
      ),
    ).toEqual({ mode: "enforce", id: "x1", mx: ["mx1.a.jp", "*.b.jp"], maxAge: 604800 });
    expect(parseStsPolicy("version: STSv1\nmode: none\nmax_age: 86400\n", "x2")).toMatchObject({
      mode: "none",
      mx: [],
    });
  });

  it.each([
    ["no version", "mode: enforce\nmx: a\nmax_age: 1\n"],
    ["a wrong version", "version: STSv2\nmode: enforce\nmx: a\nmax_age: 1\n"],
    ["an unknown mode", "version: STSv1\nmode: strict\nmx: a\nmax_age: 1\n"],
    ["no max_age", "version: STSv1\nmode: enforce\nmx: a\n"],
    ["max_age over a year", "version: STSv1\nmode: enforce\nmx: a\nmax_age: 31557601\n"],
    ["enforce without mx", "version: STSv1\nmode: enforce\nmax_age: 1\n"],
    ["prose", "this is not an MTA-STS policy\n"],
  ])("rejects %s", (_name, text) => {
    expect(() => parseStsPolicy(text, "x")).toThrow();
  });
});

describe("DANE matching (RFC 7672)", () => {
  const leaf = der("mx.selfsigned.test.crt");
  const good = [der("mx1.good.test.crt"), der("ca.crt")];

  it("DANE-EE 3 1 1 authenticates a self-signed certificate; 3 1 2 and 3 0 0 as well", () => {
    expect(daneMatch([tlsa(3, 1, 1, opensslSpki("mx.selfsigned.test.crt", "sha256"))], [leaf], false)).toBe(
      true,
    );
    expect(daneMatch([tlsa(3, 1, 2, opensslSpki("mx.selfsigned.test.crt", "sha512"))], [leaf], false)).toBe(
      true,
    );
    expect(daneMatch([tlsa(3, 0, 0, leaf)], [leaf], false)).toBe(true);
  });

  it("a wrong digest does not match", () => {
    expect(daneMatch([tlsa(3, 1, 1, opensslSpki("mx1.good.test.crt", "sha256"))], [leaf], true)).toBe(false);
  });

  it("DANE-TA 2 x x matches a certificate above the server's own, and needs the name to match", () => {
    const ta = tlsa(2, 1, 1, opensslSpki("ca.crt", "sha256"));
    expect(daneMatch([ta], good, true)).toBe(true);
    expect(daneMatch([ta], good, false)).toBe(false);
    // The server's own certificate is not a trust anchor.
    expect(daneMatch([tlsa(2, 1, 1, opensslSpki("mx1.good.test.crt", "sha256"))], good, true)).toBe(false);
  });

  it("ignores PKIX usages 0 and 1 on port 25: nothing to compare", () => {
    expect(daneMatch([tlsa(1, 1, 1, opensslSpki("mx1.good.test.crt", "sha256"))], good, true)).toBeNull();
    expect(daneMatch([tlsa(3, 1, 1, Buffer.alloc(32))], [], true)).toBeNull();
  });

  it("reads resolver addresses with and without a port", () => {
    expect(parseResolver("127.0.0.56")).toEqual({ host: "127.0.0.56", port: 53 });
    expect(parseResolver("127.0.0.56:5353")).toEqual({ host: "127.0.0.56", port: 5353 });
    expect(parseResolver("[::1]:53")).toEqual({ host: "::1", port: 53 });
    expect(() => parseResolver("resolver.example")).toThrow();
  });
});
