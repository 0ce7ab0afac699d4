/**
 * Bulk checks from the CLI (issue 14, item 6): `mailtls check --from FILE|-`, against the harness's
 * real servers. bulk.test has a wildcard MX (any name is a real probe of mx1.good.test's Postfix).
 */
import { parse } from "csv-parse/sync";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLatencyProxy } from "../../bench/latency-proxy";
import { main } from "../../src/cli/main";
import type { DomainReport } from "../../src/core/verdict";
import { captureIO } from "../helpers/cliio";
import { harnessEnv } from "../helpers/probe";

jest.setTimeout(120_000);
const dir = mkdtempSync(join(tmpdir(), "mailtls-bulk-"));
const file = (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

describe("mailtls check --from", () => {
  it("1,000 names: duplicates folded, every one graded", async () => {
    const lines = ["# partners, exported 2026-11-30", ""];
    for (let i = 0; i < 1000; i++)
      lines.push(i % 3 === 0 ? `Tanaka <t${i}@n${i}.bulk.test>` : `n${i}.bulk.test`);
    lines.push("N5.BULK.TEST", "someone@n7.bulk.test"); // again, in other forms
    const io = captureIO(harnessEnv({ MAILTLS_MAX_CONNECTIONS_PER_ADDRESS: "8" }));
    const args = ["check", "--from", file("list.txt", lines.join("\n")), "--format", "json"];
    expect(await main(args, io)).toBe(0);
    const reports = JSON.parse(io.stdout) as DomainReport[];
    expect(reports).toHaveLength(1000);
    expect(new Set(reports.map((r) => r.domain)).size).toBe(1000);
    expect(reports.filter((r) => r.grade !== "tls").map((r) => [r.domain, r.reasons])).toEqual([]);
    expect(io.stderr).toBe("");
  });

  it("a domain's deadline starts when its probe starts, not while it waits for a connection slot", async () => {
    // One connection at a time to an MX 50 ms of round trip away: each probe holds it ~0.3 s, so
    // the 20th waits ~6 s for its turn — four times its 1.5 s deadline — and must still be graded.
    const proxy = await startLatencyProxy("127.0.0.47", "127.0.0.11", 25);
    try {
      const names = Array.from({ length: 20 }, (_, i) => `w${i}.slowbulk.test`);
      const io = captureIO(
        harnessEnv({ MAILTLS_PROBE_TIMEOUT_MS: "1500", MAILTLS_MAX_CONNECTIONS_PER_ADDRESS: "1" }),
      );
      const t0 = Date.now();
      expect(await main(["check", "--format", "json", "--concurrency", "20", ...names], io)).toBe(0);
      expect(Date.now() - t0).toBeGreaterThan(3000);
      const reports = JSON.parse(io.stdout) as DomainReport[];
      expect(reports.map((r) => r.grade)).toEqual(new Array(20).fill("tls"));
    } finally {
      proxy.close();
    }
  });

  it("a CSV export: the address column found by its header, in Shift_JIS with a Japanese header", async () => {
    const csv = [
      "日時,送信者,電子メール アドレス,件名",
      '2026-11-30 10:00,taro@ours.example,"Partner <a@good.test>",見積',
      "2026-11-30 10:05,taro@ours.example,b@notls.test,請求",
      "2026-11-30 10:06,taro@ours.example,c@good.test,再送",
    ].join("\r\n");
    // As Excel on Japanese Windows saves a CSV: Shift_JIS (made here by iconv, not by us).
    const bytes = execFileSync("iconv", ["-f", "UTF-8", "-t", "SHIFT_JIS"], { input: csv });
    expect(bytes.length).toBeLessThan(Buffer.byteLength(csv));
    const io = captureIO(harnessEnv());
    expect(await main(["check", "--from", file("trace.csv", bytes), "--format", "csv"], io)).toBe(0);
    const rows = parse(io.stdout, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r.domain, r.grade])).toEqual([
      ["good.test", "tls"],
      ["notls.test", "no-tls"],
    ]);
    expect(rows[1].reasons).toBe("mx-no-starttls:mx.notls.test");
  });

  it("a message trace's RecipientAddress column, from standard input, as a table in words", async () => {
    const csv =
      'Received,SenderAddress,RecipientAddress,Subject\n2026-11-30,x@ours.example,p@notls.test,"Hello, again"\n';
    const io = Object.assign(captureIO(harnessEnv({ LANG: "en_US.UTF-8" })), {
      readStdin: async () => new TextEncoder().encode(csv),
    });
    expect(await main(["check", "--from", "-"], io)).toBe(0);
    expect(io.stdout).toMatch(/Domain\s+Grade\s+Main reason/);
    expect(io.stdout).toMatch(/notls\.test\s+NO TLS\s+mx\.notls\.test does not offer STARTTLS/);
  });

  it("entries that are not addresses are skipped and listed (exit 1); the rest are checked", async () => {
    const io = captureIO(harnessEnv({ LANG: "en_US.UTF-8" }));
    const list = file("mixed.txt", "good.test\nnot an address at all\n[10.0.0.1]\nnotls.test\n");
    expect(await main(["check", "--from", list, "--format", "json"], io)).toBe(1);
    expect((JSON.parse(io.stdout) as DomainReport[]).map((r) => r.domain)).toEqual([
      "good.test",
      "notls.test",
    ]);
    expect(io.stderr).toContain("skipped line 2: not an address at all");
    expect(io.stderr).toContain("skipped line 3: [10.0.0.1]");
  });

  it.each([
    [["--from", "/no/such/file"], /--from \/no\/such\/file: ENOENT/],
    [["--from", "BINARY"], /not a text file/],
    [["--from", "EMPTY"], /no entries/],
    [["--format", "xml", "good.test"], /--format must be one of text, table, json, csv/],
    [["--concurrency", "0", "good.test"], /--concurrency/],
  ])("a bad list or option %j is a usage error (exit 2), and nothing is probed", async (args, message) => {
    const paths: Record<string, string> = {
      BINARY: file("bin.dat", new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0, 1, 2])),
      EMPTY: file("empty.txt", "# nothing\n\n"),
    };
    const io = captureIO(harnessEnv());
    expect(await main(["check", ...args.map((a) => paths[a] ?? a)], io)).toBe(2);
    expect(io.stderr).toMatch(message);
    expect(io.stdout).toBe("");
  });

  it("draws a progress bar on standard error when it is a terminal", async () => {
    const io = Object.assign(captureIO(harnessEnv({ LANG: "en_US.UTF-8" })), { errIsTTY: true });
    expect(await main(["check", "--format", "json", "good.test", "notls.test", "partial.test"], io)).toBe(0);
    expect(io.stderr).toContain("\r[");
    expect(io.stderr).toMatch(/3\/3 names/);
    expect(JSON.parse(io.stdout)).toHaveLength(3);
  });
});
