/**
 * One limit on probes in flight (issue 13, item 5): a running cap, a bounded queue and a share per
 * client, against the harness's real servers (bulk.test: a wildcard MX, so any name is a real probe).
 */
import type { MailDomain } from "../../src/core/domain";
import type { DomainReport } from "../../src/core/verdict";
import { engineFromEnv } from "../../src/probe";
import { harnessEnv } from "../helpers/probe";
import { getJson, postJson, startService } from "../helpers/service";
import { startHostile } from "../harness/hostile";

/** The real engine, watched: how many probes ran, and how many at most at once. */
function watchedProber(env: Record<string, string>) {
  const engine = engineFromEnv(harnessEnv(env));
  const w = {
    started: 0,
    inFlight: 0,
    maxInFlight: 0,
    async probe(d: MailDomain): Promise<DomainReport> {
      w.started++;
      w.maxInFlight = Math.max(w.maxInFlight, ++w.inFlight);
      try {
        return await engine.probe(d);
      } finally {
        w.inFlight--;
      }
    },
  };
  return w;
}

const names = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}.bulk.test`);

describe("the probe queue", () => {
  it("ten checks of 100 new names each run at most the limit at once, and the client's share in all", async () => {
    const env = { MAILTLS_PROBES_MAX: "4", MAILTLS_PROBE_QUEUE: "50", MAILTLS_PROBE_QUEUE_PER_CLIENT: "20" };
    const prober = watchedProber(env);
    const svc = await startService(env, { prober });
    try {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, k) =>
          postJson(`${svc.url}/api/v1/check?waitMs=0&view=compact`, { domains: names(100, `q${k}-`) }),
        ),
      );
      const reports = answers.flatMap((a) => a.body.reports as DomainReport[]);
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(reports).toHaveLength(1000);
      // Nothing is graded by the queue: each report is pending, most of them refused for now.
      expect(reports.every((r) => r.pending === true && r.grade === "unknown")).toBe(true);
      // Without the limit all 1000 started at once; with it, the client's share (20), refilled only
      // as quick probes finish while the ten requests come in.
      expect(reports.filter((r) => r.reasons[0] === "probe-queue-full").length).toBeGreaterThan(900);
      expect(prober.started).toBeLessThan(100);
      await new Promise((r) => setTimeout(r, 2000));
      expect(prober.maxInFlight).toBeLessThanOrEqual(4);
      // A name that was refused is probed when asked again, and gets its real grade.
      const again = await getJson(`${svc.url}/api/v1/domains/q9-99.bulk.test`);
      expect(again.status).toBe(200);
      expect(again.body.grade).toBe("tls");
      const metrics = await (await fetch(`${svc.url}/metrics`)).text();
      expect(metrics).toMatch(/mailtls_probes_refused_total\{scope="client"\} \d+/);
    } finally {
      await svc.close();
    }
  });

  it("another client keeps its own share while one fills its own", async () => {
    const env = {
      MAILTLS_PROBES_MAX: "2",
      MAILTLS_PROBE_QUEUE: "100",
      MAILTLS_PROBE_QUEUE_PER_CLIENT: "10",
      MAILTLS_API_KEYS: "client-a,client-b",
    };
    const svc = await startService(env, { prober: watchedProber(env) });
    try {
      const a = await postJson(
        `${svc.url}/api/v1/check?waitMs=0`,
        { domains: names(50, "a") },
        { "x-api-key": "client-a" },
      );
      expect(a.body.reports.filter((r: DomainReport) => r.reasons[0] === "probe-queue-full")).toHaveLength(
        40,
      );
      const b = await postJson(
        `${svc.url}/api/v1/check?waitMs=8000`,
        { domains: ["good.test"] },
        { "x-api-key": "client-b" },
      );
      expect(b.body.reports[0]).toMatchObject({ domain: "good.test", grade: "tls" });
    } finally {
      await svc.close();
    }
  });

  it("a single look-up with no room in the queue answers 503 with Retry-After, and stores nothing", async () => {
    const env = {
      MAILTLS_PROBES_MAX: "1",
      MAILTLS_PROBE_QUEUE: "0",
      MAILTLS_PROBE_QUEUE_PER_CLIENT: "100",
      MAILTLS_PROBE_TIMEOUT_MS: "1500",
    };
    const svc = await startService(env, { prober: watchedProber(env) });
    const tarpit = await startHostile("127.0.0.31", "tarpit");
    try {
      const slow = getJson(`${svc.url}/api/v1/domains/tarpit.test`);
      await new Promise((r) => setTimeout(r, 200));
      const busy = await getJson(`${svc.url}/api/v1/domains/good.test`);
      expect(busy.status).toBe(503);
      expect(busy.headers.get("retry-after")).toBe("5");
      expect(busy.body.error.code).toBe("busy");
      await slow;
      // Not stored as unknown: asked again with room, it is probed and graded.
      expect((await getJson(`${svc.url}/api/v1/domains/good.test`)).body.grade).toBe("tls");
    } finally {
      await tarpit.close();
      await svc.close();
    }
  });

  it("time spent waiting in the queue does not count against a probe's deadline", async () => {
    const env = { MAILTLS_PROBES_MAX: "1", MAILTLS_PROBE_TIMEOUT_MS: "1500" };
    const svc = await startService(env, { prober: watchedProber(env) });
    const tarpit = await startHostile("127.0.0.31", "tarpit");
    try {
      // The tarpit holds the only slot for its whole deadline; good.test waits behind it.
      const first = getJson(`${svc.url}/api/v1/domains/tarpit.test`);
      await new Promise((r) => setTimeout(r, 100));
      const t0 = Date.now();
      const second = await getJson(`${svc.url}/api/v1/domains/good.test`);
      expect(Date.now() - t0).toBeGreaterThan(1200);
      expect(second.body.grade).toBe("tls");
      expect(second.body.durationMs).toBeLessThan(1000);
      expect((await first).body.grade).toBe("unknown");
    } finally {
      await tarpit.close();
      await svc.close();
    }
  });
});
