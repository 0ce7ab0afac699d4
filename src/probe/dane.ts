/**
 * DANE for SMTP (RFC 7672): TLSA records at _25._tcp.HOST from a validating resolver, and whether
 * they match the chain the server presented. The resolver's AD bit is trusted only because the
 * operator named that resolver (MAILTLS_DNSSEC_RESOLVER) or it is on loopback: anywhere else, the
 * bit could be forged on the way.
 */
import { createHash, randomInt, X509Certificate } from "node:crypto";
import { createSocket } from "node:dgram";
import { connect, isIP } from "node:net";
import * as dnsPacket from "dns-packet";
import type { MxDaneReport } from "../core/verdict";

export interface DnssecResolver {
  host: string;
  port: number;
}

/** "host", "host:port" or "[v6]:port" → a resolver address. */
export function parseResolver(spec: string): DnssecResolver {
  const m = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(spec) ?? /^([^:]+)(?::(\d+))?$/.exec(spec);
  if (!m || !isIP(m[1])) throw new Error(`"${spec}" is not an address with an optional port`);
  const port = m[2] ? Number(m[2]) : 53;
  if (port < 1 || port > 65535) throw new Error(`"${spec}": port out of range`);
  return { host: m[1], port };
}

interface TlsaAnswer {
  rcode: string;
  authentic: boolean;
  records: dnsPacket.TlsaData[];
}

function question(name: string, type: "TLSA" | "MX" | "A" = "TLSA"): Buffer {
  return dnsPacket.encode({
    type: "query",
    // Unpredictable, so an off-path attacker cannot guess it to slip in a forged answer.
    id: randomInt(0, 65536),
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type, name }],
    additionals: [
      {
        type: "OPT",
        name: ".",
        udpPayloadSize: 1232,
        extendedRcode: 0,
        ednsVersion: 0,
        flags: dnsPacket.DNSSEC_OK,
        flag_do: true,
        options: [],
      },
    ],
  });
}

function answerOf(p: dnsPacket.DecodedPacket): TlsaAnswer {
  return {
    // dns-packet decodes the response code, though its types do not declare it.
    rcode: (p as { rcode?: string }).rcode ?? "NOERROR",
    authentic: ((p.flags ?? 0) & dnsPacket.AUTHENTIC_DATA) !== 0,
    records: (p.answers ?? []).filter((a) => a.type === "TLSA").map((a) => (a as dnsPacket.TlsaAnswer).data),
  };
}

function overUdp(q: Buffer, r: DnssecResolver, timeoutMs: number): Promise<dnsPacket.DecodedPacket> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(isIP(r.host) === 6 ? "udp6" : "udp4");
    const id = q.readUInt16BE(0);
    const timer = setTimeout(() => {
      sock.close();
      reject(Object.assign(new Error("TLSA query timed out"), { code: "dns-timeout" }));
    }, timeoutMs);
    sock.on("message", (msg) => {
      if (msg.length < 2 || msg.readUInt16BE(0) !== id) return; // not our answer
      clearTimeout(timer);
      sock.close();
      try {
        resolve(dnsPacket.decode(msg));
      } catch (e) {
        reject(e);
      }
    });
    sock.on("error", (e) => {
      clearTimeout(timer);
      sock.close();
      reject(e);
    });
    sock.send(q, r.port, r.host);
  });
}

function overTcp(q: Buffer, r: DnssecResolver, timeoutMs: number): Promise<dnsPacket.DecodedPacket> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: r.host, port: r.port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(
      () => sock.destroy(Object.assign(new Error("TLSA query timed out"), { code: "dns-timeout" })),
      timeoutMs,
    );
    sock.on("connect", () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(q.length);
      sock.write(Buffer.concat([len, q]));
    });
    sock.on("data", (d: Buffer) => {
      chunks.push(d);
      const all = Buffer.concat(chunks);
      if (all.length >= 2 && all.length >= 2 + all.readUInt16BE(0)) {
        clearTimeout(timer);
        sock.destroy();
        try {
          resolve(dnsPacket.decode(all.subarray(2, 2 + all.readUInt16BE(0))));
        } catch (e) {
          reject(e);
        }
      }
      if (all.length > 70_000) sock.destroy(new Error("TLSA answer too large"));
    });
    sock.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** One question to the validating resolver: UDP first, TCP when the answer was truncated. */
async function ask(
  name: string,
  type: "TLSA" | "MX" | "A",
  r: DnssecResolver,
  timeoutMs: number,
): Promise<dnsPacket.DecodedPacket> {
  const udp = await overUdp(question(name, type), r, timeoutMs);
  if (((udp.flags ?? 0) & dnsPacket.TRUNCATED_RESPONSE) === 0) return udp;
  return overTcp(question(name, type), r, timeoutMs);
}

/** TLSA at _25._tcp.HOST. */
export async function lookupTlsa(host: string, r: DnssecResolver, timeoutMs: number): Promise<TlsaAnswer> {
  return answerOf(await ask(`_25._tcp.${host}`, "TLSA", r, timeoutMs));
}

/**
 * Whether the validating resolver vouches for the domain's MX RRset (its AD bit on the MX answer;
 * for an implicit MX, on the domain's address records). RFC 7672 §2.2.1: TLSA records count only
 * for MX names that came from a secure answer — an attacker who can forge the MX answer can point
 * it at a host whose TLSA they publish. False on any failure: not proven is not secure.
 */
export async function mxValidated(
  domain: string,
  implicit: boolean,
  r: DnssecResolver,
  timeoutMs: number,
): Promise<boolean> {
  try {
    const p = await ask(domain, implicit ? "A" : "MX", r, timeoutMs);
    const rcode = (p as { rcode?: string }).rcode ?? "NOERROR";
    return rcode === "NOERROR" && ((p.flags ?? 0) & dnsPacket.AUTHENTIC_DATA) !== 0;
  } catch {
    return false;
  }
}

function digest(data: Buffer, matchingType: number): Buffer | undefined {
  if (matchingType === 0) return data;
  if (matchingType === 1) return createHash("sha256").update(data).digest();
  if (matchingType === 2) return createHash("sha512").update(data).digest();
  return undefined;
}

function selected(der: Buffer, selector: number): Buffer | undefined {
  if (selector === 0) return der;
  if (selector === 1) return new X509Certificate(der).publicKey.export({ type: "spki", format: "der" });
  return undefined;
}

function matches(rec: dnsPacket.TlsaData, der: Buffer): boolean {
  try {
    const data = selected(der, rec.selector);
    const d = data && digest(data, rec.matchingType);
    return !!d && d.equals(rec.certificate);
  } catch {
    return false;
  }
}

/** A TLSA record as "usage selector matching-type data"; a full certificate (type 0) is shortened. */
export const formatTlsa = (r: dnsPacket.TlsaData) => {
  const hex = r.certificate.toString("hex");
  return `${r.usage} ${r.selector} ${r.matchingType} ${hex.length > 160 ? hex.slice(0, 159) + "…" : hex}`;
};
/** Records listed in a report per host (all of them are still compared). */
const MAX_LISTED = 8;

/**
 * RFC 7672 §3.1: usages 0 and 1 (PKIX) are not used for SMTP; DANE-EE (3) matches the server's own
 * certificate whatever its name or issuer (so a self-signed certificate is authenticated by it);
 * DANE-TA (2) matches a certificate the server presented above its own, whose name must then match.
 * `chain` is the presented chain as DER, the server's certificate first.
 */
export function daneMatch(
  records: dnsPacket.TlsaData[],
  chain: Buffer[],
  leafNameMatches: boolean,
): boolean | null {
  const usable = records.filter((r) => r.usage === 2 || r.usage === 3);
  if (usable.length === 0 || chain.length === 0) return null;
  return usable.some((r) =>
    r.usage === 3 ? matches(r, chain[0]) : leafNameMatches && chain.slice(1).some((der) => matches(r, der)),
  );
}

/** The DANE facts for one MX host; `chain` comes later (after the handshake), so this is two steps. */
/**
 * Compares a host's TLSA answer with the chain it presented; `needsIssuers` says whether anything
 * above the server's own certificate is compared (DANE-TA records), which the probe then collects.
 */
export type DaneFinish = ((chain: Buffer[] | undefined, nameMatches: boolean) => MxDaneReport | undefined) & {
  needsIssuers: boolean;
};

const finished = (
  f: (chain: Buffer[] | undefined, nameMatches: boolean) => MxDaneReport | undefined,
  needsIssuers = false,
): DaneFinish => Object.assign(f, { needsIssuers });

export async function daneFacts(host: string, r: DnssecResolver, timeoutMs: number): Promise<DaneFinish> {
  let answer: TlsaAnswer;
  try {
    answer = await lookupTlsa(host, r, timeoutMs);
  } catch (e) {
    const code = (e as { code?: string }).code === "dns-timeout" ? "dns-timeout" : "dns-error";
    return finished(() => ({ dnssec: false, records: [], matched: null, error: code }));
  }
  if (answer.rcode === "SERVFAIL")
    return finished(() => ({ dnssec: false, records: [], matched: null, error: "dnssec-bogus" }));
  if (answer.rcode !== "NOERROR" || answer.records.length === 0) return finished(() => undefined);
  const records = answer.records;
  // Records from an unsigned zone do not count (RFC 7672 §2.2): listed, but never matched.
  return finished(
    (chain, nameMatches) => ({
      dnssec: answer.authentic,
      records: records.slice(0, MAX_LISTED).map(formatTlsa),
      matched: answer.authentic && chain ? daneMatch(records, chain, nameMatches) : null,
    }),
    answer.authentic && records.some((rec) => rec.usage === 2),
  );
}
