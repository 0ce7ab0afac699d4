import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";

export const ROOT = join(__dirname, "..", "..");
export const ARTIFACTS = join(ROOT, "test-artifacts");

/** Debian's chromium, headless, with the flags this closed network needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
    ],
  });
}

/** Builds the pages once if a fresh clone has not built them yet. */
export function ensurePagesBuilt(): string {
  if (
    !existsSync(join(ROOT, "dist", "web", "index.html")) ||
    !existsSync(join(ROOT, "dist", "addin", "launchevent.js"))
  )
    execFileSync("npx", ["webpack", "--mode", "production"], { cwd: ROOT, stdio: "ignore", timeout: 300000 });
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ROOT, "dist");
}
