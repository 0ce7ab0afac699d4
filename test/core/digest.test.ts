import { createHash, randomBytes } from "node:crypto";
import { md5, sha256, sha384, sha512 } from "../../src/core/attachments/digest";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const node = (alg: string, b: Uint8Array) => createHash(alg).update(b).digest("hex");
const ours = { md5, sha256, sha384, sha512 };

describe("hand-written digests agree with Node's crypto", () => {
  it.each(Object.keys(ours) as (keyof typeof ours)[])("%s over every length across two blocks", (alg) => {
    // Lengths around each padding boundary (55/56/64 for MD5 and SHA-256, 111/112/128 for SHA-512).
    for (let n = 0; n <= 300; n++) {
      const data = randomBytes(n);
      expect(hex(ours[alg](data))).toBe(node(alg, data));
    }
  });

  it.each(Object.keys(ours) as (keyof typeof ours)[])(
    "%s on the standard test vectors and large input",
    (alg) => {
      for (const s of ["", "abc", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"]) {
        const data = new TextEncoder().encode(s);
        expect(hex(ours[alg](data))).toBe(node(alg, data));
      }
      const big = randomBytes(200_000);
      expect(hex(ours[alg](big))).toBe(node(alg, big));
      // All-ones bytes exercise every carry in the 64-bit additions.
      const ones = new Uint8Array(1000).fill(0xff);
      expect(hex(ours[alg](ones))).toBe(node(alg, ones));
    },
  );
});
