import type { Command } from 'commander';
import { RepurchaseError, remindersSql, runRepurchase, type RepurchaseParams, type RepurchaseResult } from '../../analyses/repurchase/index.js';
import { exportQuery } from '../../export/index.js';
import type { ResultTable } from '../../export/tables.js';
import type { Catalog } from '../../metrics/types.js';
import type { Lang } from '../../query/format.js';
import { openWarehouse } from '../../warehouse/duckdb.js';
import { addCommonOptions, dbPathOf, formatNumber, formatPercent, renderPairs, renderTable, UsageError, write, type CommonOptions } from '../output.js';
import { addAnalysisOptions, type AnalysisOptions, asUsageError, langOf, openCatalog, renderResult, resultFormat, saveJson, saveTables, toResultTable } from './analysis.js';

interface RepurchaseOptions extends CommonOptions, AnalysisOptions {
  readonly from?: string;
  readonly to?: string;
  readonly asOf?: string;
  readonly reminders?: boolean;
  readonly minPurchases?: string;
  readonly factor?: string;
  readonly maxOverdue?: string;
  readonly top?: string;
  readonly limit?: string;
  readonly sql?: boolean;
}

/** A number when the text is one; otherwise the text itself, so the validator names what was given. */
const numeric = (v: string): number | string => (/^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v);

export function repurchaseParamsFromFlags(opts: RepurchaseOptions): RepurchaseParams {
  return {
    ...(opts.from ? { from: opts.from } : {}),
    ...(opts.to ? { to: opts.to } : {}),
    ...(opts.asOf ? { asOf: opts.asOf } : {}),
    ...(opts.minPurchases !== undefined ? { minPurchases: numeric(opts.minPurchases) as number } : {}),
    ...(opts.factor !== undefined ? { factor: numeric(opts.factor) as number } : {}),
    ...(opts.maxOverdue !== undefined ? { maxOverdueDays: numeric(opts.maxOverdue) as number } : {}),
    ...(opts.top !== undefined ? { productLimit: numeric(opts.top) as number } : {}),
    ...(opts.limit !== undefined ? { reminderLimit: numeric(opts.limit) as number } : {}),
  };
}

const FLAG: Record<string, string> = { from: '--from', to: '--to', asOf: '--as-of', minPurchases: '--min-purchases', factor: '--factor', maxOverdueDays: '--max-overdue', productLimit: '--top', reminderLimit: '--limit' };

function asUsage(e: unknown): unknown {
  if (e instanceof RepurchaseError) return new UsageError(e.issues.map((i) => (FLAG[i.field] ? `${FLAG[i.field]}: ${i.message.replace(/^[\w.]+: /, '')}` : i.message)).join('; '));
  return asUsageError(e);
}

const REMINDER_HEADERS: Record<string, [string, string]> = {
  customer_id: ['客户ID', 'Customer'],
  name: ['姓名', 'Name'],
  phone: ['手机号', 'Phone'],
  orders: ['订单数', 'Orders'],
  purchase_days: ['购买天数', 'Purchase days'],
  last_order_date: ['最近下单日', 'Last order'],
  usual_interval_days: ['惯常间隔(天)', 'Usual interval (days)'],
  due_after_days: ['应复购间隔(天)', 'Due after (days)'],
  days_since_last_order: ['距今(天)', 'Days since'],
  days_overdue: ['逾期(天)', 'Days overdue'],
  top_category: ['常购品类', 'Top category'],
  monetary: ['消费金额', 'Spend'],
};

function summaryTables(catalog: Catalog, r: RepurchaseResult, lang: Lang): ResultTable[] {
  const zh = lang === 'zh';
  const p = r.params;
  const note = `${zh ? '窗口' : 'window'} ${p.from} → ${p.to}`;
  const iv = r.intervals;
  return [
    {
      name: zh ? '复购概况' : 'Summary',
      notes: [note],
      columns: [{ header: zh ? '指标' : 'Measure' }, { header: zh ? '值' : 'Value' }],
      rows: [
        [zh ? '订单数' : 'Orders', r.headline.orders],
        [zh ? '购买客户数' : 'Buying customers', r.headline.buyingCustomers],
        [zh ? '复购客户数' : 'Repeat customers', r.headline.repeatCustomers],
        [zh ? '复购率' : 'Repurchase rate', r.headline.repurchaseRate],
        [zh ? '复购间隔数' : 'Intervals', iv.intervals],
        [zh ? '有间隔的客户数(≥2个购买日)' : 'Customers with ≥ 2 purchase days', iv.customersWithInterval],
        [zh ? '平均间隔(天)' : 'Mean interval (days)', iv.meanDays],
        ['P25', iv.p25Days],
        [zh ? '中位数' : 'Median', iv.medianDays],
        ['P75', iv.p75Days],
        ['P90', iv.p90Days],
      ],
    },
    {
      name: zh ? '复购间隔分布' : 'Interval histogram',
      notes: [note],
      columns: [{ header: zh ? '间隔(天)' : 'Interval (days)' }, { header: zh ? '次数' : 'Intervals' }, { header: zh ? '占比' : 'Share', numFmt: '0.0%' }],
      rows: iv.histogram.map((b) => [b.bucket, b.intervals, b.share]),
    },
    toResultTable(catalog, zh ? '品类复购' : 'Category repurchase', r.categories.columns, r.categories.rows, lang, [note]),
    toResultTable(catalog, zh ? '商品复购' : 'Product repurchase', r.products.columns, r.products.rows, lang, [note]),
  ];
}

async function runRepurchaseCommand(opts: RepurchaseOptions): Promise<void> {
  const catalog = openCatalog(opts);
  const lang = langOf(opts);
  const zh = lang === 'zh';
  const format = resultFormat(opts);
  const params = repurchaseParamsFromFlags(opts);
  const wh = await openWarehouse({ path: dbPathOf(opts), readOnly: true });
  try {
    let result: RepurchaseResult;
    try {
      result = await runRepurchase(wh, catalog, params, { reminders: opts.reminders === true });
    } catch (e) {
      throw asUsage(e);
    }
    const p = result.params;
    if (format === 'csv' || format === 'xlsx') {
      if (!opts.reminders) {
        await saveTables(format, opts.out, summaryTables(catalog, result, lang));
        if (opts.out) process.stderr.write(`Wrote the repurchase summary (4 sections) to ${opts.out}\n`);
        return;
      }
      // --reminders --out: every overdue customer, streamed (the JSON and the table carry the first --limit rows)
      const all = remindersSql(p);
      if (!opts.out) {
        const res = await wh.query(all.sql, all.params);
        await saveTables('csv', undefined, [{ name: 'reminders', columns: res.columns.map((c) => ({ header: c.name })), rows: res.rows.map((r) => res.columns.map((c) => r[c.name])) }]);
        return;
      }
      const described = await wh.query(`DESCRIBE ${all.sql}`, all.params);
      const columns = described.rows.map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
      const r = await exportQuery(wh, { sql: all.sql, params: all.params, columns, out: opts.out, format, sheet: zh ? '复购提醒' : 'Reminders' });
      process.stderr.write(`Wrote ${formatNumber(r.rows)} customers due to buy again to ${r.out}\n`);
      return;
    }
    if (format === 'json') {
      await saveJson(opts.out, { ...result, ms: Math.round(result.ms) });
      return;
    }
    const iv = result.intervals;
    const d1 = (v: number | null) => (v === null ? '—' : formatNumber(v, 1));
    const R = 'right' as const;
    let text = `${zh ? '复购分析' : 'Repurchase'} · ${zh ? '窗口' : 'window'} ${p.from} → ${p.to}\n\n`;
    text += renderPairs([
      [zh ? '购买客户数' : 'Buying customers', formatNumber(result.headline.buyingCustomers)],
      [zh ? '复购客户数(≥2单)' : 'Repeat customers (≥ 2 orders)', formatNumber(result.headline.repeatCustomers)],
      [zh ? '复购率' : 'Repurchase rate', formatPercent(result.headline.repurchaseRate)],
      [zh ? '复购间隔(天)' : 'Interval (days)', `${zh ? '中位数' : 'median'} ${d1(iv.medianDays)} · P25 ${d1(iv.p25Days)} · P75 ${d1(iv.p75Days)} · P90 ${d1(iv.p90Days)} · ${zh ? '平均' : 'mean'} ${d1(iv.meanDays)}`],
      [zh ? '间隔数' : 'Intervals', `${formatNumber(iv.intervals)} (${formatNumber(iv.customersWithInterval)} ${zh ? '位客户有≥2个购买日' : 'customers with ≥ 2 purchase days'})`],
    ]);
    text += `\n■ ${zh ? '复购间隔分布' : 'Interval histogram'}\n`;
    text += renderTable(
      [
        { key: 'b', header: zh ? '间隔(天)' : 'Interval (days)' },
        { key: 'n', header: zh ? '次数' : 'Intervals', align: R },
        { key: 's', header: zh ? '占比' : 'Share', align: R },
        { key: 'bar', header: '' },
      ],
      iv.histogram.map((b) => ({ b: b.bucket, n: formatNumber(b.intervals), s: formatPercent(b.share), bar: '█'.repeat(Math.round(b.share * 40)) })),
    );
    text += `\n■ ${zh ? '品类复购' : 'Category repurchase'}\n${result.categories.rows.length ? renderResult(catalog, result.categories.columns, result.categories.rows, lang) : zh ? '(无商品明细)\n' : '(no order items)\n'}`;
    text += `\n■ ${zh ? `商品复购(购买人数前${p.productLimit})` : `Product repurchase (top ${p.productLimit} by buyers)`}\n${result.products.rows.length ? renderResult(catalog, result.products.columns, result.products.rows, lang) : zh ? '(无商品明细)\n' : '(no order items)\n'}`;
    if (result.reminders) {
      const rm = result.reminders;
      text += `\n■ ${zh ? '复购提醒' : 'Due to buy again'}: ${formatNumber(rm.overdue)} / ${formatNumber(rm.eligible)} ${zh ? `位客户(≥${p.minPurchases}个购买日)已超过其惯常间隔×${p.factor}` : `customers (≥ ${p.minPurchases} purchase days) past their usual interval × ${p.factor}`}\n`;
      const keys = ['customer_id', 'name', 'phone', 'last_order_date', 'usual_interval_days', 'days_since_last_order', 'days_overdue', 'top_category', 'orders', 'monetary'];
      text += renderTable(
        keys.map((k) => ({ key: k, header: REMINDER_HEADERS[k]![zh ? 0 : 1], ...(['usual_interval_days', 'days_since_last_order', 'days_overdue', 'orders', 'monetary'].includes(k) ? { align: R } : {}) })),
        rm.rows.map((x) => ({ ...x, usual_interval_days: d1(x.usual_interval_days), days_overdue: d1(x.days_overdue), days_since_last_order: formatNumber(x.days_since_last_order), monetary: formatNumber(x.monetary, 2), name: x.name ?? '', phone: x.phone ?? '', top_category: x.top_category ?? '' })),
      );
      if (rm.overdue > rm.rows.length) text += zh ? `(显示前 ${rm.rows.length} 位；--out 文件.csv 导出全部)\n` : `(first ${rm.rows.length} shown; --out FILE.csv writes them all)\n`;
    }
    text += `\n${Math.round(result.ms)} ms\n`;
    if (opts.sql) text += `\n${result.sql.intervals}\n-- params: ${JSON.stringify(result.sqlParams.intervals)}\n`;
    await write(text);
  } finally {
    await wh.close();
  }
}

export function registerRepurchase(program: Command): void {
  const cmd = program
    .command('repurchase')
    .description('repurchase (复购): repurchase rate, days between purchases, repurchase by category and product, and who is due to buy again')
    .option('--from <YYYY-MM-DD>', 'first day of the window (default: the first order)')
    .option('--to <YYYY-MM-DD>', 'last day of the window, inclusive (default: the last order)')
    .option('--as-of <YYYY-MM-DD>', 'instead of --to: orders before this day count, and days since the last order are counted to it')
    .option('--reminders', 'list the customers past their own usual interval (复购提醒); with --out, all of them')
    .option('--min-purchases <n>', 'reminders: purchase days a customer needs for a usual interval (default 3)')
    .option('--factor <x>', 'reminders: due once days since the last purchase exceed usual interval × x (default 1)')
    .option('--max-overdue <days>', 'reminders: only customers overdue by at most this many days (the recently due)')
    .option('--top <n>', 'products to list, the most bought first (default 20)')
    .option('--limit <n>', 'reminder rows on the terminal and in JSON (default 100)')
    .option('--sql', 'also print the SQL of the interval distribution');
  addAnalysisOptions(cmd);
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  tidemark repurchase --from 2024-01-01 --to 2024-12-31
  tidemark repurchase --as-of 2025-01-01 --reminders
  tidemark repurchase --reminders --factor 1.5 --out 复购提醒.xlsx
  tidemark repurchase --out 复购分析.xlsx
`,
  );
  cmd.action(runRepurchaseCommand);
}
