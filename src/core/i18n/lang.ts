/** The two languages every user-facing string exists in. */
export type Lang = "ja" | "en";

/**
 * Picks the language from a locale tag: Office's displayLanguage ("ja-JP"), a browser's
 * navigator.language, or the POSIX LANG ("ja_JP.UTF-8"). Japanese first, English otherwise.
 */
export function langFromLocale(locale: string | undefined | null): Lang {
  return locale && /^ja([-_.@]|$)/i.test(locale.trim()) ? "ja" : "en";
}
