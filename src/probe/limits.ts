/** A counting semaphore: at most `size` holders at once, others wait in order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly size: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  get idle(): boolean {
    return this.active === 0 && this.waiting.length === 0;
  }
}

/** One semaphore per key (destination address), dropped when idle so the map does not grow. */
export class KeyedSemaphore {
  private readonly byKey = new Map<string, Semaphore>();
  constructor(private readonly size: number) {}

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let s = this.byKey.get(key);
    if (!s) this.byKey.set(key, (s = new Semaphore(this.size)));
    try {
      return await s.run(fn);
    } finally {
      if (s.idle) this.byKey.delete(key);
    }
  }
}

/** What is left of a time budget; every step's timeout is capped by it. */
export class Deadline {
  private readonly end: number;
  constructor(
    ms: number,
    private readonly now: () => number = Date.now,
  ) {
    this.end = now() + ms;
  }
  remaining(): number {
    return Math.max(0, this.end - this.now());
  }
  /** A step's timeout: its own limit or what is left, whichever is shorter. */
  step(limitMs: number): number {
    return Math.min(limitMs, this.remaining());
  }
  get expired(): boolean {
    return this.remaining() <= 0;
  }
}

/** Rejects with `error` if `p` has not settled within `ms`; the timer never outlives the race. */
export function withTimeout<T>(p: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), Math.max(0, ms));
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * At most `max` characters of text a remote server chose (certificate names, reply lines, policy
 * patterns): a report stays small however hostile the server, and every cache's size with it.
 */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + "…";
}

/** How much of each server-chosen text a report keeps. */
export const REPORT_TEXT = { name: 256, detail: 256, banner: 512 } as const;
