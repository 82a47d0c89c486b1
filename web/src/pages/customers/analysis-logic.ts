/**
 * The analysis tabs' pure logic (no React, no DOM; unit-tested in test/web/customers-analyses.test.ts): the shared
 * period as each analysis's window, segment keys, and the cohort heatmap's values, colours and average curve.
 */
import type { Shared } from '../../app/filters.js';

/** The day after `d` (YYYY-MM-DD), in UTC so no time zone shifts it. */
export function nextDay(d: string): string {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
}

/** The first day of the month of `d`. */
export function monthStart(d: string): string {
  return `${d.slice(0, 7)}-01`;
}

/** The first day of the month after the one holding `d`. */
export function nextMonthStart(d: string): string {
  const t = new Date(`${d.slice(0, 7)}-01T00:00:00Z`);
  t.setUTCMonth(t.getUTCMonth() + 1);
  return t.toISOString().slice(0, 10);
}

/**
 * The shared period as a snapshot analysis's window: orders from `from` and before `asOf` (the day after the
 * period's last day). Without a period the API's default applies: all orders, as of the day after the last order
 * (the data's end, not today — the demo's orders end 2025-12-31).
 */
export function snapshotWindow(s: Pick<Shared, 'from' | 'to'>): { from?: string; asOf?: string } {
  return { ...(s.from ? { from: s.from } : {}), ...(s.to ? { asOf: nextDay(s.to) } : {}) };
}

/** The shared period as whole months (lifecycle, cohorts): `from` a month start, `to` the exclusive month start after. */
export function monthWindow(s: Pick<Shared, 'from' | 'to'>): { from?: string; to?: string } {
  return { ...(s.from ? { from: monthStart(s.from) } : {}), ...(s.to ? { to: nextMonthStart(s.to) } : {}) };
}

/** A year before `d` (YYYY-MM-DD). */
export function yearBefore(d: string): string {
  const y = Number(d.slice(0, 4)) - 1;
  // 29 February has no twin a year before: the 28th.
  return d.slice(5) === '02-29' ? `${y}-02-28` : `${y}${d.slice(4)}`;
}

/** A segment key from a name: letters, digits and _.:- (the server's pattern), at most 64 characters. */
export function keyOf(name: string): string {
  const k = name
    .trim()
    .replace(/[^\p{L}\p{N}_.:-]+/gu, '_')
    .replace(/^[.:-]+/, '')
    .slice(0, 64);
  return k || 'segment';
}

export interface Cohort {
  cohort: string;
  label: string;
  group: string | null;
  customers: number;
  activeCustomers: (number | null)[];
  retention: (number | null)[];
  revenue: (number | null)[];
  revenueRetention: (number | null)[];
  cumulativeRevenuePerCustomer: (number | null)[];
}
export const COHORT_METRICS = ['retention', 'revenueRetention', 'ltv'] as const;
export type CohortMetric = (typeof COHORT_METRICS)[number];
export const AGE_CHOICES = ['12', '24', 'all'] as const;

export function cohortValues(c: Cohort, metric: CohortMetric): (number | null)[] {
  return metric === 'ltv' ? c.cumulativeRevenuePerCustomer : metric === 'revenueRetention' ? c.revenueRetention : c.retention;
}

/** A cell's background: white → blue with the value's place between 0 and `max` (capped). */
export function heatColor(v: number | null, max: number): string | undefined {
  if (v === null || !Number.isFinite(v) || max <= 0) return undefined;
  const t = Math.max(0, Math.min(1, v / max));
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${mix(248, 29)} ${mix(250, 78)} ${mix(252, 216)})`;
}

/** The customer-weighted average of each age over the cohorts that have reached it. */
export function averageCurve(cohorts: readonly Cohort[], metric: CohortMetric, ages: number): (number | null)[] {
  return Array.from({ length: ages }, (_, a) => {
    let w = 0;
    let s = 0;
    for (const c of cohorts) {
      const v = cohortValues(c, metric)[a];
      if (v === null || v === undefined) continue;
      w += c.customers;
      s += v * c.customers;
    }
    return w ? s / w : null;
  });
}


/**
 * The average LTV at month `age`, or at the oldest age some cohort has reached when none has reached `age` yet (the
 * default period, the last 12 months, holds cohorts aged 0–11 only): the headline is never an empty "–" just because
 * the period is a year.
 */
export function ltvAt(cohorts: readonly Cohort[], age: number): { age: number; value: number | null } {
  const curve = averageCurve(cohorts, 'ltv', age + 1);
  for (let a = age; a > 0; a--) if (curve[a] !== null && curve[a] !== undefined) return { age: a, value: curve[a]! };
  return { age, value: null };
}
