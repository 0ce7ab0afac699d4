import {
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  type MessageBarIntent,
} from "@fluentui/react-components";
import { decisionMessage } from "../../core/decisionText";
import { type Lang, t } from "../../core/i18n";
import type { ComposeState } from "./useCompose";

const INTENT: Record<"allow" | "warn" | "block", MessageBarIntent> = {
  allow: "success",
  warn: "warning",
  block: "error",
};

/** One clear message: what to do with this draft, and why (the on-send decision, ahead of time). */
export function AdviceSection({ lang, state }: { lang: Lang; state: ComposeState }) {
  const d = state.decision;
  if (!d) return null;
  const external = d.groups.encrypted.length + d.groups.unencrypted.length + d.groups.unknown.length;
  const display = (list: string[]) =>
    list.map((x) => state.domains.find((r) => r.domain === x)?.displayDomain ?? x).join(", ");
  const text =
    d.action !== "allow" || d.reasons.length > 0
      ? decisionMessage(lang, d)
      : external > 0 && d.groups.encrypted.length === external
        ? t(lang, "pane.advice.allEncrypted")
        : d.groups.unencrypted.length > 0
          ? t(lang, "pane.advice.unencryptedNoFiles", { domains: display(d.groups.unencrypted) })
          : d.groups.unknown.length > 0
            ? t(lang, "summary.pending", { domains: display(d.groups.unknown) })
            : t(lang, "pane.advice.nothing");
  return (
    <section aria-labelledby="advice-title">
      <MessageBar intent={INTENT[d.action]} layout="multiline" data-testid="advice" data-action={d.action}>
        <MessageBarBody>
          <MessageBarTitle id="advice-title">{t(lang, "pane.advice")}</MessageBarTitle>
          {state.sendContext && d.action !== "allow" ? <div>{t(lang, "pane.advice.fromSend")}</div> : null}
          <div style={{ whiteSpace: "pre-line" }}>{text}</div>
          {!state.reachable ? <div>{t(lang, "pane.serviceError")}</div> : null}
        </MessageBarBody>
      </MessageBar>
    </section>
  );
}
