import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";

export const ROOT = join(__dirname, "..", "..");
export const ARTIFACTS = join(ROOT, "test-artifacts");

/** Debian's chromium, headless, with the flags this closed network needs (and any `extraArgs`). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
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
      ...extraArgs,
    ],
  });
}

/** Newest modification time of the files under `dir` (0 when it does not exist). */
function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the pages when any is missing or older than the sources (tests must not run stale bundles). */
export function ensurePagesBuilt(): string {
  const outputs = [
    "web/index.html",
    "web/admin/index.html",
    "addin/launchevent.js",
    "addin/taskpane.html",
    "addin/playground.html",
  ];
  // webpack leaves unchanged files untouched, so a marker written after each build dates the build.
  const marker = join(ROOT, "dist", ".pages-built");
  const stale = () =>
    outputs.some((f) => !existsSync(join(ROOT, "dist", f))) ||
    !existsSync(marker) ||
    statSync(marker).mtimeMs <
      Math.max(newest(join(ROOT, "src")), statSync(join(ROOT, "webpack.config.js")).mtimeMs);
  if (stale()) {
    // Test files run in parallel workers: one builds, the others wait for it.
    const lock = join(ROOT, "dist", ".build-lock");
    mkdirSync(join(ROOT, "dist"), { recursive: true });
    const deadline = Date.now() + 300000;
    for (;;) {
      try {
        mkdirSync(lock);
        break;
      } catch {
        if (Date.now() > deadline) throw new Error("waited 5 minutes for another worker's webpack build");
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
      }
    }
    try {
      if (stale()) {
        execFileSync("npx", ["webpack", "--mode", "production"], {
          cwd: ROOT,
          stdio: "ignore",
          timeout: 300000,
        });
        writeFileSync(marker, new Date().toISOString());
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ROOT, "dist");
}
