/**
 * Pivot: query rows (dimensions × metrics) turned into a matrix, rows by some dimensions, columns by
 * others. Column headers are the column-dimension values (and the metric when there are several).
 */
import type { Row } from '../warehouse/port.js';
import type { QueryResult } from './run.js';
import type { ColumnMeta } from './types.js';

export interface Pivot {
  readonly rowDimensions: readonly string[];
  readonly columnDimensions: readonly string[];
  readonly columns: readonly ColumnMeta[];
  readonly rows: Row[];
}

const SEP = ' · ';

/** Pivots a result; `columnDims` must be dimensions of the query. Rows keep the query's order. */
export function pivot(result: QueryResult, columnDims: readonly string[]): Pivot {
  const dims = result.columns.filter((c) => c.kind === 'dimension');
  const values = result.columns.filter((c) => c.kind !== 'dimension' && c.kind !== 'grouping');
  for (const k of columnDims) {
    if (!dims.some((d) => d.key === k)) throw new Error(`pivot: '${k}' is not a dimension of the query (${dims.map((d) => d.key).join(', ') || 'none'})`);
  }
  const rowDims = dims.filter((d) => !columnDims.includes(d.key));
  const colKey = (r: Row) => columnDims.map((k) => String(r[k] ?? '')).join(SEP);
  const colValues: string[] = [];
  for (const r of result.rows) {
    const k = colKey(r);
    if (!colValues.includes(k)) colValues.push(k);
  }
  colValues.sort((a, b) => a.localeCompare(b, 'zh-CN', { numeric: true }));
  const columns: ColumnMeta[] = [...rowDims];
  const many = values.length > 1;
  for (const cv of colValues) {
    for (const v of values) {
      const key = many ? `${cv}${SEP}${v.key}` : cv;
      columns.push({ ...v, key, label: many ? { en: `${cv}${SEP}${v.label.en}`, zh: `${cv}${SEP}${v.label.zh}` } : { en: cv, zh: cv } });
    }
  }
  const out = new Map<string, Row>();
  for (const r of result.rows) {
    const rk = rowDims.map((d) => String(r[d.key] ?? '')).join(SEP);
    let row = out.get(rk);
    if (!row) {
      row = Object.fromEntries(rowDims.map((d) => [d.key, r[d.key] ?? null]));
      out.set(rk, row);
    }
    const cv = colKey(r);
    for (const v of values) row[many ? `${cv}${SEP}${v.key}` : cv] = r[v.key] ?? null;
  }
  return { rowDimensions: rowDims.map((d) => d.key), columnDimensions: [...columnDims], columns, rows: [...out.values()] };
}
