import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
import { ensurePagesBuilt, launchChromium } from "./browser";
import { type RunningService, startService } from "./service";

export interface ServedPages {
  svc: RunningService;
  browser: Browser;
  /** A context a test opened; closed with the rest. */
  context?: BrowserContext;
}

/**
 * For the tests of one describe block: a service serving the built pages (with its own data
 * directory and `env`), and headless Chromium; both end after the block.
 */
export function servedPages(env: (dir: string) => Record<string, string> = () => ({})): ServedPages {
  const s = {} as ServedPages;
  beforeAll(async () => {
    const dist = ensurePagesBuilt();
    const dir = mkdtempSync(join(tmpdir(), "mailtls-pages-"));
    s.svc = await startService({ MAILTLS_DATA_DIR: join(dir, "data"), ...env(dir) }, { staticRoot: dist });
    s.browser = await launchChromium();
  });
  afterAll(async () => {
    await s.context?.close();
    await s.browser?.close();
    await s.svc?.close();
  });
  return s;
}
