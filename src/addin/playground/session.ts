/** The simulation's settings (from the page's URL at first) and starting a simulation from them. */
import { type Lang, langFromLocale } from "../../core/i18n/lang";
import { installSim } from "./host";
import { createOutlookSim, type OutlookSim } from "./outlookSim";

export interface Settings {
  lang: Lang;
  userEmail: string;
  mailboxMinor: number;
  theme: "light" | "dark";
}

export const MAILBOX_MINORS = [10, 11, 12, 13, 14, 15] as const;
export const DEFAULT_USER = "taro@ours.example";

/** ?lang=, ?user=, ?mailbox=1.13 and ?theme=dark preset the settings (handy for tests and links). */
export function settingsFromUrl(search: string, navigatorLanguage: string): Settings {
  const p = new URLSearchParams(search);
  const minor = Number(/^1\.(\d+)$/.exec(p.get("mailbox") ?? "")?.[1]);
  return {
    lang: langFromLocale(p.get("lang") ?? navigatorLanguage),
    userEmail: p.get("user")?.trim() || DEFAULT_USER,
    mailboxMinor: (MAILBOX_MINORS as readonly number[]).includes(minor) ? minor : 15,
    theme: p.get("theme") === "dark" ? "dark" : "light",
  };
}

/**
 * A fresh simulation (a new compose item) installed as the page's Office. The event bundle ran once
 * for the page, so the handlers it associated are carried over from the previous simulation.
 */
export function startSimulation(settings: Settings, previous?: OutlookSim): OutlookSim {
  const sim = createOutlookSim({
    displayLanguage: settings.lang === "ja" ? "ja-JP" : "en-US",
    userEmail: settings.userEmail,
    mailboxMinor: settings.mailboxMinor,
    theme: settings.theme,
    associated: previous?.associated,
  });
  installSim(sim);
  return sim;
}
