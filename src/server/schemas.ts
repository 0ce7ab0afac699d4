/** JSON schemas of the API: they validate input, speed up output and become /openapi.json. */

const certificate = {
  type: "object",
  properties: {
    subject: { type: "string" },
    issuer: { type: "string" },
    validFrom: { type: "string" },
    validTo: { type: "string" },
    trusted: { type: "boolean" },
    nameMatches: { type: "boolean" },
    error: { type: "string" },
  },
  required: ["subject", "issuer", "validFrom", "validTo", "trusted", "nameMatches"],
} as const;

const mx = {
  type: "object",
  properties: {
    host: { type: "string" },
    preference: { type: "integer" },
    addresses: { type: "array", items: { type: "string" } },
    address: { type: "string" },
    reachable: { type: "boolean" },
    banner: { type: "string" },
    starttls: { type: ["boolean", "null"] },
    tls: {
      type: "object",
      properties: { version: { type: "string" }, cipher: { type: "string" }, certificate },
      required: ["version", "cipher"],
    },
    error: { type: "string" },
    errorDetail: { type: "string" },
    dane: {
      type: "object",
      description: "DANE (RFC 7672): TLSA at _25._tcp.HOST and whether it matched the presented chain",
      properties: {
        dnssec: { type: "boolean" },
        records: { type: "array", items: { type: "string" } },
        matched: { type: ["boolean", "null"] },
        error: { type: "string" },
      },
      required: ["dnssec", "records", "matched"],
    },
    timings: {
      type: "object",
      properties: {
        dnsMs: { type: "number" },
        connectMs: { type: "number" },
        bannerMs: { type: "number" },
        ehloMs: { type: "number" },
        tlsMs: { type: "number" },
      },
    },
  },
  required: ["host", "preference", "addresses", "reachable", "starttls", "timings"],
} as const;

export const domainReport = {
  $id: "DomainReport",
  type: "object",
  properties: {
    domain: { type: "string", description: "ASCII (punycode) form" },
    displayDomain: { type: "string", description: "Unicode form" },
    grade: { type: "string", enum: ["secure", "tls", "partial", "no-tls", "no-mail", "unknown"] },
    checkedAt: { type: "string" },
    expiresAt: { type: "string" },
    durationMs: { type: "number" },
    mx: { type: "array", items: mx },
    mtaSts: {
      type: "object",
      description: "MTA-STS (RFC 8461): the policy (mode, id, mx, maxAge), or error and detail",
      properties: {
        mode: { type: "string", enum: ["enforce", "testing", "none"] },
        id: { type: "string" },
        mx: { type: "array", items: { type: "string" } },
        maxAge: { type: "integer" },
        error: { type: "string" },
        detail: { type: "string" },
      },
    },
    dane: {
      type: "object",
      description: "DANE summary: any TLSA under DNSSEC, all answers validated, every TLS MX matched",
      properties: { tlsa: { type: "boolean" }, dnssec: { type: "boolean" }, usable: { type: "boolean" } },
    },
    tlsRpt: {
      type: "object",
      description: "TLS-RPT (RFC 8460): reporting addresses, or error",
      properties: { rua: { type: "array", items: { type: "string" } }, error: { type: "string" } },
    },
    reasons: { type: "array", items: { type: "string" } },
    pending: { type: "boolean" },
  },
  required: ["domain", "displayDomain", "grade", "checkedAt", "expiresAt", "durationMs", "mx", "reasons"],
} as const;

export const errorBody = {
  $id: "Error",
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: { code: { type: "string" }, message: { type: "string" } },
      required: ["code", "message"],
    },
  },
  required: ["error"],
} as const;

export const errorResponses = {
  400: { $ref: "Error#" },
  401: { $ref: "Error#" },
  403: { $ref: "Error#" },
  429: { $ref: "Error#" },
};

/** The service's Ajv options (app.ts gives them to fastify; the check API compiles its body with them too). */
export const AJV_OPTIONS = { customOptions: { coerceTypes: "array" as const, removeAdditional: false } };
