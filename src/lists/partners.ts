/**
 * Partner lists as administrators already have them: a plain list (one address or domain per line)
 * or a CSV such as an Exchange message trace or a contacts export, whose address or domain column
 * is found by its header (else the first column). Addresses are reduced to domains and duplicates
 * folded. Used by `mailtls check --from`, `mailtls exchange-config --from` and the admin import.
 */
import { parse } from "csv-parse/sync";
import { InvalidDomain, type MailDomain, parseMailDomain } from "../core/domain";

/** Header names (compared without case, spaces, hyphens, underscores and dots) that hold addresses or domains, best first. */
const HEADERS = [
  "recipientaddress",
  "recipientdomain",
  "domain",
  "recipient",
  "recipients",
  "emailaddress",
  "email",
  "mail",
  "address",
  "e-mailaddress",
  "email1address",
  "primaryemailaddress",
  "smtpaddress",
  "senderaddress",
  // Japanese exports (Outlook, Excel).
  "電子メールアドレス",
  "メールアドレス",
  "宛先",
  "ドメイン",
];
const normalise = (h: string) =>
  h
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s_.-]/g, "");
const RANK = new Map(HEADERS.map((h, i) => [normalise(h), i]));

export class PartnerListError extends Error {}

export interface PartnerList {
  /** Distinct domains, in the order first seen. */
  domains: MailDomain[];
  /** Entries that are neither an address nor a domain (line numbers from 1), at most the first 100. */
  invalid: Array<{ line: number; input: string; why: string }>;
  invalidCount: number;
  /** The column used: its header, or undefined for the first column of a file without one. */
  column?: string;
  /** Entries read (before folding). */
  entries: number;
}

/**
 * The text of a file as people save it: UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's
 * "Unicode text"), or Shift_JIS (Excel's CSV on Japanese Windows) when it is not valid UTF-8.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder("shift_jis").decode(bytes);
  }
}

/** The domain in one cell: an address (possibly with a display name) or a domain; several in one cell split at ; or ,. */
function cellDomains(cell: string): string[] {
  return cell
    .split(/[;,]/)
    .map((s) => s.trim())
    .filter((s) => s !== "" && !s.startsWith("#"));
}

function looksLikeData(cell: string): boolean {
  try {
    parseMailDomain(cell.trim());
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads a partner list. Throws PartnerListError for what is not a list at all (binary data, a CSV
 * that does not parse, no entries, more than `maxEntries` entries).
 */
export function parsePartnerList(text: string, opts: { maxEntries?: number } = {}): PartnerList {
  const maxEntries = opts.maxEntries ?? 1_000_000;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text.slice(0, 65536)))
    throw new PartnerListError("this is not a text file (a CSV or a list, one address or domain per line)");
  let rows: string[][];
  try {
    rows = parse(text.replace(/^\ufeff/, ""), {
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      bom: true,
      // A plain list has no commas; a semicolon-separated export (European Excel) has them instead.
      delimiter: detectDelimiter(text),
      trim: true,
    }) as string[][];
  } catch (e) {
    throw new PartnerListError(`the file does not parse as CSV: ${(e as Error).message.slice(0, 200)}`);
  }
  rows = rows.filter((r) => r.some((c) => c !== "") && !(r[0] ?? "").startsWith("#"));
  if (rows.length === 0) throw new PartnerListError("the file has no entries");
  // A header row names the column; without one (its first cells look like data), the first column.
  const header = rows[0];
  let col = 0;
  let column: string | undefined;
  let best = Infinity;
  header.forEach((h, i) => {
    const rank = RANK.get(normalise(h));
    if (rank !== undefined && rank < best) {
      best = rank;
      col = i;
    }
  });
  let data = rows;
  if (best < Infinity) {
    column = header[col];
    data = rows.slice(1);
  } else if (!looksLikeData(header[0] ?? "") && rows.length > 1) {
    column = header[0];
    data = rows.slice(1);
  }
  const seen = new Map<string, MailDomain>();
  const invalid: PartnerList["invalid"] = [];
  let invalidCount = 0;
  let entries = 0;
  const offset = rows.length - data.length; // a skipped header is line 1
  data.forEach((row, i) => {
    for (const entry of cellDomains(row[col] ?? "")) {
      if (++entries > maxEntries)
        throw new PartnerListError(`more than ${maxEntries} entries: split the list`);
      try {
        const d = parseMailDomain(entry);
        if (!seen.has(d.ascii)) seen.set(d.ascii, d);
      } catch (e) {
        if (!(e instanceof InvalidDomain)) throw e;
        invalidCount++;
        if (invalid.length < 100)
          invalid.push({
            line: i + 1 + offset,
            input: entry.slice(0, 200),
            why: e.message.replace(/^invalid domain "[^"]*": /, ""),
          });
      }
    }
  });
  return { domains: [...seen.values()], invalid, invalidCount, column, entries };
}

/** `,` unless the first line has semicolons or tabs and no commas. */
function detectDelimiter(text: string): string {
  const first = text.slice(0, text.indexOf("\n") >= 0 ? text.indexOf("\n") : text.length);
  if (first.includes(",")) return ",";
  if (first.includes("\t")) return "\t";
  if (first.includes(";")) return ";";
  return ",";
}
