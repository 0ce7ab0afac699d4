import { Malformed } from "./bytes";

/**
 * An LZMA decoder (the algorithm of the LZMA SDK's LzmaSpec.cpp) for 7z headers, which 7-Zip packs
 * with LZMA whenever the file names are not encrypted. Why by hand: the event bundle must stay near
 * 60 KB and run without modules in classic Outlook; LZMA-JS, the decoder we used before, cost 9 KB
 * and returns text when the bytes happen to be UTF-8. This one is about 2 KB, decodes straight into
 * an output buffer of the size the 7z header declares (so the output is the dictionary, and nothing
 * can grow past that size), and is checked against LZMA-JS's and xz's encoders in the tests.
 */

const PROB_INIT = 1024;
const STATES = 12;
const POS_STATES_MAX = 16;
/** Distance slots below this take their low bits from adaptive probabilities, above from direct bits. */
const END_POS_MODEL = 14;
const FULL_DISTANCES = 128;
const ALIGN_BITS = 4;
const MATCH_MIN = 2;
/** The distance that marks the end of the stream. */
const END_MARKER = 0xffffffff;

const corrupt = (what: string) => new Malformed(`corrupt LZMA data (${what})`);

const probs = (n: number): Uint16Array => new Uint16Array(n).fill(PROB_INIT);

/** The range decoder: the arithmetic decoder every LZMA symbol is read with. */
interface RangeDecoder {
  bit(probs: Uint16Array, i: number): number;
  direct(count: number): number;
  /** A `bits`-bit symbol, most significant bit first, from the tree at `probs[base + 1 …]`. */
  tree(probs: Uint16Array, base: number, bits: number): number;
  /** The same, least significant bit first. */
  reverse(probs: Uint16Array, base: number, bits: number): number;
}

// Closures rather than a class: the minifier shortens local names but not property names, and
// this module is in the size-capped event bundle.
function rangeDecoder(input: Uint8Array): RangeDecoder {
  if (input.length < 5 || input[0] !== 0) throw corrupt("start");
  let range = 0xffffffff;
  let code = 0;
  for (let i = 1; i < 5; i++) code = code * 256 + input[i];
  let at = 5;
  if (code === range) throw corrupt("start");

  // Range and code stay non-negative numbers below 2^32: multiplication instead of shifts keeps
  // them unsigned, and every product is exact in a double.
  const normalize = (): void => {
    if (range < 0x1000000) {
      if (at >= input.length) throw new Malformed("LZMA stream ends early");
      range *= 256;
      code = code * 256 + input[at++];
    }
  };
  const bit = (p: Uint16Array, i: number): number => {
    const prob = p[i];
    const bound = (range >>> 11) * prob;
    let b = 0;
    if (code < bound) {
      range = bound;
      p[i] = prob + ((2048 - prob) >>> 5);
    } else {
      range -= bound;
      code -= bound;
      p[i] = prob - (prob >>> 5);
      b = 1;
    }
    normalize();
    return b;
  };
  return {
    bit,
    direct(count) {
      let value = 0;
      for (let i = 0; i < count; i++) {
        range = range >>> 1;
        let b = 0;
        if (code >= range) {
          code -= range;
          b = 1;
        }
        value = value * 2 + b;
        normalize();
      }
      return value;
    },
    tree(p, base, bits) {
      let m = 1;
      for (let i = 0; i < bits; i++) m = (m << 1) + bit(p, base + m);
      return m - (1 << bits);
    },
    reverse(p, base, bits) {
      let m = 1;
      let symbol = 0;
      for (let i = 0; i < bits; i++) {
        const b = bit(p, base + m);
        m = (m << 1) + b;
        symbol |= b << i;
      }
      return symbol;
    },
  };
}

/** A match length coder: 2–9 in `low`, 10–17 in `mid`, 18–273 in `high`, `low`/`mid` per position state. */
function lengthDecoder(rc: RangeDecoder): (posState: number) => number {
  const choice = probs(2);
  const low = probs(POS_STATES_MAX << 3);
  const mid = probs(POS_STATES_MAX << 3);
  const high = probs(256);
  const { bit, tree } = rc;
  return (posState) => {
    if (bit(choice, 0) === 0) return tree(low, posState << 3, 3);
    if (bit(choice, 1) === 0) return 8 + tree(mid, posState << 3, 3);
    return 16 + tree(high, 0, 8);
  };
}

/**
 * Decodes an LZMA stream with its 5 property bytes (lc/lp/pb and dictionary size) until `outSize`
 * bytes are out or the end marker comes; returns what was decoded. Throws `Malformed` on any
 * corruption, including a match that reaches back before the start.
 */
export function lzmaDecode(properties: Uint8Array, input: Uint8Array, outSize: number): Uint8Array {
  if (properties.length < 5) throw corrupt("properties");
  let d = properties[0];
  if (d >= 9 * 5 * 5) throw corrupt("properties");
  const lc = d % 9;
  d = (d - lc) / 9;
  const lp = d % 5;
  const pb = (d - lp) / 5;
  // Real encoders use lc + lp ≤ 4 (LZMA2 requires it); the cap keeps a hostile header from making
  // us allocate megabytes of literal probabilities.
  if (lc + lp > 8) throw new Malformed("LZMA literal context is too large");

  const out = new Uint8Array(outSize);
  const rc = rangeDecoder(input);
  const { bit, tree, reverse } = rc;
  const literal = probs(0x300 << (lc + lp));
  const isMatch = probs(STATES << 4);
  const isRep = probs(STATES);
  const isRepG0 = probs(STATES);
  const isRepG1 = probs(STATES);
  const isRepG2 = probs(STATES);
  const isRep0Long = probs(STATES << 4);
  const posSlot = probs(4 << 6);
  const posSpecial = probs(1 + FULL_DISTANCES - END_POS_MODEL);
  const align = probs(1 << ALIGN_BITS);
  const lengths = lengthDecoder(rc);
  const repLengths = lengthDecoder(rc);
  const pbMask = (1 << pb) - 1;
  const lpMask = (1 << lp) - 1;

  let state = 0;
  let rep0 = 0;
  let rep1 = 0;
  let rep2 = 0;
  let rep3 = 0;
  let pos = 0;

  const distance = (len: number): number => {
    const slot = tree(posSlot, Math.min(len, 3) << 6, 6);
    if (slot < 4) return slot;
    const direct = (slot >>> 1) - 1;
    let dist = (2 | (slot & 1)) * 2 ** direct;
    if (slot < END_POS_MODEL) return dist + reverse(posSpecial, dist - slot, direct);
    dist += rc.direct(direct - ALIGN_BITS) * 16;
    return dist + reverse(align, 0, ALIGN_BITS);
  };

  while (pos < outSize) {
    const posState = pos & pbMask;
    if (bit(isMatch, (state << 4) + posState) === 0) {
      const prev = pos > 0 ? out[pos - 1] : 0;
      const base = 0x300 * (((pos & lpMask) << lc) + (prev >>> (8 - lc)));
      let symbol = 1;
      if (state >= 7) {
        // After a match the byte at rep0 predicts this one, bit by bit, until they differ.
        let matchByte = out[pos - rep0 - 1];
        while (symbol < 0x100) {
          const matchBit = (matchByte >>> 7) & 1;
          matchByte <<= 1;
          const b = bit(literal, base + ((1 + matchBit) << 8) + symbol);
          symbol = (symbol << 1) | b;
          if (matchBit !== b) break;
        }
      }
      while (symbol < 0x100) symbol = (symbol << 1) | bit(literal, base + symbol);
      out[pos++] = symbol - 0x100;
      state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
      continue;
    }
    let len: number;
    if (bit(isRep, state) !== 0) {
      if (pos === 0) throw corrupt("distance");
      if (bit(isRepG0, state) === 0) {
        if (bit(isRep0Long, (state << 4) + posState) === 0) {
          state = state < 7 ? 9 : 11;
          out[pos] = out[pos - rep0 - 1];
          pos++;
          continue;
        }
      } else {
        let dist: number;
        if (bit(isRepG1, state) === 0) dist = rep1;
        else {
          if (bit(isRepG2, state) === 0) dist = rep2;
          else {
            dist = rep3;
            rep3 = rep2;
          }
          rep2 = rep1;
        }
        rep1 = rep0;
        rep0 = dist;
      }
      len = repLengths(posState);
      state = state < 7 ? 8 : 11;
    } else {
      rep3 = rep2;
      rep2 = rep1;
      rep1 = rep0;
      len = lengths(posState);
      state = state < 7 ? 7 : 10;
      rep0 = distance(len);
      if (rep0 === END_MARKER) return out.subarray(0, pos);
    }
    len += MATCH_MIN;
    if (rep0 >= pos) throw corrupt("distance");
    if (len > outSize - pos) throw corrupt("length");
    for (; len > 0; len--, pos++) out[pos] = out[pos - rep0 - 1];
  }
  return out;
}
