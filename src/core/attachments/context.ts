import type { ByteSource } from "./source";
import type { InspectionResult, InspectLimits } from "./types";

/** What a format inspector needs besides the bytes: limits, and a way to look inside what it contains. */
export interface InspectContext {
  readonly depth: number;
  readonly limits: InspectLimits;
  /** Decompression budget shared by the whole inspection, so nesting cannot multiply it. */
  readonly budget: { remaining: number };
  /** Inspects an inner file one level deeper. */
  inspectInner(inner: ByteSource): InspectionResult;
}

export function protectedResult(
  format: InspectionResult["format"],
  method: string,
  detail: string,
): InspectionResult {
  return { format, passwordProtected: true, method, detail };
}

export function plainResult(format: InspectionResult["format"], detail?: string): InspectionResult {
  return detail === undefined
    ? { format, passwordProtected: false }
    : { format, passwordProtected: false, detail };
}

export function unreadable(format: InspectionResult["format"], detail: string): InspectionResult {
  return { format, passwordProtected: null, detail };
}
