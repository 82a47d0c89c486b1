/**
 * Calendar periods shared by the lifecycle and cohort analyses: months (first day) and ISO weeks (Monday),
 * as YYYY-MM-DD days. DuckDB's date_trunc('month' | 'week', …) agrees with {@link periodStartOf}.
 */
import { bucketLabel, shiftDay } from '../../query/time.js';

export const PERIODS = ['month', 'week'] as const;
export type Period = (typeof PERIODS)[number];

/** The longest a period can be, in days (a month: 31). */
export const MAX_PERIOD_DAYS: Record<Period, number> = { month: 31, week: 7 };

/** The start of the period that contains `day`. */
export function periodStartOf(day: string, period: Period): string {
  if (period === 'month') return `${day.slice(0, 8)}01`;
  const dow = new Date(`${day}T00:00:00Z`).getUTCDay() || 7;
  return shiftDay(day, 1 - dow, 'day');
}

export function isPeriodStart(day: string, period: Period): boolean {
  return periodStartOf(day, period) === day;
}

/** `day` moved by n periods (months clamp at the month end: 03-31 − 1 month = 02-29). */
export function addPeriods(day: string, period: Period, n: number): string {
  return period === 'month' ? shiftDay(day, n, 'month') : shiftDay(day, 7 * n, 'day');
}

/** 2024-03 or 2024-W05 for a period starting on `start`. */
export function periodLabel(start: string, period: Period): string {
  return bucketLabel(period, start);
}
