/**
 * The admin console's API (issue 15): the add-in's real event bundle, in the DOM-less vm, reports
 * its decisions for its tenant; the summary, partners, imports and access rules read them back.
 * SQLite here; two instances sharing one real Redis below.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import pino from "pino";
import { redisFigures } from "../../src/server/admin/figuresRedis";
import { connectRedis, resilientRedisStore } from "../../src/server/store/redis";
import { type EntraStandIn, startEntraStandIn } from "../helpers/entra";
import { buildEventBundle, loadEventBundle } from "../helpers/eventBundle";
import { fixture } from "../helpers/fixtures";
import type { FakeMailbox } from "../helpers/outlook";
import { startRedis } from "../helpers/redis";
import { getJson, postJson, type RunningService, startService } from "../helpers/service";

jest.setTimeout(60_000);

const CLIENT_ID = "0d2b5e3c-1111-4a4a-9b9b-123456789abc";
const A = "aaaaaaaa-1111-2222-3333-444444444444";
const B = "bbbbbbbb-1111-2222-3333-444444444444";
const OPERATOR = { "x-api-key": "operator-key" };

// What a user writes; none of it may reach the service's files, Redis or logs.
const PERSONAL = ["yamada.taro", "極秘見積", "見積書 極秘 2026", "口座番号 1234567", "suzuki.hanako"];

let entra: EntraStandIn;
let bundle: string;
beforeAll(async () => {
  entra = await startEntraStandIn(CLIENT_ID);
  bundle = buildEventBundle({ MAILTLS_ENTRA_CLIENT_ID: CLIENT_ID });
}, 180_000);
afterAll(() => entra.close());

function serviceEnv(extra: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "mailtls-admin-"));
  // Tenant B has turned the reports off.
  writeFileSync(join(dir, `${B}.json`), JSON.stringify({ telemetry: false }));
  return {
    MAILTLS_ENTRA_AUDIENCE: CLIENT_ID,
    MAILTLS_ENTRA_TENANTS: `${A},${B}`,
    MAILTLS_ENTRA_JWKS_URL: entra.jwksUrl,
    MAILTLS_ADMIN_KEYS: "operator-key",
    MAILTLS_POLICY_DIR: dir,
    ...extra,
  };
}

const user = (tid: string, oid = "user-1") => entra.sign({ tid, oid });
const tenantAdmin = (tid: string) =>
  entra.sign({ tid, oid: "admin-1", roles: ["MailTLS.Admin"], scp: undefined });

/** A draft in the DOM-less vm, signed in as a user of `tid`, calling `svc`. */
async function draft(svc: RunningService, tid: string, box: Partial<FakeMailbox>) {
  const token = await user(tid);
  return loadEventBundle(
    bundle,
    {
      to: ["yamada.taro@notls.test", "suzuki.hanako@good.test"],
      body: "口座番号 1234567",
      sso: { token: async () => token },
      ...box,
    },
    { serviceUrl: () => svc.url },
  );
}

/** Lets the add-in's report (fired alongside the send) arrive, and the counter write it. */
async function settle(...services: RunningService[]) {
  await new Promise((r) => setTimeout(r, 300));
  for (const s of services) await s.app.counter.flush();
}

async function summaryOf(svc: RunningService, headers: Record<string, string>, query = "") {
  return getJson(`${svc.url}/api/v1/admin/summary${query}`, { headers });
}

describe("the tenant's figures from the add-in's real traffic (SQLite)", () => {
  let svc: RunningService;
  beforeAll(async () => (svc = await startService(serviceEnv())));
  afterAll(() => svc.close());

  it("a blocked password ZIP, then the same item sent with a plain PDF: the summary shows both", async () => {
    const outlook = await draft(svc, A, {
      attachments: [{ id: "z1", name: "極秘見積.zip", bytes: fixture("zipcrypto.zip") }],
    });
    outlook.sim.setSubject("見積書 極秘 2026");
    const first = await outlook.fire("onMessageSendHandler");
    expect(first.options?.allowEvent).toBe(false);
    // The user follows the advice: the ZIP out, the file attached plainly.
    outlook.sim.removeAttachment("z1");
    await outlook.sim.addAttachment("極秘見積.pdf", fixture("plain.pdf"), { id: "p1" }).launched;
    const second = await outlook.fire("onMessageSendHandler");
    // Plain file to a partner without TLS: a warning (the user may send anyway).
    expect(second.options?.allowEvent).toBe(false);
    await settle(svc);
    const { status, body } = await summaryOf(svc, { authorization: `Bearer ${await tenantAdmin(A)}` });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      tenant: A,
      partners: { total: 2, grades: { tls: 1, "no-tls": 1 }, encryptedShare: 0.5 },
      sends: { checked: 2, blocked: 1, warned: 1, passwordAttachments: 1, resolved: { plainAttachments: 1 } },
    });
    expect(body.lookups.total).toBeGreaterThanOrEqual(2);
    expect(body.weeks.length).toBeGreaterThanOrEqual(5);
  });

  it("a block resolved with a download link the pane inserted, and without attachments", async () => {
    const before = (await summaryOf(svc, OPERATOR, `?tenant=${A}`)).body.sends;
    for (const how of ["link", "none"] as const) {
      const outlook = await draft(svc, A, {
        to: ["partner@good.test"],
        attachments: [{ id: "z1", name: "a.zip", bytes: fixture("zipcrypto.zip") }],
      });
      expect((await outlook.fire("onMessageSendHandler")).options?.allowEvent).toBe(false);
      outlook.sim.removeAttachment("z1");
      if (how === "link") {
        // What the pane does when it replaces the file: notes it for the send, and reports it.
        const item = outlook.Office.context.mailbox.item as unknown as {
          sessionData: { setAsync(k: string, v: string, cb: () => void): void };
        };
        await new Promise<void>((r) => item.sessionData.setAsync("mailtls.link", "1", () => r()));
        const ev = await postJson(
          `${svc.url}/api/v1/events`,
          { kind: "link" },
          { authorization: `Bearer ${await user(A)}` },
        );
        expect(ev.status).toBe(204);
      }
      expect((await outlook.fire("onMessageSendHandler")).options?.allowEvent).toBe(true);
    }
    await settle(svc);
    const after = (await summaryOf(svc, OPERATOR, `?tenant=${A}`)).body.sends;
    expect(after.resolved.downloadLink - before.resolved.downloadLink).toBe(1);
    expect(after.resolved.noAttachments - before.resolved.noAttachments).toBe(1);
    expect(after.linksInserted - before.linksInserted).toBe(1);
    expect(after.blocked - before.blocked).toBe(2);
  });

  it("a tenant whose policy turns telemetry off counts nothing", async () => {
    const outlook = await draft(svc, B, {
      attachments: [{ id: "z1", name: "a.zip", bytes: fixture("zipcrypto.zip") }],
    });
    await outlook.fire("onMessageSendHandler");
    await settle(svc);
    const { body } = await summaryOf(svc, OPERATOR, `?tenant=${B}`);
    expect(body.partners.total).toBe(0);
    expect(body.sends.checked).toBe(0);
  });

  it("tenant A's admin cannot read tenant B; a user's token and no credentials are refused", async () => {
    const adminA = { authorization: `Bearer ${await tenantAdmin(A)}` };
    expect((await summaryOf(svc, adminA, `?tenant=${B}`)).status).toBe(403);
    expect((await summaryOf(svc, adminA, `?tenant=${A}`)).status).toBe(200);
    const adminB = await summaryOf(svc, { authorization: `Bearer ${await tenantAdmin(B)}` });
    expect(adminB.body.tenant).toBe(B);
    const refused = await summaryOf(svc, { authorization: `Bearer ${await user(A)}` });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain("MailTLS.Admin");
    expect((await summaryOf(svc, {})).status).toBe(401);
    expect((await summaryOf(svc, OPERATOR, "?tenant=not-a-tenant")).status).toBe(400);
    // Tenant admins see their own tenant in the list; operators see every one with figures.
    expect((await getJson(`${svc.url}/api/v1/admin/tenants`, { headers: adminA })).body).toEqual({
      tenants: [A],
    });
    expect((await getJson(`${svc.url}/api/v1/admin/tenants`, { headers: OPERATOR })).body.tenants).toContain(
      A,
    );
  });

  it.each([
    [
      "a field beyond the schema (a subject)",
      {
        kind: "send",
        action: "allow",
        reasons: [],
        domains: [],
        attachments: { protected: 0, plain: 0, cloud: 0 },
        subject: "x",
      },
    ],
    [
      "an address for a domain",
      {
        kind: "send",
        action: "allow",
        reasons: [],
        domains: [{ domain: "taro@good.test", grade: "tls" }],
        attachments: { protected: 0, plain: 0, cloud: 0 },
      },
    ],
    [
      "an unknown reason",
      {
        kind: "send",
        action: "block",
        reasons: ["file-name:x.zip"],
        domains: [],
        attachments: { protected: 0, plain: 0, cloud: 0 },
      },
    ],
    ["an unknown kind", { kind: "subject", text: "x" }],
  ])("an event with %s is refused (400) and counts nothing", async (_, event) => {
    const before = (await summaryOf(svc, OPERATOR, `?tenant=${A}`)).body.sends.checked;
    const r = await postJson(`${svc.url}/api/v1/events`, event, { authorization: `Bearer ${await user(A)}` });
    expect(r.status).toBe(400);
    await settle(svc);
    expect((await summaryOf(svc, OPERATOR, `?tenant=${A}`)).body.sends.checked).toBe(before);
  });

  it("an import: 202 at once, the domains join the partners, then are checked in the background", async () => {
    const csv = [
      "Received,SenderAddress,RecipientAddress,Subject",
      ...Array.from({ length: 40 }, (_, i) => `2026-11-30,x@ours.example,p${i}@i${i}.bulk.test,hello`),
      "2026-11-30,x@ours.example,a@good.test,again",
    ].join("\n");
    const adminA = { authorization: `Bearer ${await tenantAdmin(A)}` };
    const started = await getJson(`${svc.url}/api/v1/admin/imports`, {
      method: "POST",
      headers: { ...adminA, "content-type": "text/csv" },
      body: csv,
    });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ id: expect.any(String), total: 41, column: "RecipientAddress" });
    let job;
    for (let i = 0; i < 100; i++) {
      job = (await getJson(`${svc.url}/api/v1/admin/imports/${started.body.id}`, { headers: adminA })).body;
      if (job.state !== "running") break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(job).toMatchObject({ total: 41, done: 41, state: "done", grades: { tls: 41 } });
    // Another tenant's admin does not see it.
    expect(
      (
        await getJson(`${svc.url}/api/v1/admin/imports/${started.body.id}`, {
          headers: { authorization: `Bearer ${await tenantAdmin(B)}` },
        })
      ).status,
    ).toBe(404);
    const partners = await getJson(`${svc.url}/api/v1/admin/domains?limit=10000`, { headers: adminA });
    expect(
      partners.body.domains.filter((d: { domain: string }) => d.domain.endsWith(".bulk.test")),
    ).toHaveLength(40);
  });

  it.each([
    ["binary data", Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 1, 2, 3]), 400],
    ["no address or domain at all", Buffer.from("just some words\nand more\n"), 400],
    ["over 10 MB", Buffer.alloc(10 * 1024 * 1024 + 10, 0x61), 413],
  ])("a bad file (%s) gets a clear 4xx and adds no partner", async (_, body, status) => {
    const before = (await summaryOf(svc, OPERATOR, `?tenant=${A}`)).body.partners.total;
    const r = await getJson(`${svc.url}/api/v1/admin/imports?tenant=${A}`, {
      method: "POST",
      headers: { ...OPERATOR, "content-type": "text/plain" },
      body,
    });
    expect(r.status).toBe(status);
    expect(r.body.error.code).toBeDefined();
    expect((await summaryOf(svc, OPERATOR, `?tenant=${A}`)).body.partners.total).toBe(before);
  });

  it("nothing that identifies a person is in the database or the logs", async () => {
    await settle(svc);
    const dir = dirname(svc.dbPath);
    const files = readdirSync(dir).map((f) => readFileSync(join(dir, f)).toString("utf8"));
    for (const text of [...files, svc.logs.join("\n")])
      for (const p of PERSONAL) expect(text).not.toContain(p);
    // And what is there is what the console needs.
    expect(files.join("")).toContain("notls.test");
  });
});

describe("two instances sharing one Redis count into one tenant", () => {
  it("look-ups and decisions through either instance add up; nothing personal is in Redis", async () => {
    const server = await startRedis(6395);
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
      for (const one of [a, b]) {
        const outlook = await draft(one.svc, A, {
          attachments: [{ id: "z1", name: "極秘見積.zip", bytes: fixture("zipcrypto.zip") }],
        });
        outlook.sim.setSubject("見積書 極秘 2026");
        expect((await outlook.fire("onMessageSendHandler")).options?.allowEvent).toBe(false);
      }
      await settle(a.svc, b.svc);
      const fromB = (await summaryOf(b.svc, OPERATOR, `?tenant=${A}`)).body;
      expect(fromB.sends).toMatchObject({ checked: 2, blocked: 2, passwordAttachments: 2 });
      expect(fromB.partners.total).toBe(2);
      expect((await summaryOf(a.svc, OPERATOR, `?tenant=${A}`)).body.sends.checked).toBe(2);
      // Every key and value in Redis, as text.
      const keys = await a.redis.keys("*");
      const dump: string[] = [...keys];
      for (const k of keys) {
        const type = await a.redis.type(k);
        if (type === "string") dump.push(String(await a.redis.get(k)));
        else if (type === "hash") dump.push(JSON.stringify(await a.redis.hgetall(k)));
        else if (type === "set") dump.push(JSON.stringify(await a.redis.smembers(k)));
        else if (type === "zset") dump.push(JSON.stringify(await a.redis.zrange(k, "0", "-1", "WITHSCORES")));
      }
      const text = dump.join("\n");
      for (const p of PERSONAL) expect(text).not.toContain(p);
      expect(text).toContain("notls.test");
      for (const s of [a.svc, b.svc]) for (const p of PERSONAL) expect(s.logs.join("\n")).not.toContain(p);
    } finally {
      for (const x of [a, b]) {
        await x.svc.close();
        x.redis.disconnect();
      }
      await server.stop();
    }
  });
});
