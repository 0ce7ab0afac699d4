/**
 * The playground's simulated Office.js: Outlook's asynchronous AsyncResult contract and its limits,
 * events after changes, and resets. No DOM, no service: these run in plain Node.
 */
import { readFileSync } from "node:fs";
import { ensurePagesBuilt } from "../helpers/browser";
import { join } from "node:path";
import { createContext, runInContext } from "node:vm";
import { HANDLER_NAMES } from "../../src/addin/handlerNames";
import { mergeAddresses, splitAddresses } from "../../src/addin/playground/addresses";
import { base64ToBytes, bytesToBase64 } from "../../src/addin/playground/base64";
import {
  type AsyncTail,
  type CompletedOptions,
  createOutlookSim,
  type LaunchEvent,
  type SimAsyncResult,
  type SimOptions,
} from "../../src/addin/playground/outlookSim";

const make = (o: Partial<SimOptions> = {}) =>
  createOutlookSim({ displayLanguage: "en-US", userEmail: "taro@ours.example", mailboxMinor: 15, ...o });

/** Promisifies an Office-style call, resolving with the whole AsyncResult. */
function result<T>(fn: (...tail: AsyncTail<T>) => void): Promise<SimAsyncResult<T>> {
  return new Promise((resolve) => fn((r) => resolve(r)));
}

/** Lets queued setTimeout(0) callbacks run. */
const ticks = async (n = 3) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 0));
};

const info = (message: string) => ({
  type: "informationalMessage" as const,
  message,
  icon: "Icon.16x16",
  persistent: false,
});

describe("outlookSim: Office basics", () => {
  it("answers every Async call on a later turn, never synchronously", async () => {
    const sim = make();
    const item = sim.Office.context.mailbox.item;
    let called = false;
    item.subject.getAsync(() => (called = true));
    expect(called).toBe(false);
    await ticks();
    expect(called).toBe(true);
  });

  it("returns AsyncResult objects, and accepts an options object before the callback", async () => {
    const sim = make();
    sim.setSubject("Quote");
    const item = sim.Office.context.mailbox.item;
    const r = await result<string>((...t) => item.subject.getAsync(...t));
    expect(r).toEqual({ status: "succeeded", value: "Quote", error: undefined, asyncContext: undefined });
    const withContext = await new Promise<SimAsyncResult<string>>((resolve) =>
      item.subject.getAsync({ asyncContext: 42 }, resolve),
    );
    expect(withContext.asyncContext).toBe(42);
    const bad = await new Promise<SimAsyncResult<unknown>>((resolve) =>
      item.getAttachmentContentAsync("nope", resolve),
    );
    expect(bad.status).toBe("failed");
    expect(bad.value).toBeUndefined();
    expect(bad.error).toEqual({
      name: expect.any(String),
      message: expect.any(String),
      code: expect.any(Number),
    });
  });

  it("onReady resolves (and calls back) with Outlook's host info", async () => {
    const sim = make();
    const cb = jest.fn();
    await expect(sim.Office.onReady(cb)).resolves.toEqual({ host: "Outlook", platform: "OfficeOnline" });
    expect(cb).toHaveBeenCalledWith({ host: "Outlook", platform: "OfficeOnline" });
  });

  it("supports Mailbox requirement sets up to the configured minor version", () => {
    const { isSetSupported } = make({ mailboxMinor: 12 }).Office.context.requirements;
    expect(isSetSupported("Mailbox", "1.10")).toBe(true);
    expect(isSetSupported("Mailbox", "1.12")).toBe(true);
    expect(isSetSupported("Mailbox", "1.13")).toBe(false);
    expect(isSetSupported("Mailbox", "2.0")).toBe(false);
    expect(isSetSupported("WordApi", "1.1")).toBe(false);
  });

  it("exposes language, theme and user profile", () => {
    const dark = make({ displayLanguage: "ja-JP", theme: "dark" }).Office.context;
    expect(dark.displayLanguage).toBe("ja-JP");
    expect(dark.officeTheme.bodyBackgroundColor).toBe("#1f1f1f");
    expect(make().Office.context.officeTheme.bodyBackgroundColor).toBe("#ffffff");
    expect(dark.mailbox.userProfile.emailAddress).toBe("taro@ours.example");
  });
});

describe("outlookSim: sessionData", () => {
  it("fails for a key never set, and round-trips values", async () => {
    const s = make().Office.context.mailbox.item.sessionData;
    expect((await result<string>((...t) => s.getAsync("k", ...t))).status).toBe("failed");
    expect((await result<void>((...t) => s.setAsync("k", "v", ...t))).status).toBe("succeeded");
    expect((await result<string>((...t) => s.getAsync("k", ...t))).value).toBe("v");
    expect((await result<Record<string, string>>((...t) => s.getAllAsync(...t))).value).toEqual({ k: "v" });
    await result<void>((...t) => s.removeAsync("k", ...t));
    expect((await result<string>((...t) => s.getAsync("k", ...t))).status).toBe("failed");
  });

  it("holds at most 50,000 characters of keys and values in all", async () => {
    const s = make().Office.context.mailbox.item.sessionData;
    // "a" + 29,999 = 30,000; "b" + 19,999 = 20,000: exactly 50,000.
    expect((await result<void>((...t) => s.setAsync("a", "x".repeat(29999), ...t))).status).toBe("succeeded");
    expect((await result<void>((...t) => s.setAsync("b", "x".repeat(19999), ...t))).status).toBe("succeeded");
    const over = await result<void>((...t) => s.setAsync("c", "", ...t));
    expect(over.status).toBe("failed");
    // Replacing a value counts the new value, not old plus new.
    expect((await result<void>((...t) => s.setAsync("b", "y".repeat(19999), ...t))).status).toBe("succeeded");
    expect((await result<void>((...t) => s.setAsync("b", "y".repeat(20000), ...t))).status).toBe("failed");
    await result<void>((...t) => s.clearAsync(...t));
    expect((await result<Record<string, string>>((...t) => s.getAllAsync(...t))).value).toEqual({});
  });
});

describe("outlookSim: attachments", () => {
  it("files give Base64, cloud attachments a link, attached messages EML; ids can be chosen", async () => {
    const sim = make();
    sim.addAttachment("a.pdf", Uint8Array.of(1, 2, 3), { id: "att-a" });
    sim.addAttachment("plan.docx", new Uint8Array(), { id: "att-c", kind: "cloud" });
    sim.addAttachment("fwd.eml", new Uint8Array(), { id: "att-i", kind: "item", isInline: true });
    const item = sim.Office.context.mailbox.item;
    const list = await result((...t: AsyncTail<unknown>) => item.getAttachmentsAsync(...t));
    expect(list.value).toEqual([
      expect.objectContaining({ id: "att-a", attachmentType: "file", isInline: false }),
      expect.objectContaining({ id: "att-c", attachmentType: "cloud" }),
      expect.objectContaining({ id: "att-i", attachmentType: "item", isInline: true }),
    ]);
    const content = (id: string) =>
      result((...t: AsyncTail<unknown>) => item.getAttachmentContentAsync(id, ...t)).then((r) => r.value);
    expect(await content("att-a")).toEqual({ format: "base64", content: "AQID" });
    expect(await content("att-c")).toMatchObject({ format: "url" });
    expect(await content("att-i")).toMatchObject({ format: "eml" });
  });

  it("plays a failing getAttachmentsAsync when asked to", async () => {
    const sim = make({ faults: { attachments: true } });
    const item = sim.Office.context.mailbox.item;
    const r = await result((...t: AsyncTail<unknown>) => item.getAttachmentsAsync(...t));
    expect(r.status).toBe("failed");
  });
});

describe("outlookSim: info bars", () => {
  it("accepts 150 characters and refuses 151", async () => {
    const sim = make();
    const n = sim.Office.context.mailbox.item.notificationMessages;
    expect((await result<void>((...t) => n.replaceAsync("k", info("x".repeat(150)), ...t))).status).toBe(
      "succeeded",
    );
    expect((await result<void>((...t) => n.replaceAsync("k", info("x".repeat(151)), ...t))).status).toBe(
      "failed",
    );
    expect(sim.getSnapshot().infoBars).toHaveLength(1);
  });

  it("shows at most five; replacing an existing key still works", async () => {
    const sim = make();
    const n = sim.Office.context.mailbox.item.notificationMessages;
    for (let i = 1; i <= 5; i++)
      expect((await result<void>((...t) => n.replaceAsync(`k${i}`, info(`m${i}`), ...t))).status).toBe(
        "succeeded",
      );
    expect((await result<void>((...t) => n.replaceAsync("k6", info("m6"), ...t))).status).toBe("failed");
    expect((await result<void>((...t) => n.replaceAsync("k3", info("again"), ...t))).status).toBe(
      "succeeded",
    );
    expect((await result<void>((...t) => n.removeAsync("k1", ...t))).status).toBe("succeeded");
    expect((await result<void>((...t) => n.replaceAsync("k6", info("m6"), ...t))).status).toBe("succeeded");
    const all = await result<{ key: string; message: string }[]>((...t) => n.getAllAsync(...t));
    expect(all.value?.map((x) => x.key)).toEqual(["k2", "k3", "k4", "k5", "k6"]);
  });

  const insight = (actionText = "Show details") => ({
    type: "insightMessage" as const,
    message: "Not encrypted: notls.test",
    icon: "Icon.16x16",
    actions: [
      { actionType: "showTaskPane", actionText, commandId: "mailtlsTaskpaneButton", contextData: "{}" },
    ],
  });

  it("insight messages need Mailbox 1.10 and one showTaskPane action of at most 30 characters", async () => {
    const replace = async (minor: number, details: ReturnType<typeof insight>) => {
      const n = make({ mailboxMinor: minor }).Office.context.mailbox.item.notificationMessages;
      return (await result<void>((...t) => n.replaceAsync("k", details, ...t))).status;
    };
    expect(await replace(10, insight())).toBe("succeeded");
    expect(await replace(9, insight())).toBe("failed");
    expect(await replace(15, insight("x".repeat(31)))).toBe("failed");
    expect(await replace(15, { ...insight(), actions: [...insight().actions, ...insight().actions] })).toBe(
      "failed",
    );
    expect(
      await replace(15, { ...insight(), actions: [{ ...insight().actions[0], actionType: "other" }] }),
    ).toBe("failed");
  });

  it("error messages show without an icon; the user can dismiss a bar", async () => {
    const sim = make();
    const n = sim.Office.context.mailbox.item.notificationMessages;
    const r = await result<void>((...t) =>
      n.replaceAsync("e", { type: "errorMessage", message: "Careful" }, ...t),
    );
    expect(r.status).toBe("succeeded");
    expect(sim.getSnapshot().infoBars).toEqual([{ key: "e", type: "errorMessage", message: "Careful" }]);
    sim.dismissInfoBar("e");
    expect(sim.getSnapshot().infoBars).toEqual([]);
  });
});

describe("outlookSim: events", () => {
  it("a recipients change fires the item's handler and the associated launch handler", async () => {
    const sim = make();
    const itemHandler = jest.fn();
    const launched: LaunchEvent[] = [];
    sim.Office.actions.associate("onMessageRecipientsChangedHandler", (e) => {
      launched.push(e);
      e.completed();
    });
    const item = sim.Office.context.mailbox.item;
    await result<void>((...t) =>
      item.addHandlerAsync(sim.Office.EventType.RecipientsChanged, itemHandler, ...t),
    );
    await sim.setRecipients("cc", ["a@good.test", " b@notls.test "]);
    await ticks();
    expect(itemHandler).toHaveBeenCalledWith({
      type: "olkRecipientsChanged",
      changedRecipientFields: { to: false, cc: true, bcc: false },
    });
    expect(launched).toHaveLength(1);
    expect(launched[0].changedRecipientFields).toEqual({ to: false, cc: true, bcc: false });
    const cc = await result<{ emailAddress: string; recipientType: string }[]>((...t) =>
      item.cc.getAsync(...t),
    );
    expect(cc.value).toEqual([
      { emailAddress: "a@good.test", displayName: "a@good.test", recipientType: "externalUser" },
      { emailAddress: "b@notls.test", displayName: "b@notls.test", recipientType: "externalUser" },
    ]);
    // The same list again is no change: no events.
    await sim.setRecipients("cc", ["a@good.test", "b@notls.test"]);
    await ticks();
    expect(itemHandler).toHaveBeenCalledTimes(1);
    expect(launched).toHaveLength(1);
  });

  it("attachments: base64 content round-trips; removal raises the event; unknown ids fail", async () => {
    const sim = make();
    const handler = jest.fn();
    const item = sim.Office.context.mailbox.item;
    await result<void>((...t) =>
      item.addHandlerAsync(sim.Office.EventType.AttachmentsChanged, handler, ...t),
    );
    const bytes = new Uint8Array(1000).map((_, i) => (i * 37 + 11) & 0xff);
    const { id } = sim.addAttachment("見積.zip", bytes);
    const list = await result<{ id: string; name: string; size: number; contentType: string }[]>((...t) =>
      item.getAttachmentsAsync(...t),
    );
    expect(list.value).toEqual([
      {
        id,
        name: "見積.zip",
        attachmentType: "file",
        size: 1000,
        isInline: false,
        contentType: "application/zip",
      },
    ]);
    const content = await result<{ format: string; content: string }>((...t) =>
      item.getAttachmentContentAsync(id, ...t),
    );
    expect(content.value?.format).toBe("base64");
    expect(base64ToBytes(content.value?.content ?? "")).toEqual(bytes);
    expect((await result<void>((...t) => item.removeAttachmentAsync(id, ...t))).status).toBe("succeeded");
    expect((await result<void>((...t) => item.removeAttachmentAsync(id, ...t))).status).toBe("failed");
    await ticks();
    expect(handler.mock.calls.map(([a]) => a.attachmentStatus)).toEqual(["added", "removed"]);
    expect(sim.getSnapshot().attachments).toEqual([]);
  });

  it("fire resolves with the first event.completed options; send runs one at a time", async () => {
    const sim = make();
    let complete: ((o: CompletedOptions) => void) | undefined;
    sim.Office.actions.associate("onMessageSendHandler", (e) => {
      expect(e.type).toBe("OnMessageSend");
      complete = (o) => {
        e.completed(o);
        e.completed({ allowEvent: true }); // ignored, as Outlook ignores it
      };
    });
    const first = sim.send();
    expect(sim.getSnapshot().sending).toBe(true);
    await expect(sim.send()).rejects.toThrow(/already/);
    await ticks();
    complete?.({ allowEvent: false, errorMessage: "No" });
    await expect(first).resolves.toEqual({ allowEvent: false, errorMessage: "No" });
    expect(sim.getSnapshot().sending).toBe(false);
    await expect(sim.fire("onNewMessageComposeHandler")).rejects.toThrow(/not associated/);
  });
});

describe("outlookSim: pane and reset", () => {
  it("getInitializationContextAsync fails without context and returns the context the pane was opened with", async () => {
    const sim = make();
    const ctx = () =>
      result<string>((...t) => sim.Office.context.mailbox.item.getInitializationContextAsync(...t));
    sim.openPane();
    expect((await ctx()).status).toBe("failed");
    expect(sim.getSnapshot().pane).toEqual({ open: true, context: undefined, loads: 1 });
    sim.openPane(); // already open: stays as it is
    expect(sim.getSnapshot().pane.loads).toBe(1);
    sim.openPane('{"from":"send"}');
    expect(await ctx()).toMatchObject({ status: "succeeded", value: '{"from":"send"}' });
    expect(sim.getSnapshot().pane).toEqual({ open: true, context: '{"from":"send"}', loads: 2 });
    sim.openPane({ from: "insight" }); // objects reach the pane as JSON
    expect((await ctx()).value).toBe('{"from":"insight"}');
    sim.closePane();
    expect(sim.getSnapshot().pane.open).toBe(false);
  });

  it("reset gives a fresh item, keeps associated handlers and raises ItemChanged", async () => {
    const sim = make();
    const launches: string[] = [];
    sim.Office.actions.associate("onNewMessageComposeHandler", (e) => {
      launches.push(e.type);
      e.completed();
    });
    const changed = jest.fn();
    await result<void>((...t) =>
      sim.Office.context.mailbox.addHandlerAsync(sim.Office.EventType.ItemChanged, changed, ...t),
    );
    const old = sim.Office.context.mailbox.item;
    await sim.setRecipients("to", ["a@good.test"]);
    sim.setBody("hello");
    sim.addAttachment("a.pdf", new Uint8Array([1, 2, 3]));
    await result<void>((...t) => old.sessionData.setAsync("k", "v", ...t));
    await result<void>((...t) => old.notificationMessages.replaceAsync("k", info("m"), ...t));
    const listener = jest.fn();
    sim.subscribe(listener);
    const before = sim.getSnapshot();

    await sim.reset();
    await ticks();
    const item = sim.Office.context.mailbox.item;
    expect(item).not.toBe(old);
    expect(sim.getSnapshot()).toMatchObject({ to: [], body: "", attachments: [], infoBars: [] });
    expect(sim.getSnapshot().itemId).not.toBe(before.itemId);
    expect((await result<string>((...t) => item.sessionData.getAsync("k", ...t))).status).toBe("failed");
    expect(changed).toHaveBeenCalledWith({ type: "olkItemSelectedChanged" });
    expect(launches).toEqual(["OnNewMessageCompose"]);
    expect(sim.associated.has("onNewMessageComposeHandler")).toBe(true);
    expect(listener).toHaveBeenCalled();
  });
});

// The real event bundle on the simulator (no service: handlers fail open). Built if missing or stale.
describe("outlookSim with the built launchevent.js", () => {
  let BUNDLE = "";
  beforeAll(() => {
    BUNDLE = join(ensurePagesBuilt(), "addin", "launchevent.js");
  }, 300000);
  function load(o: Partial<SimOptions> = {}) {
    const sim = make(o);
    const context = createContext({
      Office: sim.Office,
      fetch: () => Promise.reject(new Error("no service in unit tests")),
      setTimeout,
      clearTimeout,
    });
    runInContext(readFileSync(BUNDLE, "utf8"), context, { filename: "launchevent.js" });
    return sim;
  }

  it("associates the four handlers with the simulator", () => {
    expect([...load().associated.keys()].sort()).toEqual([...HANDLER_NAMES].sort());
  });

  it("a password-protected ZIP attached raises the add-in's error info bar", async () => {
    const sim = load({ displayLanguage: "ja-JP" });
    const zip = new Uint8Array(readFileSync(join(__dirname, "..", "fixtures", "files", "aes256.zip")));
    await sim.addAttachment("秘密.zip", zip).launched;
    expect(sim.getSnapshot().infoBars).toEqual([
      expect.objectContaining({ key: "mailtls.attachments", type: "errorMessage" }),
    ]);
    expect(sim.getSnapshot().infoBars[0].message).toContain("秘密.zip");
  });

  it("a plain message with no recipients may be sent", async () => {
    const sim = load();
    sim.setBody("hello");
    await expect(sim.send()).resolves.toMatchObject({ allowEvent: true });
  });
});

describe("base64", () => {
  it("matches Node's encoder for every length remainder", () => {
    for (const n of [0, 1, 2, 3, 4, 5, 255, 256, 10000]) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 131 + 7) & 0xff);
      const b64 = bytesToBase64(bytes);
      expect(b64).toBe(Buffer.from(bytes).toString("base64"));
      expect(base64ToBytes(b64)).toEqual(bytes);
    }
  });
});

describe("recipient text", () => {
  it("splits on commas, semicolons and whitespace, and skips addresses already there", () => {
    expect(splitAddresses(" a@x.test; b@y.test,c@z.test\n d@w.test ;; ")).toEqual([
      "a@x.test",
      "b@y.test",
      "c@z.test",
      "d@w.test",
    ]);
    expect(mergeAddresses(["A@x.test"], ["a@x.test", "b@y.test", "b@y.test"])).toEqual([
      "A@x.test",
      "b@y.test",
    ]);
  });
});
