import type { DomainReport } from "../core/verdict";

export class ApiProblem extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * GET /api/v1/domains/:domain on this page's own origin, with a timeout; `refresh` probes anew;
 * `headers` carry credentials where the page has them (the add-in's pane).
 */
export async function fetchReport(
  domain: string,
  signal?: AbortSignal,
  opts: { refresh?: boolean; headers?: Record<string, string> } = {},
): Promise<DomainReport> {
  const timeout = AbortSignal.timeout(30000);
  const query = opts.refresh ? "?refresh=true" : "";
  const res = await fetch(`/api/v1/domains/${encodeURIComponent(domain)}${query}`, {
    signal: signal ? anySignal([signal, timeout]) : timeout,
    headers: { ...opts.headers, accept: "application/json" },
  });
  const body = await res.json().catch(() => undefined);
  if (!res.ok)
    throw new ApiProblem(body?.error?.code ?? `http-${res.status}`, body?.error?.message ?? res.statusText);
  return body as DomainReport;
}

function anySignal(signals: AbortSignal[]): AbortSignal {
  const c = new AbortController();
  for (const s of signals) {
    if (s.aborted) c.abort(s.reason);
    s.addEventListener("abort", () => c.abort(s.reason), { once: true });
  }
  return c.signal;
}
