import { zipSync, strToU8 } from "fflate";
import { base64Source, inspectBase64, inspectBytes } from "../../src/core/attachments";
import { fixture, toBase64 } from "../helpers/fixtures";

// No Debian package writes RAR, so these archives are built byte by byte from the RAR 4 and RAR 5
// format descriptions: only the fields the inspector reads are meaningful (CRCs are zero).
function rar4(fileFlags: number, mainFlags = 0): Uint8Array {
  const sig = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00];
  const main = [0, 0, 0x73, mainFlags & 0xff, mainFlags >> 8, 13, 0, 0, 0, 0, 0, 0, 0];
  const name = Array.from(strToU8("a.txt"));
  const headSize = 32 + name.length;
  const flags = fileFlags | 0x8000;
  // Block head (7), PACK_SIZE, UNP_SIZE, HOST_OS, FILE_CRC, FTIME, UNP_VER, METHOD, NAME_SIZE, ATTR, name.
  const file = [
    0,
    0,
    0x74,
    flags & 0xff,
    flags >> 8,
    headSize,
    0,
    ...[4, 0, 0, 0],
    ...[4, 0, 0, 0],
    0,
    ...[0, 0, 0, 0],
    ...[0, 0, 0, 0],
    0x14,
    0x30,
    name.length,
    0,
    ...[0x20, 0, 0, 0],
    ...name,
  ];
  const data = [1, 2, 3, 4];
  const end = [0, 0, 0x7b, 0, 0x40, 7, 0];
  return Uint8Array.from([...sig, ...main, ...file, ...data, ...end]);
}

function vint(n: number): number[] {
  const out: number[] = [];
  do {
    out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  return out;
}

function rar5Block(type: number, fields: number[], extra: number[] = [], dataSize = 0): number[] {
  const flags = (extra.length ? 1 : 0) | (dataSize ? 2 : 0);
  const body = [
    ...vint(type),
    ...vint(flags),
    ...(extra.length ? vint(extra.length) : []),
    ...(dataSize ? vint(dataSize) : []),
    ...fields,
    ...extra,
  ];
  return [0, 0, 0, 0, ...vint(body.length), ...body];
}

function rar5(opts: { encryptedFile?: boolean; encryptedHeaders?: boolean }): Uint8Array {
  const sig = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00];
  const parts: number[] = [...sig];
  if (opts.encryptedHeaders) parts.push(...rar5Block(4, [0, 0, 0x0f, ...new Array(16).fill(7)]));
  parts.push(...rar5Block(1, [0]));
  const name = Array.from(strToU8("a.txt"));
  // file flags, unpacked size, attributes, compression info, host OS, name length, name
  const fileFields = [0, 4, 0x20, 0, 0, name.length, ...name];
  const encRecord = opts.encryptedFile
    ? [...vint(1 + 1 + 1 + 1 + 16 + 16), 1, 0, 0, 15, ...new Array(32).fill(9)]
    : [];
  const timeRecord = [...vint(2 + 4), 3, 2, 1, 2, 3, 4];
  parts.push(...rar5Block(2, fileFields, [...timeRecord, ...encRecord], 4), 1, 2, 3, 4);
  parts.push(...rar5Block(5, [0]));
  return Uint8Array.from(parts);
}

describe("RAR", () => {
  it("RAR 4: a file header with the password flag is protected", () => {
    expect(inspectBytes(rar4(0x0004))).toMatchObject({
      format: "rar",
      passwordProtected: true,
      method: "rar4-aes",
    });
  });
  it("RAR 4: plain files are not", () => {
    expect(inspectBytes(rar4(0))).toMatchObject({ format: "rar", passwordProtected: false });
  });
  it("RAR 4: encrypted headers are protected", () => {
    expect(inspectBytes(rar4(0, 0x0080))).toMatchObject({ passwordProtected: true, method: "rar4-headers" });
  });
  it("RAR 5: a file encryption record is protected", () => {
    expect(inspectBytes(rar5({ encryptedFile: true }))).toMatchObject({
      passwordProtected: true,
      method: "rar5-aes",
    });
  });
  it("RAR 5: plain files are not", () => {
    expect(inspectBytes(rar5({}))).toMatchObject({ format: "rar", passwordProtected: false });
  });
  it("RAR 5: an archive encryption header hides everything", () => {
    expect(inspectBytes(rar5({ encryptedHeaders: true }))).toMatchObject({
      passwordProtected: true,
      method: "rar5-headers",
    });
  });
  it("truncated RAR is unreadable, not plain", () => {
    const r = rar5({});
    expect(inspectBytes(r.subarray(0, 20)).passwordProtected).toBeNull();
  });
});

describe("ZIP edge cases", () => {
  it("finds the central directory behind a prefix (self-extractor style), by its offsets", () => {
    const zip = fixture("zipcrypto.zip");
    // Keep a ZIP signature first so the content is sniffed as ZIP, then shift everything by 100 bytes.
    const prefixed = new Uint8Array(zip.length + 100);
    prefixed.set(zip.subarray(0, 4), 0);
    prefixed.set(zip, 100);
    expect(inspectBytes(prefixed)).toMatchObject({ passwordProtected: true, method: "zipcrypto" });
  });

  it("takes the real end record when the archive comment contains the signature", () => {
    const zip = zipSync({ "a.txt": strToU8("hello") }, { comment: "PK\u0005\u0006 not a record" });
    expect(inspectBytes(zip)).toMatchObject({ format: "zip", passwordProtected: false });
  });

  it("an Office Open XML file is a plain document, not an archive to worry about", () => {
    const docx = zipSync({
      "[Content_Types].xml": strToU8("<Types/>"),
      "word/document.xml": strToU8("<w/>"),
    });
    expect(inspectBytes(docx)).toMatchObject({ format: "ooxml", passwordProtected: false });
  });

  it("does not open nested archives beyond maxDepth", () => {
    expect(inspectBytes(fixture("nested-zip.zip"), { maxDepth: 0 }).passwordProtected).toBe(false);
    expect(inspectBytes(fixture("deep-nested.zip"), { maxDepth: 1 }).passwordProtected).toBe(false);
    expect(inspectBytes(fixture("deep-nested.zip"), { maxDepth: 2 }).passwordProtected).toBe(true);
  });

  it("stops looking inside when the decompression budget is spent", () => {
    expect(inspectBytes(fixture("nested-deflated.zip"), { nestedBudgetBytes: 10 }).passwordProtected).toBe(
      false,
    );
  });

  it("a bomb that lies about its size is cut at the declared size", () => {
    const inner = new Uint8Array(8 * 1024 * 1024);
    inner.set([0x50, 0x4b, 0x03, 0x04]);
    const zip = zipSync({ "inner.zip": inner }, { level: 9 });
    // Patch the declared uncompressed size in the central directory to 64 bytes.
    const view = new DataView(zip.buffer);
    const cd = zip.length - 22 - view.getUint32(zip.length - 22 + 12, true);
    view.setUint32(cd + 24, 64, true);
    const r = inspectBytes(zip);
    expect(r.format).toBe("zip");
    expect(r.passwordProtected).toBe(false);
  });

  it("an empty archive is plain", () => {
    expect(inspectBytes(zipSync({}))).toMatchObject({ format: "zip", passwordProtected: false });
  });
});

describe("Base64 input", () => {
  const zip = fixture("zipcrypto.zip");

  it("decodes only the ranges it reads", () => {
    const src = base64Source(toBase64(zip));
    expect(src.size).toBe(zip.length);
    expect(Array.from(src.read(zip.length - 22, 4))).toEqual([0x50, 0x4b, 0x05, 0x06]);
    expect(Array.from(src.read(1, 3))).toEqual(Array.from(zip.subarray(1, 4)));
    expect(src.read(zip.length + 10, 5).length).toBe(0);
  });

  it("accepts a data: URL", () => {
    expect(inspectBase64("data:application/zip;base64," + toBase64(zip)).passwordProtected).toBe(true);
  });

  it("copes with a stray space in the middle, which only a range read can find", () => {
    const b64 = toBase64(zip);
    const noisy = b64.slice(0, 300) + " " + b64.slice(300);
    expect(inspectBase64(noisy)).toEqual(inspectBytes(zip));
  });

  it("text that is not Base64 is unreadable, not a crash", () => {
    const r = inspectBase64("this is not base64 at all!");
    expect(r.passwordProtected === false || r.passwordProtected === null).toBe(true);
    expect(inspectBase64("").passwordProtected).toBe(false);
    expect(inspectBase64("A").passwordProtected).toBeNull();
  });
});

describe("decides by content", () => {
  it("a password ZIP named .dat is protected; text named .zip is not", () => {
    expect(inspectBytes(fixture("zipcrypto-named.dat")).passwordProtected).toBe(true);
    expect(inspectBytes(fixture("text-named.zip"))).toEqual({ format: "other", passwordProtected: false });
  });
  it("a PDF header after leading junk is still a PDF", () => {
    const pdf = fixture("aes256.pdf");
    const junk = new Uint8Array(pdf.length + 10);
    junk.set(pdf, 10);
    expect(inspectBytes(junk)).toMatchObject({ format: "pdf" });
  });
});
