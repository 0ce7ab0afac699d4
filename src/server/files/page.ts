/** The recipient's pages for a download link: the file and a download button, or why it is gone. */
import type { Lang } from "../../core/i18n";
import { escapeHtml, formatDateTime, humanSize } from "../../core/linkBlock";
import type { FileMeta, Unavailable } from "./store";

/** No scripts at all; the inline styles below are the only thing the page loads. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

/** Japanese when the browser ranks Japanese above English, English otherwise. */
export function langFromAcceptLanguage(header: string | undefined): Lang {
  const ranked = (header ?? "")
    .split(",")
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q[1]) : 1, i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  const first = ranked.find((x) => /^(ja|en)(-|$)/.test(x.tag));
  return first?.tag.startsWith("ja") ? "ja" : "en";
}

const TEXT = {
  ja: {
    title: "ファイルのダウンロード",
    intro: "次のファイルが共有されています。",
    name: "ファイル名",
    size: "サイズ",
    from: "送信元",
    expires: "有効期限",
    left: "残りダウンロード回数",
    left_n: "{n} 回",
    button: "ダウンロード",
    note: "ボタンを押すとダウンロード回数が 1 回減ります。心当たりのないファイルは開かないでください。",
    notFound: "ファイルが見つかりません",
    notFoundText: "リンクが正しいか、送信者にご確認ください。",
    expired: "このリンクは有効期限が切れています",
    exhausted: "このリンクはダウンロード回数の上限に達しました",
    goneText: "ファイルはすでに削除されているか、まもなく削除されます。送信者に再送を依頼してください。",
    codeIntro:
      "このファイルは宛先の方だけがダウンロードできます。メールを受け取ったアドレスを入力すると、確認コードをお送りします。",
    address: "メールアドレス",
    sendCode: "確認コードを送る",
    codeSent:
      "{address} がこのファイルの宛先であれば、確認コードを送りました（有効期限 10 分）。届いたコードを入力してください。数分たっても届かないときは、新しいコードを送ってください。",
    code: "確認コード（6 桁）",
    verify: "確認してダウンロード",
    wrongCode: "コードが違うか、有効期限が切れています。もう一度入力するか、新しいコードを送ってください。",
    newCode: "新しいコードを送る",
    mailSubject: "ダウンロードの確認コード: {code}",
    mailBody:
      "「{name}」をダウンロードするための確認コードです。\n\n    {code}\n\n10 分間有効です。心当たりのない場合は、このメールを無視してください。",
  },
  en: {
    title: "Download a file",
    intro: "This file has been shared with you.",
    name: "File",
    size: "Size",
    from: "Sent from",
    expires: "Available until",
    left: "Downloads left",
    left_n: "{n}",
    button: "Download",
    note: "Each download uses up one of the downloads left. Do not open files you do not expect.",
    notFound: "File not found",
    notFoundText: "Check the link, or ask the sender.",
    expired: "This link has expired",
    exhausted: "This link has been used up",
    goneText: "The file has been or will soon be deleted. Ask the sender to share it again.",
    codeIntro:
      "Only the recipients can download this file. Enter the address the message was sent to, and we will mail you a code.",
    address: "E-mail address",
    sendCode: "Send me a code",
    codeSent:
      "If {address} is a recipient of this file, a code is on its way (valid for 10 minutes). Enter it below. If none arrives within a few minutes, ask for a new one.",
    code: "Code (6 digits)",
    verify: "Verify and download",
    wrongCode: "The code is wrong or has expired. Try again, or ask for a new code.",
    newCode: "Send a new code",
    mailSubject: "Your download code: {code}",
    mailBody:
      'Your code to download "{name}":\n\n    {code}\n\nIt is valid for 10 minutes. If you did not ask for it, ignore this message.',
  },
} as const;

/** A fixed time zone: the page has no script to learn the reader's (Japanese readers get JST). */
const date = (lang: Lang, ms: number) => formatDateTime(lang, ms, lang === "ja" ? "Asia/Tokyo" : "UTC");

const STYLE = `
label{display:block;margin:.8rem 0 .3rem;font-weight:600}
input{font:inherit;padding:.5rem;width:100%;box-sizing:border-box;border:1px solid #8a8a8a;border-radius:4px;margin-bottom:1rem}
.error{color:#b10e1c}
button.secondary{background:transparent;color:#0f6cbd;border:1px solid #0f6cbd}
@media (prefers-color-scheme:dark){input{background:#1f1f1f;color:#eee}.error{color:#ff99a4}button.secondary{color:#62abf5;border-color:#62abf5}}
body{font-family:system-ui,"Segoe UI","Hiragino Sans","Yu Gothic UI",sans-serif;margin:0;background:#f5f5f5;color:#242424}
main{max-width:34rem;margin:3rem auto;padding:1.5rem 2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:1.4rem;margin:0 0 1rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem;margin:1rem 0}
dt{color:#616161}dd{margin:0;overflow-wrap:anywhere}
button{font:inherit;font-weight:600;padding:.6rem 1.6rem;border:0;border-radius:4px;background:#0f6cbd;color:#fff;cursor:pointer}
button:focus-visible{outline:2px solid #242424;outline-offset:2px}
.note{color:#616161;font-size:.9rem}
@media (prefers-color-scheme:dark){body{background:#1f1f1f;color:#eee}main{background:#292929}dt,.note{color:#adadad}}
`;

function page(lang: Lang, title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function details(lang: Lang, meta: FileMeta): string {
  const t = TEXT[lang];
  const rows: [string, string][] = [
    [t.name, meta.name],
    [t.size, humanSize(meta.size)],
    ...(meta.senderDomain ? [[t.from, meta.senderDomain] as [string, string]] : []),
    [t.expires, date(lang, meta.expiresAt)],
    [t.left, t.left_n.replace("{n}", String(Math.max(0, meta.maxDownloads - meta.downloads)))],
  ];
  return `<h1>${escapeHtml(t.title)}</h1>
<p>${escapeHtml(t.intro)}</p>
<dl>
${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("\n")}
</dl>`;
}

/** The file, its details and a download button (a form POST, see routes.ts). */
export function downloadPage(lang: Lang, meta: FileMeta, action: string): string {
  const t = TEXT[lang];
  return page(
    lang,
    `${t.title}: ${meta.name}`,
    `${details(lang, meta)}
<form method="post" action="${escapeHtml(action)}">
<button type="submit">${escapeHtml(t.button)}</button>
</form>
<p class="note">${escapeHtml(t.note)}</p>`,
  );
}

/** The only problem a code page shows: anything else would tell recipients from strangers. */
export type CodeProblem = "wrong-code";

const PROBLEMS: Record<CodeProblem, "wrongCode"> = { "wrong-code": "wrongCode" };

function problemText(lang: Lang, p: CodeProblem): string {
  return TEXT[lang][PROBLEMS[p]];
}

/** A link that needs a one-time code: the recipient's address first (`action` is …/code). */
export function codeRequestPage(lang: Lang, meta: FileMeta, action: string, problem?: CodeProblem): string {
  const t = TEXT[lang];
  return page(
    lang,
    `${t.title}: ${meta.name}`,
    `${details(lang, meta)}
<p>${escapeHtml(t.codeIntro)}</p>
${problem ? `<p class="error" role="alert">${escapeHtml(problemText(lang, problem))}</p>` : ""}
<form method="post" action="${escapeHtml(action)}">
<label for="address">${escapeHtml(t.address)}</label>
<input id="address" name="address" type="email" autocomplete="email" required maxlength="320">
<button type="submit">${escapeHtml(t.sendCode)}</button>
</form>`,
  );
}

/** The code form: the same words whether or not the address is a recipient (no one can probe). */
export function codeEntryPage(
  lang: Lang,
  meta: FileMeta,
  actions: { download: string; code: string },
  address: string,
  challenge: string,
  problem?: CodeProblem,
): string {
  const t = TEXT[lang];
  return page(
    lang,
    `${t.title}: ${meta.name}`,
    `${details(lang, meta)}
<p>${escapeHtml(t.codeSent.replace("{address}", address))}</p>
${problem ? `<p class="error" role="alert">${escapeHtml(problemText(lang, problem))}</p>` : ""}
<form method="post" action="${escapeHtml(actions.download)}">
<input type="hidden" name="address" value="${escapeHtml(address)}">
<input type="hidden" name="challenge" value="${escapeHtml(challenge)}">
<label for="code">${escapeHtml(t.code)}</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required maxlength="6">
<button type="submit">${escapeHtml(t.verify)}</button>
</form>
<form method="post" action="${escapeHtml(actions.code)}">
<input type="hidden" name="address" value="${escapeHtml(address)}">
<p><button type="submit" class="secondary">${escapeHtml(t.newCode)}</button></p>
</form>
<p class="note">${escapeHtml(t.note)}</p>`,
  );
}

/** How much of a file name's stem the code mail carries. */
const MAIL_NAME_CHARS = 24;

/**
 * A short, neutral form of a file name for the code mail, which goes through the company's relay
 * to an address a stranger may type: letters, digits and spaces of the stem only (no dots, slashes,
 * at signs or colons, so no address or link), at most 24 of them, and a plain extension.
 */
export function neutralFileName(name: string): string {
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 ? name.slice(dot + 1) : "";
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const plain = stem
    .normalize("NFKC")
    .replace(/[^\p{L}\p{N}\p{M} _-]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  const chars = Array.from(plain);
  const short =
    chars.length > MAIL_NAME_CHARS ? chars.slice(0, MAIL_NAME_CHARS).join("").trimEnd() + "…" : plain;
  const cleanExt = /^[A-Za-z0-9]{1,8}$/.test(ext) ? "." + ext.toLowerCase() : "";
  return (short || "file") + cleanExt;
}

/** The mail that carries a one-time code (plain text); of the file, only its neutral short name. */
export function codeMail(lang: Lang, fileName: string, code: string): { subject: string; text: string } {
  const t = TEXT[lang];
  return {
    subject: t.mailSubject.replace("{code}", code),
    text: t.mailBody.replace("{name}", neutralFileName(fileName)).replace("{code}", code),
  };
}

/** Why there is nothing to download: 404 (unknown link) or 410 (expired, used up). */
export function unavailablePage(lang: Lang, reason: Unavailable): string {
  const t = TEXT[lang];
  const title = reason === "not-found" ? t.notFound : reason === "expired" ? t.expired : t.exhausted;
  const text = reason === "not-found" ? t.notFoundText : t.goneText;
  return page(lang, title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(text)}</p>`);
}

/**
 * `attachment` with the UTF-8 name (RFC 5987/6266) and an ASCII fallback for old clients; the
 * name was cleaned on upload, and everything outside plain ASCII is encoded or replaced here.
 */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase(),
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
