import type { SqlValue, Warehouse } from '../../warehouse/port.js';
import { CUSTOMER_ORDER } from '../../metrics/catalog/define.js';
import { shiftDay } from '../../query/time.js';
import { addPeriods, periodLabel, periodStartOf } from './periods.js';
import { LifecycleError, MAX_PERIODS, resolveLifecycleParams, validateLifecycleParams, type LifecycleParams, type ResolvedLifecycleParams } from './params.js';
import { customersSql, insertSql, NONE, STAGES, transitionsSql, type StageKey } from './query.js';
import { replaceAsOf } from '../stored.js';

export interface LifecyclePeriod {
  /** First day of the period (YYYY-MM-DD). */
  readonly start: string;
  /** The day after its last day: the stages are as of this day (orders before it count). */
  readonly end: string;
  /** 2024-03, 2024-W05; for an as-of period, start → end. */
  readonly label: string;
  /** Customers per stage at the end of the period. */
  readonly stages: Record<StageKey, number>;
  /** Customers with a counted order before the end: the sum of the stages. */
  readonly customers: number;
  /** counts[i][j]: customers in `labels[i]` at the start of the period and `labels[j]` at its end. */
  readonly transitions: number[][];
}

export interface LifecycleResult {
  readonly params: ResolvedLifecycleParams;
  /** Row and column labels of the transition matrices: 'none' (no order yet), then the five stages. */
  readonly labels: readonly (StageKey | 'none')[];
  readonly periods: LifecyclePeriod[];
  /** The SQL that ran, with its bound parameters. */
  readonly sql: string;
  readonly sqlParams: SqlValue[];
  readonly ms: number;
}

/** The first and the last counted order day of known customers, or null without any. */
async function orderSpan(wh: Warehouse): Promise<{ first: string; last: string } | null> {
  const r = (await wh.query(`SELECT strftime(min(ordered_at), '%Y-%m-%d') AS a, strftime(max(ordered_at), '%Y-%m-%d') AS b FROM orders WHERE ${CUSTOMER_ORDER}`)).rows[0];
  return typeof r?.a === 'string' && typeof r.b === 'string' ? { first: r.a, last: r.b } : null;
}

/** Validates, fills the defaults from the data, and checks there is something to classify. Throws LifecycleError. */
export async function prepareLifecycle(wh: Warehouse, params: LifecycleParams): Promise<ResolvedLifecycleParams> {
  const issues = validateLifecycleParams(params);
  if (issues.length) throw new LifecycleError(issues);
  const period = params.period ?? 'month';
  const span = await orderSpan(wh);
  const empty = (field: string, message: string) => new LifecycleError([{ code: 'empty_window', field, message }]);
  if (!span) throw empty(params.asOf ? 'asOf' : 'from', 'no counted orders of known customers: no customer has a lifecycle stage');
  if (params.asOf) {
    if (span.first >= params.asOf) throw empty('asOf', `asOf: no counted order before ${params.asOf} (the first is on ${span.first})`);
    return resolveLifecycleParams(params, null);
  }
  // Default to: the end of the last complete period (the period holding the day after the last order starts there).
  const to = params.to ?? periodStartOf(shiftDay(span.last, 1, 'day'), period);
  const from = params.from ?? periodStartOf(span.first, period);
  if (from >= to) {
    throw empty(params.from ? 'from' : 'to', `${params.from ? 'from' : 'to'}: no complete ${period} from ${from} to ${to}: counted orders run from ${span.first} to ${span.last}`);
  }
  if (addPeriods(from, period, MAX_PERIODS) < to) throw new LifecycleError([{ code: 'too_many_periods', field: 'from', message: `from: more than ${MAX_PERIODS} ${period}s from ${from} to ${to}; give --from` }]);
  if (span.first >= to) throw empty('to', `to: no counted order before ${to} (the first is on ${span.first})`);
  return resolveLifecycleParams({ ...params, period }, { from, to });
}

export async function runLifecycle(wh: Warehouse, params: LifecycleParams): Promise<LifecycleResult> {
  const p = await prepareLifecycle(wh, params);
  const t0 = performance.now();
  const q = transitionsSql(p);
  const rows = (await wh.query(q.sql, q.params)).rows;
  const labels: (StageKey | 'none')[] = [NONE.key, ...STAGES.map((s) => s.key)];
  const periods: LifecyclePeriod[] = [];
  for (let i = 1; i < p.bounds.length - 1; i++) {
    const start = p.bounds[i]!;
    const end = p.bounds[i + 1]!;
    periods.push({
      start,
      end,
      label: p.mode === 'asOf' ? `${start} → ${end}` : periodLabel(start, p.period),
      stages: Object.fromEntries(STAGES.map((s) => [s.key, 0])) as Record<StageKey, number>,
      customers: 0,
      transitions: labels.map(() => labels.map(() => 0)),
    });
  }
  for (const r of rows) {
    const per = periods[Number(r.period_index) - 1];
    if (!per) continue;
    const n = Number(r.customers);
    const to = String(r.stage) as StageKey;
    per.stages[to] += n;
    (per as { customers: number }).customers += n;
    per.transitions[labels.indexOf(String(r.before_stage) as StageKey)]![labels.indexOf(to)]! += n;
  }
  return { params: p, labels, periods, sql: q.sql, sqlParams: q.params, ms: performance.now() - t0 };
}

/** Stores every customer's stage at the last period end (the as-of date) in tm_lifecycle, replacing that date's, in one transaction. Returns the rows written. */
export async function saveLifecycle(wh: Warehouse, p: ResolvedLifecycleParams): Promise<number> {
  return replaceAsOf(wh, 'tm_lifecycle', p.bounds[p.bounds.length - 1]!, insertSql(p));
}

export { customersSql };
