/**
 * The drift watch (issue 16): partners inside a tenant's newest generated Exchange Online connectors
 * whose grade has since fallen below what put them there — mail to them would be held now. The
 * console shows them; /metrics gauges them and counts each once. Every 10 minutes it re-checks, in
 * the background and within the probe limits, members whose verdict has expired, so a partner's
 * TLS breaking is noticed even when nobody writes to it.
 */
import type { FastifyBaseLogger } from "fastify";
import { Counter, Gauge } from "prom-client";
import { parseMailDomain } from "../../core/domain";
import { driftOf, exclusionText } from "../../core/exchange";
import type { Grade } from "../../core/verdict";
import type { Metrics } from "../metrics";
import type { HotStore } from "../store/hot";
import type { VerdictService } from "../verdicts";
import type { ExchangeGeneration, FiguresStore } from "./figures";

/** How often the watch re-checks generated partners and counts the drift. */
const WATCH_EVERY_MS = 10 * 60_000;
/** Expired members re-probed per round at most (the rest wait for the next round). */
const WATCH_PROBES_PER_ROUND = 200;
/** Drifts remembered as already counted (tenant, generation, domain), bounded. */
const MAX_SEEN_DRIFTS = 100_000;

export interface DriftEntry {
  domain: string;
  connector: string;
  tlsSettings: string;
  grade: Grade;
  reason: string;
  checkedAt: string;
  hosts?: string[];
  why: { ja: string; en: string };
}

export function createDriftWatch(deps: {
  figures: FiguresStore;
  store: HotStore;
  verdicts: VerdictService;
  metrics: Metrics;
  log: FastifyBaseLogger;
  now?: () => number;
}) {
  const { figures, store, verdicts, metrics, log } = deps;
  const now = deps.now ?? Date.now;

  /** Partners of a generation now in drift: their current verdicts, no probe. */
  async function driftFor(g: ExchangeGeneration): Promise<DriftEntry[]> {
    const domains = g.connectors.flatMap((c) => c.domains);
    const current = await store.getMany(domains);
    const out: DriftEntry[] = [];
    for (const c of g.connectors)
      for (const domain of c.domains) {
        const report = current.get(domain)?.report;
        const d = driftOf(c.tlsSettings, report);
        if (d.state !== "drift" || !report) continue;
        const words = (lang: "ja" | "en") =>
          exclusionText(
            { domain, displayDomain: domain, reason: d.reason, hosts: d.hosts },
            lang,
            g.maxAgeDays,
          );
        out.push({
          domain,
          connector: c.name,
          tlsSettings: c.tlsSettings,
          grade: d.grade,
          reason: d.reason,
          checkedAt: report.checkedAt,
          ...(d.hosts ? { hosts: d.hosts } : {}),
          why: { ja: words("ja"), en: words("en") },
        });
      }
    return out;
  }

  // The drift across every tenant's newest generation, for /metrics.
  const seen = new Set<string>();
  const detected = new Counter({
    name: "mailtls_exchange_drift_detected_total",
    help: "Partners found inside a generated Exchange Online connector while graded below what put them there (each partner once per generation)",
    registers: [metrics.registry],
  });
  let lastDrift = 0;
  async function countDrift(): Promise<number> {
    let total = 0;
    for (const g of await figures.latestGenerations()) {
      const drift = await driftFor(g);
      total += drift.length;
      for (const d of drift) {
        const key = `${g.tenant}\n${g.id}\n${d.domain}`;
        if (seen.has(key)) continue;
        if (seen.size >= MAX_SEEN_DRIFTS) seen.clear();
        seen.add(key);
        detected.inc();
        log.warn(
          { tenant: g.tenant, domain: d.domain, grade: d.grade, reason: d.reason, connector: d.connector },
          "exchange drift: a partner in a generated TLS-required connector no longer qualifies",
        );
      }
    }
    lastDrift = total;
    return total;
  }
  new Gauge({
    name: "mailtls_exchange_drift_partners",
    help: "Partners inside the newest generated Exchange Online connectors whose grade now falls below what put them there: mail to them would be held",
    registers: [metrics.registry],
    async collect() {
      this.set(await countDrift().catch(() => lastDrift));
    },
  });

  /** One watch round: re-probe expired members (bounded), then count the drift. */
  async function watch(): Promise<{ refreshed: number; drift: number }> {
    const nowMs = now();
    let refreshed = 0;
    for (const g of await figures.latestGenerations()) {
      const domains = g.connectors.flatMap((c) => c.domains);
      const stored = await store.getMany(domains);
      for (const domain of domains) {
        if (refreshed >= WATCH_PROBES_PER_ROUND) break;
        const v = stored.get(domain);
        if (v && v.expiresAt > nowMs) continue;
        refreshed++;
        await verdicts
          .refresh(parseMailDomain(domain), "exchange-watch")
          .catch((err: unknown) => log.warn({ err, domain }, "exchange watch: re-check failed"));
      }
    }
    return { refreshed, drift: await countDrift() };
  }
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  return {
    driftFor,
    countDrift,
    /** One round now (tests; the service runs one every 10 minutes). */
    run: watch,
    start() {
      timer = setInterval(() => {
        if (running) return;
        running = true;
        void watch()
          .catch((err: unknown) => log.warn({ err }, "exchange watch failed"))
          .finally(() => (running = false));
      }, WATCH_EVERY_MS);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}

export type DriftWatch = ReturnType<typeof createDriftWatch>;
