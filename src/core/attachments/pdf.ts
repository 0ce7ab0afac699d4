import { ascii, asciiBytes, indexOf, lastIndexOf, Malformed } from "./bytes";
import { type InspectContext, plainResult, protectedResult, unreadable } from "./context";
import { inflateCapped } from "./inflate";
import { opensWithoutPassword } from "./pdfcrypto";
import { get, name, num, parsePdfValue, type PdfValue, str } from "./pdfsyntax";
import type { ByteSource } from "./source";
import type { InspectionResult } from "./types";

const STARTXREF = asciiBytes("startxref");
const TRAILER = asciiBytes("trailer");
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
  const length = num(get(obj, "Length")) ?? 0;
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
  const widths = w && w.t === "arr" ? w.v.map((x) => num(x) ?? 0) : [];
  if (widths.length !== 3 || widths.some((x) => x < 0 || x > 8)) throw new Malformed("bad xref stream /W");
  const rowLen = widths[0] + widths[1] + widths[2];
  const parms = get(obj, "DecodeParms");
  const predictor = num(get(parms, "Predictor")) ?? 1;
  if (predictor >= 10) data = unpredict(data, num(get(parms, "Columns")) ?? rowLen);
  const index = get(obj, "Index");
  const ranges =
    index && index.t === "arr" ? index.v.map((x) => num(x) ?? 0) : [0, num(get(obj, "Size")) ?? 0];
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

/** The encryption dictionary, inline in the trailer or as an object found through the xref chain. */
function encryptDictionary(
  src: ByteSource,
  sections: XrefSection[],
  ref: PdfValue,
  ctx: InspectContext,
): PdfValue {
  if (ref.t === "dict") return ref;
  if (ref.t !== "ref") throw new Malformed("bad /Encrypt entry");
  for (const s of sections) {
    const at = s.offsetOf(ref.n);
    if (at !== undefined) return parsePdfValue(src.read(at, Math.min(WINDOW, ctx.limits.maxDirectoryBytes)));
  }
  throw new Malformed(`encryption dictionary ${ref.n} ${ref.g} R not found`);
}

function methodOf(enc: PdfValue): string {
  const v = num(get(enc, "V")) ?? 0;
  if (v >= 5) return "pdf-aes-256";
  if (v === 4) {
    const cfName = name(get(enc, "StmF")) ?? "StdCF";
    const cfm = name(get(get(get(enc, "CF"), cfName), "CFM"));
    return cfm === "AESV2" ? "pdf-aes-128" : "pdf-rc4-128";
  }
  const bits = num(get(enc, "Length")) ?? 40;
  return v === 1 || bits <= 40 ? "pdf-rc4-40" : "pdf-rc4-128";
}

export function inspectPdf(src: ByteSource, ctx: InspectContext): InspectionResult {
  let sections: XrefSection[];
  try {
    sections = [];
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
  } catch (e) {
    if (e instanceof Malformed) return unreadable("pdf", `damaged PDF: ${e.message}`);
    throw e;
  }
  const withEncrypt = sections.find((s) => get(s.trailer, "Encrypt"));
  if (!withEncrypt) return plainResult("pdf");
  let enc: PdfValue;
  try {
    enc = encryptDictionary(src, sections, get(withEncrypt.trailer, "Encrypt") as PdfValue, ctx);
  } catch (e) {
    if (!(e instanceof Malformed)) throw e;
    return protectedResult(
      "pdf",
      "pdf-encrypted",
      `encrypted PDF; its parameters could not be read (${e.message})`,
    );
  }
  const filter = name(get(enc, "Filter"));
  if (filter !== "Standard")
    return protectedResult(
      "pdf",
      "pdf-certificate",
      `encrypted PDF with the ${filter ?? "unknown"} security handler`,
    );
  const method = methodOf(enc);
  const id = get(withEncrypt.trailer, "ID");
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
      keyLengthBits: num(get(enc, "Length")) ?? 40,
      id0: (id && id.t === "arr" ? str(id.v[0]) : undefined) ?? new Uint8Array(0),
      encryptMetadata:
        get(enc, "EncryptMetadata")?.t !== "bool" || (get(enc, "EncryptMetadata") as { v: boolean }).v,
    });
    if (free)
      return {
        format: "pdf",
        passwordProtected: false,
        method: "restricted",
        detail: `opens without a password; an owner password restricts printing or editing (${method})`,
      };
    return protectedResult("pdf", method, "PDF that needs a password to open");
  } catch {
    return protectedResult("pdf", method, `encrypted PDF with security revision ${R}`);
  }
}
