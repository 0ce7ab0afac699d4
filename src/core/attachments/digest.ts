import { base64Source } from "./source";

/**
 * MD5 (RFC 1321), SHA-256 and SHA-384/512 (FIPS 180-4) for the PDF empty-password check, in 32-bit
 * arithmetic. Why by hand: the event bundle runs in Outlook's JavaScript-only runtime, which may have
 * no BigInt, and noble's hashes call BigInt when they pad; the libraries that avoid it (StableLib,
 * js-md5, spark-md5) together weigh about 30 KB against the bundle's 60 KB goal, while these weigh
 * about 4 KB. They are checked against Node's crypto over many lengths (test/core/digest.test.ts).
 */

/**
 * SHA-512's 80 round constants, then its and SHA-384's initial values, as 32-bit big-endian words
 * (high word first) in Base64: written out as numbers they cost the bundle 2 KB more. The high words
 * of the first 64 constants are SHA-256's, and of SHA-512's initial values SHA-256's initial values.
 */
const CONSTANTS = (() => {
  const bytes = base64Source(
    "QoovmNcoriJxN0SRI+9lzbXA+8/sTTsv6bXbpYGJ27w5VsJb80i1OFnxEfG2BdAZkj+CpK8ZT5urHF7V2m2BGNgHqpijAwJCEoNb" +
      "AUVwb74kMYW+TuSyjFUMfcPV/7Ticr5ddPJ7iW+A3rH+OxaWsZvcBqclxxI1wZvxdM9pJpTkm2nBnvFK0u++R4Y4TyXjD8GdxouM" +
      "1bUkDKHMd6ycZS3pLG9ZKwJ1SnSEqm6m5INcsKncvUH71Hb5iNqDEVO1mD5RUu5m36uoMcZtLbQyELADJ8iY+yE/v1l/x77vDuTG" +
      "4AvzPaiPwtWnkUeTCqclBspjUeADgm8UKSlnCg5ucCe3CoVG0i/8LhshOFwmySZNLG38WsQq7VM4DROdlbPfZQpzVIuvY952agq7" +
      "PHeyqIHCyS5H7a7mknIshRSCNTuiv+ihTPEDZKgaZku8QjABwkuLcND4l5HHbFGjBlS+MNGS6BnW71IY1pkGJFVlqRD0DjWFV3Eg" +
      "KhBqoHAyu9G4GaTBFrjS0MgeN2wIUUGrUydId0zfjuuZNLC8teGbSKg5HAyzxclaY07YqkrjQYrLW5zKT3dj43NoLm/z1rK4o3SP" +
      "gu5d77L8eKVjb0MXL2CEyHgUofCrcozHAggaZDnskL7/+iNjHiikUGzr3oK96b75o/eyxnkVxnF48uNyUyvKJz7O6iZhnNGGuMch" +
      "wMIH6tp91s3g6x71fU9/7m7ReAbwZ6pyF2+6CmN9xaLImKYRP5gEvvkNrhtxCzUTHEcbKNt39SMEfYQyyqt7QMckkzyevgoVyb68" +
      "Qx1nxJwQDUxMxdS+yz5Ctll/KZz8ZX4qX8tvqzrW+uxsRBmMSkdYF2oJ5mfzvMkIu2euhYTKpzs8bvNy/pT4K6VP9TpfHTbxUQ5S" +
      "f63mgtGbBWiMKz5sHx+D2av7Qb1rW+DNGRN+IXnLu51dwQWe2GKaKSo2fNUHkVkBWjBw3RcVL+zY9w5ZOWczJmf/wAsxjrRKh2hY" +
      "FRHbDC4NZPmPp0e1SB2++k+k",
  ).read(0, 768);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  return Array.from({ length: 192 }, (_, i) => view.getInt32(4 * i));
})();
const K512 = CONSTANTS.slice(0, 160);
const IV512 = CONSTANTS.slice(160, 176);
const IV384 = CONSTANTS.slice(176);
/**
 * MD5's table, T[i] = floor(|sin(i + 1)| · 2^32), computed: every product is at least 0.015 away from
 * an integer, so any sine within a few ulps of exact gives RFC 1321's table.
 */
const MD5_T = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0);
const MD5_S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

const TWO32 = 4294967296;

/** The message with its 0x80 byte, zeros, and its bit length in the last `lengthBytes` bytes. */
function pad(data: Uint8Array, block: number, lengthBytes: number, littleEndian: boolean): DataView {
  const size = Math.ceil((data.length + 1 + lengthBytes) / block) * block;
  const out = new Uint8Array(size);
  out.set(data);
  out[data.length] = 0x80;
  const view = new DataView(out.buffer);
  const bitsLo = (data.length * 8) % TWO32;
  const bitsHi = Math.floor((data.length * 8) / TWO32);
  if (littleEndian) {
    view.setUint32(size - 8, bitsLo, true);
    view.setUint32(size - 4, bitsHi, true);
  } else {
    view.setUint32(size - 8, bitsHi);
    view.setUint32(size - 4, bitsLo);
  }
  return view;
}

function wordsOut(words: ArrayLike<number>, bytes: number, littleEndian = false): Uint8Array {
  const out = new Uint8Array(bytes);
  const view = new DataView(out.buffer);
  for (let i = 0; i < bytes / 4; i++) view.setUint32(i * 4, words[i] >>> 0, littleEndian);
  return out;
}

const rotl = (x: number, n: number) => (x << n) | (x >>> (32 - n));
const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

export function md5(data: Uint8Array): Uint8Array {
  const view = pad(data, 64, 8, true);
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
  const m = new Array<number>(16);
  for (let off = 0; off < view.byteLength; off += 64) {
    for (let i = 0; i < 16; i++) m[i] = view.getUint32(off + i * 4, true);
    let [a, b, c, d] = h;
    for (let i = 0; i < 64; i++) {
      const round = i >> 4;
      const f =
        round === 0
          ? (b & c) | (~b & d)
          : round === 1
            ? (d & b) | (~d & c)
            : round === 2
              ? b ^ c ^ d
              : c ^ (b | ~d);
      const g =
        round === 0 ? i : round === 1 ? (5 * i + 1) & 15 : round === 2 ? (3 * i + 5) & 15 : (7 * i) & 15;
      const t = d;
      d = c;
      c = b;
      b = (b + rotl((a + f + MD5_T[i] + m[g]) | 0, MD5_S[(round << 2) | (i & 3)])) | 0;
      a = t;
    }
    h[0] = (h[0] + a) | 0;
    h[1] = (h[1] + b) | 0;
    h[2] = (h[2] + c) | 0;
    h[3] = (h[3] + d) | 0;
  }
  return wordsOut(h, 16, true);
}

export function sha256(data: Uint8Array): Uint8Array {
  const view = pad(data, 64, 8, false);
  const h = [0, 2, 4, 6, 8, 10, 12, 14].map((i) => IV512[i]);
  const w = new Array<number>(64);
  for (let off = 0; off < view.byteLength; off += 64) {
    for (let t = 0; t < 64; t++) {
      if (t < 16) w[t] = view.getUint32(off + t * 4);
      else {
        const x = w[t - 15];
        const y = w[t - 2];
        const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
        const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
        w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
      }
    }
    let [a, b, c, d, e, f, g, hh] = h;
    for (let t = 0; t < 64; t++) {
      const t1 =
        (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K512[2 * t] + w[t]) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    [a, b, c, d, e, f, g, hh].forEach((v, i) => (h[i] = (h[i] + v) | 0));
  }
  return wordsOut(h, 32);
}

/** High and low words of a 64-bit rotation right by n (n ≠ 32), given the value's words h and l. */
const rotrHi = (h: number, l: number, n: number) =>
  n < 32 ? (h >>> n) | (l << (32 - n)) : (l >>> (n - 32)) | (h << (64 - n));
const rotrLo = (h: number, l: number, n: number) =>
  n < 32 ? (l >>> n) | (h << (32 - n)) : (h >>> (n - 32)) | (l << (64 - n));

/**
 * 64-bit words are pairs in Int32Arrays (high at 2i, low at 2i + 1). Sums add the low words as
 * unsigned numbers (exact in a double) and carry into the high word; storing wraps modulo 2^32.
 */
function sha512Family(data: Uint8Array, iv: number[], outBytes: number): Uint8Array {
  const view = pad(data, 128, 16, false);
  const h = Int32Array.from(iv);
  const w = new Int32Array(160);
  const v = new Int32Array(16); // a…h
  for (let off = 0; off < view.byteLength; off += 128) {
    for (let i = 0; i < 32; i++) w[i] = view.getUint32(off + i * 4);
    for (let t = 16; t < 80; t++) {
      let xh = w[2 * t - 30];
      let xl = w[2 * t - 29];
      const s0h = rotrHi(xh, xl, 1) ^ rotrHi(xh, xl, 8) ^ (xh >>> 7);
      const s0l = rotrLo(xh, xl, 1) ^ rotrLo(xh, xl, 8) ^ ((xl >>> 7) | (xh << 25));
      xh = w[2 * t - 4];
      xl = w[2 * t - 3];
      const s1h = rotrHi(xh, xl, 19) ^ rotrHi(xh, xl, 61) ^ (xh >>> 6);
      const s1l = rotrLo(xh, xl, 19) ^ rotrLo(xh, xl, 61) ^ ((xl >>> 6) | (xh << 26));
      const lo = (w[2 * t - 31] >>> 0) + (s0l >>> 0) + (w[2 * t - 13] >>> 0) + (s1l >>> 0);
      w[2 * t] = w[2 * t - 32] + s0h + w[2 * t - 14] + s1h + Math.floor(lo / TWO32);
      w[2 * t + 1] = lo;
    }
    v.set(h);
    for (let t = 0; t < 80; t++) {
      const [ah, al, bh, bl, ch, cl, dh, dl, eh, el, fh, fl, gh, gl, hh, hl] = v;
      const S1h = rotrHi(eh, el, 14) ^ rotrHi(eh, el, 18) ^ rotrHi(eh, el, 41);
      const S1l = rotrLo(eh, el, 14) ^ rotrLo(eh, el, 18) ^ rotrLo(eh, el, 41);
      const t1l =
        (hl >>> 0) +
        (S1l >>> 0) +
        (((el & fl) ^ (~el & gl)) >>> 0) +
        (K512[2 * t + 1] >>> 0) +
        (w[2 * t + 1] >>> 0);
      const t1h = hh + S1h + ((eh & fh) ^ (~eh & gh)) + K512[2 * t] + w[2 * t] + Math.floor(t1l / TWO32);
      const S0h = rotrHi(ah, al, 28) ^ rotrHi(ah, al, 34) ^ rotrHi(ah, al, 39);
      const S0l = rotrLo(ah, al, 28) ^ rotrLo(ah, al, 34) ^ rotrLo(ah, al, 39);
      const t2l = (S0l >>> 0) + (((al & bl) ^ (al & cl) ^ (bl & cl)) >>> 0);
      const t2h = S0h + ((ah & bh) ^ (ah & ch) ^ (bh & ch)) + Math.floor(t2l / TWO32);
      v.copyWithin(2, 0, 14); // h = g, g = f, …, b = a
      const el2 = (dl >>> 0) + ((t1l % TWO32) >>> 0);
      v[8] = dh + (t1h | 0) + Math.floor(el2 / TWO32);
      v[9] = el2;
      const al2 = ((t1l % TWO32) >>> 0) + ((t2l % TWO32) >>> 0);
      v[0] = (t1h | 0) + (t2h | 0) + Math.floor(al2 / TWO32);
      v[1] = al2;
    }
    for (let i = 0; i < 16; i += 2) {
      const lo = (h[i + 1] >>> 0) + (v[i + 1] >>> 0);
      h[i] = h[i] + v[i] + Math.floor(lo / TWO32);
      h[i + 1] = lo;
    }
  }
  return wordsOut(h, outBytes);
}

export const sha512 = (data: Uint8Array): Uint8Array => sha512Family(data, IV512, 64);
export const sha384 = (data: Uint8Array): Uint8Array => sha512Family(data, IV384, 48);
