/**
 * Fail closed must close (issue 14, item 2): the add-in keeps the last policy it received in
 * roamingSettings ("mailtls.policy") and applies it when the service cannot be reached; before any
 * policy, the build's MAILTLS_FAIL_OPEN decides. The real event bundle in the DOM-less vm context.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_POLICY } from "../../src/core/policy";
import { ensurePagesBuilt } from "../helpers/browser";
import { buildEventBundle, loadEventBundle } from "../helpers/eventBundle";
import { fixture } from "../helpers/fixtures";
import type { FakeMailbox } from "../helpers/outlook";
import { type RunningService, startService } from "../helpers/service";

/** Nothing listens here: every call to the service fails at once. */
const DOWN = () => "http://127.0.0.1:9";

let bundle: string;
let closedBundle: string;
let svc: RunningService;

beforeAll(async () => {
  bundle = readFileSync(join(ensurePagesBuilt(), "addin", "launchevent.js"), "utf8");
  closedBundle = buildEventBundle({ MAILTLS_FAIL_OPEN: "false" });
  const dir = mkdtempSync(join(tmpdir(), "mailtls-failclosed-"));
  writeFileSync(join(dir, "policy.json"), JSON.stringify({ failOpen: false }));
  svc = await startService({ MAILTLS_POLICY_FILE: join(dir, "policy.json") });
}, 180_000);
afterAll(() => svc.close());

const draft = (extra: Partial<FakeMailbox> = {}): FakeMailbox => ({
  to: ["partner@good.test"],
  attachments: [{ id: "a1", name: "plain.pdf", bytes: fixture("plain.pdf") }],
  ...extra,
});

describe("when the service cannot be reached", () => {
  it.each([
    ["en-US", "encryption could not be checked, so your organization's policy stops this message"],
    ["ja-JP", "宛先の暗号化対応を確認できないため、組織のポリシーにより送信を止めました"],
  ])(
    "a stored policy with failOpen false blocks the send (%s), saying the check could not be made",
    async (lang, words) => {
      const roaming = new Map<string, unknown>([["mailtls.policy", { ...DEFAULT_POLICY, failOpen: false }]]);
      const outlook = loadEventBundle(bundle, draft({ displayLanguage: lang, roaming }), {
        serviceUrl: DOWN,
      });
      const { options, calls } = await outlook.fire("onMessageSendHandler");
      expect(calls).toBe(1);
      expect(options?.allowEvent).toBe(false);
      expect(String(options?.errorMessage)).toContain(words);
      expect(String(options?.errorMessage).length).toBeLessThanOrEqual(500);
    },
  );

  it("a stored policy with failOpen true lets it go, with an info bar", async () => {
    const roaming = new Map<string, unknown>([["mailtls.policy", { ...DEFAULT_POLICY, failOpen: true }]]);
    const outlook = loadEventBundle(bundle, draft({ roaming }), { serviceUrl: DOWN });
    expect((await outlook.fire("onMessageSendHandler")).options?.allowEvent).toBe(true);
    expect(outlook.infoBars.get("mailtls.send")?.message).toContain("could not be reached");
  });

  it("before any policy was received, the default build sends and a MAILTLS_FAIL_OPEN=false build blocks", async () => {
    const open = loadEventBundle(bundle, draft(), { serviceUrl: DOWN });
    expect((await open.fire("onMessageSendHandler")).options?.allowEvent).toBe(true);
    const closed = loadEventBundle(closedBundle, draft(), { serviceUrl: DOWN });
    const { options } = await closed.fire("onMessageSendHandler");
    expect(options?.allowEvent).toBe(false);
    expect(String(options?.errorMessage)).toContain("could not be checked");
  });

  it("a password ZIP is still found and blocked, the service down or not", async () => {
    const roaming = new Map<string, unknown>([["mailtls.policy", { ...DEFAULT_POLICY, failOpen: true }]]);
    const outlook = loadEventBundle(
      bundle,
      {
        to: ["partner@good.test"],
        attachments: [{ id: "a1", name: "a.zip", bytes: fixture("zipcrypto.zip") }],
        roaming,
      },
      { serviceUrl: DOWN },
    );
    expect((await outlook.fire("onMessageSendHandler")).options?.allowEvent).toBe(false);
  });
});

describe("the policy received is kept for later", () => {
  it("a send with the service up stores its policy in roamingSettings; the next draft, with it down, applies it", async () => {
    const roaming = new Map<string, unknown>();
    const up = loadEventBundle(bundle, draft({ roaming }), { serviceUrl: () => svc.url });
    expect((await up.fire("onMessageSendHandler")).options?.allowEvent).toBe(true);
    const policy = (await (await fetch(`${svc.url}/api/v1/policy`)).json()) as { failOpen: boolean };
    expect(roaming.get("mailtls.policy")).toEqual(policy);
    expect(policy.failOpen).toBe(false);

    const down = loadEventBundle(bundle, draft({ roaming }), { serviceUrl: DOWN });
    expect((await down.fire("onMessageSendHandler")).options?.allowEvent).toBe(false);
  });

  it("a damaged stored value is ignored (the build's default applies)", async () => {
    const roaming = new Map<string, unknown>([["mailtls.policy", { failOpen: "no" }]]);
    const outlook = loadEventBundle(bundle, draft({ roaming }), { serviceUrl: DOWN });
    expect((await outlook.fire("onMessageSendHandler")).options?.allowEvent).toBe(true);
  });
});
