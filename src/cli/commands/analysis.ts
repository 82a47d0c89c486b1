/** What the analysis commands (metrics, query, drill, report) share: the catalog, errors, and showing or saving results. */
import { existsSync, writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { CatalogError, loadCatalog } from '../../metrics/catalog/index.js';
import type { Catalog } from '../../metrics/types.js';
import { columnHeader, defaultLang, dimensionValueLabel, excelFormat, formatValue, type Lang } from '../../query/format.js';
import type { ColumnMeta } from '../../query/types.js';
import { QueryError } from '../../query/types.js';
import { writeAtomically } from '../../export/index.js';
import { tablesCsv, writeTablesCsv, writeTablesXlsx, type ResultTable } from '../../export/tables.js';
import type { Row } from '../../warehouse/port.js';
import { jsonReplacer, printJson, renderTable, UsageError, write } from '../output.js';

export const RESULT_FORMATS = ['table', 'json', 'csv', 'xlsx'] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

export interface AnalysisOptions {
  readonly catalog?: string;
  readonly lang?: Lang;
  readonly format?: ResultFormat;
  readonly out?: string;
}

export function addAnalysisOptions(cmd: Command): Command {
  return cmd
    .option('--catalog <file>', 'catalog config with your own metrics, dimensions and reports (default: $TIDEMARK_CATALOG, else ./tidemark.catalog.json if present)')
    .addOption(new Option('--lang <lang>', 'language of headers and labels (default: $TIDEMARK_LANG, else zh)').choices(['zh', 'en']))
    .addOption(new Option('--format <format>', 'table on a terminal, json when piped; csv/xlsx with --out write a file').choices([...RESULT_FORMATS]))
    .option('--out <file>', 'write the result to this file (.csv UTF-8 with BOM, .xlsx); the format follows the extension');
}

export function catalogPath(opts: AnalysisOptions): string | undefined {
  if (opts.catalog) return opts.catalog;
  if (process.env.TIDEMARK_CATALOG) return process.env.TIDEMARK_CATALOG;
  return existsSync('tidemark.catalog.json') ? 'tidemark.catalog.json' : undefined;
}

/** Catalog and query errors are the user's input: exit 2 with every problem listed on one line. */
export function asUsageError(e: unknown): unknown {
  if (e instanceof QueryError) return new UsageError(e.issues.map((i) => i.message).join('; '));
  if (e instanceof CatalogError) return new UsageError(e.issues.length ? `${e.message.split('\n')[0]} ${e.issues.map((i) => i.message).join('; ')}` : e.message);
  return e;
}

export function openCatalog(opts: AnalysisOptions): Catalog {
  try {
    return loadCatalog(catalogPath(opts));
  } catch (e) {
    throw asUsageError(e);
  }
}

export function langOf(opts: AnalysisOptions): Lang {
  return opts.lang ?? defaultLang();
}

/** The output format: --format, else from --out's extension, else table on a terminal and json otherwise. */
export function resultFormat(opts: AnalysisOptions & { json?: boolean }, isTTY = process.stdout.isTTY === true): ResultFormat {
  if (opts.format) {
    if (opts.format === 'xlsx' && !opts.out) throw new UsageError('--format xlsx needs --out FILE.xlsx');
    return opts.format;
  }
  if (opts.out) {
    if (/\.xlsx$/i.test(opts.out)) return 'xlsx';
    if (/\.csv$/i.test(opts.out)) return 'csv';
    if (/\.json$/i.test(opts.out)) return 'json';
    throw new UsageError(`--out: cannot tell the format from '${opts.out}'; end it in .csv, .xlsx or .json, or pass --format`);
  }
  if (opts.json) return 'json';
  return isTTY ? 'table' : 'json';
}

/** Display cells: dimension codes with their label (tmall 天猫), totals marked. */
function displayRows(catalog: Catalog, columns: readonly ColumnMeta[], rows: readonly Row[], lang: Lang, groupingColumn?: string): unknown[][] {
  const dims = columns.filter((c) => c.kind === 'dimension');
  return rows.map((r) => {
    const g = groupingColumn ? Number(r[groupingColumn] ?? 0) : 0;
    return columns
      .filter((c) => c.kind !== 'grouping')
      .map((c) => {
        const v = r[c.key];
        if (c.kind === 'dimension') {
          const i = dims.indexOf(c);
          const rolled = g !== 0 && ((g >> (dims.length - 1 - i)) & 1) === 1;
          if (rolled) return i === 0 || ((g >> (dims.length - i)) & 1) === 0 ? (lang === 'zh' ? '合计' : 'Total') : '';
          const label = dimensionValueLabel(catalog, c.key, v, lang);
          return label ?? v ?? null;
        }
        return v ?? null;
      });
  });
}

export function toResultTable(catalog: Catalog, name: string, columns: readonly ColumnMeta[], rows: readonly Row[], lang: Lang, notes: readonly string[] = [], groupingColumn?: string): ResultTable {
  const shown = columns.filter((c) => c.kind !== 'grouping');
  return {
    name,
    notes,
    columns: shown.map((c) => ({ header: columnHeader(c, lang), ...(excelFormat(c) ? { numFmt: excelFormat(c)! } : {}) })),
    rows: displayRows(catalog, columns, rows, lang, groupingColumn),
  };
}

/** A terminal table: values formatted by unit (¥, %, days). */
export function renderResult(catalog: Catalog, columns: readonly ColumnMeta[], rows: readonly Row[], lang: Lang, groupingColumn?: string): string {
  const shown = columns.filter((c) => c.kind !== 'grouping');
  const cells = displayRows(catalog, columns, rows, lang, groupingColumn);
  const objects = cells.map((r) => Object.fromEntries(r.map((v, i) => [shown[i]!.key, shown[i]!.kind === 'dimension' ? (v ?? (lang === 'zh' ? '(空)' : '(none)')) : formatValue(v, shown[i]!, lang)])));
  return renderTable(
    shown.map((c) => ({ key: c.key, header: columnHeader(c, lang), align: c.kind === 'dimension' ? 'left' : 'right' })),
    objects,
  );
}

/** A JSON result to --out (written whole, then renamed into place) or to stdout. */
export async function saveJson(out: string | undefined, body: unknown): Promise<void> {
  if (out) await writeAtomically(out, async (tmp) => writeFileSync(tmp, JSON.stringify(body, jsonReplacer, 2) + '\n'));
  else await printJson(body);
}

/** Writes tables to --out in the chosen format, or CSV to stdout. */
export async function saveTables(format: ResultFormat, out: string | undefined, tables: readonly ResultTable[]): Promise<void> {
  if (format === 'xlsx') await writeTablesXlsx(out!, tables);
  else if (format === 'csv') {
    if (out) await writeTablesCsv(out, tables);
    else await write(tablesCsv(tables, { excel: false }));
  }
}
