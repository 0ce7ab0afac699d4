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
  "grade.secure": { ja: "安全", en: "SECURE" },
  "grade.tls": { ja: "暗号化", en: "TLS" },
  "grade.partial": { ja: "一部暗号化", en: "PARTIAL" },
  "grade.no-tls": { ja: "暗号化なし", en: "NO TLS" },
  "grade.no-mail": { ja: "メール受信不可", en: "NO MAIL" },
  "grade.unknown": { ja: "不明", en: "UNKNOWN" },
  "grade.secure.meaning": {
    ja: "すべてのメールサーバーが暗号化に対応し、MTA-STS または DANE で証明書の検証が求められています。",
    en: "Every mail server accepts encryption, and MTA-STS or DANE tells senders to insist on a verified certificate.",
  },
  "grade.tls.meaning": {
    ja: "すべてのメールサーバーが暗号化（STARTTLS）に対応しています。ファイルはパスワードなしで添付できます。",
    en: "Every mail server accepts encrypted mail (STARTTLS): files can be attached without a password.",
  },
  "grade.partial.meaning": {
    ja: "暗号化に対応していないメールサーバーがあり、平文で届く可能性があります。ダウンロードリンクを使ってください。",
    en: "Some mail servers do not accept encryption, so mail may arrive in clear: use a download link.",
  },
  "grade.no-tls.meaning": {
    ja: "メールサーバーが暗号化に対応していません。ダウンロードリンクを使ってください。",
    en: "The mail servers do not accept encryption: use a download link.",
  },
  "grade.no-mail.meaning": {
    ja: "このドメインはメールを受け取れません（宛先を確認してください）。",
    en: "This domain cannot receive mail (check the address).",
  },
  "grade.unknown.meaning": {
    ja: "時間内に確認できませんでした。暗号化されていないとは限りません。",
    en: "Could not be checked in time; this does not mean the mail would travel unencrypted.",
  },
  "check.starttls.yes": { ja: "STARTTLS あり", en: "STARTTLS offered" },
  "check.starttls.no": { ja: "STARTTLS なし", en: "no STARTTLS" },
  "check.starttls.unknown": { ja: "接続できず", en: "not reached" },
  "check.cert.trusted": { ja: "証明書 信頼済み", en: "certificate trusted" },
  "check.cert.untrusted": { ja: "証明書 未検証 ({error})", en: "certificate not trusted ({error})" },
  "check.cert.nameOk": { ja: "名前一致", en: "name matches" },
  "check.cert.nameBad": { ja: "名前不一致", en: "name does not match" },
  "check.error": { ja: "エラー: {error}", en: "error: {error}" },
  "check.timings": { ja: "所要 {ms} ms", en: "{ms} ms" },
  "check.reasons": { ja: "理由: {reasons}", en: "reasons: {reasons}" },
  "check.noMx": { ja: "（MX なし）", en: "(no MX hosts)" },
  "error.invalidDomain": {
    ja: "不正なドメイン名です: {input}（{why}）",
    en: "invalid domain: {input} ({why})",
  },
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
