import { asciiBytes, crc32, indexOf, startsWith, u16, u32 } from "./bytes";
import { CFB_MAGIC } from "./cfb";
import { type InspectContext, unreadable } from "./context";
import { inspectCompoundFile } from "./office";
import { inspectPdf } from "./pdf";
import { inspectRar, RAR4_MAGIC, RAR5_MAGIC, vint } from "./rar";
import { inspect7z, SEVEN_ZIP_MAGIC } from "./sevenzip";
import { Base64Error, base64Source, type ByteSource, bytesSource, cleanBase64Source } from "./source";
import { type AttachmentFormat, DEFAULT_LIMITS, type InspectionResult, type InspectLimits } from "./types";
import { inspectZip } from "./zip";

const ZIP_MAGICS = [
  [0x50, 0x4b, 0x03, 0x04],
  [0x50, 0x4b, 0x05, 0x06], // empty archive
  [0x50, 0x4b, 0x07, 0x08], // split-archive marker before the first local header
];
const PDF_MAGIC = asciiBytes("%PDF-");

type Inspector = (src: ByteSource, ctx: InspectContext) => InspectionResult;

/** Chooses the format from the first bytes; the name is never consulted. */
function sniff(head: Uint8Array): [AttachmentFormat, Inspector] | undefined {
  if (ZIP_MAGICS.some((m) => startsWith(head, m))) return ["zip", inspectZip];
  if (startsWith(head, SEVEN_ZIP_MAGIC)) return ["7z", inspect7z];
  if (startsWith(head, RAR5_MAGIC) || startsWith(head, RAR4_MAGIC)) return ["rar", inspectRar];
  if (startsWith(head, CFB_MAGIC)) return ["ole", inspectCompoundFile];
  // PDF readers accept the header anywhere in the first kilobyte.
  if (indexOf(head.subarray(0, 1024), PDF_MAGIC) >= 0) return ["pdf", inspectPdf];
  return undefined;
}

/** Whatever a hostile or damaged file makes a parser do ends here, as "could not be read". */
function guard(format: AttachmentFormat, inspect: () => InspectionResult): InspectionResult {
  try {
    return inspect();
  } catch (e) {
    if (e instanceof Base64Error) throw e;
    return unreadable(format, `could not read the file: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * How far into a file a 7z or RAR archive behind a stub is searched for: unrar searches as far
 * (its MAXSFXSIZE), and the SFX modules of 7-Zip, WinRAR and Info-ZIP are well under 1 MB.
 */
const SFX_SEARCH = 4 * 1024 * 1024;
const SFX_WINDOW = 64 * 1024;

/**
 * A 7z or RAR archive at the start of `b`, known by its signature and by the CRC-32 of the header that
 * follows it (7z's start header, RAR's first block, both small), which a stub's code or data will not
 * have. Only the bytes given are looked at, so that a file full of signatures costs no extra reads.
 */
function archiveAt(b: Uint8Array): [AttachmentFormat, Inspector] | undefined {
  try {
    if (startsWith(b, SEVEN_ZIP_MAGIC))
      return crc32(b.subarray(12, 32)) === u32(b, 8) ? ["7z", inspect7z] : undefined;
    const rar5 = startsWith(b, RAR5_MAGIC) && vint(b, 12);
    return (rar5 && crc32(b.subarray(12, rar5[1] + rar5[0])) === u32(b, 8)) ||
      (startsWith(b, RAR4_MAGIC) &&
        u16(b, 12) > 6 &&
        (crc32(b.subarray(9, 7 + u16(b, 12))) & 0xffff) === u16(b, 7))
      ? ["rar", inspectRar]
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Self-extracting and otherwise prefixed archives: a ZIP is found from its end record (zip.ts corrects
 * the offsets), a 7z or RAR by its signature within the first SFX_SEARCH bytes.
 */
function prefixed(src: ByteSource, ctx: InspectContext): InspectionResult {
  let r = guard("zip", () => inspectZip(src, ctx, true));
  let at = 0;
  let hit: [AttachmentFormat, Inspector] | undefined;
  for (
    let from = 1;
    r.format === "other" && !hit && from < Math.min(src.size, SFX_SEARCH);
    from += SFX_WINDOW
  ) {
    // Windows overlap by the most that archiveAt looks at. Only places that start with "7z" or "Ra"
    // are checked (the native indexOf finds them fast); a 7z first, should a window hold both.
    const w = src.read(from, SFX_WINDOW + 256);
    for (const [first, second] of [
      [0x37, 0x7a],
      [0x52, 0x61],
    ])
      for (let i = w.indexOf(first); !hit && i >= 0 && i < SFX_WINDOW; i = w.indexOf(first, i + 1))
        if (w[i + 1] === second) {
          hit = archiveAt(w.subarray(i, i + 256));
          at = from + i;
        }
  }
  if (hit) {
    const [format, inspect] = hit;
    r = guard(format, () => inspect({ size: src.size - at, read: (o, n) => src.read(at + o, n) }, ctx));
  }
  if (r.format !== "other") r.detail = `self-extracting or prefixed archive; ${r.detail}`;
  return r;
}

function run(
  src: ByteSource,
  limits: InspectLimits,
  depth: number,
  budget: { remaining: number },
): InspectionResult {
  const ctx: InspectContext = {
    depth,
    limits,
    budget,
    inspectInner: (inner) => run(inner, limits, depth + 1, budget),
  };
  const hit = sniff(src.read(0, 1024));
  return hit ? guard(hit[0], () => hit[1](src, ctx)) : prefixed(src, ctx);
}

/** Inspects a file from its bytes. Never throws; never reads more than the limits allow. */
export function inspectBytes(bytes: Uint8Array, limits: Partial<InspectLimits> = {}): InspectionResult {
  return inspectSource(bytesSource(bytes), limits);
}

/**
 * Inspects a file from its Base64 text, as Outlook's getAttachmentContentAsync returns it, decoding
 * only the ranges each format needs.
 */
export function inspectBase64(text: string, limits: Partial<InspectLimits> = {}): InspectionResult {
  try {
    return inspectSource(base64Source(text), limits);
  } catch (e) {
    if (!(e instanceof Base64Error)) return unreadable("other", `could not read the file: ${String(e)}`);
  }
  // Noise (line breaks, spaces) inside the text: decode a cleaned copy once.
  try {
    return inspectSource(cleanBase64Source(text), limits);
  } catch (e) {
    return unreadable("other", `not valid Base64: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function inspectSource(src: ByteSource, limits: Partial<InspectLimits> = {}): InspectionResult {
  const all = { ...DEFAULT_LIMITS, ...limits };
  try {
    return run(src, all, 0, { remaining: all.nestedBudgetBytes });
  } catch (e) {
    if (e instanceof Base64Error) throw e;
    return unreadable("other", `could not read the file: ${e instanceof Error ? e.message : String(e)}`);
  }
}
