/**
 * The customer list: search, sort and page over the `customers` table of the connection it is given (through the
 * API, the access gate's scoped and masked view). Orders, revenue and first/last order come from the model's
 * customer_stats (the catalog's counted-order rule: cancelled orders never count); the RFM segment and value tier
 * from the latest stored results, as the catalog's rfm_segment and value_tier dimensions read them.
 *
 * Search is a case-insensitive substring match on customer id, name, phone and email, bound as a parameter with
 * LIKE's wildcards escaped. It matches the values the connection holds: for a masked caller those are the masked
 * values, so a search can never confirm a personal value the caller may not see (13812345678 finds nothing,
 * 138 or 5678 finds 138****5678).
 */
import { MODEL } from '../metrics/model.js';
import { duckdb } from '../sql/duckdb.js';
import { bin, col, type Expr } from '../sql/ast.js';
import { render } from '../sql/render.js';
import type { Row, SqlValue, Warehouse } from '../warehouse/port.js';

/** Sort keys of the list and the expression each sorts by (identifiers fixed here, never from the request). */
export const CUSTOMER_SORTS = {
  id: 'c.customer_id',
  name: 'c.name',
  province: 'c.province',
  city: 'c.city',
  orders: 's.lifetime_orders',
  revenue: 's.lifetime_revenue',
  first_order: 's.first_order_at',
  last_order: 's.last_order_at',
} as const;
export type CustomerSortKey = keyof typeof CUSTOMER_SORTS;

export interface CustomerSort {
  readonly key: CustomerSortKey;
  readonly desc: boolean;
}

/** `revenue`, `-revenue` (descending); undefined when the key is not a sort key. */
export function parseCustomerSort(text: string): CustomerSort | undefined {
  const desc = text.startsWith('-');
  const key = desc ? text.slice(1) : text;
  return Object.hasOwn(CUSTOMER_SORTS, key) ? { key: key as CustomerSortKey, desc } : undefined;
}

export interface CustomerListOptions {
  readonly search?: string;
  readonly sort?: CustomerSort;
  /** Undefined: all rows (exports). */
  readonly limit?: number;
  readonly offset?: number;
  /** Only customers who have not withdrawn marketing consent (campaign target lists). */
  readonly consentedOnly?: boolean;
}

export interface BuiltSql {
  readonly sql: string;
  readonly params: SqlValue[];
}

/** LIKE pattern for a substring: `\`, `%` and `_` in the text match themselves (ESCAPE '\'). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** A derived model table; with `only`, restricted to the customers of that CTE before it aggregates. */
function derived(name: string, only?: string): string {
  const q = MODEL.get(name)!.query!;
  if (!only) return render(q, duckdb).sql;
  const inPage: Expr = { k: 'inSub', e: col('customer_id'), query: { select: [{ expr: col('customer_id'), as: 'customer_id' }], from: { k: 'table', name: only, as: only } } };
  return render({ ...q, where: q.where ? bin('AND', q.where, inPage) : inPage }, duckdb).sql;
}

function where(opts: CustomerListOptions, params: SqlValue[]): string {
  const conds: string[] = [];
  if (opts.search !== undefined && opts.search.trim() !== '') {
    params.push(containsPattern(opts.search.trim()));
    const p = `$${params.length}`;
    conds.push(`(${['c.customer_id', 'c.name', 'c.phone', 'c.email'].map((x) => `${x} ILIKE ${p} ESCAPE '\\'`).join(' OR ')})`);
  }
  if (opts.consentedOnly) conds.push('c.marketing_consent IS DISTINCT FROM false');
  return conds.length ? `WHERE ${conds.join(' AND ')}` : '';
}

const OWN_COLUMNS: ReadonlySet<CustomerSortKey> = new Set(['id', 'name', 'province', 'city']);

const SELECT_LIST = `SELECT c.customer_id, c.name, c.phone, c.email, c.province, c.city, c.owner_employee_id AS owner, e.name AS owner_name, c.kind,
  c.member_tier, r.segment AS rfm_segment, t.tier AS value_tier,
  CAST(s.first_order_at AS VARCHAR) AS first_order_at, CAST(s.last_order_at AS VARCHAR) AS last_order_at,
  CAST(coalesce(s.lifetime_orders, 0) AS INTEGER) AS orders, CAST(coalesce(s.lifetime_revenue, 0) AS DECIMAL(18,2)) AS revenue`;

const JOINS = `LEFT JOIN customer_stats s ON s.customer_id = c.customer_id
LEFT JOIN customer_rfm r ON r.customer_id = c.customer_id
LEFT JOIN customer_tier t ON t.customer_id = c.customer_id
LEFT JOIN employees e ON e.employee_id = c.owner_employee_id`;

/**
 * The list's SELECT: one row per customer, columns in export order. A page sorted by the customer's own columns is
 * cut first and only its customers' orders are aggregated (a page of a million customers stays cheap); a sort by
 * orders, revenue or order dates needs them all.
 */
export function customerListSql(opts: CustomerListOptions = {}): BuiltSql {
  const params: SqlValue[] = [];
  const sort = opts.sort ?? { key: 'id', desc: false };
  const order = `${CUSTOMER_SORTS[sort.key]} ${sort.desc ? 'DESC' : 'ASC'} NULLS LAST${sort.key === 'id' ? '' : ', c.customer_id'}`;
  const w = where(opts, params);
  let page = '';
  if (opts.limit !== undefined) {
    params.push(Math.max(0, Math.floor(opts.limit)));
    page += ` LIMIT $${params.length}`;
  }
  if (opts.offset) {
    params.push(Math.max(0, Math.floor(opts.offset)));
    page += ` OFFSET $${params.length}`;
  }
  const others = `customer_rfm AS (${derived('customer_rfm')}), customer_tier AS (${derived('customer_tier')})`;
  if (page && OWN_COLUMNS.has(sort.key)) {
    return {
      sql: `WITH tm_page AS (SELECT * FROM customers c ${w} ORDER BY ${order}${page}),\ncustomer_stats AS (${derived('customer_stats', 'tm_page')}), ${others}\n${SELECT_LIST}\nFROM tm_page c\n${JOINS}\nORDER BY ${order}`,
      params,
    };
  }
  return { sql: `WITH customer_stats AS (${derived('customer_stats')}), ${others}\n${SELECT_LIST}\nFROM customers c\n${JOINS}\n${w}\nORDER BY ${order}${page}`, params };
}

/** How many customers the search matches (and, with consentedOnly, how many of them may be contacted). */
export function customerCountSql(opts: Pick<CustomerListOptions, 'search' | 'consentedOnly'> = {}): BuiltSql {
  const params: SqlValue[] = [];
  const w = where(opts, params);
  return { sql: `SELECT count(*) AS n FROM customers c ${w}`, params };
}

export interface CustomerListItem {
  readonly id: string;
  readonly name: string | null;
  readonly phone: string | null;
  readonly email: string | null;
  readonly province: string | null;
  readonly city: string | null;
  readonly owner: string | null;
  readonly ownerName: string | null;
  readonly kind: string | null;
  readonly memberTier: string | null;
  readonly rfmSegment: string | null;
  readonly valueTier: string | null;
  readonly firstOrderAt: string | null;
  readonly lastOrderAt: string | null;
  readonly orders: number;
  readonly revenue: number;
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function item(r: Row): CustomerListItem {
  return {
    id: String(r.customer_id),
    name: str(r.name),
    phone: str(r.phone),
    email: str(r.email),
    province: str(r.province),
    city: str(r.city),
    owner: str(r.owner),
    ownerName: str(r.owner_name),
    kind: str(r.kind),
    memberTier: str(r.member_tier),
    rfmSegment: str(r.rfm_segment),
    valueTier: str(r.value_tier),
    firstOrderAt: str(r.first_order_at)?.slice(0, 19) ?? null,
    lastOrderAt: str(r.last_order_at)?.slice(0, 19) ?? null,
    orders: Number(r.orders ?? 0),
    revenue: Number(r.revenue ?? 0),
  };
}

export interface CustomerList {
  readonly total: number;
  readonly customers: readonly CustomerListItem[];
}

export async function listCustomers(wh: Warehouse, opts: CustomerListOptions): Promise<CustomerList> {
  const count = customerCountSql(opts);
  const total = Number((await wh.query(count.sql, count.params)).rows[0]?.n ?? 0);
  const q = customerListSql(opts);
  const rows = total === 0 ? [] : (await wh.query(q.sql, q.params)).rows;
  return { total, customers: rows.map(item) };
}
