/**
 * What the task pane needs from Office.js beyond the event handlers' `Mail`: removing an attachment,
 * following changes, the context it was opened with, and the theme. Kept apart from office.ts so the
 * event bundle does not carry it.
 */
import { call, type Mail, officeMail } from "../office";

export type ComposeChange = "recipients" | "attachments" | "item";

export interface PaneMail extends Mail {
  removeAttachment(id: string): Promise<void>;
  /** Calls `onChange` when recipients or attachments change, or (pinned pane) another item is opened. */
  watch(onChange: (what: ComposeChange) => void): Promise<void>;
  /** The JSON the pane was opened with (an insight message's or Smart Alert's contextData), if any. */
  initializationContext(): Promise<string | undefined>;
  /** Office's theme, as light, dark or (from the browser) high contrast. */
  theme(): "light" | "dark" | "contrast";
  /** The body's format: what an insertion must be written in. */
  bodyType(): Promise<"html" | "text">;
  /** The whole body in its own format (to put it back if a later step fails). */
  body(type: "html" | "text"): Promise<string>;
  setBody(type: "html" | "text", content: string): Promise<void>;
  /** Inserts at the cursor (replacing a selection), or where Outlook puts it when the cursor is elsewhere. */
  insertAtCursor(type: "html" | "text", content: string): Promise<void>;
}

/** Relative luminance of a #rrggbb colour, 0 (black) to 1 (white). */
function luminance(hex: string | undefined): number | undefined {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex ?? "");
  if (!m) return undefined;
  const [r, g, b] = m.slice(1).map((x) => parseInt(x, 16) / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function paneMail(): PaneMail {
  const item = Office.context.mailbox.item as Office.MessageCompose;
  const mail = officeMail();
  return {
    ...mail,
    removeAttachment: (id) => call<void>((cb) => item.removeAttachmentAsync(id, cb)),
    async watch(onChange) {
      await call<void>((cb) =>
        item.addHandlerAsync(Office.EventType.RecipientsChanged, () => onChange("recipients"), cb),
      );
      await call<void>((cb) =>
        item.addHandlerAsync(Office.EventType.AttachmentsChanged, () => onChange("attachments"), cb),
      );
      // A pinned pane stays open while the user moves to another draft (Mailbox 1.5).
      if (mail.supports("1.5"))
        await call<void>((cb) =>
          Office.context.mailbox.addHandlerAsync(Office.EventType.ItemChanged, () => onChange("item"), cb),
        ).catch(() => undefined);
    },
    async initializationContext() {
      if (!mail.supports("1.8") || typeof item.getInitializationContextAsync !== "function") return undefined;
      try {
        return (await call<string>((cb) => item.getInitializationContextAsync(cb))) || undefined;
      } catch {
        return undefined; // no context: the pane was opened from the ribbon
      }
    },
    async bodyType() {
      const type = await call<string>((cb) => item.body.getTypeAsync(cb));
      return type === Office.CoercionType.Html ? "html" : "text";
    },
    body: (type) =>
      call<string>((cb) =>
        item.body.getAsync(type === "html" ? Office.CoercionType.Html : Office.CoercionType.Text, cb),
      ),
    setBody: (type, content) =>
      call<void>((cb) =>
        item.body.setAsync(
          content,
          { coercionType: type === "html" ? Office.CoercionType.Html : Office.CoercionType.Text },
          cb,
        ),
      ),
    insertAtCursor: (type, content) =>
      call<void>((cb) =>
        item.body.setSelectedDataAsync(
          content,
          { coercionType: type === "html" ? Office.CoercionType.Html : Office.CoercionType.Text },
          cb,
        ),
      ),
    theme() {
      if (typeof matchMedia === "function" && matchMedia("(forced-colors: active)").matches)
        return "contrast";
      const l = luminance(Office.context.officeTheme?.bodyBackgroundColor);
      return l !== undefined && l < 0.4 ? "dark" : "light";
    },
  };
}
