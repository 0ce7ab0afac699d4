#!/usr/bin/env node
// rcode-dns.js ADDR PORT PIDFILE
// Tiny UDP DNS responder (node built-ins only) used as the *upstream* of
// dnsmasq for a few special names, because dnsmasq itself can never produce
// SERVFAIL for a locally configured name (a dead upstream just makes it go
// silent -> client timeout).  It answers every question with an empty reply
// whose RCODE depends on the name:
//   *servfail.test -> 2 SERVFAIL      *refused.test -> 5 REFUSED
//   anything else  -> 2 SERVFAIL
"use strict";
const dgram = require("dgram");
const fs = require("fs");
const [addr = "127.0.0.54", port = "53", pidfile] = process.argv.slice(2);

function qname(buf) {
  const labels = [];
  let off = 12;
  while (off < buf.length) {
    const len = buf[off];
    if (len === 0) {
      off++;
      break;
    }
    labels.push(buf.toString("latin1", off + 1, off + 1 + len));
    off += len + 1;
  }
  return { name: labels.join(".").toLowerCase(), end: off + 4 }; // + QTYPE/QCLASS
}

const sock = dgram.createSocket("udp4");
sock.on("message", (msg, rinfo) => {
  if (msg.length < 12) return;
  const { name, end } = qname(msg);
  const rcode = /(^|\.)refused\.test$/.test(name) ? 5 : 2;
  const out = Buffer.alloc(end);
  msg.copy(out, 0, 0, end); // header + question
  out[2] = 0x80 | (msg[2] & 0x79); // QR=1, keep opcode + RD
  out[3] = 0x80 | rcode; // RA=1, rcode
  out.writeUInt16BE(1, 4); // QDCOUNT
  out.writeUInt32BE(0, 6); // AN/NS
  out.writeUInt16BE(0, 10); // AR (drop client's EDNS OPT)
  sock.send(out, rinfo.port, rinfo.address);
});
sock.bind(Number(port), addr, () => {
  if (pidfile) fs.writeFileSync(pidfile, String(process.pid));
  console.log(`rcode-dns listening on ${addr}:${port}`);
});
for (const s of ["SIGTERM", "SIGINT"])
  process.on(s, () => {
    sock.close();
    process.exit(0);
  });
