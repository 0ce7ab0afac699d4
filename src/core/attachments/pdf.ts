import { ascii, asciiBytes, indexOf, lastIndexOf, Malformed } from "./bytes";
import { type InspectContext, plainResult, protectedResult, unreadable } from "./context";
import { inflateCapped } from "./inflate";
import { opensWithoutPassword } from "./pdfcrypto";
import { get, name, num, parsePdfValue, type PdfValue, str } from "./pdfsyntax";
import type { ByteSource } from "./source";
import type { InspectionResult } from "./types";

const STARTXREF = asciiBytes("startxref");
const TRAILER = asciiBytes("trailer");
const ENCRYPT = asciiBytes("/Encrypt");
const XREF = asciiBytes("/XRef");
const DICT = asciiBytes("<<");
const WINDOW = 64 * 1024;
const MAX_SECTIONS = 32;

/** One cross-reference section: its trailer dictionary and a way to find an object's offset in it. */
interface XrefSection {
  trailer: PdfValue;
  offsetOf(objectNumber: number): number | undefined;
}

function startXref(src: ByteSource): number {
  for (const span of [2048, WINDOW]) {
    const tail = src.read(Math.max(0, src.size - span), span);
    const at = lastIndexOf(tail, STARTXREF);
    if (at >= 0) {
      const v = num(parsePdfValue(tail, at + STARTXREF.length));
      if (v !== undefined) return v;
    }
  }
  throw new Malformed("no startxref at the end of the PDF");
}

/** A classic `xref` table followed by `trailer << … >>`. */
function classicSection(src: ByteSource, at: number, ctx: InspectContext): XrefSection {
  let b = src.read(at, WINDOW);
  let t = indexOf(b, TRAILER);
  if (t < 0) {
    b = src.read(at, Math.min(ctx.limits.maxDirectoryBytes, src.size - at));
    t = indexOf(b, TRAILER);
  }
  if (t < 0) throw new Malformed("xref table without trailer");
  const trailer = parsePdfValue(b, t + TRAILER.length);
  const table = ascii(b, 4, t);
  return {
    trailer,
    offsetOf(n) {
      // Subsections: "first count" then count lines of "offset generation n|f".
      const re = /(\d+)\s+(\d+)\s*[\r\n]+/g;
      let m: RegExpExecArray | null;
      while ((m = re.exec(table))) {
        const first = Number(m[1]);
        const count = Number(m[2]);
        const linesAt = m.index + m[0].length;
        if (n >= first && n < first + count) {
          const line = table.slice(linesAt + (n - first) * 20, linesAt + (n - first) * 20 + 18);
          const e = /^(\d{10}) (\d{5}) ([nf])/.exec(line);
          return e && e[3] === "n" ? Number(e[1]) : undefined;
        }
        re.lastIndex = linesAt + count * 20;
      }
      return undefined;
    },
  };
}

/** PNG predictors, which xref streams use to make their columns compress well. */
function unpredict(data: Uint8Array, columns: number): Uint8Array {
  const rowLen = columns + 1;
  const rows = Math.floor(data.length / rowLen);
  const out = new Uint8Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    const type = data[r * rowLen];
    for (let c = 0; c < columns; c++) {
      const x = data[r * rowLen + 1 + c];
      const left = c > 0 ? out[r * columns + c - 1] : 0;
      const up = r > 0 ? out[(r - 1) * columns + c] : 0;
      const upLeft = r > 0 && c > 0 ? out[(r - 1) * columns + c - 1] : 0;
      let pred = 0;
      if (type === 1) pred = left;
      else if (type === 2) pred = up;
      else if (type === 3) pred = (left + up) >> 1;
      else if (type === 4) {
        const p = left + up - upLeft;
        const pa = Math.abs(p - left);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - upLeft);
        pred = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      }
      out[r * columns + c] = (x + pred) & 0xff;
    }
  }
  return out;
}

/** A cross-reference stream (PDF 1.5): its dictionary is the trailer, its data the table. */
function streamSection(src: ByteSource, at: number, ctx: InspectContext): XrefSection {
  const head = src.read(at, WINDOW);
  const obj = parsePdfValue(head);
  if (obj.t !== "dict" || name(get(obj, "Type")) !== "XRef" || obj.streamAt === undefined)
    throw new Malformed("startxref points at neither a table nor an xref stream");
  const length = num(get(obj, "Length")) || 0;
  if (length > ctx.limits.maxDirectoryBytes) throw new Malformed("xref stream too large");
  const dataAt = at + obj.streamAt;
  const filter = name(get(obj, "Filter"));
  let data: Uint8Array;
  if (filter === "FlateDecode") {
    // zlib framing: two header bytes, then raw deflate.
    data = inflateCapped(
      (o, n) => src.read(dataAt + 2 + o, n),
      Math.max(0, length - 2),
      ctx.limits.maxDirectoryBytes,
    ).out;
  } else if (filter === undefined) data = src.read(dataAt, length);
  else throw new Malformed(`xref stream filter ${filter}`);
  const w = get(obj, "W");
  const widths = w && w.t === "arr" ? w.v.map((x) => num(x) || 0) : [];
  if (widths.length !== 3 || widths.some((x) => x < 0 || x > 8)) throw new Malformed("bad xref stream /W");
  const rowLen = widths[0] + widths[1] + widths[2];
  const parms = get(obj, "DecodeParms");
  const predictor = num(get(parms, "Predictor")) || 1;
  if (predictor >= 10) data = unpredict(data, num(get(parms, "Columns")) || rowLen);
  const index = get(obj, "Index");
  const ranges =
    index && index.t === "arr" ? index.v.map((x) => num(x) || 0) : [0, num(get(obj, "Size")) || 0];
  const field = (row: number, k: number): number => {
    let v = 0;
    let p = row * rowLen + widths.slice(0, k).reduce((a, b) => a + b, 0);
    for (let i = 0; i < widths[k]; i++) v = v * 256 + data[p++];
    return v;
  };
  return {
    trailer: obj,
    offsetOf(n) {
      let row = 0;
      for (let i = 0; i + 1 < ranges.length; i += 2) {
        const [first, count] = [ranges[i], ranges[i + 1]];
        if (n >= first && n < first + count) {
          const r = row + n - first;
          if ((r + 1) * rowLen > data.length) return undefined;
          const type = widths[0] === 0 ? 1 : field(r, 0);
          return type === 1 ? field(r, 1) : undefined;
        }
        row += count;
      }
      return undefined;
    },
  };
}

function section(src: ByteSource, at: number, ctx: InspectContext): XrefSection {
  const start = src.read(at, 16);
  return ascii(start, 0, 4) === "xref" ? classicSection(src, at, ctx) : streamSection(src, at, ctx);
}

/**
 * Searches the file from its end (the newest revision comes last) for `sig`, at most maxDirectoryBytes
 * of it, and returns the first `test(position)` that is not undefined; 64 tries at most. This is how
 * readers rebuild a damaged cross-reference table.
 */
function findBack<T>(
  src: ByteSource,
  sig: number[],
  ctx: InspectContext,
  test: (at: number) => T | undefined,
): T | undefined {
  let tries = 0;
  const stop = Math.max(0, src.size - ctx.limits.maxDirectoryBytes);
  for (let end = src.size; end > stop; end -= WINDOW) {
    const from = Math.max(stop, end - WINDOW);
    const w = src.read(from, end - from + sig.length);
    for (let i = lastIndexOf(w, sig, end - from - 1); i >= 0; i = lastIndexOf(w, sig, i - 1)) {
      const v = test(from + i);
      if (v !== undefined || ++tries > 64) return v;
    }
  }
  return undefined;
}

/**
 * The trailer dictionary (classic, or an xref stream's) around the `/Encrypt` at `at`: the nearest `<<`
 * before it that opens a dictionary with /Encrypt and /Size (which every trailer has).
 */
function trailerAround(src: ByteSource, at: number): PdfValue | undefined {
  const from = Math.max(0, at - 4096);
  const b = src.read(from, at - from + 4096);
  for (let k = at - from, n = 0; n < 32 && (k = lastIndexOf(b, DICT, k - 1)) >= 0; n++) {
    try {
      const d = parsePdfValue(b, k);
      if (get(d, "Encrypt") && get(d, "Size")) return d;
    } catch {
      // a dictionary cut by the window, or not one at all: try the next `<<`
    }
  }
  return undefined;
}

/**
 * The encryption dictionary, inline in the trailer or the object `n g obj` the reference names: where
 * the cross-reference data says, else (shifted or damaged offsets) wherever the file has it, as
 * readers look for it. Undefined when there is no such dictionary.
 */
function encryptDictionary(
  src: ByteSource,
  sections: XrefSection[],
  ref: PdfValue | undefined,
  ctx: InspectContext,
): PdfValue | undefined {
  if (!ref || ref.t !== "ref") return ref && ref.t === "dict" ? ref : undefined;
  const header = new RegExp(`^\\D\\s*${ref.n}\\s+${ref.g}\\s+obj`);
  // The object whose number starts one byte after `at`, if it is that object and a dictionary.
  const objectAt = (at: number): PdfValue | undefined => {
    const b = src.read(at, Math.min(WINDOW, ctx.limits.maxDirectoryBytes));
    try {
      const v = header.test(ascii(b, 0, 40)) ? parsePdfValue(b, 1) : undefined;
      return v && v.t === "dict" ? v : undefined;
    } catch {
      return undefined;
    }
  };
  for (const s of sections) {
    const at = s.offsetOf(ref.n);
    if (at !== undefined) {
      const v = objectAt(at - 1);
      if (v) return v;
      break;
    }
  }
  return findBack(src, asciiBytes(`${ref.n} ${ref.g} obj`), ctx, (at) => objectAt(at - 1));
}

function methodOf(enc: PdfValue): string {
  const v = num(get(enc, "V")) || 0;
  if (v >= 5) return "pdf-aes-256";
  if (v === 4) {
    const cfName = name(get(enc, "StmF")) || "StdCF";
    const cfm = name(get(get(get(enc, "CF"), cfName), "CFM"));
    return cfm === "AESV2" ? "pdf-aes-128" : "pdf-rc4-128";
  }
  const bits = num(get(enc, "Length")) || 40;
  return v === 1 || bits <= 40 ? "pdf-rc4-40" : "pdf-rc4-128";
}

export function inspectPdf(src: ByteSource, ctx: InspectContext): InspectionResult {
  const sections: XrefSection[] = [];
  let trailer: PdfValue | undefined;
  let recovered = "";
  try {
    let at: number | undefined = startXref(src);
    const seen = new Set<number>();
    // Incremental updates chain sections through /Prev; the newest trailer comes first.
    while (at !== undefined && !seen.has(at) && sections.length < MAX_SECTIONS) {
      seen.add(at);
      const s = section(src, at, ctx);
      sections.push(s);
      if (get(s.trailer, "Encrypt")) break;
      at = num(get(s.trailer, "Prev"));
    }
    const s = sections.find((x) => get(x.trailer, "Encrypt"));
    if (!s) return plainResult("pdf");
    trailer = s.trailer;
  } catch (e) {
    if (!(e instanceof Malformed)) throw e;
    // A damaged or shifted startxref or xref table, which readers recover from by scanning the
    // file: so do we, for the newest trailer with /Encrypt (an encrypted file must have one).
    recovered = "damaged cross-reference data, recovered; ";
    trailer = findBack(src, ENCRYPT, ctx, (at) => trailerAround(src, at));
    if (!trailer)
      return findBack(src, TRAILER, ctx, () => 1) || findBack(src, XREF, ctx, () => 1)
        ? plainResult("pdf", `${recovered}not encrypted`)
        : unreadable("pdf", `damaged PDF: ${e.message}`);
  }
  const r = judge(src, sections, trailer, ctx);
  r.detail = recovered + r.detail;
  return r;
}

function judge(
  src: ByteSource,
  sections: XrefSection[],
  trailer: PdfValue,
  ctx: InspectContext,
): InspectionResult {
  const enc = encryptDictionary(src, sections, get(trailer, "Encrypt"), ctx);
  // Readers open a file whose /Encrypt leads nowhere without asking for a password (pdf.js, for one,
  // then ignores /Encrypt): it is not password-protected.
  if (!enc)
    return plainResult("pdf", "encryption dictionary missing or unreadable: opens without a password");
  const filter = name(get(enc, "Filter"));
  if (filter !== "Standard")
    return protectedResult(
      "pdf",
      "pdf-certificate",
      `encrypted PDF with the ${filter || "unknown"} security handler`,
    );
  // Crypt filters (V 4 and 5): Acrobat's "encrypt only file attachments" leaves streams and strings
  // to /Identity and encrypts embedded files through /EFF. The document opens without a password,
  // but its attachments need one, and a recipient's scanner cannot look into them: the password
  // travels separately and the content goes unchecked, which is the PPAP problem. So it is protected,
  // under a method of its own (pdf-attachments-encrypted), so that a policy or a script can tell it
  // from a PDF that needs a password to open. With an empty user password the attachments open
  // freely too, and the check below makes it `restricted` like any PDF that opens without one.
  // Absent /StmF and /StrF mean /Identity (ISO 32000-1, 7.6.5); an absent /EFF means /StmF's filter.
  const cf = (k: string) => name(get(enc, k)) || "Identity";
  const attachmentsOnly =
    (num(get(enc, "V")) || 0) > 3 &&
    cf("StmF") + cf("StrF") === "IdentityIdentity" &&
    cf("EFF") !== "Identity";
  const method = attachmentsOnly ? "pdf-attachments-encrypted" : methodOf(enc);
  const id = get(trailer, "ID");
  const em = get(enc, "EncryptMetadata");
  const O = str(get(enc, "O"));
  const U = str(get(enc, "U"));
  const R = num(get(enc, "R"));
  const P = num(get(enc, "P"));
  if (!O || !U || R === undefined || P === undefined)
    return protectedResult("pdf", method, "encrypted PDF; its password check values are missing");
  try {
    const free = opensWithoutPassword({
      R,
      O,
      U,
      P,
      keyLengthBits: num(get(enc, "Length")) || 40,
      id0: (id && id.t === "arr" && str(id.v[0])) || new Uint8Array(0),
      encryptMetadata: !em || em.t !== "bool" || em.v,
    });
    if (free)
      return {
        format: "pdf",
        passwordProtected: false,
        method: "restricted",
        detail: `opens without a password; an owner password restricts printing or editing (${method})`,
      };
    return protectedResult(
      "pdf",
      method,
      attachmentsOnly
        ? "opens without a password, but its embedded files need one"
        : "PDF that needs a password to open",
    );
  } catch {
    return protectedResult("pdf", method, `encrypted PDF with security revision ${R}`);
  }
}
