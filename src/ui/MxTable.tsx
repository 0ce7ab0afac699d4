import {
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from "@fluentui/react-components";
import { daneText, mtaStsText, tlsRptText } from "../core/authText";
import { type Lang, t } from "../core/i18n";
import type { DomainReport, MxReport } from "../core/verdict";

export function starttls(m: MxReport, lang: Lang): string {
  if (m.starttls === true) return t(lang, "web.yes");
  if (m.starttls === false) return t(lang, "web.no");
  return t(lang, "web.notReached") + (m.error ? ` (${m.error})` : "");
}

export function certificate(m: MxReport, lang: Lang): string {
  const c = m.tls?.certificate;
  if (!c) return m.error && m.starttls ? m.error : "—";
  const trust = c.trusted
    ? t(lang, "web.cert.trusted")
    : `${t(lang, "web.cert.untrusted")} (${c.error ?? "?"})`;
  return `${trust} · ${t(lang, c.nameMatches ? "web.cert.nameOk" : "web.cert.nameBad")}`;
}

export function timings(m: MxReport): string {
  return Object.entries(m.timings)
    .map(([k, v]) => `${k.replace(/Ms$/, "")} ${v}`)
    .join(", ");
}

const useStyles = makeStyles({
  cell: { overflowWrap: "anywhere", verticalAlign: "top", paddingTop: "6px", paddingBottom: "6px" },
});

/** The domain's MTA-STS and TLS-RPT facts, one line each. */
export function authLines(report: DomainReport, lang: Lang): string[] {
  return [mtaStsText(lang, report), tlsRptText(lang, report)].filter((x): x is string => !!x);
}

/** Each MX with what the probe saw: STARTTLS, TLS version, certificate, timings. */
export function MxTable({ report, lang }: { report: DomainReport; lang: Lang }) {
  const s = useStyles();
  return (
    <Table aria-label={t(lang, "web.mx.title")} size="small">
      <TableHeader>
        <TableRow>
          <TableHeaderCell>{t(lang, "web.mx.host")}</TableHeaderCell>
          <TableHeaderCell>{t(lang, "web.mx.preference")}</TableHeaderCell>
          <TableHeaderCell>{t(lang, "web.mx.starttls")}</TableHeaderCell>
          <TableHeaderCell>{t(lang, "web.mx.tls")}</TableHeaderCell>
          <TableHeaderCell>{t(lang, "web.mx.certificate")}</TableHeaderCell>
          <TableHeaderCell>{t(lang, "web.mx.timings")}</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {report.mx.map((m) => (
          <TableRow key={m.host} data-mx={m.host}>
            <TableCell className={s.cell}>
              {m.host}
              {m.address ? ` [${m.address}]` : ""}
            </TableCell>
            <TableCell className={s.cell}>{m.preference}</TableCell>
            <TableCell className={s.cell}>{starttls(m, lang)}</TableCell>
            <TableCell className={s.cell}>
              {m.tls ? (
                <>
                  {m.tls.version}
                  <br />
                  <small>{m.tls.cipher}</small>
                </>
              ) : (
                "—"
              )}
            </TableCell>
            <TableCell className={s.cell}>
              {certificate(m, lang)}
              {m.dane ? (
                <>
                  <br />
                  <small>{daneText(lang, m)}</small>
                </>
              ) : null}
            </TableCell>
            <TableCell className={s.cell}>{timings(m)} ms</TableCell>
          </TableRow>
        ))}
        {authLines(report, lang).map((line) => (
          <TableRow key={line}>
            <TableCell className={s.cell} colSpan={6}>
              {line}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
