import { aes128CbcEncrypt } from "./aes";
import { concat } from "./bytes";
import { md5, sha256, sha384, sha512 } from "./digest";

/** The standard security handler's parameters (ISO 32000-2 §7.6.4). */
export interface StandardSecurity {
  R: number;
  O: Uint8Array;
  U: Uint8Array;
  P: number;
  keyLengthBits: number;
  id0: Uint8Array;
  encryptMetadata: boolean;
}

const PAD = Uint8Array.from([
  0x28, 0xbf, 0x4e, 0x5e, 0x4e, 0x75, 0x8a, 0x41, 0x64, 0x00, 0x4e, 0x56, 0xff, 0xfa, 0x01, 0x08, 0x2e, 0x2e,
  0x00, 0xb6, 0xd0, 0x68, 0x3e, 0x80, 0x2f, 0x0c, 0xa9, 0xfe, 0x64, 0x53, 0x69, 0x7a,
]);

/** RC4: the PDF revisions 2 to 4 still use it, and no maintained library ships it any more. */
function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i] + key[i % key.length]) & 0xff;
    [s[i], s[j]] = [s[j], s[i]];
  }
  const out = new Uint8Array(data.length);
  for (let k = 0, i = 0, j = 0; k < data.length; k++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]) & 0xff;
    [s[i], s[j]] = [s[j], s[i]];
    out[k] = data[k] ^ s[(s[i] + s[j]) & 0xff];
  }
  return out;
}

function equal(a: Uint8Array, b: Uint8Array, n: number): boolean {
  if (a.length < n || b.length < n) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Algorithm 2: the file key from a (here: empty) user password, revisions 2 to 4. */
function legacyKey(sec: StandardSecurity): Uint8Array {
  const n = sec.R === 2 ? 5 : Math.max(5, Math.min(16, sec.keyLengthBits / 8));
  const p = Uint8Array.of(sec.P & 0xff, (sec.P >> 8) & 0xff, (sec.P >> 16) & 0xff, (sec.P >>> 24) & 0xff);
  const parts = [PAD, sec.O.subarray(0, 32), p, sec.id0];
  if (sec.R >= 4 && !sec.encryptMetadata) parts.push(Uint8Array.of(0xff, 0xff, 0xff, 0xff));
  let key = md5(concat(parts));
  if (sec.R >= 3) for (let i = 0; i < 50; i++) key = md5(key.subarray(0, n));
  return key.subarray(0, n);
}

/** Algorithm 2.B: the revision 6 hash (SHA-256/384/512 chosen by AES output), with an empty password. */
function hash2B(password: Uint8Array, salt: Uint8Array, udata: Uint8Array): Uint8Array {
  let k: Uint8Array = sha256(concat([password, salt, udata]));
  for (let i = 0; ;) {
    const one = concat([password, k, udata]);
    const k1 = new Uint8Array(one.length * 64);
    for (let r = 0; r < 64; r++) k1.set(one, r * one.length);
    const e = aes128CbcEncrypt(k.subarray(0, 16), k.subarray(16, 32), k1);
    let sum = 0;
    for (let j = 0; j < 16; j++) sum += e[j];
    const h = sum % 3;
    k = h === 0 ? sha256(e) : h === 1 ? sha384(e) : sha512(e);
    i++;
    if (i >= 64 && e[e.length - 1] <= i - 32) break;
  }
  return k.subarray(0, 32);
}

/** True when the document opens with an empty user password: restricted, not password-protected. */
export function opensWithoutPassword(sec: StandardSecurity): boolean {
  const empty = new Uint8Array(0);
  if (sec.R === 5) return equal(sha256(concat([empty, sec.U.subarray(32, 40)])), sec.U, 32);
  if (sec.R === 6) return equal(hash2B(empty, sec.U.subarray(32, 40), empty), sec.U, 32);
  if (sec.R < 2 || sec.R > 4) throw new Error(`unknown security revision ${sec.R}`);
  const key = legacyKey(sec);
  if (sec.R === 2) return equal(rc4(key, PAD), sec.U, 32);
  let x = rc4(key, md5(concat([PAD, sec.id0])));
  for (let i = 1; i <= 19; i++)
    x = rc4(
      key.map((b) => b ^ i),
      x,
    );
  return equal(x, sec.U, 16);
}
