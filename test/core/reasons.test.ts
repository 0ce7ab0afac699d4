import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REASONS, reasonText } from "../../src/core/reasons";

const SRC = join(__dirname, "..", "..", "src");
const read = (p: string) => readFileSync(join(SRC, p), "utf8");

/** Every reason code the grading and the probe can put in a report, read from their sources. */
function emittedCodes(): string[] {
  const verdict = read("core/verdict.ts");
  const codes = new Set<string>();
  for (const m of verdict.matchAll(/reasons(?:\.push\(|: \[)\s*`?"?([a-z][a-z0-9-]+)(?:[:"`])/g))
    codes.add(m[1]);
  for (const m of verdict.matchAll(/`([a-z][a-z0-9-]+):\$\{/g)) codes.add(m[1]);
  for (const m of verdict.matchAll(/\? "([a-z][a-z0-9-]+)" :/g)) codes.add(m[1]);
  for (const m of verdict.matchAll(/"(dns-[a-z]+)"/g)) codes.add(m[1]);
  // MTA-STS errors become reasons as they are.
  for (const m of read("probe/mtasts.ts").matchAll(/StsError\(\s*"([a-z][a-z0-9-]+)"/g)) codes.add(m[1]);
  // Reports the service makes itself.
  for (const m of read("server/verdicts.ts").matchAll(/"(pending|probe-queue-full)"/g)) codes.add(m[1]);
  const notReasons = ["mx", "error", "grade", "secure", "tls", "partial", "no-tls", "no-mail", "unknown"];
  return [...codes].filter((c) => !notReasons.includes(c));
}

describe("reasons in words", () => {
  it("every code a report can carry has a line in Japanese and English", () => {
    const codes = emittedCodes();
    expect(codes.length).toBeGreaterThan(25);
    for (const code of codes) {
      expect([code, REASONS[code]?.ja]).toEqual([code, expect.any(String)]);
      expect(REASONS[code].en).not.toBe(REASONS[code].ja);
    }
  });

  it("fills in the host, and shows an unknown code as it is", () => {
    expect(reasonText("en", "mx-no-starttls:mx.example.jp")).toBe(
      "mx.example.jp does not offer STARTTLS: mail reaches it unencrypted.",
    );
    expect(reasonText("ja", "mx-no-starttls:mx.example.jp")).toContain(
      "mx.example.jp は STARTTLS に対応していません",
    );
    expect(reasonText("en", "nxdomain")).toBe("The domain does not exist.");
    expect(reasonText("en", "something-new:x")).toBe("something-new:x");
    expect(reasonText("en", "constructor")).toBe("constructor");
  });
});
