import { InvalidDomain, parseMailDomain, tryParseMailDomain } from "../../src/core/domain";

describe("parseMailDomain", () => {
  it.each([
    ["example.co.jp", "example.co.jp", "example.co.jp"],
    ["Taro.Yamada@Example.CO.JP", "example.co.jp", "example.co.jp"],
    ["山田 太郎 <taro@example.jp>", "example.jp", "example.jp"],
    ["例え.test", "xn--r8jz45g.test", "例え.test"],
    ["user@例え.テスト", "xn--r8jz45g.xn--zckzah", "例え.テスト"],
    ["ｅｘａｍｐｌｅ．ｊｐ", "example.jp", "example.jp"], // full-width input, common in Japanese IMEs
    ["example。jp", "example.jp", "example.jp"], // ideographic full stop
    ["example.jp.", "example.jp", "example.jp"],
    ["  mail.example.jp  ", "mail.example.jp", "mail.example.jp"],
  ])("%j → %s", (input, ascii, unicode) => {
    expect(parseMailDomain(input)).toEqual({ ascii, unicode });
  });

  it.each([
    ["", "empty"],
    ["localhost", "reserved"],
    ["mail.localhost", "reserved"],
    ["x.invalid", "reserved"],
    ["printer.local", "reserved"],
    ["intranet", "single-label"],
    ["192.0.2.1", "ip-literal"],
    ["user@[192.0.2.1]", "ip-literal"],
    ["2001:db8::1", "ip-literal"],
    ["1.2.3.4.5", "ip-literal"],
    ["exa mple.jp", "bad-character"],
    ["exa_mple.jp", "bad-character"],
    ["example..jp", "empty-label"],
    [".example.jp", "empty-label"],
    ["-example.jp", "bad-hyphen"],
    ["a".repeat(64) + ".jp", "label-too-long"],
    [Array(60).fill("abcd").join(".") + ".jp", "too-long"],
    ["evil.jp/../x", "bad-character"],
  ])("rejects %j (%s)", (input, code) => {
    expect(() => parseMailDomain(input)).toThrow(InvalidDomain);
    try {
      parseMailDomain(input);
    } catch (e) {
      expect((e as InvalidDomain).code).toBe(code);
    }
  });

  it("tryParseMailDomain returns undefined instead of throwing", () => {
    expect(tryParseMailDomain("localhost")).toBeUndefined();
    expect(tryParseMailDomain("a@b.jp")).toEqual({ ascii: "b.jp", unicode: "b.jp" });
  });
});
