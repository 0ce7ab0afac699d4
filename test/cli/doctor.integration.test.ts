import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { main } from "../../src/cli/main";
import { captureIO } from "../helpers/cliio";
import { harnessEnv } from "../helpers/probe";
import { type RedisServer, startRedis } from "../helpers/redis";
import { RELAY } from "../helpers/relayInbox";

const IDS = [
  "smtp-outbound",
  "dns",
  "dnssec",
  "ca-store",
  "storage",
  "redis",
  "relay",
  "public-url",
  "policy",
];
const CA = resolve(__dirname, "../harness/pki/ca.crt");
const TENANT = "0b5c3b4e-6f0e-4a8e-9d3c-1a2b3c4d5e6f";

interface CheckJson {
  id: string;
  status: "ok" | "warn" | "fail" | "skip";
  message: string;
  fix?: string;
}

let work: string;
let redisServer: RedisServer;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "mailtls-doctor-"));
  redisServer = await startRedis(6401);
  writeFileSync(
    join(work, "policy.json"),
    JSON.stringify({ internalDomains: ["example.jp"], failOpen: true }),
  );
  writeFileSync(join(work, "broken.json"), '{ "internalDomains": [');
  mkdirSync(join(work, "tenants"));
  writeFileSync(join(work, "tenants", `${TENANT}.json`), JSON.stringify({ telemetry: false }));
  writeFileSync(join(work, "garbage.pem"), "this is not a certificate\n");
  writeFileSync(
    join(work, "corrupt.pem"),
    "-----BEGIN CERTIFICATE-----\nTUlJQm9uZXNlbnNl\n-----END CERTIFICATE-----\n",
  );
});
afterAll(async () => {
  await redisServer.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Everything configured and working: the harness's servers, a temporary data directory. */
function goodEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    ...harnessEnv(),
    LANG: "en_US.UTF-8",
    NODE_EXTRA_CA_CERTS: CA,
    MAILTLS_DB: join(work, "db", "mailtls.db"),
    MAILTLS_DATA_DIR: join(work, "data"),
    MAILTLS_REDIS_URL: redisServer.url,
    MAILTLS_SMTP_RELAY: RELAY.MAILTLS_SMTP_RELAY,
    MAILTLS_MAIL_FROM: RELAY.MAILTLS_MAIL_FROM,
    MAILTLS_PUBLIC_URL: "https://mailtls.example.jp",
    MAILTLS_POLICY_FILE: join(work, "policy.json"),
    MAILTLS_POLICY_DIR: join(work, "tenants"),
    MAILTLS_DOCTOR_DOMAIN: undefined,
    ...extra,
  };
}

const HARNESS_ARGS = ["--domain", "good.test", "--dnssec-name", "dane-ok.test", "--timeout", "3000"];

async function doctor(extra: Record<string, string | undefined> = {}, args: string[] = HARNESS_ARGS) {
  const io = captureIO(goodEnv(extra));
  const code = await main(["doctor", "--json", ...args], io);
  const out = JSON.parse(io.stdout) as { checks: CheckJson[]; ok: boolean };
  const check = (id: string): CheckJson => {
    const c = out.checks.find((x) => x.id === id);
    if (!c) throw new Error(`no check ${id}`);
    return c;
  };
  return { code, out, check, stderr: io.stderr };
}

describe("mailtls doctor against the local real servers", () => {
  it("everything in order: every check ok, exit 0, the JSON shape scripts rely on", async () => {
    const { code, out, stderr } = await doctor();
    expect(stderr).toBe("");
    expect(out.checks.map((c) => c.id)).toEqual(IDS);
    for (const c of out.checks) {
      expect(Object.keys(c).sort()).toEqual(["id", "message", "status"]);
      expect(c.status).toBe("ok");
      expect(c.message).not.toMatch(/\n/);
    }
    expect(out.ok).toBe(true);
    expect(code).toBe(0);
    const byId = Object.fromEntries(out.checks.map((c) => [c.id, c.message]));
    expect(byId["smtp-outbound"]).toContain("mx1.good.test [127.0.0.11]");
    expect(byId.dns).toContain("127.0.0.53 answered");
    expect(byId.dnssec).toContain("127.0.0.56:53 validates DNSSEC");
    expect(byId["ca-store"]).toContain(CA);
    expect(byId.redis).toContain("answered PING");
    expect(byId.relay).toContain("smtp://127.0.0.41:25 answered EHLO");
    expect(byId.policy).toContain(`tenant policies in ${join(work, "tenants")}: 1`);
  });

  describe("smtp-outbound", () => {
    it("fails when no MX host of the domain answers, and the fix says cloud providers block port 25", async () => {
      const { code, check } = await doctor({}, ["--domain", "down.test", "--dnssec-name", "dane-ok.test"]);
      const c = check("smtp-outbound");
      expect(c.status).toBe("fail");
      expect(c.message).toContain("mx.down.test [127.0.0.58]: connect-refused");
      expect(c.fix).toContain("Most cloud providers");
      expect(c.fix).toContain("block outbound port 25 by default");
      expect(code).toBe(1);
    });

    it("a server that accepts but never greets is given up on in time, and timeouts point at a block", async () => {
      const silent = await listen("127.0.0.58");
      try {
        const t0 = Date.now();
        const { check } = await doctor({ MAILTLS_SMTP_PORT: String(silent.port) }, [
          "--domain",
          "down.test",
          "--dnssec-name",
          "dane-ok.test",
          "--timeout",
          "800",
        ]);
        expect(Date.now() - t0).toBeLessThan(2500);
        const c = check("smtp-outbound");
        expect(c.status).toBe("fail");
        expect(c.message).toContain("greeting-timeout");
        expect(c.message).toContain("usual sign of a blocked port 25");
        expect(silent.connections()).toBe(1);
      } finally {
        await silent.close();
      }
    });

    it("warns when the port is open but the server turns us away, and says QUIT", async () => {
      const server = await listen("127.0.0.58", "554 5.7.1 no cloud senders here");
      try {
        const { code, check } = await doctor({ MAILTLS_SMTP_PORT: String(server.port) }, [
          "--domain",
          "down.test",
          "--dnssec-name",
          "dane-ok.test",
        ]);
        const c = check("smtp-outbound");
        expect(c.status).toBe("warn");
        expect(c.message).toContain(
          "mx.down.test [127.0.0.58] turned us away: 554 5.7.1 no cloud senders here",
        );
        expect(c.fix).toContain("not blocked");
        expect(code).toBe(0);
        await waitFor(() => server.heard().includes("QUIT\r\n"));
        // Nothing but QUIT: the check never starts a mail transaction.
        expect(server.heard()).toBe("QUIT\r\n");
      } finally {
        await server.close();
      }
    });

    it("reads the 220 greeting and says only QUIT", async () => {
      const server = await listen("127.0.0.58", "220 mx.down.test ESMTP");
      try {
        const { check } = await doctor({ MAILTLS_SMTP_PORT: String(server.port) }, [
          "--domain",
          "down.test",
          "--dnssec-name",
          "dane-ok.test",
        ]);
        expect(check("smtp-outbound").status).toBe("ok");
        await waitFor(() => server.heard().length > 0);
        expect(server.heard()).toBe("QUIT\r\n");
      } finally {
        await server.close();
      }
    });

    it("fails on a domain that receives no mail", async () => {
      const { check } = await doctor({}, ["--domain", "nullmx.test", "--dnssec-name", "dane-ok.test"]);
      expect(check("smtp-outbound")).toMatchObject({
        status: "fail",
        message: expect.stringContaining("does not receive mail"),
      });
    });

    it("takes the domain from MAILTLS_DOCTOR_DOMAIN when --domain is not given", async () => {
      const { check } = await doctor({ MAILTLS_DOCTOR_DOMAIN: "down.test" }, [
        "--dnssec-name",
        "dane-ok.test",
      ]);
      expect(check("smtp-outbound").message).toContain("mx.down.test");
    });
  });

  describe("dns", () => {
    it("fails when the configured server does not answer", async () => {
      const { code, check } = await doctor({ MAILTLS_DNS_SERVERS: "127.0.0.9" });
      const c = check("dns");
      expect(c.status).toBe("fail");
      expect(c.message).toContain("127.0.0.9 failed");
      expect(c.fix).toContain("MAILTLS_DNS_SERVERS");
      expect(code).toBe(1);
    });

    it("fails in time on a server that swallows questions", async () => {
      const hole = await udpBlackHole("127.0.0.9");
      try {
        const t0 = Date.now();
        const { check } = await doctor({ MAILTLS_DNS_SERVERS: `127.0.0.9:${hole.port}` }, [
          ...HARNESS_ARGS.slice(0, 4),
          "--timeout",
          "800",
        ]);
        expect(Date.now() - t0).toBeLessThan(2500);
        expect(check("dns")).toMatchObject({ status: "fail", message: expect.stringContaining("timeout") });
        expect(hole.questions()).toBeGreaterThan(0);
      } finally {
        hole.close();
      }
    });

    it("warns when one of several servers does not answer", async () => {
      const { code, check } = await doctor({ MAILTLS_DNS_SERVERS: "127.0.0.53,127.0.0.9" });
      const c = check("dns");
      expect(c.status).toBe("warn");
      expect(c.message).toContain("127.0.0.53 answered");
      expect(c.message).toContain("127.0.0.9 failed");
      // The port 25 check found its MX through the good server; nothing failed.
      expect(code).toBe(0);
    });
  });

  describe("dnssec", () => {
    it("fails on a resolver that answers without the AD bit (dnsmasq)", async () => {
      const { code, check } = await doctor({ MAILTLS_DNSSEC_RESOLVER: "127.0.0.53" });
      const c = check("dnssec");
      expect(c.status).toBe("fail");
      expect(c.message).toContain("without the AD bit");
      expect(c.fix).toContain("MAILTLS_DNSSEC_RESOLVER");
      expect(code).toBe(1);
    });

    it("fails on a name that is not signed, even with the validator", async () => {
      const { check } = await doctor({}, ["--domain", "good.test", "--dnssec-name", "good.test"]);
      expect(check("dnssec")).toMatchObject({
        status: "fail",
        message: expect.stringContaining("without the AD bit"),
      });
    });

    it("fails on a resolver that does not answer", async () => {
      const { check } = await doctor({ MAILTLS_DNSSEC_RESOLVER: "127.0.0.9" }, [
        ...HARNESS_ARGS.slice(0, 4),
        "--timeout",
        "800",
      ]);
      expect(check("dnssec")).toMatchObject({
        status: "fail",
        message: expect.stringContaining("does not answer"),
      });
    });

    it("is skipped when DANE is turned off", async () => {
      const { check } = await doctor({ MAILTLS_DNSSEC_RESOLVER: "off" });
      expect(check("dnssec").status).toBe("skip");
    });
  });

  describe("ca-store", () => {
    it.each([
      ["a missing file", "missing.pem", "cannot be read: ENOENT"],
      ["a file without certificates", "garbage.pem", "no PEM certificate"],
      ["a certificate that does not parse", "corrupt.pem", "certificate 1:"],
    ])("fails when NODE_EXTRA_CA_CERTS names %s", async (_what, file, why) => {
      const { code, check } = await doctor({ NODE_EXTRA_CA_CERTS: join(work, file) });
      const c = check("ca-store");
      expect(c.status).toBe("fail");
      expect(c.message).toContain(why);
      expect(c.fix).toContain("NODE_EXTRA_CA_CERTS");
      expect(code).toBe(1);
    });

    it("is ok with Node's roots alone", async () => {
      const { check } = await doctor({ NODE_EXTRA_CA_CERTS: undefined });
      expect(check("ca-store")).toMatchObject({
        status: "ok",
        message: expect.stringContaining("root certificates"),
      });
    });
  });

  describe("storage", () => {
    it("writes and deletes a file in directories it creates and removes again; never creates the database", async () => {
      const base = mkdtempSync(join(work, "fresh-"));
      const { check } = await doctor({
        MAILTLS_REDIS_URL: undefined,
        MAILTLS_DB: join(base, "db", "deep", "mailtls.db"),
        MAILTLS_DATA_DIR: join(base, "data"),
      });
      expect(check("storage").status).toBe("ok");
      expect(readdirSync(base)).toEqual([]);
    });

    it("leaves an existing database and its directory as they are", async () => {
      const base = mkdtempSync(join(work, "existing-"));
      writeFileSync(join(base, "mailtls.db"), "x");
      const { check } = await doctor({ MAILTLS_REDIS_URL: undefined, MAILTLS_DB: join(base, "mailtls.db") });
      expect(check("storage").status).toBe("ok");
      expect(readdirSync(base)).toEqual(["mailtls.db"]);
    });

    it.each([
      ["MAILTLS_DATA_DIR", { MAILTLS_DATA_DIR: "/etc/hostname/x" }, "/etc/hostname/x/files"],
      [
        "MAILTLS_DB",
        { MAILTLS_REDIS_URL: undefined, MAILTLS_DB: "/etc/hostname/x/mailtls.db" },
        "/etc/hostname/x",
      ],
    ])("fails when %s is under a regular file", async (setting, extra, path) => {
      const { code, check } = await doctor(extra);
      const c = check("storage");
      expect(c.status).toBe("fail");
      expect(c.message).toContain(`${path} (${setting}) is not writable: ENOTDIR`);
      expect(c.fix).toContain("writable");
      expect(code).toBe(1);
      expect(existsSync("/etc/hostname")).toBe(true);
    });
  });

  describe("redis", () => {
    it("fails when nothing answers on the configured port, without printing the password", async () => {
      const { code, check } = await doctor({ MAILTLS_REDIS_URL: "redis://:s3cret@127.0.0.1:6409" });
      const c = check("redis");
      expect(c.status).toBe("fail");
      expect(c.message).toContain("ECONNREFUSED");
      expect(c.message).toContain("redis://:***@127.0.0.1:6409");
      expect(JSON.stringify(c)).not.toContain("s3cret");
      expect(code).toBe(1);
    });

    it("is skipped when no Redis is configured", async () => {
      const { code, check } = await doctor({ MAILTLS_REDIS_URL: undefined });
      expect(check("redis").status).toBe("skip");
      expect(code).toBe(0);
    });
  });

  describe("relay", () => {
    it("fails on a closed port", async () => {
      const { code, check } = await doctor({ MAILTLS_SMTP_RELAY: "smtp://127.0.0.41:2599" });
      const c = check("relay");
      expect(c.status).toBe("fail");
      expect(c.message).toContain("ECONNREFUSED");
      expect(c.fix).toContain("MAILTLS_SMTP_RELAY");
      expect(code).toBe(1);
    });

    it("fails, as sending would, when the relay's certificate is not valid for the host in the URL", async () => {
      // mx1.good.test's Postfix offers STARTTLS with a certificate for its name, not for 127.0.0.11.
      const { check } = await doctor({ MAILTLS_SMTP_RELAY: "smtp://127.0.0.11:25" });
      expect(check("relay")).toMatchObject({
        status: "fail",
        message: expect.stringContaining("does not match certificate's altnames"),
      });
    });

    it("fails on a URL that is not smtp:// or smtps://", async () => {
      const { check } = await doctor({ MAILTLS_SMTP_RELAY: "http://127.0.0.41:25" });
      expect(check("relay")).toMatchObject({
        status: "fail",
        message: expect.stringContaining("not an smtp://"),
      });
    });

    it("is skipped when no relay is configured", async () => {
      const { check } = await doctor({ MAILTLS_SMTP_RELAY: undefined });
      expect(check("relay").status).toBe("skip");
    });
  });

  describe("public-url", () => {
    it("fails on http://, saying what the URL is for", async () => {
      const { code, check } = await doctor({ MAILTLS_PUBLIC_URL: "http://mailtls.example.jp" });
      const c = check("public-url");
      expect(c.status).toBe("fail");
      expect(c.message).toContain("is not HTTPS");
      expect(c.fix).toContain("manifest");
      expect(c.fix).toContain("CORS");
      expect(code).toBe(1);
    });

    it("warns when it points at this machine only", async () => {
      const { check } = await doctor({ MAILTLS_PUBLIC_URL: "https://localhost:8443" });
      expect(check("public-url")).toMatchObject({
        status: "warn",
        message: expect.stringContaining("this machine"),
      });
    });

    it("warns when unset (exit 0: a warning is not a failure)", async () => {
      const { code, check } = await doctor({ MAILTLS_PUBLIC_URL: undefined });
      expect(check("public-url")).toMatchObject({
        status: "warn",
        message: expect.stringContaining("https://localhost:3000"),
      });
      expect(code).toBe(0);
    });
  });

  describe("policy", () => {
    it("fails on a policy file that does not parse, naming it", async () => {
      const { code, check } = await doctor({ MAILTLS_POLICY_FILE: join(work, "broken.json") });
      const c = check("policy");
      expect(c.status).toBe("fail");
      expect(c.message).toContain(join(work, "broken.json"));
      expect(c.message).not.toMatch(/\n/);
      expect(code).toBe(1);
    });

    it("fails on a tenant directory with a badly named file", async () => {
      const dir = mkdtempSync(join(work, "tenants-"));
      writeFileSync(join(dir, "acme.json"), "{}");
      const { check } = await doctor({ MAILTLS_POLICY_DIR: dir });
      expect(check("policy")).toMatchObject({
        status: "fail",
        message: expect.stringContaining("acme.json is not named <tenant ID>.json"),
      });
    });

    it("is skipped when no policy is configured", async () => {
      const { check } = await doctor({ MAILTLS_POLICY_FILE: undefined, MAILTLS_POLICY_DIR: undefined });
      expect(check("policy").status).toBe("skip");
    });
  });

  describe("text output", () => {
    it("one line per check, a fix line under a failure, and a summary line", async () => {
      const io = captureIO(goodEnv({ MAILTLS_PUBLIC_URL: "http://mailtls.example.jp" }));
      expect(await main(["doctor", ...HARNESS_ARGS], io)).toBe(1);
      const lines = io.stdout.trimEnd().split("\n");
      expect(lines.filter((l) => /^\[(OK|WARN|FAIL|SKIP)\] /.test(l)).map((l) => l.split(" ")[1])).toEqual(
        IDS,
      );
      expect(lines[0]).toMatch(/^\[OK\] smtp-outbound — outbound port 25 works: mx1\.good\.test/);
      const at = lines.findIndex((l) => l.startsWith("[FAIL] public-url — "));
      expect(lines[at + 1]).toMatch(/^ {4}Fix: Set MAILTLS_PUBLIC_URL/);
      expect(lines[lines.length - 1]).toBe("1 of 9 checks failed (OK 8, WARN 0, SKIP 0).");
    });

    it("in Japanese under LANG=ja_JP.UTF-8", async () => {
      const io = captureIO(goodEnv({ LANG: "ja_JP.UTF-8" }));
      expect(await main(["doctor", "--domain", "down.test", "--dnssec-name", "dane-ok.test"], io)).toBe(1);
      expect(io.stdout).toContain(
        "[失敗] smtp-outbound — down.test のメールサーバーのどれにもポート 25 で接続できませんでした",
      );
      expect(io.stdout).toContain("    対処: ほとんどのクラウド事業者");
      expect(io.stdout).toContain("[OK] dnssec — 127.0.0.56:53 は DNSSEC を検証します");
      expect(io.stdout.trimEnd().split("\n").pop()).toBe(
        "9 項目中 1 項目が失敗しました（OK 8、注意 0、省略 0）。",
      );
    });

    it("--json messages in Japanese too", async () => {
      const { out } = await doctor({ LANG: "ja_JP.UTF-8", MAILTLS_REDIS_URL: undefined });
      expect(out.checks.find((c) => c.id === "redis")?.message).toContain("MAILTLS_REDIS_URL が未設定です");
    });
  });

  describe("usage errors exit 2 and check nothing", () => {
    it.each([
      [["--bogus"]],
      [["extra-argument"]],
      [["--timeout", "soon"]],
      [["--timeout", "5"]],
      [["--domain", "bad_name.test"]],
      [["--dnssec-name", "192.0.2.1"]],
    ])("doctor %j", async (args) => {
      const io = captureIO(goodEnv());
      expect(await main(["doctor", ...args], io)).toBe(2);
      expect(io.stdout).toBe("");
      expect(io.stderr).toMatch(/^mailtls: .*usage: .*mailtls doctor \[--json\]/);
    });

    it("a bad MAILTLS_DOCTOR_DOMAIN is named", async () => {
      const io = captureIO(goodEnv({ MAILTLS_DOCTOR_DOMAIN: "not a domain" }));
      expect(await main(["doctor", "--dnssec-name", "dane-ok.test"], io)).toBe(2);
      expect(io.stderr).toContain("MAILTLS_DOCTOR_DOMAIN");
    });
  });

  it("a setting the probe refuses fails the checks that need it, and says which", async () => {
    const { code, check } = await doctor({ MAILTLS_SMTP_PORT: "seventy" });
    expect(check("smtp-outbound")).toMatchObject({
      status: "fail",
      message: expect.stringContaining('MAILTLS_SMTP_PORT="seventy"'),
    });
    expect(check("storage").status).toBe("ok");
    expect(code).toBe(1);
  });
});

/** A TCP server that greets each connection with `greeting` (none: says nothing) and keeps what it hears. */
function listen(
  host: string,
  greeting?: string,
): Promise<{ port: number; connections(): number; heard(): string; close(): Promise<void> }> {
  return new Promise((done) => {
    const sockets: Socket[] = [];
    let heard = "";
    const server: Server = createServer((s) => {
      sockets.push(s.on("error", () => undefined));
      s.on("data", (d) => void (heard += d.toString("latin1")));
      if (greeting) s.write(greeting + "\r\n");
    });
    server.listen(0, host, () => {
      const port = (server.address() as { port: number }).port;
      done({
        port,
        connections: () => sockets.length,
        heard: () => heard,
        close: () =>
          new Promise((closed) => {
            for (const s of sockets) s.destroy();
            server.close(() => closed());
          }),
      });
    });
  });
}

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
}

/** A UDP port that takes DNS questions and answers none. */
function udpBlackHole(host: string): Promise<{ port: number; questions(): number; close(): void }> {
  return new Promise((done) => {
    let n = 0;
    const sock: UdpSocket = createSocket("udp4");
    sock.on("message", () => void n++);
    sock.bind(0, host, () =>
      done({ port: sock.address().port, questions: () => n, close: () => sock.close() }),
    );
  });
}
