import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  makeStyles,
  Spinner,
  tokens,
} from "@fluentui/react-components";
import { DismissRegular } from "@fluentui/react-icons";
import type { Lang } from "../../core/i18n/lang";
import type { SimNotification } from "./outlookSim";
import { s } from "./strings";

const useStyles = makeStyles({
  bars: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS },
});

interface Props {
  lang: Lang;
  bars: readonly SimNotification[];
  onDismiss(key: string): void;
  onAction(bar: SimNotification): void;
}

/**
 * The add-in's notification messages above the compose fields, as Outlook shows them: errors in the
 * error style, an insight message with its one button, and × on the ones the user may close.
 */
export function InfoBars({ lang, bars, onDismiss, onAction }: Props) {
  const styles = useStyles();
  return (
    <div className={styles.bars} data-testid="infobars" role="region" aria-label={s(lang, "infoBars")}>
      {bars.map((bar) => {
        const action = bar.type === "insightMessage" ? bar.actions?.[0] : undefined;
        const dismissible = bar.type === "informationalMessage" || bar.type === "insightMessage";
        return (
          <MessageBar
            key={bar.key}
            intent={bar.type === "errorMessage" ? "error" : "info"}
            icon={bar.type === "progressIndicator" ? <Spinner size="extra-tiny" /> : undefined}
            data-testid="infobar"
            data-key={bar.key}
            data-type={bar.type}
          >
            <MessageBarBody>{bar.message}</MessageBarBody>
            {(action || dismissible) && (
              <MessageBarActions
                containerAction={
                  dismissible ? (
                    <Button
                      appearance="transparent"
                      icon={<DismissRegular />}
                      aria-label={s(lang, "dismiss")}
                      onClick={() => onDismiss(bar.key)}
                    />
                  ) : undefined
                }
              >
                {action && <Button onClick={() => onAction(bar)}>{action.actionText}</Button>}
              </MessageBarActions>
            )}
          </MessageBar>
        );
      })}
    </div>
  );
}
