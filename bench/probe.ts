/**
 * Probe speed against the reference client, on the same local servers (test/harness), in one run:
 *  1. one domain: our in-process probe (DNS + SMTP + STARTTLS + certificate checks) against Postfix's
 *     posttls-finger talking to the same Postfix instance (a process per probe, as an admin runs it);
 *  2. twelve domains at once (each MX a different address of one Postfix) against the slowest of the
 *     same twelve probed one by one.
 * Run as root: npm run bench:probe (it starts and stops the harness itself).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseMailDomain } from "../src/core/domain";
import { main } from "../src/cli/main";
import { engineFromEnv } from "../src/probe";
import { harnessEnv } from "../test/helpers/probe";
import { startLatencyProxy, startLatencyProxyProcess } from "./latency-proxy";
import { fmt, machine, runWithHarness, median, time, writeSection } from "./report";

const HARNESS = join(__dirname, "..", "test", "harness");
const CA = join(HARNESS, "pki", "ca.crt");

async function run() {
  if (!process.env.NODE_EXTRA_CA_CERTS)
    throw new Error("run through npm run bench:probe (sets NODE_EXTRA_CA_CERTS)");
  const engine = engineFromEnv(harnessEnv());
  const good = parseMailDomain("good.test");
  const check = await engine.probe(good);
  if (check.grade !== "tls" || !check.mx[0].tls?.certificate?.trusted)
    throw new Error("harness not answering as expected");

  // posttls-finger needs a main.cf to start; an empty one will do.
  const conf = mkdtempSync(join(tmpdir(), "posttls-"));
  writeFileSync(join(conf, "main.cf"), "compatibility_level = 3.6\n");
  execFileSync("touch", ["-d", "-10 seconds", join(conf, "main.cf")]); // a fresh main.cf costs postfix tools ~2 s
  const sample = execFileSync(
    "posttls-finger",
    ["-c", "-l", "secure", "-F", CA, "[127.0.0.11]:25", "mx1.good.test"],
    {
      env: { ...process.env, MAIL_CONFIG: conf },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const fingerOk = /Verified TLS connection/.test(sample);

  const runs = 40;
  const ours = await time(() => engine.probe(good), runs, 3);
  const theirs = await time(
    () =>
      execFileSync("posttls-finger", ["-c", "-l", "secure", "-F", CA, "[127.0.0.11]:25", "mx1.good.test"], {
        env: { ...process.env, MAIL_CONFIG: conf },
        stdio: "ignore",
      }),
    runs,
    3,
  );
  const mo = median(ours);
  const mt = median(theirs);

  // Twelve domains at once against the slowest of the same twelve probed alone, twice: straight on
  // loopback (CPU-bound: client and twelve Postfix processes share two cores), and through a proxy
  // adding 25 ms each way (a 50 ms round trip, typical between Japanese networks).
  const parallel = async (prefix: string) => {
    const domains = Array.from({ length: 12 }, (_, i) => parseMailDomain(`${prefix}${i + 1}.test`));
    const alone: number[][] = domains.map(() => []);
    const together: number[] = [];
    for (let round = 0; round < 8; round++) {
      for (let i = 0; i < domains.length; i++)
        alone[i].push(...(await time(() => engine.probe(domains[i]), 1, 0)));
      together.push(...(await time(() => Promise.all(domains.map((d) => engine.probe(d))), 1, 0)));
    }
    const grades = (await Promise.all(domains.map((d) => engine.probe(d)))).map((r) => r.grade);
    return {
      all: median(together),
      slowest: Math.max(...alone.map(median)),
      tls: grades.filter((g) => g === "tls").length,
    };
  };
  const direct = await parallel("bench");
  const proxies = await Promise.all(
    Array.from({ length: 12 }, (_, i) => startLatencyProxy(`127.0.0.${121 + i}`, "127.0.0.101", 25)),
  );
  let delayed;
  try {
    delayed = await parallel("slowbench");
  } finally {
    await Promise.all(proxies.map((p) => new Promise((r) => p.close(r))));
  }
  // Bulk: 1,000 names through the CLI (`mailtls check --from`, in this process) behind the latency
  // proxy, against (names ÷ concurrency) × one probe alone through the same proxy. slowbulk.test's
  // wildcard MX is 127.0.0.47, one address standing in for a thousand partners' servers, so the
  // per-address connection limit is raised to the concurrency.
  const CONCURRENCY = 32;
  const NAMES = 1000;
  const bulkEnv = harnessEnv({ MAILTLS_MAX_CONNECTIONS_PER_ADDRESS: String(CONCURRENCY) });
  // The "network" runs in a process of its own, so that it does not take the CLI's CPU.
  const bulkProxy = await startLatencyProxyProcess("127.0.0.47", "127.0.0.11", 25);
  let bulk;
  try {
    const single = engineFromEnv(bulkEnv);
    const alone = await time(
      async () => {
        const r = await single.probe(
          parseMailDomain(`alone${Math.random().toString(36).slice(2)}.slowbulk.test`),
        );
        if (r.grade !== "tls") throw new Error(`a single probe graded ${r.grade}`);
      },
      9,
      1,
    );
    const listFile = join(mkdtempSync(join(tmpdir(), "bulk-")), "partners.txt");
    writeFileSync(
      listFile,
      Array.from({ length: NAMES }, (_, i) => `p${i}@bulk${i}.slowbulk.test`).join("\n"),
    );
    const io = { out: (s: string) => void (io.stdout += s), err: () => undefined, env: bulkEnv, stdout: "" };
    const t0 = performance.now();
    const code = await main(
      ["check", "--from", listFile, "--format", "json", "--concurrency", String(CONCURRENCY)],
      io,
    );
    const total = performance.now() - t0;
    const reports = JSON.parse(io.stdout) as Array<{ grade: string }>;
    const ideal = (NAMES / CONCURRENCY) * median(alone);
    bulk = { code, total, alone: median(alone), ideal, tls: reports.filter((r) => r.grade === "tls").length };
  } finally {
    await bulkProxy.close();
  }
  const row = (label: string, p: typeof direct) =>
    `| 12 domains at once, ${label} (${p.tls}/12 graded tls); baseline: the slowest of the 12 probed alone | ${fmt(p.all)} | ${fmt(p.slowest)} | together ÷ slowest alone = **${(p.all / p.slowest).toFixed(2)}×** | ≤ 1.5× ${p.all / p.slowest <= 1.5 ? "met" : "NOT met"} |`;

  const md = `Command: \`npm run bench:probe\` (${machine()}). Real Postfix on loopback (test/harness), medians.

| measurement | ours (ms) | baseline (ms) | ratio | goal |
|---|---|---|---|---|
| one domain, good.test (TLS 1.3, verified certificate); baseline: \`posttls-finger -c -l secure -F ca.crt "[127.0.0.11]:25" mx1.good.test\`${fingerOk ? "" : " (did not verify!)"} | ${fmt(mo)} | ${fmt(mt)} | ours ÷ posttls-finger = **${(mo / mt).toFixed(2)}×** | ≤ 1.2× ${mo / mt <= 1.2 ? "met" : "NOT met"} |
${row("50 ms round trip (latency proxy)", delayed)}
${row("straight on loopback (CPU-bound on 2 cores)", direct)}
| ${NAMES} names through the CLI (\`mailtls check --from FILE --concurrency ${CONCURRENCY}\`), 50 ms round trip (${bulk.tls}/${NAMES} graded tls, exit ${bulk.code}); baseline: (names ÷ concurrency) × one probe alone (${fmt(bulk.alone)} ms) | ${fmt(bulk.total)} | ${fmt(bulk.ideal)} | total ÷ ideal = **${(bulk.total / bulk.ideal).toFixed(2)}×** | ≤ 1.3× ${bulk.total / bulk.ideal <= 1.3 ? "met" : "NOT met"} |

The bulk figure runs \`mailtls check --from\` in this process against slowbulk.test, whose wildcard MX (127.0.0.47) is a latency proxy (its own process, 25 ms each way) to one Postfix: one address stands in for a thousand partners' servers, so \`MAILTLS_MAX_CONNECTIONS_PER_ADDRESS\` is set to the concurrency; "one probe alone" is the median of 9 fresh names probed one at a time through the same proxy. What is left above the ideal is CPU: on two cores the client's thousand TLS handshakes share the machine with Postfix, the proxy and the DNS servers.

Ours includes the DNS look-ups (MX, A, AAAA against dnsmasq) that posttls-finger skips when given an address; posttls-finger's time includes starting its process, which is how an administrator runs it. Straight on loopback the twelve-at-once figure measures CPU, not waiting: the client's twelve handshakes and twelve Postfix smtpd processes share two cores; with a network in between, as in use, the probes overlap and the total stays near the slowest single domain.`;
  console.log(md);
  writeSection("probe", md);
}

runWithHarness(run);
