/**
 * Exports a query result to CSV, XLSX or Parquet. Rows are streamed from the warehouse
 * (Warehouse.stream), never loaded whole, and written to a temporary file in the target's folder
 * that is renamed over the target only when complete: a failed or interrupted export leaves no
 * half-written file behind.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ENTITIES, quoteIdent } from '../schema/index.js';
import type { Column, Row, SqlValue, Warehouse } from '../warehouse/port.js';
import { writeCsv } from './csv.js';
import { writeParquet } from './parquet.js';
import { writeXlsx } from './xlsx.js';

export { csvField, csvLine, UTF8_BOM } from './csv.js';
export { xlsxCell, XLSX_MAX_ROWS } from './xlsx.js';

export const EXPORT_FORMATS = ['csv', 'xlsx', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const EXTENSIONS: Readonly<Record<string, ExportFormat>> = {
  '.csv': 'csv',
  '.xlsx': 'xlsx',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

/** The format named by the file's extension, or undefined. */
export function inferFormat(file: string): ExportFormat | undefined {
  return EXTENSIONS[extname(file).toLowerCase()];
}

/** Tables that may be exported by name: the schema's entity tables and Tidemark's import log. */
export function exportableTables(): string[] {
  return [...ENTITIES.map((e) => e.name), 'tm_imports', 'tm_quarantine'];
}

/** SELECT for a table named on the command line; undefined unless the name is in the schema list (never interpolated unchecked). */
export function tableQuery(name: string): string | undefined {
  return exportableTables().includes(name) ? `SELECT * FROM ${quoteIdent(name)}` : undefined;
}

/**
 * Column names and DuckDB types of a query's result, from `DESCRIBE <query>` (binds, does not run
 * it). Row objects from the port lose the types (dates arrive as text), and an empty result has no
 * rows to take names from. Statements DESCRIBE cannot wrap (SHOW, EXPLAIN …) give undefined.
 * The caller has already checked `sql` is a single read statement.
 */
export async function resultColumns(wh: Warehouse, sql: string): Promise<Column[] | undefined> {
  try {
    const r = await wh.query(`DESCRIBE ${sql}`);
    return r.rows.map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
  } catch {
    return undefined;
  }
}

/** Column names that occur more than once (row objects would keep only the last). */
export function duplicateColumns(columns: readonly Column[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) dup.add(c.name);
    seen.add(c.name);
  }
  return [...dup];
}

export interface AtomicOptions {
  /** Files that go with the output under the same name plus a suffix (a DuckDB file's `.wal`): moved along or removed with it. */
  readonly companions?: readonly string[];
  /** Runs before the process dies of Ctrl-C or SIGTERM (e.g. to clear a progress bar). */
  readonly onAbort?: () => void;
}

/**
 * Runs `fn` on a temporary path next to `out` and renames it to `out` once fn resolves. On failure,
 * or Ctrl-C, the temporary file is removed and `out` is left as it was.
 */
export async function writeAtomically<T>(out: string, fn: (tmp: string) => Promise<T>, opts: AtomicOptions = {}): Promise<T> {
  const target = resolve(out);
  const companions = opts.companions ?? [];
  mkdirSync(dirname(target), { recursive: true });
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  const cleanup = () => {
    for (const suffix of ['', ...companions]) rmSync(`${tmp}${suffix}`, { force: true });
  };
  const onSignal = (sig: NodeJS.Signals) => {
    opts.onAbort?.();
    cleanup();
    process.kill(process.pid, sig);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await fn(tmp);
    for (const suffix of companions) {
      rmSync(`${target}${suffix}`, { force: true });
      if (existsSync(`${tmp}${suffix}`)) renameSync(`${tmp}${suffix}`, `${target}${suffix}`);
    }
    renameSync(tmp, target);
    return result;
  } catch (e) {
    cleanup();
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export interface ExportOptions {
  /** A single read statement, already checked. */
  readonly sql: string;
  /** Bound parameters of sql. */
  readonly params?: readonly SqlValue[];
  /** From {@link resultColumns}; undefined: taken from the first row, types unknown. */
  readonly columns: readonly Column[] | undefined;
  readonly out: string;
  readonly format: ExportFormat;
  /** Sheet name for XLSX. */
  readonly sheet?: string;
  readonly onRows?: (n: number) => void;
}

export interface ExportResult {
  readonly out: string;
  readonly format: ExportFormat;
  readonly rows: number;
  readonly columns: readonly Column[];
}

/** Columns from the first batch's keys when DESCRIBE could not tell them; the batches replayed whole. */
async function withColumns(
  batches: AsyncIterable<Row[]>,
  known: readonly Column[] | undefined,
): Promise<{ columns: readonly Column[]; batches: AsyncIterable<Row[]> }> {
  if (known) return { columns: known, batches };
  const it = batches[Symbol.asyncIterator]();
  const first = await it.next();
  const head = first.done ? [] : first.value;
  const columns = Object.keys(head[0] ?? {}).map((name) => ({ name, type: 'UNKNOWN' }));
  async function* replay(): AsyncIterable<Row[]> {
    if (first.done) return;
    yield head;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  return { columns, batches: replay() };
}

export async function exportQuery(wh: Warehouse, opts: ExportOptions): Promise<ExportResult> {
  const out = resolve(opts.out);
  let columns: readonly Column[] = opts.columns ?? [];
  const rows = await writeAtomically(out, async (tmp) => {
    const source = await withColumns(wh.stream(opts.sql, opts.params), opts.columns);
    columns = source.columns;
    switch (opts.format) {
      case 'csv':
        return writeCsv(tmp, columns, source.batches, opts.onRows);
      case 'xlsx':
        return writeXlsx(tmp, columns, source.batches, { sheet: opts.sheet, onRows: opts.onRows });
      case 'parquet':
        return writeParquet(tmp, columns, source.batches, opts.onRows);
    }
  });
  return { out, format: opts.format, rows, columns };
}
