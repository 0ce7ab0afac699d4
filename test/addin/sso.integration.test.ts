/**
 * Add-in → service authentication: an event bundle built with MAILTLS_ENTRA_CLIENT_ID sends Office's
 * single sign-on token, and a service that requires Entra tokens answers it; without a token the
 * handlers fail open as the policy says. The bundle runs in the same DOM-less vm context as
 * launchevent.integration.test.ts, against the local real mail servers.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ensurePagesBuilt } from "../helpers/browser";
import { type EntraStandIn, startEntraStandIn } from "../helpers/entra";
import { fixture } from "../helpers/fixtures";
import { buildEventBundle, loadEventBundle } from "../helpers/eventBundle";
import type { FakeMailbox } from "../helpers/outlook";
import { type RunningService, startService } from "../helpers/service";

const CLIENT_ID = "0d2b5e3c-1111-4a4a-9b9b-123456789abc";
const TENANT = "11111111-2222-3333-4444-555555555555";

let entra: EntraStandIn;
let svc: RunningService;
let ssoBundle: string;
let plainBundle: string;
/** The Authorization header of each call the bundle made. */
const seen: (string | undefined)[] = [];

beforeAll(async () => {
  // The same webpack configuration as `npm run build`, with the Entra app named.
  ssoBundle = buildEventBundle({ MAILTLS_ENTRA_CLIENT_ID: CLIENT_ID });
  plainBundle = readFileSync(join(ensurePagesBuilt(), "addin", "launchevent.js"), "utf8");
  entra = await startEntraStandIn(CLIENT_ID);
  svc = await startService({
    MAILTLS_ENTRA_AUDIENCE: CLIENT_ID,
    MAILTLS_ENTRA_TENANTS: TENANT,
    MAILTLS_ENTRA_JWKS_URL: entra.jwksUrl,
  });
}, 120_000);
afterAll(async () => {
  await svc.close();
  entra.close();
});

function load(bundle: string, box: FakeMailbox) {
  return loadEventBundle(bundle, box, {
    serviceUrl: () => svc.url,
    onFetch: (_url, init) => seen.push(new Headers(init?.headers).get("authorization") ?? undefined),
  });
}

const zipTo = (to: string, sso?: FakeMailbox["sso"]): FakeMailbox => ({
  to: [to],
  attachments: [{ id: "a1", name: "見積.zip", bytes: fixture("zipcrypto.zip") }],
  sso,
});

describe("single sign-on to the service", () => {
  it("the bundle built with an Entra app sends Office's token, without prompts, and gets verdicts", async () => {
    const token = await entra.sign({ tid: TENANT, scp: "access_as_user" });
    seen.length = 0;
    const outlook = load(ssoBundle, zipTo("partner@good.test", { token: async () => token }));
    await outlook.fire("onMessageRecipientsChangedHandler");
    expect(outlook.infoBars.get("mailtls.recipients")?.message).toBe(
      "Every external recipient accepts encrypted mail (STARTTLS).",
    );
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((h) => h === `Bearer ${token}`)).toBe(true);
    expect(outlook.tokenRequests[0]).toEqual({ allowSignInPrompt: false, allowConsentPrompt: false });
    // And the send decision uses the verdict: send it plainly, the route is encrypted.
    const { options } = await outlook.fire("onMessageSendHandler");
    expect(options?.errorMessage).toContain("attach the file without a password");
  });

  it("a token from another tenant is refused: the info bar says the sign-in failed, and the mail goes (fail open)", async () => {
    const token = await entra.sign({ tid: "99999999-2222-3333-4444-555555555555" });
    const outlook = load(ssoBundle, {
      to: ["partner@good.test"],
      attachments: [{ id: "a1", name: "r.pdf", bytes: fixture("plain.pdf") }],
      sso: { token: async () => token },
    });
    await outlook.fire("onMessageRecipientsChangedHandler");
    expect(outlook.infoBars.get("mailtls.recipients")?.message).toMatch(/could not sign in to the service/);
    expect((await outlook.fire("onMessageSendHandler")).options).toEqual({ allowEvent: true });
    expect(outlook.infoBars.get("mailtls.send")?.message).toMatch(/Please tell your administrator/);
  });

  it("when Office has no token (nobody signed in: 13001) the call goes without one and fails open", async () => {
    seen.length = 0;
    const outlook = load(ssoBundle, zipTo("partner@good.test", { errorCode: 13001 }));
    await outlook.fire("onMessageRecipientsChangedHandler");
    expect(outlook.tokenRequests.length).toBeGreaterThan(0);
    expect(seen.every((h) => h === undefined)).toBe(true);
    expect(outlook.infoBars.get("mailtls.recipients")?.message).toMatch(/could not sign in to the service/);
    // The password ZIP is still caught locally: blocked, advising a download link (no verdict known).
    const { options } = await outlook.fire("onMessageSendHandler");
    expect(options).toMatchObject({ allowEvent: false });
  });

  it("the default bundle (no Entra app) never asks Office for a token", async () => {
    const token = await entra.sign({ tid: TENANT });
    const outlook = load(plainBundle, zipTo("partner@good.test", { token: async () => token }));
    await outlook.fire("onMessageRecipientsChangedHandler");
    expect(outlook.tokenRequests).toEqual([]);
  });
});
