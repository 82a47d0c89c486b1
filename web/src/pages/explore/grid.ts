/**
 * One table model for both answers the page asks for (pure): POST /api/query (rows only, with compare) and
 * POST /api/pivot (rows × columns). Each value column knows its metric and the column-dimension values it stands
 * for, so a click on any number can be drilled through to the records behind it.
 */

export type Row = Record<string, unknown>;
export interface Label {
  readonly en: string;
  readonly zh: string;
}

export interface GridColumn {
  readonly key: string;
  readonly kind: 'dimension' | 'metric' | 'previous' | 'change';
  readonly label: Label;
  readonly unit?: string;
  readonly metric?: string;
  /** Pivot value columns: the column dimensions' values this column stands for. */
  readonly colValues?: Readonly<Record<string, string>>;
  /** A row-total column (across the column dimensions). */
  readonly isTotal?: boolean;
}

export interface Grid {
  readonly mode: 'query' | 'pivot';
  readonly rowDims: readonly string[];
  readonly colDims: readonly string[];
  readonly columns: readonly GridColumn[];
  readonly rows: readonly Row[];
  /** Column totals (and the grand total); null when none. */
  readonly totals: Row | null;
  readonly queries: readonly { readonly sql: string; readonly params: readonly unknown[] }[];
}

/** A number of the grid: its metric and every dimension value that defines it (rows, columns). */
export interface Cell {
  readonly metric: string;
  readonly dims: Readonly<Record<string, string>>;
  readonly value: unknown;
  readonly unit?: string;
}

interface ApiColumn {
  readonly key: string;
  readonly kind: string;
  readonly label: Label;
  readonly [k: string]: unknown;
}

const SEP = ' · ';
const TOTAL = '_total';

function col(c: ApiColumn): Omit<GridColumn, 'kind'> & { kind: string } {
  return { key: c.key, kind: c.kind, label: c.label, ...(typeof c.unit === 'string' ? { unit: c.unit } : {}), ...(typeof c.metric === 'string' ? { metric: c.metric } : {}) };
}

export function gridOfQuery(r: { columns: readonly ApiColumn[]; rows: readonly Row[]; sql: string; params: readonly unknown[] }): Grid {
  const g = r.columns.find((c) => c.kind === 'grouping')?.key;
  const columns = r.columns.filter((c) => c.kind !== 'grouping').map((c) => col(c) as GridColumn);
  const detail = r.rows.filter((x) => !g || Number(x[g]) === 0);
  const total = g ? (r.rows.find((x) => Number(x[g]) !== 0) ?? null) : null;
  const rowDims = columns.filter((c) => c.kind === 'dimension').map((c) => c.key);
  return { mode: 'query', rowDims, colDims: [], columns, rows: detail, totals: rowDims.length ? total : null, queries: [{ sql: r.sql, params: r.params }] };
}

export function gridOfPivot(
  r: { rowDimensions: readonly string[]; columnDimensions: readonly string[]; columns: readonly ApiColumn[]; rows: readonly Row[]; totals: Row | null; queries: readonly { sql: string; params: readonly unknown[] }[] },
  metrics: readonly string[],
): Grid {
  const many = metrics.length > 1;
  const columns: GridColumn[] = r.columns.map((c) => {
    const base = col(c);
    if (c.kind === 'dimension') return base as GridColumn;
    const metric = base.metric ?? metrics[0];
    let cv = c.key;
    if (many && metric && cv.endsWith(`${SEP}${metric}`)) cv = cv.slice(0, -(SEP.length + metric.length));
    const isTotal = cv === TOTAL;
    const parts = cv.split(SEP);
    const colValues = isTotal ? {} : Object.fromEntries(r.columnDimensions.map((d, i) => [d, parts[i] ?? '']));
    return { ...base, kind: 'metric', ...(metric ? { metric } : {}), colValues, ...(isTotal ? { isTotal } : {}) } as GridColumn;
  });
  return { mode: 'pivot', rowDims: r.rowDimensions, colDims: r.columnDimensions, columns, rows: r.rows, totals: r.totals, queries: r.queries };
}

/** The cell behind a number of the table (undefined for a column that is not a metric, e.g. a compare %). */
export function cellOf(g: Grid, row: Row | null, c: GridColumn): Cell | undefined {
  if (c.kind !== 'metric' || !c.metric) return undefined;
  const dims: Record<string, string> = {};
  if (row) for (const d of g.rowDims) if (row[d] !== null && row[d] !== undefined) dims[d] = String(row[d]);
  for (const [d, v] of Object.entries(c.colValues ?? {})) dims[d] = v;
  return { metric: c.metric, dims, value: row ? row[c.key] : g.totals?.[c.key], ...(c.unit ? { unit: c.unit } : {}) };
}

/** Is the grid empty (no rows with any value)? */
export function isEmptyGrid(g: Grid): boolean {
  if (g.rows.length === 0) return true;
  const values = g.columns.filter((c) => c.kind === 'metric');
  return !g.rows.some((r) => values.some((c) => r[c.key] !== null && r[c.key] !== undefined));
}

/** Sorts rows by a column (numbers numerically, text in zh-CN order, empty last), as the table shows them. */
export function sortRows(rows: readonly Row[], key: string | undefined, desc: boolean): Row[] {
  if (!key) return [...rows];
  const cmp = (a: unknown, b: unknown): number => {
    if (a === b) return 0;
    if (a === null || a === undefined) return 1;
    if (b === null || b === undefined) return -1;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return String(a).localeCompare(String(b), 'zh-CN', { numeric: true });
  };
  return [...rows].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    if (x === null || x === undefined || y === null || y === undefined) return cmp(x, y);
    return (desc ? -1 : 1) * cmp(x, y);
  });
}
