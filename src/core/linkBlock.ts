/** The short block a download link leaves in the message: file name, size, link, expiry. */
import { type Lang, t } from "./i18n";

export interface SharedLink {
  name: string;
  size: number;
  url: string;
  /** Empty when the provider could not confirm an expiry (then the block claims none). */
  expiresAt: string;
  /** The download limit, when the provider has one (the built-in store does, OneDrive does not). */
  maxDownloads?: number;
  /** The recipient must enter a one-time code mailed to their address (built-in store with a relay). */
  codeRequired?: boolean;
}

/** 1234567 → "1.2 MB" (decimal units, as mail clients show sizes). */
export function humanSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let v = bytes;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}

/** A date and time as people read it in `lang`, in `timeZone` (default: the reader's own). */
export function formatDateTime(lang: Lang, when: string | number, timeZone?: string): string {
  return new Date(when).toLocaleString(lang === "ja" ? "ja-JP" : "en-GB", {
    ...(timeZone ? { timeZone } : {}),
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  });
}

function lines(lang: Lang, l: SharedLink): string[] {
  const out = [t(lang, "link.block.title", { name: l.name, size: humanSize(l.size) }), l.url];
  if (l.expiresAt)
    out.push(
      l.maxDownloads
        ? t(lang, "link.block.expires", { date: formatDateTime(lang, l.expiresAt), n: l.maxDownloads })
        : t(lang, "link.block.expiresOnly", { date: formatDateTime(lang, l.expiresAt) }),
    );
  if (l.codeRequired) out.push(t(lang, "link.block.code"));
  return out;
}

export function linkBlockText(lang: Lang, l: SharedLink): string {
  return `\n${lines(lang, l).join("\n")}\n`;
}

/** Text made safe inside HTML elements and quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

export function linkBlockHtml(lang: Lang, l: SharedLink): string {
  const [title, url, ...rest] = lines(lang, l);
  return `<p>${escapeHtml(title)}<br><a href="${escapeHtml(url)}">${escapeHtml(url)}</a>${rest.map((x) => `<br>${escapeHtml(x)}`).join("")}</p>`;
}
