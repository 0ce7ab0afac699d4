import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  makeStyles,
} from "@fluentui/react-components";
import type { Lang } from "../../core/i18n/lang";
import type { CompletedOptions } from "./outlookSim";
import { s } from "./strings";

const useStyles = makeStyles({
  message: { whiteSpace: "pre-wrap" },
});

interface Props {
  lang: Lang;
  /** The send handler's completion options with allowEvent false; undefined when no alert shows. */
  options: CompletedOptions | undefined;
  onSendAnyway(): void;
  /** The cancel button (it also opens the pane when the add-in gave a commandId). */
  onCancel(options: CompletedOptions): void;
  /** Closed without a choice (Escape): the message is not sent. */
  onClose(): void;
}

/** Outlook's Smart Alerts dialog: the add-in's name, its message, and its buttons. */
export function SmartAlert({ lang, options, onSendAnyway, onCancel, onClose }: Props) {
  const styles = useStyles();
  const promptUser = options?.sendModeOverride === "promptUser";
  return (
    <Dialog open={options !== undefined} modalType="alert" onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface data-testid="smart-alert">
        <DialogBody>
          <DialogTitle>MailTLS Guard</DialogTitle>
          <DialogContent className={styles.message}>{options?.errorMessage ?? ""}</DialogContent>
          <DialogActions>
            {promptUser && (
              <Button appearance="primary" data-testid="smart-alert-send-anyway" onClick={onSendAnyway}>
                {s(lang, "sendAnyway")}
              </Button>
            )}
            <Button
              appearance={promptUser ? "secondary" : "primary"}
              data-testid="smart-alert-cancel"
              onClick={() => options && onCancel(options)}
            >
              {options?.cancelLabel || s(lang, "dontSend")}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
