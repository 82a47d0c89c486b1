import type { Catalog } from '../metrics/types.js';
import type { Dialect } from '../sql/dialect.js';
import { metricRefs, parseFormula } from '../metrics/formula.js';
import { warehouseTimeZone } from '../warehouse/duckdb.js';
import type { Row, SqlValue, Warehouse } from '../warehouse/port.js';
import { compileQuery, findByName, membershipOf } from './compile.js';
import { bucketLabel, GRAINS, type Grain } from './time.js';
import { QueryError, type ColumnMeta, type Query } from './types.js';

/** The answer to a query, with the SQL that produced it (PostHog-style: the response carries the SQL it ran). */
export interface QueryResult {
  readonly query: Query;
  readonly columns: readonly ColumnMeta[];
  readonly rows: Row[];
  readonly sql: string;
  readonly params: SqlValue[];
  readonly ms: number;
}

/** Today's date (YYYY-MM-DD) in a time zone. */
export function todayIn(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export async function warehouseToday(wh: Warehouse): Promise<string> {
  return todayIn(await warehouseTimeZone(wh));
}

function toNumber(v: unknown): unknown {
  if (typeof v === 'string' && v !== '' && /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(v)) return Number(v);
  return v;
}

/** Query rows as JS values: numbers as numbers, time buckets as their labels (2024-03, 2024-Q1…). */
export function shapeRows(rows: Row[], columns: readonly ColumnMeta[]): Row[] {
  for (const r of rows) {
    for (const c of columns) {
      const v = r[c.key];
      if (c.kind === 'dimension') {
        if (c.grain && (GRAINS as readonly string[]).includes(c.grain) && typeof v === 'string') r[c.key] = bucketLabel(c.grain as Grain, v);
        else if (typeof v === 'bigint') r[c.key] = Number(v);
      } else r[c.key] = toNumber(typeof v === 'bigint' ? Number(v) : v);
    }
  }
  return rows;
}

/** When a query has look-back metrics but no period, the period is the span of the data (first to last order). */
async function fillPeriod(wh: Warehouse, catalog: Catalog, q: Query): Promise<Query> {
  if (q.from && q.to) return q;
  const lookback = q.metrics.some((name) => {
    const visit = (k: string): boolean => {
      const m = findByName(catalog.metrics, k);
      if (!m) return false;
      if (m.lookbackDays !== undefined) return true;
      return m.formula ? metricRefs(parseFormula(m.formula)).some(visit) : false;
    };
    return visit(name);
  });
  if (!lookback) return q;
  const r = (await wh.query(`SELECT strftime(min(ordered_at), '%Y-%m-%d') AS a, strftime(max(ordered_at), '%Y-%m-%d') AS b FROM orders`)).rows[0];
  const a = typeof r?.a === 'string' ? r.a : undefined;
  const b = typeof r?.b === 'string' ? r.b : undefined;
  return { ...q, ...(q.from ? {} : a ? { from: a } : {}), ...(q.to ? {} : b ? { to: b } : {}) };
}

/** Tables of stored analysis results that catalog dimensions read, and what to say when a warehouse has none yet. */
const SAVED_RESULTS: Readonly<Record<string, { code: string; message: string }>> = {
  tm_rfm: { code: 'no_rfm_results', message: 'rfm_segment: this warehouse has no stored RFM results; run `tidemark rfm --save` first' },
  tm_lifecycle: { code: 'no_lifecycle_results', message: 'lifecycle_stage: this warehouse has no stored lifecycle stages; run `tidemark lifecycle --save` first' },
  tm_tiers: { code: 'no_tier_results', message: 'value_tier: this warehouse has no stored value tiers; run `tidemark tiers --save` first' },
  tm_cluster: { code: 'no_cluster_results', message: 'cluster: this warehouse has no stored clustering; run `tidemark cluster --save` first' },
  tm_matrix: { code: 'no_matrix_results', message: 'value_type: this warehouse has no stored value matrix; run `tidemark matrix --save` first' },
};
const MEMBERSHIP_WORD: Record<string, string> = { tm_segments: 'saved segments (`tidemark segment save`)', tm_tags: 'tags (`tidemark tags define`)' };

function missingTable(e: unknown): QueryError | undefined {
  const m = e instanceof Error ? /Table with name (tm_segments|tm_segment_members|tm_tags|tm_customer_tags) does not exist/.exec(e.message) : null;
  if (!m) return undefined;
  const word = m[1]!.startsWith('tm_segment') ? MEMBERSHIP_WORD.tm_segments : MEMBERSHIP_WORD.tm_tags;
  return new QueryError([{ code: 'no_memberships', field: 'filters', message: `this warehouse has no ${word} yet; create one first` }]);
}

/** Segment and tag filters must name existing keys: an unknown one is a mistake, not an empty answer. */
export async function checkMembershipFilters(wh: Warehouse, catalog: Catalog, q: Query): Promise<void> {
  const issues: { code: string; field: string; message: string }[] = [];
  for (const [i, f] of (Array.isArray(q.filters) ? q.filters : []).entries()) {
    const d = typeof f?.dimension === 'string' ? findByName(catalog.dimensions, f.dimension) : undefined;
    const mem = d ? membershipOf(d) : undefined;
    if (!d || !mem || !Array.isArray(f.values) || f.values.length === 0) continue;
    const keys = (f.values as readonly unknown[]).map((v) => String(v));
    const known = await wh.query(`SELECT ${mem.key} AS k FROM ${mem.catalog} WHERE ${mem.key} IN (${keys.map((_, j) => `$${j + 1}`).join(', ')})`, keys).catch((e: unknown) => {
      throw missingTable(e) ?? e;
    });
    const have = new Set(known.rows.map((r) => String(r.k)));
    const missing = keys.filter((k) => !have.has(k));
    if (missing.length) issues.push({ code: `unknown_${d.key}`, field: `filters[${i}].values`, message: `${d.key}: unknown ${missing.map((k) => `'${k}'`).join(', ')}; see \`tidemark ${d.key === 'tag' ? 'tags' : 'segment'} list\`` });
  }
  if (issues.length) throw new QueryError(issues);
}

export async function runQuery(wh: Warehouse, catalog: Catalog, query: Query, opts: { today?: string; dialect?: Dialect } = {}): Promise<QueryResult> {
  const today = opts.today ?? (await warehouseToday(wh));
  const q = await fillPeriod(wh, catalog, query);
  const compiled = compileQuery(catalog, q, { today, ...(opts.dialect ? { dialect: opts.dialect } : {}) });
  await checkMembershipFilters(wh, catalog, q);
  const t0 = performance.now();
  const res = await wh.query(compiled.sql, compiled.params).catch((e: unknown) => {
    // A warehouse created before an analysis's results existed, opened read-only: its table is created on the next read-write open.
    const missing = e instanceof Error ? /Table with name (tm_\w+) does not exist/.exec(e.message)?.[1] : undefined;
    const saved = missing ? SAVED_RESULTS[missing] : undefined;
    if (saved) throw new QueryError([{ code: saved.code, field: 'dimensions', message: saved.message }]);
    throw missingTable(e) ?? e;
  });
  const ms = performance.now() - t0;
  let rows = shapeRows(res.rows, compiled.columns);
  if (compiled.limitInJs !== undefined && compiled.groupingColumn) {
    const g = compiled.groupingColumn;
    const detail = rows.filter((r) => Number(r[g]) === 0).slice(0, compiled.limitInJs);
    rows = [...detail, ...rows.filter((r) => Number(r[g]) !== 0)];
  }
  return { query: q, columns: compiled.columns, rows, sql: compiled.sql, params: compiled.params, ms };
}
