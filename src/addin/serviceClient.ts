import type { TenantPolicy } from "../core/policy";
import type { DomainReport } from "../core/verdict";

/** Calls to the probe service, each with a hard deadline (no AbortController in every Outlook runtime). */
export interface ServiceClient {
  check(domains: string[], waitMs: number, timeoutMs: number): Promise<DomainReport[]>;
  policy(timeoutMs: number): Promise<TenantPolicy>;
}

export class ServiceUnreachable extends Error {}

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

export function serviceClient(baseUrl: string, fetchFn: typeof fetch = fetch): ServiceClient {
  const json = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetchFn(baseUrl + path, init);
    if (!res.ok) throw new ServiceUnreachable(`${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
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
  };
}
