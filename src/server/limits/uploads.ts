/** Uploads in progress at once: a cap in all and one per client, taken before a byte is read. */
export class UploadSlots {
  private total = 0;
  private readonly byClient = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly perClient: number,
  ) {}

  /** A release function, or why there is no slot: the service is full, or this client has its share. */
  take(client: string): (() => void) | "busy" | "client-busy" {
    const mine = this.byClient.get(client) ?? 0;
    if (mine >= this.perClient) return "client-busy";
    if (this.total >= this.max) return "busy";
    this.total++;
    this.byClient.set(client, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.byClient.get(client) ?? 1) - 1;
      if (left > 0) this.byClient.set(client, left);
      else this.byClient.delete(client);
    };
  }

  get inProgress(): number {
    return this.total;
  }
}
