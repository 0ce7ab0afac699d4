import type { Decision, Reason, Suggestion } from "./decision";
import { t } from "./i18n/compose";
import type { Lang } from "./i18n/lang";

/** Outlook's limits: Smart Alerts messages and info bars. */
export const SMART_ALERT_MAX = 500;
export const INFO_BAR_MAX = 150;

/** "a.jp, b.jp ほか 3 件": as many names as fit in `budget` characters. */
function list(lang: Lang, names: string[] = [], budget = 80): string {
  const out: string[] = [];
  let used = 0;
  for (const n of names) {
    if (out.length > 0 && used + n.length + 2 > budget) break;
    out.push(n);
    used += n.length + 2;
  }
  const rest = names.length - out.length;
  return out.join(", ") + (rest > 0 ? t(lang, "summary.more", { n: rest }) : "");
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + "…";
}

function reasonText(lang: Lang, r: Reason, suggestions: Suggestion[], all: Reason[]): string | undefined {
  switch (r.code) {
    case "deletes-encrypted": {
      const text = t(lang, "decision.deletes-encrypted", { domains: list(lang, r.domains) });
      // With the password rule off, the usual advice comes with it.
      if (all.some((x) => x.code === "password-attachment")) return text;
      const files = suggestions.find((s) => s.code === "send-plainly" || s.code === "use-download-link");
      return `${text} ${reasonText(lang, { code: "password-attachment", action: "block", files: files && files.files }, suggestions, all)}`;
    }
    case "password-attachment": {
      const plain = suggestions.find((s) => s.code === "send-plainly");
      const link = suggestions.find((s) => s.code === "use-download-link");
      return plain
        ? t(lang, "decision.password-attachment.plain", {
            files: list(lang, r.files, 60),
            domains: list(lang, plain.domains),
          })
        : t(lang, "decision.password-attachment.link", {
            files: list(lang, r.files, 60),
            domains: list(lang, link?.domains),
          });
    }
    case "plain-to-unencrypted":
      return t(lang, "decision.plain-to-unencrypted", {
        files: list(lang, r.files, 60),
        domains: list(lang, r.domains),
      });
    case "password-mail":
      return t(lang, "decision.password-mail");
    case "unknown-grade":
      return t(lang, "decision.unknown-grade", { domains: list(lang, r.domains) });
    case "service-unreachable":
      // Failing closed, the message must say that the check could not be made and why it stops.
      return t(
        lang,
        r.action === "block" ? "decision.service-unreachable.block" : "decision.service-unreachable",
      );
  }
}

/** The Smart Alerts message for a decision: most severe reason first, within Outlook's 500 characters. */
export function decisionMessage(lang: Lang, d: Decision, max = SMART_ALERT_MAX): string {
  const order = { block: 0, warn: 1, allow: 2 };
  const parts = [...d.reasons]
    .sort((a, b) => order[a.action] - order[b.action])
    .map((r) => reasonText(lang, r, d.suggestions, d.reasons))
    .filter((x): x is string => !!x);
  const separately = d.suggestions.find((s) => s.code === "send-separately");
  if (separately)
    parts.push(t(lang, "decision.send-separately", { domains: list(lang, separately.domains) }));
  let text = "";
  for (const p of parts) {
    const next = text ? `${text}\n\n${p}` : p;
    if (next.length > max) break;
    text = next;
  }
  return cut(text || parts[0] || "", max);
}

/** One info bar line about the recipients, within Outlook's 150 characters. */
export function recipientSummary(
  lang: Lang,
  groups: Decision["groups"],
  display: (d: string) => string = (d) => d,
): string {
  if (groups.unencrypted.length > 0)
    return cut(
      t(lang, "summary.unencrypted", { domains: list(lang, groups.unencrypted.map(display), 100) }),
      INFO_BAR_MAX,
    );
  if (groups.unknown.length > 0)
    return cut(
      t(lang, "summary.pending", { domains: list(lang, groups.unknown.map(display), 100) }),
      INFO_BAR_MAX,
    );
  return t(lang, "summary.allEncrypted");
}
