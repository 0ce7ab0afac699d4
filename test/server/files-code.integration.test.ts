import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { serverConfigFromEnv } from "../../src/server/config";
import { neutralFileName } from "../../src/server/files/page";
import {
  type Answer,
  answer,
  closeAllFileServices,
  startFileService,
  type Svc,
} from "../helpers/filesService";
import { codeFor, codesFor, freshAddress, header, mailTo, RELAY } from "../helpers/relayInbox";

/**
 * One-time download codes: links from the built-in store that only the named recipients can use,
 * with the code mailed through a real relay — the harness's Postfix on 127.0.0.41, which delivers
 * every message to one maildir.
 */

afterEach(closeAllFileServices);

const fresh = freshAddress;

/** The code form's challenge: the code mailed for it opens the file from that page only. */
const challengeOf = (page: Answer): string =>
  /name="challenge" value="([A-Za-z0-9_-]+)"/.exec(String(page.body))?.[1] ?? "";

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

    const challenge = challengeOf(asked);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    const refused = await form(svc, `/d/${token}`, { address: alice, code: wrong, challenge });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain("wrong or has expired");
    expect(svc.files.info(token)).toMatchObject({ ok: true, meta: { downloads: 0 } });
    // The right code without the page's challenge, or for another address, opens nothing.
    expect((await form(svc, `/d/${token}`, { address: alice, code })).status).toBe(403);
    expect((await form(svc, `/d/${token}`, { address: bob, code, challenge })).status).toBe(403);

    const got = await form(svc, `/d/${token}`, { address: alice, code, challenge });
    expect(got.status).toBe(200);
    expect(got.bytes.equals(file)).toBe(true);
    // Used once: the same code does not open it again.
    expect((await form(svc, `/d/${token}`, { address: alice, code, challenge })).status).toBe(403);
  });

  it("the code mail carries only a short, neutral form of the uploader's file name", async () => {
    const svc = await startFileService({ env: RELAY });
    const alice = fresh("partner.test");
    const name = "URGENT: your account is locked, mail help@evil.example or call 03-1234 now.pdf";
    const { token } = (await svc.upload("x", `name=${encodeURIComponent(name)}&to=${alice}`)).body;
    await form(svc, `/d/${token}/code`, { address: alice });
    await codeFor(alice);
    const mail = mailTo(alice)[0];
    // The text part, quoted-printable decoded.
    const body = Buffer.from(
      mail
        .slice(mail.search(/\r?\n\r?\n/))
        .replace(/=\r?\n/g, "")
        .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      "latin1",
    ).toString("utf8");
    const shown = /download "([^"]*)"/.exec(body)?.[1];
    expect(shown).toBe("URGENT your account is l….pdf");
    // The store keeps the name as given (for the page); only the mail shortens it.
    expect(svc.files.info(token)).toMatchObject({ ok: true, meta: { name } });
  });

  it("a code allows 5 guesses, from the page that asked for it only: a stranger cannot spend them", async () => {
    const svc = await startFileService({ env: RELAY });
    const alice = fresh("partner.test");
    const { token } = (await svc.upload("x", `name=a.txt&to=${alice}`)).body;
    // A stranger who knows Alice's address asks for codes and guesses with their own page.
    const strangers = await form(svc, `/d/${token}/code`, { address: alice });
    for (let i = 0; i < 5; i++)
      await form(svc, `/d/${token}`, { address: alice, code: "000000", challenge: challengeOf(strangers) });
    // Alice's own page and code still work.
    const own = await form(svc, `/d/${token}/code`, { address: alice });
    await svc.app.codes.idle();
    const codes = await codesFor(alice, 2);
    // Both mailed codes: the stranger's page is used up (5 guesses) and opens with neither.
    for (const code of codes)
      expect(
        (await form(svc, `/d/${token}`, { address: alice, code, challenge: challengeOf(strangers) })).status,
      ).toBe(403);
    const challenge = challengeOf(own);
    for (let i = 0; i < 3; i++)
      expect((await form(svc, `/d/${token}`, { address: alice, code: "999999", challenge })).status).toBe(
        403,
      );
    // Of the two codes, only the one mailed for Alice's page opens it (the 4th and 5th guesses).
    const tries = [];
    for (const code of codes)
      tries.push((await form(svc, `/d/${token}`, { address: alice, code, challenge })).status);
    expect(tries.sort()).toEqual([200, 403]);
  });

  it("at most 10 code mails an hour per recipient and file; the page reads the same past the limit", async () => {
    const svc = await startFileService({ env: RELAY, links: { maxDownloads: 1 } });
    const alice = fresh("partner.test");
    const { token } = (await svc.upload("x", `name=a.txt&to=${alice}`)).body;
    const pages: Answer[] = [];
    for (let i = 0; i < 12; i++) pages.push(await form(svc, `/d/${token}/code`, { address: alice }));
    await svc.app.codes.idle();
    expect(pages.map((p) => p.status)).toEqual(new Array(12).fill(200));
    const words = (p: Answer) => String(p.body).replace(/name="challenge" value="[^"]*"/, "");
    expect(new Set(pages.map(words)).size).toBe(1);
    expect((await codesFor(alice, 10)).length).toBe(10);
    await new Promise((r) => setTimeout(r, 500));
    expect(mailTo(alice).length).toBe(10);
    // An hour later the window has moved on.
    svc.clock.now += 3600 * 1000 + 1;
    await form(svc, `/d/${token}/code`, { address: alice });
    await svc.app.codes.idle();
    expect((await codesFor(alice, 11)).length).toBe(11);
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
    const asked = await form(svc, `/d/${token}/code`, { address: alice });
    const code = await codeFor(alice);
    svc.clock.now += 10 * 60 * 1000 + 1;
    expect(
      (await form(svc, `/d/${token}`, { address: alice, code, challenge: challengeOf(asked) })).status,
    ).toBe(403);
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

  it("when the relay is down or stalls, recipients and strangers get the same page as fast; only codes are logged", async () => {
    // A relay that accepts connections and never says a word.
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as AddressInfo).port;
    const logs: string[] = [];
    const svc = await startFileService({
      env: {
        MAILTLS_SMTP_RELAY: `smtp://127.0.0.1:${port}`,
        MAILTLS_MAIL_FROM: "noreply@ours.example",
        MAILTLS_LOG_LEVEL: "info",
      },
      logStream: { write: (l: string) => void logs.push(l) },
    });
    const alice = fresh("partner.test");
    const eve = fresh("evil.test");
    try {
      const { token } = (await svc.upload("x", `name=a.txt&to=${alice}`)).body;
      const timed = async (address: string) => {
        const t0 = performance.now();
        const r = await form(svc, `/d/${token}/code`, { address });
        return { r, ms: performance.now() - t0 };
      };
      const runs: Array<{ who: string; ms: number; r: Answer }> = [];
      for (let i = 0; i < 4; i++)
        for (const [who, a] of [
          ["recipient", alice],
          ["stranger", eve],
        ] as const)
          runs.push({ who, ...(await timed(a)) });
      for (const run of runs) {
        expect(run.r.status).toBe(200);
        // Before, a recipient's answer waited for the relay (here: never).
        expect(run.ms).toBeLessThan(1000);
      }
      const median = (who: string) => {
        const ms = runs
          .filter((x) => x.who === who)
          .map((x) => x.ms)
          .sort((a, b) => a - b);
        return ms[Math.floor(ms.length / 2)];
      };
      expect(Math.abs(median("recipient") - median("stranger"))).toBeLessThan(50);
      const strip = (r: Answer) =>
        String(r.body)
          .replaceAll(alice, "ADDRESS")
          .replaceAll(eve, "ADDRESS")
          .replace(/value="[A-Za-z0-9_-]{24}"/, "");
      expect(strip(runs[0].r)).toBe(strip(runs[1].r));
      expect(svc.files.info(token)).toMatchObject({ ok: true, meta: { downloads: 0 } });
    } finally {
      svc.app.server.closeAllConnections();
      await svc.close();
      silent.close();
    }
    for (const a of [alice, eve]) expect(logs.join("\n")).not.toContain(a.split("@")[0]);
  }, 60_000);

  it("a relay that rejects the recipient is logged by its codes, without the address or its reply", async () => {
    // A relay that refuses every recipient, quoting the address back, as real ones do.
    const relay = createServer((sock) => {
      sock.write("220 relay.test ESMTP\r\n");
      sock.on("data", (d) => {
        for (const line of d.toString().split("\r\n").filter(Boolean)) {
          if (/^EHLO/i.test(line)) sock.write("250-relay.test\r\n250 8BITMIME\r\n");
          else if (/^MAIL/i.test(line)) sock.write("250 2.1.0 Ok\r\n");
          else if (/^RCPT TO:<(.*)>/i.test(line))
            sock.write(`550 5.1.1 <${/<(.*)>/.exec(line)?.[1]}>: Recipient address rejected\r\n`);
          else if (/^RSET/i.test(line)) sock.write("250 Ok\r\n");
          else if (/^QUIT/i.test(line)) sock.end("221 Bye\r\n");
        }
      });
    });
    await new Promise<void>((r) => relay.listen(0, "127.0.0.1", r));
    const logs: string[] = [];
    const svc = await startFileService({
      env: {
        MAILTLS_SMTP_RELAY: `smtp://127.0.0.1:${(relay.address() as AddressInfo).port}`,
        MAILTLS_MAIL_FROM: "noreply@ours.example",
        MAILTLS_LOG_LEVEL: "info",
      },
      logStream: { write: (l: string) => void logs.push(l) },
    });
    try {
      const alice = fresh("partner.test");
      const { token } = (await svc.upload("x", `name=a.txt&to=${alice}`)).body;
      expect((await form(svc, `/d/${token}/code`, { address: alice })).status).toBe(200);
      await svc.app.codes.idle();
      const failed = logs
        .map((l) => JSON.parse(l))
        .find((l) => l.msg === "sending a one-time download code failed");
      expect(failed).toMatchObject({ code: "EENVELOPE", responseCode: 550 });
      expect(logs.join("\n")).not.toContain(alice.split("@")[0]);
      const metrics = await (await fetch(`${svc.url}/metrics`)).text();
      expect(metrics).toMatch(/mailtls_download_codes_total\{outcome="send-failed"\} 1/);
    } finally {
      await svc.close();
      relay.close();
    }
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

describe("neutralFileName", () => {
  it.each([
    ["見積書 2026年度.pdf", "見積書 2026年度.pdf"],
    ["report.final.v2.xlsx", "report final v2.xlsx"],
    ["a/b\\c:d@e.zip", "a b c d e.zip"],
    ["https://evil.example/x", "https evil"],
    ["no-extension", "no-extension"],
    ["weird.ext!!", "weird.file"],
    ["...", "file"],
  ])("%j → %j", (name, expected) => {
    expect(neutralFileName(name)).toBe(expected.replace("weird.file", "weird"));
  });
});
