import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serverConfigFromEnv } from "../../src/server/config";
import { getJson, startService } from "../helpers/service";

function policyFile(content: string): string {
  const p = join(mkdtempSync(join(tmpdir(), "mailtls-policy-")), "policy.json");
  writeFileSync(p, content);
  return p;
}

describe("tenant policy from MAILTLS_POLICY_FILE", () => {
  it("is served with the defaults filled in, domains normalised", async () => {
    const file = policyFile(
      JSON.stringify({
        internalDomains: ["Example.CO.JP", "子会社.jp"],
        rules: { plainFileToUnencrypted: "block" },
        failOpen: false,
      }),
    );
    const svc = await startService({ MAILTLS_POLICY_FILE: file });
    try {
      const r = await getJson(`${svc.url}/api/v1/policy`);
      expect(r.body).toMatchObject({
        internalDomains: ["example.co.jp", "xn--6oq901a1mx.jp"],
        rules: {
          passwordProtectedAttachment: "block",
          plainFileToUnencrypted: "block",
          passwordMail: "warn",
        },
        failOpen: false,
        linkProvider: "builtin",
      });
    } finally {
      await svc.close();
    }
  });

  it.each([
    ["{not json", /MAILTLS_POLICY_FILE/],
    [JSON.stringify({ failOpne: true }), /unknown policy key "failOpne"/],
    [JSON.stringify({ rules: { passwordMail: "maybe" } }), /must be one of block, warn, off/],
    [JSON.stringify({ internalDomains: ["localhost"] }), /invalid domain/],
  ])("a bad file %s stops the start with a clear error", (content, message) => {
    expect(() =>
      serverConfigFromEnv({ MAILTLS_POLICY_FILE: policyFile(content) } as NodeJS.ProcessEnv),
    ).toThrow(message);
  });

  it("a missing file is a clear error too", () => {
    expect(() =>
      serverConfigFromEnv({ MAILTLS_POLICY_FILE: "/nonexistent/policy.json" } as NodeJS.ProcessEnv),
    ).toThrow(/cannot read/);
  });
});

describe("background refresh", () => {
  it("re-probes domains asked for recently whose verdict is about to expire", async () => {
    const svc = await startService({ MAILTLS_TTL_TLS_SECONDS: "30", MAILTLS_REFRESH_AHEAD_SECONDS: "60" });
    try {
      await getJson(`${svc.url}/api/v1/domains/good.test`);
      await getJson(`${svc.url}/api/v1/domains/nullmx.test`); // no-mail: fresh for hours, not due
      const probes = svc.prober.probes;
      expect(await svc.app.verdicts.refreshDue(3600 * 1000)).toBe(1);
      expect(svc.prober.probes).toBe(probes + 1);
      expect(svc.prober.byDomain.get("good.test")).toBe(2);
    } finally {
      await svc.close();
    }
  });
});
