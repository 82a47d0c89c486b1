import { Option, type Command } from 'commander';
import { MembersError, MEMBER_GRAINS, runMembers, type MemberGrain, type MembersParams, type MembersResult } from '../../analyses/members/index.js';
import type { ResultTable } from '../../export/tables.js';
import type { Lang } from '../../query/format.js';
import { openWarehouse } from '../../warehouse/duckdb.js';
import { addCommonOptions, dbPathOf, formatNumber, renderTable, UsageError, write, type CommonOptions } from '../output.js';
import { addAnalysisOptions, type AnalysisOptions, asUsageError, langOf, openCatalog, resultFormat, saveJson, saveTables } from './analysis.js';

interface MembersOptions extends CommonOptions, AnalysisOptions {
  readonly from?: string;
  readonly to?: string;
  readonly asOf?: string;
  readonly compareAsOf?: string;
  readonly grain?: MemberGrain;
  readonly tiers?: string;
  readonly sql?: boolean;
}

export function membersParamsFromFlags(opts: MembersOptions): MembersParams {
  return {
    ...(opts.from ? { from: opts.from } : {}),
    ...(opts.to ? { to: opts.to } : {}),
    ...(opts.asOf ? { asOf: opts.asOf } : {}),
    ...(opts.compareAsOf ? { compareAsOf: opts.compareAsOf } : {}),
    ...(opts.grain ? { grain: opts.grain } : {}),
    ...(opts.tiers !== undefined ? { tiers: opts.tiers.split(',').map((s) => s.trim()) } : {}),
  };
}

const FLAG: Record<string, string> = { from: '--from', to: '--to', asOf: '--as-of', compareAsOf: '--compare-as-of', grain: '--grain', tiers: '--tiers' };

function asUsage(e: unknown): unknown {
  if (e instanceof MembersError) return new UsageError(e.issues.map((i) => (FLAG[i.field] ? `${FLAG[i.field]}: ${i.message.replace(/^[\w.]+: /, '')}` : i.message)).join('; '));
  return asUsageError(e);
}

function texts(lang: Lang) {
  const zh = lang === 'zh';
  return {
    none: zh ? '非会员' : 'Not a member',
    period: zh ? '期间' : 'Period',
    snapshot: zh ? '截至' : 'As of',
    members: zh ? '会员合计' : 'Members',
    nonMembers: zh ? '非会员' : 'Non-members',
    earned: zh ? '积分发放' : 'Earned',
    redeemed: zh ? '积分使用' : 'Redeemed',
    expired: zh ? '积分过期' : 'Expired',
    other: zh ? '其他调整' : 'Other',
    net: zh ? '积分净增' : 'Net',
    balance: zh ? '期末积分余额' : 'Outstanding at end',
    distTitle: zh ? '会员等级分布(期末)' : 'Tier distribution (end of period)',
    migTitle: zh ? '会员变迁' : 'Tier migration',
    pointsTitle: zh ? '积分(发放/使用/过期/余额)' : 'Points (earned, redeemed, expired, outstanding)',
  };
}

function tables(r: MembersResult, lang: Lang): ResultTable[] {
  const t = texts(lang);
  const note = `${r.params.from} → ${r.params.to}`;
  const out: ResultTable[] = [
    {
      name: t.distTitle,
      notes: [note],
      columns: [{ header: t.period }, { header: t.snapshot }, ...r.tiers.map((x) => ({ header: x })), { header: t.members }, { header: t.nonMembers }],
      rows: r.distribution.map((d) => [d.period, d.snapshot, ...r.tiers.map((x) => d.counts[x] ?? 0), d.members, d.nonMembers]),
    },
  ];
  if (r.migration) {
    const m = r.migration;
    const name = (k: string) => (k === 'none' ? t.none : k);
    out.push({ name: t.migTitle, notes: [`${m.start} → ${m.end}`], columns: [{ header: `${m.start} \\ ${m.end}` }, ...m.labels.map((k) => ({ header: name(k) }))], rows: m.labels.map((k, i) => [name(k), ...m.counts[i]!]) });
  }
  out.push({
    name: t.pointsTitle,
    notes: [note, `${lang === 'zh' ? '期初余额' : 'Opening balance'} ${formatNumber(r.points.opening)}`],
    columns: [{ header: t.period }, { header: t.earned }, { header: t.redeemed }, { header: t.expired }, { header: t.other }, { header: t.net }, { header: t.balance }],
    rows: r.points.periods.map((x) => [x.period, x.earned, x.redeemed, x.expired, x.other, x.net, x.balance]),
  });
  return out;
}

async function runMembersCommand(opts: MembersOptions): Promise<void> {
  const catalog = openCatalog(opts);
  const lang = langOf(opts);
  const zh = lang === 'zh';
  const format = resultFormat(opts);
  const params = membersParamsFromFlags(opts);
  const wh = await openWarehouse({ path: dbPathOf(opts), readOnly: true });
  try {
    let result: MembersResult;
    try {
      result = await runMembers(wh, catalog, params);
    } catch (e) {
      throw asUsage(e);
    }
    if (format === 'json') {
      await saveJson(opts.out, { ...result, ms: Math.round(result.ms) });
      return;
    }
    const ts = tables(result, lang);
    if (format === 'csv' || format === 'xlsx') {
      await saveTables(format, opts.out, ts);
      if (opts.out) process.stderr.write(`Wrote the member analysis (${ts.length} sections) to ${opts.out}\n`);
      return;
    }
    const p = result.params;
    let text = `${zh ? '会员分析' : 'Members'} · ${p.mode === 'range' ? `${p.from} → ${p.to} · ${p.grain}` : `${zh ? '截至' : 'as of'} ${p.periods[0]!.snapshot}`}\n`;
    for (const tb of ts) {
      const cols = tb.columns.map((c, i) => ({ key: `c${i}`, header: c.header, ...(i > 0 && !(tb === ts[0] && i === 1) ? { align: 'right' as const } : {}) }));
      const rows = tb.rows.map((row) => Object.fromEntries(row.map((v, i) => [`c${i}`, typeof v === 'number' ? formatNumber(v) : String(v ?? '')])));
      text += `\n■ ${tb.name}${tb.name === ts[0]!.name ? '' : ` · ${tb.notes?.at(-1) ?? ''}`}\n${renderTable(cols, rows)}`;
    }
    const m = result.migration;
    if (m) text += `\n${zh ? '升级' : 'Upgraded'} ${formatNumber(m.upgraded)} · ${zh ? '降级' : 'downgraded'} ${formatNumber(m.downgraded)} · ${zh ? '不变' : 'unchanged'} ${formatNumber(m.unchanged)} · ${zh ? '新入会' : 'joined'} ${formatNumber(m.joined)} · ${zh ? '退出' : 'left'} ${formatNumber(m.left)}\n`;
    text += `\n${Math.round(result.ms)} ms\n`;
    if (opts.sql) text += `\n${result.sql.distribution}\n-- params: ${JSON.stringify(result.sqlParams.distribution)}\n`;
    await write(text);
  } finally {
    await wh.close();
  }
}

export function registerMembers(program: Command): void {
  const cmd = program
    .command('members')
    .description('members (会员): tier distribution over time, tier migration between two dates (会员变迁), points earned/redeemed/expired and the outstanding balance')
    .option('--from <YYYY-MM-DD>', 'first day of the range (default: the first tier change or points entry)')
    .option('--to <YYYY-MM-DD>', 'last day of the range, inclusive (default: the last one)')
    .option('--as-of <YYYY-MM-DD>', 'instead of a range: one snapshot as of this day (events before it count)')
    .option('--compare-as-of <YYYY-MM-DD>', 'with --as-of: the earlier date of the migration matrix; points are summed from it')
    .addOption(new Option('--grain <grain>', 'periods of the range: a tier snapshot at the end of each (default month)').choices([...MEMBER_GRAINS]))
    .option('--tiers <t1,t2,…>', 'tier names lowest first (default: 普通 < 银 < 金 < 白金 < 钻石 recognised, others alphabetically)')
    .option('--sql', 'also print the SQL of the tier distribution');
  addAnalysisOptions(cmd);
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  tidemark members --from 2025-01-01 --to 2025-12-31
  tidemark members --as-of 2026-01-01 --compare-as-of 2025-01-01
  tidemark members --grain quarter --out 会员分析.xlsx
`,
  );
  cmd.action(runMembersCommand);
}
