/** Little-endian readers and text helpers over plain Uint8Arrays (no Buffer: this runs in browsers too). */

/** Thrown when a structure points outside the bytes it came from; the inspector turns it into `null`. */
export class Malformed extends Error {}

export function u16(b: Uint8Array, at: number): number {
  if (at < 0 || at + 2 > b.length) throw new Malformed(`read past end at ${at}`);
  return b[at] | (b[at + 1] << 8);
}

export function u32(b: Uint8Array, at: number): number {
  if (at < 0 || at + 4 > b.length) throw new Malformed(`read past end at ${at}`);
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 0x1000000;
}

/** 64-bit little-endian as a number; exact up to 2^53, which is far beyond any attachment. */
export function u64(b: Uint8Array, at: number): number {
  return u32(b, at) + u32(b, at + 4) * 0x100000000;
}

export function startsWith(b: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (at < 0 || at + sig.length > b.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[at + i] !== sig[i]) return false;
  return true;
}

/** Last index of `sig` in `b` at or before `from`, or -1. */
export function lastIndexOf(b: Uint8Array, sig: readonly number[], from = b.length - sig.length): number {
  for (let i = Math.min(from, b.length - sig.length); i >= 0; i--) if (startsWith(b, sig, i)) return i;
  return -1;
}

export function indexOf(b: Uint8Array, sig: readonly number[], from = 0): number {
  const last = b.length - sig.length;
  outer: for (let i = Math.max(0, from); i <= last; i++) {
    for (let j = 0; j < sig.length; j++) if (b[i + j] !== sig[j]) continue outer;
    return i;
  }
  return -1;
}

export function ascii(b: Uint8Array, start = 0, end = b.length): string {
  let s = "";
  const stop = Math.min(end, b.length);
  for (let i = start; i < stop; i++) s += String.fromCharCode(b[i]);
  return s;
}

export function asciiBytes(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i) & 0xff);
  return out;
}

/** Lenient UTF-8 decoding for names shown in details (TextDecoder is missing in some Outlook runtimes). */
export function utf8(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length;) {
    const x = b[i++];
    if (x < 0x80) s += String.fromCharCode(x);
    else if (x >= 0xc0 && x < 0xe0 && i < b.length)
      s += String.fromCharCode(((x & 0x1f) << 6) | (b[i++] & 0x3f));
    else if (x >= 0xe0 && x < 0xf0 && i + 1 < b.length) {
      s += String.fromCharCode(((x & 0x0f) << 12) | ((b[i] & 0x3f) << 6) | (b[i + 1] & 0x3f));
      i += 2;
    } else if (x >= 0xf0 && i + 2 < b.length) {
      const cp = ((x & 0x07) << 18) | ((b[i] & 0x3f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f);
      s += String.fromCodePoint(cp <= 0x10ffff ? cp : 0xfffd);
      i += 3;
    } else s += "\ufffd";
  }
  return s;
}

export function utf16le(b: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i + 1 < end; i += 2) {
    const c = b[i] | (b[i + 1] << 8);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

let crcTable: number[] | undefined;

/** CRC-32 (IEEE), as 7z's start header and RAR's block headers use it to protect themselves. */
export function crc32(b: Uint8Array): number {
  const t = (crcTable =
    crcTable ||
    Array.from({ length: 256 }, (_, n) => {
      for (let k = 0; k < 8; k++) n = n & 1 ? 0xedb88320 ^ (n >>> 1) : n >>> 1;
      return n;
    }));
  let c = -1;
  for (let i = 0; i < b.length; i++) c = t[(c ^ b[i]) & 255] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
