/**
 * Reason codes in words: one line in Japanese and English for every code a report can carry
 * (`mx-no-starttls:mx.example.jp` → "mx.example.jp does not offer STARTTLS: …"). Reports and the
 * JSON keep the codes; people read these. `{host}` is the part after the first colon.
 */
import type { Lang } from "./i18n/lang";

type Words = { ja: string; en: string };

export const REASONS: Record<string, Words> = {
  "null-mx": {
    ja: "このドメインはメールを受け取らないと宣言しています（null MX）。",
    en: "The domain declares that it receives no mail (null MX).",
  },
  nxdomain: { ja: "このドメインは存在しません。", en: "The domain does not exist." },
  "no-mail-records": {
    ja: "MX レコードもアドレスもなく、メールを受け取れません。",
    en: "Neither MX nor address records: the domain cannot receive mail.",
  },
  "dns-timeout": {
    ja: "DNS の応答が時間内にありませんでした。",
    en: "DNS did not answer in time.",
  },
  "dns-servfail": {
    ja: "DNS サーバーがエラーを返しました（SERVFAIL）。",
    en: "The DNS server answered with an error (SERVFAIL).",
  },
  "dns-refused": { ja: "DNS サーバーが問い合わせを拒否しました。", en: "The DNS server refused the query." },
  "dns-error": { ja: "DNS の問い合わせに失敗しました。", en: "The DNS query failed." },
  "implicit-mx": {
    ja: "MX レコードがないため、ドメイン自身のアドレスをメールサーバーとして調べました。",
    en: "No MX record: the domain's own address was checked as its mail server.",
  },
  "cert-untrusted": {
    ja: "{host} の証明書は信頼できる認証局のものではありません（暗号化はされます）。",
    en: "{host}'s certificate is not from a trusted authority (mail is still encrypted).",
  },
  "cert-name-mismatch": {
    ja: "{host} の証明書はこのサーバー名用ではありません（暗号化はされます）。",
    en: "{host}'s certificate is for another name (mail is still encrypted).",
  },
  "private-address": {
    ja: "{host} はプライベートなアドレスを指しているため、接続しませんでした。",
    en: "{host} points to a private address, so it was not contacted.",
  },
  "mx-unreachable": {
    ja: "{host} に接続できませんでした（判定には数えません）。",
    en: "{host} could not be reached (not counted).",
  },
  "mx-timeout": {
    ja: "{host} が時間内に応答を終えませんでした（判定には数えません）。",
    en: "{host} did not finish answering in time (not counted).",
  },
  "legacy-tls": {
    ja: "{host} は古い TLS 1.0/1.1 しか使えず、Microsoft 365 からは暗号化されずに届きます。",
    en: "{host} offers only old TLS 1.0/1.1: Microsoft 365 delivers to it unencrypted.",
  },
  "mx-starttls-failed": {
    ja: "{host} は STARTTLS を示しましたが暗号化を拒みました。送信側は暗号化なしで送ります。",
    en: "{host} offered STARTTLS but refused the handshake: senders fall back to clear text.",
  },
  "mx-no-starttls": {
    ja: "{host} は STARTTLS に対応していません。メールは暗号化されずに届きます。",
    en: "{host} does not offer STARTTLS: mail reaches it unencrypted.",
  },
  "no-mx-reachable": {
    ja: "どのメールサーバーからも時間内に確かな応答がありませんでした。",
    en: "No mail server gave a definite answer in time.",
  },
  "mta-sts-enforce": {
    ja: "MTA-STS（enforce）で、暗号化と正しい証明書を求めています。",
    en: "MTA-STS in enforce mode: senders must use TLS with a valid certificate.",
  },
  "mta-sts-testing": {
    ja: "MTA-STS は testing モードで、まだ強制していません。",
    en: "MTA-STS is in testing mode: not enforced yet.",
  },
  "mta-sts-mx-mismatch": {
    ja: "{host} は MTA-STS ポリシーの mx に含まれていません。",
    en: "{host} is not covered by the MTA-STS policy's mx patterns.",
  },
  "mta-sts-cert-invalid": {
    ja: "{host} の証明書が有効でないため、MTA-STS で認証できません。",
    en: "{host}'s certificate is not valid, so MTA-STS cannot authenticate it.",
  },
  "mta-sts-invalid-record": {
    ja: "MTA-STS の TXT レコードが正しくありません。",
    en: "The MTA-STS TXT record is not valid.",
  },
  "mta-sts-invalid-policy": {
    ja: "MTA-STS ポリシーの内容が正しくありません。",
    en: "The MTA-STS policy is not valid.",
  },
  "mta-sts-fetch-failed": {
    ja: "MTA-STS ポリシーを取得できませんでした。",
    en: "The MTA-STS policy could not be fetched.",
  },
  "mta-sts-redirect": {
    ja: "MTA-STS ポリシーがリダイレクトされました（規格上、従いません）。",
    en: "The MTA-STS policy was redirected (not followed, as the standard says).",
  },
  "mta-sts-too-large": {
    ja: "MTA-STS ポリシーが大きすぎます（64 KB 超）。",
    en: "The MTA-STS policy is too large (over 64 KB).",
  },
  "dnssec-bogus": {
    ja: "{host} の DANE レコードの DNSSEC 署名が不正です。",
    en: "The DNSSEC signature of {host}'s DANE records does not validate.",
  },
  "dane-mismatch": {
    ja: "{host} の証明書が DANE（TLSA）レコードと一致しません。",
    en: "{host}'s certificate does not match its DANE (TLSA) records.",
  },
  "dane-mx-insecure": {
    ja: "{host} の DANE レコードは有効ですが、MX の応答が DNSSEC で検証されていないため数えません。",
    en: "{host} has valid DANE records, but the MX answer itself is not DNSSEC-validated, so they do not count.",
  },
  "dane-valid": {
    ja: "DANE（DNSSEC で保護された TLSA）で、すべてのメールサーバーを認証できました。",
    en: "DANE (TLSA under DNSSEC) authenticates every mail server.",
  },
  pending: {
    ja: "確認中です。しばらくして再度お試しください。",
    en: "Still being checked: ask again shortly.",
  },
  "probe-queue-full": {
    ja: "確認の順番待ちがいっぱいです。しばらくして再度お試しください。",
    en: "Too many checks are waiting: ask again shortly.",
  },
};

/** One line for a reason code, in `lang`; an unknown code is shown as it is. */
export function reasonText(lang: Lang, code: string): string {
  const colon = code.indexOf(":");
  const key = colon >= 0 ? code.slice(0, colon) : code;
  const host = colon >= 0 ? code.slice(colon + 1) : "";
  const words = Object.prototype.hasOwnProperty.call(REASONS, key) ? REASONS[key] : undefined;
  return words ? words[lang].replace("{host}", host) : code;
}
