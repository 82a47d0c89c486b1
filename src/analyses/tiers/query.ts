/**
 * The value-tier statements: counted orders → one row per customer (spend, orders, months with a purchase,
 * repurchase rate, last order) → the tier of the first matching rule. Values, thresholds and tier names are
 * bound parameters; the SQL text is fixed here.
 */
import { countedOrdersWhere, Params, type BuiltSql } from '../rfm/query.js';
import type { ResolvedTiersParams, TierRule } from './params.js';

export interface TierLabel {
  readonly zh: string;
  readonly en: string;
  readonly actionZh: string;
  readonly actionEn: string;
}

/** Labels and actions of the built-in tiers (the source template: 高价值客户专属服务, 潜力客户定向营销). Other tier names show as written. */
export const TIER_LABELS: Readonly<Record<string, TierLabel>> = {
  high: { zh: '高价值客户', en: 'High value', actionZh: '专属服务与权益，重点维护', actionEn: 'Dedicated service and privileges; keep them close' },
  potential: { zh: '潜力客户', en: 'Potential', actionZh: '定向营销，提升消费与复购', actionEn: 'Targeted marketing to raise spend and repurchase' },
  low: { zh: '低价值客户', en: 'Low value', actionZh: '低成本批量触达', actionEn: 'Low-cost mass campaigns' },
};

export function tierLabel(tier: string, lang: 'zh' | 'en'): string {
  const l = TIER_LABELS[tier];
  return l ? l[lang] : tier;
}

/**
 * The per-customer values over counted orders in from ≤ order time < asOf: columns customer_id, orders, spend,
 * aov, first_order_at, last_order_at, days_since_last and, with `months`, purchase_months and later_months.
 * Shared with the value matrix (src/analyses/matrix), which leaves the months out: their distinct count is most of
 * the cost. Returns the CTE body list, ending in `customer_values`.
 */
export function customerValuesCte(ps: Params, from: string | null, asOf: string, opts: { months: boolean } = { months: true }): string {
  const asOfParam = ps.add(asOf);
  const where = countedOrdersWhere(ps, from, asOf);
  return `order_values AS (
  SELECT customer_id,
    count(*) AS orders,
    CAST(coalesce(sum(amount), 0) AS DECIMAL(18,2)) AS spend,
    min(ordered_at) AS first_order_at,
    max(ordered_at) AS last_order_at${
      opts.months
        ? `,
    -- a month as one integer (year·12 + month): distinct integers count faster than truncated timestamps
    count(DISTINCT CAST(year(ordered_at) * 12 + month(ordered_at) AS INTEGER)) AS purchase_months`
        : ''
    }
  FROM orders
  WHERE ${where}
  GROUP BY customer_id
),
customer_values AS (
  SELECT customer_id, orders, spend,
    CAST(spend AS DOUBLE) / orders AS aov,
    first_order_at, last_order_at,
    CAST(date_diff('day', CAST(last_order_at AS DATE), CAST(${asOfParam} AS DATE)) AS INTEGER) AS days_since_last${
      opts.months
        ? `,
    CAST(purchase_months AS INTEGER) AS purchase_months,
    CAST(date_diff('month', CAST(first_order_at AS DATE), CAST(${asOfParam} AS DATE) - 1) AS INTEGER) AS later_months`
        : ''
    }
  FROM order_values
)`;
}

/** `repurchase_rate`: months with a purchase after the first purchase month ÷ calendar months after it up to the window's last day (0 when there are none). */
export const REPURCHASE_RATE = `CASE WHEN later_months = 0 THEN 0.0 ELSE CAST(purchase_months - 1 AS DOUBLE) / later_months END`;

function ruleCondition(ps: Params, r: TierRule): string {
  const c: string[] = [];
  if (r.minSpend !== undefined) c.push(`spend >= CAST(${ps.add(r.minSpend)} AS DECIMAL(18,2))`);
  if (r.maxSpend !== undefined) c.push(`spend < CAST(${ps.add(r.maxSpend)} AS DECIMAL(18,2))`);
  if (r.minRepurchase !== undefined) c.push(`repurchase_rate >= CAST(${ps.add(r.minRepurchase)} AS DOUBLE)`);
  if (r.maxRepurchase !== undefined) c.push(`repurchase_rate < CAST(${ps.add(r.maxRepurchase)} AS DOUBLE)`);
  return c.length ? c.join(' AND ') : 'true';
}

/** One row per customer with a counted order in the window: the customer values, repurchase_rate and tier. */
export function tieredSelect(ps: Params, p: ResolvedTiersParams): string {
  const values = customerValuesCte(ps, p.from, p.asOf);
  const cases = p.rules.map((r) => `    WHEN ${ruleCondition(ps, r)} THEN CAST(${ps.add(r.tier)} AS VARCHAR)`).join('\n');
  const other = ps.add(p.otherTier);
  return `WITH ${values},
rated AS (
  SELECT *, ${REPURCHASE_RATE} AS repurchase_rate FROM customer_values
)
SELECT customer_id, orders, spend, aov, first_order_at, last_order_at, days_since_last, purchase_months, later_months, repurchase_rate,
  CASE
${cases}
    ELSE CAST(${other} AS VARCHAR)
  END AS tier
FROM rated`;
}

/** The tiers in display order: the rules' order, then the other tier. */
export function tierOrder(p: ResolvedTiersParams): string[] {
  return [...p.rules.map((r) => r.tier), p.otherTier];
}

/** Per-customer rows, by tier (rule order) then spend descending. */
export function tierCustomersSql(p: ResolvedTiersParams): BuiltSql {
  const ps = new Params();
  const inner = tieredSelect(ps, p);
  const order = tierOrder(p)
    .map((t, i) => `WHEN ${ps.add(t)} THEN ${i}`)
    .join(' ');
  return { sql: `SELECT * FROM (\n${inner}\n) t\nORDER BY CASE tier ${order} END, spend DESC, customer_id`, params: ps.values };
}

/** Per tier: customers, revenue, their shares, averages and last-purchase activity; one row per tier with customers. */
export function tierSummarySql(p: ResolvedTiersParams): BuiltSql {
  const ps = new Params();
  const inner = tieredSelect(ps, p);
  const active = ps.add(p.activeDays);
  return {
    sql: `SELECT tier,
  count(*) AS customers,
  count(*) / sum(count(*)) OVER () AS customer_share,
  sum(spend) AS revenue,
  CAST(sum(spend) AS DOUBLE) / nullif(CAST(sum(sum(spend)) OVER () AS DOUBLE), 0) AS revenue_share,
  sum(orders) AS orders,
  CAST(avg(spend) AS DOUBLE) AS avg_spend,
  avg(orders) AS avg_orders,
  CAST(sum(spend) AS DOUBLE) / sum(orders) AS avg_order_value,
  avg(repurchase_rate) AS avg_repurchase_rate,
  avg(CASE WHEN days_since_last <= ${active} THEN 1.0 ELSE 0.0 END) AS active_share,
  quantile_cont(days_since_last, 0.5) AS median_days_since_last,
  strftime(max(last_order_at), '%Y-%m-%d') AS latest_order_date,
  strftime(min(last_order_at), '%Y-%m-%d') AS earliest_last_order_date
FROM (
${inner}
) t
GROUP BY tier`,
    params: ps.values,
  };
}

/** Replaces the stored result of one as-of date (run inside a transaction, after DELETE … WHERE as_of = …). */
export function tierInsertSql(p: ResolvedTiersParams): BuiltSql {
  const ps = new Params();
  const inner = tieredSelect(ps, p);
  const asOf = ps.add(p.asOf);
  const from = ps.add(p.from);
  const rules = ps.add(JSON.stringify({ rules: p.rules, otherTier: p.otherTier }));
  return {
    sql: `INSERT INTO tm_tiers (customer_id, as_of, window_from, orders, spend, aov, purchase_months, repurchase_rate, last_order_at, days_since_last, tier, rules, computed_at)
SELECT customer_id, CAST(${asOf} AS DATE), CAST(${from} AS DATE), orders, spend, aov, purchase_months, repurchase_rate, last_order_at, days_since_last, tier, CAST(${rules} AS JSON), CAST(now() AS TIMESTAMP)
FROM (
${inner}
) t`,
    params: ps.values,
  };
}
