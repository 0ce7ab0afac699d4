import { type Lang, t } from "./i18n";

/** The polite note asking a partner to enable STARTTLS on their mail servers, in `lang`. */
export function partnerRequest(lang: Lang, report: { displayDomain: string }): string {
  return `${t(lang, "web.request.subject")}\n\n${t(lang, "web.request.body", { domain: report.displayDomain })}`;
}
