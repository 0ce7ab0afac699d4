import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { main } from "../../src/cli/main";
import { type HostileServer, startHostile } from "../harness/hostile";
import { captureIO } from "../helpers/cliio";
import { harnessEnv } from "../helpers/probe";

describe("mailtls check against the local real servers", () => {
  it("--json: one array of reports in argument order, the right grade for each case, exit 0", async () => {
    const io = captureIO(harnessEnv());
    const inputs = [
      "good.test",
      "someone@notls.test",
      "partial.test",
      "selfsigned.test",
      "mismatch.test",
      "expired.test",
      "tls10.test",
      "implicit.test",
      "例え.test",
      "multiline.test",
      "nullmx.test",
      "nosuchdomain.test",
      "txtonly.test",
      "servfail.test",
      "connrefused.test",
    ];
    expect(await main(["check", "--json", ...inputs], io)).toBe(0);
    const reports = JSON.parse(io.stdout);
    expect(reports.map((r: { domain: string; grade: string }) => [r.domain, r.grade])).toEqual([
      ["good.test", "tls"],
      ["notls.test", "no-tls"],
      ["partial.test", "partial"],
      ["selfsigned.test", "tls"],
      ["mismatch.test", "tls"],
      ["expired.test", "tls"],
      ["tls10.test", "no-tls"],
      ["implicit.test", "tls"],
      ["xn--r8jz45g.test", "tls"],
      ["multiline.test", "tls"],
      ["nullmx.test", "no-mail"],
      ["nosuchdomain.test", "no-mail"],
      ["txtonly.test", "no-mail"],
      ["servfail.test", "unknown"],
      ["connrefused.test", "unknown"],
    ]);
  });

  it("prints one block per domain with a badge word, in English and in Japanese", async () => {
    const en = captureIO(harnessEnv({ LANG: "en_US.UTF-8" }));
    expect(await main(["check", "good.test", "notls.test"], en)).toBe(0);
    expect(en.stdout).toContain("[TLS] good.test");
    expect(en.stdout).toContain("[NO TLS] notls.test");
    // Why, in words, with the code for scripts and support.
    expect(en.stdout).toContain(
      "- mx.notls.test does not offer STARTTLS: mail reaches it unencrypted. [mx-no-starttls:mx.notls.test]",
    );
    expect(en.stdout).toMatch(
      /MX 10 mx1\.good\.test .*STARTTLS offered.*TLSv1\.[23].*certificate trusted.*name matches/,
    );
    const ja = captureIO(harnessEnv({ LANG: "ja_JP.UTF-8" }));
    expect(await main(["check", "例え.test"], ja)).toBe(0);
    expect(ja.stdout).toContain("[暗号化] 例え.test (xn--r8jz45g.test)");
    expect(ja.stdout).toContain("STARTTLS あり");
  });

  describe("bad input", () => {
    let watched: HostileServer;
    beforeAll(async () => (watched = await startHostile("127.0.0.37", "watched")));
    afterAll(() => watched.close());

    it.each(["localhost", "192.0.2.1", "bad_name.test", "a".repeat(64) + ".test", "user@[127.0.0.1]"])(
      "%s is reported clearly, exit 2, and nothing is probed",
      async (bad) => {
        const io = captureIO(harnessEnv());
        expect(await main(["check", "watched.test", bad], io)).toBe(2);
        expect(io.stderr).toContain("invalid domain");
        expect(io.stdout).toBe("");
        expect(watched.connections).toBe(0);
      },
    );

    it("a bad --timeout is a usage error", async () => {
      const io = captureIO(harnessEnv());
      expect(await main(["check", "--timeout", "soon", "good.test"], io)).toBe(2);
    });

    it("a bad MAILTLS_* setting is a clear error, not a crash", async () => {
      const io = captureIO(harnessEnv({ MAILTLS_ALLOW_PRIVATE: "everything" }));
      expect(await main(["check", "good.test"], io)).toBe(2);
      expect(io.stderr).toContain("MAILTLS_ALLOW_PRIVATE");
    });
  });

  it("works as documented: npm run -s cli -- check --json --timeout", async () => {
    const { stdout } = await promisify(execFile)(
      "npm",
      ["run", "-s", "cli", "--", "check", "--json", "--timeout", "5000", "good.test", "nullmx.test"],
      { cwd: join(__dirname, "..", ".."), env: harnessEnv() as NodeJS.ProcessEnv },
    );
    const reports = JSON.parse(stdout);
    expect(reports.map((r: { grade: string }) => r.grade)).toEqual(["tls", "no-mail"]);
  });
});
