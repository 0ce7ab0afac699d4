/**
 * The playground's own words (the add-in brings its own). The Outlook-like labels follow the wording
 * Outlook uses in each language.
 */
import type { Lang } from "../../core/i18n/lang";

export interface Bilingual {
  ja: string;
  en: string;
}

export const strings = {
  pageTitle: {
    ja: "MailTLS Guard プレイグラウンド（Outlook を模した作成画面）",
    en: "MailTLS Guard playground (an imitation of Outlook's compose window)",
  },
  ribbonLabel: { ja: "リボン", en: "Ribbon" },
  addinButton: { ja: "MailTLS Guard", en: "MailTLS Guard" },
  simulationSettings: { ja: "シミュレーションの設定", en: "Simulation settings" },
  language: { ja: "表示言語", en: "Display language" },
  userEmail: { ja: "自分のアドレス", en: "Your address" },
  requirementSet: { ja: "対応する Mailbox 要件セット（最大）", en: "Highest Mailbox requirement set" },
  theme: { ja: "テーマ", en: "Theme" },
  themeLight: { ja: "ライト", en: "Light" },
  themeDark: { ja: "ダーク", en: "Dark" },
  simulationNote: {
    ja: "これは Outlook の作成画面の模造です。実際のアドインを動かしますが、メールは送信されません。",
    en: "This imitates Outlook's compose window. It runs the real add-in, but no mail is ever sent.",
  },
  composeLabel: { ja: "新しいメッセージ", en: "New message" },
  send: { ja: "送信", en: "Send" },
  from: { ja: "差出人", en: "From" },
  to: { ja: "宛先", en: "To" },
  cc: { ja: "CC", en: "Cc" },
  bcc: { ja: "BCC", en: "Bcc" },
  recipientHint: {
    ja: "アドレスを入力し、Enter・「;」・「,」で確定します",
    en: 'Type addresses; Enter, ";" or "," adds them',
  },
  removeRecipient: { ja: "{name} を削除", en: "Remove {name}" },
  subject: { ja: "件名", en: "Subject" },
  body: { ja: "本文", en: "Message" },
  attach: { ja: "ファイルを添付", en: "Attach file" },
  attachments: { ja: "添付ファイル", en: "Attachments" },
  removeAttachment: { ja: "添付ファイル {name} を削除", en: "Remove attachment {name}" },
  infoBars: { ja: "アドインからのお知らせ", en: "Notifications from add-ins" },
  dismiss: { ja: "閉じる", en: "Dismiss" },
  checking: {
    ja: "MailTLS Guard がメッセージを確認しています…",
    en: "MailTLS Guard is checking your message…",
  },
  checkingSlow: {
    ja: "MailTLS Guard の確認に予想より時間がかかっています…",
    en: "MailTLS Guard is taking longer than expected…",
  },
  sent: {
    ja: "送信しました（シミュレーション）— このコンピューターからは何も送られていません",
    en: "Message sent (simulated) — nothing left this machine",
  },
  sendFailed: {
    ja: "アドインの送信時チェックが失敗したため、送信しませんでした: {error}",
    en: "The add-in's send check failed, so the message was not sent: {error}",
  },
  bundleFailed: {
    ja: "イベントハンドラー（launchevent.js）を読み込めませんでした。送信時チェックは動きません。",
    en: "The event handlers (launchevent.js) could not be loaded. Send checks will not run.",
  },
  attachFailed: { ja: "ファイルを読み込めませんでした: {name}", en: "The file could not be read: {name}" },
  sendAnyway: { ja: "このまま送信", en: "Send Anyway" },
  dontSend: { ja: "送信しない", en: "Don't Send" },
  taskPane: { ja: "作業ウィンドウ", en: "Task pane" },
  closePane: { ja: "作業ウィンドウを閉じる", en: "Close the task pane" },
  loading: { ja: "読み込み中…", en: "Loading…" },
} satisfies Record<string, Bilingual>;

export type StringKey = keyof typeof strings;

/** The string in `lang`, with `{name}` placeholders filled in. */
export function s(lang: Lang, key: StringKey, vars: Record<string, string> = {}): string {
  return strings[key][lang].replace(/\{(\w+)\}/g, (m, name: string) => vars[name] ?? m);
}
