import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { reloadPolicies, serverConfigFromEnv } from "../../src/server/config";
import { type EntraStandIn, startEntraStandIn } from "../helpers/entra";
import { getJson, type RunningService, startService } from "../helpers/service";

/** One service, several Microsoft 365 tenants: each Entra tenant may have its own policy. */

const CLIENT = "0d2b5e3c-1111-4a4a-9b9b-123456789abc";
const ACME = "11111111-2222-3333-4444-555555555555";
const BETA = "22222222-2222-3333-4444-555555555555";

describe("policies per tenant (MAILTLS_POLICY_DIR)", () => {
  let entra: EntraStandIn;
  let svc: RunningService;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mailtls-tenants-"));
    const policies = join(dir, "policies");
    mkdirSync(policies);
    writeFileSync(join(dir, "base.json"), JSON.stringify({ internalDomains: ["base.example"] }));
    writeFileSync(
      join(policies, `${ACME.toUpperCase()}.json`),
      JSON.stringify({
        internalDomains: ["acme.co.jp"],
        failOpen: false,
        links: { maxFileMb: 0.001, oneTimeCode: false },
      }),
    );
    entra = await startEntraStandIn(CLIENT);
    svc = await startService({
      MAILTLS_ENTRA_AUDIENCE: CLIENT,
      MAILTLS_ENTRA_TENANTS: `${ACME},${BETA}`,
      MAILTLS_ENTRA_JWKS_URL: entra.jwksUrl,
      MAILTLS_API_KEYS: "script-key",
      MAILTLS_POLICY_FILE: join(dir, "base.json"),
      MAILTLS_POLICY_DIR: policies,
      MAILTLS_DATA_DIR: join(dir, "data"),
    });
  });
  afterAll(async () => {
    await svc.close();
    entra.close();
  });

  const bearer = async (tid: string) => ({ authorization: `Bearer ${await entra.sign({ tid })}` });
  const policy = async (headers: Record<string, string>) =>
    (await getJson(`${svc.url}/api/v1/policy`, { headers })).body;

  it("a tenant with a file gets its own policy; others and API keys get the service's", async () => {
    expect(await policy(await bearer(ACME))).toMatchObject({
      internalDomains: ["acme.co.jp"],
      failOpen: false,
    });
    expect(await policy(await bearer(BETA))).toMatchObject({
      internalDomains: ["base.example"],
      failOpen: true,
    });
    expect(await policy({ "x-api-key": "script-key" })).toMatchObject({ internalDomains: ["base.example"] });
  });

  it("uploads follow the caller's policy: the tenant's size limit applies to it only", async () => {
    const upload = async (headers: Record<string, string>) =>
      fetch(`${svc.url}/api/v1/files?name=a.bin`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream", ...headers },
        body: Buffer.alloc(5000),
      });
    const acme = await upload(await bearer(ACME));
    expect(acme.status).toBe(413);
    expect(((await acme.json()) as { error: { message: string } }).error.message).toContain("0.001 MB");
    expect((await upload(await bearer(BETA))).status).toBe(201);
  });

  it("a reload (SIGHUP) takes new and changed tenant files; a bad one leaves the policies as they were", async () => {
    const policies = join(dir, "policies");
    writeFileSync(join(policies, `${BETA}.json`), JSON.stringify({ internalDomains: ["beta.example"] }));
    expect(await policy(await bearer(BETA))).toMatchObject({ internalDomains: ["base.example"] });
    reloadPolicies(svc.config, svc.env);
    expect(await policy(await bearer(BETA))).toMatchObject({ internalDomains: ["beta.example"] });
    writeFileSync(join(policies, `${BETA}.json`), JSON.stringify({ failOpen: "sometimes" }));
    expect(() => reloadPolicies(svc.config, svc.env)).toThrow(new RegExp(`${BETA}\\.json`));
    expect(await policy(await bearer(BETA))).toMatchObject({ internalDomains: ["beta.example"] });
    expect(await policy(await bearer(ACME))).toMatchObject({ internalDomains: ["acme.co.jp"] });
  });

  it("a file that is not <tenant ID>.json, or a bad policy in one, stops the start with its name", () => {
    const bad = mkdtempSync(join(tmpdir(), "mailtls-tenants-bad-"));
    writeFileSync(join(bad, "acme.json"), "{}");
    expect(() => serverConfigFromEnv({ MAILTLS_POLICY_DIR: bad } as NodeJS.ProcessEnv)).toThrow(
      /acme\.json is not named <tenant ID>\.json/,
    );
    const worse = mkdtempSync(join(tmpdir(), "mailtls-tenants-worse-"));
    writeFileSync(join(worse, `${BETA}.json`), JSON.stringify({ failOpen: "sometimes" }));
    expect(() => serverConfigFromEnv({ MAILTLS_POLICY_DIR: worse } as NodeJS.ProcessEnv)).toThrow(
      new RegExp(`MAILTLS_POLICY_DIR .*${BETA}\\.json: .*failOpen`),
    );
    expect(() =>
      serverConfigFromEnv({ MAILTLS_POLICY_DIR: join(bad, "missing") } as NodeJS.ProcessEnv),
    ).toThrow(/cannot read/);
  });
});
