import type { InspectionResult } from "./attachments/types";
import type { RuleMode, TenantPolicy } from "./policy";
import type { DomainReport, Grade } from "./verdict";

/** The send decision (design §4): a pure function shared by the event runtime, the task pane and tests. */

export type Action = "allow" | "warn" | "block";

export interface AttachmentFacts {
  name: string;
  /** Cloud attachments are links already. */
  kind: "file" | "cloud";
  finding?: InspectionResult;
}

export interface DecisionInput {
  /** Recipient domains (ASCII), To, Cc and Bcc together; duplicates are fine. */
  recipientDomains: string[];
  /** The user's own domain (internal). */
  userDomain?: string;
  /** Reports by ASCII domain; a missing one means "not known". */
  reports: Record<string, DomainReport | undefined>;
  attachments: AttachmentFacts[];
  policy: TenantPolicy;
  /** The message text, for the "password mail" check. */
  body?: string;
  /** False when the probe service could not be reached. */
  serviceReachable?: boolean;
}

export type ReasonCode =
  | "deletes-encrypted"
  | "password-attachment"
  | "plain-to-unencrypted"
  | "password-mail"
  | "unknown-grade"
  | "service-unreachable";

export interface Reason {
  code: ReasonCode;
  action: Action;
  /** The domains concerned (for messages), in Unicode where known. */
  domains?: string[];
  /** The attachments concerned. */
  files?: string[];
}

export type SuggestionCode = "send-plainly" | "use-download-link" | "send-separately";

export interface Suggestion {
  code: SuggestionCode;
  domains?: string[];
  files?: string[];
}

export interface Decision {
  action: Action;
  reasons: Reason[];
  suggestions: Suggestion[];
  /** External domains by what their grade means for sending. */
  groups: { encrypted: string[]; unencrypted: string[]; unknown: string[] };
}

const SEVERITY: Record<Action, number> = { allow: 0, warn: 1, block: 2 };
const ENCRYPTED: readonly Grade[] = ["secure", "tls"];
const UNENCRYPTED: readonly Grade[] = ["partial", "no-tls"];

/** True when `domain` is one of `internal` or below one of them. */
export function isInternal(domain: string, internal: string[]): boolean {
  return internal.some((d) => domain === d || domain.endsWith("." + d));
}

function toAction(mode: RuleMode): Action | undefined {
  return mode === "off" ? undefined : mode;
}

/**
 * Words that announce a password, in Japanese and English, and a token that looks like one: 6–32
 * characters of letters, digits and symbols, with both letters and digits.
 */
const PASSWORD_WORDS = /パスワード|ﾊﾟｽﾜｰﾄﾞ|暗証番号|解凍|password|passcode|\bpass\b|\bpw\b|\bpwd\b/i;
const PASSWORD_TOKEN =
  /(?:^|[\s:：「『"'(（])(?=[!-~]*[A-Za-z])(?=[!-~]*\d)[!-~]{6,32}(?=$|[\s」』"')）。、])/m;

/** A short mail without attachments that gives a password: the second half of PPAP. */
export function looksLikePasswordMail(body: string | undefined, attachments: AttachmentFacts[]): boolean {
  if (!body || attachments.length > 0) return false;
  const text = body.replace(/<[^>]*>/g, " ").trim();
  if (text.length > 600) return false;
  return PASSWORD_WORDS.test(text) && PASSWORD_TOKEN.test(text);
}

export function decide(input: DecisionInput): Decision {
  const internal = [
    ...input.policy.internalDomains,
    ...(input.userDomain ? [input.userDomain.toLowerCase()] : []),
  ];
  const external = [...new Set(input.recipientDomains.map((d) => d.toLowerCase()))].filter(
    (d) => !isInternal(d, internal),
  );
  const display = (d: string) => {
    const r = input.reports[d];
    return (r && r.displayDomain) || d;
  };
  const groups = { encrypted: [] as string[], unencrypted: [] as string[], unknown: [] as string[] };
  for (const d of external) {
    const r = input.reports[d];
    if (r && !r.pending && ENCRYPTED.includes(r.grade)) groups.encrypted.push(d);
    else if (r && !r.pending && UNENCRYPTED.includes(r.grade)) groups.unencrypted.push(d);
    else groups.unknown.push(d);
  }
  const reasons: Reason[] = [];
  const suggestions: Suggestion[] = [];
  const rules = input.policy.rules;
  const files = input.attachments.filter((a) => a.kind === "file");
  const protectedFiles = files.filter((a) => a.finding?.passwordProtected === true);
  const plainFiles = files.filter((a) => a.finding?.passwordProtected !== true);

  if (external.length > 0 && input.serviceReachable === false) {
    reasons.push({ code: "service-unreachable", action: input.policy.failOpen ? "allow" : "block" });
  }

  // Partners known to delete password-protected attachments: the file would not arrive, whatever
  // the grade and the rule.
  const deleters = (input.policy.partners && input.policy.partners.rejectsEncryptedAttachments) || [];
  const deleting = protectedFiles.length ? external.filter((d) => isInternal(d, deleters)) : [];
  if (deleting.length)
    reasons.push({ code: "deletes-encrypted", action: "block", domains: deleting.map(display) });
  if (external.length > 0 && protectedFiles.length > 0) {
    const rule = toAction(rules.passwordProtectedAttachment);
    const action = rule || (deleting.length ? "block" : undefined);
    if (action) {
      if (rule)
        reasons.push({ code: "password-attachment", action, files: protectedFiles.map((f) => f.name) });
      const allEncrypted = groups.encrypted.length === external.length;
      suggestions.push(
        allEncrypted
          ? {
              code: "send-plainly",
              files: protectedFiles.map((f) => f.name),
              domains: groups.encrypted.map(display),
            }
          : {
              code: "use-download-link",
              files: protectedFiles.map((f) => f.name),
              domains: [...groups.unencrypted, ...groups.unknown].map(display),
            },
      );
    }
  }

  if (plainFiles.length > 0 && groups.unencrypted.length > 0) {
    const action = toAction(rules.plainFileToUnencrypted);
    if (action) {
      reasons.push({
        code: "plain-to-unencrypted",
        action,
        files: plainFiles.map((f) => f.name),
        domains: groups.unencrypted.map(display),
      });
      if (!suggestions.some((s) => s.code === "use-download-link"))
        suggestions.push({
          code: "use-download-link",
          files: plainFiles.map((f) => f.name),
          domains: groups.unencrypted.map(display),
        });
    }
  }

  if (files.length > 0 && groups.unknown.length > 0 && input.serviceReachable !== false) {
    const action = toAction(rules.unknownGrade);
    if (action) reasons.push({ code: "unknown-grade", action, domains: groups.unknown.map(display) });
  }

  // Mixed recipients: the encrypted ones could get the file plainly in a separate mail.
  if (files.length > 0 && groups.encrypted.length > 0 && groups.unencrypted.length > 0)
    suggestions.push({ code: "send-separately", domains: groups.encrypted.map(display) });

  if (external.length > 0 && looksLikePasswordMail(input.body, input.attachments)) {
    const action = toAction(rules.passwordMail);
    if (action) reasons.push({ code: "password-mail", action });
  }

  const action = reasons.reduce<Action>((a, r) => (SEVERITY[r.action] > SEVERITY[a] ? r.action : a), "allow");
  return { action, reasons, suggestions, groups };
}
