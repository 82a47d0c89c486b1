import { Option, type Command } from 'commander';
import { customersSql, RfmError, runRfm, saveRfm, SEGMENTS, type RfmParams, type Thresholds } from '../../analyses/rfm/index.js';
import { exportQuery } from '../../export/index.js';
import { openWarehouse } from '../../warehouse/duckdb.js';
import { addCommonOptions, dbPathOf, formatNumber, formatPercent, renderTable, UsageError, write, type CommonOptions } from '../output.js';
import { type AnalysisOptions, langOf, resultFormat, saveJson, saveTables } from './analysis.js';

interface RfmOptions extends CommonOptions, Omit<AnalysisOptions, 'catalog'> {
  readonly asOf?: string;
  readonly from?: string;
  readonly scores?: 'quintiles' | 'thresholds';
  readonly recency?: string;
  readonly frequency?: string;
  readonly monetary?: string;
  readonly split?: 'score_mean' | 'value_mean' | 'score_3';
  readonly compareAsOf?: string;
  readonly save?: boolean;
  readonly sql?: boolean;
}

function cuts(flag: string, v: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  const n = parts.map(Number);
  if (parts.some((s) => s === '') || n.some((x) => !Number.isFinite(x))) throw new UsageError(`--${flag} '${v}': write 4 numbers separated by commas, e.g. 30,90,180,365`);
  return n;
}

export function rfmParamsFromFlags(opts: RfmOptions): RfmParams {
  const t: Partial<Record<keyof Thresholds, number[]>> = {};
  for (const k of ['recency', 'frequency', 'monetary'] as const) if (opts[k]) t[k] = cuts(k, opts[k]!);
  const hasT = Object.keys(t).length > 0;
  return {
    ...(opts.asOf ? { asOf: opts.asOf } : {}),
    ...(opts.from ? { from: opts.from } : {}),
    ...(opts.scores ? { scores: opts.scores } : hasT ? { scores: 'thresholds' as const } : {}),
    ...(hasT ? { thresholds: t } : {}),
    ...(opts.split ? { split: opts.split } : {}),
    ...(opts.compareAsOf ? { compareAsOf: opts.compareAsOf } : {}),
  };
}

const FLAG: Record<string, string> = { asOf: '--as-of', from: '--from', compareAsOf: '--compare-as-of', scores: '--scores', split: '--split', 'thresholds.recency': '--recency', 'thresholds.frequency': '--frequency', 'thresholds.monetary': '--monetary', thresholds: '--recency/--frequency/--monetary' };

function asUsage(e: unknown): unknown {
  if (e instanceof RfmError) return new UsageError(e.issues.map((i) => (FLAG[i.field] ? `${FLAG[i.field]}: ${i.message.replace(/^[\w.]+: /, '')}` : i.message)).join('; '));
  return e;
}

async function runRfmCommand(opts: RfmOptions): Promise<void> {
  const lang = langOf(opts);
  const format = resultFormat(opts);
  const params = rfmParamsFromFlags(opts);
  const wh = await openWarehouse({ path: dbPathOf(opts), readOnly: !opts.save });
  try {
    let result;
    try {
      result = await runRfm(wh, params);
    } catch (e) {
      throw asUsage(e);
    }
    let saved: number | undefined;
    if (opts.save) saved = await saveRfm(wh, result.params);
    if (saved !== undefined) process.stderr.write(`Saved ${formatNumber(saved)} customers' RFM as of ${result.params.asOf} to tm_rfm\n`);
    if (format === 'csv' || format === 'xlsx') {
      // --out: the per-customer scores, streamed (a warehouse can have millions of customers)
      const cs = customersSql(result.params);
      const labels = SEGMENTS.map((s) => `WHEN '${s.key}' THEN '${lang === 'zh' ? s.zh : s.en}'`).join(' ');
      const sql = `SELECT customer_id, strftime(last_order_at, '%Y-%m-%d') AS last_order_date, recency_days, frequency, monetary, r, f, m, segment, CASE segment ${labels} END AS segment_label FROM (${cs.sql}) x`;
      if (!opts.out) {
        const res = await wh.query(sql, cs.params);
        await saveTables('csv', undefined, [{ name: 'RFM', columns: res.columns.map((c) => ({ header: c.name })), rows: res.rows.map((r) => res.columns.map((c) => r[c.name])) }]);
        return;
      }
      // Column types (so numbers stay numbers in Excel): DESCRIBE binds the query without running it.
      const described = await wh.query(`DESCRIBE ${sql}`, cs.params);
      const columns = described.rows.map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
      const r = await exportQuery(wh, { sql, params: cs.params, columns, out: opts.out, format, sheet: 'RFM' });
      process.stderr.write(`Wrote ${formatNumber(r.rows)} customers to ${r.out}\n`);
      return;
    }
    if (format === 'json') {
      const body = { ...result, ms: Math.round(result.ms) };
      await saveJson(opts.out, body);
      return;
    }
    const zh = lang === 'zh';
    const f1 = (v: unknown) => (v === null || v === undefined ? '—' : formatNumber(Number(v), 1));
    const rows = result.segments.map((s) => ({
      segment: zh ? s.zh : s.en,
      rfm: `R${SEGMENTS.find((d) => d.key === s.segment)!.r ? '↑' : '↓'}F${SEGMENTS.find((d) => d.key === s.segment)!.f ? '↑' : '↓'}M${SEGMENTS.find((d) => d.key === s.segment)!.m ? '↑' : '↓'}`,
      customers: formatNumber(s.customers),
      share: formatPercent(s.customerShare),
      revenue: formatNumber(s.revenue, 2),
      revenueShare: formatPercent(s.revenueShare),
      r: f1(s.avgRecencyDays),
      f: s.avgFrequency === null ? '—' : formatNumber(s.avgFrequency, 2),
      m: s.avgMonetary === null ? '—' : formatNumber(s.avgMonetary, 2),
      action: zh ? s.actionZh : s.actionEn,
    }));
    const R = 'right' as const;
    let text = renderTable(
      [
        { key: 'segment', header: zh ? '客户分群' : 'Segment' },
        { key: 'rfm', header: 'RFM' },
        { key: 'customers', header: zh ? '客户数' : 'Customers', align: R },
        { key: 'share', header: zh ? '客户占比' : 'Share', align: R },
        { key: 'revenue', header: zh ? '销售额' : 'Revenue', align: R },
        { key: 'revenueShare', header: zh ? '销售额占比' : 'Revenue share', align: R },
        { key: 'r', header: zh ? '平均R(天)' : 'Avg R (days)', align: R },
        { key: 'f', header: zh ? '平均F(单)' : 'Avg F (orders)', align: R },
        { key: 'm', header: zh ? '平均M' : 'Avg M', align: R },
        { key: 'action', header: zh ? '建议' : 'Action', maxWidth: 40 },
      ],
      rows,
    );
    const p = result.params;
    text += `\n${formatNumber(result.customers)} ${zh ? '位客户' : 'customers'} · ${zh ? '截至' : 'as of'} ${p.asOf} · ${zh ? '窗口' : 'window'} ${p.from ?? (zh ? '全部历史' : 'all history')} → ${p.asOf} · ${p.scores} · ${p.split} · ${Math.round(result.ms)} ms\n`;
    if (result.movement) {
      const mv = result.movement;
      const name = (k: string) => (k === 'none' ? (zh ? '无订单' : 'No orders') : zh ? SEGMENTS.find((s) => s.key === k)!.zh : SEGMENTS.find((s) => s.key === k)!.en);
      const cols = [{ key: 'from', header: `${mv.fromAsOf} \\ ${mv.toAsOf}` }, ...mv.segments.map((k, j) => ({ key: `c${j}`, header: name(k), align: R }))];
      const mrows = mv.segments.map((k, i) => ({ from: name(k), ...Object.fromEntries(mv.counts[i]!.map((n, j) => [`c${j}`, formatNumber(n)])) }));
      text += `\n${zh ? '分群变迁（客户数）' : 'Movement (customers)'}\n${renderTable(cols, mrows)}\n`;
    }
    if (opts.sql) text += `\n${result.sql.summary}\n-- params: ${JSON.stringify(result.sqlParams.summary)}\n`;
    await write(text);
  } finally {
    await wh.close();
  }
}

export function registerRfm(program: Command): void {
  const cmd = program
    .command('rfm')
    .description('RFM analysis: recency, frequency, monetary per customer, scores 1–5 and the eight segments (重要价值客户 …)')
    .option('--as-of <YYYY-MM-DD>', 'analysis date: orders before this day count (default: the day after the last order)')
    .option('--from <YYYY-MM-DD>', 'first day of the window (default: all history)')
    .addOption(new Option('--scores <method>', 'quintiles (default) or business thresholds').choices(['quintiles', 'thresholds']))
    .option('--recency <d1,d2,d3,d4>', 'recency cut points in days for --scores thresholds (default 30,90,180,365)')
    .option('--frequency <n1,n2,n3,n4>', 'frequency cut points in orders (default 2,3,5,10)')
    .option('--monetary <a1,a2,a3,a4>', 'monetary cut points (default 100,500,1000,5000)')
    .addOption(new Option('--split <rule>', 'high/low: score above the average score (default), raw value vs its average, or score ≥ 3').choices(['score_mean', 'value_mean', 'score_3']))
    .option('--compare-as-of <YYYY-MM-DD>', 'a second as-of date: segment movement matrix between the two')
    .option('--save', 'store the per-customer result in the warehouse (tm_rfm), replacing that as-of date; used by the dimension rfm_segment')
    .addOption(new Option('--lang <lang>', 'language of headers and labels (default: $TIDEMARK_LANG, else zh)').choices(['zh', 'en']))
    .addOption(new Option('--format <format>', 'table on a terminal, json when piped; csv/xlsx with --out write the per-customer scores').choices(['table', 'json', 'csv', 'xlsx']))
    .option('--out <file>', 'write the per-customer scores (.csv, .xlsx) or the summary (.json)')
    .option('--sql', 'also print the SQL that ran');
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  tidemark rfm
  tidemark rfm --as-of 2024-07-01 --compare-as-of 2024-01-01
  tidemark rfm --scores thresholds --recency 30,90,180,365 --frequency 2,3,5,10
  tidemark rfm --save && tidemark query --metrics revenue --by rfm_segment
  tidemark rfm --out rfm.xlsx
`,
  );
  cmd.action(runRfmCommand);
}
