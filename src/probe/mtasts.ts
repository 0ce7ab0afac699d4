/**
 * MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) discovery. The policy is fetched over HTTPS with the
 * certificate verified for mta-sts.DOMAIN, no redirects, a 64 KB cap and a timeout, from an address
 * the resolver gave and the probe may connect to (the same private-address refusal as SMTP; the
 * connection goes to that address, so DNS cannot be re-bound in between).
 */
import { request } from "node:https";
import type { BlockList } from "node:net";
import type { MtaStsReport } from "../core/verdict";
import { isAllowedTarget } from "./addresses";
import { clip, REPORT_TEXT, withTimeout } from "./limits";
import { dnsFailure, type MailResolver } from "./resolver";

export const POLICY_MAX_BYTES = 64 * 1024;
/** A policy names a handful of MX patterns; more than this is not a policy worth keeping whole. */
const MAX_PATTERNS = 32;
const MAX_RUA = 10;
/** RFC 8461 §3.2: max_age is at most 31557600 seconds (about a year). */
const MAX_AGE_LIMIT = 31_557_600;

export interface MtaStsOptions {
  resolver: MailResolver;
  allowPrivate: BlockList;
  timeoutMs: number;
  port?: number;
  now?: () => number;
  /** Policies by domain, reused while the TXT id is unchanged and max_age has not run out. */
  cache?: PolicyCache;
}

export interface CachedPolicy {
  id: string;
  report: MtaStsReport;
  expiresAt: number;
}
export interface PolicyCache {
  get(domain: string): CachedPolicy | undefined;
  set(domain: string, p: CachedPolicy): unknown;
}

class StsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function txtRecords(resolver: MailResolver, name: string, prefix: RegExp): Promise<string[]> {
  try {
    return (await resolver.txt(name)).map((chunks) => chunks.join("")).filter((t) => prefix.test(t));
  } catch (e) {
    const f = dnsFailure(e);
    if (f === "nxdomain" || f === "nodata") return [];
    throw new StsError(`dns-${f}`, `TXT ${name}: ${String(e)}`);
  }
}

/** `v=STSv1; id=...;` → the id; anything else is an invalid record. */
function parseStsRecord(txt: string): string {
  const fields = new Map(
    txt
      .split(";")
      .map((f) => f.trim())
      .filter(Boolean)
      .map((f) => [f.slice(0, f.indexOf("=")).trim(), f.slice(f.indexOf("=") + 1).trim()] as const),
  );
  const id = fields.get("id");
  if (fields.get("v") !== "STSv1" || !id || !/^[A-Za-z0-9]{1,32}$/.test(id))
    throw new StsError("mta-sts-invalid-record", `_mta-sts TXT record is not valid: ${txt.slice(0, 100)}`);
  return id;
}

/** The policy file's `key: value` lines (RFC 8461 §3.2). */
export function parseStsPolicy(text: string, id: string): MtaStsReport {
  const mx: string[] = [];
  let version: string | undefined;
  let mode: string | undefined;
  let maxAge: number | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const colon = line.indexOf(":");
    if (colon < 0)
      throw new StsError("mta-sts-invalid-policy", `not a "key: value" line: ${line.slice(0, 80)}`);
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === "version") version = value;
    else if (key === "mode") mode = value;
    else if (key === "mx") {
      if (mx.length < MAX_PATTERNS) mx.push(clip(value, 253));
    } else if (key === "max_age") maxAge = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
    // Other keys are extensions and are ignored.
  }
  if (version !== "STSv1") throw new StsError("mta-sts-invalid-policy", "version is not STSv1");
  if (mode !== "enforce" && mode !== "testing" && mode !== "none")
    throw new StsError("mta-sts-invalid-policy", `mode "${mode ?? ""}" is not enforce, testing or none`);
  if (maxAge === undefined || !Number.isFinite(maxAge) || maxAge > MAX_AGE_LIMIT)
    throw new StsError("mta-sts-invalid-policy", "max_age is missing or out of range");
  if (mode !== "none" && mx.length === 0) throw new StsError("mta-sts-invalid-policy", "no mx patterns");
  return { mode, id, mx, maxAge };
}

/** GET https://mta-sts.DOMAIN/.well-known/mta-sts.txt at an allowed address, under every limit. */
async function fetchPolicy(domain: string, o: MtaStsOptions): Promise<string> {
  const host = `mta-sts.${domain}`;
  const addresses = [
    ...(await o.resolver.a(host).catch(() => [] as string[])),
    ...(await o.resolver.aaaa(host).catch(() => [] as string[])),
  ];
  if (addresses.length === 0) throw new StsError("mta-sts-fetch-failed", `${host} has no address`);
  const address = addresses.find((a) => isAllowedTarget(a, o.allowPrivate));
  if (!address) throw new StsError("mta-sts-fetch-failed", `${host} resolves only to non-public addresses`);
  return new Promise((resolve, reject) => {
    // One deadline for the whole fetch: connecting, TLS, headers and every byte of the body. A
    // server that trickles its policy a byte at a time is cut off, and its socket closed, at it.
    const timer = setTimeout(
      () => req.destroy(new StsError("mta-sts-fetch-failed", `no complete answer within ${o.timeoutMs} ms`)),
      Math.max(1, o.timeoutMs),
    );
    const settle =
      <T>(fn: (v: T) => void) =>
      (v: T) => {
        clearTimeout(timer);
        fn(v);
      };
    const ok = settle(resolve);
    const fail = settle(reject);
    const req = request(
      {
        host: address,
        port: o.port ?? 443,
        servername: host, // the certificate must be valid for mta-sts.DOMAIN
        path: "/.well-known/mta-sts.txt",
        headers: { host, "user-agent": "MailTLS-Guard-probe" },
        rejectUnauthorized: true,
        // No connection pool: the socket ends with this request.
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          fail(
            new StsError("mta-sts-redirect", `HTTP ${status}: redirects are not followed (RFC 8461 §3.3)`),
          );
          return res.destroy();
        }
        if (status !== 200) {
          fail(new StsError("mta-sts-fetch-failed", `HTTP ${status}`));
          return res.destroy();
        }
        const type = String(res.headers["content-type"] ?? "");
        if (!/^text\/plain\b/i.test(type)) {
          fail(new StsError("mta-sts-invalid-policy", `content type "${type}" is not text/plain`));
          return res.destroy();
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > POLICY_MAX_BYTES) {
            // The first reason given is the one reported: destroying the answer reports "aborted" too.
            fail(new StsError("mta-sts-too-large", `the policy is over ${POLICY_MAX_BYTES} bytes`));
            res.destroy();
          } else chunks.push(c);
        });
        res.on("end", () => ok(Buffer.concat(chunks).toString("utf8")));
        res.on("error", (e) => fail(new StsError("mta-sts-fetch-failed", e.message)));
        res.on("aborted", () => fail(new StsError("mta-sts-fetch-failed", "the answer was cut off")));
      },
    );
    req.on("error", (e) =>
      fail(
        e instanceof StsError
          ? e
          : new StsError("mta-sts-fetch-failed", (e as NodeJS.ErrnoException).code ?? e.message),
      ),
    );
    req.end();
  });
}

/**
 * The domain's MTA-STS policy: undefined when it publishes none; an `{ error }` report when the
 * record or policy is broken (RFC 8461: then the domain has no usable policy).
 */
export async function discoverMtaSts(domain: string, o: MtaStsOptions): Promise<MtaStsReport | undefined> {
  const now = o.now ?? Date.now;
  try {
    const records = await withTimeout(
      txtRecords(o.resolver, `_mta-sts.${domain}`, /^v=STSv1\b/),
      o.timeoutMs,
      () => new StsError("dns-timeout", "TXT query timed out"),
    );
    if (records.length === 0) return undefined;
    if (records.length > 1)
      throw new StsError(
        "mta-sts-invalid-record",
        `${records.length} v=STSv1 records: exactly one is allowed`,
      );
    const id = parseStsRecord(records[0]);
    const cached = o.cache?.get(domain);
    if (cached && cached.id === id && cached.expiresAt > now()) return cached.report;
    const report = parseStsPolicy(
      await withTimeout(
        fetchPolicy(domain, o),
        o.timeoutMs + 100,
        () => new StsError("mta-sts-fetch-failed", "policy fetch timed out"),
      ),
      id,
    );
    if (!("error" in report) && report.maxAge)
      o.cache?.set(domain, { id, report, expiresAt: now() + report.maxAge * 1000 });
    return report;
  } catch (e) {
    const err = e instanceof StsError ? e : new StsError("mta-sts-fetch-failed", String(e));
    return { error: err.code, detail: clip(err.message, REPORT_TEXT.detail) };
  }
}

/** TLS-RPT (RFC 8460): the reporting addresses from exactly one v=TLSRPTv1 record, if published. */
export async function discoverTlsRpt(
  domain: string,
  resolver: MailResolver,
  timeoutMs: number,
): Promise<{ rua: string[] } | { error: string } | undefined> {
  try {
    const records = await withTimeout(
      txtRecords(resolver, `_smtp._tls.${domain}`, /^v=TLSRPTv1\b/),
      timeoutMs,
      () => new StsError("dns-timeout", "TXT query timed out"),
    );
    if (records.length === 0) return undefined;
    if (records.length > 1) return { error: "tls-rpt-invalid-record" };
    const rua = /(?:^|;)\s*rua=([^;]*)/.exec(records[0])?.[1];
    if (!rua) return { error: "tls-rpt-invalid-record" };
    return {
      rua: rua
        .split(",")
        .map((u) => clip(u.trim(), REPORT_TEXT.name))
        .filter(Boolean)
        .slice(0, MAX_RUA),
    };
  } catch (e) {
    return { error: e instanceof StsError ? e.code : "dns-error" };
  }
}
