/**
 * The RFM statement: one DuckDB query from the orders table to one row per customer with its recency,
 * frequency, monetary value, the three scores and the segment. Values are bound parameters; the rest
 * of the text is fixed here, so nothing a caller passes becomes SQL.
 */
import type { SqlValue } from '../../warehouse/port.js';
import type { ResolvedRfmParams, Thresholds } from './params.js';

export type SegmentKey =
  | 'important_value'
  | 'important_development'
  | 'important_retention'
  | 'important_recovery'
  | 'general_value'
  | 'general_development'
  | 'general_retention'
  | 'general_recovery';

export interface SegmentDef {
  readonly key: SegmentKey;
  readonly zh: string;
  readonly en: string;
  /** High (true) or low (false) on R, F, M. */
  readonly r: boolean;
  readonly f: boolean;
  readonly m: boolean;
  readonly actionZh: string;
  readonly actionEn: string;
}

/** The eight classic segments (R, F, M each high or low), in the conventional order. */
export const SEGMENTS: readonly SegmentDef[] = [
  { key: 'important_value', zh: '重要价值客户', en: 'Important value', r: true, f: true, m: true, actionZh: '保持：VIP 专属服务与权益，避免过度打折', actionEn: 'Keep: VIP service and privileges; avoid needless discounts' },
  { key: 'important_development', zh: '重要发展客户', en: 'Important development', r: true, f: false, m: true, actionZh: '深耕：提升购买频次（会员权益、交叉销售、复购提醒）', actionEn: 'Grow: raise purchase frequency (membership, cross-sell, repurchase reminders)' },
  { key: 'important_retention', zh: '重要保持客户', en: 'Important retention', r: false, f: true, m: true, actionZh: '唤回：一对一主动联系，了解未再购买的原因', actionEn: 'Win back: contact one to one and find out why they stopped buying' },
  { key: 'important_recovery', zh: '重要挽留客户', en: 'Important recovery', r: false, f: false, m: true, actionZh: '挽留：重点挽回优惠，防止流失', actionEn: 'Retain: targeted recovery offers before they are lost' },
  { key: 'general_value', zh: '一般价值客户', en: 'General value', r: true, f: true, m: false, actionZh: '提升客单价：搭配套餐、升级推荐', actionEn: 'Raise order value: bundles and upgrades' },
  { key: 'general_development', zh: '一般发展客户', en: 'General development', r: true, f: false, m: false, actionZh: '培育：新客引导与二次购买激励', actionEn: 'Nurture: onboarding and a second-purchase incentive' },
  { key: 'general_retention', zh: '一般保持客户', en: 'General retention', r: false, f: true, m: false, actionZh: '低成本唤醒：自动化提醒与促销推送', actionEn: 'Reactivate at low cost: automated reminders and promotions' },
  { key: 'general_recovery', zh: '一般挽留客户', en: 'General recovery', r: false, f: false, m: false, actionZh: '低优先级：低成本批量触达或放弃', actionEn: 'Low priority: low-cost mass campaigns, or let go' },
];

export function segmentOf(r: boolean, f: boolean, m: boolean): SegmentDef {
  return SEGMENTS.find((s) => s.r === r && s.f === f && s.m === m)!;
}

/** Bound parameters numbered in order ($1, $2 …). */
export class Params {
  readonly values: SqlValue[] = [];
  add(v: SqlValue): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** Counted orders of known customers (the catalog's `orders`/`buying_customers` definition) in from ≤ day < asOf. */
export function countedOrdersWhere(ps: Params, from: string | null, asOf: string): string {
  return [
    'customer_id IS NOT NULL',
    '(is_anonymous IS NULL OR is_anonymous = false)',
    "(status IS NULL OR status <> 'cancelled')",
    ...(from ? [`ordered_at >= CAST(${ps.add(from)} AS DATE)`] : []),
    `ordered_at < CAST(${ps.add(asOf)} AS DATE)`,
  ].join('\n    AND ');
}

function thresholdScore(ps: Params, column: string, cuts: readonly number[], lowerIsBetter: boolean): string {
  // recency: 5 − (number of cut points the value exceeds); frequency/monetary: 1 + (number of cut points the value reaches)
  const terms = cuts.map((c) => `CAST(${column} ${lowerIsBetter ? '>' : '>='} ${ps.add(c)} AS INTEGER)`).join(' + ');
  return lowerIsBetter ? `5 - (${terms})` : `1 + (${terms})`;
}

/** The SELECT of one row per scored customer; columns customer_id, last_order_at, recency_days, frequency, monetary, r, f, m, r_high, f_high, m_high, segment. */
export function customersSelect(ps: Params, p: { asOf: string; from: string | null; scores: ResolvedRfmParams['scores']; thresholds: Thresholds | null; split: ResolvedRfmParams['split'] }): string {
  const asOfParam = ps.add(p.asOf);
  const where = countedOrdersWhere(ps, p.from, p.asOf);
  let scored: string;
  if (p.scores === 'quintiles') {
    // ntile(5) over the ordering, ties broken by customer_id; then every customer of a tie takes the
    // score of the first of them (the lowest), so equal values always share one score.
    scored = `raw_scores AS (
  SELECT *,
    ntile(5) OVER (ORDER BY recency_days DESC, customer_id) AS r_tile,
    ntile(5) OVER (ORDER BY frequency, customer_id) AS f_tile,
    ntile(5) OVER (ORDER BY monetary, customer_id) AS m_tile
  FROM rfm_values
),
scored AS (
  SELECT customer_id, last_order_at, recency_days, frequency, monetary,
    CAST(min(r_tile) OVER (PARTITION BY recency_days) AS INTEGER) AS r,
    CAST(min(f_tile) OVER (PARTITION BY frequency) AS INTEGER) AS f,
    CAST(min(m_tile) OVER (PARTITION BY monetary) AS INTEGER) AS m
  FROM raw_scores
)`;
  } else {
    const t = p.thresholds!;
    scored = `scored AS (
  SELECT customer_id, last_order_at, recency_days, frequency, monetary,
    CAST(${thresholdScore(ps, 'recency_days', t.recency, true)} AS INTEGER) AS r,
    CAST(${thresholdScore(ps, 'frequency', t.frequency, false)} AS INTEGER) AS f,
    CAST(${thresholdScore(ps, 'monetary', t.monetary, false)} AS INTEGER) AS m
  FROM rfm_values
)`;
  }
  const high =
    p.split === 'score_mean'
      ? { r: 'r > avg(r) OVER ()', f: 'f > avg(f) OVER ()', m: 'm > avg(m) OVER ()' }
      : p.split === 'value_mean'
        ? { r: 'recency_days < avg(recency_days) OVER ()', f: 'frequency > avg(frequency) OVER ()', m: 'monetary > avg(monetary) OVER ()' }
        : { r: 'r >= 3', f: 'f >= 3', m: 'm >= 3' };
  const cases = SEGMENTS.map((s) => `    WHEN ${s.r ? '' : 'NOT '}r_high AND ${s.f ? '' : 'NOT '}f_high AND ${s.m ? '' : 'NOT '}m_high THEN '${s.key}'`).join('\n');
  return `WITH rfm_values AS (
  SELECT customer_id,
    max(ordered_at) AS last_order_at,
    CAST(date_diff('day', CAST(max(ordered_at) AS DATE), CAST(${asOfParam} AS DATE)) AS INTEGER) AS recency_days,
    count(*) AS frequency,
    CAST(coalesce(sum(amount), 0) AS DECIMAL(18,2)) AS monetary
  FROM orders
  WHERE ${where}
  GROUP BY customer_id
),
${scored},
flagged AS (
  SELECT *, ${high.r} AS r_high, ${high.f} AS f_high, ${high.m} AS m_high FROM scored
)
SELECT customer_id, last_order_at, recency_days, frequency, monetary, r, f, m, r_high, f_high, m_high,
  CASE
${cases}
  END AS segment
FROM flagged`;
}

export interface BuiltSql {
  readonly sql: string;
  readonly params: SqlValue[];
}

/** Per-customer rows, ordered by segment (the conventional order) then monetary descending. */
export function customersSql(p: ResolvedRfmParams): BuiltSql {
  const ps = new Params();
  const inner = customersSelect(ps, p);
  const order = SEGMENTS.map((s, i) => `WHEN '${s.key}' THEN ${i}`).join(' ');
  return { sql: `SELECT * FROM (\n${inner}\n) rfm\nORDER BY CASE segment ${order} END, monetary DESC, customer_id`, params: ps.values };
}

/** Segment sizes, revenue and average R/F/M (values and scores); one row per segment that has customers. The sums give the averages over all customers (the split points) without a second pass. */
export function summarySql(p: ResolvedRfmParams): BuiltSql {
  const ps = new Params();
  const inner = customersSelect(ps, p);
  return {
    sql: `SELECT segment,
  count(*) AS customers,
  count(*) / sum(count(*)) OVER () AS customer_share,
  sum(monetary) AS revenue,
  CAST(sum(monetary) AS DOUBLE) / nullif(CAST(sum(sum(monetary)) OVER () AS DOUBLE), 0) AS revenue_share,
  avg(recency_days) AS avg_recency_days,
  avg(frequency) AS avg_frequency,
  CAST(avg(monetary) AS DOUBLE) AS avg_monetary,
  avg(r) AS avg_r, avg(f) AS avg_f, avg(m) AS avg_m,
  sum(r) AS sum_r, sum(f) AS sum_f, sum(m) AS sum_m, sum(recency_days) AS sum_recency_days, sum(frequency) AS sum_frequency
FROM (
${inner}
) rfm
GROUP BY segment`,
    params: ps.values,
  };
}

/** The split points: averages over all scored customers (scores and raw values). */
export function averagesSql(p: ResolvedRfmParams): BuiltSql {
  const ps = new Params();
  const inner = customersSelect(ps, p);
  return {
    sql: `SELECT count(*) AS customers, CAST(coalesce(sum(monetary), 0) AS DOUBLE) AS revenue,
  avg(r) AS avg_r, avg(f) AS avg_f, avg(m) AS avg_m,
  avg(recency_days) AS avg_recency_days, avg(frequency) AS avg_frequency, CAST(avg(monetary) AS DOUBLE) AS avg_monetary
FROM (
${inner}
) rfm`,
    params: ps.values,
  };
}

/** Customer counts per (segment at compareAsOf, segment at asOf); a customer with no counted order in one window is 'none' there. */
export function movementSql(p: ResolvedRfmParams): BuiltSql {
  const ps = new Params();
  const before = customersSelect(ps, { ...p, asOf: p.compareAsOf! });
  const after = customersSelect(ps, p);
  return {
    sql: `SELECT coalesce(b.segment, 'none') AS from_segment, coalesce(a.segment, 'none') AS to_segment, count(*) AS customers
FROM (
${before}
) b
FULL OUTER JOIN (
${after}
) a ON a.customer_id = b.customer_id
GROUP BY ALL`,
    params: ps.values,
  };
}

/** Replaces the stored result of one as-of date (run inside a transaction, after DELETE … WHERE as_of = …). */
export function insertSql(p: ResolvedRfmParams): BuiltSql {
  const ps = new Params();
  const inner = customersSelect(ps, p);
  const asOf = ps.add(p.asOf);
  const from = ps.add(p.from);
  const method = ps.add(p.scores);
  return {
    sql: `INSERT INTO tm_rfm (customer_id, as_of, window_from, recency_days, frequency, monetary, r, f, m, segment, scores, computed_at)
SELECT customer_id, CAST(${asOf} AS DATE), CAST(${from} AS DATE), recency_days, frequency, monetary, r, f, m, segment, ${method}, CAST(now() AS TIMESTAMP)
FROM (
${inner}
) rfm`,
    params: ps.values,
  };
}
