/** redis: whether the shared cache (MAILTLS_REDIS_URL) answers PING; skipped when none is set. */
import { Redis } from "ioredis";
import { t } from "../../core/i18n";
import { withTimeout } from "../../probe/limits";
import { redactUrl } from "./redact";
import { type Check, errorText, since, verdict } from "./types";

/** Connects once (no retries), PINGs, and disconnects, all within `timeoutMs`. */
async function ping(url: string, timeoutMs: number): Promise<string> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    // How long a closing connection may take before it is destroyed (default 2 s).
    disconnectTimeout: Math.min(timeoutMs, 500),
  });
  // connect() fails with "Connection is closed"; the event before it says why (ECONNREFUSED, …).
  let cause: Error | undefined;
  redis.on("error", (e: Error) => (cause ??= e));
  try {
    return await withTimeout(
      redis.connect().then(() => redis.ping()),
      timeoutMs,
      () => new Error(`no answer within ${timeoutMs} ms`),
    );
  } catch (e) {
    throw cause ?? e;
  } finally {
    // After a failed connect ioredis has ended already; disconnecting again would leave a timer.
    if (redis.status !== "end") redis.disconnect();
  }
}

export const redis: Check = async ({ env, lang, timeoutMs }) => {
  const raw = env.MAILTLS_REDIS_URL;
  if (!raw) return verdict("skip", t(lang, "doctor.redis.unset"));
  const url = redactUrl(raw);
  const t0 = Date.now();
  try {
    const answer = await ping(raw, timeoutMs);
    if (answer !== "PONG") throw new Error(`PING answered ${JSON.stringify(answer)}`);
    return verdict("ok", t(lang, "doctor.redis.ok", { url, ms: since(t0) }));
  } catch (e) {
    return verdict(
      "fail",
      t(lang, "doctor.redis.fail", { url, error: errorText(e) }),
      t(lang, "doctor.redis.fix"),
    );
  }
};
