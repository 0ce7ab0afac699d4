import fc from "fast-check";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { type ByteSource, bytesSource, inspectBase64, inspectSource } from "../../src/core/attachments";
import { FIXTURES, fixture, toBase64 } from "../helpers/fixtures";

const FORMATS = [
  "zip",
  "ooxml",
  "odf",
  "7z",
  "rar",
  "pdf",
  "office-encrypted",
  "doc",
  "xls",
  "ppt",
  "ole",
  "other",
];

/** Counts what the inspector reads, so "bounded work" can be asserted without a clock. */
function counting(b: Uint8Array): ByteSource & { bytesRead: number; reads: number } {
  const inner = bytesSource(b);
  const src = {
    size: inner.size,
    bytesRead: 0,
    reads: 0,
    read(offset: number, length: number) {
      const out = inner.read(offset, length);
      src.bytesRead += out.length;
      src.reads++;
      return out;
    },
  };
  return src;
}

function wellFormed(r: ReturnType<typeof inspectSource>): void {
  expect(FORMATS).toContain(r.format);
  expect([true, false, null]).toContain(r.passwordProtected);
  if (r.passwordProtected === null) expect(typeof r.detail).toBe("string");
}

// A budget far above what these small inputs need, far below "runaway": the nested budget (64 MiB)
// plus a few passes over the input.
const boundFor = (size: number) => 64 * 1024 * 1024 + 16 * size + 1024 * 1024;

// The fixtures of make-fixtures.sh and make-messy-fixtures.sh (self-extracting archives, damaged PDFs …).
const seeds = [
  ...readdirSync(FIXTURES, { withFileTypes: true })
    .filter((f) => f.isFile())
    .map((f) => fixture(f.name)),
  ...readdirSync(join(FIXTURES, "messy"), { withFileTypes: true })
    .filter((f) => f.isFile())
    .map((f) => fixture(join("messy", f.name))),
];

// Magic numbers, so random inputs reach every format's parser rather than stopping at "other".
const magics = [
  [0x50, 0x4b, 0x03, 0x04],
  [0x50, 0x4b, 0x05, 0x06],
  [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c],
  [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00],
  [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00],
  [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
  [0x25, 0x50, 0x44, 0x46, 0x2d],
];

describe("the inspector on hostile input", () => {
  it("never throws on random bytes behind any magic number, and reads a bounded amount", () => {
    fc.assert(
      fc.property(fc.constantFrom(...magics), fc.uint8Array({ maxLength: 4096 }), (magic, tail) => {
        const b = Uint8Array.from([...magic, ...tail]);
        const src = counting(b);
        wellFormed(inspectSource(src));
        expect(src.bytesRead).toBeLessThanOrEqual(boundFor(b.length));
      }),
      { numRuns: 1500 },
    );
  });

  it("never throws on mutated real files (flipped bytes, truncations), and reads a bounded amount", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }),
        fc.option(fc.nat()),
        (seed, flips, cut) => {
          const b = seed.slice(0, cut === null ? seed.length : cut % (seed.length + 1));
          for (const [at, v] of flips) if (b.length) b[at % b.length] = v;
          const src = counting(b);
          wellFormed(inspectSource(src));
          expect(src.bytesRead).toBeLessThanOrEqual(boundFor(b.length));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("never throws on arbitrary strings given as Base64", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (s) => wellFormed(inspectBase64(s))),
      { numRuns: 500 },
    );
  });

  it("Base64 and bytes agree on mutated files", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        (seed, flips) => {
          const b = seed.slice();
          for (const [at, v] of flips) if (b.length) b[at % b.length] = v;
          expect(inspectBase64(toBase64(b))).toEqual(inspectSource(bytesSource(b)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
