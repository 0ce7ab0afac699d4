/**
 * Time limits on what a client sends: a request (other than an upload) must be done within
 * MAILTLS_REQUEST_TIMEOUT_MS, body included (fastify's handlerTimeout, set on the server); an
 * upload must keep up a minimum rate. A client that trickles bytes is cut off with 408 and its
 * connection closed, so it cannot hold sockets, memory or temporary files for as long as it likes.
 */
import { Transform, type TransformCallback } from "node:stream";
import { ApiError } from "../http/errors";

export class SlowBody extends ApiError {
  /** fastify's body reader keeps a 4xx status it finds on the error. */
  readonly statusCode = 408;
  constructor(message: string) {
    super(408, "request-timeout", message, { connection: "close" });
  }
}

export interface RateGuardOptions {
  /** Bytes a second the body must average over each window, once the grace time is over. */
  minBytesPerSecond: number;
  windowMs?: number;
  graceMs?: number;
  now?: () => number;
}

/**
 * Passes an upload's bytes through, and fails it (SlowBody) when a window after the start passes
 * with fewer than minBytesPerSecond × window bytes: one byte every few seconds keeps a socket open
 * but gets nowhere.
 */
export class RateGuard extends Transform {
  private bytes = 0;
  private lastBytes = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(o: RateGuardOptions) {
    super();
    const windowMs = o.windowMs ?? 5_000;
    const graceMs = o.graceMs ?? 10_000;
    const now = o.now ?? Date.now;
    const start = now();
    let windowStart = start;
    this.timer = setInterval(() => {
      const t = now();
      if (t - start < graceMs) {
        windowStart = t;
        this.lastBytes = this.bytes;
        return;
      }
      const got = this.bytes - this.lastBytes;
      const wanted = (o.minBytesPerSecond * (t - windowStart)) / 1000;
      if (got < wanted)
        this.destroy(
          new SlowBody(
            `the upload is too slow: ${Math.round((got * 1000) / Math.max(1, t - windowStart))} bytes/s, at least ${o.minBytesPerSecond} needed`,
          ),
        );
      windowStart = t;
      this.lastBytes = this.bytes;
    }, windowMs);
    this.timer.unref();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    done(null, chunk);
  }

  override _destroy(err: Error | null, done: (e: Error | null) => void): void {
    clearInterval(this.timer);
    done(err);
  }

  override _flush(done: TransformCallback): void {
    clearInterval(this.timer);
    done();
  }
}

/**
 * The request's bytes through a RateGuard. An aborted or failed request ends the guard too (pipe
 * alone would leave its reader waiting); a guard that gives up leaves the request to be closed
 * after the 408.
 */
export function guardedBody(payload: NodeJS.ReadableStream & { complete?: boolean }, o: RateGuardOptions) {
  const guard = new RateGuard(o);
  // The upload's reader sees the error; before it starts reading, an error must not go unheard.
  guard.on("error", () => undefined);
  const source = payload as NodeJS.ReadableStream & {
    complete?: boolean;
    once: (e: string, f: (err?: Error) => void) => void;
  };
  source.once("error", (e) => guard.destroy(e ?? new Error("the upload was interrupted")));
  source.once("close", () => {
    if (!source.complete) guard.destroy(new Error("the upload was interrupted"));
  });
  return source.pipe(guard);
}
