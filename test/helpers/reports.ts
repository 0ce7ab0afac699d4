import type { DomainReport, Grade } from "../../src/core/verdict";

/** A minimal DomainReport for decision tests: only the grade (and pending) matter there. */
export function gradeReport(domain: string, grade: Grade, pending = false): DomainReport {
  return {
    domain,
    displayDomain: domain,
    grade,
    checkedAt: "",
    expiresAt: "",
    durationMs: 0,
    mx: [],
    reasons: [],
    ...(pending ? { pending } : {}),
  };
}
