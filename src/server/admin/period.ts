/** The period admin questions cover: `from` and `to`, UTC days, at most MAX_DAYS apart. */
import { ApiError } from "../http/errors";
import { TENANT_PARAM } from "./access";
import { dayOf } from "./figures";

const DAY_RE = "^\\d{4}-\\d{2}-\\d{2}$";
/** The longest period one question may span. */
const MAX_DAYS = 400;
export const period = {
  from: {
    type: "string",
    pattern: DAY_RE,
    description: "first day (UTC), YYYY-MM-DD; default 29 days before `to`",
  },
  to: { type: "string", pattern: DAY_RE, description: "last day (UTC), YYYY-MM-DD; default today" },
  tenant: TENANT_PARAM,
} as const;

export type PeriodQuery = { from?: string; to?: string; tenant?: string };

export function periodOf(q: PeriodQuery, now = Date.now()): { from: string; to: string } {
  const to = q.to ?? dayOf(now);
  const from = q.from ?? dayOf(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000);
  const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
  if (!Number.isFinite(span) || Number.isNaN(Date.parse(`${from}T00:00:00Z`)))
    throw new ApiError(400, "bad-request", "from/to: not calendar days");
  if (span < 0) throw new ApiError(400, "bad-request", "from is after to");
  if (span >= MAX_DAYS) throw new ApiError(400, "bad-request", `at most ${MAX_DAYS} days at once`);
  return { from, to };
}
