import {
  Badge,
  Button,
  Field,
  Link,
  makeStyles,
  Spinner,
  Subtitle2,
  Text,
  Textarea,
  tokens,
} from "@fluentui/react-components";
import {
  ArrowClockwise16Regular,
  ChevronDown16Regular,
  ChevronRight16Regular,
  Delete16Regular,
} from "@fluentui/react-icons";
import { useEffect, useId, useState } from "react";
import { type Lang, t } from "../../core/i18n";
import { partnerRequest } from "../../core/partnerRequest";
import type { DomainReport } from "../../core/verdict";
import { fetchReport } from "../../ui/api";
import { GradeBadge } from "../../ui/GradeBadge";
import { MxList } from "../../ui/MxList";
import { Reasons } from "../../ui/Reasons";
import type { CompactReport } from "../handlers";
import { serviceToken } from "../office";
import { withToken } from "../serviceClient";
import type { DomainRow } from "./useCompose";

const useStyles = makeStyles({
  list: { listStyle: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: "8px" },
  row: {
    borderRadius: tokens.borderRadiusMedium,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    padding: "4px 8px",
  },
  head: { display: "flex", alignItems: "center", gap: "8px", flexWrap: "wrap" },
  domain: { flexGrow: 1, textAlign: "start", justifyContent: "flex-start", minWidth: 0 },
  details: { display: "flex", flexDirection: "column", gap: "8px", padding: "8px 0", overflowX: "auto" },
  actions: { display: "flex", gap: "8px", flexWrap: "wrap", alignItems: "center" },
  addresses: { color: tokens.colorNeutralForeground3 },
});

interface DomainProps {
  lang: Lang;
  row: DomainRow;
  /** Called with a freshly probed report, to share it with the event runtime. */
  onReport(r: CompactReport): Promise<void>;
}

function DomainDetails({ lang, row, onReport }: DomainProps) {
  const s = useStyles();
  const [report, setReport] = useState<DomainReport | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState<"ok" | "failed" | undefined>();

  const load = async (refresh: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await fetchReport(row.domain, undefined, {
        refresh,
        headers: await withToken({}, serviceToken),
      });
      setReport(r);
      if (refresh) await onReport(r);
    } catch {
      setError(t(lang, "pane.serviceError"));
    } finally {
      setBusy(false);
    }
  };
  // The full report (with each MX) is fetched when a domain is first opened; the service has it cached.
  useEffect(() => {
    void load(false);
    // Once, when the domain is opened.
  }, []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(partnerRequest(lang, row));
      setCopied("ok");
    } catch {
      setCopied("failed");
    }
  };
  const grade = report?.grade ?? row.report?.grade;
  return (
    <div className={s.details}>
      {busy ? <Spinner size="tiny" label={t(lang, "pane.pending")} /> : null}
      {error ? <Text role="alert">{error}</Text> : null}
      {report ? (
        <>
          <Text size={200}>
            {t(lang, "pane.checkedAt", {
              time: new Date(report.checkedAt).toLocaleString(lang === "ja" ? "ja-JP" : "en-GB"),
            })}
          </Text>
          <MxList report={report} lang={lang} />
          <Reasons reasons={report.reasons} lang={lang} size={200} />
        </>
      ) : null}
      <div className={s.actions}>
        <Button
          size="small"
          icon={<ArrowClockwise16Regular />}
          disabled={busy}
          onClick={() => void load(true)}
        >
          {t(lang, "pane.checkAgain")}
        </Button>
        <Link href={`/?domain=${encodeURIComponent(row.domain)}`} target="_blank" rel="noopener">
          {t(lang, "pane.openCheckPage")}
        </Link>
        {grade === "no-tls" || grade === "partial" ? (
          <Button size="small" onClick={() => void copy()}>
            {t(lang, "pane.copyRequest")}
          </Button>
        ) : null}
      </div>
      {copied === "ok" ? <Text role="status">{t(lang, "pane.copied")}</Text> : null}
      {copied === "failed" ? (
        <Field label={t(lang, "pane.copyFailed")}>
          <Textarea readOnly value={partnerRequest(lang, row)} rows={8} />
        </Field>
      ) : null}
    </div>
  );
}

function DomainItem({ lang, row, onReport }: DomainProps) {
  const s = useStyles();
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  const r = row.report;
  return (
    <li
      className={s.row}
      data-domain={row.domain}
      data-grade={row.internal ? "internal" : r && !r.pending ? r.grade : "pending"}
    >
      <div className={s.head}>
        <Button
          appearance="subtle"
          className={s.domain}
          icon={open ? <ChevronDown16Regular /> : <ChevronRight16Regular />}
          aria-expanded={open}
          aria-controls={detailsId}
          aria-label={t(lang, "pane.details", { domain: row.displayDomain })}
          onClick={() => setOpen(!open)}
        >
          {row.displayDomain}
        </Button>
        {row.internal ? (
          <Badge appearance="outline" color="informative">
            {t(lang, "pane.internal")}
          </Badge>
        ) : !r || r.pending ? (
          <Spinner size="extra-tiny" label={t(lang, "pane.pending")} labelPosition="after" />
        ) : (
          <GradeBadge grade={r.grade} lang={lang} />
        )}
        {row.deletesEncrypted ? (
          <Badge appearance="tint" color="danger" icon={<Delete16Regular />} data-deletes-encrypted="">
            {t(lang, "pane.deletesEncrypted")}
          </Badge>
        ) : null}
      </div>
      <Text size={200} className={s.addresses} block>
        {row.addresses.join(", ")}
      </Text>
      <div id={detailsId} hidden={!open}>
        {open && !row.internal ? <DomainDetails lang={lang} row={row} onReport={onReport} /> : null}
      </div>
    </li>
  );
}

/** Recipients grouped by domain: a badge each (icon and word), details and actions on demand. */
export function RecipientsSection({
  lang,
  rows,
  onReport,
}: {
  lang: Lang;
  rows: DomainRow[];
  onReport(r: CompactReport): Promise<void>;
}) {
  const s = useStyles();
  return (
    <section aria-labelledby="recipients-title" data-testid="recipients">
      <Subtitle2 as="h2" id="recipients-title" block>
        {t(lang, "pane.recipients")}
      </Subtitle2>
      {rows.length === 0 ? (
        <Text>{t(lang, "pane.noRecipients")}</Text>
      ) : (
        <ul className={s.list}>
          {rows.map((row) => (
            <DomainItem key={row.domain} lang={lang} row={row} onReport={onReport} />
          ))}
        </ul>
      )}
    </section>
  );
}
