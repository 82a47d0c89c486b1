import type { SqlValue, Warehouse } from '../../warehouse/port.js';
import { defaultAsOf } from '../rfm/run.js';
import { num } from '../tiers/run.js';
import { MatrixError, resolveMatrixParams, validateMatrixParams, type MatrixParams, type ResolvedMatrixParams } from './params.js';
import { matrixInsertSql, matrixSummarySql, VALUE_TYPES, type ValueTypeKey } from './query.js';
import { replaceAsOf } from '../stored.js';

export interface ValueTypeSummary {
  readonly valueType: ValueTypeKey;
  readonly zh: string;
  readonly en: string;
  readonly actionZh: string;
  readonly actionEn: string;
  /** High (true) or low average order value and frequency. */
  readonly aovHigh: boolean;
  readonly frequencyHigh: boolean;
  readonly customers: number;
  readonly customerShare: number;
  readonly revenue: number;
  readonly revenueShare: number | null;
  readonly orders: number;
  /** Mean of the customers' average order values. */
  readonly avgAov: number | null;
  /** Mean orders per customer. */
  readonly avgFrequency: number | null;
  readonly avgSpend: number | null;
  readonly activeShare: number | null;
  readonly medianDaysSinceLast: number | null;
  readonly latestOrderDate: string | null;
}

export interface MatrixResult {
  readonly params: ResolvedMatrixParams;
  readonly customers: number;
  readonly revenue: number;
  /** The thresholds used (a statistic's value, or the fixed value). High = strictly above. */
  readonly thresholds: { aov: number; frequency: number };
  /** The four quadrants in display order, zeros included. */
  readonly types: ValueTypeSummary[];
  readonly sql: { summary: string };
  readonly sqlParams: { summary: SqlValue[] };
  readonly ms: number;
}

/** Validates, fills the as-of default (the day after the last counted order). Throws MatrixError. */
export async function prepareMatrix(wh: Warehouse, params: MatrixParams): Promise<ResolvedMatrixParams> {
  const issues = validateMatrixParams(params);
  if (issues.length) throw new MatrixError(issues);
  let asOf = params.asOf;
  if (!asOf) {
    const d = await defaultAsOf(wh, params.from);
    if (!d) throw new MatrixError([{ code: 'empty_window', field: params.from ? 'from' : 'asOf', message: `no counted orders of known customers${params.from ? ` since ${params.from}` : ''}: nothing to place in the matrix` }]);
    asOf = d;
  }
  return resolveMatrixParams(params, asOf);
}

export async function runMatrix(wh: Warehouse, params: MatrixParams): Promise<MatrixResult> {
  const p = await prepareMatrix(wh, params);
  const t0 = performance.now();
  const s = matrixSummarySql(p);
  const rows = (await wh.query(s.sql, s.params)).rows;
  if (rows.length === 0) {
    throw new MatrixError([{ code: 'empty_window', field: p.from ? 'from' : 'asOf', message: `no counted orders of known customers in ${p.from ?? 'all history'} … ${p.asOf} (orders before the as-of day count): nothing to place in the matrix` }]);
  }
  const byType = new Map(rows.map((r) => [String(r.value_type), r]));
  const types = VALUE_TYPES.map((t): ValueTypeSummary => {
    const r = byType.get(t.key);
    return {
      valueType: t.key,
      zh: t.zh,
      en: t.en,
      actionZh: t.actionZh,
      actionEn: t.actionEn,
      aovHigh: t.aov,
      frequencyHigh: t.frequency,
      customers: Number(r?.customers ?? 0),
      customerShare: Number(r?.customer_share ?? 0),
      revenue: Number(r?.revenue ?? 0),
      revenueShare: r ? num(r.revenue_share) : 0,
      orders: Number(r?.orders ?? 0),
      avgAov: num(r?.avg_aov),
      avgFrequency: num(r?.avg_frequency),
      avgSpend: num(r?.avg_spend),
      activeShare: num(r?.active_share),
      medianDaysSinceLast: num(r?.median_days_since_last),
      latestOrderDate: typeof r?.latest_order_date === 'string' ? r.latest_order_date : null,
    };
  });
  const any = rows[0]!;
  return {
    params: p,
    customers: types.reduce((a, t) => a + t.customers, 0),
    revenue: types.reduce((a, t) => a + t.revenue, 0),
    thresholds: { aov: Number(any.aov_threshold), frequency: Number(any.frequency_threshold) },
    types,
    sql: { summary: s.sql },
    sqlParams: { summary: s.params },
    ms: performance.now() - t0,
  };
}

/** Stores the per-customer quadrants of the as-of date in tm_matrix, replacing that date's earlier result, in one transaction. Returns the rows written. */
export async function saveMatrix(wh: Warehouse, p: ResolvedMatrixParams): Promise<number> {
  return replaceAsOf(wh, 'tm_matrix', p.asOf, matrixInsertSql(p));
}
