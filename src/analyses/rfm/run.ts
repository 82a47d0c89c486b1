import type { SqlValue, Warehouse } from '../../warehouse/port.js';
import { isDate, resolveRfmParams, RfmError, validateRfmParams, type RfmParams, type ResolvedRfmParams } from './params.js';
import { customersSql, insertSql, movementSql, SEGMENTS, summarySql, type SegmentDef, type SegmentKey } from './query.js';
import { replaceAsOf } from '../stored.js';

export interface SegmentSummary {
  readonly segment: SegmentKey;
  readonly zh: string;
  readonly en: string;
  readonly actionZh: string;
  readonly actionEn: string;
  readonly customers: number;
  /** customers ÷ all scored customers */
  readonly customerShare: number;
  readonly revenue: number;
  /** revenue ÷ revenue of all scored customers (null when that is 0) */
  readonly revenueShare: number | null;
  readonly avgRecencyDays: number | null;
  readonly avgFrequency: number | null;
  readonly avgMonetary: number | null;
  readonly avgR: number | null;
  readonly avgF: number | null;
  readonly avgM: number | null;
}

export interface RfmMovement {
  readonly fromAsOf: string;
  readonly toAsOf: string;
  /** Row and column labels: the eight segments, then 'none' (no counted order in that window). */
  readonly segments: readonly (SegmentKey | 'none')[];
  /** counts[i][j]: customers in segments[i] at fromAsOf and segments[j] at toAsOf. */
  readonly counts: number[][];
}

export interface RfmResult {
  readonly params: ResolvedRfmParams;
  readonly customers: number;
  readonly revenue: number;
  /** The split points: average scores and values over all scored customers. */
  readonly averages: { r: number | null; f: number | null; m: number | null; recencyDays: number | null; frequency: number | null; monetary: number | null };
  /** All eight segments in the conventional order (zeros included). */
  readonly segments: SegmentSummary[];
  readonly movement?: RfmMovement;
  /** The SQL that ran (PostHog-style), with its bound parameters; `customers` is the per-customer statement the others wrap. */
  readonly sql: { customers: string; summary: string; movement?: string };
  readonly sqlParams: { customers: SqlValue[]; summary: SqlValue[]; movement?: SqlValue[] };
  readonly ms: number;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The day after the last counted order of a known customer (in the window when `from` is given), or null when there is none. */
export async function defaultAsOf(wh: Warehouse, from?: string): Promise<string | null> {
  const r = await wh.query(
    `SELECT strftime(CAST(max(ordered_at) AS DATE) + 1, '%Y-%m-%d') AS d FROM orders
     WHERE customer_id IS NOT NULL AND (is_anonymous IS NULL OR is_anonymous = false) AND (status IS NULL OR status <> 'cancelled')
       ${from ? 'AND ordered_at >= CAST($1 AS DATE)' : ''}`,
    from ? [from] : [],
  );
  const d = r.rows[0]?.d;
  return typeof d === 'string' ? d : null;
}

/** Validates, fills the as-of default, and checks the window has customers. Throws RfmError. */
export async function prepareRfm(wh: Warehouse, params: RfmParams): Promise<ResolvedRfmParams> {
  const issues = validateRfmParams(params);
  if (issues.length) throw new RfmError(issues);
  let asOf = params.asOf;
  if (!asOf) {
    const d = await defaultAsOf(wh, params.from);
    if (!d) throw new RfmError([{ code: 'empty_window', field: params.from ? 'from' : 'asOf', message: `no counted orders of known customers${params.from ? ` since ${params.from}` : ''}: nothing to score` }]);
    asOf = d;
    if (params.compareAsOf && params.compareAsOf === asOf) throw new RfmError([{ code: 'same_as_of', field: 'compareAsOf', message: `compareAsOf: ${asOf} is the as-of date itself; give another date to see movement` }]);
  }
  const p = resolveRfmParams(params, asOf);
  if (p.from && isDate(p.from) && p.from >= p.asOf) throw new RfmError([{ code: 'from_not_before_as_of', field: 'from', message: `from: ${p.from} must be before asOf ${p.asOf}` }]);
  return p;
}

export async function runRfm(wh: Warehouse, params: RfmParams): Promise<RfmResult> {
  const p = await prepareRfm(wh, params);
  const t0 = performance.now();
  // One statement: the overall averages come from the per-segment sums, so the orders are scanned once.
  const sum = summarySql(p);
  const rows = (await wh.query(sum.sql, sum.params)).rows;
  const total = (k: string) => rows.reduce((acc, r) => acc + Number(r[k] ?? 0), 0);
  const customers = total('customers');
  if (customers === 0) {
    throw new RfmError([{ code: 'empty_window', field: p.from ? 'from' : 'asOf', message: `no counted orders of known customers in ${p.from ?? 'all history'} … ${p.asOf} (orders before the as-of day count): nothing to score` }]);
  }
  const byKey = new Map(rows.map((r) => [String(r.segment), r]));
  const segments = SEGMENTS.map((s: SegmentDef): SegmentSummary => {
    const r = byKey.get(s.key);
    return {
      segment: s.key,
      zh: s.zh,
      en: s.en,
      actionZh: s.actionZh,
      actionEn: s.actionEn,
      customers: Number(r?.customers ?? 0),
      customerShare: Number(r?.customer_share ?? 0),
      revenue: Number(r?.revenue ?? 0),
      revenueShare: r ? num(r.revenue_share) : 0,
      avgRecencyDays: num(r?.avg_recency_days),
      avgFrequency: num(r?.avg_frequency),
      avgMonetary: num(r?.avg_monetary),
      avgR: num(r?.avg_r),
      avgF: num(r?.avg_f),
      avgM: num(r?.avg_m),
    };
  });
  let movement: RfmMovement | undefined;
  let mv: ReturnType<typeof movementSql> | undefined;
  if (p.compareAsOf) {
    mv = movementSql(p);
    const labels: (SegmentKey | 'none')[] = [...SEGMENTS.map((s) => s.key), 'none'];
    const counts = labels.map(() => labels.map(() => 0));
    for (const r of (await wh.query(mv.sql, mv.params)).rows) {
      const i = labels.indexOf(String(r.from_segment) as SegmentKey);
      const j = labels.indexOf(String(r.to_segment) as SegmentKey);
      counts[i]![j] = Number(r.customers);
    }
    movement = { fromAsOf: p.compareAsOf, toAsOf: p.asOf, segments: labels, counts };
  }
  const cs = customersSql(p);
  return {
    params: p,
    customers,
    revenue: total('revenue'),
    averages: { r: total('sum_r') / customers, f: total('sum_f') / customers, m: total('sum_m') / customers, recencyDays: total('sum_recency_days') / customers, frequency: total('sum_frequency') / customers, monetary: total('revenue') / customers },
    segments,
    ...(movement ? { movement } : {}),
    sql: { customers: cs.sql, summary: sum.sql, ...(mv ? { movement: mv.sql } : {}) },
    sqlParams: { customers: cs.params, summary: sum.params, ...(mv ? { movement: mv.params } : {}) },
    ms: performance.now() - t0,
  };
}

/** Stores the per-customer result of the as-of date in tm_rfm, replacing that date's earlier result, in one transaction. Returns the rows written. */
export async function saveRfm(wh: Warehouse, p: ResolvedRfmParams): Promise<number> {
  return replaceAsOf(wh, 'tm_rfm', p.asOf, insertSql(p));
}
