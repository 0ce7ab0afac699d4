import {
  Button,
  FluentProvider,
  Select,
  Title1,
  makeStyles,
  teamsHighContrastTheme,
  tokens,
  webDarkTheme,
  webLightTheme,
} from "@fluentui/react-components";
import { useState } from "react";
import { createRoot } from "react-dom/client";
import { type Lang, langFromLocale, t } from "../../core/i18n";
import { session } from "./api";
import { Dashboard } from "./Dashboard";
import { SignIn } from "./SignIn";

const THEMES = { light: webLightTheme, dark: webDarkTheme, contrast: teamsHighContrastTheme };
type Theme = keyof typeof THEMES;

const useStyles = makeStyles({
  root: {
    minHeight: "100vh",
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorNeutralForeground1,
  },
  page: {
    maxWidth: "1280px",
    margin: "0 auto",
    padding: "24px",
    display: "flex",
    flexDirection: "column",
    gap: "20px",
  },
  header: {
    display: "flex",
    justifyContent: "space-between",
    alignItems: "center",
    gap: "12px",
    flexWrap: "wrap",
  },
  tools: { display: "flex", gap: "8px", alignItems: "center" },
});

/** The theme the system asks for: high contrast when forced colours are on, dark when preferred. */
function systemTheme(): Theme {
  if (window.matchMedia?.("(forced-colors: active)").matches) return "contrast";
  return window.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

/** /admin/: the console a tenant's information-security manager opens (Japanese or English). */
function App() {
  const s = useStyles();
  const params = new URLSearchParams(window.location.search);
  const [lang, setLang] = useState<Lang>(langFromLocale(params.get("lang") ?? navigator.language));
  const [theme, setTheme] = useState<Theme>((params.get("theme") as Theme | null) ?? systemTheme());
  const [signedIn, setSignedIn] = useState(() => session.key() !== undefined);
  document.documentElement.lang = lang;
  document.title = t(lang, "admin.title");
  return (
    <FluentProvider theme={THEMES[theme] ?? webLightTheme} className={s.root}>
      <main className={s.page}>
        <header className={s.header}>
          <Title1 as="h1">{t(lang, "admin.title")}</Title1>
          <div className={s.tools}>
            <Select
              value={theme}
              onChange={(_, d) => setTheme(d.value as Theme)}
              aria-label={t(lang, "admin.theme")}
              data-testid="theme"
            >
              {(Object.keys(THEMES) as Theme[]).map((x) => (
                <option key={x} value={x}>
                  {t(lang, `admin.theme.${x}`)}
                </option>
              ))}
            </Select>
            <Button
              appearance="subtle"
              onClick={() => setLang(lang === "ja" ? "en" : "ja")}
              aria-label={t(lang, "web.language.label")}
              lang={lang === "ja" ? "en" : "ja"}
            >
              {t(lang, "web.language")}
            </Button>
          </div>
        </header>
        {signedIn ? (
          <Dashboard
            lang={lang}
            onSignOut={() => {
              session.clear();
              setSignedIn(false);
            }}
          />
        ) : (
          <SignIn
            lang={lang}
            onSignedIn={(key) => {
              session.set(key);
              setSignedIn(true);
            }}
          />
        )}
      </main>
    </FluentProvider>
  );
}

createRoot(document.getElementById("root") as HTMLElement).render(<App />);
