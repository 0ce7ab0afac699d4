/**
 * Checks the harness itself (test/harness/up.sh, started by jest's globalSetup): the MTA-STS policy
 * server on 127.0.0.40:443, the MTA-STS / TLS-RPT / DANE records in dnsmasq (127.0.0.53), the signed
 * dane-*.test zones on knotd (127.0.0.57) and the validating unbound (127.0.0.56).
 * Only loopback servers are queried; every network call has a timeout.
 */
import * as dgram from "node:dgram";
import * as net from "node:net";
import * as https from "node:https";
import { createHash, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as dnsPacket from "dns-packet";

const PKI = join(__dirname, "..", "harness", "pki");
const CA = readFileSync(join(PKI, "ca.crt"));
const DNSMASQ = "127.0.0.53";
const RESOLVER = "127.0.0.56";
const AUTH = "127.0.0.57";
const MTA_STS = "127.0.0.40";
const TIMEOUT_MS = 3000;

/** sha256 of the SubjectPublicKeyInfo (DER) of the self-signed MX certificate = TLSA 3 1 1 data. */
const SELFSIGNED_SPKI = createHash("sha256")
  .update(
    new X509Certificate(readFileSync(join(PKI, "mx.selfsigned.test.crt"))).publicKey.export({
      type: "spki",
      format: "der",
    }),
  )
  .digest("hex");

type Reply = dnsPacket.DecodedPacket & { rcode: string };

function queryPacket(name: string, type: string): Buffer {
  return dnsPacket.encode({
    type: "query",
    id: Math.floor(Math.random() * 65536),
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: type as any, name }],
    additionals: [{ type: "OPT", name: ".", udpPayloadSize: 4096, flags: dnsPacket.DNSSEC_OK } as any],
  });
}

function udpQuery(server: string, name: string, type: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket("udp4");
    const q = queryPacket(name, type);
    const id = q.readUInt16BE(0);
    const timer = setTimeout(() => {
      sock.close();
      reject(new Error(`udp ${server} ${name} ${type}: timeout`));
    }, TIMEOUT_MS);
    sock.on("message", (msg) => {
      const r = dnsPacket.decode(msg) as Reply;
      if (r.id !== id) return;
      clearTimeout(timer);
      sock.close();
      resolve(r);
    });
    sock.on("error", (e) => {
      clearTimeout(timer);
      sock.close();
      reject(e);
    });
    sock.send(q, 53, server);
  });
}

function tcpQuery(server: string, name: string, type: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const q = queryPacket(name, type);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(q.length);
    let buf = Buffer.alloc(0);
    const sock = net.connect({ host: server, port: 53 });
    sock.setTimeout(TIMEOUT_MS, () => {
      sock.destroy();
      reject(new Error(`tcp ${server} ${name} ${type}: timeout`));
    });
    sock.on("connect", () => sock.write(Buffer.concat([len, q])));
    sock.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        sock.destroy();
        resolve(dnsPacket.decode(buf.subarray(2, 2 + buf.readUInt16BE(0))) as Reply);
      }
    });
    sock.on("error", reject);
  });
}

const ofType = (r: Reply, type: string) => (r.answers ?? []).filter((a) => a.type === type) as any[];
const tlsaHex = (r: Reply) =>
  ofType(r, "TLSA").map(
    (a) => `${a.data.usage} ${a.data.selector} ${a.data.matchingType} ${a.data.certificate.toString("hex")}`,
  );
const txts = (r: Reply) =>
  ofType(r, "TXT").map((a) => (a.data as Buffer[]).map((b) => b.toString("utf8")).join(""));

describe("harness: MTA-STS / TLS-RPT / DANE records in dnsmasq (127.0.0.53)", () => {
  const stsDomains = [
    "sts-enforce",
    "sts-wildcard",
    "sts-mismatch",
    "sts-testing",
    "sts-invalid",
    "sts-large",
    "sts-redirect",
    "sts-twotxt",
  ];

  it.each([...stsDomains, "sts-selfsigned"])("%s.test: MX, mta-sts A, _mta-sts TXT", async (x) => {
    const mx = await udpQuery(DNSMASQ, `${x}.test`, "MX");
    expect(mx.rcode).toBe("NOERROR");
    expect(ofType(mx, "MX").map((a) => a.data)).toEqual([
      { preference: 10, exchange: x === "sts-selfsigned" ? "mx.selfsigned.test" : "mx1.good.test" },
    ]);
    const a = await udpQuery(DNSMASQ, `mta-sts.${x}.test`, "A");
    expect(ofType(a, "A").map((r) => r.data)).toEqual([MTA_STS]);
    const txt = txts(await udpQuery(DNSMASQ, `_mta-sts.${x}.test`, "TXT"));
    if (x === "sts-twotxt") {
      expect(txt).toHaveLength(2);
      expect(new Set(txt).size).toBe(2);
      for (const t of txt) expect(t).toMatch(/^v=STSv1; id=[A-Za-z0-9]{1,32};$/);
    } else {
      expect(txt).toEqual([`v=STSv1; id=${x.replace(/-/g, "")}2026;`]);
    }
  });

  it("the STSv1 ids are unique per domain", async () => {
    const all = await Promise.all(
      [...stsDomains, "sts-selfsigned"].map(async (x) =>
        txts(await udpQuery(DNSMASQ, `_mta-sts.${x}.test`, "TXT")),
      ),
    );
    const ids = all.flat().map((t) => /id=([^;]+);/.exec(t)![1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("TLS-RPT records", async () => {
    expect(txts(await udpQuery(DNSMASQ, "_smtp._tls.sts-enforce.test", "TXT"))).toEqual([
      "v=TLSRPTv1; rua=mailto:tlsrpt@sts-enforce.test",
    ]);
    const testing = await udpQuery(DNSMASQ, "_smtp._tls.sts-testing.test", "TXT");
    // one TXT record, one character-string (the comma must not split it)
    expect(ofType(testing, "TXT").map((a) => a.data.length)).toEqual([1]);
    expect(txts(testing)).toEqual([
      "v=TLSRPTv1; rua=mailto:a@sts-testing.test,https://report.sts-testing.test/tlsrpt",
    ]);
    const none = await udpQuery(DNSMASQ, "_smtp._tls.good.test", "TXT");
    expect(none.rcode).toBe("NXDOMAIN");
  });

  it("dane-unsigned.test: MX, A and the TLSA 3 1 1 of the self-signed MX (unsigned)", async () => {
    const mx = await udpQuery(DNSMASQ, "dane-unsigned.test", "MX");
    expect(ofType(mx, "MX").map((a) => a.data)).toEqual([
      { preference: 10, exchange: "mx.dane-unsigned.test" },
    ]);
    const a = await udpQuery(DNSMASQ, "mx.dane-unsigned.test", "A");
    expect(ofType(a, "A").map((r) => r.data)).toEqual(["127.0.0.14"]);
    const tlsa = await udpQuery(DNSMASQ, "_25._tcp.mx.dane-unsigned.test", "TLSA");
    expect(tlsaHex(tlsa)).toEqual([`3 1 1 ${SELFSIGNED_SPKI}`]);
    expect(ofType(tlsa, "RRSIG")).toEqual([]);
  });

  it.each(["dane-valid", "dane-mismatch", "dane-bogus"])(
    "%s.test is forwarded to the signed zone (MX, A, over UDP and TCP)",
    async (z) => {
      for (const q of [udpQuery, tcpQuery]) {
        const mx = await q(DNSMASQ, `${z}.test`, "MX");
        expect(mx.rcode).toBe("NOERROR");
        expect(ofType(mx, "MX").map((a) => a.data)).toEqual([{ preference: 10, exchange: `mx.${z}.test` }]);
        const a = await q(DNSMASQ, `mx.${z}.test`, "A");
        expect(ofType(a, "A").map((r) => r.data)).toEqual(["127.0.0.14"]);
      }
    },
  );
});

describe("harness: signed zones on knotd (127.0.0.57)", () => {
  it.each([
    ["dane-valid", SELFSIGNED_SPKI],
    ["dane-mismatch", null],
    ["dane-bogus", SELFSIGNED_SPKI],
  ])("%s.test answers authoritatively with RRSIGs (UDP and TCP)", async (z, hash) => {
    for (const q of [udpQuery, tcpQuery]) {
      const tlsa = await q(AUTH, `_25._tcp.mx.${z}.test`, "TLSA");
      expect(tlsa.rcode).toBe("NOERROR");
      expect(tlsa.flag_aa).toBe(true);
      const [rec] = tlsaHex(tlsa);
      if (hash) expect(rec).toBe(`3 1 1 ${hash}`);
      else {
        expect(rec).toMatch(/^3 1 1 [0-9a-f]{64}$/);
        expect(rec).not.toContain(SELFSIGNED_SPKI);
      }
      expect(ofType(tlsa, "RRSIG").map((a) => a.data.typeCovered)).toEqual(["TLSA"]);
      const keys = await q(AUTH, `${z}.test`, "DNSKEY");
      expect(ofType(keys, "DNSKEY").length).toBeGreaterThan(0);
      expect(ofType(keys, "RRSIG").length).toBeGreaterThan(0);
    }
  });

  it("does not answer for other zones", async () => {
    const r = await udpQuery(AUTH, "good.test", "MX");
    expect(ofType(r, "MX")).toEqual([]);
    expect(r.rcode).toBe("REFUSED");
  });
});

describe("harness: validating resolver unbound (127.0.0.56)", () => {
  for (const [proto, q] of [
    ["udp", udpQuery],
    ["tcp", tcpQuery],
  ] as const) {
    it(`dane-valid.test TLSA: NOERROR, AD, the right hash (${proto})`, async () => {
      const r = await q(RESOLVER, "_25._tcp.mx.dane-valid.test", "TLSA");
      expect(r.rcode).toBe("NOERROR");
      expect(r.flag_ad).toBe(true);
      expect(((r.flags ?? 0) & dnsPacket.AUTHENTIC_DATA) !== 0).toBe(true);
      expect(tlsaHex(r)).toEqual([`3 1 1 ${SELFSIGNED_SPKI}`]);
    });

    it(`dane-bogus.test TLSA: SERVFAIL (${proto})`, async () => {
      const r = await q(RESOLVER, "_25._tcp.mx.dane-bogus.test", "TLSA");
      expect(r.rcode).toBe("SERVFAIL");
      expect(tlsaHex(r)).toEqual([]);
    });
  }

  it("dane-mismatch.test TLSA: NOERROR, AD, a different hash", async () => {
    const r = await udpQuery(RESOLVER, "_25._tcp.mx.dane-mismatch.test", "TLSA");
    expect(r.rcode).toBe("NOERROR");
    expect(r.flag_ad).toBe(true);
    const [rec] = tlsaHex(r);
    expect(rec).toMatch(/^3 1 1 [0-9a-f]{64}$/);
    expect(rec).not.toBe(`3 1 1 ${SELFSIGNED_SPKI}`);
  });

  it("dane-unsigned.test TLSA: NOERROR, no AD, the record", async () => {
    const r = await udpQuery(RESOLVER, "_25._tcp.mx.dane-unsigned.test", "TLSA");
    expect(r.rcode).toBe("NOERROR");
    expect(r.flag_ad).toBe(false);
    expect(tlsaHex(r)).toEqual([`3 1 1 ${SELFSIGNED_SPKI}`]);
  });

  it.each([
    ["dane-valid.test", "MX", "mx.dane-valid.test"],
    ["mx.dane-valid.test", "A", "127.0.0.14"],
    ["dane-mismatch.test", "MX", "mx.dane-mismatch.test"],
    ["dane-bogus.test", "MX", "mx.dane-bogus.test"],
    ["mx.dane-bogus.test", "A", "127.0.0.14"],
  ])("%s %s validates (AD)", async (name, type, want) => {
    const r = await udpQuery(RESOLVER, name, type);
    expect(r.rcode).toBe("NOERROR");
    expect(r.flag_ad).toBe(true);
    expect(ofType(r, type).map((a) => (type === "MX" ? a.data.exchange : a.data))).toEqual([want]);
  });

  it("a name missing from a signed zone is a validated NXDOMAIN", async () => {
    const r = await udpQuery(RESOLVER, "nosuch.dane-valid.test", "A");
    expect(r.rcode).toBe("NXDOMAIN");
    expect(r.flag_ad).toBe(true);
  });

  it("the rest of .test comes from dnsmasq, insecure (no AD)", async () => {
    const mx = await udpQuery(RESOLVER, "good.test", "MX");
    expect(mx.rcode).toBe("NOERROR");
    expect(mx.flag_ad).toBe(false);
    expect(ofType(mx, "MX").map((a) => a.data.exchange)).toEqual(["mx1.good.test"]);
    const sts = await udpQuery(RESOLVER, "_mta-sts.sts-enforce.test", "TXT");
    expect(txts(sts)).toEqual(["v=STSv1; id=stsenforce2026;"]);
    expect(sts.flag_ad).toBe(false);
    expect((await udpQuery(RESOLVER, "nosuch.test", "A")).rcode).toBe("NXDOMAIN");
  });
});

describe("harness: MTA-STS policy server (https://127.0.0.40)", () => {
  type Res = { status: number; headers: Record<string, any>; body: string };
  function get(host: string, path = "/.well-known/mta-sts.txt", sni = host): Promise<Res> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: MTA_STS,
          port: 443,
          path,
          servername: sni,
          headers: { host },
          ca: CA,
          timeout: TIMEOUT_MS,
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString("utf8"),
            }),
          );
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`https ${host}${path}: timeout`)));
      req.on("error", reject);
      req.end();
    });
  }
  const policy = (mode: string, mx: string) =>
    `version: STSv1\r\nmode: ${mode}\r\nmx: ${mx}\r\nmax_age: 86400\r\n`;

  it.each([
    ["sts-enforce", policy("enforce", "mx1.good.test")],
    ["sts-wildcard", policy("enforce", "*.good.test")],
    ["sts-mismatch", policy("enforce", "mx.elsewhere.test")],
    ["sts-testing", policy("testing", "mx1.good.test")],
    ["sts-invalid", "this is not an MTA-STS policy\n"],
    ["sts-selfsigned", policy("enforce", "mx.selfsigned.test")],
    ["sts-twotxt", policy("enforce", "mx1.good.test")],
  ])("mta-sts.%s.test serves its policy over verified TLS", async (x, body) => {
    const r = await get(`mta-sts.${x}.test`);
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toMatch(/^text\/plain/);
    expect(r.body).toBe(body);
  });

  it("mta-sts.sts-large.test: a valid policy padded to 70,000 bytes", async () => {
    const r = await get("mta-sts.sts-large.test");
    expect(r.status).toBe(200);
    expect(Buffer.byteLength(r.body)).toBe(70000);
    expect(r.body.startsWith(policy("enforce", "mx1.good.test"))).toBe(true);
  });

  it("mta-sts.sts-redirect.test: 301 to the enforce policy (not followed)", async () => {
    const r = await get("mta-sts.sts-redirect.test");
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe("https://mta-sts.sts-enforce.test/.well-known/mta-sts.txt");
  });

  it("404 for other hosts and paths", async () => {
    expect((await get("mta-sts.nosuch.test", undefined, "mta-sts.sts-enforce.test")).status).toBe(404);
    expect((await get("mta-sts.sts-enforce.test", "/")).status).toBe(404);
    expect((await get("mta-sts.sts-enforce.test", "/.well-known/other.txt")).status).toBe(404);
  });

  it("the certificate does not cover other names", async () => {
    await expect(get("mta-sts.nosuch.test")).rejects.toThrow(/altnames|ERR_TLS_CERT_ALTNAME_INVALID/);
  });
});
