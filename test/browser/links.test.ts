/**
 * "Replace with a download link" end to end: the playground, the real task pane and the service's
 * built-in store, in headless Chromium; the link is then downloaded and compared byte for byte.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { ARTIFACTS } from "../helpers/browser";
import { FIXTURES } from "../helpers/fixtures";
import { codeFor, freshAddress, RELAY } from "../helpers/relayInbox";
import { type ServedPages, servedPages } from "../helpers/servedPages";

jest.setTimeout(180000);

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** The playground with a draft to `to` and plain.pdf attached, and the task pane open on it. */
async function draftWithFile(
  s: ServedPages,
  lang: "en" | "ja",
  to: string,
  beforeAttach: (page: Page) => Promise<void> = async () => undefined,
) {
  await s.context?.close();
  s.context = await s.browser.newContext({
    locale: lang === "ja" ? "ja-JP" : "en-US",
    viewport: { width: 1280, height: 900 },
  });
  await s.context.route("https://appsforoffice.microsoft.com/**", (r) => r.abort());
  const page = await s.context.newPage();
  await page.goto(`${s.svc.url}/addin/playground.html?lang=${lang}`);
  await page.getByTestId("to-input").fill(to);
  await page.getByTestId("to-input").press("Enter");
  await beforeAttach(page);
  await page.getByTestId("attach-input").setInputFiles(join(FIXTURES, "plain.pdf"));
  await page.getByTestId("open-pane-button").click();
  const pane = page.frameLocator('[data-testid="taskpane-frame"]');
  await pane.locator(`[data-domain="${to.split("@")[1]}"][data-grade="no-tls"]`).waitFor();
  return { page, pane };
}

describe("download links from the task pane (built-in store)", () => {
  const s = servedPages((dir) => {
    const policy = join(dir, "policy.json");
    writeFileSync(policy, JSON.stringify({ links: { maxDownloads: 2, expiryHours: 24 } }));
    // The playground has no sign-in: its uploads are anonymous, allowed here as `npm run playground` does.
    return { MAILTLS_POLICY_FILE: policy, MAILTLS_ANONYMOUS_UPLOADS: "true" };
  });

  it("turns a file for a no-TLS partner into a link in one click; the link downloads the same bytes, then runs out", async () => {
    const { page, pane } = await draftWithFile(s, "en", "tanaka@notls.test", async (page) => {
      await page.getByTestId("body-input").fill("Hello Tanaka-san,\n\nplease find the report.\n\nRegards");
      // The link goes where the cursor is: after "report." (end of the second paragraph).
      await page.getByTestId("body-input").evaluate((el) => {
        const ta = el as unknown as {
          value: string;
          setSelectionRange(a: number, b: number): void;
          focus(): void;
        };
        const at = ta.value.indexOf("report.") + "report.".length;
        ta.focus();
        ta.setSelectionRange(at, at);
      });
    });
    await pane.getByRole("button", { name: "Replace plain.pdf with a download link" }).click();
    await pane.getByText("plain.pdf was replaced by a download link in the message.").waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "link-replaced-en.png"), animations: "disabled" });

    // The compose window: the attachment is gone, the block is in the body at the cursor.
    await pane.locator('[data-attachment="plain.pdf"]').waitFor({ state: "detached" });
    const body = await page.getByTestId("body-input").inputValue();
    expect(body).toMatch(
      /please find the report\.\nDownload link: plain\.pdf \([\d.]+ K?B\)\nhttps:\/\/addin\.example\.test\/d\/[A-Za-z0-9_-]{43}\nAvailable until .*\(at most 2 downloads\)\n\n\nRegards$/,
    );
    const token = /\/d\/([A-Za-z0-9_-]{43})/.exec(body)?.[1] as string;

    // The recipient's side: the page, then the download (a POST), twice; the third is refused.
    const landing = await fetch(`${s.svc.url}/d/${token}`, { headers: { "accept-language": "en" } });
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain("plain.pdf");
    const original = readFileSync(join(FIXTURES, "plain.pdf"));
    for (let i = 0; i < 2; i++) {
      const dl = await fetch(`${s.svc.url}/d/${token}`, { method: "POST" });
      expect(dl.status).toBe(200);
      expect(dl.headers.get("content-disposition")).toContain("attachment");
      expect(sha(new Uint8Array(await dl.arrayBuffer()))).toBe(sha(original));
    }
    expect((await fetch(`${s.svc.url}/d/${token}`, { method: "POST" })).status).toBe(410);

    // With the file gone, the mail goes through.
    await page.getByTestId("send-button").click();
    await page.getByTestId("sent-banner").waitFor();
  });

  it("Japanese: the block is in Japanese, and a cancelled upload changes nothing", async () => {
    const { page, pane } = await draftWithFile(s, "ja", "tanaka@notls.test", async (page) => {
      // Hold the upload so that it can be cancelled.
      await page.context().route("**/api/v1/files**", () => undefined);
      await page.getByTestId("body-input").fill("田中様\n\n資料をお送りします。");
    });
    await pane.getByRole("button", { name: "plain.pdf をダウンロードリンクに置き換え" }).click();
    await pane.getByTestId("link-progress").waitFor();
    await pane.getByRole("button", { name: "キャンセル" }).click();
    await pane.getByText("キャンセルしました。添付と本文はそのままです。").waitFor();
    expect(await page.getByTestId("body-input").inputValue()).toBe("田中様\n\n資料をお送りします。");
    await pane.locator('[data-attachment="plain.pdf"]').waitFor();

    // Let uploads through again: the Japanese block.
    await page.context().unroute("**/api/v1/files**");
    await pane.getByRole("button", { name: "plain.pdf をダウンロードリンクに置き換え" }).click();
    await pane.getByText("plain.pdf をダウンロードリンクに置き換え、本文にリンクを入れました。").waitFor();
    const body = await page.getByTestId("body-input").inputValue();
    expect(body).toContain("ダウンロードリンク: plain.pdf（");
    expect(body).toContain("有効期限: ");
    expect(body).toContain("（ダウンロードは 2 回まで）");
    await page.screenshot({ path: join(ARTIFACTS, "link-replaced-ja.png"), animations: "disabled" });
  });
});

describe("download links with one-time codes (a relay on the service)", () => {
  const s = servedPages(() => ({ ...RELAY, MAILTLS_ANONYMOUS_UPLOADS: "true" }));

  it("the link is for the recipients only: the block says so, and a code mailed to the recipient opens it", async () => {
    const tanaka = freshAddress("notls.test");
    const { page, pane } = await draftWithFile(s, "en", tanaka);
    await pane.getByRole("button", { name: "Replace plain.pdf with a download link" }).click();
    await pane
      .getByText(
        "plain.pdf was replaced by a download link in the message. Only the recipients can download it",
      )
      .waitFor();
    const body = await page.getByTestId("body-input").inputValue();
    expect(body).toContain("To download, enter the code that will be mailed to the address");
    const token = /\/d\/([A-Za-z0-9_-]{43})/.exec(body)?.[1] as string;

    // The recipient, in the same browser: the page asks for the address, the code comes by mail.
    const landing = await page.context().newPage();
    await landing.goto(`${s.svc.url}/d/${token}`);
    await landing.getByLabel("E-mail address").fill(tanaka);
    await landing.getByRole("button", { name: "Send me a code" }).click();
    await landing.getByLabel("Code (6 digits)").fill(await codeFor(tanaka));
    const [download] = await Promise.all([
      landing.waitForEvent("download"),
      landing.getByRole("button", { name: "Verify and download" }).click(),
    ]);
    const saved = await download.path();
    expect(sha(readFileSync(saved as string))).toBe(sha(readFileSync(join(FIXTURES, "plain.pdf"))));
    await landing.screenshot({ path: join(ARTIFACTS, "link-code-en.png"), animations: "disabled" });
  });
});

describe("a service that does not take anonymous uploads (the default)", () => {
  const s = servedPages();

  it("the pane says the upload needs a sign-in, in the user's language, and changes nothing", async () => {
    for (const [lang, words] of [
      ["en", "it needs a sign-in"],
      ["ja", "サインインが必要です"],
    ] as const) {
      const { page, pane } = await draftWithFile(s, lang, "tanaka@notls.test", async (p) =>
        p.getByTestId("body-input").fill("Hello"),
      );
      await pane
        .getByRole("button", {
          name:
            lang === "en"
              ? "Replace plain.pdf with a download link"
              : "plain.pdf をダウンロードリンクに置き換え",
        })
        .click();
      await pane.getByText(words, { exact: false }).waitFor();
      expect(await page.getByTestId("body-input").inputValue()).toBe("Hello");
      await pane.locator('[data-attachment="plain.pdf"]').waitFor();
    }
  });
});
