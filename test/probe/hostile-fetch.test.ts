/**
 * Hostile DNS and HTTPS peers of the probe (issue 13, item 10): an MTA-STS host that trickles its
 * policy is cut off at the deadline with its socket closed; DANE query IDs are unpredictable.
 */
import { execFileSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lookupTlsa } from "../../src/probe/dane";
import { parseAllowList } from "../../src/probe/addresses";
import { discoverMtaSts } from "../../src/probe/mtasts";
import type { MailResolver } from "../../src/probe/resolver";

const PKI = join(__dirname, "..", "harness", "pki");

/** A certificate for `name` from the test CA (which `npm test` trusts), made now with openssl. */
function certFor(name: string): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), "mailtls-cert-"));
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  run(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "key.pem",
    "-out",
    "req.csr",
    "-subj",
    `/CN=${name}`,
  );
  writeFileSync(join(dir, "ext.cnf"), `subjectAltName=DNS:${name}\n`);
  run(
    "x509",
    "-req",
    "-in",
    "req.csr",
    "-CA",
    join(PKI, "ca.crt"),
    "-CAkey",
    join(PKI, "ca.key"),
    // The serial file in the temporary directory, not beside the committed CA.
    "-CAserial",
    join(dir, "ca.srl"),
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "ext.cnf",
    "-out",
    "cert.pem",
  );
  return { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) };
}

const resolverFor = (address: string): MailResolver => ({
  mx: async () => [],
  a: async () => [address],
  aaaa: async () => Promise.reject(Object.assign(new Error("none"), { code: "ENODATA" })),
  txt: async () => [["v=STSv1; id=trickle1;"]],
});

describe("MTA-STS fetch", () => {
  it("a policy trickled a byte at a time is cut off at the deadline, and its socket closed", async () => {
    let socketClosedAt = 0;
    const server = createServer(certFor("mta-sts.trickle.test"), (req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      const policy = "version: STSv1\nmode: enforce\nmx: mx.trickle.test\nmax_age: 86400\n";
      let i = 0;
      const t = setInterval(() => (i < policy.length ? res.write(policy[i++]) : res.end()), 150);
      req.socket.on("close", () => {
        clearInterval(t);
        socketClosedAt = Date.now();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.39", r));
    try {
      const t0 = Date.now();
      const report = await discoverMtaSts("trickle.test", {
        resolver: resolverFor("127.0.0.39"),
        allowPrivate: parseAllowList("127.0.0.0/8"),
        timeoutMs: 1000,
        port: (server.address() as AddressInfo).port,
      });
      const took = Date.now() - t0;
      expect(report).toMatchObject({ error: "mta-sts-fetch-failed" });
      expect(took).toBeLessThan(1500);
      // Before, the policy's 60 bytes took 9 s to arrive and the fetch waited for all of them.
      for (let i = 0; i < 20 && !socketClosedAt; i++) await new Promise((r) => setTimeout(r, 50));
      expect(socketClosedAt).toBeGreaterThan(0);
      expect(socketClosedAt - t0).toBeLessThan(2000);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe("DANE queries", () => {
  it("use unpredictable IDs, whatever Math.random says", async () => {
    const ids: number[] = [];
    const dns = createSocket("udp4");
    dns.on("message", (msg) => ids.push(msg.readUInt16BE(0)));
    await new Promise<void>((r) => dns.bind(0, "127.0.0.1", r));
    const random = jest.spyOn(Math, "random").mockReturnValue(0.5);
    try {
      const port = (dns.address() as AddressInfo).port;
      await Promise.allSettled(
        Array.from({ length: 4 }, () => lookupTlsa("mx.example.test", { host: "127.0.0.1", port }, 100)),
      );
      expect(ids).toHaveLength(4);
      expect(new Set(ids).size).toBeGreaterThan(1);
    } finally {
      random.mockRestore();
      dns.close();
    }
  });
});
