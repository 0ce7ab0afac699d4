/** What `check` and `exchange-config` share: the names to probe (arguments and --from), and probing them. */
import { readFileSync, statSync } from "node:fs";
import { InvalidDomain, type MailDomain, parseMailDomain } from "../core/domain";
import { type Lang, t } from "../core/i18n";
import type { DomainReport } from "../core/verdict";
import { decodeText, type PartnerList, PartnerListError, parsePartnerList } from "../lists/partners";
import { ConfigError, engineFromEnv } from "../probe";
import { ProbeAdmission } from "../probe/admission";
import { type CliIO, UsageError } from "./io";
import { progressBar } from "./progress";

/** The largest list `--from` reads (a message trace export of a big tenant fits). */
const MAX_LIST_BYTES = 50_000_000;

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

/** `--timeout MS` and `--concurrency N`, checked, as the probe's environment and a number. */
export function probeSettings(
  baseEnv: Record<string, string | undefined>,
  values: { timeout?: string; concurrency?: string },
): { env: Record<string, string | undefined>; concurrency: number } {
  const env = { ...baseEnv };
  if (values.timeout !== undefined) {
    if (!/^\d+$/.test(values.timeout))
      throw new UsageError(`--timeout must be milliseconds, not "${values.timeout}"`);
    env.MAILTLS_PROBE_TIMEOUT_MS = values.timeout;
  }
  const concurrency =
    values.concurrency === undefined ? Number(env.MAILTLS_PROBES_MAX ?? 32) : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10_000)
    throw new UsageError(`--concurrency must be a whole number from 1 to 10000, not "${values.concurrency}"`);
  return { env, concurrency };
}

/**
 * The names of the arguments, then of the list, each once. A bad argument is a usage error before
 * anything is probed; bad list entries are skipped and listed on stderr (`skipped` counts them).
 */
export async function gatherDomains(
  positionals: readonly string[],
  from: string | undefined,
  io: CliIO,
  lang: Lang,
): Promise<{ domains: MailDomain[]; skipped: number }> {
  const byAscii = new Map<string, MailDomain>();
  for (const input of positionals) {
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
  if (from !== undefined) {
    const list = await readList(from, io, lang);
    for (const d of list.domains) if (!byAscii.has(d.ascii)) byAscii.set(d.ascii, d);
    skipped = list.invalidCount;
    for (const bad of list.invalid)
      io.err(t(lang, "check.skipped", { line: bad.line, input: bad.input, why: bad.why }) + "\n");
    if (list.invalidCount > list.invalid.length)
      io.err(t(lang, "check.skippedMore", { n: list.invalidCount - list.invalid.length }) + "\n");
  }
  const domains = [...byAscii.values()];
  if (domains.length === 0) throw new UsageError(t(lang, "check.nothing"));
  return { domains, skipped };
}

/** Probes every domain, `concurrency` at a time, with a progress bar on a terminal. */
export async function probeAll(
  domains: readonly MailDomain[],
  env: Record<string, string | undefined>,
  concurrency: number,
  io: CliIO,
  lang: Lang,
): Promise<DomainReport[]> {
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
  return reports;
}
