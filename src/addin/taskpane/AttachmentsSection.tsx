import {
  Button,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Spinner,
  Subtitle2,
  Text,
  tokens,
} from "@fluentui/react-components";
import { Attach16Regular, Cloud16Regular, Delete16Regular, LockClosed16Regular } from "@fluentui/react-icons";
import { useState } from "react";
import { type Lang, methodLabel, t } from "../../core/i18n";
import type { PaneMail } from "./officePane";
import type { AttachmentRow } from "./useCompose";

const useStyles = makeStyles({
  list: { listStyle: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: "8px" },
  item: {
    display: "flex",
    alignItems: "center",
    gap: "8px",
    padding: "8px",
    borderRadius: tokens.borderRadiusMedium,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  text: { display: "flex", flexDirection: "column", flexGrow: 1, minWidth: 0 },
  name: { overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" },
  danger: { color: tokens.colorPaletteRedForeground1 },
});

function findingText(lang: Lang, row: AttachmentRow): string {
  if (row.kind !== "file") return t(lang, "pane.finding.cloud");
  const f = row.facts;
  if (!f) return t(lang, "pane.finding.pending");
  if (f.kind === "cloud") return t(lang, "pane.finding.cloud");
  const r = f.finding;
  if (!r || r.passwordProtected === null) return t(lang, "pane.finding.unreadable");
  if (r.passwordProtected)
    return t(lang, "pane.finding.protected", { method: methodLabel(lang, r.method ?? "other") });
  return r.method === "restricted" ? t(lang, "pane.finding.restricted") : t(lang, "pane.finding.plain");
}

/** Each attachment with what the inspector found; a password-protected one can be removed here. */
export function AttachmentsSection({
  lang,
  rows,
  mail,
}: {
  lang: Lang;
  rows: AttachmentRow[];
  mail: PaneMail;
}) {
  const s = useStyles();
  const [removed, setRemoved] = useState<string | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  const remove = async (row: AttachmentRow) => {
    setBusy(row.id);
    try {
      await mail.removeAttachment(row.id);
      setRemoved(row.name);
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <section aria-labelledby="attachments-title" data-testid="attachments">
      <Subtitle2 as="h2" id="attachments-title" block>
        {t(lang, "pane.attachments")}
      </Subtitle2>
      {removed ? (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>{t(lang, "pane.removed", { name: removed })}</MessageBarBody>
        </MessageBar>
      ) : null}
      {rows.length === 0 ? (
        <Text>{t(lang, "pane.noAttachments")}</Text>
      ) : (
        <ul className={s.list}>
          {rows.map((row) => {
            const isProtected = row.facts?.finding?.passwordProtected === true;
            return (
              <li
                key={row.id}
                className={s.item}
                data-attachment={row.name}
                data-protected={String(isProtected)}
              >
                {row.kind !== "file" ? (
                  <Cloud16Regular aria-hidden />
                ) : isProtected ? (
                  <LockClosed16Regular aria-hidden className={s.danger} />
                ) : (
                  <Attach16Regular aria-hidden />
                )}
                <span className={s.text}>
                  <Text weight="semibold" className={s.name} title={row.name}>
                    {row.name}
                  </Text>
                  <Text size={200} className={isProtected ? s.danger : undefined}>
                    {row.kind === "file" && !row.facts ? <Spinner size="extra-tiny" /> : null}{" "}
                    {findingText(lang, row)}
                  </Text>
                </span>
                {isProtected ? (
                  <Button
                    icon={<Delete16Regular />}
                    disabled={busy === row.id}
                    onClick={() => void remove(row)}
                    aria-label={t(lang, "pane.remove", { name: row.name })}
                  />
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
