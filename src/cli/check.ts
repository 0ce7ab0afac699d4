import { parseArgs } from "node:util";
import { daneText, mtaStsText, tlsRptText } from "../core/authText";
import { InvalidDomain, type MailDomain, parseMailDomain } from "../core/domain";
import { type Lang, langFromLocale, type MessageKey, t } from "../core/i18n";
import { reasonText } from "../core/reasons";
import type { DomainReport, MxReport } from "../core/verdict";
import { ConfigError, engineFromEnv } from "../probe";
import { type CliIO, UsageError } from "./io";

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

export async function runCheck(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { json: { type: "boolean" }, timeout: { type: "string" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const lang = langFromLocale(io.env.LANG);
  if (parsed.positionals.length === 0) throw new UsageError("check needs at least one DOMAIN or address");
  const env = { ...io.env };
  if (parsed.values.timeout !== undefined) {
    if (!/^\d+$/.test(parsed.values.timeout))
      throw new UsageError(`--timeout must be milliseconds, not "${parsed.values.timeout}"`);
    env.MAILTLS_PROBE_TIMEOUT_MS = parsed.values.timeout;
  }
  // Every name is checked before anything is probed: one bad name probes nothing.
  const domains: MailDomain[] = [];
  for (const input of parsed.positionals) {
    try {
      domains.push(parseMailDomain(input));
    } catch (e) {
      if (!(e instanceof InvalidDomain)) throw e;
      throw new UsageError(
        t(lang, "error.invalidDomain", { input, why: e.message.replace(/^invalid domain "[^"]*": /, "") }),
      );
    }
  }
  let engine;
  try {
    engine = engineFromEnv(env);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  const reports = await Promise.all(domains.map((d) => engine.probe(d)));
  if (parsed.values.json) io.out(JSON.stringify(reports, null, 2) + "\n");
  else io.out(reports.map((r) => renderReport(r, lang)).join("\n\n") + "\n");
  return 0;
}
