/** `tidemark tiers` (customer value tiers) and `tidemark matrix` (value matrix): src/analyses/tiers and src/analyses/matrix. */
import { existsSync, readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { MatrixError, matrixCustomersSql, runMatrix, saveMatrix, VALUE_TYPES, type MatrixParams, type Threshold } from '../../analyses/matrix/index.js';
import { isDate } from '../../analyses/rfm/params.js';
import type { BuiltSql } from '../../analyses/rfm/query.js';
import { runTiers, saveTiers, tierCustomersSql, TIER_LABELS, TiersError, type TierRule, type TiersParams } from '../../analyses/tiers/index.js';
import { exportQuery } from '../../export/index.js';
import type { Lang } from '../../query/format.js';
import { openWarehouse } from '../../warehouse/duckdb.js';
import type { Warehouse } from '../../warehouse/port.js';
import { addCommonOptions, dbPathOf, formatNumber, formatPercent, parsePositiveInt, renderTable, UsageError, write, type CommonOptions } from '../output.js';
import { type AnalysisOptions, langOf, resultFormat, saveJson, saveTables, type ResultFormat } from './analysis.js';

interface WindowOptions extends CommonOptions, Omit<AnalysisOptions, 'catalog'> {
  readonly asOf?: string;
  readonly from?: string;
  readonly to?: string;
  readonly activeDays?: string;
  readonly save?: boolean;
  readonly sql?: boolean;
}

interface TiersOptions extends WindowOptions {
  readonly rules?: string;
  readonly otherTier?: string;
}

interface MatrixOptions extends WindowOptions {
  readonly aovThreshold?: string;
  readonly frequencyThreshold?: string;
}

/** --from/--to (days inclusive, as in `tidemark query`) or --as-of (orders before that day): the window's params. */
function windowFromFlags(opts: WindowOptions): { asOf?: string; from?: string; activeDays?: number } {
  if (opts.to !== undefined && opts.asOf !== undefined) throw new UsageError('--to and --as-of both end the window; give one (--to D counts orders of day D, --as-of D counts orders before D)');
  let asOf = opts.asOf;
  if (opts.to !== undefined) {
    if (!isDate(opts.to)) throw new UsageError(`--to: '${opts.to}' is not a date; write YYYY-MM-DD`);
    asOf = new Date(Date.parse(`${opts.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  }
  return {
    ...(asOf !== undefined ? { asOf } : {}),
    ...(opts.from !== undefined ? { from: opts.from } : {}),
    ...(opts.activeDays !== undefined ? { activeDays: parsePositiveInt('--active-days', opts.activeDays, { allowZero: true }) } : {}),
  };
}

function flagOf(field: string, opts: WindowOptions, extra: Record<string, string>): string | undefined {
  if (field === 'asOf') return opts.to !== undefined ? '--to' : '--as-of';
  if (field === 'from') return '--from';
  if (field === 'activeDays') return '--active-days';
  for (const [prefix, flag] of Object.entries(extra)) if (field === prefix || field.startsWith(`${prefix}[`) || field.startsWith(`${prefix}.`)) return flag;
  return undefined;
}

function asUsage(e: unknown, opts: WindowOptions, extra: Record<string, string>): unknown {
  if (e instanceof TiersError || e instanceof MatrixError) {
    return new UsageError(
      e.issues
        .map((i) => {
          const flag = flagOf(i.field, opts, extra);
          if (!flag) return i.message;
          return flag === '--rules' ? `--rules: ${i.message}` : `${flag}: ${i.message.replace(/^[\w.[\]]+: /, '')}`;
        })
        .join('; '),
    );
  }
  return e;
}

/** --rules: a JSON list of rules, inline or in a file. */
export function parseRules(v: string): TierRule[] {
  let text = v.trim();
  if (!text.startsWith('[') && !text.startsWith('{')) {
    if (!existsSync(v)) throw new UsageError(`--rules: '${v}' is neither a JSON list of rules nor a file; e.g. --rules '[{"tier":"high","minSpend":300000,"minRepurchase":0.6}]'`);
    text = readFileSync(v, 'utf8');
  }
  try {
    return JSON.parse(text) as TierRule[];
  } catch (e) {
    throw new UsageError(`--rules: not valid JSON (${(e as Error).message})`);
  }
}

function thresholdFlag(flag: string, v: string | undefined): Threshold | undefined {
  if (v === undefined) return undefined;
  if (v === 'median' || v === 'mean') return v;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${flag} '${v}': expected median, mean or a non-negative number`);
  return n;
}

export function tiersParamsFromFlags(opts: TiersOptions): TiersParams {
  return {
    ...windowFromFlags(opts),
    ...(opts.rules !== undefined ? { rules: parseRules(opts.rules) } : {}),
    ...(opts.otherTier !== undefined ? { otherTier: opts.otherTier } : {}),
  };
}

export function matrixParamsFromFlags(opts: MatrixOptions): MatrixParams {
  const aov = thresholdFlag('--aov-threshold', opts.aovThreshold);
  const freq = thresholdFlag('--frequency-threshold', opts.frequencyThreshold);
  return { ...windowFromFlags(opts), ...(aov !== undefined ? { aovThreshold: aov } : {}), ...(freq !== undefined ? { frequencyThreshold: freq } : {}) };
}

/** --out FILE.csv|.xlsx (or CSV on stdout): the per-customer rows, streamed. */
async function writeCustomers(wh: Warehouse, format: ResultFormat, out: string | undefined, sheet: string, built: BuiltSql, select: string): Promise<void> {
  const sql = `SELECT ${select} FROM (${built.sql}) x`;
  if (!out) {
    const res = await wh.query(sql, built.params);
    await saveTables('csv', undefined, [{ name: sheet, columns: res.columns.map((c) => ({ header: c.name })), rows: res.rows.map((r) => res.columns.map((c) => r[c.name])) }]);
    return;
  }
  const described = await wh.query(`DESCRIBE ${sql}`, built.params);
  const columns = described.rows.map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
  const r = await exportQuery(wh, { sql, params: built.params, columns, out, format: format as 'csv' | 'xlsx', sheet });
  process.stderr.write(`Wrote ${formatNumber(r.rows)} customers to ${r.out}\n`);
}

const dash = (v: number | null, d = 2) => (v === null ? '—' : formatNumber(v, d));
const windowText = (p: { from: string | null; asOf: string }, zh: boolean) => `${zh ? '截至' : 'as of'} ${p.asOf} · ${zh ? '窗口' : 'window'} ${p.from ?? (zh ? '全部历史' : 'all history')} → ${p.asOf}`;

async function runTiersCommand(opts: TiersOptions): Promise<void> {
  const lang: Lang = langOf(opts);
  const zh = lang === 'zh';
  const format = resultFormat(opts);
  const params = tiersParamsFromFlags(opts);
  const wh = await openWarehouse({ path: dbPathOf(opts), readOnly: !opts.save });
  try {
    let result;
    try {
      result = await runTiers(wh, params);
    } catch (e) {
      throw asUsage(e, opts, { rules: '--rules', otherTier: '--other-tier' });
    }
    if (opts.save) {
      const n = await saveTiers(wh, result.params);
      process.stderr.write(`Saved ${formatNumber(n)} customers' value tiers as of ${result.params.asOf} to tm_tiers\n`);
    }
    if (format === 'csv' || format === 'xlsx') {
      const labels = Object.entries(TIER_LABELS)
        .map(([k, l]) => `WHEN '${k}' THEN '${l[lang]}'`)
        .join(' ');
      await writeCustomers(wh, format, opts.out, zh ? '客户价值分层' : 'Value tiers', tierCustomersSql(result.params), `customer_id, strftime(last_order_at, '%Y-%m-%d') AS last_order_date, days_since_last, orders, spend, aov, purchase_months, repurchase_rate, tier, CASE tier ${labels} ELSE tier END AS tier_label`);
      return;
    }
    if (format === 'json') {
      await saveJson(opts.out, { ...result, ms: Math.round(result.ms) });
      return;
    }
    const p = result.params;
    const R = 'right' as const;
    const rows = result.tiers.map((t) => ({
      tier: zh ? t.zh : t.en,
      customers: formatNumber(t.customers),
      share: formatPercent(t.customerShare),
      revenue: formatNumber(t.revenue, 2),
      revenueShare: formatPercent(t.revenueShare),
      spend: dash(t.avgSpend),
      orders: dash(t.avgOrders),
      aov: dash(t.avgOrderValue),
      rep: formatPercent(t.avgRepurchaseRate),
      active: formatPercent(t.activeShare),
      days: dash(t.medianDaysSinceLast, 1),
      last: t.latestOrderDate ?? '—',
      action: (zh ? t.actionZh : t.actionEn) ?? '',
    }));
    let text = renderTable(
      [
        { key: 'tier', header: zh ? '客户等级' : 'Tier' },
        { key: 'customers', header: zh ? '客户数' : 'Customers', align: R },
        { key: 'share', header: zh ? '客户占比' : 'Share', align: R },
        { key: 'revenue', header: zh ? '销售额' : 'Revenue', align: R },
        { key: 'revenueShare', header: zh ? '销售额占比' : 'Revenue share', align: R },
        { key: 'spend', header: zh ? '人均消费' : 'Avg spend', align: R },
        { key: 'orders', header: zh ? '人均订单' : 'Avg orders', align: R },
        { key: 'aov', header: zh ? '客单价' : 'AOV', align: R },
        { key: 'rep', header: zh ? '平均复购率' : 'Avg repurchase', align: R },
        { key: 'active', header: zh ? `${p.activeDays}天内活跃` : `Active ≤${p.activeDays}d`, align: R },
        { key: 'days', header: zh ? '距最近购买中位天数' : 'Median days since last', align: R },
        { key: 'last', header: zh ? '最近购买' : 'Last order' },
        { key: 'action', header: zh ? '建议' : 'Action', maxWidth: 30 },
      ],
      rows,
    );
    const rule = (r: TierRule) =>
      `${zh ? (TIER_LABELS[r.tier]?.zh ?? r.tier) : (TIER_LABELS[r.tier]?.en ?? r.tier)}: ${[
        r.minSpend !== undefined || r.maxSpend !== undefined ? `${r.minSpend !== undefined ? `${formatNumber(r.minSpend)} ≤ ` : ''}${zh ? '消费' : 'spend'}${r.maxSpend !== undefined ? ` < ${formatNumber(r.maxSpend)}` : ''}` : '',
        r.minRepurchase !== undefined || r.maxRepurchase !== undefined ? `${r.minRepurchase !== undefined ? `${formatPercent(r.minRepurchase, 0)} ≤ ` : ''}${zh ? '复购率' : 'repurchase'}${r.maxRepurchase !== undefined ? ` < ${formatPercent(r.maxRepurchase, 0)}` : ''}` : '',
      ]
        .filter(Boolean)
        .join(zh ? ' 且 ' : ' and ')}`;
    text += `\n${p.rules.map(rule).join(' · ')} · ${zh ? (TIER_LABELS[p.otherTier]?.zh ?? p.otherTier) : (TIER_LABELS[p.otherTier]?.en ?? p.otherTier)}: ${zh ? '其他' : 'the rest'}\n`;
    text += `${formatNumber(result.customers)} ${zh ? '位客户' : 'customers'} · ${windowText(p, zh)} · ${Math.round(result.ms)} ms\n`;
    if (opts.sql) text += `\n${result.sql.summary}\n-- params: ${JSON.stringify(result.sqlParams.summary)}\n`;
    await write(text);
  } finally {
    await wh.close();
  }
}

async function runMatrixCommand(opts: MatrixOptions): Promise<void> {
  const lang: Lang = langOf(opts);
  const zh = lang === 'zh';
  const format = resultFormat(opts);
  const params = matrixParamsFromFlags(opts);
  const wh = await openWarehouse({ path: dbPathOf(opts), readOnly: !opts.save });
  try {
    let result;
    try {
      result = await runMatrix(wh, params);
    } catch (e) {
      throw asUsage(e, opts, { aovThreshold: '--aov-threshold', frequencyThreshold: '--frequency-threshold' });
    }
    if (opts.save) {
      const n = await saveMatrix(wh, result.params);
      process.stderr.write(`Saved ${formatNumber(n)} customers' value types as of ${result.params.asOf} to tm_matrix\n`);
    }
    if (format === 'csv' || format === 'xlsx') {
      const labels = VALUE_TYPES.map((t) => `WHEN '${t.key}' THEN '${t[lang]}'`).join(' ');
      await writeCustomers(wh, format, opts.out, zh ? '客户价值矩阵' : 'Value matrix', matrixCustomersSql(result.params), `customer_id, strftime(last_order_at, '%Y-%m-%d') AS last_order_date, days_since_last, orders, spend, aov, aov_threshold, frequency_threshold, value_type, CASE value_type ${labels} END AS value_type_label`);
      return;
    }
    if (format === 'json') {
      await saveJson(opts.out, { ...result, ms: Math.round(result.ms) });
      return;
    }
    const p = result.params;
    const R = 'right' as const;
    const up = (h: boolean) => (h ? '↑' : '↓');
    const rows = result.types.map((t) => ({
      type: zh ? t.zh : t.en,
      quad: `${zh ? '客单价' : 'AOV'}${up(t.aovHigh)} ${zh ? '频次' : 'freq'}${up(t.frequencyHigh)}`,
      customers: formatNumber(t.customers),
      share: formatPercent(t.customerShare),
      revenue: formatNumber(t.revenue, 2),
      revenueShare: formatPercent(t.revenueShare),
      aov: dash(t.avgAov),
      freq: dash(t.avgFrequency),
      active: formatPercent(t.activeShare),
      days: dash(t.medianDaysSinceLast, 1),
      action: zh ? t.actionZh : t.actionEn,
    }));
    let text = renderTable(
      [
        { key: 'type', header: zh ? '客户类型' : 'Type' },
        { key: 'quad', header: zh ? '象限' : 'Quadrant' },
        { key: 'customers', header: zh ? '客户数' : 'Customers', align: R },
        { key: 'share', header: zh ? '客户占比' : 'Share', align: R },
        { key: 'revenue', header: zh ? '销售额' : 'Revenue', align: R },
        { key: 'revenueShare', header: zh ? '销售额占比' : 'Revenue share', align: R },
        { key: 'aov', header: zh ? '平均客单价' : 'Avg AOV', align: R },
        { key: 'freq', header: zh ? '平均频次' : 'Avg orders', align: R },
        { key: 'active', header: zh ? `${p.activeDays}天内活跃` : `Active ≤${p.activeDays}d`, align: R },
        { key: 'days', header: zh ? '距最近购买中位天数' : 'Median days since last', align: R },
        { key: 'action', header: zh ? '建议' : 'Action', maxWidth: 30 },
      ],
      rows,
    );
    const how = (t: Threshold) => (typeof t === 'number' ? (zh ? '固定值' : 'fixed') : t === 'median' ? (zh ? '中位数' : 'median') : zh ? '平均值' : 'mean');
    text += `\n${zh ? '客单价阈值' : 'AOV threshold'} ${formatNumber(result.thresholds.aov, 2)} (${how(p.aovThreshold)}) · ${zh ? '频次阈值' : 'frequency threshold'} ${formatNumber(result.thresholds.frequency, 2)} (${how(p.frequencyThreshold)}) · ${zh ? '高 = 大于阈值' : 'high = above the threshold'}\n`;
    text += `${formatNumber(result.customers)} ${zh ? '位客户' : 'customers'} · ${windowText(p, zh)} · ${Math.round(result.ms)} ms\n`;
    if (opts.sql) text += `\n${result.sql.summary}\n-- params: ${JSON.stringify(result.sqlParams.summary)}\n`;
    await write(text);
  } finally {
    await wh.close();
  }
}

function addWindowOptions(cmd: Command, table: string, dimension: string): Command {
  cmd
    .option('--from <YYYY-MM-DD>', 'first day of the window (default: all history)')
    .option('--to <YYYY-MM-DD>', 'last day of the window, inclusive (or use --as-of)')
    .option('--as-of <YYYY-MM-DD>', 'analysis date: orders before this day count (default: the day after the last order)')
    .option('--active-days <n>', 'active = last order at most this many days before the as-of date (default 90)')
    .option('--save', `store the per-customer result in the warehouse (${table}), replacing that as-of date; used by the dimension ${dimension}`)
    .addOption(new Option('--lang <lang>', 'language of headers and labels (default: $TIDEMARK_LANG, else zh)').choices(['zh', 'en']))
    .addOption(new Option('--format <format>', 'table on a terminal, json when piped; csv/xlsx with --out write the per-customer rows').choices(['table', 'json', 'csv', 'xlsx']))
    .option('--out <file>', 'write the per-customer rows (.csv, .xlsx) or the summary (.json)')
    .option('--sql', 'also print the SQL that ran');
  return addCommonOptions(cmd);
}

export function registerValue(program: Command): void {
  const tiers = program
    .command('tiers')
    .description('customer value tiers (客户价值分层): cumulative spend × repurchase rate by ordered rules, with last purchase activity')
    .option('--rules <json|file>', 'ordered rules, JSON inline or a file: [{"tier":"high","minSpend":300000,"minRepurchase":0.6}, …] (min inclusive, max exclusive, repurchase 0–1)')
    .option('--other-tier <name>', 'tier of customers matching no rule (default low)');
  addWindowOptions(tiers, 'tm_tiers', 'value_tier');
  tiers.addHelpText(
    'after',
    `
Default rules (the source template): high = spend ≥ 300,000 and repurchase ≥ 60%; potential = 100,000 ≤ spend < 300,000
and 30% ≤ repurchase < 60%; low = the rest. Repurchase rate = months with an order after the first order's month ÷
calendar months after it up to the end of the window.

Examples:
  tidemark tiers
  tidemark tiers --from 2025-01-01 --to 2025-12-31
  tidemark tiers --rules '[{"tier":"high","minSpend":20000,"minRepurchase":0.3},{"tier":"potential","minSpend":5000}]'
  tidemark tiers --save && tidemark query --metrics revenue --by value_tier
  tidemark tiers --out tiers.xlsx
`,
  );
  tiers.action(runTiersCommand);

  const matrix = program
    .command('matrix')
    .description('customer value matrix (客户价值矩阵): average order value × purchase frequency → 优质型, 乐于消费型, 经常型, 不确定型')
    .option('--aov-threshold <median|mean|n>', 'average order value split: high = above it (default median)')
    .option('--frequency-threshold <median|mean|n>', 'purchase frequency (orders) split: high = above it (default median)');
  addWindowOptions(matrix, 'tm_matrix', 'value_type');
  matrix.addHelpText(
    'after',
    `
Examples:
  tidemark matrix
  tidemark matrix --from 2025-01-01 --to 2025-12-31 --frequency-threshold 1
  tidemark matrix --save && tidemark query --metrics revenue --by value_type
  tidemark matrix --out matrix.csv
`,
  );
  matrix.action(runMatrixCommand);
}
