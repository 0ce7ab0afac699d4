/**
 * The add-in end to end in Debian's headless Chromium: the playground (an imitation of Outlook's
 * compose window with a simulated Office.js) runs the real event bundle and hosts the real task
 * pane, against a service that probes the local real mail servers.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, FrameLocator, Page } from "playwright-core";
import { ARTIFACTS } from "../helpers/browser";
import { FIXTURES } from "../helpers/fixtures";
import { servedPages } from "../helpers/servedPages";

jest.setTimeout(180000);

describe("playground: the add-in without Outlook", () => {
  const s = servedPages();
  let context: BrowserContext;
  afterEach(async () => context?.close());

  async function open(lang: "en" | "ja"): Promise<Page> {
    context = await s.browser.newContext({
      locale: lang === "ja" ? "ja-JP" : "en-US",
      viewport: { width: 1280, height: 900 },
    });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: s.svc.url });
    // No internet here: Office.js from Microsoft's CDN is refused at once (the pane does not need it).
    await context.route("https://appsforoffice.microsoft.com/**", (r) => r.abort());
    const page = await context.newPage();
    await page.goto(`${s.svc.url}/addin/playground.html?lang=${lang}`);
    await page.getByTestId("send-button").waitFor();
    return page;
  }

  async function addRecipient(page: Page, address: string) {
    await page.getByTestId("to-input").fill(address);
    await page.getByTestId("to-input").press("Enter");
  }

  async function openPane(page: Page): Promise<FrameLocator> {
    if (!(await page.getByTestId("taskpane-frame").isVisible()))
      await page.getByTestId("open-pane-button").click();
    return page.frameLocator('[data-testid="taskpane-frame"]');
  }

  it("English: badges appear as recipients are typed; a ZipCrypto ZIP to a TLS domain is blocked with 'send it plainly'", async () => {
    const page = await open("en");
    const pane = await openPane(page);
    await addRecipient(page, "partner@good.test");
    await addRecipient(page, "colleague@ours.example");
    const good = pane.locator('[data-domain="good.test"]');
    await good.locator('[data-grade="tls"]').first().waitFor();
    expect(await good.getAttribute("data-grade")).toBe("tls");
    expect(await good.locator("[data-grade=tls]").last().textContent()).toBe("TLS");
    expect(await pane.locator('[data-domain="ours.example"]').getAttribute("data-grade")).toBe("internal");

    // Attaching a password ZIP: an info bar at once, and the pane names the method.
    await page.getByTestId("attach-input").setInputFiles(join(FIXTURES, "zipcrypto.zip"));
    await page.locator('[data-testid="infobar"][data-key="mailtls.attachments"]').waitFor();
    const zip = pane.locator('[data-attachment="zipcrypto.zip"]');
    await zip.and(pane.locator('[data-protected="true"]')).waitFor();
    expect(await zip.textContent()).toContain("ZipCrypto");
    expect(await pane.getByTestId("advice").getAttribute("data-action")).toBe("block");
    expect(await pane.getByTestId("advice").textContent()).toContain("without a password");
    await page.screenshot({ path: join(ARTIFACTS, "playground-en.png") });

    // Send: Outlook's Smart Alerts dialog with the add-in's advice and its own cancel label.
    await page.getByTestId("send-button").click();
    const alert = page.getByTestId("smart-alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("attach the file without a password");
    expect(await page.getByTestId("smart-alert-cancel").textContent()).toBe("Fix it");
    expect(await page.getByTestId("smart-alert-send-anyway").count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, "playground-smart-alert-en.png"), animations: "disabled" });
    // Its button opens the pane, which says why sending was stopped.
    await page.getByTestId("smart-alert-cancel").click();
    const reopened = page.frameLocator('[data-testid="taskpane-frame"]');
    await reopened.getByText("This is why sending was stopped.").waitFor();
    expect(await page.getByTestId("sent-banner").count()).toBe(0);
  });

  it("Japanese: to a no-TLS domain the advice is a download link; the ZIP can be removed from the pane", async () => {
    const page = await open("ja");
    await addRecipient(page, "tanaka@notls.test");
    await page.getByTestId("attach-input").setInputFiles(join(FIXTURES, "zipcrypto.zip"));
    await page.locator('[data-testid="infobar"][data-key="mailtls.attachments"]').waitFor();
    await page.getByTestId("send-button").click();
    const alert = page.getByTestId("smart-alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("ダウンロードリンク");
    expect(await page.getByTestId("smart-alert-cancel").textContent()).toBe("リンクで送る");
    await page.screenshot({ path: join(ARTIFACTS, "playground-smart-alert-ja.png"), animations: "disabled" });
    await page.getByTestId("smart-alert-cancel").click();

    const pane = page.frameLocator('[data-testid="taskpane-frame"]');
    const nt = pane.locator('[data-domain="notls.test"]');
    await nt.locator("[data-grade=no-tls]").last().waitFor();
    expect(await nt.locator("[data-grade=no-tls]").last().textContent()).toBe("暗号化なし");
    expect(await pane.getByTestId("advice").textContent()).toContain("送信を止めた理由です。");
    await pane.getByRole("button", { name: "notls.test の詳細" }).click();
    await pane.locator('[data-mx="mx.notls.test"]').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "taskpane-ja.png"), animations: "disabled" });
    await pane.getByRole("button", { name: "zipcrypto.zip を外す" }).click();
    await pane.getByText("パスワードを付けていない元のファイルを添付してください").waitFor();
    // Fixed: the advice no longer says why sending was stopped, but what a file to this partner needs.
    await pane.getByText("ファイルを送るときはダウンロードリンクを使ってください").waitFor();
    expect(await pane.getByTestId("advice").textContent()).not.toContain("送信を止めた理由です。");
    // The compose window lost the attachment too.
    await page.locator('[data-testid="infobar"][data-key="mailtls.attachments"]').count();
    await pane.locator('[data-attachment="zipcrypto.zip"]').waitFor({ state: "detached" });
  });

  it("a plain PDF to a TLS domain goes through, and the pinned pane follows to the next draft", async () => {
    const page = await open("en");
    const pane = await openPane(page);
    await addRecipient(page, "partner@good.test");
    await page.getByTestId("attach-input").setInputFiles(join(FIXTURES, "plain.pdf"));
    await pane.locator('[data-attachment="plain.pdf"][data-protected="false"]').waitFor();
    expect(await pane.getByTestId("advice").getAttribute("data-action")).toBe("allow");
    await page.getByTestId("send-button").click();
    await page.getByTestId("sent-banner").waitFor();
    expect(await page.getByTestId("smart-alert").count()).toBe(0);
    // A fresh draft (ItemChanged): the pane starts over with it.
    await pane.getByText("No recipients yet.").waitFor();
    await pane.getByText("No attachments.").waitFor();
  });

  it("follows Office's dark theme", async () => {
    context = await s.browser.newContext({ locale: "en-US" });
    await context.route("https://appsforoffice.microsoft.com/**", (r) => r.abort());
    const page = await context.newPage();
    await page.goto(`${s.svc.url}/addin/playground.html?lang=en&theme=dark`);
    const pane = await openPane(page);
    await pane.getByTestId("recipients").waitFor();
    const bg = await pane.locator("main").evaluate((el) => {
      type View = { getComputedStyle(e: unknown): { backgroundColor: string } };
      return (el.ownerDocument.defaultView as unknown as View).getComputedStyle(el.parentElement)
        .backgroundColor;
    });
    const [r, g, b] = (bg.match(/\d+/g) ?? []).map(Number);
    expect(r + g + b).toBeLessThan(200);
  });

  it("a plain file to a no-TLS domain is a warning the user may override ('Send Anyway')", async () => {
    const page = await open("en");
    await addRecipient(page, "tanaka@notls.test");
    await page.getByTestId("attach-input").setInputFiles(join(FIXTURES, "plain.pdf"));
    await page.getByTestId("send-button").click();
    await page.getByTestId("smart-alert").waitFor();
    expect(await page.getByTestId("smart-alert").textContent()).toContain("notls.test");
    await page.getByTestId("smart-alert-send-anyway").click();
    await page.getByTestId("sent-banner").waitFor();
  });

  it("the pane works with the keyboard alone: open a domain's details, see each MX, check again", async () => {
    const page = await open("en");
    await addRecipient(page, "partner@good.test");
    const pane = await openPane(page);
    const details = pane.getByRole("button", { name: "Details for good.test" });
    await pane.locator('[data-domain="good.test"][data-grade="tls"]').waitFor();
    await details.focus();
    await page.keyboard.press("Enter");
    expect(await details.getAttribute("aria-expanded")).toBe("true");
    const mx = pane.locator('[data-mx="mx1.good.test"]');
    await mx.waitFor();
    expect(await mx.textContent()).toMatch(/yes.*TLSv1\.[23].*trusted · name matches/);
    await page.keyboard.press("Tab");
    const focused = await pane.locator(":focus").textContent();
    expect(focused).toBeTruthy();
    // Move to "Check again" by keyboard and press it: a fresh probe, then the same grade.
    const again = pane.getByRole("button", { name: "Check again" });
    for (let i = 0; i < 10 && !(await again.evaluate((el) => el === el.ownerDocument.activeElement)); i++)
      await page.keyboard.press("Tab");
    expect(await again.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.press("Enter");
    await pane.getByText(/Checked /).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "taskpane-en.png") });
  });
});

describe("playground: a partner that deletes password-protected attachments", () => {
  // The tenant's policy (partners.rejectsEncryptedAttachments) names good.test.
  const s = servedPages((dir) => {
    const policy = join(dir, "policy.json");
    writeFileSync(policy, JSON.stringify({ partners: { rejectsEncryptedAttachments: ["good.test"] } }));
    return { MAILTLS_POLICY_FILE: policy };
  });
  let context: BrowserContext;
  afterEach(async () => context?.close());

  it.each([
    [
      "en",
      "Deletes password-protected attachments",
      "good.test deletes password-protected attachments: it would not arrive.",
    ],
    [
      "ja",
      "パスワード付き添付を削除する宛先",
      "good.test はパスワード付きの添付ファイルを削除するため、届きません。",
    ],
  ] as const)(
    "the pane marks the recipient, and the send is stopped with its own message (%s)",
    async (lang, badge, message) => {
      context = await s.browser.newContext({
        locale: lang === "ja" ? "ja-JP" : "en-US",
        viewport: { width: 1280, height: 900 },
      });
      await context.route("https://appsforoffice.microsoft.com/**", (r) => r.abort());
      const page = await context.newPage();
      await page.goto(`${s.svc.url}/addin/playground.html?lang=${lang}`);
      await page.getByTestId("send-button").waitFor();
      await page.getByTestId("open-pane-button").click();
      const pane = page.frameLocator('[data-testid="taskpane-frame"]');
      for (const to of ["sato@good.test", "ito@partial.test"]) {
        await page.getByTestId("to-input").fill(to);
        await page.getByTestId("to-input").press("Enter");
      }
      const good = pane.locator('[data-domain="good.test"]');
      await good.locator("[data-deletes-encrypted]").waitFor();
      expect(await good.locator("[data-deletes-encrypted]").textContent()).toBe(badge);
      await pane.locator('[data-domain="partial.test"][data-grade="partial"]').waitFor();
      expect(await pane.locator('[data-domain="partial.test"] [data-deletes-encrypted]').count()).toBe(0);
      await page.getByTestId("attach-input").setInputFiles(join(FIXTURES, "zipcrypto.zip"));
      await page.locator('[data-testid="infobar"][data-key="mailtls.attachments"]').waitFor();
      await page.getByTestId("send-button").click();
      const alert = page.getByTestId("smart-alert");
      await alert.waitFor();
      expect(await alert.textContent()).toContain(message);
      if (lang === "en")
        await page.screenshot({ path: join(ARTIFACTS, "playground-deletes-en.png"), animations: "disabled" });
    },
  );
});
