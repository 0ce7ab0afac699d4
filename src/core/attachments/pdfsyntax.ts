import { Malformed } from "./bytes";

/** The few PDF object types the trailer and the encryption dictionary use. */
export type PdfValue =
  | { t: "num"; v: number }
  | { t: "name"; v: string }
  | { t: "str"; v: Uint8Array }
  | { t: "arr"; v: PdfValue[] }
  | { t: "dict"; v: Map<string, PdfValue>; streamAt?: number }
  | { t: "ref"; n: number; g: number }
  | { t: "bool"; v: boolean }
  | { t: "null" }
  | { t: "kw"; v: string };

const WS = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIM = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);
const MAX_NESTING = 32;

/**
 * Reads one PDF object from `b` at `at`: `n g R` becomes a reference, `n g obj` is read as the object
 * it wraps. A small parser over a byte window that never reads outside it. (Closures, not a class:
 * the minifier shortens local names but not property names, and this is in the size-capped event
 * bundle.)
 */
export function parsePdfValue(b: Uint8Array, at = 0): PdfValue {
  function skipSpace(): void {
    while (at < b.length) {
      const c = b[at];
      if (WS.has(c)) at++;
      else if (c === 0x25 /* % comment */) {
        while (at < b.length && b[at] !== 0x0a && b[at] !== 0x0d) at++;
      } else break;
    }
  }

  function regular(): string {
    let s = "";
    while (at < b.length && !WS.has(b[at]) && !DELIM.has(b[at])) s += String.fromCharCode(b[at++]);
    return s;
  }

  /** Reads the next object; `n g R` becomes a reference, `n g obj` is read as the object it wraps. */
  function value(depth: number): PdfValue {
    if (depth > MAX_NESTING) throw new Malformed("PDF objects nested too deep");
    skipSpace();
    if (at >= b.length) throw new Malformed("PDF object ends early");
    const c = b[at];
    if (c === 0x2f) {
      at++;
      return {
        t: "name",
        v: regular().replace(/#([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))),
      };
    }
    if (c === 0x3c && b[at + 1] === 0x3c) return dict(depth);
    if (c === 0x3c) return hexString();
    if (c === 0x28) return literalString();
    if (c === 0x5b) {
      at++;
      const v: PdfValue[] = [];
      for (;;) {
        skipSpace();
        if (at >= b.length) throw new Malformed("PDF array ends early");
        if (b[at] === 0x5d) {
          at++;
          return { t: "arr", v };
        }
        v.push(value(depth + 1));
      }
    }
    const word = regular();
    if (word === "") {
      at++;
      return { t: "kw", v: String.fromCharCode(c) };
    }
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(word)) {
      const num = Number(word);
      // Look ahead for "n g R" (reference) or "n g obj" (object header).
      if (/^\d+$/.test(word)) {
        const save = at;
        skipSpace();
        const g = regular();
        if (/^\d+$/.test(g)) {
          skipSpace();
          const k = regular();
          if (k === "R") return { t: "ref", n: num, g: Number(g) };
          if (k === "obj") return value(depth + 1);
        }
        at = save;
      }
      return { t: "num", v: num };
    }
    if (word === "true" || word === "false") return { t: "bool", v: word === "true" };
    if (word === "null") return { t: "null" };
    return { t: "kw", v: word };
  }

  function dict(depth: number): PdfValue {
    at += 2;
    const v = new Map<string, PdfValue>();
    for (;;) {
      skipSpace();
      if (at >= b.length) throw new Malformed("PDF dictionary ends early");
      if (b[at] === 0x3e && b[at + 1] === 0x3e) {
        at += 2;
        break;
      }
      const key = value(depth + 1);
      if (key.t !== "name") throw new Malformed("PDF dictionary key is not a name");
      v.set(key.v, value(depth + 1));
    }
    // A stream's data starts after "stream" and one end-of-line.
    const save = at;
    skipSpace();
    if (regular() === "stream") {
      if (b[at] === 0x0d) at++;
      if (b[at] === 0x0a) at++;
      return { t: "dict", v, streamAt: at };
    }
    at = save;
    return { t: "dict", v };
  }

  function hexString(): PdfValue {
    at++;
    const digits: number[] = [];
    while (at < b.length && b[at] !== 0x3e) {
      const c = b[at++];
      const d =
        c >= 0x30 && c <= 0x39 ? c - 0x30 : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x57 : -1;
      if (d >= 0) digits.push(d);
      else if (!WS.has(c)) throw new Malformed("bad hex string");
    }
    at++;
    if (digits.length % 2) digits.push(0);
    const v = new Uint8Array(digits.length / 2);
    for (let i = 0; i < v.length; i++) v[i] = (digits[2 * i] << 4) | digits[2 * i + 1];
    return { t: "str", v };
  }

  function literalString(): PdfValue {
    at++;
    const out: number[] = [];
    let nest = 1;
    while (at < b.length) {
      let c = b[at++];
      if (c === 0x28) nest++;
      else if (c === 0x29 && --nest === 0) return { t: "str", v: Uint8Array.from(out) };
      else if (c === 0x5c) {
        c = b[at++];
        const esc: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12 };
        if (c in esc) c = esc[c];
        else if (c === 0x0d || c === 0x0a) {
          if (c === 0x0d && b[at] === 0x0a) at++;
          continue;
        } else if (c >= 0x30 && c <= 0x37) {
          let n = c - 0x30;
          for (let k = 0; k < 2 && b[at] >= 0x30 && b[at] <= 0x37; k++) n = n * 8 + b[at++] - 0x30;
          c = n & 0xff;
        }
      }
      out.push(c);
    }
    throw new Malformed("PDF string ends early");
  }

  return value(0);
}

export function get(d: PdfValue | undefined, key: string): PdfValue | undefined {
  return d && d.t === "dict" ? d.v.get(key) : undefined;
}

export function num(v: PdfValue | undefined): number | undefined {
  return v && v.t === "num" ? v.v : undefined;
}

export function name(v: PdfValue | undefined): string | undefined {
  return v && v.t === "name" ? v.v : undefined;
}

export function str(v: PdfValue | undefined): Uint8Array | undefined {
  return v && v.t === "str" ? v.v : undefined;
}
