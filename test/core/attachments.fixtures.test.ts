import { readdirSync } from "node:fs";
import { inspectBase64, inspectBytes } from "../../src/core/attachments";
import { FIXTURES, fixture, toBase64 } from "../helpers/fixtures";

// Every fixture made by test/fixtures/make-fixtures.sh, with what a careful person would conclude.
const expected: Record<string, [format: string, passwordProtected: boolean | null, method?: string]> = {
  "plain.zip": ["zip", false],
  "zipcrypto.zip": ["zip", true, "zipcrypto"],
  "zipcrypto-named.dat": ["zip", true, "zipcrypto"],
  "partial.zip": ["zip", true, "zipcrypto"],
  "aes256.zip": ["zip", true, "aes-256"],
  "aes128.zip": ["zip", true, "aes-128"],
  "zip64-plain.zip": ["zip", false],
  "zip64-zipcrypto.zip": ["zip", true, "zipcrypto"],
  "streamed-zipcrypto.zip": ["zip", true, "zipcrypto"],
  "streamed-plain.zip": ["zip", false],
  "truncated-zipcrypto.zip": ["zip", true, "zipcrypto"],
  "truncated-plain.zip": ["zip", null],
  "text-named.zip": ["other", false],
  "fake-header.zip": ["zip", null],
  "nested-zip.zip": ["zip", true, "nested"],
  "nested-deflated.zip": ["zip", true, "nested"],
  "deep-nested.zip": ["zip", true, "nested"],
  "nested-7z.zip": ["zip", true, "nested"],
  "nested-pdf.zip": ["zip", true, "nested"],
  "nested-docx.zip": ["zip", true, "nested"],
  "plain.7z": ["7z", false],
  "aes.7z": ["7z", true, "7z-aes"],
  "header-encrypted.7z": ["7z", true, "7z-aes"],
  "many-aes.7z": ["7z", true, "7z-aes"],
  "many-plain.7z": ["7z", false],
  "truncated.7z": ["7z", null],
  "plain.pdf": ["pdf", false],
  "plain-xrefstream.pdf": ["pdf", false],
  "aes256.pdf": ["pdf", true, "pdf-aes-256"],
  "aes256-xrefstream.pdf": ["pdf", true, "pdf-aes-256"],
  "aes128.pdf": ["pdf", true, "pdf-aes-128"],
  "rc4-128.pdf": ["pdf", true, "pdf-rc4-128"],
  "rc4-40.pdf": ["pdf", true, "pdf-rc4-40"],
  "restricted-aes256.pdf": ["pdf", false, "restricted"],
  "restricted-rc4-128.pdf": ["pdf", false, "restricted"],
  "restricted-rc4-40.pdf": ["pdf", false, "restricted"],
  "truncated.pdf": ["pdf", null],
  "plain.docx": ["ooxml", false],
  "plain.xlsx": ["ooxml", false],
  "plain.odt": ["odf", false],
  "plain.doc": ["doc", false],
  "plain.xls": ["xls", false],
  "encrypted.docx": ["office-encrypted", true, "office-agile"],
  "encrypted.xlsx": ["office-encrypted", true, "office-agile"],
  "encrypted.doc": ["doc", true, "doc-rc4"],
  "encrypted.xls": ["xls", true, "xls-rc4"],
  "encrypted.odt": ["odf", true, "odf-encryption"],
  "random.bin": ["other", false],
};

describe("attachment fixtures made by real tools", () => {
  it("has an expectation for every fixture file and a file for every expectation", () => {
    // (Subfolders such as messy/ have their own tests.)
    const files = readdirSync(FIXTURES, { withFileTypes: true }).filter((f) => f.isFile());
    expect(files.map((f) => f.name).sort()).toEqual(Object.keys(expected).sort());
  });

  describe.each(Object.entries(expected))("%s", (file, [format, passwordProtected, method]) => {
    const bytes = fixture(file);

    it("from bytes", () => {
      const r = inspectBytes(bytes);
      expect({ format: r.format, passwordProtected: r.passwordProtected }).toEqual({
        format,
        passwordProtected,
      });
      if (method) expect(r.method).toBe(method);
      if (passwordProtected === null) expect(r.detail).toBeTruthy();
    });

    it("from Base64, as Outlook hands it over, with the same result", () => {
      expect(inspectBase64(toBase64(bytes))).toEqual(inspectBytes(bytes));
    });

    it("from MIME Base64 with line breaks, with the same result", () => {
      const mime = toBase64(bytes).replace(/.{76}/g, "$&\r\n");
      expect(inspectBase64(mime)).toEqual(inspectBytes(bytes));
    });
  });
});
