/**
 * relay: whether the relay the one-time download codes go through (MAILTLS_SMTP_RELAY) accepts us:
 * nodemailer's verify() with the connection the service makes (src/server/mailer.ts) — greeting,
 * EHLO, STARTTLS when offered (with the certificate checked), AUTH when the URL has credentials.
 * Sends no mail; skipped when no relay is set.
 */
import { t } from "../../core/i18n";
import { withTimeout } from "../../probe/limits";
import { relayTransport } from "../../server/mailer";
import { redactUrl } from "./redact";
import { type Check, errorText, since, verdict } from "./types";

async function verifyRelay(relayUrl: string, timeoutMs: number): Promise<void> {
  const transport = relayTransport(relayUrl, { connectMs: timeoutMs, socketMs: timeoutMs });
  try {
    await withTimeout(transport.verify(), timeoutMs, () => new Error(`no answer within ${timeoutMs} ms`));
  } finally {
    transport.close();
  }
}

export const relay: Check = async ({ env, lang, timeoutMs }) => {
  const raw = env.MAILTLS_SMTP_RELAY;
  if (!raw) return verdict("skip", t(lang, "doctor.relay.unset"));
  const url = redactUrl(raw);
  let protocol: string;
  try {
    protocol = new URL(raw).protocol;
  } catch {
    protocol = "";
  }
  if (protocol !== "smtp:" && protocol !== "smtps:")
    return verdict("fail", t(lang, "doctor.relay.badUrl", { url }), t(lang, "doctor.relay.fix"));
  const t0 = Date.now();
  try {
    await verifyRelay(raw, timeoutMs);
    return verdict("ok", t(lang, "doctor.relay.ok", { url, ms: since(t0) }));
  } catch (e) {
    return verdict(
      "fail",
      t(lang, "doctor.relay.fail", { url, error: errorText(e) }),
      t(lang, "doctor.relay.fix"),
    );
  }
};
