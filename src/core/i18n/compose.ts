import type { Lang } from "./lang";

/**
 * The strings the add-in needs while a message is composed: send decisions, info bars and Smart
 * Alert labels. Kept apart from the rest of the catalogue (messages.ts includes them) because the
 * event bundle that classic Outlook loads must stay small, and the rest is pages and CLI text.
 */
export const composeCatalogue = {
  "decision.deletes-encrypted": {
    ja: "{domains} はパスワード付きの添付ファイルを削除するため、届きません。",
    en: "{domains} deletes password-protected attachments: it would not arrive.",
  },
  "decision.password-attachment.plain": {
    ja: "パスワード付きファイル（{files}）は受信側のウイルス検査を妨げます。宛先（{domains}）のメールサーバーは暗号化通信に対応しているので、パスワードを付けずにそのまま添付してください。",
    en: "Password-protected files ({files}) block the recipient's virus scan. The recipients' mail servers ({domains}) accept encrypted mail: attach the file without a password.",
  },
  "decision.password-attachment.link": {
    ja: "パスワード付きファイル（{files}）は受信側のウイルス検査を妨げ、パスワードを別送しても安全になりません。{domains} は暗号化通信に対応していない（または確認できない）ため、ダウンロードリンクで送ってください。",
    en: "Password-protected files ({files}) block the recipient's virus scan, and a separate password mail protects nothing. {domains} may not accept encrypted mail: use a download link instead.",
  },
  "decision.plain-to-unencrypted": {
    ja: "添付ファイル（{files}）は暗号化されずに {domains} へ届く可能性があります。ダウンロードリンクを使ってください。",
    en: "The attachments ({files}) would travel unencrypted to {domains}: use a download link.",
  },
  "decision.send-separately": {
    ja: "暗号化に対応した宛先（{domains}）には、別のメールでファイルをそのまま送れます。",
    en: "Recipients whose servers accept encryption ({domains}) can get the file plainly in a separate mail.",
  },
  "decision.password-mail": {
    ja: "パスワードを別送するメール（PPAP）のようです。ファイルと同じ経路を通るため安全になりません。",
    en: "This looks like a password sent after a ZIP (PPAP): it travels the same path as the file and protects nothing.",
  },
  "decision.unknown-grade": {
    ja: "{domains} の暗号化対応を確認できませんでした。",
    en: "Could not check whether {domains} accept encrypted mail.",
  },
  "decision.service-unreachable": {
    ja: "宛先の暗号化対応を確認するサービスに接続できませんでした。",
    en: "The service that checks recipients' encryption could not be reached.",
  },
  "decision.service-unreachable.block": {
    ja: "宛先の暗号化対応を確認できないため、組織のポリシーにより送信を止めました。後で送り直してください。",
    en: "Recipients' encryption could not be checked, so your organization's policy stops this message. Try again later.",
  },
  "decision.service-refused": {
    ja: "宛先の暗号化対応を確認するサービスにサインインできませんでした。管理者にお問い合わせください。",
    en: "The add-in could not sign in to the service that checks recipients' encryption. Please tell your administrator.",
  },
  "summary.allEncrypted": {
    ja: "すべての外部宛先が暗号化通信（STARTTLS）に対応しています。",
    en: "Every external recipient accepts encrypted mail (STARTTLS).",
  },
  "summary.unencrypted": { ja: "暗号化に対応していない宛先: {domains}", en: "Not encrypted: {domains}" },
  "summary.pending": { ja: "暗号化対応を確認中: {domains}", en: "Checking encryption: {domains}" },
  "summary.more": { ja: " ほか {n} 件", en: " and {n} more" },
  "addin.protectedAttached": {
    ja: "パスワード付きファイル（{files}）が添付されています。PPAP はやめて、そのまま添付するかダウンロードリンクで送ってください。",
    en: "A password-protected file ({files}) is attached. Instead of PPAP, attach it plainly or send a download link.",
  },
  "addin.showDetails": { ja: "詳細を表示", en: "Show details" },
  "addin.cancel.link": { ja: "リンクで送る", en: "Use a link" },
  "addin.cancel.fix": { ja: "修正する", en: "Fix it" },
} as const satisfies Record<string, Record<Lang, string>>;

export type ComposeMessageKey = keyof typeof composeCatalogue;

/** Fills `{name}` placeholders from `params`; unknown names stay as they are. */
export function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

/** A compose-time message in `lang`: the same text `t` gives for these keys. */
export function t(lang: Lang, key: ComposeMessageKey, params: Record<string, string | number> = {}): string {
  return fill(composeCatalogue[key][lang], params);
}
