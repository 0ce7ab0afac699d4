/**
 * The Exchange Online generator from the service (issue 16): a tenant's partners imported through
 * the admin API and probed by the real engine against the harness, the plan as JSON with reasons
 * in both languages, the .ps1 and its rollback as downloads, the generations remembered, access —
 * and drift: drift.test's MX is a forwarder that moves from a TLS Postfix to one without TLS, so
 * its grade really drops between two probes; the console's API and /metrics then say so.
 */
import pino from "pino";
import { redisFigures } from "../../src/server/admin/figuresRedis";
import { connectRedis, resilientRedisStore } from "../../src/server/store/redis";
import { type EntraStandIn, startEntraStandIn } from "../helpers/entra";
import { startForwarder } from "../helpers/forwarder";
import { emptyTenant, runScript, snapshot } from "../helpers/psSim";
import { startRedis } from "../helpers/redis";
import { getJson, type RunningService, startService } from "../helpers/service";

jest.setTimeout(120_000);

const CLIENT_ID = "0d2b5e3c-2222-4a4a-9b9b-123456789abc";
const A = "aaaaaaaa-5555-2222-3333-444444444444";
const B = "bbbbbbbb-5555-2222-3333-444444444444";
const OPERATOR = { "x-api-key": "operator-key" };
const TLS_POSTFIX = "127.0.0.11"; // mx1.good.test, which also presents mx.drift.test's certificate
const PLAIN_POSTFIX = "127.0.0.12"; // mx.notls.test: no STARTTLS
const PARTNERS = [
  "tls-ok.test",
  "mta-sts.test",
  "dane-ok.test",
  "selfsigned.test",
  "expired.test",
  "no-tls.test",
  "mixed.test",
  "down.test",
  "nullmx.test",
  "drift.test",
];

let entra: EntraStandIn;
let forwarder: Awaited<ReturnType<typeof startForwarder>>;
beforeAll(async () => {
  entra = await startEntraStandIn(CLIENT_ID);
  forwarder = await startForwarder("127.0.0.59", TLS_POSTFIX);
});
afterAll(async () => {
  entra.close();
  await forwarder.close();
});

const serviceEnv = () => ({
  MAILTLS_ENTRA_AUDIENCE: CLIENT_ID,
  MAILTLS_ENTRA_TENANTS: `${A},${B}`,
  MAILTLS_ENTRA_JWKS_URL: entra.jwksUrl,
  MAILTLS_ADMIN_KEYS: "operator-key",
  // Verdicts expire at once, so the drift watch re-checks generated partners in its next round.
  MAILTLS_TTL_TLS_SECONDS: "1",
  MAILTLS_TTL_SECURE_SECONDS: "1",
});
const adminOf = async (tid: string) => ({
  authorization: `Bearer ${await entra.sign({ tid, oid: "admin-1", roles: ["MailTLS.Admin"], scp: undefined })}`,
});

async function importPartners(svc: RunningService, headers: Record<string, string>, list: string[]) {
  const started = await getJson(`${svc.url}/api/v1/admin/imports`, {
    method: "POST",
    headers: { ...headers, "content-type": "text/plain" },
    body: list.join("\n"),
  });
  expect(started.status).toBe(202);
  for (let i = 0; i < 200; i++) {
    const job = (await getJson(`${svc.url}/api/v1/admin/imports/${started.body.id}`, { headers })).body;
    if (job.state === "done") return job;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("import did not finish");
}

const config = (svc: RunningService, headers: Record<string, string>, query = "") =>
  getJson(`${svc.url}/api/v1/admin/exchange-config${query}`, { headers });

describe("GET /api/v1/admin/exchange-config", () => {
  let svc: RunningService;
  let admin: Record<string, string>;
  beforeAll(async () => {
    forwarder.switchTo(TLS_POSTFIX);
    svc = await startService(serviceEnv());
    admin = await adminOf(A);
    await importPartners(svc, admin, PARTNERS);
  });
  afterAll(() => svc.close());

  it("previews the plan from the stored verdicts: who is in, who is out and why, in Japanese and English", async () => {
    const r = await config(svc, admin);
    expect(r.status).toBe(200);
    const p = r.body;
    expect(p.source).toEqual({ kind: "service", tenant: A });
    expect(p.included.map((x: { domain: string }) => x.domain).sort()).toEqual(
      ["dane-ok.test", "drift.test", "mta-sts.test", "tls-ok.test"].sort(),
    );
    const out = Object.fromEntries(
      p.excluded.map((x: { domain: string; reason: string }) => [x.domain, x.reason]),
    );
    expect(out).toEqual({
      "selfsigned.test": "cert-unverified",
      "expired.test": "cert-unverified",
      "no-tls.test": "no-tls",
      "mixed.test": "partial",
      "down.test": "unknown",
      "nullmx.test": "no-mail",
    });
    const noTls = p.excluded.find((x: { domain: string }) => x.domain === "no-tls.test");
    expect(noTls.why.ja).toMatch(/STARTTLS/);
    expect(noTls.why.en).toMatch(/would not arrive/);
    expect(p.rule).toMatchObject({ mode: "Audit" });
    expect(p.rule.rejectText.length).toBeLessThanOrEqual(1024);
    // With the options the console offers.
    const more = (await config(svc, admin, "?includeUnverified=true&enforce=true")).body;
    expect(more.included.map((x: { domain: string }) => x.domain)).toEqual(
      expect.arrayContaining(["selfsigned.test", "expired.test"]),
    );
    expect(more.rule.mode).toBe("Enforce");
    // Nothing was remembered for a preview.
    expect(
      (await getJson(`${svc.url}/api/v1/admin/exchange-config/generations`, { headers: admin })).body,
    ).toEqual({
      generations: [],
      drift: [],
    });
  });

  it("downloads the script (BOM, a file name) and remembers the generation; the rollback undoes that one", async () => {
    const res = await fetch(`${svc.url}/api/v1/admin/exchange-config?format=ps1`, { headers: admin });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="mailtls-exchange-\d{8}-\d{4}\.ps1"$/,
    );
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const script = bytes.toString("utf8");
    expect(script.replace(/\r\n# /g, " ")).toMatch(
      /from the MailTLS Guard service's verdicts of the last 7 days, tenant aaaaaaaa/,
    );
    const id = res.headers.get("x-generation-id");
    const gens = (await getJson(`${svc.url}/api/v1/admin/exchange-config/generations`, { headers: admin }))
      .body;
    expect(gens.generations).toHaveLength(1);
    expect(gens.generations[0]).toMatchObject({ id, mode: "Audit", partners: 4 });
    expect(gens.drift).toEqual([]);

    const rb = await fetch(`${svc.url}/api/v1/admin/exchange-config?format=ps1&rollback=true`, {
      headers: admin,
    });
    expect(rb.status).toBe(200);
    expect(rb.headers.get("x-generation-id")).toBe(id);
    expect(rb.headers.get("content-disposition")).toMatch(/-rollback\.ps1"$/);
    const rollback = Buffer.from(await rb.arrayBuffer()).toString("utf8");
    const tenant = emptyTenant();
    runScript(script, tenant);
    expect(tenant.connectors.size).toBe(3);
    runScript(rollback, tenant);
    expect(snapshot(tenant)).toEqual(snapshot(emptyTenant()));
  });

  it("keeps what one tenant generated from another; users and strangers get nothing", async () => {
    const other = await adminOf(B);
    expect(
      (await getJson(`${svc.url}/api/v1/admin/exchange-config/generations`, { headers: other })).body
        .generations,
    ).toEqual([]);
    expect((await config(svc, other, "?format=ps1&rollback=true")).status).toBe(404);
    expect((await config(svc, other, `?tenant=${A}`)).status).toBe(403);
    const user = { authorization: `Bearer ${await entra.sign({ tid: A, oid: "user-1" })}` };
    expect((await config(svc, user)).status).toBe(403);
    expect((await config(svc, {})).status).toBe(401);
    // Operators choose the tenant.
    expect(
      (
        await getJson(`${svc.url}/api/v1/admin/exchange-config/generations?tenant=${A}`, {
          headers: OPERATOR,
        })
      ).body.generations,
    ).toHaveLength(1);
  });

  it("refuses bad questions", async () => {
    for (const q of [
      "?format=xml",
      "?maxAgeDays=0",
      "?maxAgeDays=400",
      "?generation=short&rollback=true",
      "?generation=AAAAAAAAAAAAAAAA",
      "?extra=1",
    ])
      expect([q, (await config(svc, admin, q)).status]).toEqual([q, 400]);
    expect((await config(svc, admin, "?format=ps1&rollback=true&generation=AAAAAAAAAAAAAAAA")).status).toBe(
      404,
    );
  });

  it("drift: when a generated partner's TLS breaks, the watch re-checks it and the console and /metrics say so", async () => {
    forwarder.switchTo(PLAIN_POSTFIX);
    await new Promise((r) => setTimeout(r, 1100)); // the verdicts expire (TTL 1 s)
    const round = await svc.app.exchangeWatch.run();
    expect(round.refreshed).toBeGreaterThanOrEqual(4);
    expect(round.drift).toBe(1);
    const gens = (await getJson(`${svc.url}/api/v1/admin/exchange-config/generations`, { headers: admin }))
      .body;
    expect(gens.drift).toEqual([
      expect.objectContaining({
        domain: "drift.test",
        connector: "MailTLS Guard - TLS validated 01",
        tlsSettings: "CertificateValidation",
        grade: "no-tls",
        reason: "no-tls",
        why: { ja: expect.stringMatching(/STARTTLS/), en: expect.stringMatching(/would not arrive/) },
      }),
    ]);
    const metrics = (await getJson(`${svc.url}/metrics`)).body as string;
    expect(metrics).toMatch(/^mailtls_exchange_drift_partners 1$/m);
    expect(metrics).toMatch(/^mailtls_exchange_drift_detected_total 1$/m);
    // The next plan leaves it out, and running that script takes it out of the connector.
    const p = (await config(svc, admin)).body;
    expect(p.excluded.find((x: { domain: string }) => x.domain === "drift.test")?.reason).toBe("no-tls");
    // Fixed again: no drift.
    forwarder.switchTo(TLS_POSTFIX);
    await getJson(`${svc.url}/api/v1/admin/domains/drift.test/refresh`, { method: "POST", headers: admin });
    expect(
      (await getJson(`${svc.url}/api/v1/admin/exchange-config/generations`, { headers: admin })).body.drift,
    ).toEqual([]);
    expect((await getJson(`${svc.url}/metrics`)).body).toMatch(/^mailtls_exchange_drift_partners 0$/m);
  });
});

describe("two instances on one Redis share the generations", () => {
  it("one generates, the other lists it, gives its rollback and sees its drift", async () => {
    forwarder.switchTo(TLS_POSTFIX);
    const server = await startRedis(6397);
    const silent = pino({ level: "silent" });
    const make = async () => {
      const redis = connectRedis(server.url);
      redis.on("error", () => undefined);
      for (let i = 0; i < 50 && redis.status !== "ready"; i++) await new Promise((r) => setTimeout(r, 20));
      const store = resilientRedisStore(redis, silent);
      const svc = await startService(serviceEnv(), { store, redis, figures: redisFigures(redis, 30) });
      return { svc, redis };
    };
    const a = await make();
    const b = await make();
    try {
      const admin = await adminOf(A);
      await importPartners(a.svc, admin, ["tls-ok.test", "drift.test", "no-tls.test"]);
      const res = await fetch(`${a.svc.url}/api/v1/admin/exchange-config?format=ps1`, { headers: admin });
      const id = res.headers.get("x-generation-id");
      expect(res.status).toBe(200);
      const fromB = (
        await getJson(`${b.svc.url}/api/v1/admin/exchange-config/generations`, { headers: admin })
      ).body;
      expect(fromB.generations.map((g: { id: string }) => g.id)).toEqual([id]);
      const rb = await fetch(`${b.svc.url}/api/v1/admin/exchange-config?format=ps1&rollback=true`, {
        headers: admin,
      });
      expect(rb.headers.get("x-generation-id")).toBe(id);
      forwarder.switchTo(PLAIN_POSTFIX);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await b.svc.app.exchangeWatch.run()).drift).toBe(1);
      // The other instance holds verdicts in memory for up to 5 s in front of Redis.
      let seen: string[] = [];
      for (let i = 0; i < 70 && seen.length === 0; i++) {
        const gens = await getJson(`${a.svc.url}/api/v1/admin/exchange-config/generations`, {
          headers: admin,
        });
        seen = gens.body.drift.map((d: { domain: string }) => d.domain);
        if (seen.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      expect(seen).toEqual(["drift.test"]);
    } finally {
      forwarder.switchTo(TLS_POSTFIX);
      for (const one of [a, b]) {
        await one.svc.close();
        one.redis.disconnect();
      }
      await server.stop();
    }
  });
});
