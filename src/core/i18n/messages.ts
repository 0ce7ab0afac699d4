import type { Lang } from "./lang";

/** The message catalogue: every key in both languages, checked by the type. */
const catalogue = {
  "inspect.header.file": { ja: "ファイル", en: "File" },
  "inspect.header.format": { ja: "形式", en: "Format" },
  "inspect.header.password": { ja: "パスワード", en: "Password" },
  "inspect.header.method": { ja: "方式", en: "Method" },
  "inspect.header.detail": { ja: "詳細", en: "Detail" },
  "inspect.protected": { ja: "あり（パスワード保護）", en: "yes (password-protected)" },
  "inspect.plain": { ja: "なし", en: "no" },
  "inspect.restricted": { ja: "なし（編集・印刷の制限のみ）", en: "no (restrictions only)" },
  "inspect.unreadable": { ja: "判定不能（読み取れません）", en: "unknown (could not be read)" },
  "inspect.summary": {
    ja: "{total} 件中 {protected} 件がパスワード付きです。",
    en: "{protected} of {total} files are password-protected.",
  },
  "inspect.advice": {
    ja: "パスワード付きファイルは受信側のウイルス検査をすり抜けます。宛先が暗号化通信（STARTTLS）に対応していればそのまま添付し、そうでなければダウンロードリンクで送ってください。",
    en: "Password-protected files slip past the recipient's virus scan. Attach the file plainly when the recipient's servers accept encrypted mail (STARTTLS); otherwise send a download link.",
  },
  "method.zipcrypto": { ja: "ZIP 従来型暗号（ZipCrypto）", en: "ZIP legacy encryption (ZipCrypto)" },
  "method.zip-strong": { ja: "ZIP 強力暗号（PKWARE）", en: "ZIP strong encryption (PKWARE)" },
  "method.aes": { ja: "ZIP AES 暗号", en: "ZIP AES encryption" },
  "method.7z-aes": { ja: "7z AES-256 暗号", en: "7z AES-256 encryption" },
  "method.rar": { ja: "RAR 暗号", en: "RAR encryption" },
  "method.pdf": { ja: "PDF 開くためのパスワード", en: "PDF open password" },
  "method.restricted": { ja: "PDF 権限パスワードのみ", en: "PDF permissions password only" },
  "method.office": { ja: "Office 文書の暗号化", en: "Office document encryption" },
  "method.odf": { ja: "OpenDocument の暗号化", en: "OpenDocument encryption" },
  "method.nested": { ja: "中にパスワード付きファイル", en: "contains a password-protected file" },
  "method.other": { ja: "暗号化", en: "encryption" },
  "error.notFound": { ja: "ファイルが見つかりません", en: "file not found" },
  "error.isDirectory": { ja: "ディレクトリです", en: "is a directory" },
  "error.cannotRead": { ja: "読み取れません: {reason}", en: "cannot be read: {reason}" },
} as const satisfies Record<string, Record<Lang, string>>;

export type MessageKey = keyof typeof catalogue;

/** The message in `lang`, with `{name}` placeholders filled from `params`. */
export function t(lang: Lang, key: MessageKey, params: Record<string, string | number> = {}): string {
  return catalogue[key][lang].replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

/** A short label for an inspection method code ("zipcrypto", "aes-256", "pdf-rc4-40", …). */
export function methodLabel(lang: Lang, method: string): string {
  const family: MessageKey = method.startsWith("aes")
    ? "method.aes"
    : method.startsWith("rar")
      ? "method.rar"
      : method.startsWith("pdf")
        ? "method.pdf"
        : /^(office|doc|xls|ppt)/.test(method)
          ? "method.office"
          : method.startsWith("odf")
            ? "method.odf"
            : `method.${method}` in catalogue
              ? (`method.${method}` as MessageKey)
              : "method.other";
  return `${t(lang, family)} [${method}]`;
}

export function allMessageKeys(): MessageKey[] {
  return Object.keys(catalogue) as MessageKey[];
}
