/**
 * `mailtls exchange-config` (issue 16) against the harness's real servers: golden scripts and
 * rollbacks for the harness partners, checked byte for byte (times and version masked) against
 * test/fixtures/exchange/*.ps1 — `UPDATE_GOLDEN=1 npm test -- test/cli/exchange` rewrites them —
 * and run against the simulated tenant (PowerShell is not on these machines).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main";
import type { ExchangePlan } from "../../src/core/exchange";
import { captureIO } from "../helpers/cliio";
import { harnessEnv } from "../helpers/probe";
import { cloneTenant, emptyTenant, runScript, snapshot } from "../helpers/psSim";

jest.setTimeout(120_000);

const dir = mkdtempSync(join(tmpdir(), "mailtls-exchange-"));
const GOLDEN = join(__dirname, "..", "fixtures", "exchange");
const VALIDATED = ["tls-ok.test", "mta-sts.test", "dane-ok.test"];
const UNVERIFIED = ["selfsigned.test", "expired.test"];
const NEVER = ["no-tls.test", "mixed.test", "down.test", "nullmx.test"];
const PARTNERS = [...VALIDATED, ...UNVERIFIED, ...NEVER];
const env = () => harnessEnv({ MAILTLS_PUBLIC_URL: "https://mailtls.example.test", LANG: "C" });

/** Times and the version vary from run to run; everything else must be as committed. */
const mask = (s: string) =>
  s
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/g, "<TIME>")
    .replace(/MailTLS Guard \d+\.\d+\.\d+\S*/g, "MailTLS Guard <VERSION>");

function golden(name: string, actual: string) {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(path, mask(actual));
  expect(mask(actual)).toBe(readFileSync(path, "utf8"));
}

async function run(args: string[]) {
  const io = captureIO(env());
  const code = await main(["exchange-config", ...args], io);
  return { code, ...io };
}

describe("mailtls exchange-config", () => {
  const out = join(dir, "mailtls-exchange.ps1");
  const rollback = join(dir, "mailtls-exchange-rollback.ps1");
  let plan: ExchangePlan;

  beforeAll(async () => {
    const r = await run([...PARTNERS, "--out", out, "--rollback", rollback]);
    expect([r.code, r.stderr]).toEqual([
      0,
      "3 partners in 2 connectors, 6 left out; the password-attachment rule is in Audit mode.\n",
    ]);
    expect(r.stdout).toBe("");
    const j = await run([...PARTNERS, "--json"]);
    plan = JSON.parse(j.stdout) as ExchangePlan;
  });

  it("puts tls-ok, mta-sts and dane-ok in validated connectors, and no one else", () => {
    expect(plan.included.map((p) => p.domain).sort()).toEqual([...VALIDATED].sort());
    for (const p of plan.included)
      expect(["CertificateValidation", "DomainValidation"]).toContain(p.tlsSettings);
    // tls-ok.test and mta-sts.test share mx1.good.test: one pattern covers both.
    expect(plan.connectors.find((c) => c.tlsSettings === "DomainValidation")).toMatchObject({
      tlsDomain: "*.good.test",
      domains: ["mta-sts.test", "tls-ok.test"],
    });
    expect(plan.connectors.find((c) => c.dane)?.domains).toEqual(["dane-ok.test"]);
  });

  it("leaves out the unverified and those that would bounce, each with its grade and reason", () => {
    const why = Object.fromEntries(plan.excluded.map((p) => [p.domain, [p.grade, p.reason]]));
    expect(why).toEqual({
      "selfsigned.test": ["tls", "cert-unverified"],
      "expired.test": ["tls", "cert-unverified"],
      "no-tls.test": ["no-tls", "no-tls"],
      "mixed.test": ["partial", "partial"],
      "down.test": ["unknown", "unknown"],
      "nullmx.test": ["no-mail", "no-mail"],
    });
  });

  it("writes the script with a BOM to --out, the same without one to standard output (golden)", async () => {
    const bytes = readFileSync(out);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString("utf8");
    golden("harness.ps1", text);
    const r = await run(PARTNERS);
    expect(r.code).toBe(0);
    expect(r.stdout.charCodeAt(0)).not.toBe(0xfeff);
    expect(mask(r.stdout)).toBe(mask(text));
  });

  it("writes the rollback with a BOM (golden), and it undoes exactly what the script did", () => {
    const bytes = readFileSync(rollback);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    golden("harness-rollback.ps1", bytes.subarray(3).toString("utf8"));
    const tenant = emptyTenant();
    tenant.connectors.set("Contoso smart host", { ConnectorType: "Partner", TlsSettings: "EncryptionOnly" });
    const before = snapshot(cloneTenant(tenant));
    runScript(readFileSync(out, "utf8"), tenant);
    const after = snapshot(cloneTenant(tenant));
    runScript(readFileSync(out, "utf8"), tenant);
    expect(snapshot(tenant)).toEqual(after);
    expect(tenant.connectors.get("MailTLS Guard - TLS domain 01")?.RecipientDomains).toEqual([
      "mta-sts.test",
      "tls-ok.test",
    ]);
    runScript(readFileSync(rollback, "utf8"), tenant);
    expect(snapshot(tenant)).toEqual(before);
  });

  it("--include-unverified adds selfsigned and expired in EncryptionOnly; --enforce sets the rule to Enforce (golden)", async () => {
    const r = await run([...PARTNERS, "--include-unverified", "--enforce"]);
    expect(r.code).toBe(0);
    golden("harness-unverified.ps1", r.stdout);
    const tenant = emptyTenant();
    runScript(r.stdout, tenant);
    expect(tenant.connectors.get("MailTLS Guard - TLS encryption only 01")).toMatchObject({
      TlsSettings: "EncryptionOnly",
      RecipientDomains: ["expired.test", "selfsigned.test"],
    });
    const everywhere = [...tenant.connectors.values()].flatMap((c) => c.RecipientDomains as string[]);
    for (const d of NEVER) expect(everywhere).not.toContain(d);
    expect(tenant.rules.get("MailTLS Guard - password-protected attachments to outside")?.Mode).toBe(
      "Enforce",
    );
  });

  it("reads the partners from --from, and skips what is not a domain (exit 1)", async () => {
    const list = join(dir, "partners.csv");
    writeFileSync(list, "email\nsato@tls-ok.test\nnot a domain\nno-tls.test\n");
    const r = await run(["--from", list, "--json"]);
    expect(r.code).toBe(1);
    const p = JSON.parse(r.stdout) as ExchangePlan;
    expect(p.included.map((x) => x.domain)).toEqual(["tls-ok.test"]);
    expect(p.excluded.map((x) => x.domain)).toEqual(["no-tls.test"]);
  });

  it("refuses bad options, and writes nothing then", async () => {
    const nowhere = join(dir, "no-such-dir", "x.ps1");
    for (const args of [
      ["tls-ok.test", "--max-age-days", "0"],
      ["tls-ok.test", "--max-age-days", "7d"],
      ["tls-ok.test", "--out", join(dir, "same.ps1"), "--rollback", join(dir, "same.ps1")],
      ["tls-ok.test", "--out", "-"],
      ["not_a_domain!"],
      [],
    ]) {
      const r = await run(args);
      expect([args, r.code]).toEqual([args, 2]);
      expect(r.stdout).toBe("");
    }
    expect(existsSync(join(dir, "same.ps1"))).toBe(false);
    const r = await run(["tls-ok.test", "--out", nowhere]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ENOENT/);
    expect(existsSync(nowhere)).toBe(false);
  });

  it("speaks Japanese on stderr under a Japanese locale", async () => {
    const io = captureIO({ ...env(), LANG: "ja_JP.UTF-8" });
    expect(await main(["exchange-config", "tls-ok.test", "--json"], io)).toBe(0);
    expect(io.stderr).toMatch(/件の取引先を/);
  });
});
