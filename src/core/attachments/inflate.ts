import { Inflate } from "fflate";

/**
 * Raw-deflate decompression that stops once `maxOut` bytes are out: data is pushed in small steps,
 * so a bomb costs at most one step's expansion (deflate's ratio is at most about 1032:1).
 */
export function inflateCapped(
  read: (offset: number, length: number) => Uint8Array,
  inputLength: number,
  maxOut: number,
): { out: Uint8Array; consumed: number } {
  const chunks: Uint8Array[] = [];
  let got = 0;
  let done = false;
  const inflate = new Inflate((chunk, final) => {
    chunks.push(chunk);
    got += chunk.length;
    if (final) done = true;
  });
  const step = 4096;
  let consumed = 0;
  while (consumed < inputLength && got < maxOut && !done) {
    const part = read(consumed, Math.min(step, inputLength - consumed));
    if (part.length === 0) break;
    consumed += part.length;
    inflate.push(part, consumed >= inputLength);
  }
  const out = new Uint8Array(Math.min(got, maxOut));
  let at = 0;
  for (const c of chunks) {
    if (at >= out.length) break;
    const n = Math.min(c.length, out.length - at);
    out.set(c.subarray(0, n), at);
    at += n;
  }
  return { out, consumed };
}
