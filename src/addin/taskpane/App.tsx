import {
  FluentProvider,
  makeStyles,
  Spinner,
  teamsHighContrastTheme,
  tokens,
  webDarkTheme,
  webLightTheme,
} from "@fluentui/react-components";
import { useMemo, useState } from "react";
import { inspectBase64 } from "../../core/attachments";
import { t } from "../../core/i18n";
import { serviceToken } from "../office";
import { serviceClient } from "../serviceClient";
import { AdviceSection } from "./AdviceSection";
import { AttachmentsSection } from "./AttachmentsSection";
import { paneMail } from "./officePane";
import { RecipientsSection } from "./RecipientsSection";
import { useCompose } from "./useCompose";

const THEMES = { light: webLightTheme, dark: webDarkTheme, contrast: teamsHighContrastTheme };

const useStyles = makeStyles({
  root: { minHeight: "100vh", backgroundColor: tokens.colorNeutralBackground1 },
  page: { display: "flex", flexDirection: "column", gap: "16px", padding: "12px" },
});

const inspect = (b64: string) => inspectBase64(b64);

export function App() {
  // A pinned pane gets a new item when the user opens another draft: start over with it.
  const [itemVersion, setItemVersion] = useState(0);
  const mail = useMemo(() => paneMail(), [itemVersion]);
  // The pane is served by the service itself, so the API is on its own origin.
  const service = useMemo(() => serviceClient(window.location.origin, fetch, serviceToken), []);
  const { state, storeReport } = useCompose(mail, service, inspect, () => setItemVersion((v) => v + 1));
  const lang = mail.lang();
  const s = useStyles();
  document.documentElement.lang = lang;
  return (
    <FluentProvider theme={THEMES[mail.theme()]} className={s.root}>
      <main className={s.page} aria-busy={!state.loaded}>
        {!state.loaded ? (
          <Spinner label={t(lang, "pane.pending")} />
        ) : (
          <>
            <AdviceSection lang={lang} state={state} />
            <RecipientsSection lang={lang} rows={state.domains} onReport={storeReport} />
            <AttachmentsSection lang={lang} state={state} mail={mail} service={service} />
          </>
        )}
      </main>
    </FluentProvider>
  );
}
