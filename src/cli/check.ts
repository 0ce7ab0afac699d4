import { parseArgs } from "node:util";
import { stringify } from "csv-stringify/sync";
import { daneText, mtaStsText, tlsRptText } from "../core/authText";
import { type Lang, langFromLocale, type MessageKey, t } from "../core/i18n";
import { reasonText } from "../core/reasons";
import type { DomainReport, MxReport } from "../core/verdict";
import { type CliIO, UsageError } from "./io";
import { gatherDomains, probeAll, probeSettings } from "./probing";
import { renderTable } from "./table";

function mxLine(m: MxReport, lang: Lang): string {
  // "MX 10 host" reads the same in both languages.
  const parts: string[] = [`MX ${m.preference} ${m.host}`];
  if (m.address) parts.push(`[${m.address}]`);
  parts.push(
    t(
      lang,
      m.starttls === true
        ? "check.starttls.yes"
        : m.starttls === false
          ? "check.starttls.no"
          : "check.starttls.unknown",
    ),
  );
  if (m.tls) {
    parts.push(`${m.tls.version} ${m.tls.cipher}`);
    const c = m.tls.certificate;
    if (c) {
      parts.push(
        c.trusted
          ? t(lang, "check.cert.trusted")
          : t(lang, "check.cert.untrusted", { error: c.error ?? "?" }),
      );
      parts.push(t(lang, c.nameMatches ? "check.cert.nameOk" : "check.cert.nameBad"));
    }
  }
  const dane = daneText(lang, m);
  if (dane) parts.push(dane);
  if (m.error)
    parts.push(t(lang, "check.error", { error: m.errorDetail ? `${m.error}: ${m.errorDetail}` : m.error }));
  const ms = Object.entries(m.timings)
    .map(([k, v]) => `${k.replace(/Ms$/, "")} ${v}`)
    .join(", ");
  if (ms) parts.push(`(${ms} ms)`);
  return "  " + parts.join(" · ");
}

export function renderReport(r: DomainReport, lang: Lang): string {
  const name = r.displayDomain !== r.domain ? `${r.displayDomain} (${r.domain})` : r.domain;
  const lines = [
    `[${t(lang, `grade.${r.grade}` as MessageKey)}] ${name}`,
    "  " + t(lang, `grade.${r.grade}.meaning` as MessageKey),
    ...(r.mx.length ? r.mx.map((m) => mxLine(m, lang)) : ["  " + t(lang, "check.noMx")]),
  ];
  for (const line of [mtaStsText(lang, r), tlsRptText(lang, r)]) if (line) lines.push("  " + line);
  if (r.reasons.length) {
    lines.push("  " + t(lang, "check.reasons", { reasons: "" }).trimEnd());
    for (const code of r.reasons) lines.push(`    - ${reasonText(lang, code)} [${code}]`);
  }
  lines.push("  " + t(lang, "check.timings", { ms: r.durationMs }));
  return lines.join("\n");
}

type Format = "text" | "table" | "json" | "csv";
const FORMATS: readonly Format[] = ["text", "table", "json", "csv"];

/** One row per domain: what the bulk check prints by default. */
function renderRows(reports: DomainReport[], lang: Lang): string {
  return renderTable(
    [t(lang, "check.col.domain"), t(lang, "check.col.grade"), t(lang, "check.col.why")],
    reports.map((r) => [
      r.displayDomain !== r.domain ? `${r.displayDomain} (${r.domain})` : r.domain,
      t(lang, `grade.${r.grade}` as MessageKey),
      // The reason that decides the grade first: the unencrypted hosts, then the rest.
      r.reasons.length
        ? reasonText(lang, r.reasons[0]) + (r.reasons.length > 1 ? ` (+${r.reasons.length - 1})` : "")
        : "",
    ]),
  );
}

function renderCsv(reports: DomainReport[]): string {
  return stringify(
    reports.map((r) => [
      r.domain,
      r.displayDomain,
      r.grade,
      r.reasons.join(" "),
      r.mx.length,
      r.checkedAt,
      r.durationMs,
    ]),
    {
      header: true,
      columns: ["domain", "displayDomain", "grade", "reasons", "mx", "checkedAt", "durationMs"],
    },
  );
}

/**
 * `mailtls check [DOMAIN...] [--from FILE|-] [--format text|table|json|csv] [--json]
 * [--timeout MS] [--concurrency N]`. Exit 0: every name was checked (whatever its grade); 1: the
 * list had entries that are not addresses or domains (skipped, listed on stderr), the rest were
 * checked; 2: a usage error (a bad option or name, an unreadable list, nothing to check).
 */
export async function runCheck(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        json: { type: "boolean" },
        format: { type: "string" },
        from: { type: "string" },
        timeout: { type: "string" },
        concurrency: { type: "string" },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const lang = langFromLocale(io.env.LANG);
  const { values } = parsed;
  if (parsed.positionals.length === 0 && values.from === undefined)
    throw new UsageError("check needs at least one DOMAIN or address, or --from FILE");
  const format = (
    values.json ? "json" : (values.format ?? (values.from !== undefined ? "table" : "text"))
  ) as Format;
  if (!FORMATS.includes(format))
    throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, not "${values.format}"`);
  if (values.json && values.format && values.format !== "json")
    throw new UsageError("--json and --format say different things");
  const { env, concurrency } = probeSettings(io.env, values);
  const { domains, skipped } = await gatherDomains(parsed.positionals, values.from, io, lang);
  const reports = await probeAll(domains, env, concurrency, io, lang);
  if (format === "json") io.out(JSON.stringify(reports, null, 2) + "\n");
  else if (format === "csv") io.out(renderCsv(reports));
  else if (format === "table") io.out(renderRows(reports, lang) + "\n");
  else io.out(reports.map((r) => renderReport(r, lang)).join("\n\n") + "\n");
  return skipped > 0 ? 1 : 0;
}
