import { Button, makeStyles, Tag, TagGroup, tokens } from "@fluentui/react-components";
import { AttachRegular } from "@fluentui/react-icons";
import { useRef } from "react";
import type { Lang } from "../../core/i18n/lang";
import type { SimAttachmentView } from "./outlookSim";
import { s } from "./strings";

const useStyles = makeStyles({
  row: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: tokens.spacingHorizontalS },
  hidden: { display: "none" },
});

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

interface Props {
  lang: Lang;
  attachments: readonly SimAttachmentView[];
  onFiles(files: File[]): void;
  onRemove(id: string): void;
}

/** "Attach file" (a Button in front of a file input) and the attached files as removable chips. */
export function Attachments({ lang, attachments, onFiles, onRemove }: Props) {
  const styles = useStyles();
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className={styles.row}>
      <Button icon={<AttachRegular />} onClick={() => input.current?.click()}>
        {s(lang, "attach")}
      </Button>
      <input
        ref={input}
        type="file"
        multiple
        className={styles.hidden}
        tabIndex={-1}
        aria-hidden="true"
        data-testid="attach-input"
        onChange={(e) => {
          const files = [...(e.currentTarget.files ?? [])];
          e.currentTarget.value = ""; // the same file can be attached again
          if (files.length) onFiles(files);
        }}
      />
      {attachments.length > 0 && (
        <TagGroup aria-label={s(lang, "attachments")} onDismiss={(_, { value }) => onRemove(value)}>
          {attachments.map((a) => (
            <Tag
              key={a.id}
              value={a.id}
              shape="rounded"
              dismissible
              secondaryText={size(a.size)}
              dismissIcon={{ "aria-label": s(lang, "removeAttachment", { name: a.name }) }}
              data-testid="attachment"
            >
              {a.name}
            </Tag>
          ))}
        </TagGroup>
      )}
    </div>
  );
}
