import { ascii, asciiBytes, lastIndexOf, Malformed, startsWith, u16, u32, u64, utf8 } from "./bytes";
import { type InspectContext, plainResult, protectedResult, unreadable } from "./context";
import { inflateCapped } from "./inflate";
import { type ByteSource, bytesSource } from "./source";
import type { InspectionResult } from "./types";

const LOCAL = [0x50, 0x4b, 0x03, 0x04];
const CENTRAL = [0x50, 0x4b, 0x01, 0x02];
const EOCD = [0x50, 0x4b, 0x05, 0x06];
const EOCD64 = [0x50, 0x4b, 0x06, 0x06];
const EOCD64_LOCATOR = [0x50, 0x4b, 0x06, 0x07];

const FLAG_ENCRYPTED = 0x0001;
const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_STRONG = 0x0040;
const FLAG_CD_ENCRYPTED = 0x2000;
const METHOD_AES = 99;
const EXTRA_ZIP64 = 0x0001;
const EXTRA_WINZIP_AES = 0x9901;

export interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Offset of the local header, already corrected for data prepended to the archive. */
  localOffset: number;
  /** "zipcrypto", "zip-strong", "aes-128" …, or undefined when the entry is not encrypted. */
  encryption?: string;
}

/** Encryption method of an entry from its flags, method and extra field. */
function encryptionOf(flags: number, method: number, extra: Uint8Array): string | undefined {
  if (method === METHOD_AES) {
    const aes = findExtra(extra, EXTRA_WINZIP_AES);
    const strength = aes && aes.length >= 5 ? aes[4] : 0;
    return ({ 1: "aes-128", 2: "aes-192", 3: "aes-256" } as Record<number, string>)[strength] || "aes";
  }
  if (flags & (FLAG_STRONG | FLAG_CD_ENCRYPTED)) return "zip-strong";
  if (flags & FLAG_ENCRYPTED) return "zipcrypto";
  return undefined;
}

function findExtra(extra: Uint8Array, id: number): Uint8Array | undefined {
  for (let at = 0; at + 4 <= extra.length;) {
    const tag = u16(extra, at);
    const len = u16(extra, at + 2);
    if (tag === id) return extra.subarray(at + 4, Math.min(extra.length, at + 4 + len));
    at += 4 + len;
  }
  return undefined;
}

interface Directory {
  entries: ZipEntry[];
  /** Entries the end record announces; more than we read means we stopped at a limit. */
  announced: number;
}

/** Finds and reads the central directory from the end of the file; undefined when there is none. */
function readCentralDirectory(src: ByteSource, ctx: InspectContext): Directory | undefined {
  const tailLen = Math.min(src.size, 22 + 0xffff + 20);
  const tailStart = src.size - tailLen;
  const tail = src.read(tailStart, tailLen);
  let pos = tail.length - 22;
  let eocd = -1;
  // The comment may itself contain the signature: take the last record whose comment length fits.
  while (pos >= 0) {
    pos = lastIndexOf(tail, EOCD, pos);
    if (pos < 0) break;
    if (pos + 22 + u16(tail, pos + 20) <= tail.length) {
      eocd = pos;
      break;
    }
    pos--;
  }
  if (eocd < 0) return undefined;

  let announced = u16(tail, eocd + 10);
  let cdSize = u32(tail, eocd + 12);
  let cdOffset = u32(tail, eocd + 16);
  const eocdAbs = tailStart + eocd;
  let cdEnd = eocdAbs;
  const loc = eocd - 20;
  if (loc >= 0 && startsWith(tail, EOCD64_LOCATOR, loc)) {
    const rec64At = u64(tail, loc + 8);
    const rec = src.read(rec64At, 56);
    if (startsWith(rec, EOCD64)) {
      announced = u64(rec, 32);
      cdSize = u64(rec, 40);
      cdOffset = u64(rec, 48);
      cdEnd = rec64At;
    }
  }
  if (cdSize > ctx.limits.maxDirectoryBytes) throw new LimitReached(`central directory of ${cdSize} bytes`);
  // Self-extracting and otherwise prefixed archives: offsets are off by the prefix length.
  let shift = 0;
  if (!startsWith(src.read(cdOffset, 4), CENTRAL) && cdEnd - cdSize >= 0) {
    const guess = cdEnd - cdSize;
    if (startsWith(src.read(guess, 4), CENTRAL)) shift = guess - cdOffset;
  }
  const cd = src.read(cdOffset + shift, cdSize);
  const entries: ZipEntry[] = [];
  for (let at = 0; at + 46 <= cd.length && startsWith(cd, CENTRAL, at);) {
    const flags = u16(cd, at + 8);
    const method = u16(cd, at + 10);
    let compressedSize = u32(cd, at + 20);
    let uncompressedSize = u32(cd, at + 24);
    const nameLen = u16(cd, at + 28);
    const extraLen = u16(cd, at + 30);
    const commentLen = u16(cd, at + 32);
    let localOffset = u32(cd, at + 42);
    const name = utf8(cd.subarray(at + 46, at + 46 + nameLen));
    const extra = cd.subarray(at + 46 + nameLen, at + 46 + nameLen + extraLen);
    const z64 = findExtra(extra, EXTRA_ZIP64);
    if (z64) {
      // Only the fields whose 32-bit value is saturated are present, in this order.
      let k = 0;
      const take = (v: number): number => {
        if (v !== 0xffffffff || k + 8 > z64.length) return v;
        k += 8;
        return u64(z64, k - 8);
      };
      uncompressedSize = take(uncompressedSize);
      compressedSize = take(compressedSize);
      localOffset = take(localOffset);
    }
    entries.push({
      name,
      flags,
      method,
      compressedSize,
      uncompressedSize,
      localOffset: localOffset + shift,
      encryption: encryptionOf(flags, method, extra),
    });
    at += 46 + nameLen + extraLen + commentLen;
  }
  if (entries.length === 0 && announced > 0) return undefined;
  return { entries, announced };
}

export class LimitReached extends Error {}

/**
 * For archives whose end is missing or damaged: walk the local headers from the start. Entries that
 * use a data descriptor do not say their size up front, so we search for the next header instead.
 */
function scanLocalHeaders(src: ByteSource, ctx: InspectContext): { entries: ZipEntry[]; complete: boolean } {
  const entries: ZipEntry[] = [];
  const window = 64 * 1024;
  const maxScan = ctx.limits.maxDirectoryBytes;
  let at = 0;
  let scanned = 0;
  while (at + 30 <= src.size && entries.length < 1_000_000) {
    const h = src.read(at, 30);
    if (!startsWith(h, LOCAL)) break;
    const flags = u16(h, 6);
    const method = u16(h, 8);
    const compressedSize = u32(h, 18);
    const nameLen = u16(h, 26);
    const extraLen = u16(h, 28);
    const var_ = src.read(at + 30, nameLen + extraLen);
    const extra = var_.subarray(nameLen);
    entries.push({
      name: utf8(var_.subarray(0, nameLen)),
      flags,
      method,
      compressedSize,
      uncompressedSize: u32(h, 22),
      localOffset: at,
      encryption: encryptionOf(flags, method, extra),
    });
    const dataAt = at + 30 + nameLen + extraLen;
    if (!(flags & FLAG_DATA_DESCRIPTOR)) {
      at = dataAt + compressedSize;
      continue;
    }
    // A data descriptor (12 to 24 bytes, signature optional) follows the data: search for the next header.
    let next = -1;
    for (let from = dataAt + compressedSize; from < src.size && scanned < maxScan; from += window - 3) {
      const chunk = src.read(from, window);
      scanned += chunk.length;
      const i = indexOfAny(chunk, [LOCAL, CENTRAL]);
      if (i >= 0) {
        next = from + i;
        break;
      }
    }
    if (next < 0) return { entries, complete: false };
    at = next;
  }
  const complete = startsWith(src.read(at, 4), CENTRAL) || at >= src.size;
  return { entries, complete };
}

function indexOfAny(b: Uint8Array, sigs: number[][]): number {
  for (let i = 0; i + 4 <= b.length; i++) {
    if (b[i] !== 0x50 || b[i + 1] !== 0x4b) continue;
    for (const s of sigs) if (b[i + 2] === s[2] && b[i + 3] === s[3]) return i;
  }
  return -1;
}

/** Where an entry's data starts, from its local header (whose name and extra lengths may differ). */
function dataOffset(src: ByteSource, e: ZipEntry): number {
  const h = src.read(e.localOffset, 30);
  if (!startsWith(h, LOCAL)) throw new Malformed(`no local header for ${e.name}`);
  return e.localOffset + 30 + u16(h, 26) + u16(h, 28);
}

/**
 * Decompresses up to `maxOut` bytes of an entry (stored or deflated), charging the shared budget.
 * Returns undefined for other methods. Reads and inflates in small steps so a bomb stops early.
 */
export function readEntry(
  src: ByteSource,
  e: ZipEntry,
  maxOut: number,
  ctx: InspectContext,
): Uint8Array | undefined {
  const start = dataOffset(src, e);
  const want = Math.min(maxOut, ctx.budget.remaining);
  if (want <= 0) throw new LimitReached("decompression budget spent");
  if (e.method === 0) {
    const out = src.read(start, Math.min(e.compressedSize, want));
    ctx.budget.remaining -= out.length;
    return out;
  }
  if (e.method !== 8) return undefined;
  const { out, consumed } = inflateCapped((o, n) => src.read(start + o, n), e.compressedSize, want);
  ctx.budget.remaining -= consumed;
  ctx.budget.remaining -= out.length;
  return out;
}

const INNER_MAGIC: number[][] = [
  LOCAL,
  [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], // 7z
  [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], // Rar!
  [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], // OLE compound file (encrypted Office, .doc/.xls)
  asciiBytes("%PDF-"),
];

function looksLikeContainer(head: Uint8Array): boolean {
  return INNER_MAGIC.some((m) => startsWith(head, m));
}

function summarise(entries: ZipEntry[]): InspectionResult {
  const enc = entries.filter((e) => e.encryption);
  const methods = [...new Set(enc.map((e) => e.encryption as string))];
  const names = enc
    .slice(0, 3)
    .map((e) => e.name)
    .join(", ");
  return protectedResult(
    "zip",
    methods[0],
    `${enc.length} of ${entries.length} entries encrypted (${methods.join(", ")}): ${names}${enc.length > 3 ? ", …" : ""}`,
  );
}

/** Office Open XML and OpenDocument files are ZIPs too; they have their own format names. */
function documentFormat(entries: ZipEntry[]): "ooxml" | "odf" | undefined {
  const names = new Set(entries.map((e) => e.name));
  if (names.has("[Content_Types].xml")) return "ooxml";
  if (names.has("mimetype") && names.has("META-INF/manifest.xml")) return "odf";
  return undefined;
}

/** OpenDocument encrypts entries itself and says so in its manifest, not in the ZIP flags. */
function odfEncrypted(src: ByteSource, entries: ZipEntry[], ctx: InspectContext): boolean {
  const manifest = entries.find((e) => e.name === "META-INF/manifest.xml");
  if (!manifest) return false;
  const text = readEntry(src, manifest, 1024 * 1024, ctx);
  return text !== undefined && ascii(text).includes("encryption-data");
}

/** Looks inside the plain entries for an encrypted archive or document, within the limits. */
function findNested(src: ByteSource, entries: ZipEntry[], ctx: InspectContext): InspectionResult | undefined {
  if (ctx.depth >= ctx.limits.maxDepth) return undefined;
  let sniffed = 0;
  for (const e of entries) {
    if (e.encryption || e.name.endsWith("/") || e.uncompressedSize < 32) continue;
    if (e.uncompressedSize > ctx.limits.nestedMaxEntryBytes) continue;
    if (++sniffed > ctx.limits.nestedMaxEntries || ctx.budget.remaining <= 0) break;
    let whole: Uint8Array | undefined;
    try {
      const head = readEntry(src, e, 1024, ctx);
      if (!head || !looksLikeContainer(head)) continue;
      whole = readEntry(src, e, e.uncompressedSize, ctx);
    } catch (err) {
      // One damaged inner entry says nothing about the others.
      if (err instanceof LimitReached) break;
      continue;
    }
    if (!whole || whole.length < e.uncompressedSize) continue;
    const inner = ctx.inspectInner(bytesSource(whole));
    if (inner.passwordProtected) {
      return {
        format: "zip",
        passwordProtected: true,
        method: "nested",
        detail: `contains ${e.name}, which is protected (${inner.method || inner.format})`,
      };
    }
  }
  return undefined;
}

/**
 * `prefixed`: the file does not start like a ZIP, and is one only if an end record at its end leads
 * to central directory entries (a self-extracting or otherwise prefixed archive); else "other".
 */
export function inspectZip(src: ByteSource, ctx: InspectContext, prefixed?: boolean): InspectionResult {
  let dir: Directory | undefined;
  try {
    dir = readCentralDirectory(src, ctx);
  } catch (e) {
    // (A Base64Error goes on up: the caller then decodes the text cleaned.)
    if (!(e instanceof LimitReached || e instanceof Malformed)) throw e;
    if (prefixed) return plainResult("other");
    if (e instanceof LimitReached) return unreadable("zip", `too large to read: ${e.message}`);
  }
  if (prefixed && !(dir && dir.entries.length)) return plainResult("other");
  if (!dir) {
    const scan = scanLocalHeaders(src, ctx);
    if (scan.entries.some((e) => e.encryption)) {
      const r = summarise(scan.entries);
      return { ...r, detail: `damaged archive (no central directory); ${r.detail}` };
    }
    if (scan.entries.length === 0) return unreadable("zip", "damaged archive: no entries could be read");
    return unreadable(
      "zip",
      scan.complete
        ? "damaged archive: central directory missing; no encrypted entries among the local headers"
        : `truncated archive: ${scan.entries.length} entries read, the rest is missing`,
    );
  }
  const { entries } = dir;
  if (entries.some((e) => e.encryption)) return summarise(entries);
  const doc = documentFormat(entries);
  if (doc === "odf" && odfEncrypted(src, entries, ctx))
    return protectedResult("odf", "odf-encryption", "OpenDocument file encrypted with a password");
  try {
    const nested = findNested(src, entries, ctx);
    if (nested) return doc ? { ...nested, format: doc } : nested;
  } catch (e) {
    if (!(e instanceof LimitReached || e instanceof Malformed)) throw e;
  }
  if (entries.length < dir.announced)
    return unreadable(
      doc || "zip",
      `damaged central directory: ${entries.length} of ${dir.announced} entries readable, none encrypted`,
    );
  return plainResult(doc || "zip", `${plural(entries.length, "entry", "entries")}, none encrypted`);
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
