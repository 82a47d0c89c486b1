/** Rule definitions (saved segments, rule and model tags): validation against the catalog, and the SQL that evaluates them. */
import { defaultAsOf } from '../analyses/rfm/index.js';
import type { Catalog } from '../metrics/types.js';
import { compileCustomerSet, compileQuery, findByName, isAdditive } from '../query/compile.js';
import { isDay, shiftDay } from '../query/time.js';
import { QueryError, type Filter, type QueryIssue } from '../query/types.js';
import { quoteIdent } from '../schema/index.js';
import type { SqlValue, Warehouse } from '../warehouse/port.js';

export const CONDITION_OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

/** A per-customer condition on a catalog metric over a window. */
export interface MetricCondition {
  readonly metric: string;
  readonly op: ConditionOp;
  readonly values: readonly number[];
  /** The `days` days before the as-of day: [asOf − days, asOf). */
  readonly days?: number;
  /** Or a fixed window, inclusive days. Neither: all history. */
  readonly from?: string;
  readonly to?: string;
}

export interface RuleDefinition {
  /** Filters on catalog dimensions that reach customers (province, tier, rfm_segment, segment, tag…). */
  readonly filters?: readonly Filter[];
  readonly metrics?: readonly MetricCondition[];
}

export interface RuleIssue {
  readonly code: string;
  readonly field: string;
  readonly message: string;
}

export class RuleError extends Error {
  override readonly name = 'RuleError';
  constructor(readonly issues: readonly RuleIssue[]) {
    super(issues.map((i) => i.message).join('\n'));
  }
}

export interface BuiltSql {
  readonly sql: string;
  readonly params: SqlValue[];
}

/** Key of a segment or tag: letters (any script), digits, _ . : - ; at most 64 characters. */
export const KEY_PATTERN = /^[\p{L}\p{N}_][\p{L}\p{N}_.:-]{0,63}$/u;

export function checkKey(key: unknown, what: string): RuleIssue[] {
  if (typeof key === 'string' && KEY_PATTERN.test(key)) return [];
  return [{ code: 'bad_key', field: 'key', message: `${what} key '${String(key)}': use letters, digits, _ . : - (at most 64, not starting with . : -)` }];
}

function windowOf(c: MetricCondition, asOf: string): { from?: string; to?: string } {
  if (c.days !== undefined) return { from: shiftDay(asOf, -c.days, 'day'), to: shiftDay(asOf, -1, 'day') };
  return { ...(c.from ? { from: c.from } : {}), ...(c.to ? { to: c.to } : {}) };
}

const fromQuery = (issues: readonly QueryIssue[], prefix: string): RuleIssue[] => issues.map((i) => ({ code: i.code, field: `${prefix}${i.field}`, message: `${prefix}${i.message}` }));

/** Every problem of a definition at once: shape, unknown or unreachable dimensions and metrics, values, windows. */
export function validateDefinition(catalog: Catalog, def: unknown, today: string): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (typeof def !== 'object' || def === null || Array.isArray(def)) return [{ code: 'bad_definition', field: 'definition', message: 'definition: expected { "filters": [...], "metrics": [...] }' }];
  const d = def as Record<string, unknown>;
  const unknown = Object.keys(d).filter((k) => k !== 'filters' && k !== 'metrics');
  if (unknown.length) issues.push({ code: 'bad_definition', field: 'definition', message: `definition: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; expected filters, metrics` });
  for (const k of ['filters', 'metrics'] as const) if (d[k] !== undefined && !Array.isArray(d[k])) issues.push({ code: 'bad_definition', field: k, message: `${k}: expected a list` });
  if (issues.length) return issues;
  const filters = (d.filters ?? []) as Filter[];
  const conds = (d.metrics ?? []) as MetricCondition[];
  if (filters.length === 0 && conds.length === 0) return [{ code: 'empty_definition', field: 'definition', message: 'definition: give at least one filter or metric condition' }];
  try {
    compileCustomerSet(catalog, filters, { today });
  } catch (e) {
    if (!(e instanceof QueryError)) throw e;
    issues.push(...fromQuery(e.issues, ''));
  }
  for (const [i, c] of conds.entries()) {
    const p = `metrics[${i}]`;
    if (typeof c !== 'object' || c === null) {
      issues.push({ code: 'bad_condition', field: p, message: `${p}: expected { "metric": …, "op": …, "values": [...] }` });
      continue;
    }
    const m = typeof c.metric === 'string' ? findByName(catalog.metrics, c.metric) : undefined;
    if (!m) {
      issues.push({ code: 'unknown_metric', field: `${p}.metric`, message: `${p}: unknown metric '${String(c.metric)}'; metrics: ${[...catalog.metrics.keys()].join(', ')}` });
      continue;
    }
    if (!(CONDITION_OPS as readonly string[]).includes(c.op)) issues.push({ code: 'bad_condition_op', field: `${p}.op`, message: `${p}.op: '${String(c.op)}' is not one of ${CONDITION_OPS.join(', ')}` });
    const want = c.op === 'between' ? 2 : 1;
    if (!Array.isArray(c.values) || c.values.length !== want || c.values.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
      issues.push({ code: 'bad_condition_values', field: `${p}.values`, message: `${p}.values: ${m.key} ${String(c.op)} takes ${want === 2 ? 'two numbers' : 'one number'}` });
    }
    if (c.days !== undefined && (!Number.isInteger(c.days) || c.days < 1 || c.days > 36600)) issues.push({ code: 'bad_window', field: `${p}.days`, message: `${p}.days: expected a whole number of days from 1 to 36600, got ${String(c.days)}` });
    if (c.days !== undefined && (c.from !== undefined || c.to !== undefined)) issues.push({ code: 'bad_window', field: `${p}.days`, message: `${p}: give days or from/to, not both` });
    for (const f of ['from', 'to'] as const) if (c[f] !== undefined && (typeof c[f] !== 'string' || !isDay(c[f]))) issues.push({ code: 'bad_date', field: `${p}.${f}`, message: `${p}.${f}: '${String(c[f])}' is not a date; use YYYY-MM-DD` });
    if (issues.some((x) => x.field.startsWith(p))) continue;
    // The compiler says whether the metric can be computed per customer (its source reaches customers, it has a window if it needs one).
    try {
      compileQuery(catalog, { metrics: [m.key], dimensions: ['customer'], ...windowOf(c, today) }, { today });
    } catch (e) {
      if (!(e instanceof QueryError)) throw e;
      issues.push(...e.issues.map((x) => ({ code: x.code, field: `${p}.metric`, message: `${p} (${m.key} per customer): ${x.message}` })));
    }
  }
  return issues;
}

/** The as-of day windows `days` count back from: the day after the last counted order (as RFM), else `today`. */
export async function ruleAsOf(wh: Warehouse, today: string): Promise<string> {
  return (await defaultAsOf(wh)) ?? today;
}

function comparison(op: ConditionOp, x: string, n: number): string {
  switch (op) {
    case 'eq':
      return `${x} = $${n}`;
    case 'ne':
      return `${x} <> $${n}`;
    case 'gt':
      return `${x} > $${n}`;
    case 'gte':
      return `${x} >= $${n}`;
    case 'lt':
      return `${x} < $${n}`;
    case 'lte':
      return `${x} <= $${n}`;
    case 'between':
      return `${x} BETWEEN $${n} AND $${n + 1}`;
  }
}

/**
 * The statements that evaluate a (validated) definition: the first selects the customers whose attributes
 * pass the filters, each further one the customers passing one metric condition; members = their intersection.
 */
export function ruleSql(catalog: Catalog, def: RuleDefinition, asOf: string, today: string): BuiltSql[] {
  const issues = validateDefinition(catalog, def, today);
  if (issues.length) throw new RuleError(issues);
  const base = compileCustomerSet(catalog, def.filters ?? [], { today });
  const out: BuiltSql[] = [{ sql: base.sql, params: base.params }];
  for (const c of def.metrics ?? []) {
    const m = findByName(catalog.metrics, c.metric)!;
    const q = compileQuery(catalog, { metrics: [m.key], dimensions: ['customer'], ...windowOf(c, asOf) }, { today });
    // A customer without rows in the window has 0 of a sum or count, and no value of a ratio or average.
    const v = `v.${quoteIdent(m.key)}`;
    const x = isAdditive(m) ? `coalesce(${v}, 0)` : v;
    out.push({
      sql: `SELECT c.customer_id FROM customers c LEFT JOIN (${q.sql}) v ON v."customer" = c.customer_id WHERE ${comparison(c.op, x, q.params.length + 1)}`,
      params: [...q.params, ...c.values],
    });
  }
  return out;
}

/** Fills temp table `target` (customer_id) with a definition's members; runs inside the caller's transaction. */
export async function evaluateInto(tx: Warehouse, target: string, statements: readonly BuiltSql[]): Promise<void> {
  const [first, ...rest] = statements;
  await tx.run(`CREATE OR REPLACE TEMP TABLE ${target} AS SELECT DISTINCT customer_id FROM (${first!.sql}) s WHERE customer_id IS NOT NULL`, first!.params);
  for (const s of rest) await tx.run(`DELETE FROM ${target} WHERE customer_id NOT IN (SELECT customer_id FROM (${s.sql}) s WHERE customer_id IS NOT NULL)`, s.params);
}

/** The keys of `dimension` (segment or tag) a definition filters on: it reads their stored members. */
export function referencedKeys(catalog: Catalog, def: RuleDefinition | null | undefined, dimension: 'segment' | 'tag'): string[] {
  const out: string[] = [];
  for (const f of def?.filters ?? []) {
    if (typeof f?.dimension === 'string' && findByName(catalog.dimensions, f.dimension)?.key === dimension) out.push(...(f.values ?? []).map(String));
  }
  return out;
}

/**
 * Items ordered so that one is evaluated after those it reads (a segment of a segment sees the refreshed members);
 * a cycle (a reads b, b reads a, or a reads itself) is an error naming it.
 */
export function dependencyOrder<T extends { key: string }>(items: readonly T[], deps: (t: T) => readonly string[], what: string): T[] {
  const byKey = new Map(items.map((t) => [t.key, t]));
  const done = new Set<string>();
  const out: T[] = [];
  const visit = (t: T, path: string[]): void => {
    if (done.has(t.key)) return;
    if (path.includes(t.key)) throw new RuleError([{ code: 'cyclic_rule', field: 'definition', message: `${what} ${[...path.slice(path.indexOf(t.key)), t.key].join(' → ')}: a rule cannot read itself, directly or through others` }]);
    for (const d of deps(t)) {
      const x = byKey.get(d);
      if (x) visit(x, [...path, t.key]);
    }
    done.add(t.key);
    out.push(t);
  };
  for (const t of items) visit(t, []);
  return out;
}
