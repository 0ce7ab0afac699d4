/**
 * A stand-in for Outlook's Office.js, enough for the event handlers: asynchronous callbacks with
 * AsyncResult objects, recipients, attachments (Base64 content), body, sessionData and info bars —
 * with Outlook's limits (150-character info bars, 5 of them, 50,000 characters of sessionData).
 */
export interface FakeAttachment {
  id: string;
  name: string;
  type?: "file" | "cloud" | "item";
  bytes?: Uint8Array;
  isInline?: boolean;
}

export interface FakeMailbox {
  to: string[];
  cc?: string[];
  bcc?: string[];
  body?: string;
  attachments?: FakeAttachment[];
  displayLanguage?: string;
  user?: string;
  requirementSet?: number; // highest supported Mailbox minor version (default 15)
  failAttachments?: boolean;
  /**
   * Office's single sign-on (`Office.auth.getAccessToken`): a token, or an error code as Office
   * rejects with (13001: nobody signed in). Absent: this client has no SSO.
   */
  sso?: { token: () => Promise<string> } | { errorCode: number };
}

export function fakeOffice(box: FakeMailbox) {
  const session = new Map<string, string>();
  const infoBars = new Map<string, { message: string; type: string; actions?: unknown[] }>();
  const associated = new Map<string, (event: unknown) => void>();
  const later = (fn: () => void) => setTimeout(fn, 0);
  const ok = <T>(value: T) => ({ status: "succeeded", value });
  const fail = (message: string) => ({ status: "failed", error: { message, code: 9999 } });
  const recipients = (list: () => string[]) => ({
    getAsync: (cb: (r: unknown) => void) =>
      later(() => cb(ok(list().map((a) => ({ emailAddress: a, displayName: a }))))),
  });
  const item = {
    to: recipients(() => box.to),
    cc: recipients(() => box.cc ?? []),
    bcc: recipients(() => box.bcc ?? []),
    body: { getAsync: (_t: string, cb: (r: unknown) => void) => later(() => cb(ok(box.body ?? ""))) },
    getAttachmentsAsync: (cb: (r: unknown) => void) =>
      later(() =>
        cb(
          box.failAttachments
            ? fail("attachments unavailable")
            : ok(
                (box.attachments ?? []).map((a) => ({
                  id: a.id,
                  name: a.name,
                  attachmentType: a.type ?? "file",
                  size: a.bytes?.length ?? 0,
                  isInline: !!a.isInline,
                })),
              ),
        ),
      ),
    getAttachmentContentAsync: (id: string, cb: (r: unknown) => void) =>
      later(() => {
        const a = (box.attachments ?? []).find((x) => x.id === id);
        if (!a) return cb(fail("no such attachment"));
        if ((a.type ?? "file") === "cloud")
          return cb(ok({ format: "url", content: "https://contoso.sharepoint.com/x" }));
        cb(ok({ format: "base64", content: Buffer.from(a.bytes ?? new Uint8Array()).toString("base64") }));
      }),
    sessionData: {
      getAsync: (key: string, cb: (r: unknown) => void) =>
        later(() => cb(session.has(key) ? ok(session.get(key)) : fail("key not found"))),
      setAsync: (key: string, value: string, cb: (r: unknown) => void) =>
        later(() => {
          const size =
            [...session.entries()]
              .filter(([k]) => k !== key)
              .reduce((n, [k, v]) => n + k.length + v.length, 0) +
            key.length +
            value.length;
          if (size > 50000) return cb(fail("sessionData is full"));
          session.set(key, value);
          cb(ok(undefined));
        }),
    },
    notificationMessages: {
      replaceAsync: (
        key: string,
        msg: { message: string; type: string; actions?: Array<{ actionText: string }> },
        cb: (r: unknown) => void,
      ) =>
        later(() => {
          if (msg.message.length > 150) return cb(fail("message longer than 150 characters"));
          if (!infoBars.has(key) && infoBars.size >= 5) return cb(fail("too many notifications"));
          if (
            msg.type === "insightMessage" &&
            (max < 10 || (msg.actions ?? []).length !== 1 || msg.actions![0].actionText.length > 30)
          )
            return cb(fail("an insight message needs Mailbox 1.10 and exactly one action"));
          infoBars.set(key, { message: msg.message, type: msg.type, actions: msg.actions });
          cb(ok(undefined));
        }),
    },
  };
  const max = box.requirementSet ?? 15;
  const tokenRequests: unknown[] = [];
  const sso = box.sso;
  const auth = sso && {
    getAccessToken: (options?: unknown) => {
      tokenRequests.push(options);
      return new Promise<string>((resolve, reject) =>
        later(() =>
          "token" in sso
            ? sso.token().then(resolve, reject)
            : reject({ code: sso.errorCode, name: "SSO error", message: `error ${sso.errorCode}` }),
        ),
      );
    },
  };
  const Office = {
    ...(auth ? { auth } : {}),
    context: {
      displayLanguage: box.displayLanguage ?? "en-US",
      mailbox: { item, userProfile: { emailAddress: box.user ?? "taro@ours.example" } },
      requirements: {
        isSetSupported: (name: string, v: string) => name === "Mailbox" && Number(v.split(".")[1]) <= max,
      },
    },
    actions: { associate: (name: string, fn: (event: unknown) => void) => associated.set(name, fn) },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    CoercionType: { Text: "text", Html: "html" },
    MailboxEnums: {
      AttachmentType: { File: "file", Item: "item", Cloud: "cloud" },
      AttachmentContentFormat: { Base64: "base64", Url: "url", Eml: "eml", ICalendar: "iCalendar" },
      ItemNotificationMessageType: {
        InformationalMessage: "informationalMessage",
        ErrorMessage: "errorMessage",
        InsightMessage: "insightMessage",
      },
      ActionType: { ShowTaskPane: "showTaskPane" },
      SendModeOverride: { PromptUser: "promptUser" },
    },
  };
  /** Fires a handler the way Outlook does, resolving with what it passed to event.completed. */
  const fire = (name: string, timeoutMs = 10000) =>
    new Promise<{ options: Record<string, unknown> | undefined; calls: number }>((resolve, reject) => {
      const fn = associated.get(name);
      if (!fn) return reject(new Error(`${name} was not associated`));
      let calls = 0;
      const timer = setTimeout(() => reject(new Error(`${name} never called event.completed`)), timeoutMs);
      fn({
        type: name,
        completed: (options?: Record<string, unknown>) => {
          calls++;
          clearTimeout(timer);
          // Give a second call (a bug) the chance to show up.
          setTimeout(() => resolve({ options, calls }), 50);
        },
      });
    });
  return { Office, session, infoBars, associated, fire, tokenRequests };
}
