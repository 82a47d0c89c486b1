/**
 * Turns catalog formulas into typed SQL: fields resolve through the model's relations (collecting the
 * joins they need), functions come from a fixed list, and every constant becomes a literal or a bound
 * parameter. Anything else is an error naming what was wrong.
 */
import type { FieldType } from '../schema/types.js';
import { agg, bin, cast, caseWhen, col, fn, isNull, lit, type AggName, type Expr, type FnName } from '../sql/ast.js';
import type { Formula } from './formula.js';
import { MODEL, type ModelTable } from './model.js';

export class ResolveError extends Error {
  override readonly name = 'ResolveError';
}

export interface Joined {
  readonly alias: string;
  readonly table: string;
  readonly parentAlias: string;
  readonly via: string;
  readonly targetKey: string;
}

/** The rows of one source table and the many-to-one joins that formulas over it have asked for. */
export class SourceScope {
  readonly alias = 't';
  readonly joins = new Map<string, Joined>();

  constructor(
    readonly root: string,
    readonly model: ReadonlyMap<string, ModelTable> = MODEL,
  ) {
    if (!model.has(root)) throw new ResolveError(`unknown source table '${root}'; known: ${[...model.keys()].join(', ')}`);
  }

  /** Resolves `a.b.c`: relations then a column (or `extra.<custom field>`). */
  field(path: readonly string[]): { expr: Expr; type: FieldType } {
    let table = this.model.get(this.root)!;
    let alias = this.alias;
    for (let i = 0; i < path.length; i++) {
      const name = path[i]!;
      const last = i === path.length - 1;
      if (name === 'extra' && table.columns.has('extra') && i === path.length - 2) {
        return { expr: { k: 'json', e: col('extra', alias), key: path[i + 1]! }, type: 'text' };
      }
      if (last) {
        const type = table.columns.get(name);
        if (type === undefined) {
          const rels = table.relations.map((r) => r.name);
          throw new ResolveError(`'${path.join('.')}': ${table.name} has no field '${name}' (fields: ${[...table.columns.keys()].join(', ')}${rels.length ? `; relations: ${rels.join(', ')}` : ''})`);
        }
        return { expr: col(name, alias), type };
      }
      const rel = table.relations.find((r) => r.name === name);
      if (!rel) {
        throw new ResolveError(`'${path.join('.')}': ${table.name} has no relation '${name}' (relations: ${table.relations.map((r) => r.name).join(', ') || 'none'})`);
      }
      // `owner.employee_id` is the referencing column itself: no join, and the value is there even when the
      // referenced row is missing (opportunities imported before their reps).
      if (i === path.length - 2 && path[i + 1] === rel.targetKey) return { expr: col(rel.via, alias), type: table.columns.get(rel.via) ?? 'id' };
      const nextAlias = alias === this.alias ? name : `${alias}__${name}`;
      if (!this.joins.has(nextAlias)) this.joins.set(nextAlias, { alias: nextAlias, table: rel.target, parentAlias: alias, via: rel.via, targetKey: rel.targetKey });
      alias = nextAlias;
      table = this.model.get(rel.target)!;
    }
    throw new ResolveError('empty field path');
  }
}

export interface ResolveContext {
  readonly scope?: SourceScope;
  /** Aggregates allowed here (a measure), and not inside another aggregate. */
  readonly aggregates?: boolean;
  /** `{metric}` references (derived formulas). */
  readonly metric?: (name: string) => Expr;
  /** Names bound to expressions (the `values` of a two-stage metric). */
  readonly names?: ReadonlyMap<string, Expr>;
  /** `period_start()`, `in_period()`, `today()`: supplied by the compiler for the query at hand. */
  readonly special?: (name: string) => Expr | undefined;
}

const SCALAR: Record<string, FnName> = {
  coalesce: 'coalesce',
  nullif: 'nullif',
  abs: 'abs',
  greatest: 'greatest',
  least: 'least',
  round: 'round',
  floor: 'floor',
  ceil: 'ceil',
  lower: 'lower',
  upper: 'upper',
  length: 'strlen',
};
/** Argument counts of the scalar functions (min, max); the SQL engines reject others at run time. */
const ARITY: Record<string, readonly [number, number]> = { coalesce: [1, Infinity], greatest: [1, Infinity], least: [1, Infinity], nullif: [2, 2], round: [1, 2], abs: [1, 1], floor: [1, 1], ceil: [1, 1], lower: [1, 1], upper: [1, 1], length: [1, 1] };
const AGGS: Record<string, AggName> = { sum: 'sum', count: 'count', avg: 'avg', min: 'min', max: 'max', median: 'median' };
export const FUNCTIONS = [...Object.keys(AGGS), 'count_distinct', 'count_if', 'sum_if', 'age_band', ...Object.keys(SCALAR), 'days_between', 'hours_between', 'period_start', 'in_period', 'today'];

const BIN = new Set(['+', '-', '*', '/', '=', '<>', '<', '<=', '>', '>=', 'AND', 'OR']);

/** x / y with y = 0 giving NULL rather than an error or infinity. */
export function safeDiv(x: Expr, y: Expr): Expr {
  return bin('/', cast(x, 'double'), fn('nullif', y, lit(0)));
}

export function resolve(f: Formula, ctx: ResolveContext, inAgg = false): Expr {
  const r = (x: Formula, a = inAgg) => resolve(x, ctx, a);
  switch (f.k) {
    case 'num':
      return lit(f.value);
    case 'str':
      return lit(f.value);
    case 'bool':
      return lit(f.value);
    case 'null':
      return lit(null);
    case 'metric':
      if (!ctx.metric) throw new ResolveError(`{${f.name}}: metric references belong in a derived metric's formula`);
      return ctx.metric(f.name);
    case 'field': {
      if (f.path.length === 1 && ctx.names?.has(f.path[0]!)) return ctx.names.get(f.path[0]!)!;
      if (!ctx.scope) throw new ResolveError(`'${f.path.join('.')}': fields are not allowed here${ctx.names ? ` (names: ${[...ctx.names.keys()].join(', ')})` : ''}`);
      return ctx.scope.field(f.path).expr;
    }
    case 'bin':
      if (!BIN.has(f.op)) throw new ResolveError(`operator ${f.op} is not supported`);
      if (f.op === '/') return safeDiv(r(f.left), r(f.right));
      return bin(f.op as Parameters<typeof bin>[0], r(f.left), r(f.right));
    case 'not':
      return { k: 'not', e: r(f.e) };
    case 'neg':
      return { k: 'neg', e: r(f.e) };
    case 'isnull':
      return { k: 'isnull', e: r(f.e), not: f.not };
    case 'in':
      return { k: 'in', e: r(f.e), list: f.list.map((x) => r(x)), not: f.not };
    case 'call': {
      const name = f.name;
      const special = ctx.special?.(name);
      if (special !== undefined) {
        if (f.args.length > 0) throw new ResolveError(`${name}() takes no arguments`);
        return special;
      }
      if (name === 'count_distinct' || AGGS[name] !== undefined) {
        if (!ctx.aggregates) throw new ResolveError(`${name}(): aggregates are not allowed here`);
        if (inAgg) throw new ResolveError(`${name}(): an aggregate inside an aggregate`);
        if (f.star) {
          if (name !== 'count') throw new ResolveError(`${name}(*): only count(*) takes *`);
          return agg('count', []);
        }
        if (f.args.length !== 1) throw new ResolveError(`${name}() takes one argument`);
        const arg = r(f.args[0]!, true);
        if (name === 'count_distinct') return agg('count', [arg], { distinct: true });
        return agg(AGGS[name]!, [arg], f.distinct ? { distinct: true } : {});
      }
      if (name === 'count_if' || name === 'sum_if') {
        if (!ctx.aggregates) throw new ResolveError(`${name}(): aggregates are not allowed here`);
        if (inAgg) throw new ResolveError(`${name}(): an aggregate inside an aggregate`);
        const want = name === 'count_if' ? 1 : 2;
        if (f.args.length !== want) throw new ResolveError(name === 'count_if' ? 'count_if(condition) takes one argument' : 'sum_if(value, condition) takes two arguments');
        const cond = r(f.args[want - 1]!, true);
        return name === 'count_if' ? agg('count', [], { filter: cond }) : agg('sum', [r(f.args[0]!, true)], { filter: cond });
      }
      if (name === 'age_band') {
        if (f.args.length !== 1) throw new ResolveError('age_band(birth_date) takes one argument');
        const today = ctx.special?.('today');
        if (!today) throw new ResolveError('age_band() needs today()');
        const years: Expr = { k: 'years', from: r(f.args[0]!), to: today };
        const bands: [number, string][] = [[18, '<18'], [25, '18-24'], [35, '25-34'], [45, '35-44'], [55, '45-54']];
        return caseWhen([[isNull(r(f.args[0]!)), lit(null)], ...bands.map(([n, label]) => [bin('<', years, lit(n)), lit(label)] as const)], lit('55+'));
      }
      if (name === 'days_between' || name === 'hours_between') {
        if (f.args.length !== 2) throw new ResolveError(`${name}(from, to) takes two arguments`);
        const secs: Expr = { k: 'seconds', from: r(f.args[0]!), to: r(f.args[1]!) };
        return bin('/', cast(secs, 'double'), lit(name === 'days_between' ? 86400 : 3600));
      }
      const s = SCALAR[name];
      if (s === undefined) throw new ResolveError(`unknown function ${name}(); functions: ${FUNCTIONS.join(', ')}`);
      const [lo, hi] = ARITY[name] ?? [1, Infinity];
      if (f.args.length < lo || f.args.length > hi) {
        throw new ResolveError(`${name}() takes ${lo === hi ? lo : hi === Infinity ? `${lo} or more` : `${lo} to ${hi}`} argument${hi === 1 ? '' : 's'}, got ${f.args.length}`);
      }
      return fn(s, ...f.args.map((a) => r(a)));
    }
  }
}

/** True when the formula contains an aggregate call (so it is a measure, not a row expression). */
export function hasAggregate(f: Formula): boolean {
  switch (f.k) {
    case 'call':
      return f.name === 'count_distinct' || f.name === 'count_if' || f.name === 'sum_if' || AGGS[f.name] !== undefined || f.args.some(hasAggregate);
    case 'bin':
      return hasAggregate(f.left) || hasAggregate(f.right);
    case 'not':
    case 'neg':
    case 'isnull':
      return hasAggregate(f.e);
    case 'in':
      return hasAggregate(f.e) || f.list.some(hasAggregate);
    default:
      return false;
  }
}
