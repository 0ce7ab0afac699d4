import { Malformed } from "./bytes";

/**
 * An LZMA decoder (the algorithm of the LZMA SDK's LzmaSpec.cpp) for 7z headers, which 7-Zip packs
 * with LZMA whenever the file names are not encrypted, and LZMA2 on top of it (py7zr and bsdtar pack
 * headers with LZMA2). Why by hand: the event bundle must stay near 60 KB and run without modules in
 * classic Outlook; LZMA-JS, the decoder we used before, cost 9 KB and returns text when the bytes
 * happen to be UTF-8. This one is about 2.6 KB with LZMA2, decodes straight into an output buffer of
 * the size the 7z header declares (so the output is the dictionary, and nothing can grow past that
 * size), and is checked against LZMA-JS's and xz's encoders in the tests.
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

/**
 * Decodes one LZMA stream, or one LZMA2 chunk, into `out`: `(input, pos, end, reset, props, dict)`
 * decodes from `out[pos]` until `end` or the end marker and returns the position reached. `reset` is
 * LZMA2's: 0 keeps state and probabilities (a chunk that goes on), 1 resets them, 2 also takes new
 * lc/lp/pb from the `props` byte. `dict` is where the dictionary starts (matches may not reach
 * before it). Each call starts a new range decoder on `input`, as every LZMA2 chunk does.
 *
 * Closures rather than a class: the minifier shortens local names but not property names, and this
 * module is in the size-capped event bundle.
 */
function lzmaCore(out: Uint8Array) {
  let range = 0;
  let code = 0;
  let input = out;
  let at = 0;
  let lc = 0;
  let lpMask = 0;
  let pbMask = 0;
  let state = 0;
  let rep0 = 0;
  let rep1 = 0;
  let rep2 = 0;
  let rep3 = 0;
  let literal: Uint16Array;
  let isMatch: Uint16Array;
  let isRep: Uint16Array;
  let isRepG0: Uint16Array;
  let isRepG1: Uint16Array;
  let isRepG2: Uint16Array;
  let isRep0Long: Uint16Array;
  let posSlot: Uint16Array;
  let posSpecial: Uint16Array;
  let align: Uint16Array;
  let lengths: (posState: number) => number;
  let repLengths: (posState: number) => number;

  // The range decoder. Range and code stay non-negative numbers below 2^32: multiplication instead
  // of shifts keeps them unsigned, and every product is exact in a double.
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
  const direct = (count: number): number => {
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
  };
  /** A `bits`-bit symbol, most significant bit first, from the tree at `p[base + 1 …]`. */
  const tree = (p: Uint16Array, base: number, bits: number): number => {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) + bit(p, base + m);
    return m - (1 << bits);
  };
  /** The same, least significant bit first. */
  const reverse = (p: Uint16Array, base: number, bits: number): number => {
    let m = 1;
    let symbol = 0;
    for (let i = 0; i < bits; i++) {
      const b = bit(p, base + m);
      m = (m << 1) + b;
      symbol |= b << i;
    }
    return symbol;
  };
  /** A match length coder: 2–9 in `low`, 10–17 in `mid`, 18–273 in `high`, `low`/`mid` per position state. */
  const lengthDecoder = (): ((posState: number) => number) => {
    const choice = probs(2);
    const low = probs(POS_STATES_MAX << 3);
    const mid = probs(POS_STATES_MAX << 3);
    const high = probs(256);
    return (posState) => {
      if (bit(choice, 0) === 0) return tree(low, posState << 3, 3);
      if (bit(choice, 1) === 0) return 8 + tree(mid, posState << 3, 3);
      return 16 + tree(high, 0, 8);
    };
  };
  const distance = (len: number): number => {
    const slot = tree(posSlot, Math.min(len, 3) << 6, 6);
    if (slot < 4) return slot;
    const bits = (slot >>> 1) - 1;
    const dist = (2 | (slot & 1)) * 2 ** bits;
    if (slot < END_POS_MODEL) return dist + reverse(posSpecial, dist - slot, bits);
    return dist + direct(bits - ALIGN_BITS) * 16 + reverse(align, 0, ALIGN_BITS);
  };

  return (data: Uint8Array, pos: number, end: number, reset: number, props: number, dict: number): number => {
    if (reset > 1) {
      if (props >= 9 * 5 * 5) throw corrupt("properties");
      lc = props % 9;
      const lp = ((props - lc) / 9) % 5;
      // Real encoders use lc + lp ≤ 4 (LZMA2 requires it); the cap keeps a hostile header from making
      // us allocate megabytes of literal probabilities.
      if (lc + lp > 8) throw new Malformed("LZMA literal context is too large");
      lpMask = (1 << lp) - 1;
      pbMask = (1 << ((props - lc - 9 * lp) / 45)) - 1;
      literal = probs(0x300 << (lc + lp));
    }
    if (reset > 0) {
      literal.fill(PROB_INIT);
      isMatch = probs(STATES << 4);
      isRep = probs(STATES);
      isRepG0 = probs(STATES);
      isRepG1 = probs(STATES);
      isRepG2 = probs(STATES);
      isRep0Long = probs(STATES << 4);
      posSlot = probs(4 << 6);
      posSpecial = probs(1 + FULL_DISTANCES - END_POS_MODEL);
      align = probs(1 << ALIGN_BITS);
      lengths = lengthDecoder();
      repLengths = lengthDecoder();
      state = rep0 = rep1 = rep2 = rep3 = 0;
    }
    input = data;
    if (input.length < 5 || input[0] !== 0) throw corrupt("start");
    range = 0xffffffff;
    code = 0;
    for (at = 1; at < 5; at++) code = code * 256 + input[at];
    if (code === range) throw corrupt("start");

    while (pos < end) {
      const posState = (pos - dict) & pbMask;
      if (bit(isMatch, (state << 4) + posState) === 0) {
        const prev = pos > dict ? out[pos - 1] : 0;
        const base = 0x300 * ((((pos - dict) & lpMask) << lc) + (prev >>> (8 - lc)));
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
        if (pos === dict) throw corrupt("distance");
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
        if (rep0 === END_MARKER) return pos;
      }
      len += MATCH_MIN;
      if (rep0 >= pos - dict) throw corrupt("distance");
      if (len > end - pos) throw corrupt("length");
      for (; len > 0; len--, pos++) out[pos] = out[pos - rep0 - 1];
    }
    return pos;
  };
}

/**
 * Decodes an LZMA stream with its 5 property bytes (lc/lp/pb and dictionary size) until `outSize`
 * bytes are out or the end marker comes; returns what was decoded. Throws `Malformed` on any
 * corruption, including a match that reaches back before the start.
 */
export function lzmaDecode(properties: Uint8Array, input: Uint8Array, outSize: number): Uint8Array {
  if (properties.length < 5) throw corrupt("properties");
  const out = new Uint8Array(outSize);
  return out.subarray(0, lzmaCore(out)(input, 0, outSize, 2, properties[0], 0));
}

/**
 * Decodes an LZMA2 stream (xz's and 7-Zip's chunked LZMA) of at most `outSize` bytes. Each chunk
 * starts with a control byte: 0 ends the stream; 1 and 2 are stored chunks (1 resets the dictionary)
 * of a 16-bit size; from 0x80 on it is an LZMA chunk whose bits 5–6 say what is reset (0 nothing,
 * 1 state, 2 state and properties, 3 everything and the dictionary), bits 0–4 the top of its 21-bit
 * unpacked size, followed by 16-bit sizes (unpacked, packed, both minus one, big-endian) and, on a
 * properties reset, the lc/lp/pb byte.
 */
export function lzma2Decode(input: Uint8Array, outSize: number): Uint8Array {
  const out = new Uint8Array(outSize);
  const chunk = lzmaCore(out);
  let at = 0;
  let pos = 0;
  let dict = 0;
  let ready = false;
  // Missing bytes read as undefined: sizes become NaN and fail the checks, the loop ends at the end.
  for (let c: number; (c = input[at]);) {
    if (c === 1 || c > 223) dict = pos;
    const end = pos + (c > 127 ? (c & 31) * 65536 : 0) + input[at + 1] * 256 + input[at + 2] + 1;
    const reset = (c >> 5) & 3;
    const dataAt = at + (c < 3 ? 3 : reset > 1 ? 6 : 5);
    at = dataAt + (c < 3 ? end - pos : input[at + 3] * 256 + input[at + 4] + 1);
    const data = input.subarray(dataAt, at);
    ready = ready || reset > 1;
    if (
      !(end <= outSize) ||
      (c < 3
        ? data.length !== end - pos
        : c < 128 || !ready || chunk(data, pos, end, reset, input[dataAt - 1], dict) !== end)
    )
      throw corrupt("LZMA2 chunk");
    if (c < 3) out.set(data, pos);
    pos = end;
  }
  return out.subarray(0, pos);
}
