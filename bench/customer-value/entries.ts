/**
 * The analyses bench/customer-value compares: each entry runs Tidemark's runner and a hand-written DuckDB query
 * for the same outputs, both reduced to rows keyed by `key` (compared column by column, numbers within 1e-9
 * relative). The hand SQL is written from the definitions in each module's doc, not from the generated SQL
 * (lifecycle and cohorts: lifecycle-hand.ts). To add an analysis, add one entry.
 */
import { runCohorts } from '../../src/analyses/cohorts/index.js';
import { runLifecycle } from '../../src/analyses/lifecycle/index.js';
import { runMatrix } from '../../src/analyses/matrix/index.js';
import { runRfm } from '../../src/analyses/rfm/index.js';
import { runTiers } from '../../src/analyses/tiers/index.js';
import type { Row, Warehouse } from '../../src/warehouse/index.js';
import { handCohortSql, handLifecycleSql } from './lifecycle-hand.js';

export interface BenchContext {
  /** YYYY-MM-DD: every analysis runs as of this day over all history before it. */
  readonly asOf: string;
}

export interface Entry {
  readonly name: string;
  /** The column that identifies a row (segment, tier, type …). */
  readonly key: string;
  tidemark(wh: Warehouse, ctx: BenchContext): Promise<Row[]>;
  hand(wh: Warehouse, ctx: BenchContext): Promise<Row[]>;
}

/** Counted orders before the as-of day, as an analyst writes it. */
const counted = (asOf: string) => `SELECT customer_id, ordered_at, coalesce(amount, 0) AS amount FROM orders
  WHERE customer_id IS NOT NULL AND NOT coalesce(is_anonymous, false) AND coalesce(status, '') <> 'cancelled'
    AND ordered_at < DATE '${asOf}'`;

const rows = async (wh: Warehouse, sql: string) => (await wh.query(sql)).rows;

/** The monthly analyses run over whole months: up to the start of the month holding the as-of day. */
const monthOf = (day: string) => `${day.slice(0, 7)}-01`;
/** The counted orders as lifecycle-hand.ts reads them (cid, d, amount). */
const tx = (asOf: string) => `SELECT customer_id AS cid, CAST(ordered_at AS DATE) AS d, amount FROM (${counted(asOf)})`;
/** The month of the first counted order: all history starts there (the runners look it up too). */
async function firstMonth(wh: Warehouse, asOf: string): Promise<string> {
  return String((await rows(wh, `SELECT strftime(date_trunc('month', min(ordered_at)), '%Y-%m-%d') AS m FROM (${counted(asOf)})`))[0]!.m);
}

export const ENTRIES: readonly Entry[] = [
  {
    name: 'rfm',
    key: 'segment',
    async tidemark(wh, { asOf }) {
      const r = await runRfm(wh, { asOf });
      return r.segments
        .filter((s) => s.customers > 0)
        .map((s) => ({ segment: s.segment, customers: s.customers, revenue: s.revenue, revenue_share: s.revenueShare, avg_recency: s.avgRecencyDays, avg_frequency: s.avgFrequency, avg_monetary: s.avgMonetary, avg_r: s.avgR, avg_f: s.avgF, avg_m: s.avgM, mean_r: r.averages.r, mean_f: r.averages.f, mean_m: r.averages.m }));
    },
    // Quintile scores with ntile, every tie taking its lowest tile; high = score above the mean score.
    hand: (wh, { asOf }) =>
      rows(
        wh,
        `WITH c AS (
  SELECT customer_id, DATE '${asOf}' - max(ordered_at)::DATE AS recency, count(*) AS frequency, sum(amount)::DECIMAL(18,2) AS monetary
  FROM (${counted(asOf)}) o GROUP BY customer_id
), tiles AS (
  SELECT *, ntile(5) OVER (ORDER BY recency DESC, customer_id) AS rt, ntile(5) OVER (ORDER BY frequency, customer_id) AS ft, ntile(5) OVER (ORDER BY monetary, customer_id) AS mt FROM c
), s AS (
  SELECT *, min(rt) OVER (PARTITION BY recency) AS r, min(ft) OVER (PARTITION BY frequency) AS f, min(mt) OVER (PARTITION BY monetary) AS m FROM tiles
), hl AS (
  SELECT *, avg(r) OVER () AS mean_r, avg(f) OVER () AS mean_f, avg(m) OVER () AS mean_m FROM s
), seg AS (
  SELECT *, CASE (r > mean_r)::INT * 4 + (f > mean_f)::INT * 2 + (m > mean_m)::INT
    WHEN 7 THEN 'important_value' WHEN 5 THEN 'important_development' WHEN 3 THEN 'important_retention' WHEN 1 THEN 'important_recovery'
    WHEN 6 THEN 'general_value' WHEN 4 THEN 'general_development' WHEN 2 THEN 'general_retention' ELSE 'general_recovery' END AS segment
  FROM hl
)
SELECT segment, count(*) AS customers, sum(monetary) AS revenue, sum(monetary)::DOUBLE / sum(sum(monetary)) OVER () AS revenue_share,
  avg(recency) AS avg_recency, avg(frequency) AS avg_frequency, avg(monetary)::DOUBLE AS avg_monetary, avg(r) AS avg_r, avg(f) AS avg_f, avg(m) AS avg_m,
  any_value(mean_r) AS mean_r, any_value(mean_f) AS mean_f, any_value(mean_m) AS mean_m
FROM seg GROUP BY segment`,
      ),
  },
  {
    name: 'tiers',
    key: 'tier',
    async tidemark(wh, { asOf }) {
      const r = await runTiers(wh, { asOf });
      return r.tiers
        .filter((t) => t.customers > 0)
        .map((t) => ({ tier: t.tier, customers: t.customers, revenue: t.revenue, orders: t.orders, avg_repurchase: t.avgRepurchaseRate, active_share: t.activeShare, median_days: t.medianDaysSinceLast, latest: t.latestOrderDate }));
    },
    // Repurchase = months bought in after the first purchase month ÷ months after it up to the window's last day.
    hand: (wh, { asOf }) =>
      rows(
        wh,
        `WITH c AS (
  SELECT customer_id, sum(amount) AS spend, count(*) AS n, min(ordered_at) AS first_at, max(ordered_at) AS last_at,
    count(DISTINCT year(ordered_at) * 12 + month(ordered_at)) AS months
  FROM (${counted(asOf)}) o GROUP BY customer_id
), r AS (
  SELECT *, DATE '${asOf}' - last_at::DATE AS days,
    (year(DATE '${asOf}' - 1) * 12 + month(DATE '${asOf}' - 1)) - (year(first_at) * 12 + month(first_at)) AS later
  FROM c
), t AS (
  SELECT *, CASE
      WHEN spend >= 300000 AND rep >= 0.6 THEN 'high'
      WHEN spend >= 100000 AND spend < 300000 AND rep >= 0.3 AND rep < 0.6 THEN 'potential'
      ELSE 'low' END AS tier
  FROM (SELECT *, CASE WHEN later = 0 THEN 0 ELSE (months - 1) / later END AS rep FROM r)
)
SELECT tier, count(*) AS customers, sum(spend) AS revenue, sum(n) AS orders, avg(rep) AS avg_repurchase, avg((days <= 90)::INT) AS active_share,
  median(days) AS median_days, strftime(max(last_at), '%Y-%m-%d') AS latest
FROM t GROUP BY tier`,
      ),
  },
  {
    name: 'matrix',
    key: 'value_type',
    async tidemark(wh, { asOf }) {
      const r = await runMatrix(wh, { asOf });
      return r.types
        .filter((t) => t.customers > 0)
        .map((t) => ({ value_type: t.valueType, customers: t.customers, revenue: t.revenue, avg_aov: t.avgAov, avg_frequency: t.avgFrequency, active_share: t.activeShare, median_days: t.medianDaysSinceLast, aov_threshold: r.thresholds.aov, frequency_threshold: r.thresholds.frequency }));
    },
    // Medians over customers; high = above the median.
    hand: (wh, { asOf }) =>
      rows(
        wh,
        `WITH c AS (
  SELECT customer_id, sum(amount) AS spend, count(*) AS n, sum(amount)::DOUBLE / count(*) AS aov, DATE '${asOf}' - max(ordered_at)::DATE AS days
  FROM (${counted(asOf)}) o GROUP BY customer_id
), med AS (SELECT median(aov) AS aov_threshold, median(n) AS frequency_threshold FROM c)
SELECT CASE WHEN aov > aov_threshold THEN (CASE WHEN n > frequency_threshold THEN 'quality' ELSE 'spender' END)
            ELSE (CASE WHEN n > frequency_threshold THEN 'frequent' ELSE 'uncertain' END) END AS value_type,
  count(*) AS customers, sum(spend) AS revenue, avg(aov) AS avg_aov, avg(n) AS avg_frequency, avg((days <= 90)::INT) AS active_share,
  median(days) AS median_days, any_value(aov_threshold) AS aov_threshold, any_value(frequency_threshold) AS frequency_threshold
FROM c, med GROUP BY 1`,
      ),
  },
  {
    name: 'lifecycle',
    key: 'cell',
    // Every non-zero transition cell: customers per (month, stage at the month before's end, stage at this month's end).
    async tidemark(wh, { asOf }) {
      const r = await runLifecycle(wh, { to: monthOf(asOf) });
      const out: Row[] = [];
      for (const p of r.periods) p.transitions.forEach((row, i) => row.forEach((n, j) => n && out.push({ cell: `${p.start} ${r.labels[i]}→${r.labels[j]}`, customers: n })));
      return out;
    },
    // A dense customer × month grid with window functions (lifecycle-hand.ts), 90/180 days as the runner's defaults.
    async hand(wh, { asOf }) {
      const sql = handLifecycleSql(tx(asOf), await firstMonth(wh, asOf), monthOf(asOf), 90, 180);
      return (await rows(wh, sql)).map((h) => ({ cell: `${String(h.period_start)} ${String(h.before_stage)}→${String(h.stage)}`, customers: h.customers }));
    },
  },
  {
    name: 'cohorts',
    key: 'cell',
    // Every cell (cohort month, age) up to the last complete month, empty ones included.
    async tidemark(wh, { asOf }) {
      const r = await runCohorts(wh, { asOf });
      const out: Row[] = [];
      for (const c of r.cohorts) {
        c.activeCustomers.forEach((active, age) => {
          if (active === null) return;
          out.push({ cell: `${c.cohort} ${age}`, size: c.customers, active, revenue: c.revenue[age] ?? null, retention: c.retention[age] ?? null, revenue_retention: c.revenueRetention[age] ?? null, cumulative: c.cumulativeRevenuePerCustomer[age] ?? null });
        });
      }
      return out;
    },
    // One GROUP BY per cell with count(DISTINCT customer) over the orders joined to their first month (lifecycle-hand.ts).
    async hand(wh, { asOf }) {
      const end = monthOf(asOf);
      const sql = handCohortSql(tx(asOf), await firstMonth(wh, asOf), end, end);
      return (await rows(wh, sql)).map((h) => ({ cell: `${String(h.cohort)} ${String(h.age)}`, size: h.size, active: h.active, revenue: h.revenue, retention: h.retention, revenue_retention: h.revenue_retention, cumulative: h.cumulative }));
    },
  },
];
