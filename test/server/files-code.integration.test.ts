import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { serverConfigFromEnv } from "../../src/server/config";
import {
  type Answer,
  answer,
  closeAllFileServices,
  startFileService,
  type Svc,
} from "../helpers/filesService";
import { codeFor, freshAddress, header, mailTo, RELAY } from "../helpers/relayInbox";

/**
 * One-time download codes: links from the built-in store that only the named recipients can use,
 * with the code mailed through a real relay — the harness's Postfix on 127.0.0.41, which delivers
 * every message to one maildir.
 */

afterEach(closeAllFileServices);

const fresh = freshAddress;

const form = (svc: Svc, path: string, fields: Record<string, string>, lang = "en"): Promise<Answer> =>
  fetch(`${svc.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "accept-language": lang },
    body: new URLSearchParams(fields).toString(),
  }).then(answer);

describe("one-time download codes through a relay", () => {
  it("only a named recipient gets a code, by mail, and only the right code downloads, once", async () => {
    const svc = await startFileService({ env: RELAY });
    const alice = fresh("partner.test");
    const bob = fresh("notls.test");
    const file = randomBytes(5000);
    const up = await svc.upload(
      file,
      `name=q.pdf&from=ours.example&to=${encodeURIComponent(`${alice}, ${bob}`)}`,
    );
    expect(up.status).toBe(201);
    expect(up.body.oneTimeCode).toBe(true);
    const { token } = up.body;

    // The page asks for an address; the recipients' addresses appear nowhere on it.
    const page = await fetch(`${svc.url}/d/${token}`).then(answer);
    expect(page.body).toContain(`action="/d/${token}/code"`);
    expect(page.body).not.toContain(alice);
    // The download button without a code gives nothing.
    const bare = await form(svc, `/d/${token}`, {});
    expect(bare.status).toBe(403);
    expect(bare.headers.get("content-disposition")).toBeNull();

    // Someone else gets the same page as a recipient, and no mail.
    const eve = fresh("evil.test");
    const neutral = await form(svc, `/d/${token}/code`, { address: eve });
    expect(neutral.status).toBe(200);
    expect(neutral.body).toContain(`If ${eve} is a recipient`);

    // The recipient (in any letter case) gets a code through Postfix.
    const asked = await form(svc, `/d/${token}/code`, { address: alice.toUpperCase() }, "ja");
    expect(asked.status).toBe(200);
    expect(asked.body).toContain('name="code"');
    const code = await codeFor(alice);
    const mail = mailTo(alice)[0];
    expect(mail).toMatch(/^From: noreply@ours\.example/m);
    // Asked from a Japanese browser: the mail is in Japanese.
    expect(header(mail, "Subject")).toBe(`ダウンロードの確認コード: ${code}`);
    expect(mailTo(eve)).toEqual([]);

    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    const refused = await form(svc, `/d/${token}`, { address: alice, code: wrong });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain("wrong or has expired");
    expect(svc.files.info(token)).toMatchObject({ ok: true, meta: { downloads: 0 } });

    const got = await form(svc, `/d/${token}`, { address: alice, code });
    expect(got.status).toBe(200);
    expect(got.bytes.equals(file)).toBe(true);
    // Used once: the same code does not open it again.
    expect((await form(svc, `/d/${token}`, { address: alice, code })).status).toBe(403);
  });

  it("a code allows 5 guesses; a new one comes only after 30 s, and at most 5 in all", async () => {
    const svc = await startFileService({ env: RELAY });
    const alice = fresh("partner.test");
    const { token } = (await svc.upload("x", `name=a.txt&to=${alice}`)).body;
    expect((await form(svc, `/d/${token}/code`, { address: alice })).status).toBe(200);
    const code = await codeFor(alice);
    for (let i = 0; i < 5; i++) await form(svc, `/d/${token}`, { address: alice, code: "000000" });
    expect((await form(svc, `/d/${token}`, { address: alice, code })).status).toBe(403);
    const soon = await form(svc, `/d/${token}/code`, { address: alice });
    expect(soon.status).toBe(429);
    for (let sent = 1; sent < 5; sent++) {
      svc.clock.now += 31_000;
      expect((await form(svc, `/d/${token}/code`, { address: alice })).status).toBe(200);
    }
    svc.clock.now += 31_000;
    const many = await form(svc, `/d/${token}/code`, { address: alice });
    expect(many.status).toBe(429);
    expect(many.body).toContain("No more codes");
  });

  it("asking for codes or guessing is limited to 20 a minute per client address", async () => {
    const svc = await startFileService({ env: RELAY });
    const { token } = (await svc.upload("x", `name=a.txt&to=${fresh("partner.test")}`)).body;
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++)
      statuses.push((await form(svc, `/d/${token}/code`, { address: fresh("evil.test") })).status);
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it("a code expires after 10 minutes", async () => {
    const svc = await startFileService({ env: RELAY });
    const alice = fresh("partner.test");
    const { token } = (await svc.upload("x", `name=a.txt&to=${alice}`)).body;
    await form(svc, `/d/${token}/code`, { address: alice });
    const code = await codeFor(alice);
    svc.clock.now += 10 * 60 * 1000 + 1;
    expect((await form(svc, `/d/${token}`, { address: alice, code })).status).toBe(403);
  });

  it("without recipients, or with the policy off, a link needs no code", async () => {
    const svc = await startFileService({ env: RELAY });
    const none = await svc.upload("x", "name=a.txt");
    expect(none.body.oneTimeCode).toBe(false);
    expect((await form(svc, `/d/${none.body.token}`, {})).bytes.toString()).toBe("x");
    const off = await startFileService({ env: RELAY, links: { oneTimeCode: false } });
    const up = await off.upload("y", `name=a.txt&to=${fresh("partner.test")}`);
    expect(up.body.oneTimeCode).toBe(false);
    expect((await form(off, `/d/${up.body.token}`, {})).bytes.toString()).toBe("y");
  });

  it("bad recipient lists are refused and store nothing", async () => {
    const svc = await startFileService({ env: RELAY });
    for (const to of [
      "not-an-address",
      "a@b@c.test",
      "x@-bad-.test",
      Array.from({ length: 101 }, (_, i) => `u${i}@p.test`).join(","),
    ]) {
      const r = await svc.upload("x", `name=a.txt&to=${encodeURIComponent(to)}`);
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(/^to: /);
    }
    const dir = join(svc.dir, "files");
    expect(existsSync(dir) ? readdirSync(dir).filter((f) => /^[0-9a-f]{64}$/.test(f)) : []).toEqual([]);
  });

  it("when the relay cannot be reached the page says so (503) and nothing is downloaded", async () => {
    const svc = await startFileService({
      env: { MAILTLS_SMTP_RELAY: "smtp://127.0.0.42:25", MAILTLS_MAIL_FROM: "noreply@ours.example" },
    });
    const alice = fresh("partner.test");
    const { token } = (await svc.upload("x", `name=a.txt&to=${alice}`)).body;
    const r = await form(svc, `/d/${token}/code`, { address: alice });
    expect(r.status).toBe(503);
    expect(r.body).toContain("could not be sent");
  });

  it("the relay settings are checked at start", () => {
    const cfg = (env: Record<string, string>) => () => serverConfigFromEnv(env as NodeJS.ProcessEnv);
    expect(cfg({ MAILTLS_SMTP_RELAY: "relay.example.jp", MAILTLS_MAIL_FROM: "a@b.jp" })).toThrow(/not a URL/);
    expect(cfg({ MAILTLS_SMTP_RELAY: "http://relay.example.jp", MAILTLS_MAIL_FROM: "a@b.jp" })).toThrow(
      /smtp:/,
    );
    expect(cfg({ MAILTLS_SMTP_RELAY: "smtp://relay.example.jp" })).toThrow(/MAILTLS_MAIL_FROM/);
    expect(
      cfg({ MAILTLS_SMTP_RELAY: "smtp://relay.example.jp:587", MAILTLS_MAIL_FROM: "a@b.jp" })().mail,
    ).toEqual({
      relayUrl: "smtp://relay.example.jp:587",
      from: "a@b.jp",
    });
  });
});
