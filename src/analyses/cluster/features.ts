/**
 * The behavioural features of each customer, computed in DuckDB (one statement, values bound as
 * parameters), read into column arrays, then transformed and z-scored into the row-major matrix k-means runs on.
 * Definitions are in index.ts.
 */
import type { SqlValue, Warehouse } from '../../warehouse/port.js';
import type { ResolvedClusterParams } from './params.js';

export type FeatureKind = 'recency' | 'frequency' | 'monetary' | 'tenure' | 'interactions' | 'service' | 'category';

export interface FeatureDef {
  /** Column name: recency_days, frequency, …, or share_1 … share_N, share_other for the category mix. */
  readonly key: string;
  readonly kind: FeatureKind;
  /** The category of a share column ('other' for the pool of the rest and uncategorised lines). */
  readonly category?: string;
  /** log1p before z-scoring (heavy-tailed counts and amounts). */
  readonly log: boolean;
}

export interface FeatureTable {
  readonly customerIds: string[];
  readonly defs: readonly FeatureDef[];
  /** Raw values, one array per feature (same order as defs). */
  readonly columns: Float64Array[];
  /** The statements that ran: the base features, then the category mix (when there are order lines). */
  readonly sql: { base: string; mix?: string };
  readonly params: { base: SqlValue[]; mix?: SqlValue[] };
  /** The categories with their own share, by spend descending; null when the window has no order lines. */
  readonly categories: readonly string[];
}

class Params {
  readonly values: SqlValue[] = [];
  add(v: SqlValue): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** The RFM/catalog counted-order predicate on `orders`, in from ≤ day < asOf (from omitted: all history). */
function countedWhere(ps: Params, from: string | null, asOf: string): string {
  return [
    'customer_id IS NOT NULL',
    '(is_anonymous IS NULL OR is_anonymous = false)',
    "(status IS NULL OR status <> 'cancelled')",
    ...(from ? [`ordered_at >= CAST(${ps.add(from)} AS DATE)`] : []),
    `ordered_at < CAST(${ps.add(asOf)} AS DATE)`,
  ].join(' AND ');
}

function windowWhere(ps: Params, column: string, from: string | null, asOf: string): string {
  return [`customer_id IS NOT NULL`, ...(from ? [`${column} >= CAST(${ps.add(from)} AS DATE)`] : []), `${column} < CAST(${ps.add(asOf)} AS DATE)`].join(' AND ');
}

// Line spend: the line amount, else quantity × unit price; negative lines (returns, corrections) count 0.
const LINE_SPEND = 'greatest(coalesce(i.amount, i.quantity * i.unit_price, 0), 0)';

/** The top-level categories by line spend of counted orders in the window, at most `top`. */
export function categoriesSql(p: Pick<ResolvedClusterParams, 'from' | 'asOf' | 'topCategories'>): { sql: string; params: SqlValue[] } {
  const ps = new Params();
  const where = countedWhere(ps, p.from, p.asOf);
  const limit = ps.add(p.topCategories);
  return {
    sql: `SELECT p.category_l1 AS category, sum(${LINE_SPEND}) AS spend
FROM order_items i
JOIN (SELECT order_id FROM orders WHERE ${where}) o ON o.order_id = i.order_id
LEFT JOIN products p ON p.product_id = i.product_id
WHERE p.category_l1 IS NOT NULL
GROUP BY p.category_l1
ORDER BY spend DESC, category
LIMIT ${limit}`,
    params: ps.values,
  };
}

/** The per-customer base features: recency, frequency, monetary, tenure, interactions, service contacts. */
export function baseSql(p: Pick<ResolvedClusterParams, 'from' | 'asOf'>): { sql: string; params: SqlValue[] } {
  const ps = new Params();
  const asOf = ps.add(p.asOf);
  const counted = countedWhere(ps, p.from, p.asOf);
  const ever = countedWhere(ps, null, p.asOf);
  const inter = windowWhere(ps, 'occurred_at', p.from, p.asOf);
  const tickets = windowWhere(ps, 'opened_at', p.from, p.asOf);
  return {
    sql: `WITH base AS (
  SELECT customer_id,
    CAST(date_diff('day', CAST(max(ordered_at) AS DATE), CAST(${asOf} AS DATE)) AS DOUBLE) AS recency_days,
    CAST(count(*) AS DOUBLE) AS frequency,
    CAST(coalesce(sum(amount), 0) AS DOUBLE) AS monetary
  FROM orders WHERE ${counted} GROUP BY customer_id
),
first_order AS (
  SELECT customer_id, CAST(min(ordered_at) AS DATE) AS first_day FROM orders WHERE ${ever} GROUP BY customer_id
),
inter AS (
  SELECT customer_id, count(*) AS n FROM interactions WHERE ${inter} GROUP BY customer_id
),
tickets AS (
  SELECT customer_id, count(*) AS n FROM service_tickets WHERE ${tickets} GROUP BY customer_id
)
SELECT b.customer_id, b.recency_days, b.frequency, b.monetary,
  CAST(date_diff('day',
    CASE WHEN cu.registered_at IS NOT NULL AND CAST(cu.registered_at AS DATE) < f.first_day THEN CAST(cu.registered_at AS DATE) ELSE f.first_day END,
    CAST(${asOf} AS DATE)) AS DOUBLE) AS tenure_days,
  CAST(coalesce(it.n, 0) AS DOUBLE) AS interactions,
  CAST(coalesce(tk.n, 0) AS DOUBLE) AS service_contacts
FROM base b
JOIN first_order f ON f.customer_id = b.customer_id
LEFT JOIN customers cu ON cu.customer_id = b.customer_id
LEFT JOIN inter it ON it.customer_id = b.customer_id
LEFT JOIN tickets tk ON tk.customer_id = b.customer_id
ORDER BY b.customer_id`,
    params: ps.values,
  };
}

/**
 * The category mix of the customers with order lines: share_1 … share_N of their line spend in the given
 * categories, share_other for the rest (when withOther). Customers without lines (or without line spend) are absent.
 */
export function mixSql(p: Pick<ResolvedClusterParams, 'from' | 'asOf'>, categories: readonly string[], withOther: boolean): { sql: string; params: SqlValue[] } {
  const ps = new Params();
  const counted = countedWhere(ps, p.from, p.asOf);
  // each product's category as its position in the list (−1: other), so the pivot compares integers
  const cases = categories.map((c, i) => `WHEN category_l1 = ${ps.add(c)} THEN ${i}`).join(' ');
  const shares = categories.map((_, i) => `CAST(sum(CASE WHEN cat = ${i} THEN spend ELSE 0 END) / sum(spend) AS DOUBLE) AS share_${i + 1}`);
  if (withOther) shares.push(`CAST(sum(CASE WHEN cat = -1 THEN spend ELSE 0 END) / sum(spend) AS DOUBLE) AS share_other`);
  return {
    sql: `WITH pc AS (
  SELECT product_id, ${categories.length ? `CASE ${cases} ELSE -1 END` : '-1'} AS cat FROM products
),
lines AS (
  SELECT o.customer_id, coalesce(pc.cat, -1) AS cat, ${LINE_SPEND} AS spend
  FROM order_items i
  JOIN (SELECT order_id, customer_id FROM orders WHERE ${counted}) o ON o.order_id = i.order_id
  LEFT JOIN pc ON pc.product_id = i.product_id
)
SELECT customer_id, ${shares.join(',\n  ')}
FROM lines
GROUP BY customer_id
HAVING sum(spend) > 0
ORDER BY customer_id`,
    params: ps.values,
  };
}

/** Reads the features of every customer with a counted order in the window, in customer_id order. */
export async function extractFeatures(wh: Warehouse, p: ResolvedClusterParams): Promise<FeatureTable> {
  const hasItems = Number((await wh.query('SELECT count(*) AS n FROM (SELECT 1 FROM order_items LIMIT 1)')).rows[0]?.n ?? 0) > 0;
  let categories: string[] = [];
  let withOther = false;
  if (hasItems && p.topCategories > 0) {
    const c = categoriesSql(p);
    categories = (await wh.query(c.sql, c.params)).rows.map((r) => String(r.category));
    // 'other' pools the categories beyond the top ones and the lines without a category
    const more = await wh.query(
      `SELECT count(*) AS n FROM (SELECT 1 FROM order_items i LEFT JOIN products pr ON pr.product_id = i.product_id
        WHERE pr.category_l1 IS NULL ${categories.length ? `OR pr.category_l1 NOT IN (${categories.map((_, i) => `$${i + 1}`).join(', ')})` : ''} LIMIT 1)`,
      categories,
    );
    withOther = Number(more.rows[0]?.n ?? 0) > 0;
  }
  const defs: FeatureDef[] = [
    { key: 'recency_days', kind: 'recency', log: false },
    { key: 'frequency', kind: 'frequency', log: true },
    { key: 'monetary', kind: 'monetary', log: true },
    { key: 'tenure_days', kind: 'tenure', log: false },
    { key: 'interactions', kind: 'interactions', log: true },
    { key: 'service_contacts', kind: 'service', log: true },
  ];
  const nBase = defs.length;
  const withShares = hasItems && (categories.length > 0 || withOther);
  if (withShares) {
    categories.forEach((c, i) => defs.push({ key: `share_${i + 1}`, kind: 'category', category: c, log: false }));
    if (withOther) defs.push({ key: 'share_other', kind: 'category', category: 'other', log: false });
  }
  const q = baseSql(p);
  const ids: string[] = [];
  let cap = 1 << 16;
  let cols = defs.map(() => new Float64Array(cap));
  let n = 0;
  for await (const batch of wh.stream(q.sql, q.params)) {
    if (n + batch.length > cap) {
      while (n + batch.length > cap) cap *= 2;
      cols = cols.map((c) => {
        const g = new Float64Array(cap);
        g.set(c.subarray(0, n));
        return g;
      });
    }
    for (const r of batch) {
      ids.push(String(r.customer_id));
      for (let f = 0; f < nBase; f++) cols[f]![n] = Number(r[defs[f]!.key] ?? 0);
      n++;
    }
  }
  let mix: { sql: string; params: SqlValue[] } | undefined;
  if (withShares) {
    // A second statement, merged by customer_id (both sorted the same way): the line join has the memory to itself.
    const m = mixSql(p, categories, withOther);
    mix = m;
    let i = 0;
    for await (const batch of wh.stream(m.sql, m.params)) {
      for (const r of batch) {
        const id = String(r.customer_id);
        while (i < n && ids[i] !== id) i++;
        if (i === n) throw new Error(`cluster features: customer ${id} has order lines but no counted order`);
        for (let f = nBase; f < defs.length; f++) cols[f]![i] = Number(r[defs[f]!.key] ?? 0);
      }
    }
  }
  return { customerIds: ids, defs, columns: cols.map((c) => c.slice(0, n)), sql: { base: q.sql, ...(mix ? { mix: mix.sql } : {}) }, params: { base: q.params, ...(mix ? { mix: mix.params } : {}) }, categories };
}

export interface Standardised {
  /** Row-major n × d matrix of z-scores of the features that vary. */
  readonly X: Float64Array;
  readonly n: number;
  readonly d: number;
  /** Indices (into the feature table) of the columns in X. */
  readonly used: number[];
  /** Features left out because every customer has the same value (they cannot tell clusters apart). */
  readonly constant: number[];
  /** Mean and population standard deviation of each used column after the log1p transform. */
  readonly mean: number[];
  readonly std: number[];
}

/** log1p where the feature says so (negative values count 0), then z = (x − mean) / std with the population std. */
export function standardise(t: Pick<FeatureTable, 'defs' | 'columns'>): Standardised {
  const n = t.columns[0]?.length ?? 0;
  const transformed = t.columns.map((c, f) => (t.defs[f]!.log ? c.map((v) => Math.log1p(v > 0 ? v : 0)) : c));
  const used: number[] = [];
  const constant: number[] = [];
  const mean: number[] = [];
  const std: number[] = [];
  transformed.forEach((c, f) => {
    let m = 0;
    for (let i = 0; i < n; i++) m += c[i] as number;
    m /= n || 1;
    let v = 0;
    for (let i = 0; i < n; i++) {
      const x = (c[i] as number) - m;
      v += x * x;
    }
    const s = Math.sqrt(v / (n || 1));
    // relative to the scale of the values, so rounding noise in a constant column does not count as spread
    if (!(s > 1e-12 * Math.max(1, Math.abs(m)))) constant.push(f);
    else {
      used.push(f);
      mean.push(m);
      std.push(s);
    }
  });
  const d = used.length;
  // shared, so k-means worker threads can read it without a copy
  const X = new Float64Array(new SharedArrayBuffer(n * d * 8));
  used.forEach((f, u) => {
    const c = transformed[f]!;
    const m = mean[u]!;
    const s = std[u]!;
    for (let i = 0; i < n; i++) X[i * d + u] = ((c[i] as number) - m) / s;
  });
  return { X, n, d, used, constant, mean, std };
}
