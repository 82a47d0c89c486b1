/**
 * Cohort parameters: what a caller may pass, the rules each must satisfy (every problem at once, with a
 * stable code and the field it concerns), and the resolved form the query runs with.
 */
import { isDay } from '../../query/time.js';
import { isPeriodStart, PERIODS, periodStartOf, type Period } from '../lifecycle/periods.js';

export const COHORT_GROUPS = ['channel', 'source'] as const;
export type CohortGroup = (typeof COHORT_GROUPS)[number];

export interface CohortParams {
  /** YYYY-MM-DD, a period start: the first acquisition cohort. Default: the period of the first counted order. */
  readonly from?: string;
  /** YYYY-MM-DD, a period start: cohorts before it. Default (and at most): the end of the last complete period. */
  readonly to?: string;
  /** YYYY-MM-DD: the data cut-off; orders before it count, and only periods ending on or before it are complete. Default: the day after the last counted order. */
  readonly asOf?: string;
  readonly period?: Period;
  /** Split each cohort by the channel of its customers' first counted order, or by the customer's source (customers.source_channel). */
  readonly by?: CohortGroup;
}

export interface ResolvedCohortParams {
  readonly period: Period;
  readonly from: string;
  readonly to: string;
  readonly asOf: string;
  /** The end of the last complete period (the start of the period holding asOf, or asOf itself when it starts one): orders before it count. */
  readonly dataEnd: string;
  readonly by: CohortGroup | null;
}

export type CohortErrorCode = 'invalid_params' | 'invalid_date' | 'invalid_choice' | 'not_period_start' | 'from_not_before_to' | 'empty_window';

export interface CohortIssue {
  readonly code: CohortErrorCode;
  readonly field: string;
  readonly message: string;
}

export class CohortError extends Error {
  override readonly name = 'CohortError';
  constructor(readonly issues: readonly CohortIssue[]) {
    super(issues.map((i) => i.message).join('; '));
  }
}

const isDate = (s: unknown): s is string => typeof s === 'string' && isDay(s);

export function validateCohortParams(p: unknown): CohortIssue[] {
  const issues: CohortIssue[] = [];
  const add = (code: CohortErrorCode, field: string, message: string) => issues.push({ code, field, message });
  if (typeof p !== 'object' || p === null || Array.isArray(p)) {
    add('invalid_params', '', 'expected cohort parameters: { "from": "YYYY-MM-01", "to": …, "asOf": …, "period": "month" | "week", "by": "channel" | "source" }');
    return issues;
  }
  const q = p as Record<string, unknown>;
  const periodOk = q.period === undefined || (PERIODS as readonly unknown[]).includes(q.period);
  if (!periodOk) add('invalid_choice', 'period', `period: '${String(q.period)}' is not one of ${PERIODS.join(', ')}`);
  if (q.by !== undefined && !(COHORT_GROUPS as readonly unknown[]).includes(q.by)) add('invalid_choice', 'by', `by: '${String(q.by)}' is not one of ${COHORT_GROUPS.join(', ')}`);
  const period: Period = periodOk && q.period ? (q.period as Period) : 'month';
  for (const f of ['from', 'to', 'asOf'] as const) {
    if (q[f] !== undefined && !isDate(q[f])) add('invalid_date', f, `${f}: '${String(q[f])}' is not a date; write YYYY-MM-DD`);
  }
  for (const f of ['from', 'to'] as const) {
    const v = q[f];
    if (periodOk && isDate(v) && !isPeriodStart(v, period)) add('not_period_start', f, `${f}: ${v} is not the first day of a ${period}${period === 'week' ? ' (weeks start on Monday)' : ''}; use ${periodStartOf(v, period)}`);
  }
  if (isDate(q.from) && isDate(q.to) && q.from >= q.to) add('from_not_before_to', 'from', `from: ${q.from} must be before to ${q.to} (cohorts from ≤ start < to)`);
  return issues;
}
