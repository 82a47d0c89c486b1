/**
 * Hand-written DuckDB SQL for the lifecycle and cohort results, written from the definitions in
 * src/analyses/lifecycle/index.ts and src/analyses/cohorts/index.ts the way an analyst would (a dense
 * customer × month grid with window functions; one GROUP BY per cohort cell), not from Tidemark's
 * statements. The baseline of bench/customer-value (entries.ts) and, in src/analyses/lifecycle/lifecycle.test.ts,
 * an independent second method on CDNOW. Months only. `tx` is a SQL source with columns cid, d (DATE) and amount
 * of the counted orders.
 */

/** Customers per (month, stage at the month before's end, stage at this month's end) for months from ≤ m < to; rows: period_start, before_stage, stage, customers. */
export function handLifecycleSql(tx: string, from: string, to: string, activeDays: number, sleepingDays: number): string {
  return `WITH tx AS (${tx}),
cm AS (SELECT cid, CAST(date_trunc('month', d) AS DATE) AS m, max(d) AS last_d FROM tx WHERE d < DATE '${to}' GROUP BY ALL),
firsts AS (SELECT cid, min(m) AS first_m FROM cm GROUP BY cid),
months AS (SELECT CAST(range AS DATE) AS m FROM range((SELECT min(first_m) FROM firsts), DATE '${to}', INTERVAL 1 MONTH)),
grid AS (
  SELECT f.cid, f.first_m, mo.m, c.last_d
  FROM firsts f JOIN months mo ON mo.m >= f.first_m
  LEFT JOIN cm c ON c.cid = f.cid AND c.m = mo.m
),
running AS (
  SELECT *, max(last_d) OVER (PARTITION BY cid ORDER BY m ROWS UNBOUNDED PRECEDING) AS last_by_end FROM grid
),
prev AS (
  SELECT *, lag(last_by_end) OVER (PARTITION BY cid ORDER BY m) AS last_by_start FROM running
),
stages AS (
  SELECT cid, m,
    CASE
      WHEN m = first_m THEN 'new'
      WHEN last_d IS NOT NULL AND date_diff('day', last_by_start, m) > ${activeDays} THEN 'won_back'
      WHEN date_diff('day', last_by_end, CAST(m + INTERVAL 1 MONTH AS DATE)) <= ${activeDays} THEN 'active'
      WHEN date_diff('day', last_by_end, CAST(m + INTERVAL 1 MONTH AS DATE)) <= ${sleepingDays} THEN 'sleeping'
      ELSE 'churned'
    END AS stage
  FROM prev
),
moves AS (
  SELECT m, coalesce(lag(stage) OVER (PARTITION BY cid ORDER BY m), 'none') AS before_stage, stage FROM stages
)
SELECT strftime(m, '%Y-%m-%d') AS period_start, before_stage, stage, count(*) AS customers
FROM moves WHERE m >= DATE '${from}'
GROUP BY ALL ORDER BY 1, 2, 3`;
}

/**
 * Every cell (cohort month, age) of cohorts from ≤ cohort < to whose month ends on or before dataEnd (activity in
 * orders before dataEnd): cohort, age, size, active, revenue, retention (active ÷ size), revenue_retention
 * (revenue ÷ age-0 revenue, NULL when that is 0), cumulative (Σ revenue of ages 0…age ÷ size). Cells nobody bought
 * in are 0.
 */
export function handCohortSql(tx: string, from: string, to: string, dataEnd: string): string {
  return `WITH tx AS (SELECT * FROM (${tx}) WHERE d < DATE '${dataEnd}'),
firsts AS (SELECT cid, date_trunc('month', min(d)) AS cohort FROM tx GROUP BY cid HAVING cohort >= DATE '${from}' AND cohort < DATE '${to}'),
sizes AS (SELECT cohort, count(*) AS size FROM firsts GROUP BY cohort),
cells AS (SELECT cohort, size, unnest(range(0, date_diff('month', cohort, DATE '${dataEnd}'))) AS age FROM sizes),
activity AS (
  SELECT f.cohort, date_diff('month', f.cohort, date_trunc('month', t.d)) AS age, count(DISTINCT t.cid) AS active, sum(coalesce(t.amount, 0)) AS revenue
  FROM tx t JOIN firsts f USING (cid) GROUP BY ALL
),
filled AS (
  SELECT c.cohort, c.age, c.size, coalesce(a.active, 0) AS active, coalesce(a.revenue, 0) AS revenue
  FROM cells c LEFT JOIN activity a USING (cohort, age)
)
SELECT strftime(cohort, '%Y-%m-%d') AS cohort, age, size, active, revenue, active / size AS retention,
  revenue / nullif(sum(revenue) FILTER (WHERE age = 0) OVER (PARTITION BY cohort), 0) AS revenue_retention,
  sum(revenue) OVER (PARTITION BY cohort ORDER BY age) / size AS cumulative
FROM filled ORDER BY 1, 2`;
}
