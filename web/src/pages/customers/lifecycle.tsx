/**
 * Lifecycle: every customer's stage at the end of each period (new, active, won back, sleeping, churned) as a stacked
 * area, and the flow between stages in one period (URL ?lp=<period>, default the last) as a Sankey with its
 * transition table. The last period's stages can be saved as segments.
 */
import { useMemo } from 'react';
import { useShared } from '../../app/filters.js';
import { setParams, useLocation } from '../../app/router.js';
import { Card } from '../../components/Card.js';
import { Chart } from '../../charts/Chart.js';
import type { EChartsOption } from '../../charts/echarts.js';
import { formatNumber, formatPercent } from '../../i18n/format.js';
import { AnalysisState, FiltersNote, Kpi, monthWindow, RunFooter, useAnalysis, type RunInfo } from './analysis-common.js';
import { useAm } from './analyses-messages.js';
import { SaveSegment } from './save-segment.js';
import './customers.css';

export interface LifecyclePeriod {
  start: string;
  end: string;
  label: string;
  stages: Record<string, number>;
  customers: number;
  /** [from stage][to stage], in `labels` order ('none' first). */
  transitions: number[][];
}
interface LifecycleResult extends RunInfo {
  labels: string[];
  periods: LifecyclePeriod[];
}

export const STAGE_COLORS: Record<string, string> = { none: '#cbd5e1', new: '#22c55e', active: '#2563eb', won_back: '#14b8a6', sleeping: '#f59e0b', churned: '#ef4444' };

/** The Sankey of one period: stage at its start (left) → stage at its end (right); zero flows left out. */
export function lifecycleSankey(labels: readonly string[], transitions: readonly (readonly number[])[], name: (stage: string) => string, startSuffix: string, endSuffix: string): EChartsOption {
  const left = (s: string) => `${name(s)} ${startSuffix}`;
  const right = (s: string) => `${name(s)} ${endSuffix}`;
  const links: { source: string; target: string; value: number }[] = [];
  const used = new Set<string>();
  transitions.forEach((row, i) =>
    row.forEach((v, j) => {
      if (v > 0) {
        links.push({ source: left(labels[i]!), target: right(labels[j]!), value: v });
        used.add(`L${i}`).add(`R${j}`);
      }
    }),
  );
  const nodes = [
    ...labels.flatMap((s, i) => (used.has(`L${i}`) ? [{ name: left(s), itemStyle: { color: STAGE_COLORS[s] ?? '#64748b' } }] : [])),
    ...labels.flatMap((s, j) => (used.has(`R${j}`) ? [{ name: right(s), itemStyle: { color: STAGE_COLORS[s] ?? '#64748b' } }] : [])),
  ];
  return {
    animation: false,
    tooltip: { trigger: 'item' },
    series: [{ type: 'sankey', left: 8, right: 110, top: 8, bottom: 8, nodeGap: 10, data: nodes, links, emphasis: { focus: 'adjacency' }, lineStyle: { color: 'gradient', opacity: 0.35 }, label: { fontSize: 12 } }],
  };
}

export default function LifecycleTab() {
  const { m, locale } = useAm();
  const shared = useShared();
  const lp = useLocation().search.get('lp') ?? undefined;
  const body = useMemo(() => monthWindow(shared), [shared.from, shared.to]);
  const state = useAnalysis<LifecycleResult>('lifecycle', body);
  const stageName = (s: string) => m(`stage.${s}` as 'stage.new');
  return (
    <div className="ca-tab" data-testid="lifecycle-tab">
      <FiltersNote count={shared.filters.length} />
      <AnalysisState state={state} what={m('what.lifecycle')} isEmpty={(r) => r.periods.length === 0 || r.periods.every((p) => p.customers === 0)}>
        {(r) => {
          const stages = r.labels.filter((s) => s !== 'none');
          const period = r.periods.find((p) => p.label === lp) ?? r.periods[r.periods.length - 1]!;
          const last = r.periods[r.periods.length - 1]!;
          const prev = r.periods[r.periods.indexOf(period) - 1];
          const area: EChartsOption = {
            tooltip: { trigger: 'axis' },
            legend: { top: 0 },
            grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
            xAxis: { type: 'category', boundaryGap: false, data: r.periods.map((p) => p.label) },
            yAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatNumber(v, locale) } },
            series: stages.map((s) => ({ type: 'line', name: stageName(s), stack: 'all', areaStyle: { opacity: 0.8 }, symbol: 'none', lineStyle: { width: 1 }, color: STAGE_COLORS[s], data: r.periods.map((p) => p.stages[s] ?? 0) })),
          };
          const sankey = lifecycleSankey(r.labels, period.transitions, stageName, m('lc.atStart'), m('lc.atEnd'));
          return (
            <>
              <div className="ca-kpis">
                {stages.map((s) => (
                  <Kpi
                    key={s}
                    label={`${stageName(s)} · ${last.label}`}
                    value={
                      <>
                        <span data-testid={`lc-${s}`}>{formatNumber(last.stages[s] ?? 0, locale)}</span> <span className="muted ca-small">{formatPercent((last.stages[s] ?? 0) / Math.max(1, last.customers), locale)}</span>
                      </>
                    }
                  />
                ))}
              </div>
              <Card title={m('lc.stages')}>
                <Chart option={area} height={320} testId="lifecycle-area" ariaLabel={m('lc.stages')} onClick={(e) => setParams({ lp: r.periods[e.dataIndex]?.label }, { replace: false })} />
                <p className="ca-hint muted">{m('lc.areaHint')}</p>
              </Card>
              <div className="grid lc-flow">
                <Card
                  title={m('lc.flow', { p: period.label })}
                  actions={
                    <select value={period.label} data-testid="lc-period" onChange={(e) => setParams({ lp: e.target.value }, { replace: false })} aria-label={m('lc.period')}>
                      {r.periods.map((p) => (
                        <option key={p.label} value={p.label}>
                          {p.label}
                        </option>
                      ))}
                    </select>
                  }
                >
                  <Chart option={sankey} height={340} testId="lifecycle-sankey" ariaLabel={m('lc.flow', { p: period.label })} />
                </Card>
                <Card title={m('lc.table', { p: period.label })}>
                  <div className="table-wrap">
                    <table className="table ca-matrix" data-testid="lifecycle-transitions">
                      <thead>
                        <tr>
                          <th>
                            {m('lc.from')} \ {m('lc.to')}
                          </th>
                          {r.labels.map((s) => (
                            <th key={s} className="num">
                              {stageName(s)}
                            </th>
                          ))}
                          <th className="num">{m('lc.total')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {r.labels.map((s, i) => {
                          const row = period.transitions[i] ?? [];
                          const total = row.reduce((a, b) => a + b, 0);
                          return (
                            <tr key={s}>
                              <th>{stageName(s)}</th>
                              {r.labels.map((t, j) => (
                                <td key={t} className={`num${row[j] ? '' : ' muted'}`} title={total ? formatPercent((row[j] ?? 0) / total, locale) : undefined}>
                                  {formatNumber(row[j] ?? 0, locale)}
                                </td>
                              ))}
                              <td className="num">{formatNumber(total, locale)}</td>
                            </tr>
                          );
                        })}
                      </tbody>
                    </table>
                  </div>
                  <p className="ca-hint muted">{prev ? m('lc.tableHint', { a: prev.label, b: period.label }) : m('lc.tableHintFirst')}</p>
                </Card>
              </div>
              <Card title={m('lc.save', { p: last.label })}>
                <div className="ca-save-row">
                  {stages.map((s) =>
                    (last.stages[s] ?? 0) > 0 ? (
                      <div key={s} className="ca-save-item">
                        <span>
                          {stageName(s)} <b>{formatNumber(last.stages[s] ?? 0, locale)}</b>
                        </span>
                        <SaveSegment analysis="lifecycle" body={body} dimension="lifecycle_stage" value={s} defaultName={`${stageName(s)} ${last.label}`} customers={last.stages[s] ?? 0} compact />
                      </div>
                    ) : null,
                  )}
                </div>
                <RunFooter run={r} />
              </Card>
            </>
          );
        }}
      </AnalysisState>
    </div>
  );
}
