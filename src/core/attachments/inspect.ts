import { asciiBytes, indexOf, startsWith } from "./bytes";
import { CFB_MAGIC } from "./cfb";
import { type InspectContext, plainResult, unreadable } from "./context";
import { inspectCompoundFile } from "./office";
import { inspectPdf } from "./pdf";
import { inspectRar, RAR4_MAGIC, RAR5_MAGIC } from "./rar";
import { inspect7z, SEVEN_ZIP_MAGIC } from "./sevenzip";
import { Base64Error, base64Source, type ByteSource, bytesSource, cleanBase64Source } from "./source";
import { DEFAULT_LIMITS, type InspectionResult, type InspectLimits } from "./types";
import { inspectZip } from "./zip";

const ZIP_MAGICS = [
  [0x50, 0x4b, 0x03, 0x04],
  [0x50, 0x4b, 0x05, 0x06], // empty archive
  [0x50, 0x4b, 0x07, 0x08], // split-archive marker before the first local header
];
const PDF_MAGIC = asciiBytes("%PDF-");

type Inspector = (src: ByteSource, ctx: InspectContext) => InspectionResult;

/** Chooses the format from the first bytes; the name is never consulted. */
function sniff(head: Uint8Array): Inspector | undefined {
  if (ZIP_MAGICS.some((m) => startsWith(head, m))) return inspectZip;
  if (startsWith(head, SEVEN_ZIP_MAGIC)) return inspect7z;
  if (startsWith(head, RAR5_MAGIC) || startsWith(head, RAR4_MAGIC)) return (src) => inspectRar(src);
  if (startsWith(head, CFB_MAGIC)) return inspectCompoundFile;
  // PDF readers accept the header anywhere in the first kilobyte.
  if (indexOf(head.subarray(0, 1024), PDF_MAGIC) >= 0) return inspectPdf;
  return undefined;
}

function run(
  src: ByteSource,
  limits: InspectLimits,
  depth: number,
  budget: { remaining: number },
): InspectionResult {
  const head = src.read(0, 1024);
  const inspector = sniff(head);
  if (!inspector) return plainResult("other");
  const ctx: InspectContext = {
    depth,
    limits,
    budget,
    inspectInner: (inner) => run(inner, limits, depth + 1, budget),
  };
  try {
    return inspector(src, ctx);
  } catch (e) {
    if (e instanceof Base64Error) throw e;
    // Whatever a hostile or damaged file makes a parser do ends here, as "could not be read".
    const format = inspectorFormat(inspector);
    return unreadable(format, `could not read the file: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function inspectorFormat(i: Inspector): InspectionResult["format"] {
  if (i === inspectZip) return "zip";
  if (i === inspect7z) return "7z";
  if (i === inspectCompoundFile) return "ole";
  if (i === inspectPdf) return "pdf";
  return "rar";
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
