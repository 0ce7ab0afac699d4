/**
 * Renders assets/icon.svg into the PNG sizes the add-in manifest asks for (16, 32, 64, 80, 128),
 * with Debian's headless Chromium. Run: npx tsx scripts/make-icons.ts (outputs are committed).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { launchChromium } from "../test/helpers/browser";

const ASSETS = join(__dirname, "..", "assets");
export const ICON_SIZES = [16, 32, 64, 80, 128];

(async () => {
  const svg = readFileSync(join(ASSETS, "icon.svg"), "utf8");
  const browser = await launchChromium();
  try {
    for (const size of ICON_SIZES) {
      const page = await browser.newPage({ viewport: { width: size, height: size } });
      await page.setContent(
        `<html><body style="margin:0;background:transparent">${svg.replace("<svg ", `<svg width="${size}" height="${size}" `)}</body></html>`,
      );
      await page.screenshot({ path: join(ASSETS, `icon-${size}.png`), omitBackground: true });
      await page.close();
    }
  } finally {
    await browser.close();
  }
})();
