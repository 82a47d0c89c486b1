/**
 * The repurchase statements the catalog cannot express: purchase days, the intervals between them, their
 * distribution, and the reminder list. Values are bound parameters; the rest of the text is fixed here.
 */
import { CUSTOMER_ORDER } from '../../metrics/catalog/define.js';
import type { SqlValue } from '../../warehouse/port.js';
import type { ResolvedRepurchaseParams } from './params.js';

export interface BuiltSql {
  readonly sql: string;
  readonly params: SqlValue[];
}

/** Bound parameters numbered in order ($1, $2 …). */
class Params {
  readonly values: SqlValue[] = [];
  add(v: SqlValue): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** Histogram buckets of the inter-purchase interval, in days: [low, high] inclusive, high null = no upper bound. */
export const INTERVAL_BUCKETS: readonly (readonly [number, number | null])[] = [
  [1, 7],
  [8, 14],
  [15, 30],
  [31, 60],
  [61, 90],
  [91, 180],
  [181, 365],
  [366, null],
];

export const bucketName = ([lo, hi]: readonly [number, number | null]): string => (hi === null ? `${lo}+` : `${lo}-${hi}`);

/**
 * counted: the counted orders of known customers (the catalog's CUSTOMER_ORDER) with from ≤ day < asOf;
 * days: one row per customer and purchase day (with `detail`: its orders and amount); gaps: each purchase
 * day with the days since the previous one (NULL on a customer's first) and whether another follows.
 */
function gapsCtes(ps: Params, p: Pick<ResolvedRepurchaseParams, 'from' | 'asOf'>, detail: boolean): string {
  return `counted AS (
  SELECT order_id, customer_id, ordered_at, amount FROM orders
  WHERE ${CUSTOMER_ORDER}
    AND ordered_at >= CAST(${ps.add(p.from)} AS DATE)
    AND ordered_at < CAST(${ps.add(p.asOf)} AS DATE)
),
days AS (
  SELECT customer_id, CAST(ordered_at AS DATE) AS day${detail ? ', count(*) AS orders, sum(coalesce(amount, 0)) AS amount' : ''} FROM counted GROUP BY ALL
),
gaps AS (
  SELECT *,
    date_diff('day', lag(day) OVER (PARTITION BY customer_id ORDER BY day), day) AS gap,
    lead(day) OVER (PARTITION BY customer_id ORDER BY day) IS NOT NULL AS has_next
  FROM days
)`;
}

/** The condition "overdue" on a row with days_since and due_after_days. */
function overdueCondition(ps: Params, p: ResolvedRepurchaseParams): string {
  return `days_since > due_after_days${p.maxOverdueDays === null ? '' : ` AND days_since - due_after_days <= ${ps.add(p.maxOverdueDays)}`}`;
}

/**
 * One row, one pass over the window: intervals, buying customers, customers with an interval, mean and
 * percentiles (linear interpolation), intervals per {@link INTERVAL_BUCKETS} bucket (b0, b1 …) and, with
 * `reminders`, the customers with a usual interval (eligible) and how many of them are overdue.
 */
export function statsSql(p: ResolvedRepurchaseParams, opts: { reminders?: boolean } = {}): BuiltSql {
  const ps = new Params();
  const ctes = gapsCtes(ps, p, false);
  const buckets = INTERVAL_BUCKETS.map(([lo, hi], i) => `  count(*) FILTER (WHERE gap ${hi === null ? `>= ${lo}` : `BETWEEN ${lo} AND ${hi}`}) AS b${i}`).join(',\n');
  const stats = `SELECT count(gap) AS intervals,
  count(*) FILTER (WHERE gap IS NULL) AS customers,
  count(*) FILTER (WHERE gap IS NULL AND has_next) AS customers_with_interval,
  avg(gap) AS mean_days,
  quantile_cont(gap, 0.25) AS p25_days,
  quantile_cont(gap, 0.5) AS median_days,
  quantile_cont(gap, 0.75) AS p75_days,
  quantile_cont(gap, 0.9) AS p90_days,
${buckets}
FROM gaps`;
  if (!opts.reminders) return { sql: `WITH ${ctes}\n${stats}`, params: ps.values };
  const minPurchases = ps.add(p.minPurchases);
  const asOf = ps.add(p.asOf);
  const factor = ps.add(p.factor);
  return {
    sql: `WITH ${ctes},
per AS (
  SELECT max(day) AS last_day, quantile_cont(gap, 0.5) AS usual_interval_days
  FROM gaps GROUP BY customer_id HAVING count(*) >= ${minPurchases}
),
due AS (
  SELECT date_diff('day', last_day, CAST(${asOf} AS DATE)) AS days_since, usual_interval_days * CAST(${factor} AS DOUBLE) AS due_after_days FROM per
)
SELECT * FROM (
${stats}
) s, (SELECT count(*) AS eligible, count(*) FILTER (WHERE ${overdueCondition(ps, p)}) AS overdue FROM due) r`,
    params: ps.values,
  };
}

/**
 * The reminder list: customers with at least minPurchases purchase days whose days since the last one
 * exceed their usual interval (the median of their intervals) × factor, the most overdue first.
 * Columns: customer_id, name, phone, orders, purchase_days, last_order_date, usual_interval_days,
 * due_after_days, days_since_last_order, days_overdue, top_category, monetary.
 */
export function remindersSql(p: ResolvedRepurchaseParams, opts: { limit?: number } = {}): BuiltSql {
  const ps = new Params();
  const ctes = gapsCtes(ps, p, true);
  const minPurchases = ps.add(p.minPurchases);
  const asOf = ps.add(p.asOf);
  const factor = ps.add(p.factor);
  const limit = opts.limit === undefined ? '' : `\n  LIMIT ${ps.add(opts.limit)}`;
  return {
    sql: `WITH ${ctes},
per AS (
  SELECT customer_id, sum(orders) AS orders, count(*) AS purchase_days, CAST(sum(amount) AS DECIMAL(18,2)) AS monetary, max(day) AS last_day, quantile_cont(gap, 0.5) AS usual_interval_days
  FROM gaps GROUP BY customer_id HAVING count(*) >= ${minPurchases}
),
due AS (
  SELECT *, date_diff('day', last_day, CAST(${asOf} AS DATE)) AS days_since, usual_interval_days * CAST(${factor} AS DOUBLE) AS due_after_days FROM per
),
overdue AS (
  SELECT *, days_since - due_after_days AS days_overdue FROM due WHERE ${overdueCondition(ps, p)}
  ORDER BY days_overdue DESC, customer_id${limit}
),
categories AS (
  SELECT c.customer_id, p.category_l1 AS category, count(DISTINCT c.order_id) AS n
  FROM counted c
  JOIN order_items i ON i.order_id = c.order_id
  JOIN products p ON p.product_id = i.product_id
  WHERE p.category_l1 IS NOT NULL AND c.customer_id IN (SELECT customer_id FROM overdue)
  GROUP BY ALL
),
top_category AS (
  SELECT customer_id, category FROM categories
  QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY n DESC, category) = 1
)
SELECT d.customer_id, cu.name, cu.phone, CAST(d.orders AS INTEGER) AS orders, CAST(d.purchase_days AS INTEGER) AS purchase_days,
  strftime(d.last_day, '%Y-%m-%d') AS last_order_date, d.usual_interval_days, d.due_after_days,
  CAST(d.days_since AS INTEGER) AS days_since_last_order, d.days_overdue,
  t.category AS top_category, d.monetary
FROM overdue d
LEFT JOIN customers cu ON cu.customer_id = d.customer_id
LEFT JOIN top_category t ON t.customer_id = d.customer_id
ORDER BY d.days_overdue DESC, d.customer_id`,
    params: ps.values,
  };
}
