import type { DomainReport } from "../core/verdict";

/**
 * Single-flight: concurrent requests for one domain share one probe. `LocalFlight` covers one
 * process; the Redis flight (store/redis.ts) adds a lock so several instances share one probe too.
 */
export interface Flight {
  run(domain: string, probe: () => Promise<DomainReport>): Promise<DomainReport>;
}

export class LocalFlight implements Flight {
  private readonly inFlight = new Map<string, Promise<DomainReport>>();

  run(domain: string, probe: () => Promise<DomainReport>): Promise<DomainReport> {
    let p = this.inFlight.get(domain);
    if (!p) {
      p = probe().finally(() => this.inFlight.delete(domain));
      this.inFlight.set(domain, p);
    }
    return p;
  }

  get size(): number {
    return this.inFlight.size;
  }
}
