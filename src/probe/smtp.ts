import type { X509Certificate } from "node:crypto";
import { connect as netConnect, isIP, type Socket } from "node:net";
import {
  checkServerIdentity,
  connect as tlsConnect,
  createSecureContext,
  type SecureContext,
  type DetailedPeerCertificate,
  type PeerCertificate,
  type TLSSocket,
} from "node:tls";
import type { MxReport, TlsReport } from "../core/verdict";
import { clip, Deadline, REPORT_TEXT, withTimeout } from "./limits";

/** Opens a TCP connection to an address (never a name: the engine resolved it already). */
export interface Connector {
  connect(address: string, port: number, timeoutMs: number): Promise<Socket>;
}

export class ProbeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const tcpConnector: Connector = {
  connect(address, port, timeoutMs) {
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host: address, port, noDelay: true });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new ProbeError("connect-timeout", `no connection to ${address}:${port} within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        resolve(socket);
      });
      socket.once("error", (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        socket.destroy();
        const code = e.code === "ECONNREFUSED" ? "connect-refused" : "connect-failed";
        reject(new ProbeError(code, `${address}:${port}: ${e.code ?? e.message}`));
      });
    });
  },
};

/** Limits that keep a hostile server from growing our memory or holding us in a loop. */
const MAX_LINE = 4096;
const MAX_REPLY_LINES = 200;

export interface Reply {
  code: number;
  lines: string[];
}

/**
 * The first complete reply in `lines` (RFC 5321 §4.2: "250-…" lines until "250 …"), and how many
 * lines it took; no reply while it is incomplete. Throws ProbeError on anything that is not a
 * reply, a code that changes within one, or more lines or longer lines than the limits.
 */
export function takeReply(lines: readonly string[]): { reply?: Reply; used: number } {
  const out: string[] = [];
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k];
    if (line.length > MAX_LINE)
      throw new ProbeError("protocol-error", `reply line longer than ${MAX_LINE} bytes`);
    const m = /^(\d{3})([ -]|$)(.*)$/.exec(line);
    if (!m) throw new ProbeError("protocol-error", `not an SMTP reply: ${JSON.stringify(line.slice(0, 80))}`);
    if (out.length && Number(m[1]) !== Number(out[0].slice(0, 3)))
      throw new ProbeError("protocol-error", "reply code changed within a multi-line reply");
    out.push(line);
    if (out.length > MAX_REPLY_LINES)
      throw new ProbeError("protocol-error", `reply longer than ${MAX_REPLY_LINES} lines`);
    if (m[2] !== "-")
      return { reply: { code: Number(m[1]), lines: out.map((l) => l.slice(4)) }, used: k + 1 };
  }
  return { used: 0 };
}

/** Whether an EHLO reply advertises STARTTLS (a keyword line after the greeting line). */
export function offersStartTls(ehlo: Reply): boolean {
  return ehlo.lines.slice(1).some((l) => /^STARTTLS\b/i.test(l.trim()));
}

/**
 * Reads SMTP replies from a socket: lines up to CRLF, multi-line replies ("250-…" until "250 …"),
 * bounded in line length and number of lines.
 */
export class ReplyReader {
  private buf = "";
  private lines: string[] = [];
  private failure?: ProbeError;
  private closed = false;
  private wake?: () => void;

  constructor(private readonly socket: Socket) {
    socket.setEncoding("latin1");
    socket.on("data", this.onData);
    socket.on("error", this.onError);
    socket.on("close", this.onClose);
  }

  private readonly onData = (chunk: string) => {
    this.buf += chunk;
    let i: number;
    while ((i = this.buf.indexOf("\n")) >= 0) {
      this.lines.push(this.buf.slice(0, i).replace(/\r$/, ""));
      this.buf = this.buf.slice(i + 1);
    }
    if (this.buf.length > MAX_LINE)
      this.fail(new ProbeError("protocol-error", `reply line longer than ${MAX_LINE} bytes`));
    if (this.lines.length > MAX_REPLY_LINES * 2)
      this.fail(new ProbeError("protocol-error", "too many reply lines"));
    this.wake?.();
  };
  private readonly onError = (e: Error) => this.fail(new ProbeError("connection-lost", e.message));
  private readonly onClose = () => {
    this.closed = true;
    this.wake?.();
  };

  private fail(e: ProbeError) {
    this.failure ??= e;
    this.socket.destroy();
    this.wake?.();
  }

  /** Stops reading: the socket is handed to TLS, and bytes a server pushed early are discarded. */
  detach(): void {
    this.socket.off("data", this.onData);
    this.socket.off("error", this.onError);
    this.socket.off("close", this.onClose);
    this.buf = "";
    this.lines = [];
  }

  private take(): Reply | undefined {
    const { reply, used } = takeReply(this.lines);
    if (reply) this.lines = this.lines.slice(used);
    return reply;
  }

  async read(timeoutMs: number, timeoutCode: string): Promise<Reply> {
    const started = Date.now();
    for (;;) {
      if (this.failure) throw this.failure;
      const reply = this.take();
      if (reply) return reply;
      if (this.closed) throw new ProbeError("connection-lost", "the server closed the connection");
      const left = timeoutMs - (Date.now() - started);
      if (left <= 0) throw new ProbeError(timeoutCode, `no complete reply within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}

export interface SmtpProbeOptions {
  host: string; // MX name: for SNI and the certificate name check
  address: string;
  port: number;
  ehloName: string;
  deadline: Deadline;
  connectTimeoutMs: number;
  greetingTimeoutMs: number;
  commandTimeoutMs: number;
  tlsTimeoutMs: number;
  connector: Connector;
  /** Whether DANE will compare certificates above the server's own (asked after the handshake). */
  needsIssuers?: () => boolean;
}

/** The parts of an MxReport one conversation with one address fills in. */
export type SmtpFacts = Pick<
  MxReport,
  "reachable" | "banner" | "starttls" | "tls" | "error" | "errorDetail" | "timings"
> & {
  /** The chain the server presented (DER, its own certificate first), for DANE; not part of the report. */
  peerChain?: Buffer[];
};

/** The presented chain as DER, following issuer links until a certificate issues itself. */
function presentedChain(cert: DetailedPeerCertificate): Buffer[] {
  const out: Buffer[] = [];
  let c: DetailedPeerCertificate | undefined = cert;
  while (c?.raw && out.length < 10) {
    out.push(c.raw);
    if (!c.issuerCertificate || c.issuerCertificate === c) break;
    c = c.issuerCertificate;
  }
  return out;
}

function certName(c: Record<string, string | string[]> | undefined): string {
  if (!c) return "";
  return clip(
    Object.entries(c)
      .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join("+") : v}`)
      .join(", "),
    REPORT_TEXT.name,
  );
}

/** "C=JP\nO=Example\nCN=mx.example.jp" (X509Certificate's form) as getPeerCertificate's object. */
function nameObject(dn: string | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const line of (dn ?? "").split("\n")) {
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const k = line.slice(0, eq);
    const v = line.slice(eq + 1);
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/**
 * The certificate facts from the server's own certificate. X509Certificate parses lazily, while
 * getPeerCertificate builds every field of every certificate in the chain: used only when DANE
 * needs the issuers.
 */
function leafOf(x509: X509Certificate): PeerCertificate {
  return {
    subject: nameObject(x509.subject),
    issuer: nameObject(x509.issuer),
    subjectaltname: x509.subjectAltName ?? "",
    valid_from: x509.validFrom,
    valid_to: x509.validTo,
  } as unknown as PeerCertificate;
}

function describeTls(sock: TLSSocket, host: string, cert: PeerCertificate | undefined): TlsReport {
  const report: TlsReport = {
    version: sock.getProtocol() ?? "unknown",
    cipher: sock.getCipher()?.name ?? "unknown",
  };
  if (cert && Object.keys(cert).length > 0) {
    // Node verified the chain (rejectUnauthorized: false only stops it from hanging up); the name is
    // checked here, since Node skips that check when the chain already failed.
    const nameMatches = checkServerIdentity(host, cert) === undefined;
    // When the chain verifies, Node goes on to the name and reports a mismatch as the authorization
    // error; "trusted" is about the chain alone.
    const raw = sock.authorized ? undefined : String(sock.authorizationError ?? "UNTRUSTED");
    const error = raw === "ERR_TLS_CERT_ALTNAME_INVALID" ? undefined : raw;
    report.certificate = {
      subject: certName(cert.subject as unknown as Record<string, string>),
      issuer: certName(cert.issuer as unknown as Record<string, string>),
      validFrom: new Date(cert.valid_from).toISOString(),
      validTo: new Date(cert.valid_to).toISOString(),
      trusted: error === undefined,
      nameMatches,
      ...(error ? { error } : {}),
    };
  }
  return report;
}

/**
 * One TLS context for every probe: building one per connection (and loading the CA store into it)
 * cost as much as the rest of the handshake. Legacy versions are accepted so that they can be
 * reported (and graded) rather than hidden.
 */
let probeContext: SecureContext | undefined;
function context(): SecureContext {
  return (probeContext ??= createSecureContext({ minVersion: "TLSv1", ciphers: "DEFAULT:@SECLEVEL=0" }));
}

function startTls(socket: Socket, host: string, timeoutMs: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const tls = tlsConnect({
      socket,
      // SNI carries names only, never addresses.
      servername: isIP(host) ? undefined : host,
      rejectUnauthorized: false,
      secureContext: context(),
    });
    const timer = setTimeout(() => {
      tls.destroy();
      // Our timeout, not the server's refusal: the verdict must not read it as "no TLS".
      reject(new ProbeError("tls-timeout", `TLS handshake did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    tls.once("secureConnect", () => {
      clearTimeout(timer);
      resolve(tls);
    });
    tls.once("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      tls.destroy();
      reject(new ProbeError("tls-handshake-failed", e.code ? `${e.code}: ${e.message}` : e.message));
    });
  });
}

function send(socket: Socket, line: string): void {
  socket.write(line + "\r\n");
}

const since = (t0: number) => Date.now() - t0;

/**
 * One SMTP conversation: greeting, EHLO, STARTTLS if offered, the TLS handshake, QUIT. Never sends
 * MAIL or RCPT. Returns the facts; failures are facts too (error codes), never exceptions.
 */
export async function probeSmtp(o: SmtpProbeOptions): Promise<SmtpFacts> {
  const facts: SmtpFacts = { reachable: false, starttls: null, timings: {} };
  let socket: Socket | undefined;
  let tls: TLSSocket | undefined;
  const fail = (e: unknown): SmtpFacts => {
    const pe = e instanceof ProbeError ? e : new ProbeError("protocol-error", String(e));
    facts.error = o.deadline.expired && /timeout/.test(pe.code) ? "deadline" : pe.code;
    facts.errorDetail = clip(pe.message, REPORT_TEXT.detail);
    return facts;
  };
  try {
    let t0 = Date.now();
    socket = await withTimeout(
      o.connector.connect(o.address, o.port, o.deadline.step(o.connectTimeoutMs)),
      o.deadline.step(o.connectTimeoutMs) + 50,
      () => new ProbeError("connect-timeout", "no connection in time"),
    );
    facts.timings.connectMs = since(t0);
    const reader = new ReplyReader(socket);

    t0 = Date.now();
    const greeting = await reader.read(o.deadline.step(o.greetingTimeoutMs), "greeting-timeout");
    facts.timings.bannerMs = since(t0);
    facts.banner = clip(greeting.lines.join(" "), REPORT_TEXT.banner);
    if (greeting.code !== 220) {
      facts.error = "greeting-rejected";
      facts.errorDetail = `greeting ${greeting.code}`;
      send(socket, "QUIT");
      return facts;
    }
    facts.reachable = true;

    t0 = Date.now();
    send(socket, `EHLO ${o.ehloName}`);
    const ehlo = await reader.read(o.deadline.step(o.commandTimeoutMs), "command-timeout");
    facts.timings.ehloMs = since(t0);
    if (ehlo.code !== 250) {
      // A permanent refusal of EHLO means no ESMTP, so no STARTTLS; a temporary one tells us nothing.
      if (ehlo.code >= 500) facts.starttls = false;
      facts.error = "ehlo-rejected";
      facts.errorDetail = `EHLO answered ${ehlo.code}`;
      send(socket, "QUIT");
      return facts;
    }
    facts.starttls = offersStartTls(ehlo);
    if (!facts.starttls) {
      send(socket, "QUIT");
      return facts;
    }

    t0 = Date.now();
    send(socket, "STARTTLS");
    const ready = await reader.read(o.deadline.step(o.commandTimeoutMs), "command-timeout");
    if (ready.code !== 220) {
      facts.error = "starttls-rejected";
      facts.errorDetail = clip(
        `STARTTLS answered ${ready.code} ${ready.lines[0] ?? ""}`.trim(),
        REPORT_TEXT.detail,
      );
      send(socket, "QUIT");
      return facts;
    }
    reader.detach();
    tls = await startTls(socket, o.host, o.deadline.step(o.tlsTimeoutMs));
    facts.timings.tlsMs = since(t0);
    if (o.needsIssuers?.() ?? true) {
      // Asked once: the detailed chain is costly to build.
      const cert = tls.getPeerCertificate(true);
      facts.tls = describeTls(tls, o.host, cert);
      facts.peerChain = presentedChain(cert);
    } else {
      const x509 = tls.getPeerX509Certificate();
      facts.tls = describeTls(tls, o.host, x509 && leafOf(x509));
      facts.peerChain = x509 ? [x509.raw] : undefined;
    }
    tls.write("QUIT\r\n");
    return facts;
  } catch (e) {
    return fail(e);
  } finally {
    // Give QUIT a moment to leave, then close; never wait for the server's answer to it.
    const s = tls ?? socket;
    if (s) {
      s.end();
      setTimeout(() => s.destroy(), 200).unref();
      s.on("error", () => undefined);
    }
  }
}
