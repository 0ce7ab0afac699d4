/**
 * The service behind Debian's nginx, configured by the very file docs/deploy.md shows
 * (docs/deploy/nginx-mailtls.conf, with only its listen addresses, certificate paths and upstream
 * replaced): TLS from a certificate of the test CA, the client's address as nginx saw it, links and
 * CORS after MAILTLS_PUBLIC_URL, the admin console and metrics kept from outside, and the check page
 * end to end in Chromium.
 */
import Database from "better-sqlite3";
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { ensurePagesBuilt, launchChromium, ROOT } from "../helpers/browser";
import {
  type Answer,
  freePort,
  makeServerCert,
  request,
  type RequestOptions,
  type RunningNginx,
  type ServerCert,
  startNginx,
  substitute,
  TEST_PKI,
} from "../helpers/nginx";
import { type RunningService, startService } from "../helpers/service";

jest.setTimeout(120_000);

const CONF = join(ROOT, "docs", "deploy", "nginx-mailtls.conf");
const UNIT = join(ROOT, "docs", "deploy", "mailtls.service");
const GUIDE = join(ROOT, "docs", "deploy.md");
const SYSTEMD_ANALYZE = "/usr/bin/systemd-analyze";
/** The name in the committed configuration: the test keeps it (and its certificate names it). */
const NAME = "mailtls.example.co.jp";
const CA = readFileSync(join(TEST_PKI, "ca.crt"));
const API_KEY = "proxy-test-api-key";
const ADMIN_KEY = "proxy-test-admin-key";
const RATE_LIMIT = 1000;

/** Temporary directories of this file, removed at the end. */
const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** The fenced blocks of `lang` in a Markdown text, as written. */
function fenced(markdown: string, lang: string): string[] {
  const re = new RegExp("^```" + lang + "\\n([\\s\\S]*?)^```$", "gm");
  return [...markdown.matchAll(re)].map((m) => m[1]);
}

describe("docs/deploy.md", () => {
  const guide = () => readFileSync(GUIDE, "utf8");

  it("shows the committed nginx configuration verbatim, in English and in Japanese", () => {
    const blocks = fenced(guide(), "nginx");
    expect(blocks.length).toBe(2);
    for (const b of blocks) expect(b).toBe(readFileSync(CONF, "utf8"));
  });

  // Debian containers may lack systemd; where it is, the unit must read without a complaint.
  (existsSync(SYSTEMD_ANALYZE) ? it : it.skip)("the unit passes systemd-analyze verify", () => {
    const copy = join(tempDir("mailtls-unit-"), "mailtls.service");
    copyFileSync(UNIT, copy);
    const r = spawnSync(SYSTEMD_ANALYZE, ["verify", copy], { encoding: "utf8" });
    // Its complaints about the file itself name a line (a missing user or binary would not).
    const complaints = `${r.stdout}\n${r.stderr}`.split("\n").filter((l) => /mailtls\.service:\d+:/.test(l));
    expect(complaints).toEqual([]);
  });

  it("shows the committed systemd unit verbatim, in English and in Japanese", () => {
    const blocks = fenced(guide(), "ini");
    expect(blocks.length).toBe(2);
    for (const b of blocks) expect(b).toBe(readFileSync(UNIT, "utf8"));
  });
});

describe("behind nginx (docs/deploy/nginx-mailtls.conf)", () => {
  let svc: RunningService;
  let direct: RunningService | undefined;
  let nginx: RunningNginx | undefined;
  let browser: Browser | undefined;
  let cert: ServerCert;
  let httpsPort: number;
  let httpPort: number;
  let publicUrl: string;

  /** A request to nginx's HTTPS port as a client at `from` would send it: SNI and Host the public name. */
  function viaNginx(path: string, opts: RequestOptions & { from?: string } = {}): Promise<Answer> {
    return request(`https://127.0.0.1:${httpsPort}${path}`, {
      ...opts,
      servername: NAME,
      ca: CA,
      localAddress: opts.from ?? "127.0.0.1",
      headers: { host: `${NAME}:${httpsPort}`, ...opts.headers },
    });
  }

  /** What is left of the rate-limit bucket a request counted against. */
  const remaining = (a: Answer) => Number(a.headers["x-ratelimit-remaining"]);

  beforeAll(async () => {
    const dist = ensurePagesBuilt();
    const dir = tempDir("mailtls-proxy-");
    cert = makeServerCert(join(dir, "pki"), [NAME]);
    httpsPort = await freePort();
    httpPort = await freePort();
    publicUrl = `https://${NAME}:${httpsPort}`;
    svc = await startService(
      {
        MAILTLS_TRUST_PROXY: "true",
        MAILTLS_PUBLIC_URL: publicUrl,
        MAILTLS_DATA_DIR: join(dir, "data"),
        MAILTLS_API_KEYS: API_KEY,
        MAILTLS_ADMIN_KEYS: ADMIN_KEY,
        MAILTLS_RATE_LIMIT: String(RATE_LIMIT),
      },
      { staticRoot: dist },
    );
    const upstream = new URL(svc.url).port;
    const site = substitute(readFileSync(CONF, "utf8"), [
      ["server 127.0.0.1:3000;", `server 127.0.0.1:${upstream};`, 1],
      ["listen 80;", `listen 127.0.0.1:${httpPort};`, 1],
      ["listen [::]:80;", `listen [::1]:${httpPort};`, 1],
      ["listen 443 ssl;", `listen 127.0.0.1:${httpsPort} ssl;`, 1],
      ["listen [::]:443 ssl;", `listen [::1]:${httpsPort} ssl;`, 1],
      ["/etc/ssl/mailtls/fullchain.pem", cert.cert, 1],
      ["/etc/ssl/mailtls/privkey.pem", cert.key, 1],
    ]);
    nginx = await startNginx(site, [
      { host: "127.0.0.1", port: httpsPort },
      { host: "127.0.0.1", port: httpPort },
      { host: "::1", port: httpsPort },
      { host: "::1", port: httpPort },
    ]);
  }, 300_000);

  afterAll(async () => {
    try {
      await browser?.close();
    } finally {
      try {
        await nginx?.stop();
      } finally {
        await direct?.close();
        await svc?.close();
      }
    }
  });

  it("HTTPS end to end: the check page, its bundle and the check API, with a certificate of the test CA", async () => {
    const page = await viaNginx("/", { from: "127.0.0.70" });
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    // The service's own headers come through; nginx adds none and names no version.
    expect(page.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(page.headers["strict-transport-security"]).toContain("max-age=");
    expect(page.headers.server).toBe("nginx");
    const script = /src="?\/?(check\.[0-9a-f]+\.js)/.exec(page.text)?.[1];
    expect(script).toBeDefined();
    const js = await viaNginx(`/${script}`, { from: "127.0.0.70" });
    expect(js.status).toBe(200);
    expect(js.headers["content-type"]).toMatch(/javascript/);

    const check = await viaNginx("/api/v1/check?waitMs=15000", {
      from: "127.0.0.70",
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": API_KEY },
      body: JSON.stringify({ domains: ["good.test"] }),
    });
    expect(check.status).toBe(200);
    expect(check.json().reports[0]).toMatchObject({ domain: "good.test", grade: "tls" });
    const one = await viaNginx("/api/v1/domains/good.test", { from: "127.0.0.70" });
    expect(one.status).toBe(200);
    expect(one.json()).toMatchObject({ domain: "good.test", grade: "tls" });
    // Only the test CA's certificate for the public name is accepted: not another name.
    await expect(
      request(`https://127.0.0.1:${httpsPort}/healthz`, { servername: "other.example.co.jp", ca: CA }),
    ).rejects.toThrow(/altnames|does not match/i);
  });

  it("plain HTTP only sends the client to HTTPS (on IPv4 and IPv6), ACME challenges aside", async () => {
    for (const host of ["127.0.0.1", "[::1]"]) {
      const r = await request(`http://${host}:${httpPort}/d/abc?x=1`, { headers: { host: NAME } });
      expect(r.status).toBe(301);
      expect(r.headers.location).toBe(`https://${NAME}/d/abc?x=1`);
      // Not proxied: the service never saw it.
      expect(r.headers["x-ratelimit-remaining"]).toBeUndefined();
    }
    // Let's Encrypt's challenges are answered from the webroot, not redirected.
    const acme = await request(`http://127.0.0.1:${httpPort}/.well-known/acme-challenge/none`, {
      headers: { host: NAME },
    });
    expect(acme.status).toBe(404);
  });

  it("MAILTLS_TRUST_PROXY=true: the service counts each client by the address nginx saw, spoofing or not", async () => {
    // nginx's own connections come from 127.0.0.1: what they count against, asked directly.
    const nginxBucket = remaining(await request(`${svc.url}/openapi.json`, { localAddress: "127.0.0.1" }));
    const a1 = await viaNginx("/openapi.json", { from: "127.0.0.77" });
    const a2 = await viaNginx("/openapi.json", { from: "127.0.0.77" });
    const b1 = await viaNginx("/openapi.json", { from: "127.0.0.78" });
    expect([a1.status, a2.status, b1.status]).toEqual([200, 200, 200]);
    expect(remaining(a1)).toBe(RATE_LIMIT - 1);
    expect(remaining(a2)).toBe(RATE_LIMIT - 2);
    expect(remaining(b1)).toBe(RATE_LIMIT - 1); // another client, another bucket
    // A client naming another address gets no fresh bucket: nginx replaces the header.
    const s1 = await viaNginx("/openapi.json", {
      from: "127.0.0.77",
      headers: { "x-forwarded-for": "203.0.113.9" },
    });
    const s2 = await viaNginx("/openapi.json", {
      from: "127.0.0.77",
      headers: { "x-forwarded-for": "198.51.100.7, 127.0.0.99" },
    });
    expect(remaining(s1)).toBe(RATE_LIMIT - 3);
    expect(remaining(s2)).toBe(RATE_LIMIT - 4);
    // And none of that counted against nginx's address.
    expect(remaining(await request(`${svc.url}/openapi.json`, { localAddress: "127.0.0.1" }))).toBe(
      nginxBucket - 1,
    );
  });

  it("MAILTLS_TRUST_PROXY=true trusts one proxy: behind one that appends to X-Forwarded-For, its entry counts", async () => {
    // A load balancer that appends (as many do) puts the address it saw last; what the client
    // wrote before it must not choose the bucket.
    const ask = (xff: string) =>
      request(`${svc.url}/openapi.json`, { localAddress: "127.0.0.1", headers: { "x-forwarded-for": xff } });
    expect(remaining(await ask("203.0.113.9, 127.0.0.81"))).toBe(RATE_LIMIT - 1);
    expect(remaining(await ask("198.51.100.7, 127.0.0.81"))).toBe(RATE_LIMIT - 2);
    expect(remaining(await ask("127.0.0.82"))).toBe(RATE_LIMIT - 1);
  });

  it("without MAILTLS_TRUST_PROXY, an X-Forwarded-For sent straight to the service is ignored", async () => {
    direct = await startService({ MAILTLS_RATE_LIMIT: String(RATE_LIMIT) });
    const ask = (headers: Record<string, string>) =>
      request(`${direct!.url}/openapi.json`, { localAddress: "127.0.0.83", headers });
    expect(remaining(await ask({}))).toBe(RATE_LIMIT - 1);
    expect(remaining(await ask({ "x-forwarded-for": "203.0.113.9" }))).toBe(RATE_LIMIT - 2);
    expect(remaining(await ask({ "x-forwarded-for": "127.0.0.84" }))).toBe(RATE_LIMIT - 3);
  });

  it("links follow MAILTLS_PUBLIC_URL, not the Host or X-Forwarded-* a request came with", async () => {
    // Larger than nginx's default body limit (1 MB): the files location lifts it.
    const file = randomBytes(2_500_000);
    const upload = await viaNginx("/api/v1/files?name=report.bin&from=example.co.jp", {
      from: "127.0.0.71",
      method: "POST",
      headers: { "content-type": "application/octet-stream", "x-api-key": API_KEY, host: "evil.example" },
      body: file,
    });
    expect(upload.status).toBe(201);
    const { token, url } = upload.json();
    expect(url).toBe(`${publicUrl}/d/${token}`);
    // Straight to the service, with every header a client could use to steer it.
    const steered = await request(`${svc.url}/api/v1/files?name=small.txt`, {
      method: "POST",
      headers: {
        "content-type": "application/octet-stream",
        "x-api-key": API_KEY,
        host: "evil.example",
        "x-forwarded-host": "evil.example",
        "x-forwarded-proto": "http",
      },
      body: "hello",
    });
    expect(steered.status).toBe(201);
    expect(steered.json().url).toBe(`${publicUrl}/d/${steered.json().token}`);

    // The recipient, from outside: the page (its form posts to a path on the same origin), then the file.
    const page = await viaNginx(`/d/${token}`, { from: "127.0.0.72" });
    expect(page.status).toBe(200);
    expect(page.text).toContain(`action="/d/${token}"`);
    const download = await viaNginx(`/d/${token}`, {
      from: "127.0.0.72",
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "",
    });
    expect(download.status).toBe(200);
    expect(download.body.equals(file)).toBe(true);

    // The add-in's files, under the public URL, from outside.
    const allowed = await viaNginx("/.well-known/microsoft-officeaddins-allowed.json", {
      from: "127.0.0.72",
    });
    expect(allowed.json().allowed).toEqual([
      `${publicUrl}/addin/launchevent.js`,
      `${publicUrl}/addin/commands.html`,
    ]);
    for (const u of allowed.json().allowed as string[]) {
      const r = await viaNginx(new URL(u).pathname, { from: "127.0.0.72" });
      expect(r.status).toBe(200);
    }
    expect((await viaNginx("/addin/taskpane.html", { from: "127.0.0.72" })).status).toBe(200);
  });

  it("CORS allows the public origin, and no other", async () => {
    const preflight = (origin: string) =>
      viaNginx("/api/v1/check", {
        from: "127.0.0.73",
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type,x-api-key",
        },
      });
    const ok = await preflight(publicUrl);
    expect(ok.status).toBe(204);
    expect(ok.headers["access-control-allow-origin"]).toBe(publicUrl);
    // Another site, and the same name on another port (another origin), get no allowance.
    for (const other of ["https://evil.example", `https://${NAME}`, `http://${NAME}:${httpsPort}`]) {
      const r = await preflight(other);
      expect(r.headers["access-control-allow-origin"]).toBeUndefined();
    }
    const get = await viaNginx("/api/v1/domains/good.test", {
      from: "127.0.0.73",
      headers: { origin: publicUrl },
    });
    expect(get.headers["access-control-allow-origin"]).toBe(publicUrl);
  });

  it("the admin console and its API answer the intranet only", async () => {
    // 127.0.0.1 is in the configuration's admin networks; 127.0.0.77 plays someone outside.
    const redirect = await viaNginx("/admin", { from: "127.0.0.1" });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe("/admin/"); // a path: the browser stays on the public origin
    expect((await viaNginx("/admin/", { from: "127.0.0.1" })).status).toBe(200);
    const auth = { "x-api-key": ADMIN_KEY };
    expect((await viaNginx("/api/v1/admin/tenants", { from: "127.0.0.1", headers: auth })).status).toBe(200);
    // A partner list of more than 1 MB (nginx's default limit) goes through to the service.
    const list = "good.test\n".repeat(150_000);
    const imported = await viaNginx("/api/v1/admin/imports", {
      from: "127.0.0.1",
      method: "POST",
      headers: { ...auth, "content-type": "text/plain" },
      body: list,
    });
    expect(imported.status).toBe(202);
    expect(imported.json()).toMatchObject({ total: 1 });

    expect((await viaNginx("/admin/", { from: "127.0.0.77" })).status).toBe(403);
    for (const path of [
      "/api/v1/admin/tenants",
      "/api/v1//admin/tenants",
      "/api/v1/%61dmin/tenants",
      "/api/v1/./admin/tenants",
      "/api/v1/x/../admin/tenants",
    ]) {
      const r = await viaNginx(path, { from: "127.0.0.77", headers: auth });
      expect([path, r.status]).toEqual([path, 403]);
    }
  });

  it("/metrics is not served through nginx, even to the intranet", async () => {
    for (const path of ["/metrics", "/metrics?x=1", "//metrics", "/%6detrics"]) {
      const r = await viaNginx(path, { from: "127.0.0.1" });
      expect([path, r.status]).toEqual([path, 404]);
      expect(r.text).not.toContain("mailtls_");
    }
    // The 404 is nginx's: on this machine, straight to the service, it answers.
    expect((await request(`${svc.url}/metrics`)).status).toBe(200);
  });

  it("the check page in Chromium, over HTTPS through nginx, grades good.test", async () => {
    browser = await launchChromium([
      `--host-resolver-rules=MAP ${NAME} 127.0.0.1`,
      // Trust exactly this test certificate's key (Chromium does not read NODE_EXTRA_CA_CERTS).
      `--ignore-certificate-errors-spki-list=${cert.spki}`,
    ]);
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    const problems: string[] = [];
    // Every request the page makes goes through nginx and succeeds (no favicon is served).
    page.on(
      "response",
      (r) =>
        r.status() >= 400 && !r.url().endsWith("/favicon.ico") && problems.push(`${r.status()} ${r.url()}`),
    );
    page.on("requestfailed", (r) => problems.push(`${r.url()}: ${r.failure()?.errorText}`));
    page.on(
      "console",
      (m) => m.type() === "error" && !/404 \(Not Found\)/.test(m.text()) && problems.push(m.text()),
    );
    await page.goto(`${publicUrl}/?domain=good.test`);
    const badge = page.locator("[data-grade]");
    await badge.waitFor();
    expect(await badge.getAttribute("data-grade")).toBe("tls");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("the guide's backup command copies the live database (WAL and all)", async () => {
    // The verdict for good.test reaches SQLite within the hot store's flush (2 s).
    const deadline = Date.now() + 10_000;
    const backup = join(tempDir("mailtls-backup-"), "mailtls.db");
    const guide = readFileSync(GUIDE, "utf8");
    expect(guide).toContain(`sqlite3 /var/lib/mailtls/mailtls.db ".backup '`);
    for (;;) {
      execFileSync("sqlite3", [svc.dbPath, `.backup '${backup}'`]);
      const db = new Database(backup, { readonly: true });
      const row = db.prepare("SELECT grade FROM verdicts WHERE domain = 'good.test'").get() as
        { grade: string } | undefined;
      db.close();
      if (row?.grade === "tls") break;
      if (Date.now() > deadline)
        throw new Error(`no verdict for good.test in the backup: ${JSON.stringify(row)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    // The service kept running and answering while it was copied.
    expect((await request(`${svc.url}/healthz`)).status).toBe(200);
  });
});
