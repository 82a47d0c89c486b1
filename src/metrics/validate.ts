/**
 * Checks every catalog entry and returns all problems at once, each naming the metric or dimension and
 * the field: unknown sources, fields and functions, formulas that do not parse, derived metrics that
 * refer to missing metrics, and every reference cycle.
 */
import { lit } from '../sql/ast.js';
import { FormulaError, metricRefs, parseFormula, type Formula } from './formula.js';
import { MODEL } from './model.js';
import { hasAggregate, resolve, ResolveError, SourceScope, type ResolveContext } from './resolve.js';
import type { CatalogIssue, DimensionDef, MetricDef } from './types.js';

/** Lower-case a-z, 0-9 and single underscores: `__` is reserved for generated columns (`revenue__prev`). */
export const KEY_PATTERN = /^(?!.*__)[a-z][a-z0-9_]{0,62}$/;
const UNITS = new Set(['currency', 'count', 'ratio', 'number', 'days', 'hours', 'score', 'points']);
const TIME_TYPES = new Set(['date', 'timestamp']);
const TIME_GRAINS = new Set(['year', 'quarter', 'month', 'week', 'day', 'month_of_year', 'quarter_of_year', 'season', 'weekday', 'hour_of_day']);

/** Stand-ins for the query-time functions, so formulas can be checked without a query. */
export const CHECK_SPECIALS = (lookback: boolean) => (name: string) =>
  name === 'period_start' || name === 'today' ? lit('2000-01-01') : name === 'in_period' && lookback ? lit(true) : undefined;

function parse(src: unknown, field: string, issues: CatalogIssue[]): Formula | undefined {
  if (typeof src !== 'string' || src.trim() === '') {
    issues.push({ code: 'missing_formula', field, message: `${field}: expected a formula (text)` });
    return undefined;
  }
  try {
    return parseFormula(src);
  } catch (e) {
    if (e instanceof FormulaError) {
      issues.push({ code: 'formula_syntax', field, message: `${field}: ${e.message} at character ${e.position + 1} of '${src}'` });
      return undefined;
    }
    throw e;
  }
}

function check(fn: () => void, field: string, issues: CatalogIssue[], code = 'formula_invalid'): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (e instanceof ResolveError) {
      issues.push({ code, field, message: `${field}: ${e.message}` });
      return false;
    }
    throw e;
  }
}

function checkLabel(label: unknown, field: string, issues: CatalogIssue[]): void {
  const l = label as { en?: unknown; zh?: unknown } | undefined;
  if (!l || typeof l.en !== 'string' || typeof l.zh !== 'string' || !l.en || !l.zh) {
    issues.push({ code: 'missing_label', field, message: `${field}: expected { "zh": "…", "en": "…" }` });
  }
}

function checkAggregate(m: MetricDef, p: string, issues: CatalogIssue[]): void {
  if (typeof m.source !== 'string' || !MODEL.has(m.source)) {
    issues.push({ code: 'unknown_source', field: `${p}.source`, message: `${p}.source: '${String(m.source)}' is not a table; tables: ${[...MODEL.keys()].join(', ')}` });
    return;
  }
  const scope = new SourceScope(m.source);
  const special = CHECK_SPECIALS(m.lookbackDays !== undefined);
  if (typeof m.time !== 'string') {
    issues.push({ code: 'missing_time', field: `${p}.time`, message: `${p}.time: expected the date or timestamp field periods are taken on` });
  } else {
    check(() => {
      const path = m.time!.split('.');
      const { type } = scope.field(path);
      if (!TIME_TYPES.has(type)) throw new ResolveError(`'${m.time}' is ${type}, not a date or timestamp`);
    }, `${p}.time`, issues);
  }
  if (m.filter !== undefined) {
    const f = parse(m.filter, `${p}.filter`, issues);
    if (f) check(() => resolve(f, { scope, special }), `${p}.filter`, issues);
  }
  if (m.lookbackDays !== undefined && (!Number.isInteger(m.lookbackDays) || m.lookbackDays < 1 || m.lookbackDays > 3660)) {
    issues.push({ code: 'bad_lookback', field: `${p}.lookbackDays`, message: `${p}.lookbackDays: expected whole days between 1 and 3660` });
  }
  const measure = parse(m.measure, `${p}.measure`, issues);
  if (m.per !== undefined) {
    const per = m.per;
    const key = parse(per.key, `${p}.per.key`, issues);
    if (key) check(() => resolve(key, { scope, special }), `${p}.per.key`, issues);
    const names = new Map<string, ReturnType<typeof lit>>();
    if (typeof per.values !== 'object' || per.values === null) {
      issues.push({ code: 'bad_per', field: `${p}.per.values`, message: `${p}.per.values: expected { "name": "aggregate formula" }` });
    } else {
      for (const [name, src] of Object.entries(per.values)) {
        if (!KEY_PATTERN.test(name)) issues.push({ code: 'bad_key', field: `${p}.per.values.${name}`, message: `${p}.per.values: '${name}' is not a valid name (a-z, 0-9, _)` });
        const f = parse(src, `${p}.per.values.${name}`, issues);
        // Resolve first, so an unknown function is reported as such rather than as "not an aggregate".
        if (f && check(() => resolve(f, { scope, special, aggregates: true }), `${p}.per.values.${name}`, issues) && !hasAggregate(f)) {
          issues.push({ code: 'not_aggregate', field: `${p}.per.values.${name}`, message: `${p}.per.values.${name}: expected an aggregate such as count(*)` });
        }
        names.set(name, lit(0));
      }
    }
    if (per.having !== undefined) {
      const h = parse(per.having, `${p}.per.having`, issues);
      if (h) check(() => resolve(h, { names }), `${p}.per.having`, issues);
    }
    if (measure && check(() => resolve(measure, { names, aggregates: true }), `${p}.measure`, issues) && !hasAggregate(measure)) {
      issues.push({ code: 'not_aggregate', field: `${p}.measure`, message: `${p}.measure: expected an aggregate over the per-${per.key} values` });
    }
  } else if (measure && check(() => resolve(measure, { scope, special, aggregates: true }), `${p}.measure`, issues) && !hasAggregate(measure)) {
    issues.push({ code: 'not_aggregate', field: `${p}.measure`, message: `${p}.measure: expected an aggregate such as sum(amount) or count(*)` });
  }
}

/** Tarjan's strongly connected components; each component with a loop is reported as one cycle path. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      const self = (graph.get(v) ?? []).includes(v);
      if (comp.length > 1 || self) {
        // A concrete loop through the component, starting at its first member in key order.
        const members = new Set(comp);
        const start = [...comp].sort()[0]!;
        const path = [start];
        const seen = new Set([start]);
        let cur = start;
        for (;;) {
          const next = (graph.get(cur) ?? []).filter((x) => members.has(x));
          const back = next.find((x) => x === start);
          if (back !== undefined && (path.length > 1 || self)) break;
          const n = next.find((x) => !seen.has(x));
          if (n === undefined) break;
          path.push(n);
          seen.add(n);
          cur = n;
        }
        out.push([...path, start]);
      }
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) strong(v);
  return out;
}

export function validateMetrics(metrics: readonly MetricDef[], dimensionKeys: ReadonlySet<string>): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  const keys = new Set<string>();
  const graph = new Map<string, string[]>();
  for (const [i, m] of metrics.entries()) {
    const p = `metrics.${typeof m.key === 'string' && m.key ? m.key : `#${i + 1}`}`;
    if (typeof m.key !== 'string' || !KEY_PATTERN.test(m.key)) {
      issues.push({ code: 'bad_key', field: `${p}.key`, message: `${p}.key: '${String(m.key)}' is not a valid key (lower-case a-z, 0-9, _; starting with a letter)` });
      continue;
    }
    if (keys.has(m.key)) issues.push({ code: 'duplicate_key', field: `${p}.key`, message: `${p}: defined twice; each metric is defined once` });
    if (dimensionKeys.has(m.key)) issues.push({ code: 'duplicate_key', field: `${p}.key`, message: `${p}: '${m.key}' is also a dimension` });
    keys.add(m.key);
    checkLabel(m.label, `${p}.label`, issues);
    if (!UNITS.has(m.unit)) issues.push({ code: 'bad_unit', field: `${p}.unit`, message: `${p}.unit: '${String(m.unit)}' is not one of ${[...UNITS].join(', ')}` });
    if (typeof m.description !== 'string' || !m.description) issues.push({ code: 'missing_description', field: `${p}.description`, message: `${p}.description: say what the number means` });
    if (typeof m.owner !== 'string' || !m.owner) issues.push({ code: 'missing_owner', field: `${p}.owner`, message: `${p}.owner: name the department that owns the definition` });
    const derived = m.formula !== undefined;
    const aggregate = m.source !== undefined || m.measure !== undefined;
    if (derived && aggregate) {
      issues.push({ code: 'ambiguous_metric', field: p, message: `${p}: give either source + measure (an aggregate) or formula (derived from other metrics), not both` });
    } else if (derived) {
      const f = parse(m.formula, `${p}.formula`, issues);
      if (f) {
        graph.set(m.key, metricRefs(f));
        check(() => resolve(f, { metric: () => lit(1) }), `${p}.formula`, issues);
      }
    } else if (aggregate) {
      checkAggregate(m, p, issues);
      graph.set(m.key, []);
    } else {
      issues.push({ code: 'missing_formula', field: p, message: `${p}: give source + measure, or formula` });
    }
  }
  for (const [k, refs] of graph) {
    for (const r of refs) {
      if (!keys.has(r)) issues.push({ code: 'unknown_metric', field: `metrics.${k}.formula`, message: `metrics.${k}.formula: {${r}} is not a metric` });
    }
  }
  for (const cycle of findCycles(graph)) {
    issues.push({ code: 'metric_cycle', field: `metrics.${cycle[0]}.formula`, message: `metrics.${cycle[0]}.formula: circular definition ${cycle.map((c) => `{${c}}`).join(' → ')}` });
  }
  return issues;
}

export function validateDimensions(dims: readonly DimensionDef[]): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  const keys = new Set<string>();
  for (const [i, d] of dims.entries()) {
    const p = `dimensions.${typeof d.key === 'string' && d.key ? d.key : `#${i + 1}`}`;
    if (typeof d.key !== 'string' || !KEY_PATTERN.test(d.key)) {
      issues.push({ code: 'bad_key', field: `${p}.key`, message: `${p}.key: '${String(d.key)}' is not a valid key (lower-case a-z, 0-9, _)` });
      continue;
    }
    if (keys.has(d.key)) issues.push({ code: 'duplicate_key', field: `${p}.key`, message: `${p}: defined twice` });
    keys.add(d.key);
    checkLabel(d.label, `${p}.label`, issues);
    if (d.time !== undefined) {
      if (!TIME_GRAINS.has(d.time)) issues.push({ code: 'bad_time', field: `${p}.time`, message: `${p}.time: '${String(d.time)}' is not one of ${[...TIME_GRAINS].join(', ')}` });
      continue;
    }
    if (!Array.isArray(d.anchors) || d.anchors.length === 0) {
      issues.push({ code: 'missing_anchor', field: `${p}.anchors`, message: `${p}.anchors: expected [{ "table": "customers", "expr": "province" }]` });
      continue;
    }
    for (const [j, a] of d.anchors.entries()) {
      const f = `${p}.anchors[${j}]`;
      if (!MODEL.has(a.table)) {
        issues.push({ code: 'unknown_source', field: `${f}.table`, message: `${f}.table: '${String(a.table)}' is not a table` });
        continue;
      }
      const e = parse(a.expr, `${f}.expr`, issues);
      const ctx: ResolveContext = { scope: new SourceScope(a.table), special: CHECK_SPECIALS(false) };
      if (e) check(() => resolve(e, ctx), `${f}.expr`, issues);
    }
  }
  return issues;
}
