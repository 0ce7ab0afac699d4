/**
 * dns: whether each DNS server the probe uses (MAILTLS_DNS_SERVERS, or the system's) answers, asked
 * one at a time for the doctor domain's MX records. Any answer counts, "no such domain" included;
 * SERVFAIL, REFUSED and silence do not.
 */
import { getServers } from "node:dns";
import { t } from "../../core/i18n";
import { probeConfigFromEnv } from "../../probe/config";
import { withTimeout } from "../../probe/limits";
import { dnsFailure, dnsResolver } from "../../probe/resolver";
import { type Check, since, verdict } from "./types";

/** Whether `server` answers; undefined means it did, else the failure ("timeout", "servfail", …). */
async function ask(server: string, domain: string, timeoutMs: number): Promise<string | undefined> {
  const resolver = dnsResolver([server], timeoutMs);
  try {
    await withTimeout(resolver.mx(domain), timeoutMs, () =>
      Object.assign(new Error("DNS query timed out"), { code: "ETIMEOUT" }),
    );
    return undefined;
  } catch (e) {
    const f = dnsFailure(e);
    if (f === "nxdomain" || f === "nodata") return undefined;
    // "error" hides the code that says most (ECONNREFUSED, EBADRESP, …).
    return f === "error" ? ((e as NodeJS.ErrnoException).code ?? String(e)) : f;
  }
}

export const dns: Check = async ({ env, lang, timeoutMs, domain }) => {
  const config = probeConfigFromEnv(env);
  const configured = config.dnsServers;
  // As long as the probe would wait for an answer, within the check's own time.
  const waitMs = Math.min(config.dnsTimeoutMs, timeoutMs);
  const servers = configured.length ? configured : getServers();
  const source = configured.length ? "MAILTLS_DNS_SERVERS" : t(lang, "doctor.dns.system");
  if (servers.length === 0)
    return verdict("fail", t(lang, "doctor.dns.noServers"), t(lang, "doctor.dns.fix"));
  const results = await Promise.all(
    servers.map(async (server) => {
      const t0 = Date.now();
      const failure = await ask(server, domain, waitMs);
      return failure === undefined
        ? { ok: true, text: t(lang, "doctor.dns.answered", { server, ms: since(t0) }) }
        : { ok: false, text: t(lang, "doctor.dns.failed", { server, error: failure }) };
    }),
  );
  const list = results.map((r) => r.text).join("; ");
  if (results.every((r) => r.ok)) return verdict("ok", t(lang, "doctor.dns.ok", { list, source, domain }));
  if (results.some((r) => r.ok))
    return verdict("warn", t(lang, "doctor.dns.some", { list, source }), t(lang, "doctor.dns.some.fix"));
  return verdict("fail", t(lang, "doctor.dns.none", { list, source }), t(lang, "doctor.dns.fix"));
};
