import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Malformed } from "../../src/core/attachments/bytes";
import { lzma2Decode, lzmaDecode } from "../../src/core/attachments/lzma";

// LZMA-JS's encoder (a devDependency only): a second, independent encoder to check against.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const LZMAJS = require("lzma") as { compress(data: Uint8Array | string, mode: number): number[] };

const dir = join(__dirname, "../fixtures/lzma");
const input = readFileSync(join(dir, "input.bin"));

/** Splits an LZMA_Alone file into its properties and stream. */
function alone(file: Uint8Array): { props: Uint8Array; stream: Uint8Array } {
  return { props: file.subarray(0, 5), stream: file.subarray(13) };
}

function lzmaJs(data: Uint8Array, mode: number): Uint8Array {
  return Uint8Array.from(LZMAJS.compress(data, mode), (x) => x & 0xff);
}

describe("lzmaDecode", () => {
  const files = readdirSync(dir).filter((f) => f.endsWith(".lzma"));

  test("the xz fixtures exist", () => expect(files.length).toBeGreaterThanOrEqual(5));

  test.each(files)("decodes xz's %s to the input", (name) => {
    const { props, stream } = alone(readFileSync(join(dir, name)));
    expect(Buffer.from(lzmaDecode(props, stream, input.length)).equals(input)).toBe(true);
  });

  test.each(files)("stops at the end marker of %s when more was asked for", (name) => {
    const { props, stream } = alone(readFileSync(join(dir, name)));
    const out = lzmaDecode(props, stream, input.length + 100);
    expect(out.length).toBe(input.length);
    expect(Buffer.from(out).equals(input)).toBe(true);
  });

  test("decodes LZMA-JS's streams of many sizes and modes", () => {
    let seed = 1;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (const size of [0, 1, 2, 17, 300, 4096, 33000]) {
      for (const mode of [1, 5, 9]) {
        // Mostly a small alphabet (long matches, reps), with some random bytes (literals).
        const data = Uint8Array.from({ length: size }, () =>
          rand() < 0.9 ? 97 + Math.floor(rand() * 4) : Math.floor(rand() * 256),
        );
        const { props, stream } = alone(lzmaJs(data, mode));
        expect(Buffer.from(lzmaDecode(props, stream, size)).equals(Buffer.from(data))).toBe(true);
      }
    }
  });

  test("a truncated stream is Malformed, never a hang or a partial answer", () => {
    const { props, stream } = alone(readFileSync(join(dir, "lc_3-lp_0-pb_2.lzma")));
    for (const cut of [0, 3, 5, 100, stream.length >> 1])
      expect(() => lzmaDecode(props, stream.subarray(0, cut), input.length)).toThrow(Malformed);
  });

  test("corrupt streams throw Malformed or decode to other bytes, within the declared size", () => {
    const { props, stream } = alone(readFileSync(join(dir, "lc_3-lp_0-pb_2.lzma")));
    let seed = 9;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 200; i++) {
      const bad = Uint8Array.from(stream);
      bad[1 + Math.floor(rand() * (bad.length - 1))] ^= 1 + Math.floor(rand() * 255);
      try {
        const out = lzmaDecode(props, bad, input.length);
        expect(out.length).toBeLessThanOrEqual(input.length);
      } catch (e) {
        expect(e).toBeInstanceOf(Malformed);
      }
    }
  });

  test("bad properties are Malformed", () => {
    const { stream } = alone(readFileSync(join(dir, "lc_3-lp_0-pb_2.lzma")));
    expect(() => lzmaDecode(Uint8Array.of(225, 0, 0, 1, 0), stream, 10)).toThrow(Malformed);
    expect(() => lzmaDecode(Uint8Array.of(8 + 9 * 4, 0, 0, 1, 0), stream, 10)).toThrow(/too large/);
    expect(() => lzmaDecode(Uint8Array.of(93), stream, 10)).toThrow(Malformed);
    expect(() => lzmaDecode(Uint8Array.of(93, 0, 0, 1, 0), Uint8Array.of(1, 0, 0, 0, 0), 10)).toThrow(
      Malformed,
    );
  });
});

// Raw LZMA2 streams from xz, made by test/fixtures/make-messy-fixtures.sh: input.bin with two sets of
// lc/lp/pb, and "mixed": 70,000 incompressible bytes (SHA-256 of "0", "1" … in a row; xz puts them in
// an uncompressed chunk with a dictionary reset) and then input.bin (an LZMA chunk with new properties).
describe("lzma2Decode", () => {
  const dir2 = join(__dirname, "../fixtures/files/messy/lzma2");
  const stream = (name: string) => new Uint8Array(readFileSync(join(dir2, name)));
  const noise = Buffer.concat(
    Array.from({ length: 2188 }, (_, i) => createHash("sha256").update(String(i)).digest()),
  ).subarray(0, 70000);
  const mixed = Buffer.concat([noise, input]);
  const same = (a: Uint8Array, b: Uint8Array) => expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  /** Malformed, or (cut at a chunk boundary) shorter than asked: what the 7z reader rejects. */
  const rejected = (data: Uint8Array, size: number) => {
    try {
      return lzma2Decode(data, size).length < size;
    } catch (e) {
      expect(e).toBeInstanceOf(Malformed);
      return true;
    }
  };

  test.each(["text.lzma2", "text-lc0-lp2-pb0.lzma2"])("decodes xz's %s to the input", (name) => {
    same(lzma2Decode(stream(name), input.length), input);
  });

  test("decodes uncompressed chunks and a properties reset (mixed)", () => {
    const s = stream("mixed-lc4-pb4.lzma2");
    expect([s[0], s[3 + (s[1] << 8) + s[2] + 1]]).toEqual([1, 0xc0]); // the chunks this test is about
    same(lzma2Decode(s, mixed.length), mixed);
  });

  test("a dictionary reset in mid-stream (as 7-Zip's multithreaded blocks have) counts positions anew", () => {
    // mixed is 116,018 bytes long: not a multiple of 2^pb, so position states must restart at the reset.
    const a = stream("mixed-lc4-pb4.lzma2");
    const b = stream("text.lzma2");
    expect(b[0]).toBe(0xe0);
    const both = Buffer.concat([a.subarray(0, a.length - 1), b]);
    same(lzma2Decode(both, mixed.length + input.length), Buffer.concat([mixed, input]));
  });

  test("never writes past the declared size", () => {
    expect(rejected(stream("text.lzma2"), 1000)).toBe(true);
    expect(rejected(stream("mixed-lc4-pb4.lzma2"), 70000)).toBe(true);
  });

  test("truncated, corrupt or out-of-order streams are rejected, never a hang", () => {
    const s = stream("mixed-lc4-pb4.lzma2");
    // (Only the final end byte may be missing: everything is there without it.)
    for (const cut of [0, 1, 2, 3, 100, 60582, 60590, s.length - 100, s.length - 2])
      expect(rejected(s.subarray(0, cut), mixed.length)).toBe(true);
    expect(rejected(Uint8Array.of(3, 0, 0, 0), 10)).toBe(true); // control bytes 3…127 do not exist
    const t = stream("text.lzma2");
    expect(rejected(Uint8Array.from([0x80, ...t.subarray(1)]), input.length)).toBe(true); // no properties yet
    let seed = 5;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 200; i++) {
      const bad = Uint8Array.from(t);
      bad[Math.floor(rand() * bad.length)] ^= 1 + Math.floor(rand() * 255);
      try {
        expect(lzma2Decode(bad, input.length).length).toBeLessThanOrEqual(input.length);
      } catch (e) {
        expect(e).toBeInstanceOf(Malformed);
      }
    }
  });
});
