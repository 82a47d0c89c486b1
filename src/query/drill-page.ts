/**
 * Drill-through a page at a time: the rows (or customers) behind one number, as `tidemark drill` selects them
 * (compileDrillThrough), with a total count, a sort on one of the result's own columns, and limit/offset. Source rows
 * that lead to a customer carry the customer's name and phone, read from `customers` like any other table (so a
 * connection whose `customers` masks them yields them masked).
 */
import { MODEL } from '../metrics/model.js';
import type { Catalog } from '../metrics/types.js';
import { ENTITIES } from '../schema/entities.js';
import { quoteIdentDouble } from '../sql/dialect.js';
import type { Row, SqlValue, Warehouse } from '../warehouse/port.js';
import { compileDrillThrough } from './compile.js';
import { checkMembershipFilters, warehouseToday } from './run.js';
import { QueryError, type Query } from './types.js';

export const DRILL_DEFAULT_PAGE = 50;
export const DRILL_MAX_PAGE = 500;

export interface DrillPageRequest {
  /** One metric, with the cell's dimension values and the query's own filters as filters, and its period. */
  readonly query: Query;
  readonly mode?: 'rows' | 'customers';
  readonly limit?: number;
  readonly offset?: number;
  readonly sort?: { readonly key: string; readonly desc?: boolean };
}

export interface DrillPage {
  readonly metric: string;
  readonly mode: 'rows' | 'customers';
  /** The source table the rows come from (customers in customers mode). */
  readonly source: string | null;
  readonly columns: { readonly name: string; readonly type: string }[];
  readonly rows: Row[];
  /** All rows behind the number (every page). */
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
  /** The order the pages follow: the requested column, then the source's natural key. */
  readonly sort: { key: string; desc: boolean }[];
  readonly sql: string;
  readonly params: SqlValue[];
}

const CUSTOMER_COLUMNS = [
  { name: 'customer_name', from: 'name' },
  { name: 'customer_phone', from: 'phone' },
] as const;

function sourceOf(names: readonly string[]): { table: string; key: readonly string[] } | undefined {
  const set = new Set(names);
  for (const t of MODEL.values()) {
    if (t.query || t.columns.size !== set.size || ![...t.columns.keys()].every((c) => set.has(c))) continue;
    const key = ENTITIES.find((e) => e.name === t.name)?.key ?? [];
    return { table: t.name, key };
  }
  return undefined;
}

export async function drillPage(wh: Warehouse, catalog: Catalog, req: DrillPageRequest): Promise<DrillPage> {
  const mode = req.mode ?? 'rows';
  const limit = req.limit ?? DRILL_DEFAULT_PAGE;
  const offset = req.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > DRILL_MAX_PAGE) throw new QueryError([{ code: 'invalid_limit', field: 'limit', message: `limit: a page has 1 to ${DRILL_MAX_PAGE} rows` }]);
  if (!Number.isInteger(offset) || offset < 0) throw new QueryError([{ code: 'invalid_offset', field: 'offset', message: 'offset: a whole number ≥ 0' }]);
  const q = req.query;
  const today = q.asOf ?? (await warehouseToday(wh));
  const compiled = compileDrillThrough(catalog, q, { today, mode });
  await checkMembershipFilters(wh, catalog, q);

  const shape = await wh.query(`SELECT * FROM (${compiled.sql}) AS d LIMIT 0`, compiled.params);
  const own = shape.columns.map((c) => ({ name: c.name, type: c.type }));
  const src = sourceOf(own.map((c) => c.name));
  const withCustomer = mode === 'rows' && src?.table !== 'customers' && own.some((c) => c.name === 'customer_id') && !own.some((c) => CUSTOMER_COLUMNS.some((x) => x.name === c.name));
  const columns = withCustomer ? [...own, ...CUSTOMER_COLUMNS.map((c) => ({ name: c.name, type: 'VARCHAR' }))] : own;

  // Identifiers come from the result's own columns (the schema), never from the request.
  const ref = (name: string) => {
    const x = CUSTOMER_COLUMNS.find((c) => c.name === name);
    return withCustomer && x ? `c.${quoteIdentDouble(x.from)}` : `d.${quoteIdentDouble(name)}`;
  };
  const sortable = columns.filter((c) => c.name !== 'extra').map((c) => c.name);
  const order: { key: string; desc: boolean }[] = [];
  if (req.sort) {
    if (!sortable.includes(req.sort.key)) throw new QueryError([{ code: 'invalid_sort', field: 'sort.key', message: `sort.key: '${req.sort.key}' is not a column of the drill-through; columns: ${sortable.join(', ')}` }]);
    order.push({ key: req.sort.key, desc: req.sort.desc === true });
  }
  const tiebreak = src?.key.length ? src.key : sortable;
  for (const k of tiebreak) if (!order.some((o) => o.key === k) && sortable.includes(k)) order.push({ key: k, desc: false });

  const n = compiled.params.length;
  const sql =
    `SELECT d.*${withCustomer ? `, ${CUSTOMER_COLUMNS.map((c) => `c.${quoteIdentDouble(c.from)} AS ${quoteIdentDouble(c.name)}`).join(', ')}` : ''}\n` +
    `FROM (${compiled.sql}) AS d${withCustomer ? '\nLEFT JOIN customers AS c ON c.customer_id = d.customer_id' : ''}\n` +
    `ORDER BY ${order.map((o) => `${ref(o.key)}${o.desc ? ' DESC' : ''} NULLS LAST`).join(', ')}\n` +
    `LIMIT $${n + 1} OFFSET $${n + 2}`;
  const params: SqlValue[] = [...compiled.params, limit, offset];
  const page = await wh.query(sql, params);
  const count = await wh.query(`SELECT count(*) AS n FROM (${compiled.sql}) AS d`, compiled.params);
  return {
    metric: q.metrics[0] ?? '',
    mode,
    source: src?.table ?? null,
    columns,
    rows: page.rows,
    total: Number(count.rows[0]?.n ?? 0),
    limit,
    offset,
    sort: order,
    sql,
    params,
  };
}
