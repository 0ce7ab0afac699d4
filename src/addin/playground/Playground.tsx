import {
  Button,
  FluentProvider,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  makeStyles,
  Spinner,
  tokens,
  webDarkTheme,
  webLightTheme,
} from "@fluentui/react-components";
import { DismissRegular } from "@fluentui/react-icons";
import { useEffect, useState, useSyncExternalStore } from "react";
import { Compose } from "./Compose";
import { InfoBars } from "./InfoBars";
import type { CompletedOptions, OutlookSim } from "./outlookSim";
import { Ribbon } from "./Ribbon";
import { type Settings, startSimulation } from "./session";
import { SmartAlert } from "./SmartAlert";
import { s } from "./strings";
import { TaskPane } from "./TaskPane";

const useStyles = makeStyles({
  provider: { height: "100vh" },
  app: {
    height: "100%",
    display: "flex",
    flexDirection: "column",
    backgroundColor: tokens.colorNeutralBackground2,
  },
  main: { flexGrow: 1, minHeight: 0, display: "flex" },
  compose: {
    flexGrow: 1,
    minWidth: 0,
    overflowY: "auto",
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalL,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  status: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS },
});

/** How long Outlook waits before it says the add-in is taking longer than expected. */
const SLOW_MS = 5000;

interface Props {
  initialSettings: Settings;
  initialSim: OutlookSim;
  /** launchevent.js did not load: no handlers run. */
  bundleError: boolean;
}

/** The compose window: ribbon, info bars, fields, Smart Alerts and the task pane around one simulation. */
export function Playground({ initialSettings, initialSim, bundleError }: Props) {
  const styles = useStyles();
  const [settings, setSettings] = useState(initialSettings);
  // `generation` changes with every new simulation so the pane's iframe reloads with the new Office.
  const [session, setSession] = useState({ sim: initialSim, generation: 0 });
  const { sim, generation } = session;
  const snap = useSyncExternalStore(sim.subscribe, sim.getSnapshot);
  const [phase, setPhase] = useState<"idle" | "checking" | "slow">("idle");
  const [alert, setAlert] = useState<CompletedOptions>();
  const [sent, setSent] = useState(false);
  const [notice, setNotice] = useState<string>();
  const lang = settings.lang;

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = s(lang, "pageTitle");
  }, [lang]);

  const changeSettings = (next: Settings) => {
    if (sim.getSnapshot().sending) return;
    const paneWasOpen = sim.getSnapshot().pane.open;
    const fresh = startSimulation(next, sim);
    if (paneWasOpen) fresh.openPane();
    setSettings(next);
    setSession({ sim: fresh, generation: generation + 1 });
    setAlert(undefined);
    setSent(false);
    setNotice(undefined);
    void fresh.start();
  };

  /** The message "leaves": a fresh compose item, as after a real send. */
  const finishSend = () => {
    setAlert(undefined);
    setSent(true);
    void sim.reset();
  };

  const onSend = async () => {
    if (sim.getSnapshot().sending) return; // one send at a time
    setSent(false);
    setNotice(undefined);
    setPhase("checking");
    const slow = setTimeout(() => setPhase("slow"), SLOW_MS);
    try {
      const options = await sim.send();
      if (options.allowEvent === false) setAlert(options);
      else finishSend();
    } catch (e) {
      // Never send when the check could not answer: the user decides again.
      setNotice(s(lang, "sendFailed", { error: e instanceof Error ? e.message : String(e) }));
    } finally {
      clearTimeout(slow);
      setPhase("idle");
    }
  };

  const onFiles = async (files: File[]) => {
    for (const f of files) {
      try {
        sim.addAttachment(f.name, new Uint8Array(await f.arrayBuffer()), f.type);
      } catch {
        setNotice(s(lang, "attachFailed", { name: f.name }));
      }
    }
  };

  const onCancelAlert = (options: CompletedOptions) => {
    setAlert(undefined);
    if (options.commandId) sim.openPane(options.contextData);
  };

  return (
    <FluentProvider
      theme={settings.theme === "dark" ? webDarkTheme : webLightTheme}
      className={styles.provider}
    >
      <div className={styles.app}>
        <Ribbon
          lang={lang}
          settings={settings}
          disabled={phase !== "idle"}
          onSettings={changeSettings}
          onOpenPane={() => sim.openPane()}
        />
        <div className={styles.main}>
          <main className={styles.compose}>
            <div className={styles.status}>
              {bundleError && (
                <MessageBar intent="error">
                  <MessageBarBody>{s(lang, "bundleFailed")}</MessageBarBody>
                </MessageBar>
              )}
              {phase !== "idle" && (
                <div role="status" data-testid="sending-status">
                  <Spinner
                    size="tiny"
                    labelPosition="after"
                    label={s(lang, phase === "slow" ? "checkingSlow" : "checking")}
                  />
                </div>
              )}
              {sent && (
                <MessageBar intent="success" data-testid="sent-banner">
                  <MessageBarBody>{s(lang, "sent")}</MessageBarBody>
                  <MessageBarActions
                    containerAction={
                      <Button
                        appearance="transparent"
                        icon={<DismissRegular />}
                        aria-label={s(lang, "dismiss")}
                        onClick={() => setSent(false)}
                      />
                    }
                  />
                </MessageBar>
              )}
              {notice && (
                <MessageBar intent="warning" data-testid="notice">
                  <MessageBarBody>{notice}</MessageBarBody>
                </MessageBar>
              )}
            </div>
            <InfoBars
              lang={lang}
              bars={snap.infoBars}
              onDismiss={(key) => sim.dismissInfoBar(key)}
              onAction={(bar) => sim.openPane(bar.actions?.[0]?.contextData)}
            />
            <Compose
              key={`${generation}-${snap.itemId}` /* a new item starts with empty fields */}
              lang={lang}
              sim={sim}
              snap={snap}
              userEmail={settings.userEmail}
              sending={snap.sending}
              onSend={() => void onSend()}
              onFiles={(files) => void onFiles(files)}
            />
          </main>
          {snap.pane.open && (
            <TaskPane
              lang={lang}
              loadKey={`${generation}-${snap.pane.loads}`}
              onClose={() => sim.closePane()}
            />
          )}
        </div>
        <SmartAlert
          lang={lang}
          options={alert}
          onSendAnyway={finishSend}
          onCancel={onCancelAlert}
          onClose={() => setAlert(undefined)}
        />
      </div>
    </FluentProvider>
  );
}
