/** A counting semaphore: at most `size` holders at once, others wait in order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly size: number) {}

  /** Waits for a place; the returned function gives it back (once). */
  async acquire(): Promise<() => void> {
    // A place given back goes straight to the first waiter (active stays counted).
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
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

  async acquire(key: string): Promise<() => void> {
    let s = this.byKey.get(key);
    if (!s) this.byKey.set(key, (s = new Semaphore(this.size)));
    const sem = s;
    const release = await sem.acquire();
    return () => {
      release();
      if (sem.idle && this.byKey.get(key) === sem) this.byKey.delete(key);
    };
  }

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire(key);
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/** What is left of a time budget; every step's timeout is capped by it. */
export class Deadline {
  private end: number;
  constructor(
    ms: number,
    private readonly now: () => number = Date.now,
  ) {
    this.end = now() + ms;
  }
  /**
   * Waits for `p` without spending the budget: time spent waiting for our own connection slots
   * says nothing about the domain, so it is added back to the deadline.
   */
  async hold<T>(p: Promise<T>): Promise<T> {
    const t0 = this.now();
    try {
      return await p;
    } finally {
      this.end += this.now() - t0;
    }
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
