import { Option, type Command } from 'commander';
import { customersSql, LifecycleError, NONE, runLifecycle, saveLifecycle, STAGES, type LifecycleParams, type LifecycleResult } from '../../analyses/lifecycle/index.js';
import { exportQuery } from '../../export/index.js';
import type { ResultTable } from '../../export/tables.js';
import { openWarehouse } from '../../warehouse/duckdb.js';
import { addCommonOptions, dbPathOf, formatNumber, renderTable, UsageError, write, type CommonOptions } from '../output.js';
import { type AnalysisOptions, langOf, openCatalog, resultFormat, saveJson, saveTables } from './analysis.js';

interface LifecycleOptions extends CommonOptions, AnalysisOptions {
  readonly from?: string;
  readonly to?: string;
  readonly asOf?: string;
  readonly period?: 'month' | 'week';
  readonly activeDays?: string;
  readonly sleepingDays?: string;
  readonly save?: boolean;
  readonly customers?: boolean;
  readonly sql?: boolean;
}

const days = (v: string): number | string => (/^\d+$/.test(v.trim()) ? Number(v.trim()) : v);

export function lifecycleParamsFromFlags(opts: LifecycleOptions, churnDays: number): LifecycleParams {
  return {
    ...(opts.from ? { from: opts.from } : {}),
    ...(opts.to ? { to: opts.to } : {}),
    ...(opts.asOf ? { asOf: opts.asOf } : {}),
    ...(opts.period ? { period: opts.period } : {}),
    // the catalog's churnDays (settings in the catalog config) unless given: one definition of "active"
    activeDays: (opts.activeDays !== undefined ? days(opts.activeDays) : churnDays) as number,
    ...(opts.sleepingDays !== undefined ? { sleepingDays: days(opts.sleepingDays) as number } : {}),
  };
}

const FLAG: Record<string, string> = { from: '--from', to: '--to', asOf: '--as-of', period: '--period', activeDays: '--active-days', sleepingDays: '--sleeping-days' };

function asUsage(e: unknown): unknown {
  if (e instanceof LifecycleError) return new UsageError(e.issues.map((i) => (FLAG[i.field] ? `${FLAG[i.field]}: ${i.message.replace(/^[\w.]+: /, '')}` : i.message)).join('; '));
  return e;
}

const stageName = (k: string, zh: boolean) => (k === NONE.key ? (zh ? NONE.zh : NONE.en) : (zh ? STAGES.find((s) => s.key === k)?.zh : STAGES.find((s) => s.key === k)?.en) ?? k);

function periodTables(r: LifecycleResult, zh: boolean): ResultTable[] {
  const p = r.params;
  const note = `${zh ? '活跃' : 'active'} ≤ ${p.activeDays} ${zh ? '天' : 'days'} · ${zh ? '沉睡' : 'sleeping'} ≤ ${p.sleepingDays} ${zh ? '天' : 'days'} · ${zh ? '阶段按期末计算' : 'stages at each period end'}`;
  return [
    {
      name: zh ? '生命周期' : 'Lifecycle',
      notes: [note],
      columns: [{ header: zh ? '期间' : 'Period' }, { header: zh ? '期初' : 'Start' }, { header: zh ? '期末(不含)' : 'End (exclusive)' }, ...STAGES.map((s) => ({ header: zh ? s.zh : s.en, numFmt: '#,##0' })), { header: zh ? '客户数' : 'Customers', numFmt: '#,##0' }],
      rows: r.periods.map((x) => [x.label, x.start, x.end, ...STAGES.map((s) => x.stages[s.key]), x.customers]),
    },
    {
      name: zh ? '阶段迁移' : 'Transitions',
      notes: [note],
      columns: [{ header: zh ? '期间' : 'Period' }, { header: zh ? '期初阶段' : 'From' }, { header: zh ? '期末阶段' : 'To' }, { header: zh ? '客户数' : 'Customers', numFmt: '#,##0' }],
      rows: r.periods.flatMap((x) => x.transitions.flatMap((row, i) => row.flatMap((n, j) => (n ? [[x.label, stageName(r.labels[i]!, zh), stageName(r.labels[j]!, zh), n]] : [])))),
    },
  ];
}

async function runLifecycleCommand(opts: LifecycleOptions): Promise<void> {
  const lang = langOf(opts);
  const zh = lang === 'zh';
  const format = resultFormat(opts);
  const catalog = openCatalog(opts);
  const params = lifecycleParamsFromFlags(opts, catalog.settings.churnDays);
  if (opts.customers && format !== 'csv' && format !== 'xlsx') throw new UsageError('--customers writes the per-customer stages: give --out FILE.csv or FILE.xlsx');
  const wh = await openWarehouse({ path: dbPathOf(opts), readOnly: !opts.save });
  try {
    let result;
    try {
      result = await runLifecycle(wh, params);
    } catch (e) {
      throw asUsage(e);
    }
    const asOf = result.params.bounds[result.params.bounds.length - 1]!;
    if (opts.save) {
      const saved = await saveLifecycle(wh, result.params);
      process.stderr.write(`Saved ${formatNumber(saved)} customers' lifecycle stage as of ${asOf} to tm_lifecycle\n`);
    }
    if ((format === 'csv' || format === 'xlsx') && opts.customers) {
      // the per-customer stages at the as-of date, streamed (a warehouse can have millions of customers)
      const cs = customersSql(result.params);
      const labels = STAGES.map((s) => `WHEN '${s.key}' THEN '${zh ? s.zh : s.en}'`).join(' ');
      const sql = `SELECT customer_id, stage, CASE stage ${labels} END AS stage_label, before_stage, strftime(first_order_date, '%Y-%m-%d') AS first_order_date, strftime(last_order_date, '%Y-%m-%d') AS last_order_date, recency_days FROM (${cs.sql}) x`;
      const described = await wh.query(`DESCRIBE ${sql}`, cs.params);
      const columns = described.rows.map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
      const r = await exportQuery(wh, { sql, params: cs.params, columns, out: opts.out!, format, sheet: zh ? '客户阶段' : 'Stages' });
      process.stderr.write(`Wrote ${formatNumber(r.rows)} customers to ${r.out}\n`);
      return;
    }
    if (format === 'csv' || format === 'xlsx') {
      await saveTables(format, opts.out, periodTables(result, zh));
      return;
    }
    if (format === 'json') {
      await saveJson(opts.out, { ...result, ms: Math.round(result.ms) });
      return;
    }
    const R = 'right' as const;
    let text = renderTable(
      [{ key: 'period', header: zh ? '期间' : 'Period' }, ...STAGES.map((s) => ({ key: s.key, header: zh ? s.zh : s.en, align: R })), { key: 'customers', header: zh ? '客户数' : 'Customers', align: R }],
      result.periods.map((x) => ({ period: x.label, ...Object.fromEntries(STAGES.map((s) => [s.key, formatNumber(x.stages[s.key])])), customers: formatNumber(x.customers) })),
    );
    const p = result.params;
    text += `\n${zh ? '阶段按期末计算' : 'Stages at each period end'} · ${zh ? '活跃' : 'active'} ≤ ${p.activeDays} ${zh ? '天' : 'days'} · ${zh ? '沉睡' : 'sleeping'} ≤ ${p.sleepingDays} ${zh ? '天，超过为流失' : 'days, churned beyond'} · ${Math.round(result.ms)} ms\n`;
    const last = result.periods[result.periods.length - 1];
    if (last) {
      const cols = [{ key: 'from', header: `${zh ? '期初' : 'Start'} \\ ${zh ? '期末' : 'end'} (${last.label})` }, ...result.labels.map((k, j) => ({ key: `c${j}`, header: stageName(k, zh), align: R }))];
      const rows = result.labels.map((k, i) => ({ from: stageName(k, zh), ...Object.fromEntries(last.transitions[i]!.map((n, j) => [`c${j}`, formatNumber(n)])) }));
      text += `\n${zh ? '阶段迁移（客户数）' : 'Transitions (customers)'}\n${renderTable(cols, rows)}\n`;
    }
    if (opts.sql) text += `\n${result.sql}\n-- params: ${JSON.stringify(result.sqlParams)}\n`;
    await write(text);
  } finally {
    await wh.close();
  }
}

export function registerLifecycle(program: Command): void {
  const cmd = program
    .command('lifecycle')
    .description('Customer lifecycle per period: new, active, won back, sleeping, churned (新客/活跃/回流/沉睡/流失) and the transitions between periods')
    .option('--from <YYYY-MM-DD>', 'first period (its first day; default: the period of the first order)')
    .option('--to <YYYY-MM-DD>', 'end of the last period, exclusive (a period start; default: the end of the last complete period)')
    .option('--as-of <YYYY-MM-DD>', 'instead of --from/--to: the one period ending on this day (stages as of this day)')
    .addOption(new Option('--period <period>', 'month (default) or ISO week').choices(['month', 'week']))
    .option('--active-days <n>', "active: last order at most n days before the period end (default: the catalog's churnDays, 90)")
    .option('--sleeping-days <n>', 'sleeping: last order active-days+1 … n days before; churned beyond (default 180)')
    .option('--save', 'store every customer’s stage at the last period end in tm_lifecycle (replacing that date); used by the dimension lifecycle_stage')
    .option('--customers', 'with --out .csv/.xlsx: write the per-customer stages at the last period end instead of the period tables')
    .option('--catalog <file>', 'catalog config whose settings.churnDays is the default --active-days')
    .addOption(new Option('--lang <lang>', 'language of headers and labels (default: $TIDEMARK_LANG, else zh)').choices(['zh', 'en']))
    .addOption(new Option('--format <format>', 'table on a terminal, json when piped; csv/xlsx with --out').choices(['table', 'json', 'csv', 'xlsx']))
    .option('--out <file>', 'write the stages per period and the transitions (.csv, .xlsx), the per-customer stages (with --customers) or the result (.json)')
    .option('--sql', 'also print the SQL that ran');
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  tidemark lifecycle
  tidemark lifecycle --from 2024-01-01 --to 2025-01-01 --active-days 90 --sleeping-days 180
  tidemark lifecycle --period week --from 2024-06-03
  tidemark lifecycle --as-of 2024-07-01 --save && tidemark query --metrics revenue --by lifecycle_stage
  tidemark lifecycle --out lifecycle.xlsx
`,
  );
  cmd.action(runLifecycleCommand);
}
