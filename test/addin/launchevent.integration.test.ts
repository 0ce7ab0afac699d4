/**
 * The built event bundle (dist/addin/launchevent.js) in a node:vm context that has only Office,
 * fetch, timers and standard JavaScript — no window, document, localStorage, require or process —
 * as classic Outlook's JavaScript-only runtime, against a service probing the local real servers.
 */
import { parse } from "acorn";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createContext, runInContext } from "node:vm";
import { HANDLER_NAMES } from "../../src/addin/handlerNames";
import { ensurePagesBuilt } from "../helpers/browser";
import { fixture } from "../helpers/fixtures";
import { loadEventBundle } from "../helpers/eventBundle";
import type { FakeMailbox } from "../helpers/outlook";
import { type RunningService, startService } from "../helpers/service";

let svc: RunningService;
let bundle: string;

beforeAll(async () => {
  const dist = ensurePagesBuilt();
  bundle = readFileSync(join(dist, "addin", "launchevent.js"), "utf8");
  svc = await startService();
});
afterAll(() => svc.close());

/** The built bundle in a DOM-less context; the baked-in service URL is routed to the test service. */
function load(box: FakeMailbox, serviceUrl = () => svc.url, { noBigInt = false } = {}) {
  return loadEventBundle(bundle, box, { serviceUrl, noBigInt });
}

describe("launchevent.js", () => {
  it("is one ES2016 script, without imports", () => {
    expect(() => parse(bundle, { ecmaVersion: 2016, sourceType: "script" })).not.toThrow();
    expect(bundle).not.toMatch(/\bimport\s*\(/);
  });

  it("keeps within its budget of 64 KB minified", () => {
    expect(Buffer.byteLength(bundle)).toBeLessThanOrEqual(64 * 1024);
  });

  it("associates exactly the manifest's four handlers, in a context without DOM, require or process", () => {
    const outlook = load({ to: [] });
    expect([...outlook.associated.keys()].sort()).toEqual([...HANDLER_NAMES].sort());
  });

  it("tells PDF passwords from permission-only PDFs in an engine without BigInt", async () => {
    expect(runInContext("typeof BigInt", createContext({}))).toBe("function");
    const send = async (file: string) => {
      const outlook = load(
        { to: ["partner@good.test"], attachments: [{ id: "a1", name: "r.pdf", bytes: fixture(file) }] },
        undefined,
        { noBigInt: true },
      );
      return (await outlook.fire("onMessageSendHandler")).options;
    };
    // Revision 6 (AES-256) runs SHA-256/384/512 and AES; revision 3 runs MD5 and RC4.
    expect((await send("restricted-aes256.pdf"))?.allowEvent).toBe(true);
    expect((await send("restricted-rc4-128.pdf"))?.allowEvent).toBe(true);
    expect((await send("aes256.pdf"))?.allowEvent).toBe(false);
  });

  it("blocks a ZipCrypto ZIP to a TLS domain with 'send it plainly' advice (English)", async () => {
    const outlook = load({
      to: ["partner@good.test"],
      attachments: [{ id: "a1", name: "見積.zip", bytes: fixture("zipcrypto.zip") }],
    });
    const { options, calls } = await outlook.fire("onMessageSendHandler");
    expect(calls).toBe(1);
    expect(options).toMatchObject({
      allowEvent: false,
      cancelLabel: "Fix it",
      commandId: "mailtlsTaskpaneButton",
    });
    expect(options?.errorMessage).toContain("attach the file without a password");
    expect(String(options?.errorMessage).length).toBeLessThanOrEqual(500);
    expect(options?.errorMessageMarkdown).toBeDefined();
  });

  it("blocks a ZipCrypto ZIP to a no-TLS domain with 'use a download link' (Japanese)", async () => {
    const outlook = load({
      to: ["partner@notls.test"],
      displayLanguage: "ja-JP",
      attachments: [{ id: "a1", name: "見積.zip", bytes: fixture("zipcrypto.zip") }],
    });
    const { options } = await outlook.fire("onMessageSendHandler");
    expect(options).toMatchObject({ allowEvent: false, cancelLabel: "リンクで送る" });
    expect(options?.errorMessage).toContain("ダウンロードリンクで送ってください");
  });

  it("lets a plain PDF to a TLS domain go", async () => {
    const outlook = load({
      to: ["partner@good.test"],
      attachments: [{ id: "a1", name: "report.pdf", bytes: fixture("plain.pdf") }],
    });
    expect((await outlook.fire("onMessageSendHandler")).options).toEqual({ allowEvent: true });
  });

  it("warns (Send Anyway) about a plain file to a no-TLS domain where 1.14 is supported", async () => {
    const outlook = load({
      to: ["partner@notls.test"],
      attachments: [{ id: "a1", name: "report.pdf", bytes: fixture("plain.pdf") }],
    });
    const { options } = await outlook.fire("onMessageSendHandler");
    expect(options).toMatchObject({ allowEvent: false, sendModeOverride: "promptUser" });
  });

  it("without 1.14 a warning does not stop the mail: it becomes an info bar", async () => {
    const outlook = load({
      to: ["partner@notls.test"],
      requirementSet: 13,
      attachments: [{ id: "a1", name: "r.pdf", bytes: fixture("plain.pdf") }],
    });
    expect((await outlook.fire("onMessageSendHandler")).options).toEqual({ allowEvent: true });
    expect(outlook.infoBars.get("mailtls.send")?.message).toContain("unencrypted");
  });

  it("recipients changed: verdicts go to sessionData and one info bar summarises them", async () => {
    const outlook = load({ to: ["a@good.test", "b@notls.test", "me@ours.example"] });
    const { calls } = await outlook.fire("onMessageRecipientsChangedHandler");
    expect(calls).toBe(1);
    const reports = JSON.parse(outlook.session.get("mailtls.reports") ?? "{}");
    expect(Object.keys(reports).sort()).toEqual(["good.test", "notls.test"]);
    expect(outlook.infoBars.get("mailtls.recipients")).toMatchObject({
      message: "Not encrypted: notls.test",
      type: "insightMessage",
      actions: [
        { actionType: "showTaskPane", actionText: "Show details", commandId: "mailtlsTaskpaneButton" },
      ],
    });
    // On send, the stored verdicts are used: no new check for those domains.
    const probes = svc.prober.probes;
    await outlook.sim.setRecipients("to", ["a@good.test"]);
    await outlook.fire("onMessageSendHandler");
    expect(svc.prober.probes).toBe(probes);
  });

  it("every recipient encrypted: a plain info bar, no button", async () => {
    const outlook = load({ to: ["a@good.test"], displayLanguage: "ja-JP" });
    await outlook.fire("onMessageRecipientsChangedHandler");
    expect(outlook.infoBars.get("mailtls.recipients")).toMatchObject({
      message: "すべての外部宛先が暗号化通信（STARTTLS）に対応しています。",
      type: "informationalMessage",
    });
  });

  it("attachments changed: a password-protected file is flagged at once", async () => {
    const outlook = load({
      to: [],
      displayLanguage: "ja-JP",
      attachments: [{ id: "z", name: "秘密.zip", bytes: fixture("aes256.zip") }],
    });
    await outlook.fire("onMessageAttachmentsChangedHandler");
    expect(outlook.infoBars.get("mailtls.attachments")?.message).toContain("秘密.zip");
    expect(JSON.parse(outlook.session.get("mailtls.findings") ?? "{}").z.finding).toMatchObject({
      passwordProtected: true,
      method: "aes-256",
    });
  });

  it("a mail that gives the password of a ZIP sent before is warned about", async () => {
    const outlook = load({
      to: ["partner@good.test"],
      body: "先ほどのファイルのパスワードです。\nPW: Xk8pq2Lm",
    });
    const { options } = await outlook.fire("onMessageSendHandler");
    expect(options).toMatchObject({ allowEvent: false, sendModeOverride: "promptUser" });
    expect(options?.errorMessage).toContain("PPAP");
  });

  it("fails open when the service cannot be reached, with an info bar", async () => {
    const outlook = load(
      {
        to: ["partner@elsewhere.test"],
        attachments: [{ id: "a1", name: "r.pdf", bytes: fixture("plain.pdf") }],
      },
      () => "http://127.0.0.1:1",
    );
    expect((await outlook.fire("onMessageSendHandler")).options).toEqual({ allowEvent: true });
    expect(outlook.infoBars.get("mailtls.send")?.message).toMatch(/could not be reached/);
  });

  it("every handler completes even when Office calls fail", async () => {
    for (const name of HANDLER_NAMES) {
      const outlook = load({ to: ["a@good.test"], failAttachments: true });
      const { calls, options } = await outlook.fire(name);
      expect(calls).toBe(1);
      if (name === "onMessageSendHandler") expect(options).toEqual({ allowEvent: true });
    }
  });
});
