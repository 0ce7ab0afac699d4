/**
 * Random access to a file's bytes, whether we were handed the bytes or the Base64 text that
 * Outlook's getAttachmentContentAsync returns. The Base64 source decodes only the ranges asked for,
 * so a 100 MB attachment costs the few kilobytes of its directory, not 100 MB of decoding.
 */
export interface ByteSource {
  readonly size: number;
  /** Up to `length` bytes from `offset`; fewer at the end of the file, none past it. */
  read(offset: number, length: number): Uint8Array;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read(offset, length) {
      const start = Math.max(0, Math.min(offset, bytes.length));
      return bytes.subarray(start, Math.max(start, Math.min(bytes.length, start + Math.max(0, length))));
    },
  };
}

/** A character outside the strict Base64 alphabet was met while decoding a range. */
export class Base64Error extends Error {}

const DECODE = new Int16Array(256).fill(-1);
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  .split("")
  .forEach((c, i) => (DECODE[c.charCodeAt(0)] = i));
// URL-safe alphabet as well: some gateways hand that out.
DECODE["-".charCodeAt(0)] = 62;
DECODE["_".charCodeAt(0)] = 63;

/**
 * Strict and lazy: the text must be unbroken Base64 (what Outlook returns). Text with line breaks or
 * other noise is detected when a range is decoded (Base64Error), and `base64Source` then falls back to
 * a cleaned copy.
 */
function strictBase64Source(text: string): ByteSource {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end--;
  if (end % 4 === 1) throw new Base64Error("Base64 text has an impossible length");
  const size = Math.floor(end / 4) * 3 + (end % 4 === 0 ? 0 : (end % 4) - 1);
  return {
    size,
    read(offset, length) {
      const start = Math.max(0, Math.min(offset, size));
      const stop = Math.max(start, Math.min(size, start + Math.max(0, length)));
      if (stop === start) return new Uint8Array(0);
      const firstQuad = Math.floor(start / 3);
      const lastQuad = Math.ceil(stop / 3);
      const out = new Uint8Array((lastQuad - firstQuad) * 3);
      let o = 0;
      for (let q = firstQuad; q < lastQuad; q++) {
        const c = q * 4;
        let acc = 0;
        let got = 0;
        for (let k = 0; k < 4 && c + k < end; k++) {
          const v = DECODE[text.charCodeAt(c + k) & 0xff];
          if (v < 0 || text.charCodeAt(c + k) > 0xff)
            throw new Base64Error(`not Base64 at character ${c + k}`);
          acc = (acc << 6) | v;
          got++;
        }
        acc <<= 6 * (4 - got);
        out[o++] = (acc >> 16) & 0xff;
        out[o++] = (acc >> 8) & 0xff;
        out[o++] = acc & 0xff;
      }
      const skip = start - firstQuad * 3;
      return out.subarray(skip, skip + (stop - start));
    },
  };
}

/**
 * Accepts plain Base64, a `data:` URL, or MIME-style Base64 with line breaks. Only the first and last
 * kilobyte are looked at for line breaks (MIME puts them every 76 characters), so clean Base64 is never
 * scanned whole; noise met later raises Base64Error and the caller retries with `cleanBase64Source`.
 */
export function base64Source(text: string): ByteSource {
  const body = stripDataUrl(text);
  const sample = body.slice(0, 1024) + body.slice(-1024);
  if (/[^A-Za-z0-9+/\-_=]/.test(sample) || /=[^=]/.test(sample)) return cleanBase64Source(body);
  return strictBase64Source(body);
}

/** Drops everything outside the Base64 alphabet first: one full copy, for text that is not clean. */
export function cleanBase64Source(text: string): ByteSource {
  return strictBase64Source(stripDataUrl(text).replace(/[^A-Za-z0-9+/\-_]/g, ""));
}

function stripDataUrl(text: string): string {
  const comma = text.startsWith("data:") ? text.indexOf(",") : -1;
  return comma >= 0 ? text.slice(comma + 1) : text;
}
