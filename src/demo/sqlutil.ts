import { ENTITIES, SYSTEM_COLUMNS, quoteIdent, sqlType, type EntityDef } from '../schema/index.js';
import type { SqlValue, Warehouse } from '../warehouse/index.js';

/** A row built in TypeScript: field name → value (missing fields are NULL). */
export type DemoRow = Record<string, SqlValue | readonly string[] | undefined>;

const FS = '\u0001'; // field separator
const RS = '\u0002'; // row separator
const LS = '\u0003'; // list element separator
const NULL_MARK = '\u0004'; // chr(4) in the SQL

function encode(v: SqlValue | readonly string[] | undefined): string {
  if (v === null || v === undefined) return NULL_MARK;
  if (Array.isArray(v)) return v.join(LS);
  const s = String(v);
  if (/[\u0001-\u0004]/.test(s)) throw new Error(`demo value contains a control character: ${JSON.stringify(s)}`);
  return s;
}

export function entityDef(table: string): EntityDef {
  const e = ENTITIES.find((x) => x.name === table);
  if (!e) throw new Error(`unknown entity ${table}`);
  return e;
}

/**
 * Inserts rows built in TypeScript into an entity table in one statement: the rows travel as one
 * delimited text parameter that DuckDB splits and casts (far faster than a row-by-row appender).
 * `_flags` defaults to an empty list, `extra` and `_import_id` to NULL.
 */
export async function insertRows(wh: Warehouse, table: string, rows: readonly DemoRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const e = entityDef(table);
  const names = [...e.fields.map((f) => f.name), ...SYSTEM_COLUMNS.map((s) => s.name)];
  const text = rows.map((r) => names.map((n) => encode(r[n])).join(FS)).join(RS);
  const exprs = names.map((n, i) => {
    const raw = `nullif(r[${i + 1}], chr(4))`;
    if (n === '_flags') return `coalesce(list_filter(string_split(${raw}, chr(3)), x -> x <> ''), []::VARCHAR[])`;
    if (n === 'extra') return `${raw}::JSON`;
    if (n === '_import_id') return `${raw}::BIGINT`;
    const f = e.fields.find((x) => x.name === n);
    return `${raw}::${sqlType(f?.type ?? 'text')}`;
  });
  const sql = `INSERT INTO ${quoteIdent(table)} (${names.map(quoteIdent).join(', ')}) SELECT ${exprs.join(', ')} FROM (SELECT string_split(line, chr(1)) AS r FROM (SELECT unnest(string_split($1, chr(2))) AS line))`;
  return wh.run(sql, [text]);
}

/**
 * The column list of an INSERT: the given fields (checked against the schema, so a renamed field
 * fails loudly instead of shifting values) and `_flags`; `extra` and `_import_id` stay NULL.
 */
export function cols(table: string, fields: string): string {
  const e = entityDef(table);
  const names = fields.split(',').map((x) => x.trim());
  for (const n of names) if (!e.fields.some((f) => f.name === n)) throw new Error(`${table}.${n} is not in the schema`);
  return `(${[...names, '_flags'].map(quoteIdent).join(', ')})`;
}

/** A list parameter: pass `listParam(values)` as a bound value and read it with `listExpr(n, type)`. */
export function listParam(values: readonly (string | number)[]): string {
  return values.map((v) => encode(String(v))).join(LS);
}

export function listExpr(param: number, elementType: 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'BOOLEAN'): string {
  const base = `string_split($${param}, chr(3))`;
  return elementType === 'VARCHAR' ? base : `${base}::${elementType}[]`;
}

/** SQL string literal. */
export function lit(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A TIMESTAMP from an expression in seconds since the epoch (wall clock). */
export function ts(secondsExpr: string): string {
  return `make_timestamp((${secondsExpr})::BIGINT * 1000000)`;
}

/** An id like C0000042 from an integer expression. */
export function idSql(prefix: string, expr: string, width: number): string {
  return `'${prefix}' || lpad((${expr})::VARCHAR, ${width}, '0')`;
}

export function idJs(prefix: string, n: number, width: number): string {
  return `${prefix}${String(n).padStart(width, '0')}`;
}

/** Formats epoch seconds as 'YYYY-MM-DD HH:MM:SS'. */
export function fmtTs(sec: number): string {
  return new Date(Math.round(sec) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

export function fmtDate(sec: number): string {
  return new Date(Math.round(sec) * 1000).toISOString().slice(0, 10);
}

/** Money in yuan from integer cents, as an exact decimal string. */
export function yuan(cents: number): string {
  const c = Math.round(cents);
  const sign = c < 0 ? '-' : '';
  const a = Math.abs(c);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}
