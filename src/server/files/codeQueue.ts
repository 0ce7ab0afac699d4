/**
 * One-time codes are issued and mailed from a queue, after the page has answered: the answer (its
 * status, words and timing) is then the same whether or not the address is a recipient, whether a
 * limit was reached, and whether the relay is slow or down.
 */
import type { FastifyBaseLogger } from "fastify";
import type { Lang } from "../../core/i18n";
import type { Mailer } from "../mailer";
import { codeMail } from "./page";
import type { FileStore } from "./store";

export interface CodeJob {
  token: string;
  address: string;
  challenge: string;
  lang: Lang;
}

/** What became of a job, for the metrics (never who it was for). */
export type CodeOutcome = "sent" | "not-recipient" | "too-many" | "unavailable" | "send-failed" | "dropped";

export interface CodeQueueOptions {
  store: FileStore;
  mailer?: Mailer;
  log: FastifyBaseLogger;
  /** Jobs waiting at most; beyond, new ones are dropped (the page reads the same). */
  maxQueued?: number;
  /** Mails sent at once. */
  concurrency?: number;
  onOutcome?: (o: CodeOutcome) => void;
}

/** The parts of a relay's error worth logging: codes, never the addresses or the reply text. */
export function relayErrorCodes(err: unknown): Record<string, string | number> {
  const e = err as { code?: unknown; responseCode?: unknown; command?: unknown };
  const out: Record<string, string | number> = {};
  if (typeof e?.code === "string") out.code = e.code;
  if (typeof e?.responseCode === "number") out.responseCode = e.responseCode;
  if (typeof e?.command === "string") out.command = e.command.split(" ")[0].slice(0, 16);
  return out;
}

export class CodeQueue {
  private readonly jobs: CodeJob[] = [];
  private running = 0;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private readonly maxQueued: number;
  private readonly concurrency: number;

  constructor(private readonly o: CodeQueueOptions) {
    this.maxQueued = o.maxQueued ?? 1000;
    this.concurrency = o.concurrency ?? 2;
  }

  push(job: CodeJob): void {
    if (this.closed || this.jobs.length >= this.maxQueued) {
      this.o.onOutcome?.("dropped");
      this.o.log.warn("one-time code queue full: a request was dropped");
      return;
    }
    this.jobs.push(job);
    this.pump();
  }

  get size(): number {
    return this.jobs.length + this.running;
  }

  /** Resolves when nothing is queued or being sent (tests, and closing). */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking jobs and drops those waiting; mails being sent end with the relay's connection. */
  close(): void {
    this.closed = true;
    this.jobs.length = 0;
  }

  private pump(): void {
    while (this.running < this.concurrency && this.jobs.length > 0) {
      const job = this.jobs.shift() as CodeJob;
      this.running++;
      void this.run(job)
        .then((o) => this.o.onOutcome?.(o))
        .finally(() => {
          this.running--;
          this.pump();
          if (this.size === 0) for (const w of this.idleWaiters.splice(0)) w();
        });
    }
  }

  private async run(job: CodeJob): Promise<CodeOutcome> {
    let issued;
    try {
      issued = this.o.store.issueCode(job.token, job.address, job.challenge);
    } catch (err) {
      this.o.log.warn({ err }, "issuing a one-time code failed");
      return "send-failed";
    }
    if (!issued.ok)
      return issued.reason === "not-recipient" || issued.reason === "too-many"
        ? issued.reason
        : "unavailable";
    const meta = this.o.store.info(job.token);
    if (!meta.ok) return "unavailable";
    try {
      if (!this.o.mailer) throw new Error("no relay is configured (MAILTLS_SMTP_RELAY)");
      await this.o.mailer.send({ to: job.address, ...codeMail(job.lang, meta.meta.name, issued.code) });
      return "sent";
    } catch (err) {
      this.o.log.warn(relayErrorCodes(err), "sending a one-time download code failed");
      return "send-failed";
    }
  }
}
