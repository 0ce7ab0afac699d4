import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { main } from "../../src/cli/main";
import { captureIO } from "../helpers/cliio";
import { FIXTURES } from "../helpers/fixtures";

const f = (name: string) => join(FIXTURES, name);

describe("mailtls inspect", () => {
  it("--json prints exactly one array, one object per file in argument order, exit 0", async () => {
    const io = captureIO();
    const code = await main(
      ["inspect", "--json", f("zipcrypto.zip"), f("plain.pdf"), f("restricted-aes256.pdf")],
      io,
    );
    expect(code).toBe(0);
    const rows = JSON.parse(io.stdout);
    expect(rows).toEqual([
      {
        file: f("zipcrypto.zip"),
        format: "zip",
        passwordProtected: true,
        method: "zipcrypto",
        detail: expect.any(String),
      },
      { file: f("plain.pdf"), format: "pdf", passwordProtected: false, method: null, detail: null },
      {
        file: f("restricted-aes256.pdf"),
        format: "pdf",
        passwordProtected: false,
        method: "restricted",
        detail: expect.any(String),
      },
    ]);
  });

  it("a missing file gets a row that says why, the others are still reported, exit 1", async () => {
    const io = captureIO();
    const code = await main(["inspect", "--json", "no-such-file.zip", f("aes.7z")], io);
    expect(code).toBe(1);
    const rows = JSON.parse(io.stdout);
    expect(rows[0]).toEqual({
      file: "no-such-file.zip",
      format: null,
      passwordProtected: null,
      method: null,
      detail: "file not found",
    });
    expect(rows[1]).toMatchObject({ format: "7z", passwordProtected: true });
  });

  it("a damaged file is reported as unreadable, exit 1", async () => {
    const io = captureIO();
    expect(await main(["inspect", "--json", f("truncated.pdf")], io)).toBe(1);
    expect(JSON.parse(io.stdout)[0]).toMatchObject({ passwordProtected: null });
  });

  it("a directory is an unreadable row, not a crash", async () => {
    const io = captureIO();
    expect(await main(["inspect", "--json", FIXTURES], io)).toBe(1);
    expect(JSON.parse(io.stdout)[0].detail).toBe("is a directory");
  });

  it("prints a table in English, and in Japanese when LANG starts with ja", async () => {
    const en = captureIO({ LANG: "en_US.UTF-8" });
    await main(["inspect", f("zipcrypto.zip")], en);
    expect(en.stdout).toMatch(/^File\s+Format\s+Password/);
    expect(en.stdout).toContain("yes (password-protected)");
    expect(en.stdout).toContain("1 of 1 files are password-protected.");
    const ja = captureIO({ LANG: "ja_JP.UTF-8" });
    await main(["inspect", f("zipcrypto.zip"), f("plain.zip")], ja);
    expect(ja.stdout).toMatch(/^ファイル\s+形式\s+パスワード/);
    expect(ja.stdout).toContain("あり（パスワード保護）");
    expect(ja.stdout).toContain("2 件中 1 件がパスワード付きです。");
  });

  it.each([
    [["inspect"], "at least one FILE"],
    [["inspect", "--bogus", "x"], "Unknown option"],
    [["frobnicate"], "unknown command"],
    [[], "no command"],
  ])("usage error %j: one line on stderr, exit 2", async (argv, message) => {
    const io = captureIO();
    expect(await main(argv, io)).toBe(2);
    expect(io.stderr).toContain(message);
    expect(io.stderr.trim().split("\n")).toHaveLength(1);
    expect(io.stdout).toBe("");
  });

  it("works as documented: npm run -s cli -- inspect --json", async () => {
    const { stdout } = await promisify(execFile)(
      "npm",
      ["run", "-s", "cli", "--", "inspect", "--json", f("aes256.zip")],
      {
        cwd: join(__dirname, "..", ".."),
      },
    );
    expect(JSON.parse(stdout)).toEqual([
      {
        file: f("aes256.zip"),
        format: "zip",
        passwordProtected: true,
        method: "aes-256",
        detail: expect.any(String),
      },
    ]);
  });
});
