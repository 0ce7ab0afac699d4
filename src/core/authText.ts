/** MTA-STS, DANE and TLS-RPT facts as one line each, for the CLI, the check page and the task pane. */
import { type Lang, t } from "./i18n";
import type { DomainReport, MxReport } from "./verdict";

export function mtaStsText(lang: Lang, r: Pick<DomainReport, "mtaSts">): string | undefined {
  const s = r.mtaSts;
  if (!s) return undefined;
  if ("error" in s) return t(lang, "auth.mtaSts.error", { error: s.error });
  return t(lang, "auth.mtaSts", {
    mode: t(
      lang,
      s.mode === "enforce"
        ? "auth.mtaSts.enforce"
        : s.mode === "testing"
          ? "auth.mtaSts.testing"
          : "auth.mtaSts.none",
    ),
    id: s.id,
    mx: s.mx.join(", ") || "—",
  });
}

export function daneText(lang: Lang, m: Pick<MxReport, "dane">): string | undefined {
  const d = m.dane;
  if (!d) return undefined;
  if (d.error === "dnssec-bogus") return t(lang, "auth.dane.bogus");
  if (d.error) return t(lang, "auth.dane.error", { error: d.error });
  if (!d.dnssec) return t(lang, "auth.dane.unsigned");
  if (d.matched === true) return t(lang, "auth.dane.match");
  if (d.matched === false) return t(lang, "auth.dane.mismatch");
  return t(lang, "auth.dane.unusable");
}

export function tlsRptText(lang: Lang, r: Pick<DomainReport, "tlsRpt">): string | undefined {
  const x = r.tlsRpt;
  if (!x) return undefined;
  return "error" in x ? t(lang, "auth.tlsRpt.error") : t(lang, "auth.tlsRpt", { rua: x.rua.join(", ") });
}
