/**
 * The value-matrix statements: the per-customer values of the tiers (src/analyses/tiers), the two thresholds,
 * and each customer's quadrant. Values are bound parameters; the SQL text is fixed here.
 */
import { Params, type BuiltSql } from '../rfm/query.js';
import { customerValuesCte } from '../tiers/query.js';
import type { ResolvedMatrixParams, Threshold } from './params.js';

export type ValueTypeKey = 'quality' | 'spender' | 'frequent' | 'uncertain';

export interface ValueTypeDef {
  readonly key: ValueTypeKey;
  readonly zh: string;
  readonly en: string;
  /** High (true) or low (false) average order value and purchase frequency. */
  readonly aov: boolean;
  readonly frequency: boolean;
  readonly actionZh: string;
  readonly actionEn: string;
}

/** The four quadrants (客户价值矩阵), in display order. */
export const VALUE_TYPES: readonly ValueTypeDef[] = [
  { key: 'quality', zh: '优质型', en: 'Quality', aov: true, frequency: true, actionZh: '重点维护：会员专属权益，保持忠诚', actionEn: 'Keep: member privileges, hold their loyalty' },
  { key: 'spender', zh: '乐于消费型', en: 'Big spender', aov: true, frequency: false, actionZh: '提升频次：复购提醒、新品推荐', actionEn: 'Raise frequency: repurchase reminders, new arrivals' },
  { key: 'frequent', zh: '经常型', en: 'Frequent', aov: false, frequency: true, actionZh: '提升客单价：搭配套餐、满减、升级推荐', actionEn: 'Raise order value: bundles, spend-more offers, upgrades' },
  { key: 'uncertain', zh: '不确定型', en: 'Uncertain', aov: false, frequency: false, actionZh: '低成本激活：批量触达，观察响应', actionEn: 'Activate at low cost: mass campaigns, watch the response' },
];

export function valueTypeOf(aovHigh: boolean, frequencyHigh: boolean): ValueTypeDef {
  return VALUE_TYPES.find((t) => t.aov === aovHigh && t.frequency === frequencyHigh)!;
}

function thresholdExpr(ps: Params, t: Threshold, column: string): string {
  if (t === 'median') return `quantile_cont(${column}, 0.5)`;
  if (t === 'mean') return `avg(${column})`;
  return `CAST(${ps.add(t)} AS DOUBLE)`;
}

/** One row per customer with a counted order in the window: the customer values, both thresholds, high/low flags and value_type. */
export function typedSelect(ps: Params, p: ResolvedMatrixParams): string {
  const values = customerValuesCte(ps, p.from, p.asOf, { months: false });
  // Two fixed thresholds are constants: without an aggregate, FROM customer_values would give one row per customer.
  const fromValues = typeof p.aovThreshold === 'number' && typeof p.frequencyThreshold === 'number' ? '' : '\n  FROM customer_values';
  const cases = VALUE_TYPES.map((t) => `    WHEN ${t.aov ? '' : 'NOT '}aov_high AND ${t.frequency ? '' : 'NOT '}frequency_high THEN '${t.key}'`).join('\n');
  return `WITH ${values},
thresholds AS (
  SELECT CAST(${thresholdExpr(ps, p.aovThreshold, 'aov')} AS DOUBLE) AS aov_threshold,
    CAST(${thresholdExpr(ps, p.frequencyThreshold, 'CAST(orders AS DOUBLE)')} AS DOUBLE) AS frequency_threshold${fromValues}
),
flagged AS (
  SELECT v.customer_id, v.orders, v.spend, v.aov, v.last_order_at, v.days_since_last, t.aov_threshold, t.frequency_threshold,
    v.aov > t.aov_threshold AS aov_high, v.orders > t.frequency_threshold AS frequency_high
  FROM customer_values v CROSS JOIN thresholds t
)
SELECT customer_id, orders, spend, aov, last_order_at, days_since_last, aov_threshold, frequency_threshold, aov_high, frequency_high,
  CASE
${cases}
  END AS value_type
FROM flagged`;
}

/** Per-customer rows, by quadrant (display order) then spend descending. */
export function matrixCustomersSql(p: ResolvedMatrixParams): BuiltSql {
  const ps = new Params();
  const inner = typedSelect(ps, p);
  const order = VALUE_TYPES.map((t, i) => `WHEN '${t.key}' THEN ${i}`).join(' ');
  return { sql: `SELECT * FROM (\n${inner}\n) m\nORDER BY CASE value_type ${order} END, spend DESC, customer_id`, params: ps.values };
}

/** Per quadrant: customers, revenue, shares, averages, activity, and the thresholds used; one row per quadrant with customers. */
export function matrixSummarySql(p: ResolvedMatrixParams): BuiltSql {
  const ps = new Params();
  const inner = typedSelect(ps, p);
  const active = ps.add(p.activeDays);
  return {
    sql: `SELECT value_type,
  count(*) AS customers,
  count(*) / sum(count(*)) OVER () AS customer_share,
  sum(spend) AS revenue,
  CAST(sum(spend) AS DOUBLE) / nullif(CAST(sum(sum(spend)) OVER () AS DOUBLE), 0) AS revenue_share,
  sum(orders) AS orders,
  avg(aov) AS avg_aov,
  avg(orders) AS avg_frequency,
  CAST(avg(spend) AS DOUBLE) AS avg_spend,
  avg(CASE WHEN days_since_last <= ${active} THEN 1.0 ELSE 0.0 END) AS active_share,
  quantile_cont(days_since_last, 0.5) AS median_days_since_last,
  strftime(max(last_order_at), '%Y-%m-%d') AS latest_order_date,
  any_value(aov_threshold) AS aov_threshold,
  any_value(frequency_threshold) AS frequency_threshold
FROM (
${inner}
) m
GROUP BY value_type`,
    params: ps.values,
  };
}

/** Replaces the stored result of one as-of date (run inside a transaction, after DELETE … WHERE as_of = …). */
export function matrixInsertSql(p: ResolvedMatrixParams): BuiltSql {
  const ps = new Params();
  const inner = typedSelect(ps, p);
  const asOf = ps.add(p.asOf);
  const from = ps.add(p.from);
  return {
    sql: `INSERT INTO tm_matrix (customer_id, as_of, window_from, orders, spend, aov, last_order_at, days_since_last, aov_threshold, frequency_threshold, value_type, computed_at)
SELECT customer_id, CAST(${asOf} AS DATE), CAST(${from} AS DATE), orders, spend, aov, last_order_at, days_since_last, aov_threshold, frequency_threshold, value_type, CAST(now() AS TIMESTAMP)
FROM (
${inner}
) m`,
    params: ps.values,
  };
}
