import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createContext, runInContext } from "node:vm";
import { type FakeMailbox, fakeOffice } from "./outlook";

export interface LoadOptions {
  /** Where the bundle's baked-in service URL (https://localhost:3000) is routed to. */
  serviceUrl: () => string;
  /** An older engine: no BigInt at all (the JavaScript-only runtime is only promised ES2016). */
  noBigInt?: boolean;
  /** Sees each request the bundle makes. */
  onFetch?: (url: string, init?: RequestInit) => void;
}

/**
 * Loads the event bundle into a fresh context with only Office (a stand-in that behaves like
 * Outlook), fetch, timers and standard JavaScript — no window, document, localStorage, require or
 * process — as classic Outlook's JavaScript-only runtime.
 */
export function loadEventBundle(bundle: string, box: FakeMailbox, o: LoadOptions) {
  const outlook = fakeOffice(box);
  const routedFetch = (url: string, init?: RequestInit) => {
    o.onFetch?.(url, init);
    return fetch(url.replace(/^https:\/\/localhost:3000/, o.serviceUrl()), init);
  };
  const context = createContext({
    Office: outlook.Office,
    fetch: routedFetch,
    setTimeout,
    clearTimeout,
    console,
  });
  if (o.noBigInt)
    runInContext(
      "delete globalThis.BigInt; delete globalThis.BigInt64Array; delete globalThis.BigUint64Array;" +
        "delete DataView.prototype.setBigUint64; delete DataView.prototype.getBigUint64;",
      context,
    );
  runInContext(bundle, context, { filename: "launchevent.js" });
  return outlook;
}

const ROOT = join(__dirname, "..", "..");

/** The event bundle as `npm run build` makes it, with these build settings (MAILTLS_*) in the environment. */
export function buildEventBundle(env: Record<string, string>): string {
  const outDir = mkdtempSync(join(tmpdir(), "mailtls-bundle-"));
  try {
    execFileSync(
      process.execPath,
      [
        join(ROOT, "node_modules/webpack/bin/webpack.js"),
        "--config-name",
        "launchevent",
        "--mode",
        "production",
        "--output-path",
        outDir,
      ],
      { cwd: ROOT, env: { ...process.env, ...env }, stdio: "pipe" },
    );
    return readFileSync(join(outDir, "launchevent.js"), "utf8");
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
