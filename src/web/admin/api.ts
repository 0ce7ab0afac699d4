/** The admin API from the console, with the operator key this tab holds (sessionStorage only). */
import type { Grade } from "../../core/verdict";

const KEY = "mailtls.adminKey";

export const session = {
  key: (): string | undefined => sessionStorage.getItem(KEY) ?? undefined,
  set: (key: string) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

export class AdminProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** One call, with the key, a 30 s timeout, and the service's `{error}` as an AdminProblem. */
export async function adminFetch(
  path: string,
  init: RequestInit = {},
  key = session.key(),
): Promise<Response> {
  const res = await fetch(path, {
    ...init,
    signal: init.signal ?? AbortSignal.timeout(30_000),
    headers: { ...(init.headers as Record<string, string>), ...(key ? { "x-api-key": key } : {}) },
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => undefined)) as
      { error?: { code?: string; message?: string } } | undefined;
    throw new AdminProblem(
      res.status,
      body?.error?.code ?? `http-${res.status}`,
      body?.error?.message ?? res.statusText,
    );
  }
  return res;
}

export const adminJson = async <T>(path: string, init?: RequestInit, key?: string): Promise<T> =>
  (await adminFetch(path, init, key)).json() as Promise<T>;

/** What GET /api/v1/admin/summary answers (computed in core, so the two cannot drift apart). */
export type { Summary } from "../../core/admin/summary";

export interface PartnerRow {
  domain: string;
  grade: Grade;
  checkedAt: string;
  lookups: number;
  lastLookupAt: string;
}

export interface ImportStatus {
  id: string;
  total: number;
  done: number;
  grades: Record<string, number>;
  state: "running" | "done" | "interrupted";
}

/** The query of a period and tenant, as every admin route takes it. */
export function periodQuery(p: { from: string; to: string; tenant?: string }): string {
  const q = new URLSearchParams({ from: p.from, to: p.to });
  if (p.tenant) q.set("tenant", p.tenant);
  return q.toString();
}
