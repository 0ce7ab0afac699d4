// The userland punycode package ("punycode/"), not Node's deprecated built-in of the same name.
import { toASCII, toUnicode } from "punycode/";

/** A mail domain in both forms: ASCII (punycode) for DNS and keys, Unicode for people. */
export interface MailDomain {
  ascii: string;
  unicode: string;
}

export type DomainError =
  | "empty"
  | "too-long"
  | "label-too-long"
  | "empty-label"
  | "bad-character"
  | "bad-hyphen"
  | "single-label"
  | "ip-literal"
  | "reserved";

export class InvalidDomain extends Error {
  constructor(
    readonly input: string,
    readonly code: DomainError,
  ) {
    super(`invalid domain "${input}": ${DOMAIN_ERRORS[code]}`);
  }
}

const DOMAIN_ERRORS: Record<DomainError, string> = {
  empty: "no domain given",
  "too-long": "longer than 253 characters",
  "label-too-long": "a label is longer than 63 characters",
  "empty-label": "empty label (two dots in a row, or a leading dot)",
  "bad-character": "only letters, digits and hyphens are allowed in a domain",
  "bad-hyphen": "a label may not start or end with a hyphen",
  "single-label": "a mail domain needs at least two labels (like example.jp)",
  "ip-literal": "IP addresses are not mail domains",
  reserved: "reserved name (localhost, .invalid, .local)",
};

const RESERVED_SUFFIXES = ["localhost", "invalid", "local"];
/** At least two labels of 1–63 letters, digits and inner hyphens. */
const FAST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Parses what a user typed — a domain, an e-mail address, or `Name <addr>` — into a mail domain.
 * Full-width characters and the ideographic full stop (common in Japanese input) are normalised
 * (NFKC), letters lower-cased, Unicode labels converted to punycode. Throws InvalidDomain.
 */
export function parseMailDomain(input: string): MailDomain {
  // Fast path: a lower-case ASCII name that is already valid needs no normalisation or punycode.
  if (FAST.test(input) && input.length <= 253 && !input.includes("xn--")) {
    const labels = input.split(".");
    const tld = labels[labels.length - 1];
    if (!RESERVED_SUFFIXES.includes(tld) && !/^[0-9]+$/.test(tld)) return { ascii: input, unicode: input };
  }
  let s = input.normalize("NFKC").trim();
  const angle = /<([^<>]*)>\s*$/.exec(s);
  if (angle) s = angle[1].trim();
  const at = s.lastIndexOf("@");
  if (at >= 0) s = s.slice(at + 1);
  s = s
    .replace(/[\u3002\uff0e\uff61]/g, ".")
    .replace(/\.$/, "")
    .toLowerCase();
  if (s === "") throw new InvalidDomain(input, "empty");
  if (/^\[.*\]$/.test(s) || s.includes(":") || /^[0-9.]+$/.test(s))
    throw new InvalidDomain(input, "ip-literal");
  let ascii: string;
  try {
    ascii = toASCII(s);
  } catch {
    throw new InvalidDomain(input, "bad-character");
  }
  if (ascii.length > 253) throw new InvalidDomain(input, "too-long");
  const labels = ascii.split(".");
  for (const label of labels) {
    if (label === "") throw new InvalidDomain(input, "empty-label");
    if (label.length > 63) throw new InvalidDomain(input, "label-too-long");
    if (!/^[a-z0-9-]+$/.test(label)) throw new InvalidDomain(input, "bad-character");
    if (label.startsWith("-") || label.endsWith("-")) throw new InvalidDomain(input, "bad-hyphen");
  }
  if (labels.length < 2) throw new InvalidDomain(input, s === "localhost" ? "reserved" : "single-label");
  if (RESERVED_SUFFIXES.includes(labels[labels.length - 1])) throw new InvalidDomain(input, "reserved");
  if (/^[0-9]+$/.test(labels[labels.length - 1])) throw new InvalidDomain(input, "ip-literal");
  let unicode: string;
  try {
    unicode = toUnicode(ascii);
  } catch {
    unicode = ascii;
  }
  return { ascii, unicode };
}

/** Like parseMailDomain, but returns undefined instead of throwing. */
export function tryParseMailDomain(input: string): MailDomain | undefined {
  try {
    return parseMailDomain(input);
  } catch {
    return undefined;
  }
}
