/**
 * Cohorts: acquisition-cohort retention as a heatmap table (rows: cohorts by month of first order; columns: months
 * since), switchable (URL ?metric=) to revenue retention and LTV to date (cumulative revenue per customer), with the
 * average curve above. An HTML table, so numbers read and copy as in a spreadsheet.
 */
import { useMemo } from 'react';
import { useShared } from '../../app/filters.js';
import { setParams, useLocation } from '../../app/router.js';
import { Card } from '../../components/Card.js';
import { Chart } from '../../charts/Chart.js';
import type { EChartsOption } from '../../charts/echarts.js';
import { formatMoney, formatNumber, formatPercent } from '../../i18n/format.js';
import type { Locale } from '../../i18n/index.js';
import { ltvAt } from './analysis-logic.js';
import { AnalysisState, FiltersNote, Kpi, monthWindow, RunFooter, Switch, useAnalysis, type RunInfo } from './analysis-common.js';
import { useAm } from './analyses-messages.js';
import './customers.css';

interface CohortResult extends RunInfo {
  maxAge: number;
  customers: number;
  cohorts: Cohort[];
}

import { AGE_CHOICES, averageCurve, COHORT_METRICS, cohortValues, heatColor, type Cohort, type CohortMetric } from './analysis-logic.js';

export default function CohortsTab() {
  const { m, locale } = useAm();
  const shared = useShared();
  const search = useLocation().search;
  const metric = (COHORT_METRICS as readonly string[]).includes(search.get('metric') ?? '') ? (search.get('metric') as CohortMetric) : 'retention';
  const agesParam = (AGE_CHOICES as readonly string[]).includes(search.get('ages') ?? '') ? (search.get('ages') as (typeof AGE_CHOICES)[number]) : '12';
  const body = useMemo(() => monthWindow(shared), [shared.from, shared.to]);
  const state = useAnalysis<CohortResult>('cohorts', body);
  const fmt = (v: number | null) => (v === null ? '' : metric === 'ltv' ? formatMoney(v, locale, true) : formatPercent(v, locale, 0));
  return (
    <div className="ca-tab" data-testid="cohorts-tab">
      <FiltersNote count={shared.filters.length} />
      <div className="ca-toolbar">
        <Switch
          value={metric}
          testId="cohort-metric"
          options={COHORT_METRICS.map((k) => ({ value: k, label: m(`cohort.${k}`) }))}
          onChange={(v) => setParams({ metric: v === 'retention' ? undefined : v })}
        />
        <Switch value={agesParam} testId="cohort-ages" options={AGE_CHOICES.map((k) => ({ value: k, label: k === 'all' ? m('cohort.allMonths') : m('cohort.months', { n: k }) }))} onChange={(v) => setParams({ ages: v === '12' ? undefined : v })} />
      </div>
      <AnalysisState state={state} what={m('what.cohorts')} isEmpty={(r) => r.cohorts.length === 0}>
        {(r) => {
          const ages = agesParam === 'all' ? r.maxAge + 1 : Math.min(r.maxAge + 1, Number(agesParam) + 1);
          return <CohortView r={r} metric={metric} ages={ages} fmt={fmt} locale={locale} />;
        }}
      </AnalysisState>
    </div>
  );
}

function CohortView({ r, metric, ages, fmt, locale }: { r: CohortResult; metric: CohortMetric; ages: number; fmt: (v: number | null) => string; locale: Locale }) {
  const { m } = useAm();
  const avg = useMemo(() => averageCurve(r.cohorts, metric, ages), [r, metric, ages]);
  // Colour scale: retention and revenue retention 0…100% beyond month 0 (month 0 is 100% by definition); LTV up to its largest value.
  const max = useMemo(() => {
    if (metric !== 'ltv') {
      const vals = r.cohorts.flatMap((c) => cohortValues(c, metric).slice(1, ages)).filter((v): v is number => v !== null);
      return Math.min(1, Math.max(0.05, ...vals));
    }
    return Math.max(0, ...r.cohorts.flatMap((c) => cohortValues(c, metric).slice(0, ages)).filter((v): v is number => v !== null));
  }, [r, metric, ages]);
  const curve: EChartsOption = {
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => fmt(typeof v === 'number' ? v : null) },
    grid: { left: 8, right: 16, top: 24, bottom: 28, containLabel: true },
    xAxis: { type: 'category', name: m('cohort.age'), nameLocation: 'middle', nameGap: 24, data: avg.map((_, i) => String(i)) },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmt(v) } },
    series: [{ type: 'line', name: m('cohort.average'), data: avg.map((v) => (v === null ? null : Number(v.toFixed(4)))), smooth: true, areaStyle: { opacity: 0.15 } }],
  };
  const m1 = averageCurve(r.cohorts, 'retention', 2)[1] ?? null;
  const m3 = averageCurve(r.cohorts, 'retention', 4)[3] ?? null;
  const ltv = ltvAt(r.cohorts, 12);
  return (
    <>
      <div className="ca-kpis">
        <Kpi label={m('kpi.customers')} value={formatNumber(r.customers, locale)} />
        <Kpi label={m('cohort.count')} value={formatNumber(r.cohorts.length, locale)} />
        <Kpi label={m('cohort.m1')} value={formatPercent(m1, locale)} />
        <Kpi label={m('cohort.m3')} value={formatPercent(m3, locale)} />
        <Kpi label={m('cohort.ltvAt', { n: String(ltv.age) })} value={formatMoney(ltv.value, locale, true)} />
      </div>
      <Card title={m('cohort.curve', { metric: m(`cohort.${metric}`) })}>
        <Chart option={curve} height={220} ariaLabel={m('cohort.curve', { metric: m(`cohort.${metric}`) })} />
      </Card>
      <Card title={m('cohort.heatmap', { metric: m(`cohort.${metric}`) })} testId="cohort-card">
        <div className="table-wrap cohort-wrap">
          <table className="table cohort-table" data-testid="cohort-heatmap">
            <thead>
              <tr>
                <th>{m('cohort.cohort')}</th>
                <th className="num">{m('col.customers')}</th>
                {Array.from({ length: ages }, (_, a) => (
                  <th key={a} className="num">
                    {m('cohort.ageCol', { n: a })}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {r.cohorts.map((c) => {
                const vals = cohortValues(c, metric);
                return (
                  <tr key={`${c.cohort}|${c.group ?? ''}`}>
                    <th>{c.group ? `${c.label} · ${c.group}` : c.label}</th>
                    <td className="num">{formatNumber(c.customers, locale)}</td>
                    {Array.from({ length: ages }, (_, a) => {
                      const v = vals[a] ?? null;
                      const bg = heatColor(v, max);
                      const dark = v !== null && max > 0 && v / max > 0.55;
                      return (
                        <td key={a} className={`num cohort-cell${dark ? ' dark' : ''}`} style={bg ? { background: bg } : undefined} data-testid={`cohort-${c.label}-${a}`} data-value={v ?? ''} title={v === null ? undefined : `${c.label} +${a}: ${fmt(v)} (${formatNumber(c.activeCustomers[a], locale)} / ${formatNumber(c.customers, locale)})`}>
                          {fmt(v)}
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <p className="ca-hint muted">{m(`cohort.hint.${metric}`)}</p>
        <RunFooter run={r} />
      </Card>
    </>
  );
}
