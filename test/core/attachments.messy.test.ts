import fc from "fast-check";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { crc32 as zlibCrc32 } from "node:zlib";
import {
  type ByteSource,
  bytesSource,
  inspectBase64,
  inspectBytes,
  inspectSource,
} from "../../src/core/attachments";
import { FIXTURES, fixture, toBase64 } from "../helpers/fixtures";

// Attachments made by other tools than ours, and real files damaged the way gateways and careless
// tools damage them (issue #14, item 4): test/fixtures/make-messy-fixtures.sh made every file here.
const messy = (name: string) => fixture(join("messy", name));

const expected: Record<
  string,
  [format: string, passwordProtected: boolean | null, method: string | undefined, detail: RegExp]
> = {
  // Self-extracting and prefixed archives (item 1)
  "sfx-zipcrypto.exe": ["zip", true, "zipcrypto", /self-extracting/],
  "sfx-7z-aes.exe": ["7z", true, "7z-aes", /self-extracting/],
  "sfx-aes256-zip.sh": ["zip", true, "aes-256", /self-extracting/],
  "sfx-plain-zip.sh": ["zip", false, undefined, /self-extracting.*none encrypted/],
  "sfx-aes.7z.sh": ["7z", true, "7z-aes", /self-extracting/],
  "sfx-plain.7z.sh": ["7z", false, undefined, /self-extracting.*none encrypted/],
  "sfx-header-encrypted.7z.sh": ["7z", true, "7z-aes", /self-extracting.*encrypted headers/],
  "stub-only.sh": ["other", false, undefined, /^/],
  // 7z headers packed with other coders than LZMA (item 2)
  "lzma2-header-aes.7z": ["7z", true, "7z-aes", /encrypted with AES/],
  "lzma2-header-plain.7z": ["7z", false, undefined, /none encrypted/],
  "py7zr-header-encrypted.7z": ["7z", true, "7z-aes", /encrypted headers/],
  "copy-header.7z": ["7z", false, undefined, /none encrypted/],
  "deflate-header.7z": ["7z", false, undefined, /none encrypted/],
  "bzip2-header.7z": ["7z", null, undefined, /BZip2/],
  // PDFs with damaged cross-reference data (item 3a)
  "shifted-aes256.pdf": ["pdf", true, "pdf-aes-256", /recovered/],
  "shifted-aes256-xrefstream.pdf": ["pdf", true, "pdf-aes-256", /recovered/],
  "shifted-restricted-rc4-128.pdf": ["pdf", false, "restricted", /recovered.*opens without a password/],
  "shifted-plain.pdf": ["pdf", false, undefined, /recovered.*not encrypted/],
  "junk-before-header-aes256.pdf": ["pdf", true, "pdf-aes-256", /recovered/],
  "bad-startxref-rc4-40.pdf": ["pdf", true, "pdf-rc4-40", /recovered/],
  "bad-xref-entry-aes128.pdf": ["pdf", true, "pdf-aes-128", /needs a password/],
  // /Encrypt leading nowhere (item 3b)
  "missing-encrypt-aes256.pdf": ["pdf", false, undefined, /encryption dictionary missing or unreadable/],
  "corrupt-encrypt-aes256.pdf": ["pdf", false, undefined, /encryption dictionary missing or unreadable/],
  // Attachments (item 3c)
  "attachments-encrypted.pdf": ["pdf", true, "pdf-attachments-encrypted", /embedded files need one/],
  "attachment-aes256.pdf": ["pdf", true, "pdf-aes-256", /needs a password/],
  "attachment-plain.pdf": ["pdf", false, undefined, /^/],
};

describe("attachments made by other tools (make-messy-fixtures.sh)", () => {
  it("has an expectation for every fixture file and a file for every expectation", () => {
    const files = readdirSync(join(FIXTURES, "messy"), { withFileTypes: true }).filter((f) => f.isFile());
    expect(files.map((f) => f.name).sort()).toEqual(Object.keys(expected).sort());
  });

  describe.each(Object.entries(expected))("%s", (file, [format, passwordProtected, method, detail]) => {
    const bytes = messy(file);

    it("from bytes", () => {
      const r = inspectBytes(bytes);
      expect({ format: r.format, passwordProtected: r.passwordProtected, method: r.method }).toEqual({
        format,
        passwordProtected,
        method,
      });
      expect(r.detail ?? "").toMatch(detail);
    });

    it("from Base64, with the same result", () => {
      expect(inspectBase64(toBase64(bytes))).toEqual(inspectBytes(bytes));
    });
  });

  it("Base64 with stray spaces where only the search behind a stub reads them has the same result", () => {
    // The last one: a ZIP behind a stub of more than 4 MB, whose end only the ZIP search reads.
    const bigSfx = Buffer.concat([Buffer.alloc(4500000), fixture("zipcrypto.zip")]);
    for (const bytes of [
      messy("sfx-zipcrypto.exe"),
      messy("sfx-7z-aes.exe"),
      messy("shifted-aes256.pdf"),
      bigSfx,
    ]) {
      const b64 = toBase64(bytes);
      for (const at of [1500, b64.length - 1500, b64.length >> 1]) {
        // Four spaces keep the length a multiple of four, so the noise is met only by a range read.
        const noisy = b64.slice(0, at) + "    " + b64.slice(at);
        expect(inspectBase64(noisy)).toEqual(inspectBytes(bytes));
      }
    }
    expect(inspectBytes(bigSfx)).toMatchObject({ format: "zip", passwordProtected: true });
  });
});

/** Counts what the inspector reads. */
function counting(b: Uint8Array): ByteSource & { bytesRead: number } {
  const inner = bytesSource(b);
  const src = {
    size: inner.size,
    bytesRead: 0,
    read(offset: number, length: number) {
      const out = inner.read(offset, length);
      src.bytesRead += out.length;
      return out;
    },
  };
  return src;
}

const join2 = (...parts: ArrayLike<number>[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const text = (s: string) => Uint8Array.from(Buffer.from(s, "latin1"));
const STUB = text('#!/bin/sh\n# installer\ntail -n +5 "$0" | bsdtar -xf -\nexit 0\n');

describe("self-extracting archives: bounds and false signatures", () => {
  const plain7z = fixture("plain.7z");
  const aes7z = fixture("aes.7z");

  it("finds a 7z behind a large stub within the first 4 MB, and not beyond", () => {
    const near = join2(new Uint8Array(3 * 1024 * 1024), aes7z);
    expect(inspectBytes(near)).toMatchObject({ format: "7z", passwordProtected: true, method: "7z-aes" });
    const far = join2(new Uint8Array(4 * 1024 * 1024 + 10), aes7z);
    expect(inspectBytes(far)).toEqual({ format: "other", passwordProtected: false });
  });

  it.each([
    ["zeros", [0]],
    ["7z signatures", [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
    ["RAR 4 signatures", [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00, 0xff, 0xff, 0x73, 0, 0, 0xff, 0xff]],
    ["RAR 5 signatures", [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00, 1, 2, 3, 4, 0xff, 0xff, 0x7f]],
  ])("reads only the first 4 MB (and the end) of a large file full of %s", (_, pattern) => {
    const big = new Uint8Array(12 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = pattern[i % pattern.length];
    big[0] = 0x4d;
    const src = counting(big);
    expect(inspectSource(src)).toEqual({ format: "other", passwordProtected: false });
    expect(src.bytesRead).toBeLessThan(4 * 1024 * 1024 + 256 * 1024);
  });

  it("skips a 7z signature whose start header CRC does not match (a stub's own data)", () => {
    const decoy = aes7z.slice(0, 32);
    decoy[9] ^= 0xff;
    expect(inspectBytes(join2(STUB, decoy, new Uint8Array(100)))).toEqual({
      format: "other",
      passwordProtected: false,
    });
    expect(inspectBytes(join2(STUB, decoy, plain7z))).toMatchObject({
      format: "7z",
      passwordProtected: false,
    });
  });

  it("a ZIP end record at the end of a non-ZIP file, with no central directory, is not a ZIP", () => {
    const eocd = [0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 1, 0, 1, 0, 46, 0, 0, 0, 7, 0, 0, 0, 0, 0];
    expect(inspectBytes(join2(STUB, new Uint8Array(64), eocd))).toEqual({
      format: "other",
      passwordProtected: false,
    });
  });

  it("a truncated 7z behind a stub is a 7z that could not be read, not 'other'", () => {
    const r = inspectBytes(join2(STUB, aes7z.subarray(0, 40)));
    expect(r).toMatchObject({ format: "7z", passwordProtected: null });
  });

  it("never throws on random stubs in front of archive signatures, and reads a bounded amount", () => {
    const sigs = [
      [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c],
      [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00],
      [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00],
      [0x50, 0x4b, 0x05, 0x06],
    ];
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 600 }),
        fc.constantFrom(...sigs),
        fc.uint8Array({ maxLength: 600 }),
        (stub, sig, tail) => {
          stub[0] = 0x4d; // "M", as in MZ: no format starts so
          const b = join2(stub, sig, tail);
          const src = counting(b);
          const r = inspectSource(src);
          expect([true, false, null]).toContain(r.passwordProtected);
          expect(src.bytesRead).toBeLessThanOrEqual(64 * 1024 * 1024 + 16 * b.length);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

// No Debian tool writes RAR: these archives are built byte by byte from the RAR 4 and RAR 5 format
// descriptions, with real header CRCs (which finding a RAR behind a stub checks).
const crc = (b: number[]) => zlibCrc32(Uint8Array.from(b)) >>> 0;
const le16 = (n: number) => [n & 0xff, n >> 8];
const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];

function rar4Block(type: number, flags: number, body: number[], data: number[] = []): number[] {
  const head = [type, ...le16(flags), ...le16(7 + body.length), ...body];
  return [...le16(crc(head) & 0xffff), ...head, ...data];
}

function rar4(opts: { encrypted?: boolean; end?: boolean }): Uint8Array {
  const name = Array.from(text("a.txt"));
  const data = [1, 2, 3, 4];
  // PACK_SIZE, UNP_SIZE, HOST_OS, FILE_CRC, FTIME, UNP_VER, METHOD, NAME_SIZE, ATTR, name
  const fileBody = [
    ...le32(4),
    ...le32(4),
    0,
    ...le32(0),
    ...le32(0),
    0x14,
    0x30,
    ...le16(5),
    ...le32(0x20),
    ...name,
  ];
  return Uint8Array.from([
    ...[0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00],
    ...rar4Block(0x73, 0, [0, 0, 0, 0, 0, 0]),
    ...rar4Block(0x74, 0x8000 | (opts.encrypted ? 0x0004 : 0), fileBody, data),
    ...(opts.end === false ? [] : rar4Block(0x7b, 0x4000, [])),
  ]);
}

function vint(n: number): number[] {
  const out: number[] = [];
  do {
    out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  return out;
}

function rar5Block(type: number, fields: number[], extra: number[] = [], data: number[] = []): number[] {
  const flags = (extra.length ? 1 : 0) | (data.length ? 2 : 0);
  const body = [
    ...vint(type),
    ...vint(flags),
    ...(extra.length ? vint(extra.length) : []),
    ...(data.length ? vint(data.length) : []),
    ...fields,
    ...extra,
  ];
  const head = [...vint(body.length), ...body];
  return [...le32(crc(head)), ...head, ...data];
}

function rar5(opts: { encrypted?: boolean; end?: boolean }): Uint8Array {
  const name = Array.from(text("a.txt"));
  // file flags, unpacked size, attributes, compression info, host OS, name length, name
  const fileFields = [0, 4, 0x20, 0, 0, name.length, ...name];
  const encRecord = opts.encrypted
    ? [...vint(1 + 1 + 1 + 1 + 16 + 16), 1, 0, 0, 15, ...new Array(32).fill(9)]
    : [];
  return Uint8Array.from([
    ...[0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00],
    ...rar5Block(1, [0]),
    ...rar5Block(2, fileFields, encRecord, [1, 2, 3, 4]),
    ...(opts.end === false ? [] : rar5Block(5, [0])),
  ]);
}

describe("RAR without an end-of-archive block (item 4)", () => {
  it.each([
    ["RAR 4", rar4],
    ["RAR 5", rar5],
  ])("%s: judged from the headers that were read", (_, make) => {
    expect(inspectBytes(make({}))).toMatchObject({ format: "rar", passwordProtected: false });
    expect(inspectBytes(make({ end: false }))).toMatchObject({
      format: "rar",
      passwordProtected: false,
      detail: expect.stringMatching(/no end-of-archive block/),
    });
    expect(inspectBytes(make({ end: false, encrypted: true }))).toMatchObject({
      format: "rar",
      passwordProtected: true,
    });
  });

  it.each([
    ["RAR 4", rar4],
    ["RAR 5", rar5],
  ])("%s: cut inside the data of its last file, it is still unreadable (the rest is unknown)", (_, make) => {
    const r = make({ end: false });
    expect(inspectBytes(r.subarray(0, r.length - 2))).toMatchObject({
      format: "rar",
      passwordProtected: null,
    });
  });
});

describe("RAR behind a stub (item 1)", () => {
  it.each([
    ["RAR 4", rar4, "rar4-aes"],
    ["RAR 5", rar5, "rar5-aes"],
  ])("%s self-extracting archive with an encrypted file is protected", (_, make, method) => {
    const r = inspectBytes(join2(STUB, make({ encrypted: true })));
    expect(r).toMatchObject({ format: "rar", passwordProtected: true, method });
    expect(r.detail).toMatch(/self-extracting/);
    expect(inspectBytes(join2(STUB, make({})))).toMatchObject({ format: "rar", passwordProtected: false });
  });

  it("a RAR signature in the stub itself (as SFX modules carry one) is passed over", () => {
    const decoy = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const r = inspectBytes(join2(STUB, decoy, rar5({ encrypted: true })));
    expect(r).toMatchObject({ format: "rar", passwordProtected: true, method: "rar5-aes" });
  });

  it("a RAR whose first header CRC is wrong is not taken for an archive", () => {
    const r = rar5({ encrypted: true });
    r[8] ^= 1;
    expect(inspectBytes(join2(STUB, r))).toEqual({ format: "other", passwordProtected: false });
  });
});

describe("7z header coders (item 2)", () => {
  /** A 7z archive whose (encoded) header is `next`, with correct start header CRCs. */
  function sevenZip(pack: number[], next: number[]): Uint8Array {
    const nh = [...le32(pack.length), 0, 0, 0, 0, ...le32(next.length), 0, 0, 0, 0, ...le32(crc(next))];
    return Uint8Array.from([
      0x37,
      0x7a,
      0xbc,
      0xaf,
      0x27,
      0x1c,
      0,
      4,
      ...le32(crc(nh)),
      ...nh,
      ...pack,
      ...next,
    ]);
  }
  // kEncodedHeader, pack info (one stream of 16 bytes at 0), one folder with the given coders, sizes.
  const encoded = (folder: number[], outputs: number) => [
    ...[0x17, 0x06, 0x00, 0x01, 0x09, 0x10, 0x00, 0x07, 0x0b, 0x01, 0x00],
    ...folder,
    0x0c,
    ...new Array(outputs).fill(0x10),
    0x00,
    0x00,
  ];
  const BZIP2 = [0x03, 0x04, 0x02, 0x02];
  const AES = [0x24, 0x06, 0xf1, 0x07, 0x01, 0x02, 0x03, 0x00];
  const PPMD = [0x23, 0x03, 0x04, 0x01, 0x05, 0x06, 0, 0, 0, 1];

  it("a header packed with a coder we cannot unpack is unreadable, and the detail names the coder", () => {
    const r = inspectBytes(sevenZip(new Array(16).fill(0), encoded([0x01, ...PPMD], 1)));
    expect(r).toMatchObject({ format: "7z", passwordProtected: null, detail: expect.stringMatching(/PPMd/) });
    const unknown = inspectBytes(sevenZip(new Array(16).fill(0), encoded([0x01, 0x02, 0x44, 0x55], 1)));
    expect(unknown.detail).toMatch(/coder 4455/);
  });

  it("a header whose coder chain has AES is an encrypted header, whatever else the chain holds", () => {
    // AES, then BZip2: output 1 of BZip2 bound to input 0 of AES (bind pair 0 <- 1), one packed stream.
    const folder = [0x02, ...AES, ...BZIP2, 0x00, 0x01];
    const r = inspectBytes(sevenZip(new Array(16).fill(0), encoded(folder, 2)));
    expect(r).toMatchObject({ format: "7z", passwordProtected: true, method: "7z-aes" });
  });
});

describe("PDF crypt filters (item 3c)", () => {
  const eff = messy("attachments-encrypted.pdf");
  /** The same file with its crypt filter names replaced (same length, so the offsets stay right). */
  const withFilters = (replacement: string) => {
    const s = Buffer.from(eff).toString("latin1");
    const old = "/StmF /Identity /StrF /Identity /EFF /StdCF";
    expect(replacement.length).toBe(old.length);
    expect(s).toContain(old);
    return Uint8Array.from(Buffer.from(s.replace(old, replacement), "latin1"));
  };

  it("streams and strings encrypted too: a PDF that needs a password to open, not 'attachments only'", () => {
    const r = inspectBytes(withFilters("/StmF /StdCF    /StrF /StdCF    /EFF /StdCF"));
    expect(r).toMatchObject({ format: "pdf", passwordProtected: true, method: "pdf-aes-128" });
  });

  it("strings only encrypted: still the whole document", () => {
    const r = inspectBytes(withFilters("/StmF /Identity /StrF /StdCF    /EFF /StdCF"));
    expect(r.method).not.toBe("pdf-attachments-encrypted");
    expect(r.passwordProtected).toBe(true);
  });

  it("no /EFF (it then defaults to /StmF, /Identity): not 'attachments only', the password check decides", () => {
    const r = inspectBytes(withFilters("/StmF /Identity /StrF /Identity            "));
    expect(r.method).not.toBe("pdf-attachments-encrypted");
  });
});
