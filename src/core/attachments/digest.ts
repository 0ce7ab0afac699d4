/**
 * MD5 (RFC 1321), SHA-256 and SHA-384/512 (FIPS 180-4) for the PDF empty-password check, in 32-bit
 * arithmetic. Why by hand: the event bundle runs in Outlook's JavaScript-only runtime, which may have
 * no BigInt, and noble's hashes call BigInt when they pad; the libraries that avoid it (StableLib,
 * js-md5, spark-md5) together weigh about 30 KB against the bundle's 60 KB goal, while these weigh
 * about 4 KB. They are checked against Node's crypto over many lengths (test/core/digest.test.ts).
 */

/** SHA-512 round constants as [high, low] word pairs; the high words of the first 64 are SHA-256's. */
const K512 = [
  0x428a2f98, 0xd728ae22, 0x71374491, 0x23ef65cd, 0xb5c0fbcf, 0xec4d3b2f, 0xe9b5dba5, 0x8189dbbc, 0x3956c25b,
  0xf348b538, 0x59f111f1, 0xb605d019, 0x923f82a4, 0xaf194f9b, 0xab1c5ed5, 0xda6d8118, 0xd807aa98, 0xa3030242,
  0x12835b01, 0x45706fbe, 0x243185be, 0x4ee4b28c, 0x550c7dc3, 0xd5ffb4e2, 0x72be5d74, 0xf27b896f, 0x80deb1fe,
  0x3b1696b1, 0x9bdc06a7, 0x25c71235, 0xc19bf174, 0xcf692694, 0xe49b69c1, 0x9ef14ad2, 0xefbe4786, 0x384f25e3,
  0x0fc19dc6, 0x8b8cd5b5, 0x240ca1cc, 0x77ac9c65, 0x2de92c6f, 0x592b0275, 0x4a7484aa, 0x6ea6e483, 0x5cb0a9dc,
  0xbd41fbd4, 0x76f988da, 0x831153b5, 0x983e5152, 0xee66dfab, 0xa831c66d, 0x2db43210, 0xb00327c8, 0x98fb213f,
  0xbf597fc7, 0xbeef0ee4, 0xc6e00bf3, 0x3da88fc2, 0xd5a79147, 0x930aa725, 0x06ca6351, 0xe003826f, 0x14292967,
  0x0a0e6e70, 0x27b70a85, 0x46d22ffc, 0x2e1b2138, 0x5c26c926, 0x4d2c6dfc, 0x5ac42aed, 0x53380d13, 0x9d95b3df,
  0x650a7354, 0x8baf63de, 0x766a0abb, 0x3c77b2a8, 0x81c2c92e, 0x47edaee6, 0x92722c85, 0x1482353b, 0xa2bfe8a1,
  0x4cf10364, 0xa81a664b, 0xbc423001, 0xc24b8b70, 0xd0f89791, 0xc76c51a3, 0x0654be30, 0xd192e819, 0xd6ef5218,
  0xd6990624, 0x5565a910, 0xf40e3585, 0x5771202a, 0x106aa070, 0x32bbd1b8, 0x19a4c116, 0xb8d2d0c8, 0x1e376c08,
  0x5141ab53, 0x2748774c, 0xdf8eeb99, 0x34b0bcb5, 0xe19b48a8, 0x391c0cb3, 0xc5c95a63, 0x4ed8aa4a, 0xe3418acb,
  0x5b9cca4f, 0x7763e373, 0x682e6ff3, 0xd6b2b8a3, 0x748f82ee, 0x5defb2fc, 0x78a5636f, 0x43172f60, 0x84c87814,
  0xa1f0ab72, 0x8cc70208, 0x1a6439ec, 0x90befffa, 0x23631e28, 0xa4506ceb, 0xde82bde9, 0xbef9a3f7, 0xb2c67915,
  0xc67178f2, 0xe372532b, 0xca273ece, 0xea26619c, 0xd186b8c7, 0x21c0c207, 0xeada7dd6, 0xcde0eb1e, 0xf57d4f7f,
  0xee6ed178, 0x06f067aa, 0x72176fba, 0x0a637dc5, 0xa2c898a6, 0x113f9804, 0xbef90dae, 0x1b710b35, 0x131c471b,
  0x28db77f5, 0x23047d84, 0x32caab7b, 0x40c72493, 0x3c9ebe0a, 0x15c9bebc, 0x431d67c4, 0x9c100d4c, 0x4cc5d4be,
  0xcb3e42b6, 0x597f299c, 0xfc657e2a, 0x5fcb6fab, 0x3ad6faec, 0x6c44198c, 0x4a475817,
];
/** SHA-512 initial values as word pairs; their high words are SHA-256's initial values. */
const IV512 = [
  0x6a09e667, 0xf3bcc908, 0xbb67ae85, 0x84caa73b, 0x3c6ef372, 0xfe94f82b, 0xa54ff53a, 0x5f1d36f1, 0x510e527f,
  0xade682d1, 0x9b05688c, 0x2b3e6c1f, 0x1f83d9ab, 0xfb41bd6b, 0x5be0cd19, 0x137e2179,
];
const IV384 = [
  0xcbbb9d5d, 0xc1059ed8, 0x629a292a, 0x367cd507, 0x9159015a, 0x3070dd17, 0x152fecd8, 0xf70e5939, 0x67332667,
  0xffc00b31, 0x8eb44a87, 0x68581511, 0xdb0c2e0d, 0x64f98fa7, 0x47b5481d, 0xbefa4fa4,
];
/** MD5's sine table, T[i] = floor(|sin(i + 1)| · 2^32). */
const MD5_T = [
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501, 0x698098d8,
  0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340,
  0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87,
  0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
  0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039,
  0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92,
  0xffeff47d, 0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
  0xeb86d391,
];
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
