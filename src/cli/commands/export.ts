import { Option, type Command } from 'commander';
import { duplicateColumns, EXPORT_FORMATS, exportableTables, exportQuery, inferFormat, resultColumns, tableQuery, type ExportFormat } from '../../export/index.js';
import { openWarehouse } from '../../warehouse/duckdb.js';
import { addCommonOptions, dbPathOf, formatNumber, printJson, Progress, UsageError, wantJson, write, type CommonOptions } from '../output.js';
import { assertReadOnlySql, sqlInputError } from './sql.js';

interface ExportOptions extends CommonOptions {
  readonly table?: string;
  readonly sql?: string;
  readonly out: string;
  readonly format?: ExportFormat;
}

/** The format: --format, else the extension of --out. */
export function exportFormat(out: string, format: ExportFormat | undefined): ExportFormat {
  if (format) return format;
  const inferred = inferFormat(out);
  if (!inferred) throw new UsageError(`--format: cannot tell the format from '${out}'; end --out in .csv, .xlsx or .parquet, or pass --format ${EXPORT_FORMATS.join('|')}`);
  return inferred;
}

async function runExport(opts: ExportOptions): Promise<void> {
  if ((opts.table === undefined) === (opts.sql === undefined)) throw new UsageError('give exactly one of --table NAME or --sql "SELECT …"');
  const format = exportFormat(opts.out, opts.format);
  let sql: string;
  if (opts.table !== undefined) {
    const q = tableQuery(opts.table);
    if (!q) throw new UsageError(`--table: unknown table '${opts.table}'; one of ${exportableTables().join(', ')}`);
    sql = q;
  } else {
    sql = opts.sql ?? '';
  }
  const started = Date.now();
  const wh = await openWarehouse({ path: dbPathOf(opts), readOnly: true });
  try {
    // --sql goes through exactly the checks of `tidemark sql`; --table SQL is built from a schema name.
    if (opts.sql !== undefined) await assertReadOnlySql(wh, sql, '--sql');
    // Names and types (dates must become Excel dates); undefined for SHOW/EXPLAIN-like statements,
    // which are then exported with the first row's names and no types.
    const columns = await resultColumns(wh, sql);
    const dup = columns ? duplicateColumns(columns) : [];
    if (dup.length) throw new UsageError(`--sql: the result has more than one column named ${dup.map((d) => `'${d}'`).join(', ')}; give each an alias (… AS name)`);
    let total: number | undefined;
    if (opts.table !== undefined) total = Number((await wh.query(`SELECT count(*) AS n FROM (${sql})`)).rows[0]?.n ?? 0);
    const progress = new Progress(`Exporting ${opts.table ?? 'query'}`);
    let result;
    try {
      result = await exportQuery(wh, {
        sql,
        columns,
        out: opts.out,
        format,
        sheet: opts.table ?? 'query',
        onRows: (n) => progress.update(n, total),
      });
    } catch (e) {
      throw sqlInputError(e);
    } finally {
      progress.done();
    }
    const seconds = (Date.now() - started) / 1000;
    if (wantJson(opts)) {
      await printJson({ out: result.out, format, rows: result.rows, columns: result.columns, seconds });
    } else {
      await write(`Exported ${formatNumber(result.rows)} row${result.rows === 1 ? '' : 's'} to ${result.out} (${format}, ${seconds.toFixed(1)} s)\n`);
    }
  } finally {
    await wh.close();
  }
}

export function registerExport(program: Command): void {
  const cmd = program
    .command('export')
    .description('export a table or a read-only query to CSV (Excel-ready), XLSX or Parquet')
    .option('--table <name>', 'a table of the schema, or tm_imports / tm_quarantine')
    .option('--sql <query>', 'a read-only query (the same rules as tidemark sql)')
    .requiredOption('--out <file>', 'the file to write; replaced only once the export is complete')
    .addOption(new Option('--format <format>', 'default: from the --out extension').choices([...EXPORT_FORMATS]));
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
CSV is UTF-8 with a byte-order mark and CRLF line ends, so Excel opens Chinese text intact.
Examples:
  tidemark export --table customers --out customers.xlsx
  tidemark export --sql "SELECT * FROM orders WHERE ordered_at >= DATE '2024-01-01'" --out orders-2024.csv
  tidemark export --table orders --out orders.parquet`,
  );
  cmd.action(async (opts: ExportOptions) => runExport(opts));
}
