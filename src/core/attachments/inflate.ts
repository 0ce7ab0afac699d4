import { Malformed } from "./bytes";

/**
 * Raw-deflate decompression (RFC 1951) that stops once `maxOut` bytes are out and reads its input in
 * 4 KB steps, so a bomb costs what was asked for and no more. Written in the manner of zlib's puff.c
 * (canonical codes decoded a bit at a time): what we inflate is small — the start of a file inside a
 * ZIP, a PDF cross-reference stream — and fflate's streaming inflater, which we used before, weighed
 * 4.3 KB of the event bundle against this one's 2 KB. Checked against Node's zlib in
 * test/core/inflate.test.ts.
 */

const MAX_BITS = 15;
const STEP = 4096;
const ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

// Base values and extra bits of the length codes 257…285 and the distance codes 0…29.
const LEN_BASE: number[] = [];
const LEN_EXTRA: number[] = [];
const DIST_BASE: number[] = [];
const DIST_EXTRA: number[] = [];
for (let i = 0, base = 3; i < 28; i++) {
  LEN_EXTRA.push(i < 8 ? 0 : (i - 4) >> 2);
  LEN_BASE.push(base);
  base += 1 << LEN_EXTRA[i];
}
LEN_BASE.push(258);
LEN_EXTRA.push(0);
for (let i = 0, base = 1; i < 30; i++) {
  DIST_EXTRA.push(i < 4 ? 0 : (i - 2) >> 1);
  DIST_BASE.push(base);
  base += 1 << DIST_EXTRA[i];
}

const corrupt = (what: string) => new Malformed(`corrupt deflate data (${what})`);

/** A canonical Huffman code: how many codes of each length, and the symbols in code order. */
interface Code {
  count: Uint16Array;
  symbol: Uint16Array;
}

function buildCode(lengths: ArrayLike<number>): Code {
  const count = new Uint16Array(MAX_BITS + 1);
  for (let i = 0; i < lengths.length; i++) count[lengths[i]]++;
  count[0] = 0;
  let left = 1;
  for (let len = 1; len <= MAX_BITS; len++) {
    left = 2 * left - count[len];
    if (left < 0) throw corrupt("code");
  }
  const offsets = new Uint16Array(MAX_BITS + 2);
  for (let len = 1; len <= MAX_BITS; len++) offsets[len + 1] = offsets[len] + count[len];
  const symbol = new Uint16Array(lengths.length);
  for (let i = 0; i < lengths.length; i++) if (lengths[i]) symbol[offsets[lengths[i]]++] = i;
  return { count, symbol };
}

let fixed: [Code, Code] | undefined;
function fixedCodes(): [Code, Code] {
  const lengths = Array.from({ length: 288 }, (_, i) => (i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8));
  return (fixed = fixed || [buildCode(lengths), buildCode(new Array<number>(30).fill(5))]);
}

export function inflateCapped(
  read: (offset: number, length: number) => Uint8Array,
  inputLength: number,
  maxOut: number,
): { out: Uint8Array; consumed: number } {
  let chunk: Uint8Array = new Uint8Array(0);
  let chunkAt = 0;
  let at = 0;
  let bitBuf = 0;
  let bitCount = 0;
  let out: Uint8Array = new Uint8Array(Math.min(maxOut, STEP));
  let n = 0;

  const byte = (): number => {
    if (at >= chunk.length) {
      chunkAt += chunk.length;
      chunk =
        chunkAt < inputLength ? read(chunkAt, Math.min(STEP, inputLength - chunkAt)) : chunk.subarray(0, 0);
      at = 0;
      if (chunk.length === 0) throw new Malformed("deflate stream ends early");
    }
    return chunk[at++];
  };
  const bits = (count: number): number => {
    while (bitCount < count) {
      bitBuf |= byte() << bitCount;
      bitCount += 8;
    }
    const v = bitBuf & ((1 << count) - 1);
    bitBuf >>>= count;
    bitCount -= count;
    return v;
  };
  const decode = (code: Code): number => {
    let c = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len <= MAX_BITS; len++) {
      c |= bits(1);
      const count = code.count[len];
      if (c - first < count) return code.symbol[index + c - first];
      index += count;
      first = (first + count) << 1;
      c <<= 1;
    }
    throw corrupt("code");
  };
  /** Appends a byte; false once `maxOut` bytes are out. */
  const put = (b: number): boolean => {
    if (n === out.length) {
      const grown = new Uint8Array(Math.min(maxOut, out.length * 2));
      grown.set(out);
      out = grown;
    }
    out[n++] = b;
    return n < maxOut;
  };

  const run = (): void => {
    if (maxOut <= 0) return;
    for (let last = 0; !last;) {
      last = bits(1);
      const type = bits(2);
      if (type === 0) {
        bitBuf = bitCount = 0; // stored blocks start at a byte boundary
        const len = byte() | (byte() << 8);
        if ((byte() | (byte() << 8)) !== (~len & 0xffff)) throw corrupt("stored length");
        for (let i = 0; i < len; i++) if (!put(byte())) return;
        continue;
      }
      let lit: Code;
      let dist: Code;
      if (type === 1) [lit, dist] = fixedCodes();
      else if (type === 2) {
        const nlen = bits(5) + 257;
        const ndist = bits(5) + 1;
        const ncode = bits(4) + 4;
        if (nlen > 286 || ndist > 30) throw corrupt("header");
        const lengths = new Uint8Array(nlen + ndist);
        const codeLengths = new Uint8Array(19);
        for (let i = 0; i < ncode; i++) codeLengths[ORDER[i]] = bits(3);
        const lenCode = buildCode(codeLengths);
        for (let i = 0; i < nlen + ndist;) {
          const sym = decode(lenCode);
          if (sym < 16) {
            lengths[i++] = sym;
            continue;
          }
          if (sym === 16 && i === 0) throw corrupt("header");
          const value = sym === 16 ? lengths[i - 1] : 0;
          let repeat = sym === 16 ? 3 + bits(2) : sym === 17 ? 3 + bits(3) : 11 + bits(7);
          if (i + repeat > nlen + ndist) throw corrupt("header");
          while (repeat--) lengths[i++] = value;
        }
        if (lengths[256] === 0) throw corrupt("header");
        lit = buildCode(lengths.subarray(0, nlen));
        dist = buildCode(lengths.subarray(nlen));
      } else throw corrupt("block type");
      for (;;) {
        let sym = decode(lit);
        if (sym < 256) {
          if (!put(sym)) return;
          continue;
        }
        if (sym === 256) break;
        sym -= 257;
        if (sym >= 29) throw corrupt("length");
        const len = LEN_BASE[sym] + bits(LEN_EXTRA[sym]);
        const dsym = decode(dist);
        if (dsym >= 30) throw corrupt("distance");
        const back = DIST_BASE[dsym] + bits(DIST_EXTRA[dsym]);
        if (back > n) throw corrupt("distance");
        for (let i = 0; i < len; i++) if (!put(out[n - back])) return;
      }
    }
  };
  run();
  return { out: out.subarray(0, n), consumed: chunkAt + at };
}
