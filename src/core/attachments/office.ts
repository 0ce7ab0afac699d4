import { Malformed, u16, u32 } from "./bytes";
import { type CompoundFile, openCompoundFile } from "./cfb";
import { type InspectContext, plainResult, protectedResult, unreadable } from "./context";
import type { ByteSource } from "./source";
import type { InspectionResult } from "./types";

const FILEPASS = 0x002f;
const BIFF_EOF = 0x000a;
const PPT_ENCRYPTED_TOKEN = 0xf3d1c4df;

/** Encrypted OOXML: the package sits, encrypted, in a compound file beside its EncryptionInfo. */
function encryptedPackage(cfb: CompoundFile): InspectionResult | undefined {
  const info = cfb.find("EncryptionInfo");
  if (!info || !cfb.find("EncryptedPackage")) return undefined;
  const v = cfb.read(info, 8);
  const major = u16(v, 0);
  const minor = u16(v, 2);
  const kind =
    major === 4 && minor === 4 ? "agile" : minor === 2 ? "standard" : minor === 3 ? "extensible" : "unknown";
  return protectedResult(
    "office-encrypted",
    `office-${kind}`,
    `encrypted Office document (${kind} encryption, version ${major}.${minor})`,
  );
}

/** Word 97-2003: the FIB's fEncrypted bit, with fObfuscated for the old XOR scheme. */
function word(cfb: CompoundFile): InspectionResult | undefined {
  const s = cfb.find("WordDocument");
  if (!s) return undefined;
  const fib = cfb.read(s, 32);
  if (u16(fib, 0) !== 0xa5ec) return unreadable("doc", "WordDocument stream without a Word header");
  const flags = u16(fib, 0x0a);
  if (!(flags & 0x0100)) return plainResult("doc");
  return protectedResult(
    "doc",
    flags & 0x8000 ? "doc-xor" : "doc-rc4",
    "Word 97-2003 document encrypted with a password",
  );
}

/** Excel 97-2003: a FILEPASS record at the start of the workbook globals. */
function excel(cfb: CompoundFile): InspectionResult | undefined {
  const s = cfb.find("Workbook") || cfb.find("Book");
  if (!s) return undefined;
  const b = cfb.read(s, 64 * 1024);
  for (let at = 0; at + 4 <= b.length;) {
    const type = u16(b, at);
    const len = u16(b, at + 2);
    if (type === FILEPASS) {
      const scheme = at + 6 <= b.length ? u16(b, at + 4) : 1;
      return protectedResult(
        "xls",
        scheme === 0 ? "xls-xor" : "xls-rc4",
        "Excel 97-2003 workbook encrypted with a password",
      );
    }
    if (type === BIFF_EOF) break;
    at += 4 + len;
  }
  return plainResult("xls");
}

/** PowerPoint 97-2003: the CurrentUser atom carries a distinct token when the file is encrypted. */
function powerpoint(cfb: CompoundFile): InspectionResult | undefined {
  if (!cfb.find("PowerPoint Document")) return undefined;
  const cu = cfb.find("Current User");
  if (cfb.find("EncryptedSummary"))
    return protectedResult("ppt", "ppt-rc4", "PowerPoint 97-2003 presentation encrypted");
  if (cu) {
    const b = cfb.read(cu, 16);
    if (b.length >= 16 && u32(b, 12) === PPT_ENCRYPTED_TOKEN)
      return protectedResult("ppt", "ppt-rc4", "PowerPoint 97-2003 presentation encrypted");
  }
  return plainResult("ppt");
}

export function inspectCompoundFile(src: ByteSource, ctx: InspectContext): InspectionResult {
  let cfb: CompoundFile;
  try {
    cfb = openCompoundFile(src, ctx.limits.maxDirectoryBytes);
  } catch (e) {
    if (e instanceof Malformed) return unreadable("ole", `damaged compound file: ${e.message}`);
    throw e;
  }
  try {
    return encryptedPackage(cfb) || word(cfb) || excel(cfb) || powerpoint(cfb) || plainResult("ole");
  } catch (e) {
    if (e instanceof Malformed) return unreadable("ole", `damaged compound file: ${e.message}`);
    throw e;
  }
}
