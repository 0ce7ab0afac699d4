/**
 * public-url: MAILTLS_PUBLIC_URL, the address users reach the service at — the base of the add-in's
 * manifest and pages (Office loads add-ins over HTTPS only), the origin the API allows (CORS), and
 * the base of download links. Fails on anything but https://; warns when unset or on this machine.
 */
import { t } from "../../core/i18n";
import { DEFAULT_PUBLIC_URL } from "../../server/config";
import { type Check, verdict } from "./types";

const LOCAL = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

export const publicUrl: Check = async ({ env, lang }) => {
  const raw = env.MAILTLS_PUBLIC_URL;
  const fix = t(lang, "doctor.url.fix");
  if (!raw) return verdict("warn", t(lang, "doctor.url.unset", { url: DEFAULT_PUBLIC_URL }), fix);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return verdict("fail", t(lang, "doctor.url.invalid", { url: raw }), fix);
  }
  if (url.protocol !== "https:") return verdict("fail", t(lang, "doctor.url.http", { url: raw }), fix);
  if (LOCAL.test(url.hostname)) return verdict("warn", t(lang, "doctor.url.local", { url: raw }), fix);
  return verdict("ok", t(lang, "doctor.url.ok", { url: raw }));
};
