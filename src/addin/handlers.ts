/**
 * The event handlers' logic, on injected Office (`Mail`) and service (`ServiceClient`) interfaces so
 * the same code runs in Outlook, the playground and tests. Early events (new message, recipients or
 * attachments changed) do the slow work and keep the results in sessionData; on send only what is
 * missing is filled in, under a deadline, and the core decision is applied.
 */
import type { InspectionResult } from "../core/attachments/types";
import { type AttachmentFacts, decide, type Decision, isInternal } from "../core/decision";
import { decisionMessage, recipientSummary } from "../core/decisionText";
import { tryParseMailDomain } from "../core/domain";
import { t } from "../core/i18n/compose";
import type { Lang } from "../core/i18n/lang";
import { DEFAULT_POLICY, type TenantPolicy } from "../core/policy";
import type { DomainReport } from "../core/verdict";
import type { AttachmentInfo, Mail } from "./office";
import { type ServiceClient, ServiceRefused } from "./serviceClient";

export const KEYS = {
  reports: "mailtls.reports",
  findings: "mailtls.findings",
  policy: "mailtls.policy",
  /** A send of this item was blocked for a password-protected attachment ("1"). */
  blocked: "mailtls.blocked",
  /** The task pane replaced an attachment of this item with a download link ("1"). */
  link: "mailtls.link",
} as const;
export const TASKPANE_COMMAND_ID = "mailtlsTaskpaneButton";

/** What is kept per domain in sessionData (small: sessionData holds 50,000 characters in all). */
export type CompactReport = Pick<DomainReport, "domain" | "displayDomain" | "grade" | "pending">;

export interface HandlerDeps {
  mail: Mail;
  service: ServiceClient;
  inspect(base64: string): InspectionResult;
  now?: () => number;
  /**
   * What to do when the service cannot be reached before any policy was ever received (the build
   * setting MAILTLS_FAIL_OPEN; default true). Once a policy came, its `failOpen` decides.
   */
  failOpen?: boolean;
}

/** Options for event.completed on send (Office.SmartAlertsEventCompletedOptions, by requirement set). */
export interface SendCompletion {
  allowEvent: boolean;
  errorMessage?: string;
  errorMessageMarkdown?: string;
  cancelLabel?: string;
  commandId?: string;
  sendModeOverride?: "promptUser";
  /** Handed to the task pane when the cancel button opens it (Mailbox 1.15). */
  contextData?: string;
}

/** What the pane learns when the Smart Alert's cancel button opens it. */
export interface SendContext {
  from: "send";
  action: "warn" | "block";
  reasons: string[];
}

/** A JSON value from sessionData; `fallback` when absent or unreadable. */
export async function readJson<T>(mail: Mail, key: string, fallback: T): Promise<T> {
  const raw = await mail.getSession(key).catch(() => undefined);
  if (!raw) return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return fallback;
  }
}

/** What is kept of a report in sessionData. */
export function compact(r: CompactReport): CompactReport {
  return r.pending
    ? { domain: r.domain, displayDomain: r.displayDomain, grade: r.grade, pending: true }
    : { domain: r.domain, displayDomain: r.displayDomain, grade: r.grade };
}

/** A policy as GET /api/v1/policy returns it (enough of its shape to apply it), else undefined. */
function asPolicy(v: unknown): TenantPolicy | undefined {
  const p = v as TenantPolicy | undefined;
  return p && typeof p.failOpen === "boolean" && p.rules ? p : undefined;
}

/**
 * The last policy the add-in received, kept in roamingSettings ("mailtls.policy") so that it still
 * applies when the service is down; before any was received, the defaults with the build's failOpen.
 */
export function fallbackPolicy(d: Pick<HandlerDeps, "mail" | "failOpen">): TenantPolicy {
  return asPolicy(d.mail.getRoaming(KEYS.policy)) || { ...DEFAULT_POLICY, failOpen: d.failOpen !== false };
}

export async function policyOf(d: HandlerDeps, timeoutMs: number): Promise<TenantPolicy> {
  const cached = asPolicy(await readJson<unknown>(d.mail, KEYS.policy, undefined));
  if (cached) return cached;
  try {
    const p = await d.service.policy(timeoutMs);
    const json = JSON.stringify(p);
    await d.mail.setSession(KEYS.policy, json).catch(() => undefined);
    // Kept for the day the service cannot be reached; written only when it changed.
    if (JSON.stringify(d.mail.getRoaming(KEYS.policy)) !== json)
      await d.mail.setRoaming(KEYS.policy, p).catch(() => undefined);
    return p;
  } catch {
    return fallbackPolicy(d);
  }
}

/** On send, when no decision could be made in time or at all: what the policy says then. */
export function undecidedSend(d: Pick<HandlerDeps, "mail" | "failOpen">): SendCompletion {
  return fallbackPolicy(d).failOpen
    ? { allowEvent: true }
    : { allowEvent: false, errorMessage: t(d.mail.lang(), "decision.service-unreachable.block") };
}

export function isInternalDomain(
  domain: string,
  policy: TenantPolicy,
  userDomain: string | undefined,
): boolean {
  return isInternal(domain, [...policy.internalDomains, ...(userDomain ? [userDomain] : [])]);
}

async function externalDomains(d: HandlerDeps, policy: TenantPolicy): Promise<string[]> {
  const addresses = await d.mail.recipientAddresses();
  const domains = new Set<string>();
  for (const a of addresses) {
    const m = tryParseMailDomain(a);
    if (m && !isInternalDomain(m.ascii, policy, d.mail.userDomain())) domains.add(m.ascii);
  }
  return [...domains];
}

/** Fetches verdicts for the domains not yet known (or pending); returns all known, and whether the service answered. */
export async function refreshReports(
  d: HandlerDeps,
  domains: string[],
  waitMs: number,
  timeoutMs: number,
): Promise<{ reports: Record<string, CompactReport>; reachable: boolean; refused?: boolean }> {
  const reports = await readJson<Record<string, CompactReport>>(d.mail, KEYS.reports, {});
  const missing = domains.filter((x) => !reports[x] || reports[x].pending);
  let reachable = true;
  let refused = false;
  if (missing.length > 0) {
    try {
      for (const r of await d.service.check(missing, waitMs, timeoutMs)) reports[r.domain] = compact(r);
      await d.mail.setSession(KEYS.reports, JSON.stringify(reports)).catch(() => undefined);
    } catch (e) {
      reachable = false;
      refused = e instanceof ServiceRefused;
    }
  }
  return { reports, reachable, refused };
}

/** Inspects file attachments not inspected yet (content stays on this machine). */
export async function refreshFindings(
  d: HandlerDeps,
  attachments: AttachmentInfo[],
  budgetMs: number,
): Promise<Record<string, AttachmentFacts>> {
  const findings = await readJson<Record<string, AttachmentFacts>>(d.mail, KEYS.findings, {});
  const now = d.now || Date.now;
  const started = now();
  let changed = false;
  for (const a of attachments) {
    if (findings[a.id] || a.isInline) continue;
    if (a.kind !== "file") {
      findings[a.id] = { name: a.name, kind: "cloud" };
      changed = true;
      continue;
    }
    if (now() - started > budgetMs) break;
    const b64 = await d.mail.attachmentBase64(a.id).catch(() => undefined);
    findings[a.id] = { name: a.name, kind: "file", finding: b64 === undefined ? undefined : d.inspect(b64) };
    changed = true;
  }
  // Forget attachments that were removed.
  const present = new Set(attachments.map((a) => a.id));
  for (const id of Object.keys(findings))
    if (!present.has(id)) {
      delete findings[id];
      changed = true;
    }
  if (changed) await d.mail.setSession(KEYS.findings, JSON.stringify(findings)).catch(() => undefined);
  return findings;
}

/** New message, or recipients changed: verdicts for the external domains, and one info bar. */
export async function onRecipientsChanged(d: HandlerDeps): Promise<void> {
  const lang = d.mail.lang();
  const policy = await policyOf(d, 2000);
  const domains = await externalDomains(d, policy);
  if (domains.length === 0) return;
  const { reports, reachable, refused } = await refreshReports(d, domains, 2000, 4000);
  if (!reachable) {
    await d.mail.infoBar("mailtls.recipients", t(lang, unreachableKey(refused)), "info");
    return;
  }
  const groups = { encrypted: [] as string[], unencrypted: [] as string[], unknown: [] as string[] };
  for (const x of domains) {
    const r = reports[x];
    if (r && !r.pending && (r.grade === "tls" || r.grade === "secure")) groups.encrypted.push(x);
    else if (r && !r.pending && (r.grade === "partial" || r.grade === "no-tls")) groups.unencrypted.push(x);
    else groups.unknown.push(x);
  }
  const summary = recipientSummary(lang, groups, (x) => (reports[x] && reports[x].displayDomain) || x);
  // Where supported, the bar about unencrypted recipients carries a button that opens the task pane.
  if (groups.unencrypted.length > 0 && d.mail.supports("1.10"))
    await d.mail.insight("mailtls.recipients", summary, t(lang, "addin.showDetails"), TASKPANE_COMMAND_ID);
  else await d.mail.infoBar("mailtls.recipients", summary, groups.unencrypted.length ? "warning" : "info");
}

/** What to say when there are no verdicts: the service is down, or it refused the add-in's sign-in. */
function unreachableKey(refused: boolean | undefined) {
  return refused ? "decision.service-refused" : "decision.service-unreachable";
}

/** Attachments changed: inspect new files now, warn at once about a password-protected one. */
export async function onAttachmentsChanged(d: HandlerDeps): Promise<void> {
  const lang = d.mail.lang();
  const findings = await refreshFindings(d, await d.mail.attachments(), 4000);
  const protectedFiles = Object.values(findings).filter((f) => f.finding?.passwordProtected === true);
  if (protectedFiles.length > 0)
    await d.mail.infoBar(
      "mailtls.attachments",
      t(lang, "addin.protectedAttached", { files: protectedFiles.map((f) => f.name).join(", ") }),
      "warning",
    );
}

function cancelLabel(lang: Lang, decision: Decision): string {
  const link = decision.suggestions.some((s) => s.code === "use-download-link");
  return t(lang, link ? "addin.cancel.link" : "addin.cancel.fix");
}

/** The core decision over what is known about a draft: the same call on send and in the task pane. */
export function decideCompose(x: {
  domains: string[];
  reports: Record<string, CompactReport>;
  attachments: AttachmentInfo[];
  findings: Record<string, AttachmentFacts>;
  policy: TenantPolicy;
  body: string;
  reachable: boolean;
}): Decision {
  return decide({
    recipientDomains: x.domains,
    reports: x.reports as Record<string, DomainReport>,
    attachments: x.attachments
      .filter((a) => !a.isInline)
      .map((a) => x.findings[a.id] || { name: a.name, kind: a.kind === "file" ? "file" : "cloud" }),
    policy: x.policy,
    body: x.body,
    serviceReachable: x.domains.length === 0 ? true : x.reachable,
  });
}

/**
 * The decision for the tenant's console: domains with grades, action, reason codes, attachment
 * counts — never an address, a name, a subject, a body or a file name. A send blocked for a
 * password-protected attachment is remembered in sessionData; a later send without one says how it
 * was resolved (a download link the pane inserted, plain attachments, or none).
 */
async function report(
  d: HandlerDeps,
  decision: Decision,
  domains: string[],
  reports: Record<string, CompactReport>,
  attachments: AttachmentInfo[],
  findings: Record<string, AttachmentFacts>,
): Promise<void> {
  const files = attachments.filter((a) => !a.isInline && a.kind === "file");
  const locked = files.filter((a) => findings[a.id]?.finding?.passwordProtected === true).length;
  const codes = decision.reasons.map((r) => r.code);
  let resolved: string | undefined;
  if (codes.indexOf("password-attachment") >= 0 && decision.action === "block")
    await d.mail.setSession(KEYS.blocked, "1");
  else if (!locked && (await d.mail.getSession(KEYS.blocked)) === "1") {
    resolved =
      (await d.mail.getSession(KEYS.link)) === "1"
        ? "downloadLink"
        : files.length
          ? "plainAttachments"
          : "noAttachments";
    await d.mail.setSession(KEYS.blocked, "0");
  }
  await d.service.event(
    {
      kind: "send",
      action: decision.action,
      reasons: codes.filter((c, i) => codes.indexOf(c) === i),
      domains: domains
        .slice(0, 100)
        .map((x) => ({ domain: x, grade: (reports[x] && reports[x].grade) || "unknown" })),
      attachments: {
        protected: locked,
        plain: files.length - locked,
        cloud: attachments.filter((a) => !a.isInline && a.kind !== "file").length,
      },
      resolved,
    },
    300,
  );
}

/** On send: fill what is missing within about 3 seconds, decide, and tell Outlook. */
export async function onSend(d: HandlerDeps): Promise<SendCompletion> {
  const lang = d.mail.lang();
  const policy = await policyOf(d, 800);
  const [domains, attachments, body] = await Promise.all([
    externalDomains(d, policy),
    d.mail.attachments(),
    d.mail.bodyText().catch(() => ""),
  ]);
  const [{ reports, reachable, refused }, findings] = await Promise.all([
    refreshReports(d, domains, 1200, 2000),
    refreshFindings(d, attachments, 1500),
  ]);
  const decision = decideCompose({ domains, reports, attachments, findings, policy, body, reachable });
  // Reported alongside, never awaited: it cannot delay or fail the send.
  if (policy.telemetry !== false && domains.length > 0)
    void report(d, decision, domains, reports, attachments, findings).catch(() => undefined);
  if (decision.action === "allow") {
    if (decision.reasons.some((r) => r.code === "service-unreachable"))
      await d.mail.infoBar("mailtls.send", t(lang, unreachableKey(refused)), "info").catch(() => undefined);
    return { allowEvent: true };
  }
  const message = decisionMessage(lang, decision);
  const out: SendCompletion = { allowEvent: false, errorMessage: message };
  if (d.mail.supports("1.14")) {
    out.cancelLabel = cancelLabel(lang, decision);
    out.commandId = TASKPANE_COMMAND_ID;
    if (decision.action === "warn") out.sendModeOverride = "promptUser";
  } else if (decision.action === "warn") {
    // Without "Send Anyway" (1.14) a warning must not stop the mail: show it and let it go.
    await d.mail.infoBar("mailtls.send", message.slice(0, 150), "warning").catch(() => undefined);
    return { allowEvent: true };
  }
  if (d.mail.supports("1.15")) {
    out.errorMessageMarkdown = message.replace(/([\\`*_{}[\]()#+\-.!|])/g, "\\$1");
    const context: SendContext = {
      from: "send",
      action: decision.action,
      reasons: decision.reasons.map((r) => r.code),
    };
    out.contextData = JSON.stringify(context);
  }
  return out;
}
