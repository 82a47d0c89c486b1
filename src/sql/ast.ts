/**
 * SQL as small typed values (after uwdata/mosaic): the query compiler builds these, a dialect renders
 * them. Nothing here holds SQL text: identifiers are names the compiler took from the catalog, values
 * are parameters, and the few string literals are the catalog's own constants, escaped by the renderer.
 */
import type { SqlValue } from '../warehouse/port.js';

export type TimeUnit = 'year' | 'quarter' | 'month' | 'week' | 'day' | 'hour';
export type DatePart = 'year' | 'quarter' | 'month' | 'week' | 'day' | 'dow' | 'hour';
export type CastType = 'double' | 'bigint' | 'varchar' | 'date' | 'timestamp';
/** Portable scalar functions; each dialect knows how to spell them. */
export type FnName = 'coalesce' | 'nullif' | 'abs' | 'greatest' | 'least' | 'lower' | 'upper' | 'round' | 'floor' | 'ceil' | 'concat' | 'strlen' | 'contains';
export type AggName = 'sum' | 'count' | 'avg' | 'min' | 'max' | 'median' | 'any';
export type BinOp = '+' | '-' | '*' | '/' | '=' | '<>' | '<' | '<=' | '>' | '>=' | 'AND' | 'OR';

export type Expr =
  | { readonly k: 'col'; readonly table?: string; readonly name: string }
  | { readonly k: 'param'; readonly value: SqlValue }
  | { readonly k: 'lit'; readonly value: number | string | boolean | null }
  | { readonly k: 'star' }
  | { readonly k: 'fn'; readonly name: FnName; readonly args: readonly Expr[] }
  | { readonly k: 'agg'; readonly name: AggName; readonly args: readonly Expr[]; readonly distinct?: boolean; readonly filter?: Expr }
  | { readonly k: 'bin'; readonly op: BinOp; readonly left: Expr; readonly right: Expr }
  | { readonly k: 'not'; readonly e: Expr }
  | { readonly k: 'neg'; readonly e: Expr }
  | { readonly k: 'isnull'; readonly e: Expr; readonly not: boolean }
  | { readonly k: 'in'; readonly e: Expr; readonly list: readonly Expr[]; readonly not: boolean }
  | { readonly k: 'like'; readonly e: Expr; readonly pattern: Expr; readonly not: boolean }
  | { readonly k: 'case'; readonly whens: readonly (readonly [Expr, Expr])[]; readonly else?: Expr }
  | { readonly k: 'cast'; readonly e: Expr; readonly to: CastType }
  | { readonly k: 'trunc'; readonly unit: TimeUnit; readonly e: Expr }
  | { readonly k: 'part'; readonly part: DatePart; readonly e: Expr }
  /** Seconds from `from` to `to` (fractional seconds dropped), as a number. */
  | { readonly k: 'seconds'; readonly from: Expr; readonly to: Expr }
  /** Whole years from `from` to `to` (an age: the birthday must have come). */
  | { readonly k: 'years'; readonly from: Expr; readonly to: Expr }
  /** e shifted by n units (n may be negative). */
  | { readonly k: 'shift'; readonly e: Expr; readonly n: number; readonly unit: 'year' | 'month' | 'day' }
  /** The date e + n days where n is an expression (for look-back windows). */
  | { readonly k: 'addDays'; readonly e: Expr; readonly n: Expr }
  | { readonly k: 'json'; readonly e: Expr; readonly key: string }
  | { readonly k: 'grouping'; readonly exprs: readonly Expr[] }
  | { readonly k: 'exists'; readonly query: Select; readonly not: boolean }
  | { readonly k: 'inSub'; readonly e: Expr; readonly query: Select };

export interface SelectItem {
  readonly expr: Expr;
  readonly as: string;
}

export type FromItem =
  | { readonly k: 'table'; readonly name: string; readonly as: string }
  | { readonly k: 'sub'; readonly query: Select; readonly as: string }
  /** A range of days/months…: one row per bucket start, column `bucket`, from..to inclusive. */
  | { readonly k: 'series'; readonly from: Expr; readonly to: Expr; readonly unit: TimeUnit; readonly as: string };

export interface Join {
  readonly kind: 'inner' | 'left';
  readonly from: FromItem;
  readonly on: Expr;
}

export interface OrderItem {
  readonly expr: Expr;
  readonly desc?: boolean;
}

export interface Select {
  readonly with?: readonly { readonly name: string; readonly query: Select }[];
  readonly distinct?: boolean;
  readonly select: readonly SelectItem[];
  readonly from?: FromItem;
  readonly joins?: readonly Join[];
  readonly where?: Expr;
  /** Plain GROUP BY, or GROUPING SETS when `groupingSets` is given (each set a list of indexes into groupBy). */
  readonly groupBy?: readonly Expr[];
  readonly groupingSets?: readonly (readonly number[])[];
  readonly having?: Expr;
  readonly unionAll?: readonly Select[];
  readonly orderBy?: readonly OrderItem[];
  readonly limit?: number;
  readonly offset?: number;
}

// Constructors: short, so compiler code reads like the SQL it builds.
export const col = (name: string, table?: string): Expr => (table === undefined ? { k: 'col', name } : { k: 'col', name, table });
export const param = (value: SqlValue): Expr => ({ k: 'param', value });
export const lit = (value: number | string | boolean | null): Expr => ({ k: 'lit', value });
export const star: Expr = { k: 'star' };
export const fn = (name: FnName, ...args: Expr[]): Expr => ({ k: 'fn', name, args });
export const agg = (name: AggName, args: readonly Expr[], opts: { distinct?: boolean; filter?: Expr } = {}): Expr => ({ k: 'agg', name, args, ...opts });
export const bin = (op: BinOp, left: Expr, right: Expr): Expr => ({ k: 'bin', op, left, right });
export const and = (...es: (Expr | undefined)[]): Expr | undefined => {
  const xs = es.filter((e): e is Expr => e !== undefined);
  return xs.length === 0 ? undefined : xs.reduce((a, b) => bin('AND', a, b));
};
export const not = (e: Expr): Expr => ({ k: 'not', e });
export const isNull = (e: Expr, negate = false): Expr => ({ k: 'isnull', e, not: negate });
export const cast = (e: Expr, to: CastType): Expr => ({ k: 'cast', e, to });
export const trunc = (unit: TimeUnit, e: Expr): Expr => ({ k: 'trunc', unit, e });
export const caseWhen = (whens: readonly (readonly [Expr, Expr])[], otherwise?: Expr): Expr =>
  otherwise === undefined ? { k: 'case', whens } : { k: 'case', whens, else: otherwise };
