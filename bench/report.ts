import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";

const DOC = join(__dirname, "..", "docs", "benchmarks.md");

/** Replaces the section between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` in docs/benchmarks.md. */
export function writeSection(name: string, markdown: string): void {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  let doc = readFileSync(DOC, "utf8");
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  doc =
    i >= 0 && j > i
      ? doc.slice(0, i) + block + doc.slice(j + end.length)
      : doc.trimEnd() + "\n\n" + block + "\n";
  writeFileSync(DOC, doc);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** Runs `fn` `runs` times after `warmup` untimed runs; returns the times in milliseconds. */
export async function time(fn: () => unknown, runs: number, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return out;
}

export const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));

export function machine(): string {
  return `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${new Date().toISOString().slice(0, 10)}`;
}

const HARNESS = join(__dirname, "..", "test", "harness");

/** Whether the harness is already running (its DNS server listens), started by someone else. */
function harnessRunning(): boolean {
  try {
    return execFileSync("ss", ["-lunH"], { encoding: "utf8" }).includes("127.0.0.53:53 ");
  } catch {
    return false;
  }
}

/**
 * Runs a benchmark against the local real servers: starts test/harness, runs `fn`, stops the
 * harness whatever happens (unless it was already running, for another run), and exits the
 * process with 0 or 1.
 */
export function runWithHarness(fn: () => Promise<void>): void {
  const wasRunning = harnessRunning();
  execFileSync("bash", [join(HARNESS, "up.sh")], { stdio: ["ignore", "ignore", "inherit"] });
  fn()
    .finally(() => {
      if (!wasRunning)
        execFileSync("bash", [join(HARNESS, "down.sh")], { stdio: ["ignore", "ignore", "inherit"] });
    })
    .then(
      () => process.exit(0),
      (e) => {
        console.error(e);
        process.exit(1);
      },
    );
}
