import { makeStyles, Text, tokens } from "@fluentui/react-components";
import { type Lang, t } from "../core/i18n";
import type { DomainReport } from "../core/verdict";
import { daneText } from "../core/authText";
import { authLines, certificate, starttls, timings } from "./MxTable";

const useStyles = makeStyles({
  list: { listStyle: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: "6px" },
  mx: {
    display: "grid",
    gridTemplateColumns: "max-content 1fr",
    columnGap: "8px",
    rowGap: "2px",
    padding: "6px 8px",
    backgroundColor: tokens.colorNeutralBackground2,
    borderRadius: tokens.borderRadiusMedium,
    overflowWrap: "anywhere",
  },
  host: { gridColumn: "1 / -1", fontWeight: tokens.fontWeightSemibold },
  label: { color: tokens.colorNeutralForeground3 },
});

/** The same facts as MxTable, one block per MX, for a narrow task pane. */
export function MxList({ report, lang }: { report: DomainReport; lang: Lang }) {
  const s = useStyles();
  const row = (label: string, value: string) => (
    <>
      <Text size={200} className={s.label}>
        {label}
      </Text>
      <Text size={200}>{value}</Text>
    </>
  );
  return (
    <ul className={s.list} aria-label={t(lang, "web.mx.title")}>
      {report.mx.map((m) => (
        <li key={m.host} className={s.mx} data-mx={m.host}>
          <Text size={200} className={s.host}>
            {m.host}
            {m.address ? ` [${m.address}]` : ""} · {t(lang, "web.mx.preference")} {m.preference}
          </Text>
          {row(t(lang, "web.mx.starttls"), starttls(m, lang))}
          {row(t(lang, "web.mx.tls"), m.tls ? `${m.tls.version} ${m.tls.cipher}` : "—")}
          {row(t(lang, "web.mx.certificate"), certificate(m, lang))}
          {m.dane ? row("DANE", daneText(lang, m) ?? "") : null}
          {row(t(lang, "web.mx.timings"), `${timings(m)} ms`)}
        </li>
      ))}
      {authLines(report, lang).map((line) => (
        <li key={line} className={s.mx}>
          <Text size={200} className={s.host}>
            {line}
          </Text>
        </li>
      ))}
    </ul>
  );
}
