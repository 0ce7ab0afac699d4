import type { TenantPolicy } from "../core/policy";
import type { DomainReport } from "../core/verdict";

/** Calls to the probe service, each with a hard deadline (no AbortController in every Outlook runtime). */
export interface ServiceClient {
  check(domains: string[], waitMs: number, timeoutMs: number): Promise<DomainReport[]>;
  policy(timeoutMs: number): Promise<TenantPolicy>;
  /** POST /api/v1/events: a decision or an inserted link, for the tenant's console. */
  event(e: AddinEvent, timeoutMs: number): Promise<void>;
}

/** What the add-in reports (the service's schema refuses anything else). */
export type AddinEvent =
  | {
      kind: "send";
      action: "allow" | "warn" | "block";
      reasons: string[];
      domains: Array<{ domain: string; grade: string }>;
      attachments: { protected: number; plain: number; cloud: number };
      resolved?: string;
    }
  | { kind: "link" };

export class ServiceUnreachable extends Error {}
/** The service answered, but would not take the add-in's credentials (401/403): a sign-in problem. */
export class ServiceRefused extends ServiceUnreachable {}

function deadline<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new ServiceUnreachable(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e instanceof ServiceUnreachable ? e : new ServiceUnreachable(String(e)));
      },
    );
  });
}

/** Where the add-in's credentials for the service come from; undefined: send none. */
export type TokenSource = () => Promise<string | undefined>;

/**
 * Request headers with `authorization: Bearer …` added when `token` gives one within `waitMs`; a
 * token source that fails or hangs costs at most that, and the request goes without.
 */
export async function withToken(
  headers: Record<string, string>,
  token?: TokenSource,
  waitMs = 5000,
): Promise<Record<string, string>> {
  if (!token) return headers;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), waitMs)));
  const t = await Promise.race([token().catch(() => undefined), late]);
  clearTimeout(timer);
  return t ? { ...headers, authorization: `Bearer ${t}` } : headers;
}

export function serviceClient(
  baseUrl: string,
  fetchFn: typeof fetch = fetch,
  token?: TokenSource,
): ServiceClient {
  // The token is fetched inside each call, so the call's deadline covers it too.
  const json = async <T>(
    path: string,
    init: RequestInit & { headers?: Record<string, string> } = {},
  ): Promise<T> => {
    const res = await fetchFn(baseUrl + path, {
      ...init,
      headers: await withToken(init.headers || {}, token),
    });
    if (res.status === 401 || res.status === 403) throw new ServiceRefused(`${path}: HTTP ${res.status}`);
    if (!res.ok) throw new ServiceUnreachable(`${path}: HTTP ${res.status}`);
    return (res.status === 204 ? undefined : await res.json()) as T;
  };
  return {
    async check(domains, waitMs, timeoutMs) {
      if (domains.length === 0) return [];
      const body = await deadline(
        json<{ reports: DomainReport[] }>(`/api/v1/check?waitMs=${waitMs}&view=compact`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ domains: domains.slice(0, 100) }),
        }),
        timeoutMs,
      );
      return body.reports;
    },
    policy: (timeoutMs) => deadline(json<TenantPolicy>("/api/v1/policy"), timeoutMs),
    event: (e, timeoutMs) =>
      deadline(
        json<void>("/api/v1/events", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(e),
        }),
        timeoutMs,
      ),
  };
}
