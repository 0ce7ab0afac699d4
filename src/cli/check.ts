import { readFileSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { stringify } from "csv-stringify/sync";
import { daneText, mtaStsText, tlsRptText } from "../core/authText";
import { InvalidDomain, type MailDomain, parseMailDomain } from "../core/domain";
import { type Lang, langFromLocale, type MessageKey, t } from "../core/i18n";
import { reasonText } from "../core/reasons";
import type { DomainReport, MxReport } from "../core/verdict";
import { decodeText, type PartnerList, PartnerListError, parsePartnerList } from "../lists/partners";
import { ConfigError, engineFromEnv } from "../probe";
import { ProbeAdmission } from "../probe/admission";
import { type CliIO, UsageError } from "./io";
import { progressBar } from "./progress";
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

/** The largest list `--from` reads (a message trace export of a big tenant fits). */
const MAX_LIST_BYTES = 50_000_000;

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

async function readList(from: string, io: CliIO, lang: Lang): Promise<PartnerList> {
  let bytes: Uint8Array;
  if (from === "-") {
    if (!io.readStdin) throw new UsageError("--from -: there is no standard input");
    bytes = await io.readStdin(MAX_LIST_BYTES);
  } else {
    try {
      if (statSync(from).size > MAX_LIST_BYTES)
        throw new UsageError(`--from ${from}: larger than ${MAX_LIST_BYTES / 1_000_000} MB`);
      bytes = readFileSync(from);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`--from ${from}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  try {
    return parsePartnerList(decodeText(bytes));
  } catch (e) {
    if (e instanceof PartnerListError)
      throw new UsageError(t(lang, "check.badList", { file: from, why: e.message }));
    throw e;
  }
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
  const env = { ...io.env };
  if (values.timeout !== undefined) {
    if (!/^\d+$/.test(values.timeout))
      throw new UsageError(`--timeout must be milliseconds, not "${values.timeout}"`);
    env.MAILTLS_PROBE_TIMEOUT_MS = values.timeout;
  }
  const concurrency =
    values.concurrency === undefined ? Number(env.MAILTLS_PROBES_MAX ?? 32) : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10_000)
    throw new UsageError(`--concurrency must be a whole number from 1 to 10000, not "${values.concurrency}"`);
  // Every name is checked before anything is probed: one bad name probes nothing.
  const byAscii = new Map<string, MailDomain>();
  for (const input of parsed.positionals) {
    try {
      const d = parseMailDomain(input);
      if (!byAscii.has(d.ascii)) byAscii.set(d.ascii, d);
    } catch (e) {
      if (!(e instanceof InvalidDomain)) throw e;
      throw new UsageError(
        t(lang, "error.invalidDomain", { input, why: e.message.replace(/^invalid domain "[^"]*": /, "") }),
      );
    }
  }
  let skipped = 0;
  if (values.from !== undefined) {
    const list = await readList(values.from, io, lang);
    for (const d of list.domains) if (!byAscii.has(d.ascii)) byAscii.set(d.ascii, d);
    skipped = list.invalidCount;
    for (const bad of list.invalid)
      io.err(t(lang, "check.skipped", { line: bad.line, input: bad.input, why: bad.why }) + "\n");
    if (list.invalidCount > list.invalid.length)
      io.err(t(lang, "check.skippedMore", { n: list.invalidCount - list.invalid.length }) + "\n");
  }
  const domains = [...byAscii.values()];
  if (domains.length === 0) throw new UsageError(t(lang, "check.nothing"));
  let engine;
  try {
    engine = engineFromEnv(env);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  // At most `concurrency` probes at once; a domain's deadline starts when its probe does.
  const admission = new ProbeAdmission({
    running: concurrency,
    queued: domains.length,
    perClient: domains.length,
  });
  const bar =
    io.errIsTTY && domains.length > 1
      ? progressBar(io.err, domains.length, (n) =>
          t(lang, "check.progress", { done: n, total: domains.length }),
        )
      : undefined;
  const reports = await Promise.all(
    domains.map((d) => admission.run("cli", () => engine.probe(d)).finally(() => bar?.tick())),
  );
  bar?.end();
  if (format === "json") io.out(JSON.stringify(reports, null, 2) + "\n");
  else if (format === "csv") io.out(renderCsv(reports));
  else if (format === "table") io.out(renderRows(reports, lang) + "\n");
  else io.out(reports.map((r) => renderReport(r, lang)).join("\n\n") + "\n");
  return skipped > 0 ? 1 : 0;
}
