/**
 * How exported values are typed. Rows come from Warehouse.stream as JSON-friendly values
 * (DATE/TIMESTAMP as text, DECIMAL as number, lists as arrays), so each writer needs the column's
 * DuckDB type to turn them back into dates and numbers.
 */
import type { Column } from '../warehouse/port.js';

export type ColumnKind = 'number' | 'bigint' | 'bool' | 'date' | 'timestamp' | 'text' | 'nested' | 'unknown';

const INT_TYPES = /^(TINYINT|SMALLINT|INTEGER|UTINYINT|USMALLINT|UINTEGER)$/;
const BIG_TYPES = /^(BIGINT|HUGEINT|UBIGINT|UHUGEINT)$/;
const FLOAT_TYPES = /^(FLOAT|DOUBLE|DECIMAL\(\d+,\s*\d+\))$/;

export function columnKind(type: string): ColumnKind {
  const t = type.toUpperCase();
  if (INT_TYPES.test(t) || FLOAT_TYPES.test(t)) return 'number';
  if (BIG_TYPES.test(t)) return 'bigint';
  if (t === 'BOOLEAN') return 'bool';
  if (t === 'DATE') return 'date';
  if (/^TIMESTAMP(_S|_MS|_NS| WITH TIME ZONE)?$/.test(t)) return 'timestamp';
  if (t === 'VARCHAR' || t === 'JSON' || t === 'UUID' || t === 'TIME' || t.startsWith('ENUM(')) return 'text';
  if (t === 'UNKNOWN' || t === '') return 'unknown';
  if (/\]$|^(STRUCT|MAP|UNION)\(/.test(t)) return 'nested';
  return 'text';
}

/** Scalar types that may be named in SQL run on the export's scratch database. */
const SAFE_SCALAR = /^(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL\(\d{1,2},\s?\d{1,2}\)|DATE|TIME|TIMESTAMP|TIMESTAMP_S|TIMESTAMP_MS|TIMESTAMP_NS|TIMESTAMP WITH TIME ZONE|TIME WITH TIME ZONE|INTERVAL|UUID|VARCHAR|BLOB|JSON)$/;
const SAFE_LIST = /^(.+?)((\[\d{0,9}\])+)$/;

/**
 * The column type for the Parquet staging table, only ever one of a fixed vocabulary (never free
 * type text from a query, which could carry SQL): scalars keep their type; lists of scalars are
 * staged as JSON and cast back at COPY time; structs, maps, unions, enums and intervals go out
 * as JSON/VARCHAR text.
 */
export function parquetTypes(type: string): { stage: string; cast?: string } {
  const t = type.toUpperCase().replace(/\s+/g, ' ');
  if (t === 'INTERVAL') return { stage: 'JSON' }; // streamed as {months, days, micros}
  if (t.startsWith('ENUM(')) return { stage: 'VARCHAR' };
  if (SAFE_SCALAR.test(t)) return { stage: t };
  const m = SAFE_LIST.exec(t);
  if (m && m[1] !== undefined && SAFE_SCALAR.test(m[1]) && m[1] !== 'INTERVAL') return { stage: 'JSON', cast: t };
  if (t === 'UNKNOWN' || t === '') return { stage: 'VARCHAR' };
  return { stage: 'JSON' };
}

/** A CSV/Parquet text form of a value: nested values as JSON, everything else as DuckDB printed it. */
export function plainText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
}

const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP_TEXT = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?/;

/**
 * A date or timestamp as Excel wants it: a Date whose UTC fields are the wall-clock fields, since
 * Excel has no time zones and exceljs converts with UTC. Timestamps are wall-clock times in the
 * warehouse time zone already; a TIMESTAMPTZ keeps the wall clock DuckDB printed and drops the offset.
 * Out of Excel's range (before 1900) or unparsable: undefined, and the text is kept.
 */
export function excelDate(text: string, kind: 'date' | 'timestamp'): Date | undefined {
  const m = kind === 'date' ? DATE_TEXT.exec(text) : TIMESTAMP_TEXT.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  if (y < 1900 || y > 9999) return undefined;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const d = new Date(Date.UTC(y, Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), ms));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function columnKinds(columns: readonly Column[]): ColumnKind[] {
  return columns.map((c) => columnKind(c.type));
}
