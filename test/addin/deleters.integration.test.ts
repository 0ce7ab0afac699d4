/**
 * Partners that delete password-protected attachments (issue 16, part 3): the tenant policy's
 * partners.rejectsEncryptedAttachments, served by the real service, applied by the real event
 * bundle in the DOM-less vm: a password-protected file to such a partner is stopped on send with
 * its own message and the usual advice, whatever the grade — even with the password rule off.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensurePagesBuilt } from "../helpers/browser";
import { loadEventBundle } from "../helpers/eventBundle";
import { fixture } from "../helpers/fixtures";
import type { FakeMailbox } from "../helpers/outlook";
import { type RunningService, startService } from "../helpers/service";

jest.setTimeout(120_000);

let bundle: string;
const services: RunningService[] = [];
async function serviceWith(policy: unknown) {
  const dir = mkdtempSync(join(tmpdir(), "mailtls-deleters-"));
  writeFileSync(join(dir, "policy.json"), JSON.stringify(policy));
  const svc = await startService({ MAILTLS_POLICY_FILE: join(dir, "policy.json") });
  services.push(svc);
  return svc;
}
let svc: RunningService;
let ruleOff: RunningService;
beforeAll(async () => {
  bundle = readFileSync(join(ensurePagesBuilt(), "addin", "launchevent.js"), "utf8");
  svc = await serviceWith({ partners: { rejectsEncryptedAttachments: ["good.test", "notls.test"] } });
  ruleOff = await serviceWith({
    partners: { rejectsEncryptedAttachments: ["good.test"] },
    rules: { passwordProtectedAttachment: "off" },
  });
}, 180_000);
afterAll(async () => {
  for (const s of services) await s.close();
});

const send = async (on: RunningService, box: Partial<FakeMailbox>) => {
  const outlook = loadEventBundle(
    bundle,
    {
      to: ["sato@good.test"],
      attachments: [{ id: "a1", name: "見積.zip", bytes: fixture("zipcrypto.zip") }],
      ...box,
    },
    { serviceUrl: () => on.url },
  );
  return (await outlook.fire("onMessageSendHandler")).options;
};

describe("a password-protected attachment to a partner that deletes them", () => {
  it.each([
    [
      "en-US",
      "good.test deletes password-protected attachments: it would not arrive.",
      "attach the file without a password",
    ],
    [
      "ja-JP",
      "good.test はパスワード付きの添付ファイルを削除するため、届きません。",
      "パスワードを付けずにそのまま添付してください",
    ],
  ])("is stopped with its own message and the advice to send plainly (%s)", async (lang, own, advice) => {
    const options = await send(svc, { displayLanguage: lang });
    expect(options?.allowEvent).toBe(false);
    const message = String(options?.errorMessage);
    expect(message.startsWith(own)).toBe(true);
    expect(message).toContain(advice);
    expect(message.length).toBeLessThanOrEqual(500);
  });

  it("to a partner without TLS, the advice is a download link", async () => {
    const options = await send(svc, { to: ["ito@notls.test"] });
    expect(options?.allowEvent).toBe(false);
    expect(String(options?.errorMessage)).toMatch(/^notls\.test deletes password-protected attachments/);
    expect(String(options?.errorMessage)).toMatch(/download link/);
  });

  it("is stopped even when the tenant turned the password rule off", async () => {
    const options = await send(ruleOff, {});
    expect(options?.allowEvent).toBe(false);
    expect(String(options?.errorMessage)).toMatch(/^good\.test deletes password-protected attachments/);
    // The same file to another partner goes: the rule is off.
    expect((await send(ruleOff, { to: ["kato@partial.test"] }))?.allowEvent).toBe(true);
  });

  it("a plain file to them goes; a password file to others gets the usual message only", async () => {
    expect(
      (await send(svc, { attachments: [{ id: "p1", name: "plain.pdf", bytes: fixture("plain.pdf") }] }))
        ?.allowEvent,
    ).toBe(true);
    const other = await send(svc, { to: ["kato@selfsigned.test"] });
    expect(other?.allowEvent).toBe(false);
    expect(String(other?.errorMessage)).not.toMatch(/deletes/);
  });
});
