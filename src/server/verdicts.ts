import type { FastifyBaseLogger } from "fastify";
import { type MailDomain, parseMailDomain } from "../core/domain";
import type { DomainReport, Grade } from "../core/verdict";
import { type ProbeAdmission, QueueFull } from "../probe/admission";
import type { Flight } from "./flight";
import type { Metrics } from "./metrics";
import type { HotStore } from "./store/hot";
import type { VerdictStore } from "./store/types";

export interface Prober {
  probe(domain: MailDomain): Promise<DomainReport>;
}

export interface VerdictServiceOptions {
  ttlSeconds: Record<Grade, number>;
  refreshAheadSeconds: number;
  now?: () => number;
  /** The limit on probes in flight (queue and per-client share); none: unlimited (tests). */
  admission?: ProbeAdmission;
}

export { QueueFull };

/** How long a set of reports from memory stays right (see VerdictService.peekAll). */
export interface Held {
  generation: number;
  until: number;
}

/** A report for a domain whose probe has not finished within the caller's wait (or has not started). */
export function pendingReport(d: MailDomain, now: number, reason = "pending"): DomainReport {
  const at = new Date(now).toISOString();
  return {
    domain: d.ascii,
    displayDomain: d.unicode,
    grade: "unknown",
    checkedAt: at,
    expiresAt: at,
    durationMs: 0,
    mx: [],
    reasons: [reason],
    pending: true,
  };
}

/**
 * Cache-first verdicts: a fresh cached verdict at once; otherwise one shared probe (single-flight),
 * waited for up to `waitMs`, after which the caller gets what is known, marked pending, and the
 * probe finishes in the background and fills the cache.
 */
export class VerdictService {
  private readonly now: () => number;

  constructor(
    private readonly store: VerdictStore,
    private readonly prober: Prober,
    private readonly flight: Flight,
    private readonly metrics: Metrics,
    private readonly log: FastifyBaseLogger,
    private readonly opts: VerdictServiceOptions,
    private readonly hot?: Pick<
      HotStore,
      "peek" | "peekHeld" | "generation" | "countLookup" | "countLookupsOf"
    >,
  ) {
    this.now = opts.now ?? Date.now;
  }

  /**
   * Probes now (shared with any probe of the same domain already running) and stores the result.
   * The probe waits its turn under the admission limit, counted against `client`'s share; a full
   * queue rejects with QueueFull, and nothing is stored.
   */
  refresh(d: MailDomain, client = "service"): Promise<DomainReport> {
    return this.flight.run(d.ascii, async () => {
      const probe = () => this.prober.probe(d);
      const report = await (this.opts.admission ? this.opts.admission.run(client, probe) : probe());
      const checked = Date.parse(report.checkedAt);
      const expiresAt = checked + this.opts.ttlSeconds[report.grade] * 1000;
      report.expiresAt = new Date(expiresAt).toISOString();
      this.metrics.probes.inc({ grade: report.grade });
      await this.safely(() => this.store.put({ report, expiresAt }));
      return report;
    });
  }

  /**
   * The cached-and-fresh fast path, synchronous: a report held in memory, counted as a look-up, or
   * undefined when the full lookup is needed.
   */
  peek(d: MailDomain): DomainReport | undefined {
    const v = this.hot?.peek(d.ascii);
    if (!v) return undefined;
    this.hot?.countLookup(d.ascii, this.now());
    this.metrics.cacheHits.inc();
    return v.report;
  }

  /**
   * `peek` for several domains at once: their reports when every one is held in memory and fresh
   * (counted as look-ups), else undefined and nothing counted. `held` says how long the set stays
   * right: until `until`, while memory's generation is unchanged (see `stillHeld`).
   */
  peekAll(ds: readonly MailDomain[]): { reports: DomainReport[]; held: Held } | undefined {
    const hot = this.hot;
    if (!hot) return undefined;
    const generation = hot.generation();
    const reports: DomainReport[] = new Array(ds.length);
    let until = Infinity;
    for (let i = 0; i < ds.length; i++) {
      const h = hot.peekHeld(ds[i].ascii);
      if (!h) return undefined;
      reports[i] = h.v.report;
      if (h.until < until) until = h.until;
    }
    this.counted(ds);
    return { reports, held: { generation, until } };
  }

  /**
   * True when the reports `peekAll` gave with `held` are still the ones memory holds and still
   * fresh: nothing held has changed since, and none has aged out. Counts nothing (see countingOf).
   */
  stillHeld(held: Held): boolean {
    return this.hot !== undefined && this.hot.generation() === held.generation && this.now() < held.until;
  }

  /** Counts look-ups of these domains served from memory again, one each a call (prepared once). */
  countingOf(ds: readonly MailDomain[]): () => void {
    const hot = this.hot;
    if (!hot) return () => undefined;
    const count = hot.countLookupsOf(ds.map((d) => d.ascii));
    const n = ds.length;
    return () => {
      count(this.now());
      this.metrics.cacheHits.inc(n);
    };
  }

  private counted(ds: readonly MailDomain[]): void {
    const hot = this.hot;
    if (!hot) return;
    const at = this.now();
    for (const d of ds) hot.countLookup(d.ascii, at);
    this.metrics.cacheHits.inc(ds.length);
  }

  /**
   * A fresh cached verdict, or the probe's within `waitMs`, or a pending report. When the probe
   * queue has no room the answer is pending too (reason probe-queue-full), or with `busyThrows` the
   * QueueFull error (for callers that answer 503).
   */
  async lookup(
    d: MailDomain,
    opts: { refresh?: boolean; waitMs: number; client?: string; busyThrows?: boolean },
  ): Promise<DomainReport> {
    void this.safely(() => this.store.recordLookups([{ domain: d.ascii, count: 1, at: this.now() }]));
    const cached = opts.refresh ? undefined : await this.safely(() => this.store.get(d.ascii));
    if (cached && cached.expiresAt > this.now()) {
      this.metrics.cacheHits.inc();
      return cached.report;
    }
    this.metrics.cacheMisses.inc();
    const probe = this.refresh(d, opts.client);
    probe.catch((e) => {
      if (e instanceof QueueFull) this.metrics.probesRefused.inc({ scope: e.scope });
      else this.log.error({ err: e, domain: d.ascii }, "probe failed");
    });
    let timer: NodeJS.Timeout | undefined;
    const late = Symbol("late");
    let result: DomainReport | typeof late;
    try {
      result = await Promise.race([
        probe,
        new Promise<typeof late>((resolve) => (timer = setTimeout(() => resolve(late), opts.waitMs))),
      ]).finally(() => clearTimeout(timer));
    } catch (e) {
      if (!(e instanceof QueueFull) || opts.busyThrows) throw e;
      // No room to probe now: what is known, marked pending — never a grade the probe did not give.
      return cached ? { ...cached.report, pending: true } : pendingReport(d, this.now(), "probe-queue-full");
    }
    if (result !== late) return result;
    // Not done in time: an expired verdict is still better than nothing, marked as being re-checked.
    return cached ? { ...cached.report, pending: true } : pendingReport(d, this.now());
  }

  /** Domains asked for recently whose verdict is about to expire: refreshed so users never wait. */
  async refreshDue(recentWindowMs: number, limit = 50): Promise<number> {
    const now = this.now();
    const due = await this.safely(() =>
      this.store.dueForRefresh(now - recentWindowMs, now + this.opts.refreshAheadSeconds * 1000, limit),
    );
    for (const domain of due ?? []) {
      await this.refresh(parseMailDomain(domain), "background").catch((e) =>
        this.log.warn({ err: e, domain }, "background refresh failed"),
      );
    }
    return due?.length ?? 0;
  }

  /** Store trouble must not turn into a 5xx: log, count, and carry on without the cache. */
  private async safely<T>(op: () => Promise<T>): Promise<T | undefined> {
    try {
      return await op();
    } catch (e) {
      this.metrics.storeErrors.inc();
      this.log.warn({ err: e }, "cache store unavailable");
      return undefined;
    }
  }
}
