/**
 * The cohort statement: counted orders before the data end → each customer's acquisition period (and group)
 * → per cohort the customers active and the revenue in each period since → one row per cohort, group and age
 * up to the last complete period, with retention, revenue retention and cumulative revenue per customer.
 * Values are bound parameters; the rest of the text is fixed here.
 */
import { CUSTOMER_ORDER } from '../../metrics/catalog/define.js';
import type { SqlValue } from '../../warehouse/port.js';
import type { ResolvedCohortParams } from './params.js';

export interface BuiltSql {
  readonly sql: string;
  readonly params: SqlValue[];
}

/** One row per (cohort, group, age) with age ≤ the last complete period: cohort, grp, age, customers, active_customers, retention, revenue, revenue_retention, cumulative_revenue_per_customer. */
export function cohortSql(p: ResolvedCohortParams): BuiltSql {
  const values: SqlValue[] = [];
  const add = (v: SqlValue) => {
    values.push(v);
    return `$${values.length}`;
  };
  const unit = p.period === 'month' ? 'month' : 'week';
  const end = add(p.dataEnd);
  const from = add(p.from);
  const to = add(p.to);
  // Ages: calendar months between the two month starts; weeks: days between the two Mondays ÷ 7.
  const age = (a: string, b: string) => (p.period === 'month' ? `date_diff('month', ${a}, ${b})` : `CAST(date_diff('day', ${a}, ${b}) / 7 AS BIGINT)`);
  const group =
    p.by === 'channel'
      ? `first(o.channel ORDER BY o.ordered_at, o.order_id)`
      : p.by === 'source'
        ? `any_value(cu.source_channel)`
        : `CAST(NULL AS VARCHAR)`;
  const sourceJoin = p.by === 'source' ? 'LEFT JOIN customers cu ON cu.customer_id = o.customer_id' : '';
  return {
    sql: `WITH counted AS (
  SELECT customer_id, order_id, ordered_at, channel, coalesce(amount, 0) AS amount, CAST(date_trunc('${unit}', ordered_at) AS DATE) AS period
  FROM orders
  WHERE ${CUSTOMER_ORDER} AND ordered_at < CAST(${end} AS DATE)
),
firsts AS (
  SELECT o.customer_id, min(o.period) AS cohort, ${group} AS grp
  FROM counted o ${sourceJoin}
  GROUP BY o.customer_id
),
members AS (
  SELECT * FROM firsts WHERE cohort >= CAST(${from} AS DATE) AND cohort < CAST(${to} AS DATE)
),
sizes AS (
  SELECT cohort, grp, count(*) AS customers FROM members GROUP BY ALL
),
per_customer AS (
  SELECT m.cohort, m.grp, ${age('m.cohort', 'c.period')} AS age, c.customer_id, sum(c.amount) AS revenue
  FROM counted c JOIN members m ON m.customer_id = c.customer_id
  GROUP BY ALL
),
activity AS (
  SELECT cohort, grp, age, count(*) AS active_customers, sum(revenue) AS revenue FROM per_customer GROUP BY ALL
),
cells AS (
  SELECT s.cohort, s.grp, s.customers, unnest(range(0, ${age('s.cohort', `CAST(${end} AS DATE)`)})) AS age FROM sizes s
)
SELECT strftime(x.cohort, '%Y-%m-%d') AS cohort, x.grp, x.age, x.customers,
  coalesce(a.active_customers, 0) AS active_customers,
  coalesce(a.active_customers, 0) / x.customers AS retention,
  CAST(coalesce(a.revenue, 0) AS DOUBLE) AS revenue,
  CAST(coalesce(a.revenue, 0) AS DOUBLE) / nullif(CAST(first_value(coalesce(a.revenue, 0)) OVER w AS DOUBLE), 0) AS revenue_retention,
  CAST(sum(coalesce(a.revenue, 0)) OVER w AS DOUBLE) / x.customers AS cumulative_revenue_per_customer
FROM cells x
LEFT JOIN activity a ON a.cohort = x.cohort AND a.grp IS NOT DISTINCT FROM x.grp AND a.age = x.age
WINDOW w AS (PARTITION BY x.cohort, x.grp ORDER BY x.age ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
ORDER BY x.cohort, x.grp NULLS FIRST, x.age`,
    params: values,
  };
}
