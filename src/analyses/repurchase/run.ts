import { CUSTOMER_ORDER } from '../../metrics/catalog/define.js';
import type { Catalog } from '../../metrics/types.js';
import { runQuery, type QueryResult } from '../../query/run.js';
import type { Query } from '../../query/types.js';
import type { Row, SqlValue, Warehouse } from '../../warehouse/port.js';
import { RepurchaseError, resolveRepurchaseParams, validateRepurchaseParams, type RepurchaseParams, type ResolvedRepurchaseParams } from './params.js';
import { bucketName, INTERVAL_BUCKETS, remindersSql, statsSql } from './query.js';

/** The catalog metrics the headline and the per-category/product tables show (one definition each, in src/metrics/catalog). */
export const HEADLINE_METRICS = ['orders', 'buying_customers', 'repeat_customers', 'repurchase_rate'] as const;
export const PRODUCT_METRICS = ['item_buyers', 'product_repeat_buyers', 'product_repurchase_rate'] as const;

export interface IntervalBucket {
  readonly bucket: string;
  readonly low: number;
  readonly high: number | null;
  readonly intervals: number;
  /** intervals ÷ all intervals (0 when there are none) */
  readonly share: number;
}

export interface IntervalDistribution {
  /** Intervals between consecutive purchase days (a customer with k purchase days has k − 1). */
  readonly intervals: number;
  /** Buying customers (a counted order in the window). */
  readonly customers: number;
  /** Customers with at least 2 purchase days (so at least one interval). */
  readonly customersWithInterval: number;
  readonly meanDays: number | null;
  readonly p25Days: number | null;
  readonly medianDays: number | null;
  readonly p75Days: number | null;
  readonly p90Days: number | null;
  readonly histogram: IntervalBucket[];
}

export interface Reminder {
  readonly customer_id: string;
  readonly name: string | null;
  /** Unmasked here; shown masked where the query path masks personal data. */
  readonly phone: string | null;
  readonly orders: number;
  readonly purchase_days: number;
  readonly last_order_date: string;
  readonly usual_interval_days: number;
  readonly due_after_days: number;
  readonly days_since_last_order: number;
  readonly days_overdue: number;
  readonly top_category: string | null;
  readonly monetary: number;
}

export interface Reminders {
  /** Customers with at least minPurchases purchase days (they have a usual interval). */
  readonly eligible: number;
  /** Of those, how many are overdue (all of them, not only the rows carried). */
  readonly overdue: number;
  /** The most overdue first, at most reminderLimit rows. */
  readonly rows: Reminder[];
}

export interface CatalogTable {
  readonly query: Query;
  readonly columns: QueryResult['columns'];
  readonly rows: Row[];
  readonly sql: string;
  readonly params: SqlValue[];
}

export interface RepurchaseResult {
  readonly params: ResolvedRepurchaseParams;
  /** Catalog metrics over the window: orders, buying_customers, repeat_customers, repurchase_rate. */
  readonly headline: { orders: number; buyingCustomers: number; repeatCustomers: number; repurchaseRate: number | null };
  readonly intervals: IntervalDistribution;
  /** Catalog metrics item_buyers, product_repeat_buyers, product_repurchase_rate by category, then by product (top productLimit by buyers). */
  readonly categories: CatalogTable;
  readonly products: CatalogTable;
  readonly reminders?: Reminders;
  /** The SQL that ran, with its bound parameters (the catalog tables carry their own). */
  readonly sql: { headline: string; intervals: string; reminders?: string };
  readonly sqlParams: { headline: SqlValue[]; intervals: SqlValue[]; reminders?: SqlValue[] };
  readonly ms: number;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Validates, fills the defaults from the data (first/last counted order) and checks the window has a counted order. Throws RepurchaseError. */
export async function prepareRepurchase(wh: Warehouse, params: RepurchaseParams): Promise<ResolvedRepurchaseParams> {
  const issues = validateRepurchaseParams(params);
  if (issues.length) throw new RepurchaseError(issues);
  const r = (await wh.query(`SELECT strftime(min(ordered_at), '%Y-%m-%d') AS first, strftime(max(ordered_at), '%Y-%m-%d') AS last FROM orders WHERE ${CUSTOMER_ORDER}`)).rows[0];
  const first = typeof r?.first === 'string' ? r.first : null;
  const last = typeof r?.last === 'string' ? r.last : null;
  if (!first || !last) throw new RepurchaseError([{ code: 'empty_window', field: 'from', message: 'no counted orders of known customers in this warehouse: nothing to analyse' }]);
  const p = resolveRepurchaseParams(params, first, last);
  if (p.from > p.to) {
    if (params.from) throw new RepurchaseError([{ code: 'from_after_to', field: 'from', message: `from: ${p.from} is after the last day of the window ${p.to} (the data runs ${first} … ${last})` }]);
    throw new RepurchaseError([{ code: 'empty_window', field: params.asOf ? 'asOf' : 'to', message: `no counted orders of known customers up to ${p.to}: nothing to analyse (the data runs ${first} … ${last})` }]);
  }
  const n = (await wh.query(`SELECT count(*) AS n FROM orders WHERE ${CUSTOMER_ORDER} AND ordered_at >= CAST($1 AS DATE) AND ordered_at < CAST($2 AS DATE)`, [p.from, p.asOf])).rows[0]?.n;
  if (Number(n ?? 0) === 0) {
    throw new RepurchaseError([{ code: 'empty_window', field: params.from ? 'from' : params.asOf ? 'asOf' : 'to', message: `no counted orders of known customers from ${p.from} to ${p.to}: nothing to analyse (the data runs ${first} … ${last})` }]);
  }
  return p;
}

async function catalogTable(wh: Warehouse, catalog: Catalog, q: Query, today: string): Promise<CatalogTable> {
  const r = await runQuery(wh, catalog, q, { today });
  return { query: r.query, columns: r.columns, rows: r.rows, sql: r.sql, params: r.params };
}

export async function runRepurchase(wh: Warehouse, catalog: Catalog, params: RepurchaseParams, opts: { reminders?: boolean } = {}): Promise<RepurchaseResult> {
  const p = await prepareRepurchase(wh, params);
  const t0 = performance.now();
  const period = { from: p.from, to: p.to };
  const head = await runQuery(wh, catalog, { metrics: [...HEADLINE_METRICS], ...period }, { today: p.asOf });
  const h = head.rows[0] ?? {};
  const categories = await catalogTable(wh, catalog, { metrics: [...PRODUCT_METRICS], dimensions: ['category'], ...period, sort: [{ key: 'item_buyers', desc: true }, { key: 'category' }] }, p.asOf);
  const products = await catalogTable(wh, catalog, { metrics: [...PRODUCT_METRICS], dimensions: ['product'], ...period, sort: [{ key: 'item_buyers', desc: true }, { key: 'product' }], limit: p.productLimit }, p.asOf);

  const st = statsSql(p, { reminders: opts.reminders === true });
  const s = (await wh.query(st.sql, st.params)).rows[0] ?? {};
  const total = Number(s.intervals ?? 0);
  const histogram = INTERVAL_BUCKETS.map((b, i): IntervalBucket => {
    const n = Number(s[`b${i}`] ?? 0);
    return { bucket: bucketName(b), low: b[0], high: b[1], intervals: n, share: total ? n / total : 0 };
  });

  let reminders: Reminders | undefined;
  let rem: ReturnType<typeof remindersSql> | undefined;
  if (opts.reminders) {
    rem = remindersSql(p, { limit: p.reminderLimit });
    const rows = (await wh.query(rem.sql, rem.params)).rows.map(
      (r): Reminder => ({
        customer_id: String(r.customer_id),
        name: r.name === null || r.name === undefined ? null : String(r.name),
        phone: r.phone === null || r.phone === undefined ? null : String(r.phone),
        orders: Number(r.orders),
        purchase_days: Number(r.purchase_days),
        last_order_date: String(r.last_order_date),
        usual_interval_days: Number(r.usual_interval_days),
        due_after_days: Number(r.due_after_days),
        days_since_last_order: Number(r.days_since_last_order),
        days_overdue: Number(r.days_overdue),
        top_category: r.top_category === null || r.top_category === undefined ? null : String(r.top_category),
        monetary: Number(r.monetary),
      }),
    );
    reminders = { eligible: Number(s.eligible ?? 0), overdue: Number(s.overdue ?? 0), rows };
  }
  return {
    params: p,
    headline: { orders: Number(h.orders ?? 0), buyingCustomers: Number(h.buying_customers ?? 0), repeatCustomers: Number(h.repeat_customers ?? 0), repurchaseRate: num(h.repurchase_rate) },
    intervals: {
      intervals: total,
      customers: Number(s.customers ?? 0),
      customersWithInterval: Number(s.customers_with_interval ?? 0),
      meanDays: num(s.mean_days),
      p25Days: num(s.p25_days),
      medianDays: num(s.median_days),
      p75Days: num(s.p75_days),
      p90Days: num(s.p90_days),
      histogram,
    },
    categories,
    products,
    ...(reminders ? { reminders } : {}),
    sql: { headline: head.sql, intervals: st.sql, ...(rem ? { reminders: rem.sql } : {}) },
    sqlParams: { headline: head.params, intervals: st.params, ...(rem ? { reminders: rem.params } : {}) },
    ms: performance.now() - t0,
  };
}
