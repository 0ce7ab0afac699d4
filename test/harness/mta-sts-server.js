#!/usr/bin/env node
// mta-sts-server.js ADDR PORT DIR [PKI]
// HTTPS MTA-STS policy host (RFC 8461) for the harness; node built-ins only.
// Serves GET /.well-known/mta-sts.txt chosen by the Host header (see POLICIES below); anything else
// is 404. The certificate (signed by the test CA PKI/ca.key, one SAN per mta-sts.<domain> below) is
// generated with openssl into DIR on first start (and again when the CA or the host list changed).
// Writes DIR/mta-sts.pid once listening; SIGTERM/SIGINT stop it.
"use strict";
const https = require("https");
const fs = require("fs");
const path = require("path");
const crypto = require("crypto");
const { execFileSync } = require("child_process");

const [addr = "127.0.0.40", port = "443", dirArg, pkiArg] = process.argv.slice(2);
if (!dirArg) {
  console.error("usage: mta-sts-server.js ADDR PORT DIR [PKI]");
  process.exit(2);
}
const dir = path.resolve(dirArg);
const pki = path.resolve(pkiArg || path.join(__dirname, "pki"));

const policy = (mode, mx) => `version: STSv1\r\nmode: ${mode}\r\nmx: ${mx}\r\nmax_age: 86400\r\n`;

// 70,000 bytes total: a valid enforce policy followed by x-pad lines (RFC 8461 3.2 caps a policy at 64 KiB).
function largePolicy(total) {
  let body = policy("enforce", "mx1.good.test");
  const line = `x-pad: ${"x".repeat(90)}\r\n`;
  while (body.length + line.length <= total) body += line;
  const rest = total - body.length; // last line: "x-pad: " + filler + CRLF, exact size
  if (rest > 0) body += rest >= 10 ? `x-pad: ${"y".repeat(rest - 9)}\r\n` : " ".repeat(rest);
  return body;
}

/** host -> { status, body?, headers? } */
const POLICIES = {
  "mta-sts.sts-enforce.test": { body: policy("enforce", "mx1.good.test") },
  "mta-sts.sts-wildcard.test": { body: policy("enforce", "*.good.test") },
  "mta-sts.sts-mismatch.test": { body: policy("enforce", "mx.elsewhere.test") },
  "mta-sts.sts-testing.test": { body: policy("testing", "mx1.good.test") },
  "mta-sts.sts-invalid.test": { body: "this is not an MTA-STS policy\n" },
  "mta-sts.sts-large.test": { body: largePolicy(70000) },
  "mta-sts.sts-redirect.test": {
    status: 301,
    headers: { location: "https://mta-sts.sts-enforce.test/.well-known/mta-sts.txt" },
    body: "",
  },
  "mta-sts.sts-selfsigned.test": { body: policy("enforce", "mx.selfsigned.test") },
  "mta-sts.sts-twotxt.test": { body: policy("enforce", "mx1.good.test") },
  "mta-sts.mta-sts.test": { body: policy("enforce", "mx1.good.test") },
};
const HOSTS = Object.keys(POLICIES);

/** Certificate for all HOSTS, signed by the test CA; regenerated if the CA or the host list changed. */
function ensureCert() {
  fs.mkdirSync(dir, { recursive: true });
  const caCrt = path.join(pki, "ca.crt");
  const caKey = path.join(pki, "ca.key");
  const crt = path.join(dir, "mta-sts.crt");
  const key = path.join(dir, "mta-sts.key");
  const stamp = path.join(dir, "mta-sts.cert-id");
  const id = crypto.createHash("sha256").update(fs.readFileSync(caCrt)).update(HOSTS.join(",")).digest("hex");
  if (
    fs.existsSync(crt) &&
    fs.existsSync(key) &&
    fs.existsSync(stamp) &&
    fs.readFileSync(stamp, "utf8") === id
  ) {
    return { crt, key };
  }
  const ext = path.join(dir, "mta-sts.ext");
  fs.writeFileSync(
    ext,
    [
      "basicConstraints = critical,CA:FALSE",
      "keyUsage = critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage = serverAuth",
      "subjectKeyIdentifier = hash",
      "authorityKeyIdentifier = keyid",
      `subjectAltName = ${HOSTS.map((h) => `DNS:${h}`).join(",")}`,
      "",
    ].join("\n"),
  );
  const csr = path.join(dir, "mta-sts.csr");
  const q = { stdio: ["ignore", "ignore", "pipe"] };
  execFileSync("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key], q);
  execFileSync(
    "openssl",
    ["req", "-new", "-key", key, "-out", csr, "-subj", "/O=MailTLS Guard Test/CN=mta-sts.sts-enforce.test"],
    q,
  );
  execFileSync(
    "openssl",
    [
      "x509",
      "-req",
      "-in",
      csr,
      "-CA",
      caCrt,
      "-CAkey",
      caKey,
      "-set_serial",
      `0x${id.slice(0, 16)}`,
      "-days",
      "7300",
      "-sha256",
      "-extfile",
      ext,
      "-out",
      crt,
    ],
    q,
  );
  fs.rmSync(csr, { force: true });
  fs.writeFileSync(stamp, id);
  return { crt, key };
}

const { crt, key } = ensureCert();
const server = https.createServer({ cert: fs.readFileSync(crt), key: fs.readFileSync(key) }, (req, res) => {
  const host = String(req.headers.host || "")
    .replace(/:\d+$/, "")
    .replace(/\.$/, "")
    .toLowerCase();
  const pathOnly = String(req.url || "").split("?")[0];
  const p = POLICIES[host];
  console.log(`${new Date().toISOString()} ${req.method} ${host} ${req.url}`);
  if (!p || pathOnly !== "/.well-known/mta-sts.txt" || (req.method !== "GET" && req.method !== "HEAD")) {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found\n");
    return;
  }
  const body = Buffer.from(p.body, "utf8");
  res.writeHead(p.status || 200, {
    "content-type": "text/plain",
    "content-length": body.length,
    "cache-control": "no-store",
    ...(p.headers || {}),
  });
  res.end(req.method === "HEAD" ? undefined : body);
});
server.keepAliveTimeout = 2000;
server.requestTimeout = 10000;
server.on("error", (err) => {
  console.error(`mta-sts-server: ${err.message}`);
  process.exit(1);
});
server.listen(Number(port), addr, () => {
  fs.writeFileSync(path.join(dir, "mta-sts.pid"), String(process.pid));
  console.log(`mta-sts-server listening on https://${addr}:${port} for ${HOSTS.join(" ")}`);
});
for (const s of ["SIGTERM", "SIGINT"])
  process.on(s, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
