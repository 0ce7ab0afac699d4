/**
 * `mailtls doctor [--json] [--domain DOMAIN] [--dnssec-name NAME] [--timeout MS]`: whether this
 * machine has what MailTLS Guard needs (docs/doctor.md). The checks run at once, each within the
 * timeout. Exit 0: nothing failed (warnings and skipped checks allowed); 1: a check failed; 2: usage.
 */
import { parseArgs } from "node:util";
import { InvalidDomain, parseMailDomain } from "../core/domain";
import { langFromLocale, t } from "../core/i18n";
import { ConfigError } from "../probe/config";
import { withTimeout } from "../probe/limits";
import { caStore } from "./doctor/caStore";
import { dns } from "./doctor/dns";
import { dnssec } from "./doctor/dnssec";
import { policy } from "./doctor/policy";
import { publicUrl } from "./doctor/publicUrl";
import { redis } from "./doctor/redis";
import { relay } from "./doctor/relay";
import { renderJson, renderText } from "./doctor/render";
import { smtpOutbound } from "./doctor/smtp";
import { storage } from "./doctor/storage";
import {
  type Check,
  CHECK_IDS,
  type CheckContext,
  type CheckId,
  type CheckResult,
  errorText,
  oneLine,
} from "./doctor/types";
import { type CliIO, UsageError } from "./io";

export const DEFAULT_DOCTOR_DOMAIN = "gmail.com";
export const DEFAULT_DNSSEC_NAME = "isc.org";
export const DEFAULT_TIMEOUT_MS = 5000;

const CHECKS: Record<CheckId, Check> = {
  "smtp-outbound": smtpOutbound,
  dns,
  dnssec,
  "ca-store": caStore,
  storage,
  redis,
  relay,
  "public-url": publicUrl,
  policy,
};

/** A check never outlives its budget by more than this, whatever it waits for. */
const GRACE_MS = 1000;

class CheckTimeout extends Error {}

async function runOne(id: CheckId, ctx: CheckContext): Promise<CheckResult> {
  const { lang } = ctx;
  try {
    const result = await withTimeout(CHECKS[id](ctx), ctx.timeoutMs + GRACE_MS, () => new CheckTimeout());
    return {
      id,
      ...result,
      message: oneLine(result.message),
      ...(result.fix === undefined ? {} : { fix: oneLine(result.fix) }),
    };
  } catch (e) {
    if (e instanceof CheckTimeout)
      return {
        id,
        status: "fail",
        message: t(lang, "doctor.timeout", { ms: ctx.timeoutMs }),
        fix: t(lang, "doctor.timeout.fix"),
      };
    if (e instanceof ConfigError)
      return {
        id,
        status: "fail",
        message: t(lang, "doctor.config", { error: e.message }),
        fix: t(lang, "doctor.config.fix"),
      };
    return { id, status: "fail", message: t(lang, "doctor.crashed", { error: errorText(e) }) };
  }
}

/** Every check, at once; results in the order of CHECK_IDS. */
export function runChecks(ctx: CheckContext): Promise<CheckResult[]> {
  return Promise.all(CHECK_IDS.map((id) => runOne(id, ctx)));
}

function domainOption(input: string, option: string): string {
  try {
    return parseMailDomain(input).ascii;
  } catch (e) {
    if (!(e instanceof InvalidDomain)) throw e;
    throw new UsageError(`${option}: ${e.message}`);
  }
}

export async function runDoctor(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        json: { type: "boolean" },
        domain: { type: "string" },
        "dnssec-name": { type: "string" },
        timeout: { type: "string" },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values } = parsed;
  const timeoutMs = values.timeout === undefined ? DEFAULT_TIMEOUT_MS : Number(values.timeout);
  if (!/^\d+$/.test(values.timeout ?? "0") || timeoutMs < 100 || timeoutMs > 120_000)
    throw new UsageError(`--timeout must be milliseconds from 100 to 120000, not "${values.timeout}"`);
  const domain = values.domain ?? (io.env.MAILTLS_DOCTOR_DOMAIN || DEFAULT_DOCTOR_DOMAIN);
  const ctx: CheckContext = {
    env: io.env,
    lang: langFromLocale(io.env.LANG),
    timeoutMs,
    domain: domainOption(domain, values.domain === undefined ? "MAILTLS_DOCTOR_DOMAIN" : "--domain"),
    dnssecName: domainOption(values["dnssec-name"] ?? DEFAULT_DNSSEC_NAME, "--dnssec-name"),
  };
  const results = await runChecks(ctx);
  io.out(values.json ? renderJson(results) : renderText(results, ctx.lang));
  return results.some((r) => r.status === "fail") ? 1 : 0;
}
