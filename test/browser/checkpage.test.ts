/** The online TLS check page in Debian's headless Chromium, against a service probing the real local servers. */
import { join } from "node:path";
import { ARTIFACTS } from "../helpers/browser";
import { servedPages } from "../helpers/servedPages";

jest.setTimeout(120000);

describe("online TLS check page", () => {
  const s = servedPages();

  it("serves the pages with Helmet's headers and the API with its own small set", async () => {
    const page = await fetch(s.svc.url + "/");
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(page.headers.get("content-security-policy")).toContain(
      "frame-ancestors 'self' https://*.office.com",
    );
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    const bundle = await fetch(s.svc.url + "/addin/launchevent.js");
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("content-security-policy")).toContain("default-src 'self'");
    const api = await fetch(s.svc.url + "/api/v1/domains/good.test");
    expect(api.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it("English: type a domain, press Enter, read the grade and the MX facts", async () => {
    const context = await s.browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    await page.goto(s.svc.url + "/");
    await page.getByRole("heading", { level: 1 }).waitFor();
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Mail server encryption check");
    await page.getByLabel("Domain or e-mail address").fill("someone@good.test");
    await page.keyboard.press("Enter");
    const badge = page.locator("[data-grade]");
    await badge.waitFor();
    expect(await badge.getAttribute("data-grade")).toBe("tls");
    expect(await badge.textContent()).toBe("TLS");
    expect(await page.getByTestId("meaning").textContent()).toContain(
      "Every mail server accepts encrypted mail",
    );
    const row = page.locator('[data-mx="mx1.good.test"]');
    expect(await row.textContent()).toMatch(/yes.*TLSv1\.[23].*trusted · name matches/);
    expect(page.url()).toContain("?domain=good.test");
    await page.screenshot({ path: join(ARTIFACTS, "check-page-en.png"), fullPage: true });
    await context.close();
  });

  it("Japanese from the browser language, deep link, and a request to copy for a no-TLS partner", async () => {
    const context = await s.browser.newContext({ locale: "ja-JP" });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: s.svc.url });
    const page = await context.newPage();
    await page.goto(s.svc.url + "/?domain=notls.test");
    const badge = page.locator("[data-grade]");
    await badge.waitFor();
    expect(await badge.getAttribute("data-grade")).toBe("no-tls");
    expect(await badge.textContent()).toBe("暗号化なし");
    expect(await page.getByTestId("meaning").textContent()).toContain("ダウンロードリンク");
    // Why, in words (the code beside it, small).
    const why = page.locator('[data-reason="mx-no-starttls:mx.notls.test"]');
    expect(await why.textContent()).toContain("mx.notls.test は STARTTLS に対応していません");
    await page.getByRole("button", { name: "相手先への依頼文をコピー" }).click();
    await page.getByRole("status").waitFor();
    const copied = await page.evaluate(
      () => (globalThis as any).navigator.clipboard.readText() as Promise<string>,
    );
    expect(copied).toContain("STARTTLS");
    expect(copied).toContain("notls.test ご担当者様");
    await page.screenshot({ path: join(ARTIFACTS, "check-page-ja.png"), fullPage: true });
    // The switch changes the language in place.
    await page.getByRole("button", { name: "表示言語を切り替える" }).click();
    expect(await page.locator("[data-grade]").textContent()).toBe("NO TLS");
    expect(await why.textContent()).toContain("mx.notls.test does not offer STARTTLS");
    await context.close();
  });

  it("shows MTA-STS, TLS-RPT and DANE for authenticated domains", async () => {
    const context = await s.browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    await page.goto(s.svc.url + "/?domain=sts-enforce.test");
    await page.locator("[data-grade=secure]").waitFor();
    await page.getByText("MTA-STS: enforce (id stsenforce2026; MX: mx1.good.test)").waitFor();
    await page.getByText("TLS-RPT: mailto:tlsrpt@sts-enforce.test").waitFor();
    await page.goto(s.svc.url + "/?domain=dane-valid.test");
    await page.locator("[data-grade=secure]").waitFor();
    await page.getByText("DANE: TLSA matches (DNSSEC-validated)").waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "check-page-secure.png"), fullPage: true });
    await context.close();
  });

  it("works with the keyboard alone, and rejects a bad name without asking the server", async () => {
    const context = await s.browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(s.svc.url + "/");
    await page.getByRole("heading", { level: 1 }).waitFor();
    // Tab from the top: language switch, then the input, then the button.
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.type("localhost");
    await page.keyboard.press("Enter");
    await page.getByText(/invalid domain/).waitFor();
    expect(requests.some((u) => u.includes("/api/v1/domains/"))).toBe(false);
    await page.keyboard.press("Control+A");
    await page.keyboard.type("例え.test");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter"); // the Check button
    await page.locator("[data-grade]").waitFor();
    expect(await page.locator("h2").textContent()).toBe("例え.test (xn--r8jz45g.test)");
    await context.close();
  });
});
