/**
 * The console's figures, computed from a tenant's daily aggregates (pure: plain data in, plain data
 * out), so that their cost grows with the days and the partners, never with the sends.
 */
import { GRADES, type Grade } from "../verdict";
import type { Day, DayCount, DayLookup, TenantId } from "./figures";

export const RESOLUTIONS = ["downloadLink", "plainAttachments", "noAttachments"] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export interface PartnerFigure {
  domain: string;
  grade: Grade;
  lookups: number;
  /** The last look-up in the period (ms), 0 for a partner only imported. */
  lastAt: number;
  imported: boolean;
}

export interface Summary {
  tenant: TenantId;
  from: Day;
  to: Day;
  partners: {
    total: number;
    grades: Record<Grade, number>;
    encryptedShare: number | null;
    authenticatedShare: number | null;
  };
  lookups: { total: number; encryptedShare: number | null };
  sends: {
    checked: number;
    blocked: number;
    warned: number;
    passwordAttachments: number;
    resolved: Record<Resolution, number>;
    /** Replacements with a download link in the task pane. */
    linksInserted: number;
  };
  /** Decisions by reason code: how often each rule acted. */
  reasons: Record<string, number>;
  weeks: Array<{
    week: string;
    encryptedShare: number | null;
    partners: number;
    passwordAttachments: number;
  }>;
}

const ENCRYPTED: readonly Grade[] = ["secure", "tls"];
const COUNTED: readonly Grade[] = ["secure", "tls", "partial", "no-tls"];
const round = (x: number) => Math.round(x * 10_000) / 10_000;

/** (secure + tls) / (secure + tls + partial + no-tls), weighted; null when nothing counts. */
function share(items: Iterable<{ grade: Grade; weight: number }>, of: readonly Grade[]): number | null {
  let num = 0;
  let den = 0;
  for (const { grade, weight } of items) {
    if (!COUNTED.includes(grade)) continue;
    den += weight;
    if (of.includes(grade)) num += weight;
  }
  return den === 0 ? null : round(num / den);
}

/** ISO 8601 week of a day: "2026-W45" (weeks start on Monday; week 1 holds the first Thursday). */
export function isoWeek(day: Day): string {
  const d = new Date(`${day}T00:00:00Z`);
  const dow = (d.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(d.getTime() + (3 - dow) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const week1Monday = jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86_400_000;
  const week = 1 + Math.floor((thursday.getTime() - week1Monday) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** Each partner of the period once: look-ups summed, the latest look-up, whether imported. */
export function partnersOf(lookups: readonly DayLookup[]): Map<string, Omit<PartnerFigure, "grade">> {
  const out = new Map<string, Omit<PartnerFigure, "grade">>();
  for (const l of lookups) {
    const p = out.get(l.domain);
    if (p) {
      p.lookups += l.count;
      p.lastAt = Math.max(p.lastAt, l.lastAt);
      p.imported ||= l.imported;
    } else out.set(l.domain, { domain: l.domain, lookups: l.count, lastAt: l.lastAt, imported: l.imported });
  }
  return out;
}

export function summarise(x: {
  tenant: TenantId;
  from: Day;
  to: Day;
  counts: readonly DayCount[];
  lookups: readonly DayLookup[];
  gradeOf: (domain: string) => Grade;
}): Summary {
  const partners = [...partnersOf(x.lookups).values()].map((p) => ({ ...p, grade: x.gradeOf(p.domain) }));
  const grades = Object.fromEntries(GRADES.map((g) => [g, 0])) as Record<Grade, number>;
  for (const p of partners) grades[p.grade]++;
  const total = (kind: DayCount["kind"], key?: string, days?: (d: Day) => boolean) =>
    x.counts
      .filter((c) => c.kind === kind && (key === undefined || c.key === key) && (!days || days(c.day)))
      .reduce((n, c) => n + c.count, 0);
  const reasons: Record<string, number> = {};
  for (const c of x.counts) if (c.kind === "reason") reasons[c.key] = (reasons[c.key] ?? 0) + c.count;

  // Weeks: the partners looked up within each week (graded as they are now), and its PPAP attempts.
  const gradeBy = new Map(partners.map((p) => [p.domain, p.grade]));
  const weeks = new Map<string, { domains: Set<string>; days: Set<Day> }>();
  const weekOf = (day: Day) => {
    const w = isoWeek(day);
    let e = weeks.get(w);
    if (!e) weeks.set(w, (e = { domains: new Set(), days: new Set() }));
    e.days.add(day);
    return e;
  };
  for (let t = Date.parse(`${x.from}T00:00:00Z`); t <= Date.parse(`${x.to}T00:00:00Z`); t += 86_400_000)
    weekOf(new Date(t).toISOString().slice(0, 10));
  for (const l of x.lookups) weekOf(l.day).domains.add(l.domain);

  return {
    tenant: x.tenant,
    from: x.from,
    to: x.to,
    partners: {
      total: partners.length,
      grades,
      encryptedShare: share(
        partners.map((p) => ({ grade: p.grade, weight: 1 })),
        ENCRYPTED,
      ),
      authenticatedShare: share(
        partners.map((p) => ({ grade: p.grade, weight: 1 })),
        ["secure"],
      ),
    },
    lookups: {
      total: partners.reduce((n, p) => n + p.lookups, 0),
      encryptedShare: share(
        partners.map((p) => ({ grade: p.grade, weight: p.lookups })),
        ENCRYPTED,
      ),
    },
    sends: {
      checked: total("send"),
      blocked: total("action", "block"),
      warned: total("action", "warn"),
      passwordAttachments: total("ppap"),
      resolved: Object.fromEntries(RESOLUTIONS.map((r) => [r, total("resolved", r)])) as Record<
        Resolution,
        number
      >,
      linksInserted: total("link"),
    },
    reasons,
    weeks: [...weeks.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([week, e]) => ({
        week,
        encryptedShare: share(
          [...e.domains].map((d) => ({ grade: gradeBy.get(d) ?? "unknown", weight: 1 })),
          ENCRYPTED,
        ),
        partners: e.domains.size,
        passwordAttachments: total("ppap", undefined, (d) => e.days.has(d)),
      })),
  };
}
