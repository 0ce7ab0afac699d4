import { Malformed, startsWith, u16, u32 } from "./bytes";
import { plainResult, protectedResult, unreadable } from "./context";
import type { ByteSource } from "./source";
import type { InspectionResult } from "./types";

export const RAR4_MAGIC = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00];
export const RAR5_MAGIC = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00];

const MAX_BLOCKS = 100_000;

/** RAR 4: block headers with HEAD_FLAGS; the main header can say "headers encrypted", files "password". */
function inspectRar4(src: ByteSource): InspectionResult {
  let at = RAR4_MAGIC.length;
  let files = 0;
  for (let n = 0; n < MAX_BLOCKS && at + 7 <= src.size; n++) {
    const h = src.read(at, 11);
    const type = h[2];
    const flags = u16(h, 3);
    const headSize = u16(h, 5);
    if (headSize < 7) return unreadable("rar", "damaged RAR block header");
    const addSize = flags & 0x8000 && h.length >= 11 ? u32(h, 7) : 0;
    if (type === 0x73 && flags & 0x0080)
      return protectedResult("rar", "rar4-headers", "RAR archive with encrypted headers");
    if (type === 0x74) {
      files++;
      if (flags & 0x0004) return protectedResult("rar", "rar4-aes", "RAR 4 archive with encrypted files");
    }
    if (type === 0x7b) return plainResult("rar", `${files} files, none encrypted`);
    at += headSize + addSize;
  }
  return ended(src, at, files);
}

/**
 * Out of blocks without an end-of-archive block (WinRAR's `-en` leaves it out, and some tools never
 * write one): when the last block ends exactly at the end of the file, every header was read and
 * the answer stands; otherwise the archive is cut and what is missing is unknown.
 */
function ended(src: ByteSource, at: number, files: number): InspectionResult {
  return files > 0 && at === src.size
    ? plainResult("rar", `${files} files, none encrypted (no end-of-archive block)`)
    : unreadable("rar", files > 0 ? "truncated RAR archive" : "no RAR file headers");
}

/** RAR 5 variable-length integer: 7 bits a byte, high bit set on all but the last. */
export function vint(b: Uint8Array, at: number): [number, number] {
  let value = 0;
  for (let i = 0; i < 10; i++) {
    if (at + i >= b.length) throw new Malformed("RAR header ends early");
    const x = b[at + i];
    value += (x & 0x7f) * 2 ** (7 * i);
    if (!(x & 0x80)) return [value, at + i + 1];
  }
  throw new Malformed("RAR number too long");
}

/** RAR 5: an archive encryption header hides everything; a file header's extra area may hold encryption. */
function inspectRar5(src: ByteSource): InspectionResult {
  let at = RAR5_MAGIC.length;
  let files = 0;
  for (let n = 0; n < MAX_BLOCKS && at + 7 <= src.size; n++) {
    const pre = src.read(at + 4, 3);
    const [headerSize, bodyAt] = vint(pre, 0);
    if (headerSize > 2 * 1024 * 1024 || headerSize < 1) return unreadable("rar", "damaged RAR 5 header");
    const hdr = src.read(at + 4 + bodyAt, headerSize);
    if (hdr.length < headerSize) return unreadable("rar", "truncated RAR archive");
    const [type, p1] = vint(hdr, 0);
    const [flags, p2] = vint(hdr, p1);
    let p = p2;
    let extraSize = 0;
    let dataSize = 0;
    if (flags & 0x01) [extraSize, p] = vint(hdr, p);
    if (flags & 0x02) [dataSize, p] = vint(hdr, p);
    if (type === 4) return protectedResult("rar", "rar5-headers", "RAR 5 archive with encrypted headers");
    if (type === 2) {
      files++;
      // The extra area sits at the end of the header; record type 1 is file encryption.
      for (let e = headerSize - extraSize; e < headerSize;) {
        const [size, q] = vint(hdr, e);
        const [recType] = vint(hdr, q);
        if (recType === 1) return protectedResult("rar", "rar5-aes", "RAR 5 archive with encrypted files");
        if (size === 0) break;
        e = q + size;
      }
    }
    if (type === 5) return plainResult("rar", `${files} files, none encrypted`);
    at += 4 + bodyAt + headerSize + dataSize;
  }
  return ended(src, at, files);
}

export function inspectRar(src: ByteSource): InspectionResult {
  const head = src.read(0, 8);
  if (startsWith(head, RAR5_MAGIC)) return inspectRar5(src);
  return inspectRar4(src);
}
