import { CUSTOMER_ORDER } from '../../metrics/catalog/define.js';
import { shiftDay } from '../../query/time.js';
import type { SqlValue, Warehouse } from '../../warehouse/port.js';
import { addPeriods, periodLabel, periodStartOf } from '../lifecycle/periods.js';
import { CohortError, validateCohortParams, type CohortParams, type ResolvedCohortParams } from './params.js';
import { cohortSql } from './query.js';

export interface Cohort {
  /** First day of the acquisition period. */
  readonly cohort: string;
  /** 2024-03 or 2024-W05. */
  readonly label: string;
  /** The channel of the first order or the customer's source with `by`; null otherwise (or when unknown). */
  readonly group: string | null;
  readonly customers: number;
  /**
   * Per age 0 … maxAge (index = age). null = not observable yet: the activity period ends after the last
   * complete period (not 0, which would read as "nobody came back").
   */
  readonly activeCustomers: (number | null)[];
  readonly retention: (number | null)[];
  readonly revenue: (number | null)[];
  readonly revenueRetention: (number | null)[];
  readonly cumulativeRevenuePerCustomer: (number | null)[];
}

export interface CohortResult {
  readonly params: ResolvedCohortParams;
  /** The oldest cohort's last observable age: the arrays have maxAge + 1 cells. */
  readonly maxAge: number;
  readonly cohorts: Cohort[];
  readonly customers: number;
  readonly sql: string;
  readonly sqlParams: SqlValue[];
  readonly ms: number;
}

/** Validates and fills the defaults from the data. Throws CohortError. */
export async function prepareCohorts(wh: Warehouse, params: CohortParams): Promise<ResolvedCohortParams> {
  const issues = validateCohortParams(params);
  if (issues.length) throw new CohortError(issues);
  const period = params.period ?? 'month';
  const r = (await wh.query(`SELECT strftime(min(ordered_at), '%Y-%m-%d') AS a, strftime(max(ordered_at), '%Y-%m-%d') AS b FROM orders WHERE ${CUSTOMER_ORDER}`)).rows[0];
  const first = typeof r?.a === 'string' ? r.a : null;
  const last = typeof r?.b === 'string' ? r.b : null;
  const empty = (field: string, message: string) => new CohortError([{ code: 'empty_window', field, message }]);
  if (!first || !last) throw empty('from', 'no counted orders of known customers: there are no cohorts');
  const asOf = params.asOf ?? shiftDay(last, 1, 'day');
  const dataEnd = periodStartOf(asOf, period);
  const from = params.from ?? periodStartOf(first, period);
  const to = params.to && params.to < dataEnd ? params.to : dataEnd;
  if (from >= to) {
    const field = params.to && params.to <= from ? 'to' : params.from ? 'from' : 'asOf';
    throw empty(field, `${field}: no complete ${period} for cohorts from ${from} before ${to} (data until ${asOf}; counted orders run from ${first} to ${last})`);
  }
  return { period, from, to, asOf, dataEnd, by: params.by ?? null };
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export async function runCohorts(wh: Warehouse, params: CohortParams): Promise<CohortResult> {
  const p = await prepareCohorts(wh, params);
  const t0 = performance.now();
  const q = cohortSql(p);
  const rows = (await wh.query(q.sql, q.params)).rows;
  if (rows.length === 0) throw new CohortError([{ code: 'empty_window', field: params.from ? 'from' : 'to', message: `no customer's first counted order falls in ${p.from} … ${p.to} (exclusive): there are no cohorts` }]);
  // The oldest cohort (from, or the first with customers) sees the most periods.
  let maxAge = 0;
  for (let d = addPeriods(p.from, p.period, 1); d < p.dataEnd; d = addPeriods(d, p.period, 1)) maxAge++;
  const byKey = new Map<string, Cohort>();
  for (const r of rows) {
    const key = `${String(r.cohort)}|${r.grp === null ? '' : String(r.grp)}`;
    let c = byKey.get(key);
    if (!c) {
      const blank = () => Array.from({ length: maxAge + 1 }, (): number | null => null);
      c = { cohort: String(r.cohort), label: periodLabel(String(r.cohort), p.period), group: r.grp === null || r.grp === undefined ? null : String(r.grp), customers: Number(r.customers), activeCustomers: blank(), retention: blank(), revenue: blank(), revenueRetention: blank(), cumulativeRevenuePerCustomer: blank() };
      byKey.set(key, c);
    }
    const a = Number(r.age);
    c.activeCustomers[a] = Number(r.active_customers);
    c.retention[a] = num(r.retention);
    c.revenue[a] = num(r.revenue);
    c.revenueRetention[a] = num(r.revenue_retention);
    c.cumulativeRevenuePerCustomer[a] = num(r.cumulative_revenue_per_customer);
  }
  const cohorts = [...byKey.values()];
  return { params: p, maxAge, cohorts, customers: cohorts.reduce((s, c) => s + c.customers, 0), sql: q.sql, sqlParams: q.params, ms: performance.now() - t0 };
}
