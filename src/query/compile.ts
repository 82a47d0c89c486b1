/**
 * The query compiler: a Query over the catalog → one SQL statement, rendered by a dialect.
 *
 * Each group of aggregate metrics that share a source table and time field becomes one CTE that reads
 * the source once, joins only many-to-one relations (so rows never multiply), and aggregates straight to
 * the requested grain. The CTEs are stacked with UNION ALL and collapsed per grain, so metrics from
 * different fact tables meet at the same grain without fan-out. Derived metrics are computed last from
 * the aggregated columns. Comparisons (同比/环比) are the same CTEs over the shifted period with their
 * time buckets shifted forward onto the current ones. Values are bound parameters; identifiers come only
 * from the catalog and the schema.
 */
import { and, agg, bin, cast, caseWhen, col, fn, isNull, lit, param, trunc, type Expr, type FromItem, type Join, type Select, type SelectItem } from '../sql/ast.js';
import type { Dialect } from '../sql/dialect.js';
import { duckdb } from '../sql/duckdb.js';
import { render } from '../sql/render.js';
import { metricRefs, parseFormula, type Formula } from '../metrics/formula.js';
import { MODEL, pathsFrom } from '../metrics/model.js';
import { resolve, ResolveError, safeDiv, SourceScope } from '../metrics/resolve.js';
import type { Catalog, DimensionDef, MetricDef } from '../metrics/types.js';
import { BUCKET_EXAMPLE, bucketStart, daysBetween, GRAINS, isDay, shiftDay, type Grain } from './time.js';
import { FILTER_OPS, QueryError, type ColumnMeta, type CompiledQuery, type Filter, type Query, type QueryIssue } from './types.js';

export interface CompileOptions {
  readonly dialect?: Dialect;
  /** YYYY-MM-DD: what today() means unless the query gives asOf. */
  readonly today: string;
}

interface Shift {
  readonly n: number;
  readonly unit: 'year' | 'month' | 'day';
}

interface Frame {
  readonly suffix: '' | '__prev';
  readonly shift?: Shift;
  readonly from?: string;
  readonly to?: string;
}

interface FactGroup {
  readonly id: string;
  readonly source: string;
  readonly time: string;
  readonly metrics: MetricDef[];
  readonly per?: MetricDef;
  readonly lookback?: number;
  /** Two-stage metrics sharing this group's scan: everything is first aggregated per `per.key` (see mergedFact). */
  readonly pers?: MetricDef[];
}

/** Can the measure be computed from partial aggregates per `key` (a customer, say)? */
function decomposable(f: Formula, key: string): boolean {
  switch (f.k) {
    case 'call': {
      if (f.name === 'median') return false;
      if (f.name === 'count_distinct' || (f.name === 'count' && f.distinct)) return f.args.length === 1 && f.args[0]!.k === 'field' && f.args[0]!.path.join('.') === key;
      return f.args.every((a) => decomposable(a, key));
    }
    case 'bin':
      return decomposable(f.left, key) && decomposable(f.right, key);
    case 'not':
    case 'neg':
    case 'isnull':
      return decomposable(f.e, key);
    default:
      return true;
  }
}

const GROUPING_COL = '_grouping';
/** The membership tables a dimension may read (a catalog config cannot point `membership` anywhere else). */
const MEMBERSHIP_TABLES: ReadonlyMap<string, { key: string; catalog: string }> = new Map([
  ['tm_segment_members', { key: 'segment_key', catalog: 'tm_segments' }],
  ['tm_customer_tags', { key: 'tag_key', catalog: 'tm_tags' }],
]);
const MEMBERSHIP_OPS: readonly string[] = ['eq', 'ne', 'in', 'not_in', 'is_null', 'not_null'];

/** The membership of a dimension (saved segments, tags), if it is one of the known tables. */
export function membershipOf(d: DimensionDef): { table: string; key: string; catalog: string } | undefined {
  const m = d.membership;
  const known = m ? MEMBERSHIP_TABLES.get(m.table) : undefined;
  return m && known ? { table: m.table, ...known } : undefined;
}

const GRAIN_STEP: Record<Grain, Shift> = { year: { n: 1, unit: 'year' }, quarter: { n: 3, unit: 'month' }, month: { n: 1, unit: 'month' }, week: { n: 7, unit: 'day' }, day: { n: 1, unit: 'day' } };
const NUMERIC_TIME = new Set(['month_of_year', 'quarter_of_year', 'weekday', 'hour_of_day']);

const formulaCache = new Map<string, Formula>();
function formula(src: string): Formula {
  let f = formulaCache.get(src);
  if (!f) formulaCache.set(src, (f = parseFormula(src)));
  return f;
}

function prefixFormula(f: Formula, prefix: readonly string[]): Formula {
  if (prefix.length === 0) return f;
  const p = (x: Formula): Formula => prefixFormula(x, prefix);
  switch (f.k) {
    case 'field':
      return { k: 'field', path: [...prefix, ...f.path] };
    case 'call':
      return { ...f, args: f.args.map(p) };
    case 'bin':
      return { ...f, left: p(f.left), right: p(f.right) };
    case 'not':
    case 'neg':
    case 'isnull':
      return { ...f, e: p(f.e) };
    case 'in':
      return { ...f, e: p(f.e), list: f.list.map(p) };
    default:
      return f;
  }
}

/** Adds `cond` to the FILTER of every aggregate in e. */
function withFilter(e: Expr, cond: Expr | undefined): Expr {
  if (cond === undefined) return e;
  const w = (x: Expr): Expr => withFilter(x, cond);
  switch (e.k) {
    case 'agg':
      return { ...e, filter: e.filter === undefined ? cond : bin('AND', cond, e.filter) };
    case 'fn':
      return { ...e, args: e.args.map(w) };
    case 'bin':
      return { ...e, left: w(e.left), right: w(e.right) };
    case 'not':
    case 'neg':
    case 'isnull':
    case 'cast':
      return { ...e, e: w(e.e) };
    case 'case':
      return { ...e, whens: e.whens.map(([a, b]) => [w(a), w(b)] as const), ...(e.else ? { else: w(e.else) } : {}) };
    default:
      return e;
  }
}

/** Looks a metric or dimension up by key, or by its Chinese or English label. */
export function findByName<T extends { key: string; label: { en: string; zh: string } }>(map: ReadonlyMap<string, T>, name: string): T | undefined {
  const exact = map.get(name);
  if (exact) return exact;
  const n = name.trim().toLowerCase();
  for (const v of map.values()) if (v.key === n || v.label.zh === name.trim() || v.label.en.toLowerCase() === n) return v;
  return undefined;
}

/** Sums and counts: 0, not empty, where there are no rows. */
export function isAdditive(m: MetricDef): boolean {
  if (m.formula !== undefined || m.per !== undefined) return m.per !== undefined && /^\s*count\(\*\)\s*$/i.test(m.measure ?? '');
  return /^\s*-?\s*(sum|count|count_if|sum_if|count_distinct)\(/i.test(m.measure ?? '');
}

export class Compiler {
  private readonly d: Dialect;
  private readonly issues: QueryIssue[] = [];
  private readonly metrics: MetricDef[] = [];
  private readonly dims: DimensionDef[] = [];
  private readonly derivedTables = new Set<string>();
  /** Membership joins (group by segment/tag) per source scope, after the scope's own joins. */
  private readonly memberJoins = new Map<SourceScope, Join[]>();
  private readonly today: string;

  constructor(
    private readonly catalog: Catalog,
    private readonly q: Query,
    opts: CompileOptions,
    /** Parts of a query with totals over a membership dimension (see overlappingTotals): CTE name prefix, lowest rollup level kept. */
    private readonly part: { readonly prefix?: string; readonly minLevel?: number } = {},
  ) {
    this.d = opts.dialect ?? duckdb;
    this.today = q.asOf ?? opts.today;
  }

  private issue(code: string, field: string, message: string): void {
    this.issues.push({ code, field, message });
  }

  private validate(): void {
    const q = this.q;
    const cat = this.catalog;
    // A query from JSON may have any shape: lists that are not lists are reported, not iterated.
    for (const k of ['metrics', 'dimensions', 'filters', 'sort'] as const) {
      if (q[k] !== undefined && !Array.isArray(q[k])) this.issue('bad_query', k, `${k}: expected a list`);
    }
    if (this.issues.length) throw new QueryError(this.issues);
    if (!Array.isArray(q.metrics) || q.metrics.length === 0) this.issue('no_metrics', 'metrics', `metrics: name at least one metric; metrics: ${[...cat.metrics.keys()].join(', ')}`);
    for (const [i, name] of (q.metrics ?? []).entries()) {
      const m = typeof name === 'string' ? findByName(cat.metrics, name) : undefined;
      if (!m) this.issue('unknown_metric', `metrics[${i}]`, `unknown metric '${String(name)}'; metrics: ${[...cat.metrics.keys()].join(', ')}`);
      else if (this.metrics.includes(m)) this.issue('duplicate_metric', `metrics[${i}]`, `metric '${m.key}' is asked for twice`);
      else this.metrics.push(m);
    }
    for (const [i, name] of (q.dimensions ?? []).entries()) {
      const d = typeof name === 'string' ? findByName(cat.dimensions, name) : undefined;
      if (!d) this.issue('unknown_dimension', `dimensions[${i}]`, `unknown dimension '${String(name)}'; dimensions: ${[...cat.dimensions.keys()].join(', ')}`);
      else if (this.dims.includes(d)) this.issue('duplicate_dimension', `dimensions[${i}]`, `dimension '${d.key}' is asked for twice`);
      else this.dims.push(d);
    }
    for (const f of ['from', 'to', 'asOf'] as const) {
      const v = q[f];
      if (v !== undefined && (typeof v !== 'string' || !isDay(v))) this.issue('bad_date', f, `${f}: '${String(v)}' is not a date; use YYYY-MM-DD`);
    }
    if (q.from && q.to && isDay(q.from) && isDay(q.to) && q.from > q.to) this.issue('bad_range', 'from', `from ${q.from} is after to ${q.to}`);
    if (q.compare !== undefined && q.compare !== 'yoy' && q.compare !== 'mom') this.issue('bad_compare', 'compare', `compare: '${String(q.compare)}' is not yoy (同比) or mom (环比)`);
    if (q.limit !== undefined && (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > 10_000_000)) this.issue('bad_limit', 'limit', `limit: expected a whole number from 1 to 10000000, got ${String(q.limit)}`);
    for (const [i, f] of (q.filters ?? []).entries()) this.validateFilter(f, i);
  }

  private validateFilter(f: Filter, i: number): void {
    const p = `filters[${i}]`;
    const d = typeof f?.dimension === 'string' ? findByName(this.catalog.dimensions, f.dimension) : undefined;
    if (!d) {
      this.issue('unknown_dimension', `${p}.dimension`, `${p}: unknown dimension '${String(f?.dimension)}'; dimensions: ${[...this.catalog.dimensions.keys()].join(', ')}`);
      return;
    }
    if (!FILTER_OPS.includes(f.op)) {
      this.issue('bad_filter_op', `${p}.op`, `${p}.op: '${String(f.op)}' is not one of ${FILTER_OPS.join(', ')}`);
      return;
    }
    if (membershipOf(d) && !MEMBERSHIP_OPS.includes(f.op)) {
      this.issue('bad_filter_op', `${p}.op`, `${p}.op: ${d.key} filters take ${MEMBERSHIP_OPS.join(', ')} (membership), not ${f.op}`);
      return;
    }
    if (f.values !== undefined && !Array.isArray(f.values)) {
      this.issue('bad_filter_values', `${p}.values`, `${p}.values: expected a list of values`);
      return;
    }
    const n = f.values?.length ?? 0;
    const want = f.op === 'is_null' || f.op === 'not_null' ? 0 : f.op === 'between' ? 2 : f.op === 'in' || f.op === 'not_in' ? -1 : 1;
    if ((want >= 0 && n !== want) || (want < 0 && n === 0)) {
      this.issue('bad_filter_values', `${p}.values`, `${p}.values: ${f.op} takes ${want < 0 ? 'one or more values' : want === 0 ? 'no values' : want === 1 ? 'one value' : 'two values'}`);
      return;
    }
    for (const [j, v] of (f.values ?? []).entries()) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') this.issue('bad_filter_values', `${p}.values[${j}]`, `${p}.values[${j}]: expected text or a number`);
      else if (d.time && (GRAINS as readonly string[]).includes(d.time) && f.op !== 'contains' && bucketStart(d.time as Grain, String(v)) === undefined) {
        this.issue('bad_filter_values', `${p}.values[${j}]`, `${p}.values[${j}]: '${String(v)}' is not a ${d.key}; write it like ${BUCKET_EXAMPLE[d.time as Grain]}`);
      } else if (d.time && NUMERIC_TIME.has(d.time) && !Number.isFinite(Number(v))) {
        this.issue('bad_filter_values', `${p}.values[${j}]`, `${p}.values[${j}]: '${String(v)}' is not a number`);
      }
    }
  }

  /** The aggregate metrics the requested ones need, in first-use order. */
  private baseMetrics(): MetricDef[] {
    const out: MetricDef[] = [];
    const visit = (m: MetricDef) => {
      if (m.formula !== undefined) {
        for (const f of metricRefs(formula(m.formula))) visit(this.catalog.metrics.get(f)!);
      } else if (!out.includes(m)) out.push(m);
    };
    this.metrics.forEach(visit);
    return out;
  }

  private groups(base: readonly MetricDef[]): FactGroup[] {
    const groups = new Map<string, FactGroup>();
    for (const m of base) {
      const own = m.per !== undefined || m.lookbackDays !== undefined;
      const id = own ? `${m.source}|${m.time}|${m.key}` : `${m.source}|${m.time}`;
      let g = groups.get(id);
      if (!g) {
        g = { id, source: m.source!, time: m.time!, metrics: [], ...(m.per ? { per: m } : {}), ...(m.lookbackDays !== undefined ? { lookback: m.lookbackDays } : {}) };
        groups.set(id, g);
      }
      g.metrics.push(m);
    }
    // Several two-stage metrics per the same key, or one with plain metrics of the same source: one scan
    // aggregated per key serves them all (repurchase rate next to buyers and revenue by province).
    const out: FactGroup[] = [];
    const byScan = new Map<string, FactGroup[]>();
    for (const g of groups.values()) {
      const k = `${g.source}|${g.time}`;
      byScan.set(k, [...(byScan.get(k) ?? []), g]);
    }
    for (const gs of byScan.values()) {
      const perGroups = gs.filter((g) => g.per && g.lookback === undefined);
      const plain = gs.filter((g) => !g.per && g.lookback === undefined);
      const key = perGroups[0]?.per?.per?.key;
      const mergeable =
        key !== undefined &&
        perGroups.length + plain.length >= 2 &&
        perGroups.every((g) => g.per!.per!.key === key) &&
        plain.every((g) => g.metrics.every((m) => decomposable(formula(m.measure!), key))) &&
        (plain.reduce((n, g) => n + g.metrics.length, 0) <= 1 || this.keyGrainCollapses(gs[0]!.source, key));
      if (!mergeable) {
        out.push(...gs);
        continue;
      }
      const normals = plain.flatMap((g) => g.metrics);
      const pers = perGroups.map((g) => g.per!);
      out.push({ id: `${gs[0]!.source}|${gs[0]!.time}`, source: gs[0]!.source, time: gs[0]!.time, metrics: [...normals, ...pers], pers });
      out.push(...gs.filter((g) => g.lookback !== undefined));
    }
    return out;
  }

  private trunGrains(): Grain[] {
    return this.dims.filter((d) => d.time && (GRAINS as readonly string[]).includes(d.time)).map((d) => d.time as Grain);
  }

  /** The finest year…day grain among the dimensions (month of year, weekday… do not count). */
  private finestGrain(): Grain | undefined {
    const grains = this.trunGrains();
    return grains.length ? grains.reduce((a, b) => (GRAINS.indexOf(b) > GRAINS.indexOf(a) ? b : a)) : undefined;
  }

  /** period_start() of a row: its bucket clipped to the period (a month of a period starting on the 10th starts on the 10th). */
  private periodStartOf(time: Expr, from: Expr | undefined): Expr {
    const finest = this.finestGrain();
    if (finest) return from ? fn('greatest', trunc(finest, time), from) : trunc(finest, time);
    return from ?? cast(lit('1900-01-01'), 'timestamp');
  }

  private frames(): Frame[] {
    const q = this.q;
    const cur: Frame = { suffix: '', ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}) };
    if (!q.compare) return [cur];
    const grains = this.trunGrains();
    let shift: Shift | undefined;
    // 同比 by week compares ISO week N with week N of the year before: 52 weeks back, so weekdays line up (a year back
    // would spread each week over two).
    const finest = this.finestGrain();
    if (q.compare === 'yoy') shift = finest === 'week' ? { n: 364, unit: 'day' } : { n: 1, unit: 'year' };
    else if (finest) shift = GRAIN_STEP[finest];
    else if (this.dims.some((d) => d.time)) {
      this.issue('compare_unsupported', 'compare', 'compare mom: with month_of_year, weekday… there is no previous period; group by year, quarter, month, week or day');
      return [cur];
    } else if (q.from && q.to) shift = wholeMonths(q.from, q.to) ?? { n: daysBetween(q.from, q.to) + 1, unit: 'day' };
    if (!shift) {
      this.issue('range_required', 'from', `compare ${q.compare}: give from and to, or group by a time dimension`);
      return [cur];
    }
    if (q.compare === 'yoy' && !grains.length && !(q.from && q.to)) {
      this.issue('range_required', 'from', 'compare yoy: give from and to, or group by a time dimension');
      return [cur];
    }
    const prev: Frame = {
      suffix: '__prev',
      shift,
      ...(q.from ? { from: shiftDay(q.from, -shift.n, shift.unit) } : {}),
      // The day after the period shifted back, less a day: a period ending on 04-30 is preceded by one ending
      // on 03-31 (not 03-30), one ending on 2024-02-29 a year before by one ending on 2023-02-28.
      ...(q.to ? { to: shiftDay(shiftDay(shiftDay(q.to, 1, 'day'), -shift.n, shift.unit), -1, 'day') } : {}),
    };
    return [cur, prev];
  }

  /** The SQL of a dimension for rows of `scope`; undefined (with an issue) when the source cannot reach it. */
  private dimExpr(d: DimensionDef, scope: SourceScope, time: Expr, bucket: Expr | undefined, metricKey: string, field: string, role: 'group' | 'filter' = 'group'): Expr | undefined {
    if (d.time) {
      const g = d.time;
      if ((GRAINS as readonly string[]).includes(g)) return bucket ?? trunc(g as Grain, time);
      if (bucket) {
        this.issue('dimension_unavailable', field, `${d.key}: ${metricKey} looks back over earlier days and can be grouped by year, quarter, month, week or day only`);
        return undefined;
      }
      switch (g) {
        case 'month_of_year':
          return { k: 'part', part: 'month', e: time };
        case 'quarter_of_year':
          return { k: 'part', part: 'quarter', e: time };
        case 'weekday':
          return { k: 'part', part: 'dow', e: time };
        case 'hour_of_day':
          return { k: 'part', part: 'hour', e: time };
        case 'season': {
          const m: Expr = { k: 'part', part: 'month', e: time };
          const inM = (xs: number[]): Expr => ({ k: 'in', e: m, list: xs.map((x) => lit(x)), not: false });
          return caseWhen([[inM([3, 4, 5]), lit('spring')], [inM([6, 7, 8]), lit('summer')], [inM([9, 10, 11]), lit('autumn')]], lit('winter'));
        }
      }
    }
    const anchors = d.anchors ?? [];
    let chosen: { expr: string; path: readonly string[] } | undefined;
    const own = anchors.find((a) => a.table === scope.root);
    if (own) chosen = { expr: own.expr, path: [] };
    else {
      const paths = pathsFrom(scope.root);
      for (const a of anchors) {
        const p = paths.get(a.table);
        if (p && (!chosen || p.length < chosen.path.length)) chosen = { expr: a.expr, path: p };
      }
    }
    if (!chosen) {
      const able = [...this.catalog.metrics.values()].filter((m) => m.source && (d.anchors ?? []).some((a) => a.table === m.source || pathsFrom(m.source!).has(a.table))).map((m) => m.key);
      this.issue('dimension_unavailable', field, `${d.key} does not apply to ${metricKey} (${scope.root} rows have no path to ${anchors.map((a) => a.table).join(' or ')})${able.length ? `; metrics that can be split by ${d.key}: ${able.slice(0, 12).join(', ')}${able.length > 12 ? ', …' : ''}` : ''}`);
      return undefined;
    }
    const x = this.resolveIn(prefixFormula(formula(chosen.expr), chosen.path), scope, field);
    const mem = membershipOf(d);
    if (!mem || !x || role === 'filter') return x;
    // Grouped by membership: one row per (record, key) it belongs to; records of customers in none keep one row (key NULL).
    const alias = `m_${d.key}`.replace(/[^a-z0-9_]/gi, '_');
    const js = this.memberJoins.get(scope) ?? [];
    if (!js.some((j) => j.from.k === 'table' && j.from.as === alias)) js.push({ kind: 'left', from: { k: 'table', name: mem.table, as: alias }, on: bin('=', col('customer_id', alias), x) });
    this.memberJoins.set(scope, js);
    return col(mem.key, alias);
  }

  private special(periodStart: Expr, inPeriod: Expr | undefined) {
    return (name: string): Expr | undefined => {
      if (name === 'today') return cast(lit(this.today), 'date');
      if (name === 'period_start') return periodStart;
      if (name === 'in_period') return inPeriod;
      return undefined;
    };
  }

  private resolveIn(f: Formula, scope: SourceScope, field: string, extra: Partial<Parameters<typeof resolve>[1]> = {}): Expr | undefined {
    try {
      return resolve(f, { scope, special: this.special(lit(null), undefined), ...extra });
    } catch (e) {
      if (e instanceof ResolveError) {
        this.issue('formula_invalid', field, `${field}: ${e.message}`);
        return undefined;
      }
      throw e;
    }
  }

  private filterExpr(f: Filter, x: Expr, d: DimensionDef): Expr {
    const mem = membershipOf(d);
    if (mem) {
      const keys = (f.values ?? []).map((raw) => param(String(raw)));
      const members = (keyed: boolean): Expr => ({
        k: 'inSub',
        e: x,
        query: {
          select: [{ expr: col('customer_id', 'mm'), as: 'customer_id' }],
          from: { k: 'table', name: mem.table, as: 'mm' },
          ...(keyed ? { where: keys.length === 1 ? bin('=', col(mem.key, 'mm'), keys[0]!) : ({ k: 'in', e: col(mem.key, 'mm'), list: keys, not: false } as Expr) } : {}),
        },
      });
      switch (f.op) {
        case 'eq':
        case 'in':
          return members(true);
        case 'ne':
        case 'not_in':
          return bin('OR', isNull(x), { k: 'not', e: members(true) });
        case 'is_null':
          return bin('OR', isNull(x), { k: 'not', e: members(false) });
        default:
          return members(false);
      }
    }
    const grain = d.time && (GRAINS as readonly string[]).includes(d.time) ? (d.time as Grain) : undefined;
    const v = (raw: string | number | boolean): Expr => {
      if (grain) return cast(param(bucketStart(grain, String(raw))!), 'timestamp');
      if (d.time && NUMERIC_TIME.has(d.time)) return param(Number(raw));
      return param(typeof raw === 'boolean' ? raw : String(raw));
    };
    const vals = (f.values ?? []).map(v);
    const v0 = vals[0]!;
    switch (f.op) {
      case 'eq':
        return bin('=', x, v0);
      case 'ne':
        return bin('OR', isNull(x), bin('<>', x, v0));
      case 'in':
        return { k: 'in', e: x, list: vals, not: false };
      case 'not_in':
        return bin('OR', isNull(x), { k: 'in', e: x, list: vals, not: true });
      case 'gt':
        return bin('>', x, v0);
      case 'gte':
        return bin('>=', x, v0);
      case 'lt':
        return bin('<', x, v0);
      case 'lte':
        return bin('<=', x, v0);
      case 'between':
        return bin('AND', bin('>=', x, v0), bin('<=', x, vals[1]!));
      case 'contains':
        return fn('contains', cast(x, 'varchar'), param(String(f.values![0])));
      case 'is_null':
        return isNull(x);
      case 'not_null':
        return isNull(x, true);
    }
  }

  private groupingSets(n: number): number[][] | undefined {
    const all = Array.from({ length: n }, (_, i) => i);
    const min = this.part.minLevel;
    if (min !== undefined && this.q.subtotals) return Array.from({ length: n - min + 1 }, (_, j) => all.slice(0, n - j));
    if (min !== undefined && this.q.totals) return [all];
    if (this.q.subtotals) return Array.from({ length: n + 1 }, (_, k) => all.slice(0, n - k));
    if (this.q.totals && n > 0) return [all, []];
    return undefined;
  }

  /** One fact CTE: a group of metrics over one source, for one frame. */
  private fact(g: FactGroup, frame: Frame): Select | undefined {
    const scope = new SourceScope(g.source);
    const field = `metrics`;
    const rawTime = this.resolveIn(formula(g.time), scope, `${field}: ${g.metrics[0]!.key}.time`);
    if (!rawTime) return undefined;
    const time = rawTime;
    const shifted = (e: Expr): Expr => (frame.shift ? { k: 'shift', e, n: frame.shift.n, unit: frame.shift.unit } : e);
    const grains = this.trunGrains();
    const finest = this.finestGrain();
    const fromP = frame.from ? cast(param(frame.from), 'timestamp') : undefined;
    const toNextP = frame.to ? cast(param(shiftDay(frame.to, 1, 'day')), 'timestamp') : undefined;

    // Look-back metrics read a window before each period; the bucket comes from a series of period starts.
    let bucket: Expr | undefined;
    let join: Join | undefined;
    let periodStart: Expr;
    let inPeriod: Expr | undefined;
    let rangeStart = fromP;
    if (g.lookback !== undefined) {
      if (!frame.from || !frame.to) {
        this.issue('range_required', 'from', `${g.metrics[0]!.key} needs a period: give from and to`);
        return undefined;
      }
      rangeStart = cast(param(shiftDay(frame.from, -g.lookback, 'day')), 'timestamp');
      if (grains.length > 1) {
        this.issue('dimension_unavailable', 'dimensions', `${g.metrics[0]!.key}: group by one of year, quarter, month, week, day`);
        return undefined;
      }
      if (finest) {
        const step = GRAIN_STEP[finest];
        const s: FromItem = { k: 'series', from: trunc(finest, cast(param(frame.from), 'timestamp')), to: trunc(finest, cast(param(frame.to), 'timestamp')), unit: finest, as: 's' };
        const b = col('bucket', 's');
        // A bucket's period is clipped to the query's: the first month of a period starting on the 10th starts on the 10th.
        const start = fn('greatest', b, fromP!);
        join = {
          kind: 'inner',
          from: s,
          on: bin('AND', bin('>=', time, { k: 'addDays', e: start, n: lit(-g.lookback) }), bin('<', time, { k: 'shift', e: b, n: step.n, unit: step.unit })),
        };
        periodStart = start;
        inPeriod = bin('>=', time, start);
        bucket = frame.shift ? trunc(finest, shifted(b)) : b;
      } else {
        periodStart = fromP!;
        inPeriod = bin('>=', time, fromP!);
      }
    } else {
      // The row's bucket, clipped to the query's period (a month grouping of a period starting on the 10th starts on the 10th).
      periodStart = this.periodStartOf(time, fromP);
    }
    const special = this.special(periodStart, inPeriod);
    const bucketTime = shifted(time);
    if (g.lookback !== undefined && !bucket) {
      // Without a year…day grain a look-back metric has one period; grouping or filtering its rows by their own
      // time (weekday, month…) would split the look-back rows from the period's.
      const timed = [...this.dims.map((d, i) => [d, `dimensions[${i}]`] as const), ...(this.q.filters ?? []).map((f, i) => [findByName(this.catalog.dimensions, f.dimension)!, `filters[${i}].dimension`] as const)].find(([d]) => d.time);
      if (timed) {
        this.issue('dimension_unavailable', timed[1], `${timed[0].key}: ${g.metrics[0]!.key} looks back over earlier days; group by year, quarter, month, week or day, or give the period as from and to`);
        return undefined;
      }
    }

    const dimExprs: Expr[] = [];
    for (const [i, d] of this.dims.entries()) {
      const e = this.dimExpr(d, scope, bucketTime, bucket, g.metrics[0]!.key, `dimensions[${i}]`);
      if (!e) return undefined;
      dimExprs.push(e);
    }
    const where: (Expr | undefined)[] = [];
    if (rangeStart) where.push(bin('>=', time, rangeStart));
    if (toNextP) where.push(bin('<', time, toNextP));
    if (!rangeStart && !toNextP) where.push(isNull(time, true));
    for (const [i, f] of (this.q.filters ?? []).entries()) {
      const d = findByName(this.catalog.dimensions, f.dimension)!;
      const x = this.dimExpr(d, scope, bucketTime, bucket, g.metrics[0]!.key, `filters[${i}].dimension`, 'filter');
      if (!x) return undefined;
      where.push(this.filterExpr(f, x, d));
      // Grouped by the membership it filters on (tag in a, b by tag): the groups are a and b, not every other tag of those customers.
      const gi = this.dims.indexOf(d);
      if (gi >= 0 && membershipOf(d) && (f.op === 'eq' || f.op === 'in')) where.push({ k: 'in', e: dimExprs[gi]!, list: (f.values ?? []).map((v) => param(String(v))), not: false });
    }
    const resolveM = (src: string, fieldName: string, ctx: Partial<Parameters<typeof resolve>[1]>): Expr | undefined => {
      try {
        return resolve(formula(src), { scope, special, ...ctx });
      } catch (e) {
        if (e instanceof ResolveError) {
          this.issue('formula_invalid', fieldName, `${fieldName}: ${e.message}`);
          return undefined;
        }
        throw e;
      }
    };
    // A filter shared by every metric of the group goes to WHERE; otherwise each aggregate gets its own FILTER.
    const filters = g.metrics.map((m) => m.filter);
    const shared = filters.every((f) => f !== undefined && f === filters[0]) ? filters[0] : undefined;
    if (shared) where.push(resolveM(shared, `metrics.${g.metrics[0]!.key}.filter`, {}));

    const n = dimExprs.length;
    let sets = this.groupingSets(n);
    if (sets && bucket) {
      // A look-back metric has no honest total across time buckets (each bucket has its own look-back window):
      // rolled-up rows that drop the time dimension are left empty for it.
      const t = this.dims.findIndex((d) => d.time);
      sets = sets.filter((x) => x.includes(t));
    }
    const dimItems: SelectItem[] = this.dims.map((d, i) => ({ expr: dimExprs[i]!, as: d.key }));
    const joinsOf = (): Join[] => [...(join ? [join] : []), ...this.joinList(scope)];

    if (g.pers) return this.mergedFact(g, frame, { scope, dimExprs, where, shared, sets, dimItems, joins: joinsOf, resolveM });

    if (g.per) {
      const m = g.per;
      const per = m.per!;
      const keyExpr = resolveM(per.key, `metrics.${m.key}.per.key`, {});
      const names = new Map<string, Expr>();
      const inner: SelectItem[] = [...dimItems];
      for (const [name, src] of Object.entries(per.values)) {
        const e = resolveM(src, `metrics.${m.key}.per.values.${name}`, { aggregates: true });
        if (!e) return undefined;
        names.set(name, e);
        inner.push({ expr: e, as: `__v_${name}` });
      }
      if (!keyExpr) return undefined;
      const having = per.having ? resolveM(per.having, `metrics.${m.key}.per.having`, { names }) : undefined;
      if (sets) inner.push({ expr: { k: 'grouping', exprs: dimExprs }, as: GROUPING_COL });
      const where2 = [...where];
      if (!shared && m.filter) where2.push(resolveM(m.filter, `metrics.${m.key}.filter`, {}));
      where2.push(isNull(keyExpr, true));
      const innerSel: Select = {
        select: inner,
        from: { k: 'table', name: g.source, as: scope.alias },
        joins: joinsOf(),
        where: and(...where2),
        groupBy: [...dimExprs, keyExpr],
        ...(sets ? { groupingSets: sets.map((s) => [...s, n]) } : {}),
        ...(having ? { having } : {}),
      };
      const outerNames = new Map<string, Expr>([...names.keys()].map((k) => [k, col(`__v_${k}`)]));
      const measure = resolveM(m.measure!, `metrics.${m.key}.measure`, { names: outerNames, aggregates: true, scope: undefined });
      if (!measure) return undefined;
      const outerDims = this.dims.map((d) => col(d.key));
      return {
        select: [...outerDims.map((e, i) => ({ expr: e, as: this.dims[i]!.key })), ...(sets ? [{ expr: col(GROUPING_COL), as: GROUPING_COL }] : []), { expr: measure, as: m.key + frame.suffix }],
        from: { k: 'sub', query: innerSel, as: 'per_key' },
        ...(outerDims.length || sets ? { groupBy: [...outerDims, ...(sets ? [col(GROUPING_COL)] : [])] } : {}),
      };
    }

    const measures: SelectItem[] = [];
    for (const m of g.metrics) {
      let e = resolveM(m.measure!, `metrics.${m.key}.measure`, { aggregates: true });
      if (!e) return undefined;
      if (!shared && m.filter) {
        const f = resolveM(m.filter, `metrics.${m.key}.filter`, {});
        if (!f) return undefined;
        e = withFilter(e, f);
      }
      measures.push({ expr: e, as: m.key + frame.suffix });
    }
    return {
      select: [...dimItems, ...(sets ? [{ expr: { k: 'grouping', exprs: dimExprs } as Expr, as: GROUPING_COL }] : []), ...measures],
      from: { k: 'table', name: g.source, as: scope.alias },
      joins: joinsOf(),
      where: and(...where),
      ...(n ? { groupBy: dimExprs } : {}),
      ...(sets ? { groupingSets: sets } : {}),
    };
  }

  /**
   * One scan for plain and two-stage metrics of a source: rows are aggregated per (dimensions, key) into
   * partial aggregates, then per dimensions. Sums and counts add up, averages are sums ÷ counts, a distinct
   * count of the key counts keys, and a two-stage metric keeps the keys whose values pass its `having`.
   */
  private mergedFact(
    g: FactGroup,
    frame: Frame,
    c: {
      scope: SourceScope;
      dimExprs: Expr[];
      where: (Expr | undefined)[];
      shared: string | undefined;
      sets: number[][] | undefined;
      dimItems: SelectItem[];
      joins: () => Join[];
      resolveM: (src: string, field: string, ctx: Partial<Parameters<typeof resolve>[1]>) => Expr | undefined;
    },
  ): Select | undefined {
    const pers = g.pers!;
    const keyExpr = c.resolveM(pers[0]!.per!.key, `metrics.${pers[0]!.key}.per.key`, {});
    if (!keyExpr) return undefined;
    const keySig = JSON.stringify(keyExpr);
    const partials: SelectItem[] = [];
    const partial = (e: Expr): Expr => {
      const same = partials.find((p) => JSON.stringify(p.expr) === JSON.stringify(e));
      if (same) return col(same.as);
      const as = `__p${partials.length}`;
      partials.push({ expr: e, as });
      return col(as);
    };
    const split = (e: Expr): Expr => {
      switch (e.k) {
        case 'agg': {
          if (e.distinct) {
            if (e.name !== 'count' || e.args.length !== 1 || JSON.stringify(e.args[0]) !== keySig) throw new Error(`cannot split ${e.name}(DISTINCT …) by key`);
            const notNull = isNull(e.args[0]!, true);
            const p = partial(agg('count', [], { filter: e.filter ? bin('AND', e.filter, notNull) : notNull }));
            return agg('count', [], { filter: bin('>', p, lit(0)) });
          }
          switch (e.name) {
            case 'sum':
            case 'count':
              return agg('sum', [partial(e)]);
            case 'min':
            case 'max':
              return agg(e.name, [partial(e)]);
            case 'avg': {
              const f = e.filter === undefined ? {} : { filter: e.filter };
              const sum = partial(agg('sum', e.args, f));
              const n = partial(agg('count', e.args, f));
              return safeDiv(agg('sum', [sum]), agg('sum', [n]));
            }
            default:
              throw new Error(`cannot split ${e.name}() by key`);
          }
        }
        case 'fn':
          return { ...e, args: e.args.map(split) };
        case 'bin':
          return { ...e, left: split(e.left), right: split(e.right) };
        case 'not':
        case 'neg':
        case 'isnull':
        case 'cast':
          return { ...e, e: split(e.e) };
        case 'case':
          return { ...e, whens: e.whens.map(([a, b]) => [split(a), split(b)] as const), ...(e.else ? { else: split(e.else) } : {}) };
        default:
          return e;
      }
    };
    const outer: SelectItem[] = [];
    for (const m of g.metrics) {
      const rowFilter = !c.shared && m.filter ? c.resolveM(m.filter, `metrics.${m.key}.filter`, {}) : undefined;
      if (!c.shared && m.filter && !rowFilter) return undefined;
      if (!m.per) {
        const e = c.resolveM(m.measure!, `metrics.${m.key}.measure`, { aggregates: true });
        if (!e) return undefined;
        outer.push({ expr: split(withFilter(e, rowFilter)), as: m.key + frame.suffix });
        continue;
      }
      const per = m.per;
      const names = new Map<string, Expr>();
      for (const [name, src] of Object.entries(per.values)) {
        const e = c.resolveM(src, `metrics.${m.key}.per.values.${name}`, { aggregates: true });
        if (!e) return undefined;
        names.set(name, partial(withFilter(e, rowFilter)));
      }
      // The key had rows of this metric (its own filter, a known key): what the separate per-key query would see.
      const notNull = isNull(keyExpr, true);
      const exists = partial(agg('count', [], { filter: rowFilter ? bin('AND', rowFilter, notNull) : notNull }));
      const having = per.having ? c.resolveM(per.having, `metrics.${m.key}.per.having`, { names, scope: undefined }) : undefined;
      const measure = c.resolveM(m.measure!, `metrics.${m.key}.measure`, { names, aggregates: true, scope: undefined });
      if (!measure || (per.having && !having)) return undefined;
      outer.push({ expr: withFilter(measure, and(bin('>', exists, lit(0)), having)), as: m.key + frame.suffix });
    }
    const n = c.dimExprs.length;
    const outerDims = this.dims.map((d) => col(d.key));
    if (c.sets && this.dependsOnKeyOnly(c.dimExprs, keyExpr, c.scope)) {
      // Every dimension is an attribute of the key (a customer's province, tier…): each key falls in one detail
      // row, so totals can roll up the per-key rows instead of a second pass over the source.
      const inner: Select = { select: [...c.dimItems, ...partials], from: { k: 'table', name: g.source, as: c.scope.alias }, joins: c.joins(), where: and(...c.where), groupBy: [...c.dimExprs, keyExpr] };
      return {
        select: [...outerDims.map((e, i) => ({ expr: e, as: this.dims[i]!.key })), { expr: { k: 'grouping', exprs: outerDims }, as: GROUPING_COL }, ...outer],
        from: { k: 'sub', query: inner, as: 'per_key' },
        groupBy: outerDims,
        groupingSets: c.sets,
      };
    }
    const inner: Select = {
      select: [...c.dimItems, ...(c.sets ? [{ expr: { k: 'grouping', exprs: c.dimExprs } as Expr, as: GROUPING_COL }] : []), ...partials],
      from: { k: 'table', name: g.source, as: c.scope.alias },
      joins: c.joins(),
      where: and(...c.where),
      groupBy: [...c.dimExprs, keyExpr],
      ...(c.sets ? { groupingSets: c.sets.map((s) => [...s, n]) } : {}),
    };
    return {
      select: [...outerDims.map((e, i) => ({ expr: e, as: this.dims[i]!.key })), ...(c.sets ? [{ expr: col(GROUPING_COL), as: GROUPING_COL }] : []), ...outer],
      from: { k: 'sub', query: inner, as: 'per_key' },
      ...(outerDims.length || c.sets ? { groupBy: [...outerDims, ...(c.sets ? [col(GROUPING_COL)] : [])] } : {}),
    };
  }

  /**
   * The per-key query of a two-stage metric groups by (dimensions, key) anyway; a plain metric or two more
   * cost little there. More of them pay only when that grain is much coarser than the rows: the dimensions
   * are time buckets or attributes of the key (a customer's province). Per (product, customer) it is nearly
   * one group per row, and the partial aggregates cost more than the second scan they save.
   */
  private keyGrainCollapses(source: string, key: string): boolean {
    const scope = new SourceScope(source);
    const issues = this.issues.length;
    try {
      const keyExpr = resolve(formula(key), { scope });
      const dims: Expr[] = [];
      for (const d of this.dims) {
        if (d.time) continue;
        const e = this.dimExpr(d, scope, lit(null), undefined, '', '');
        if (!e) return false;
        dims.push(e);
      }
      return dims.length === 0 || this.dependsOnKeyOnly(dims, keyExpr, scope);
    } catch {
      return false;
    } finally {
      this.issues.length = issues;
    }
  }

  /** True when every dimension reads only tables joined through the key's own relation (attributes of the key). */
  private dependsOnKeyOnly(dims: readonly Expr[], key: Expr, scope: SourceScope): boolean {
    if (key.k !== 'col' || key.table !== scope.alias || dims.length === 0) return false;
    const allowed = new Set<string>();
    for (const j of scope.joins.values()) {
      if ((j.parentAlias === scope.alias && j.via === key.name) || allowed.has(j.parentAlias)) allowed.add(j.alias);
    }
    let ok = true;
    const walk = (e: unknown): void => {
      if (!ok || e === null || typeof e !== 'object') return;
      const x = e as { k?: string; table?: string; name?: string };
      if (x.k === 'col' && !(x.table === scope.alias && x.name === key.name) && !allowed.has(x.table ?? '')) ok = false;
      if (x.k === 'exists' || x.k === 'inSub') ok = false;
      for (const v of Object.values(e)) if (typeof v === 'object') walk(v);
    };
    dims.forEach(walk);
    return ok;
  }

  private metricExpr(m: MetricDef, suffix: string, base: ReadonlySet<string>, depth = 0): Expr {
    if (depth > 50) throw new Error(`metric ${m.key}: definitions nest too deep`);
    if (m.formula === undefined) {
      const c = col(m.key + suffix);
      const v = isAdditive(m) ? fn('coalesce', c, lit(0)) : c;
      // Look-back metrics have no rows for levels that roll up time (see fact()): empty there, not 0.
      const t = this.dims.findIndex((d) => d.time && (GRAINS as readonly string[]).includes(d.time));
      if (m.lookbackDays !== undefined && t >= 0 && this.groupingSets(this.dims.length)) {
        return caseWhen([[bin('>=', col(GROUPING_COL), lit(2 ** (this.dims.length - t) - 1)), lit(null)]], v);
      }
      return v;
    }
    return resolve(formula(m.formula), { metric: (name) => this.metricExpr(this.catalog.metrics.get(name)!, suffix, base, depth + 1) });
  }

  compile(): CompiledQuery {
    this.validate();
    if (this.issues.length) throw new QueryError(this.issues);
    const p = this.dims.findIndex((d) => membershipOf(d));
    if (p >= 0 && (this.q.totals || this.q.subtotals) && this.part.minLevel === undefined) return this.overlappingTotals(p);
    const { query, columns, sets, limitInJs } = this.build();
    const { sql, params } = render(query, this.d);
    return { sql, params, columns, ...(sets ? { groupingColumn: GROUPING_COL } : {}), ...(limitInJs !== undefined ? { limitInJs } : {}) };
  }

  /**
   * Totals and subtotals when grouping by a membership dimension (dimension p): the rollup levels that keep it
   * come from the membership join (a segment's subtotal is its records), those that drop it from the same query
   * without it (each record once, as if the dimension were not there). The two are stacked with UNION ALL.
   */
  private overlappingTotals(p: number): CompiledQuery {
    const n = this.dims.length;
    const later = this.dims.slice(p + 1).find((d) => d.time);
    if (this.q.compare && later) {
      // The levels without the membership would also lose the time dimension, and with it the bucket-by-bucket comparison.
      throw new QueryError([{ code: 'compare_unsupported', field: 'compare', message: `compare with totals: put ${later.key} before ${this.dims[p]!.key} in the dimensions (or drop totals), so the total rows compare bucket by bucket` }]);
    }
    const keys = this.dims.map((d) => d.key);
    const opts = { today: this.today, dialect: this.d };
    const main = new Compiler(this.catalog, { ...this.q, dimensions: keys }, opts, { minLevel: p + 1 });
    main.validate();
    const m = main.build();
    const rest = new Compiler(this.catalog, { ...this.q, dimensions: keys.slice(0, p), totals: false, subtotals: this.q.subtotals === true && p > 0, sort: [] }, opts, { prefix: 'r_' });
    rest.validate();
    if (main.issues.length || rest.issues.length) throw new QueryError(dedupe([...main.issues, ...rest.issues]));
    const r = rest.build();
    const restItem = new Map(r.query.select.map((it) => [it.as, it.expr]));
    const low = 2 ** (n - p);
    const restSelect: SelectItem[] = m.query.select.map((it) => {
      const i = keys.indexOf(it.as);
      if (i >= p) return { expr: lit(null), as: it.as };
      if (it.as === GROUPING_COL) return { expr: restItem.has(GROUPING_COL) ? bin('+', bin('*', restItem.get(GROUPING_COL)!, lit(low)), lit(low - 1)) : lit(2 ** n - 1), as: it.as };
      return { expr: restItem.get(it.as)!, as: it.as };
    });
    const strip = (x: Select): Select => ({ select: x.select, ...(x.from ? { from: x.from } : {}), ...(x.joins ? { joins: x.joins } : {}), ...(x.where ? { where: x.where } : {}), ...(x.groupBy ? { groupBy: x.groupBy } : {}) });
    const withs = [...(m.query.with ?? [])];
    for (const w of r.query.with ?? []) if (!withs.some((x) => x.name === w.name)) withs.push(w);
    const query: Select = {
      with: withs,
      select: m.query.select.map((it) => ({ expr: col(it.as), as: it.as })),
      from: { k: 'sub', query: { ...strip(m.query), unionAll: [{ ...strip(r.query), select: restSelect }] }, as: 'overlapping' },
      ...(m.query.orderBy ? { orderBy: m.query.orderBy } : {}),
    };
    const { sql, params } = render(query, this.d);
    return { sql, params, columns: m.columns, groupingColumn: GROUPING_COL, ...(this.q.limit !== undefined ? { limitInJs: this.q.limit } : {}) };
  }

  private build(): { query: Select; columns: ColumnMeta[]; sets: number[][] | undefined; limitInJs: number | undefined } {
    const base = this.baseMetrics();
    const groups = this.groups(base);
    const frames = this.frames();
    const facts: { name: string; query: Select; cols: string[] }[] = [];
    for (const frame of frames) {
      for (const [i, g] of groups.entries()) {
        const sel = this.fact(g, frame);
        if (sel) facts.push({ name: `${this.part.prefix ?? ''}f${facts.length}_${g.source}${frame.suffix}`.slice(0, 60), query: sel, cols: g.metrics.map((m) => m.key + frame.suffix) });
        void i;
      }
    }
    if (this.issues.length) throw new QueryError(dedupe(this.issues));

    const sets = this.groupingSets(this.dims.length);
    const keyCols = [...this.dims.map((d) => d.key), ...(sets ? [GROUPING_COL] : [])];
    const allCols = facts.flatMap((f) => f.cols);
    const withs: { name: string; query: Select }[] = [];
    for (const t of this.derivedTables) withs.push({ name: t, query: MODEL.get(t)!.query! });
    for (const f of facts) withs.push({ name: f.name, query: f.query });
    let combined: string;
    if (facts.length === 1) combined = facts[0]!.name;
    else {
      const branches: Select[] = facts.map((f) => ({
        select: [...keyCols.map((k) => ({ expr: col(k), as: k })), ...allCols.map((c) => ({ expr: f.cols.includes(c) ? col(c) : lit(null), as: c }))],
        from: { k: 'table', name: f.name, as: f.name },
      }));
      const [first, ...rest] = branches;
      withs.push({
        name: `${this.part.prefix ?? ''}combined`,
        query: {
          select: [...keyCols.map((k) => ({ expr: col(k), as: k })), ...allCols.map((c) => ({ expr: agg('max', [col(c)]), as: c }))],
          from: { k: 'sub', query: { ...first!, unionAll: rest }, as: 'facts' },
          ...(keyCols.length ? { groupBy: keyCols.map((k) => col(k)) } : {}),
        },
      });
      combined = `${this.part.prefix ?? ''}combined`;
    }

    const columns: ColumnMeta[] = [];
    const out: SelectItem[] = [];
    for (const d of this.dims) {
      out.push({ expr: col(d.key), as: d.key });
      columns.push({ key: d.key, kind: 'dimension', label: d.label, ...(d.time ? { grain: d.time } : {}) });
    }
    if (sets) {
      out.push({ expr: col(GROUPING_COL), as: GROUPING_COL });
      columns.push({ key: GROUPING_COL, kind: 'grouping', label: { en: 'Rolled-up dimensions', zh: '汇总层级' } });
    }
    const baseKeys = new Set(base.map((m) => m.key));
    const meta = (m: MetricDef) => ({ unit: m.unit, ...(m.decimals !== undefined ? { decimals: m.decimals } : {}), metric: m.key });
    for (const m of this.metrics) {
      out.push({ expr: this.metricExpr(m, '', baseKeys), as: m.key });
      columns.push({ key: m.key, kind: 'metric', label: m.label, ...meta(m) });
    }
    if (frames.length > 1) {
      const word = this.q.compare === 'yoy' ? { en: 'last year', zh: '同期' } : { en: 'previous', zh: '上期' };
      for (const m of this.metrics) {
        const cur = this.metricExpr(m, '', baseKeys);
        const prev = this.metricExpr(m, '__prev', baseKeys);
        out.push({ expr: prev, as: `${m.key}__prev` });
        columns.push({ key: `${m.key}__prev`, kind: 'previous', label: { en: `${m.label.en} (${word.en})`, zh: `${m.label.zh}(${word.zh})` }, ...meta(m) });
        const ratio = m.unit === 'ratio';
        out.push({ expr: ratio ? bin('-', cur, prev) : safeDiv(bin('-', cur, prev), fn('abs', prev)), as: `${m.key}__change` });
        columns.push({
          key: `${m.key}__change`,
          kind: 'change',
          label: ratio ? { en: `${m.label.en} change (points)`, zh: `${m.label.zh}${this.q.compare === 'yoy' ? '同比' : '环比'}变化` } : { en: `${m.label.en} ${this.q.compare === 'yoy' ? 'YoY' : 'vs previous'} %`, zh: `${m.label.zh}${this.q.compare === 'yoy' ? '同比' : '环比'}` },
          unit: ratio ? 'ratio_change' : 'change',
          metric: m.key,
        });
      }
    }

    const known = new Set(columns.map((c) => c.key));
    const orderBy: { expr: Expr; desc?: boolean }[] = [];
    if (sets) {
      if (this.q.subtotals && !this.q.sort?.length) {
        const n = this.dims.length;
        this.dims.forEach((d, i) => {
          orderBy.push({ expr: bin('>=', col(GROUPING_COL), lit(2 ** (n - i) - 1)) });
          orderBy.push({ expr: col(d.key) });
        });
      } else orderBy.push({ expr: col(GROUPING_COL) });
    }
    for (const [i, s] of (this.q.sort ?? []).entries()) {
      const key = typeof s?.key === 'string' ? (findByName(this.catalog.metrics, s.key)?.key ?? findByName(this.catalog.dimensions, s.key)?.key ?? s.key) : '';
      if (!known.has(key) || key === GROUPING_COL) {
        this.issue('bad_sort', `sort[${i}].key`, `sort[${i}]: '${String(s?.key)}' is not a column of this query; columns: ${[...known].filter((k) => k !== GROUPING_COL).join(', ')}`);
        continue;
      }
      orderBy.push({ expr: col(key), desc: s.desc === true });
    }
    if (!this.q.sort?.length && !this.q.subtotals) for (const d of this.dims) orderBy.push({ expr: col(d.key) });
    if (this.issues.length) throw new QueryError(this.issues);

    const limitInJs = sets && this.q.limit !== undefined ? this.q.limit : undefined;
    const query: Select = {
      with: withs,
      select: out,
      from: { k: 'table', name: combined, as: combined },
      ...(orderBy.length ? { orderBy } : {}),
      ...(this.q.limit !== undefined && limitInJs === undefined ? { limit: this.q.limit } : {}),
    };
    return { query, columns, sets, limitInJs };
  }

  /**
   * The customers whose attributes pass the query's filters (saved segments, rule tags): one
   * `SELECT customer_id FROM customers …` with the same dimension expressions and filters as any query.
   */
  customerSet(attributes: readonly string[] = []): CompiledQuery {
    const q = this.q;
    if (q.filters !== undefined && !Array.isArray(q.filters)) this.issue('bad_query', 'filters', 'filters: expected a list');
    else for (const [i, f] of (q.filters ?? []).entries()) this.validateFilter(f, i);
    if (this.issues.length) throw new QueryError(this.issues);
    const scope = new SourceScope('customers');
    const where: Expr[] = [];
    for (const [i, f] of (q.filters ?? []).entries()) {
      const d = findByName(this.catalog.dimensions, f.dimension)!;
      if (d.time) {
        this.issue('dimension_unavailable', `filters[${i}].dimension`, `filters[${i}]: ${d.key} is a time dimension and customers have no time of their own; use a metric condition with a window`);
        continue;
      }
      const x = this.dimExpr(d, scope, lit(null), undefined, 'customers', `filters[${i}].dimension`, 'filter');
      if (x) where.push(this.filterExpr(f, x, d));
    }
    const extra: SelectItem[] = [];
    for (const [i, name] of attributes.entries()) {
      const d = findByName(this.catalog.dimensions, name);
      if (!d || d.time || membershipOf(d)) {
        this.issue('unknown_dimension', `dimensions[${i}]`, `'${name}' is not a customer attribute dimension`);
        continue;
      }
      const x = this.dimExpr(d, scope, lit(null), undefined, 'customers', `dimensions[${i}]`);
      if (x) extra.push({ expr: x, as: d.key });
    }
    if (this.issues.length) throw new QueryError(dedupe(this.issues));
    const query: Select = {
      select: [{ expr: col('customer_id', scope.alias), as: 'customer_id' }, ...extra],
      from: { k: 'table', name: 'customers', as: scope.alias },
      joins: this.joinList(scope),
      ...(where.length ? { where: and(...where) } : {}),
    };
    const withs = [...this.derivedTables].map((t) => ({ name: t, query: MODEL.get(t)!.query! }));
    const { sql, params } = render(withs.length ? { ...query, with: withs } : query, this.d);
    return { sql, params, columns: [] };
  }

  /**
   * Drill-through: the source rows (or the customers) behind a metric's number, under the query's period
   * and filters. Derived metrics use the rows of their components (which must share one source).
   */
  drillThrough(mode: 'rows' | 'customers', limit?: number): CompiledQuery {
    this.validate();
    if (this.metrics.length !== 1) this.issue('one_metric', 'metrics', 'drill-through: name exactly one metric');
    if (this.issues.length) throw new QueryError(this.issues);
    const m = this.metrics[0]!;
    const base = this.baseMetrics();
    const sources = new Set(base.map((b) => `${b.source}|${b.time}`));
    if (sources.size > 1) {
      throw new QueryError([{ code: 'drill_through_ambiguous', field: 'metrics[0]', message: `drill-through: ${m.key} combines ${base.map((b) => `${b.key} (${b.source})`).join(', ')}; drill through one of them` }]);
    }
    if (base.some((b) => b.lookbackDays !== undefined)) {
      throw new QueryError([{ code: 'drill_through_unsupported', field: 'metrics[0]', message: `drill-through: ${m.key} looks back over earlier periods; drill through buying_customers or orders instead` }]);
    }
    const b0 = base[0]!;
    const scope = new SourceScope(b0.source!);
    const time = this.resolveIn(formula(b0.time!), scope, 'metrics[0]')!;
    const from = this.q.from ? cast(param(this.q.from), 'timestamp') : undefined;
    const special = this.special(this.periodStartOf(time, from), undefined);
    const rf = (src: string, field: string, ctx: Partial<Parameters<typeof resolve>[1]> = {}): Expr | undefined => {
      try {
        return resolve(formula(src), { scope, special, ...ctx });
      } catch (e) {
        if (e instanceof ResolveError) {
          this.issue('formula_invalid', field, `${field}: ${e.message}`);
          return undefined;
        }
        throw e;
      }
    };
    const where: (Expr | undefined)[] = [];
    if (from) where.push(bin('>=', time, from));
    if (this.q.to) where.push(bin('<', time, cast(param(shiftDay(this.q.to, 1, 'day')), 'timestamp')));
    for (const [i, f] of (this.q.filters ?? []).entries()) {
      const d = findByName(this.catalog.dimensions, f.dimension)!;
      const x = this.dimExpr(d, scope, time, undefined, m.key, `filters[${i}].dimension`, 'filter');
      if (x) where.push(this.filterExpr(f, x, d));
    }
    // Rows that count towards any component: the OR of their filters (no filter: every row).
    const conds = base.map((b) => (b.filter ? rf(b.filter, `metrics.${b.key}.filter`) : undefined));
    if (conds.every((c) => c !== undefined)) where.push(conds.reduce((a, c) => bin('OR', a!, c!)));
    const per = base.find((b) => b.per);
    let keyExpr: Expr | undefined;
    if (per?.per) {
      keyExpr = rf(per.per.key, `metrics.${per.key}.per.key`);
      const names = new Map<string, Expr>();
      for (const [name, src] of Object.entries(per.per.values)) {
        const e = rf(src, `metrics.${per.key}.per.values.${name}`, { aggregates: true });
        if (e) names.set(name, e);
      }
      const having = per.per.having ? rf(per.per.having, `metrics.${per.key}.per.having`, { names }) : undefined;
      if (keyExpr && having) {
        // The keys whose rows pass `having` within the same filters (the repeat customers, say).
        where.push({ k: 'inSub', e: keyExpr, query: { select: [{ expr: keyExpr, as: 'k' }], from: { k: 'table', name: b0.source!, as: scope.alias }, joins: this.joinList(scope), where: and(...where), groupBy: [keyExpr], having } });
      }
    }
    const dimItems: SelectItem[] = [];
    for (const [i, d] of this.dims.entries()) {
      const e = this.dimExpr(d, scope, time, undefined, m.key, `dimensions[${i}]`);
      if (e) dimItems.push({ expr: e, as: d.key });
    }
    if (this.issues.length) throw new QueryError(dedupe(this.issues));
    const table = MODEL.get(b0.source!)!;
    let query: Select;
    const columns: ColumnMeta[] = [];
    if (mode === 'rows') {
      const cols = [...table.columns.keys()].filter((c) => !dimItems.some((d) => d.as === c));
      query = {
        select: [...dimItems, ...cols.map((c) => ({ expr: c === 'extra' ? cast(col(c, scope.alias), 'varchar') : col(c, scope.alias), as: c }))],
        from: { k: 'table', name: b0.source!, as: scope.alias },
        joins: this.joinList(scope),
        where: and(...where),
        orderBy: [{ expr: time }],
        ...(limit !== undefined ? { limit } : {}),
      };
      for (const d of this.dims) columns.push({ key: d.key, kind: 'dimension', label: d.label, ...(d.time ? { grain: d.time } : {}) });
    } else {
      let cust: Expr | undefined;
      if (b0.source === 'customers') cust = col('customer_id', scope.alias);
      else {
        const path = pathsFrom(b0.source!).get('customers');
        if (path) cust = scope.field([...path, 'customer_id']).expr;
      }
      if (keyExpr && per?.per && /customer_id$/.test(per.per.key)) cust = keyExpr;
      if (!cust) throw new QueryError([{ code: 'no_customers', field: 'metrics[0]', message: `drill-through: ${b0.source} rows do not lead to customers` }]);
      const custCols = [...MODEL.get('customers')!.columns.keys()];
      query = {
        select: custCols.map((c) => ({ expr: c === 'extra' ? cast(col(c, 'c'), 'varchar') : col(c, 'c'), as: c })),
        from: { k: 'table', name: 'customers', as: 'c' },
        where: { k: 'inSub', e: col('customer_id', 'c'), query: { select: [{ expr: cust, as: 'customer_id' }], from: { k: 'table', name: b0.source!, as: scope.alias }, joins: this.joinList(scope), where: and(...where, isNull(cust, true)) } },
        orderBy: [{ expr: col('customer_id', 'c') }],
        ...(limit !== undefined ? { limit } : {}),
      };
    }
    const withs = [...this.derivedTables].map((t) => ({ name: t, query: MODEL.get(t)!.query! }));
    const { sql, params } = render(withs.length ? { ...query, with: withs } : query, this.d);
    return { sql, params, columns };
  }

  private joinList(scope: SourceScope): Join[] {
    const js: Join[] = [];
    for (const j of scope.joins.values()) {
      if (MODEL.get(j.table)!.query) this.derivedTables.add(j.table);
      js.push({ kind: 'left', from: { k: 'table', name: j.table, as: j.alias }, on: bin('=', col(j.targetKey, j.alias), col(j.via, j.parentAlias)) });
    }
    return [...js, ...(this.memberJoins.get(scope) ?? [])];
  }
}

/** A period of whole calendar months (2024-03-01 … 2024-05-31) steps back by its months, so 环比 of March is February. */
function wholeMonths(from: string, to: string): Shift | undefined {
  if (!from.endsWith('-01') || shiftDay(to, 1, 'day').slice(8) !== '01') return undefined;
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  const n = (ty - fy) * 12 + (tm - fm) + 1;
  return n > 0 ? { n, unit: 'month' } : undefined;
}

function dedupe(issues: readonly QueryIssue[]): QueryIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => (seen.has(i.message) ? false : (seen.add(i.message), true)));
}

/** The rows or customers behind a metric's number; see Compiler.drillThrough. */
export function compileDrillThrough(catalog: Catalog, q: Query, opts: CompileOptions & { mode: 'rows' | 'customers'; limit?: number }): CompiledQuery {
  return new Compiler(catalog, q, opts).drillThrough(opts.mode, opts.limit);
}

/** `SELECT customer_id FROM customers` under dimension filters (only `filters` of the query is read); see Compiler.customerSet. */
export function compileCustomerSet(catalog: Catalog, filters: readonly Filter[], opts: CompileOptions, attributes: readonly string[] = []): CompiledQuery {
  return new Compiler(catalog, { metrics: [], filters }, opts).customerSet(attributes);
}

/** Compiles a query; throws QueryError listing every problem (unknown names, unreachable dimensions, bad values). */
export function compileQuery(catalog: Catalog, q: Query, opts: CompileOptions): CompiledQuery {
  if (typeof q !== 'object' || q === null || Array.isArray(q)) throw new QueryError([{ code: 'bad_query', field: '', message: 'expected a query: { "metrics": [...], "dimensions": [...], … }' }]);
  return new Compiler(catalog, q, opts).compile();
}
