/**
 * The lifecycle statements. One CTE chain from the orders table: counted orders → per customer and period
 * the last order day (ASOF join onto the period boundaries) → per such row the previous and next period
 * with an order → one row per customer and period from there until the next order (the stage can only
 * change by the passing of time in between) → the stage at each period end and at the end before.
 * Values are bound parameters; the rest of the text is fixed here.
 */
import { CUSTOMER_ORDER } from '../../metrics/catalog/define.js';
import type { SqlValue } from '../../warehouse/port.js';
import type { ResolvedLifecycleParams } from './params.js';

export type StageKey = 'new' | 'active' | 'won_back' | 'sleeping' | 'churned';

export interface StageDef {
  readonly key: StageKey;
  readonly zh: string;
  readonly en: string;
}

/** The five stages, in this order everywhere (tables, matrices, JSON). */
export const STAGES: readonly StageDef[] = [
  { key: 'new', zh: '新客', en: 'New' },
  { key: 'active', zh: '活跃', en: 'Active' },
  { key: 'won_back', zh: '回流', en: 'Won back' },
  { key: 'sleeping', zh: '沉睡', en: 'Sleeping' },
  { key: 'churned', zh: '流失', en: 'Churned' },
];

/** The "before" state of a customer with no counted order yet. */
export const NONE = { key: 'none', zh: '未购买', en: 'No order yet' } as const;

export interface BuiltSql {
  readonly sql: string;
  readonly params: SqlValue[];
}

class Params {
  readonly values: SqlValue[] = [];
  add(v: SqlValue): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/**
 * The shared CTEs: bounds(p, s, e), seg(customer_id, p, last_d, prev_p, prev_d, next_p, own_stage) and
 * grid(customer_id, q, s, e, p, last_d, prev_p, prev_d, next_p, own_stage, prev_own_stage), where grid has one
 * row per customer and period q ≥ firstQ from their first order on.
 */
function ctes(ps: Params, p: ResolvedLifecycleParams, firstQ = 1): string {
  const b = p.bounds;
  const rows = b.slice(0, -1).map((s, i) => `(${i}, CAST(${ps.add(s)} AS DATE), CAST(${ps.add(b[i + 1]!)} AS DATE))`);
  const last = ps.add(b[b.length - 1]!);
  const active = ps.add(p.activeDays);
  const sleeping = ps.add(p.sleepingDays);
  const n = b.length - 1; // periods 0 … n-1
  // The stage by recency alone (no order in the period): days from the last order day to the period end.
  const byRecency = (lastDay: string, end: string) =>
    `CASE WHEN date_diff('day', ${lastDay}, ${end}) <= ${active} THEN 'active' WHEN date_diff('day', ${lastDay}, ${end}) <= ${sleeping} THEN 'sleeping' ELSE 'churned' END`;
  return `WITH bounds AS (
  SELECT * FROM (VALUES ${rows.join(', ')}) b(p, s, e)
),
counted AS (
  SELECT customer_id, CAST(ordered_at AS DATE) AS d
  FROM orders
  WHERE ${CUSTOMER_ORDER} AND ordered_at < CAST(${last} AS DATE)
),
cp AS (
  SELECT c.customer_id, coalesce(b.p, -1) AS p, max(c.d) AS last_d
  FROM counted c ASOF LEFT JOIN bounds b ON c.d >= b.s
  GROUP BY ALL
),
seg0 AS (
  SELECT customer_id, p, last_d,
    lag(p) OVER w AS prev_p, lag(last_d) OVER w AS prev_d, lead(p) OVER w AS next_p
  FROM cp
  WINDOW w AS (PARTITION BY customer_id ORDER BY p)
),
seg1 AS (
  SELECT seg0.*,
    CASE WHEN prev_p IS NULL THEN 'new' WHEN date_diff('day', prev_d, b.s) > ${active} THEN 'won_back' ELSE 'active' END AS own_stage
  FROM seg0 LEFT JOIN bounds b ON b.p = seg0.p
),
seg AS (
  SELECT *, lag(own_stage) OVER (PARTITION BY customer_id ORDER BY p) AS prev_own_stage FROM seg1
),
grid AS (
  SELECT g.*, b.s, b.e,
    CASE WHEN g.q = g.p THEN g.own_stage ELSE ${byRecency('g.last_d', 'b.e')} END AS stage,
    CASE
      WHEN g.q = g.p AND g.prev_p IS NULL THEN 'none'
      WHEN g.q = g.p AND g.prev_p = g.q - 1 THEN g.prev_own_stage
      WHEN g.q = g.p THEN ${byRecency('g.prev_d', 'b.s')}
      WHEN g.q - 1 = g.p THEN g.own_stage
      ELSE ${byRecency('g.last_d', 'b.s')}
    END AS before_stage
  FROM (SELECT *, unnest(range(greatest(p, ${firstQ}), coalesce(next_p, ${n}))) AS q FROM seg) g
  JOIN bounds b ON b.p = g.q
)`;
}

/** Customers per (period, stage before, stage at the end); 'none' = no counted order before the period. */
export function transitionsSql(p: ResolvedLifecycleParams): BuiltSql {
  const ps = new Params();
  const w = ctes(ps, p);
  return { sql: `${w}\nSELECT q AS period_index, strftime(s, '%Y-%m-%d') AS period_start, before_stage, stage, count(*) AS customers\nFROM grid\nGROUP BY ALL\nORDER BY period_index, before_stage, stage`, params: ps.values };
}

/** The stage of every customer with a counted order before the last boundary, at that boundary (the as-of date). */
export function customersSelect(ps: Params, p: ResolvedLifecycleParams): string {
  const last = p.bounds.length - 2;
  const w = ctes(ps, p, last);
  return `${w}
SELECT g.customer_id, g.stage, g.before_stage, f.first_d AS first_order_date, g.last_d AS last_order_date, date_diff('day', g.last_d, g.e) AS recency_days
FROM grid g
JOIN (SELECT customer_id, min(d) AS first_d FROM counted GROUP BY customer_id) f ON f.customer_id = g.customer_id
WHERE g.q = ${last}`;
}

export function customersSql(p: ResolvedLifecycleParams): BuiltSql {
  const ps = new Params();
  const inner = customersSelect(ps, p);
  const order = STAGES.map((s, i) => `WHEN '${s.key}' THEN ${i}`).join(' ');
  return { sql: `SELECT * FROM (\n${inner}\n) lc\nORDER BY CASE stage ${order} END, customer_id`, params: ps.values };
}

/** Replaces the stored stages of one as-of date (run inside a transaction, after DELETE … WHERE as_of = …). */
export function insertSql(p: ResolvedLifecycleParams): BuiltSql {
  const ps = new Params();
  const inner = customersSelect(ps, p);
  const asOf = ps.add(p.bounds[p.bounds.length - 1]!);
  const period = ps.add(p.period);
  const active = ps.add(p.activeDays);
  const sleeping = ps.add(p.sleepingDays);
  return {
    sql: `INSERT INTO tm_lifecycle (customer_id, as_of, stage, first_order_date, last_order_date, recency_days, period, active_days, sleeping_days, computed_at)
SELECT customer_id, CAST(${asOf} AS DATE), stage, first_order_date, last_order_date, recency_days, ${period}, ${active}, ${sleeping}, CAST(now() AS TIMESTAMP)
FROM (
${inner}
) lc`,
    params: ps.values,
  };
}
