/**
 * Imports of a partner list an admin already has: the domains join the tenant's partners at once
 * (all or none), then are checked in the background under the probe limits, and the job's progress
 * can be read from any instance (it is kept in the figures store).
 */
import { randomBytes } from "node:crypto";
import type { FastifyBaseLogger } from "fastify";
import type { MailDomain } from "../../core/domain";
import { QueueFull, type VerdictService } from "../verdicts";
import { dayOf, type FiguresStore, type ImportJob, type TenantId } from "./figures";

export class ImportsBusy extends Error {}

export interface ImporterOptions {
  figures: FiguresStore;
  verdicts: VerdictService;
  log: FastifyBaseLogger;
  /** Probes one import keeps going at once (within its client's share of the queue). */
  concurrency: number;
  /** How long one domain's check may wait for its verdict. */
  waitMs: number;
  /** Imports running at once on this instance. */
  maxRunning?: number;
  now?: () => number;
}

export class Importer {
  private running = new Set<string>();
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly o: ImporterOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Records the partners and starts the checks; throws ImportsBusy when too many imports run. */
  async start(tenant: TenantId, domains: MailDomain[]): Promise<ImportJob> {
    if (this.closed || this.running.size >= (this.o.maxRunning ?? 4))
      throw new ImportsBusy("too many imports are running: try again when one has finished");
    const at = this.now();
    const day = dayOf(at);
    // One write: the partners are all in, or none is.
    await this.o.figures.addLookups(
      domains.map((d) => ({ tenant, day, domain: d.ascii, count: 0, imported: true, lastAt: 0 })),
    );
    const job: ImportJob = {
      id: randomBytes(12).toString("base64url"),
      tenant,
      createdAt: at,
      total: domains.length,
      done: 0,
      grades: {},
      state: "running",
    };
    await this.o.figures.putImport(job);
    this.running.add(job.id);
    void this.run(job, domains).finally(() => this.running.delete(job.id));
    return job;
  }

  private async run(job: ImportJob, domains: MailDomain[]): Promise<void> {
    let next = 0;
    let lastSave = this.now();
    const save = async (force = false) => {
      if (!force && this.now() - lastSave < 1000) return;
      lastSave = this.now();
      await this.o.figures
        .putImport({ ...job, grades: { ...job.grades } })
        .catch((err: unknown) => this.o.log.warn({ err }, "saving an import's progress failed"));
    };
    const worker = async () => {
      while (!this.closed && next < domains.length) {
        const d = domains[next++];
        for (;;) {
          try {
            const r = await this.o.verdicts.lookup(d, {
              waitMs: this.o.waitMs,
              client: `import:${job.tenant}`,
              busyThrows: true,
            });
            job.grades[r.grade] = (job.grades[r.grade] ?? 0) + 1;
            break;
          } catch (e) {
            if (!(e instanceof QueueFull) || this.closed) throw e;
            // Its share of the queue is full: wait for a place, as the probe limit intends.
            await new Promise((r) => setTimeout(r, 200));
          }
        }
        job.done++;
        await save();
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(this.o.concurrency, domains.length) }, worker));
      job.state = this.closed && job.done < job.total ? "interrupted" : "done";
    } catch (err) {
      this.o.log.warn({ err }, "an import stopped");
      job.state = "interrupted";
    }
    await save(true);
  }

  close(): void {
    this.closed = true;
  }
}
