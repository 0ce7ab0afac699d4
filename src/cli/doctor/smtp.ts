/**
 * smtp-outbound: whether this machine can open port 25 (MAILTLS_SMTP_PORT) to the internet's mail
 * servers — the MX hosts of a domain, found with the probe's resolvers — and read their greeting.
 * Sends only QUIT. Cloud providers commonly block this port; the fix says so first.
 */
import { t } from "../../core/i18n";
import { isAllowedTarget } from "../../probe/addresses";
import { probeConfigFromEnv } from "../../probe/config";
import { Deadline, withTimeout } from "../../probe/limits";
import { dnsFailure, dnsResolver, type MailResolver, mxHostsInOrder } from "../../probe/resolver";
import { ProbeError, ReplyReader, tcpConnector } from "../../probe/smtp";
import { type Check, since, verdict } from "./types";

/** MX hosts tried (in preference order), and addresses tried per host. */
const MAX_HOSTS = 3;
const MAX_ADDRESSES = 2;

type Hosts = { hosts: string[] } | { noMail: true } | { dnsError: string };

const dnsTimeout = () => Object.assign(new Error("DNS query timed out"), { code: "ETIMEOUT" });

/** The domain's mail hosts: its MX hosts, or the domain itself when it has no MX (RFC 5321 §5.1). */
async function mailHosts(domain: string, r: MailResolver, deadline: Deadline, dnsMs: number): Promise<Hosts> {
  try {
    const mx = await withTimeout(r.mx(domain), deadline.step(dnsMs), dnsTimeout);
    const hosts = mxHostsInOrder(mx).map((m) => m.host);
    return hosts.length ? { hosts } : { noMail: true };
  } catch (e) {
    const f = dnsFailure(e);
    if (f === "nxdomain") return { noMail: true };
    if (f === "nodata") return { hosts: [domain] };
    return { dnsError: f };
  }
}

async function addressesOf(host: string, r: MailResolver, deadline: Deadline, dnsMs: number) {
  const [a, aaaa] = await Promise.allSettled([
    withTimeout(r.a(host), deadline.step(dnsMs), dnsTimeout),
    withTimeout(r.aaaa(host), deadline.step(dnsMs), dnsTimeout),
  ]);
  // IPv4 first: many servers have no IPv6 route out.
  return [...(a.status === "fulfilled" ? a.value : []), ...(aaaa.status === "fulfilled" ? aaaa.value : [])];
}

interface Greeting {
  code: number;
  text: string;
  ms: number;
}

/** Connects, reads the greeting, says QUIT and closes without waiting for the answer. */
async function greet(
  address: string,
  port: number,
  deadline: Deadline,
  limits: { connectMs: number; greetingMs: number },
): Promise<Greeting> {
  const t0 = Date.now();
  const socket = await tcpConnector.connect(address, port, deadline.step(limits.connectMs));
  try {
    const reply = await new ReplyReader(socket).read(deadline.step(limits.greetingMs), "greeting-timeout");
    socket.write("QUIT\r\n");
    return { code: reply.code, text: reply.lines.join(" ").slice(0, 120), ms: since(t0) };
  } finally {
    socket.on("error", () => undefined);
    socket.end();
    setTimeout(() => socket.destroy(), 200).unref();
  }
}

interface HostOutcome {
  host: string;
  address?: string;
  greeting?: Greeting;
  /** Why no greeting: a probe error code, "private" or "no-address". */
  error?: string;
}

export const smtpOutbound: Check = async ({ env, lang, timeoutMs, domain }) => {
  const config = probeConfigFromEnv(env);
  const deadline = new Deadline(timeoutMs);
  const resolver = dnsResolver(config.dnsServers, Math.min(config.dnsTimeoutMs, timeoutMs));
  const port = config.smtpPort;
  const found = await mailHosts(domain, resolver, deadline, config.dnsTimeoutMs);
  if ("noMail" in found)
    return verdict("fail", t(lang, "doctor.smtp.nomail", { domain }), t(lang, "doctor.smtp.nomail.fix"));
  if ("dnsError" in found)
    return verdict(
      "fail",
      t(lang, "doctor.smtp.dns", { domain, error: found.dnsError }),
      t(lang, "doctor.smtp.dns.fix"),
    );

  const limits = { connectMs: config.connectTimeoutMs, greetingMs: config.greetingTimeoutMs };
  const outcomes = await Promise.all(
    found.hosts.slice(0, MAX_HOSTS).map(async (host): Promise<HostOutcome> => {
      const all = await addressesOf(host, resolver, deadline, config.dnsTimeoutMs);
      // The probe's own rule: private and reserved addresses only where the operator allows them.
      const allowed = all.filter((a) => isAllowedTarget(a, config.allowPrivate)).slice(0, MAX_ADDRESSES);
      if (all.length === 0) return { host, error: "no-address" };
      if (allowed.length === 0) return { host, address: all[0], error: "private" };
      let last: HostOutcome = { host };
      for (const address of allowed) {
        try {
          return { host, address, greeting: await greet(address, port, deadline, limits) };
        } catch (e) {
          last = { host, address, error: e instanceof ProbeError ? e.code : String(e) };
        }
      }
      return last;
    }),
  );

  const welcomed = outcomes.find((o) => o.greeting?.code === 220);
  if (welcomed?.greeting)
    return verdict(
      "ok",
      t(lang, "doctor.smtp.ok", {
        port,
        host: welcomed.host,
        address: welcomed.address ?? "",
        ms: welcomed.greeting.ms,
      }),
    );
  const refused = outcomes.find((o) => o.greeting);
  if (refused?.greeting)
    return verdict(
      "warn",
      t(lang, "doctor.smtp.refused", {
        port,
        host: refused.host,
        address: refused.address ?? "",
        reply: `${refused.greeting.code} ${refused.greeting.text}`.trim(),
      }),
      t(lang, "doctor.smtp.refused.fix"),
    );
  if (outcomes.every((o) => o.error === "private"))
    return verdict(
      "fail",
      t(lang, "doctor.smtp.private", { domain, addresses: outcomes.map((o) => o.address).join(", ") }),
      t(lang, "doctor.smtp.private.fix"),
    );
  const errors = outcomes
    .map((o) => `${o.host}${o.address ? ` [${o.address}]` : ""}: ${o.error ?? "?"}`)
    .join("; ");
  const timedOut = outcomes.some((o) => o.error === "connect-timeout" || o.error === "greeting-timeout");
  return verdict(
    "fail",
    t(lang, "doctor.smtp.fail", { domain, port, errors }) + (timedOut ? t(lang, "doctor.smtp.timeouts") : ""),
    t(lang, "doctor.smtp.fail.fix", { port }),
  );
};
