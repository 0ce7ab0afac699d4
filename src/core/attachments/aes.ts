/**
 * AES-128 encryption in CBC mode without padding (FIPS 197, SP 800-38A): all that PDF revision 6's
 * password hash (ISO 32000-2 Algorithm 2.B) needs. Why by hand: the event bundle's 60 KB budget —
 * @noble/ciphers' AES weighed 6 KB, this about 1 KB — and the tables are computed, not written out.
 * Checked against Node's crypto in test/core/aes.test.ts.
 */

let sbox: Uint8Array | undefined;
/** The four round tables: T[0] for column byte 0, each next one rotated a byte further. */
let tables: Uint32Array[] = [];

function init(): Uint8Array {
  const s = new Uint8Array(256);
  const exp = new Uint8Array(256);
  const log = new Uint8Array(256);
  // Powers of the generator 3 in GF(2^8), for inverses.
  for (let i = 0, x = 1; i < 255; i++) {
    exp[i] = x;
    log[x] = i;
    x ^= (x << 1) ^ (x & 0x80 ? 0x11b : 0);
  }
  const t0 = new Uint32Array(256);
  for (let a = 0; a < 256; a++) {
    const inv = a ? exp[(255 - log[a]) % 255] : 0;
    let b = inv;
    for (let r = 1; r < 5; r++) b ^= ((inv << r) | (inv >>> (8 - r))) & 0xff;
    b ^= 0x63;
    s[a] = b;
    const b2 = ((b << 1) ^ (b & 0x80 ? 0x11b : 0)) & 0xff;
    t0[a] = ((b2 << 24) | (b << 16) | (b << 8) | (b2 ^ b)) >>> 0;
  }
  tables = [t0];
  for (let k = 1; k < 4; k++) tables.push(t0.map((w) => (w >>> (8 * k)) | (w << (32 - 8 * k))));
  sbox = s;
  return s;
}

const sub = (s: Uint8Array, w: number): number =>
  (s[w >>> 24] << 24) | (s[(w >>> 16) & 255] << 16) | (s[(w >>> 8) & 255] << 8) | s[w & 255];

function expandKey(s: Uint8Array, key: Uint8Array): Int32Array {
  const w = new Int32Array(44);
  for (let i = 0; i < 4; i++)
    w[i] = (key[4 * i] << 24) | (key[4 * i + 1] << 16) | (key[4 * i + 2] << 8) | key[4 * i + 3];
  for (let i = 4, rcon = 1; i < 44; i++) {
    let t = w[i - 1];
    if (i % 4 === 0) {
      t = sub(s, (t << 8) | (t >>> 24)) ^ (rcon << 24);
      rcon = (rcon << 1) ^ (rcon & 0x80 ? 0x11b : 0);
    }
    w[i] = w[i - 4] ^ t;
  }
  return w;
}

/** AES-128-CBC encryption of `data` (a multiple of 16 bytes) under `key` and `iv` (16 bytes each). */
export function aes128CbcEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  if (key.length !== 16 || iv.length !== 16 || data.length % 16 !== 0)
    throw new RangeError("AES-128-CBC needs a 16-byte key and IV and whole 16-byte blocks");
  const s = sbox || init();
  const rk = expandKey(s, key);
  const out = new Uint8Array(data.length);
  const word = (b: Uint8Array, at: number) =>
    (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
  // The state as four big-endian column words; `c` carries the previous ciphertext block (CBC).
  let c = [0, 4, 8, 12].map((i) => word(iv, i));
  for (let at = 0; at < data.length; at += 16) {
    let x = c.map((w, i) => word(data, at + 4 * i) ^ w ^ rk[i]);
    for (let r = 4; r < 40; r += 4)
      x = x.map(
        (_, i) =>
          tables[0][x[i] >>> 24] ^
          tables[1][(x[(i + 1) & 3] >>> 16) & 255] ^
          tables[2][(x[(i + 2) & 3] >>> 8) & 255] ^
          tables[3][x[(i + 3) & 3] & 255] ^
          rk[r + i],
      );
    // The last round has no MixColumns: S-box bytes in ShiftRows order.
    c = x.map(
      (_, i) =>
        ((s[x[i] >>> 24] << 24) |
          (s[(x[(i + 1) & 3] >>> 16) & 255] << 16) |
          (s[(x[(i + 2) & 3] >>> 8) & 255] << 8) |
          s[x[(i + 3) & 3] & 255]) ^
        rk[40 + i],
    );
    c.forEach((w, i) => {
      for (let k = 0; k < 4; k++) out[at + 4 * i + k] = w >>> (24 - 8 * k);
    });
  }
  return out;
}
