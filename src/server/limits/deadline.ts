/**
 * Every request ends within MAILTLS_REQUEST_TIMEOUT_MS, body included: one sweep a quarter second
 * over the requests in flight, which all have the same limit and so expire in the order they came.
 * It does what fastify's handlerTimeout did (503 when the answer was not ready in time, 408 when the
 * request itself had not arrived, the connection closed after either) without that option's
 * AbortController, timer and close listener on every request, which cost about a tenth of the
 * cached check's CPU. A route with a handlerTimeout of its own (uploads) keeps fastify's. Requests
 * whose client went away are dropped at the next sweep (no close listener per request either).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";

const SWEEP_MS = 250;

export interface DeadlineOptions {
  timeoutMs: number;
  now?: () => number;
}

async function deadlinePlugin(app: FastifyInstance, opts: DeadlineOptions): Promise<void> {
  const now = opts.now ?? Date.now;
  // Insertion order is arrival order: the oldest requests are first.
  const inFlight = new Map<FastifyRequest, { at: number; reply: FastifyReply }>();

  const watch = (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    inFlight.set(req, { at: now(), reply });
    done();
  };
  const forget = (req: FastifyRequest, _reply: FastifyReply, done: () => void) => {
    inFlight.delete(req);
    done();
  };
  // Hooks of each route that has no handlerTimeout of its own, added as the route is (so that no
  // request has to look its route's options up); unmatched requests (404) are answered at once.
  app.addHook("onRoute", (route) => {
    if (route.handlerTimeout) return;
    route.onRequest = [...asArray(route.onRequest), watch];
    route.onResponse = [...asArray(route.onResponse), forget];
  });

  const sweep = () => {
    const limit = now() - opts.timeoutMs;
    // Every entry is looked at: an aborted request must not stay until its deadline.
    for (const [req, { at, reply }] of inFlight) {
      if (reply.raw.destroyed) {
        inFlight.delete(req);
        continue;
      }
      if (at > limit) continue;
      inFlight.delete(req);
      if (reply.sent || reply.raw.headersSent) continue;
      // Whatever was still coming is not worth reading: the connection closes after this.
      const arrived = req.raw.complete;
      reply
        .status(arrived ? 503 : 408)
        .header("connection", "close")
        .send({
          error: arrived
            ? { code: "timeout", message: "the answer was not ready in time" }
            : { code: "request-timeout", message: "the request did not arrive in time" },
        });
    }
  };
  // How many requests are being watched (a figure for tests and diagnostics).
  app.decorate("requestsInFlight", () => inFlight.size);
  const timer = setInterval(sweep, SWEEP_MS);
  timer.unref();
  app.addHook("onClose", async () => clearInterval(timer));
}

function asArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

export const requestDeadline = fp(deadlinePlugin, { name: "mailtls-request-deadline" });
