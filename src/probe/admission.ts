/**
 * One limit on probes in flight: at most `running` at once (each brings its DNS, SMTP, MTA-STS and
 * TLSA look-ups), at most `queued` waiting, and no client holding more than `perClient` of either,
 * so one caller with a long list cannot make the service flood someone else's DNS or take every
 * slot. A probe's own deadline starts when it leaves the queue.
 */
export class QueueFull extends Error {
  constructor(readonly scope: "service" | "client") {
    super(
      scope === "service"
        ? "too many probes are waiting: try again shortly"
        : "this client has too many probes waiting",
    );
  }
}

export interface AdmissionLimits {
  running: number;
  queued: number;
  perClient: number;
}

export class ProbeAdmission {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly byClient = new Map<string, number>();

  constructor(private readonly limits: AdmissionLimits) {}

  get running(): number {
    return this.active;
  }
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `fn` when a slot is free; throws QueueFull at once when there is no room to wait. */
  async run<T>(client: string, fn: () => Promise<T>): Promise<T> {
    const mine = this.byClient.get(client) ?? 0;
    if (mine >= this.limits.perClient) throw new QueueFull("client");
    if (this.active >= this.limits.running) {
      if (this.waiting.length >= this.limits.queued) throw new QueueFull("service");
      this.byClient.set(client, mine + 1);
      // A finishing probe hands its slot straight to the first waiter (active stays counted).
      await new Promise<void>((start) => this.waiting.push(start));
    } else {
      this.byClient.set(client, mine + 1);
      this.active++;
    }
    try {
      return await fn();
    } finally {
      const left = (this.byClient.get(client) ?? 1) - 1;
      if (left > 0) this.byClient.set(client, left);
      else this.byClient.delete(client);
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
