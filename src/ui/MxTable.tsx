import {
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from "@fluentui/react-components";
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
            <TableCell className={s.cell}>{certificate(m, lang)}</TableCell>
            <TableCell className={s.cell}>{timings(m)} ms</TableCell>
          </TableRow>
        ))}
        {report.mtaSts && (
          <TableRow>
            <TableCell className={s.cell}>{t(lang, "web.mtaSts")}</TableCell>
            <TableCell className={s.cell} colSpan={5}>
              {"error" in report.mtaSts
                ? report.mtaSts.error
                : `mode=${report.mtaSts.mode} id=${report.mtaSts.id}`}
            </TableCell>
          </TableRow>
        )}
        {report.dane && (
          <TableRow>
            <TableCell className={s.cell}>{t(lang, "web.dane")}</TableCell>
            <TableCell
              colSpan={5}
            >{`TLSA=${report.dane.tlsa} DNSSEC=${report.dane.dnssec} usable=${report.dane.usable}`}</TableCell>
          </TableRow>
        )}
      </TableBody>
    </Table>
  );
}
