import { constants, deflateRawSync } from "node:zlib";
import { Malformed } from "../../src/core/attachments/bytes";
import { inflateCapped } from "../../src/core/attachments/inflate";

/** Inflates all of `data` through the ranged reader the inspectors use. */
function inflate(data: Uint8Array, maxOut = 1 << 24) {
  let reads = 0;
  const r = inflateCapped(
    (o, n) => {
      reads++;
      return data.subarray(o, o + n);
    },
    data.length,
    maxOut,
  );
  return { ...r, reads };
}

let seed = 3;
const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
/** Mostly a small alphabet (matches at many distances), with random bytes (literals). */
const sample = (size: number) =>
  Buffer.from(
    Array.from({ length: size }, () =>
      rand() < 0.85 ? 97 + Math.floor(rand() * 6) : Math.floor(rand() * 256),
    ),
  );

describe("inflateCapped", () => {
  const strategies = {
    default: constants.Z_DEFAULT_STRATEGY,
    fixed: constants.Z_FIXED,
    huffmanOnly: constants.Z_HUFFMAN_ONLY,
    rle: constants.Z_RLE,
  };

  test.each(Object.entries(strategies))("matches zlib at every level (%s strategy)", (_, strategy) => {
    for (const size of [0, 1, 100, 5000, 70000]) {
      const data = sample(size);
      for (let level = 0; level <= 9; level += 3) {
        const packed = deflateRawSync(data, { level, strategy });
        const { out, consumed } = inflate(packed);
        expect(Buffer.from(out).equals(data)).toBe(true);
        expect(consumed).toBeLessThanOrEqual(packed.length);
      }
    }
  });

  test("stored blocks over 64 KB (several blocks) come back whole", () => {
    const data = sample(200000);
    expect(Buffer.from(inflate(deflateRawSync(data, { level: 0 })).out).equals(data)).toBe(true);
  });

  test("stops at maxOut and reads only what that needed: a bomb costs what was asked", () => {
    const packed = deflateRawSync(Buffer.alloc(50_000_000), { level: 9 });
    const { out, consumed, reads } = inflate(packed, 1000);
    expect(out.length).toBe(1000);
    expect([...out].every((b) => b === 0)).toBe(true);
    expect(reads).toBe(1);
    expect(consumed).toBeLessThan(4096);
  });

  test("maxOut within a match or a stored block gives exactly the prefix", () => {
    const data = sample(30000);
    for (const level of [0, 6])
      for (const cap of [1, 7, 4095, 12345]) {
        const { out } = inflate(deflateRawSync(data, { level }), cap);
        expect(Buffer.from(out).equals(data.subarray(0, cap))).toBe(true);
      }
  });

  test("a truncated stream is Malformed", () => {
    const packed = deflateRawSync(sample(20000));
    for (const cut of [0, 1, 10, packed.length >> 1, packed.length - 1])
      expect(() => inflate(packed.subarray(0, cut))).toThrow(Malformed);
  });

  test("corrupt streams throw Malformed or give bounded output, never anything else", () => {
    const packed = deflateRawSync(sample(20000));
    for (let i = 0; i < 300; i++) {
      const bad = Buffer.from(packed);
      bad[Math.floor(rand() * bad.length)] ^= 1 + Math.floor(rand() * 255);
      try {
        expect(inflate(bad, 100000).out.length).toBeLessThanOrEqual(100000);
      } catch (e) {
        expect(e).toBeInstanceOf(Malformed);
      }
    }
  });

  test("hand-made bad blocks are Malformed", () => {
    expect(() => inflate(Uint8Array.of(0x07))).toThrow(/block type/); // final, type 3
    expect(() => inflate(Uint8Array.of(0x01, 0x05, 0x00, 0x00, 0x00))).toThrow(/stored length/);
    // Fixed block: length code 257 (3 bytes) at distance 1 with nothing written yet.
    expect(() => inflate(Uint8Array.of(0x03, 0x02, 0x00))).toThrow(/distance/);
  });
});
