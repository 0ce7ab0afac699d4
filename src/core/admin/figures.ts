/**
 * A tenant's figures as plain rows (UTC days): the shapes the stores keep and the console's summary
 * is computed from. Shared by the service and the console.
 */
/** A tenant: the Entra tenant ID (`tid`), or "default" for add-ins that do not sign in. */
export type TenantId = string;
export const DEFAULT_TENANT = "default";
const TENANT_RE = /^(default|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
export const isTenantId = (s: string): boolean => TENANT_RE.test(s);

/** YYYY-MM-DD, UTC. */
export type Day = string;
export const dayOf = (ms: number): Day => new Date(ms).toISOString().slice(0, 10);

/** The counters an event adds to; `key` is a fixed code (an action, a reason code, a resolution). */
export type CountKind = "send" | "action" | "reason" | "ppap" | "resolved" | "link";

export interface DayCount {
  day: Day;
  kind: CountKind;
  key: string;
  count: number;
}

/** One partner domain on one day: how often the add-in looked it up, whether an import added it. */
export interface DayLookup {
  day: Day;
  domain: string;
  count: number;
  imported: boolean;
  /** The last look-up that day (ms), 0 for an import only. */
  lastAt: number;
}
