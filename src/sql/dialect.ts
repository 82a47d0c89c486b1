import type { SqlValue } from '../warehouse/port.js';
import type { AggName, CastType, DatePart, FnName, TimeUnit } from './ast.js';

/** How one SQL engine spells the constructs whose spelling differs. Arguments are already-rendered SQL. */
export interface Dialect {
  readonly name: string;
  ident(name: string): string;
  literal(v: number | string | boolean | null): string;
  /** The placeholder for the n-th bound parameter (1-based). */
  param(n: number, value: SqlValue): string;
  fn(name: FnName, args: readonly string[]): string;
  agg(name: AggName, args: readonly string[], distinct: boolean, filter: string | undefined): string;
  cast(e: string, to: CastType): string;
  trunc(unit: TimeUnit, e: string): string;
  part(part: DatePart, e: string): string;
  seconds(from: string, to: string): string;
  years(from: string, to: string): string;
  shift(e: string, n: number, unit: 'year' | 'month' | 'day'): string;
  addDays(e: string, n: string): string;
  /** The text value of a key of a JSON column (custom fields). */
  json(e: string, key: string): string;
  grouping(args: readonly string[]): string;
  series(from: string, to: string, unit: TimeUnit): string;
  /** Appended to a whole statement (engine settings the generated SQL relies on). */
  readonly statementSuffix?: string;
}

export function quoteIdentDouble(name: string): string {
  if (name.includes('\0')) throw new Error(`identifier contains NUL: ${JSON.stringify(name)}`);
  return `"${name.replace(/"/g, '""')}"`;
}

export function sqlString(s: string): string {
  if (s.includes('\0')) throw new Error('string literal contains NUL');
  return `'${s.replace(/'/g, "''")}'`;
}

export function numberLiteral(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  return Number.isInteger(n) ? String(n) : String(n);
}
