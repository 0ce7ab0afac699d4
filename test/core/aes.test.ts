import { createCipheriv, randomBytes } from "node:crypto";
import { aes128CbcEncrypt } from "../../src/core/attachments/aes";

function nodeCbc(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer {
  const c = createCipheriv("aes-128-cbc", key, iv).setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

describe("aes128CbcEncrypt", () => {
  test("FIPS 197 appendix C.1 vector", () => {
    const key = Buffer.from("000102030405060708090a0b0c0d0e0f", "hex");
    const out = aes128CbcEncrypt(
      key,
      new Uint8Array(16),
      Buffer.from("00112233445566778899aabbccddeeff", "hex"),
    );
    expect(Buffer.from(out).toString("hex")).toBe("69c4e0d86a7b0430d8cdb78070b4c55a");
  });

  test("matches Node's crypto for random keys, IVs and lengths", () => {
    for (let i = 0; i < 200; i++) {
      const key = randomBytes(16);
      const iv = randomBytes(16);
      const data = randomBytes(16 * (i % 40));
      expect(Buffer.from(aes128CbcEncrypt(key, iv, data)).equals(nodeCbc(key, iv, data))).toBe(true);
    }
  });

  test("a partial block or a wrong key size is refused", () => {
    expect(() => aes128CbcEncrypt(new Uint8Array(16), new Uint8Array(16), new Uint8Array(15))).toThrow(
      RangeError,
    );
    expect(() => aes128CbcEncrypt(new Uint8Array(32), new Uint8Array(16), new Uint8Array(16))).toThrow(
      RangeError,
    );
  });
});
