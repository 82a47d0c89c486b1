/**
 * Lifecycle parameters: what a caller may pass, the rules each must satisfy (every problem at once, with a
 * stable code and the field it concerns), and the resolved form the query runs with.
 */
import { DEFAULT_SETTINGS } from '../../metrics/catalog/index.js';
import { isDay } from '../../query/time.js';
import { addPeriods, isPeriodStart, MAX_PERIOD_DAYS, PERIODS, periodStartOf, type Period } from './periods.js';

export interface LifecycleParams {
  /** YYYY-MM-DD, the first day of a period: the first period reported. Default: the period of the first counted order. */
  readonly from?: string;
  /** YYYY-MM-DD, the first day of a period: the end (exclusive) of the last period reported. Default: the end of the last complete period. */
  readonly to?: string;
  /** YYYY-MM-DD: instead of from/to, one period ending on this day (exclusive): [asOf − 1 period, asOf). */
  readonly asOf?: string;
  readonly period?: Period;
  /** Active: the last counted order at most this many days before the period end. Default: the catalog's churnDays (90). */
  readonly activeDays?: number;
  /** Sleeping: the last counted order activeDays+1 … sleepingDays days before the period end; churned beyond. Default 180. */
  readonly sleepingDays?: number;
}

export interface ResolvedLifecycleParams {
  readonly period: Period;
  readonly activeDays: number;
  readonly sleepingDays: number;
  /** 'range' (calendar periods from … to) or 'asOf' (one period ending on asOf). */
  readonly mode: 'range' | 'asOf';
  /**
   * Period boundaries b0 < b1 < … < bn+1: period i is [b[i], b[i+1]). Period 0 is the lead-in (its end is the
   * "before" state of the first reported period); periods 1…n are reported. b[n+1] is the as-of date of the last stage.
   */
  readonly bounds: readonly string[];
}

export const DEFAULT_SLEEPING_DAYS = 180;
export const MAX_PERIODS = 1000;

export type LifecycleErrorCode = 'invalid_params' | 'invalid_date' | 'invalid_choice' | 'not_period_start' | 'from_not_before_to' | 'as_of_with_range' | 'invalid_days' | 'active_days_below_period' | 'sleeping_not_after_active' | 'too_many_periods' | 'empty_window';

export interface LifecycleIssue {
  readonly code: LifecycleErrorCode;
  readonly field: string;
  readonly message: string;
}

export class LifecycleError extends Error {
  override readonly name = 'LifecycleError';
  constructor(readonly issues: readonly LifecycleIssue[]) {
    super(issues.map((i) => i.message).join('; '));
  }
}

const isDate = (s: unknown): s is string => typeof s === 'string' && isDay(s);
const isWholeDays = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 3660;

/** Every problem with the parameters (the defaults that need the data are checked by the runner). */
export function validateLifecycleParams(p: unknown): LifecycleIssue[] {
  const issues: LifecycleIssue[] = [];
  const add = (code: LifecycleErrorCode, field: string, message: string) => issues.push({ code, field, message });
  if (typeof p !== 'object' || p === null || Array.isArray(p)) {
    add('invalid_params', '', 'expected lifecycle parameters: { "from": "YYYY-MM-01", "to": …, "period": "month" | "week", "activeDays": 90, "sleepingDays": 180 } or { "asOf": … }');
    return issues;
  }
  const q = p as Record<string, unknown>;
  const periodOk = q.period === undefined || (PERIODS as readonly unknown[]).includes(q.period);
  if (!periodOk) add('invalid_choice', 'period', `period: '${String(q.period)}' is not one of ${PERIODS.join(', ')}`);
  const period: Period = periodOk && q.period ? (q.period as Period) : 'month';
  for (const f of ['from', 'to', 'asOf'] as const) {
    if (q[f] !== undefined && !isDate(q[f])) add('invalid_date', f, `${f}: '${String(q[f])}' is not a date; write YYYY-MM-DD`);
  }
  if (q.asOf !== undefined && (q.from !== undefined || q.to !== undefined)) add('as_of_with_range', 'asOf', 'asOf: give either asOf (one period ending that day) or from/to (calendar periods), not both');
  for (const f of ['from', 'to'] as const) {
    const v = q[f];
    if (periodOk && isDate(v) && !isPeriodStart(v, period)) {
      add('not_period_start', f, `${f}: ${v} is not the first day of a ${period}${period === 'week' ? ' (weeks start on Monday)' : ''}; use ${periodStartOf(v, period)}`);
    }
  }
  if (isDate(q.from) && isDate(q.to) && q.from >= q.to) add('from_not_before_to', 'from', `from: ${q.from} must be before to ${q.to} (periods from ≤ start < to)`);
  if (periodOk && isDate(q.from) && isDate(q.to) && q.from < q.to && addPeriods(q.from, period, MAX_PERIODS) < q.to) add('too_many_periods', 'to', `to: more than ${MAX_PERIODS} ${period}s from ${q.from}; shorten the range or use months`);
  for (const f of ['activeDays', 'sleepingDays'] as const) {
    if (q[f] !== undefined && !isWholeDays(q[f])) add('invalid_days', f, `${f}: expected whole days between 1 and 3660, got ${JSON.stringify(q[f])}`);
  }
  const active = isWholeDays(q.activeDays) ? q.activeDays : DEFAULT_SETTINGS.churnDays;
  const sleeping = isWholeDays(q.sleepingDays) ? q.sleepingDays : DEFAULT_SLEEPING_DAYS;
  if (periodOk && isWholeDays(active) && active < MAX_PERIOD_DAYS[period]) {
    add('active_days_below_period', 'activeDays', `activeDays: ${active} is shorter than a ${period} (${MAX_PERIOD_DAYS[period]} days): a customer who bought in the period must still be active at its end`);
  }
  if (sleeping <= active && (q.activeDays === undefined || isWholeDays(q.activeDays)) && (q.sleepingDays === undefined || isWholeDays(q.sleepingDays))) {
    add('sleeping_not_after_active', 'sleepingDays', `sleepingDays: ${sleeping} must be greater than activeDays ${active}`);
  }
  return issues;
}

/** The boundaries of calendar periods from … to with the lead-in period before `from`. */
export function rangeBounds(from: string, to: string, period: Period): string[] {
  const out = [addPeriods(from, period, -1)];
  for (let d = from; d <= to; d = addPeriods(d, period, 1)) out.push(d);
  return out;
}

/** The boundaries of the one period ending on asOf, with its lead-in: [asOf − 2P, asOf − P, asOf]. */
export function asOfBounds(asOf: string, period: Period): string[] {
  return [addPeriods(asOf, period, -2), addPeriods(asOf, period, -1), asOf];
}

export function resolveLifecycleParams(p: LifecycleParams, range: { from: string; to: string } | null): ResolvedLifecycleParams {
  const period = p.period ?? 'month';
  const base = { period, activeDays: p.activeDays ?? DEFAULT_SETTINGS.churnDays, sleepingDays: p.sleepingDays ?? DEFAULT_SLEEPING_DAYS };
  if (p.asOf) return { ...base, mode: 'asOf', bounds: asOfBounds(p.asOf, period) };
  return { ...base, mode: 'range', bounds: rangeBounds(range!.from, range!.to, period) };
}
