import {
  Button,
  Field,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Textarea,
  Title3,
  makeStyles,
} from "@fluentui/react-components";
import { ArrowClockwise16Regular, Copy16Regular } from "@fluentui/react-icons";
import { useState } from "react";
import { type Lang, t } from "../../core/i18n";
import { partnerRequest } from "../../core/partnerRequest";
import type { DomainReport } from "../../core/verdict";
import { GradeBadge } from "../../ui/GradeBadge";
import { adminJson, type PartnerRow } from "./api";

const useStyles = makeStyles({
  section: { display: "flex", flexDirection: "column", gap: "12px", minWidth: 0 },
  wrap: { overflowX: "auto" },
  actions: { display: "flex", gap: "6px", flexWrap: "wrap" },
});

const when = (iso: string, lang: Lang) =>
  iso
    ? new Date(iso).toLocaleString(lang === "ja" ? "ja-JP" : "en-GB", {
        dateStyle: "medium",
        timeStyle: "short",
      })
    : "—";

/** The partners to fix, most written to first: look-ups, last checked, check again, the request. */
export function Partners({
  rows,
  lang,
  tenant,
  onChecked,
}: {
  rows: PartnerRow[];
  lang: Lang;
  tenant: string;
  onChecked(report: DomainReport): void;
}) {
  const s = useStyles();
  const [busy, setBusy] = useState<string | undefined>();
  const [status, setStatus] = useState<string>("");
  const [fallback, setFallback] = useState<{ domain: string; text: string } | undefined>();

  const checkAgain = async (domain: string) => {
    setBusy(domain);
    try {
      const report = await adminJson<DomainReport>(
        `/api/v1/admin/domains/${encodeURIComponent(domain)}/refresh?tenant=${encodeURIComponent(tenant)}`,
        { method: "POST" },
      );
      setStatus(t(lang, "admin.partners.rechecked", { domain, grade: t(lang, `grade.${report.grade}`) }));
      onChecked(report);
    } catch (e) {
      setStatus(t(lang, "admin.error", { why: (e as Error).message }));
    } finally {
      setBusy(undefined);
    }
  };
  const copy = async (domain: string) => {
    const text = partnerRequest(lang, { displayDomain: domain });
    try {
      await navigator.clipboard.writeText(text);
      setFallback(undefined);
      setStatus(t(lang, "admin.partners.copied", { domain }));
    } catch {
      setFallback({ domain, text });
      setStatus(t(lang, "admin.partners.copyFailed"));
    }
  };

  return (
    <section className={s.section} aria-labelledby="partners-title">
      <Title3 as="h2" id="partners-title">
        {t(lang, "admin.partners.title")}
      </Title3>
      <Text>{t(lang, "admin.partners.note")}</Text>
      <Text role="status" aria-live="polite">
        {status}
      </Text>
      {fallback && (
        <Field label={fallback.domain}>
          <Textarea readOnly value={fallback.text} rows={8} />
        </Field>
      )}
      {rows.length === 0 ? (
        <Text data-testid="partners-empty">{t(lang, "admin.partners.empty")}</Text>
      ) : (
        <div className={s.wrap}>
          <Table aria-labelledby="partners-title" data-testid="partners">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>{t(lang, "admin.partners.domain")}</TableHeaderCell>
                <TableHeaderCell>{t(lang, "admin.partners.grade")}</TableHeaderCell>
                <TableHeaderCell>{t(lang, "admin.partners.lookups")}</TableHeaderCell>
                <TableHeaderCell>{t(lang, "admin.partners.checked")}</TableHeaderCell>
                <TableHeaderCell>{t(lang, "admin.partners.actions")}</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((r) => (
                <TableRow key={r.domain} data-partner={r.domain}>
                  <TableCell>{r.domain}</TableCell>
                  <TableCell>
                    <GradeBadge grade={r.grade} lang={lang} />
                  </TableCell>
                  <TableCell>{r.lookups}</TableCell>
                  <TableCell>{when(r.checkedAt, lang)}</TableCell>
                  <TableCell>
                    <div className={s.actions}>
                      <Button
                        size="small"
                        icon={<ArrowClockwise16Regular />}
                        disabled={busy === r.domain}
                        onClick={() => void checkAgain(r.domain)}
                        aria-label={t(lang, "admin.partners.checkAgainFor", { domain: r.domain })}
                      >
                        {t(lang, "admin.partners.checkAgain")}
                      </Button>
                      <Button
                        size="small"
                        icon={<Copy16Regular />}
                        onClick={() => void copy(r.domain)}
                        aria-label={t(lang, "admin.partners.copyFor", { domain: r.domain })}
                      >
                        {t(lang, "admin.partners.copy")}
                      </Button>
                    </div>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </section>
  );
}
