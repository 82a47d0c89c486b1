import type { Command } from 'commander';
import type { Catalog, MetricDef } from '../../metrics/types.js';
import { formatNumber, printJson, renderTable, write, type CommonOptions } from '../output.js';
import { addAnalysisOptions, langOf, openCatalog, resultFormat, saveTables, type AnalysisOptions } from './analysis.js';
import type { Lang } from '../../query/format.js';

const UNIT: Record<string, { zh: string; en: string }> = {
  currency: { zh: '元', en: 'CNY' },
  count: { zh: '个', en: 'count' },
  ratio: { zh: '%', en: '%' },
  number: { zh: '数值', en: 'number' },
  days: { zh: '天', en: 'days' },
  hours: { zh: '小时', en: 'hours' },
  score: { zh: '分', en: 'score' },
  points: { zh: '积分', en: 'points' },
};

/** The formula as an analyst reads it: the aggregate with its row filter, or the derived formula. */
export function formulaText(m: MetricDef): string {
  if (m.formula) return m.formula;
  let s = m.measure ?? '';
  if (m.per) s = `${s} over per-${m.per.key} { ${Object.entries(m.per.values).map(([k, v]) => `${k} = ${v}`).join(', ')} }${m.per.having ? ` having ${m.per.having}` : ''}`;
  if (m.filter) s += ` where ${m.filter}`;
  if (m.lookbackDays) s += ` (looking back ${m.lookbackDays} days)`;
  return s;
}

/** The indicator list (分析指标清单) as rows. */
export function metricRows(catalog: Catalog, lang: Lang): Record<string, string>[] {
  return [...catalog.metrics.values()].map((m) => ({
    key: m.key,
    name: lang === 'zh' ? m.label.zh : m.label.en,
    other: lang === 'zh' ? m.label.en : m.label.zh,
    formula: formulaText(m),
    source: m.source ?? (lang === 'zh' ? '派生' : 'derived'),
    period: m.time ?? (lang === 'zh' ? '同组成指标' : 'as its parts'),
    unit: (UNIT[m.unit] ?? { zh: m.unit, en: m.unit })[lang],
    owner: m.owner,
    description: m.description,
  }));
}

const HEADERS: Record<Lang, Record<string, string>> = {
  zh: { key: '指标代码', name: '指标名称', other: '英文名称', formula: '计算公式', source: '数据来源', period: '统计周期字段', unit: '单位', owner: '责任部门', description: '口径说明' },
  en: { key: 'key', name: 'name', other: 'Chinese name', formula: 'formula', source: 'data source', period: 'period field', unit: 'unit', owner: 'owner', description: 'definition' },
};

export function registerMetrics(program: Command): void {
  const cmd = program.command('metrics').description('the metric catalog (分析指标清单): name, formula, data source, period field, owner; export it as CSV/XLSX');
  addAnalysisOptions(cmd);
  cmd.option('--db <path>', 'ignored (the catalog does not need the warehouse)').option('--json', 'print JSON');
  cmd.addHelpText('after', '\nExamples:\n  tidemark metrics\n  tidemark metrics --out 分析指标清单.xlsx\n  tidemark metrics --lang en --format csv > metrics.csv\n');
  cmd.action(async (opts: AnalysisOptions & CommonOptions) => {
    const catalog = openCatalog(opts);
    const lang = langOf(opts);
    const format = resultFormat(opts);
    if (format === 'json') {
      await printJson({ settings: catalog.settings, metrics: [...catalog.metrics.values()], dimensions: [...catalog.dimensions.values()] });
      return;
    }
    const rows = metricRows(catalog, lang);
    const keys = Object.keys(HEADERS[lang]);
    if (format === 'table') {
      await write(
        renderTable(
          keys.filter((k) => k !== 'other' && k !== 'description').map((k) => ({ key: k, header: HEADERS[lang][k]!, maxWidth: k === 'formula' ? 70 : 30 })),
          rows,
          { maxTotalWidth: process.stdout.columns || 200 },
        ) + `\n${formatNumber(rows.length)} metrics, ${catalog.dimensions.size} dimensions (tidemark dimensions). Churn: ${catalog.settings.churnDays} days without a purchase.\n`,
      );
      return;
    }
    await saveTables(format, opts.out, [{ name: lang === 'zh' ? '分析指标清单' : 'Metrics', columns: keys.map((k) => ({ header: HEADERS[lang][k]! })), rows: rows.map((r) => keys.map((k) => r[k])) }]);
    if (opts.out) process.stderr.write(`Wrote ${rows.length} metrics to ${opts.out}\n`);
  });

  const dims = program.command('dimensions').description('the dimensions queries can group and filter by, with their drill hierarchies');
  addAnalysisOptions(dims);
  dims.option('--db <path>', 'ignored').option('--json', 'print JSON');
  dims.action(async (opts: AnalysisOptions & CommonOptions) => {
    const catalog = openCatalog(opts);
    const lang = langOf(opts);
    const format = resultFormat(opts);
    const rows = [...catalog.dimensions.values()].map((d) => ({
      key: d.key,
      name: lang === 'zh' ? d.label.zh : d.label.en,
      hierarchy: d.hierarchy ? `${d.hierarchy} ${(d.level ?? 0) + 1}` : '',
      from: d.time ? (lang === 'zh' ? `时间(${d.time})` : `time (${d.time})`) : (d.anchors ?? []).map((a) => `${a.table}.${a.expr}`).join(' | '),
      description: d.description ?? '',
    }));
    if (format === 'json') return printJson(rows);
    const h = lang === 'zh' ? { key: '维度代码', name: '名称', hierarchy: '层级', from: '取值', description: '说明' } : { key: 'key', name: 'name', hierarchy: 'hierarchy', from: 'value of', description: 'description' };
    if (format === 'table') {
      await write(renderTable(Object.entries(h).map(([key, header]) => ({ key, header, maxWidth: 60 })), rows, { maxTotalWidth: process.stdout.columns || 200 }));
      return;
    }
    await saveTables(format, opts.out, [{ name: lang === 'zh' ? '维度' : 'Dimensions', columns: Object.values(h).map((header) => ({ header })), rows: rows.map((r) => Object.keys(h).map((k) => r[k as keyof typeof r])) }]);
  });
}
