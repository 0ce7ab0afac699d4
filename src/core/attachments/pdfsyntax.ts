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

/** A small PDF object parser over a byte window; it never reads outside the window. */
export class PdfParser {
  constructor(
    readonly b: Uint8Array,
    public at = 0,
  ) {}

  private skipSpace(): void {
    while (this.at < this.b.length) {
      const c = this.b[this.at];
      if (WS.has(c)) this.at++;
      else if (c === 0x25 /* % comment */) {
        while (this.at < this.b.length && this.b[this.at] !== 0x0a && this.b[this.at] !== 0x0d) this.at++;
      } else break;
    }
  }

  private regular(): string {
    let s = "";
    while (this.at < this.b.length && !WS.has(this.b[this.at]) && !DELIM.has(this.b[this.at]))
      s += String.fromCharCode(this.b[this.at++]);
    return s;
  }

  /** Reads the next object; `n g R` becomes a reference, `n g obj` is read as the object it wraps. */
  value(depth = 0): PdfValue {
    if (depth > MAX_NESTING) throw new Malformed("PDF objects nested too deep");
    this.skipSpace();
    if (this.at >= this.b.length) throw new Malformed("PDF object ends early");
    const c = this.b[this.at];
    if (c === 0x2f) {
      this.at++;
      return {
        t: "name",
        v: this.regular().replace(/#([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))),
      };
    }
    if (c === 0x3c && this.b[this.at + 1] === 0x3c) return this.dict(depth);
    if (c === 0x3c) return this.hexString();
    if (c === 0x28) return this.literalString();
    if (c === 0x5b) {
      this.at++;
      const v: PdfValue[] = [];
      for (;;) {
        this.skipSpace();
        if (this.at >= this.b.length) throw new Malformed("PDF array ends early");
        if (this.b[this.at] === 0x5d) {
          this.at++;
          return { t: "arr", v };
        }
        v.push(this.value(depth + 1));
      }
    }
    const word = this.regular();
    if (word === "") {
      this.at++;
      return { t: "kw", v: String.fromCharCode(c) };
    }
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(word)) {
      const num = Number(word);
      // Look ahead for "n g R" (reference) or "n g obj" (object header).
      if (/^\d+$/.test(word)) {
        const save = this.at;
        this.skipSpace();
        const g = this.regular();
        if (/^\d+$/.test(g)) {
          this.skipSpace();
          const k = this.regular();
          if (k === "R") return { t: "ref", n: num, g: Number(g) };
          if (k === "obj") return this.value(depth + 1);
        }
        this.at = save;
      }
      return { t: "num", v: num };
    }
    if (word === "true" || word === "false") return { t: "bool", v: word === "true" };
    if (word === "null") return { t: "null" };
    return { t: "kw", v: word };
  }

  private dict(depth: number): PdfValue {
    this.at += 2;
    const v = new Map<string, PdfValue>();
    for (;;) {
      this.skipSpace();
      if (this.at >= this.b.length) throw new Malformed("PDF dictionary ends early");
      if (this.b[this.at] === 0x3e && this.b[this.at + 1] === 0x3e) {
        this.at += 2;
        break;
      }
      const key = this.value(depth + 1);
      if (key.t !== "name") throw new Malformed("PDF dictionary key is not a name");
      v.set(key.v, this.value(depth + 1));
    }
    // A stream's data starts after "stream" and one end-of-line.
    const save = this.at;
    this.skipSpace();
    if (this.regular() === "stream") {
      if (this.b[this.at] === 0x0d) this.at++;
      if (this.b[this.at] === 0x0a) this.at++;
      return { t: "dict", v, streamAt: this.at };
    }
    this.at = save;
    return { t: "dict", v };
  }

  private hexString(): PdfValue {
    this.at++;
    const digits: number[] = [];
    while (this.at < this.b.length && this.b[this.at] !== 0x3e) {
      const c = this.b[this.at++];
      const d =
        c >= 0x30 && c <= 0x39 ? c - 0x30 : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x57 : -1;
      if (d >= 0) digits.push(d);
      else if (!WS.has(c)) throw new Malformed("bad hex string");
    }
    this.at++;
    if (digits.length % 2) digits.push(0);
    const v = new Uint8Array(digits.length / 2);
    for (let i = 0; i < v.length; i++) v[i] = (digits[2 * i] << 4) | digits[2 * i + 1];
    return { t: "str", v };
  }

  private literalString(): PdfValue {
    this.at++;
    const out: number[] = [];
    let nest = 1;
    while (this.at < this.b.length) {
      let c = this.b[this.at++];
      if (c === 0x28) nest++;
      else if (c === 0x29 && --nest === 0) return { t: "str", v: Uint8Array.from(out) };
      else if (c === 0x5c) {
        c = this.b[this.at++];
        const esc: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12 };
        if (c in esc) c = esc[c];
        else if (c === 0x0d || c === 0x0a) {
          if (c === 0x0d && this.b[this.at] === 0x0a) this.at++;
          continue;
        } else if (c >= 0x30 && c <= 0x37) {
          let n = c - 0x30;
          for (let k = 0; k < 2 && this.b[this.at] >= 0x30 && this.b[this.at] <= 0x37; k++)
            n = n * 8 + this.b[this.at++] - 0x30;
          c = n & 0xff;
        }
      }
      out.push(c);
    }
    throw new Malformed("PDF string ends early");
  }
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
