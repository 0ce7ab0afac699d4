import {
  Button,
  makeStyles,
  MessageBar,
  MessageBarBody,
  ProgressBar,
  Spinner,
  Subtitle2,
  Text,
  tokens,
} from "@fluentui/react-components";
import {
  Attach16Regular,
  Cloud16Regular,
  Delete16Regular,
  Link16Regular,
  LockClosed16Regular,
} from "@fluentui/react-icons";
import { useRef, useState } from "react";
import { type Lang, methodLabel, t } from "../../core/i18n";
import { KEYS } from "../handlers";
import type { ServiceClient } from "../serviceClient";
import { graphUploader, LinkError, replaceWithLink, type Uploader, uploadBuiltin } from "./linkUpload";
import { entraClientId } from "../entraClient";

/** MSAL is loaded only when a OneDrive link is made, so the pane's first load stays small. */
const graphToken = () => import("./naa").then((m) => m.graphToken());
import type { PaneMail } from "./officePane";
import type { AttachmentRow, ComposeState } from "./useCompose";

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
  actions: { display: "flex", gap: "8px", flexWrap: "wrap", marginBottom: "8px" },
  progress: { display: "flex", flexDirection: "column", gap: "4px", flexGrow: 1 },
});

type Notice = { intent: "success" | "error" | "info"; text: string };

/** The provider the policy names, if this build can use it (OneDrive needs an Entra app). */
function uploaderFor(state: ComposeState): Uploader | undefined {
  const recipients = state.domains.flatMap((d) => d.addresses);
  // The built-in store gets the recipients too: with a relay, only they can download (one-time code).
  if (state.policy.linkProvider === "builtin")
    return (bytes, name, sender, onProgress, signal) =>
      uploadBuiltin(bytes, name, sender, onProgress, signal, recipients);
  if (state.policy.linkProvider === "onedrive" && entraClientId())
    return graphUploader(state.policy, recipients, graphToken);
  return undefined;
}

/** Whether to offer links: a provider is available, and the recipients or the policy call for it. */
function offerLinks(state: ComposeState): boolean {
  const d = state.decision;
  if (!uploaderFor(state)) return false;
  if (state.policy.links.offerForTls) return true;
  return (
    !!d &&
    (d.groups.unencrypted.length > 0 ||
      d.groups.unknown.length > 0 ||
      d.suggestions.some((x) => x.code === "use-download-link"))
  );
}

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

/**
 * Each attachment with what the inspector found; a password-protected one can be removed here, and
 * any file can be replaced by a download link in one click (with progress and a cancel button).
 */
export function AttachmentsSection({
  lang,
  state,
  mail,
  service,
}: {
  lang: Lang;
  state: ComposeState;
  mail: PaneMail;
  /** Where the pane reports an inserted link (for the tenant's console), when the policy allows. */
  service?: ServiceClient;
}) {
  const s = useStyles();
  const rows = state.attachments;
  const [notice, setNotice] = useState<Notice | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  const [progress, setProgress] = useState<{ id: string; name: string; fraction: number } | undefined>();
  const abort = useRef<AbortController | undefined>(undefined);
  const links = offerLinks(state);
  const files = rows.filter((r) => r.kind === "file");
  const suggested = !!state.decision?.suggestions.some((x) => x.code === "use-download-link");

  const remove = async (row: AttachmentRow) => {
    setBusy(row.id);
    try {
      await mail.removeAttachment(row.id);
      setNotice({ intent: "info", text: t(lang, "pane.removed", { name: row.name }) });
    } finally {
      setBusy(undefined);
    }
  };

  /** One or more files, one after the other; stops at the first failure or cancel. */
  const toLinks = async (targets: AttachmentRow[]) => {
    const ac = new AbortController();
    abort.current = ac;
    for (const row of targets) {
      setBusy(row.id);
      setProgress({ id: row.id, name: row.name, fraction: 0 });
      try {
        const link = await replaceWithLink({
          mail,
          lang,
          upload: uploaderFor(state),
          attachment: row,
          maxFileMb: state.policy.links.maxFileMb,
          signal: ac.signal,
          onProgress: (fraction) => setProgress({ id: row.id, name: row.name, fraction }),
        });
        setNotice({
          intent: "success",
          text: t(lang, link.codeRequired ? "pane.link.doneCode" : "pane.link.done", { name: row.name }),
        });
        // The send that follows says the block was resolved with a link; the console counts it.
        await mail.setSession(KEYS.link, "1").catch(() => undefined);
        if (state.policy.telemetry !== false)
          void service?.event({ kind: "link" }, 2000).catch(() => undefined);
      } catch (e) {
        const err = e instanceof LinkError ? e : new LinkError("upload-failed", String(e));
        setNotice(
          err.code === "cancelled"
            ? { intent: "info", text: t(lang, "pane.link.cancelled") }
            : {
                intent: "error",
                text: t(lang, "pane.link.failed", {
                  name: row.name,
                  why:
                    err.code === "too-large"
                      ? t(lang, "pane.link.tooLarge", { max: state.policy.links.maxFileMb })
                      : err.code === "refused"
                        ? t(lang, "pane.link.refused")
                        : err.message,
                }),
              },
        );
        break;
      } finally {
        setBusy(undefined);
        setProgress(undefined);
      }
    }
    abort.current = undefined;
  };

  return (
    <section aria-labelledby="attachments-title" data-testid="attachments">
      <Subtitle2 as="h2" id="attachments-title" block>
        {t(lang, "pane.attachments")}
      </Subtitle2>
      {notice ? (
        <MessageBar intent={notice.intent} layout="multiline" data-testid="attachments-notice">
          <MessageBarBody>{notice.text}</MessageBarBody>
        </MessageBar>
      ) : null}
      {progress ? (
        <div className={s.item} data-testid="link-progress">
          <span className={s.progress}>
            <Text size={200}>{t(lang, "pane.link.uploading", { name: progress.name })}</Text>
            <ProgressBar value={progress.fraction} max={1} />
          </span>
          <Button onClick={() => abort.current?.abort()}>{t(lang, "pane.link.cancel")}</Button>
        </div>
      ) : null}
      {links && files.length > 1 ? (
        <div className={s.actions}>
          <Button
            appearance={suggested ? "primary" : "secondary"}
            icon={<Link16Regular />}
            disabled={busy !== undefined}
            onClick={() => void toLinks(files)}
          >
            {t(lang, "pane.link.replaceAll")}
          </Button>
        </div>
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
                {links && row.kind === "file" ? (
                  <Button
                    icon={<Link16Regular />}
                    appearance={suggested && files.length === 1 ? "primary" : "secondary"}
                    disabled={busy !== undefined}
                    onClick={() => void toLinks([row])}
                    aria-label={t(lang, "pane.link.replaceFile", { name: row.name })}
                    title={t(lang, "pane.link.replace")}
                  />
                ) : null}
                {isProtected ? (
                  <Button
                    icon={<Delete16Regular />}
                    disabled={busy !== undefined}
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
