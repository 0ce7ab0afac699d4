/**
 * The admin console's costs, each against a baseline measured in the same run:
 *  1. the summary of a tenant with 10× more sends and look-ups over the same 30 days and partners,
 *     against the tenant with 1× (it is computed from daily aggregates: it must not grow with them);
 *  2. an import of 10,000 domains against the harness, against the same 10,000 names checked by
 *     `mailtls check --from` with the same probe limit (the import must go at the limit's rate).
 * Run as root: npm run bench:admin (it starts and stops the harness itself).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../src/cli/main";
import { startEntraStandIn } from "../test/helpers/entra";
import { harnessEnv } from "../test/helpers/probe";
import { startService } from "../test/helpers/service";
import { fmt, machine, median, runWithHarness, writeSection } from "./report";

const CLIENT = "0d2b5e3c-1111-4a4a-9b9b-123456789abc";
const SMALL = "11111111-aaaa-4aaa-8aaa-111111111111";
const LARGE = "22222222-aaaa-4aaa-8aaa-222222222222";
const DAYS = 30;
const PARTNERS = 500;

async function summaries() {
  const entra = await startEntraStandIn(CLIENT);
  const clock = { now: Date.now() - (DAYS - 1) * 86_400_000 };
  // Probes are not what is measured here: every partner gets a verdict from one cheap fake probe.
  const prober = {
    probe: async (d: { ascii: string; unicode: string }) => ({
      domain: d.ascii,
      displayDomain: d.unicode,
      grade: (d.ascii.charCodeAt(1) % 5 === 0 ? "no-tls" : "tls") as "tls" | "no-tls",
      checkedAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      durationMs: 1,
      mx: [],
      reasons: [],
    }),
  };
  const svc = await startService(
    {
      MAILTLS_ENTRA_AUDIENCE: CLIENT,
      MAILTLS_ENTRA_TENANTS: `${SMALL},${LARGE}`,
      MAILTLS_ENTRA_JWKS_URL: entra.jwksUrl,
      MAILTLS_ADMIN_KEYS: "operator",
      MAILTLS_RATE_LIMIT: "1000000",
      MAILTLS_LOG_LEVEL: "silent",
    },
    { prober, now: () => clock.now },
  );
  try {
    const tokens: Record<string, string> = {
      [SMALL]: await entra.sign({ tid: SMALL, oid: "u" }),
      [LARGE]: await entra.sign({ tid: LARGE, oid: "u" }),
    };
    const partners = Array.from({ length: PARTNERS }, (_, i) => `p${i}.partner.example`);
    const post = (tenant: string, path: string, body: unknown) =>
      fetch(`${svc.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${tokens[tenant]}` },
        body: JSON.stringify(body),
      }).then((r) => r.arrayBuffer());
    let events = 0;
    // Every day: each tenant looks up every partner (k times) and reports k × 10 sends.
    for (let day = 0; day < DAYS; day++) {
      for (const [tenant, k] of [
        [SMALL, 1],
        [LARGE, 10],
      ] as const) {
        for (let r = 0; r < k; r++)
          for (let i = 0; i < partners.length; i += 100)
            await post(tenant, "/api/v1/check?waitMs=2000&view=compact", {
              domains: partners.slice(i, i + 100),
            });
        for (let sends = 0; sends < k * 10; sends++) {
          await post(tenant, "/api/v1/events", {
            kind: "send",
            action: sends % 3 ? "allow" : "block",
            reasons: sends % 3 ? [] : ["password-attachment"],
            domains: [{ domain: partners[sends % PARTNERS], grade: "tls" }],
            attachments: { protected: sends % 3 ? 0 : 1, plain: 1, cloud: 0 },
          });
          events++;
        }
      }
      await svc.app.counter.flush();
      clock.now += 86_400_000;
    }
    const time = async (tenant: string) => {
      const t0 = performance.now();
      const r = await fetch(`${svc.url}/api/v1/admin/summary?tenant=${tenant}`, {
        headers: { "x-api-key": "operator" },
      });
      const body = (await r.json()) as { sends: { checked: number }; lookups: { total: number } };
      return { ms: performance.now() - t0, body };
    };
    for (let i = 0; i < 3; i++) await Promise.all([time(SMALL), time(LARGE)]);
    const small: number[] = [];
    const large: number[] = [];
    let bodies = { small: await time(SMALL), large: await time(LARGE) };
    for (let i = 0; i < 30; i++) {
      small.push((await time(SMALL)).ms);
      large.push((await time(LARGE)).ms);
    }
    bodies = { small: await time(SMALL), large: await time(LARGE) };
    return { small: median(small), large: median(large), bodies, events };
  } finally {
    await svc.close();
    entra.close();
  }
}

async function importRate() {
  const N = Number(process.env.BENCH_IMPORT_NAMES ?? 10_000);
  const LIMIT = 32;
  const env = { MAILTLS_PROBES_MAX: String(LIMIT), MAILTLS_MAX_CONNECTIONS_PER_ADDRESS: String(LIMIT) };
  // Baseline: the same number of fresh names through the CLI, with the same limit.
  const dir = mkdtempSync(join(tmpdir(), "bench-import-"));
  const cliList = join(dir, "cli.txt");
  writeFileSync(cliList, Array.from({ length: N }, (_, i) => `c${i}.bulk.test`).join("\n"));
  const io = { out: () => undefined, err: () => undefined, env: harnessEnv(env) };
  let t0 = performance.now();
  await main(["check", "--from", cliList, "--format", "json", "--concurrency", String(LIMIT)], io);
  const cli = performance.now() - t0;

  const svc = await startService({ ...env, MAILTLS_ADMIN_KEYS: "operator", MAILTLS_LOG_LEVEL: "silent" });
  try {
    const csv = "RecipientAddress\n" + Array.from({ length: N }, (_, i) => `x@i${i}.bulk.test`).join("\n");
    const headers = { "x-api-key": "operator" };
    t0 = performance.now();
    const started = (await (
      await fetch(`${svc.url}/api/v1/admin/imports`, {
        method: "POST",
        headers: { ...headers, "content-type": "text/csv" },
        body: csv,
      })
    ).json()) as { id: string; total: number };
    let job: { state: string; done: number; grades: Record<string, number> } = {
      state: "running",
      done: 0,
      grades: {},
    };
    while (job.state === "running") {
      await new Promise((r) => setTimeout(r, 250));
      job = (await (
        await fetch(`${svc.url}/api/v1/admin/imports/${started.id}`, { headers })
      ).json()) as typeof job;
    }
    const imported = performance.now() - t0;
    return { N, LIMIT, cli, imported, job };
  } finally {
    await svc.close();
  }
}

async function run() {
  const s = await summaries();
  const imp = await importRate();
  const ratio = s.large / s.small;
  const importRatio = imp.imported / imp.cli;
  const md = `Command: \`npm run bench:admin\` (${machine()}).

| measurement | ours | baseline | ratio | goal |
|---|---|---|---|---|
| \`GET /api/v1/admin/summary\` (30 days, ${PARTNERS} partners) for a tenant with 10× the sends and look-ups (${s.bodies.large.body.sends.checked} sends, ${s.bodies.large.body.lookups.total} look-ups); baseline: the tenant with 1× (${s.bodies.small.body.sends.checked} sends, ${s.bodies.small.body.lookups.total} look-ups), same days and partners; median of 30 | ${fmt(s.large)} ms | ${fmt(s.small)} ms | **${ratio.toFixed(2)}×** | ≤ 1.5× ${ratio <= 1.5 ? "met" : "NOT met"} |
| an import of ${imp.N.toLocaleString("en-US")} domains (\`POST /api/v1/admin/imports\`, until \`state: done\`; ${imp.job.done} done, grades ${JSON.stringify(imp.job.grades)}), \`MAILTLS_PROBES_MAX=${imp.LIMIT}\`; baseline: ${imp.N.toLocaleString("en-US")} other names through \`mailtls check --from --concurrency ${imp.LIMIT}\` | ${fmt(imp.imported / 1000)} s | ${fmt(imp.cli / 1000)} s | **${importRatio.toFixed(2)}×** | at the probe limit's rate (≈ 1×) ${importRatio <= 1.2 ? "met" : "NOT met"} |

The summary reads the tenant's daily aggregates (one row per partner and day, one per counter and day), so its cost follows the days and the partners, not the sends; the seeding went through the public API (\`POST /api/v1/check\`, \`POST /api/v1/events\` with Entra tokens of a local stand-in, ${s.events} events) on a clock moved a day at a time. The import checks its domains under the service's probe limit (its client's share), as the CLI does with the same concurrency, against the harness's bulk.test wildcard (one Postfix on loopback: CPU-bound on two cores).`;
  console.log(md);
  writeSection("admin", md);
}

runWithHarness(run);
