import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Malformed } from "../../src/core/attachments/bytes";
import { lzmaDecode } from "../../src/core/attachments/lzma";

// LZMA-JS's encoder (a devDependency only): a second, independent encoder to check against.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const LZMAJS = require("lzma") as { compress(data: Uint8Array | string, mode: number): number[] };

const dir = join(__dirname, "../fixtures/lzma");
const input = readFileSync(join(dir, "input.bin"));

/** Splits an LZMA_Alone file into its properties and stream. */
function alone(file: Uint8Array): { props: Uint8Array; stream: Uint8Array } {
  return { props: file.subarray(0, 5), stream: file.subarray(13) };
}

function lzmaJs(data: Uint8Array, mode: number): Uint8Array {
  return Uint8Array.from(LZMAJS.compress(data, mode), (x) => x & 0xff);
}

describe("lzmaDecode", () => {
  const files = readdirSync(dir).filter((f) => f.endsWith(".lzma"));

  test("the xz fixtures exist", () => expect(files.length).toBeGreaterThanOrEqual(5));

  test.each(files)("decodes xz's %s to the input", (name) => {
    const { props, stream } = alone(readFileSync(join(dir, name)));
    expect(Buffer.from(lzmaDecode(props, stream, input.length)).equals(input)).toBe(true);
  });

  test.each(files)("stops at the end marker of %s when more was asked for", (name) => {
    const { props, stream } = alone(readFileSync(join(dir, name)));
    const out = lzmaDecode(props, stream, input.length + 100);
    expect(out.length).toBe(input.length);
    expect(Buffer.from(out).equals(input)).toBe(true);
  });

  test("decodes LZMA-JS's streams of many sizes and modes", () => {
    let seed = 1;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (const size of [0, 1, 2, 17, 300, 4096, 33000]) {
      for (const mode of [1, 5, 9]) {
        // Mostly a small alphabet (long matches, reps), with some random bytes (literals).
        const data = Uint8Array.from({ length: size }, () =>
          rand() < 0.9 ? 97 + Math.floor(rand() * 4) : Math.floor(rand() * 256),
        );
        const { props, stream } = alone(lzmaJs(data, mode));
        expect(Buffer.from(lzmaDecode(props, stream, size)).equals(Buffer.from(data))).toBe(true);
      }
    }
  });

  test("a truncated stream is Malformed, never a hang or a partial answer", () => {
    const { props, stream } = alone(readFileSync(join(dir, "lc_3-lp_0-pb_2.lzma")));
    for (const cut of [0, 3, 5, 100, stream.length >> 1])
      expect(() => lzmaDecode(props, stream.subarray(0, cut), input.length)).toThrow(Malformed);
  });

  test("corrupt streams throw Malformed or decode to other bytes, within the declared size", () => {
    const { props, stream } = alone(readFileSync(join(dir, "lc_3-lp_0-pb_2.lzma")));
    let seed = 9;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 200; i++) {
      const bad = Uint8Array.from(stream);
      bad[1 + Math.floor(rand() * (bad.length - 1))] ^= 1 + Math.floor(rand() * 255);
      try {
        const out = lzmaDecode(props, bad, input.length);
        expect(out.length).toBeLessThanOrEqual(input.length);
      } catch (e) {
        expect(e).toBeInstanceOf(Malformed);
      }
    }
  });

  test("bad properties are Malformed", () => {
    const { stream } = alone(readFileSync(join(dir, "lc_3-lp_0-pb_2.lzma")));
    expect(() => lzmaDecode(Uint8Array.of(225, 0, 0, 1, 0), stream, 10)).toThrow(Malformed);
    expect(() => lzmaDecode(Uint8Array.of(8 + 9 * 4, 0, 0, 1, 0), stream, 10)).toThrow(/too large/);
    expect(() => lzmaDecode(Uint8Array.of(93), stream, 10)).toThrow(Malformed);
    expect(() => lzmaDecode(Uint8Array.of(93, 0, 0, 1, 0), Uint8Array.of(1, 0, 0, 0, 0), 10)).toThrow(
      Malformed,
    );
  });
});
