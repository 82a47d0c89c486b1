import { Option, type Command } from 'commander';
import { CohortError, runCohorts, type CohortParams, type CohortResult } from '../../analyses/cohorts/index.js';
import type { ResultTable } from '../../export/tables.js';
import { openWarehouse } from '../../warehouse/duckdb.js';
import { addCommonOptions, dbPathOf, formatNumber, formatPercent, renderTable, UsageError, write, type CommonOptions } from '../output.js';
import { type AnalysisOptions, langOf, resultFormat, saveJson, saveTables } from './analysis.js';

interface CohortOptions extends CommonOptions, Omit<AnalysisOptions, 'catalog'> {
  readonly from?: string;
  readonly to?: string;
  readonly asOf?: string;
  readonly period?: 'month' | 'week';
  readonly by?: 'channel' | 'source';
  readonly show?: 'retention' | 'revenue_retention' | 'ltv' | 'active' | 'revenue';
  readonly sql?: boolean;
}

const FLAG: Record<string, string> = { from: '--from', to: '--to', asOf: '--as-of', period: '--period', by: '--by' };

function asUsage(e: unknown): unknown {
  if (e instanceof CohortError) return new UsageError(e.issues.map((i) => (FLAG[i.field] ? `${FLAG[i.field]}: ${i.message.replace(/^[\w.]+: /, '')}` : i.message)).join('; '));
  return e;
}

export function cohortParamsFromFlags(opts: CohortOptions): CohortParams {
  return {
    ...(opts.from ? { from: opts.from } : {}),
    ...(opts.to ? { to: opts.to } : {}),
    ...(opts.asOf ? { asOf: opts.asOf } : {}),
    ...(opts.period ? { period: opts.period } : {}),
    ...(opts.by ? { by: opts.by } : {}),
  };
}

const SHOW = {
  retention: { zh: '客户留存率', en: 'Customer retention', pick: (c: CohortResult['cohorts'][number]) => c.retention, pct: true, fmt: '0.0%' },
  active: { zh: '活跃客户数', en: 'Active customers', pick: (c: CohortResult['cohorts'][number]) => c.activeCustomers, pct: false, fmt: '#,##0' },
  revenue: { zh: '销售额', en: 'Revenue', pick: (c: CohortResult['cohorts'][number]) => c.revenue, pct: false, fmt: '#,##0.00' },
  revenue_retention: { zh: '销售额留存', en: 'Revenue retention', pick: (c: CohortResult['cohorts'][number]) => c.revenueRetention, pct: true, fmt: '0.0%' },
  ltv: { zh: '累计人均销售额(LTV)', en: 'Cumulative revenue per customer (LTV to date)', pick: (c: CohortResult['cohorts'][number]) => c.cumulativeRevenuePerCustomer, pct: false, fmt: '#,##0.00' },
} as const;

function tables(r: CohortResult, zh: boolean): ResultTable[] {
  const groupHeader = r.params.by === 'channel' ? (zh ? '首单渠道' : 'First-order channel') : r.params.by === 'source' ? (zh ? '客户来源' : 'Source') : null;
  const long: ResultTable = {
    name: zh ? '同期群' : 'Cohorts',
    notes: [`${zh ? '数据截至' : 'data until'} ${r.params.dataEnd} (${zh ? '不含' : 'exclusive'}) · ${zh ? '空白 = 尚不可观测' : 'blank = not observable yet'}`],
    columns: [
      { header: zh ? '同期群' : 'Cohort' },
      ...(groupHeader ? [{ header: groupHeader }] : []),
      { header: zh ? '月龄/周龄' : 'Age' },
      { header: zh ? '同期群客户数' : 'Cohort size', numFmt: '#,##0' },
      { header: zh ? '活跃客户数' : 'Active customers', numFmt: '#,##0' },
      { header: zh ? '客户留存率' : 'Retention', numFmt: '0.0%' },
      { header: zh ? '销售额' : 'Revenue', numFmt: '#,##0.00' },
      { header: zh ? '销售额留存' : 'Revenue retention', numFmt: '0.0%' },
      { header: zh ? '累计人均销售额' : 'Cumulative revenue per customer', numFmt: '#,##0.00' },
    ],
    rows: r.cohorts.flatMap((c) =>
      c.activeCustomers.flatMap((a, m) => (a === null ? [] : [[c.label, ...(groupHeader ? [c.group] : []), m, c.customers, a, c.retention[m], c.revenue[m], c.revenueRetention[m], c.cumulativeRevenuePerCustomer[m]]])),
    ),
  };
  const ages = Array.from({ length: r.maxAge + 1 }, (_, m) => m);
  const triangle = (key: keyof typeof SHOW): ResultTable => ({
    name: zh ? SHOW[key].zh : SHOW[key].en,
    columns: [{ header: zh ? '同期群' : 'Cohort' }, ...(groupHeader ? [{ header: groupHeader }] : []), { header: zh ? '客户数' : 'Customers', numFmt: '#,##0' }, ...ages.map((m) => ({ header: String(m), numFmt: SHOW[key].fmt }))],
    rows: r.cohorts.map((c) => [c.label, ...(groupHeader ? [c.group] : []), c.customers, ...SHOW[key].pick(c)]),
  });
  return [long, triangle('retention'), triangle('revenue_retention'), triangle('ltv')];
}

async function runCohortsCommand(opts: CohortOptions): Promise<void> {
  const zh = langOf(opts) === 'zh';
  const format = resultFormat(opts);
  const wh = await openWarehouse({ path: dbPathOf(opts), readOnly: true });
  try {
    let result;
    try {
      result = await runCohorts(wh, cohortParamsFromFlags(opts));
    } catch (e) {
      throw asUsage(e);
    }
    if (format === 'csv' || format === 'xlsx') {
      await saveTables(format, opts.out, format === 'csv' && !opts.out ? tables(result, zh).slice(0, 1) : tables(result, zh));
      return;
    }
    if (format === 'json') {
      await saveJson(opts.out, { ...result, ms: Math.round(result.ms) });
      return;
    }
    const show = SHOW[opts.show ?? 'retention'];
    const R = 'right' as const;
    const ages = Array.from({ length: result.maxAge + 1 }, (_, m) => m);
    const cell = (v: number | null) => (v === null ? '' : show.pct ? formatPercent(v) : formatNumber(v, show === SHOW.active ? 0 : 2));
    let text = renderTable(
      [{ key: 'cohort', header: zh ? '同期群' : 'Cohort' }, ...(result.params.by ? [{ key: 'group', header: result.params.by === 'channel' ? (zh ? '首单渠道' : 'Channel') : zh ? '来源' : 'Source' }] : []), { key: 'n', header: zh ? '客户数' : 'Customers', align: R }, ...ages.map((m) => ({ key: `a${m}`, header: String(m), align: R }))],
      result.cohorts.map((c) => ({ cohort: c.label, group: c.group ?? (zh ? '(空)' : '(none)'), n: formatNumber(c.customers), ...Object.fromEntries(ages.map((m) => [`a${m}`, cell(show.pick(c)[m] ?? null)])) })),
    );
    const unit = result.params.period === 'month' ? (zh ? '月' : 'months') : zh ? '周' : 'weeks';
    text += `\n${zh ? show.zh : show.en} · ${zh ? '列 = 距首购' : 'columns = '}${unit}${zh ? '数' : ' since the first order'} · ${formatNumber(result.customers)} ${zh ? '位客户' : 'customers'} · ${zh ? '数据截至' : 'data until'} ${result.params.dataEnd} (${zh ? '不含；空白 = 尚不可观测' : 'exclusive; blank = not observable yet'}) · ${Math.round(result.ms)} ms\n`;
    if (opts.sql) text += `\n${result.sql}\n-- params: ${JSON.stringify(result.sqlParams)}\n`;
    await write(text);
  } finally {
    await wh.close();
  }
}

export function registerCohorts(program: Command): void {
  const cmd = program
    .command('cohorts')
    .description('Cohort retention: customers by the month (or week) of their first order; retention %, revenue retention and cumulative revenue per customer by age')
    .option('--from <YYYY-MM-DD>', 'first cohort (a period start; default: the period of the first order)')
    .option('--to <YYYY-MM-DD>', 'cohorts before this period start (default: the end of the last complete period)')
    .option('--as-of <YYYY-MM-DD>', 'data cut-off: orders before this day; only complete periods count (default: the day after the last order)')
    .addOption(new Option('--period <period>', 'month (default) or ISO week').choices(['month', 'week']))
    .addOption(new Option('--by <group>', "split each cohort by the first order's channel or the customer's source").choices(['channel', 'source']))
    .addOption(new Option('--show <measure>', 'the triangle shown on a terminal (default retention)').choices(Object.keys(SHOW)))
    .addOption(new Option('--lang <lang>', 'language of headers and labels (default: $TIDEMARK_LANG, else zh)').choices(['zh', 'en']))
    .addOption(new Option('--format <format>', 'table on a terminal, json when piped; csv/xlsx with --out').choices(['table', 'json', 'csv', 'xlsx']))
    .option('--out <file>', 'write the cohort table (one row per cohort and age) and the retention, revenue retention and LTV triangles (.csv, .xlsx), or the result (.json)')
    .option('--sql', 'also print the SQL that ran');
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  tidemark cohorts
  tidemark cohorts --from 2024-01-01 --to 2024-07-01 --show ltv
  tidemark cohorts --period week --by channel
  tidemark cohorts --out cohorts.xlsx
  tidemark query --metrics revenue --by cohort_month,month
`,
  );
  cmd.action(runCohortsCommand);
}
