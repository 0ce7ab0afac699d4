import { serverConfigFromEnv } from "../../src/server/config";
import { type EntraStandIn, startEntraStandIn } from "../helpers/entra";
import { getJson, postJson, type RunningService, startService } from "../helpers/service";

const TENANT = "11111111-2222-3333-4444-555555555555";
const OTHER_TENANT = "99999999-2222-3333-4444-555555555555";
const AUDIENCE = "api://mailtls.example.test/0000";

describe("authentication", () => {
  let entra: EntraStandIn;
  let sign: EntraStandIn["sign"];
  let svc: RunningService;

  beforeAll(async () => {
    entra = await startEntraStandIn(AUDIENCE);
    sign = entra.sign;
    svc = await startService({
      MAILTLS_API_KEYS: "key-one,key-two",
      MAILTLS_ADMIN_KEYS: "admin-secret",
      MAILTLS_ENTRA_AUDIENCE: AUDIENCE,
      MAILTLS_ENTRA_TENANTS: TENANT,
      MAILTLS_ENTRA_JWKS_URL: entra.jwksUrl,
    });
  });
  afterAll(async () => {
    await svc.close();
    entra.close();
  });

  it("POST /check without credentials is refused, and probes nothing", async () => {
    const r = await postJson(`${svc.url}/api/v1/check`, { domains: ["good.test"] });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("unauthorized");
    expect(svc.prober.probes).toBe(0);
  });

  it("an API key in X-API-Key or as a bearer token is accepted; a wrong one is not", async () => {
    expect(
      (await postJson(`${svc.url}/api/v1/check`, { domains: ["good.test"] }, { "x-api-key": "key-two" }))
        .status,
    ).toBe(200);
    expect(
      (await getJson(`${svc.url}/api/v1/policy`, { headers: { authorization: "Bearer key-one" } })).status,
    ).toBe(200);
    expect(
      (await getJson(`${svc.url}/api/v1/policy`, { headers: { "x-api-key": "key-three" } })).status,
    ).toBe(401);
  });

  it("an Entra token of an allowed tenant, for our audience, is accepted", async () => {
    const token = await sign({ tid: TENANT, oid: "user-1" });
    const r = await postJson(
      `${svc.url}/api/v1/check`,
      { domains: ["good.test"] },
      { authorization: `Bearer ${token}` },
    );
    expect(r.status).toBe(200);
  });

  it.each([
    ["another tenant", { tid: OTHER_TENANT }, {}, 403, "tenant-not-allowed"],
    ["another audience", { tid: TENANT }, { aud: "api://someone-else" }, 401, "invalid-token"],
    ["another issuer", { tid: TENANT }, { iss: "https://evil.example/v2.0" }, 401, "invalid-token"],
    ["an expired token", { tid: TENANT }, { exp: "-5m" }, 401, "invalid-token"],
  ])("a token from %s is refused", async (_, claims, opts, status, code) => {
    const token = await sign(claims, opts as never);
    const r = await getJson(`${svc.url}/api/v1/policy`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(status);
    expect(r.body.error.code).toBe(code);
  });

  it("the public check page's single look-up works without credentials, but not a refresh", async () => {
    expect((await getJson(`${svc.url}/api/v1/domains/good.test`)).status).toBe(200);
    const r = await getJson(`${svc.url}/api/v1/domains/good.test?refresh=true`);
    expect(r.status).toBe(401);
  });

  it("the admin report needs the admin key, and lists the tenant's partners, grades, look-ups — as JSON or CSV", async () => {
    // The add-in's look-ups (POST /check with a user's token) count for the user's tenant.
    const token = await sign({ tid: TENANT, oid: "user-1" });
    for (let i = 0; i < 2; i++)
      await postJson(
        `${svc.url}/api/v1/check?waitMs=8000`,
        { domains: ["notls.test", "good.test"] },
        {
          authorization: `Bearer ${token}`,
        },
      );
    // The public check page's look-ups and API keys' (scripts) do not.
    await getJson(`${svc.url}/api/v1/domains/selfsigned.test`);
    await postJson(`${svc.url}/api/v1/check`, { domains: ["expired.test"] }, { "x-api-key": "key-one" });
    await new Promise((r) => setTimeout(r, 2500)); // the figures are written every 2 s
    expect((await getJson(`${svc.url}/api/v1/admin/domains`)).status).toBe(401);
    expect(
      (await getJson(`${svc.url}/api/v1/admin/domains`, { headers: { "x-api-key": "key-one" } })).status,
    ).toBe(403);
    const admin = { "x-api-key": "admin-secret" };
    const json = await getJson(`${svc.url}/api/v1/admin/domains?tenant=${TENANT}&grade=no-tls`, {
      headers: admin,
    });
    expect(json.status).toBe(200);
    expect(json.body.domains).toEqual([
      {
        domain: "notls.test",
        grade: "no-tls",
        checkedAt: expect.any(String),
        lookups: 2,
        lastLookupAt: expect.any(String),
      },
    ]);
    const csv = await fetch(`${svc.url}/api/v1/admin/domains?format=csv&tenant=${TENANT}`, {
      headers: admin,
    });
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split("\n");
    expect(lines[0]).toBe("domain,grade,checkedAt,lookups,lastLookupAt");
    expect(lines.slice(1).map((l) => l.split(",").slice(0, 2).join(","))).toEqual([
      "good.test,tls",
      "notls.test,no-tls",
    ]);
    const bad = await getJson(`${svc.url}/api/v1/admin/domains?grade=excellent`, { headers: admin });
    expect(bad.status).toBe(400);
  });
});

describe("Entra tokens of both versions (several audiences and issuers)", () => {
  const CLIENT = "0d2b5e3c-1111-4a4a-9b9b-123456789abc";
  let entra: EntraStandIn;
  let svc: RunningService;
  beforeAll(async () => {
    entra = await startEntraStandIn(CLIENT);
    svc = await startService({
      MAILTLS_ENTRA_AUDIENCE: `${CLIENT}, api://mailtls.example.test/${CLIENT}`,
      MAILTLS_ENTRA_ISSUER:
        "https://login.microsoftonline.com/{tenant}/v2.0,https://sts.windows.net/{tenant}/",
      MAILTLS_ENTRA_TENANTS: TENANT,
      MAILTLS_ENTRA_JWKS_URL: entra.jwksUrl,
    });
  });
  afterAll(async () => {
    await svc.close();
    entra.close();
  });
  const check = async (token: string) =>
    (await getJson(`${svc.url}/api/v1/policy`, { headers: { authorization: `Bearer ${token}` } })).status;

  it("accepts a v2 token (client ID, v2 issuer) and a v1 token (app ID URI, sts issuer)", async () => {
    expect(await check(await entra.sign({ tid: TENANT }))).toBe(200);
    const v1 = await entra.sign(
      { tid: TENANT },
      { aud: `api://mailtls.example.test/${CLIENT}`, iss: `https://sts.windows.net/${TENANT}/` },
    );
    expect(await check(v1)).toBe(200);
  });

  it("refuses an app-only token (no scp) and one for another scope: 403 insufficient-scope", async () => {
    const appOnly = await entra.sign({ tid: TENANT, scp: undefined, roles: [] });
    const r = await getJson(`${svc.url}/api/v1/policy`, { headers: { authorization: `Bearer ${appOnly}` } });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("insufficient-scope");
    expect(await check(await entra.sign({ tid: TENANT, scp: "User.Read" }))).toBe(403);
    // MAILTLS_ENTRA_SCOPE names another scope, or "none" for no check.
    const env = { MAILTLS_ENTRA_AUDIENCE: CLIENT, MAILTLS_ENTRA_TENANTS: TENANT };
    expect(serverConfigFromEnv(env as NodeJS.ProcessEnv).entra?.scope).toBe("access_as_user");
    expect(
      serverConfigFromEnv({ ...env, MAILTLS_ENTRA_SCOPE: "none" } as NodeJS.ProcessEnv).entra?.scope,
    ).toBeUndefined();
  });

  it("refuses another audience, and an issuer for another tenant than the token's", async () => {
    expect(await check(await entra.sign({ tid: TENANT }, { aud: "api://someone-else" }))).toBe(401);
    const mixed = await entra.sign({ tid: TENANT }, { iss: `https://sts.windows.net/${OTHER_TENANT}/` });
    expect(await check(mixed)).toBe(401);
  });
});

describe("CORS, security headers, rate limits", () => {
  let svc: RunningService;
  beforeAll(
    async () => (svc = await startService({ MAILTLS_RATE_LIMIT: "20", MAILTLS_REFRESH_RATE_LIMIT: "2" })),
  );
  afterAll(() => svc.close());

  it("answers the add-in's preflight for its own origin only", async () => {
    const ok = await fetch(`${svc.url}/api/v1/check`, {
      method: "OPTIONS",
      headers: {
        origin: "https://addin.example.test",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://addin.example.test");
    expect(ok.headers.get("access-control-allow-methods")).toContain("POST");
    const other = await fetch(`${svc.url}/api/v1/check`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("sends security headers on JSON answers, errors included", async () => {
    for (const path of ["/healthz", "/api/v1/domains/not_a_domain", "/no/such/route"]) {
      const r = await fetch(`${svc.url}${path}`);
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
      expect(r.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(r.headers.get("strict-transport-security")).toBeTruthy();
    }
  });

  it("limits refreshes more strictly than look-ups, with a clear 429", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await getJson(`${svc.url}/api/v1/domains/nullmx.test?refresh=true`)).status);
    expect(statuses).toEqual([200, 200, 429]);
    const limited = await getJson(`${svc.url}/api/v1/domains/nullmx.test?refresh=true`);
    expect(limited.body.error.code).toBe("rate-limited");
    // Plain look-ups have their own, larger allowance.
    expect((await getJson(`${svc.url}/api/v1/domains/nullmx.test`)).status).toBe(200);
  });

  it("limits look-ups per client", async () => {
    let last = 0;
    for (let i = 0; i < 25 && last !== 429; i++) last = (await getJson(`${svc.url}/api/v1/policy`)).status;
    expect(last).toBe(429);
    expect((await getJson(`${svc.url}/healthz`)).status).toBe(200); // health checks are never limited
  });
});
