/**
 * The admin console (/admin/) in headless Chromium, Japanese and English, on figures seeded only
 * through the public APIs and the add-in's real event bundle in the DOM-less vm — never by writing
 * to the database.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { ARTIFACTS, ensurePagesBuilt } from "../helpers/browser";
import { loadEventBundle } from "../helpers/eventBundle";
import { fixture } from "../helpers/fixtures";
import { postJson } from "../helpers/service";
import { servedPages } from "../helpers/servedPages";

jest.setTimeout(180_000);

const KEY = "operator-key-for-the-console";

describe("the admin console", () => {
  const s = servedPages(() => ({ MAILTLS_ADMIN_KEYS: KEY }));

  beforeAll(async () => {
    // The add-in without sign-in (tenant "default"): drafts to partners, password ZIPs stopped,
    // one resolved by sending the file plainly.
    const bundle = readFileSync(join(ensurePagesBuilt(), "addin", "launchevent.js"), "utf8");
    const drafts: Array<[string[], string]> = [
      [["a@notls.test", "b@good.test"], "zipcrypto.zip"],
      [["c@partial.test"], "plain.pdf"],
      [["d@selfsigned.test", "e@good.test"], "zipcrypto.zip"],
      [["f@notls.test"], "plain.pdf"],
    ];
    for (const [to, file] of drafts) {
      const outlook = loadEventBundle(
        bundle,
        { to, attachments: [{ id: "f1", name: file, bytes: fixture(file) }] },
        {
          serviceUrl: () => s.svc.url,
        },
      );
      const sent = await outlook.fire("onMessageSendHandler");
      if (sent.options?.allowEvent === false && file.endsWith(".zip")) {
        outlook.sim.removeAttachment("f1");
        await outlook.sim.addAttachment("plain.pdf", fixture("plain.pdf"), { id: "f2" }).launched;
        await outlook.fire("onMessageSendHandler");
      }
    }
    // More partners as the add-in looks them up (the public API it calls).
    await postJson(`${s.svc.url}/api/v1/check?waitMs=8000`, {
      domains: ["mismatch.test", "expired.test", "implicit.test", "nullmx.test", "sts-enforce.test"],
    });
    await new Promise((r) => setTimeout(r, 300));
    await s.svc.app.counter.flush();
  });

  async function open(lang: "en" | "ja", theme?: string): Promise<Page> {
    await s.context?.close();
    s.context = await s.browser.newContext({
      locale: lang === "ja" ? "ja-JP" : "en-US",
      viewport: { width: 1366, height: 900 },
      acceptDownloads: true,
    });
    const page = await s.context.newPage();
    await page.goto(`${s.svc.url}/admin/${theme ? `?theme=${theme}` : ""}`);
    return page;
  }

  async function signIn(page: Page, label: string) {
    await page.getByLabel(label).fill(KEY);
    await page.keyboard.press("Enter");
    await page.getByTestId("encrypted-share").waitFor();
  }

  it("English: sign in with the key (keyboard only), the headline, grades, trend, PPAP caught, partners to fix", async () => {
    const page = await open("en");
    await page.getByRole("heading", { level: 1, name: "MailTLS Guard admin console" }).waitFor();
    // A wrong key is refused and nothing is kept.
    await page.getByLabel("Operator key (MAILTLS_ADMIN_KEYS)").fill("wrong");
    await page.keyboard.press("Enter");
    await page.getByText("Could not sign in", { exact: false }).waitFor();
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.length)).toBe(0);
    await signIn(page, "Operator key (MAILTLS_ADMIN_KEYS)");
    // Held in this tab only.
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem("mailtls.adminKey"))).toBe(
      KEY,
    );
    expect(await page.evaluate(() => (globalThis as any).localStorage.length)).toBe(0);

    const headline = await page.getByTestId("headline").textContent();
    // notls, partial: not encrypted; good, selfsigned, mismatch, expired, implicit, sts-enforce: encrypted.
    expect(headline).toContain("75.0% of 9 partner domains accept encrypted mail");
    expect(headline).toContain("8 domains graded (6 encrypted, 2 not)");
    expect(await page.locator('[data-grade-count="no-tls"]').textContent()).toBe("NO TLS1");
    expect(await page.locator('[data-grade-count="tls"]').textContent()).toBe("TLS5");
    expect(await page.locator('[data-figure="passwordAttachments"]').textContent()).toMatch(/^2/);
    expect(await page.locator('[data-figure="plainAttachments"]').textContent()).toMatch(/^2/);
    expect(await page.getByTestId("weeks").textContent()).toMatch(/\d{4}-W\d{2}/);

    // The partners without encryption, most written to first: notls.test (2 drafts), then partial.test.
    const rows = page.locator("[data-partner]");
    expect(await rows.evaluateAll((r) => r.map((x) => x.getAttribute("data-partner")))).toEqual([
      "notls.test",
      "partial.test",
    ]);
    await page.getByRole("button", { name: "Check notls.test again" }).click();
    await page.getByText("notls.test checked again: NO TLS").waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "admin-en.png"), fullPage: true });

    // CSV export.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export partners (CSV)" }).click(),
    ]);
    const csv = readFileSync((await download.path()) as string, "utf8");
    expect(csv.split("\n")[0]).toBe("domain,grade,checkedAt,lookups,lastLookupAt");
    expect(csv).toContain("notls.test,no-tls,");

    // Import a partner list, with its progress to the end.
    const list = join(ARTIFACTS, "partners-import.csv");
    writeFileSync(
      list,
      "email\n" + Array.from({ length: 30 }, (_, i) => `p${i}@imp${i}.bulk.test`).join("\n"),
    );
    await page.getByTestId("import-file").setInputFiles(list);
    await page.getByRole("button", { name: "Import" }).click();
    await page.locator('[data-testid="import-status"][data-state="done"]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId("import-status").textContent()).toContain(
      "Import done: 30 domains checked.",
    );
    await page.getByText("of 39 partner domains").waitFor();
  });

  it("Japanese, from the browser language, with the switch; dark and high-contrast themes", async () => {
    const page = await open("ja");
    await page.getByRole("heading", { level: 1, name: "MailTLS Guard 管理コンソール" }).waitFor();
    await signIn(page, "運用者キー（MAILTLS_ADMIN_KEYS）");
    expect(await page.getByTestId("headline").textContent()).toMatch(
      /取引先 \d+ ドメインのうち [\d.]+% が暗号化されたメールを受け取れます/,
    );
    expect(await page.getByRole("heading", { name: "暗号化に対応していない取引先" }).count()).toBe(1);
    expect(await page.locator('[data-partner="notls.test"]').textContent()).toContain("暗号化なし");
    await page.screenshot({ path: join(ARTIFACTS, "admin-ja.png"), fullPage: true });
    await page.getByRole("button", { name: "表示言語を切り替える" }).click();
    await page.getByRole("heading", { level: 1, name: "MailTLS Guard admin console" }).waitFor();

    const background = () =>
      page.evaluate(() => {
        const g = globalThis as any;
        return g.getComputedStyle(g.document.querySelector(".fui-FluentProvider")).backgroundColor as string;
      });
    const light = await background();
    await page.getByTestId("theme").selectOption("dark");
    const dark = await background();
    await page.getByTestId("theme").selectOption("contrast");
    const contrast = await background();
    expect(new Set([light, dark, contrast]).size).toBe(3);
    await page.screenshot({ path: join(ARTIFACTS, "admin-contrast.png") });
  });
});
