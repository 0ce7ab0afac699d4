/** How `mailtls doctor` prints its results: a line per check (and its fix), or one JSON object. */
import { type Lang, type MessageKey, t } from "../../core/i18n";
import type { CheckResult, CheckStatus } from "./types";

const BADGE: Record<CheckStatus, MessageKey> = {
  ok: "doctor.status.ok",
  warn: "doctor.status.warn",
  fail: "doctor.status.fail",
  skip: "doctor.status.skip",
};

const count = (results: readonly CheckResult[], status: CheckStatus) =>
  results.filter((r) => r.status === status).length;

export function renderText(results: readonly CheckResult[], lang: Lang): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`[${t(lang, BADGE[r.status])}] ${r.id} — ${r.message}`);
    if (r.fix && (r.status === "fail" || r.status === "warn"))
      lines.push(`    ${t(lang, "doctor.fixLabel")} ${r.fix}`);
  }
  const n = {
    total: results.length,
    ok: count(results, "ok"),
    warn: count(results, "warn"),
    fail: count(results, "fail"),
    skip: count(results, "skip"),
  };
  lines.push(t(lang, n.fail > 0 ? "doctor.summary.fail" : "doctor.summary.ok", n));
  return lines.join("\n") + "\n";
}

export function renderJson(results: readonly CheckResult[]): string {
  const checks = results.map(({ id, status, message, fix }) =>
    fix === undefined ? { id, status, message } : { id, status, message, fix },
  );
  return JSON.stringify({ checks, ok: results.every((r) => r.status !== "fail") }, null, 2) + "\n";
}
