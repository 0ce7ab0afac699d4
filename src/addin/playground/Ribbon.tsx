import {
  Field,
  Input,
  makeStyles,
  Select,
  Text,
  Toolbar,
  ToolbarButton,
  tokens,
} from "@fluentui/react-components";
import { ShieldLockRegular } from "@fluentui/react-icons";
import { useEffect, useState } from "react";
import type { Lang } from "../../core/i18n/lang";
import { DEFAULT_USER, MAILBOX_MINORS, type Settings } from "./session";
import { s } from "./strings";

const useStyles = makeStyles({
  ribbon: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "flex-end",
    gap: tokens.spacingHorizontalL,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    backgroundColor: tokens.colorNeutralBackground3,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
  },
  settings: { display: "flex", flexWrap: "wrap", alignItems: "flex-end", gap: tokens.spacingHorizontalM },
  email: { minWidth: "16em" },
  note: { flexBasis: "100%", color: tokens.colorNeutralForeground3 },
});

interface Props {
  lang: Lang;
  settings: Settings;
  /** While a send runs the simulation must not be replaced. */
  disabled: boolean;
  onSettings(next: Settings): void;
  onOpenPane(): void;
}

/** The compose window's ribbon: the add-in's button, and the simulation's settings beside it. */
export function Ribbon({ lang, settings, disabled, onSettings, onOpenPane }: Props) {
  const styles = useStyles();
  // The address applies when editing ends (each change starts a new simulation).
  const [email, setEmail] = useState(settings.userEmail);
  useEffect(() => setEmail(settings.userEmail), [settings.userEmail]);
  const commitEmail = () => {
    const v = email.trim() || DEFAULT_USER;
    if (v !== settings.userEmail) onSettings({ ...settings, userEmail: v });
    else setEmail(v);
  };

  return (
    <header className={styles.ribbon}>
      <Toolbar aria-label={s(lang, "ribbonLabel")}>
        <ToolbarButton
          appearance="primary"
          icon={<ShieldLockRegular />}
          data-testid="open-pane-button"
          onClick={onOpenPane}
        >
          {s(lang, "addinButton")}
        </ToolbarButton>
      </Toolbar>
      <div className={styles.settings} role="group" aria-label={s(lang, "simulationSettings")}>
        <Field label={s(lang, "language")} size="small">
          <Select
            size="small"
            value={settings.lang}
            disabled={disabled}
            data-testid="lang-select"
            onChange={(_, d) => onSettings({ ...settings, lang: d.value === "ja" ? "ja" : "en" })}
          >
            <option value="ja">日本語 (ja-JP)</option>
            <option value="en">English (en-US)</option>
          </Select>
        </Field>
        <Field label={s(lang, "userEmail")} size="small" className={styles.email}>
          <Input
            size="small"
            type="email"
            value={email}
            disabled={disabled}
            data-testid="user-input"
            onChange={(_, d) => setEmail(d.value)}
            onBlur={commitEmail}
            onKeyDown={(e) => e.key === "Enter" && commitEmail()}
          />
        </Field>
        <Field label={s(lang, "requirementSet")} size="small">
          <Select
            size="small"
            value={String(settings.mailboxMinor)}
            disabled={disabled}
            data-testid="mailbox-select"
            onChange={(_, d) => onSettings({ ...settings, mailboxMinor: Number(d.value) })}
          >
            {MAILBOX_MINORS.map((m) => (
              <option key={m} value={m}>
                Mailbox 1.{m}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={s(lang, "theme")} size="small">
          <Select
            size="small"
            value={settings.theme}
            disabled={disabled}
            data-testid="theme-select"
            onChange={(_, d) => onSettings({ ...settings, theme: d.value === "dark" ? "dark" : "light" })}
          >
            <option value="light">{s(lang, "themeLight")}</option>
            <option value="dark">{s(lang, "themeDark")}</option>
          </Select>
        </Field>
      </div>
      <Text size={200} className={styles.note}>
        {s(lang, "simulationNote")}
      </Text>
    </header>
  );
}
