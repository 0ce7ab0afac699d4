/** The tenant policy the add-in applies, served by GET /api/v1/policy (design §3, §4). */

export type RuleMode = "block" | "warn" | "off";

export interface TenantPolicy {
  /** Domains treated as internal besides the user's own (never probed, never warned about). */
  internalDomains: string[];
  rules: {
    /** A password-protected archive or document is attached. */
    passwordProtectedAttachment: RuleMode;
    /** Plain files go to a domain graded no-tls or partial. */
    plainFileToUnencrypted: RuleMode;
    /** The mail looks like the follow-up "password mail" of PPAP. */
    passwordMail: RuleMode;
    /** A domain's grade is unknown (probe failed or still pending) at send time. */
    unknownGrade: RuleMode;
  };
  /** When the service cannot be reached: send anyway (with an info bar) or stop the send. */
  failOpen: boolean;
  /**
   * The add-in reports its on-send decisions (domains, grades, action, reason codes, attachment
   * counts; never an address, a name, a subject, a body or a file name) for the tenant's console.
   */
  telemetry: boolean;
  /** Where "replace with a download link" uploads files. */
  linkProvider: "builtin" | "onedrive" | "none";
  /** What the tenant knows about particular partners. */
  partners: {
    /**
     * Domains (and their subdomains) that delete or reject password-protected attachments on
     * arrival: such a send is blocked whatever the grade, since the file would not arrive.
     */
    rejectsEncryptedAttachments: string[];
  };
  /** Download links: lifetime, download limit, largest file (the download-link issue uses these). */
  links: {
    expiryHours: number;
    maxDownloads: number;
    maxFileMb: number;
    offerForTls: boolean;
    /** OneDrive links: only the recipients (signed in), anyone in the organisation, or anyone with the link. */
    scope: LinkScope;
    /**
     * Built-in links: the recipient proves their address with a one-time code mailed to it before
     * downloading. Takes effect only when the service has a relay (MAILTLS_SMTP_RELAY).
     */
    oneTimeCode: boolean;
  };
}

export type LinkScope = "recipients" | "organization" | "anonymous";
const SCOPES: readonly LinkScope[] = ["recipients", "organization", "anonymous"];

export const DEFAULT_POLICY: TenantPolicy = {
  internalDomains: [],
  rules: {
    passwordProtectedAttachment: "block",
    plainFileToUnencrypted: "warn",
    passwordMail: "warn",
    unknownGrade: "off",
  },
  failOpen: true,
  telemetry: true,
  linkProvider: "builtin",
  partners: { rejectsEncryptedAttachments: [] },
  links: {
    expiryHours: 168,
    maxDownloads: 10,
    maxFileMb: 100,
    offerForTls: false,
    scope: "recipients",
    oneTimeCode: true,
  },
};

export class PolicyError extends Error {}

const MODES: readonly RuleMode[] = ["block", "warn", "off"];

/** Own keys only: "constructor" or "__proto__" are not settings, whatever `in` says. */
function owns(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Validates a policy document (JSON already parsed) and fills the defaults. Unknown keys are errors,
 * so a typo in an admin's file is caught at start-up rather than silently ignored.
 */
export function parsePolicy(input: unknown, normaliseDomain: (d: string) => string = (d) => d): TenantPolicy {
  if (!isObject(input)) throw new PolicyError("the policy must be a JSON object");
  const known = new Set(Object.keys(DEFAULT_POLICY));
  for (const k of Object.keys(input)) if (!known.has(k)) throw new PolicyError(`unknown policy key "${k}"`);
  const p: TenantPolicy = structuredCloneish(DEFAULT_POLICY);
  if (input.internalDomains !== undefined) {
    if (!Array.isArray(input.internalDomains) || !input.internalDomains.every((d) => typeof d === "string"))
      throw new PolicyError("internalDomains must be a list of domain names");
    p.internalDomains = input.internalDomains.map((d) => normaliseDomain(d as string));
  }
  if (input.rules !== undefined) {
    if (!isObject(input.rules)) throw new PolicyError("rules must be an object");
    for (const [k, v] of Object.entries(input.rules)) {
      if (!owns(p.rules, k)) throw new PolicyError(`unknown rule "${k}"`);
      if (!MODES.includes(v as RuleMode))
        throw new PolicyError(`rule "${k}" must be one of ${MODES.join(", ")}`);
      p.rules[k as keyof TenantPolicy["rules"]] = v as RuleMode;
    }
  }
  if (input.failOpen !== undefined) {
    if (typeof input.failOpen !== "boolean") throw new PolicyError("failOpen must be true or false");
    p.failOpen = input.failOpen;
  }
  if (input.telemetry !== undefined) {
    if (typeof input.telemetry !== "boolean") throw new PolicyError("telemetry must be true or false");
    p.telemetry = input.telemetry;
  }
  if (input.linkProvider !== undefined) {
    if (!["builtin", "onedrive", "none"].includes(input.linkProvider as string))
      throw new PolicyError("linkProvider must be builtin, onedrive or none");
    p.linkProvider = input.linkProvider as TenantPolicy["linkProvider"];
  }
  if (input.partners !== undefined) {
    if (!isObject(input.partners)) throw new PolicyError("partners must be an object");
    for (const [k, v] of Object.entries(input.partners)) {
      if (!owns(p.partners, k)) throw new PolicyError(`unknown partners setting "${k}"`);
      if (!Array.isArray(v) || !v.every((d) => typeof d === "string"))
        throw new PolicyError(`partners.${k} must be a list of domain names`);
      p.partners.rejectsEncryptedAttachments = v.map((d) => normaliseDomain(d as string));
    }
  }
  if (input.links !== undefined) {
    if (!isObject(input.links)) throw new PolicyError("links must be an object");
    for (const [k, v] of Object.entries(input.links)) {
      if (!owns(p.links, k)) throw new PolicyError(`unknown links setting "${k}"`);
      if (k === "offerForTls" || k === "oneTimeCode") {
        if (typeof v !== "boolean") throw new PolicyError(`links.${k} must be true or false`);
        p.links[k] = v;
      } else if (k === "scope") {
        if (!SCOPES.includes(v as LinkScope))
          throw new PolicyError(`links.scope must be one of ${SCOPES.join(", ")}`);
        p.links.scope = v as LinkScope;
      } else {
        if (typeof v !== "number" || !Number.isFinite(v) || v <= 0)
          throw new PolicyError(`links.${k} must be a positive number`);
        (p.links as unknown as Record<string, number>)[k] = v;
      }
    }
  }
  return p;
}

function structuredCloneish<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
