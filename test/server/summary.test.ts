import type { Grade } from "../../src/core/verdict";
import type { DayCount, DayLookup } from "../../src/server/admin/figures";
import { isoWeek, partnersOf, summarise } from "../../src/core/admin/summary";

const look = (day: string, domain: string, count: number, imported = false): DayLookup => ({
  day,
  domain,
  count,
  imported,
  lastAt: count ? Date.parse(`${day}T09:00:00Z`) : 0,
});
const n = (day: string, kind: DayCount["kind"], key: string, count: number): DayCount => ({
  day,
  kind,
  key,
  count,
});

const GRADES: Record<string, Grade> = {
  "a.jp": "tls",
  "b.jp": "secure",
  "c.jp": "no-tls",
  "d.jp": "partial",
  "e.jp": "no-mail",
};

describe("the tenant summary", () => {
  const s = summarise({
    tenant: "default",
    from: "2026-11-02",
    to: "2026-11-15",
    lookups: [
      look("2026-11-02", "a.jp", 5),
      look("2026-11-03", "a.jp", 5),
      look("2026-11-03", "c.jp", 10),
      look("2026-11-10", "b.jp", 2),
      look("2026-11-10", "d.jp", 3),
      look("2026-11-11", "e.jp", 1),
      look("2026-11-12", "f.jp", 0, true), // imported, never looked up, no verdict yet
    ],
    counts: [
      n("2026-11-02", "send", "checked", 10),
      n("2026-11-02", "action", "block", 3),
      n("2026-11-02", "action", "warn", 2),
      n("2026-11-02", "reason", "block:password-attachment", 3),
      n("2026-11-02", "ppap", "sends", 3),
      n("2026-11-10", "ppap", "sends", 1),
      n("2026-11-03", "resolved", "downloadLink", 2),
      n("2026-11-04", "resolved", "plainAttachments", 1),
      n("2026-11-04", "link", "inserted", 2),
    ],
    gradeOf: (d) => GRADES[d] ?? "unknown",
  });

  it("counts each partner once, graded as now, and the shares over secure, tls, partial and no-tls", () => {
    expect(s.partners.total).toBe(6);
    expect(s.partners.grades).toEqual({
      secure: 1,
      tls: 1,
      partial: 1,
      "no-tls": 1,
      "no-mail": 1,
      unknown: 1,
    });
    expect(s.partners.encryptedShare).toBe(0.5); // (1 + 1) / 4
    expect(s.partners.authenticatedShare).toBe(0.25);
  });

  it("weights the look-up share by look-ups", () => {
    expect(s.lookups.total).toBe(26);
    // encrypted look-ups: a 10 + b 2 = 12; counted: 12 + c 10 + d 3 = 25.
    expect(s.lookups.encryptedShare).toBe(0.48);
  });

  it("adds up the sends and their resolutions", () => {
    expect(s.sends).toEqual({
      checked: 10,
      blocked: 3,
      warned: 2,
      passwordAttachments: 4,
      resolved: { downloadLink: 2, plainAttachments: 1, noAttachments: 0 },
      linksInserted: 2,
    });
    expect(s.reasons).toEqual({ "block:password-attachment": 3 });
  });

  it("has a row per ISO week of the period, with its partners' share and its PPAP attempts", () => {
    expect(s.weeks).toEqual([
      { week: "2026-W45", encryptedShare: 0.5, partners: 2, passwordAttachments: 3 },
      { week: "2026-W46", encryptedShare: 0.5, partners: 4, passwordAttachments: 1 },
    ]);
  });

  it("has no share when nothing counts", () => {
    const empty = summarise({
      tenant: "default",
      from: "2026-11-01",
      to: "2026-11-01",
      lookups: [],
      counts: [],
      gradeOf: () => "unknown",
    });
    expect(empty.partners).toMatchObject({ total: 0, encryptedShare: null, authenticatedShare: null });
    expect(empty.lookups.encryptedShare).toBeNull();
    expect(empty.weeks).toEqual([
      { week: "2026-W44", encryptedShare: null, partners: 0, passwordAttachments: 0 },
    ]);
  });

  it.each([
    ["2026-01-01", "2026-W01"],
    ["2027-01-01", "2026-W53"],
    ["2024-12-30", "2025-W01"],
    ["2026-11-30", "2026-W49"],
  ])("ISO week of %s is %s", (day, week) => expect(isoWeek(day)).toBe(week));

  it("folds a partner's days into one", () => {
    const p = partnersOf([
      look("2026-11-02", "a.jp", 1),
      look("2026-11-03", "a.jp", 2),
      look("2026-11-04", "a.jp", 0, true),
    ]);
    expect(p.get("a.jp")).toEqual({
      domain: "a.jp",
      lookups: 3,
      lastAt: Date.parse("2026-11-03T09:00:00Z"),
      imported: true,
    });
  });
});
