import { Button, Field, Input, makeStyles, Text, Textarea, tokens } from "@fluentui/react-components";
import { SendRegular } from "@fluentui/react-icons";
import type { Lang } from "../../core/i18n/lang";
import { Attachments } from "./Attachments";
import type { OutlookSim, RecipientField, SimSnapshot } from "./outlookSim";
import { RecipientInput } from "./RecipientInput";
import { s } from "./strings";

const useStyles = makeStyles({
  form: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  from: { display: "flex", gap: tokens.spacingHorizontalM, alignItems: "baseline" },
  body: { minHeight: "14em" },
  subject: { gridTemplateColumns: "6em 1fr" },
});

interface Props {
  lang: Lang;
  sim: OutlookSim;
  snap: SimSnapshot;
  userEmail: string;
  sending: boolean;
  onSend(): void;
  onFiles(files: File[]): void;
}

const FIELDS: { field: RecipientField; testId: string }[] = [
  { field: "to", testId: "to-input" },
  { field: "cc", testId: "cc-input" },
  { field: "bcc", testId: "bcc-input" },
];

/** The compose fields; every change goes straight into the simulated item. */
export function Compose({ lang, sim, snap, userEmail, sending, onSend, onFiles }: Props) {
  const styles = useStyles();
  const trackCursor = (e: { currentTarget: HTMLTextAreaElement }) =>
    sim.setBodySelection(e.currentTarget.selectionStart, e.currentTarget.selectionEnd);
  return (
    <form
      className={styles.form}
      aria-label={s(lang, "composeLabel")}
      onSubmit={(e) => e.preventDefault() /* Enter in a field must not send */}
    >
      <div>
        <Button
          appearance="primary"
          icon={<SendRegular />}
          disabled={sending}
          data-testid="send-button"
          onClick={onSend}
        >
          {s(lang, "send")}
        </Button>
      </div>
      <div className={styles.from}>
        <Text weight="semibold">{s(lang, "from")}</Text>
        <Text data-testid="from">{userEmail}</Text>
      </div>
      {FIELDS.map(({ field, testId }) => (
        <RecipientInput
          key={field}
          lang={lang}
          label={s(lang, field)}
          testId={testId}
          addresses={snap[field]}
          onChange={(list) => void sim.setRecipients(field, list)}
        />
      ))}
      <Field label={s(lang, "subject")} orientation="horizontal" className={styles.subject}>
        <Input
          appearance="underline"
          value={snap.subject}
          data-testid="subject-input"
          onChange={(_, d) => sim.setSubject(d.value)}
        />
      </Field>
      <Attachments
        lang={lang}
        attachments={snap.attachments}
        onFiles={onFiles}
        onRemove={(id) => sim.removeAttachment(id)}
      />
      <Field label={s(lang, "body")}>
        <Textarea
          className={styles.body}
          resize="vertical"
          value={snap.body}
          data-testid="body-input"
          onChange={(_, d) => sim.setBody(d.value)}
          // Office inserts at the cursor (setSelectedDataAsync): keep the simulation told where it is,
          // including when the user leaves the body for the task pane.
          onSelect={trackCursor}
          onKeyUp={trackCursor}
          onClick={trackCursor}
          onBlur={trackCursor}
        />
      </Field>
    </form>
  );
}
