import type { SqlValue, Warehouse } from '../../warehouse/port.js';
import { defaultAsOf } from '../rfm/run.js';
import { resolveTiersParams, TiersError, validateTiersParams, type ResolvedTiersParams, type TiersParams } from './params.js';
import { TIER_LABELS, tierInsertSql, tierOrder, tierSummarySql } from './query.js';
import { replaceAsOf } from '../stored.js';

export interface TierSummary {
  readonly tier: string;
  readonly zh: string;
  readonly en: string;
  readonly actionZh: string | null;
  readonly actionEn: string | null;
  readonly customers: number;
  /** customers ÷ all customers with a counted order in the window */
  readonly customerShare: number;
  readonly revenue: number;
  /** revenue ÷ revenue of all those customers (null when that is 0) */
  readonly revenueShare: number | null;
  readonly orders: number;
  readonly avgSpend: number | null;
  readonly avgOrders: number | null;
  /** revenue ÷ orders of the tier */
  readonly avgOrderValue: number | null;
  readonly avgRepurchaseRate: number | null;
  /** Share of the tier's customers whose last counted order is at most activeDays before the as-of date. */
  readonly activeShare: number | null;
  /** Median (interpolated, quantile_cont) of the days from the last counted order to the as-of date. */
  readonly medianDaysSinceLast: number | null;
  readonly latestOrderDate: string | null;
  readonly earliestLastOrderDate: string | null;
}

export interface TiersResult {
  readonly params: ResolvedTiersParams;
  readonly customers: number;
  readonly revenue: number;
  /** Every tier in rule order then the other tier, zeros included. */
  readonly tiers: TierSummary[];
  readonly sql: { summary: string };
  readonly sqlParams: { summary: SqlValue[] };
  readonly ms: number;
}

export const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Validates, fills the as-of default (the day after the last counted order). Throws TiersError. */
export async function prepareTiers(wh: Warehouse, params: TiersParams): Promise<ResolvedTiersParams> {
  const issues = validateTiersParams(params);
  if (issues.length) throw new TiersError(issues);
  let asOf = params.asOf;
  if (!asOf) {
    const d = await defaultAsOf(wh, params.from);
    if (!d) throw new TiersError([{ code: 'empty_window', field: params.from ? 'from' : 'asOf', message: `no counted orders of known customers${params.from ? ` since ${params.from}` : ''}: nothing to tier` }]);
    asOf = d;
  }
  return resolveTiersParams(params, asOf);
}

export async function runTiers(wh: Warehouse, params: TiersParams): Promise<TiersResult> {
  const p = await prepareTiers(wh, params);
  const t0 = performance.now();
  const s = tierSummarySql(p);
  const rows = (await wh.query(s.sql, s.params)).rows;
  if (rows.length === 0) {
    throw new TiersError([{ code: 'empty_window', field: p.from ? 'from' : 'asOf', message: `no counted orders of known customers in ${p.from ?? 'all history'} … ${p.asOf} (orders before the as-of day count): nothing to tier` }]);
  }
  const byTier = new Map(rows.map((r) => [String(r.tier), r]));
  const tiers = tierOrder(p).map((t): TierSummary => {
    const r = byTier.get(t);
    const l = TIER_LABELS[t];
    return {
      tier: t,
      zh: l?.zh ?? t,
      en: l?.en ?? t,
      actionZh: l?.actionZh ?? null,
      actionEn: l?.actionEn ?? null,
      customers: Number(r?.customers ?? 0),
      customerShare: Number(r?.customer_share ?? 0),
      revenue: Number(r?.revenue ?? 0),
      revenueShare: r ? num(r.revenue_share) : 0,
      orders: Number(r?.orders ?? 0),
      avgSpend: num(r?.avg_spend),
      avgOrders: num(r?.avg_orders),
      avgOrderValue: num(r?.avg_order_value),
      avgRepurchaseRate: num(r?.avg_repurchase_rate),
      activeShare: num(r?.active_share),
      medianDaysSinceLast: num(r?.median_days_since_last),
      latestOrderDate: str(r?.latest_order_date),
      earliestLastOrderDate: str(r?.earliest_last_order_date),
    };
  });
  return {
    params: p,
    customers: tiers.reduce((a, t) => a + t.customers, 0),
    revenue: tiers.reduce((a, t) => a + t.revenue, 0),
    tiers,
    sql: { summary: s.sql },
    sqlParams: { summary: s.params },
    ms: performance.now() - t0,
  };
}

/** Stores the per-customer tiers of the as-of date in tm_tiers, replacing that date's earlier result, in one transaction. Returns the rows written. */
export async function saveTiers(wh: Warehouse, p: ResolvedTiersParams): Promise<number> {
  return replaceAsOf(wh, 'tm_tiers', p.asOf, tierInsertSql(p));
}
