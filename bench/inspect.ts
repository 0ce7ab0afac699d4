/**
 * Attachment inspection speed against JSZip, the library a typical add-in would reach for.
 * Both are handed the same Base64 text (what Outlook's getAttachmentContentAsync returns); JSZip
 * must decode all of it and rejects the archive when it meets an encrypted entry, which is how it
 * would "detect" a password ZIP. Run: npm run bench:inspect
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import JSZip from "jszip";
import { inspectBase64 } from "../src/core/attachments";
import { fmt, machine, median, time, writeSection } from "./report";

const CACHE = join(__dirname, ".cache");

function make100MbEncryptedZip(): string {
  const out = join(CACHE, "encrypted-100mb.zip");
  if (existsSync(out)) return out;
  mkdirSync(join(CACHE, "big"), { recursive: true });
  // Random data does not compress: the archive is as large as its content, about 100 MB.
  for (let i = 0; i < 4; i++)
    writeFileSync(join(CACHE, "big", `part${i}.bin`), randomBytes(25 * 1024 * 1024));
  execFileSync("zip", ["-q", "-0", "-r", "-P", "secret", out, "big"], { cwd: CACHE });
  rmSync(join(CACHE, "big"), { recursive: true });
  return out;
}

function make10kEntryZip(encrypted: boolean): string {
  const out = join(CACHE, encrypted ? "10k-entries-encrypted.zip" : "10k-entries-plain.zip");
  if (existsSync(out)) return out;
  const dir = join(CACHE, "many");
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < 10_000; i++) writeFileSync(join(dir, `f${i}.txt`), `file ${i}\n`);
  execFileSync("zip", ["-q", "-r", ...(encrypted ? ["-P", "secret"] : []), out, "many"], { cwd: CACHE });
  rmSync(dir, { recursive: true });
  return out;
}

async function jszipDecision(b64: string): Promise<boolean> {
  try {
    await JSZip.loadAsync(b64, { base64: true });
    return false;
  } catch (e) {
    if (/encrypted/i.test(String(e))) return true;
    throw e;
  }
}

async function compare(label: string, file: string, runsOurs: number, runsTheirs: number) {
  const b64 = readFileSync(file).toString("base64");
  const ours = inspectBase64(b64).passwordProtected;
  const theirs = await jszipDecision(b64);
  const tOurs = await time(() => inspectBase64(b64), runsOurs, 2);
  const tTheirs = await time(() => jszipDecision(b64), runsTheirs, 1);
  const mo = median(tOurs);
  const mt = median(tTheirs);
  return {
    row: `| ${label} | ${(b64.length / 1e6).toFixed(1)} MB | ${ours} | ${theirs} | ${fmt(mo)} | ${fmt(mt)} | **${(mt / mo).toFixed(0)}×** |`,
    ratio: mt / mo,
  };
}

async function mainBench() {
  mkdirSync(CACHE, { recursive: true });
  const big = make100MbEncryptedZip();
  const manyEnc = make10kEntryZip(true);
  const manyPlain = make10kEntryZip(false);
  const rows = [
    await compare("100 MB ZipCrypto ZIP", big, 30, 5),
    await compare("10,000 entries, ZipCrypto", manyEnc, 30, 10),
    await compare(
      "10,000 entries, plain (worst case for us: looks inside for nested archives)",
      manyPlain,
      20,
      10,
    ),
  ];
  const md = `Command: \`npm run bench:inspect\` (${machine()}). Median of repeated runs in one process; input is the Base64 text.

| input | Base64 size | ours: protected? | JSZip: protected? | ours (ms) | JSZip \`loadAsync\` (ms) | JSZip ÷ ours |
|---|---|---|---|---|---|---|
${rows.map((r) => r.row).join("\n")}

Goal: at least 100× faster than JSZip on the 100 MB file — ${rows[0].ratio >= 100 ? "met" : "NOT met"} (${rows[0].ratio.toFixed(0)}×).`;
  console.log(md);
  writeSection("inspect", md);
}

mainBench().catch((e) => {
  console.error(e);
  process.exit(1);
});
