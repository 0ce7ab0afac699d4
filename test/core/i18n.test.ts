import { allMessageKeys, langFromLocale, methodLabel, t } from "../../src/core/i18n";

describe("messages", () => {
  it("every message exists, non-empty, in Japanese and English", () => {
    for (const key of allMessageKeys()) {
      expect(t("ja", key)).not.toBe("");
      expect(t("en", key)).not.toBe("");
      // Identical only for technical names (STARTTLS, TLS, MTA-STS, DANE), never for sentences.
      if (t("ja", key) === t("en", key)) expect(t("en", key)).toMatch(/^[A-Z0-9-]+$/);
    }
  });

  it("fills placeholders", () => {
    expect(t("en", "inspect.summary", { total: 3, protected: 1 })).toBe(
      "1 of 3 files are password-protected.",
    );
    expect(t("ja", "inspect.summary", { total: 3, protected: 1 })).toBe("3 件中 1 件がパスワード付きです。");
  });

  it.each([
    ["ja-JP", "ja"],
    ["ja", "ja"],
    ["ja_JP.UTF-8", "ja"],
    ["JA-jp", "ja"],
    ["en-US", "en"],
    ["jav", "en"],
    ["", "en"],
    [undefined, "en"],
  ])("language of %j is %s", (locale, lang) => expect(langFromLocale(locale)).toBe(lang));

  it("labels inspection methods by family", () => {
    expect(methodLabel("en", "aes-256")).toBe("ZIP AES encryption [aes-256]");
    expect(methodLabel("ja", "zipcrypto")).toContain("ZipCrypto");
    expect(methodLabel("en", "pdf-rc4-40")).toContain("PDF open password");
    expect(methodLabel("en", "something-new")).toBe("encryption [something-new]");
  });
});
