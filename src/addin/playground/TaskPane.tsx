import { Button, makeStyles, Text, tokens } from "@fluentui/react-components";
import { DismissRegular } from "@fluentui/react-icons";
import type { Lang } from "../../core/i18n/lang";
import { s } from "./strings";

const useStyles = makeStyles({
  pane: {
    width: "350px",
    flexShrink: 0,
    display: "flex",
    flexDirection: "column",
    borderLeft: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  header: {
    display: "flex",
    alignItems: "center",
    justifyContent: "space-between",
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  frame: { flexGrow: 1, width: "100%", border: "none" },
});

interface Props {
  lang: Lang;
  /** Changes whenever the pane must load afresh (new context, new simulation). */
  loadKey: string;
  onClose(): void;
}

/** The add-in's task pane at the right, the real pane page in an iframe (it takes Office from this page). */
export function TaskPane({ lang, loadKey, onClose }: Props) {
  const styles = useStyles();
  return (
    <aside className={styles.pane} aria-label={s(lang, "taskPane")}>
      <div className={styles.header}>
        <Text weight="semibold">MailTLS Guard</Text>
        <Button
          appearance="subtle"
          icon={<DismissRegular />}
          aria-label={s(lang, "closePane")}
          onClick={onClose}
        />
      </div>
      <iframe
        key={loadKey}
        className={styles.frame}
        src="taskpane.html"
        title="MailTLS Guard"
        data-testid="taskpane-frame"
      />
    </aside>
  );
}
