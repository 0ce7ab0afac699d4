import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { useState } from "react";
import { createRoot } from "react-dom/client";
import { type Lang, langFromLocale } from "../core/i18n";
import { CheckPage } from "./CheckPage";

/** The public online TLS check page: language from the browser (or ?lang=), with a switch. */
function App() {
  const params = new URLSearchParams(window.location.search);
  const [lang, setLang] = useState<Lang>(langFromLocale(params.get("lang") ?? navigator.language));
  document.documentElement.lang = lang;
  return (
    <FluentProvider theme={webLightTheme}>
      <CheckPage lang={lang} onToggleLang={() => setLang(lang === "ja" ? "en" : "ja")} />
    </FluentProvider>
  );
}

createRoot(document.getElementById("root") as HTMLElement).render(<App />);
