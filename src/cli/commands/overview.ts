import type { Command } from 'commander';
import { checkPeriod, overview, OverviewInputError, type Overview, type OverviewPeriod } from '../../overview/index.js';
import { openWarehouse } from '../../warehouse/duckdb.js';
import { addCommonOptions, dbPathOf, formatNumber, formatPercent, printJson, renderTable, UsageError, wantJson, write, type CommonOptions } from '../output.js';

/** The period flags, checked; a bad date is a UsageError naming the flag. */
export function periodFromFlags(opts: { from?: string; to?: string }): OverviewPeriod {
  const period: OverviewPeriod = { from: opts.from, to: opts.to };
  try {
    checkPeriod(period);
  } catch (e) {
    if (e instanceof OverviewInputError) throw new UsageError(`--${e.field}: ${e.message}`);
    throw e;
  }
  return period;
}

const money = (n: number | null) => (n === null ? '—' : `¥${formatNumber(n, 2)}`);

export function renderOverview(o: Overview): string {
  const head = o.from === null ? 'Overview: no orders yet\n\n' : `Overview ${o.from} → ${o.to}\n\n`;
  const rows: { metric: string; value: string; definition: string }[] = [
    { metric: '客户 Customers', value: formatNumber(o.customers), definition: `known customers${o.stubCustomers ? `; ${formatNumber(o.stubCustomers)} placeholder (stub) customers not included` : ''}` },
    { metric: '活跃客户 Active customers', value: formatNumber(o.activeCustomers), definition: 'customers with an order in the period' },
    { metric: '  新客 New', value: formatNumber(o.newCustomers), definition: 'their first order ever is in the period' },
    { metric: '  老客 Returning', value: formatNumber(o.returningCustomers), definition: 'also ordered before the period' },
    { metric: '订单数 Orders', value: formatNumber(o.orders), definition: `excluding cancelled (${formatNumber(o.cancelledOrders)}); incl. ${formatNumber(o.anonymousOrders)} anonymous` },
    { metric: '销售额 Revenue', value: money(o.revenue), definition: 'sum of order amounts, cancelled excluded' },
    { metric: '客单价 AOV', value: money(o.aov), definition: 'revenue ÷ orders (per order)' },
    {
      metric: '复购率 Repurchase rate',
      value: formatPercent(o.repurchaseRate),
      definition: `${formatNumber(o.repeatCustomers)} customers with ≥ 2 orders ÷ active customers`,
    },
  ];
  return (
    head +
    renderTable(
      [
        { key: 'metric', header: 'metric' },
        { key: 'value', header: 'value', align: 'right' },
        { key: 'definition', header: 'definition', maxWidth: 80 },
      ],
      rows,
    ) +
    '\nAnonymous orders count in orders and revenue, not in customer numbers.\n'
  );
}

interface OverviewOptions extends CommonOptions {
  readonly from?: string;
  readonly to?: string;
}

export function registerOverview(program: Command): void {
  const cmd = program
    .command('overview')
    .description('customers, orders, revenue, AOV and repurchase rate of a period (default: all orders)')
    .option('--from <YYYY-MM-DD>', 'first day of the period (default: the first order)')
    .option('--to <YYYY-MM-DD>', 'last day of the period, inclusive (default: the last order)');
  addCommonOptions(cmd);
  cmd.addHelpText('after', '\nExamples:\n  tidemark overview\n  tidemark overview --from 2024-01-01 --to 2024-03-31\n');
  cmd.action(async (opts: OverviewOptions) => {
    const period = periodFromFlags(opts);
    const wh = await openWarehouse({ path: dbPathOf(opts), readOnly: true });
    try {
      const o = await overview(wh, period);
      if (wantJson(opts)) await printJson(o);
      else await write(renderOverview(o));
    } finally {
      await wh.close();
    }
  });
}
