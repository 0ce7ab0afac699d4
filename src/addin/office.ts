/**
 * The one place that touches Office.js (the rest of the add-in sees the `Mail` interface): every
 * callback API promisified, and the requirement-set checks.
 */
import { type Lang, langFromLocale } from "../core/i18n/lang";
import { entraClientId } from "./entraClient";
import type { TokenSource } from "./serviceClient";

export interface AttachmentInfo {
  id: string;
  name: string;
  kind: "file" | "cloud" | "item";
  size: number;
  isInline: boolean;
}

export type InfoBarKind = "info" | "warning";

export interface Mail {
  lang(): Lang;
  userDomain(): string | undefined;
  supports(minVersion: string): boolean;
  recipientAddresses(): Promise<string[]>;
  attachments(): Promise<AttachmentInfo[]>;
  /** Base64 of a file attachment, or undefined for cloud or item attachments. */
  attachmentBase64(id: string): Promise<string | undefined>;
  bodyText(): Promise<string>;
  getSession(key: string): Promise<string | undefined>;
  setSession(key: string, value: string): Promise<void>;
  infoBar(key: string, text: string, kind: InfoBarKind): Promise<void>;
  /** An info bar with a button that opens the task pane (insight message, Mailbox 1.10). */
  insight(key: string, text: string, actionText: string, commandId: string): Promise<void>;
  /** A value this add-in keeps for the user across items and sessions (roamingSettings); never throws. */
  getRoaming(key: string): unknown;
  setRoaming(key: string, value: unknown): Promise<void>;
}

export function call<T>(fn: (cb: (r: Office.AsyncResult<T>) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    fn((r) =>
      r.status === Office.AsyncResultStatus.Succeeded
        ? resolve(r.value)
        : reject(new Error((r.error && r.error.message) || "Office call failed")),
    );
  });
}

/**
 * A token for the service from Office's single sign-on (the manifest's WebApplicationInfo, built
 * with MAILTLS_ENTRA_CLIENT_ID), or undefined where Office cannot give one (no SSO in this client,
 * nobody signed in, no consent): the call then goes without, and the service's policy decides. No
 * prompts: event handlers cannot show them, and the pane should not interrupt composing. Office
 * caches the token itself, so it is asked each time.
 */
export async function officeSsoToken(): Promise<string | undefined> {
  const auth = typeof Office !== "undefined" ? Office.auth : undefined;
  if (!auth || typeof auth.getAccessToken !== "function") return undefined;
  try {
    return await auth.getAccessToken({ allowSignInPrompt: false, allowConsentPrompt: false });
  } catch {
    return undefined;
  }
}

/** Where the add-in's calls to the service get credentials: Office's SSO when the build names an Entra app. */
export const serviceToken: TokenSource | undefined = entraClientId() ? officeSsoToken : undefined;

/** The compose item of the current event or pane, through Office.js. */
export function officeMail(): Mail {
  const item = Office.context.mailbox.item as Office.MessageCompose;
  return {
    lang: () => langFromLocale(Office.context.displayLanguage),
    userDomain() {
      const addr = Office.context.mailbox.userProfile?.emailAddress ?? "";
      const at = addr.lastIndexOf("@");
      return at >= 0 ? addr.slice(at + 1).toLowerCase() : undefined;
    },
    supports: (v) => !!Office.context.requirements?.isSetSupported("Mailbox", v),
    async recipientAddresses() {
      const lists = await Promise.all(
        [item.to, item.cc, item.bcc].map((r) =>
          r ? call<Office.EmailAddressDetails[]>((cb) => r.getAsync(cb)) : Promise.resolve([]),
        ),
      );
      const out: string[] = [];
      for (const l of lists) for (const a of l) if (a.emailAddress) out.push(a.emailAddress);
      return out;
    },
    async attachments() {
      const list = await call<Office.AttachmentDetailsCompose[]>((cb) => item.getAttachmentsAsync(cb));
      return list.map((a) => ({
        id: a.id,
        name: a.name,
        kind:
          a.attachmentType === Office.MailboxEnums.AttachmentType.Cloud
            ? "cloud"
            : a.attachmentType === Office.MailboxEnums.AttachmentType.Item
              ? "item"
              : "file",
        size: a.size,
        isInline: a.isInline,
      }));
    },
    async attachmentBase64(id) {
      const c = await call<Office.AttachmentContent>((cb) => item.getAttachmentContentAsync(id, cb));
      return c.format === Office.MailboxEnums.AttachmentContentFormat.Base64 ? c.content : undefined;
    },
    bodyText: () => call<string>((cb) => item.body.getAsync(Office.CoercionType.Text, cb)),
    async getSession(key) {
      if (!item.sessionData) return undefined;
      try {
        return await call<string>((cb) => item.sessionData.getAsync(key, cb));
      } catch {
        return undefined; // a key never set is an error in Outlook
      }
    },
    async setSession(key, value) {
      if (item.sessionData) await call<void>((cb) => item.sessionData.setAsync(key, value, cb));
    },
    async infoBar(key, text, kind) {
      // Warnings use Outlook's error bar (it has no separate warning style); information the plain one.
      const message: Office.NotificationMessageDetails =
        kind === "warning"
          ? {
              type: Office.MailboxEnums.ItemNotificationMessageType.ErrorMessage,
              message: text.slice(0, 150),
            }
          : {
              type: Office.MailboxEnums.ItemNotificationMessageType.InformationalMessage,
              message: text.slice(0, 150),
              icon: "Icon.16x16",
              persistent: false,
            };
      await call<void>((cb) => item.notificationMessages.replaceAsync(key, message, cb));
    },
    getRoaming(key) {
      try {
        return Office.context.roamingSettings?.get(key);
      } catch {
        return undefined;
      }
    },
    setRoaming(key, value) {
      const rs = Office.context.roamingSettings;
      if (!rs) return Promise.resolve();
      rs.set(key, value);
      return call<void>((cb) => rs.saveAsync(cb));
    },
    async insight(key, text, actionText, commandId) {
      await call<void>((cb) =>
        item.notificationMessages.replaceAsync(
          key,
          {
            type: Office.MailboxEnums.ItemNotificationMessageType.InsightMessage,
            message: text.slice(0, 150),
            icon: "Icon.16x16",
            actions: [
              {
                actionType: Office.MailboxEnums.ActionType.ShowTaskPane,
                actionText,
                commandId,
                contextData: "{}",
              },
            ],
          },
          cb,
        ),
      );
    },
  };
}
