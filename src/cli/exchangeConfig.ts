import { renameSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { BOM, DEFAULT_MAX_AGE_DAYS, planExchange, renderRollback, renderScript } from "../core/exchange";
import { langFromLocale, t } from "../core/i18n";
import { type CliIO, UsageError } from "./io";
import { gatherDomains, probeAll, probeSettings } from "./probing";
import { generatorName } from "./version";

/** Writes a file whole or not at all: a failed write leaves the previous file as it was. */
function writeWhole(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { encoding: "utf8", mode: 0o644 });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UsageError(`${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * `mailtls exchange-config [DOMAIN...] [--from FILE|-] [--out FILE] [--rollback FILE]
 * [--max-age-days N] [--include-unverified] [--enforce] [--json] [--timeout MS] [--concurrency N]`:
 * probes the partners now and writes the Exchange Online script (to --out with a BOM, else to
 * standard output without one), and with --rollback the script that undoes it. --json prints the
 * plan instead of the script. Exit codes as `check`'s.
 */
export async function runExchangeConfig(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        from: { type: "string" },
        out: { type: "string" },
        rollback: { type: "string" },
        "max-age-days": { type: "string" },
        "include-unverified": { type: "boolean" },
        enforce: { type: "boolean" },
        json: { type: "boolean" },
        timeout: { type: "string" },
        concurrency: { type: "string" },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values } = parsed;
  const lang = langFromLocale(io.env.LANG);
  if (parsed.positionals.length === 0 && values.from === undefined)
    throw new UsageError("exchange-config needs at least one DOMAIN or address, or --from FILE");
  const maxAgeRaw = values["max-age-days"];
  const maxAgeDays = maxAgeRaw === undefined ? DEFAULT_MAX_AGE_DAYS : Number(maxAgeRaw);
  if (maxAgeRaw !== undefined && (!/^\d+$/.test(maxAgeRaw) || maxAgeDays < 1 || maxAgeDays > 365))
    throw new UsageError(`--max-age-days must be a whole number of days from 1 to 365, not "${maxAgeRaw}"`);
  for (const [flag, path] of [
    ["--out", values.out],
    ["--rollback", values.rollback],
  ] as const)
    if (path !== undefined && (path === "" || path === "-"))
      throw new UsageError(`${flag} needs a file name (the script goes to standard output without ${flag})`);
  if (
    values.out !== undefined &&
    values.rollback !== undefined &&
    resolve(values.out) === resolve(values.rollback)
  )
    throw new UsageError("--out and --rollback name the same file");
  const { env, concurrency } = probeSettings(io.env, values);
  const { domains, skipped } = await gatherDomains(parsed.positionals, values.from, io, lang);
  const reports = await probeAll(domains, env, concurrency, io, lang);
  const plan = planExchange(
    domains.map((d, i) => ({ domain: d.ascii, displayDomain: d.unicode, report: reports[i] })),
    {
      now: new Date().toISOString(),
      maxAgeDays,
      includeUnverified: values["include-unverified"] === true,
      enforce: values.enforce === true,
      source: { kind: "cli" },
    },
  );
  const opts = { publicUrl: io.env.MAILTLS_PUBLIC_URL || undefined, generator: generatorName() };
  const script = renderScript(plan, opts);
  if (values.rollback !== undefined) writeWhole(values.rollback, BOM + renderRollback(plan, opts));
  if (values.out !== undefined) writeWhole(values.out, BOM + script);
  if (values.json) io.out(JSON.stringify(plan, null, 2) + "\n");
  else if (values.out === undefined) io.out(script);
  io.err(
    t(lang, "exchange.cli.summary", {
      included: plan.included.length,
      connectors: plan.connectors.length,
      excluded: plan.excluded.length,
      mode: plan.rule.mode,
    }) + "\n",
  );
  return skipped > 0 ? 1 : 0;
}
