/**
 * dnssec: whether the validating resolver DANE trusts (MAILTLS_DNSSEC_RESOLVER, or the loopback
 * DNS server the probe falls back to) sets the AD bit. It is asked the probe's own DANE question
 * (TLSA at _25._tcp.NAME, with the DO bit) for a name in a signed zone: a validating resolver marks
 * the answer, or the signed proof that there is none, as authenticated.
 */
import { t } from "../../core/i18n";
import { probeConfigFromEnv } from "../../probe/config";
import { lookupTlsa } from "../../probe/dane";
import { type Check, errorText, since, verdict } from "./types";

export const dnssec: Check = async ({ env, lang, timeoutMs, dnssecName: name }) => {
  if (env.MAILTLS_DNSSEC_RESOLVER === "off") return verdict("skip", t(lang, "doctor.dnssec.off"));
  const config = probeConfigFromEnv(env);
  const r = config.dnssecResolver;
  // As long as the probe waits for a TLSA answer, within the check's own time.
  const waitMs = Math.min(config.dnsTimeoutMs, timeoutMs);
  if (!r) return verdict("warn", t(lang, "doctor.dnssec.none"), t(lang, "doctor.dnssec.none.fix"));
  const resolver = r.host.includes(":") ? `[${r.host}]:${r.port}` : `${r.host}:${r.port}`;
  const t0 = Date.now();
  let answer;
  try {
    answer = await lookupTlsa(name, r, waitMs);
  } catch (e) {
    const error = (e as { code?: string }).code === "dns-timeout" ? `timeout (${waitMs} ms)` : errorText(e);
    return verdict(
      "fail",
      t(lang, "doctor.dnssec.silent", { resolver, name, error }),
      t(lang, "doctor.dnssec.silent.fix"),
    );
  }
  if (answer.rcode === "SERVFAIL")
    return verdict(
      "fail",
      t(lang, "doctor.dnssec.servfail", { resolver, name }),
      t(lang, "doctor.dnssec.fix"),
    );
  if (!answer.authentic)
    return verdict(
      "fail",
      t(lang, "doctor.dnssec.noAd", { resolver, name, rcode: answer.rcode }),
      t(lang, "doctor.dnssec.fix"),
    );
  return verdict("ok", t(lang, "doctor.dnssec.ok", { resolver, name, ms: since(t0) }));
};
