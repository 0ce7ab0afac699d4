/** What every doctor check shares: its result, what it is given, and its id. */
import type { Lang } from "../../core/i18n";

/** Stable ids, in the order they are printed: scripts rely on them. */
export const CHECK_IDS = [
  "smtp-outbound",
  "dns",
  "dnssec",
  "ca-store",
  "storage",
  "redis",
  "relay",
  "public-url",
  "policy",
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export type CheckStatus = "ok" | "warn" | "fail" | "skip";

/** One check's verdict: one line of message, and what to do about it (for warn and fail). */
export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  message: string;
  fix?: string;
}

/** What a check may use: the settings, the language, its time budget and the names to ask about. */
export interface CheckContext {
  env: Record<string, string | undefined>;
  lang: Lang;
  /** The time one check may take, everything included. */
  timeoutMs: number;
  /** The mail domain whose MX hosts the port 25 and DNS checks ask about (ASCII form). */
  domain: string;
  /** A name in a DNSSEC-signed zone, for the validating resolver. */
  dnssecName: string;
}

export type Check = (ctx: CheckContext) => Promise<Omit<CheckResult, "id">>;

/** A message without a fix (ok, skip). */
export const verdict = (status: CheckStatus, message: string, fix?: string): Omit<CheckResult, "id"> =>
  fix === undefined ? { status, message } : { status, message, fix };

/** Milliseconds since `t0`. */
export const since = (t0: number): number => Date.now() - t0;

/** Text on one line, as every verdict and fix is printed. */
export const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim();

/** An error as a short line: its code (ECONNREFUSED, ENOENT, …) and message. */
export const errorText = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  const message = oneLine(err?.message ?? String(e)).replace(/:$/, "");
  return err?.code && !message.includes(err.code) ? `${err.code}: ${message}` : message;
};
