import { Field, Input, makeStyles, Tag, TagGroup, tokens } from "@fluentui/react-components";
import { type KeyboardEvent, useState } from "react";
import type { Lang } from "../../core/i18n/lang";
import { mergeAddresses, splitAddresses } from "./addresses";
import { s } from "./strings";

const useStyles = makeStyles({
  control: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: tokens.spacingHorizontalXS },
  input: { flexGrow: 1, minWidth: "12em" },
  // A narrow label column, as in Outlook (Field's horizontal default gives the label a third).
  field: { gridTemplateColumns: "6em 1fr" },
});

interface Props {
  lang: Lang;
  label: string;
  testId: string;
  addresses: readonly string[];
  onChange(addresses: string[]): void;
}

/**
 * A To/Cc/Bcc line: typed text becomes removable chips on Enter, ";" or "," or when the field loses
 * focus, as in Outlook.
 */
export function RecipientInput({ lang, label, testId, addresses, onChange }: Props) {
  const styles = useStyles();
  const [text, setText] = useState("");

  const commit = (value: string) => {
    const added = splitAddresses(value);
    setText("");
    if (added.length) onChange(mergeAddresses(addresses, added));
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") {
      e.preventDefault();
      commit(text);
    } else if (e.key === "Backspace" && text === "" && addresses.length > 0) {
      onChange(addresses.slice(0, -1));
    }
  };

  return (
    <Field label={label} orientation="horizontal" hint={s(lang, "recipientHint")} className={styles.field}>
      {(fieldProps) => (
        <div className={styles.control}>
          {addresses.length > 0 && (
            <TagGroup
              aria-label={label}
              onDismiss={(_, { value }) => onChange(addresses.filter((a) => a !== value))}
            >
              {addresses.map((a) => (
                <Tag
                  key={a}
                  value={a}
                  size="small"
                  shape="circular"
                  dismissible
                  dismissIcon={{ "aria-label": s(lang, "removeRecipient", { name: a }) }}
                >
                  {a}
                </Tag>
              ))}
            </TagGroup>
          )}
          <Input
            {...fieldProps}
            className={styles.input}
            appearance="underline"
            data-testid={testId}
            value={text}
            autoComplete="off"
            onChange={(_, d) => {
              // A typed or pasted separator commits what comes before it.
              if (/[,;]/.test(d.value)) commit(d.value);
              else setText(d.value);
            }}
            onKeyDown={onKeyDown}
            onBlur={() => commit(text)}
          />
        </div>
      )}
    </Field>
  );
}
