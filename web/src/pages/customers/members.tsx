/**
 * Members: tier distribution per period (stacked bars), tier migration between two dates as a Sankey with its matrix
 * (URL ?mig=year: the last 12 months of the period, the default; ?mig=range: the whole period), and points earned,
 * redeemed, expired with the outstanding balance. Tier names are the data's own.
 */
import { useMemo } from 'react';
import { api } from '../../api/client.js';
import { useApi } from '../../api/use-api.js';
import { useShared } from '../../app/filters.js';
import { setParams, useLocation } from '../../app/router.js';
import { Card } from '../../components/Card.js';
import { Chart } from '../../charts/Chart.js';
import type { EChartsOption } from '../../charts/echarts.js';
import { formatDate, formatNumber } from '../../i18n/format.js';
import { AnalysisState, FiltersNote, Kpi, RunFooter, Switch, useAnalysis, type RunInfo } from './analysis-common.js';
import { yearBefore } from './analysis-logic.js';
import { useAm } from './analyses-messages.js';
import './customers.css';

interface Migration {
  start: string;
  end: string;
  labels: string[];
  counts: number[][];
  upgraded: number;
  downgraded: number;
  unchanged: number;
  joined: number;
  left: number;
}
interface MembersResult extends RunInfo {
  tiers: string[];
  distribution: { period: string; counts: Record<string, number>; members: number; nonMembers: number }[];
  migration: Migration;
  points: { opening: number; periods: { period: string; earned: number; redeemed: number; expired: number; other: number; net: number; balance: number }[] };
}

/** The migration Sankey: tier at the start (left) → tier at the end (right), zero flows left out. */
export function migrationSankey(mig: Migration, name: (t: string) => string, startLabel: string, endLabel: string): EChartsOption {
  const left = (t: string) => `${name(t)} · ${startLabel}`;
  const right = (t: string) => `${name(t)} · ${endLabel}`;
  // Node names carry the date (left and right must differ); the labels show the tier only — the caption and the
  // tooltip say which date, and the long right-hand labels no longer run off the chart.
  const shown = new Map<string, string>(mig.labels.flatMap((t) => [[left(t), name(t)] as const, [right(t), name(t)] as const]));
  const links: { source: string; target: string; value: number }[] = [];
  const used = new Set<string>();
  mig.counts.forEach((row, i) =>
    row.forEach((v, j) => {
      if (v > 0) {
        links.push({ source: left(mig.labels[i]!), target: right(mig.labels[j]!), value: v });
        used.add(`L${i}`).add(`R${j}`);
      }
    }),
  );
  const color = (i: number, t: string) => (t === 'none' ? '#cbd5e1' : ['#94a3b8', '#60a5fa', '#f59e0b', '#8b5cf6', '#ec4899', '#0f172a'][i % 6]);
  return {
    animation: false,
    tooltip: { trigger: 'item' },
    series: [
      {
        type: 'sankey',
        left: 8,
        right: 120,
        top: 8,
        bottom: 8,
        nodeGap: 12,
        emphasis: { focus: 'adjacency' },
        label: { formatter: (p: { name: string }) => shown.get(p.name) ?? p.name },
        lineStyle: { color: 'gradient', opacity: 0.35 },
        data: [
          ...mig.labels.flatMap((t, i) => (used.has(`L${i}`) ? [{ name: left(t), itemStyle: { color: color(i, t) } }] : [])),
          ...mig.labels.flatMap((t, j) => (used.has(`R${j}`) ? [{ name: right(t), itemStyle: { color: color(j, t) } }] : [])),
        ],
        links,
      },
    ],
  };
}

export default function MembersTab() {
  const { m, locale } = useAm();
  const shared = useShared();
  const mig = useLocation().search.get('mig') === 'range' ? 'range' : 'year';
  const body = useMemo(() => ({ ...(shared.from ? { from: shared.from } : {}), ...(shared.to ? { to: shared.to } : {}) }), [shared.from, shared.to]);
  const state = useAnalysis<MembersResult>('members', body);
  const end = state.data?.migration.end;
  const yearState = useApi(
    async (signal) => (await api.post('/api/analyses/members', { body: { asOf: end!, compareAsOf: yearBefore(end!) } as never, signal })) as unknown as MembersResult,
    [end],
    mig === 'year' && !!end,
  );
  const migState = mig === 'year' ? yearState : state;
  const tierName = (t: string) => (t === 'none' ? m('member.none') : t);
  return (
    <div className="ca-tab" data-testid="members-tab">
      <FiltersNote count={shared.filters.length} />
      <AnalysisState state={state} what={m('what.members')} isEmpty={(r) => r.distribution.every((d) => d.members === 0)}>
        {(r) => {
          const lastD = r.distribution[r.distribution.length - 1];
          const dist: EChartsOption = {
            tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
            legend: { top: 0 },
            grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
            xAxis: { type: 'category', data: r.distribution.map((d) => d.period) },
            yAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatNumber(v, locale) } },
            series: r.tiers.map((t) => ({ type: 'bar', stack: 'tiers', name: t, data: r.distribution.map((d) => d.counts[t] ?? 0) })),
          };
          const pts = r.points.periods;
          const points: EChartsOption = {
            tooltip: { trigger: 'axis' },
            legend: { top: 0 },
            grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
            xAxis: { type: 'category', data: pts.map((p) => p.period) },
            yAxis: [
              { type: 'value', axisLabel: { formatter: (v: number) => formatNumber(v, locale, 0) } },
              { type: 'value', axisLabel: { formatter: (v: number) => formatNumber(v, locale, 0) }, splitLine: { show: false } },
            ],
            series: [
              { type: 'bar', name: m('points.earned'), data: pts.map((p) => p.earned) },
              { type: 'bar', name: m('points.redeemed'), data: pts.map((p) => p.redeemed) },
              { type: 'bar', name: m('points.expired'), data: pts.map((p) => p.expired) },
              { type: 'line', name: m('points.balance'), yAxisIndex: 1, symbol: 'none', data: pts.map((p) => p.balance) },
            ],
          };
          return (
            <>
              <div className="ca-kpis">
                <Kpi label={m('member.members', { p: lastD?.period ?? '' })} value={formatNumber(lastD?.members ?? 0, locale)} testId="members-total" />
                {r.tiers.map((t) => (
                  <Kpi key={t} label={t} value={formatNumber(lastD?.counts[t] ?? 0, locale)} />
                ))}
                <Kpi label={m('points.balance')} value={formatNumber(pts[pts.length - 1]?.balance ?? r.points.opening, locale)} />
              </div>
              <Card title={m('member.distribution')}>
                <Chart option={dist} height={300} testId="members-distribution" ariaLabel={m('member.distribution')} />
              </Card>
              <Card
                title={m('member.migration')}
                testId="members-migration"
                actions={
                  <Switch
                    value={mig}
                    testId="members-mig"
                    options={[
                      { value: 'year', label: m('member.lastYear') },
                      { value: 'range', label: m('member.wholeRange') },
                    ]}
                    onChange={(v) => setParams({ mig: v === 'year' ? undefined : v })}
                  />
                }
              >
                <AnalysisState state={migState} what={m('what.members')}>
                  {(mr) => <MigrationView mig={mr.migration} tierName={tierName} />}
                </AnalysisState>
              </Card>
              <Card title={m('points.title')}>
                <Chart option={points} height={300} testId="members-points" ariaLabel={m('points.title')} />
                <RunFooter run={r} toInclusive />
              </Card>
            </>
          );
        }}
      </AnalysisState>
    </div>
  );
}

function MigrationView({ mig, tierName }: { mig: Migration; tierName: (t: string) => string }) {
  const { m, locale } = useAm();
  const start = formatDate(mig.start, locale);
  const end = formatDate(mig.end, locale);
  const option = useMemo(() => migrationSankey(mig, tierName, start, end), [mig, locale]);
  const total = mig.counts.reduce((a, row) => a + row.reduce((x, y) => x + y, 0), 0);
  return (
    <>
      <p className="ca-hint muted">{m('member.migrationHint', { a: start, b: end })}</p>
      <div className="ca-kpis">
        <Kpi label={m('member.upgraded')} value={<span className="good">{formatNumber(mig.upgraded, locale)}</span>} testId="mig-upgraded" />
        <Kpi label={m('member.downgraded')} value={<span className="bad">{formatNumber(mig.downgraded, locale)}</span>} />
        <Kpi label={m('member.unchanged')} value={formatNumber(mig.unchanged, locale)} />
        <Kpi label={m('member.joined')} value={formatNumber(mig.joined, locale)} />
        <Kpi label={m('member.left')} value={formatNumber(mig.left, locale)} />
      </div>
      <div className="grid lc-flow">
        {total > 0 ? <Chart option={option} height={340} testId="members-sankey" ariaLabel={m('member.migration')} /> : <p className="muted">{m('empty')}</p>}
        <div className="table-wrap">
          <table className="table ca-matrix" data-testid="members-matrix">
            <thead>
              <tr>
                <th>
                  {start} \ {end}
                </th>
                {mig.labels.map((t) => (
                  <th key={t} className="num">
                    {tierName(t)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {mig.labels.map((t, i) => (
                <tr key={t}>
                  <th>{tierName(t)}</th>
                  {mig.labels.map((u, j) => (
                    <td key={u} className={`num${i === j ? ' diag' : ''}${mig.counts[i]?.[j] ? '' : ' muted'}`}>
                      {formatNumber(mig.counts[i]?.[j] ?? 0, locale)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </>
  );
}
