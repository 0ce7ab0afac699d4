import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Metrics } from "../metrics";

/** At most this much of a URL (or any hostile text) is logged. */
export const MAX_LOGGED = 1024;

const PLAIN = /^[\x21\x22\x24\x26-\x3f\x41-\x7e]*$/;
const SEPARATORS = /([\s/?&=:"'<>;,()[\]{}|\\]+)/;

/** %XX runs decoded where they form UTF-8; anything else is left as it came. */
function percentDecoded(text: string): string {
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/**
 * Text fit to log: at most MAX_LOGGED characters, percent-decoded and NFKC-normalised (so that a
 * full-width ＠ or ﹫ is an at sign too), with the local part of every e-mail address replaced by
 * `***` and download tokens (`/d/<token>`) hidden. Linear in the length of its input.
 */
export function redact(text: string): string {
  // Most URLs need nothing: printable ASCII (NFKC leaves it alone) without %, @ or a download token.
  if (text.length <= MAX_LOGGED && PLAIN.test(text) && !text.includes("/d/")) return text;
  let s = text;
  let cut = false;
  if (s.length > MAX_LOGGED) {
    s = s.slice(0, MAX_LOGGED);
    cut = true;
  }
  // Encoded twice or three times is still an address to whoever reads the log.
  for (let round = 0; round < 3; round++) {
    const decoded = percentDecoded(s);
    if (decoded === s) break;
    s = decoded;
  }
  s = s.normalize("NFKC");
  const parts = s.split(SEPARATORS);
  // A cut may have split an address before its @: the unfinished last word is not logged at all.
  if (cut && parts.length > 0) parts[parts.length - 1] = "";
  for (let i = 0; i < parts.length; i += 2) {
    const at = parts[i].lastIndexOf("@");
    if (at >= 0) parts[i] = "***@" + parts[i].slice(at + 1);
  }
  const out = parts.join("").replace(/\/d\/[A-Za-z0-9_-]+/g, "/d/***");
  return cut ? out + "…" : out;
}

/** One line per request (method, URL with addresses hidden, status, time) and the HTTP metrics. */
export const requestLog = fp(async (app: FastifyInstance, opts: { metrics: Metrics }) => {
  const { metrics } = opts;
  // A callback hook, not an async one: no promise per request.
  app.addHook("onResponse", (req, reply, done) => {
    metrics.http.record(
      req.method,
      req.routeOptions.url ?? "unmatched",
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    req.log.info(
      {
        method: req.method,
        url: redact(req.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      "request",
    );
    done();
  });
});
