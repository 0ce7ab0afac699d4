/**
 * The admin console (/admin/) in headless Chromium, Japanese and English, on figures seeded only
 * through the public APIs and the add-in's real event bundle in the DOM-less vm — never by writing
 * to the database.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { ARTIFACTS, ensurePagesBuilt } from "../helpers/browser";
import { startForwarder } from "../helpers/forwarder";
import { loadEventBundle } from "../helpers/eventBundle";
import { fixture } from "../helpers/fixtures";
import { postJson } from "../helpers/service";
import { servedPages } from "../helpers/servedPages";

jest.setTimeout(180_000);

const KEY = "operator-key-for-the-console";

describe("the admin console", () => {
  // The tenant's policy names a partner that deletes password-protected attachments.
  const s = servedPages((dir) => {
    const policy = join(dir, "policy.json");
    writeFileSync(
      policy,
      JSON.stringify({ partners: { rejectsEncryptedAttachments: ["deleter.example.jp"] } }),
    );
    return { MAILTLS_ADMIN_KEYS: KEY, MAILTLS_POLICY_FILE: policy };
  });
  // drift.test's MX: a forwarder the Exchange test moves from a TLS Postfix to one without TLS.
  let forwarder: Awaited<ReturnType<typeof startForwarder>>;
  beforeAll(async () => {
    forwarder = await startForwarder("127.0.0.59", "127.0.0.11");
  });
  afterAll(() => forwarder.close());

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
      domains: [
        "mismatch.test",
        "expired.test",
        "implicit.test",
        "nullmx.test",
        "sts-enforce.test",
        "drift.test",
      ],
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
    expect(headline).toContain("77.8% of 10 partner domains accept encrypted mail");
    expect(headline).toContain("9 domains graded (7 encrypted, 2 not)");
    expect(await page.locator('[data-grade-count="no-tls"]').textContent()).toBe("NO TLS1");
    expect(await page.locator('[data-grade-count="tls"]').textContent()).toBe("TLS6");
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
    await page.getByText("of 40 partner domains").waitFor();
  });

  it("Exchange Online: the preview with who is in and out and why, the script and its rollback, drift", async () => {
    const page = await open("en");
    await signIn(page, "Operator key (MAILTLS_ADMIN_KEYS)");
    // The partners the policy says delete password-protected attachments.
    expect(await page.getByTestId("deleters").textContent()).toBe("deleter.example.jp");
    const section = page.getByTestId("exchange");
    await section.getByTestId("exchange-included").waitFor();
    const reasonOf = (d: string) => section.locator(`[data-testid="exchange-excluded"] [data-domain="${d}"]`);
    expect(await reasonOf("notls.test").getAttribute("data-reason")).toBe("no-tls");
    expect(await reasonOf("notls.test").textContent()).toContain("Does not accept TLS (STARTTLS)");
    expect(await reasonOf("partial.test").getAttribute("data-reason")).toBe("partial");
    expect(await reasonOf("selfsigned.test").getAttribute("data-reason")).toBe("cert-unverified");
    expect(await reasonOf("nullmx.test").getAttribute("data-reason")).toBe("no-mail");
    const included = section.locator('[data-testid="exchange-included"] [data-domain]');
    const inside = await included.evaluateAll((r) => r.map((x) => x.getAttribute("data-domain")));
    expect(inside).toEqual(expect.arrayContaining(["good.test", "drift.test", "sts-enforce.test"]));
    expect(inside).not.toContain("notls.test");
    expect(await section.getByTestId("exchange-last").textContent()).toBe(
      "Not generated yet. A download is recorded, for its rollback and to watch for drift.",
    );
    // The unverified join an EncryptionOnly connector when asked.
    await section.getByLabel("Include partners whose certificate does not validate (EncryptionOnly)").check();
    await section.locator('[data-testid="exchange-included"] [data-domain="selfsigned.test"]').waitFor();
    await section
      .getByLabel("Include partners whose certificate does not validate (EncryptionOnly)")
      .uncheck();
    await reasonOf("selfsigned.test").waitFor();
    // The script itself, before any download.
    await section.getByRole("button", { name: "Show the script" }).click();
    expect(await section.getByTestId("exchange-script").textContent()).toMatch(
      /New-OutboundConnector -Name \$name @settings/,
    );

    const [script] = await Promise.all([
      page.waitForEvent("download"),
      section.getByRole("button", { name: "Download the script (.ps1)" }).click(),
    ]);
    expect(script.suggestedFilename()).toMatch(/^mailtls-exchange-\d{8}-\d{4}\.ps1$/);
    const bytes = readFileSync((await script.path()) as string);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString("utf8")).toContain("'drift.test'");
    await section.getByText("Downloaded; this generation is recorded.").waitFor();
    expect(await section.getByTestId("exchange-last").textContent()).toMatch(
      /^Last generated .+: \d+ partners in \d+ connectors, Audit$/,
    );
    const [rollback] = await Promise.all([
      page.waitForEvent("download"),
      section.getByRole("button", { name: "Download the rollback" }).click(),
    ]);
    expect(rollback.suggestedFilename()).toMatch(/-rollback\.ps1$/);
    const undo = readFileSync((await rollback.path()) as string);
    expect([...undo.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(undo.toString("utf8")).toContain("Remove-OutboundConnector -Identity $name -Confirm:$false");

    // drift.test's TLS breaks; checked again, it no longer qualifies for the connector it is in.
    forwarder.switchTo("127.0.0.12");
    await postJson(`${s.svc.url}/api/v1/admin/domains/drift.test/refresh`, {}, { "x-api-key": KEY });
    await page.reload();
    const alert = page.getByTestId("exchange-drift");
    await alert.waitFor();
    expect(await alert.textContent()).toContain(
      "Partners inside the generated TLS-required connectors that no longer qualify: 1",
    );
    expect(await alert.textContent()).toContain("drift.test (NO TLS, MailTLS Guard - TLS validated 01)");
    await alert.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, "admin-exchange-en.png"), fullPage: true });
    forwarder.switchTo("127.0.0.11");
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
