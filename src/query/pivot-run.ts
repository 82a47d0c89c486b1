/**
 * A pivot table with totals: metrics by row dimensions × column dimensions, plus a total per row (across the columns),
 * per column (across the rows) and overall. Totals are recomputed by the catalog, never summed, so ratios such as
 * aov or repurchase_rate are right in the margins: one query at the full grain, one by the row dimensions and one by
 * the column dimensions (with a grand-total row).
 */
import type { Catalog } from '../metrics/types.js';
import type { Row, SqlValue, Warehouse } from '../warehouse/port.js';
import { findByName } from './compile.js';
import { pivot } from './pivot.js';
import { runQuery, warehouseToday, type QueryResult } from './run.js';
import { QueryError, type ColumnMeta, type Filter, type SortKey } from './types.js';

export interface PivotRequest {
  readonly metrics: readonly string[];
  /** Dimensions down the side. */
  readonly rows: readonly string[];
  /** Dimensions across the top (at least one). */
  readonly columns: readonly string[];
  readonly filters?: readonly Filter[];
  readonly from?: string;
  readonly to?: string;
  readonly asOf?: string;
  readonly sort?: readonly SortKey[];
  /** At most this many rows of the full-grain query (before pivoting). */
  readonly limit?: number;
  /** Row, column and grand totals (default true). */
  readonly totals?: boolean;
}

export interface PivotTable {
  readonly rowDimensions: readonly string[];
  readonly columnDimensions: readonly string[];
  readonly columns: readonly ColumnMeta[];
  readonly rows: Row[];
  /** The column totals and the grand total, keyed like the rows; null without totals. */
  readonly totals: Row | null;
  /** Every statement that ran, in order: full grain, by rows, by columns. */
  readonly queries: { readonly sql: string; readonly params: SqlValue[] }[];
  readonly ms: number;
}

const SEP = ' · ';
export const TOTAL_KEY = '_total';
const TOTAL_LABEL = { en: 'Total', zh: '合计' };

export async function runPivot(wh: Warehouse, catalog: Catalog, req: PivotRequest): Promise<PivotTable> {
  const t0 = performance.now();
  const issues: { code: string; field: string; message: string }[] = [];
  if (req.columns.length === 0) issues.push({ code: 'no_column_dimensions', field: 'columns', message: 'columns: name at least one dimension to spread across the top' });
  const canon = (name: string) => findByName(catalog.dimensions, name)?.key ?? name;
  const rowKeys = req.rows.map(canon);
  const colKeys = req.columns.map(canon);
  for (const [i, k] of colKeys.entries()) if (rowKeys.includes(k)) issues.push({ code: 'dimension_twice', field: `columns[${i}]`, message: `columns[${i}]: ${k} is already a row dimension` });
  if (issues.length) throw new QueryError(issues);
  // Compiler issues name `dimensions[i]`; the request calls them rows[i] / columns[j].
  const rename = (f: string) =>
    f.replace(/^dimensions\[(\d+)\]/, (_, i: string) => (Number(i) < rowKeys.length ? `rows[${i}]` : `columns[${Number(i) - rowKeys.length}]`));
  const run = async (dimensions: readonly string[], extra: { sort?: readonly SortKey[]; limit?: number; totals?: boolean }, today: string): Promise<QueryResult> => {
    try {
      return await runQuery(
        wh,
        catalog,
        {
          metrics: req.metrics,
          ...(dimensions.length ? { dimensions } : {}),
          ...(req.filters?.length ? { filters: req.filters } : {}),
          ...(req.from ? { from: req.from } : {}),
          ...(req.to ? { to: req.to } : {}),
          ...(req.asOf ? { asOf: req.asOf } : {}),
          ...extra,
        },
        { today },
      );
    } catch (e) {
      if (e instanceof QueryError) throw new QueryError(e.issues.map((x) => ({ ...x, field: rename(x.field) })));
      throw e;
    }
  };
  const today = req.asOf ?? (await warehouseToday(wh));
  const full = await run([...rowKeys, ...colKeys], { ...(req.sort?.length ? { sort: req.sort } : {}), ...(req.limit ? { limit: req.limit } : {}) }, today);
  const p = pivot(full, colKeys);
  const queries = [{ sql: full.sql, params: full.params }];
  if (req.totals === false) return { ...p, totals: null, queries, ms: performance.now() - t0 };

  const values = full.columns.filter((c) => c.kind !== 'dimension' && c.kind !== 'grouping');
  const many = values.length > 1;
  const detail = (r: QueryResult) => {
    const g = r.columns.find((c) => c.kind === 'grouping')?.key;
    return { rows: r.rows.filter((x) => !g || Number(x[g]) === 0), total: g ? r.rows.find((x) => Number(x[g]) !== 0) : undefined };
  };
  const keyOf = (r: Row, keys: readonly string[]) => keys.map((k) => String(r[k] ?? '')).join(SEP);

  // Row totals: one query by the row dimensions (without any: the grand total is the only row).
  const byRows = await run(rowKeys, {}, today);
  queries.push({ sql: byRows.sql, params: byRows.params });
  const rowTotals = new Map(detail(byRows).rows.map((r) => [keyOf(r, rowKeys), r]));
  const totalCols: ColumnMeta[] = values.map((v) => ({ ...v, key: many ? `${TOTAL_KEY}${SEP}${v.key}` : TOTAL_KEY, label: many ? { en: `${TOTAL_LABEL.en}${SEP}${v.label.en}`, zh: `${TOTAL_LABEL.zh}${SEP}${v.label.zh}` } : TOTAL_LABEL }));
  for (const row of p.rows) {
    const t = rowTotals.get(keyOf(row, rowKeys));
    for (const [i, v] of values.entries()) row[totalCols[i]!.key] = t?.[v.key] ?? null;
  }

  // Column totals and the grand total: one query by the column dimensions with a total row.
  const byCols = await run(colKeys, { totals: true }, today);
  queries.push({ sql: byCols.sql, params: byCols.params });
  const cols = detail(byCols);
  const totals: Row = Object.fromEntries(rowKeys.map((k) => [k, null]));
  for (const r of cols.rows) {
    const cv = keyOf(r, colKeys);
    for (const v of values) totals[many ? `${cv}${SEP}${v.key}` : cv] = r[v.key] ?? null;
  }
  const grand = rowKeys.length ? cols.total : detail(byRows).rows[0];
  for (const [i, v] of values.entries()) totals[totalCols[i]!.key] = grand?.[v.key] ?? null;
  return { ...p, columns: [...p.columns, ...totalCols], totals, queries, ms: performance.now() - t0 };
}
