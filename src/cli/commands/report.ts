import type { Command } from 'commander';
import { readCatalogConfig } from '../../metrics/catalog/index.js';
import type { Catalog } from '../../metrics/types.js';
import { allReports, runReport, validateReports, type ReportDef } from '../../reports/index.js';
import { checkPeriod } from '../../overview/index.js';
import { openWarehouse } from '../../warehouse/duckdb.js';
import { addCommonOptions, dbPathOf, printJson, renderTable, UsageError, write, type CommonOptions } from '../output.js';
import { parseFilter } from './query.js';
import { addAnalysisOptions, type AnalysisOptions, asUsageError, catalogPath, langOf, openCatalog, renderResult, resultFormat, saveJson, saveTables, toResultTable } from './analysis.js';

interface ReportOptions extends CommonOptions, AnalysisOptions {
  readonly from?: string;
  readonly to?: string;
  readonly by?: string;
  readonly filter?: string[];
  readonly asOf?: string;
}

/** The standard reports and the user's valid ones; a bad user report is a usage error naming it. */
export function loadReports(opts: AnalysisOptions, catalog: Catalog): ReportDef[] {
  const path = catalogPath(opts);
  const user = path ? (readCatalogConfig(path).reports ?? []) : [];
  const issues = validateReports(user, catalog);
  if (issues.length) throw new UsageError(`${path}: ${issues.map((i) => i.message).join('; ')}`);
  return allReports(user);
}

export function registerReport(program: Command): void {
  const cmd = program
    .command('report')
    .argument('[name]', 'the report; without it, the list of reports')
    .description('the standard reports (sales, process, products, geography, profile, members, interactions, service, sales_team, campaigns, purchasing) and your own')
    .option('--from <YYYY-MM-DD>', 'first day of the period')
    .option('--to <YYYY-MM-DD>', 'last day of the period, inclusive')
    .option('--by <list>', 'dimensions for the trend sections instead of month, e.g. week or quarter')
    .option('--filter <expr>', 'DIMENSION=VALUE added to every section, e.g. segment=vip or tag=price_sensitive (as in query); repeatable', (v: string, prev: string[] = []) => [...prev, v])
    .option('--as-of <YYYY-MM-DD>', 'the day "today" means');
  addAnalysisOptions(cmd);
  addCommonOptions(cmd);
  cmd.addHelpText('after', '\nExamples:\n  tidemark report\n  tidemark report sales --from 2025-01-01 --to 2025-12-31\n  tidemark report sales_team --from 2025-01-01 --to 2025-06-30 --out 销售团队.xlsx\n  tidemark report products --by quarter --format csv > products.csv\n');
  cmd.action(async (name: string | undefined, opts: ReportOptions) => {
    const catalog = openCatalog(opts);
    const lang = langOf(opts);
    const reports = loadReports(opts, catalog);
    const format = resultFormat(opts);
    if (!name) {
      const rows = reports.map((r) => ({ key: r.key, title: lang === 'zh' ? r.title.zh : r.title.en, sections: r.sections.map((s) => s.key).join(', '), description: r.description }));
      if (format === 'json') return printJson(rows);
      await write(renderTable([{ key: 'key', header: 'report' }, { key: 'title', header: lang === 'zh' ? '名称' : 'title' }, { key: 'description', header: lang === 'zh' ? '内容' : 'contents', maxWidth: 90 }], rows));
      return;
    }
    const report = reports.find((r) => r.key === name || r.title.zh === name || r.title.en.toLowerCase() === name.toLowerCase());
    if (!report) throw new UsageError(`unknown report '${name}'; reports: ${reports.map((r) => r.key).join(', ')}`);
    try {
      checkPeriod({ from: opts.from, to: opts.to });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const by = opts.by ? opts.by.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
    const filters = (opts.filter ?? []).map(parseFilter);
    const wh = await openWarehouse({ path: dbPathOf(opts), readOnly: true });
    try {
      let res;
      try {
        res = await runReport(wh, catalog, report, { ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}), ...(by ? { by } : {}), ...(filters.length ? { filters } : {}), ...(opts.asOf ? { asOf: opts.asOf } : {}) });
      } catch (e) {
        throw asUsageError(e);
      }
      const title = lang === 'zh' ? report.title.zh : report.title.en;
      const period = (opts.from || opts.to ? `${opts.from ?? '…'} → ${opts.to ?? '…'}` : lang === 'zh' ? '全部数据' : 'all data') + (filters.length ? ` · ${filters.map((f) => `${f.dimension} ${f.op} ${(f.values ?? []).join('|')}`.trim()).join('; ')}` : '');
      if (format === 'json') {
        const body = { report: report.key, title: report.title, params: res.params, ms: Math.round(res.ms), sections: res.sections.map(({ section, result }) => ({ key: section.key, title: section.title, columns: result.columns, rows: result.rows, sql: result.sql, params: result.params })) };
        await saveJson(opts.out, body);
        return;
      }
      if (format === 'table') {
        let text = `${title} · ${period}\n`;
        for (const { section, result } of res.sections) {
          const grouping = result.columns.some((c) => c.kind === 'grouping') ? '_grouping' : undefined;
          text += `\n■ ${lang === 'zh' ? section.title.zh : section.title.en}\n${result.rows.length ? renderResult(catalog, result.columns, result.rows, lang, grouping) : lang === 'zh' ? '(无数据)\n' : '(no data)\n'}`;
        }
        await write(text + `\n${Math.round(res.ms)} ms\n`);
        return;
      }
      const tables = res.sections.map(({ section, result }) =>
        toResultTable(catalog, lang === 'zh' ? section.title.zh : section.title.en, result.columns, result.rows, lang, [`${title} · ${period}`], result.columns.some((c) => c.kind === 'grouping') ? '_grouping' : undefined),
      );
      await saveTables(format, opts.out, tables);
      if (opts.out) process.stderr.write(`Wrote ${title} (${tables.length} sections) to ${opts.out}\n`);
    } finally {
      await wh.close();
    }
  });
}
