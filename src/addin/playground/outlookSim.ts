/**
 * A simulated Office.js for the playground: exactly the part of Outlook's compose API that MailTLS
 * Guard uses, behaving like Outlook (asynchronous callbacks with AsyncResult objects, Outlook's limits
 * on info bars and sessionData, events after every change). Plain TypeScript without DOM or Node APIs,
 * so the same file runs in the browser and under jest.
 */
import { bytesToBase64 } from "./base64";

// ---- Office.js shapes (string values as in Office.js) ----

export interface SimError {
  name: string;
  message: string;
  code: number;
}

export type SimAsyncResult<T> =
  | { status: "succeeded"; value: T; error: undefined; asyncContext: unknown }
  | { status: "failed"; value: undefined; error: SimError; asyncContext: unknown };

export type SimCallback<T> = (result: SimAsyncResult<T>) => void;

/** Office allows `fn(args..., callback)` and `fn(args..., options, callback)`. */
export interface AsyncOptions {
  asyncContext?: unknown;
  [key: string]: unknown;
}
export type AsyncTail<T> = [callback?: SimCallback<T>] | [options: AsyncOptions, callback?: SimCallback<T>];

export type RecipientField = "to" | "cc" | "bcc";

export interface SimEmailAddressDetails {
  emailAddress: string;
  displayName: string;
  recipientType: "externalUser";
}

export type AttachmentKind = "file" | "cloud" | "item";

export interface SimAttachmentDetails {
  id: string;
  name: string;
  attachmentType: AttachmentKind;
  size: number;
  isInline: boolean;
  contentType: string;
}

/** Base64 for files, a link for cloud attachments, the message (EML) for attached items, as Outlook. */
export interface SimAttachmentContent {
  format: "base64" | "url" | "eml";
  content: string;
}

export type NotificationType =
  "progressIndicator" | "informationalMessage" | "errorMessage" | "insightMessage";

export interface SimNotificationAction {
  actionType: string;
  actionText: string;
  commandId?: string;
  contextData?: unknown;
}

export interface SimNotificationDetails {
  type: NotificationType;
  message: string;
  icon?: string;
  persistent?: boolean;
  actions?: SimNotificationAction[];
}

/** An info bar as Outlook keeps it (getAllAsync returns these, with their keys). */
export interface SimNotification extends SimNotificationDetails {
  key: string;
}

/** What a send handler passes to event.completed (Office.SmartAlertsEventCompletedOptions). */
export interface CompletedOptions {
  allowEvent?: boolean;
  errorMessage?: string;
  errorMessageMarkdown?: string;
  cancelLabel?: string;
  commandId?: string;
  sendModeOverride?: string;
  contextData?: unknown;
}

export interface RecipientsChangedArgs {
  type: "olkRecipientsChanged";
  changedRecipientFields: Record<RecipientField, boolean>;
}

export interface AttachmentsChangedArgs {
  type: "olkAttachmentsChanged";
  attachmentStatus: "added" | "removed";
  attachmentDetails: SimAttachmentDetails;
}

export interface ItemChangedArgs {
  type: "olkItemSelectedChanged";
}

type EventArgs = RecipientsChangedArgs | AttachmentsChangedArgs | ItemChangedArgs;
export type SimEventHandler = (args: EventArgs) => void;

/** The event object a launch-event handler receives. */
export interface LaunchEvent {
  type: string;
  completed(options?: CompletedOptions): void;
  changedRecipientFields?: Record<RecipientField, boolean>;
  attachmentStatus?: "added" | "removed";
  attachmentDetails?: SimAttachmentDetails;
}
export type LaunchHandler = (event: LaunchEvent) => void;

export const EVENT_TYPE = {
  RecipientsChanged: "olkRecipientsChanged",
  AttachmentsChanged: "olkAttachmentsChanged",
  ItemChanged: "olkItemSelectedChanged",
} as const;

/** The launch event each associated handler stands for (what event.type says). */
const LAUNCH_EVENT_TYPE: Record<string, string> = {
  onNewMessageComposeHandler: "OnNewMessageCompose",
  onMessageRecipientsChangedHandler: "OnMessageRecipientsChanged",
  onMessageAttachmentsChangedHandler: "OnMessageAttachmentsChanged",
  onMessageSendHandler: "OnMessageSend",
};

/** Outlook's limits (learn.microsoft.com: notificationMessages, sessionData). */
export const LIMITS = {
  infoBarMessage: 150,
  infoBars: 5,
  actionText: 30,
  sessionData: 50000,
  /** roamingSettings: 32 KB for all of an add-in's settings, as JSON. */
  roamingSettings: 32 * 1024,
  insightMinor: 10,
  /** What body.setAsync and setSelectedDataAsync accept (Outlook: 1,000,000 characters). */
  bodyChars: 1_000_000,
} as const;

const THEMES = {
  light: {
    bodyBackgroundColor: "#ffffff",
    bodyForegroundColor: "#242424",
    controlBackgroundColor: "#ffffff",
    controlForegroundColor: "#242424",
    isDarkTheme: false,
  },
  dark: {
    bodyBackgroundColor: "#1f1f1f",
    bodyForegroundColor: "#ffffff",
    controlBackgroundColor: "#292929",
    controlForegroundColor: "#ffffff",
    isDarkTheme: true,
  },
} as const;

// ---- The simulation ----

export interface SimOptions {
  displayLanguage: string;
  userEmail: string;
  /** Highest supported Mailbox requirement set, as its minor version (15 = Mailbox 1.15). */
  mailboxMinor: number;
  theme?: "light" | "dark";
  /** Handlers associated with an earlier simulation (the event bundle runs once per page). */
  associated?: ReadonlyMap<string, LaunchHandler>;
  /** Failures to play (the event handlers must cope): getAttachmentsAsync fails. */
  faults?: { attachments?: boolean };
  /**
   * The add-in's roamingSettings as they are when the simulation starts (Outlook keeps them per
   * user and add-in across items and sessions); the simulation changes this map as the add-in saves.
   */
  roaming?: Map<string, unknown>;
}

export interface SimAttachmentView {
  id: string;
  name: string;
  size: number;
  contentType: string;
}

export interface PaneState {
  open: boolean;
  /** The initialization context the pane was (last) opened with. */
  context?: string;
  /** Counts pane (re)loads: the UI keys the iframe on it. */
  loads: number;
}

/** An immutable picture of the simulation for the UI (a new object after every change). */
export interface SimSnapshot {
  itemId: string;
  to: readonly string[];
  cc: readonly string[];
  bcc: readonly string[];
  subject: string;
  body: string;
  attachments: readonly SimAttachmentView[];
  infoBars: readonly SimNotification[];
  pane: PaneState;
  sending: boolean;
}

interface StoredAttachment extends SimAttachmentView {
  bytes: Uint8Array;
  kind: AttachmentKind;
  isInline: boolean;
}

/** How an attachment is added: a file by default; a cloud attachment (a link) or an attached message. */
export interface AttachOptions {
  contentType?: string;
  kind?: AttachmentKind;
  isInline?: boolean;
  /** The attachment's id (default: one the simulation makes up). */
  id?: string;
}

interface ItemState {
  id: string;
  recipients: Record<RecipientField, string[]>;
  subject: string;
  body: string;
  attachments: StoredAttachment[];
  session: Map<string, string>;
  notifications: Map<string, SimNotification>;
  handlers: Map<string, Set<SimEventHandler>>;
  initContext?: string;
  nextAttachment: number;
  /** Where the cursor is in the body (set by the compose window); undefined: not in the body. */
  selection?: { start: number; end: number };
}

const later = (fn: () => void) => void setTimeout(fn, 0);

function ok<T>(value: T, asyncContext: unknown): SimAsyncResult<T> {
  return { status: "succeeded", value, error: undefined, asyncContext };
}

function failed<T>(name: string, message: string, code: number, asyncContext: unknown): SimAsyncResult<T> {
  return { status: "failed", value: undefined, error: { name, message, code }, asyncContext };
}

/** Splits Office's optional (options, callback) tail. */
function tail<T>(args: AsyncTail<T>): { asyncContext: unknown; callback?: SimCallback<T> } {
  const [first, second] = args;
  if (typeof first === "function") return { asyncContext: undefined, callback: first };
  return { asyncContext: first?.asyncContext, callback: second };
}

/** Answers like Office.js: always on a later turn, never synchronously. */
function answer<T>(args: AsyncTail<T>, compute: (asyncContext: unknown) => SimAsyncResult<T>): void {
  const { asyncContext, callback } = tail(args);
  later(() => {
    const result = compute(asyncContext);
    if (callback) callback(result);
  });
}

/** Office hands context data to the pane as a string; objects are passed as JSON. */
function contextString(data: unknown): string | undefined {
  if (data === undefined || data === null) return undefined;
  return typeof data === "string" ? data : JSON.stringify(data);
}

function contentTypeOf(name: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? "";
  const types: Record<string, string> = {
    zip: "application/zip",
    pdf: "application/pdf",
    docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    doc: "application/msword",
    xls: "application/vnd.ms-excel",
    ppt: "application/vnd.ms-powerpoint",
    "7z": "application/x-7z-compressed",
    txt: "text/plain",
    csv: "text/csv",
    png: "image/png",
    jpg: "image/jpeg",
    jpeg: "image/jpeg",
  };
  return types[ext] ?? "application/octet-stream";
}

function parseVersion(v: string | undefined): { major: number; minor: number } | undefined {
  if (v === undefined) return { major: 1, minor: 0 };
  const m = /^(\d+)(?:\.(\d+))?$/.exec(v.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2] ?? 0) } : undefined;
}

function sessionSize(session: Map<string, string>, exceptKey?: string): number {
  let n = 0;
  for (const [k, v] of session) if (k !== exceptKey) n += k.length + v.length;
  return n;
}

/** Checks notification details against Outlook's rules; returns the error message, or undefined if fine. */
function notificationProblem(d: SimNotificationDetails, mailboxMinor: number): string | undefined {
  const types: NotificationType[] = [
    "progressIndicator",
    "informationalMessage",
    "errorMessage",
    "insightMessage",
  ];
  if (!d || !types.includes(d.type)) return "The notification message type is not valid.";
  if (typeof d.message !== "string" || d.message.length === 0) return "The notification message is missing.";
  if (d.message.length > LIMITS.infoBarMessage)
    return `The notification message is longer than ${LIMITS.infoBarMessage} characters.`;
  if (d.persistent !== undefined && d.type !== "informationalMessage")
    return "persistent applies to informational messages only.";
  if (d.actions !== undefined && d.type !== "insightMessage")
    return "Actions can't be defined for this notification message type.";
  if ((d.type === "informationalMessage" || d.type === "insightMessage") && !d.icon)
    return "An icon is required for this notification message type.";
  if (d.type === "insightMessage") {
    if (mailboxMinor < LIMITS.insightMinor) return "Insight messages need Mailbox 1.10.";
    if (!Array.isArray(d.actions) || d.actions.length !== 1) return "Only a single action is supported.";
    const [a] = d.actions;
    if (a.actionType !== "showTaskPane") return "The action type is not valid.";
    if (
      typeof a.actionText !== "string" ||
      a.actionText.length === 0 ||
      a.actionText.length > LIMITS.actionText
    )
      return `The action text must be 1 to ${LIMITS.actionText} characters.`;
  }
  return undefined;
}

function newItemState(seq: number): ItemState {
  return {
    id: `draft-${seq}`,
    recipients: { to: [], cc: [], bcc: [] },
    subject: "",
    body: "",
    attachments: [],
    session: new Map(),
    notifications: new Map(),
    handlers: new Map(),
    nextAttachment: 1,
  };
}

export function createOutlookSim(opts: SimOptions) {
  const mailboxMinor = opts.mailboxMinor;
  const associated = new Map<string, LaunchHandler>(opts.associated ?? []);
  const mailboxHandlers = new Map<string, Set<SimEventHandler>>();
  const listeners = new Set<() => void>();
  let itemSeq = 1;
  let state = newItemState(itemSeq);
  let pane: PaneState = { open: false, loads: 0 };
  let sending = false;
  let snapshot = takeSnapshot();
  const roaming = opts.roaming ?? new Map<string, unknown>();
  /** What set() changed; saveAsync makes it the stored state (Outlook saves nothing without it). */
  const roamingDraft = new Map<string, unknown>(roaming);
  const roamingSettings = {
    get: (name: string): unknown => roamingDraft.get(name),
    set(name: string, value: unknown) {
      roamingDraft.set(name, JSON.parse(JSON.stringify(value)));
    },
    remove(name: string) {
      roamingDraft.delete(name);
    },
    saveAsync(...rest: AsyncTail<void>) {
      answer(rest, (ctx) => {
        const size = JSON.stringify(Object.fromEntries(roamingDraft)).length;
        if (size > LIMITS.roamingSettings)
          return failed(
            "SettingsExceedLimit",
            `roamingSettings hold at most ${LIMITS.roamingSettings} characters.`,
            9030,
            ctx,
          );
        roaming.clear();
        for (const [k, v] of roamingDraft) roaming.set(k, v);
        return ok(undefined, ctx);
      });
    },
  };

  function takeSnapshot(): SimSnapshot {
    return {
      itemId: state.id,
      to: [...state.recipients.to],
      cc: [...state.recipients.cc],
      bcc: [...state.recipients.bcc],
      subject: state.subject,
      body: state.body,
      attachments: state.attachments.map(({ id, name, size, contentType }) => ({
        id,
        name,
        size,
        contentType,
      })),
      infoBars: [...state.notifications.values()].map((n) => ({ ...n })),
      pane: { ...pane },
      sending,
    };
  }

  function notify() {
    snapshot = takeSnapshot();
    for (const l of [...listeners]) l();
  }

  /** Calls every handler of an event on a later turn; a throwing handler does not stop the others. */
  function raise(handlers: Map<string, Set<SimEventHandler>>, args: EventArgs) {
    for (const h of [...(handlers.get(args.type) ?? [])])
      later(() => {
        try {
          h(args);
        } catch {
          // An add-in's error stays in the add-in, as in Outlook.
        }
      });
  }

  /**
   * Runs an associated handler with a launch event; resolves with what it passed to event.completed
   * (the first call only, as Outlook ignores later ones). Rejects if it is not associated or throws.
   */
  function fire(name: string, extra: Partial<LaunchEvent> = {}): Promise<CompletedOptions> {
    const fn = associated.get(name);
    if (!fn) return Promise.reject(new Error(`${name} is not associated`));
    return new Promise((resolve, reject) => {
      let done = false;
      const event: LaunchEvent = {
        ...extra,
        type: LAUNCH_EVENT_TYPE[name] ?? name,
        completed(options?: CompletedOptions) {
          if (done) return;
          done = true;
          resolve(options ? { ...options } : {});
        },
      };
      later(() => {
        try {
          fn(event);
        } catch (e) {
          if (!done) {
            done = true;
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        }
      });
    });
  }

  /** Fires a launch event in the background if the bundle associated it (the UI does not wait). */
  function launch(name: string, extra: Partial<LaunchEvent> = {}): Promise<void> {
    if (!associated.has(name)) return Promise.resolve();
    return fire(name, extra).then(
      () => undefined,
      () => undefined,
    );
  }

  function attachmentDetails(a: StoredAttachment): SimAttachmentDetails {
    return {
      id: a.id,
      name: a.name,
      attachmentType: a.kind,
      size: a.size,
      isInline: a.isInline,
      contentType: a.contentType,
    };
  }

  function removeAttachmentFrom(item: ItemState, id: string): StoredAttachment | undefined {
    const i = item.attachments.findIndex((a) => a.id === id);
    if (i < 0) return undefined;
    const [removed] = item.attachments.splice(i, 1);
    if (item === state) notify();
    const args: AttachmentsChangedArgs = {
      type: EVENT_TYPE.AttachmentsChanged,
      attachmentStatus: "removed",
      attachmentDetails: attachmentDetails(removed),
    };
    raise(item.handlers, args);
    if (item === state)
      void launch("onMessageAttachmentsChangedHandler", {
        attachmentStatus: "removed",
        attachmentDetails: args.attachmentDetails,
      });
    return removed;
  }

  function addHandler(
    handlers: Map<string, Set<SimEventHandler>>,
    allowed: readonly string[],
    eventType: string,
    handler: SimEventHandler,
    rest: AsyncTail<void>,
  ) {
    answer<void>(rest, (ctx) => {
      if (!allowed.includes(eventType) || typeof handler !== "function")
        return failed(
          "InvalidParameterValueError",
          `The event type ${eventType} is not supported.`,
          9017,
          ctx,
        );
      let set = handlers.get(eventType);
      if (!set) handlers.set(eventType, (set = new Set()));
      set.add(handler);
      return ok(undefined, ctx);
    });
  }

  function removeHandler(
    handlers: Map<string, Set<SimEventHandler>>,
    allowed: readonly string[],
    eventType: string,
    rest: AsyncTail<void>,
  ) {
    answer<void>(rest, (ctx) => {
      if (!allowed.includes(eventType))
        return failed(
          "InvalidParameterValueError",
          `The event type ${eventType} is not supported.`,
          9017,
          ctx,
        );
      handlers.delete(eventType);
      return ok(undefined, ctx);
    });
  }

  /** The Office.js item over one compose item's state (a reference to an old item keeps its own). */
  function makeItem(item: ItemState) {
    const recipients = (field: RecipientField) => ({
      getAsync: (...rest: AsyncTail<SimEmailAddressDetails[]>) =>
        answer(rest, (ctx) =>
          ok(
            item.recipients[field].map((a) => ({
              emailAddress: a,
              displayName: a,
              recipientType: "externalUser" as const,
            })),
            ctx,
          ),
        ),
    });
    const itemEvents = [EVENT_TYPE.RecipientsChanged, EVENT_TYPE.AttachmentsChanged];
    return {
      itemType: "message" as const,
      to: recipients("to"),
      cc: recipients("cc"),
      bcc: recipients("bcc"),
      subject: {
        getAsync: (...rest: AsyncTail<string>) => answer(rest, (ctx) => ok(item.subject, ctx)),
      },
      body: {
        getAsync: (coercionType: string, ...rest: AsyncTail<string>) =>
          answer(rest, (ctx) =>
            coercionType === "text" || coercionType === "html"
              ? // The body is plain text; as HTML it is escaped into a <div>, roughly as Outlook stores it.
                ok(coercionType === "text" ? item.body : `<div>${escapeHtml(item.body)}</div>`, ctx)
              : failed("InvalidParameterValueError", "The coercion type is not valid.", 9017, ctx),
          ),
        // The simulated body is plain text (what a plain-text message is in Outlook).
        getTypeAsync: (...rest: AsyncTail<string>) => answer(rest, (ctx) => ok("text", ctx)),
        /** Inserts at the cursor, replacing a selection; at the end when the cursor is not in the body. */
        setSelectedDataAsync: (data: string, ...rest: AsyncTail<void>) =>
          answer(rest, (ctx) => {
            if (typeof data !== "string" || data.length > LIMITS.bodyChars)
              return failed("DataExceedsMaximumSize", "The data is too large.", 1000, ctx);
            const text = coercionOf(rest) === "html" ? htmlToText(data) : data;
            const at = item.selection ?? { start: item.body.length, end: item.body.length };
            item.body = item.body.slice(0, at.start) + text + item.body.slice(at.end);
            item.selection = { start: at.start + text.length, end: at.start + text.length };
            notify();
            return ok(undefined, ctx);
          }),
        setAsync: (data: string, ...rest: AsyncTail<void>) =>
          answer(rest, (ctx) => {
            if (typeof data !== "string" || data.length > LIMITS.bodyChars)
              return failed("DataExceedsMaximumSize", "The data is too large.", 1000, ctx);
            item.body = coercionOf(rest) === "html" ? htmlToText(data) : data;
            item.selection = undefined;
            notify();
            return ok(undefined, ctx);
          }),
      },
      getAttachmentsAsync: (...rest: AsyncTail<SimAttachmentDetails[]>) =>
        answer(rest, (ctx) =>
          opts.faults?.attachments
            ? failed("GenericResponseError", "The attachments could not be read.", 9020, ctx)
            : ok(item.attachments.map(attachmentDetails), ctx),
        ),
      getAttachmentContentAsync: (id: string, ...rest: AsyncTail<SimAttachmentContent>) =>
        answer(rest, (ctx) => {
          const a = item.attachments.find((x) => x.id === id);
          if (!a) return failed("InvalidAttachmentId", "The attachment ID doesn't exist.", 9003, ctx);
          if (a.kind === "cloud")
            return ok({ format: "url" as const, content: `https://contoso.sharepoint.com/${a.id}` }, ctx);
          if (a.kind === "item") return ok({ format: "eml" as const, content: "" }, ctx);
          return ok({ format: "base64" as const, content: bytesToBase64(a.bytes) }, ctx);
        }),
      removeAttachmentAsync: (id: string, ...rest: AsyncTail<void>) =>
        answer(rest, (ctx) =>
          removeAttachmentFrom(item, id)
            ? ok(undefined, ctx)
            : failed("InvalidAttachmentId", "The attachment ID doesn't exist.", 9003, ctx),
        ),
      sessionData: {
        getAsync: (key: string, ...rest: AsyncTail<string>) =>
          answer(rest, (ctx) => {
            const v = item.session.get(key);
            return v === undefined
              ? failed("KeyNotFound", `The key ${key} doesn't exist in sessionData.`, 9057, ctx)
              : ok(v, ctx);
          }),
        setAsync: (key: string, value: string, ...rest: AsyncTail<void>) =>
          answer(rest, (ctx) => {
            if (typeof key !== "string" || typeof value !== "string")
              return failed("InvalidParameterValueError", "Keys and values must be strings.", 9017, ctx);
            if (sessionSize(item.session, key) + key.length + value.length > LIMITS.sessionData)
              return failed(
                "SessionObjectMaxLengthExceeded",
                `sessionData holds at most ${LIMITS.sessionData} characters.`,
                9056,
                ctx,
              );
            item.session.set(key, value);
            return ok(undefined, ctx);
          }),
        getAllAsync: (...rest: AsyncTail<Record<string, string>>) =>
          answer(rest, (ctx) => ok(Object.fromEntries(item.session), ctx)),
        removeAsync: (key: string, ...rest: AsyncTail<void>) =>
          answer(rest, (ctx) => {
            item.session.delete(key);
            return ok(undefined, ctx);
          }),
        clearAsync: (...rest: AsyncTail<void>) =>
          answer(rest, (ctx) => {
            item.session.clear();
            return ok(undefined, ctx);
          }),
      },
      notificationMessages: {
        replaceAsync: (key: string, details: SimNotificationDetails, ...rest: AsyncTail<void>) =>
          answer(rest, (ctx) => {
            if (typeof key !== "string" || key.length === 0)
              return failed("InvalidParameterValueError", "The key is missing.", 9017, ctx);
            const problem = notificationProblem(details, mailboxMinor);
            if (problem) return failed("InvalidParameterValueError", problem, 9017, ctx);
            if (!item.notifications.has(key) && item.notifications.size >= LIMITS.infoBars)
              return failed(
                "NumberOfNotificationMessagesExceeded",
                `At most ${LIMITS.infoBars} notification messages can be shown.`,
                9041,
                ctx,
              );
            item.notifications.set(key, {
              ...details,
              actions: details.actions?.map((a) => ({ ...a })),
              key,
            });
            if (item === state) notify();
            return ok(undefined, ctx);
          }),
        removeAsync: (key: string, ...rest: AsyncTail<void>) =>
          answer(rest, (ctx) => {
            if (!item.notifications.delete(key))
              return failed("KeyNotFound", "There are no notifications with the provided key.", 9042, ctx);
            if (item === state) notify();
            return ok(undefined, ctx);
          }),
        getAllAsync: (...rest: AsyncTail<SimNotification[]>) =>
          answer(rest, (ctx) =>
            ok(
              [...item.notifications.values()].map((n) => ({ ...n })),
              ctx,
            ),
          ),
      },
      addHandlerAsync: (eventType: string, handler: SimEventHandler, ...rest: AsyncTail<void>) =>
        addHandler(item.handlers, itemEvents, eventType, handler, rest),
      removeHandlerAsync: (eventType: string, ...rest: AsyncTail<void>) =>
        removeHandler(item.handlers, itemEvents, eventType, rest),
      getInitializationContextAsync: (...rest: AsyncTail<string>) =>
        answer(rest, (ctx) =>
          item.initContext === undefined
            ? failed(
                "GenericResponseError",
                "The add-in was not opened with an initialization context.",
                9020,
                ctx,
              )
            : ok(item.initContext, ctx),
        ),
    };
  }

  const userName = opts.userEmail.split("@")[0] || opts.userEmail;
  const mailbox = {
    item: makeItem(state),
    userProfile: {
      emailAddress: opts.userEmail,
      displayName: userName,
      accountType: "enterprise",
      timeZone: "Tokyo Standard Time",
    },
    addHandlerAsync: (eventType: string, handler: SimEventHandler, ...rest: AsyncTail<void>) =>
      addHandler(mailboxHandlers, [EVENT_TYPE.ItemChanged], eventType, handler, rest),
    removeHandlerAsync: (eventType: string, ...rest: AsyncTail<void>) =>
      removeHandler(mailboxHandlers, [EVENT_TYPE.ItemChanged], eventType, rest),
  };

  const Office = {
    onReady(callback?: (info: { host: string; platform: string }) => void) {
      const info = { host: "Outlook", platform: "OfficeOnline" };
      return new Promise<{ host: string; platform: string }>((resolve) =>
        later(() => {
          if (callback) callback(info);
          resolve(info);
        }),
      );
    },
    context: {
      displayLanguage: opts.displayLanguage,
      contentLanguage: opts.displayLanguage,
      officeTheme: { ...THEMES[opts.theme ?? "light"] },
      roamingSettings,
      requirements: {
        isSetSupported(name: string, version?: string): boolean {
          const v = parseVersion(version);
          return name.toLowerCase() === "mailbox" && !!v && v.major === 1 && v.minor <= mailboxMinor;
        },
      },
      mailbox,
    },
    actions: {
      associate(name: string, handler: LaunchHandler) {
        associated.set(name, handler);
      },
    },
    HostType: { Outlook: "Outlook" },
    PlatformType: { OfficeOnline: "OfficeOnline" },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    CoercionType: { Text: "text", Html: "html" },
    EventType: EVENT_TYPE,
    MailboxEnums: {
      AttachmentType: { File: "file", Item: "item", Cloud: "cloud" },
      AttachmentContentFormat: { Base64: "base64", Url: "url", Eml: "eml", ICalendar: "iCalendar" },
      ItemNotificationMessageType: {
        ProgressIndicator: "progressIndicator",
        InformationalMessage: "informationalMessage",
        ErrorMessage: "errorMessage",
        InsightMessage: "insightMessage",
      },
      ActionType: { ShowTaskPane: "showTaskPane" },
      SendModeOverride: { PromptUser: "promptUser" },
      AttachmentStatus: { Added: "added", Removed: "removed" },
    },
  };

  /** Handlers the pane registered die with the pane's page (on close or reload), as in Outlook. */
  function dropPaneHandlers() {
    state.handlers.clear();
    mailboxHandlers.clear();
  }

  return {
    Office,
    /** Handlers the event bundle associated, by name. */
    associated: associated as ReadonlyMap<string, LaunchHandler>,
    fire,

    /** Outlook fires OnNewMessageCompose when a compose window opens; the page calls this once the bundle is loaded. */
    start: () => launch("onNewMessageComposeHandler"),

    getSnapshot: () => snapshot,
    /** The current item's sessionData, as the add-in left it. */
    sessionData: (): ReadonlyMap<string, string> => state.session,
    /** The add-in's saved roamingSettings. */
    roamingSettings: (): ReadonlyMap<string, unknown> => roaming,
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },

    /** Replaces one recipient field; raises RecipientsChanged and the launch event if it changed. */
    setRecipients(field: RecipientField, addresses: readonly string[]): Promise<void> {
      const next = addresses.map((a) => a.trim()).filter((a) => a.length > 0);
      const prev = state.recipients[field];
      if (prev.length === next.length && prev.every((a, i) => a === next[i])) return Promise.resolve();
      state.recipients[field] = next;
      notify();
      const changedRecipientFields = { to: field === "to", cc: field === "cc", bcc: field === "bcc" };
      raise(state.handlers, { type: EVENT_TYPE.RecipientsChanged, changedRecipientFields });
      return launch("onMessageRecipientsChangedHandler", { changedRecipientFields });
    },
    setSubject(subject: string) {
      state.subject = subject;
      notify();
    },
    setBody(body: string) {
      state.body = body;
      notify();
    },
    /** Where the cursor is in the body (the compose window reports it as the user moves it). */
    setBodySelection(start: number, end: number) {
      state.selection = { start, end };
    },
    /** Attaches a file; returns its id. Raises AttachmentsChanged and the launch event. */
    addAttachment(
      name: string,
      bytes: Uint8Array,
      options: string | AttachOptions = {},
    ): { id: string; launched: Promise<void> } {
      const o = typeof options === "string" ? { contentType: options } : options;
      const a: StoredAttachment = {
        id: o.id ?? `${state.id}-att-${state.nextAttachment++}`,
        name,
        size: bytes.length,
        contentType: o.contentType || contentTypeOf(name),
        bytes: bytes.slice(),
        kind: o.kind ?? "file",
        isInline: o.isInline ?? false,
      };
      state.attachments.push(a);
      notify();
      const details = attachmentDetails(a);
      raise(state.handlers, {
        type: EVENT_TYPE.AttachmentsChanged,
        attachmentStatus: "added",
        attachmentDetails: details,
      });
      return {
        id: a.id,
        launched: launch("onMessageAttachmentsChangedHandler", {
          attachmentStatus: "added",
          attachmentDetails: details,
        }),
      };
    },
    /** Removes an attachment as the user does; false if there is none with that id. */
    removeAttachment(id: string): boolean {
      return removeAttachmentFrom(state, id) !== undefined;
    },
    /** The user closes an info bar (×). */
    dismissInfoBar(key: string) {
      if (state.notifications.delete(key)) notify();
    },

    /**
     * Opens the task pane. With context data (an insight action, a Smart Alert's cancel button) the
     * pane (re)loads and item.getInitializationContextAsync returns it; without, an open pane stays
     * as it is and a closed one opens with no context (the ribbon button).
     */
    openPane(contextData?: unknown) {
      const context = contextString(contextData);
      if (pane.open && context === undefined) return;
      state.initContext = context;
      dropPaneHandlers();
      pane = { open: true, context, loads: pane.loads + 1 };
      notify();
    },
    closePane() {
      if (!pane.open) return;
      dropPaneHandlers();
      pane = { open: false, loads: pane.loads };
      notify();
    },

    /**
     * Runs the send handler (one at a time, like Outlook's Send button) and resolves with its
     * completion options. Rejects if a send is already running or the handler is missing or throws.
     */
    async send(): Promise<CompletedOptions> {
      if (sending) throw new Error("A send is already in progress.");
      sending = true;
      notify();
      try {
        return await fire("onMessageSendHandler");
      } finally {
        sending = false;
        notify();
      }
    },

    /**
     * A fresh compose item (after a send): new recipients, body, attachments, sessionData and info
     * bars; associated handlers stay. Raises ItemChanged and the new-message launch event.
     */
    reset(): Promise<void> {
      state = newItemState(++itemSeq);
      mailbox.item = makeItem(state);
      notify();
      raise(mailboxHandlers, { type: EVENT_TYPE.ItemChanged });
      return launch("onNewMessageComposeHandler");
    },
  };
}

export type OutlookSim = ReturnType<typeof createOutlookSim>;
export type SimOffice = OutlookSim["Office"];

/** The coercion type named in an (options, callback) tail, if any. */
function coercionOf<T>(args: AsyncTail<T>): string | undefined {
  const first = args[0];
  return first && typeof first === "object" ? (first as { coercionType?: string }).coercionType : undefined;
}

/** HTML inserted into the plain-text body, as Outlook converts it: tags dropped, breaks kept. */
function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div)>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
}
