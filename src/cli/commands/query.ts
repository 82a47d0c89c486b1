import { Option, type Command } from 'commander';
import { compileDrillThrough } from '../../query/compile.js';
import { drillDown, drillUp } from '../../query/drill.js';
import { pivot } from '../../query/pivot.js';
import { checkMembershipFilters, runQuery, warehouseToday } from '../../query/run.js';
import type { Filter, FilterOp, Query } from '../../query/types.js';
import { exportQuery } from '../../export/index.js';
import { openWarehouse } from '../../warehouse/duckdb.js';
import { addCommonOptions, dbPathOf, formatNumber, parsePositiveInt, printJson, Progress, renderTable, UsageError, write, type CommonOptions } from '../output.js';
import { addAnalysisOptions, type AnalysisOptions, asUsageError, langOf, openCatalog, renderResult, resultFormat, saveJson, saveTables, toResultTable } from './analysis.js';

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const collect = (v: string, prev: string[] = []) => [...prev, v];

/** `province=浙江省`, `channel=tmall|jd`, `month>=2024-03`, `product~咖啡`, `city=` (empty: is null), `city!=` (not null). */
export function parseFilter(text: string): Filter {
  const m = /^\s*([^=!<>~\s]+)\s*(!=|>=|<=|=|>|<|~)(.*)$/.exec(text);
  if (!m) throw new UsageError(`--filter '${text}': write DIMENSION=VALUE (also !=, >, >=, <, <=, ~ for contains; a|b for several values)`);
  const [, dimension, op, rest] = m as unknown as [string, string, string, string];
  const raw = rest.trim();
  const values = raw.split('|').map((s) => s.trim());
  let fop: FilterOp;
  switch (op) {
    case '=':
      fop = raw === '' ? 'is_null' : values.length > 1 ? 'in' : 'eq';
      break;
    case '!=':
      fop = raw === '' ? 'not_null' : values.length > 1 ? 'not_in' : 'ne';
      break;
    case '~':
      fop = 'contains';
      break;
    default:
      fop = ({ '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' } as const)[op as '>' | '>=' | '<' | '<='];
  }
  return fop === 'is_null' || fop === 'not_null' ? { dimension, op: fop } : { dimension, op: fop, values: fop === 'contains' ? [raw] : values };
}

export function parseSort(text: string): { key: string; desc: boolean } {
  const t = text.trim();
  return t.startsWith('-') ? { key: t.slice(1), desc: true } : { key: t.replace(/^\+/, ''), desc: false };
}

interface QueryOptions extends CommonOptions, AnalysisOptions {
  readonly metrics: string;
  readonly by?: string;
  readonly from?: string;
  readonly to?: string;
  readonly compare?: 'yoy' | 'mom';
  readonly filter?: string[];
  readonly sort?: string[];
  readonly limit?: string;
  readonly totals?: boolean;
  readonly subtotals?: boolean;
  readonly pivot?: string;
  readonly drillDown?: string;
  readonly drillUp?: string;
  readonly asOf?: string;
  readonly sql?: boolean;
}

export function queryFromFlags(opts: QueryOptions): Query {
  return {
    metrics: list(opts.metrics),
    ...(opts.by ? { dimensions: list(opts.by) } : {}),
    ...(opts.filter?.length ? { filters: opts.filter.map(parseFilter) } : {}),
    ...(opts.from ? { from: opts.from } : {}),
    ...(opts.to ? { to: opts.to } : {}),
    ...(opts.compare ? { compare: opts.compare } : {}),
    ...(opts.sort?.length ? { sort: opts.sort.map(parseSort) } : {}),
    ...(opts.limit ? { limit: parsePositiveInt('--limit', opts.limit) } : {}),
    ...(opts.totals ? { totals: true } : {}),
    ...(opts.subtotals ? { subtotals: true } : {}),
    ...(opts.asOf ? { asOf: opts.asOf } : {}),
  };
}

function periodNote(q: Query, lang: 'zh' | 'en'): string[] {
  const notes: string[] = [];
  if (q.from || q.to) notes.push(lang === 'zh' ? `期间 ${q.from ?? '…'} 至 ${q.to ?? '…'}` : `Period ${q.from ?? '…'} to ${q.to ?? '…'}`);
  if (q.filters?.length) notes.push((lang === 'zh' ? '筛选 ' : 'Filters ') + q.filters.map((f) => `${f.dimension} ${f.op} ${(f.values ?? []).join('|')}`).join('; '));
  return notes;
}

async function runQueryCommand(opts: QueryOptions): Promise<void> {
  const catalog = openCatalog(opts);
  const lang = langOf(opts);
  const format = resultFormat(opts);
  let q = queryFromFlags(opts);
  try {
    if (opts.drillDown) {
      const m = /^([^=]+)=(.+)$/.exec(opts.drillDown);
      if (!m) throw new UsageError(`--drill-down '${opts.drillDown}': write DIMENSION=VALUE, e.g. year=2024`);
      q = drillDown(catalog, q, m[1]!.trim(), m[2]!.trim());
    }
    if (opts.drillUp) q = drillUp(catalog, q, opts.drillUp.trim());
  } catch (e) {
    throw asUsageError(e);
  }
  const wh = await openWarehouse({ path: dbPathOf(opts), readOnly: true });
  try {
    let result;
    try {
      result = await runQuery(wh, catalog, q);
    } catch (e) {
      throw asUsageError(e);
    }
    let columns = result.columns;
    let rows = result.rows;
    if (opts.pivot) {
      try {
        const p = pivot(result, list(opts.pivot));
        columns = p.columns;
        rows = p.rows;
      } catch (e) {
        throw new UsageError(`--pivot: ${(e as Error).message.replace(/^pivot: /, '')}`);
      }
    }
    const grouping = opts.pivot ? undefined : columns.some((c) => c.kind === 'grouping') ? '_grouping' : undefined;
    if (format === 'json') {
      const body = { query: result.query, columns, rows, sql: result.sql, params: result.params, ms: Math.round(result.ms) };
      await saveJson(opts.out, body);
      return;
    }
    if (format === 'table') {
      let text = renderResult(catalog, columns, rows, lang, grouping);
      text += `\n${formatNumber(rows.length)} row${rows.length === 1 ? '' : 's'} · ${Math.round(result.ms)} ms${result.query.from || result.query.to ? ` · ${result.query.from ?? '…'} → ${result.query.to ?? '…'}` : ''}\n`;
      if (opts.sql) text += `\n${result.sql}\n-- params: ${JSON.stringify(result.params)}\n`;
      await write(text);
      return;
    }
    await saveTables(format, opts.out, [toResultTable(catalog, lang === 'zh' ? '查询结果' : 'Query', columns, rows, lang, periodNote(result.query, lang), grouping)]);
    if (opts.out) process.stderr.write(`Wrote ${formatNumber(rows.length)} rows to ${opts.out}\n`);
  } finally {
    await wh.close();
  }
}

export function registerQuery(program: Command): void {
  const cmd = program
    .command('query')
    .description('any metric of the catalog by any dimensions, over a period, with 同比/环比, totals, pivot and drill-down')
    .requiredOption('--metrics <list>', 'metric keys or labels, comma-separated (tidemark metrics lists them)')
    .option('--by <list>', 'dimensions, comma-separated: year, quarter, month, week, day, province, city, channel, category, product, rep … (tidemark dimensions)')
    .option('--from <YYYY-MM-DD>', 'first day of the period (each metric uses its own date: orders by order time, deals by close time …)')
    .option('--to <YYYY-MM-DD>', 'last day of the period, inclusive')
    .addOption(new Option('--compare <kind>', 'yoy = same period last year (同比), mom = previous period (环比)').choices(['yoy', 'mom']))
    .option('--filter <expr>', 'DIMENSION=VALUE (!=, >, >=, <, <=, ~ contains; a|b several values); repeatable', collect)
    .option('--sort <key>', 'a metric or dimension of the query, -key for descending; repeatable', collect)
    .option('--limit <n>', 'at most n rows (top-N with --sort -metric)')
    .option('--totals', 'add a grand-total row')
    .option('--subtotals', 'subtotals along the dimensions in order, and a grand total')
    .option('--pivot <list>', 'dimensions to spread across columns (rows × columns)')
    .option('--drill-down <dim=value>', 'the query one level finer within that value, e.g. year=2024 → quarters of 2024')
    .option('--drill-up <dim>', 'the query one level coarser, e.g. month → quarter')
    .option('--as-of <YYYY-MM-DD>', 'the day "today" means (overdue receivables, ages)')
    .option('--sql', 'also print the SQL that ran');
  addAnalysisOptions(cmd);
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  tidemark query --metrics revenue,aov --by month,province --from 2024-01-01 --to 2024-12-31 --compare yoy
  tidemark query --metrics 销售额,复购率 --by channel --totals
  tidemark query --metrics item_revenue --by category,product --sort -item_revenue --limit 10
  tidemark query --metrics revenue --by year --drill-down year=2024
  tidemark query --metrics win_rate,won_amount --by branch,rep --subtotals --out 赢单.xlsx
`,
  );
  cmd.action(runQueryCommand);
}

interface DrillOptions extends CommonOptions, AnalysisOptions {
  readonly metric: string;
  readonly from?: string;
  readonly to?: string;
  readonly filter?: string[];
  readonly customers?: boolean;
  readonly limit?: string;
  readonly asOf?: string;
}

async function runDrill(opts: DrillOptions): Promise<void> {
  const catalog = openCatalog(opts);
  const format = resultFormat(opts);
  const q: Query = {
    metrics: [opts.metric],
    ...(opts.filter?.length ? { filters: opts.filter.map(parseFilter) } : {}),
    ...(opts.from ? { from: opts.from } : {}),
    ...(opts.to ? { to: opts.to } : {}),
    ...(opts.asOf ? { asOf: opts.asOf } : {}),
  };
  const limit = opts.limit ? parsePositiveInt('--limit', opts.limit) : format === 'table' ? 50 : undefined;
  const wh = await openWarehouse({ path: dbPathOf(opts), readOnly: true });
  try {
    let compiled;
    try {
      compiled = compileDrillThrough(catalog, q, { today: await warehouseToday(wh), mode: opts.customers ? 'customers' : 'rows', ...(limit !== undefined ? { limit } : {}) });
      await checkMembershipFilters(wh, catalog, q);
    } catch (e) {
      throw asUsageError(e);
    }
    if (opts.out && (format === 'csv' || format === 'xlsx')) {
      const progress = new Progress('Exporting');
      try {
        // Streams: drill-through can be millions of rows.
        // Column types (so dates become Excel dates): DESCRIBE binds the query without running it.
        const described = await wh.query(`DESCRIBE ${compiled.sql}`, compiled.params).catch(() => undefined);
        const columns = described?.rows.map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
        const r = await exportQuery(wh, { sql: compiled.sql, params: compiled.params, columns, out: opts.out, format, sheet: opts.metric, onRows: (n) => progress.update(n) });
        progress.done();
        process.stderr.write(`Wrote ${formatNumber(r.rows)} rows to ${r.out}\n`);
      } finally {
        progress.done();
      }
      return;
    }
    const res = await wh.query(compiled.sql, compiled.params);
    if (format === 'json' || format === 'csv') {
      if (format === 'json') await printJson({ rows: res.rows, sql: compiled.sql, params: compiled.params });
      else await saveTables('csv', undefined, [{ name: opts.metric, columns: res.columns.map((c) => ({ header: c.name })), rows: res.rows.map((r) => res.columns.map((c) => r[c.name])) }]);
      return;
    }
    await write(renderTable(res.columns.map((c) => ({ key: c.name, type: c.type, maxWidth: 24 })), res.rows, { maxTotalWidth: process.stdout.columns || 160 }) + `\n${formatNumber(res.rows.length)} row${res.rows.length === 1 ? '' : 's'}${limit !== undefined && res.rows.length === limit ? ` (first ${limit}; --limit or --out for more)` : ''}\n`);
  } finally {
    await wh.close();
  }
}

export function registerDrill(program: Command): void {
  const cmd = program
    .command('drill')
    .description('drill-through: the orders (or customers) behind a number, under the same period and filters')
    .requiredOption('--metric <key>', 'the metric whose number you are looking at')
    .option('--from <YYYY-MM-DD>', 'first day of the period')
    .option('--to <YYYY-MM-DD>', 'last day of the period, inclusive')
    .option('--filter <expr>', 'the cell: DIMENSION=VALUE, e.g. month=2024-03 province=浙江省; repeatable', collect)
    .option('--customers', 'list the customers instead of the source rows')
    .option('--limit <n>', 'at most n rows (default 50 on a terminal, all otherwise)')
    .option('--as-of <YYYY-MM-DD>', 'the day "today" means');
  addAnalysisOptions(cmd);
  addCommonOptions(cmd);
  cmd.addHelpText('after', '\nExamples:\n  tidemark drill --metric revenue --filter month=2024-03 --filter province=浙江省\n  tidemark drill --metric repeat_customers --from 2024-01-01 --to 2024-12-31 --customers --out 复购客户.xlsx\n');
  cmd.action(runDrill);
}
